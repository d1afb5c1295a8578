//! Text for the learner: verdicts, the exercise list, hints, the progress bar. Every function writes
//! to a `Write` and takes the palette as data, so each output is unit-tested as plain text.

use std::io::{self, Write};

use crate::course::{Course, Exercise};
use crate::explain::{Anchor, Explanation};
use crate::grader::Report;
use crate::progress::{Progress, Status};
use crate::ui::style::{Styles, paint};
use crate::verdict::{Origin, TestOutcome, TestStatus, Verdict};

/// How many lines of the program's own stderr to show under a verdict.
const PROGRAM_OUTPUT_LINES: usize = 30;
/// Width for wrapping prose (hints, explanations) in `learn run`, `learn hint` and the like.
pub const WRAP: usize = 88;
/// How much of one test's message to show: enough for any assertion, not a flood of output.
const MESSAGE_LINES: usize = 40;
/// The narrowest text column anything is wrapped to, however narrow the terminal.
const MIN_COLUMN: usize = 20;

/// The verdict of one grading, with warnings and the program's stderr.
/// Prose and test messages are wrapped to `width` columns.
pub fn report(w: &mut dyn Write, s: &Styles, name: &str, report: &Report, width: usize) -> io::Result<()> {
    if !report.warnings.is_empty() {
        let count = report.warnings.len();
        let plural = if count == 1 { "" } else { "s" };
        writeln!(
            w,
            "{}",
            paint(s.warn, format!("{count} compiler warning{plural} (warnings do not fail an exercise):"))
        )?;
        for warning in &report.warnings {
            writeln!(w, "{}", warning.rendered.trim_end())?;
        }
        writeln!(w)?;
    }
    verdict(w, s, name, &report.verdict, &report.explanations, width)?;
    program_output(w, s, report)
}

/// The program's own stderr under a failed verdict, when it wrote some.
pub fn program_output(w: &mut dyn Write, s: &Styles, report: &Report) -> io::Result<()> {
    if let Some(output) = report.program_output.as_deref().filter(|_| !report.verdict.passed()) {
        writeln!(w)?;
        writeln!(w, "{}", paint(s.dim, "The program also wrote to stderr:"))?;
        let lines: Vec<&str> = output.lines().collect();
        for line in lines.iter().take(PROGRAM_OUTPUT_LINES) {
            writeln!(w, "  {line}")?;
        }
        if lines.len() > PROGRAM_OUTPUT_LINES {
            writeln!(w, "  {}", paint(s.dim, format!("... {} more lines", lines.len() - PROGRAM_OUTPUT_LINES)))?;
        }
    }
    Ok(())
}

/// The verdict: a headline (always its first line), then the compiler errors or the test list, each
/// followed by what the course explains about it, wrapped to `width` columns.
pub fn verdict(
    w: &mut dyn Write,
    s: &Styles,
    name: &str,
    verdict: &Verdict,
    why: &[Explanation],
    width: usize,
) -> io::Result<()> {
    let cross = paint(s.fail, "✗");
    match verdict {
        Verdict::Passed { tests } if tests.iter().all(|t| t.origin == Origin::Hidden) => {
            let n = tests.len();
            let what = if n == 1 { "the hidden test".to_string() } else { format!("all {n} hidden tests") };
            writeln!(w, "{} {} passes: {what} passed.", paint(s.pass, "✓"), paint(s.bold, name))
        }
        Verdict::Passed { tests } => {
            writeln!(w, "{} {} passes: {}.", paint(s.pass, "✓"), paint(s.bold, name), what_passed(tests))?;
            // A program's output is part of its result, pass or fail; the learner's own tests are
            // named, so they see which of theirs ran.
            let shown: Vec<TestOutcome> = tests
                .iter()
                .filter(|t| t.origin != Origin::Hidden)
                .map(|t| TestOutcome { message: None, ..t.clone() })
                .collect();
            test_list(w, s, &shown, &[], width)
        }
        Verdict::ClippyWarnings { warnings, tests } => {
            let n = warnings.len();
            writeln!(
                w,
                "{cross} {} {}, but Clippy has {}: this exercise must be free of them.",
                paint(s.bold, name),
                if tests.is_empty() { "runs".to_string() } else { format!("passes ({})", what_ran(tests)) },
                count(n, "warning")
            )?;
            for warning in warnings {
                writeln!(w)?;
                writeln!(w, "{}", warning.rendered.trim_end())?;
            }
            Ok(())
        }
        Verdict::CompileError { errors } => {
            if verdict.only_the_tests_do_not_fit() {
                // The learner's file compiles: saying it does not would send them hunting.
                writeln!(w, "{cross} {} compiles, but does not fit the hidden tests yet:", paint(s.bold, name))?;
            } else {
                writeln!(w, "{cross} {} does not compile yet:", paint(s.bold, name))?;
            }
            for (i, error) in errors.iter().enumerate() {
                writeln!(w)?;
                writeln!(w, "{}", error.rendered.trim_end())?;
                explanations(w, s, why, Anchor::Error(i), 0, width)?;
            }
            Ok(())
        }
        Verdict::TestsFailed { tests } if tests.len() == 1 && tests[0].origin == Origin::Main => {
            writeln!(w, "{cross} {}: its `main` did not succeed.", paint(s.bold, name))?;
            test_list(w, s, tests, why, width)
        }
        Verdict::TestsFailed { tests } => {
            let failed = tests.iter().filter(|t| t.status != TestStatus::Passed).count();
            writeln!(w, "{cross} {}: {failed} of {} {} failed.", paint(s.bold, name), tests.len(), noun(tests))?;
            test_list(w, s, tests, why, width)
        }
        Verdict::TimedOut { limit, tests } => {
            writeln!(
                w,
                "{cross} {} did not finish within its time limit of {} s and was stopped.",
                paint(s.bold, name),
                limit.as_secs_f64()
            )?;
            let running: Vec<&str> =
                tests.iter().filter(|t| t.status == TestStatus::Unfinished).map(|t| t.name.as_str()).collect();
            if !running.is_empty() {
                writeln!(w, "  Still running: {}", running.join(", "))?;
            }
            writeln!(w, "  Something waits forever, sleeps past the limit or loops without end.")?;
            explanations(w, s, why, Anchor::Timeout, 2, width)?;
            test_list(w, s, tests, why, width)
        }
        Verdict::Crashed { reason, tests } => {
            writeln!(w, "{cross} {} crashed: {reason}.", paint(s.bold, name))?;
            if tests.is_empty() { Ok(()) } else { test_list(w, s, tests, why, width) }
        }
    }
}

/// `1 test`, `3 tests`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The verdict in a few words, for one-line summaries: `passes`, `does not compile`, ...
pub fn headline(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Passed { tests } if tests.iter().all(|t| t.origin == Origin::Hidden) => {
            format!("passes ({})", count(tests.len(), "hidden test"))
        }
        Verdict::Passed { tests } => format!("passes ({})", what_ran(tests)),
        Verdict::CompileError { .. } => "does not compile".to_string(),
        Verdict::TestsFailed { tests } if tests.len() == 1 && tests[0].origin == Origin::Main => {
            "its `main` did not succeed".to_string()
        }
        Verdict::TestsFailed { tests } => {
            let failed = tests.iter().filter(|t| t.status != TestStatus::Passed).count();
            format!("{failed} of {} {} failed", tests.len(), noun(tests))
        }
        Verdict::ClippyWarnings { warnings, .. } => format!("has {}", count(warnings.len(), "Clippy warning")),
        Verdict::TimedOut { limit, .. } => format!("timed out after {} s", limit.as_secs_f64()),
        Verdict::Crashed { reason, .. } => format!("crashed: {reason}"),
    }
}

/// What a run of several kinds of tests holds: `main; 2 of your tests; 1 hidden test`.
fn what_ran(tests: &[TestOutcome]) -> String {
    let of = |origin| tests.iter().filter(|t| t.origin == origin).count();
    let mut parts = Vec::new();
    if of(Origin::Main) > 0 {
        parts.push("main".to_string());
    }
    match of(Origin::Yours) {
        0 => {}
        1 => parts.push("1 of your tests".to_string()),
        n => parts.push(format!("{n} of your tests")),
    }
    if of(Origin::Hidden) > 0 {
        parts.push(count(of(Origin::Hidden), "hidden test"));
    }
    parts.join("; ")
}

/// What passed, in a sentence: `its main ran successfully and your 2 tests passed`.
fn what_passed(tests: &[TestOutcome]) -> String {
    let of = |origin| tests.iter().filter(|t| t.origin == origin).count();
    let mut parts = Vec::new();
    if of(Origin::Main) > 0 {
        parts.push("its `main` ran successfully".to_string());
    }
    match of(Origin::Yours) {
        0 => {}
        1 => parts.push("your test passed".to_string()),
        n => parts.push(format!("your {n} tests passed")),
    }
    match of(Origin::Hidden) {
        0 => {}
        1 => parts.push("the hidden test passed".to_string()),
        n => parts.push(format!("all {n} hidden tests passed")),
    }
    parts.join(" and ")
}

/// How to call a list of tests: `hidden tests` when they all are.
fn noun(tests: &[TestOutcome]) -> &'static str {
    if tests.iter().all(|t| t.origin == Origin::Hidden) { "hidden tests" } else { "tests" }
}

/// The explanations anchored at `anchor`, indented by `indent`.
fn explanations(
    w: &mut dyn Write,
    s: &Styles,
    why: &[Explanation],
    anchor: Anchor,
    indent: usize,
    width: usize,
) -> io::Result<()> {
    for e in why.iter().filter(|e| e.anchor == anchor) {
        let pad = " ".repeat(indent);
        let at = match (anchor, e.line) {
            (Anchor::Test(_), Some(line)) => format!(" (your line {line})"),
            _ => String::new(),
        };
        writeln!(w, "{pad}{} {}{at}", paint(s.hint, "↳"), paint(s.hint, &e.title))?;
        let body_pad = format!("{pad}  ");
        let options = textwrap::Options::new(column(width, body_pad.len()))
            .initial_indent(&body_pad)
            .subsequent_indent(&body_pad);
        for line in e.text.trim().lines().flat_map(|l| textwrap::wrap(l, &options)) {
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

/// `width`, but at least [`MIN_COLUMN`] columns beyond an indent of `indent`.
fn column(width: usize, indent: usize) -> usize {
    width.max(indent + MIN_COLUMN)
}

fn test_list(
    w: &mut dyn Write,
    s: &Styles,
    tests: &[TestOutcome],
    why: &[Explanation],
    width: usize,
) -> io::Result<()> {
    writeln!(w)?;
    for (i, t) in tests.iter().enumerate() {
        let (mark, note) = match t.status {
            TestStatus::Passed => (paint(s.pass, "✓"), ""),
            TestStatus::Failed => (paint(s.fail, "✗"), ""),
            TestStatus::Unfinished => (paint(s.warn, "…"), " (did not finish)"),
        };
        let whose = match t.origin {
            Origin::Hidden => "",
            Origin::Yours => " (your test)",
            Origin::Main => " (the program)",
        };
        writeln!(w, "  {mark} {}{}{}", t.name, paint(s.dim, whose), paint(s.dim, note))?;
        // What failed first, then what the test printed: a flood of output never hides the message.
        for text in [t.message.as_deref(), t.output.as_deref()].into_iter().flatten() {
            // Wrapped at spaces, each line keeping its own indent (`  left: 0` stays aligned).
            let mut wrapped = Vec::new();
            let mut begun = 0; // the message's lines that begin on screen
            for line in text.lines() {
                if wrapped.len() >= MESSAGE_LINES {
                    break;
                }
                begun += 1;
                let own = &line[..line.len() - line.trim_start().len()];
                let pad = format!("      {own}");
                let options = textwrap::Options::new(column(width, pad.len()))
                    .initial_indent(&pad)
                    .subsequent_indent(&pad)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation);
                match line.trim_start() {
                    "" => wrapped.push(String::new()),
                    rest => wrapped.extend(textwrap::wrap(rest, &options).into_iter().map(|l| l.into_owned())),
                }
            }
            let cut = wrapped.len() > MESSAGE_LINES;
            for line in wrapped.iter().take(MESSAGE_LINES) {
                writeln!(w, "{}", line.trim_end())?;
            }
            let more = text.lines().count() - begun;
            if more > 0 || cut {
                let note = match more {
                    0 => "…".to_string(),
                    1 => "… 1 more line".to_string(),
                    n => format!("… {n} more lines"),
                };
                writeln!(w, "      {}", paint(s.dim, note))?;
            }
        }
        explanations(w, s, why, Anchor::Test(i), 4, width)?;
    }
    Ok(())
}

/// `[#####-----] 5/10`.
pub fn progress_bar(s: &Styles, done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}] {done}/{total}", paint(s.pass, "#".repeat(filled)), paint(s.dim, "-".repeat(width - filled)))
}

/// Every exercise with its state, and the progress count.
pub fn list(w: &mut dyn Write, s: &Styles, course: &Course, progress: &Progress) -> io::Result<()> {
    let name_width = course.exercises.iter().map(|e| e.name.len()).max().unwrap_or(4).max(4);
    writeln!(w, "{}", paint(s.bold, &course.title))?;
    writeln!(w)?;
    const CHANGED: &str = "done, changed since";
    let state_width = if progress.changed.is_empty() { 7 } else { CHANGED.len() };
    writeln!(w, "  {:>3}  {:<state_width$}  {:<name_width$}  file", "#", "state", "name")?;
    for (i, ex) in course.exercises.iter().enumerate() {
        let status = progress.status(course, i);
        let (state, style) = match status {
            Status::Done if progress.changed.contains(&ex.name) => (CHANGED, s.warn),
            Status::Done => ("done", s.pass),
            Status::Current => ("current", s.warn),
            Status::Locked => ("locked", s.dim),
        };
        let state = paint(style, format!("{state:<state_width$}"));
        writeln!(w, "  {:>3}  {state}  {:<name_width$}  {}", i + 1, ex.name, course.exercise_path(ex))?;
    }
    writeln!(w)?;
    let done = progress.done_count(course);
    writeln!(w, "Progress: {}", progress_bar(s, done, course.exercises.len(), 30))
}

/// Hint `level` (1-based) of `ex`, or every hint up to it, wrapped to `width` columns.
pub fn hints(w: &mut dyn Write, s: &Styles, ex: &Exercise, upto: usize, all: bool, width: usize) -> io::Result<()> {
    let total = ex.hints.len();
    let first = if all { 1 } else { upto };
    for level in first..=upto {
        writeln!(w, "{}", paint(s.hint, format!("Hint {level} of {total} for {}:", ex.name)))?;
        let options = textwrap::Options::new(column(width, 2)).initial_indent("  ").subsequent_indent("  ");
        for line in textwrap::wrap(ex.hints[level - 1].trim(), options) {
            writeln!(w, "{line}")?;
        }
        if level < upto {
            writeln!(w)?;
        }
    }
    if !all && upto < total {
        writeln!(w, "{}", paint(s.dim, "(ask again for the next hint)"))?;
    }
    Ok(())
}

/// Said when the learner asks for a hint after the last one: no hint is repeated, and `reading`
/// (how to open the exercise's part of the lesson, if the course has one) is where to go next.
pub fn no_more_hints(w: &mut dyn Write, s: &Styles, ex: &Exercise, reading: Option<&str>) -> io::Result<()> {
    let total = ex.hints.len();
    writeln!(w, "{}", paint(s.hint, format!("No more hints for {}: that was the last of {total}.", ex.name)))?;
    if let Some(reading) = reading {
        let what = match &ex.section {
            Some(title) => format!("Read “{title}” in the lesson"),
            None => "Read its chapter of the lesson".to_string(),
        };
        writeln!(w, "{what}: {reading}.")?;
    }
    writeln!(w, "{}", paint(s.dim, format!("(`learn hint {} --all` shows every hint again)", ex.name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn outcome(name: &str, status: TestStatus, message: Option<&str>) -> TestOutcome {
        TestOutcome {
            name: name.into(),
            status,
            message: message.map(str::to_string),
            output: None,
            description: String::new(),
            origin: crate::verdict::Origin::Hidden,
        }
    }

    #[test]
    fn failed_tests_are_listed_with_their_messages() {
        let v = Verdict::TestsFailed {
            tests: vec![
                outcome("quota_zero", TestStatus::Passed, None),
                outcome("quota_two", TestStatus::Failed, Some("with a quota of 2\nthe third call is refused")),
            ],
        };
        assert_eq!(
            text(|w| verdict(w, &Styles::plain(), "rate_limiter", &v, &[], WRAP)),
            "✗ rate_limiter: 1 of 2 hidden tests failed.\n\n  ✓ quota_zero\n  ✗ quota_two\n      with a quota of 2\n      the third call is refused\n"
        );
    }

    #[test]
    fn a_timeout_names_the_tests_still_running() {
        let v = Verdict::TimedOut {
            limit: Duration::from_secs(3),
            tests: vec![outcome("fast", TestStatus::Passed, None), outcome("stuck", TestStatus::Unfinished, None)],
        };
        assert_eq!(
            text(|w| verdict(w, &Styles::plain(), "relock", &v, &[], WRAP)),
            "✗ relock did not finish within its time limit of 3 s and was stopped.\n  Still running: stuck\n  \
             Something waits forever, sleeps past the limit or loops without end.\n\n  ✓ fast\n  … stuck (did not finish)\n"
        );
    }

    #[test]
    fn passing_counts_the_hidden_tests() {
        let v = Verdict::Passed {
            tests: vec![outcome("a", TestStatus::Passed, None), outcome("b", TestStatus::Passed, None)],
        };
        assert_eq!(
            text(|w| verdict(w, &Styles::plain(), "x", &v, &[], WRAP)),
            "✓ x passes: all 2 hidden tests passed.\n"
        );
    }

    #[test]
    fn long_messages_are_cut_to_a_readable_size() {
        let flood = format!("{}\n", "x".repeat(100)).repeat(50);
        let v = Verdict::TestsFailed { tests: vec![outcome("noisy", TestStatus::Failed, Some(&flood))] };
        let out = text(|w| verdict(w, &Styles::plain(), "x", &v, &[], 60));
        // Each line of 100 `x` is broken at 60 columns into 54 + 46: 20 of them fill 40 lines.
        let line = format!("      {}\n      {}\n", "x".repeat(54), "x".repeat(46));
        assert_eq!(
            out,
            format!("✗ x: 1 of 1 hidden tests failed.\n\n  ✗ noisy\n{}      … 30 more lines\n", line.repeat(20))
        );
    }

    #[test]
    fn messages_wrap_at_spaces_to_the_width_keeping_their_indent() {
        let message = "assertion `left == right` failed: a quota of two lets two calls through and refuses the third\n  left: 3\n right: 2";
        let v = Verdict::TestsFailed { tests: vec![outcome("quota", TestStatus::Failed, Some(message))] };
        assert_eq!(
            text(|w| verdict(w, &Styles::plain(), "x", &v, &[], 40)),
            "✗ x: 1 of 1 hidden tests failed.\n\n  ✗ quota\n      assertion `left == right` failed:\n      a quota of two lets two calls\n      through and refuses the third\n        left: 3\n       right: 2\n"
        );
    }

    #[test]
    fn progress_bar_fills_in_proportion() {
        assert_eq!(progress_bar(&Styles::plain(), 1, 4, 8), "[##------] 1/4");
        assert_eq!(progress_bar(&Styles::plain(), 0, 0, 4), "[----] 0/0");
    }

    #[test]
    fn colours_are_only_added_by_a_coloured_palette() {
        let plain = progress_bar(&Styles::plain(), 1, 2, 2);
        let colored = progress_bar(&Styles::colored(), 1, 2, 2);
        assert!(!plain.contains('\u{1b}'));
        assert!(colored.contains('\u{1b}'));
    }
}
