//! `learn init [DIR] [--course COURSE_DIR]`: create a workspace.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::{Ctx, say};
use crate::course_files::CourseFiles;
use crate::error::{EXIT_OK, Error, Result};
use crate::ui::style::paint;
use crate::workspace::Workspace;

pub fn init(ctx: &Ctx, out: &mut dyn Write, dir: Option<PathBuf>, course: Option<PathBuf>) -> Result<i32> {
    let ws = create(ctx, dir, course)?;
    say(out, welcome(ctx, &ws)?);
    Ok(EXIT_OK)
}

/// Creates a workspace in `dir` (default: `./<course name>`) for the embedded course or the one in
/// `course_dir`.
pub fn create(ctx: &Ctx, dir: Option<PathBuf>, course_dir: Option<PathBuf>) -> Result<Workspace> {
    let course_dir = match course_dir {
        Some(d) => {
            let abs = ctx.cwd.join(&d);
            let abs = abs.canonicalize().map_err(|source| Error::Io { action: "open", path: abs.clone(), source })?;
            if !abs.join(crate::course_files::MANIFEST).is_file() {
                return Err(Error::NoCourse { dir: abs });
            }
            Some(abs)
        }
        None => None,
    };
    let files = course_dir.clone().map_or(CourseFiles::Embedded, CourseFiles::Dir);
    let loaded = files.load()?;
    let dir = ctx.cwd.join(dir.unwrap_or_else(|| PathBuf::from(&loaded.course.name)));
    Workspace::create(&dir, &loaded, course_dir)
}

/// The text that greets a new workspace.
pub fn welcome(ctx: &Ctx, ws: &Workspace) -> Result<String> {
    let progress = ws.load_progress()?;
    let loaded = ws.load_course(&progress)?;
    let s = &ctx.styles;
    let mut text = format!(
        "Created the workspace {} for {} ({} exercises).\n",
        paint(s.path, ctx.display(&ws.root)),
        paint(s.bold, &loaded.course.title),
        loaded.course.exercises.len()
    );
    if !loaded.course.welcome.trim().is_empty() {
        text.push('\n');
        text.push_str(loaded.course.welcome.trim_end());
        text.push('\n');
    }
    let shown = ctx.display(&ws.root);
    let cd = if shown.is_empty() { String::new() } else { format!("cd {shown} && ") };
    text.push_str(&format!("\nNext: `{cd}learn watch`, then open the first exercise in your editor."));
    Ok(text)
}
