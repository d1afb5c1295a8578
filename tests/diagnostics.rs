//! Diagnostics that serve the course's author and keep the hidden tests hidden: errors inside the
//! hidden tests' macros, errors outside their test functions, and `learn dev check`'s view of a
//! course's own files.

use crate::harness::Sandbox;

/// The `ported` course's solution with `edit` applied, written as the learner's file.
fn write_edited_solution(sb: &Sandbox, edit: impl Fn(String) -> String) {
    let solution = std::fs::read_to_string(sb.course().join("solutions/structs/point.rs")).unwrap();
    sb.write("exercises/structs/point.rs", &edit(solution));
}

#[test]
fn a_missing_derive_is_found_through_the_hidden_assertion_and_named_in_the_learners_file() {
    let sb = Sandbox::with_course("ported");
    sb.init();
    write_edited_solution(&sb, |s| s.replace("#[derive(PartialEq, Debug, Clone, Copy)]", "#[derive(Clone, Copy)]"));
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "✗ point compiles, but does not fit the hidden tests yet:\n\n\
         error: the hidden tests cannot use your code as it is\n  \
         - a type does not have what the tests need: binary operation `==` cannot be applied to type `Point` \
         (in `mirror_negates_x`, `mirror_moves_points_off_the_axis`)\n    \
         help: consider annotating `Point` with `#[derive(PartialEq)]` (exercises/structs/point.rs:4:1)\n  \
         - a type does not have what the tests need: `Point` doesn't implement `Debug` \
         (in `mirror_negates_x`, `mirror_moves_points_off_the_axis`)\n    \
         help: consider annotating `Point` with `#[derive(Debug)]` (exercises/structs/point.rs:4:1)\n   \
         = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
         change yours to match, not the tests' way of calling them\n\n\
         Stuck? `learn hint point` gives a hint.\n"
    );
    // The same in JSON, and the tests' code in neither.
    let json = sb.learn(&["run", "--format", "json"]);
    assert!(json.stdout.contains("binary operation `==` cannot be applied to type `Point`"), "{}", json.stdout);
    for text in [&run.stdout, &json.stdout] {
        assert!(!text.contains("assert_eq") && !text.contains("x: -1"), "{text}");
    }
}

#[test]
fn an_error_in_the_tests_shared_code_is_not_put_in_a_test() {
    let sb = Sandbox::with_course("ported");
    sb.init();
    write_edited_solution(&sb, |s| {
        s.replace("pub x: i32", "pub left: i32")
            .replace("x: -p.x", "left: -p.left")
            .replace("x: 1,", "left: 1,")
            .replace("p.x,", "p.left,")
    });
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "✗ point compiles, but does not fit the hidden tests yet:\n\n\
         error: the hidden tests cannot use your code as it is\n  \
         - the tests use a name your file does not define that way: struct `Point` has no field named `x` \
         (in `mirror_negates_x`, `mirror_moves_points_off_the_axis`, the tests' shared code)\n  \
         - the tests use a name your file does not define that way: struct `Point` does not have a field named `x` \
         (in `points_on_the_axis_stay`)\n  \
         - the tests use a name your file does not define that way: pattern does not mention field `left` \
         (in `points_on_the_axis_stay`)\n   \
         = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
         change yours to match, not the tests' way of calling them\n\n\
         Stuck? `learn hint point` gives a hint.\n"
    );
    assert!(!run.stdout.contains("on_axis"), "{}", run.stdout);
}

/// Changes the `authoring` course's file `rel` with `edit`.
fn edit_course(sb: &Sandbox, rel: &str, edit: impl Fn(String) -> String) {
    let path = sb.course().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

#[test]
fn dev_check_shows_each_error_in_a_checks_file_at_its_own_line_with_its_code() {
    let sb = Sandbox::with_course("authoring");
    edit_course(&sb, "checks/basics/double.rs", |s| {
        s.replace("let got: u32 = double(21);", "let got: u32 = doubel(21);")
            + "\n/// One, doubled, as a wider number.\nfn two() -> u64 {\n    double(1)\n}\n"
    });
    let run = sb.learn_in(&sb.course(), &["dev", "check", "double", "--jobs", "1"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "Checking A course as its author checks it (1 of 3 exercises, 1 at a time)\n  \
         ✗ double: the solution does not compile\n      \
         ✗ double compiles, but does not fit the hidden tests yet:\n\n      \
         checks/basics/double.rs:6:20: error[E0425]: cannot find function `doubel` in this scope \
         (in the hidden test `doubles`)\n      \
         checks/basics/double.rs:19:5: error[E0308]: mismatched types: expected `u64`, found `u32` \
         (outside the test functions)\n\n\
         ✗ 1 problem(s):\n  - double: the solution does not compile\n"
    );
}

#[test]
fn dev_check_names_a_checks_file_without_tests_and_grades_nothing_against_it() {
    let sb = Sandbox::with_course("authoring");
    edit_course(&sb, "checks/basics/count.rs", |s| s.replace("#[test]\n", ""));
    let run = sb.learn_in(&sb.course(), &["dev", "check", "count", "--jobs", "1"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "Checking A course as its author checks it (1 of 3 exercises, 1 at a time)\n  \
         ✗ count: not graded: checks/basics/count.rs has no #[test] function\n\n\
         ✗ 1 problem(s):\n  - checks/basics/count.rs has no #[test] function\n"
    );
}

#[test]
fn dev_check_reports_a_reference_solution_that_compiles_with_warnings() {
    let sb = Sandbox::with_course("authoring");
    edit_course(&sb, "solutions/basics/greet.rs", |s| {
        s.replace("    format!(\"Hello, {name}!\")", "    let unused = 1;\n    format!(\"Hello, {name}!\")")
    });
    let run = sb.learn_in(&sb.course(), &["dev", "check", "greet", "--jobs", "1"]);
    assert_eq!(run.code, 1);
    // The warning as rustc words it (its closing note varies between Rust versions).
    assert!(
        run.stdout.starts_with(
            "Checking A course as its author checks it (1 of 3 exercises, 1 at a time)\n  \
             ✗ greet: the solution compiles with 1 warning\n      \
             warning: unused variable: `unused`\n       \
             --> solutions/basics/greet.rs:4:9\n        |\n      \
             4 |     let unused = 1;\n        \
             |         ^^^^^^ help: if this is intentional, prefix it with an underscore: `_unused`\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("\n\n✗ 1 problem(s):\n  - greet: the solution compiles with 1 warning\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn dev_check_with_names_checks_only_those_exercises() {
    let sb = Sandbox::with_course("authoring");
    // A problem in an exercise that is not named, and a stray file, stay out of the check.
    edit_course(&sb, "checks/basics/count.rs", |s| s.replace("#[test]\n", ""));
    std::fs::write(sb.course().join("exercises/basics/stray.rs"), "fn main() {}\n").unwrap();
    let run = sb.learn_in(&sb.path(""), &["dev", "check", "course", "greet", "double", "--jobs", "2"]);
    assert_eq!(
        run.stdout,
        "Checking A course as its author checks it (2 of 3 exercises, 2 at a time)\n  \
         ✓ greet: solution passes 1 test; starting file 1 of 1 hidden tests failed\n  \
         ✓ double: solution passes 2 tests; starting file 1 of 2 hidden tests failed\n\n\
         ✓ every exercise checks out.\n"
    );
    assert_eq!(run.code, 0);
    let run = sb.learn_in(&sb.course(), &["dev", "check", "doubel"]);
    assert_eq!(
        (run.code, run.stderr.lines().next()),
        (2, Some("error: unknown exercise \"doubel\": did you mean \"double\"?"))
    );
}

#[test]
fn every_problem_in_info_toml_is_reported_in_one_run() {
    let sb = Sandbox::with_course("authoring");
    edit_course(&sb, "info.toml", |s| {
        s.replace("edition = \"2021\"", "edition = \"2021\"\nauthor = \"someone\"")
            .replace("name = \"double\"", "name = \"double\"\nhint = \"one\"")
            .replace(
                "name = \"count\"\ntopic = \"basics\"",
                "name = \"count\"\ntopic = \"basics\"\ntime_limit_secs = \"3\"",
            )
            .replace("Count the words.\"]", "Count the words.\"]\nsolution = \"x\"")
    });
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: [TMP]/course/info.toml:7:1: unknown field `author`, expected one of `name`, `title`, `edition`, \
         `time_limit_secs`, `hidden_tests_dir`, `allow_statics`, `welcome`, `done_message`, `lints`\n\
         [TMP]/course/info.toml:17:1: unknown field `hint`, expected one of `name`, `topic`, `hints`, `section`, \
         `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`\n\
         [TMP]/course/info.toml:24:19: invalid type: string \"3\", expected u64\n\
         [TMP]/course/info.toml:26:1: unknown field `solution`, expected one of `name`, `topic`, `hints`, `section`, \
         `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`\n"
    );
}
