//! `learn dev pack [DIR] [--output FILE]`: pack a course folder into one file (see [`crate::pack`])
//! that ships the course to learners: `learn init --course FILE` makes a workspace for it, and
//! every `--course` takes it. Only what a course carries goes in (see [`crate::course_layout`]);
//! the course must load and every exercise must have its three files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::commands::{Ctx, say};
use crate::error::{EXIT_OK, Error, Result};
use crate::pack::{EXTENSION, Pack};
use crate::ui::render;
use crate::ui::style::paint;
use crate::workspace::write_atomic;

pub fn pack(ctx: &Ctx, out: &mut dyn Write, dir: Option<PathBuf>, output: Option<PathBuf>) -> Result<i32> {
    let (_, loaded) = crate::commands::open_course_dir(ctx, &dir.unwrap_or_default())?;
    let course = &loaded.course;
    // A pack missing a file would fail only on a learner's machine: refuse it here.
    for ex in &course.exercises {
        for rel in [course.exercise_path(ex), course.solution_path(ex), course.hidden_tests_path(ex)] {
            if !loaded.files.exists(&rel) {
                return Err(Error::CourseFileMissing { path: loaded.files.display(&rel) });
            }
        }
    }
    let mut files = BTreeMap::new();
    for rel in loaded.files.carried_files(&course.hidden_tests_dir) {
        let text = loaded.files.read(&rel)?.into_owned();
        files.insert(rel, text);
    }
    let count = files.len();
    let path = ctx.cwd.join(output.unwrap_or_else(|| PathBuf::from(format!("{}.{EXTENSION}", course.name))));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { action: "create", path: dir.into(), source })?;
    }
    write_atomic(&path, Pack::new(&course.name, files).to_toml().as_bytes())?;
    let shown = ctx.display(&path);
    say(
        out,
        format!(
            "Packed {} ({}, {}) into {}.\n\
             Learners start with `learn init --course {shown}`; grade with `learn grade SUBMISSIONS --course {shown}`.",
            paint(ctx.styles.bold, &course.title),
            render::count(course.exercises.len(), "exercise"),
            render::count(count, "file"),
            paint(ctx.styles.path, &shown),
        ),
    );
    Ok(EXIT_OK)
}
