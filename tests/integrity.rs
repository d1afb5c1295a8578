//! The attack suite: learner files that try to pass without a right answer, by changing what the
//! hidden tests mean, writing the result channel, reshaping the crate, or reading the hidden tests.
//! Each asserts the exact verdict, that the hidden tests' text never shows, that nothing is left
//! running, and that nothing outside the exercise's build folder changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::harness::{Run, Sandbox, processes_running};

/// The basic course's first exercise: hidden tests want `answer() == 42` and even.
const FIRST: &str = "exercises/intro/first.rs";

/// Text that is only in the hidden tests (a test's doc comment and its code).
const HIDDEN_ONLY: &[&str] = &["answer() returns an even number.", "let got: u32 = answer();", "__learn_harness"];

/// Every file of the workspace outside `.learn/` with its content.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            if rel == ".learn" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(rel, fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

/// Grades `file` as the first exercise and checks what every attack must leave intact.
fn attack(file: &str) -> Run {
    attack_at(FIRST, file, &["run"], |_| {})
}

/// After `setup`, writes `file` at `rel`, grades it with `learn ARGS` and checks what every attack
/// must leave intact.
fn attack_at(rel: &str, file: &str, args: &[&str], setup: impl FnOnce(&Sandbox)) -> Run {
    let sb = Sandbox::basic();
    setup(&sb);
    sb.write(rel, file);
    let before = snapshot(&sb.ws());
    let outside = snapshot(sb.dir.path().join("course").as_path());
    let run = sb.learn(args);
    assert_eq!(snapshot(&sb.ws()), before, "the attack changed the workspace:\n{}", run.stdout);
    assert_eq!(snapshot(sb.dir.path().join("course").as_path()), outside, "the attack changed the course");
    for secret in HIDDEN_ONLY {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "hidden text shown:\n{}", run.stdout);
    }
    let build = format!("{}/ws/.learn/build", sb.dir.path().canonicalize().unwrap().display());
    let left = processes_running(&build);
    assert!(left.is_empty(), "left running: {left:?}");
    run
}

/// The verdict line (after any compiler warnings).
fn headline(run: &Run) -> &str {
    run.stdout.lines().find(|l| l.starts_with('✗') || l.starts_with('✓')).unwrap_or_default()
}

#[test]
fn redefining_the_assertion_macros_changes_nothing() {
    let run = attack(
        "macro_rules! assert_eq { ($($t:tt)*) => {} }\nmacro_rules! assert { ($($t:tt)*) => {} }\n\
         macro_rules! assert_ne { ($($t:tt)*) => {} }\nfn answer() -> u32 { 1 }\nfn main() {}\n",
    );
    assert_eq!(headline(&run), "✗ first: 2 of 2 hidden tests failed.");
    assert_eq!(run.code, 1);
}

#[test]
fn a_type_whose_equality_always_says_yes_does_not_compile_against_pinned_tests() {
    let run = attack(
        "#[derive(Debug)]\npub struct Yes;\nimpl PartialEq<u32> for Yes { fn eq(&self, _: &u32) -> bool { true } }\n\
         impl PartialEq for Yes { fn eq(&self, _: &Yes) -> bool { true } }\n\
         impl std::ops::Rem<u32> for Yes { type Output = Yes; fn rem(self, _: u32) -> Yes { Yes } }\n\
         fn answer() -> Yes { Yes }\nfn main() {}\n",
    );
    assert_eq!(headline(&run), "✗ first compiles, but does not fit the hidden tests yet:");
    assert!(run.stdout.contains("error: the hidden tests cannot use your code as it is\n"), "{}", run.stdout);
    assert!(run.stdout.contains("a type is not the one the tests expect"), "{}", run.stdout);
}

#[test]
fn a_field_that_only_dereferences_to_the_pinned_container_does_not_compile() {
    // A `let _: &Cell<u32> = &c.count;` pin would accept this wrapper by deref coercion.
    let run = attack_at(
        "exercises/intro/second.rs",
        "use std::cell::Cell;\n#[derive(Default)]\npub struct Fake(Cell<u32>);\n\
         impl std::ops::Deref for Fake { type Target = Cell<u32>; fn deref(&self) -> &Cell<u32> { &self.0 } }\n\
         struct Counter { count: Fake }\nimpl Counter { fn bump(&self) { self.count.set(self.count.get() + 1); } }\n\
         fn main() {}\n",
        &["run", "second"],
        |sb| {
            sb.solve("first");
            assert_eq!(sb.learn(&["run", "first"]).code, 0);
        },
    );
    assert_eq!(headline(&run), "✗ second compiles, but does not fit the hidden tests yet:");
    assert!(run.stdout.contains("error: the hidden tests cannot use your code as it is\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("a type is not the one the tests expect: they use `Cell<u32>`, your code has `Fake`"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_graders_environment_is_not_readable_at_compile_or_run_time() {
    // As a token in a CI job's environment would be.
    let sb = Sandbox::basic();
    sb.write(
        FIRST,
        "fn answer() -> u32 {\n    panic!(\"compiled {:?}, running {:?}, home {:?}\", option_env!(\"GRADER_TOKEN\"), \
         std::env::var(\"GRADER_TOKEN\").ok(), std::env::var(\"HOME\").ok());\n}\nfn main() {}\n",
    );
    let run = sb.command_in(&sb.ws(), &["run"], |cmd| {
        cmd.env("GRADER_TOKEN", "ghp_do_not_leak");
    });
    assert_eq!(headline(&run), "✗ first: 2 of 2 hidden tests failed.");
    assert!(run.stdout.contains("compiled None, running None, home None"), "{}", run.stdout);
}

#[test]
fn printing_fake_records_and_exiting_with_success_does_not_pass() {
    // Whatever the record format, without the run's secret a record counts for nothing.
    let run = attack(
        "fn answer() -> u32 {\n    for name in [\"answer_is_forty_two\", \"answer_is_even\"] {\n        \
         println!(\"00000000000000000000000000000000 {name} pass 0 0 0 0\");\n        \
         println!(\"\\u{1e}learn-test-passed:00000000000000000000000000000000\");\n    }\n    \
         println!(\"test result: ok. 2 passed\");\n    std::process::exit(0)\n}\nfn main() {}\n",
    );
    assert!(
        headline(&run).starts_with("✗ first crashed: the test ended the program (`std::process::exit`)"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_panic_hook_that_exits_with_success_does_not_pass() {
    let run = attack(
        "fn answer() -> u32 {\n    std::panic::set_hook(Box::new(|_| std::process::exit(0)));\n    1\n}\nfn main() {}\n",
    );
    assert!(headline(&run).starts_with("✗ first crashed: the test ended the program"), "{}", run.stdout);
}

#[test]
fn re_running_the_test_program_from_inside_a_test_does_not_pass() {
    // The test program run again reports with a secret of its own, into the test's own output.
    let run = attack(
        "fn answer() -> u32 {\n    let me = std::env::current_exe().unwrap();\n    \
         let _ = std::process::Command::new(&me).arg(\"all\").arg(&me).arg(\"1000\")\n        \
         .stdin(std::process::Stdio::null()).status();\n    \
         let _ = std::process::Command::new(me).arg(\"test\").arg(\"answer_is_even\").status();\n    1\n}\nfn main() {}\n",
    );
    assert_eq!(headline(&run), "✗ first: 2 of 2 hidden tests failed.");
}

#[test]
fn crate_level_attributes_that_reshape_the_program_are_refused() {
    for (file, attribute) in [
        ("#![no_main]\nfn answer() -> u32 { 42 }\nfn main() {}\n", "no_main"),
        ("#![cfg_attr(all(), no_std)]\nfn answer() -> u32 { 42 }\nfn main() {}\n", "no_std"),
        ("//! docs\n#![no_implicit_prelude]\nfn answer() -> u32 { 42 }\nfn main() {}\n", "no_implicit_prelude"),
    ] {
        let run = attack(file);
        assert_eq!(headline(&run), "✗ first does not compile yet:");
        assert!(
            run.stdout.contains(&format!(
                "error: `#![{attribute}]` changes the shape of the program the hidden tests are compiled into, so learn \
                 does not grade files that use it: remove it\n"
            )),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn code_that_runs_before_main_is_refused_as_unsafe() {
    for file in [
        "#[unsafe(link_section = \".init_array\")]\n#[used]\nstatic EARLY: extern \"C\" fn() = early;\n\
         extern \"C\" fn early() { std::process::exit(0) }\nfn answer() -> u32 { 1 }\nfn main() {}\n",
        "#[unsafe(no_mangle)]\npub extern \"C\" fn main() -> i32 { 0 }\nfn answer() -> u32 { 1 }\n",
        "#[unsafe(export_name = \"main\")]\npub extern \"C\" fn start() -> i32 { 0 }\nfn answer() -> u32 { 1 }\nfn main() {}\n",
        "#![allow(unsafe_code)]\nfn answer() -> u32 { unsafe { std::hint::unreachable_unchecked() } }\nfn main() {}\n",
    ] {
        let run = attack(file);
        assert_eq!(headline(&run), "✗ first does not compile yet:", "{file}");
        assert!(run.stdout.contains("unsafe"), "{}", run.stdout);
        assert!(run.stdout.contains("= note: learn compiles exercises with `unsafe` code forbidden"), "{}", run.stdout);
    }
}

#[test]
fn the_composed_source_cannot_be_included() {
    // The composed crate goes to the compiler through a pipe: nothing on disk to name, and the
    // pipe is already read when the file's macros run (its own name, `file!()`, included).
    for path in ["\"/dev/stdin\"", "\"/proc/self/fd/0\"", "\"first.rs\"", "\"first-tests\"", "file!()", "\"<anon>\""] {
        let run =
            attack(&format!("compile_error!(include_str!({path}));\nfn answer() -> u32 {{ 42 }}\nfn main() {{}}\n"));
        assert_eq!(headline(&run), "✗ first does not compile yet:", "{path}: {}", run.stdout);
    }
}

#[test]
fn brackets_that_close_the_exercise_module_early_do_not_move_the_tests() {
    let run = attack(
        "fn answer() -> u32 { 1 }\nfn main() {}\n}\npub(crate) mod decoy {\n    \
         pub(crate) mod __learn_hidden { pub(crate) static __LEARN_TESTS: &[crate::__learn_harness::Test] = &[]; }\n",
    );
    assert_eq!(headline(&run), "✗ first compiles, but does not fit the hidden tests yet:");
}

#[test]
fn a_right_answer_passes() {
    let sb = Sandbox::basic();
    sb.write(FIRST, "fn answer() -> u32 {\n    42\n}\nfn main() {}\n");
    let run = sb.learn(&["run"]);
    assert_eq!(headline(&run), "✓ first passes: all 2 hidden tests passed.");
}

#[test]
fn code_that_only_a_debug_build_runs_is_refused() {
    // learn grades a debug build: a count kept inside a `debug_assert!`, or an answer under
    // `cfg(debug_assertions)`, would pass here and vanish from a release build of the same file.
    let run = attack(
        "fn answer() -> u32 {\n    let mut n = 0;\n    debug_assert!({ n = 42; true });\n    n\n}\n\
         #[cfg(debug_assertions)]\nfn main() {}\n#[cfg(not(debug_assertions))]\nfn main() {}\n",
    );
    assert_eq!(headline(&run), "✗ first does not compile yet:", "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("learn does not grade code that only a debug build runs").count(),
        3,
        "{}",
        run.stdout
    );
    // Each error points at the line and column, and underlines the code, as the compiler would.
    for at in ["3:5", "6:7", "8:11"] {
        assert!(run.stdout.contains(&format!("--> exercises/intro/first.rs:{at}\n")), "{at}: {}", run.stdout);
    }
    assert!(run.stdout.contains("3 |     debug_assert!({ n = 42; true });\n  |     ^^^^^^^^^^^^\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("8 | #[cfg(not(debug_assertions))]\n  |           ^^^^^^^^^^^^^^^^\n"),
        "{}",
        run.stdout
    );
    // The same answer with `assert!` is graded, and passes.
    let sb = Sandbox::basic();
    sb.write(FIRST, "fn answer() -> u32 {\n    let n = 42;\n    assert!(n > 0);\n    n\n}\nfn main() {}\n");
    assert_eq!(headline(&sb.learn(&["run"])), "✓ first passes: all 2 hidden tests passed.");
}

#[test]
fn a_course_that_keeps_state_in_fields_refuses_statics_but_not_static_lifetimes() {
    // A static is one value for the whole program: two instances would share it (a count, a cache,
    // a hidden lock) where the tests check that each keeps its own state.
    let sb = Sandbox::basic();
    keep_state_in_fields(&sb);
    sb.write(
        FIRST,
        "use std::sync::atomic::{AtomicU32, Ordering};\n\
         thread_local! { static CALLS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) }; }\n\
         static ANSWER: AtomicU32 = AtomicU32::new(42);\n\
         fn answer() -> u32 { ANSWER.load(Ordering::Relaxed) }\nfn main() {}\n",
    );
    let run = sb.learn(&["run"]);
    assert_eq!(headline(&run), "✗ first does not compile yet:", "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("learn does not grade a `static` (or a `thread_local!`) in this exercise").count(),
        2,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--> exercises/intro/first.rs:2:17\n"), "{}", run.stdout);
    assert!(run.stdout.contains("--> exercises/intro/first.rs:3:1\n"), "{}", run.stdout);
    assert!(run.stdout.contains("3 | static ANSWER: AtomicU32 = AtomicU32::new(42);\n  | ^^^^^^\n"), "{}", run.stdout);
    sb.write(
        FIRST,
        "fn name() -> &'static str { \"static\" }\nfn answer() -> u32 { name().len() as u32 * 7 }\nfn main() {}\n",
    );
    let run = sb.learn(&["run"]);
    assert_eq!(headline(&run), "✓ first passes: all 2 hidden tests passed.", "{}", run.stdout);
}

#[test]
fn the_program_of_an_earlier_grading_cannot_be_read_by_the_next_compile() {
    // The program holds the hidden tests' names and messages. The compiler may read only its build
    // folder (its path is in the compiler's TMPDIR); the program is moved beside that folder before
    // it runs, so neither where it was built nor where it now is can be included.
    for path in ["/first-tests", "/../first-tests"] {
        let file = format!(
            "const PREV: &[u8] = include_bytes!(concat!(env!(\"TMPDIR\"), \"{path}\"));\n\
             fn answer() -> u32 {{ PREV.len() as u32 }}\nfn main() {{}}\n"
        );
        let run = attack_at(FIRST, &file, &["run"], |sb| {
            sb.write(FIRST, "fn answer() -> u32 { 40 }\nfn main() {}\n");
            let earlier = sb.learn(&["run"]);
            assert_eq!(headline(&earlier), "✗ first: 1 of 2 hidden tests failed.", "{}", earlier.stdout);
            assert!(sb.ws().join(".learn/build/first-tests").is_file());
            assert!(!sb.ws().join(".learn/build/first/first-tests").exists());
        });
        assert_eq!(headline(&run), "✗ first does not compile yet:", "{path}: {}", run.stdout);
        assert!(run.stdout.contains("couldn't read"), "{path}: {}", run.stdout);
    }
}

#[test]
fn a_course_that_keeps_state_in_fields_leaves_the_tests_no_file_to_write_and_no_file_lock() {
    // Files and file locks outlive the values the tests look at, as a static would.
    let sb = Sandbox::basic();
    let (manifest, text) = keep_state_in_fields(&sb);
    sb.write(
        FIRST,
        "fn answer() -> u32 {\n    \
             let file = std::env::temp_dir().join(\"cache\");\n    \
             let wrote = std::fs::write(&file, \"42\").is_ok();\n    \
             let exe = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();\n    \
             let locked = exe.lock().is_ok();\n    \
             if wrote || locked { 42 } else { 2 }\n}\nfn main() {}\n",
    );
    let run = sb.learn(&["run"]);
    assert_eq!(headline(&run), "✗ first: 1 of 2 hidden tests failed.", "{}", run.stdout);
    // Where the course allows statics, both are allowed (the same file passes).
    fs::write(&manifest, text).unwrap();
    let run = sb.learn(&["run"]);
    assert_eq!(headline(&run), "✓ first passes: all 2 hidden tests passed.", "{}", run.stdout);
}

/// Sets `allow_statics = false` on the sandbox's course; returns the manifest and its old text.
fn keep_state_in_fields(sb: &Sandbox) -> (std::path::PathBuf, String) {
    let manifest = sb.course().join("info.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replacen("[course]\n", "[course]\nallow_statics = false\n", 1)).unwrap();
    (manifest, text)
}
