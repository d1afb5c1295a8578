//! Confinement of the programs `learn` runs on a learner's behalf: the compiler and the test
//! program. Both go through `learn`'s own launcher (`learn __sandbox ...`), which on Linux:
//!
//! 1. enters a new user, PID and (when the kernel allows) network namespace, so the program runs
//!    under a small init of `learn`'s and every process it starts, `setsid` and double forks
//!    included, is killed by the kernel when the program ends or the launcher is killed;
//! 2. dies with `learn` (a parent-death signal on the launcher and on the init);
//! 3. sets resource limits (address space, CPU time, file size, no core dumps);
//! 4. restricts file access with Landlock: read only the system's library folders, the program
//!    itself and the [`Confinement`]'s `read` entries; write only its `write` entries; execute only
//!    the program and its `exec` entries; no signals to, and no abstract unix sockets of, anything
//!    outside the sandbox; no TCP.
//!
//! Every step degrades on its own where the kernel lacks the feature; [`protections`] says which
//! ones this machine gives (`learn doctor` prints them, `learn grade` refuses to grade without them
//! unless told `--unconfined`). On macOS only the resource limits and the process-group kill apply.
//!
//! The launcher's command line: `learn __sandbox launch PARENT_PID SPEC`, where SPEC is
//! `MEMORY CPU FILE_SIZE [-r PATH] [-w PATH] [-L] [-x PATH] -- PROGRAM ARGS...`. The init is the
//! launcher's forked child; it reports how the program ended through a pipe, and the launcher ends
//! the same way, so `learn` sees the program's own exit code or signal. This is the one place in
//! `learn` that uses `unsafe` (the `fork`; see `fork_init` for why it is sound there).

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use nix::sys::resource::{Resource, setrlimit};

use crate::error::{EXIT_ERROR, EXIT_INTERRUPTED};
use crate::sys::{self, ResourceLimits, SANDBOX_ARG};

/// What a confined program may touch, besides the system's library folders (read), itself (read,
/// exec).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confinement {
    pub read: Vec<PathBuf>,
    pub write: Vec<PathBuf>,
    pub exec: Vec<PathBuf>,
    /// Refuse file locks (`flock`): a lock on any readable file is a lock shared by the whole
    /// machine, which a course that keeps all state in its values does not allow.
    pub no_file_locks: bool,
}

/// Folders every confined program may read and execute from: the system's shared libraries and the
/// dynamic loader (on Nix and Guix systems, their stores hold them).
pub const SYSTEM_LIBRARIES: &[&str] = &[
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local/lib",
    "/nix/store",
    "/gnu/store",
];
/// Files every confined program may read: the dynamic loader's configuration.
#[cfg(target_os = "linux")]
const SYSTEM_FILES: &[&str] = &["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.preload"];
/// Devices every confined program may read and write.
#[cfg(target_os = "linux")]
const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"];
/// The folders of the system's programs (the linker the compiler calls lives there).
pub const SYSTEM_PROGRAMS: &[&str] = &["/usr/bin", "/bin", "/usr/local/bin"];

/// A command that runs `program args` under `limits` and `confinement`, through `learn`'s
/// launcher. The caller spawns it (in its own process group, via `sys::spawn_in_group`), with
/// stdin, stdout and stderr piped: they are passed through unchanged to `program`.
pub fn sandboxed(
    program: &Path,
    args: &[&OsStr],
    limits: ResourceLimits,
    confinement: &Confinement,
) -> io::Result<Command> {
    let mut cmd = Command::new(sys::own_exe()?);
    cmd.arg(SANDBOX_ARG).arg("launch").arg(std::process::id().to_string());
    // Nothing of the grader's environment reaches the program but what running it needs: a token
    // in a CI job's environment must not be readable by the learner's code, at compile time
    // (`env!`) or at run time. The caller adds the program's own variables (`TMPDIR`, …).
    cmd.env_clear();
    for key in KEPT_ENV {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    let spec = Spec {
        limits,
        confinement: confinement.clone(),
        program: program.as_os_str().to_owned(),
        args: args.iter().map(|a| a.to_os_string()).collect(),
    };
    cmd.args(spec.to_args());
    Ok(cmd)
}

/// The variables a confined program keeps: where the linker is, and the language of messages.
const KEPT_ENV: [&str; 4] = ["PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH"];

/// What the launcher is asked to run, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    limits: ResourceLimits,
    confinement: Confinement,
    program: OsString,
    args: Vec<OsString>,
}

impl Spec {
    fn to_args(&self) -> Vec<OsString> {
        let l = &self.limits;
        let mut out: Vec<OsString> =
            vec![l.memory.to_string().into(), l.cpu_secs.to_string().into(), l.file_size.to_string().into()];
        let c = &self.confinement;
        for (flag, paths) in [("-r", &c.read), ("-w", &c.write), ("-x", &c.exec)] {
            for p in paths {
                out.push(flag.into());
                out.push(p.as_os_str().to_owned());
            }
        }
        if c.no_file_locks {
            out.push("-L".into());
        }
        out.push("--".into());
        out.push(self.program.clone());
        out.extend(self.args.iter().cloned());
        out
    }

    fn parse(args: &[OsString]) -> Option<Spec> {
        let num = |i: usize| args.get(i).and_then(|a| a.to_str()).and_then(|a| a.parse::<u64>().ok());
        let limits = ResourceLimits { memory: num(0)?, cpu_secs: num(1)?, file_size: num(2)? };
        let mut confinement = Confinement::default();
        let mut i = 3;
        loop {
            let flag = args.get(i)?.to_str().unwrap_or("");
            let list = match flag {
                "--" => break,
                "-L" => {
                    confinement.no_file_locks = true;
                    i += 1;
                    continue;
                }
                "-r" => &mut confinement.read,
                "-w" => &mut confinement.write,
                "-x" => &mut confinement.exec,
                _ => return None,
            };
            list.push(PathBuf::from(args.get(i + 1)?));
            i += 2;
        }
        let program = args.get(i + 1)?.clone();
        Some(Spec { limits, confinement, program, args: args[i + 2..].to_vec() })
    }
}

/// The launcher's entry point: `args` are what follows [`SANDBOX_ARG`]. Returns the exit code when
/// it does not replace itself with the program.
pub fn launcher_main(args: &[OsString]) -> i32 {
    let usage = || {
        eprintln!("learn: the sandbox launcher is internal to learn");
        EXIT_ERROR
    };
    match args.first().and_then(|a| a.to_str()) {
        Some("launch") => {
            let parent = args.get(1).and_then(|a| a.to_str()).and_then(|a| a.parse::<i32>().ok());
            match (parent, Spec::parse(args.get(2..).unwrap_or_default())) {
                (Some(parent), Some(spec)) => launch(parent, &spec),
                _ => usage(),
            }
        }
        Some("report") => report(args.get(1).and_then(|a| a.to_str()).and_then(|a| a.parse::<i32>().ok())),
        _ => usage(),
    }
}

/// Runs `spec` confined as far as this machine allows.
fn launch(parent: i32, spec: &Spec) -> i32 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // If learn dies without a chance to clean up (SIGKILL), take the program down too.
        let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
    }
    // learn may have exited between starting this launcher and the line above (a Ctrl-C at that
    // moment): then nobody would kill the program, so do not start it.
    if nix::unistd::getppid().as_raw() != parent {
        return EXIT_INTERRUPTED;
    }
    // Descriptors learn inherited without close-on-exec (from a shell, a build tool, a CI runner)
    // would reach the program: it gets its three standard streams only.
    #[cfg(target_os = "linux")]
    linux::close_inherited_on_exec();
    #[cfg(target_os = "linux")]
    if let Some(code) = linux::launch_in_namespaces(spec) {
        return code;
    }
    // Without namespaces: limit and confine this process, then become the program.
    set_limits(spec.limits);
    #[cfg(target_os = "linux")]
    let _ = linux::restrict(&spec.confinement, Path::new(&spec.program));
    #[cfg(target_os = "linux")]
    let _ = linux::deny_system_calls(spec.confinement.no_file_locks);
    let err = Command::new(&spec.program).args(&spec.args).exec();
    eprintln!("learn: could not start {}: {err}", spec.program.to_string_lossy());
    EXIT_ERROR
}

/// Best effort: a platform that refuses a limit still runs the program under the time limit.
fn set_limits(limits: ResourceLimits) {
    let _ = setrlimit(Resource::RLIMIT_AS, limits.memory, limits.memory);
    let _ = setrlimit(Resource::RLIMIT_CPU, limits.cpu_secs, limits.cpu_secs + 1);
    let _ = setrlimit(Resource::RLIMIT_FSIZE, limits.file_size, limits.file_size);
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
}

/// One protection and whether this machine gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protection {
    /// What it protects, in a few words.
    pub name: &'static str,
    pub active: bool,
    /// How (when active) or why not (when not).
    pub detail: String,
}

/// Which protections graded programs get on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protections {
    pub items: Vec<Protection>,
}

/// Names of the protections `learn grade` requires (see [`Protections::confined`]).
const FILES: &str = "file access";
const DESCENDANTS: &str = "no process outlives grading";
const SIGNALS: &str = "no signals to other processes";

impl Protections {
    /// Whether graded programs are confined: file access restricted, no descendant survives, and no
    /// signal reaches a process outside the sandbox.
    pub fn confined(&self) -> bool {
        self.missing().is_empty()
    }

    /// The required protections this machine lacks.
    pub fn missing(&self) -> Vec<&Protection> {
        self.items.iter().filter(|p| [FILES, DESCENDANTS, SIGNALS].contains(&p.name) && !p.active).collect()
    }
}

/// Which protections this machine gives, found once per process by running a probe through the
/// launcher exactly as a test program is run (about 5 ms).
pub fn protections() -> Protections {
    static FOUND: OnceLock<Protections> = OnceLock::new();
    FOUND.get_or_init(probe).clone()
}

/// The lines the probe program prints (`key=yes|no`).
fn probe() -> Protections {
    let seen = run_probe().unwrap_or_default();
    let yes = |key: &str| seen.lines().any(|l| l == format!("{key}=yes"));
    let linux = cfg!(target_os = "linux");
    let not_here = |what: &str| format!("not available on {} ({what})", std::env::consts::OS);
    let item = |name, active, how: &str, why_not: String| Protection {
        name,
        active,
        detail: if active { how.to_string() } else { why_not },
    };
    let landlock = landlock_support();
    let items = vec![
        item(
            "resource limits",
            yes("limits"),
            "address space, CPU time and file size limits, no core dumps (setrlimit)",
            "the launcher could not set its limits".into(),
        ),
        item(
            "memory limit enforced",
            linux,
            "the address-space limit bounds memory and threads",
            not_here("the kernel ignores the address-space limit"),
        ),
        item(
            "process group killed at the end",
            true,
            "the program and what it starts share one process group, killed when grading ends",
            String::new(),
        ),
        item(
            "dies with learn",
            linux,
            "a parent-death signal ends the sandbox if learn is killed",
            not_here("no parent-death signal"),
        ),
        item(
            DESCENDANTS,
            yes("pid_namespace"),
            "a PID namespace: every process the program starts, setsid and double forks included, ends with it",
            if linux {
                "user or PID namespaces are not allowed for unprivileged users here (on Ubuntu: \
                 `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`); a process that leaves \
                 the process group may outlive grading"
                    .into()
            } else {
                not_here("a process that leaves the process group may outlive grading")
            },
        ),
        item(
            FILES,
            yes("files_confined"),
            "Landlock: read only system libraries and the program; write only its own scratch or build folder",
            if linux {
                format!("Landlock is not enforced ({landlock}): programs may read and write whatever learn can")
            } else {
                not_here("programs may read and write whatever learn can")
            },
        ),
        item(
            SIGNALS,
            yes("signals_confined"),
            "processes outside the sandbox are out of reach (Landlock signal scoping, and the PID namespace where there is one)",
            not_here_or(linux, "neither a PID namespace nor Landlock signal scoping is available"),
        ),
        item(
            "no network",
            yes("network_isolated"),
            "a network namespace without interfaces, and Landlock TCP rules",
            not_here_or(linux, "network namespaces are not allowed here"),
        ),
    ];
    Protections { items }
}

fn not_here_or(linux: bool, why: &str) -> String {
    if linux { why.to_string() } else { format!("not available on {}", std::env::consts::OS) }
}

/// Which Landlock this kernel offers, in words.
fn landlock_support() -> String {
    #[cfg(target_os = "linux")]
    {
        linux::landlock_support()
    }
    #[cfg(not(target_os = "linux"))]
    {
        "not on this system".to_string()
    }
}

/// Runs the probe through the launcher, in a scratch folder of its own; its output.
fn run_probe() -> Option<String> {
    let scratch = tempfile::Builder::new().prefix("learn-probe").tempdir().ok()?;
    let exe = sys::own_exe().ok()?;
    let confinement = Confinement { write: vec![scratch.path().to_path_buf()], ..Confinement::default() };
    let parent = std::process::id().to_string();
    let args = [OsStr::new(SANDBOX_ARG), OsStr::new("report"), OsStr::new(&parent)];
    let limits = ResourceLimits { memory: 1 << 30, cpu_secs: 10, file_size: 1 << 20 };
    let mut cmd = sandboxed(&exe, &args, limits, &confinement).ok()?;
    cmd.current_dir(scratch.path()).stdin(std::process::Stdio::null());
    let out = cmd.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The probe program: says what it can and cannot do from inside the sandbox. `outside` is the
/// process id of the `learn` that started it.
fn report(outside: Option<i32>) -> i32 {
    let say = |key: &str, yes: bool| println!("{key}={}", if yes { "yes" } else { "no" });
    let limited = nix::sys::resource::getrlimit(Resource::RLIMIT_AS).is_ok_and(|(soft, _)| soft == 1 << 30);
    say("limits", limited);
    let pid_ns = nix::unistd::getpid().as_raw() == 2;
    say("pid_namespace", pid_ns);
    // Reading the root folder and writing next to the scratch folder must both be refused.
    let scratch_parent = std::env::current_dir().ok().and_then(|d| d.parent().map(Path::to_path_buf));
    let wrote_outside = scratch_parent.is_some_and(|p| {
        let probe = p.join(format!(".learn-probe-{}", std::process::id()));
        let made = std::fs::write(&probe, b"").is_ok();
        let _ = std::fs::remove_file(&probe);
        made
    });
    let wrote_inside = std::fs::write("inside", b"").is_ok();
    say("files_confined", std::fs::read_dir("/").is_err() && !wrote_outside && wrote_inside);
    let signal_blocked =
        outside.is_some_and(|pid| nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_err());
    say("signals_confined", signal_blocked && (pid_ns || landlock_scoped()));
    // In a network namespace of its own even the loopback interface is down.
    let loopback = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr().and_then(|addr| s.send_to(b"?", addr)))
        .is_ok();
    say("network_isolated", !loopback);
    0
}

/// Whether the kernel scopes signals with Landlock (then the launcher uses it).
fn landlock_scoped() -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::scoping_supported()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(target_os = "linux")]
mod linux {
    //! Namespaces, the init and Landlock.

    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::AsFd;
    use std::path::Path;
    use std::process::Command;

    use landlock::{
        ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset, RulesetAttr,
        RulesetCreatedAttr, RulesetError, Scope,
    };
    use nix::fcntl::OFlag;
    use nix::sched::{CloneFlags, unshare};
    use nix::sys::signal::Signal;
    use nix::sys::wait::{WaitStatus, waitpid};
    use nix::unistd::{ForkResult, Pid};

    use super::{Confinement, DEVICES, SYSTEM_FILES, SYSTEM_LIBRARIES, Spec, set_limits};
    use crate::error::EXIT_ERROR;

    /// The Landlock ABI whose rights `learn` asks for (older kernels enforce what they can).
    const ABI_USED: ABI = ABI::V6;

    /// Enters new namespaces and runs the program under `learn`'s init. `None` when the kernel
    /// refuses the namespaces (then the caller runs the program without them).
    pub fn launch_in_namespaces(spec: &Spec) -> Option<i32> {
        // The user namespace's ids are mapped through /proc, and the init is forked (see
        // `fork_init`): without /proc, or in a process that already runs threads, no namespaces.
        if single_threaded() != Some(true) {
            return None;
        }
        let (uid, gid) = (nix::unistd::getuid().as_raw(), nix::unistd::getgid().as_raw());
        let base = CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWPID;
        if unshare(base | CloneFlags::CLONE_NEWNET).is_err() && unshare(base).is_err() {
            return None;
        }
        // Inside, the program is an ordinary user (not the namespace's root), so it holds no
        // capabilities after exec.
        let inside = if uid == 0 { 1000 } else { uid };
        let inside_gid = if gid == 0 { 1000 } else { gid };
        let _ = std::fs::write("/proc/self/setgroups", "deny");
        let _ = std::fs::write("/proc/self/uid_map", format!("{inside} {uid} 1"));
        let _ = std::fs::write("/proc/self/gid_map", format!("{inside_gid} {gid} 1"));

        // `alive` tells the init that this launcher still runs (its read end sees a hang-up once
        // the launcher is gone); `status` carries how the program ended.
        let pipes = (|| {
            let (alive_r, alive_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).ok()?;
            let (status_r, status_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).ok()?;
            Some((alive_r, alive_w, status_r, status_w))
        })();
        let Some((alive_r, alive_w, status_r, status_w)) = pipes else {
            eprintln!("learn: the sandbox launcher could not create its pipes");
            return Some(EXIT_ERROR);
        };
        let init = match fork_init() {
            Ok(Some(init)) => init,
            Ok(None) => {
                // The init: the first process of the new PID namespace.
                drop(alive_w);
                drop(status_r);
                std::process::exit(init(File::from(alive_r), File::from(status_w), spec));
            }
            Err(e) => {
                eprintln!("learn: the sandbox launcher could not start its init: {e}");
                return Some(EXIT_ERROR);
            }
        };
        drop(alive_r);
        drop(status_w);
        let init_status = loop {
            match waitpid(init, None) {
                Err(nix::errno::Errno::EINTR) => {}
                other => break other,
            }
        };
        drop(alive_w);
        let mut text = String::new();
        let _ = File::from(status_r).read_to_string(&mut text);
        let mut words = text.split_whitespace();
        match (words.next(), words.next().and_then(|n| n.parse::<i32>().ok())) {
            (Some("exit"), Some(code)) => Some(code),
            (Some("signal"), Some(sig)) => {
                // End the way the program ended, so learn sees the same signal.
                if let Ok(sig) = Signal::try_from(sig) {
                    let _ = nix::sys::signal::raise(sig);
                }
                Some(128 + sig)
            }
            _ => match init_status {
                Ok(WaitStatus::Exited(_, code)) => Some(code),
                Ok(WaitStatus::Signaled(_, sig, _)) => Some(128 + sig as i32),
                _ => Some(EXIT_ERROR),
            },
        }
    }

    /// Marks every descriptor but the standard streams close-on-exec, so that no program this
    /// launcher starts inherits one.
    #[allow(unsafe_code)]
    pub fn close_inherited_on_exec() {
        use nix::libc;
        // SAFETY: `close_range` with `CLOSE_RANGE_CLOEXEC` only sets a flag on descriptors, and
        // touches no memory.
        let done = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, libc::CLOSE_RANGE_CLOEXEC) } == 0;
        if done {
            return;
        }
        // Kernels before 5.11: one descriptor at a time.
        let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return };
        let fds: Vec<i32> = entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
        for fd in fds.into_iter().filter(|&fd| fd > 2) {
            // SAFETY: `F_SETFD` sets a flag on a descriptor (or fails on one already closed), and
            // touches no memory.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
    }

    /// Whether this process runs one thread only, as far as /proc tells.
    fn single_threaded() -> Option<bool> {
        Some(std::fs::read_dir("/proc/self/task").ok()?.count() == 1)
    }

    /// Forks the init of the new PID namespace: `Some(its pid)` in the launcher, `None` in the init.
    ///
    /// Forked rather than started as a program of its own: an `exec` of `learn` costs about 1.5 ms
    /// of every confined start, and the init needs nothing but what the launcher already holds.
    #[allow(unsafe_code)]
    fn fork_init() -> nix::Result<Option<Pid>> {
        // SAFETY: `fork` is unsound only where another thread may hold a lock (the allocator's,
        // stdout's) that the child would then wait for forever. The launcher is a fresh `learn`
        // process that entered `launcher_main` before starting any thread, and
        // `launch_in_namespaces` checked it still runs one thread only.
        match unsafe { nix::unistd::fork() }? {
            ForkResult::Parent { child } => Ok(Some(child)),
            ForkResult::Child => Ok(None),
        }
    }

    /// The init of the sandbox's PID namespace: starts the program, reaps every orphan, and reports
    /// how the program ended on `status`. When it returns, the kernel kills whatever is left in the
    /// namespace.
    fn init(alive: File, mut status: File, spec: &Spec) -> i32 {
        let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
        // The launcher may have died before the parent-death signal was set: then stop.
        let mut poll = [nix::poll::PollFd::new(alive.as_fd(), nix::poll::PollFlags::POLLIN)];
        let gone = nix::poll::poll(&mut poll, nix::poll::PollTimeout::ZERO).map_or(true, |n| n > 0);
        if gone {
            return crate::error::EXIT_INTERRUPTED;
        }
        set_limits(spec.limits);
        let _ = restrict(&spec.confinement, Path::new(&spec.program));
        let _ = deny_system_calls(spec.confinement.no_file_locks);
        let child = match Command::new(&spec.program).args(&spec.args).spawn() {
            Ok(child) => child,
            Err(err) => {
                eprintln!("learn: could not start {}: {err}", spec.program.to_string_lossy());
                return EXIT_ERROR;
            }
        };
        let program = nix::unistd::Pid::from_raw(child.id() as i32);
        let ended = loop {
            match waitpid(None, None) {
                Ok(WaitStatus::Exited(pid, code)) if pid == program => break format!("exit {code}"),
                Ok(WaitStatus::Signaled(pid, sig, _)) if pid == program => break format!("signal {}", sig as i32),
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(_) => break "exit 2".to_string(),
            }
        };
        let _ = status.write_all(ended.as_bytes());
        drop(alive);
        0
    }

    /// Restricts this process (and everything it starts) to `confinement`, plus the system's
    /// libraries and `program` itself.
    pub fn restrict(confinement: &Confinement, program: &Path) -> Result<landlock::RestrictionStatus, RulesetError> {
        let read = AccessFs::ReadFile | AccessFs::ReadDir;
        let exec = read | AccessFs::Execute;
        let write = AccessFs::from_all(ABI_USED) & !AccessFs::Execute;
        let mut rules: Vec<(&Path, BitFlags<AccessFs>)> = Vec::new();
        rules.extend(SYSTEM_LIBRARIES.iter().map(|p| (Path::new(p), exec)));
        rules.extend(SYSTEM_FILES.iter().map(|p| (Path::new(p), read)));
        rules.extend(DEVICES.iter().map(|p| (Path::new(p), read | AccessFs::WriteFile)));
        rules.push((program, AccessFs::ReadFile | AccessFs::Execute));
        rules.extend(confinement.read.iter().map(|p| (p.as_path(), read)));
        rules.extend(confinement.exec.iter().map(|p| (p.as_path(), exec)));
        rules.extend(confinement.write.iter().map(|p| (p.as_path(), read | write)));
        let mut ruleset = Ruleset::default()
            .handle_access(AccessFs::from_all(ABI_USED))?
            .handle_access(AccessNet::from_all(ABI_USED))?
            .scope(Scope::from_all(ABI_USED))?
            .create()?;
        for (path, access) in rules {
            let Ok(meta) = std::fs::metadata(path) else { continue };
            let Ok(fd) = PathFd::new(path) else { continue };
            let access = if meta.is_dir() { access } else { access & AccessFs::from_file(ABI_USED) };
            ruleset = ruleset.add_rule(PathBeneath::new(fd, access))?;
        }
        ruleset.restrict_self()
    }

    /// Forbids this process and everything it starts to read or write another process's memory
    /// (`ptrace`, `process_vm_readv`/`writev`, `pidfd_getfd`): the test program holds the result
    /// channel's secret, and a program it starts (any runtime the system's folders hold, loaded
    /// by the dynamic loader) must not be able to read it from outside. Landlock keeps `/proc`
    /// out of reach; this closes the system calls. With `no_file_locks`, `flock` is refused too
    /// (see [`Confinement::no_file_locks`]).
    pub fn deny_system_calls(no_file_locks: bool) -> Result<(), String> {
        use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
        let mut calls = vec![
            nix::libc::SYS_ptrace,
            nix::libc::SYS_process_vm_readv,
            nix::libc::SYS_process_vm_writev,
            nix::libc::SYS_pidfd_getfd,
        ];
        if no_file_locks {
            calls.push(nix::libc::SYS_flock);
        }
        let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| format!("{e:?}"))?;
        let filter = SeccompFilter::new(
            calls.into_iter().map(|call| (call, Vec::new())).collect(),
            SeccompAction::Allow,
            SeccompAction::Errno(nix::libc::EPERM as u32),
            arch,
        )
        .map_err(|e| e.to_string())?;
        let program: BpfProgram = filter.try_into().map_err(|e: seccompiler::BackendError| e.to_string())?;
        nix::sys::prctl::set_no_new_privs().map_err(|e| e.to_string())?;
        seccompiler::apply_filter(&program).map_err(|e| e.to_string())
    }

    /// Whether this kernel scopes signals and abstract sockets (Landlock ABI 6).
    pub fn scoping_supported() -> bool {
        Ruleset::default()
            .set_compatibility(CompatLevel::HardRequirement)
            .scope(Scope::from_all(ABI_USED))
            .and_then(|r| r.create())
            .is_ok()
    }

    /// The newest Landlock ABI this kernel offers (of those `learn` knows), in words.
    pub fn landlock_support() -> String {
        let abis = [ABI::V1, ABI::V2, ABI::V3, ABI::V4, ABI::V5, ABI::V6];
        let newest = abis.iter().rposition(|&abi| {
            Ruleset::default()
                .set_compatibility(CompatLevel::HardRequirement)
                .handle_access(AccessFs::from_all(abi))
                .and_then(|r| r.create())
                .is_ok()
        });
        match newest {
            Some(i) => format!("the kernel offers Landlock ABI {}", i + 1),
            None => "the kernel does not offer Landlock (Linux 5.13 or newer, with Landlock enabled at boot)".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_survives_the_command_line() {
        let spec = Spec {
            limits: ResourceLimits { memory: 1, cpu_secs: 2, file_size: 3 },
            confinement: Confinement {
                read: vec!["/r".into()],
                write: vec!["/w 1".into(), "/w2".into()],
                exec: vec!["-x".into()],
                no_file_locks: true,
            },
            program: "/bin/prog".into(),
            args: vec!["--".into(), "-r".into()],
        };
        assert_eq!(Spec::parse(&spec.to_args()), Some(spec));
        assert_eq!(Spec::parse(&["1".into(), "2".into()]), None);
    }

    #[test]
    fn confined_needs_files_descendants_and_signals() {
        let item = |name, active| Protection { name, active, detail: String::new() };
        let mut found = Protections {
            items: vec![item(FILES, true), item(DESCENDANTS, true), item(SIGNALS, true), item("no network", false)],
        };
        assert!(found.confined(), "the network is not required");
        found.items[1].active = false;
        assert!(!found.confined());
        assert_eq!(found.missing().iter().map(|p| p.name).collect::<Vec<_>>(), [DESCENDANTS]);
    }
}
