//! `learn grade`: many learners' workspaces at once, one row per learner and exercise; a hanging or
//! broken submission does not hold up the others.

use std::fs;
use std::time::Duration;

use crate::harness::Sandbox;

/// Submissions of the `faults` course (one exercise, `victim`, 1 s limit) from five learners.
fn submissions(sb: &Sandbox) {
    let solution = fs::read_to_string(sb.course().join("solutions/intro/victim.rs")).unwrap();
    let learners = [
        ("alice", Some(solution.as_str())),
        ("bob", Some("fn victim() -> u32 { loop {} }\nfn main() {}\n")),
        ("carol", Some("fn victim() -> u32 { \"one\" }\nfn main() {}\n")),
        ("dave", None),
        ("erin", Some("fn victim() -> u32 { 2 }\nfn main() {}\n")),
    ];
    for (name, file) in learners {
        let dir = sb.path(&format!("submissions/{name}/exercises/intro"));
        fs::create_dir_all(&dir).unwrap();
        if let Some(text) = file {
            fs::write(dir.join("victim.rs"), text).unwrap();
        }
    }
}

#[test]
fn grade_writes_one_csv_row_per_learner_and_exercise() {
    let sb = Sandbox::with_course("faults");
    submissions(&sb);
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "course", "--jobs", "2"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "learner,exercise,status,tests_passed,tests_total,message\n\
         alice,victim,pass,2,2,\n\
         bob,victim,error,1,2,timed out after 1 s\n\
         carol,victim,error,0,0,does not compile: mismatched types\n\
         dave,victim,error,0,0,dave/exercises/intro/victim.rs is missing: `learn reset victim` restores the original\n\
         erin,victim,fail,1,2,1 of 2 hidden tests failed\n"
    );
    // Five gradings, one of which would hang forever: the bound shows it was stopped, with room for
    // a loaded machine (the benchmark measures the parallel speed-up).
    assert!(run.elapsed < Duration::from_secs(30), "took {:?}", run.elapsed);
}

#[test]
fn grade_writes_json_too() {
    let sb = Sandbox::with_course("faults");
    submissions(&sb);
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "course", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert_eq!(
        rows[0],
        serde_json::json!({"learner": "alice", "exercise": "victim", "status": "pass", "tests_passed": 2, "tests_total": 2, "message": ""})
    );
}
