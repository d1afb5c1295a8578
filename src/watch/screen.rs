//! The watch screen, drawn from a [`View`] into any `Write`: a header with the progress bar, the
//! exercise being graded (a clickable path), its verdict, then whatever the learner asked for
//! (a hint, the list, a confirmation) and the keys; or, instead of the verdict, the lesson's section
//! for the exercise.

use std::io::{self, Write};

use crate::course::{Course, Exercise};
use crate::grader::Report;
use crate::progress::Progress;
use crate::ui::render;
use crate::ui::style::{Styles, paint};

/// What the screen says about the exercise on view.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// Being graded now.
    Grading,
    Report(&'a Report),
    /// The file could not be graded (missing, empty, not text) or grading failed.
    Problem(&'a str),
    /// Nothing graded yet (manual mode).
    Waiting,
}

/// Everything one screen shows.
pub struct View<'a> {
    pub course: &'a Course,
    pub progress: &'a Progress,
    pub exercise: &'a Exercise,
    /// The exercise's path, possibly as a terminal hyperlink.
    pub path: String,
    pub status: Status<'a>,
    /// Lines above the exercise: what just happened (a save of another file, a reset, ...).
    pub notices: &'a [String],
    /// After a pass: where the reference solution is, and whether `n` moves on.
    pub solution: Option<String>,
    /// Hint levels to show (1-based, up to).
    pub hint: Option<usize>,
    /// Said under the hints (after the last one: where to read on).
    pub hint_note: Option<&'a str>,
    /// The lesson's section for the exercise, rendered, shown instead of the verdict.
    pub section: Option<&'a str>,
    /// Whether the lesson has a section for the exercise (so `s` shows something).
    pub has_section: bool,
    pub list: bool,
    pub prompt: Option<&'a str>,
    pub manual: bool,
}

/// Draws `view`.
pub fn draw(w: &mut dyn Write, s: &Styles, view: &View<'_>) -> io::Result<()> {
    let total = view.course.exercises.len();
    let done = view.progress.done_count(view.course);
    writeln!(w, "{}  {}", paint(s.bold, &view.course.title), render::progress_bar(s, done, total, 30))?;
    for notice in view.notices {
        writeln!(w, "{}", paint(s.warn, notice))?;
    }
    writeln!(w)?;
    let index = view.course.find(&view.exercise.name).map_or(0, |(i, _)| i + 1);
    writeln!(w, "Exercise {index} of {total}: {} ({})", paint(s.bold, &view.exercise.name), view.path)?;
    writeln!(w)?;
    if let Some(section) = view.section {
        write!(w, "{section}")?;
        writeln!(w)?;
        writeln!(w, "{}", paint(s.dim, "keys: s back to the verdict · h hint · l list · q quit"))?;
        return Ok(());
    }
    match view.status {
        Status::Grading => writeln!(w, "{}", paint(s.dim, format!("Grading {}…", view.exercise.name)))?,
        Status::Report(report) => render::report(w, s, &view.exercise.name, report)?,
        Status::Problem(text) => writeln!(w, "{} {text}", paint(s.fail, "✗"))?,
        Status::Waiting => writeln!(w, "{}", paint(s.dim, "Press r to grade it."))?,
    }
    if let Some(solution) = &view.solution {
        writeln!(w)?;
        writeln!(w, "Compare with the reference solution: {}", paint(s.path, solution))?;
        match view.progress.current(view.course) {
            Some(_) => writeln!(w, "{}", paint(s.pass, "Press n for the next exercise."))?,
            None => writeln!(w, "{}", paint(s.pass, "That was the last exercise."))?,
        }
    }
    if let Some(level) = view.hint {
        writeln!(w)?;
        render::hints(w, s, view.exercise, level, true)?;
    }
    if let Some(note) = view.hint_note {
        writeln!(w, "{}", paint(s.hint, note))?;
    }
    if view.list {
        writeln!(w)?;
        render::list(w, s, view.course, view.progress)?;
    }
    if let Some(prompt) = view.prompt {
        writeln!(w)?;
        writeln!(w, "{}", paint(s.warn, prompt))?;
    }
    writeln!(w)?;
    let section = if view.has_section { "s section · " } else { "" };
    let regrade = if view.manual { "r grade" } else { "r regrade" };
    writeln!(w, "{}", paint(s.dim, format!("keys: h hint · {section}n next · l list · {regrade} · x reset · q quit")))
}
