//! Grading through `learn run`: verdicts, what they print, and what cannot pass.

use crate::harness::Sandbox;

#[test]
fn a_failing_test_shows_its_assertion_and_a_hint_reminder() {
    let sb = Sandbox::basic();
    let run = sb.learn(&["run"]);
    assert_eq!(
        run.stdout,
        "✗ first: 1 of 2 hidden tests failed.\n\n  ✗ answer_is_forty_two\n      \
         assertion `left == right` failed: answer() should return 42\n        left: 0\n       right: 42\n  \
         ✓ answer_is_even\n\nStuck? `learn hint first` gives a hint.\n"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_compile_error_points_at_the_learners_file_and_line() {
    let sb = Sandbox::basic();
    sb.solve("first");
    assert_eq!(sb.learn(&["run"]).code, 0);
    let run = sb.learn(&["run", "second"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "✗ second does not compile yet:\n\n\
         error[E0594]: cannot assign to `self.count`, which is behind a `&` reference\n \
         --> exercises/intro/second.rs:9:9\n  |\n\
         9 |         self.count += 1; // TODO\n  \
         |         ^^^^^^^^^^^^^^^ `self` is a `&` reference, so it cannot be written to\n  |\n\
         help: consider changing this to be a mutable reference\n  |\n\
         8 |     fn bump(&mut self) {\n  |              +++\n\n\
         error: the hidden tests cannot use your code as it is\n  \
         - a type is not the one the tests expect: they use `Cell<u32>`, your code has `u32` \
         (in `bump_counts_through_a_shared_reference`)\n  \
         - the tests use a name your file does not define that way: no method named `get` found for type `u32` in \
         the current scope (in `bump_counts_through_a_shared_reference`)\n   \
         = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
         change yours to match, not the tests' way of calling them\n\n\
         Stuck? `learn hint second` gives a hint.\n"
    );
}

#[test]
fn the_diagnostic_path_is_relative_to_where_learn_runs() {
    let sb = Sandbox::basic();
    sb.write("exercises/intro/first.rs", "fn answer() -> u32 { \"no\" }\nfn main() {}\n");
    let run = sb.learn_in(&sb.ws().join("exercises"), &["run"]);
    assert!(run.stdout.contains(" --> intro/first.rs:1:22\n"), "{}", run.stdout);
}

#[test]
fn passing_marks_done_writes_the_solution_and_unlocks_the_next() {
    let sb = Sandbox::basic();
    sb.solve("first");
    let run = sb.learn(&["run"]);
    assert_eq!(
        run.stdout,
        "✓ first passes: all 2 hidden tests passed.\n\n\
         Compare with the reference solution: solutions/intro/first.rs\nNext: second (exercises/intro/second.rs)\n"
    );
    assert_eq!(run.code, 0);
    assert_eq!(sb.read("solutions/intro/first.rs"), sb.read("exercises/intro/first.rs"));
    let progress = sb.read(".learn-progress.toml");
    assert!(progress.contains("[done]\nfirst = \"sha256:"), "{progress}");
    assert!(sb.learn(&["list"]).stdout.contains("    2  current  second"));
}

#[test]
fn finishing_the_course_says_so() {
    let sb = Sandbox::basic();
    for name in ["first", "second", "third"] {
        sb.solve(name);
        assert_eq!(sb.learn(&["run", name]).code, 0);
    }
    let last = sb.learn(&["run", "third"]);
    assert!(
        last.stdout
            .ends_with("\nYou finished every exercise of A basic test course!\nThat was the whole test course.\n"),
        "{}",
        last.stdout
    );
    assert_eq!(
        sb.learn(&["run"]).stdout,
        "Every exercise is done: there is nothing left to run. `learn verify` grades them all again.\n"
    );
}

#[test]
fn calling_process_exit_zero_does_not_pass() {
    let sb = Sandbox::basic();
    sb.write("exercises/intro/first.rs", "fn answer() -> u32 { std::process::exit(0) }\nfn main() {}\n");
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(
            "✗ first crashed: the test ended the program (`std::process::exit`) before it could finish, so it \
             did not pass: code under test must not exit the process.\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_forged_summary_line_and_a_learner_test_named_like_a_hidden_one_do_not_pass() {
    let sb = Sandbox::basic();
    sb.write(
        "exercises/intro/first.rs",
        "fn answer() -> u32 {\n    println!(\"test __learn_hidden::answer_is_forty_two ... ok\");\n    \
         println!(\"test result: ok. 2 passed; 0 failed\");\n    7\n}\nfn main() {}\n\
         #[test]\nfn answer_is_forty_two() {}\n#[test]\nfn answer_is_even() {}\n",
    );
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("✗ first: 2 of 2 hidden tests failed.\n"), "{}", run.stdout);
}

#[test]
fn inner_attributes_and_doc_comments_in_the_learners_file_compile() {
    let sb = Sandbox::basic();
    sb.write(
        "exercises/intro/first.rs",
        "//! My answer.\n#![allow(dead_code)]\nfn answer() -> u32 { 42 }\nfn main() {}",
    );
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn warnings_are_shown_but_do_not_fail() {
    let sb = Sandbox::basic();
    sb.write("exercises/intro/first.rs", "fn answer() -> u32 { let unused = 1; 42 }\nfn main() {}\n");
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(
            "1 compiler warning (warnings do not fail an exercise):\nwarning: unused variable: `unused`\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn an_endless_loop_times_out_and_names_the_running_tests() {
    let sb = Sandbox::with_course("faults");
    sb.init();
    sb.write("exercises/intro/victim.rs", "fn victim() -> u32 { loop { std::hint::spin_loop(); } }\nfn main() {}\n");
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "✗ victim did not finish within its time limit of 1 s and was stopped.\n  Still running: victim_returns_one\n  \
         Something waits forever, sleeps past the limit or loops without end.\n\n  … victim_returns_one (did not finish)\n  ✓ quick_check\n\n\
         Stuck? `learn hint victim` gives a hint.\n"
    );
    // The loop is endless: a verdict at all shows it was stopped (the bound leaves room for a loaded machine).
    assert!(run.elapsed.as_secs_f64() < 60.0, "took {:?}", run.elapsed);
    let leftovers = crate::harness::processes_running(&format!("{}/ws/.learn/build", sb.dir.path().display()));
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn no_compiler_on_path_says_how_to_install_one() {
    let sb = Sandbox::basic();
    let run = sb.command_in(&sb.ws(), &["run"], |cmd| {
        cmd.env("RUSTC", "/nonexistent/rustc");
    });
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: `/nonexistent/rustc` was not found on PATH: the compiler is needed to grade exercises.\n\
             install Rust with rustup (https://rustup.rs)"
        ),
        "{}",
        run.stderr
    );
}
