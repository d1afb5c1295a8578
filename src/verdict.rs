//! Turning what the compiler and the test binary printed into a [`Verdict`]. Pure: text in, data out.
//!
//! The grader compiles one *composed* file: the learner's file, byte for byte, followed by the hidden
//! tests wrapped in `mod __learn_hidden { ... }`. A [`Composition`] knows where the learner's lines
//! end, so a diagnostic or panic pointing past them is known to be in hidden code and is rewritten
//! to name the hidden test instead of showing its source.
//!
//! A pass is decided from the harness's report (see [`crate::harness`]), never from anything the
//! learner's code can write: every hidden test of the checks file, in file order, must have reported
//! a pass through the harness's secret-bearing channel.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

pub use crate::composition::{Composition, HIDDEN_MODULE, Origin, STDIN_NAME, hidden_test_functions};
use crate::harness::{Ending, Record, Report};

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
    /// Where in the checks file the error is, when it is in the hidden tests: for the course's
    /// author (`learn dev check`), never shown to learners.
    pub hidden_sites: Vec<HiddenSite>,
}

/// A compile error inside the hidden tests, located in the checks file (macro expansions followed
/// back to the call in the checks file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenSite {
    /// 1-based line and column in the checks file.
    pub line: usize,
    pub column: usize,
    pub code: Option<String>,
    pub message: String,
    /// What the compiler says at the spot (`expected `u64`, found `u32``), if it says something.
    pub label: Option<String>,
    /// The `#[test]` function it is in, if it is in one.
    pub test: Option<String>,
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
    /// What the test checks, in words (its doc comment, or its name spelled out).
    pub description: String,
    /// A hidden test, one of the learner's own, or the program's `main`.
    pub origin: Origin,
}

/// The result of grading one exercise. A failing exercise is a verdict, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed {
        tests: Vec<TestOutcome>,
    },
    CompileError {
        errors: Vec<Diagnostic>,
    },
    TestsFailed {
        tests: Vec<TestOutcome>,
    },
    TimedOut {
        limit: Duration,
        tests: Vec<TestOutcome>,
    },
    Crashed {
        reason: String,
        tests: Vec<TestOutcome>,
    },
    /// Every test passed, but the exercise must also be free of Clippy's warnings, and is not.
    ClippyWarnings {
        warnings: Vec<Diagnostic>,
        tests: Vec<TestOutcome>,
    },
}

/// The message of the one error that stands for every error inside the hidden tests.
pub const SHAPE_MISMATCH: &str = "the hidden tests cannot use your code as it is";

impl Verdict {
    /// Whether the learner's file compiles on its own and only the hidden tests cannot use it.
    pub fn only_the_tests_do_not_fit(&self) -> bool {
        matches!(self, Verdict::CompileError { errors } if errors.iter().all(|e| e.message == SHAPE_MISMATCH))
    }

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
            | Verdict::Crashed { tests, .. }
            | Verdict::ClippyWarnings { tests, .. } => tests,
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
    #[serde(default)]
    expansion: Option<Box<RawExpansion>>,
}

#[derive(Deserialize)]
struct RawExpansion {
    span: RawSpan,
    #[serde(default)]
    def_site_span: Option<RawSpan>,
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
    let mut hidden: Vec<(Diagnostic, Vec<String>)> = Vec::new();
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
        let mut diagnostic = convert(&raw, level, comp);
        if diagnostic.code.as_deref() == Some("unsafe_code") {
            // The flag rustc names is learn's, not the learner's: say whose rule it is.
            let text = diagnostic.rendered.trim_end().to_string();
            diagnostic.rendered = format!(
                "{text}\n   = note: learn compiles exercises with `unsafe` code forbidden: unsafe code could reach the \
                 grader's own channel, and no exercise here needs it\n"
            );
        }
        match level {
            // A warning about the hidden tests is not the learner's business.
            Level::Warning if diagnostic.hidden_test.is_some() || touches_hidden(&raw, comp) => {}
            // The harness is the program's entry point; the exercise's own `main` is for the learner.
            Level::Warning if raw.message == "function `main` is never used" => {}
            Level::Warning => out.warnings.push(diagnostic),
            Level::Error if diagnostic.hidden_test.is_some() => hidden.push((diagnostic, learner_fixes(&raw, comp))),
            Level::Error => out.errors.push(diagnostic),
        }
    }
    // Errors in the learner's file first; errors inside the hidden tests (the file's shape differs
    // from what they use) become one summary after them.
    out.errors = collapse_repeats(std::mem::take(&mut out.errors));
    if !hidden.is_empty() {
        out.errors.push(shape_mismatch(&hidden, comp));
    }
    out
}

/// The same error at several lines (one mistake, repeated at each call) shown once, with the
/// other lines named.
fn collapse_repeats(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<(String, Diagnostic, Vec<usize>)> = Vec::new();
    for d in errors {
        let key = format!("{:?}|{}", d.code, without_names(&d.message));
        match out.iter_mut().find(|(k, first, _)| *k == key && first.line.is_some() && d.line.is_some()) {
            Some((_, _, lines)) => lines.extend(d.line),
            None => out.push((key, d, Vec::new())),
        }
    }
    out.into_iter()
        .map(|(_, mut d, lines)| {
            if !lines.is_empty() {
                let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                let noun = if lines.len() == 1 { "line" } else { "lines" };
                d.rendered =
                    format!("{}\n   = note: the same error at {noun} {}\n", d.rendered.trim_end(), lines.join(", "));
            }
            d
        })
        .collect()
}

/// A message with its `quoted` names blanked, so the same error about different names matches.
fn without_names(message: &str) -> String {
    message.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { "_" } else { part }).collect()
}

/// One error for every error inside the hidden tests: what the tests expect that the file does
/// not give them, each cause once, with the tests it stopped and, where the compiler names one,
/// the place in the learner's file to change (each given with its `learner_fixes`).
fn shape_mismatch(hidden: &[(Diagnostic, Vec<String>)], comp: &Composition) -> Diagnostic {
    let mut causes: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for (d, fixes) in hidden {
        // A place the compiler names in its message is the learner's line or "the hidden tests".
        let cause = comp.name_places(&mismatch_advice(d, &comp.learner_source));
        let test = d.hidden_test.clone().unwrap_or_default();
        let i = causes.iter().position(|(c, _, _)| *c == cause).unwrap_or_else(|| {
            causes.push((cause, Vec::new(), Vec::new()));
            causes.len() - 1
        });
        let (_, tests, all_fixes) = &mut causes[i];
        if !tests.contains(&test) {
            tests.push(test);
        }
        for fix in fixes {
            if !all_fixes.contains(fix) {
                all_fixes.push(fix.clone());
            }
        }
    }
    let mut rendered = String::from("error: the hidden tests cannot use your code as it is\n");
    for (cause, in_tests, fixes) in &causes {
        let mut named: Vec<String> =
            in_tests.iter().filter(|t| *t != "hidden tests").map(|t| format!("`{t}`")).collect();
        // An import, a helper or a constant of the tests belongs to no test in particular.
        if in_tests.iter().any(|t| t == "hidden tests") {
            named.push("the tests' shared code".to_string());
        }
        let where_ = if named.is_empty() { String::new() } else { format!(" (in {})", named.join(", ")) };
        rendered.push_str(&format!("  - {cause}{where_}\n"));
        for fix in fixes {
            rendered.push_str(&format!("    {fix}\n"));
        }
    }
    rendered.push_str(
        "   = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
         change yours to match, not the tests' way of calling them\n",
    );
    let first = &hidden[0].0;
    Diagnostic {
        level: Level::Error,
        code: first.code.clone(),
        message: SHAPE_MISMATCH.to_string(),
        rendered,
        line: None,
        hidden_test: first.hidden_test.clone(),
        notes: hidden.iter().flat_map(|(d, _)| std::iter::once(d.message.clone()).chain(d.notes.clone())).collect(),
        hidden_sites: hidden.iter().flat_map(|(d, _)| d.hidden_sites.clone()).collect(),
    }
}

/// The compiler's helps (or, without one, notes) about an error in the hidden tests that point
/// into the learner's file (`consider annotating `Point` with `#[derive(PartialEq)]``), each with
/// the place they point at: what the learner can change, in the learner's terms.
fn learner_fixes(raw: &RawDiagnostic, comp: &Composition) -> Vec<String> {
    let located = |level: &str| -> Vec<String> {
        raw.children
            .iter()
            .filter(|c| c.level == level)
            .filter_map(|c| {
                let span = c.spans.iter().find(|s| s.in_learner_file(comp))?;
                let at = comp.location(STDIN_NAME, span.line_start, span.column_start);
                // Unnamed, one `Memoizer<{closure}>` per test reads the same, and `shape_mismatch`
                // shows it once.
                Some(format!("{level}: {} ({at})", comp.name_places(&closures_unnamed(&c.message))))
            })
            .collect()
    };
    let helps = located("help");
    if helps.is_empty() { located("note") } else { helps }
}

/// `text` with every closure's type (`{closure@<anon>:99:39: 99:47}`, a place in the hidden tests
/// or the composed crate) written `{closure}`: the learner cannot see or change those places, and
/// each test's own closure would otherwise make the same note look different.
fn closures_unnamed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{closure@") {
        out.push_str(&rest[..at]);
        match rest[at..].find('}') {
            Some(end) => {
                out.push_str("{closure}");
                rest = &rest[at + end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// What an error inside a hidden test says about the learner's file, in the learner's terms.
fn mismatch_advice(d: &Diagnostic, learner: &str) -> String {
    let code = d.code.as_deref().unwrap_or("");
    let m = d.message.as_str();
    let found_expected =
        d.notes.iter().find(|n| n.starts_with("expected ")).map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    match code {
        "E0596" | "E0594" => "the tests call your methods through a shared reference (`&`): keep `&self`, not \
                              `&mut self`, on the methods they call, and change the data through its field's type"
            .to_string(),
        "E0308" => match found_expected.as_deref().and_then(|n| sides(n, learner)) {
            Some((tests, yours)) => {
                format!("a type is not the one the tests expect: they use `{tests}`, your code has `{yours}`")
            }
            None => format!("a type is not the one the tests expect: {}", found_expected.as_deref().unwrap_or(m)),
        },
        "E0599" | "E0425" | "E0432" | "E0433" | "E0412" | "E0422" | "E0609" | "E0560" | "E0026" | "E0027" | "E0063" => {
            format!("the tests use a name your file does not define that way: {m}")
        }
        "E0061" | "E0060" | "E0107" => format!("the tests pass a different number of arguments: {m}"),
        // `crate::__learn::exact` says `expected `T`, found `U`` when a pinned type differs.
        "E0277" if m.starts_with("expected `") => {
            // The pin's own message: the found type is always the learner's.
            match quoted(m).collect::<Vec<_>>()[..] {
                [tests, yours] => {
                    format!("a type is not the one the tests expect: they use `{tests}`, your code has `{yours}`")
                }
                _ => format!("a type is not the one the tests expect: {m}"),
            }
        }
        "E0277" | "E0369" => format!("a type does not have what the tests need: {m}"),
        "E0603" | "E0616" | "E0624" => format!("the tests cannot reach something that is private: {m}"),
        _ => m.to_string(),
    }
}

/// The `backticked` parts of a compiler message, in order.
fn quoted(message: &str) -> impl Iterator<Item = &str> {
    message.split('`').skip(1).step_by(2)
}

/// Which of the two types of a mismatch note (`expected … `A` found … `B``) is the learner's, by
/// which one the learner's file spells: "expected" is the tests' side when the tests gave the
/// type (a `let x: T = your_call()`), and the learner's when the learner's signature did (a call
/// with the tests' value). `(tests' type, learner's type)`, or `None` when the file does not tell.
fn sides(note: &str, learner: &str) -> Option<(String, String)> {
    let mut types = quoted(note);
    let (expected, found) = (types.next()?.to_string(), types.next()?.to_string());
    let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let file = squash(learner);
    let spelled = |t: &str| file.contains(&squash(t.trim_start_matches('&').trim_start_matches("mut ")));
    match (spelled(&expected), spelled(&found)) {
        (true, false) => Some((found, expected)),
        (false, true) => Some((expected, found)),
        _ => None,
    }
}

impl RawSpan {
    fn in_learner_file(&self, comp: &Composition) -> bool {
        self.file_name == STDIN_NAME && !comp.is_hidden(self.line_start)
    }

    fn in_hidden_tests(&self, comp: &Composition) -> bool {
        self.file_name == STDIN_NAME && comp.is_hidden(self.line_start)
    }

    /// The spans of the composed file this span stands for, innermost first: itself if it is in the
    /// composed file, then each macro call it was expanded from (an error inside `assert_eq!` is
    /// in the standard library; the call that expanded it is in the tests).
    fn sites(&self) -> Vec<&RawSpan> {
        let mut sites = Vec::new();
        let mut span = Some(self);
        while let Some(s) = span {
            if s.file_name == STDIN_NAME {
                sites.push(s);
            }
            span = s.expansion.as_ref().map(|e| &e.span);
        }
        sites
    }

    /// Whether this span, or the macro call it was expanded from, is in hidden code.
    fn touches_hidden(&self, comp: &Composition) -> bool {
        self.in_hidden_tests(comp)
            || self.expansion.as_ref().is_some_and(|e| {
                e.span.touches_hidden(comp) || e.def_site_span.as_ref().is_some_and(|d| d.touches_hidden(comp))
            })
    }
}

fn touches_hidden(raw: &RawDiagnostic, comp: &Composition) -> bool {
    raw.spans.iter().any(|s| s.touches_hidden(comp)) || raw.children.iter().any(|c| touches_hidden(c, comp))
}

fn convert(raw: &RawDiagnostic, level: Level, comp: &Composition) -> Diagnostic {
    let primary = raw.spans.iter().find(|s| s.is_primary).or(raw.spans.first());
    // Where the error is in the composed file: the primary span, or the macro call it comes from.
    let sites = primary.map(RawSpan::sites).unwrap_or_default();
    let site = sites.first().copied();
    let hidden_site = site.filter(|s| comp.is_hidden(s.line_start));
    // The test: of the innermost site in one (a macro of the checks file is defined outside tests).
    let test = hidden_site.map(|_| sites.iter().find_map(|s| comp.hidden_test_at(s.line_start)));
    let hidden_sites = hidden_site
        .and_then(|s| {
            Some(HiddenSite {
                line: comp.checks_line(s.line_start)?,
                column: s.column_start,
                code: raw.code.as_ref().map(|c| c.code.clone()),
                message: raw.message.clone(),
                // A label inside a macro's definition names a part of the macro, not of the tests.
                label: primary.filter(|p| p.file_name == STDIN_NAME).and_then(|p| p.label.clone()),
                test: test.flatten().map(str::to_string),
            })
        })
        .into_iter()
        .collect();
    // rustc shows the learner's first line with the module that opens there: render those here.
    let on_first_line = raw.spans.iter().any(|s| s.file_name == STDIN_NAME && s.line_start == 1);
    let rendered = if touches_hidden(raw, comp) || on_first_line {
        rewrite(raw, comp)
    } else {
        comp.fix_rendered(raw.rendered.as_deref().unwrap_or(&raw.message))
    };
    Diagnostic {
        level,
        code: raw.code.as_ref().map(|c| c.code.clone()),
        message: raw.message.clone(),
        rendered,
        line: site.filter(|s| s.in_learner_file(comp)).map(|s| s.line_start),
        hidden_test: test.map(|t| t.unwrap_or("hidden tests").to_string()),
        notes: raw.children.iter().map(|c| c.message.clone()).collect(),
        hidden_sites,
    }
}

/// Renders a diagnostic that involves hidden code without showing the hidden code: spans in the
/// learner's file are shown with their source line, spans in the hidden tests by the test's name.
fn rewrite(raw: &RawDiagnostic, comp: &Composition) -> String {
    let mut out = String::new();
    let level = if raw.level == "warning" { "warning" } else { "error" };
    match &raw.code {
        // Error codes are shown in brackets; lint names (`unused_variables`) are not, as rustc does.
        Some(code) if code.code.starts_with('E') => out.push_str(&format!("{level}[{}]: {}\n", code.code, raw.message)),
        _ => out.push_str(&format!("{level}: {}\n", raw.message)),
    }
    let source_lines: Vec<&str> = comp.learner_source.lines().collect();
    // Spans elsewhere (the standard library) add little here; spans in the learner's file are shown
    // with their line, spans in the hidden tests by the test's name.
    let mut spans: Vec<&RawSpan> = raw.spans.iter().filter(|s| s.file_name == STDIN_NAME).collect();
    spans.sort_by_key(|s| !s.is_primary);
    for span in spans {
        let label = span.label.as_deref().unwrap_or("");
        if span.in_hidden_tests(comp) {
            let what = if label.is_empty() { String::new() } else { format!(": {label}") };
            match comp.hidden_test_at(span.line_start) {
                Some(test) => out.push_str(&format!("  --> in the hidden test `{test}`{what}\n")),
                None => out.push_str(&format!("  --> in the hidden tests{what}\n")),
            }
            continue;
        }
        let line_no = span.line_start;
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad}--> {}\n", comp.location(STDIN_NAME, line_no, span.column_start)));
        let text = source_lines.get(line_no.saturating_sub(1)).copied().unwrap_or("");
        // The exercise module opens on the learner's first line, before the learner's text.
        let shift = if line_no == 1 { crate::composition::PREFIX.chars().count() } else { 0 };
        let start = span.column_start.saturating_sub(shift).max(1);
        let end = if span.line_end == span.line_start {
            span.column_end.saturating_sub(shift)
        } else {
            text.chars().count() + 1
        };
        let marks = end.saturating_sub(start).max(1);
        let mark = if span.is_primary { "^" } else { "-" };
        out.push_str(&format!(
            "{pad} |\n{line_no} | {text}\n{pad} | {}{} {label}\n",
            " ".repeat(start.saturating_sub(1)),
            mark.repeat(marks)
        ));
    }
    for child in &raw.children {
        let kind = if child.level == "help" { "help" } else { "note" };
        out.push_str(&format!("   = {kind}: {}\n", child.message));
    }
    if touches_hidden(raw, comp) {
        out.push_str(
            "   = note: the hidden tests use the names and signatures the exercise's comment describes; \
                      check that yours match\n",
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Test results

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed by the grader at the time limit.
    TimedOut,
}

/// Everything a run of the test program left behind.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// What the harness reported, test by test (see `harness`).
    pub report: Report,
    /// How the harness itself ended.
    pub exit: Exit,
    /// What the harness (or the launcher in front of it) printed on stderr.
    pub stderr: String,
    pub limit: Duration,
    /// Memory limit of the run, in bytes, to explain allocation failures.
    pub memory_limit: Option<u64>,
}

/// What the harness writes when a `#[should_panic]` test returns without panicking.
const NO_PANIC_NOTE: &str = "note: the test was expected to panic, and did not";
const SIGKILL: i32 = 9;
const SIGABRT: i32 = 6;
const SIGSEGV: i32 = 11;
const SIGBUS: i32 = 7;
const SIGXCPU: i32 = 24;

/// Judges a test run: every hidden test of the checks file, in file order, must have reported a
/// pass through the harness's channel.
pub fn judge(run: &TestRun, comp: &Composition) -> Verdict {
    let entries = comp.entries();
    if entries.is_empty() {
        let reason = match (&comp.hidden_problem, comp.kind) {
            (Some(problem), _) => {
                format!("the hidden tests of this exercise do not parse ({problem}): a course problem")
            }
            (None, crate::course::ExerciseKind::VisibleTests) => {
                "your file has no `#[test]` function left to run: the exercise is passed by its tests (`learn reset` \
                 gives back the original file)"
                    .to_string()
            }
            (None, _) => {
                "this exercise has no hidden tests (no `#[test]` function in its checks file): a course problem"
                    .to_string()
            }
        };
        return Verdict::Crashed { reason, tests: Vec::new() };
    }
    let records: BTreeMap<&str, &Record> = run.report.records.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut timed_out = run.exit == Exit::TimedOut;
    let mut crash: Option<String> = None;
    let mut tests = Vec::new();
    for entry in &entries {
        let mut outcome = TestOutcome {
            name: entry.name.clone(),
            status: TestStatus::Unfinished,
            message: None,
            output: None,
            description: entry.description.clone(),
            origin: entry.origin,
        };
        if let Some(record) = records.get(entry.key.as_str()) {
            let (printed, panic) = clean_message(&record.stderr, comp);
            let mut output = [record.stdout.trim_end_matches('\n'), printed.as_deref().unwrap_or("")]
                .iter()
                .filter(|s| !s.trim().is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            if record.dropped > 0 {
                // First, so that a screen cut to its first lines still says what happened.
                let written = (record.dropped + (record.stdout.len() + record.stderr.len()) as u64) as f64;
                output = format!(
                    "[learn: the test wrote {:.1} MiB of output; only the first and last {} KiB of each stream were kept]\n{output}",
                    written / f64::from(1 << 20),
                    crate::harness::KEPT_BYTES >> 10
                );
            }
            outcome.output = (!output.trim().is_empty()).then_some(output);
            match record.ending {
                Ending::Passed => outcome.status = TestStatus::Passed,
                // `main` passes by its exit status, as the harness observed it: a program may
                // end itself with `std::process::exit(0)`.
                Ending::Exited(0) if entry.origin == Origin::Main => outcome.status = TestStatus::Passed,
                // A `#[should_panic]` test that returned: the harness says so on its stderr.
                Ending::Exited(101) if panic.is_none() && record.stderr.contains(NO_PANIC_NOTE) => {
                    outcome.status = TestStatus::Failed;
                    outcome.message = Some("the test was expected to panic, and did not".to_string());
                    let rest = outcome.output.take().map(|o| o.replace(NO_PANIC_NOTE, "").trim().to_string());
                    outcome.output = rest.filter(|o| !o.is_empty());
                }
                Ending::Exited(101) if panic.is_some() => {
                    outcome.status = TestStatus::Failed;
                    outcome.message = panic;
                }
                Ending::Exited(code) if entry.origin == Origin::Main => {
                    outcome.status = TestStatus::Failed;
                    outcome.message = Some(format!("`main` ended with exit code {code}: the program did not succeed"));
                }
                Ending::TimedOut => {
                    timed_out = true;
                    outcome.message = panic;
                }
                Ending::Exited(code) => {
                    let reason = crash_reason(Exit::Code(code), &record.stderr, run.memory_limit);
                    outcome.status = TestStatus::Failed;
                    outcome.message = Some(panic.map_or(reason.clone(), |p| format!("{p}\n({reason})")));
                    crash.get_or_insert(reason);
                }
                Ending::Signal(sig) => {
                    let reason = crash_reason(Exit::Signal(sig), &record.stderr, run.memory_limit);
                    outcome.status = TestStatus::Failed;
                    outcome.message = Some(reason.clone());
                    crash.get_or_insert(reason);
                }
                Ending::Error => {
                    outcome.status = TestStatus::Failed;
                    outcome.message = Some(record.stderr.trim().to_string());
                    crash.get_or_insert(format!("a test could not be started: {}", record.stderr.trim()));
                }
            }
        }
        tests.push(outcome);
    }
    let unfinished = tests.iter().any(|t| t.status == TestStatus::Unfinished);
    if timed_out {
        return Verdict::TimedOut { limit: run.limit, tests };
    }
    if let Some(reason) = crash {
        return Verdict::Crashed { reason, tests };
    }
    if unfinished {
        let reason = match run.exit {
            Exit::Signal(sig) => crash_reason(Exit::Signal(sig), &run.stderr, run.memory_limit),
            _ if !run.stderr.trim().is_empty() => {
                format!("the test program stopped before every test reported back: {}", run.stderr.trim())
            }
            _ => "the test program stopped before every test reported back".to_string(),
        };
        return Verdict::Crashed { reason, tests };
    }
    if tests.iter().all(|t| t.status == TestStatus::Passed) {
        Verdict::Passed { tests }
    } else {
        Verdict::TestsFailed { tests }
    }
}

/// Why a test's process ended the way it did, in the learner's terms.
fn crash_reason(exit: Exit, stderr: &str, memory_limit: Option<u64>) -> String {
    // Out of address space shows as a failed allocation, or (threads) as a thread that cannot get
    // the memory for its stacks.
    if stderr.contains("memory allocation of") || stderr.contains("Cannot allocate memory") {
        let limit = memory_limit.map(|b| format!(" (the limit is {} MiB)", b >> 20)).unwrap_or_default();
        return format!("the program ran out of memory{limit}: something allocates without end");
    }
    match exit {
        Exit::Code(0) => "the test ended the program (`std::process::exit`) before it could finish, so it \
                          did not pass: code under test must not exit the process"
            .to_string(),
        Exit::Code(code) => format!(
            "the test ended the program with exit code {code} before it could finish: the code under test \
             probably calls `std::process::exit`"
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
        Exit::TimedOut => "the program did not finish in time".to_string(),
    }
}

/// `__learn_hidden::name` -> `name`.
pub fn short_name(full: &str) -> &str {
    full.strip_prefix(HIDDEN_MODULE).and_then(|s| s.strip_prefix("::")).unwrap_or(full)
}

/// Splits a test's stderr into what the code printed and the panic, whose header names the learner's
/// file (or goes, for the hidden test's own assertion), without the backtrace advice. When threads
/// the test started panicked too, the test's own panic comes first: its message says what the test
/// saw, where a worker's (an index out of bounds, say) is only part of it. A test's own panic that
/// merely passes a worker's on (`join().unwrap()` of a panicked thread) keeps its place after it.
fn clean_message(stderr: &str, comp: &Composition) -> (Option<String>, Option<String>) {
    let mut printed = Vec::new();
    // Each panic's lines, and whether it is the test's own.
    let mut panics: Vec<(bool, Vec<String>)> = Vec::new();
    for line in stderr.lines() {
        let Some(location) = panic_location(line) else {
            match panics.last_mut() {
                Some((_, lines)) if !line.starts_with("note: run with `RUST_BACKTRACE=1`") => {
                    lines.push(line.to_string())
                }
                Some(_) => {}
                None => printed.push(line.to_string()),
            }
            continue;
        };
        let own = line.starts_with("thread 'main'") || line.starts_with(&format!("thread '{HIDDEN_MODULE}::"));
        panics.push((own, header(location, comp).into_iter().collect()));
    }
    let passes_on = |lines: &[String]| lines.iter().any(|l| l.contains("Any { .. }"));
    if let Some(first_own) = panics.iter().position(|(own, lines)| *own && !passes_on(lines)) {
        let own = panics.remove(first_own);
        panics.insert(0, own);
    }
    let out: Vec<String> = panics.into_iter().flat_map(|(_, lines)| lines).collect();
    let nonempty = |text: String| {
        let text = text.trim_matches('\n').to_string();
        (!text.trim().is_empty()).then_some(text)
    };
    (nonempty(printed.join("\n")), nonempty(out.join("\n")))
}

/// The header line shown for a panic at `location`: the place in the learner's file, or none for
/// an assertion of the hidden test itself (its message says what was expected).
fn header(location: &str, comp: &Composition) -> Option<String> {
    let mut parts = location.rsplitn(3, ':');
    let (column, line_no, file) = (parts.next(), parts.next(), parts.next());
    let (Some(column), Some(line_no), Some(file)) = (column, line_no, file) else {
        return Some(format!("panicked at {location}:"));
    };
    let (Ok(line_no), Ok(column)) = (line_no.parse::<usize>(), column.parse::<usize>()) else {
        return Some(format!("panicked at {location}:"));
    };
    if file == STDIN_NAME && comp.is_hidden(line_no) {
        return None;
    }
    Some(format!("panicked at {}:", comp.location(file, line_no, column)))
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

    use crate::harness::{Ending, Record, Report};

    const LEARNER: &str = "use std::cell::RefCell;\n\nfn f() -> u32 {\n    1\n}\n";
    const HIDDEN: &str = "use super::f;\n\n#[test]\nfn first_test() {\n    ::std::assert_eq!(f(), 1);\n}\n\n#[test]\n#[should_panic]\nfn second_test() {\n    f();\n}\n";

    fn comp() -> Composition {
        Composition::compose("exercises/t/x.rs", LEARNER, HIDDEN).1
    }

    #[test]
    fn a_type_mismatch_says_which_type_is_the_learners() {
        let note = "expected reference `&Rc<RefCell<u64>>` found reference `&Arc<Mutex<u64>>`";
        // The learner's signature takes an `Rc`: the tests passed an `Arc`.
        let file = "fn count(c: &Rc<RefCell<u64>>) {}";
        assert_eq!(sides(note, file), Some(("&Arc<Mutex<u64>>".into(), "&Rc<RefCell<u64>>".into())));
        // The learner's function returns what the tests did not expect.
        let file = "fn count() -> Arc< Mutex<u64> > { todo!() }";
        assert_eq!(sides(note, file), Some(("&Rc<RefCell<u64>>".into(), "&Arc<Mutex<u64>>".into())));
        assert_eq!(sides(note, "fn other() {}"), None);
    }

    fn record(name: &str, ending: Ending, stderr: &str) -> Record {
        Record { name: name.into(), ending, stdout: String::new(), stderr: stderr.into(), dropped: 0 }
    }

    fn run(records: Vec<Record>, done: bool, exit: Exit) -> TestRun {
        TestRun {
            report: Report { records, done },
            exit,
            stderr: String::new(),
            limit: Duration::from_secs(10),
            memory_limit: Some(1 << 30),
        }
    }

    #[test]
    fn every_test_reporting_a_pass_passes() {
        let r = run(
            vec![record("second_test", Ending::Passed, ""), record("first_test", Ending::Passed, "")],
            true,
            Exit::Code(0),
        );
        let v = judge(&r, &comp());
        assert!(v.passed());
        // In the checks file's order, whatever order they finished in.
        assert_eq!(v.tests().iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["first_test", "second_test"]);
    }

    #[test]
    fn a_test_that_never_reported_does_not_pass() {
        let v = judge(&run(vec![record("first_test", Ending::Passed, "")], true, Exit::Code(0)), &comp());
        let Verdict::Crashed { tests, .. } = v else { panic!("expected a crash, got {v:?}") };
        assert_eq!(tests[1].status, TestStatus::Unfinished);
    }

    #[test]
    fn exiting_early_with_success_is_a_crash_not_a_pass() {
        let v = judge(
            &run(
                vec![record("first_test", Ending::Passed, ""), record("second_test", Ending::Exited(0), "")],
                true,
                Exit::Code(0),
            ),
            &comp(),
        );
        let Verdict::Crashed { reason, tests } = v else { panic!("expected a crash") };
        assert!(reason.contains("std::process::exit"), "{reason}");
        assert_eq!(tests[1].status, TestStatus::Failed);
    }

    #[test]
    fn failed_tests_carry_their_messages_pointing_into_the_learner_file() {
        let first = "hello from stderr\nthread '__learn_hidden::first_test' (77) panicked at <anon>:4:5:\n\
                     RefCell already borrowed\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        let second = "thread '__learn_hidden::second_test' (78) panicked at <anon>:19:5:\n\
                      with a quota of 2 the third call should be refused\n";
        let mut r1 = record("first_test", Ending::Exited(101), first);
        r1.stdout = "hello from the code\n".into();
        let v = judge(&run(vec![r1, record("second_test", Ending::Exited(101), second)], true, Exit::Code(0)), &comp());
        let Verdict::TestsFailed { tests } = v else { panic!("expected failed tests") };
        assert_eq!(tests[0].output.as_deref(), Some("hello from the code\nhello from stderr"));
        assert_eq!(tests[0].message.as_deref(), Some("panicked at exercises/t/x.rs:4:5:\nRefCell already borrowed"));
        assert_eq!(tests[1].message.as_deref(), Some("with a quota of 2 the third call should be refused"));
    }

    #[test]
    fn the_tests_own_panic_comes_before_its_workers() {
        let worker =
            "thread '<unnamed>' (80) panicked at <anon>:2:1:\nindex out of bounds: the len is 0 but the index is 0\n";
        let own = "thread 'main' (79) panicked at <anon>:19:5:\n`try_read` called `f` on no bands\n";
        let v = judge(
            &run(
                vec![
                    record("first_test", Ending::Exited(101), &format!("{worker}{own}")),
                    record("second_test", Ending::Passed, ""),
                ],
                true,
                Exit::Code(0),
            ),
            &comp(),
        );
        let Verdict::TestsFailed { tests } = v else { panic!("expected failed tests") };
        let message = tests[0].message.as_deref().unwrap_or_default();
        assert!(
            message.starts_with("`try_read` called `f` on no bands\npanicked at exercises/t/x.rs:2:1:"),
            "{message}"
        );
        // A test that only passes the worker's panic on keeps the worker's first.
        let passed_on =
            "thread 'main' (79) panicked at <anon>:19:5:\ncalled `Result::unwrap()` on an `Err` value: Any { .. }\n";
        let v = judge(
            &run(
                vec![
                    record("first_test", Ending::Exited(101), &format!("{worker}{passed_on}")),
                    record("second_test", Ending::Passed, ""),
                ],
                true,
                Exit::Code(0),
            ),
            &comp(),
        );
        let Verdict::TestsFailed { tests } = v else { panic!("expected failed tests") };
        assert!(
            tests[0]
                .message
                .as_deref()
                .unwrap_or_default()
                .contains("panicked at exercises/t/x.rs:2:1:\nindex out of bounds")
        );
    }

    #[test]
    fn timeouts_keep_the_messages_of_tests_that_finished() {
        let failed = "thread '__learn_hidden::first_test' (7) panicked at <anon>:19:5:\nexpected 3\n";
        let v = judge(
            &run(
                vec![record("first_test", Ending::Exited(101), failed), record("second_test", Ending::TimedOut, "")],
                true,
                Exit::Code(0),
            ),
            &comp(),
        );
        let Verdict::TimedOut { tests, .. } = v else { panic!("expected a timeout") };
        assert_eq!((tests[0].status, tests[0].message.as_deref()), (TestStatus::Failed, Some("expected 3")));
        assert_eq!(tests[1].status, TestStatus::Unfinished);
    }

    #[test]
    fn crashes_are_explained_by_their_cause() {
        let reason = |ending, stderr: &str| {
            let r = run(
                vec![record("first_test", Ending::Passed, ""), record("second_test", ending, stderr)],
                true,
                Exit::Code(0),
            );
            let Verdict::Crashed { reason, .. } = judge(&r, &comp()) else { panic!() };
            reason
        };
        assert!(
            reason(Ending::Signal(SIGABRT), "thread caused non-unwinding panic. aborting.\n").contains("inside `Drop`")
        );
        assert!(reason(Ending::Signal(SIGSEGV), "thread 'x' has overflowed its stack\n").starts_with("stack overflow"));
        assert!(
            reason(Ending::Signal(SIGABRT), "memory allocation of 1073741824 bytes failed\n")
                .contains("out of memory (the limit is 1024 MiB)")
        );
        assert!(reason(Ending::Exited(3), "").contains("exit code 3"));
    }

    #[test]
    fn a_harness_killed_before_reporting_is_a_crash() {
        let v = judge(&run(vec![], false, Exit::Signal(SIGKILL)), &comp());
        let Verdict::Crashed { reason, tests } = v else { panic!() };
        assert!(reason.contains("killed"), "{reason}");
        assert!(tests.iter().all(|t| t.status == TestStatus::Unfinished));
    }

    #[test]
    fn an_exercise_without_hidden_tests_is_a_course_problem() {
        let c = Composition::compose("x.rs", LEARNER, "use super::f;\n").1;
        let Verdict::Crashed { reason, .. } = judge(&run(vec![], true, Exit::Code(0)), &c) else { panic!() };
        assert!(reason.contains("no `#[test]` function in its checks file"), "{reason}");
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

    fn diag(code: &str, message: &str, line: Option<usize>, test: Option<&str>, notes: &[&str]) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code: Some(code.into()),
            message: message.into(),
            rendered: format!("error[{code}]: {message}\n"),
            line,
            hidden_test: test.map(str::to_string),
            notes: notes.iter().map(|n| n.to_string()).collect(),
            hidden_sites: Vec::new(),
        }
    }

    #[test]
    fn errors_inside_hidden_tests_become_one_error_that_says_what_the_tests_expect() {
        let hidden = [
            diag("E0596", "cannot borrow `*shared` as mutable, as it is behind a `&` reference", None, Some("a"), &[]),
            diag("E0596", "cannot borrow `*auth` as mutable, as it is behind a `&` reference", None, Some("b"), &[]),
            diag("E0596", "cannot borrow `first` as mutable, as it is not declared as mutable", None, Some("b"), &[]),
            diag(
                "E0308",
                "mismatched types",
                None,
                Some("c"),
                &["expected reference `&RefCell<u32>`\n   found reference `&u32`"],
            ),
        ];
        let d = shape_mismatch(&hidden.map(|d| (d, Vec::new())), &comp());
        assert_eq!(
            d.rendered,
            "error: the hidden tests cannot use your code as it is\n  \
             - the tests call your methods through a shared reference (`&`): keep `&self`, not `&mut self`, on the \
             methods they call, and change the data through its field's type (in `a`, `b`)\n  \
             - a type is not the one the tests expect: they use `&RefCell<u32>`, your code has `&u32` (in `c`)\n   \
             = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
             change yours to match, not the tests' way of calling them\n"
        );
        assert_eq!((d.line, d.hidden_test.as_deref()), (None, Some("a")));
    }

    #[test]
    fn the_same_error_at_several_lines_is_shown_once() {
        let errors = vec![
            diag("E0596", "cannot borrow `*auth` as mutable", Some(51), None, &[]),
            diag("E0596", "cannot borrow `*billing` as mutable", Some(52), None, &[]),
            diag("E0308", "mismatched types", Some(60), None, &[]),
            diag("E0596", "cannot borrow `*auth` as mutable", Some(53), None, &[]),
        ];
        let out = collapse_repeats(errors);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].rendered,
            "error[E0596]: cannot borrow `*auth` as mutable\n   = note: the same error at lines 52, 53\n"
        );
    }

    fn json(level: &str, code: &str, msg: &str, line: usize, label: &str, rendered: &str) -> String {
        serde_json::json!({
            "$message_type": "diagnostic", "message": msg, "code": {"code": code, "explanation": null},
            "level": level,
            "spans": [{"file_name": "<anon>", "byte_start": 0, "byte_end": 1, "line_start": line,
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
                "error: the hidden tests cannot use your code as it is\n  - the tests use a name your file does not \
                 define that way: no method named `g` found (in `first_test`)\n"
            ),
            "{}",
            e.rendered
        );
    }

    /// A span inside a macro of the standard library, expanded from the call at composed `line`.
    fn std_span_from(line: usize) -> serde_json::Value {
        let at = |file: &str, line: usize, expansion: serde_json::Value| {
            serde_json::json!({"file_name": file, "byte_start": 0, "byte_end": 1, "line_start": line,
                               "line_end": line, "column_start": 5, "column_end": 9, "is_primary": true,
                               "text": [], "label": null, "suggested_replacement": null,
                               "suggestion_applicability": null, "expansion": expansion})
        };
        let std = "/rustc/abc/library/core/src/macros/mod.rs";
        let call = at("<anon>", line, serde_json::Value::Null);
        at(
            std,
            46,
            serde_json::json!({"span": call, "macro_decl_name": "::std::assert_eq!", "def_site_span": at(std, 42, serde_json::Value::Null)}),
        )
    }

    #[test]
    fn errors_inside_a_macro_of_the_hidden_tests_are_found_at_its_call() {
        let help = serde_json::json!({"message": "consider annotating `P` with `#[derive(PartialEq)]`", "code": null,
            "level": "help", "spans": [{"file_name": "<anon>", "byte_start": 0, "byte_end": 1, "line_start": 3,
            "line_end": 3, "column_start": 1, "column_end": 2, "is_primary": true, "text": [], "label": null,
            "suggested_replacement": null, "suggestion_applicability": null, "expansion": null}],
            "children": [], "rendered": null});
        let line = serde_json::json!({"message": "binary operation `==` cannot be applied to type `P`",
            "code": {"code": "E0369", "explanation": null}, "level": "error", "spans": [std_span_from(9 + 4)],
            "children": [help], "rendered": "SECRET SOURCE"})
        .to_string();
        let out = parse_compiler_output(&line, &comp());
        let e = &out.errors[0];
        assert_eq!(e.hidden_test.as_deref(), Some("first_test"));
        assert_eq!(
            e.rendered,
            "error: the hidden tests cannot use your code as it is\n  \
             - a type does not have what the tests need: binary operation `==` cannot be applied to type `P` \
             (in `first_test`)\n    help: consider annotating `P` with `#[derive(PartialEq)]` (exercises/t/x.rs:3:1)\n   \
             = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
             change yours to match, not the tests' way of calling them\n"
        );
        let site = HiddenSite {
            line: 5,
            column: 5,
            code: Some("E0369".into()),
            message: "binary operation `==` cannot be applied to type `P`".into(),
            label: None,
            test: Some("first_test".into()),
        };
        assert_eq!(e.hidden_sites, [site]);
    }

    #[test]
    fn notes_that_differ_only_in_a_hidden_tests_closure_are_shown_once() {
        // `Memoizer<F>` is not `Sync`: rustc says so once per test, each with that test's closure.
        let within = |closure: &str| {
            serde_json::json!({"message": format!("required because it appears within the type `M<{{closure@<anon>:{closure}}}>`"),
                "code": null, "level": "note", "spans": [{"file_name": "<anon>", "byte_start": 0, "byte_end": 1,
                "line_start": 3, "line_end": 3, "column_start": 8, "column_end": 9, "is_primary": true, "text": [],
                "label": null, "suggested_replacement": null, "suggestion_applicability": null, "expansion": null}],
                "children": [], "rendered": null})
        };
        let error = |line: usize, closure: &str| {
            serde_json::json!({"message": "`RefCell<u64>` cannot be shared between threads safely",
                "code": {"code": "E0277", "explanation": null}, "level": "error", "spans": [std_span_from(line)],
                "children": [within(closure)], "rendered": "SECRET SOURCE"})
            .to_string()
        };
        let stderr = format!("{}\n{}\n", error(9 + 4, "13:39: 13:47"), error(9 + 5, "14:30: 14:38"));
        let e = &parse_compiler_output(&stderr, &comp()).errors[0];
        assert_eq!(
            e.rendered,
            "error: the hidden tests cannot use your code as it is\n  \
             - a type does not have what the tests need: `RefCell<u64>` cannot be shared between threads safely \
             (in `first_test`)\n    note: required because it appears within the type `M<{closure}>` \
             (exercises/t/x.rs:3:8)\n   \
             = note: the hidden tests use the names, signatures and field types the exercise's comment describes; \
             change yours to match, not the tests' way of calling them\n"
        );
        assert_eq!(
            closures_unnamed("`A<{closure@<anon>:9:1: 9:4}, {closure@x.rs:2:1: 2:5}>`"),
            "`A<{closure}, {closure}>`"
        );
    }

    #[test]
    fn a_learners_own_macro_call_is_the_learners_line() {
        let line = serde_json::json!({"message": "binary operation `==` cannot be applied to type `P`",
            "code": {"code": "E0369", "explanation": null}, "level": "error", "spans": [std_span_from(4)],
            "children": [], "rendered": "error[E0369]: binary operation\n --> <anon>:4:5\n"})
        .to_string();
        let e = &parse_compiler_output(&line, &comp()).errors[0];
        assert_eq!((e.line, e.hidden_test.as_deref()), (Some(4), None));
        assert_eq!(e.rendered, "error[E0369]: binary operation\n --> exercises/t/x.rs:4:5\n");
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
