// The test harness of every exercise (see src/harness.rs): standard library only, every macro and
// item named by absolute path so the exercise cannot change what it means, and `unsafe` only where
// the library is built with `--cfg learn_fork` (see `process`). The exercise's code runs only
// inside the per-test child processes this harness starts. `learn` compiles it once per toolchain
// as the library `learn_harness` and links it to each exercise's program (`learn dev compose`
// shows it inline instead, as one self-contained crate).


#[doc(hidden)]
#[allow(dead_code)]
pub mod __learn_harness {
    use ::std::io::{Read as _, Write as _};

    /// A hidden test: its name, its function, and `Some(expected)` when it must panic.
    pub type Test = (&'static str, fn(), ::std::option::Option<&'static str>);

    const MARK: &str = "\u{1e}learn-test-passed:";
    /// Most of a child's stream kept, from its start and from its end.
    const KEEP: usize = 128 * 1024;

    pub fn main(tests: &[Test]) -> i32 {
        // The secret comes first, before any of the exercise's code can run; stdin is then empty.
        let mut secret = ::std::string::String::new();
        if ::std::io::stdin().read_to_string(&mut secret).is_err() {
            return 2;
        }
        // `SECRET` for the supervisor; `TOKEN\nNAME` for a test started as a program (its own pass
        // mark, see `token`), so the name is nowhere the exercise's code can read it (not in the
        // arguments, not in the thread's name).
        let mut lines = secret.lines();
        let name = {
            let _ = lines.next();
            lines.next().unwrap_or("").trim().to_string()
        };
        let secret = secret.lines().next().unwrap_or("").trim().to_string();
        if secret.len() < 32 {
            return 2;
        }
        let args: ::std::vec::Vec<::std::string::String> = ::std::env::args().collect();
        match args.get(1).map(|a| a.as_str()) {
            ::std::option::Option::Some("test") => run_one(tests, &name, &secret, true),
            ::std::option::Option::Some("all") => {
                let own = args.get(2).cloned().unwrap_or_default();
                let limit_ms: u64 = args.get(3).and_then(|l| l.parse().ok()).unwrap_or(10_000);
                supervise(tests, &own, &secret, ::std::time::Duration::from_millis(limit_ms))
            }
            _ => 2,
        }
    }

    /// Runs one test, and says it passed only once it has. With `watchdog`, a thread ends the
    /// process if the supervisor goes (a forked test is ended by the kernel).
    fn run_one(tests: &[Test], name: &str, token: &str, watchdog: bool) -> i32 {
        let ::std::option::Option::Some(&(_, test, should_panic)) = tests.iter().find(|t| t.0 == name) else {
            return 3;
        };
        // If the supervisor goes (learn was killed), go too: nothing may outlive grading.
        if watchdog {
            let parent = ::std::os::unix::process::parent_id();
            let _ = ::std::thread::Builder::new().name(::std::string::String::from("learn-watchdog")).spawn(
                move || loop {
                    ::std::thread::sleep(::std::time::Duration::from_millis(20));
                    if ::std::os::unix::process::parent_id() != parent {
                        ::std::process::exit(102);
                    }
                },
            );
        }
        // On this process's own thread: a test's process exists for that test alone.
        let joined = ::std::panic::catch_unwind(test);
        let passed = match (joined, should_panic) {
            (::std::result::Result::Ok(()), ::std::option::Option::None) => true,
            (::std::result::Result::Ok(()), ::std::option::Option::Some(_)) => {
                let _ = ::std::writeln!(::std::io::stderr(), "note: the test was expected to panic, and did not");
                false
            }
            (::std::result::Result::Err(_), ::std::option::Option::None) => false,
            (::std::result::Result::Err(payload), ::std::option::Option::Some(expected)) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<::std::string::String>().cloned())
                    .unwrap_or_default();
                if message.contains(expected) {
                    true
                } else {
                    let _ = ::std::writeln!(
                        ::std::io::stderr(),
                        "note: the panic message did not contain the expected text {expected:?}"
                    );
                    false
                }
            }
        };
        if !passed {
            ::std::process::exit(101);
        }
        let mut out = ::std::io::stdout().lock();
        let _ = ::std::writeln!(out, "{MARK}{token}");
        let _ = out.flush();
        ::std::process::exit(0)
    }

    /// A test's process, what it wrote so far, and how it ended.
    struct Running {
        name: &'static str,
        child: process::Proc,
        out: Kept,
        err: Kept,
        /// When the supervisor saw it end (or killed it), and whether it ran out of time.
        ended: ::std::option::Option<::std::time::Instant>,
        timed_out: bool,
        /// What its process writes once its test passed.
        mark: ::std::string::String,
    }

    /// The pass mark of one test: a token of its own, derived from the secret under a random key
    /// (`RandomState`), so a mark read from one test's output is worth nothing to another test.
    fn token(secret: &str, name: &str) -> ::std::string::String {
        use ::std::hash::{BuildHasher as _, Hasher as _};
        let keys = ::std::collections::hash_map::RandomState::new();
        let half = |n: u8| {
            let mut h = keys.build_hasher();
            h.write(secret.as_bytes());
            h.write(name.as_bytes());
            h.write_u8(n);
            h.finish()
        };
        ::std::format!("{:016x}{:016x}", half(0), half(1))
    }

    /// How long an ended test's streams are waited for: they end with the test, unless a process it
    /// started holds them open. Long enough that on a loaded machine a passing test's last line is
    /// still read.
    const GRACE: ::std::time::Duration = ::std::time::Duration::from_secs(2);

    /// Starts every test in a process of its own, all at once, and reports each as it ends, on
    /// stdout: `SECRET NAME STATUS CODE STDOUT_LEN STDERR_LEN DROPPED`, a newline, then both streams.
    fn supervise(tests: &[Test], own: &str, secret: &str, limit: ::std::time::Duration) -> i32 {
        let deadline = ::std::time::Instant::now() + limit;
        let mut running: ::std::vec::Vec<Running> = ::std::vec::Vec::new();
        // Every process is started before this one starts any thread: see `process`.
        let tokens: ::std::vec::Vec<::std::string::String> = tests.iter().map(|t| token(secret, t.0)).collect();
        let (mut watch, started) = process::start_all(tests, own, &tokens);
        for ((name, started), token) in started.into_iter().zip(&tokens) {
            match started {
                ::std::result::Result::Ok(child) => running.push(Running {
                    name,
                    child,
                    out: Kept::default(),
                    err: Kept::default(),
                    ended: ::std::option::Option::None,
                    timed_out: false,
                    mark: ::std::format!("{MARK}{token}\n"),
                }),
                ::std::result::Result::Err(e) => {
                    let text = ::std::format!("the test could not be started: {e}");
                    report(secret, name, "error", 0, b"", text.as_bytes(), 0);
                }
            }
        }
        while !running.is_empty() {
            // Sleep until a stream has output or ends, a test ends, or a time runs out.
            let now = ::std::time::Instant::now();
            let until = running
                .iter()
                .map(|r| r.ended.map_or(deadline, |at| at + GRACE))
                .min()
                .unwrap_or(now);
            watch.pump(&mut running, until.saturating_duration_since(now));
            let now = ::std::time::Instant::now();
            let mut i = 0;
            while i < running.len() {
                let r = &mut running[i];
                if r.ended.is_none() {
                    if r.child.try_wait().is_some() {
                        r.ended = ::std::option::Option::Some(now);
                    } else if now >= deadline {
                        r.child.kill();
                        r.timed_out = true;
                        r.ended = ::std::option::Option::Some(now);
                    }
                }
                let finished = r.ended.is_some_and(|at| r.child.streams_ended() || now >= at + GRACE);
                if !finished {
                    i += 1;
                    continue;
                }
                let mut done = running.swap_remove(i);
                let (mut out, out_dropped) = done.out.take();
                let (err, err_dropped) = done.err.take();
                let dropped = out_dropped + err_dropped;
                if done.timed_out {
                    report(secret, done.name, "timeout", 0, &out, &err, dropped);
                    continue;
                }
                let (status, code) = done.child.try_wait().unwrap_or(("exit", -1));
                let passed = status == "exit" && code == 0 && strip(&mut out, done.mark.as_bytes());
                let status = if passed { "pass" } else { status };
                report(secret, done.name, status, code, &out, &err, dropped);
            }
        }
        let mut out = ::std::io::stdout().lock();
        let _ = ::std::writeln!(out, "{secret} done");
        let _ = out.flush();
        0
    }

    /// How each test's process is started, and watched.
    ///
    /// Linked as the library `learn_harness` (built with `--cfg learn_fork`), the processes are
    /// forked from this one: a forked test runs at once, where a started program first loads
    /// itself and the standard library again (about a millisecond of every test, measured). That
    /// is sound because nothing but this thread runs yet when they are forked, and none of the
    /// exercise's code has run in this process: each test starts from the same fresh state as a
    /// program started anew would. This thread then reads every test's streams itself, woken by
    /// `poll` when one has output, ends, or its test ends. Compiled inline (`learn dev compose`, or
    /// where the library cannot be built), where `unsafe` is forbidden, each test is this program
    /// started again as `PROGRAM test`, with its token and the test's name on its stdin, and a
    /// thread per stream reads its output.
    #[cfg(not(learn_fork))]
    mod process {
        use ::std::io::Write as _;

        type Started = ::std::io::Result<Proc>;
        /// A chunk of a test's output (`None` when the stream ended): the test, which stream.
        type Chunk = (usize, bool, ::std::option::Option<::std::vec::Vec<u8>>);

        pub struct Proc {
            id: usize,
            child: ::std::process::Child,
            open: u8,
        }

        /// Where the reading threads send what they read.
        pub struct Watch(::std::sync::mpsc::Receiver<Chunk>);

        /// Starts a process for each test, and a thread reading each of its streams.
        pub fn start_all(
            tests: &[super::Test],
            own: &str,
            tokens: &[::std::string::String],
        ) -> (Watch, ::std::vec::Vec<(&'static str, Started)>) {
            let (tx, rx) = ::std::sync::mpsc::channel();
            let started = tests
                .iter()
                .zip(tokens)
                .enumerate()
                .map(|(id, (&(name, _, _), token))| (name, start(own, token, name, id, &tx)))
                .collect();
            (Watch(rx), started)
        }

        fn start(own: &str, token: &str, name: &str, id: usize, tx: &::std::sync::mpsc::Sender<Chunk>) -> Started {
            // Sockets, not pipes: see `streams`.
            let ((out, out_end), (err, err_end)) = (super::streams()?, super::streams()?);
            let mut child = ::std::process::Command::new(own)
                .arg("test")
                .stdin(::std::process::Stdio::piped())
                .stdout(::std::process::Stdio::from(::std::os::fd::OwnedFd::from(out_end)))
                .stderr(::std::process::Stdio::from(::std::os::fd::OwnedFd::from(err_end)))
                .spawn()?;
            if let ::std::option::Option::Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(::std::format!("{token}\n{name}\n").as_bytes());
            }
            read(out, id, true, tx.clone());
            read(err, id, false, tx.clone());
            ::std::result::Result::Ok(Proc { id, child, open: 2 })
        }

        fn read(mut pipe: impl ::std::io::Read + ::std::marker::Send + 'static, id: usize, out: bool, tx: ::std::sync::mpsc::Sender<Chunk>) {
            ::std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match pipe.read(&mut buf) {
                        ::std::result::Result::Ok(0) | ::std::result::Result::Err(_) => break,
                        ::std::result::Result::Ok(n) => {
                            if tx.send((id, out, ::std::option::Option::Some(buf[..n].to_vec()))).is_err() {
                                return;
                            }
                        }
                    }
                }
                let _ = tx.send((id, out, ::std::option::Option::None));
            });
        }

        impl Watch {
            /// Waits up to `wait` (a millisecond at most: an ending is seen by polling) for output,
            /// and keeps what arrived with its test.
            pub fn pump(&mut self, running: &mut [super::Running], wait: ::std::time::Duration) {
                let wait = wait.min(::std::time::Duration::from_millis(1));
                let mut next = self.0.recv_timeout(wait).ok();
                while let ::std::option::Option::Some((id, out, chunk)) = next {
                    if let ::std::option::Option::Some(r) = running.iter_mut().find(|r| r.child.id == id) {
                        match chunk {
                            ::std::option::Option::Some(bytes) if out => r.out.push(&bytes),
                            ::std::option::Option::Some(bytes) => r.err.push(&bytes),
                            ::std::option::Option::None => r.child.open = r.child.open.saturating_sub(1),
                        }
                    }
                    next = self.0.try_recv().ok();
                }
            }
        }

        impl Proc {
            /// `None` while it runs; then `("exit", code)` or `("signal", number)`.
            pub fn try_wait(&mut self) -> ::std::option::Option<(&'static str, i32)> {
                use ::std::os::unix::process::ExitStatusExt as _;
                match self.child.try_wait() {
                    ::std::result::Result::Ok(::std::option::Option::None) => ::std::option::Option::None,
                    ::std::result::Result::Ok(::std::option::Option::Some(s)) => match (s.code(), s.signal()) {
                        (::std::option::Option::Some(c), _) => ::std::option::Option::Some(("exit", c)),
                        (_, ::std::option::Option::Some(sig)) => ::std::option::Option::Some(("signal", sig)),
                        _ => ::std::option::Option::Some(("exit", -1)),
                    },
                    ::std::result::Result::Err(_) => ::std::option::Option::Some(("exit", -1)),
                }
            }

            /// Whether both its streams have ended.
            pub fn streams_ended(&self) -> bool {
                self.open == 0
            }

            /// Kills it, and waits until it is gone.
            pub fn kill(&mut self) {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }

    #[cfg(learn_fork)]
    #[allow(unsafe_code)]
    mod process {
        use ::std::io::Read as _;
        use ::std::os::fd::AsRawFd as _;

        type Started = ::std::io::Result<Proc>;

        unsafe extern "C" {
            fn fork() -> i32;
            fn dup2(old: i32, new: i32) -> i32;
            fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
            fn kill(pid: i32, signal: i32) -> i32;
            fn poll(fds: *mut PollFd, count: NumberOfFds, timeout_ms: i32) -> i32;
        }
        /// The same numbers on Linux and macOS.
        const WNOHANG: i32 = 1;
        const SIGKILL: i32 = 9;
        const POLLIN: i16 = 0x1;

        #[repr(C)]
        struct PollFd {
            fd: i32,
            events: i16,
            revents: i16,
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        type NumberOfFds = ::std::os::raw::c_ulong;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        type NumberOfFds = ::std::os::raw::c_uint;

        pub struct Proc {
            pid: i32,
            ended: ::std::option::Option<(&'static str, i32)>,
            out: ::std::option::Option<::std::os::unix::net::UnixStream>,
            err: ::std::option::Option<::std::os::unix::net::UnixStream>,
            /// Readable once the process has ended, where the kernel has them (Linux 5.3).
            ending: ::std::option::Option<::std::os::fd::OwnedFd>,
        }

        /// Nothing to keep: this thread reads the streams itself.
        pub struct Watch;

        /// Forks a process for each test. Must be called before this process starts any thread: a
        /// thread holding a lock (the allocator's, stdout's) at a `fork` would leave it held for
        /// ever in the child.
        pub fn start_all(
            tests: &[super::Test],
            _own: &str,
            tokens: &[::std::string::String],
        ) -> (Watch, ::std::vec::Vec<(&'static str, Started)>) {
            seal();
            let mut started = ::std::vec::Vec::new();
            for (&(name, _, _), token) in tests.iter().zip(tokens) {
                let this = start(tests, name, token, &mut started);
                started.push((name, this));
            }
            (Watch, started)
        }

        fn start(
            tests: &[super::Test],
            name: &str,
            token: &str,
            earlier: &mut ::std::vec::Vec<(&'static str, Started)>,
        ) -> Started {
            // Sockets, not pipes: see `streams`.
            let ((out_read, out_write), (err_read, err_write)) = (super::streams()?, super::streams()?);
            let supervisor = ::std::process::id();
            // SAFETY: see `start_all`: this is the only thread.
            let pid = unsafe { fork() };
            if pid < 0 {
                return ::std::result::Result::Err(::std::io::Error::last_os_error());
            }
            if pid == 0 {
                // The test's process: only its own two streams stay open (a stream another test's
                // process kept open would not end when that test does).
                earlier.clear();
                drop((out_read, err_read));
                // SAFETY: `dup2` only replaces descriptors 1 and 2 with ones this process owns.
                let redirected =
                    unsafe { dup2(out_write.as_raw_fd(), 1) == 1 && dup2(err_write.as_raw_fd(), 2) == 2 };
                drop((out_write, err_write));
                if !redirected {
                    ::std::process::exit(2);
                }
                let watchdog = !ends_with_parent();
                // The supervisor may have ended before that: then nothing would end this process.
                if ::std::os::unix::process::parent_id() != supervisor {
                    ::std::process::exit(102);
                }
                ::std::process::exit(super::run_one(tests, name, token, watchdog));
            }
            drop((out_write, err_write));
            ::std::result::Result::Ok(Proc {
                pid,
                ended: ::std::option::Option::None,
                out: ::std::option::Option::Some(out_read),
                err: ::std::option::Option::Some(err_read),
                ending: ending(pid),
            })
        }

        impl Watch {
            /// Waits up to `wait` for output, the end of a stream or of a test, and keeps what
            /// arrived with its test. Where a test's end cannot be waited for (no pidfd), it is
            /// looked for every millisecond.
            pub fn pump(&mut self, running: &mut [super::Running], wait: ::std::time::Duration) {
                let mut fds: ::std::vec::Vec<PollFd> = ::std::vec::Vec::new();
                let mut blind = false;
                for r in running.iter() {
                    let p = &r.child;
                    for pipe in [&p.out, &p.err].into_iter().flatten() {
                        fds.push(PollFd { fd: pipe.as_raw_fd(), events: POLLIN, revents: 0 });
                    }
                    if r.ended.is_none() {
                        match &p.ending {
                            ::std::option::Option::Some(fd) => {
                                fds.push(PollFd { fd: fd.as_raw_fd(), events: POLLIN, revents: 0 })
                            }
                            ::std::option::Option::None => blind = true,
                        }
                    }
                }
                let wait = if blind { wait.min(::std::time::Duration::from_millis(1)) } else { wait };
                let ms = wait.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
                // SAFETY: `fds` is a live array of `fds.len()` entries, which `poll` only writes.
                let ready = unsafe { poll(fds.as_mut_ptr(), fds.len() as NumberOfFds, ms) };
                if ready <= 0 {
                    return;
                }
                let mut buf = [0u8; 65536];
                for r in running.iter_mut() {
                    for out in [true, false] {
                        let pipe = if out { &mut r.child.out } else { &mut r.child.err };
                        let ::std::option::Option::Some(reader) = pipe else { continue };
                        let fd = reader.as_raw_fd();
                        let woke = fds.iter().any(|p| p.fd == fd && p.revents != 0);
                        if !woke {
                            continue;
                        }
                        match reader.read(&mut buf) {
                            ::std::result::Result::Ok(0) => *pipe = ::std::option::Option::None,
                            ::std::result::Result::Ok(n) if out => r.out.push(&buf[..n]),
                            ::std::result::Result::Ok(n) => r.err.push(&buf[..n]),
                            ::std::result::Result::Err(e) if e.kind() == ::std::io::ErrorKind::Interrupted => {}
                            ::std::result::Result::Err(_) => *pipe = ::std::option::Option::None,
                        }
                    }
                }
            }
        }

        impl Proc {
            /// `None` while it runs; then `("exit", code)` or `("signal", number)`.
            pub fn try_wait(&mut self) -> ::std::option::Option<(&'static str, i32)> {
                if self.ended.is_none() {
                    let mut status = 0;
                    // SAFETY: `waitpid` writes only `status`.
                    let found = unsafe { waitpid(self.pid, &mut status, WNOHANG) };
                    self.ended = match found {
                        0 => ::std::option::Option::None,
                        -1 if ::std::io::Error::last_os_error().kind() == ::std::io::ErrorKind::Interrupted => {
                            ::std::option::Option::None
                        }
                        found if found == self.pid => ::std::option::Option::Some(decode(status)),
                        _ => ::std::option::Option::Some(("exit", -1)),
                    };
                }
                self.ended
            }

            /// Whether both its streams have ended.
            pub fn streams_ended(&self) -> bool {
                self.out.is_none() && self.err.is_none()
            }

            /// Kills it, and waits until it is gone.
            pub fn kill(&mut self) {
                if self.try_wait().is_none() {
                    let mut status = 0;
                    // SAFETY: the process is this one's child and not yet reaped, so `pid` is still
                    // its own; `waitpid` writes only `status`.
                    unsafe {
                        kill(self.pid, SIGKILL);
                        waitpid(self.pid, &mut status, 0);
                    }
                    self.ended = ::std::option::Option::Some(decode(status));
                }
            }
        }

        /// A descriptor that becomes readable when the child `pid` ends, where the kernel has them.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        fn ending(pid: i32) -> ::std::option::Option<::std::os::fd::OwnedFd> {
            unsafe extern "C" {
                fn syscall(number: ::std::os::raw::c_long, ...) -> ::std::os::raw::c_long;
            }
            /// `pidfd_open`, the same number on every Linux architecture.
            const PIDFD_OPEN: ::std::os::raw::c_long = 434;
            // SAFETY: `pidfd_open` takes a pid and flags and touches no memory; the descriptor it
            // returns is new, and owned here alone.
            let fd = unsafe { syscall(PIDFD_OPEN, pid, 0) };
            // SAFETY: as above: `fd` is open and nothing else owns it.
            (fd >= 0).then(|| unsafe { <::std::os::fd::OwnedFd as ::std::os::fd::FromRawFd>::from_raw_fd(fd as i32) })
        }

        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        fn ending(_pid: i32) -> ::std::option::Option<::std::os::fd::OwnedFd> {
            ::std::option::Option::None
        }

        #[cfg(any(target_os = "linux", target_os = "android"))]
        unsafe extern "C" {
            fn prctl(option: i32, arg: u64, ...) -> i32;
        }

        /// Makes this process, and every test's process forked from it, unreachable through `/proc`
        /// by any other process: a test's code runs as the same user in the same sandbox, and
        /// opening `/proc/PID/fd/1` of this process (or of another test's) would hand it the
        /// result stream, to read the secret from and to write forged results into. A process that
        /// is not dumpable keeps its descriptors, memory and environment to itself; the setting is
        /// inherited by `fork`, and a test cannot undo it without `unsafe`.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        fn seal() {
            const PR_SET_DUMPABLE: i32 = 4;
            // SAFETY: `PR_SET_DUMPABLE` takes a flag and touches no memory.
            unsafe { prctl(PR_SET_DUMPABLE, 0) };
        }

        /// Elsewhere there is no `/proc` to reach another process through.
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        fn seal() {}

        /// Asks the kernel to kill this process when the supervisor (the thread that forked it) ends,
        /// where it can; whether it will.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        fn ends_with_parent() -> bool {
            const PR_SET_PDEATHSIG: i32 = 1;
            // SAFETY: `PR_SET_PDEATHSIG` takes a signal number and touches no memory.
            unsafe { prctl(PR_SET_PDEATHSIG, SIGKILL as u64) == 0 }
        }

        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        fn ends_with_parent() -> bool {
            false
        }

        /// A wait status in the words of the report.
        fn decode(status: i32) -> (&'static str, i32) {
            match status & 0x7f {
                0 => ("exit", (status >> 8) & 0xff),
                0x7f => ("exit", -1),
                signal => ("signal", signal),
            }
        }
    }

    /// A test's output stream: the supervisor's end, and the end the test writes to. A socket pair
    /// rather than a pipe: a pipe can be opened again through `/proc/self/fd/1`, for reading, by the
    /// test (or a process it starts) that writes to it, which would then read its own pass mark
    /// back; a socket cannot be opened that way, and the test's end receives nothing.
    fn streams() -> ::std::io::Result<(::std::os::unix::net::UnixStream, ::std::os::unix::net::UnixStream)> {
        let (ours, theirs) = ::std::os::unix::net::UnixStream::pair()?;
        ours.shutdown(::std::net::Shutdown::Write)?;
        ::std::result::Result::Ok((ours, theirs))
    }

    /// Removes the last occurrence of `mark` from `bytes`; whether it was there.
    fn strip(bytes: &mut ::std::vec::Vec<u8>, mark: &[u8]) -> bool {
        let found = bytes.windows(mark.len()).rposition(|w| w == mark);
        if let ::std::option::Option::Some(at) = found {
            bytes.drain(at..at + mark.len());
            return true;
        }
        false
    }

    /// What was read of a child's stream so far: its first `KEEP` bytes, its last, and how much
    /// was dropped between them.
    #[derive(Default)]
    struct Kept {
        head: ::std::vec::Vec<u8>,
        tail: ::std::vec::Vec<u8>,
        dropped: u64,
    }

    impl Kept {
        fn push(&mut self, mut chunk: &[u8]) {
            let room = KEEP.saturating_sub(self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..room]);
            chunk = &chunk[room..];
            self.tail.extend_from_slice(chunk);
            // Trimmed in large steps: this code is compiled without optimizations.
            if self.tail.len() > 2 * KEEP {
                let cut = self.tail.len() - KEEP;
                self.tail.drain(..cut);
                self.dropped += cut as u64;
            }
        }

        /// Everything kept, and how much was dropped.
        fn take(&mut self) -> (::std::vec::Vec<u8>, u64) {
            let mut tail = ::std::mem::take(&mut self.tail);
            let mut dropped = self.dropped;
            if tail.len() > KEEP {
                let cut = tail.len() - KEEP;
                tail.drain(..cut);
                dropped += cut as u64;
            }
            let mut out = ::std::mem::take(&mut self.head);
            out.extend(tail);
            (out, dropped)
        }
    }

    fn report(secret: &str, name: &str, status: &str, code: i32, out: &[u8], err: &[u8], dropped: u64) {
        let mut stdout = ::std::io::stdout().lock();
        let _ = ::std::writeln!(
            stdout,
            "{secret} {name} {status} {code} {} {} {dropped}",
            out.len(),
            err.len()
        );
        let _ = stdout.write_all(out);
        let _ = stdout.write_all(err);
        let _ = stdout.flush();
    }
}

/// What hidden tests may call from `learn` (documented in the README's course format).
#[doc(hidden)]
#[allow(dead_code, private_bounds)]
pub mod __learn {
    /// Private to this module: the exercise's code can neither name nor implement it, so the only
    /// implementation is the blanket one, `T` for `T` itself.
    mod seal {
        #[diagnostic::on_unimplemented(message = "expected `{T}`, found `{Self}`", label = "not `{T}`")]
        pub trait Exactly<T: ?::core::marker::Sized> {}
        impl<T: ?::core::marker::Sized> Exactly<T> for T {}
    }

    /// Compiles only when `value` is a `&T`, exactly: `crate::__learn::exact::<RefCell<u32>, _>(&x.count)`.
    /// A `let _: &RefCell<u32> = &x.count;` would also accept a type that dereferences to a
    /// `RefCell<u32>` (a coercion); a generic argument is never coerced.
    pub fn exact<T: ?::core::marker::Sized, U: ?::core::marker::Sized + seal::Exactly<T>>(_value: &U) {}
}
