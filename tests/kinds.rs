//! Exercise kinds (`kind = "run"`, `"visible_tests"`, `clippy`, `starts_passing`) and the course's
//! lint settings, end to end on the `kinds` fixture course: run, verify, grade, dev check, watch.

use std::fs;

use crate::harness::Sandbox;

/// A sandbox with the `kinds` course and a workspace for it.
fn kinds() -> Sandbox {
    let sb = Sandbox::with_course("kinds");
    sb.init();
    sb
}

fn solution(sb: &Sandbox, name: &str) -> String {
    fs::read_to_string(sb.course().join(format!("solutions/basics/{name}.rs"))).unwrap()
}

/// Passes the exercises before `name` with their solutions, so that `learn run name` may run.
fn reach(sb: &Sandbox, name: &str) {
    for before in ["welcome", "parse_age", "squares", "no_return", "unused"].into_iter().take_while(|n| *n != name) {
        sb.write(&file(before), &solution(sb, before));
        let run = sb.learn(&["run", before]);
        assert_eq!(run.code, 0, "{run:?}");
    }
}

fn file(name: &str) -> String {
    format!("exercises/basics/{name}.rs")
}

#[test]
fn a_run_exercise_passes_by_its_exit_status_and_shows_what_it_printed() {
    let sb = kinds();
    // `starts_passing`: the introduction passes as it is; the course allows `dead_code`, so its
    // unused function draws no warning.
    let run = sb.learn(&["run"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            "✓ welcome passes: its `main` ran successfully.\n\n  ✓ main (the program)\n      Hello from the kinds course.\n\n\
             Compare with the reference solution: solutions/basics/welcome.rs\nNext: parse_age (exercises/basics/parse_age.rs)\n"
        )
    );
    let run = sb.learn(&["run", "parse_age"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            1,
            "✗ parse_age: its `main` did not succeed.\n\n  ✗ main (the program)\n      \
             `main` ended with exit code 1: the program did not succeed\n      Error: ParseIntError { kind: InvalidDigit }\n\n\
             Stuck? `learn hint parse_age` gives a hint.\n"
        )
    );
    sb.write(&file("parse_age"), &solution(&sb, "parse_age"));
    let run = sb.learn(&["run", "parse_age"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with(
        "✓ parse_age passes: its `main` ran successfully.\n\n  ✓ main (the program)\n      next year: 43\n"
    ));
}

#[test]
fn a_run_exercise_is_judged_by_the_exit_status_learn_observes_not_by_what_it_prints() {
    let sb = kinds();
    reach(&sb, "parse_age");
    // Printing what looks like a pass, in learn's report format or the harness's mark, and failing.
    sb.write(
        &file("parse_age"),
        "fn main() {\n    println!(\"00000000000000000000000000000000 yours::main pass 0 0 0 0\");\n    \
         println!(\"\\u{1e}learn-test-passed:00000000000000000000000000000000\");\n    std::process::exit(3);\n}\n",
    );
    let run = sb.learn(&["run", "parse_age"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("`main` ended with exit code 3: the program did not succeed"), "{}", run.stdout);
    // Ending the program successfully from anywhere is a success, as for any program.
    sb.write(&file("parse_age"), "fn main() {\n    eprintln!(\"done early\");\n    std::process::exit(0);\n}\n");
    let run = sb.learn(&["run", "parse_age"]);
    assert_eq!(run.code, 0, "{run:?}");
    // A panic is a failure, with its message at the learner's line.
    sb.write(&file("parse_age"), "fn main() {\n    panic!(\"no age\");\n}\n");
    let run = sb.learn(&["run", "parse_age"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("panicked at exercises/basics/parse_age.rs:2:5:\n      no age\n"), "{}", run.stdout);
}

#[test]
fn visible_tests_run_by_their_names_beside_the_hidden_ones() {
    let sb = kinds();
    reach(&sb, "squares");
    let run = sb.learn(&["run", "squares"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            1,
            "✗ squares: 3 of 3 tests failed.\n\n  ✗ tests::three_squared_is_nine (your test)\n      \
             panicked at exercises/basics/squares.rs:17:9:\n      assertion `left == right` failed\n        left: 3\n       right: 9\n  \
             ✗ tests::a_huge_square_overflows (your test)\n      the test was expected to panic, and did not\n  \
             ✗ negative_squared\n      assertion `left == right` failed: square(-4) should be 16\n        left: -4\n       right: 16\n\n\
             Stuck? `learn hint squares` gives a hint.\n"
        )
    );
    sb.write(&file("squares"), &solution(&sb, "squares"));
    let run = sb.learn(&["run", "squares"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with(
        "✓ squares passes: your 2 tests passed and the hidden test passed.\n\n  \
         ✓ tests::three_squared_is_nine (your test)\n  ✓ tests::a_huge_square_overflows (your test)\n"
    ));
}

#[test]
fn visible_tests_cannot_stand_in_for_hidden_ones_or_go_missing() {
    let sb = kinds();
    // A test of the learner's own with the hidden test's name, that always passes, and the
    // exercise's tests deleted: the hidden test still runs, and the deleted tests fail.
    sb.write(
        &file("squares"),
        "fn square(n: i64) -> i64 {\n    n\n}\n\n#[test]\nfn negative_squared() {}\n\nfn main() {}\n",
    );
    let run = sb.learn(&["verify", "squares", "--format", "json", "--course", "../course"]);
    let results: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let tests: Vec<(String, String)> = results[0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_string(), t["status"].as_str().unwrap().to_string()))
        .collect();
    let pairs: Vec<(&str, &str)> = tests.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("negative_squared", "pass"),
            ("negative_squared", "fail"),
            ("tests::three_squared_is_nine", "fail"),
            ("tests::a_huge_square_overflows", "fail"),
        ]
    );
    assert_eq!(results[0]["status"], "fail");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("this test of the exercise is missing from your file"), "{}", run.stdout);
}

#[test]
fn a_test_learn_cannot_reach_is_refused_with_where_to_put_it() {
    let sb = kinds();
    reach(&sb, "squares");
    sb.write(
        &file("squares"),
        "fn square(n: i64) -> i64 {\n    n * n\n}\n\nmod tests {\n    mod deeper {\n        #[test]\n        fn nine() {}\n    }\n}\n\nfn main() {}\n",
    );
    let run = sb.learn(&["run", "squares"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "error: learn runs the `#[test]` functions at the top of your file or in a module there (such as `mod tests`), \
             not in `mod deeper` inside it: move them up a level\n --> exercises/basics/squares.rs:6:5\n  |\n\
             6 |     mod deeper {\n  |     ^^^^^^^^^^\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clippy_exercise_fails_on_clippy_warnings_that_the_file_cannot_silence() {
    let sb = kinds();
    // The file allows Clippy's lints: the exercise's level still applies.
    sb.write(
        &file("no_return"),
        "#![allow(clippy::all)]\n#[allow(clippy::needless_return)]\nfn double(n: u32) -> u32 {\n    return n * 2;\n}\n\nfn main() {}\n",
    );
    let run = sb.learn(&["verify", "no_return", "--course", "../course"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "✗ no_return (locked): has 1 Clippy warning\n\n0 of 1 exercises pass.\n")
    );
    let run = sb.learn(&["verify", "no_return", "--course", "../course", "--format", "json"]);
    assert!(run.stdout.contains("\"status\": \"fail\",\n    \"message\": \"warning: unneeded `return` statement\\n --> exercises/basics/no_return.rs:4:5"), "{}", run.stdout);
    sb.write(&file("no_return"), &solution(&sb, "no_return"));
    let run = sb.learn(&["verify", "no_return", "--course", "../course"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "✓ no_return\n\n1 of 1 exercises pass.\n"));
}

#[test]
fn a_clippy_exercise_without_clippy_says_how_to_install_it() {
    let sb = kinds();
    // A compiler whose toolchain has no clippy-driver beside it.
    let real = std::process::Command::new("rustc").args(["--print", "sysroot"]).output().unwrap();
    let real = format!("{}/bin/rustc", String::from_utf8_lossy(&real.stdout).trim());
    let bin = sb.path("toolchain/bin");
    fs::create_dir_all(&bin).unwrap();
    let wrapper = bin.join("rustc");
    fs::write(&wrapper, format!("#!/bin/sh\ncase \"$1\" in --print) exit 1;; esac\nexec {real} \"$@\"\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
    let run = sb.command_in(&sb.ws(), &["verify", "no_return", "--course", "../course"], |cmd| {
        cmd.env("RUSTC", &wrapper).env("XDG_CACHE_HOME", sb.path("cache"));
    });
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: no_return is graded with Clippy, which is not installed for the toolchain of `[TMP]/toolchain/bin/rustc` \
         (no clippy-driver next to it): install it with `rustup component add clippy`\n"
    );
}

#[test]
fn the_course_and_the_exercise_set_lint_levels() {
    let sb = kinds();
    // `unused` denies unused variables on top of the course's settings.
    let run = sb.learn(&["verify", "unused", "--course", "../course", "--format", "json"]);
    assert!(run.stdout.contains("error: unused variable: `total`"), "{}", run.stdout);
    assert!(run.stdout.contains("requested on the command line with `-D unused-variables`"), "{}", run.stdout);
    // The course allows dead code: a solution with an unused function shows no warning.
    let run = sb.learn(&["run", "welcome"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    // `unsafe_code` is not a course setting.
    let info = fs::read_to_string(sb.course().join("info.toml")).unwrap();
    fs::write(sb.course().join("info.toml"), info.replace("dead_code = \"allow\"", "unsafe_code = \"allow\"")).unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "error: [TMP]/course/info.toml:10:1: `unsafe_code` cannot be set here: give the exercise `allow_unsafe = true` instead\n"
        )
    );
}

#[test]
fn dev_check_knows_what_each_kind_expects() {
    let sb = Sandbox::with_course("kinds");
    let run = sb.learn_in(&sb.course(), &["dev", "check", "--jobs", "2"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            "Checking Every kind of exercise (5 exercises, 2 at a time)\n  \
             ✓ welcome: solution passes 1 test; starting file passes (main)\n  \
             ✓ parse_age: solution passes 1 test; starting file its `main` did not succeed\n  \
             ✓ squares: solution passes 3 tests; starting file 3 of 3 tests failed\n  \
             ✓ no_return: solution passes 1 test; starting file has 1 Clippy warning\n  \
             ✓ unused: solution passes 1 test; starting file does not compile\n\n\
             ✓ every exercise checks out.\n"
        )
    );
    // An introduction that no longer passes, and a run exercise whose starting file passes.
    fs::write(sb.course().join("exercises/basics/welcome.rs"), "fn main() {\n    std::process::exit(2);\n}\n").unwrap();
    fs::copy(sb.course().join("solutions/basics/parse_age.rs"), sb.course().join("exercises/basics/parse_age.rs"))
        .unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "  - welcome: the starting file its `main` did not succeed, but the exercise says `starts_passing = true`\n  \
             - parse_age: the starting file passes its hidden tests: it should fail (or give the exercise `starts_passing = true`)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn grade_reports_every_kind() {
    let sb = Sandbox::with_course("kinds");
    for (learner, solved) in [("ann", true), ("ben", false)] {
        let dir = sb.path(&format!("submissions/{learner}/exercises/basics"));
        fs::create_dir_all(&dir).unwrap();
        let from = if solved { "solutions" } else { "exercises" };
        for name in ["welcome", "parse_age", "squares", "no_return", "unused"] {
            fs::copy(sb.course().join(format!("{from}/basics/{name}.rs")), dir.join(format!("{name}.rs"))).unwrap();
        }
    }
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "course", "--jobs", "2"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "learner,exercise,status,tests_passed,tests_total,message\n\
         ann,welcome,pass,1,1,\nann,parse_age,pass,1,1,\nann,squares,pass,3,3,\nann,no_return,pass,1,1,\nann,unused,pass,1,1,\n\
         ben,welcome,pass,1,1,\nben,parse_age,fail,0,1,its `main` did not succeed\nben,squares,fail,0,3,3 of 3 tests failed\n\
         ben,no_return,fail,1,1,has 1 Clippy warning\nben,unused,error,0,0,does not compile: unused variable: `total`\n"
    );
}

#[test]
fn watch_shows_a_run_exercise_output_and_moves_on() {
    let sb = kinds();
    let mut w = sb.watch(&[]);
    w.wait_for("the introduction's pass", |o| {
        o.contains("✓ welcome passes: its `main` ran successfully.") && o.contains("Hello from the kinds course.")
    });
    w.key('n');
    w.wait_for("the next exercise's output", |o| {
        o.contains("✗ parse_age: its `main` did not succeed.")
            && o.contains("Error: ParseIntError { kind: InvalidDigit }")
    });
    sb.write(&file("parse_age"), &solution(&sb, "parse_age"));
    w.wait_for("the pass with the program's output", |o| {
        o.contains("✓ parse_age passes") && o.contains("next year: 43")
    });
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}
