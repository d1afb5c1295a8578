//! `learn reset NAME`: back up the learner's version, then restore the starting file.

use std::io::Write;

use crate::commands::{Ctx, Opened, say};
use crate::error::{EXIT_OK, Result};
use crate::ui::style::paint;

pub fn reset(ctx: &Ctx, out: &mut dyn Write, name: &str) -> Result<i32> {
    let opened = Opened::open(ctx)?;
    let (_, ex) = opened.exercise(Some(name))?.expect("a named exercise");
    let s = &ctx.styles;
    if let Some(backup) = opened.ws.backup(&opened.loaded.course, ex)? {
        say(out, format!("Your version is saved in {}", paint(s.path, ctx.display(&backup))));
    }
    let path = opened.ws.restore(&opened.loaded, ex)?;
    say(out, format!("Restored the original {}", paint(s.path, ctx.display(&path))));
    Ok(EXIT_OK)
}
