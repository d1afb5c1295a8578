//! The fault suite: learner programs that hang, flood, exhaust resources, cheat or crash, and a
//! learner's environment that breaks (signals, two processes, damaged files, no compiler, a full or
//! read-only disk). Each case asserts the exact outcome, a time bound, and that no process is left.

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, Run, Sandbox, processes_running};

/// The fault course's exercise has a 1 s time limit. A hung program would never end and the
/// victims sleep for 300 s, so a verdict before this bound proves the program was stopped; the
/// bound leaves room for compiling on a heavily loaded machine (speed is the benchmark's to measure).
const TIMEOUT_BOUND: Duration = Duration::from_secs(60);

fn faults() -> Sandbox {
    let sb = Sandbox::with_course("faults");
    sb.init();
    sb
}

/// Puts `body` in `victim()` and grades it.
fn grade_victim(sb: &Sandbox, body: &str) -> Run {
    sb.write(
        "exercises/intro/victim.rs",
        &format!("#[allow(unreachable_code, unused)]\nfn victim() -> u32 {{\n{body}\n}}\nfn main() {{}}\n"),
    );
    sb.learn(&["run"])
}

fn build_dir(sb: &Sandbox) -> String {
    format!("{}/ws/.learn/build/victim", sb.dir.path().canonicalize().unwrap().display())
}

fn assert_no_leftovers(sb: &Sandbox, also: &[&str]) {
    let mut left = processes_running(&build_dir(sb));
    for needle in also {
        left.extend(processes_running(needle));
    }
    assert!(left.is_empty(), "processes left behind: {left:?}");
}

fn assert_timed_out(run: &Run) {
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with(
            "✗ victim did not finish within its time limit of 1 s and was stopped.\n  Still running: victim_returns_one\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
}

#[test]
fn a_deadlock_times_out_and_is_killed() {
    let sb = faults();
    let run = grade_victim(
        &sb,
        "let m = std::sync::Mutex::new(1);\nlet _a = m.lock().unwrap();\nlet b = m.lock().unwrap();\n*b",
    );
    assert_timed_out(&run);
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn sleeping_past_the_limit_times_out() {
    let sb = faults();
    let run = grade_victim(&sb, "std::thread::sleep(std::time::Duration::from_secs(300));\n1");
    assert_timed_out(&run);
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn threads_and_child_processes_of_a_hung_program_are_killed_with_it() {
    let sb = faults();
    // The child process is the test program itself, running a test of the learner's that sleeps
    // (a confined program may execute nothing else).
    sb.write(
        "exercises/intro/victim.rs",
        "#[test]\nfn helper_sleeps() { std::thread::sleep(std::time::Duration::from_secs(300)); }\n\
         fn victim() -> u32 {\n\
         for _ in 0..4 { std::thread::spawn(|| loop { std::hint::spin_loop() }); }\n\
         std::process::Command::new(std::env::current_exe().unwrap()).args([\"helper_sleeps\", \"--exact\"]).spawn().unwrap();\n\
         loop { std::thread::sleep(std::time::Duration::from_millis(5)); }\n}\nfn main() {}\n",
    );
    let run = sb.learn(&["run"]);
    assert_timed_out(&run);
    assert_no_leftovers(&sb, &["helper_sleeps --exact"]);
}

#[test]
fn a_flood_of_output_is_capped_and_the_verdict_still_arrives() {
    let sb = faults();
    // Writing 13 MiB through pipes takes longer than the fault course's 1 s on a loaded machine.
    let info = sb.course().join("info.toml");
    let text = fs::read_to_string(&info).unwrap();
    fs::write(&info, text.replace("time_limit_secs = 1", "time_limit_secs = 10")).unwrap();
    sb.write(
        "exercises/intro/victim.rs",
        "fn victim() -> u32 {\n    use std::io::Write;\n    let mut out = std::io::stdout().lock();\n    \
         for _ in 0..400_000 { out.write_all(b\"flooding the terminal with lines\\n\").unwrap(); }\n    \
         panic!(\"boom after the flood\")\n}\nfn main() {}\n",
    );
    let mut child = Command::new(BIN).arg("run").current_dir(sb.ws()).stdout(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let started = Instant::now();
    let mut peak_kib = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak_kib = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.starts_with("✗ victim: 1 of 2 hidden tests failed.\n"), "{stdout}");
    assert!(stdout.contains("      boom after the flood\n"), "the failure report after the flood was lost:\n{stdout}");
    assert!(
        stdout.contains(
            "[learn: the test wrote 12.6 MiB of output; only the first and last 128 KiB of each\n      \
             stream were kept]"
        ),
        "{stdout}"
    );
    assert!(started.elapsed() < TIMEOUT_BOUND, "took {:?}", started.elapsed());
    assert!(peak_kib < 40 * 1024, "learn's memory peaked at {peak_kib} KiB");
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn printing_without_end_inside_a_test_times_out() {
    let sb = faults();
    let run = grade_victim(&sb, "loop { println!(\"again\"); }");
    assert_timed_out(&run);
    assert_no_leftovers(&sb, &[]);
}

#[test]
#[cfg(target_os = "linux")] // macOS does not enforce an address-space limit
fn unbounded_allocation_is_stopped_by_the_memory_limit() {
    let sb = faults();
    let run = grade_victim(&sb, "let mut v = Vec::new();\nloop { v.push(vec![0u8; 1 << 24]); }");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("✗ victim crashed: the program ran out of memory (the limit is 1024 MiB): something allocates without end.\n"),
        "{}",
        run.stdout
    );
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
    assert_no_leftovers(&sb, &[]);
}

#[test]
#[cfg(target_os = "linux")] // macOS does not enforce an address-space limit
fn unbounded_thread_spawning_is_stopped_and_reported() {
    let sb = faults();
    let run =
        grade_victim(&sb, "loop { std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(300))); }");
    assert_eq!(run.code, 1);
    // Either the failed spawn panics the test, or, with the address space used up, even that
    // panic (or a new thread's signal stack) cannot be allocated and the program aborts: both are
    // reported, neither hangs.
    let spawn_failed = run.stdout.starts_with("✗ victim: 1 of 2 hidden tests failed.\n")
        && run.stdout.contains("failed to spawn thread");
    let out_of_memory = run.stdout.starts_with(
        "✗ victim crashed: the program ran out of memory (the limit is 1024 MiB): something allocates without end.\n",
    );
    assert!(spawn_failed || out_of_memory, "{}", run.stdout);
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn abort_does_not_pass() {
    let sb = faults();
    let run = grade_victim(&sb, "std::process::abort()");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(
            "✗ victim crashed: the program aborted (`std::process::abort`, or a failure Rust cannot unwind from).\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn exit_with_a_failure_code_does_not_pass() {
    let sb = faults();
    let run = grade_victim(&sb, "std::process::exit(3)");
    assert!(
        run.stdout.starts_with("✗ victim crashed: the test ended the program with exit code 3 before it could finish"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
    assert_no_leftovers(&sb, &[]);
}

#[test]
fn a_panic_inside_drop_does_not_pass() {
    let sb = faults();
    let drop_type = "struct Loud;\nimpl Drop for Loud { fn drop(&mut self) { panic!(\"drop panicked\") } }\n";
    sb.write(
        "exercises/intro/victim.rs",
        &format!("{drop_type}fn victim() -> u32 {{ let _l = Loud; 1 }}\nfn main() {{}}\n"),
    );
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "  ✗ victim_returns_one\n      panicked at exercises/intro/victim.rs:2:43:\n      drop panicked\n"
        ),
        "{}",
        run.stdout
    );

    // A panic in `Drop` while another panic unwinds aborts the program.
    sb.write(
        "exercises/intro/victim.rs",
        &format!("{drop_type}fn victim() -> u32 {{ let _l = Loud; panic!(\"first\") }}\nfn main() {{}}\n"),
    );
    let run = sb.learn(&["run"]);
    assert!(
        run.stdout.starts_with("✗ victim crashed: the program aborted: a panic happened while another panic was unwinding (often a panic inside `Drop`), and Rust aborts then.\n"),
        "{}",
        run.stdout
    );
    assert!(run.elapsed < TIMEOUT_BOUND, "took {:?}", run.elapsed);
    assert_no_leftovers(&sb, &[]);
}

/// Starts `learn run` on a victim that sleeps, and waits until its tests are running.
fn start_sleeping_run(sb: &Sandbox) -> std::process::Child {
    sb.write(
        "exercises/intro/victim.rs",
        "fn victim() -> u32 { std::thread::sleep(std::time::Duration::from_secs(30)); 1 }\nfn main() {}\n",
    );
    let faults_course = sb.course().join("info.toml");
    let text = fs::read_to_string(&faults_course).unwrap();
    fs::write(&faults_course, text.replace("time_limit_secs = 1", "time_limit_secs = 60")).unwrap();
    let child =
        Command::new(BIN).arg("run").current_dir(sb.ws()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    // The test program and at least one of its tests (a test's process is forked from the
    // program, or the program started again as `PROGRAM test`); not the compiler, whose output has
    // the same name.
    let program = format!("{}-tests ", build_dir(sb));
    let running =
        || processes_running(&format!("{program}all")).len() + processes_running(&format!("{program}test")).len();
    while running() < 2 {
        assert!(Instant::now() < deadline, "the test program never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn sigterm_during_grading_kills_the_tests_and_keeps_progress_intact() {
    let sb = faults();
    let before = sb.read(".learn-progress.toml");
    for signal in ["-TERM", "-INT"] {
        let mut child = start_sleeping_run(&sb);
        let sent = Instant::now();
        Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "after kill {signal}");
        // The tests sleep for 30 s: ending well before shows they were killed, not awaited.
        assert!(sent.elapsed() < Duration::from_secs(5), "took {:?}", sent.elapsed());
        assert_no_leftovers(&sb, &[]);
        assert_eq!(sb.read(".learn-progress.toml"), before);
    }
    sb.write("exercises/intro/victim.rs", &fs::read_to_string(sb.course().join("solutions/intro/victim.rs")).unwrap());
    assert_eq!(sb.learn(&["run"]).code, 0, "the next run does not work");
}

#[test]
#[cfg(target_os = "linux")]
fn sigkill_to_learn_still_takes_the_tests_down() {
    let sb = faults();
    let mut child = start_sleeping_run(&sb);
    child.kill().unwrap();
    child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !processes_running(&build_dir(&sb)).is_empty() {
        assert!(Instant::now() < deadline, "the test program outlived a killed learn");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn concurrent_learn_processes_never_lose_each_others_progress() {
    let sb = Sandbox::basic();
    sb.solve("first");
    for round in 0..3 {
        let handles: Vec<_> =
            [vec!["run", "first"], vec!["hint", "first"], vec!["hint", "second"], vec!["hint", "third"]]
                .into_iter()
                .map(|args| {
                    let ws = sb.ws();
                    std::thread::spawn(move || {
                        Command::new(BIN).args(&args).current_dir(ws).output().unwrap().status.code()
                    })
                })
                .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), Some(0));
        }
        let progress = sb.read(".learn-progress.toml");
        let level = (round + 1).min(2);
        let third = 1;
        let expected_hints = format!("[hints]\nfirst = {level}\nsecond = {}\nthird = {third}\n", level.min(1));
        assert!(progress.contains("[done]\nfirst = \"sha256:"), "round {round}: {progress}");
        assert!(progress.ends_with(&expected_hints), "round {round}: lost an update:\n{progress}");
    }
}

#[test]
fn emptied_binary_and_huge_exercise_files_get_clear_errors_and_reset_restores_them() {
    let sb = Sandbox::basic();
    let path = sb.ws().join("exercises/intro/first.rs");
    let cases: [(&[u8], &str); 3] = [
        (b"\n  \n", "is empty"),
        (b"fn answer() -> u32 { 42 }\xff\xfe\n", "is not UTF-8 text (invalid byte at offset 25)"),
        (&[b'/'; 2 << 20], "is more than the 1024 KiB an exercise may have"),
    ];
    for (content, problem) in cases {
        fs::write(&path, content).unwrap();
        let run = sb.learn(&["run"]);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            format!("error: [TMP]/ws/exercises/intro/first.rs {problem}: `learn reset first` restores the original\n")
        );
        assert_eq!(sb.learn(&["reset", "first"]).code, 0);
        assert_eq!(sb.learn(&["run"]).code, 1);
    }
}

#[test]
fn a_toolchain_too_old_for_the_edition_says_what_is_needed() {
    let sb = Sandbox::basic();
    let fake = sb.path("old-rustc");
    fs::write(&fake, "#!/bin/sh\necho \"error: argument for '--edition' must be one of: 2015|2018. (instead was 2021)\" >&2\nexit 1\n").unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let run = sb.command_in(&sb.ws(), &["run"], |cmd| {
        cmd.env("RUSTC", &fake);
    });
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: `[TMP]/old-rustc` is too old for this course (it needs Rust edition 2021: error: argument for '--edition' must be one of: 2015|2018. (instead was 2021)).\n\
             install Rust with rustup"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_syntax_error_in_info_toml_names_file_line_and_column() {
    let sb = Sandbox::with_course("basic");
    let manifest = sb.course().join("info.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("title = \"A basic test course\"", "title = \"A basic test course")).unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: [TMP]/course/info.toml:5:"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
}

/// Runs `script` in a new user and mount namespace (as its root), where it may mount file systems.
/// `None` when the platform does not allow that (then the case cannot run here, and says so).
fn in_namespace(script: &str) -> Option<std::process::Output> {
    let probe = Command::new("unshare").args(["--user", "--map-root-user", "--mount", "true"]).output().ok()?;
    if !probe.status.success() {
        eprintln!("user namespaces are not available: skipping a disk fault case");
        return None;
    }
    Some(Command::new("unshare").args(["--user", "--map-root-user", "--mount", "sh", "-c", script]).output().unwrap())
}

/// Grades the solved first exercise with the workspace root made unwritable by `break_root` (a
/// shell snippet run in a private mount namespace, given `$WS`); the build folder keeps a writable
/// file system of its own, so grading works and only saving the progress fails. Returns the
/// output, or `None` where namespaces are not available.
fn pass_with_broken_root(sb: &Sandbox, break_root: &str) -> Option<(String, String)> {
    sb.solve("first");
    let ws = sb.ws();
    fs::create_dir_all(ws.join(".learn")).unwrap();
    let script = format!(
        "set -e; WS='{ws}'; {break_root}; mount -t tmpfs tmpfs \"$WS/.learn\"; cd \"$WS\"; \
         '{BIN}' run && echo 'exit=0' || echo \"exit=$?\"",
        ws = ws.display()
    );
    let out = in_namespace(&script)?;
    Some((sb.redact(&String::from_utf8_lossy(&out.stdout)), sb.redact(&String::from_utf8_lossy(&out.stderr))))
}

#[test]
fn a_full_disk_when_saving_progress_is_an_error_and_the_old_file_stays() {
    let sb = Sandbox::basic();
    let before = sb.read(".learn-progress.toml");
    // The workspace moves onto a tiny file system, which is then filled up.
    let full = "cp -a \"$WS\" /tmp/ws-copy-$$; mount -t tmpfs -o size=256k tmpfs \"$WS\"; \
                cp -a /tmp/ws-copy-$$/. \"$WS\"/; rm -rf /tmp/ws-copy-$$; \
                dd if=/dev/zero of=\"$WS/filler\" bs=4k 2>/dev/null || true";
    let Some((stdout, stderr)) = pass_with_broken_root(&sb, full) else { return };
    assert!(stdout.starts_with("✓ first passes"), "{stdout}\n{stderr}");
    assert!(stdout.ends_with("exit=2\n"), "{stdout}\n{stderr}");
    assert_eq!(
        stderr,
        "error: could not save your progress in [TMP]/ws/.learn-progress.toml: No space left on device (os error 28)\n\
         The previous progress file is unchanged. Free some disk space or make the folder writable, then run the command again\n"
    );
    assert_eq!(sb.read(".learn-progress.toml"), before, "outside the namespace nothing changed either");
}

#[test]
fn a_read_only_workspace_when_saving_progress_is_an_error_and_the_old_file_stays() {
    let sb = Sandbox::basic();
    let before = sb.read(".learn-progress.toml");
    let read_only = "mount --bind \"$WS\" \"$WS\"; mount -o remount,bind,ro \"$WS\"";
    let Some((stdout, stderr)) = pass_with_broken_root(&sb, read_only) else { return };
    assert!(stdout.starts_with("✓ first passes"), "{stdout}\n{stderr}");
    assert!(stdout.ends_with("exit=2\n"), "{stdout}\n{stderr}");
    assert_eq!(
        stderr,
        "error: could not save your progress in [TMP]/ws/.learn-progress.toml: Read-only file system (os error 30)\n\
         The previous progress file is unchanged. Free some disk space or make the folder writable, then run the command again\n"
    );
    assert_eq!(sb.read(".learn-progress.toml"), before);
}

#[test]
fn two_gradings_of_one_exercise_at_once_both_come_out_right() {
    let sb = Sandbox::basic();
    sb.solve("first");
    for _ in 0..3 {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                let ws = sb.ws();
                std::thread::spawn(move || Command::new(BIN).args(["run", "first"]).current_dir(ws).output().unwrap())
            })
            .collect();
        for run in runs {
            let out = run.join().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
            assert!(stdout.starts_with("✓ first passes: all 2 hidden tests passed.\n"), "{stdout}");
        }
    }
}

#[test]
fn forked_tests_and_tests_started_as_programs_end_the_same_way() {
    // With the harness library, each test's process is forked from the program; without it (no
    // folder of the user's own to build it in), the program starts itself again for each test.
    // Every way a test can end must be reported the same either way.
    let sb = faults();
    let shared_tmp = temp_folder_taken_by_another(&sb);
    let victims = [
        "1",
        "println!(\"some output\"); eprintln!(\"and some errors\"); 2",
        "std::process::exit(3)",
        "std::process::exit(0)",
        "std::process::abort()",
        "std::thread::sleep(std::time::Duration::from_secs(300)); 1",
    ];
    for body in victims {
        grade_victim(&sb, body);
        // `run victim`: once the victim passes, a bare `run` has nothing left to grade.
        let forked = sb.learn(&["run", "victim"]);
        let started = sb.command_in(&sb.ws(), &["run", "victim"], |cmd| {
            cmd.env("XDG_CACHE_HOME", "/dev/null/no-cache").env("TMPDIR", &shared_tmp);
        });
        assert_eq!((forked.code, &forked.stdout), (started.code, &started.stdout), "{body}");
        assert!(forked.elapsed < TIMEOUT_BOUND && started.elapsed < TIMEOUT_BOUND, "{body}");
        assert_no_leftovers(&sb, &[]);
    }
    assert_eq!(
        fs::read_dir(shared_tmp.join(format!("learn-{}", uid()))).unwrap().count(),
        0,
        "a folder open to others was used"
    );
}

fn uid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid()
}

/// A temporary folder whose `learn-UID` folder is open to everyone, as if another user had made it
/// first: `learn` must not build its harness there.
fn temp_folder_taken_by_another(sb: &Sandbox) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = sb.path("shared-tmp");
    let taken = tmp.join(format!("learn-{}", uid()));
    fs::create_dir_all(&taken).unwrap();
    fs::set_permissions(&taken, fs::Permissions::from_mode(0o777)).unwrap();
    tmp
}

#[test]
fn without_a_cache_folder_the_harness_is_built_in_a_private_temporary_folder() {
    // A read-only home (some containers): the harness library goes to a folder of the user's own
    // in the temporary folder, so tests are still forked and sealed rather than compiled inline.
    use std::os::unix::fs::PermissionsExt as _;
    let sb = faults();
    let tmp = sb.path("private-tmp");
    fs::create_dir_all(&tmp).unwrap();
    grade_victim(&sb, "1");
    let run = sb.command_in(&sb.ws(), &["run", "victim"], |cmd| {
        cmd.env("XDG_CACHE_HOME", "/dev/null/no-cache").env("TMPDIR", &tmp);
    });
    assert_eq!(run.code, 0, "{run:?}");
    let private = tmp.join(format!("learn-{}", uid()));
    assert_eq!(fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o700);
    let libs: Vec<_> = fs::read_dir(private.join("harness"))
        .unwrap()
        .map(|key| key.unwrap().path().join("liblearn_harness.rlib"))
        .collect();
    assert!(libs.len() == 1 && libs[0].is_file(), "{libs:?}");
    assert_no_leftovers(&sb, &[]);
}
