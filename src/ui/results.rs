//! Machine-readable results: a verdict in the exercism test-runner interface, version 3
//! (`--format json`), so tools that read exercism results read `learn`'s.
//!
//! ```json
//! {
//!   "version": 3,
//!   "status": "fail",                 // "pass" | "fail" | "error"
//!   "message": "...",                 // only for "error": compile errors, timeouts, crashes
//!   "tests": [
//!     { "name": "quota_zero_refuses", "test_code": "quota zero refuses", "status": "pass" },
//!     { "name": "third_call_refused", "test_code": "A third call within the quota is refused.", "status": "fail",
//!       "message": "with a quota of 2 the third call should be refused",
//!       "output": "what the test printed" }
//!   ]
//! }
//! ```
//!
//! Tests are listed in the checks file's order. `pass`: every hidden test passed. `fail`: the code compiled and ran, and some tests failed.
//! `error`: it did not compile, did not finish in time, or crashed; `message` says which and how
//! (the compiler's messages, without colours). A test that did not finish has status `error`.
//! `learn verify --format json` prints a list of these objects, each with an `exercise` field.

use serde::Serialize;

use crate::explain::Explanation;
use crate::ui::render;
use crate::verdict::{TestStatus, Verdict};

/// The version of the exercism interface written.
pub const VERSION: u32 = 3;

/// One exercise's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Results {
    pub version: u32,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub tests: Vec<TestResult>,
}

/// One hidden test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub name: String,
    /// What the test checks, in words: its doc comment, or its name spelled out. (The interface's
    /// field for the test's code; a hidden test's code stays hidden.)
    pub test_code: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// Results of one exercise among several (`learn verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseResults {
    pub exercise: String,
    #[serde(flatten)]
    pub results: Results,
}

impl Results {
    /// The results of `verdict`; `why` (what the course explains about it) joins the message.
    pub fn of(verdict: &Verdict, why: &[Explanation]) -> Results {
        let tests = verdict
            .tests()
            .iter()
            .map(|t| {
                let (status, message) = match t.status {
                    TestStatus::Passed => ("pass", None),
                    TestStatus::Failed => ("fail", t.message.clone()),
                    TestStatus::Unfinished => ("error", Some("did not finish".to_string())),
                };
                let test_code = if t.description.is_empty() { t.name.replace('_', " ") } else { t.description.clone() };
                TestResult { name: t.name.clone(), test_code, status, message, output: t.output.clone() }
            })
            .collect();
        let (status, message) = match verdict {
            Verdict::Passed { .. } => ("pass", None),
            Verdict::TestsFailed { .. } => ("fail", None),
            Verdict::CompileError { errors } => {
                let text: Vec<&str> = errors.iter().map(|e| e.rendered.trim_end()).collect();
                ("error", Some(text.join("\n\n")))
            }
            Verdict::TimedOut { .. } | Verdict::Crashed { .. } => ("error", Some(render::headline(verdict))),
            Verdict::ClippyWarnings { warnings, .. } => {
                let text: Vec<&str> = warnings.iter().map(|e| e.rendered.trim_end()).collect();
                ("fail", Some(text.join("\n\n")))
            }
        };
        let message = message.map(|m| {
            let notes: Vec<String> = why.iter().map(|e| format!("{}: {}", e.title, e.text.trim())).collect();
            if notes.is_empty() { m } else { format!("{m}\n\n{}", notes.join("\n\n")) }
        });
        Results { version: VERSION, status, message, tests }
    }

    /// The results of an exercise that could not be graded at all (its file is missing, empty...).
    pub fn error(message: String) -> Results {
        Results { version: VERSION, status: "error", message: Some(message), tests: Vec::new() }
    }
}

/// `value` as pretty JSON, with a final newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("results always serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::TestOutcome;
    use std::time::Duration;

    fn outcome(name: &str, status: TestStatus, message: Option<&str>, output: Option<&str>) -> TestOutcome {
        TestOutcome {
            name: name.into(),
            status,
            message: message.map(str::to_string),
            output: output.map(str::to_string),
            description: String::new(),
            origin: crate::verdict::Origin::Hidden,
        }
    }

    #[test]
    fn failed_tests_carry_message_and_output() {
        let v = Verdict::TestsFailed {
            tests: vec![
                outcome("a", TestStatus::Passed, None, None),
                outcome("b", TestStatus::Failed, Some("expected 2"), Some("debug line")),
            ],
        };
        assert_eq!(
            to_json(&Results::of(&v, &[])),
            r#"{
  "version": 3,
  "status": "fail",
  "tests": [
    {
      "name": "a",
      "test_code": "a",
      "status": "pass"
    },
    {
      "name": "b",
      "test_code": "b",
      "status": "fail",
      "message": "expected 2",
      "output": "debug line"
    }
  ]
}
"#
        );
    }

    #[test]
    fn timeouts_are_errors_with_a_message_and_unfinished_tests() {
        let v = Verdict::TimedOut {
            limit: Duration::from_secs(3),
            tests: vec![outcome("stuck", TestStatus::Unfinished, None, None)],
        };
        let r = Results::of(&v, &[]);
        assert_eq!(r.status, "error");
        assert_eq!(r.message.as_deref(), Some("timed out after 3 s"));
        assert_eq!(r.tests[0].status, "error");
        assert_eq!(r.tests[0].message.as_deref(), Some("did not finish"));
    }

    #[test]
    fn verify_entries_name_their_exercise() {
        let entry = ExerciseResults { exercise: "x".into(), results: Results::error("missing".into()) };
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"exercise":"x","version":3,"status":"error","message":"missing","tests":[]}"#
        );
    }
}
