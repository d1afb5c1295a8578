//! `learn run [NAME]`: grade one exercise once, record a pass, name what comes next.

use std::io::Write;

use crate::cli::Format;
use crate::commands::{Ctx, Opened, say};
use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Error, Result};
use crate::grader::Graded;
use crate::runner::Cancel;
use crate::ui::render;
use crate::ui::results::{self, Results};
use crate::ui::style::paint;

pub fn run(ctx: &Ctx, out: &mut dyn Write, name: Option<&str>, format: Format) -> Result<i32> {
    let mut opened = Opened::open(ctx)?;
    let Some((index, ex)) = opened.exercise(name)? else {
        say(out, "Every exercise is done: there is nothing left to run. `learn verify` grades them all again.");
        return Ok(EXIT_OK);
    };
    let ex = ex.clone();
    opened.ensure_unlocked(index)?;
    let report = match opened.grade(ctx, &ex, &Cancel::new()) {
        Ok(Graded::Report(report)) => report,
        Ok(Graded::Cancelled) => unreachable!("nothing cancels a single run"),
        Err(e @ Error::ExerciseFile { .. }) if format == Format::Json => {
            let _ = out.write_all(results::to_json(&Results::error(e.to_string())).as_bytes());
            return Ok(EXIT_ERROR);
        }
        Err(e) => return Err(e),
    };
    if format == Format::Json {
        let _ = out.write_all(results::to_json(&Results::of(&report.verdict, &report.explanations)).as_bytes());
        if report.verdict.passed() {
            opened.record_pass(&ex, &report.hash)?;
            return Ok(EXIT_OK);
        }
        return Ok(EXIT_FAILED);
    }
    let s = &ctx.styles;
    let _ = render::report(out, s, &ex.name, &report, render::WRAP);
    if !report.verdict.passed() {
        say(out, "");
        say(out, paint(s.dim, format!("Stuck? `learn hint {}` gives a hint.", ex.name)));
        return Ok(EXIT_FAILED);
    }
    let solution = opened.record_pass(&ex, &report.hash)?;
    say(out, "");
    say(out, format!("Compare with the reference solution: {}", paint(s.path, ctx.display(&solution))));
    after_pass(ctx, out, &opened);
    Ok(EXIT_OK)
}

/// What to do next: the next exercise, or the end of the course.
pub fn after_pass(ctx: &Ctx, out: &mut dyn Write, opened: &Opened) {
    let course = &opened.loaded.course;
    let s = &ctx.styles;
    match opened.progress.current(course) {
        Some(next) => {
            let ex = &course.exercises[next];
            let path = ctx.display(&opened.ws.exercise_file(course, ex));
            say(out, format!("Next: {} ({})", paint(s.bold, &ex.name), paint(s.path, path)));
        }
        None => {
            say(out, "");
            say(out, paint(s.pass, format!("You finished every exercise of {}!", course.title)));
            if !course.done_message.trim().is_empty() {
                say(out, course.done_message.trim_end());
            }
        }
    }
}
