//! `learn watch` driven through pipes: saves in each editor's style, bursts, cancellation, keys.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::harness::{Sandbox, processes_running};

const TITLE: &str = "A basic test course  [";
const FAILING: &str = "✗ first: 1 of 2 hidden tests failed.";
const PASSING: &str = "✓ first passes: all 2 hidden tests passed.";

fn solution(sb: &Sandbox, name: &str) -> String {
    fs::read_to_string(sb.course().join(format!("solutions/intro/{name}.rs"))).unwrap()
}

/// Truncates and writes in place, in two writes with a pause between them, as a slow editor would.
fn save_in_place(path: &Path, text: &str) {
    let mut file = fs::OpenOptions::new().write(true).truncate(true).open(path).unwrap();
    let (a, b) = text.split_at(text.len() / 2);
    file.write_all(a.as_bytes()).unwrap();
    file.flush().unwrap();
    std::thread::sleep(Duration::from_millis(120));
    file.write_all(b.as_bytes()).unwrap();
}

/// Writes a temporary file and renames it over the original (VS Code, JetBrains "safe write").
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_file_name(".first.rs.tmp-save");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// Vim with `backupcopy=no`: probes the folder with `4913`, writes a swap file, renames the original
/// to `first.rs~`, writes a new file, removes the backup.
fn save_like_vim(path: &Path, text: &str) {
    let dir = path.parent().unwrap();
    fs::write(dir.join("4913"), "").unwrap();
    fs::remove_file(dir.join("4913")).unwrap();
    fs::write(dir.join(".first.rs.swp"), "swap").unwrap();
    let backup = path.with_file_name("first.rs~");
    fs::rename(path, &backup).unwrap();
    fs::write(path, text).unwrap();
    fs::remove_file(&backup).unwrap();
    fs::write(dir.join(".#first.rs"), "lock").unwrap();
}

fn first(sb: &Sandbox) -> std::path::PathBuf {
    sb.ws().join("exercises/intro/first.rs")
}

#[test]
fn starts_on_the_current_exercise_and_shows_its_verdict() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    assert_eq!(
        w.last_screen(TITLE),
        "A basic test course  [------------------------------] 0/3\n\n\
         Exercise 1 of 3: first (exercises/intro/first.rs)\n\n\
         ✗ first: 1 of 2 hidden tests failed.\n\n  ✗ answer_is_forty_two\n      \
         assertion `left == right` failed: answer() should return 42\n        left: 0\n       right: 42\n  \
         ✓ answer_is_even\n\nkeys: h hint · l list (toggle) · r regrade · x reset · q quit\n"
    );
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}

#[test]
fn without_a_workspace_it_creates_the_default_one_and_says_where() {
    let sb = Sandbox::with_course("basic");
    fs::create_dir_all(sb.path("empty")).unwrap();
    let mut w = sb.watch_in(&sb.path("empty"), &[]);
    let out = w.wait_for("the first verdict", |o| o.contains("Exercise 1 of ") && o.contains("does not compile yet"));
    assert!(out.contains("Created the workspace interior-mutability for you: your files are there.\n"), "{out}");
    assert!(sb.path("empty/interior-mutability/.learn-progress.toml").is_file());
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}

#[test]
fn a_save_in_place_is_graded_once_complete_and_n_moves_on() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    save_in_place(&first(&sb), &solution(&sb, "first"));
    let out = w.wait_count(PASSING, 1);
    assert!(!out.contains("does not compile"), "a half-written file was graded:\n{out}");
    assert!(
        w.last_screen(TITLE).contains(
            "Compare with the reference solution: solutions/intro/first.rs\nPress n for the next exercise.\n"
        )
    );
    w.key('n');
    w.wait_for("the second exercise", |o| {
        o.contains("Exercise 2 of 3: second") && o.contains("✗ second does not compile yet")
    });
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}

#[test]
fn a_save_by_rename_over_the_file_is_graded() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    save_by_rename(&first(&sb), &solution(&sb, "first"));
    w.wait_count(PASSING, 1);
}

#[test]
fn a_vim_style_save_is_graded_and_its_helper_files_ignored() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    save_like_vim(&first(&sb), &solution(&sb, "first"));
    w.wait_count(PASSING, 1);
    // The file was deleted and created again: later saves still count.
    save_in_place(&first(&sb), &fs::read_to_string(sb.course().join("exercises/intro/first.rs")).unwrap());
    w.wait_count(FAILING, 2);
}

#[test]
fn in_a_burst_of_saves_only_the_last_contents_verdict_is_shown() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    let path = first(&sb);
    for n in 1..=5 {
        fs::write(&path, format!("fn answer() -> u32 {{ {n} }}\nfn main() {{}}\n")).unwrap();
    }
    fs::write(&path, solution(&sb, "first")).unwrap();
    w.wait_count(PASSING, 1);
    w.key('q');
    w.wait_exit();
    let out = w.output();
    let after_pass = &out[out.find(PASSING).unwrap()..];
    assert!(!after_pass.contains("✗ first"), "a stale verdict came after the newest one:\n{out}");
}

#[test]
fn a_save_while_tests_run_cancels_them_and_grades_the_new_content() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    let path = first(&sb);
    fs::write(
        &path,
        "fn answer() -> u32 { std::thread::sleep(std::time::Duration::from_secs(30)); 42 }\nfn main() {}\n",
    )
    .unwrap();
    w.wait_count("Grading first…", 2);
    // Give the slow version time to compile and start its tests, then save again.
    let build = format!("{}/ws/.learn/build/first-tests", sb.dir.path().canonicalize().unwrap().display());
    w.wait_for("the slow test program to run", |_| !processes_running(&build).is_empty());
    fs::write(&path, solution(&sb, "first")).unwrap();
    w.wait_count(PASSING, 1);
    // The slow run would have run into the 5 s limit and been reported: a pass without that
    // report shows it was cancelled, however long compiling took.
    let out = w.output();
    assert!(!out.contains("did not finish"), "{out}");
    assert!(processes_running(&build).is_empty(), "the cancelled run left processes behind");
}

#[test]
fn a_save_without_changes_shows_the_known_verdict_without_compiling() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    let text = fs::read_to_string(first(&sb)).unwrap();
    save_in_place(&first(&sb), &text);
    let out = w.wait_count(FAILING, 2);
    assert_eq!(out.matches("Grading first…").count(), 1, "the unchanged file was compiled again:\n{out}");
}

#[test]
fn keys_show_hints_the_list_and_reset_with_a_backup() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    w.key('h');
    w.wait_for("the hint", |o| o.contains("Hint 1 of 2 for first:\n  Look at what `answer` returns.\n"));
    w.key('l');
    w.wait_for("the list", |o| {
        o.contains("›  1  next    first   (on screen)\n   2  locked  second\n   3  locked  third\n\nHint 1 of 2")
    });
    fs::write(first(&sb), "fn answer() -> u32 { 7 }\nfn main() {}\n").unwrap();
    w.wait_count("✗ first: 2 of 2 hidden tests failed.", 1);
    w.key('x');
    w.wait_for("the confirmation", |o| o.contains("Reset exercises/intro/first.rs to its original text? Your version is saved in\nbackups/ first. Press y to confirm, any other key to keep it."));
    w.key('y');
    w.wait_for("the reset", |o| {
        o.contains("Restored the original exercises/intro/first.rs (your version is in\nbackups/first-1.rs).")
    });
    w.wait_count(FAILING, 2);
    assert_eq!(sb.read("backups/first-1.rs"), "fn answer() -> u32 { 7 }\nfn main() {}\n");
    w.key('n');
    w.wait_for("the refusal", |o| o.contains("n moves on once this exercise passes."));
    // Both notes are about what came before the next save: they go with it.
    let seen = w.output().matches("✗ first: 2 of 2 hidden tests failed.").count();
    fs::write(first(&sb), "fn answer() -> u32 { 7 }\nfn main() {}\n").unwrap();
    w.wait_count("✗ first: 2 of 2 hidden tests failed.", seen + 1);
    let screen = w.last_screen(TITLE);
    assert!(!screen.contains("Restored") && !screen.contains("n moves on"), "{screen}");
}

#[test]
fn saving_a_locked_exercise_says_so_and_an_unlocked_one_is_graded() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    fs::write(sb.ws().join("exercises/intro/third.rs"), "fn count(_: &[u32]) -> usize { 3 }\nfn main() {}\n").unwrap();
    w.wait_for("the locked note", |o| {
        o.contains("You saved third, which is still locked: finish first first, then second.")
    });
}

#[test]
fn manual_run_grades_only_on_r() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&["--manual-run"]);
    w.wait_for("the first screen", |o| o.contains("Press r to grade it.") && o.contains("r grade · x reset"));
    fs::write(first(&sb), solution(&sb, "first")).unwrap();
    w.key('r');
    w.wait_count(PASSING, 1);
}

#[test]
fn polling_notices_saves_too() {
    let sb = Sandbox::basic();
    let w = sb.watch(&["--poll"]);
    w.wait_count(FAILING, 1);
    fs::write(first(&sb), solution(&sb, "first")).unwrap();
    w.wait_count(PASSING, 1);
}

#[test]
fn finishing_the_last_exercise_says_so_and_exits() {
    let sb = Sandbox::basic();
    for name in ["first", "second"] {
        sb.solve(name);
        assert_eq!(sb.learn(&["run", name]).code, 0);
    }
    let mut w = sb.watch(&[]);
    w.wait_count("✗ third", 1);
    sb.solve("third");
    assert_eq!(w.wait_exit(), 0);
    let out = w.last_screen(TITLE);
    assert!(
        out.contains("You finished every exercise of A basic test course!\nThat was the whole test course.\n"),
        "{out}"
    );
    assert!(out.contains("That was the last exercise."), "{out}");
}

#[test]
#[cfg(target_os = "linux")]
fn when_file_events_cannot_be_set_up_it_says_how_to_fix_it_and_polls() {
    // With only six file descriptors, inotify cannot be set up (the same failure as an exhausted
    // inotify limit): learn must explain, fall back to polling, and keep running.
    let sb = Sandbox::basic();
    if std::process::Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("prlimit is not installed: skipping");
        return;
    }
    let out = std::process::Command::new("prlimit")
        .args(["--nofile=6", crate::harness::BIN, "watch"])
        .current_dir(sb.ws())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(b"q\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "learn could not watch the exercise files for changes, so it polls them instead\n\
             (a save shows up within a quarter of a second).\n\
             On Linux this usually means the inotify limits are reached; raise them with\n  \
             sudo sysctl fs.inotify.max_user_watches=524288\n  fs.inotify.max_user_instances=512\n\
             or run `learn watch --manual-run` and press r to grade.\n(The error was: Too many open files (os error 24).)\n"
        ),
        "{stdout}"
    );
}

#[test]
fn after_the_first_verdict_the_cache_is_filled_and_a_save_stops_the_filling() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    // The first verdict came from a compile without an incremental cache; the cache is filled
    // behind it, with a program of its own that is thrown away.
    let build = sb.ws().join(".learn/build/first");
    w.wait_for("the cache to be filled", |_| {
        build.join("incremental").is_dir() && !build.join("first-warm").exists() && unlocked(&build.join(".lock"))
    });
    fs::write(first(&sb), solution(&sb, "first")).unwrap();
    w.wait_count(PASSING, 1);
    // A save while the cache fills stops the filling: nothing of it is left running.
    fs::remove_dir_all(&build).unwrap();
    fs::write(first(&sb), format!("{}\n// again\n", solution(&sb, "first"))).unwrap();
    w.wait_count(PASSING, 2);
    fs::write(first(&sb), "fn answer() -> u32 { 0 }\nfn main() {}\n").unwrap();
    w.wait_count(FAILING, 2);
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
    let compiler = format!("{}", build.canonicalize().unwrap().display());
    assert!(processes_running(&compiler).is_empty(), "a compile outlived watch: {:?}", processes_running(&compiler));
}

/// Whether nobody holds the build folder's lock (a `learn` grading or filling the cache).
fn unlocked(lock: &Path) -> bool {
    fs::OpenOptions::new().write(true).open(lock).is_ok_and(|f| f.try_lock().is_ok())
}

#[test]
fn after_a_pass_the_next_exercise_is_graded_ahead_so_n_shows_it_at_once() {
    let sb = Sandbox::basic();
    let mut w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    fs::write(first(&sb), solution(&sb, "first")).unwrap();
    w.wait_count(PASSING, 1);
    // Wait for the grading ahead of time to be over: its build folder's lock was taken (its holder
    // wrote its process id into it) and is free again (then its verdict is on its way to the watch
    // loop, a moment before a learner could press n).
    let lock = sb.ws().join(".learn/build/second/.lock");
    w.wait_for("the next exercise graded ahead", |_| {
        fs::read_to_string(&lock).is_ok_and(|holder| !holder.is_empty()) && unlocked(&lock)
    });
    std::thread::sleep(Duration::from_millis(100));
    w.key('n');
    let out = w.wait_count("✗ second does not compile yet:", 1);
    assert!(!out.contains("Grading second…"), "the next exercise was not ready:\n{out}");
}

#[test]
fn learn_without_a_command_starts_watch_mode() {
    let sb = Sandbox::basic();
    let out = std::process::Command::new(crate::harness::BIN)
        .current_dir(sb.ws())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().unwrap();
            // The first screen is drawn before any key is handled.
            stdin.write_all(b"q\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("Exercise 1 of 3: first (exercises/intro/first.rs)\n"), "{stdout}");
    assert!(stdout.contains("keys: h hint · l list (toggle) · r regrade · x reset · q quit\n"), "{stdout}");
}

#[test]
fn an_emptied_file_points_to_the_reset_key_with_the_workspace_path() {
    let sb = Sandbox::basic();
    let w = sb.watch(&[]);
    w.wait_count(FAILING, 1);
    fs::write(first(&sb), "\n").unwrap();
    w.wait_for("the problem", |o| o.contains("✗ exercises/intro/first.rs is empty: press x to restore the original\n"));
    assert!(!w.output().contains("learn reset"), "{}", w.output());
}
