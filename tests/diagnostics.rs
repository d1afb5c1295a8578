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
        "✗ point does not compile yet:\n\n\
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
        "✗ point does not compile yet:\n\n\
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
