//! The watch screen, drawn from a [`View`] into any `Write`, at a given width and (in a terminal)
//! height. It never exceeds the terminal: the header (course, progress, the exercise and its
//! clickable path) and the verdict's headline are pinned at the top, the keys are pinned at the
//! bottom, and what lies between (the errors from the first one down, a hint, the list, the
//! lesson's section) scrolls, with a line saying how much more there is. Every line is wrapped to
//! the width. In a pipe (no height) the whole screen is written.

use std::io::{self, Write};

use crate::course::{Course, Exercise};
use crate::grader::Report;
use crate::progress::{Progress, Status as ExerciseStatus};
use crate::ui::render;
use crate::ui::style::{Styles, paint};

/// What the screen says about the exercise on view.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// Being graded now, for this many whole seconds (shown from the first second on).
    Grading(u64),
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
    /// The exercise's path as text, and as a terminal hyperlink where the terminal shows them.
    pub path: &'a str,
    pub link: Option<&'a str>,
    pub status: Status<'a>,
    /// Lines under the header: what just happened (a save of another file, a reset, ...).
    pub notices: &'a [String],
    /// After a pass: where the reference solution is.
    pub solution: Option<&'a str>,
    /// Hint levels to show (1-based, up to).
    pub hint: Option<usize>,
    /// Said under the hints (after the last one: where to read on).
    pub hint_note: Option<&'a str>,
    /// The lesson's section for the exercise, rendered, shown instead of the verdict.
    pub section: Option<&'a str>,
    /// Whether the lesson has a section for the exercise (so `s` shows something).
    pub has_section: bool,
    /// The list of exercises is open, with its cursor on this exercise (an index).
    pub list: Option<usize>,
    pub prompt: Option<&'a str>,
    pub manual: bool,
    /// Lines scrolled down from the top of the scrolling part.
    pub scroll: usize,
}

/// Where the scrolling part ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drawn {
    /// The scroll position used (clamped, or moved to keep the list's cursor in view).
    pub scroll: usize,
    /// The largest useful scroll position (0 when everything fits).
    pub max_scroll: usize,
    /// Lines of the scrolling part that fit on one screen.
    pub page: usize,
}

/// The narrowest width the screen is laid out for; a narrower terminal cuts lines instead.
const MIN_WIDTH: usize = 24;

/// Draws `view` at `width` columns; within `height` rows when given (then no line ends the last
/// one, so the terminal never scrolls).
pub fn draw(w: &mut dyn Write, s: &Styles, view: &View<'_>, width: usize, height: Option<usize>) -> io::Result<Drawn> {
    let width = width.max(MIN_WIDTH);
    let (top, body, focus) = (header(s, view, width), body(s, view, width)?, list_focus(view));
    let bottom = footer(s, view, width);
    let (lines, drawn) = lay_out(s, top, body, bottom, focus, view.scroll, width, height);
    let text = lines.join("\n");
    match height {
        Some(_) => w.write_all(text.as_bytes())?,
        None => writeln!(w, "{text}")?,
    }
    Ok(drawn)
}

/// The pinned top: course and progress, notices, the exercise, the verdict's headline.
fn header(s: &Styles, view: &View<'_>, width: usize) -> Vec<String> {
    let total = view.course.exercises.len();
    let done = view.progress.done_count(view.course);
    let title = &view.course.title;
    // The bar gives way to the title on narrow screens (down to 10 columns).
    let count = format!(" {done}/{total}");
    let room = width.saturating_sub(title.chars().count() + 4 + count.len());
    let bar = render::progress_bar(s, done, total, room.clamp(10, 30));
    let mut top = fit(&format!("{}  {bar}", paint(s.bold, title)), width);
    for notice in view.notices {
        top.extend(wrap_styled(notice, width, |l| paint(s.warn, l)));
    }
    top.push(String::new());
    let index = view.course.find(&view.exercise.name).map_or(0, |(i, _)| i + 1);
    let plain = format!("Exercise {index} of {total}: {} ({})", view.exercise.name, view.path);
    match view.link {
        // A link is kept whole when the line fits; otherwise the plain path wraps.
        Some(link) if visible_width(&plain) <= width => {
            top.push(format!("Exercise {index} of {total}: {} ({link})", paint(s.bold, &view.exercise.name)))
        }
        _ => top.extend(fit(&plain, width)),
    }
    top.push(String::new());
    if view.section.is_some() {
        return top;
    }
    let headline = match view.status {
        Status::Grading(0) => paint(s.dim, format!("Grading {}…", view.exercise.name)),
        Status::Grading(secs) => paint(s.dim, format!("Grading {}… {secs} s", view.exercise.name)),
        Status::Report(report) => {
            let mut buf = Vec::new();
            let _ = render::verdict(&mut buf, s, &view.exercise.name, &report.verdict, &[], width);
            String::from_utf8_lossy(&buf).lines().next().unwrap_or_default().to_string()
        }
        Status::Problem(text) => format!("{} {text}", paint(s.fail, "✗")),
        Status::Waiting => paint(s.dim, "Press r to grade it."),
    };
    top.extend(fit(&headline, width));
    top
}

/// The scrolling part: what the learner asked for (the list, a hint) first, then the verdict's
/// details, the compiler's warnings, the program's output and, after a pass, the solution.
fn body(s: &Styles, view: &View<'_>, width: usize) -> io::Result<Vec<String>> {
    let mut buf = Vec::new();
    if let Some(section) = view.section {
        return Ok(section.lines().flat_map(|l| fit(l, width)).collect());
    }
    if let Some(cursor) = view.list {
        buf.push(b'\n');
        list(&mut buf, s, view, cursor)?;
    }
    if let Some(level) = view.hint {
        writeln!(buf)?;
        render::hints(&mut buf, s, view.exercise, level, true, width)?;
        let total = view.exercise.hints.len();
        match view.hint_note {
            Some(note) => writeln!(buf, "{}", paint(s.hint, note))?,
            None if level >= total => {
                writeln!(buf, "{}", paint(s.dim, format!("(that was the last of {total} hints)")))?
            }
            None => writeln!(buf, "{}", paint(s.dim, "(h again for the next hint)"))?,
        }
    }
    if let Status::Report(report) = view.status {
        let mut verdict = Vec::new();
        render::verdict(&mut verdict, s, &view.exercise.name, &report.verdict, &report.explanations, width)?;
        // The headline is pinned above; the details follow it.
        let verdict = String::from_utf8_lossy(&verdict);
        if let Some((_, details)) = verdict.split_once('\n') {
            buf.extend_from_slice(details.as_bytes());
        }
        if !report.warnings.is_empty() {
            let count = report.warnings.len();
            let plural = if count == 1 { "" } else { "s" };
            writeln!(buf)?;
            let title = format!("{count} compiler warning{plural} (warnings do not fail an exercise):");
            writeln!(buf, "{}", paint(s.warn, title))?;
            for warning in &report.warnings {
                writeln!(buf, "{}", warning.rendered.trim_end())?;
            }
        }
        render::program_output(&mut buf, s, report)?;
    }
    if let Some(solution) = view.solution {
        writeln!(buf)?;
        writeln!(buf, "Compare with the reference solution: {}", paint(s.path, solution))?;
        match view.progress.current(view.course) {
            Some(_) => writeln!(buf, "{}", paint(s.pass, "Press n for the next exercise."))?,
            None => writeln!(buf, "{}", paint(s.pass, "That was the last exercise."))?,
        }
    }
    let text = String::from_utf8_lossy(&buf);
    Ok(text.lines().flat_map(|l| fit(l.trim_end(), width)).collect())
}

/// The list of exercises, with a cursor: the state of each, and which one is on view.
fn list(w: &mut dyn Write, s: &Styles, view: &View<'_>, cursor: usize) -> io::Result<()> {
    let course = view.course;
    let name_width = course.exercises.iter().map(|e| e.name.len()).max().unwrap_or(4);
    writeln!(w, "{}", paint(s.bold, "Exercises (↑/↓ to choose, Enter to open, l to close):"))?;
    for (i, ex) in course.exercises.iter().enumerate() {
        let (state, style) = match view.progress.status(course, i) {
            ExerciseStatus::Done => ("done", s.pass),
            ExerciseStatus::Current => ("next", s.warn),
            ExerciseStatus::Locked => ("locked", s.dim),
        };
        let mark = if i == cursor { "›" } else { " " };
        let on_view = if ex.name == view.exercise.name { "  (on screen)" } else { "" };
        let state = paint(style, format!("{state:<6}"));
        writeln!(w, "{mark} {:>2}  {state}  {:<name_width$}{on_view}", i + 1, ex.name)?;
    }
    Ok(())
}

/// The body line the list's cursor is on, to keep in view.
fn list_focus(view: &View<'_>) -> Option<usize> {
    // A blank line and the list's title come first.
    view.list.filter(|_| view.section.is_none()).map(|cursor| cursor + 2)
}

/// The pinned bottom: a question waiting for an answer, and the keys that do something now.
fn footer(s: &Styles, view: &View<'_>, width: usize) -> Vec<String> {
    let mut bottom = Vec::new();
    if let Some(prompt) = view.prompt {
        bottom.extend(wrap_styled(prompt, width, |l| paint(s.warn, l)));
    }
    // Wrapped between keys, never inside one.
    let mut line = String::from("keys:");
    for key in keys(view) {
        let sep = if line == "keys:" { " " } else { " · " };
        if line.chars().count() + sep.chars().count() + key.chars().count() > width && line != "keys:" {
            bottom.push(paint(s.dim, std::mem::take(&mut line)));
            line.push_str(key);
        } else {
            line.push_str(sep);
            line.push_str(key);
        }
    }
    bottom.extend(fit(&line, width).into_iter().map(|l| paint(s.dim, l)));
    bottom
}

/// The keys that do something on this screen, in words.
pub fn keys(view: &View<'_>) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if view.section.is_some() {
        keys.extend(["s back to the verdict", "h hint", "l list (toggle)", "q quit"]);
        return keys;
    }
    if view.list.is_some() {
        keys.push("Enter open");
    }
    let seen = view.progress.hints.get(&view.exercise.name).copied().unwrap_or(0);
    let levels = view.exercise.hints.len();
    if seen < levels {
        keys.push("h hint");
    } else if levels > 0 && view.hint.is_none() {
        keys.push("h hints");
    }
    if view.has_section {
        keys.push("s section (toggle)");
    }
    let course = view.course;
    let viewing = course.find(&view.exercise.name).map(|(i, _)| i);
    let done = viewing.is_some_and(|i| view.progress.status(course, i) == ExerciseStatus::Done);
    if done && view.progress.current(course).is_some_and(|next| Some(next) != viewing) {
        keys.push("n next");
    }
    keys.push("l list (toggle)");
    keys.push(if view.manual { "r grade" } else { "r regrade" });
    keys.push("x reset");
    keys.push("q quit");
    keys
}

/// Puts the three parts together within `height` (when given), the scrolling part cut to the room
/// left and a line saying what is above and below.
#[allow(clippy::too_many_arguments)]
fn lay_out(
    s: &Styles,
    mut top: Vec<String>,
    body: Vec<String>,
    bottom: Vec<String>,
    focus: Option<usize>,
    scroll: usize,
    width: usize,
    height: Option<usize>,
) -> (Vec<String>, Drawn) {
    let Some(height) = height else {
        let mut lines = top;
        lines.extend(body);
        lines.push(String::new());
        lines.extend(bottom);
        return (lines, Drawn::default());
    };
    // The bottom and the headline are never given up; when rows are short, blank lines go
    // first, then the lines under the course's title (notes, then the exercise's name).
    let fixed = bottom.len() + 1;
    while top.len() + fixed + 1 > height && top.len() > 1 {
        match top[..top.len() - 1].iter().position(String::is_empty) {
            Some(blank) => top.remove(blank),
            None if top.len() > 2 => top.remove(1),
            None => top.remove(0),
        };
    }
    let fits = top.len() + body.len() + 1 + bottom.len() <= height;
    if fits {
        let mut lines = top;
        lines.extend(body);
        lines.push(String::new());
        lines.extend(bottom);
        return (lines, Drawn { scroll: 0, max_scroll: 0, page: height });
    }
    // One row for the line that says there is more.
    let page = height.saturating_sub(top.len() + bottom.len() + 1).max(1);
    let max_scroll = body.len().saturating_sub(page);
    let mut scroll = scroll.min(max_scroll);
    if let Some(line) = focus {
        if line < scroll {
            scroll = line;
        } else if line >= scroll + page {
            scroll = (line + 1 - page).min(max_scroll);
        }
    }
    let below = body.len() - (scroll + page).min(body.len());
    let mut more = Vec::new();
    if scroll > 0 {
        more.push(format!("↑ {} above", lines_count(scroll)));
    }
    if below > 0 {
        more.push(format!("↓ {} more {}", below, if below == 1 { "line" } else { "lines" }));
    }
    let mut more = more.join(" · ");
    const HOW: &str = " (↑/↓ j/k PgUp/PgDn g/G)";
    if visible_width(&more) + HOW.chars().count() <= width {
        more.push_str(HOW);
    }
    let mut lines = top;
    lines.extend(body.into_iter().skip(scroll).take(page));
    lines.extend(fit(&paint(s.warn, more), width).into_iter().take(1));
    lines.extend(bottom);
    lines.truncate(height);
    (lines, Drawn { scroll, max_scroll, page })
}

fn lines_count(n: usize) -> String {
    if n == 1 { "1 line".into() } else { format!("{n} lines") }
}

/// `text` wrapped to `width` at spaces, each line painted by `paint_line`.
fn wrap_styled(text: &str, width: usize, paint_line: impl Fn(&str) -> String) -> Vec<String> {
    text.lines().flat_map(|l| fit(l, width)).map(|l| paint_line(&l)).collect()
}

/// `line` as it fits in `width` columns: as it is when it does, else broken at spaces (long words
/// cut), the continuation indented like the line itself.
pub fn fit(line: &str, width: usize) -> Vec<String> {
    if visible_width(line) <= width {
        return vec![line.to_string()];
    }
    let line = strip_links(line);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let pad = " ".repeat(indent.min(width / 2));
    let options = textwrap::Options::new(width)
        .subsequent_indent(&pad)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(&line, &options).into_iter().map(|l| l.trim_end().to_string()).collect()
}

/// The columns `line` takes on screen: escape sequences (colours, links) take none.
pub fn visible_width(line: &str) -> usize {
    textwrap::core::display_width(&strip_links(line))
}

/// `line` without OSC 8 hyperlinks' escape sequences (their text stays).
fn strip_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("\x1b]") {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match rest.find("\x1b\\") {
            Some(end) => rest = &rest[end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{TestOutcome, TestStatus, Verdict};

    fn course() -> Course {
        Course::parse(
            r#"format_version = 1
[course]
name = "c"
title = "Cells"
[[exercises]]
name = "counter"
topic = "t"
hints = ["Look at the field's type.", "A Cell lets you set it through a shared reference."]
[[exercises]]
name = "cache"
topic = "t"
hints = ["One"]
"#,
            "info.toml",
        )
        .unwrap()
    }

    fn failed(lines: usize) -> Report {
        let message = (1..=lines).map(|i| format!("line {i} of the message")).collect::<Vec<_>>().join("\n");
        let tests = vec![TestOutcome {
            name: "counts".into(),
            status: TestStatus::Failed,
            message: Some(message),
            output: None,
            description: String::new(),
            origin: crate::verdict::Origin::Hidden,
        }];
        Report {
            verdict: Verdict::TestsFailed { tests },
            explanations: Vec::new(),
            warnings: Vec::new(),
            hash: String::new(),
            program_output: None,
        }
    }

    fn view<'a>(course: &'a Course, progress: &'a Progress, status: Status<'a>) -> View<'a> {
        View {
            course,
            progress,
            exercise: &course.exercises[0],
            path: "exercises/t/counter.rs",
            link: None,
            status,
            notices: &[],
            solution: None,
            hint: None,
            hint_note: None,
            section: None,
            has_section: false,
            list: None,
            prompt: None,
            manual: false,
            scroll: 0,
        }
    }

    fn screen(view: &View<'_>, width: usize, height: Option<usize>) -> (String, Drawn) {
        let mut buf = Vec::new();
        let drawn = draw(&mut buf, &Styles::plain(), view, width, height).unwrap();
        (String::from_utf8(buf).unwrap(), drawn)
    }

    #[test]
    fn a_screen_that_fits_is_drawn_whole() {
        let (course, progress) = (course(), Progress::new("c", None));
        let report = failed(2);
        let (text, drawn) = screen(&view(&course, &progress, Status::Report(&report)), 60, Some(20));
        assert_eq!(
            text,
            "Cells  [------------------------------] 0/2\n\n\
             Exercise 1 of 2: counter (exercises/t/counter.rs)\n\n\
             ✗ counter: 1 of 1 hidden tests failed.\n\n  ✗ counts\n      line 1 of the message\n      \
             line 2 of the message\n\n\
             keys: h hint · l list (toggle) · r regrade · x reset\nq quit"
        );
        assert_eq!(drawn, Drawn { scroll: 0, max_scroll: 0, page: 20 });
    }

    #[test]
    fn a_long_verdict_keeps_its_headline_and_says_how_much_is_below() {
        let (course, progress) = (course(), Progress::new("c", None));
        let report = failed(30);
        let (text, drawn) = screen(&view(&course, &progress, Status::Report(&report)), 40, Some(12));
        assert_eq!(
            text,
            "Cells  [---------------------------] 0/2\n\n\
             Exercise 1 of 2: counter\n(exercises/t/counter.rs)\n\n\
             ✗ counter: 1 of 1 hidden tests failed.\n\n  ✗ counts\n      line 1 of the message\n\
             ↓ 29 more lines (↑/↓ j/k PgUp/PgDn g/G)\n\
             keys: h hint · l list (toggle)\nr regrade · x reset · q quit"
        );
        assert_eq!(text.lines().count(), 12);
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        assert_eq!(drawn, Drawn { scroll: 0, max_scroll: 29, page: 3 });
    }

    #[test]
    fn scrolling_moves_the_middle_and_clamps_at_the_end() {
        let (course, progress) = (course(), Progress::new("c", None));
        let report = failed(30);
        let mut v = view(&course, &progress, Status::Report(&report));
        v.scroll = 100;
        let (text, drawn) = screen(&v, 60, Some(10));
        assert_eq!(
            text,
            "Cells  [------------------------------] 0/2\n\n\
             Exercise 1 of 2: counter (exercises/t/counter.rs)\n\n\
             ✗ counter: 1 of 1 hidden tests failed.\n      line 29 of the message\n      line 30 of the message\n\
             ↑ 30 lines above (↑/↓ j/k PgUp/PgDn g/G)\n\
             keys: h hint · l list (toggle) · r regrade · x reset\nq quit"
        );
        assert_eq!(drawn.scroll, 30);
    }

    #[test]
    fn grading_shows_the_seconds_and_keys_show_only_what_applies() {
        let (course, mut progress) = (course(), Progress::new("c", None));
        progress.hints.insert("counter".into(), 2);
        let mut v = view(&course, &progress, Status::Grading(3));
        v.hint = Some(2);
        let (text, _) = screen(&v, 80, Some(24));
        assert_eq!(
            text,
            "Cells  [------------------------------] 0/2\n\n\
             Exercise 1 of 2: counter (exercises/t/counter.rs)\n\n\
             Grading counter… 3 s\n\n\
             Hint 1 of 2 for counter:\n  Look at the field's type.\n\n\
             Hint 2 of 2 for counter:\n  A Cell lets you set it through a shared reference.\n\
             (that was the last of 2 hints)\n\n\
             keys: l list (toggle) · r regrade · x reset · q quit"
        );
        progress.done.insert("counter".into(), String::new());
        let mut v = view(&course, &progress, Status::Waiting);
        v.manual = true;
        assert_eq!(keys(&v), ["h hints", "n next", "l list (toggle)", "r grade", "x reset", "q quit"]);
    }

    #[test]
    fn the_list_keeps_its_cursor_in_view_and_marks_the_exercise_on_screen() {
        let (course, progress) = (course(), Progress::new("c", None));
        let report = failed(30);
        let mut v = view(&course, &progress, Status::Report(&report));
        v.list = Some(1);
        let (text, _) = screen(&v, 60, None);
        assert!(
            text.contains(
                "Exercises (↑/↓ to choose, Enter to open, l to close):\n   1  next    counter  (on screen)\n\
                 ›  2  locked  cache\n"
            ),
            "{text}"
        );
        assert!(text.contains("keys: Enter open · h hint"), "{text}");
    }

    #[test]
    fn a_tiny_terminal_keeps_the_headline_and_the_keys() {
        let (course, progress) = (course(), Progress::new("c", None));
        let report = failed(30);
        let notices = ["You saved cache: showing its verdict.".to_string()];
        let mut v = view(&course, &progress, Status::Report(&report));
        v.notices = &notices;
        let (text, _) = screen(&v, 80, Some(6));
        assert_eq!(
            text,
            "Cells  [------------------------------] 0/2\n\
             Exercise 1 of 2: counter (exercises/t/counter.rs)\n\
             ✗ counter: 1 of 1 hidden tests failed.\n\n\
             ↓ 31 more lines (↑/↓ j/k PgUp/PgDn g/G)\n\
             keys: h hint · l list (toggle) · r regrade · x reset · q quit"
        );
    }

    #[test]
    fn long_lines_are_fitted_to_the_width() {
        assert_eq!(fit("short", 10), ["short"]);
        assert_eq!(fit("   a long line of words", 12), ["   a long", "   line of", "   words"]);
        assert_eq!(fit("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
        assert_eq!(visible_width("\x1b[1mbold\x1b[0m"), 4);
        assert_eq!(visible_width("\x1b]8;;file:///a\x1b\\a.rs\x1b]8;;\x1b\\"), 4);
    }
}
