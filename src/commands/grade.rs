//! `learn grade SUBMISSIONS_DIR`: grade many learners' workspaces at once, for instructors. Each
//! folder in SUBMISSIONS_DIR is one learner's workspace; every exercise of the course is graded in
//! every one, in parallel, each under its exercise's time limit, in a build folder of its own (the
//! submissions are only read). A crashing or hanging submission holds up one worker for at most
//! its time limit and never blocks the others. One row per learner and exercise, as CSV or JSON.
//!
//! Each grading compiles a private copy of the learner's file in a build folder of its own, outside
//! the submissions folder, and runs confined (see `sandbox`): a submission cannot read or write
//! another, signal `learn`, or outlive its grading. Where the machine cannot confine programs,
//! `learn grade` refuses to run unless told `--unconfined`.
//!
//! A workspace whose progress file names another course than the one graded with is not graded:
//! its rows say so, a warning names both courses and `--course`, and the exit code is 2. Only the
//! course's name is read from a progress file, and only for that: what is graded, and with which
//! hidden tests, never depends on a learner's files.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::GradeFormat;
use crate::commands::{Ctx, grade_once};
use crate::course_files::CourseFiles;
use crate::error::{EXIT_ERROR, EXIT_OK, Error, Result};
use crate::parallel;
use crate::toolchain::Toolchain;
use crate::ui::progress::ProgressLine;
use crate::ui::render;
use crate::ui::results::Results;
use crate::verdict::TestStatus;

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
struct Row {
    learner: String,
    exercise: String,
    /// `pass`, `fail` or `error`, as in the JSON results.
    status: &'static str,
    tests_passed: usize,
    tests_total: usize,
    /// Why it did not pass, in one line (empty for a pass).
    message: String,
}

pub fn grade(
    ctx: &Ctx,
    out: &mut dyn Write,
    submissions: PathBuf,
    course_dir: Option<PathBuf>,
    format: GradeFormat,
    jobs: Option<usize>,
    unconfined: bool,
) -> Result<i32> {
    if !unconfined {
        let found = crate::sandbox::protections();
        if !found.confined() {
            let missing: Vec<String> = found.missing().iter().map(|p| format!("{} ({})", p.name, p.detail)).collect();
            return Err(Error::Unconfined { missing: missing.join("; ") });
        }
    }
    let dir = ctx.cwd.join(&submissions);
    let files = match course_dir {
        Some(place) => super::open_course(ctx, &place)?,
        None => CourseFiles::Embedded,
    };
    let loaded = files.load()?;
    let entries = fs::read_dir(&dir).map_err(|source| Error::Io { action: "read", path: dir.clone(), source })?;
    let mut learners: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    learners.sort();
    let course = &loaded.course;
    // Learner index -> the other course their workspace is for.
    let elsewhere: Vec<Option<String>> =
        learners.iter().map(|(_, root)| workspace_course(root).filter(|name| *name != course.name)).collect();
    let strays: Vec<(&str, &str)> = learners
        .iter()
        .zip(&elsewhere)
        .filter_map(|((learner, _), other)| other.as_deref().map(|o| (learner.as_str(), o)))
        .collect();
    if !strays.is_empty() {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "{} {}",
            crate::ui::style::paint(ctx.styles.warn, "warning:"),
            stray_warning(&strays, &course.name, &ctx.display(&dir), loaded.files.location().is_none())
        );
    }
    let toolchain = Toolchain::resolve()?;
    let build_root = tempfile::Builder::new().prefix("learn-grade").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;

    let work: Vec<(usize, usize)> =
        (0..learners.len()).flat_map(|l| (0..course.exercises.len()).map(move |e| (l, e))).collect();
    let grade_one = |&(l, e): &(usize, usize)| {
        let (name, root) = &learners[l];
        let ex = &course.exercises[e];
        let file = root.join(course.exercise_path(ex));
        let build_dir = build_root.path().join(format!("{l}-{}", ex.name));
        if let Some(other) = &elsewhere[l] {
            return Row {
                learner: name.clone(),
                exercise: ex.name.clone(),
                status: "error",
                tests_passed: 0,
                tests_total: 0,
                message: format!("not graded: the workspace is for the course {other:?}, not {:?}", course.name),
            };
        }
        let (status, passed, total, message) = match grade_once(ctx, &loaded, &toolchain, ex, (&file, root), &build_dir)
        {
            Ok(report) => {
                let tests = report.verdict.tests();
                let passed = tests.iter().filter(|t| t.status == TestStatus::Passed).count();
                let message = match &report.verdict {
                    v if v.passed() => String::new(),
                    crate::verdict::Verdict::CompileError { errors } => {
                        format!("does not compile: {}", errors.first().map_or("", |e| e.message.as_str()))
                    }
                    v => render::headline(v),
                };
                (Results::of(&report.verdict, &[]).status, passed, tests.len(), message)
            }
            Err(e) => ("error", 0, 0, e.to_string().lines().next().unwrap_or_default().to_string()),
        };
        // Nothing of this grading is kept: another submission's grading never sees it.
        let _ = fs::remove_dir_all(&build_dir);
        let message = message.replace(&root.display().to_string(), name);
        Row {
            learner: name.clone(),
            exercise: ex.name.clone(),
            status,
            tests_passed: passed,
            tests_total: total,
            message,
        }
    };
    let mut rows: Vec<Option<Row>> = vec![None; work.len()];
    let mut stderr = std::io::stderr();
    let mut progress = ProgressLine::with_terminal(ctx.styles, work.len(), stderr.is_terminal());
    parallel::for_each(&work, jobs.unwrap_or_else(parallel::default_jobs), grade_one, |i, row| {
        progress.show(&mut stderr, &format!("{} / {}", row.learner, row.exercise));
        rows[i] = Some(row);
    });
    progress.clear(&mut stderr);
    let rows: Vec<Row> = rows.into_iter().flatten().collect();

    match format {
        GradeFormat::Json => {
            let _ = out.write_all(crate::ui::results::to_json(&rows).as_bytes());
        }
        GradeFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for row in &rows {
                writer.serialize(row).map_err(|e| Error::Io {
                    action: "write",
                    path: "CSV".into(),
                    source: e.into(),
                })?;
            }
            let bytes = writer.into_inner().map_err(|e| Error::Io {
                action: "write",
                path: "CSV".into(),
                source: e.into_error(),
            })?;
            let _ = out.write_all(&bytes);
        }
    }
    Ok(if strays.is_empty() { EXIT_OK } else { EXIT_ERROR })
}

/// The course a learner's workspace says it is for (`None` when its progress file is missing or
/// does not say). Read for a warning only.
fn workspace_course(root: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Named {
        course: String,
    }
    let text = fs::read_to_string(root.join(crate::workspace::PROGRESS_FILE)).ok()?;
    toml::from_str::<Named>(&text).ok().map(|n| n.course)
}

/// The warning for workspaces of other courses: which learners, which courses, and the flag that
/// grades them with theirs.
fn stray_warning(strays: &[(&str, &str)], graded: &str, submissions: &str, embedded: bool) -> String {
    let mut others: Vec<&str> = strays.iter().map(|(_, course)| *course).collect();
    others.sort_unstable();
    others.dedup();
    let others = others.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(" and ");
    let learners = strays.iter().map(|(l, _)| *l).collect::<Vec<_>>().join(", ");
    let (workspaces, are, them) =
        if strays.len() == 1 { ("workspace", "is", "it") } else { ("workspaces", "are", "them") };
    let source = if embedded { " (the course built into learn)" } else { "" };
    format!(
        "the {workspaces} of {learners} in {submissions} {are} for the course {others}, not {graded:?}{source}: \
         not graded.\nGrade {them} with {their} course: `learn grade {submissions} --course COURSE` (the course's \
         folder, or its file from `learn dev pack`)",
        their = if strays.len() == 1 { "its" } else { "their" }
    )
}

#[cfg(test)]
mod tests {
    use super::stray_warning;

    #[test]
    fn the_warning_names_the_learners_both_courses_and_the_flag() {
        assert_eq!(
            stray_warning(&[("alice", "x")], "interior-mutability", "subs", true),
            "the workspace of alice in subs is for the course \"x\", not \"interior-mutability\" (the course built \
             into learn): not graded.\nGrade it with its course: `learn grade subs --course COURSE` (the course's \
             folder, or its file from `learn dev pack`)"
        );
        assert!(stray_warning(&[("alice", "y"), ("bob", "x"), ("carol", "x")], "c", "subs", false).starts_with(
            "the workspaces of alice, bob, carol in subs are for the course \"x\" and \"y\", not \"c\": \
                 not graded.\nGrade them with their course:"
        ));
    }
}
