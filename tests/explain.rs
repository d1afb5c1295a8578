//! Explanations on real compiler and test output: each fixture in `tests/fixtures/explain/` is a
//! learner's file graded with its hidden tests; the case's explanation must appear under the
//! failure it explains, and no explanation for the unrelated file of the same kind.

use std::fs;
use std::path::Path;

use crate::harness::{Run, Sandbox};

/// `(fixture, expected rule id)`, from the fixture folder's README.
fn cases() -> Vec<(String, Option<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain");
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.strip_suffix(".rs`")?;
            let expected = cells.get(3)?;
            let id = (!expected.starts_with("none")).then(|| expected.split('`').nth(1).unwrap().to_string());
            Some((file.to_string(), id))
        })
        .collect()
}

/// The rule titles of the repository's explanations, by id.
fn titles() -> Vec<(String, String)> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("explanations.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r["title"].as_str().unwrap().to_string()))
        .collect()
}

/// Grades the fixture `case` as the only exercise of a course carrying the repository's explanations.
fn grade_fixture(case: &str) -> Run {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures/explain");
    let sb = Sandbox::with_course("basic");
    let course = sb.path("explain-course");
    let checks = case.strip_suffix("_unrelated").unwrap_or(case);
    for dir in ["exercises/t", "solutions/t", "checks/t"] {
        fs::create_dir_all(course.join(dir)).unwrap();
    }
    let learner = fs::read_to_string(fixtures.join(format!("{case}.rs"))).unwrap();
    fs::write(course.join("exercises/t/case.rs"), &learner).unwrap();
    fs::write(course.join("solutions/t/case.rs"), &learner).unwrap();
    fs::copy(fixtures.join(format!("{checks}.checks.rs")), course.join("checks/t/case.rs")).unwrap();
    fs::copy(root.join("explanations.toml"), course.join("explanations.toml")).unwrap();
    // The cases about state kept outside the values run as this course runs them: no statics, no
    // files written, no file locks.
    let statics = if checks == "state_outside_the_values" { "allow_statics = false\n" } else { "" };
    fs::write(
        course.join("info.toml"),
        format!(
            "format_version = 1\n[course]\nname = \"explain\"\ntitle = \"Explain\"\nedition = \"2024\"\ntime_limit_secs = 3\n\
             {statics}[[exercises]]\nname = \"case\"\ntopic = \"t\"\nhints = [\"-\"]\n"
        ),
    )
    .unwrap();
    let init = sb.learn_in(sb.dir.path(), &["init", "ws", "--course", "explain-course"]);
    assert_eq!(init.code, 0, "{init:?}");
    sb.learn(&["run"])
}

#[test]
fn every_fixture_gets_its_explanation_and_unrelated_failures_none() {
    let cases = cases();
    assert_eq!(cases.len(), 29, "the README lists every case");
    let titles = titles();
    let runs: Vec<(String, Option<String>, Run)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .into_iter()
            .map(|(case, id)| {
                scope.spawn(move || {
                    let run = grade_fixture(&case);
                    (case, id, run)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (case, id, run) in runs {
        assert_eq!(run.code, 1, "{case}: {run:?}");
        let shown: Vec<&str> =
            titles.iter().filter(|(_, t)| run.stdout.contains(&format!("↳ {t}"))).map(|(id, _)| id.as_str()).collect();
        match id {
            Some(id) => assert_eq!(shown, [id.as_str()], "{case}:\n{}", run.stdout),
            None => assert!(shown.is_empty(), "{case} must get no explanation, got {shown:?}:\n{}", run.stdout),
        }
        assert!(!run.stdout.contains("↳") || !shown.is_empty(), "{case}: an unknown explanation:\n{}", run.stdout);
    }
}

#[test]
fn an_explanation_sits_right_under_the_diagnostic_it_explains() {
    let run = grade_fixture("mutation_through_shared_reference");
    let error = run.stdout.find("error[E0594]").expect("the error is shown");
    let why = run.stdout.find("↳ Changing data through a shared reference\n").expect("the explanation is shown");
    let next_error = run.stdout[error + 1..].find("error[").map_or(usize::MAX, |i| i + error + 1);
    assert!(error < why && why < next_error, "{}", run.stdout);
    let unwrapped = run.stdout.replace("\n  ", " ");
    assert!(unwrapped.contains("Reread “Shared references are read-only”."), "{}", run.stdout);
}

#[test]
fn a_panic_explanation_names_the_learners_line_and_a_timeout_the_test_that_hung() {
    let run = grade_fixture("refcell_already_borrowed");
    assert!(
        run.stdout.contains("    ↳ A RefCell borrowed while a guard is still alive (your line 16)\n"),
        "{}",
        run.stdout
    );
    let run = grade_fixture("lock_taken_twice");
    assert!(
        run.stdout.contains("  Still running: transfer_moves_money\n  Something waits forever, sleeps past the limit or loops without end.\n  ↳ A lock probably taken twice on one thread\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_sleep_past_the_limit_is_not_blamed_on_a_lock() {
    let run = grade_fixture("lock_sleeps_past_limit_unrelated");
    assert!(
        run.stdout.contains(
            "  Still running: transfer_moves_money\n  Something waits forever, sleeps past the limit or loops without end.\n\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("lock"), "{}", run.stdout);
}
