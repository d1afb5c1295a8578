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
        // `SECRET` for the supervisor; `SECRET\nNAME` for a test, so the name is nowhere the
        // exercise's code can read it (not in the arguments, not in the thread's name).
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

    /// Runs one test on a thread of its own, and says it passed only once it has. With `watchdog`,
    /// a thread ends the process if the supervisor goes (a forked test is ended by the kernel).
    fn run_one(tests: &[Test], name: &str, secret: &str, watchdog: bool) -> i32 {
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
        let joined = ::std::thread::Builder::new()
            .name(::std::string::String::from("test"))
            .spawn(test)
            .map(|handle| handle.join());
        let passed = match (joined, should_panic) {
            (::std::result::Result::Err(e), _) => {
                let _ = ::std::writeln!(::std::io::stderr(), "the test could not start a thread: {e}");
                false
            }
            (::std::result::Result::Ok(::std::result::Result::Ok(())), ::std::option::Option::None) => true,
            (::std::result::Result::Ok(::std::result::Result::Ok(())), ::std::option::Option::Some(_)) => {
                let _ = ::std::writeln!(::std::io::stderr(), "note: the test was expected to panic, and did not");
                false
            }
            (::std::result::Result::Ok(::std::result::Result::Err(_)), ::std::option::Option::None) => false,
            (::std::result::Result::Ok(::std::result::Result::Err(payload)), ::std::option::Option::Some(expected)) => {
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
        let _ = ::std::writeln!(out, "{MARK}{secret}");
        let _ = out.flush();
        ::std::process::exit(0)
    }

    struct Running {
        name: &'static str,
        child: process::Proc,
        stdout: Stream,
        stderr: Stream,
    }

    /// Starts every test in a process of its own, all at once, and reports each as it ends, on
    /// stdout: `SECRET NAME STATUS CODE STDOUT_LEN STDERR_LEN DROPPED`, a newline, then both streams.
    fn supervise(tests: &[Test], own: &str, secret: &str, limit: ::std::time::Duration) -> i32 {
        let deadline = ::std::time::Instant::now() + limit;
        let mut running: ::std::vec::Vec<Running> = ::std::vec::Vec::new();
        let (ended_tx, ended) = ::std::sync::mpsc::channel::<()>();
        // Every process is started before the first thread that reads their output: see `process`.
        for (name, started) in process::start_all(tests, own, secret) {
            match started {
                ::std::result::Result::Ok((child, out, err)) => {
                    let (stdout, stderr) = (keep(out, ended_tx.clone()), keep(err, ended_tx.clone()));
                    running.push(Running { name, child, stdout, stderr })
                }
                ::std::result::Result::Err(e) => {
                    let text = ::std::format!("the test could not be started: {e}");
                    report(secret, name, "error", 0, b"", text.as_bytes(), 0);
                }
            }
        }
        while !running.is_empty() {
            let now = ::std::time::Instant::now();
            let mut i = 0;
            while i < running.len() {
                let status = running[i].child.try_wait();
                let timed_out = now >= deadline;
                if status.is_none() && !timed_out {
                    i += 1;
                    continue;
                }
                let mut done = running.swap_remove(i);
                let ::std::option::Option::Some((status, code)) = status else {
                    done.child.kill();
                    let (out, out_dropped) = collect(&done.stdout);
                    let (err, err_dropped) = collect(&done.stderr);
                    report(secret, done.name, "timeout", 0, &out, &err, out_dropped + err_dropped);
                    continue;
                };
                let (mut out, out_dropped) = collect(&done.stdout);
                let (err, err_dropped) = collect(&done.stderr);
                let mark = ::std::format!("{MARK}{secret}\n");
                let passed = status == "exit" && code == 0 && strip(&mut out, mark.as_bytes());
                let status = if passed { "pass" } else { status };
                report(secret, done.name, status, code, &out, &err, out_dropped + err_dropped);
            }
            if !running.is_empty() {
                // Woken early when a stream ends, which is when its test does.
                let _ = ended.recv_timeout(::std::time::Duration::from_millis(1));
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
    /// program started anew would. Compiled inline (`learn dev compose`, or where the library
    /// cannot be built), where `unsafe` is forbidden, each test is this program started again as
    /// `PROGRAM test`, with the secret and the test's name on its stdin.
    #[cfg(not(learn_fork))]
    mod process {
        use ::std::io::Write as _;

        /// A test's output stream, as the supervisor reads it.
        pub type Pipe = ::std::boxed::Box<dyn ::std::io::Read + ::std::marker::Send>;
        type Started = ::std::io::Result<(Proc, Pipe, Pipe)>;

        pub struct Proc(::std::process::Child);

        /// Starts a process for each test; call it before starting any thread.
        pub fn start_all(tests: &[super::Test], own: &str, secret: &str) -> ::std::vec::Vec<(&'static str, Started)> {
            tests.iter().map(|&(name, _, _)| (name, start(own, secret, name))).collect()
        }

        fn start(own: &str, secret: &str, name: &str) -> Started {
            let mut child = ::std::process::Command::new(own)
                .arg("test")
                .stdin(::std::process::Stdio::piped())
                .stdout(::std::process::Stdio::piped())
                .stderr(::std::process::Stdio::piped())
                .spawn()?;
            if let ::std::option::Option::Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(::std::format!("{secret}\n{name}\n").as_bytes());
            }
            match (child.stdout.take(), child.stderr.take()) {
                (::std::option::Option::Some(out), ::std::option::Option::Some(err)) => {
                    ::std::result::Result::Ok((Proc(child), ::std::boxed::Box::new(out), ::std::boxed::Box::new(err)))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    ::std::result::Result::Err(::std::io::Error::other("its output could not be read"))
                }
            }
        }

        impl Proc {
            /// `None` while it runs; then `("exit", code)` or `("signal", number)`.
            pub fn try_wait(&mut self) -> ::std::option::Option<(&'static str, i32)> {
                use ::std::os::unix::process::ExitStatusExt as _;
                match self.0.try_wait() {
                    ::std::result::Result::Ok(::std::option::Option::None) => ::std::option::Option::None,
                    ::std::result::Result::Ok(::std::option::Option::Some(s)) => match (s.code(), s.signal()) {
                        (::std::option::Option::Some(c), _) => ::std::option::Option::Some(("exit", c)),
                        (_, ::std::option::Option::Some(sig)) => ::std::option::Option::Some(("signal", sig)),
                        _ => ::std::option::Option::Some(("exit", -1)),
                    },
                    ::std::result::Result::Err(_) => ::std::option::Option::Some(("exit", -1)),
                }
            }

            /// Kills it, and waits until it is gone.
            pub fn kill(&mut self) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }

    #[cfg(learn_fork)]
    #[allow(unsafe_code)]
    mod process {
        use ::std::os::fd::AsRawFd as _;

        /// A test's output stream, as the supervisor reads it.
        pub type Pipe = ::std::boxed::Box<dyn ::std::io::Read + ::std::marker::Send>;
        type Started = ::std::io::Result<(Proc, Pipe, Pipe)>;

        unsafe extern "C" {
            fn fork() -> i32;
            fn dup2(old: i32, new: i32) -> i32;
            fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
            fn kill(pid: i32, signal: i32) -> i32;
        }
        /// The same numbers on Linux and macOS.
        const WNOHANG: i32 = 1;
        const SIGKILL: i32 = 9;

        pub struct Proc {
            pid: i32,
            ended: ::std::option::Option<(&'static str, i32)>,
        }

        /// Forks a process for each test. Must be called before this process starts any thread: a
        /// thread holding a lock (the allocator's, stdout's) at a `fork` would leave it held for
        /// ever in the child.
        pub fn start_all(tests: &[super::Test], _own: &str, secret: &str) -> ::std::vec::Vec<(&'static str, Started)> {
            let mut started = ::std::vec::Vec::new();
            for &(name, _, _) in tests {
                let this = start(tests, name, secret, &mut started);
                started.push((name, this));
            }
            started
        }

        fn start(
            tests: &[super::Test],
            name: &str,
            secret: &str,
            earlier: &mut ::std::vec::Vec<(&'static str, Started)>,
        ) -> Started {
            let (out_read, out_write) = ::std::io::pipe()?;
            let (err_read, err_write) = ::std::io::pipe()?;
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
                ::std::process::exit(super::run_one(tests, name, secret, watchdog));
            }
            ::std::result::Result::Ok((
                Proc { pid, ended: ::std::option::Option::None },
                ::std::boxed::Box::new(out_read),
                ::std::boxed::Box::new(err_read),
            ))
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

        /// Asks the kernel to kill this process when the supervisor (the thread that forked it) ends,
        /// where it can; whether it will.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        fn ends_with_parent() -> bool {
            unsafe extern "C" {
                fn prctl(option: i32, arg: u64, ...) -> i32;
            }
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

    /// Removes the last occurrence of `mark` from `bytes`; whether it was there.
    fn strip(bytes: &mut ::std::vec::Vec<u8>, mark: &[u8]) -> bool {
        let found = bytes.windows(mark.len()).rposition(|w| w == mark);
        if let ::std::option::Option::Some(at) = found {
            bytes.drain(at..at + mark.len());
            return true;
        }
        false
    }

    /// What was read of a child's stream so far: its head, its tail, and how much was dropped.
    #[derive(Default)]
    struct Kept {
        head: ::std::vec::Vec<u8>,
        tail: ::std::vec::Vec<u8>,
        dropped: u64,
    }

    type Stream = (::std::sync::Arc<::std::sync::Mutex<Kept>>, ::std::sync::mpsc::Receiver<()>);

    /// Reads a child's stream on a thread, keeping its first and last `KEEP` bytes; the receiver
    /// hears when the stream ends, and so does `ended` (shared by every stream).
    fn keep(mut pipe: process::Pipe, ended: ::std::sync::mpsc::Sender<()>) -> Stream {
        let kept = ::std::sync::Arc::new(::std::sync::Mutex::new(Kept::default()));
        let (tx, rx) = ::std::sync::mpsc::channel();
        let shared = ::std::sync::Arc::clone(&kept);
        ::std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match pipe.read(&mut buf) {
                    ::std::result::Result::Ok(0) | ::std::result::Result::Err(_) => break,
                    ::std::result::Result::Ok(n) => {
                        let mut k = shared.lock().unwrap_or_else(|e| e.into_inner());
                        let mut chunk = &buf[..n];
                        let room = KEEP.saturating_sub(k.head.len()).min(chunk.len());
                        k.head.extend_from_slice(&chunk[..room]);
                        chunk = &chunk[room..];
                        k.tail.extend_from_slice(chunk);
                        // Trimmed in large steps: this code is compiled without optimizations.
                        if k.tail.len() > 2 * KEEP {
                            let cut = k.tail.len() - KEEP;
                            k.tail.drain(..cut);
                            k.dropped += cut as u64;
                        }
                    }
                }
            }
            let _ = tx.send(());
            let _ = ended.send(());
        });
        (kept, rx)
    }

    /// What a finished child wrote. The stream ends as the child does, unless a grandchild holds
    /// the pipe open: that is not waited for long, and what arrived until then counts. Long enough
    /// that on a loaded machine the reading thread still gets to a passing test's last line.
    fn collect(stream: &Stream) -> (::std::vec::Vec<u8>, u64) {
        let _ = stream.1.recv_timeout(::std::time::Duration::from_secs(2));
        let mut k = stream.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut tail = ::std::mem::take(&mut k.tail);
        let mut dropped = k.dropped;
        if tail.len() > KEEP {
            let cut = tail.len() - KEEP;
            tail.drain(..cut);
            dropped += cut as u64;
        }
        let mut out = ::std::mem::take(&mut k.head);
        out.extend(tail);
        (out, dropped)
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
