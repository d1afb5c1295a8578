//! Attacks on the grader, written as a learner's files in the `attacks` fixture course (whose
//! hidden tests are trivial: `answer()` returns 1). Each attack panics if any of its moves worked,
//! so a pass means every move was refused. Each case asserts the exact verdict, that nothing
//! outside the build folders changed, that nothing is left running, and that the next grading
//! works.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{BIN, Run, Sandbox, processes_running};

fn attacks() -> Sandbox {
    let sb = Sandbox::with_course("attacks");
    sb.init();
    sb
}

fn root(sb: &Sandbox) -> PathBuf {
    sb.dir.path().canonicalize().unwrap()
}

fn build_dir(sb: &Sandbox) -> String {
    format!("{}/ws/.learn/build/intruder", root(sb).display())
}

/// Every file under `dir` with its content, except learn's build folders.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.ends_with(".learn/build") {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

fn assert_unchanged(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) {
    let changed: Vec<&PathBuf> =
        before.keys().chain(after.keys()).filter(|p| before.get(*p) != after.get(*p)).collect();
    assert!(changed.is_empty(), "changed outside the build folder: {changed:?}");
}

fn assert_nothing_running(needles: &[&str]) {
    // The kernel ends a PID namespace's processes as its init exits; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let left: Vec<String> = needles.iter().flat_map(|n| processes_running(n)).collect();
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes left behind: {left:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Grades `source` as `intruder` the trusted way (`learn verify --course`), checking that nothing
/// outside the build folders changed and nothing is left running.
fn attack(sb: &Sandbox, source: &str) -> Run {
    let source = source.replace("{ROOT}", &root(sb).display().to_string());
    sb.write("exercises/intro/intruder.rs", &source);
    let before = snapshot(&root(sb));
    let run = sb.learn(&["verify", "intruder", "--course", "../course"]);
    assert_unchanged(&before, &snapshot(&root(sb)));
    assert_nothing_running(&[&build_dir(sb)]);
    run
}

fn assert_next_grading_works(sb: &Sandbox) {
    sb.write("exercises/intro/intruder.rs", "fn answer() -> u32 {\n    2\n}\nfn main() {}\n");
    let run = sb.learn(&["verify", "intruder", "--course", "../course"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("✗ intruder (current): 1 of 1 hidden tests failed\n"), "{}", run.stdout);
    sb.solve("intruder");
    let run = sb.learn(&["run", "intruder"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("✓ intruder passes: the hidden test passed.\n"), "{}", run.stdout);
}

/// What a passing attack prints: every move was refused.
const REFUSED: &str = "✓ intruder\n\n1 of 1 exercises pass.\n";

#[test]
fn writing_progress_another_exercise_and_outside_the_workspace_is_refused() {
    let sb = attacks();
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"))
        .join("learn/toolchain.toml");
    let run = attack(
        &sb,
        &format!(
            r#"fn answer() -> u32 {{
    let mut escaped = Vec::new();
    for target in [
        "{{ROOT}}/ws/.learn-progress.toml",
        "{{ROOT}}/ws/exercises/intro/bystander.rs",
        "{{ROOT}}/ws/solutions/intro/intruder.rs",
        "{{ROOT}}/outside.txt",
        "{{ROOT}}/course/checks/intro/intruder.rs",
        "{{ROOT}}/ws/.learn/build/intruder-tests",
        "{{ROOT}}/ws/.learn/build/intruder/.lock",
        "{{ROOT}}/ws/.learn/build/bystander-planted.rs",
        "{cache}",
    ] {{
        if std::fs::write(target, "written by the learner's program").is_ok() {{
            escaped.push(format!("wrote {{target}}"));
        }}
    }}
    for target in ["{{ROOT}}/ws/exercises/intro/bystander.rs", "{{ROOT}}/course/checks/intro/intruder.rs", "/etc/passwd"] {{
        if std::fs::read(target).is_ok() {{
            escaped.push(format!("read {{target}}"));
        }}
    }}
    if std::fs::read_dir("{{ROOT}}").is_ok() || std::fs::read_dir("/proc").is_ok() {{
        escaped.push("listed a folder".to_string());
    }}
    if std::fs::remove_file("{{ROOT}}/ws/.learn-progress.toml").is_ok() {{
        escaped.push("removed the progress file".to_string());
    }}
    // Its own scratch folder is writable.
    std::fs::write(std::env::temp_dir().join("mine.txt"), "scratch").unwrap();
    assert!(escaped.is_empty(), "escaped: {{escaped:?}}");
    1
}}
fn main() {{}}
"#,
            cache = cache.display()
        ),
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, REFUSED), "{}", run.stderr);
    assert!(!sb.path("outside.txt").exists());
    assert_next_grading_works(&sb);
}

#[test]
fn renaming_over_learns_own_binary_is_refused() {
    let sb = attacks();
    // A copy of learn in a folder the test may write, so a failure cannot damage the real one.
    let learn = sb.path("bin/learn");
    fs::create_dir_all(learn.parent().unwrap()).unwrap();
    fs::copy(BIN, &learn).unwrap();
    let original = fs::read(&learn).unwrap();
    let source = r##"fn answer() -> u32 {
    let learn = "{ROOT}/bin/learn";
    let fake = std::env::temp_dir().join("fake-learn");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    let mut escaped = Vec::new();
    if std::fs::rename(&fake, learn).is_ok() { escaped.push("renamed over learn".to_string()); }
    if std::fs::OpenOptions::new().write(true).open(learn).is_ok() { escaped.push("opened learn".to_string()); }
    for pid in 0..64 {
        if let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) {
            if std::fs::rename(&fake, &exe).is_ok() { escaped.push(format!("renamed over {}", exe.display())); }
        }
    }
    assert!(escaped.is_empty(), "escaped: {escaped:?}");
    1
}
fn main() {}
"##
    .replace("{ROOT}", &root(&sb).display().to_string());
    sb.write("exercises/intro/intruder.rs", &source);
    let verify = |learn: &Path| {
        let out = Command::new(learn)
            .args(["verify", "intruder", "--course", "../course"])
            .current_dir(sb.ws())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let before = snapshot(&root(&sb));
    assert_eq!(verify(&learn), (Some(0), REFUSED.to_string()));
    assert_unchanged(&before, &snapshot(&root(&sb)));
    assert_eq!(fs::read(&learn).unwrap(), original, "learn's binary changed");
    assert_nothing_running(&[&build_dir(&sb)]);
    // The same learn still fails a wrong answer.
    sb.write("exercises/intro/intruder.rs", "fn answer() -> u32 { 2 }\nfn main() {}\n");
    assert_eq!(verify(&learn).0, Some(1));
    assert_next_grading_works(&sb);
}

#[test]
fn setsid_and_double_fork_lingerers_end_with_the_grading() {
    let sb = attacks();
    let run = attack(
        &sb,
        r#"use std::io::Write;
use std::os::unix::process::CommandExt;

/// Starts this test program again as the test `answer_is_one`, with `role` in its environment.
fn again(role: &str, own_group: bool) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.arg("test").env("LINGER", role).stdin(std::process::Stdio::piped());
    if own_group {
        // Out of the process group, as `setsid` would be (the `setsid` program cannot be run).
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{}\nanswer_is_one\n", "0".repeat(40)).as_bytes()).unwrap();
    child
}

fn answer() -> u32 {
    match std::env::var("LINGER").as_deref() {
        Ok("sleep") => std::thread::sleep(std::time::Duration::from_secs(37)),
        // The middle of a double fork: start the lingerer and leave at once.
        Ok("fork") => {
            again("sleep", true);
            std::process::exit(0);
        }
        _ => {
            again("sleep", true);
            assert!(std::process::Command::new("setsid").arg("sleep").arg("37").spawn().is_err());
            assert!(again("fork", false).wait().unwrap().success());
        }
    }
    1
}
fn main() {}
"#,
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, REFUSED), "{}", run.stderr);
    assert_nothing_running(&[&build_dir(&sb)]);
    assert_next_grading_works(&sb);
}

#[test]
fn killing_the_parent_is_refused() {
    let sb = attacks();
    let run = attack(
        &sb,
        r#"fn answer() -> u32 {
    let parent = std::os::unix::process::parent_id().to_string();
    let mut escaped = Vec::new();
    for (program, args) in [
        ("kill", vec!["-9", parent.as_str()]),
        ("/bin/kill", vec!["-9", "-1"]),
        ("/bin/sh", vec!["-c", "kill -9 $PPID; pkill -9 learn"]),
    ] {
        if std::process::Command::new(program).args(&args).status().is_ok() {
            escaped.push(program);
        }
    }
    // learn is not even visible: /proc cannot be listed.
    if std::fs::read_dir("/proc").is_ok() { escaped.push("/proc"); }
    assert!(escaped.is_empty(), "escaped: {escaped:?}");
    1
}
fn main() {}
"#,
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, REFUSED), "{}", run.stderr);
    assert_next_grading_works(&sb);
}

#[test]
fn other_processes_and_inherited_descriptors_cannot_be_reached_through_proc() {
    // A test runs as the same user as the program that supervises it. Opening that program's
    // `/proc/PID/fd/1` would hand it the result stream (the secret to read, forged results to
    // write); opening its own `/proc/self/fd/1` for reading would hand it its own pass mark once
    // its test passes (to give to a failing test); a descriptor learn inherited without
    // close-on-exec would reach whatever it is.
    let sb = attacks();
    sb.write(
        "exercises/intro/intruder.rs",
        r#"fn answer() -> u32 {
    let mut reached = Vec::new();
    let me: i64 = std::fs::read_link("/proc/self").ok().and_then(|p| p.to_str()?.parse().ok()).unwrap_or(0);
    assert!(me > 0, "the probe needs its own process id");
    for pid in (me - 64).max(1)..me + 64 {
        for fd in 0..8 {
            let path = format!("/proc/{pid}/fd/{fd}");
            if pid != me && std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
                reached.push(format!("wrote {path}"));
            }
            if pid != me && std::fs::File::open(&path).is_ok() {
                reached.push(format!("read {path}"));
            }
        }
    }
    for fd in 3..64 {
        if std::fs::File::open(format!("/proc/self/fd/{fd}")).is_ok() {
            reached.push(format!("inherited descriptor {fd}"));
        }
    }
    // Its own output, read back: where its pass mark will be written.
    for fd in [1, 2] {
        if std::fs::File::open(format!("/proc/self/fd/{fd}")).is_ok() {
            reached.push(format!("read back its own stream {fd}"));
        }
    }
    assert!(reached.is_empty(), "reached: {reached:?}");
    1
}
fn main() {}
"#,
    );
    let secret = sb.path("inherited.txt");
    fs::write(&secret, "open in learn's parent").unwrap();
    // learn started with descriptor 7 open and not close-on-exec, as a shell's `exec 7<FILE` leaves it.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec 7<\"$0\"; exec \"$1\" verify intruder --course ../course")
        .arg(&secret)
        .arg(BIN)
        .current_dir(sb.ws())
        .env_remove("NO_COLOR")
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!((out.status.code(), stdout.as_ref()), (Some(0), REFUSED), "{}", String::from_utf8_lossy(&out.stderr));
    assert_nothing_running(&[&build_dir(&sb)]);
    assert_next_grading_works(&sb);
}

#[test]
fn code_that_would_run_before_main_is_refused() {
    let sb = attacks();
    // It would run when the test binary starts, before the harness: `link_section` is unsafe
    // code, which the compiler is told to forbid, so it never gets that far.
    let run = attack(
        &sb,
        r#"#[used]
#[unsafe(link_section = ".init_array")]
static BEFORE_MAIN: extern "C" fn() = before_main;

extern "C" fn before_main() {
    let _ = std::fs::write("{ROOT}/ws/.learn-progress.toml", "written before main");
    let _ = std::fs::write("{ROOT}/before-main.txt", "written before main");
}

fn answer() -> u32 {
    1
}
fn main() {}
"#,
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "✗ intruder (current): does not compile\n\n0 of 1 exercises pass.\n"),
        "{}",
        run.stderr
    );
    assert!(!sb.path("before-main.txt").exists());
    assert_next_grading_works(&sb);
}

#[test]
fn a_held_build_lock_times_out_naming_the_holder() {
    let sb = attacks();
    let lock_path = sb.ws().join(".learn/build/intruder/.lock");
    fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let holder = fs::OpenOptions::new().create(true).truncate(true).write(true).open(&lock_path).unwrap();
    holder.lock().unwrap();
    fs::write(&lock_path, "4242").unwrap();
    let run = sb.command_in(&sb.ws(), &["run", "intruder"], |cmd| {
        cmd.env("LEARN_LOCK_TIMEOUT_SECS", "1");
    });
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: the build folder's lock [TMP]/ws/.learn/build/intruder/.lock is held by another learn \
         (process 4242): gave up after waiting 1 s.\n\
         If that learn is stuck, end it (`kill 4242`) and run the command again\n"
    );
    // Gave up instead of waiting for the holder (room for a loaded machine).
    assert!(run.elapsed < Duration::from_secs(15), "took {:?}", run.elapsed);
    drop(holder);
    assert_next_grading_works(&sb);
}

#[test]
fn a_poisoned_toolchain_cache_in_the_workspace_is_not_used() {
    let sb = attacks();
    let fake = sb.path("fake-rustc");
    let marker = sb.path("fake-rustc-ran");
    fs::write(&fake, format!("#!/bin/sh\ntouch '{}'\nexit 0\n", marker.display())).unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    // What an earlier learn cached in the workspace, rewritten by a learner's program.
    sb.write(".learn/toolchain.toml", &format!("fingerprint = \"\"\nrustc = \"{}\"\n", fake.display()));
    let cache = tempfile::tempdir().unwrap();
    let run = sb.command_in(&sb.ws(), &["verify", "intruder", "--course", "../course"], |cmd| {
        cmd.env("XDG_CACHE_HOME", cache.path());
    });
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "✗ intruder (current): 1 of 1 hidden tests failed\n\n0 of 1 exercises pass.\n");
    assert!(!marker.exists(), "the fake compiler ran");
    assert!(cache.path().join("learn/toolchain.toml").is_file(), "the cache is in the user's cache folder");
    assert_next_grading_works(&sb);
}

#[test]
fn a_committed_course_dir_does_not_choose_the_hidden_tests() {
    let sb = attacks();
    // The learner's own course, whose hidden tests pass anything.
    let evil = sb.path("ws/my-course");
    crate::harness::copy_dir(&sb.course(), &evil);
    fs::write(evil.join("checks/intro/intruder.rs"), "#[test]\nfn answer_is_one() {}\n").unwrap();
    let progress = sb.read(".learn-progress.toml");
    let course_line = progress.lines().find(|l| l.starts_with("course_dir")).unwrap().to_string();
    sb.write(
        ".learn-progress.toml",
        &progress.replace(&course_line, &format!("course_dir = {:?}", evil.canonicalize().unwrap())),
    );
    let run = sb.learn(&["verify", "intruder"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: the progress file [TMP]/ws/.learn-progress.toml names the course folder [TMP]/ws/my-course, \
         but `learn verify` never takes the hidden tests from the workspace's own files (anyone who can edit \
         them could point it at tests of their own).\n\
         Name the course on the command line: `learn verify --course [TMP]/ws/my-course`\n"
    );
    let run = sb.learn(&["verify", "intruder", "--course", "../course"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "✗ intruder (current): 1 of 1 hidden tests failed\n\n0 of 1 exercises pass.\n");
    // (`learn run`, for self-study, follows the progress file: put it back before grading again.)
    sb.write(".learn-progress.toml", &progress);
    assert_next_grading_works(&sb);
}

#[test]
fn a_committed_rust_toolchain_file_does_not_choose_the_compiler() {
    let sb = attacks();
    let marker = sb.path("fake-toolchain-ran");
    let fake_bin = sb.path("fake-toolchain/bin");
    fs::create_dir_all(&fake_bin).unwrap();
    fs::create_dir_all(sb.path("fake-toolchain/lib")).unwrap();
    fs::write(
        fake_bin.join("rustc"),
        format!("#!/bin/sh\ntouch '{}'\necho fake-rustc 1.0\nexit 0\n", marker.display()),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(fake_bin.join("rustc")).status().unwrap();
    sb.write(
        "rust-toolchain.toml",
        &format!("[toolchain]\npath = {:?}\n", sb.path("fake-toolchain").canonicalize().unwrap()),
    );
    // Where rustup is the `rustc` on PATH, it does pick the file up in the workspace.
    let picked = Command::new("rustc").arg("--version").current_dir(sb.ws()).output();
    let rustup_picks_it = picked.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("fake-rustc"));
    let _ = fs::remove_file(&marker);
    let cache = tempfile::tempdir().unwrap();
    let run = sb.command_in(&sb.ws(), &["verify", "intruder", "--course", "../course"], |cmd| {
        cmd.env("XDG_CACHE_HOME", cache.path());
    });
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "✗ intruder (current): 1 of 1 hidden tests failed\n\n0 of 1 exercises pass.\n");
    assert!(!marker.exists(), "the toolchain named by the workspace ran (rustup picks it: {rustup_picks_it})");
    assert_next_grading_works(&sb);
}

#[test]
fn a_huge_constant_ends_with_the_compiler_out_of_memory() {
    let sb = attacks();
    let run = attack(
        &sb,
        "const BIG: [u8; 1 << 33] = [7; 1 << 33];\nfn answer() -> u32 {\n    BIG[12345] as u32\n}\nfn main() {}\n",
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("✗ intruder (current): does not compile\n"), "{}", run.stdout);
    let json = sb.learn(&["run", "intruder", "--format", "json"]);
    let message =
        serde_json::from_str::<serde_json::Value>(&json.stdout).unwrap()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("tried to allocate more memory than available to compiler")
            || message.contains("the compiler ran out of memory"),
        "{message}"
    );
    assert_next_grading_works(&sb);
}

#[test]
fn include_str_of_a_file_outside_the_build_folder_does_not_compile() {
    let sb = attacks();
    let run = attack(
        &sb,
        "const STOLEN: &str = include_str!(\"{ROOT}/ws/exercises/intro/bystander.rs\");\n\
         fn answer() -> u32 {\n    STOLEN.len() as u32\n}\nfn main() {}\n",
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("✗ intruder (current): does not compile\n"), "{}", run.stdout);
    let json = sb.learn(&["run", "intruder", "--format", "json"]);
    let message =
        serde_json::from_str::<serde_json::Value>(&json.stdout).unwrap()["message"].as_str().unwrap().to_string();
    assert!(message.contains("couldn't read `[TMP]/ws/exercises/intro/bystander.rs`"), "{message}");
    assert!(message.contains("Permission denied"), "{message}");
    assert_next_grading_works(&sb);
}

#[test]
fn list_shows_an_exercise_changed_since_it_passed() {
    let sb = attacks();
    sb.solve("intruder");
    assert_eq!(sb.learn(&["run"]).code, 0);
    assert!(sb.learn(&["list"]).stdout.contains("    1  done     intruder   exercises/intro/intruder.rs\n"));
    sb.write("exercises/intro/intruder.rs", "fn answer() -> u32 {\n    1 + 0\n}\nfn main() {}\n");
    let list = sb.learn(&["list"]).stdout;
    assert!(
        list.contains(
            "    #  state                name       file\n    1  done, changed since  intruder   exercises/intro/intruder.rs\n"
        ),
        "{list}"
    );
    sb.solve("intruder");
    assert!(sb.learn(&["list"]).stdout.contains("    1  done     intruder   exercises/intro/intruder.rs\n"));
}

#[test]
fn doctor_lists_every_protection() {
    let sb = attacks();
    let run = sb.learn(&["doctor"]);
    let names = [
        "resource limits",
        "memory limit enforced",
        "process group killed at the end",
        "dies with learn",
        "no process outlives grading",
        "file access",
        "no signals to other processes",
        "no network",
    ];
    assert!(
        run.stdout
            .starts_with(&format!("Protections for graded programs on this machine ({}):\n", std::env::consts::OS))
    );
    for name in names {
        assert!(run.stdout.contains(&format!(" {name} ")), "{name} missing:\n{}", run.stdout);
    }
    if cfg!(target_os = "linux") && run.code == 0 {
        assert!(run.stdout.ends_with("\nGraded programs are confined: `learn grade` can grade submissions here.\n"));
        assert!(!run.stdout.contains('✗'), "{}", run.stdout);
    }
}

/// In `learn grade`, one submission tries to read, copy and overwrite the others' files and to kill
/// `learn`; another reads them at compile time; another breaks its memory limit. The others' rows
/// are right, and the submissions folder is unchanged.
#[test]
fn in_grade_a_submission_cannot_reach_the_others_or_the_grader() {
    let sb = Sandbox::with_course("attacks");
    let subs = root(&sb).join("submissions");
    let solution = fs::read_to_string(sb.course().join("solutions/intro/intruder.rs")).unwrap();
    let alice = subs.join("alice/exercises/intro/intruder.rs");
    let mallory = format!(
        r#"fn answer() -> u32 {{
    let alice = "{alice}";
    let mut escaped = Vec::new();
    if std::fs::read_to_string(alice).is_ok() {{ escaped.push("read alice's answer"); }}
    if std::fs::write(alice, "fn answer() -> u32 {{ 0 }}").is_ok() {{ escaped.push("overwrote alice's answer"); }}
    if std::fs::read_dir("{subs}").is_ok() {{ escaped.push("listed the submissions"); }}
    for program in ["kill", "/bin/sh"] {{
        if std::process::Command::new(program).args(["-9", "-1"]).status().is_ok() {{ escaped.push(program); }}
    }}
    assert!(escaped.is_empty(), "escaped: {{escaped:?}}");
    1
}}
fn main() {{}}
"#,
        alice = alice.display(),
        subs = subs.display()
    );
    let learners = [
        ("alice", solution.clone()),
        ("bob", format!("const STOLEN: &str = include_str!({:?});\n{solution}", alice)),
        ("mallory", mallory),
        ("oscar", "fn answer() -> u32 {\n    let mut v = Vec::new();\n    loop { v.push(Vec::<u8>::with_capacity(1 << 24)); }\n}\nfn main() {}\n".into()),
        ("zoe", solution.clone()),
    ];
    for (name, text) in &learners {
        let file = subs.join(format!("{name}/exercises/intro/intruder.rs"));
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
        let other = subs.join(format!("{name}/exercises/intro/bystander.rs"));
        fs::write(other, "fn answer() -> u32 {\n    2\n}\nfn main() {}\n").unwrap();
    }
    let before = snapshot(&subs);
    // Build folders go to the temporary folder: one of this test's own, to find what it left running.
    let tmp = root(&sb).join("tmp");
    fs::create_dir(&tmp).unwrap();
    let run = sb.command_in(sb.dir.path(), &["grade", "submissions", "--course", "course", "--jobs", "2"], |cmd| {
        cmd.env("TMPDIR", &tmp);
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "learner,exercise,status,tests_passed,tests_total,message\n\
         alice,intruder,pass,1,1,\n\
         alice,bystander,pass,1,1,\n\
         bob,intruder,error,0,0,does not compile: couldn't read `[TMP]/submissions/alice/exercises/intro/intruder.rs`: Permission denied (os error 13)\n\
         bob,bystander,pass,1,1,\n\
         mallory,intruder,pass,1,1,\n\
         mallory,bystander,pass,1,1,\n\
         oscar,intruder,error,0,1,crashed: the program ran out of memory (the limit is 1024 MiB): something allocates without end\n\
         oscar,bystander,pass,1,1,\n\
         zoe,intruder,pass,1,1,\n\
         zoe,bystander,pass,1,1,\n"
    );
    assert_unchanged(&before, &snapshot(&subs));
    // This test's own gradings, by their folder: other tests grade the same course at the same time.
    assert_nothing_running(&[&tmp.display().to_string()]);
}

#[test]
fn a_program_the_test_starts_cannot_read_or_trace_the_test_process() {
    // A runtime loaded by the dynamic loader (a JVM, a Python) could call process_vm_readv on the
    // test process and read the result channel's secret. Here: the system's Python, carried in
    // the learner's own program (include_bytes! of a file put in its build folder) and loaded by
    // the dynamic loader from the test's scratch folder.
    let python = match fs::canonicalize("/usr/bin/python3") {
        Ok(p) if cfg!(target_os = "linux") && Path::new("/lib64/ld-linux-x86-64.so.2").exists() => p,
        _ => {
            eprintln!("no system Python or x86-64 loader: skipping");
            return;
        }
    };
    let sb = attacks();
    let build = root(&sb).join("ws/.learn/build/intruder");
    fs::create_dir_all(&build).unwrap();
    fs::copy(&python, build.join("python")).unwrap();
    let script = "import ctypes, os\\nlibc = ctypes.CDLL(None, use_errno=True)\\nbuf = ctypes.create_string_buffer(16)\\n\
                  class V(ctypes.Structure):\\n    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]\\n\
                  l = V(ctypes.cast(buf, ctypes.c_void_p), 16)\\nr = V(0x400000, 16)\\n\
                  n = libc.process_vm_readv(os.getppid(), ctypes.byref(l), 1, ctypes.byref(r), 1, 0)\\n\
                  print('read', n, ctypes.get_errno())\\nt = libc.ptrace(16, os.getppid(), 0, 0)\\n\
                  print('attach', t, ctypes.get_errno())\\n";
    let run = attack(
        &sb,
        &format!(
            r#"fn answer() -> u32 {{
    static PY: &[u8] = include_bytes!("{build}/python");
    let py = std::env::temp_dir().join(format!("py{{}}", std::process::id()));
    std::fs::write(&py, PY).unwrap();
    let out = std::process::Command::new("/lib64/ld-linux-x86-64.so.2").arg(&py).arg("-c").arg("{script}").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // EPERM (1) for both: refused, not merely a bad address.
    assert!(said.contains("read -1 1
") && said.contains("attach -1 1
"), "{{said}}");
    1
}}
fn main() {{}}
"#,
            build = build.display()
        ),
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, REFUSED), "{}", run.stderr);
}

#[test]
fn in_grade_links_fifos_and_devices_are_refused_without_waiting() {
    let sb = Sandbox::with_course("attacks");
    let subs = root(&sb).join("submissions");
    let course = root(&sb).join("course");
    let file = |learner: &str| subs.join(format!("{learner}/exercises/intro/intruder.rs"));
    for learner in ["honest", "linker", "folder", "zero", "fifo"] {
        fs::create_dir_all(file(learner).parent().unwrap()).unwrap();
        let other = subs.join(format!("{learner}/exercises/intro/bystander.rs"));
        fs::write(other, "fn answer() -> u32 {\n    2\n}\nfn main() {}\n").unwrap();
    }
    fs::write(file("honest"), "fn answer() -> u32 {\n    2\n}\nfn main() {}\n").unwrap();
    // The course's own solution, reached by a link: it would pass.
    std::os::unix::fs::symlink(course.join("solutions/intro/intruder.rs"), file("linker")).unwrap();
    // A folder on the way that is a link to the course's solutions.
    fs::remove_dir_all(subs.join("folder/exercises")).unwrap();
    std::os::unix::fs::symlink(course.join("solutions"), subs.join("folder/exercises")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", file("zero")).unwrap();
    assert!(Command::new("mkfifo").arg(file("fifo")).status().unwrap().success());
    let started = Instant::now();
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "course"]);
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    let rows: Vec<&str> = run.stdout.lines().filter(|l| l.contains(",intruder,")).collect();
    assert_eq!(
        rows,
        [
            "fifo,intruder,error,0,0,fifo/exercises/intro/intruder.rs is not a regular file: `learn reset intruder` restores the original",
            "folder,intruder,error,0,0,folder/exercises/intro/intruder.rs is not inside the workspace folder: a folder on its way is a link to somewhere else: `learn reset intruder` restores the original",
            "honest,intruder,fail,0,1,1 of 1 hidden tests failed",
            "linker,intruder,error,0,0,\"linker/exercises/intro/intruder.rs is a symbolic link: learn grades the file itself, so put the file there: `learn reset intruder` restores the original\"",
            "zero,intruder,error,0,0,\"zero/exercises/intro/intruder.rs is a symbolic link: learn grades the file itself, so put the file there: `learn reset intruder` restores the original\"",
        ],
        "{}",
        run.stdout
    );
}

/// Runs `learn ARGS` in `dir` inside a user namespace that may not create namespaces of its own
/// (like a kernel that forbids them to unprivileged users). `None` where that cannot be set up.
fn without_namespaces(sb: &Sandbox, dir: &Path, args: &[&str]) -> Option<Run> {
    let probe = Command::new("unshare").args(["--user", "--map-root-user", "true"]).output().ok()?;
    if !probe.status.success() {
        eprintln!("user namespaces are not available: skipping");
        return None;
    }
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "echo 0 > /proc/sys/user/max_user_namespaces || exit 99; cd '{}' && exec '{BIN}' {}",
        dir.display(),
        quoted.join(" ")
    );
    let start = Instant::now();
    let out = Command::new("unshare").args(["--user", "--map-root-user", "sh", "-c", &script]).output().unwrap();
    if out.status.code() == Some(99) {
        eprintln!("cannot forbid namespaces here: skipping");
        return None;
    }
    Some(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: sb.redact(&String::from_utf8_lossy(&out.stdout)),
        stderr: sb.redact(&String::from_utf8_lossy(&out.stderr)),
        elapsed: start.elapsed(),
    })
}

#[test]
#[cfg(target_os = "linux")]
fn without_namespaces_grade_refuses_unless_unconfined_and_doctor_says_why() {
    let sb = Sandbox::with_course("attacks");
    let file = sb.path("submissions/alice/exercises/intro/intruder.rs");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::copy(sb.course().join("solutions/intro/intruder.rs"), &file).unwrap();
    let Some(doctor) = without_namespaces(&sb, sb.dir.path(), &["doctor"]) else { return };
    assert_eq!(doctor.code, 1, "{doctor:?}");
    assert!(doctor.stdout.contains("  ✗ no process outlives grading  "), "{}", doctor.stdout);
    // Landlock still confines file access and signals.
    assert!(doctor.stdout.contains("  ✓ file access  "), "{}", doctor.stdout);
    assert!(
        doctor.stdout.ends_with(
            "\nGraded programs are not fully confined here: `learn grade` refuses to run without `--unconfined`.\n"
        ),
        "{}",
        doctor.stdout
    );

    let grade = without_namespaces(&sb, sb.dir.path(), &["grade", "submissions", "--course", "course"]).unwrap();
    assert_eq!(grade.code, 2, "{grade:?}");
    assert!(
        grade
            .stderr
            .starts_with("error: submissions cannot be confined on this machine: no process outlives grading ("),
        "{}",
        grade.stderr
    );
    assert!(grade.stderr.ends_with(
        "`learn doctor` lists the protections; grade on a machine that has them, or pass `--unconfined` if you trust every submission\n"
    ));
    assert_eq!(grade.stdout, "");

    let args = ["grade", "submissions", "--course", "course", "--unconfined"];
    let grade = without_namespaces(&sb, sb.dir.path(), &args).unwrap();
    assert_eq!(grade.code, 0, "{grade:?}");
    assert_eq!(
        grade.stdout,
        "learner,exercise,status,tests_passed,tests_total,message\n\
         alice,intruder,pass,1,1,\n\
         alice,bystander,error,0,0,alice/exercises/intro/bystander.rs is missing: `learn reset bystander` restores the original\n"
    );
}
