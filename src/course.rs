//! The course catalog: `info.toml` parsed and validated into a [`Course`]. Pure: no file system.
//!
//! # The `info.toml` format (format version 1)
//!
//! ```toml
//! format_version = 1                # required; learn refuses versions it does not know
//!
//! [course]
//! name = "interior-mutability"      # also the default workspace directory of `learn init`
//! title = "Interior mutability"     # shown in headers
//! edition = "2024"                  # optional, Rust edition for compiling exercises (default "2021")
//! time_limit_secs = 10              # optional, default limit for one test run (default 10)
//! hidden_tests_dir = "checks"       # optional, where hidden tests live (default "checks")
//! allow_statics = false             # optional: whether learners' files may declare `static` items
//!                                   # (default true; an exercise's own setting overrides it)
//! welcome = "..."                   # optional, shown once by `learn init`
//! done_message = "..."              # optional, shown when every exercise is done
//!
//! [[exercises]]                     # one table per exercise, in course order
//! name = "rate_limiter"             # unique; the file stem of the three files below
//! topic = "01_refcell"              # folder of the three files
//! hints = ["a nudge", "...", "nearly the answer"]
//! time_limit_secs = 3               # optional, overrides the course's limit
//! kind = "tests"                    # optional: "tests" (default), "run" or "visible_tests"
//! clippy = "all"                    # optional: the file must also be free of Clippy's warnings
//!                                   # ("all": Clippy's default lints; "pedantic": those and more)
//! starts_passing = true             # optional: an introduction whose starting file already passes
//! allow_statics = true              # optional: overrides the course's `allow_statics`
//! lints = { dead_code = "warn" }    # optional: lint levels, over the course's `[course.lints]`
//! ```
//!
//! An exercise's *kind* says what a pass is. `tests`: every hidden test passes. `run`: the file's
//! `main` exits successfully (and the hidden tests pass, when the exercise has a checks file).
//! `visible_tests`: the `#[test]` functions in the learner's own file pass, and the hidden tests too
//! (when it has a checks file). `[course.lints]` sets lint levels for every exercise
//! (`dead_code = "allow"`, `clippy::needless_return = "deny"`); an exercise's `lints` override them.
//!
//! Each exercise has three files, relative to the course root: the starting file
//! `exercises/<topic>/<name>.rs`, the reference solution `solutions/<topic>/<name>.rs` and the hidden
//! tests `<hidden_tests_dir>/<topic>/<name>.rs`. Hidden tests are the body of a module appended to the
//! learner's file (`use super::*;` then `#[test]` functions). Unknown fields are errors, and every
//! error names the file, line and column; all of them are reported at once, not only the first.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

/// The manifest format this version of `learn` reads.
pub const FORMAT_VERSION: u32 = 1;
const EDITIONS: &[&str] = &["2015", "2018", "2021", "2024"];
const MAX_TIME_LIMIT_SECS: u64 = 600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    format_version: Spanned<u32>,
    course: RawCourse,
    #[serde(default)]
    exercises: Vec<RawExercise>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    name: Spanned<String>,
    title: String,
    edition: Option<Spanned<String>>,
    time_limit_secs: Option<Spanned<u64>>,
    hidden_tests_dir: Option<Spanned<String>>,
    allow_statics: Option<bool>,
    welcome: Option<String>,
    done_message: Option<String>,
    lints: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    name: Spanned<String>,
    topic: Spanned<String>,
    hints: Spanned<Vec<String>>,
    section: Option<String>,
    time_limit_secs: Option<Spanned<u64>>,
    allow_unsafe: Option<bool>,
    allow_statics: Option<bool>,
    kind: Option<Spanned<String>>,
    clippy: Option<Spanned<String>>,
    starts_passing: Option<bool>,
    lints: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// A validated course manifest.
#[derive(Debug, Clone)]
pub struct Course {
    pub name: String,
    pub title: String,
    pub edition: String,
    pub hidden_tests_dir: String,
    pub welcome: String,
    pub done_message: String,
    pub exercises: Vec<Exercise>,
}

/// One exercise of the course, in course order.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub topic: String,
    pub hints: Vec<String>,
    /// The lesson section the exercise practises (its title), if the course names one.
    pub section: Option<String>,
    pub time_limit: Duration,
    /// Whether the learner's file may use `unsafe` code (for courses that teach it); off by default.
    pub allow_unsafe: bool,
    /// Whether the learner's file may declare `static` items; a course whose exercises keep their
    /// state in the fields they give says no (a static would be shared by every instance).
    pub allow_statics: bool,
    /// What a pass is.
    pub kind: ExerciseKind,
    /// When set, the file must also be free of Clippy's warnings at this level.
    pub clippy: Option<ClippyLevel>,
    /// An introduction whose starting file already passes (`learn dev check` expects it to).
    pub starts_passing: bool,
    /// Lint levels for compiling the exercise: the course's, with the exercise's own over them.
    pub lints: Vec<(String, LintLevel)>,
    /// Where the exercise's `name` stands in the manifest, for error messages.
    pub location: Location,
}

/// What a pass is for an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExerciseKind {
    /// Every hidden test passes (the default).
    #[default]
    Tests,
    /// The file's `main` exits successfully, and the hidden tests pass if there are any.
    Run,
    /// The `#[test]` functions of the learner's own file pass, and the hidden tests if there are any.
    VisibleTests,
}

impl ExerciseKind {
    const NAMES: &[(&str, ExerciseKind)] =
        &[("tests", ExerciseKind::Tests), ("run", ExerciseKind::Run), ("visible_tests", ExerciseKind::VisibleTests)];

    /// Whether the exercise must have a checks file (the other kinds may add one).
    pub fn needs_hidden_tests(self) -> bool {
        self == ExerciseKind::Tests
    }
}

/// Which of Clippy's lints a `clippy` exercise must be free of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClippyLevel {
    /// Clippy's default lints (`clippy::all`).
    All,
    /// Those and `clippy::pedantic`.
    Pedantic,
}

impl ClippyLevel {
    const NAMES: &[(&str, ClippyLevel)] = &[("all", ClippyLevel::All), ("pedantic", ClippyLevel::Pedantic)];

    /// The lint groups that Clippy is told to warn about.
    pub fn groups(self) -> &'static [&'static str] {
        match self {
            ClippyLevel::All => &["clippy::all"],
            ClippyLevel::Pedantic => &["clippy::all", "clippy::pedantic"],
        }
    }
}

/// The level a course sets for a lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    Allow,
    Warn,
    Deny,
}

impl LintLevel {
    const NAMES: &[(&str, LintLevel)] =
        &[("allow", LintLevel::Allow), ("warn", LintLevel::Warn), ("deny", LintLevel::Deny)];

    /// The compiler's flag for this level (`-A`, `-W`, `-D`).
    pub fn flag(self) -> &'static str {
        match self {
            LintLevel::Allow => "-A",
            LintLevel::Warn => "-W",
            LintLevel::Deny => "-D",
        }
    }
}

/// A 1-based line and column in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The line and column of byte `offset` in `text` (columns count characters).
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

/// One problem in a manifest, at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

/// Why a manifest was refused: one parse error, or every validation problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.file, p.location.line, p.location.column, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestError {}

/// The problems found in one course file, gathered so that all of them are reported at once.
/// Shared by the files a course author writes (`info.toml`, `explanations.toml`).
pub(crate) struct Problems<'t> {
    text: &'t str,
    pub(crate) list: Vec<Problem>,
}

impl<'t> Problems<'t> {
    pub(crate) fn new(text: &'t str) -> Problems<'t> {
        Problems { text, list: Vec::new() }
    }

    /// The line of byte `offset` of the file.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        Location::of_offset(self.text, offset).line
    }

    pub(crate) fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.list.push(Problem { location: Location::of_offset(self.text, span.start), message: message.into() });
    }

    /// Refuses a `format_version` other than `supported`, asking for an upgrade when it is newer.
    pub(crate) fn check_format_version(&mut self, found: &Spanned<u32>, supported: u32) {
        let version = *found.get_ref();
        if version == supported {
            return;
        }
        let message = if version > supported {
            format!(
                "format_version {version} is newer than this learn understands ({supported}); \
                 upgrade learn (`cargo install --path .` in an up-to-date checkout)"
            )
        } else {
            format!("format_version {version} is not supported; this learn reads format_version {supported}")
        };
        self.add(found.span(), message);
    }

    /// The problems as an error of the file named `file`, in the file's order.
    fn into_sorted_error(mut self, file: &str) -> ManifestError {
        self.list.sort_by_key(|p| (p.location.line, p.location.column));
        ManifestError { file: file.to_string(), problems: self.list }
    }

    /// The problems as an error of the file named `file`, if there are any.
    pub(crate) fn into_result(self, file: &str) -> Result<(), ManifestError> {
        if self.list.is_empty() { Ok(()) } else { Err(ManifestError { file: file.to_string(), problems: self.list }) }
    }
}

/// Reads `text` as TOML into `T`; a syntax error, unknown field or ill-typed value names `file`,
/// line and column, and every one of them is reported at once (see [`parse_toml_collecting`]).
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<T, ManifestError> {
    let (value, list) = parse_toml_collecting(text);
    let problems = Problems { text, list };
    problems.into_result(file)?;
    value.ok_or_else(|| ManifestError { file: file.to_string(), problems: Vec::new() })
}

/// How many problems one file may report before the rest are left for the next run.
const MAX_PROBLEMS: usize = 100;

/// Reads `text` as TOML into `T`, collecting every problem rather than stopping at the first, as
/// serde does: each entry it refuses (an unknown field, a value of the wrong type, an exercise
/// missing a required field) is noted and taken out, and the rest is read again. The value is
/// `Some` when what remains reads (so the caller can check it further), `None` when nothing can be
/// taken out (a syntax error, a required table missing).
pub(crate) fn parse_toml_collecting<T: serde::de::DeserializeOwned>(text: &str) -> (Option<T>, Vec<Problem>) {
    let problem = |e: &toml::de::Error| Problem {
        location: Location::of_offset(text, e.span().map_or(0, |s| s.start)),
        message: e.message().trim_end().to_string(),
    };
    let mut document = match toml::de::DeTable::parse(text) {
        Ok(document) => document,
        Err(e) => return (None, vec![problem(&e)]),
    };
    let mut problems = Vec::new();
    while problems.len() < MAX_PROBLEMS {
        match T::deserialize(toml::de::Deserializer::from(document.clone())) {
            Ok(value) => return (Some(value), problems),
            Err(e) => {
                problems.push(problem(&e));
                match e.span() {
                    Some(span) if take_out(document.get_mut(), &span) => {}
                    _ => return (None, problems),
                }
            }
        }
    }
    (None, problems)
}

/// Removes from `table` the entry whose key or value is at `span` (or, in an array of tables, the
/// table at `span`: such an array starts where its first table does); whether one was found.
fn take_out(table: &mut toml::de::DeTable<'_>, span: &Range<usize>) -> bool {
    use toml::de::{DeArray, DeValue};
    let at = |value: &toml::Spanned<DeValue<'_>>| value.span() == *span;
    let is_table = |value: &toml::Spanned<DeValue<'_>>| matches!(value.get_ref(), DeValue::Table(_));
    let mut remove = None;
    for (key, value) in table.iter_mut() {
        if key.span() == *span {
            remove = Some(key.get_ref().clone());
            break;
        }
        if let DeValue::Array(items) = value.get_mut()
            && items.iter().all(is_table)
            && let Some(i) = items.iter().position(at)
        {
            let mut kept = DeArray::new();
            for (j, item) in items.iter().enumerate() {
                if j != i {
                    kept.push(item.clone());
                }
            }
            *items = kept;
            return true;
        }
        if at(value) {
            remove = Some(key.get_ref().clone());
            break;
        }
    }
    if let Some(key) = remove {
        table.remove(key.as_ref());
        return true;
    }
    table.iter_mut().any(|(_, value)| match value.get_mut() {
        DeValue::Table(inner) => take_out(inner, span),
        DeValue::Array(items) => items.iter_mut().any(|item| match item.get_mut() {
            DeValue::Table(inner) => take_out(inner, span),
            _ => false,
        }),
        _ => false,
    })
}

impl Course {
    /// Parses and validates `text`, the contents of the manifest named `file` (used in errors).
    pub fn parse(text: &str, file: &str) -> Result<Course, ManifestError> {
        let (raw, read_problems) = parse_toml_collecting::<RawManifest>(text);
        let mut problems = Problems::new(text);
        // What could not be read is reported together with what is wrong in the rest.
        let read_cleanly = read_problems.is_empty();
        problems.list = read_problems;
        let Some(raw) = raw else { return Err(problems.into_sorted_error(file)) };
        problems.check_format_version(&raw.format_version, FORMAT_VERSION);

        let course = raw.course;
        check_identifier(&mut problems, &course.name, "course name", true);
        let edition = match &course.edition {
            Some(e) if !EDITIONS.contains(&e.get_ref().as_str()) => {
                problems.add(
                    e.span(),
                    format!("unknown edition {:?}; expected one of {}", e.get_ref(), EDITIONS.join(", ")),
                );
                String::new()
            }
            Some(e) => e.get_ref().clone(),
            None => "2021".to_string(),
        };
        let default_limit = course.time_limit_secs.as_ref().map_or(10, |l| check_limit(&mut problems, l));
        let hidden_tests_dir = match &course.hidden_tests_dir {
            Some(d) => {
                check_identifier(&mut problems, d, "hidden_tests_dir", false);
                if matches!(d.get_ref().as_str(), "exercises" | "solutions") {
                    problems.add(d.span(), "hidden_tests_dir must not be `exercises` or `solutions`");
                }
                d.get_ref().clone()
            }
            None => "checks".to_string(),
        };

        let course_lints = check_lints(&mut problems, course.lints.as_ref());
        let default_statics = course.allow_statics.unwrap_or(true);
        // (An exercise that could not be read is already a problem of its own.)
        if raw.exercises.is_empty() && read_cleanly {
            problems.add(0..0, "the course has no exercises: add at least one [[exercises]] table");
        }
        let mut exercises: Vec<Exercise> = Vec::with_capacity(raw.exercises.len());
        for ex in raw.exercises {
            check_identifier(&mut problems, &ex.name, "exercise name", false);
            check_identifier(&mut problems, &ex.topic, "topic", false);
            if let Some(first) = exercises.iter().find(|e| e.name == *ex.name.get_ref()) {
                problems.add(
                    ex.name.span(),
                    format!(
                        "duplicate exercise name {:?} (first defined at line {})",
                        ex.name.get_ref(),
                        first.location.line
                    ),
                );
            }
            if ex.hints.get_ref().is_empty() {
                problems
                    .add(ex.hints.span(), format!("exercise {:?} has no hints: give at least one", ex.name.get_ref()));
            }
            if ex.hints.get_ref().iter().any(|h| h.trim().is_empty()) {
                problems.add(ex.hints.span(), format!("exercise {:?} has an empty hint", ex.name.get_ref()));
            }
            let limit = ex.time_limit_secs.as_ref().map_or(default_limit, |l| check_limit(&mut problems, l));
            let kind = ex.kind.as_ref().map_or(ExerciseKind::Tests, |k| {
                check_choice(&mut problems, k, "kind", ExerciseKind::NAMES).unwrap_or_default()
            });
            let clippy = ex.clippy.as_ref().and_then(|c| check_choice(&mut problems, c, "clippy", ClippyLevel::NAMES));
            let mut lints = course_lints.clone();
            for (name, level) in check_lints(&mut problems, ex.lints.as_ref()) {
                lints.retain(|(n, _)| *n != name);
                lints.push((name, level));
            }
            exercises.push(Exercise {
                location: Location::of_offset(text, ex.name.span().start),
                name: ex.name.into_inner(),
                topic: ex.topic.into_inner(),
                hints: ex.hints.into_inner(),
                section: ex.section,
                time_limit: Duration::from_secs(limit),
                allow_unsafe: ex.allow_unsafe.unwrap_or(false),
                allow_statics: ex.allow_statics.unwrap_or(default_statics),
                kind,
                clippy,
                starts_passing: ex.starts_passing.unwrap_or(false),
                lints,
            });
        }

        if !problems.list.is_empty() {
            return Err(problems.into_sorted_error(file));
        }
        Ok(Course {
            name: course.name.into_inner(),
            title: course.title,
            edition,
            hidden_tests_dir,
            welcome: course.welcome.unwrap_or_default(),
            done_message: course.done_message.unwrap_or_default(),
            exercises,
        })
    }

    /// The index and exercise called `name`.
    pub fn find(&self, name: &str) -> Option<(usize, &Exercise)> {
        self.exercises.iter().enumerate().find(|(_, e)| e.name == name)
    }

    /// The exercise name closest to `name`, if one is close enough to be a likely typo.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        self.exercises
            .iter()
            .map(|e| (strsim::jaro_winkler(name, &e.name), e.name.as_str()))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n)
    }

    /// The starting file's path relative to the course root (and to the workspace root).
    pub fn exercise_path(&self, ex: &Exercise) -> String {
        format!("exercises/{}/{}.rs", ex.topic, ex.name)
    }

    /// The reference solution's path relative to the course root.
    pub fn solution_path(&self, ex: &Exercise) -> String {
        format!("solutions/{}/{}.rs", ex.topic, ex.name)
    }

    /// The hidden tests' path relative to the course root.
    pub fn hidden_tests_path(&self, ex: &Exercise) -> String {
        format!("{}/{}/{}.rs", self.hidden_tests_dir, ex.topic, ex.name)
    }
}

fn check_limit(problems: &mut Problems<'_>, limit: &Spanned<u64>) -> u64 {
    let secs = *limit.get_ref();
    if secs == 0 || secs > MAX_TIME_LIMIT_SECS {
        problems.add(limit.span(), format!("time_limit_secs must be between 1 and {MAX_TIME_LIMIT_SECS}, got {secs}"));
    }
    secs
}

/// The value of a field that takes one of `choices`, or a problem naming them.
fn check_choice<T: Copy>(
    problems: &mut Problems<'_>,
    value: &Spanned<String>,
    field: &str,
    choices: &[(&str, T)],
) -> Option<T> {
    let found = choices.iter().find(|(name, _)| *name == value.get_ref()).map(|(_, v)| *v);
    if found.is_none() {
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("{n:?}")).collect();
        problems
            .add(value.span(), format!("unknown {field} {:?}; expected one of {}", value.get_ref(), names.join(", ")));
    }
    found
}

/// A `lints` table as `(lint, level)` pairs, in name order. `unsafe_code` is not a course setting:
/// it stays forbidden unless an exercise says `allow_unsafe = true`.
fn check_lints(
    problems: &mut Problems<'_>,
    table: Option<&BTreeMap<Spanned<String>, Spanned<String>>>,
) -> Vec<(String, LintLevel)> {
    let mut lints = Vec::new();
    for (name, level) in table.into_iter().flatten() {
        let lint = name.get_ref();
        let bare = lint.strip_prefix("clippy::").unwrap_or(lint);
        if bare.is_empty() || !bare.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            problems.add(
                name.span(),
                format!("{lint:?} is not a lint name (such as `dead_code` or `clippy::needless_return`)"),
            );
            continue;
        }
        if lint == "unsafe_code" {
            problems
                .add(name.span(), "`unsafe_code` cannot be set here: give the exercise `allow_unsafe = true` instead");
            continue;
        }
        if let Some(level) = check_choice(problems, level, &format!("level for {lint}"), LintLevel::NAMES) {
            lints.push((lint.clone(), level));
        }
    }
    lints
}

/// Names become file and folder names: keep them to `[a-z0-9_]` (and `-` for the course name).
fn check_identifier(problems: &mut Problems<'_>, value: &Spanned<String>, what: &str, allow_dash: bool) {
    let v = value.get_ref();
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (allow_dash && c == '-');
    if v.is_empty() || !v.chars().all(ok_char) {
        let allowed =
            if allow_dash { "lowercase letters, digits, `_` and `-`" } else { "lowercase letters, digits and `_`" };
        problems.add(value.span(), format!("{what} {v:?} must be non-empty and use only {allowed}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format_version = 1

[course]
name = "demo"
title = "Demo"
edition = "2024"

[[exercises]]
name = "first"
topic = "01_intro"
hints = ["look", "closer"]

[[exercises]]
name = "second"
topic = "01_intro"
hints = ["one"]
time_limit_secs = 3
"#;

    fn err(text: &str) -> String {
        Course::parse(text, "info.toml").unwrap_err().to_string()
    }

    #[test]
    fn parses_a_valid_manifest_in_order() {
        let c = Course::parse(GOOD, "info.toml").unwrap();
        assert_eq!(c.name, "demo");
        assert_eq!(c.edition, "2024");
        assert_eq!(c.hidden_tests_dir, "checks");
        let names: Vec<_> = c.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
        assert_eq!(c.exercises[0].time_limit, Duration::from_secs(10));
        assert_eq!(c.exercises[1].time_limit, Duration::from_secs(3));
        assert_eq!(c.exercises[1].location, Location { line: 14, column: 8 });
        assert_eq!(c.hidden_tests_path(&c.exercises[0]), "checks/01_intro/first.rs");
        assert_eq!(c.exercise_path(&c.exercises[0]), "exercises/01_intro/first.rs");
        assert_eq!(c.solution_path(&c.exercises[0]), "solutions/01_intro/first.rs");
    }

    #[test]
    fn unknown_field_is_reported_with_line_and_column() {
        let text = GOOD.replace("hints = [\"one\"]", "hints = [\"one\"]\nhint = \"typo\"");
        assert_eq!(
            err(&text),
            "info.toml:17:1: unknown field `hint`, expected one of `name`, `topic`, `hints`, `section`, `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`"
        );
    }

    #[test]
    fn every_unknown_field_ill_typed_value_and_validation_problem_is_listed_at_once() {
        let text = GOOD
            .replace("title = \"Demo\"", "title = \"Demo\"\ncolour = \"blue\"")
            .replace("hints = [\"look\", \"closer\"]", "hints = [\"look\", \"closer\"]\nhint = \"typo\"")
            .replace("time_limit_secs = 3", "time_limit_secs = \"3\"\nsection_title = \"x\"")
            .replace("name = \"second\"", "name = \"first\"");
        assert_eq!(
            err(&text),
            "info.toml:6:1: unknown field `colour`, expected one of `name`, `title`, `edition`, `time_limit_secs`, \
             `hidden_tests_dir`, `allow_statics`, `welcome`, `done_message`, `lints`\n\
             info.toml:13:1: unknown field `hint`, expected one of `name`, `topic`, `hints`, `section`, \
             `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`\n\
             info.toml:16:8: duplicate exercise name \"first\" (first defined at line 10)\n\
             info.toml:19:19: invalid type: string \"3\", expected u64\n\
             info.toml:20:1: unknown field `section_title`, expected one of `name`, `topic`, `hints`, `section`, \
             `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`"
        );
    }

    #[test]
    fn an_exercise_missing_a_field_does_not_hide_the_problems_after_it() {
        let text = GOOD
            .replace("topic = \"01_intro\"\nhints = [\"look\"", "hints = [\"look\"")
            .replace("hints = [\"one\"]", "hints = [\"one\"]\nhint = \"typo\"");
        let message = err(&text);
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines.len(), 2, "{message}");
        assert!(lines[0].starts_with("info.toml:8:1: missing field `topic`"), "{message}");
        assert!(lines[1].starts_with("info.toml:16:1: unknown field `hint`"), "{message}");
    }

    #[test]
    fn syntax_error_is_reported_with_line_and_column() {
        let text = GOOD.replace("title = \"Demo\"", "title = \"Demo");
        assert!(err(&text).starts_with("info.toml:5:"), "{}", err(&text));
    }

    #[test]
    fn duplicate_names_point_at_the_second_definition() {
        let text = GOOD.replace("name = \"second\"", "name = \"first\"");
        assert_eq!(err(&text), "info.toml:14:8: duplicate exercise name \"first\" (first defined at line 9)");
    }

    #[test]
    fn every_validation_problem_is_listed() {
        let text = GOOD
            .replace("edition = \"2024\"", "edition = \"2027\"")
            .replace("hints = [\"one\"]", "hints = []")
            .replace("time_limit_secs = 3", "time_limit_secs = 0")
            .replace("topic = \"01_intro\"\nhints = [\"look\"", "topic = \"../up\"\nhints = [\"look\"");
        assert_eq!(
            err(&text),
            "info.toml:6:11: unknown edition \"2027\"; expected one of 2015, 2018, 2021, 2024\n\
             info.toml:10:9: topic \"../up\" must be non-empty and use only lowercase letters, digits and `_`\n\
             info.toml:16:9: exercise \"second\" has no hints: give at least one\n\
             info.toml:17:19: time_limit_secs must be between 1 and 600, got 0"
        );
    }

    #[test]
    fn newer_format_version_asks_for_an_upgrade() {
        let text = GOOD.replace("format_version = 1", "format_version = 2");
        assert!(err(&text).starts_with("info.toml:1:18: format_version 2 is newer than this learn understands"));
    }

    #[test]
    fn missing_required_field_is_an_error() {
        let text = GOOD.replace("topic = \"01_intro\"\nhints = [\"one\"]", "hints = [\"one\"]");
        assert!(err(&text).contains("missing field `topic`"), "{}", err(&text));
    }

    #[test]
    fn suggests_close_names_only() {
        let c = Course::parse(GOOD, "info.toml").unwrap();
        assert_eq!(c.suggest("secnod"), Some("second"));
        assert_eq!(c.suggest("zzzzzz"), None);
    }

    #[test]
    fn location_counts_characters_not_bytes() {
        assert_eq!(Location::of_offset("é\nab", 4), Location { line: 2, column: 2 });
        assert_eq!(Location::of_offset("abc", 99), Location { line: 1, column: 4 });
    }

    #[test]
    fn kinds_clippy_and_lint_levels_are_read_with_the_exercise_over_the_course() {
        let text = GOOD
            .replace("edition = \"2024\"", "edition = \"2024\"\n\n[course.lints]\ndead_code = \"allow\"\nunused_mut = \"warn\"")
            .replace(
                "hints = [\"one\"]",
                "hints = [\"one\"]\nkind = \"visible_tests\"\nclippy = \"pedantic\"\nstarts_passing = true\nlints = { unused_mut = \"deny\" }",
            );
        let c = Course::parse(&text, "info.toml").unwrap();
        let (first, second) = (&c.exercises[0], &c.exercises[1]);
        assert_eq!((first.kind, first.clippy, first.starts_passing), (ExerciseKind::Tests, None, false));
        assert_eq!(
            first.lints,
            [("dead_code".to_string(), LintLevel::Allow), ("unused_mut".to_string(), LintLevel::Warn)]
        );
        assert_eq!(
            (second.kind, second.clippy, second.starts_passing),
            (ExerciseKind::VisibleTests, Some(ClippyLevel::Pedantic), true)
        );
        assert_eq!(
            second.lints,
            [("dead_code".to_string(), LintLevel::Allow), ("unused_mut".to_string(), LintLevel::Deny)]
        );
        assert_eq!(ClippyLevel::Pedantic.groups(), ["clippy::all", "clippy::pedantic"]);
    }

    #[test]
    fn unknown_kinds_levels_and_lints_are_each_reported() {
        let text = GOOD.replace(
            "hints = [\"one\"]",
            "hints = [\"one\"]\nkind = \"quiz\"\nclippy = \"strict\"\nlints = { unsafe_code = \"allow\", \"Bad Name\" = \"warn\", unused = \"loud\" }",
        );
        assert_eq!(
            err(&text),
            "info.toml:17:8: unknown kind \"quiz\"; expected one of \"tests\", \"run\", \"visible_tests\"\n\
             info.toml:18:10: unknown clippy \"strict\"; expected one of \"all\", \"pedantic\"\n\
             info.toml:19:11: `unsafe_code` cannot be set here: give the exercise `allow_unsafe = true` instead\n\
             info.toml:19:34: \"Bad Name\" is not a lint name (such as `dead_code` or `clippy::needless_return`)\n\
             info.toml:19:64: unknown level for unused \"loud\"; expected one of \"allow\", \"warn\", \"deny\""
        );
    }
}
