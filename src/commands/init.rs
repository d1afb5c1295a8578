//! `learn init [DIR] [--course COURSE]`: create a workspace, for the course built into `learn` or
//! for a course on disk (a folder, or a file from `learn dev pack`).

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use crate::classroom;
use crate::commands::{Ctx, say};
use crate::course_files::CourseFiles;
use crate::error::{EXIT_OK, Error, Result};
use crate::ui::style::paint;
use crate::workspace::Workspace;

pub fn init(ctx: &Ctx, out: &mut dyn Write, dir: Option<PathBuf>, course: Option<PathBuf>, git: bool) -> Result<i32> {
    let ws = create(ctx, dir, course)?;
    say(out, welcome(ctx, &ws)?);
    if git {
        say(out, "");
        say(out, init_git(ctx, &ws)?);
    }
    Ok(EXIT_OK)
}

/// Writes the Classroom workflow, makes the workspace a git repository and commits it. Returns
/// what to tell the learner.
fn init_git(ctx: &Ctx, ws: &Workspace) -> Result<String> {
    let progress = ws.load_progress()?;
    let loaded = ws.load_course(&progress)?;
    let workflow = ws.root.join(classroom::WORKFLOW_PATH);
    if let Some(dir) = workflow.parent() {
        fs::create_dir_all(dir).map_err(|source| Error::Io { action: "create", path: dir.to_path_buf(), source })?;
    }
    let source = match loaded.files.location() {
        Some(_) => classroom::CourseSource::Url,
        None => classroom::CourseSource::BuiltIn,
    };
    fs::write(&workflow, classroom::workflow(&loaded.course, source)).map_err(|source| Error::Io {
        action: "write",
        path: workflow.clone(),
        source,
    })?;
    let git = |args: &[&str]| {
        Command::new("git").args(args).current_dir(&ws.root).output().map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::GitMissing,
            _ => Error::Spawn { program: "git".into(), source },
        })
    };
    for args in [&["init", "--quiet"][..], &["add", "--all"]] {
        let out = git(args)?;
        if !out.status.success() {
            return Err(Error::Git {
                step: args.join(" "),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
    }
    let message = format!("Start {}", loaded.course.title);
    let commit = git(&["commit", "--quiet", "-m", &message])?;
    let shown = ctx.display(&ws.root);
    let set_url = match source {
        classroom::CourseSource::BuiltIn => String::new(),
        classroom::CourseSource::Url => format!(
            "\nThe workflow grades with the course downloaded from the Actions variable {}: pack the course with \
             `learn dev pack`, put the file where the workflow can fetch it, and set the variable to its URL.",
            classroom::COURSE_URL_VARIABLE
        ),
    };
    Ok(if commit.status.success() {
        format!(
            "Made {shown} a git repository with a GitHub Classroom workflow ({}), committed and ready to push.{set_url}",
            classroom::WORKFLOW_PATH
        )
    } else {
        format!(
            "Made {shown} a git repository with a GitHub Classroom workflow ({}); its files are staged but not committed (git said: {}). Commit them with `git commit -m \"{message}\"`.{set_url}",
            classroom::WORKFLOW_PATH,
            String::from_utf8_lossy(&commit.stderr).lines().next().unwrap_or("").trim()
        )
    })
}

/// Creates a workspace in `dir` (default: `./<course name>`) for the embedded course or the one at
/// `course` (a folder or a packed file).
pub fn create(ctx: &Ctx, dir: Option<PathBuf>, course: Option<PathBuf>) -> Result<Workspace> {
    let files = match course {
        Some(place) => super::open_course(ctx, &place)?,
        None => CourseFiles::Embedded,
    };
    let loaded = files.load()?;
    let dir = ctx.cwd.join(dir.unwrap_or_else(|| PathBuf::from(&loaded.course.name)));
    Workspace::create(&dir, &loaded)
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
