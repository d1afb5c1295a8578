//! `learn dev check`: the course author's check. Every exercise has its three files, no file is
//! orphaned, every pointer into the lesson (a “…” reference or a `section` field) names one of its
//! sections, every solution passes its hidden tests, every starting file and every known wrong
//! answer (`wrong/<topic>/<name>/*.rs`) fails them, and the hidden tests pass the lint that keeps
//! them meaning what they say (see [`crate::lint`]). Files are graded in parallel (`--jobs`), each
//! in a build folder of its own; `learn dev check NAME...` checks only the exercises named.
//!
//! What it shows is for the course's author: a compile error inside the hidden tests at its line of
//! the checks file (where a learner sees only what the tests expect), a checks file without a
//! `#[test]` function as such, and a reference solution's warnings.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::{Ctx, find_exercise, grade_once, open_course_dir, say};
use crate::composition::hidden_test_functions;
use crate::course::{Course, Exercise, Location};
use crate::course_files::{EXPLANATIONS, LoadedCourse, MANIFEST};
use crate::error::{EXIT_FAILED, EXIT_OK, Error, Result};
use crate::grader::Report;
use crate::lesson;
use crate::parallel;
use crate::toolchain::Toolchain;
use crate::ui::progress::ProgressLine;
use crate::ui::render;
use crate::ui::style::paint;
use crate::verdict::{Diagnostic, Verdict};

type Graded = std::result::Result<Report, String>;
/// An exercise's gradings as they arrive: solution, starting file, wrong answers.
type Slot = (Option<Graded>, Option<Graded>, Vec<(String, Graded, u32)>);

/// The folder of known wrong answers: `wrong/<topic>/<name>/<slug>.rs`.
const WRONG_DIR: &str = "wrong";

/// How many times a wrong answer that passes is graded before the check calls it a problem. Some
/// mistakes (a race between two writes with nothing in between to hook) can only be caught by
/// tests that try many times, which on a very busy machine occasionally miss: a wrong answer
/// caught on a later grading is shown as such, so its author sees how close it came.
const WRONG_TRIES: u32 = 3;

/// The outcome of checking one exercise.
struct Checked {
    solution: Graded,
    starting: Graded,
    /// Each known wrong answer (its course path), how it was graded, and on which try it failed.
    wrong: Vec<(String, Graded, u32)>,
}

/// What one grading job of the check grades.
#[derive(Clone)]
enum Kind {
    Solution,
    Starting,
    Wrong(String),
}

/// `learn dev compose`: prints the crate `learn` compiles for `name`, from `file` or the solution.
pub fn compose(ctx: &Ctx, out: &mut dyn Write, name: &str, file: Option<PathBuf>, dir: Option<PathBuf>) -> Result<i32> {
    let (root, loaded) = open_course_dir(ctx, &dir.unwrap_or_default())?;
    let course = &loaded.course;
    let (_, ex) = find_exercise(course, name)?;
    let path = match file {
        Some(f) => ctx.cwd.join(f),
        None => root.join(course.solution_path(ex)),
    };
    let learner =
        std::fs::read_to_string(&path).map_err(|source| Error::Io { action: "read", path: path.clone(), source })?;
    let (hidden, _) = crate::commands::kind_settings(&loaded, ex)?;
    let (composed, _) =
        crate::composition::Composition::compose_as(&course.exercise_path(ex), &learner, &hidden, ex.kind);
    out.write_all(composed.as_bytes()).map_err(|source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    })?;
    Ok(EXIT_OK)
}

/// `learn dev check [DIR] [NAME...]`: checks the course in `DIR` (or the current folder), every
/// exercise or only those named.
pub fn check(ctx: &Ctx, out: &mut dyn Write, args: &[String], jobs: Option<usize>) -> Result<i32> {
    // A first argument that is a course folder names the course; the others name exercises.
    let (dir, names) = match args.split_first() {
        Some((first, rest)) if ctx.cwd.join(first).join(MANIFEST).is_file() => (PathBuf::from(first), rest),
        _ => (PathBuf::new(), args),
    };
    let (root, loaded) = open_course_dir(ctx, &dir)?;
    let course = &loaded.course;
    let selected = select(course, names)?;
    let s = &ctx.styles;
    let jobs = jobs.unwrap_or_else(parallel::default_jobs).max(1);
    let how_many = match selected.iter().filter(|&&chosen| chosen).count() {
        n if n == course.exercises.len() => format!("{n} exercises"),
        n => format!("{n} of {} exercises", course.exercises.len()),
    };
    say(out, format!("Checking {} ({how_many}, {jobs} at a time)", paint(s.bold, &course.title)));

    let mut problems = file_problems(&loaded, &selected);
    problems.extend(reference_problems(&loaded, &selected)?);
    let not_graded = ungradable(&loaded, &selected);
    let build_root = tempfile::Builder::new().prefix("learn-dev-check").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;
    let toolchain = Toolchain::resolve()?;
    let to_grade: Vec<bool> =
        selected.iter().enumerate().map(|(i, &chosen)| chosen && !not_graded.contains_key(&i)).collect();
    let checked = grade_all(ctx, out, &loaded, &toolchain, &root, build_root.path(), jobs, &to_grade);

    for (i, (ex, result)) in course.exercises.iter().zip(checked).enumerate() {
        if let Some(why) = not_graded.get(&i) {
            say(out, format!("  {} {}: not graded: {}", paint(s.fail, "✗"), ex.name, why.text));
            if why.counts {
                problems.push(why.text.clone());
            }
            continue;
        }
        let Some(result) = result else { continue };
        let mut bad = Vec::new();
        match &result.solution {
            Ok(r) if r.verdict.passed() && r.warnings.is_empty() => {}
            // A reference solution is what learners compare theirs with: it should be clean.
            Ok(r) if r.verdict.passed() => {
                bad.push(format!("the solution compiles with {}", render::count(r.warnings.len(), "warning")));
            }
            Ok(r) => bad.push(format!("the solution {}", render::headline(&r.verdict))),
            Err(e) => bad.push(format!("the solution could not be graded: {e}")),
        }
        match &result.starting {
            Ok(r) if r.verdict.passed() && !ex.starts_passing => {
                bad.push("the starting file passes its hidden tests: it should fail (or give the exercise `starts_passing = true`)".into())
            }
            Ok(r) if !r.verdict.passed() && ex.starts_passing => bad.push(format!(
                "the starting file {}, but the exercise says `starts_passing = true`",
                render::headline(&r.verdict)
            )),
            Ok(_) => {}
            Err(e) => bad.push(format!("the starting file could not be graded: {e}")),
        }
        // Which explanations a learner sees on the untouched file: how well the course's failures
        // are covered by its explanations.
        let starting = result
            .starting
            .as_ref()
            .map(|r| {
                let ids: Vec<&str> = r.explanations.iter().map(|e| e.id.as_str()).collect();
                let why = if ids.is_empty() { String::new() } else { format!(" [explained: {}]", ids.join(", ")) };
                format!("{}{why}", render::headline(&r.verdict))
            })
            .unwrap_or_default();
        let mut wrong_lines = Vec::new();
        for (path, graded, tries) in &result.wrong {
            match graded {
                Ok(r) if r.verdict.passed() => bad.push(format!(
                    "the wrong answer {path} passes its hidden tests ({tries} gradings): they should reject it"
                )),
                Ok(r) => wrong_lines.push(format!(
                    "      {} {path}: {}{}{}",
                    paint(s.pass, "✓"),
                    if *tries > 1 { format!("caught on grading {tries} of {WRONG_TRIES}: ") } else { String::new() },
                    render::headline(&r.verdict),
                    first_message(r).map(|m| format!(" — {m}")).unwrap_or_default()
                )),
                Err(e) => bad.push(format!("the wrong answer {path} could not be graded: {e}")),
            }
        }
        if bad.is_empty() {
            let tests = result.solution.as_ref().map(|r| r.verdict.tests().len()).unwrap_or(0);
            say(
                out,
                format!(
                    "  {} {}: solution passes {}; starting file {starting}",
                    paint(s.pass, "✓"),
                    ex.name,
                    render::count(tests, "test")
                ),
            );
        } else {
            say(out, format!("  {} {}: {}", paint(s.fail, "✗"), ex.name, bad.join("; ")));
            if let Ok(r) = &result.solution {
                let mut buf = Vec::new();
                if !r.verdict.passed() {
                    let verdict = for_the_author(&r.verdict, &course.hidden_tests_path(ex));
                    let _ = render::verdict(&mut buf, s, &ex.name, &verdict, &r.explanations, render::WRAP);
                }
                for warning in &r.warnings {
                    let _ = writeln!(buf, "{}", warning.rendered.trim_end());
                }
                for line in String::from_utf8_lossy(&buf).lines() {
                    say(out, format!("      {line}").trim_end());
                }
            }
            problems.push(format!("{}: {}", ex.name, bad.join("; ")));
        }
        for line in wrong_lines {
            say(out, line);
        }
    }
    problems.extend(lint_problems(&loaded, &selected));

    if problems.is_empty() {
        say(out, format!("\n{} every exercise checks out.", paint(s.pass, "✓")));
        Ok(EXIT_OK)
    } else {
        say(out, format!("\n{} {} problem(s):", paint(s.fail, "✗"), problems.len()));
        for p in &problems {
            say(out, format!("  - {p}"));
        }
        Ok(EXIT_FAILED)
    }
}

/// Which exercises `names` choose (all of them when there are none), in course order.
fn select(course: &Course, names: &[String]) -> Result<Vec<bool>> {
    for name in names {
        find_exercise(course, name)?;
    }
    Ok(course.exercises.iter().map(|ex| names.is_empty() || names.contains(&ex.name)).collect())
}

/// Why an exercise cannot be graded at all, found before grading.
struct NotGraded {
    text: String,
    /// Whether it is a problem of its own (otherwise another check reports it, with its line).
    counts: bool,
}

/// The chosen exercises whose hidden tests cannot grade anything: a checks file without a
/// `#[test]` function (every file would "crash"), or one that does not parse (the lint says where).
fn ungradable(loaded: &LoadedCourse, selected: &[bool]) -> std::collections::BTreeMap<usize, NotGraded> {
    let course = &loaded.course;
    let mut out = std::collections::BTreeMap::new();
    for (i, ex) in course.exercises.iter().enumerate().filter(|(i, _)| selected[*i]) {
        let path = course.hidden_tests_path(ex);
        let Ok(text) = loaded.files.read(&path) else { continue };
        if syn::parse_file(&text).is_err() {
            out.insert(i, NotGraded { text: format!("{path} does not parse (see below)"), counts: false });
        } else if hidden_test_functions(&text).is_empty() {
            out.insert(i, NotGraded { text: format!("{path} has no #[test] function"), counts: true });
        }
    }
    out
}

/// A failing solution's verdict as its author reads it: each error inside the hidden tests at its
/// line of the checks file `checks`, with its code, instead of the learner's summary.
fn for_the_author(verdict: &Verdict, checks: &str) -> Verdict {
    let Verdict::CompileError { errors } = verdict else { return verdict.clone() };
    let errors = errors
        .iter()
        .map(|e| {
            if e.hidden_sites.is_empty() {
                return e.clone();
            }
            let mut rendered = String::new();
            for site in &e.hidden_sites {
                let code = site.code.as_ref().map(|c| format!("[{c}]")).unwrap_or_default();
                let place = match &site.test {
                    Some(test) => format!("in the hidden test `{test}`"),
                    None => "outside the test functions".to_string(),
                };
                let label = site.label.as_ref().map(|l| format!(": {l}")).unwrap_or_default();
                rendered.push_str(&format!(
                    "{checks}:{}:{}: error{code}: {}{label} ({place})\n",
                    site.line, site.column, site.message
                ));
            }
            Diagnostic { rendered, ..e.clone() }
        })
        .collect();
    Verdict::CompileError { errors }
}

/// Missing files of the chosen exercises, and (when every exercise is checked) course files that
/// no entry owns.
fn file_problems(loaded: &LoadedCourse, selected: &[bool]) -> Vec<String> {
    let course = &loaded.course;
    let mut problems = Vec::new();
    let mut owned = BTreeSet::new();
    for (ex, _) in course.exercises.iter().zip(selected).filter(|(_, chosen)| **chosen) {
        for path in paths(loaded, ex) {
            if !loaded.files.exists(&path) {
                problems.push(format!(
                    "{}: {path} is missing (exercise defined at {}:{})",
                    ex.name, MANIFEST, ex.location.line
                ));
            }
            owned.insert(path);
        }
    }
    if selected.iter().any(|chosen| !chosen) {
        return problems;
    }
    for path in loaded.files.rust_files_under(WRONG_DIR) {
        let owner = course.exercises.iter().find(|ex| path.starts_with(&wrong_prefix(ex)));
        if owner.is_none() {
            problems.push(format!(
                "{path} is orphaned: wrong answers go in {WRONG_DIR}/<topic>/<name>/ of an exercise in {MANIFEST}"
            ));
        } else if !loaded.files.read(&path).is_ok_and(|t| t.starts_with("// wrong:")) {
            problems.push(format!("{path}:1: a wrong answer starts with `// wrong: <what it gets wrong>`"));
        }
    }
    for dir in ["exercises", "solutions", course.hidden_tests_dir.as_str()] {
        for path in loaded.files.rust_files_under(dir) {
            if !owned.contains(&path) {
                problems.push(format!("{path} is orphaned: no exercise in {MANIFEST} uses it"));
            }
        }
    }
    problems
}

/// What names a lesson section in `info.toml` and `explanations.toml`: an exercise's or a rule's
/// `section` field (the rest of the files is only read for its “…” references).
#[derive(serde::Deserialize)]
struct Sectioned {
    #[serde(default)]
    exercises: Vec<SectionField>,
    #[serde(default)]
    rules: Vec<SectionField>,
}

#[derive(serde::Deserialize)]
struct SectionField {
    name: Option<String>,
    id: Option<String>,
    section: Option<toml::Spanned<String>>,
}

/// Every pointer into the lesson that does not resolve: a “…” reference in the manifest, the
/// explanations, or an exercise, solution, hidden-tests or wrong-answer file that is not a section
/// title, and a `section` field naming no section. Each names its file and line.
fn reference_problems(loaded: &LoadedCourse, selected: &[bool]) -> Result<Vec<String>> {
    let lesson = loaded.files.lesson()?;
    let course = &loaded.course;
    let chosen: Vec<&Exercise> =
        course.exercises.iter().zip(selected).filter(|(_, chosen)| **chosen).map(|(ex, _)| ex).collect();
    let every = chosen.len() == course.exercises.len();
    let unknown = |title: &str| {
        let why = lesson.suggest_title(title).map(|t| format!(" (did you mean “{t}”?)")).unwrap_or_default();
        format!("is not a section title of the lesson{why}")
    };
    let mut files = vec![MANIFEST.to_string()];
    if loaded.files.exists(EXPLANATIONS) && every {
        files.push(EXPLANATIONS.to_string());
    }
    // `wrong/` holds known wrong answers: copies of exercise files, with their comments.
    for dir in ["exercises", "solutions", course.hidden_tests_dir.as_str(), "wrong"] {
        files.extend(loaded.files.rust_files_under(dir).into_iter().filter(|path| {
            every || chosen.iter().any(|ex| paths(loaded, ex).contains(path) || path.starts_with(&wrong_prefix(ex)))
        }));
    }
    let mut problems = Vec::new();
    for rel in &files {
        let text = loaded.files.read(rel)?;
        if rel == MANIFEST || rel == EXPLANATIONS {
            // Both files parsed when the course loaded; only the positions are read here.
            let fields: Sectioned = toml::from_str(&text).unwrap_or(Sectioned { exercises: vec![], rules: vec![] });
            for field in fields.exercises.iter().chain(&fields.rules) {
                let Some(section) = &field.section else { continue };
                if !every && !chosen.iter().any(|ex| field.name.as_ref() == Some(&ex.name)) {
                    continue;
                }
                if lesson.section(section.get_ref()).is_none() {
                    let owner = match (&field.name, &field.id) {
                        (Some(name), _) => format!("exercise {name}"),
                        (None, Some(id)) => format!("rule {id}"),
                        (None, None) => "an entry".to_string(),
                    };
                    let line = Location::of_offset(&text, section.span().start).line;
                    problems.push((
                        rel.clone(),
                        line,
                        format!("section = {:?} ({owner}) {}", section.get_ref(), unknown(section.get_ref())),
                    ));
                }
            }
        }
        // Only the chosen exercises' entries of the manifest are read when some are chosen.
        if rel == MANIFEST && !every {
            continue;
        }
        for reference in lesson::references(&text) {
            if lesson.section(&reference.title).is_none() {
                problems.push((
                    rel.clone(),
                    reference.line,
                    format!("“{}” {}", reference.title, unknown(&reference.title)),
                ));
            }
        }
    }
    problems
        .sort_by(|a, b| (files.iter().position(|f| *f == a.0), a.1).cmp(&(files.iter().position(|f| *f == b.0), b.1)));
    let mut out: Vec<String> = Vec::new();
    if lesson.is_empty() && !problems.is_empty() {
        out.push(format!(
            "{}/ is missing: the course refers to sections of a lesson it does not have (add lesson/<topic>.md chapters)",
            lesson::DIR
        ));
    }
    out.extend(problems.into_iter().map(|(file, line, message)| format!("{file}:{line}: {message}")));
    Ok(out)
}

/// The files `ex` must have: its starting file, its solution and (for a kind that needs them, or
/// when it has them) its hidden tests.
fn paths(loaded: &LoadedCourse, ex: &Exercise) -> Vec<String> {
    let course = &loaded.course;
    let mut paths = vec![course.exercise_path(ex), course.solution_path(ex)];
    let hidden = course.hidden_tests_path(ex);
    if ex.kind.needs_hidden_tests() || loaded.files.exists(&hidden) {
        paths.push(hidden);
    }
    paths
}

/// Grades every chosen exercise whose three files exist (solution, starting file and wrong
/// answers), `jobs` at a time.
// What to grade, where and how many at once: each is one plain value of the check's.
#[allow(clippy::too_many_arguments)]
fn grade_all(
    ctx: &Ctx,
    out: &mut dyn Write,
    loaded: &LoadedCourse,
    toolchain: &Toolchain,
    root: &Path,
    build_root: &Path,
    jobs: usize,
    selected: &[bool],
) -> Vec<Option<Checked>> {
    let course = &loaded.course;
    let wrong_answers = loaded.files.rust_files_under(WRONG_DIR);
    let mut work: Vec<(usize, Kind)> = Vec::new();
    for (i, ex) in course.exercises.iter().enumerate() {
        if !selected[i] || !paths(loaded, ex).iter().all(|p| loaded.files.exists(p)) {
            continue;
        }
        work.push((i, Kind::Solution));
        work.push((i, Kind::Starting));
        let prefix = wrong_prefix(ex);
        work.extend(wrong_answers.iter().filter(|p| p.starts_with(&prefix)).map(|p| (i, Kind::Wrong(p.clone()))));
    }
    // Likely hangs first, so the other jobs fill the time around them: a starting file (or wrong
    // answer) whose exercise has a time limit of its own is one its author expects to hit it.
    work.sort_by_key(|(i, kind)| {
        (
            std::cmp::Reverse(
                !matches!(kind, Kind::Solution) && course.exercises[*i].time_limit != default_limit(course),
            ),
            *i,
        )
    });
    let mut results: Vec<Slot> = course.exercises.iter().map(|_| (None, None, Vec::new())).collect();
    let mut progress = ProgressLine::new(ctx, work.len());
    let grade = |(i, kind): &(usize, Kind)| {
        let ex = &course.exercises[*i];
        let (rel, label) = match kind {
            Kind::Solution => (course.solution_path(ex), "solution".to_string()),
            Kind::Starting => (course.exercise_path(ex), "start".to_string()),
            Kind::Wrong(path) => {
                let slug = Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                (path.clone(), format!("wrong-{slug}"))
            }
        };
        let build_dir = build_root.join(format!("{}-{label}", ex.name));
        let once =
            || grade_once(ctx, loaded, toolchain, ex, (&root.join(&rel), root), &build_dir).map_err(|e| e.to_string());
        let mut graded = (once(), 1);
        while matches!(kind, Kind::Wrong(_))
            && graded.1 < WRONG_TRIES
            && graded.0.as_ref().is_ok_and(|r| r.verdict.passed())
        {
            graded = (once(), graded.1 + 1);
        }
        graded
    };
    parallel::for_each(&work, jobs, grade, |index, (result, tries)| {
        let (i, kind) = &work[index];
        progress.show(out, &format!("{} done", course.exercises[*i].name));
        let slot = &mut results[*i];
        match kind {
            Kind::Solution => slot.0 = Some(result),
            Kind::Starting => slot.1 = Some(result),
            Kind::Wrong(path) => slot.2.push((path.clone(), result, tries)),
        }
    });
    progress.clear(out);
    results
        .into_iter()
        .map(|r| match r {
            (Some(solution), Some(starting), mut wrong) => {
                wrong.sort_by(|a, b| a.0.cmp(&b.0));
                Some(Checked { solution, starting, wrong })
            }
            _ => None,
        })
        .collect()
}

/// Where the wrong answers of `ex` are kept.
fn wrong_prefix(ex: &Exercise) -> String {
    format!("{WRONG_DIR}/{}/{}/", ex.topic, ex.name)
}

/// The first thing a learner would read about a failing file: a failing test's message or the
/// first compiler error, on one line.
fn first_message(r: &Report) -> Option<String> {
    use crate::verdict::{TestStatus, Verdict};
    let text = match &r.verdict {
        Verdict::CompileError { errors } => errors.first().map(|e| e.message.clone()),
        v => v.tests().iter().find(|t| t.status != TestStatus::Passed).and_then(|t| t.message.clone()),
    }?;
    let line = text.lines().find(|l| !l.starts_with("panicked at") && !l.trim().is_empty())?.trim().to_string();
    Some(match line.char_indices().nth(140) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    })
}

/// Hidden tests that the learner's file could reinterpret (see [`crate::lint`]).
fn lint_problems(loaded: &LoadedCourse, selected: &[bool]) -> Vec<String> {
    let course = &loaded.course;
    let mut problems = Vec::new();
    for (ex, _) in course.exercises.iter().zip(selected).filter(|(_, chosen)| **chosen) {
        let path = course.hidden_tests_path(ex);
        let Ok(text) = loaded.files.read(&path) else { continue };
        for p in crate::lint::lint_hidden_tests(&text) {
            problems.push(format!("{path}:{}: {}", p.line, p.message));
        }
    }
    problems
}

/// The time limit most exercises have (the course's default).
fn default_limit(course: &Course) -> std::time::Duration {
    let mut limits: Vec<_> = course.exercises.iter().map(|e| e.time_limit).collect();
    limits.sort();
    limits.get(limits.len() / 2).copied().unwrap_or_default()
}
