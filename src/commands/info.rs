//! `learn list` and `learn hint`: reading the course and the learner's progress.

use std::io::Write;

use crate::commands::{Ctx, Opened, say};
use crate::error::{EXIT_OK, Result};
use crate::ui::render;

pub fn list(ctx: &Ctx, out: &mut dyn Write) -> Result<i32> {
    let opened = Opened::open(ctx)?;
    let _ = render::list(out, &ctx.styles, &opened.loaded.course, &opened.progress);
    Ok(EXIT_OK)
}

pub fn hint(ctx: &Ctx, out: &mut dyn Write, name: Option<&str>, all: bool) -> Result<i32> {
    let opened = Opened::open(ctx)?;
    let Some((_, ex)) = opened.exercise(name)? else {
        say(out, "Every exercise is done: name one to see its hints, e.g. `learn hint rate_limiter`.");
        return Ok(EXIT_OK);
    };
    let shown = opened.progress.hints.get(&ex.name).copied().unwrap_or(0);
    if !all && !ex.hints.is_empty() && shown >= ex.hints.len() {
        let lesson = opened.loaded.files.lesson()?;
        let reading = lesson.has_reading(ex).then(|| format!("`learn lesson {}`", ex.name));
        let _ = render::no_more_hints(out, &ctx.styles, ex, reading.as_deref());
        return Ok(EXIT_OK);
    }
    let (level, _) = opened.ws.update_progress(|p| p.next_hint(&ex.name, ex.hints.len()))?;
    let _ = render::hints(out, &ctx.styles, ex, level, all);
    Ok(EXIT_OK)
}
