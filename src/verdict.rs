//! Turning what the compiler and the test binary printed into a [`Verdict`]. Pure: text in, data out.
//!
//! The grader compiles one *composed* file: the learner's file, byte for byte, followed by the hidden
//! tests wrapped in `mod __learn_hidden { ... }`. A [`Composition`] knows where the learner's lines
//! end, so a diagnostic or panic pointing past them is known to be in hidden code and is rewritten
//! to name the hidden test instead of showing its source.
//!
//! A pass is decided from the test binary's log file (one `ok NAME` / `failed NAME` line per test),
//! never from its stdout, which the learner's code can write to: every hidden test, by its full
//! name, must have reported `ok`, and the binary must have exited with code 0.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// The module the hidden tests are wrapped in; their full test names start with `__learn_hidden::`.
pub const HIDDEN_MODULE: &str = "__learn_hidden";

/// How the learner's file and the hidden tests were put together.
#[derive(Debug, Clone)]
pub struct Composition {
    /// The learner's file as the learner should see it named in messages.
    pub display_path: String,
    /// The learner's file's text.
    pub learner_source: String,
    /// The number of lines of the composed file that belong to the learner.
    pub learner_lines: usize,
    /// The composed line number of the hidden tests' first line.
    pub hidden_first_line: usize,
    /// `(first line in the hidden file, test name)` for each `#[test]` function, in order.
    pub hidden_tests: Vec<(usize, String)>,
}

impl Composition {
    /// Composes `learner` with `hidden`; returns the composed source and the map of its lines.
    pub fn compose(display_path: &str, learner: &str, hidden: &str) -> (String, Composition) {
        let mut text = String::with_capacity(learner.len() + hidden.len() + 64);
        text.push_str(learner);
        // The learner's file may end without a newline, or inside a line comment: start afresh.
        text.push_str("\n#[cfg(test)]\nmod ");
        text.push_str(HIDDEN_MODULE);
        text.push_str(" {\n");
        let hidden_first_line = text.matches('\n').count() + 1;
        text.push_str(hidden);
        text.push_str("\n}\n");
        let learner_lines = learner.matches('\n').count() + usize::from(!learner.ends_with('\n'));
        let composition = Composition {
            display_path: display_path.to_string(),
            learner_source: learner.to_string(),
            learner_lines,
            hidden_first_line,
            hidden_tests: hidden_test_functions(hidden),
        };
        (text, composition)
    }

    /// Whether composed `line` belongs to the hidden tests (or the wrapper around them).
    pub fn is_hidden(&self, line: usize) -> bool {
        line > self.learner_lines
    }

    /// The hidden test whose body holds composed `line`, if any.
    pub fn hidden_test_at(&self, line: usize) -> Option<&str> {
        let hidden_line = line.checked_sub(self.hidden_first_line)? + 1;
        self.hidden_tests.iter().rev().find(|(start, _)| *start <= hidden_line).map(|(_, n)| n.as_str())
    }
}

/// The `#[test]` functions of a hidden test file, as `(line of the attribute, name)`.
pub fn hidden_test_functions(hidden: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<usize> = None;
    for (i, line) in hidden.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[test]") {
            pending = Some(i + 1);
        }
        if let Some(start) = pending
            && let Some(pos) = t.find("fn ")
        {
            let name: String = t[pos + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push((start, name));
                pending = None;
            }
        }
    }
    out
}

/// Severity of a compiler diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One compiler error or warning, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    /// The error code, like `E0594`.
    pub code: Option<String>,
    pub message: String,
    /// The text to show: rustc's own rendering, or a rewrite of it when it would show hidden code.
    pub rendered: String,
    /// The primary location in the learner's file, if the diagnostic points there.
    pub line: Option<usize>,
    /// The hidden test the diagnostic points into, if it points into hidden code.
    pub hidden_test: Option<String>,
    /// The messages of the diagnostic's notes and helps (`the trait Sync is not implemented ...`).
    pub notes: Vec<String>,
}

/// How a test run went, test by test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Passed,
    Failed,
    /// Still running when the run ended, or never started.
    Unfinished,
}

/// One hidden test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The readable name (without the hidden module's path).
    pub name: String,
    pub status: TestStatus,
    /// The assertion or panic message.
    pub message: Option<String>,
    /// What the test printed before it failed.
    pub output: Option<String>,
}

/// The result of grading one exercise. A failing exercise is a verdict, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed { tests: Vec<TestOutcome> },
    CompileError { errors: Vec<Diagnostic> },
    TestsFailed { tests: Vec<TestOutcome> },
    TimedOut { limit: Duration, tests: Vec<TestOutcome> },
    Crashed { reason: String, tests: Vec<TestOutcome> },
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed { .. })
    }

    /// The per-test outcomes (empty for a compile error).
    pub fn tests(&self) -> &[TestOutcome] {
        match self {
            Verdict::CompileError { .. } => &[],
            Verdict::Passed { tests }
            | Verdict::TestsFailed { tests }
            | Verdict::TimedOut { tests, .. }
            | Verdict::Crashed { tests, .. } => tests,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compiler diagnostics

#[derive(Deserialize)]
struct RawDiagnostic {
    message: String,
    code: Option<RawCode>,
    level: String,
    #[serde(default)]
    spans: Vec<RawSpan>,
    #[serde(default)]
    children: Vec<RawDiagnostic>,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct RawCode {
    code: String,
}

#[derive(Deserialize)]
struct RawSpan {
    file_name: String,
    line_start: usize,
    column_start: usize,
    column_end: usize,
    line_end: usize,
    is_primary: bool,
    label: Option<String>,
}

/// Compiler output sorted out: errors and warnings (learner's code only), plus any lines that were
/// not JSON diagnostics (the compiler failing before it could diagnose anything).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CompilerOutput {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub other: String,
}

/// Reads rustc's `--error-format=json` output.
pub fn parse_compiler_output(stderr: &str, comp: &Composition) -> CompilerOutput {
    let mut out = CompilerOutput::default();
    for line in stderr.lines() {
        let Ok(raw) = serde_json::from_str::<RawDiagnostic>(line) else {
            if !line.trim().is_empty() {
                out.other.push_str(line);
                out.other.push('\n');
            }
            continue;
        };
        let level = match raw.level.as_str() {
            "error" | "error: internal compiler error" => Level::Error,
            "warning" => Level::Warning,
            _ => continue, // failure-note, and the like: summaries, not diagnostics
        };
        if raw.spans.is_empty() && (raw.message.starts_with("aborting due to") || raw.message.ends_with("emitted")) {
            continue;
        }
        let diagnostic = convert(&raw, level, comp);
        match level {
            // A warning about the hidden tests is not the learner's business.
            Level::Warning if diagnostic.hidden_test.is_some() || touches_hidden(&raw, comp) => {}
            Level::Warning => out.warnings.push(diagnostic),
            Level::Error => out.errors.push(diagnostic),
        }
    }
    // Errors in the learner's file first: errors in the hidden tests are often their consequence.
    out.errors.sort_by_key(|d| d.hidden_test.is_some());
    out
}

impl RawSpan {
    fn in_learner_file(&self, comp: &Composition) -> bool {
        self.file_name == comp.display_path && !comp.is_hidden(self.line_start)
    }

    fn in_hidden_tests(&self, comp: &Composition) -> bool {
        self.file_name == comp.display_path && comp.is_hidden(self.line_start)
    }
}

fn touches_hidden(raw: &RawDiagnostic, comp: &Composition) -> bool {
    raw.spans.iter().any(|s| s.in_hidden_tests(comp)) || raw.children.iter().any(|c| touches_hidden(c, comp))
}

fn convert(raw: &RawDiagnostic, level: Level, comp: &Composition) -> Diagnostic {
    let primary = raw.spans.iter().find(|s| s.is_primary).or(raw.spans.first());
    let hidden_primary = primary.filter(|s| s.in_hidden_tests(comp));
    let rendered = if touches_hidden(raw, comp) {
        rewrite(raw, comp)
    } else {
        raw.rendered.clone().unwrap_or_else(|| raw.message.clone())
    };
    Diagnostic {
        level,
        code: raw.code.as_ref().map(|c| c.code.clone()),
        message: raw.message.clone(),
        rendered,
        line: primary.filter(|s| s.in_learner_file(comp)).map(|s| s.line_start),
        hidden_test: hidden_primary.map(|s| comp.hidden_test_at(s.line_start).unwrap_or("hidden tests").to_string()),
        notes: raw.children.iter().map(|c| c.message.clone()).collect(),
    }
}

/// Renders a diagnostic that involves hidden code without showing the hidden code: spans in the
/// learner's file are shown with their source line, spans in the hidden tests by the test's name.
fn rewrite(raw: &RawDiagnostic, comp: &Composition) -> String {
    let mut out = String::new();
    let level = if raw.level == "warning" { "warning" } else { "error" };
    match &raw.code {
        Some(code) => out.push_str(&format!("{level}[{}]: {}\n", code.code, raw.message)),
        None => out.push_str(&format!("{level}: {}\n", raw.message)),
    }
    let source_lines: Vec<&str> = comp.learner_source.lines().collect();
    // Spans elsewhere (the standard library) add little here; spans in the learner's file are shown
    // with their line, spans in the hidden tests by the test's name.
    let mut spans: Vec<&RawSpan> = raw.spans.iter().filter(|s| s.file_name == comp.display_path).collect();
    spans.sort_by_key(|s| !s.is_primary);
    for span in spans {
        let label = span.label.as_deref().unwrap_or("");
        if span.in_hidden_tests(comp) {
            let test = comp.hidden_test_at(span.line_start).unwrap_or("?");
            let what = if label.is_empty() { String::new() } else { format!(": {label}") };
            out.push_str(&format!("  --> in the hidden test `{test}`{what}\n"));
            continue;
        }
        let line_no = span.line_start;
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad}--> {}:{}:{}\n", comp.display_path, line_no, span.column_start));
        let text = source_lines.get(line_no.saturating_sub(1)).copied().unwrap_or("");
        let end = if span.line_end == span.line_start { span.column_end } else { text.chars().count() + 1 };
        let marks = end.saturating_sub(span.column_start).max(1);
        let mark = if span.is_primary { "^" } else { "-" };
        out.push_str(&format!(
            "{pad} |\n{line_no} | {text}\n{pad} | {}{} {label}\n",
            " ".repeat(span.column_start.saturating_sub(1)),
            mark.repeat(marks)
        ));
    }
    for child in &raw.children {
        let kind = if child.level == "help" { "help" } else { "note" };
        out.push_str(&format!("   = {kind}: {}\n", child.message));
    }
    out.push_str(
        "   = note: the hidden tests use the names and signatures the exercise's comment describes; \
                  check that yours match\n",
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Test results

/// How the test binary ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed by the grader at the time limit.
    TimedOut,
}

/// Everything a run of the test binary left behind.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// Full names of the hidden tests (from the binary's `--list`).
    pub expected: Vec<String>,
    /// The log file: `ok NAME` / `failed NAME` / `ignored NAME` lines, written as tests finish.
    pub log: String,
    pub stdout: String,
    pub stderr: String,
    pub exit: Exit,
    pub limit: Duration,
    /// Memory limit of the run, in bytes, to explain allocation failures.
    pub memory_limit: Option<u64>,
}

const SIGKILL: i32 = 9;
const SIGABRT: i32 = 6;
const SIGSEGV: i32 = 11;
const SIGBUS: i32 = 7;
const SIGXCPU: i32 = 24;

/// Judges a test run.
pub fn judge(run: &TestRun, comp: &Composition) -> Verdict {
    let mut logged: BTreeMap<&str, TestStatus> = BTreeMap::new();
    for line in run.log.lines() {
        if let Some((status, name)) = line.split_once(' ') {
            let status = match status {
                "ok" => TestStatus::Passed,
                "failed" => TestStatus::Failed,
                _ => continue,
            };
            logged.insert(name.trim_end(), status);
        }
    }
    let messages = failure_sections(&run.stdout);
    let tests: Vec<TestOutcome> = run
        .expected
        .iter()
        .map(|full| {
            let status = logged.get(full.as_str()).copied().unwrap_or(TestStatus::Unfinished);
            let (output, message) = match (status, messages.get(full.as_str())) {
                (TestStatus::Failed, Some(section)) => clean_message(section, comp),
                _ => (None, None),
            };
            TestOutcome { name: short_name(full).to_string(), status, message, output }
        })
        .collect();

    let all_passed = !tests.is_empty() && tests.iter().all(|t| t.status == TestStatus::Passed);
    let unfinished = tests.iter().any(|t| t.status == TestStatus::Unfinished);
    match run.exit {
        Exit::TimedOut => Verdict::TimedOut { limit: run.limit, tests },
        Exit::Code(0) if all_passed => Verdict::Passed { tests },
        Exit::Code(101) if !unfinished && !all_passed => Verdict::TestsFailed { tests },
        exit => Verdict::Crashed { reason: crash_reason(exit, run, tests.is_empty()), tests },
    }
}

fn crash_reason(exit: Exit, run: &TestRun, no_tests: bool) -> String {
    let stderr = &run.stderr;
    if no_tests {
        return "the hidden tests were not found in the compiled program (is `mod __learn_hidden` defined \
                in the exercise file?)"
            .to_string();
    }
    // Out of address space shows as a failed allocation, or (threads) as a thread that cannot get
    // the memory for its stacks.
    if stderr.contains("memory allocation of") || stderr.contains("Cannot allocate memory") {
        let limit = run.memory_limit.map(|b| format!(" (the limit is {} MiB)", b >> 20)).unwrap_or_default();
        return format!("the program ran out of memory{limit}: something allocates without end");
    }
    match exit {
        Exit::Code(code) => format!(
            "the test program exited with code {code} before every hidden test reported back: \
             the code under test probably calls `std::process::exit`, which ends every test at once"
        ),
        Exit::Signal(SIGSEGV | SIGBUS) if stderr.contains("has overflowed its stack") => {
            "stack overflow: a function probably calls itself without end".to_string()
        }
        Exit::Signal(SIGABRT)
            if stderr.contains("panic in a destructor during cleanup")
                || stderr.contains("thread caused non-unwinding panic")
                || stderr.contains("panicked while processing panic") =>
        {
            "the program aborted: a panic happened while another panic was unwinding (often a panic \
             inside `Drop`), and Rust aborts then"
                .to_string()
        }
        Exit::Signal(SIGABRT) => {
            "the program aborted (`std::process::abort`, or a failure Rust cannot unwind from)".to_string()
        }
        Exit::Signal(SIGXCPU) => "the program used too much CPU time and was stopped".to_string(),
        Exit::Signal(SIGKILL) => "the program was killed (out of memory, or by another program)".to_string(),
        Exit::Signal(sig) => format!("the program was stopped by signal {sig}"),
        Exit::TimedOut => unreachable!("a timeout is its own verdict"),
    }
}

/// `__learn_hidden::name` -> `name`.
pub fn short_name(full: &str) -> &str {
    full.strip_prefix(HIDDEN_MODULE).and_then(|s| s.strip_prefix("::")).unwrap_or(full)
}

/// The `---- NAME stdout ----` sections of libtest's failure report, by test name.
fn failure_sections(stdout: &str) -> BTreeMap<&str, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(&str, String)> = None;
    for line in stdout.lines() {
        let header = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----"));
        if (header.is_some() || line == "failures:")
            && let Some((name, text)) = current.take()
        {
            out.insert(name, text);
        }
        if let Some(name) = header {
            current = Some((name, String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((name, text)) = current {
        out.insert(name, text);
    }
    out
}

/// Makes a failure section readable: what the test printed before it panicked, and the panic,
/// whose header names the learner's file (or goes, for the hidden test's own assertion), without
/// the backtrace advice.
fn clean_message(section: &str, comp: &Composition) -> (Option<String>, Option<String>) {
    let mut printed = Vec::new();
    let mut out = Vec::new();
    let mut in_panic = false;
    for line in section.lines() {
        if !in_panic && panic_location(line).is_none() {
            printed.push(line);
            continue;
        }
        in_panic = true;
        if line.starts_with("note: run with `RUST_BACKTRACE=1`") {
            continue;
        }
        if let Some(location) = panic_location(line) {
            let hidden_line = location
                .strip_prefix(&comp.display_path)
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(|rest| rest.split(':').next())
                .and_then(|l| l.parse::<usize>().ok())
                .filter(|l| comp.is_hidden(*l));
            if hidden_line.is_some() {
                // An assertion of the hidden test itself: its message says what was expected.
                continue;
            }
            out.push(format!("panicked at {location}:"));
            continue;
        }
        out.push(line.to_string());
    }
    let nonempty = |text: String| {
        let text = text.trim_matches('\n').to_string();
        (!text.trim().is_empty()).then_some(text)
    };
    (nonempty(printed.join("\n")), nonempty(out.join("\n")))
}

/// `thread 'x' (123) panicked at src/a.rs:3:5:` -> `src/a.rs:3:5`.
fn panic_location(line: &str) -> Option<&str> {
    if !line.starts_with("thread '") {
        return None;
    }
    let (_, rest) = line.split_once(" panicked at ")?;
    rest.strip_suffix(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEARNER: &str = "use std::cell::RefCell;\n\nfn f() -> u32 {\n    1\n}\n";
    const HIDDEN: &str = "use super::*;\n\n#[test]\nfn first_test() {\n    assert_eq!(f(), 1);\n}\n\n#[test]\n#[should_panic]\nfn second_test() {\n    f();\n}\n";

    fn comp() -> Composition {
        Composition::compose("exercises/t/x.rs", LEARNER, HIDDEN).1
    }

    fn run(log: &str, stdout: &str, exit: Exit) -> TestRun {
        TestRun {
            expected: vec!["__learn_hidden::first_test".into(), "__learn_hidden::second_test".into()],
            log: log.into(),
            stdout: stdout.into(),
            stderr: String::new(),
            exit,
            limit: Duration::from_secs(10),
            memory_limit: Some(1 << 30),
        }
    }

    #[test]
    fn composition_keeps_learner_lines_and_maps_hidden_lines_to_tests() {
        let (text, c) = Composition::compose("exercises/t/x.rs", LEARNER, HIDDEN);
        assert!(text.starts_with(LEARNER));
        assert_eq!(c.learner_lines, 5);
        assert_eq!(c.hidden_first_line, 9);
        assert_eq!(text.lines().nth(c.hidden_first_line - 1), Some("use super::*;"));
        assert_eq!(c.hidden_tests, [(3, "first_test".to_string()), (8, "second_test".to_string())]);
        assert!(!c.is_hidden(5));
        assert!(c.is_hidden(6));
        assert_eq!(c.hidden_test_at(9 + 4), Some("first_test"));
        assert_eq!(c.hidden_test_at(9 + 10), Some("second_test"));
        assert_eq!(c.hidden_test_at(3), None);
    }

    #[test]
    fn a_file_without_final_newline_still_counts_its_last_line() {
        let (text, c) = Composition::compose("x.rs", "fn a() {} // end", "use super::*;");
        assert_eq!(c.learner_lines, 1);
        assert!(text.starts_with("fn a() {} // end\n#[cfg(test)]"));
    }

    #[test]
    fn every_test_ok_and_exit_zero_passes() {
        let v =
            judge(&run("ok __learn_hidden::first_test\nok __learn_hidden::second_test\n", "", Exit::Code(0)), &comp());
        assert!(v.passed());
        assert_eq!(v.tests().len(), 2);
    }

    #[test]
    fn a_forged_stdout_summary_does_not_pass() {
        let stdout = "test __learn_hidden::second_test ... ok\ntest result: ok. 2 passed; 0 failed\n";
        let v = judge(&run("ok __learn_hidden::first_test\n", stdout, Exit::Code(0)), &comp());
        match v {
            Verdict::Crashed { reason, tests } => {
                assert!(reason.contains("std::process::exit"), "{reason}");
                assert_eq!(tests[1].status, TestStatus::Unfinished);
            }
            other => panic!("expected a crash, got {other:?}"),
        }
    }

    #[test]
    fn a_learner_test_with_a_hidden_test_name_does_not_count() {
        let log = "ok first_test\nok second_test\nok __learn_hidden::first_test\n";
        assert!(!judge(&run(log, "", Exit::Code(0)), &comp()).passed());
    }

    #[test]
    fn failed_tests_carry_their_messages_pointing_into_the_learner_file() {
        let stdout = "running 2 tests\ntest __learn_hidden::first_test ... FAILED\n\nfailures:\n\n\
            ---- __learn_hidden::first_test stdout ----\nhello from the code\n\n\
            thread '__learn_hidden::first_test' (77) panicked at exercises/t/x.rs:4:5:\nRefCell already borrowed\n\
            note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\
            ---- __learn_hidden::second_test stdout ----\n\
            thread '__learn_hidden::second_test' (78) panicked at exercises/t/x.rs:19:5:\n\
            with a quota of 2 the third call should be refused\n\n\
            failures:\n    __learn_hidden::first_test\n\ntest result: FAILED. 0 passed; 2 failed\n";
        let v = judge(
            &run("failed __learn_hidden::first_test\nfailed __learn_hidden::second_test\n", stdout, Exit::Code(101)),
            &comp(),
        );
        let Verdict::TestsFailed { tests } = v else { panic!("expected failed tests") };
        assert_eq!(tests[0].output.as_deref(), Some("hello from the code"));
        assert_eq!(tests[0].message.as_deref(), Some("panicked at exercises/t/x.rs:4:5:\nRefCell already borrowed"));
        assert_eq!(tests[1].message.as_deref(), Some("with a quota of 2 the third call should be refused"));
    }

    #[test]
    fn timeouts_list_the_unfinished_tests() {
        let v = judge(&run("ok __learn_hidden::first_test\n", "", Exit::TimedOut), &comp());
        let Verdict::TimedOut { tests, .. } = v else { panic!("expected a timeout") };
        assert_eq!(tests[1].name, "second_test");
        assert_eq!(tests[1].status, TestStatus::Unfinished);
    }

    #[test]
    fn crashes_are_explained_by_their_cause() {
        let mut r = run("", "", Exit::Signal(SIGABRT));
        r.stderr = "thread caused non-unwinding panic. aborting.\n".into();
        let Verdict::Crashed { reason, .. } = judge(&r, &comp()) else { panic!() };
        assert!(reason.contains("inside `Drop`"), "{reason}");

        let mut r = run("", "", Exit::Signal(SIGSEGV));
        r.stderr = "thread 'x' has overflowed its stack\n".into();
        let Verdict::Crashed { reason, .. } = judge(&r, &comp()) else { panic!() };
        assert!(reason.starts_with("stack overflow"), "{reason}");

        let mut r = run("", "", Exit::Signal(SIGABRT));
        r.stderr = "memory allocation of 1073741824 bytes failed\n".into();
        let Verdict::Crashed { reason, .. } = judge(&r, &comp()) else { panic!() };
        assert!(reason.contains("out of memory (the limit is 1024 MiB)"), "{reason}");

        let mut r = run("", "", Exit::Signal(SIGABRT));
        r.stderr = "thread '<unnamed>' panicked at library/std/src/sys/pal/unix/stack_overflow.rs:236:13:\n\
                    failed to allocate an alternative stack: Cannot allocate memory (os error 12)\n\
                    fatal runtime error: failed to initiate panic, error 5, aborting\n"
            .into();
        let Verdict::Crashed { reason, .. } = judge(&r, &comp()) else { panic!() };
        assert!(reason.contains("out of memory"), "{reason}");
    }

    #[test]
    fn an_exit_with_failures_and_missing_results_is_a_crash() {
        let v = judge(&run("failed __learn_hidden::first_test\n", "", Exit::Code(3)), &comp());
        assert!(matches!(v, Verdict::Crashed { .. }), "{v:?}");
    }

    #[test]
    fn hidden_test_functions_are_found_with_attributes_between() {
        assert_eq!(
            hidden_test_functions(
                "#[test]\n#[should_panic(expected = \"x\")]\npub fn a_b() {}\nfn helper() {}\n#[test] fn c() {}\n"
            ),
            [(1, "a_b".to_string()), (5, "c".to_string())]
        );
    }

    fn json(level: &str, code: &str, msg: &str, line: usize, label: &str, rendered: &str) -> String {
        serde_json::json!({
            "$message_type": "diagnostic", "message": msg, "code": {"code": code, "explanation": null},
            "level": level,
            "spans": [{"file_name": "exercises/t/x.rs", "byte_start": 0, "byte_end": 1, "line_start": line,
                       "line_end": line, "column_start": 5, "column_end": 6, "is_primary": true,
                       "text": [], "label": label, "suggested_replacement": null,
                       "suggestion_applicability": null, "expansion": null}],
            "children": [{"message": "the trait `Sync` is not implemented for `RefCell<u32>`", "code": null,
                          "level": "help", "spans": [], "children": [], "rendered": null}],
            "rendered": rendered
        })
        .to_string()
    }

    #[test]
    fn errors_in_the_learner_file_keep_rustc_rendering() {
        let stderr = format!(
            "{}\n{}\n",
            json(
                "error",
                "E0594",
                "cannot assign",
                4,
                "cannot assign",
                "error[E0594]: cannot assign\n --> exercises/t/x.rs:4:5\n"
            ),
            r#"{"$message_type":"diagnostic","message":"aborting due to 1 previous error","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting due to 1 previous error\n\n"}"#
        );
        let out = parse_compiler_output(&stderr, &comp());
        assert_eq!(out.errors.len(), 1);
        let e = &out.errors[0];
        assert_eq!(e.code.as_deref(), Some("E0594"));
        assert_eq!(e.line, Some(4));
        assert_eq!(e.hidden_test, None);
        assert!(e.rendered.starts_with("error[E0594]: cannot assign\n --> exercises/t/x.rs:4:5"));
        assert_eq!(e.notes, ["the trait `Sync` is not implemented for `RefCell<u32>`"]);
    }

    #[test]
    fn errors_in_hidden_code_name_the_test_and_hide_its_source() {
        let stderr = json("error", "E0599", "no method named `g` found", 9 + 4, "method not found", "SECRET SOURCE\n");
        let out = parse_compiler_output(&stderr, &comp());
        let e = &out.errors[0];
        assert_eq!(e.hidden_test.as_deref(), Some("first_test"));
        assert!(!e.rendered.contains("SECRET"), "{}", e.rendered);
        assert!(
            e.rendered.starts_with(
                "error[E0599]: no method named `g` found\n  --> in the hidden test `first_test`: method not found\n"
            ),
            "{}",
            e.rendered
        );
    }

    #[test]
    fn spans_in_other_files_are_not_hidden_code() {
        let line = json("error", "E0599", "no method named `entry`", 4, "not found", "RUSTC RENDERING\n")
            .replacen("\"children\":[", "\"children\":[{\"message\":\"the method exists\",\"code\":null,\"level\":\"note\",\"spans\":[{\"file_name\":\"/rustc/abc/library/std/src/collections/hash/map.rs\",\"byte_start\":0,\"byte_end\":1,\"line_start\":900,\"line_end\":900,\"column_start\":1,\"column_end\":2,\"is_primary\":true,\"text\":[],\"label\":null,\"suggested_replacement\":null,\"suggestion_applicability\":null,\"expansion\":null}],\"children\":[],\"rendered\":null},", 1);
        let out = parse_compiler_output(&line, &comp());
        assert_eq!(out.errors[0].rendered, "RUSTC RENDERING\n");
        assert_eq!(out.errors[0].hidden_test, None);
        assert_eq!(out.errors[0].line, Some(4));
    }

    #[test]
    fn warnings_about_hidden_code_are_dropped_and_non_json_lines_kept() {
        let stderr = format!(
            "{}\n{}\nerror: unknown edition\n",
            json("warning", "unused_imports", "unused import", 9, "", "w1"),
            json("warning", "dead_code", "function `f` is never used", 3, "", "w2")
        );
        let out = parse_compiler_output(&stderr, &comp());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].rendered, "w2");
        assert_eq!(out.other, "error: unknown edition\n");
    }
}
