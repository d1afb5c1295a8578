//! Property tests: the parsers of files a user can edit (the course manifest, the progress file,
//! the explanations) and of a learner program's output (compiler diagnostics, test output) never
//! panic, whatever they are given.

const SECRET: &str = "00112233445566778899aabbccddeeff";

use std::time::Duration;

use proptest::prelude::*;

use learn::course::Course;
use learn::explain::Explanations;
use learn::progress::Progress;
use learn::verdict::{self, Composition, Exit, TestRun};

const MANIFEST: &str = include_str!("fixtures/courses/basic/info.toml");
const EXPLANATIONS: &str = include_str!("../explanations.toml");

/// A valid text with a random slice replaced by random text: close to real, broken in new ways.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    (0..base.len(), 0..40usize, ".{0,40}").prop_map(move |(at, len, insert)| {
        let mut start = at;
        while !base.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(base.len());
        while !base.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}{insert}{}", &base[..start], &base[end..])
    })
}

fn comp() -> Composition {
    Composition::compose(
        "exercises/t/x.rs",
        "fn f() -> u32 { 1 }\nfn main() {}\n",
        "use super::*;\n#[test]\nfn t() {}\n",
    )
    .1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn manifests_never_panic(text in prop_oneof![".*", mutated(MANIFEST)]) {
        let _ = Course::parse(&text, "info.toml");
    }

    #[test]
    fn progress_files_never_panic(text in prop_oneof![".*", mutated("format_version = 1\ncourse = \"c\"\n[done]\na = \"sha256:00\"\n[hints]\na = 2\n")]) {
        let _ = Progress::parse(&text);
    }

    #[test]
    fn explanations_never_panic(text in prop_oneof![".*", mutated(EXPLANATIONS)]) {
        let _ = Explanations::parse(&text, "explanations.toml");
    }

    #[test]
    fn compiler_output_never_panics(
        lines in prop::collection::vec(prop_oneof![
            ".*",
            (0..3usize, 0..200usize, 0..200usize, ".{0,20}").prop_map(|(level, line, col, label)| {
                let level = ["error", "warning", "failure-note"][level];
                serde_json::json!({
                    "message": label, "code": {"code": "E0001"}, "level": level, "rendered": label,
                    "spans": [{"file_name": "<anon>", "line_start": line, "line_end": line,
                               "column_start": col, "column_end": col / 2, "is_primary": true, "label": label}],
                    "children": [{"message": "m", "code": null, "level": "note", "spans": [], "children": [], "rendered": null}]
                }).to_string()
            }),
        ], 0..8),
    ) {
        let _ = verdict::parse_compiler_output(&lines.join("\n"), &comp());
    }

    #[test]
    fn harness_reports_never_panic(report in prop_oneof![
        ".*",
        (".{0,30}", 0..3usize, -2..200i32, 0..40usize, 0..40usize).prop_map(|(text, status, code, a, b)| {
            let status = ["pass", "exit", "signal"][status];
            format!("{SECRET} t {status} {code} {a} {b} 0\nthread 'x' panicked at <anon>:99:1:\n{text}")
        }),
    ], code in -2..200i32, signal in 0..40i32) {
        for exit in [Exit::Code(code), Exit::Signal(signal), Exit::TimedOut] {
            let run = TestRun {
                report: learn::harness::parse(report.as_bytes(), SECRET),
                exit,
                stderr: report.clone(),
                limit: Duration::from_secs(1),
                memory_limit: Some(1 << 30),
            };
            let v = verdict::judge(&run, &comp());
            let _ = Explanations::parse(EXPLANATIONS, "e").unwrap().explain(&v, &report);
        }
    }
}
