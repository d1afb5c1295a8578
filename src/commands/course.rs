//! `learn course [PLACE]`: which course this workspace uses and where it is read from; with PLACE,
//! point the workspace at its course's new place (a folder or a packed file) after the course
//! moved. The progress file keeps that place relative to the workspace (see
//! [`Workspace::course_reference`]); the course must be the one the workspace was made for.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::{Ctx, no_workspace, open_course, say};
use crate::error::{EXIT_OK, Error, Result};
use crate::ui::style::paint;
use crate::workspace::Workspace;

pub fn course(ctx: &Ctx, out: &mut dyn Write, place: Option<PathBuf>) -> Result<i32> {
    let ws = Workspace::find(&ctx.cwd).ok_or_else(|| no_workspace(ctx))?;
    match place {
        None => show(ctx, out, &ws),
        Some(place) => repoint(ctx, out, &ws, &place),
    }
}

/// Says which course the workspace uses, and where from.
fn show(ctx: &Ctx, out: &mut dyn Write, ws: &Workspace) -> Result<i32> {
    let progress = ws.load_progress()?;
    let loaded = ws.load_course(&progress)?;
    let from = match (&progress.course_dir, loaded.files.location()) {
        (Some(recorded), Some(place)) => {
            format!("read from {} ({})", paint(ctx.styles.path, recorded.display()), ctx.display(place))
        }
        _ => "built into learn".to_string(),
    };
    say(out, format!("{} ({:?}), {from}.", paint(ctx.styles.bold, &loaded.course.title), loaded.course.name));
    Ok(EXIT_OK)
}

/// Points the workspace at the course at `place`, once it is sure that is the workspace's course.
fn repoint(ctx: &Ctx, out: &mut dyn Write, ws: &Workspace, place: &Path) -> Result<i32> {
    let loaded = open_course(ctx, place)?.load()?;
    let location = loaded.files.location().expect("a course on disk").to_path_buf();
    let reference = ws.course_reference(&location);
    let expected = ws.load_progress()?.course;
    if loaded.course.name != expected {
        return Err(Error::OtherCourse { place: location, found: loaded.course.name, expected });
    }
    ws.update_progress(|p| p.course_dir = Some(reference.clone()))?;
    say(
        out,
        format!(
            "This workspace now reads {} from {}.",
            paint(ctx.styles.bold, &loaded.course.title),
            paint(ctx.styles.path, reference.display())
        ),
    );
    Ok(EXIT_OK)
}
