//! Everything that depends on the operating system, in one place (Unix: Linux and macOS), so a port
//! touches only this module: process groups, killing a process tree, resource limits, the sandbox
//! launcher, and what happens on Ctrl-C or a termination signal.
//!
//! Learner programs run in their own process group, so one `killpg` ends the program together with
//! every thread and child process it started. Because they are not in the terminal's foreground
//! group, a Ctrl-C reaches only `learn`; the signal thread started by [`install_signal_handlers`]
//! then kills every live group before `learn` exits, so nothing outlives it.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};
use std::sync::Mutex;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::verdict::Exit;

/// Set once a termination signal arrived: whatever ends now ends because of it.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `learn` is stopping on a signal (then a child that just died was killed by `learn`).
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Blocks the calling thread while the signal thread finishes ending `learn` (it exits the process
/// once every killed process is gone, see [`install_signal_handlers`]); returns at once when no
/// signal arrived. Without this, the main thread could exit first, while a killed sandbox's
/// processes are still going.
pub fn await_signal_exit() {
    if interrupted() {
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
}

/// Process groups of learner programs and compilers that are running now.
static LIVE_GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Run before exiting on a signal (the watch mode restores the terminal with it).
static ON_SIGNAL: Mutex<Option<fn()>> = Mutex::new(None);

/// Starts `cmd` in a new process group and records the group, so a signal to `learn` takes it
/// down too. The record is made under the same lock the signal thread takes, so a signal arriving
/// right after the start still finds the group.
pub fn spawn_in_group(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    cmd.process_group(0);
    let mut live = LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    let child = cmd.spawn()?;
    live.push(child.id());
    Ok(child)
}

/// Forgets a process group that has ended.
pub fn unregister_group(pgid: u32) {
    LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner()).retain(|g| *g != pgid);
}

/// Kills every process of the group `pgid`. A group that is already gone is not an error.
pub fn kill_group(pgid: u32) {
    if let Ok(pid) = i32::try_from(pgid) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// Whether any process of the group `pgid` still runs. Zombies do not count: a sandbox's init,
/// killed with its launcher, is reaped by the system's init, which may take its time.
fn group_exists(pgid: u32) -> bool {
    let exists = i32::try_from(pgid).is_ok_and(|pid| killpg(Pid::from_raw(pid), None).is_ok());
    if !exists || !cfg!(target_os = "linux") {
        return exists;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else { return exists };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { return false };
        // `pid (comm) state ppid pgrp ...`; the command may hold spaces and parentheses.
        let fields: Vec<&str> = stat.rsplit_once(')').map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        fields.get(2).is_some_and(|g| *g == pgid.to_string()) && fields.first().is_some_and(|s| !["Z", "X"].contains(s))
    })
}

/// How a process ended, in the verdict's terms.
pub fn exit_of(status: ExitStatus) -> Exit {
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(sig)) => Exit::Signal(sig),
        (None, None) => Exit::Code(-1),
    }
}

/// Sets `f` to run (once) before `learn` exits on SIGINT, SIGTERM or SIGHUP.
pub fn on_signal(f: fn()) {
    *ON_SIGNAL.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
}

/// Starts the thread that turns SIGINT, SIGTERM and SIGHUP into a clean exit: kill every live
/// process group, run the cleanup set with [`on_signal`], exit with code 130.
pub fn install_signal_handlers() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return; // Without the handler the default action still ends learn; children may linger.
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
                let groups = LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner()).clone();
                for &g in &groups {
                    kill_group(g);
                }
                // A killed process takes a moment to go: wait (briefly) until every group is gone,
                // so that nothing of the program is left when learn's exit is seen.
                let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
                while groups.iter().any(|&g| group_exists(g)) && std::time::Instant::now() < deadline {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                if let Some(f) = *ON_SIGNAL.lock().unwrap_or_else(|e| e.into_inner()) {
                    f();
                }
                std::process::exit(crate::error::EXIT_INTERRUPTED);
            }
        })
        .ok();
}

/// Limits applied to a learner's test program by the sandbox launcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceLimits {
    /// Address space, in bytes (bounds both memory and the number of threads).
    pub memory: u64,
    /// CPU seconds, a backstop behind the wall-clock time limit.
    pub cpu_secs: u64,
    /// Largest file the program may write, in bytes.
    pub file_size: u64,
}

/// The hidden argument that makes `learn` act as the sandbox launcher.
pub const SANDBOX_ARG: &str = "__sandbox";

pub use crate::sandbox::{Confinement, sandboxed};

/// The path that starts this very `learn` again. On Linux, /proc/self/exe runs this binary even
/// after it was replaced on disk (an upgrade or a rebuild while `learn watch` runs), when its old
/// path no longer exists.
pub fn own_exe() -> std::io::Result<std::path::PathBuf> {
    let proc_exe = std::path::Path::new("/proc/self/exe");
    if proc_exe.exists() { Ok(proc_exe.to_path_buf()) } else { std::env::current_exe() }
}

/// The launcher's side of [`sandboxed`]: `args` are what follows [`SANDBOX_ARG`]. Only returns on
/// failure, or with the program's exit code (see `sandbox`).
pub fn sandbox_main(args: &[std::ffi::OsString]) -> i32 {
    crate::sandbox::launcher_main(args)
}

/// The terminal settings to put back when `learn` stops reading single keys.
static SAVED_TERMINAL: Mutex<Option<nix::sys::termios::Termios>> = Mutex::new(None);

/// Reads keys one at a time from a terminal on stdin, without echo, until dropped. Unlike a full raw
/// mode, output processing and signal keys stay on: `\n` still starts a new line, and Ctrl-C still
/// sends SIGINT (which kills running tests and restores the terminal, see [`install_signal_handlers`]).
pub struct KeyMode {
    _private: (),
}

impl KeyMode {
    /// Enters key-at-a-time mode; `None` when stdin is not a terminal.
    pub fn enter() -> Option<KeyMode> {
        use nix::sys::termios::{LocalFlags, SetArg, SpecialCharacterIndices, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        let original = tcgetattr(&stdin).ok()?;
        let mut keys = original.clone();
        keys.local_flags.remove(LocalFlags::ICANON | LocalFlags::ECHO);
        keys.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        keys.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        tcsetattr(&stdin, SetArg::TCSANOW, &keys).ok()?;
        *SAVED_TERMINAL.lock().unwrap_or_else(|e| e.into_inner()) = Some(original);
        Some(KeyMode { _private: () })
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Puts the terminal back as it was before [`KeyMode::enter`], and shows the cursor. Safe to call
/// from a panic hook or the signal thread, and more than once.
pub fn restore_terminal() {
    use nix::sys::termios::{SetArg, tcsetattr};
    if let Some(original) = SAVED_TERMINAL.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = tcsetattr(std::io::stdin(), SetArg::TCSANOW, &original);
        // A raw write: the main thread may hold the stdout lock while this runs on the signal thread.
        let leave = crate::ui::terminal::leave_alternate_screen();
        let _ =
            nix::unistd::write(std::io::stdout(), format!("{leave}{}", crate::ui::terminal::SHOW_CURSOR).as_bytes());
    }
}
