//! `learn list` and `learn hint`: reading the course and the learner's progress; `learn doctor`:
//! which protections graded programs get on this machine.

use std::io::Write;

use crate::commands::{Ctx, Opened, say};
use crate::error::{EXIT_OK, Result};
use crate::ui::render;
use crate::ui::style::paint;

pub fn list(ctx: &Ctx, out: &mut dyn Write) -> Result<i32> {
    let mut opened = Opened::open(ctx)?;
    opened.progress.changed = opened.ws.changed_since(&opened.loaded.course, &opened.progress);
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
    let _ = render::hints(out, &ctx.styles, ex, level, all, render::WRAP);
    Ok(EXIT_OK)
}

pub fn doctor(ctx: &Ctx, out: &mut dyn Write) -> Result<i32> {
    let s = &ctx.styles;
    let found = crate::sandbox::protections();
    say(out, format!("Protections for graded programs on this machine ({}):", std::env::consts::OS));
    let width = found.items.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in &found.items {
        let mark = if p.active { paint(s.pass, "✓") } else { paint(s.fail, "✗") };
        say(out, format!("  {mark} {:<width$}  {}", p.name, p.detail));
    }
    if found.confined() {
        say(out, "\nGraded programs are confined: `learn grade` can grade submissions here.");
        Ok(EXIT_OK)
    } else {
        say(out, "\nGraded programs are not fully confined here: `learn grade` refuses to run without `--unconfined`.");
        Ok(crate::error::EXIT_FAILED)
    }
}
