//! `learn dev check`: the course author's check. Every exercise has its three files, no file is
//! orphaned, every solution passes its hidden tests and every starting file fails them. Exercises
//! are graded in parallel (`--jobs`), each in a build folder of its own.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::{Ctx, grade_once, say};
use crate::course::{Course, Exercise};
use crate::course_files::{CourseFiles, LoadedCourse, MANIFEST};
use crate::error::{EXIT_FAILED, EXIT_OK, Error, Result};
use crate::grader::Report;
use crate::parallel;
use crate::toolchain::Toolchain;
use crate::ui::progress::ProgressLine;
use crate::ui::render;
use crate::ui::style::paint;

type Graded = std::result::Result<Report, String>;

/// The outcome of checking one exercise.
struct Checked {
    solution: Graded,
    starting: Graded,
}

pub fn check(ctx: &Ctx, out: &mut dyn Write, dir: Option<PathBuf>, jobs: Option<usize>) -> Result<i32> {
    let root = ctx.cwd.join(dir.unwrap_or_default());
    let root = root.canonicalize().map_err(|source| Error::Io { action: "open", path: root.clone(), source })?;
    if !root.join(MANIFEST).is_file() {
        return Err(Error::NoCourse { dir: root });
    }
    let loaded = CourseFiles::Dir(root.clone()).load()?;
    let course = &loaded.course;
    let s = &ctx.styles;
    let jobs = jobs.unwrap_or_else(parallel::default_jobs).max(1);
    say(
        out,
        format!("Checking {} ({} exercises, {jobs} at a time)", paint(s.bold, &course.title), course.exercises.len()),
    );

    let mut problems = file_problems(&loaded);
    let build_root = tempfile::Builder::new().prefix("learn-dev-check").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;
    let toolchain = Toolchain::resolve()?;
    let checked = grade_all(ctx, out, &loaded, &toolchain, &root, build_root.path(), jobs);

    for (ex, result) in course.exercises.iter().zip(checked) {
        let Some(result) = result else { continue };
        let mut bad = Vec::new();
        match &result.solution {
            Ok(r) if r.verdict.passed() => {}
            Ok(r) => bad.push(format!("the solution {}", render::headline(&r.verdict))),
            Err(e) => bad.push(format!("the solution could not be graded: {e}")),
        }
        match &result.starting {
            Ok(r) if r.verdict.passed() => bad.push("the starting file passes its hidden tests: it should fail".into()),
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
            if let Ok(r) = &result.solution
                && !r.verdict.passed()
            {
                let mut buf = Vec::new();
                let _ = render::verdict(&mut buf, s, &ex.name, &r.verdict, &r.explanations);
                for line in String::from_utf8_lossy(&buf).lines() {
                    say(out, format!("      {line}"));
                }
            }
            problems.push(format!("{}: {}", ex.name, bad.join("; ")));
        }
    }

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

/// Missing files of manifest entries, and course files that no entry owns.
fn file_problems(loaded: &LoadedCourse) -> Vec<String> {
    let course = &loaded.course;
    let mut problems = Vec::new();
    let mut owned = BTreeSet::new();
    for ex in &course.exercises {
        for path in paths(course, ex) {
            if !loaded.files.exists(&path) {
                problems.push(format!(
                    "{}: {path} is missing (exercise defined at {}:{})",
                    ex.name, MANIFEST, ex.location.line
                ));
            }
            owned.insert(path);
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

fn paths(course: &Course, ex: &Exercise) -> [String; 3] {
    [course.exercise_path(ex), course.solution_path(ex), course.hidden_tests_path(ex)]
}

/// Grades every exercise whose three files exist (solution and starting file), `jobs` at a time.
fn grade_all(
    ctx: &Ctx,
    out: &mut dyn Write,
    loaded: &LoadedCourse,
    toolchain: &Toolchain,
    root: &Path,
    build_root: &Path,
    jobs: usize,
) -> Vec<Option<Checked>> {
    let course = &loaded.course;
    let mut work: Vec<(usize, bool)> = course
        .exercises
        .iter()
        .enumerate()
        .filter(|(_, ex)| paths(course, ex).iter().all(|p| loaded.files.exists(p)))
        .flat_map(|(i, _)| [(i, false), (i, true)])
        .collect();
    // Likely hangs first, so the other jobs fill the time around them: a starting file whose
    // exercise has a time limit of its own is one its author expects to run into that limit.
    work.sort_by_key(|&(i, solution)| {
        (std::cmp::Reverse(!solution && course.exercises[i].time_limit != default_limit(course)), i)
    });
    let mut results: Vec<(Option<Graded>, Option<Graded>)> = course.exercises.iter().map(|_| (None, None)).collect();
    let mut progress = ProgressLine::new(ctx, work.len());
    let grade = |&(i, solution): &(usize, bool)| {
        let ex = &course.exercises[i];
        let rel = if solution { course.solution_path(ex) } else { course.exercise_path(ex) };
        let kind = if solution { "solution" } else { "start" };
        let build_dir = build_root.join(format!("{}-{kind}", ex.name));
        grade_once(ctx, loaded, toolchain, ex, &root.join(&rel), &build_dir).map_err(|e| e.to_string())
    };
    parallel::for_each(&work, jobs, grade, |index, result| {
        let (i, solution) = work[index];
        progress.show(out, &format!("{} done", course.exercises[i].name));
        let slot = &mut results[i];
        if solution { slot.0 = Some(result) } else { slot.1 = Some(result) }
    });
    progress.clear(out);
    results
        .into_iter()
        .map(|r| match r {
            (Some(solution), Some(starting)) => Some(Checked { solution, starting }),
            _ => None,
        })
        .collect()
}

/// The time limit most exercises have (the course's default).
fn default_limit(course: &Course) -> std::time::Duration {
    let mut limits: Vec<_> = course.exercises.iter().map(|e| e.time_limit).collect();
    limits.sort();
    limits.get(limits.len() / 2).copied().unwrap_or_default()
}
