//! The course's lesson: `learn lesson` (plain text when piped, never paged then), the workspace's
//! copy, the hint after the last one, the watch key, and `learn dev check` on dangling references.

use std::fs;

use crate::harness::Sandbox;

const TITLE: &str = "A test course with a lesson  [";

/// A sandbox with the `lesson` fixture course and a workspace for it.
fn lesson_sandbox() -> Sandbox {
    let sb = Sandbox::with_course("lesson");
    sb.init();
    sb
}

/// What `learn lesson "Counting things"` prints to a pipe (80 columns).
fn counting() -> String {
    format!(
        "Functions that answer\n=====================\n\n\
         Counting things\n---------------\n\n\
         │ type │    counts     │\n├──────┼───────────────┤\n│Vec<T>│len()          │\n│str   │chars().count()│\n\n\
         A detail\n········\n\nBytes are not characters.\n\n{}\n\n\
         Earlier in this chapter: Returning a value. learn lesson intro shows all of it.\n",
        "―".repeat(80)
    )
}

#[test]
fn a_section_by_title_is_its_chapter_from_there_on_in_plain_text_and_never_paged_in_a_pipe() {
    let sb = lesson_sandbox();
    let marker = sb.path("pager-ran");
    let run = sb.command_in(&sb.ws(), &["lesson", "Counting things"], |cmd| {
        cmd.env("PAGER", format!("touch '{}'; cat", marker.display()));
    });
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(run.stdout, counting());
    assert!(!marker.exists(), "a pipe went through the pager");
    // The exercise that practises it, and the title in other case, show the same.
    assert_eq!(sb.learn(&["lesson", "third"]).stdout, counting());
    assert_eq!(sb.learn(&["lesson", "counting things"]).stdout, counting());
}

#[test]
fn without_a_name_it_shows_the_current_exercises_section() {
    let sb = lesson_sandbox();
    let run = sb.learn(&["lesson"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "Functions that answer\n=====================\n\n\
         Returning a value\n-----------------\n\n\
         The last expression of a body, without a semicolon, is what the function\nreturns:\n\n    \
         fn answer() -> u32 {\n        42\n    }\n\n\
         • a semicolon turns it into a statement\n• return leaves early\n\n\
         Counting things\n---------------\n\n\
         │ type │    counts     │\n├──────┼───────────────┤\n│Vec<T>│len()          │\n│str   │chars().count()│\n\n\
         A detail\n········\n\nBytes are not characters.\n"
    );
}

#[test]
fn a_topic_is_its_whole_chapter_and_colours_follow_the_flag() {
    let sb = lesson_sandbox();
    let run = sb.learn(&["lesson", "intro"]);
    assert!(
        run.stdout.starts_with(
            "Functions that answer\n=====================\n\nA function gives back the value of its last expression. \
             This chapter is about\nwhat that value is and how to count the things a function is given.\n\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b'));
    assert!(sb.learn(&["lesson", "intro", "--color", "always"]).stdout.contains("\x1b["));
    let never = sb.command_in(&sb.ws(), &["lesson", "intro", "--color", "auto"], |cmd| {
        cmd.env("NO_COLOR", "1");
    });
    assert_eq!(never.stdout, run.stdout);
}

#[test]
fn an_unknown_name_gets_a_suggestion_and_the_topics() {
    let sb = lesson_sandbox();
    let run = sb.learn(&["lesson", "Counting thing"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no topic, exercise or lesson section is called \"Counting thing\": did you mean \"Counting things\"?\n\
         Topics: intro\n"
    );
}

#[test]
fn init_writes_the_lesson_into_the_workspace() {
    let sb = lesson_sandbox();
    assert_eq!(sb.read("lesson/intro.md"), fs::read_to_string(sb.course().join("lesson/intro.md")).unwrap());
    assert_eq!(sb.read("lesson/README.md"), "# The test lesson\n\nOne chapter, about functions.\n");
}

#[test]
fn init_writes_the_readings_beside_the_exercises_into_the_workspace() {
    let sb = lesson_sandbox();
    assert_eq!(
        sb.read("exercises/intro/README.md"),
        "# Functions that return values\n\nThree exercises, each a function to finish. The chapter that goes with them is\n\
         [lesson/intro.md](../../lesson/intro.md).\n"
    );
}

#[test]
fn the_built_in_course_carries_its_readings_into_a_new_workspace() {
    let sb = Sandbox::with_course("lesson");
    let run = sb.learn_in(sb.dir.path(), &["init", "ws"]);
    assert_eq!(run.code, 0, "{run:?}");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for rel in ["exercises/README.md", "lesson/README.md", "lesson/01_refcell.md"] {
        assert_eq!(sb.read(rel), fs::read_to_string(repo.join(rel)).unwrap(), "{rel} is embedded and written out");
    }
}

#[test]
fn a_hint_past_the_last_points_to_the_lesson() {
    let sb = lesson_sandbox();
    sb.learn(&["hint"]);
    assert_eq!(
        sb.learn(&["hint"]).stdout,
        "Hint 2 of 2 for first:\n  It should return 42. Reread “Returning a value”.\n"
    );
    assert_eq!(
        sb.learn(&["hint"]).stdout,
        "No more hints for first: that was the last of 2.\n\
         Read “Returning a value” in the lesson: `learn lesson first`.\n\
         (`learn hint first --all` shows every hint again)\n"
    );
    // A course without a lesson has nowhere to point.
    let basic = Sandbox::basic();
    basic.learn(&["hint"]);
    basic.learn(&["hint"]);
    assert_eq!(
        basic.learn(&["hint"]).stdout,
        "No more hints for first: that was the last of 2.\n(`learn hint first --all` shows every hint again)\n"
    );
}

#[test]
fn dev_check_reports_every_dangling_reference_with_file_and_line() {
    let sb = Sandbox::with_course("dangling");
    let run = sb.learn_in(&sb.course(), &["dev", "check", "--jobs", "2"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "Checking A course with dangling references (3 exercises, 2 at a time)\n  \
         ✓ first: solution passes 2 tests; starting file 1 of 2 hidden tests failed [explained: wrong_answer]\n  \
         ✓ second: solution passes 1 test; starting file does not compile\n  \
         ✓ third: solution passes 1 test; starting file 1 of 1 hidden tests failed\n\n\
         ✗ 6 problem(s):\n  \
         - info.toml:12: section = \"Returning values\" (exercise first) is not a section title of the lesson (did you mean “Returning a value”?)\n  \
         - info.toml:18: “Counting thing” is not a section title of the lesson (did you mean “Counting things”?)\n  \
         - explanations.toml:6: section = \"Nowhere\" (rule wrong_answer) is not a section title of the lesson\n  \
         - explanations.toml:8: “Nowhere” is not a section title of the lesson\n  \
         - exercises/intro/first.rs:1: “Borrowing” is not a section title of the lesson\n  \
         - checks/intro/first.rs:5: “A detial” is not a section title of the lesson (did you mean “A detail”?)\n"
    );
}

#[test]
fn dev_check_passes_a_course_whose_references_resolve() {
    let sb = Sandbox::with_course("lesson");
    let run = sb.learn_in(&sb.course(), &["dev", "check", "--jobs", "2"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.ends_with("✓ every exercise checks out.\n"), "{}", run.stdout);
}

#[test]
fn watch_shows_the_section_on_s_and_a_new_verdict_returns_to_it() {
    let sb = lesson_sandbox();
    let mut w = sb.watch(&[]);
    w.wait_count("✗ first: 1 of 2 hidden tests failed.", 1);
    assert!(
        // 82 columns of keys: wrapped between two keys at 80.
        w.last_screen(TITLE)
            .ends_with("keys: h hint · s section (toggle) · l list (toggle) · r regrade · x reset\nq quit\n")
    );
    w.key('s');
    w.wait_count("keys: s back to the verdict", 1);
    assert_eq!(
        w.last_screen(TITLE),
        "A test course with a lesson  [------------------------------] 0/3\n\n\
         Exercise 1 of 3: first (exercises/intro/first.rs)\n\n\
         Returning a value\n-----------------\n\n\
         The last expression of a body, without a semicolon, is what the function\nreturns:\n\n    \
         fn answer() -> u32 {\n        42\n    }\n\n\
         • a semicolon turns it into a statement\n• return leaves early\n\n\
         keys: s back to the verdict · h hint · l list (toggle) · q quit\n"
    );
    w.key('s');
    w.wait_count("✗ first: 1 of 2 hidden tests failed.", 2);
    // A hint on view goes away with the next verdict, as does the section.
    w.key('h');
    w.wait_count("Hint 1 of 2 for first:", 1);
    w.key('s');
    w.wait_count("keys: s back to the verdict", 2);
    w.key('r');
    w.wait_count("✗ first: 1 of 2 hidden tests failed.", 4);
    let screen = w.last_screen(TITLE);
    assert!(!screen.contains("Hint 1") && !screen.contains("Returning a value\n---"), "{screen}");
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}

#[test]
fn watch_says_when_the_last_hint_was_shown() {
    let sb = lesson_sandbox();
    let mut w = sb.watch(&[]);
    w.wait_count("✗ first: 1 of 2 hidden tests failed.", 1);
    w.key('h');
    w.key('h');
    w.wait_count("Hint 2 of 2 for first:", 1);
    w.key('h');
    w.wait_count("That was the last hint for first: press s to read “Returning a value”.\n", 1);
    // The hints come first under the verdict's headline, and `h` is no longer offered.
    let screen = w.last_screen(TITLE);
    assert!(
        screen.contains(
            "✗ first: 1 of 2 hidden tests failed.\n\nHint 1 of 2 for first:\n  Look at what `answer` returns.\n\n\
             Hint 2 of 2 for first:\n  It should return 42. Reread “Returning a value”.\n\
             That was the last hint for first: press s to read “Returning a value”.\n\n  ✗ answer_is_forty_two\n"
        ) && screen.ends_with("keys: s section (toggle) · l list (toggle) · r regrade · x reset · q quit\n"),
        "{}",
        w.last_screen(TITLE)
    );
    // The note goes with the hints when the next verdict arrives.
    w.key('r');
    w.wait_count("✗ first: 1 of 2 hidden tests failed.", 5);
    assert!(!w.last_screen(TITLE).contains("That was the last hint"), "{}", w.last_screen(TITLE));
    w.key('q');
    assert_eq!(w.wait_exit(), 0);
}

#[test]
fn help_man_and_completions_know_the_lesson() {
    let sb = Sandbox::with_course("lesson");
    let help = sb.learn_in(sb.dir.path(), &["--help"]).stdout;
    assert!(help.contains("lesson ") && help.contains("`learn lesson` reads the course's lesson"), "{help}");
    assert!(sb.learn_in(sb.dir.path(), &["man"]).stdout.contains("learn\\-lesson"));
    assert!(sb.learn_in(sb.dir.path(), &["completions", "bash"]).stdout.contains("lesson"));
}

#[test]
fn dev_check_says_when_references_point_into_a_lesson_the_course_lacks() {
    let sb = Sandbox::with_course("basic");
    let manifest = sb.course().join("info.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("hints = [\"Count them.\"]", "hints = [\"Reread “Counting”.\"]")).unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check", "--jobs", "2"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.ends_with(
            "✗ 2 problem(s):\n  \
             - lesson/ is missing: the course refers to sections of a lesson it does not have (add lesson/<topic>.md chapters)\n  \
             - info.toml:24: “Counting” is not a section title of the lesson\n"
        ),
        "{}",
        run.stdout
    );
}
