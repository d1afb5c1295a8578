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

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::GradeFormat;
use crate::commands::{Ctx, grade_once};
use crate::course_files::CourseFiles;
use crate::error::{EXIT_OK, Error, Result};
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
        Some(d) => CourseFiles::Dir(ctx.cwd.join(d)),
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
    let toolchain = Toolchain::resolve()?;
    let build_root = tempfile::Builder::new().prefix("learn-grade").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;

    let course = &loaded.course;
    let work: Vec<(usize, usize)> =
        (0..learners.len()).flat_map(|l| (0..course.exercises.len()).map(move |e| (l, e))).collect();
    let grade_one = |&(l, e): &(usize, usize)| {
        let (name, root) = &learners[l];
        let ex = &course.exercises[e];
        let file = root.join(course.exercise_path(ex));
        let build_dir = build_root.path().join(format!("{l}-{}", ex.name));
        let (status, passed, total, message) = match grade_once(ctx, &loaded, &toolchain, ex, &file, &build_dir) {
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
    Ok(EXIT_OK)
}
