//! `learn verify` (grade every unlocked exercise again) and `learn repair` (rebuild a damaged
//! progress file by grading the exercises in order).

use std::fs;
use std::io::Write;

use crate::cli::Format;
use crate::commands::{Ctx, Opened, say};
use crate::course_files::CourseFiles;
use crate::error::{EXIT_FAILED, EXIT_OK, Error, Result};
use crate::grader::Graded;
use crate::progress::{Progress, Status};
use crate::runner::Cancel;
use crate::ui::progress::ProgressLine;
use crate::ui::render;
use crate::ui::results::{self, ExerciseResults, Results};
use crate::ui::style::paint;
use crate::workspace::Workspace;

pub fn verify(
    ctx: &Ctx,
    out: &mut dyn Write,
    names: &[String],
    all: bool,
    format: Format,
    course_dir: Option<std::path::PathBuf>,
) -> Result<i32> {
    // The grade must be trusted (a classroom score): the course comes from the command line or
    // learn itself, never from the workspace's own files.
    let opened = Opened::open_trusted(ctx, course_dir)?;
    let course = &opened.loaded.course;
    let s = &ctx.styles;
    let chosen: Vec<usize> = if names.is_empty() {
        (0..course.exercises.len()).filter(|&i| all || opened.progress.status(course, i) != Status::Locked).collect()
    } else {
        names
            .iter()
            .map(|n| opened.exercise(Some(n)).map(|found| found.map_or(0, |(i, _)| i)))
            .collect::<Result<_>>()?
    };
    let what = if all || !names.is_empty() { "" } else { "unlocked " };
    let mut passing = 0;
    let mut entries = Vec::new();
    let mut progress = ProgressLine::new(ctx, chosen.len());
    for &i in &chosen {
        let ex = &course.exercises[i];
        progress.show(out, &ex.name);
        let status = opened.progress.status(course, i);
        let (results, line) = match opened.grade(ctx, ex, &Cancel::new()) {
            Ok(Graded::Report(r)) => {
                let line = if r.verdict.passed() {
                    passing += 1;
                    format!("{} {}", paint(s.pass, "✓"), ex.name)
                } else {
                    let note = match status {
                        Status::Done => " (done before, fails now)",
                        Status::Current => " (current)",
                        Status::Locked => " (locked)",
                    };
                    format!(
                        "{} {}{}: {}",
                        paint(s.fail, "✗"),
                        ex.name,
                        paint(s.warn, note),
                        render::headline(&r.verdict)
                    )
                };
                (Results::of(&r.verdict, &r.explanations), line)
            }
            Ok(Graded::Cancelled) => return Err(Error::Interrupted),
            Err(e @ Error::ExerciseFile { .. }) => {
                let line = format!("{} {}: {e}", paint(s.fail, "✗"), ex.name);
                (Results::error(e.to_string()), line)
            }
            Err(e) => return Err(e),
        };
        progress.clear(out);
        match format {
            Format::Text => say(out, line),
            Format::Json => entries.push(ExerciseResults { exercise: ex.name.clone(), results }),
        }
    }
    match format {
        Format::Text => say(out, format!("\n{passing} of {} {what}exercises pass.", chosen.len())),
        Format::Json => {
            let _ = out.write_all(results::to_json(&entries).as_bytes());
        }
    }
    Ok(if passing == chosen.len() { EXIT_OK } else { EXIT_FAILED })
}

pub fn repair(ctx: &Ctx, out: &mut dyn Write, course: Option<std::path::PathBuf>) -> Result<i32> {
    let default_dir = CourseFiles::Embedded.load().map(|c| c.course.name).unwrap_or_default();
    let ws = Workspace::find(&ctx.cwd).ok_or_else(|| Error::NoWorkspace { start: ctx.cwd.clone(), default_dir })?;
    let s = &ctx.styles;
    let path = ws.progress_path();
    match ws.load_progress() {
        Ok(_) => {
            say(out, format!("{} is fine: nothing to repair.", ctx.display(&path)));
            return Ok(EXIT_OK);
        }
        Err(Error::ProgressDamaged { .. }) => {}
        Err(e) => return Err(e),
    }
    let _lock = ws.lock()?;
    let damaged = fs::read(&path).map_err(|source| Error::Io { action: "read", path: path.clone(), source })?;
    let copy = (1..)
        .map(|n| ws.root.join(format!("{}.damaged-{n}", crate::workspace::PROGRESS_FILE)))
        .find(|p| !p.exists())
        .expect("an unused name");
    fs::write(&copy, &damaged).map_err(|source| Error::Io { action: "write", path: copy.clone(), source })?;
    say(out, format!("Kept a copy of the damaged file in {}", paint(s.path, ctx.display(&copy))));

    let files = match course {
        Some(place) => super::open_course(ctx, &place)?,
        // A course that is not where the damaged file says is as good as a lost line.
        None => match salvage_course_dir(&String::from_utf8_lossy(&damaged)).map(|r| ws.root.join(r)) {
            Some(place) if place.exists() => CourseFiles::open(&place)?,
            _ => CourseFiles::Embedded,
        },
    };
    let loaded = files.load()?;
    if loaded.course.exercises.first().is_some_and(|ex| !ws.exercise_file(&loaded.course, ex).exists()) {
        return Err(Error::UnknownCourse { path: ws.root.clone() });
    }
    let course_dir = loaded.files.location().map(|place| ws.course_reference(place));
    let mut opened = Opened::new(ws, loaded.clone(), Progress::new(&loaded.course.name, course_dir));
    say(out, "Grading your exercises in order to rebuild your progress:");
    let exercises = opened.loaded.course.exercises.clone();
    for ex in &exercises {
        let report = match opened.grade(ctx, ex, &Cancel::new()) {
            Ok(Graded::Report(r)) => r,
            Ok(Graded::Cancelled) => return Err(Error::Interrupted),
            Err(e @ Error::ExerciseFile { .. }) => {
                say(out, format!("  {} {}: {e}", paint(s.warn, "→"), ex.name));
                break;
            }
            Err(e) => return Err(e),
        };
        if !report.verdict.passed() {
            say(
                out,
                format!(
                    "  {} {}: {} (this is your current exercise)",
                    paint(s.warn, "→"),
                    ex.name,
                    render::headline(&report.verdict)
                ),
            );
            break;
        }
        say(out, format!("  {} {}", paint(s.pass, "✓"), ex.name));
        opened.progress.mark_done(&ex.name, &report.hash);
    }
    opened.ws.save_progress(&opened.progress)?;
    opened.ws.write_cargo_manifest(&opened.loaded.course, &opened.progress)?;
    let done = opened.progress.done_count(&opened.loaded.course);
    say(out, format!("Rebuilt {} with {} done.", ctx.display(&path), render::count(done, "exercise")));
    Ok(EXIT_OK)
}

/// The `course_dir = "..."` line of a damaged progress file, if it survived (relative to the
/// workspace root).
fn salvage_course_dir(text: &str) -> Option<std::path::PathBuf> {
    #[derive(serde::Deserialize)]
    struct Line {
        course_dir: std::path::PathBuf,
    }
    text.lines()
        .filter(|l| l.trim_start().starts_with("course_dir"))
        .find_map(|l| toml::from_str::<Line>(l).ok())
        .map(|l| l.course_dir)
}
