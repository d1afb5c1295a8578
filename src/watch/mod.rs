//! `learn watch`: grade the current exercise on every save, instantly, and never show a stale verdict.
//!
//! One loop owns all state and reads one [`Event`] channel; the file watcher, the key reader and the
//! grading threads only send. What a save does:
//! - Events for a file are gathered until the save is complete: on Linux a write in place is complete
//!   when the writer closes the file (`Closed`); a file replaced by a rename is complete at once; other
//!   events settle after [`SETTLE`] without news. A half-written file is never graded.
//! - The content is hashed. A hash already graded shows its verdict at once, without compiling.
//! - Otherwise a grading of that content starts. A save during a grading *cancels* it (its process
//!   group is killed) and starts over on the new content; every grading carries a generation number
//!   and only the newest one's verdict is ever shown.
//! - Where file events may not arrive (network and FUSE file systems, WSL's Windows drives), or once
//!   a change is seen that no event reported, files are polled instead; the header says so and why.
//!
//! In a terminal the screen is drawn on the alternate screen, at the terminal's size (see
//! [`screen`]), and drawn again when the terminal is resized. What is transient stays so: notes
//! about a save or a reset go at the next grading; the list, a hint and the lesson's section close
//! when a new verdict arrives or another exercise comes on view, which also scrolls back to the top.

mod files;
mod fs_kind;
mod input;
mod screen;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::commands::{Ctx, Opened};
use crate::error::{EXIT_OK, Error, Result};
use crate::grader::{self, Graded, Report};
use crate::lesson::Lesson;
use crate::progress::Status as ExerciseStatus;
use crate::runner::Cancel;
use crate::sys;
use crate::ui::terminal::{self, Capabilities};
use crate::workspace::Workspace;

pub use files::Change;
pub use input::Key;

/// Quiet time after a file event before the file counts as saved (when no close event will come).
pub const SETTLE: Duration = Duration::from_millis(25);
/// How long to wait for the close of a file written in place before grading it anyway.
const CLOSE_WAIT: Duration = Duration::from_millis(1000);

/// Everything the watch loop reacts to.
pub enum Event {
    File {
        path: PathBuf,
        change: Change,
    },
    WatchError(String),
    Key(Key),
    InputClosed,
    /// The terminal changed size.
    Resize,
    Graded {
        generation: u64,
        index: usize,
        hash: String,
        result: Result<Graded>,
    },
    /// File events missed a change: polling from now on, for this reason.
    Polling(String),
}

/// `learn watch` options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// No file watching: grade on `r` only.
    pub manual: bool,
    /// Poll the files instead of waiting for file-system events.
    pub poll: bool,
}

struct Pending {
    deadline: Instant,
    waiting_for_close: bool,
}

struct Running {
    index: usize,
    hash: String,
    cancel: Cancel,
    handle: JoinHandle<()>,
    /// When the exercise's incremental cache was cold: what to compile to warm it once the
    /// verdict is on screen.
    warm: Option<(grader::Job, String)>,
}

/// What is on view for the exercise.
enum Shown {
    /// Being graded since then.
    Grading(Instant),
    Report(Report),
    Problem(String),
    Waiting,
}

struct Watch<'c> {
    ctx: &'c Ctx,
    opened: Opened,
    caps: Capabilities,
    opts: Options,
    tx: Sender<Event>,
    viewing: usize,
    shown: Shown,
    generation: u64,
    running: Option<Running>,
    /// The thread filling a graded exercise's incremental cache (see [`Watch::start_warming`]).
    warming: Option<Running>,
    /// Last verdict per exercise, by the hash of the content it was for.
    cache: HashMap<usize, (String, Report)>,
    pending: HashMap<usize, Pending>,
    notices: Vec<String>,
    /// Why the files are polled, when `learn` chose to: the first line under the title.
    polling: Option<String>,
    solution: Option<String>,
    hint: Option<usize>,
    /// Said under the hints when the learner asks past the last one.
    hint_note: Option<String>,
    /// The lesson's section for the exercise is on view instead of its verdict (key `s`).
    section: bool,
    /// The list of exercises is open, its cursor on this exercise.
    list: Option<usize>,
    confirm_reset: bool,
    /// Lines scrolled down, and where the last screen's scrolling ended up.
    scroll: usize,
    drawn: screen::Drawn,
    /// The hash of each exercise file's content as last seen, so a save that changed nothing in
    /// another exercise does not take the view there.
    seen: HashMap<usize, String>,
    /// The course's lesson (empty when it has none).
    lesson: Lesson,
    /// The last exercise passed: say so and stop.
    finished: bool,
}

/// Runs watch mode until the learner quits or finishes the course.
pub fn watch(ctx: &Ctx, out: &mut dyn Write, opts: Options) -> Result<i32> {
    let mut notices = Vec::new();
    let ws = match Workspace::find(&ctx.cwd) {
        Some(ws) => ws,
        None => {
            let ws = crate::commands::create_workspace(ctx, None, None)?;
            notices.push(format!("Created the workspace {} for you: your files are there.", ctx.display(&ws.root)));
            ws
        }
    };
    let opened = Opened::load(ws)?;
    let lesson = opened.loaded.files.lesson()?;
    let Some(current) = opened.progress.current(&opened.loaded.course) else {
        crate::commands::say(
            out,
            "Every exercise is done: there is nothing left to watch. `learn verify` grades them all again.",
        );
        return Ok(EXIT_OK);
    };

    let (tx, rx) = mpsc::channel();
    let mut polling = None;
    let _watcher = if opts.manual {
        None
    } else {
        let dir = files::exercises_dir(&opened.ws.root);
        let course = &opened.loaded.course;
        let exercises = course.exercises.iter().map(|ex| opened.ws.exercise_file(course, ex)).collect();
        let started =
            files::start(&dir, &tx, opts.poll, exercises).map_err(|e| Error::Watch { reason: e.to_string() })?;
        notices.extend(started.warning);
        polling = started.polling;
        Some(started.watcher)
    };
    let caps = Capabilities::detect();
    let key_mode = if caps.redraw { sys::KeyMode::enter() } else { None };
    if key_mode.is_some() {
        sys::on_signal(sys::restore_terminal);
        install_panic_hook();
        terminal::enter_alternate_screen(out);
        input::spawn_resize(tx.clone());
    }
    input::spawn(tx.clone(), key_mode.is_some());
    let seen = (0..opened.loaded.course.exercises.len())
        .filter_map(|i| {
            let ex = &opened.loaded.course.exercises[i];
            let text = std::fs::read(opened.ws.exercise_file(&opened.loaded.course, ex)).ok()?;
            Some((i, grader::content_hash(&text)))
        })
        .collect();

    let mut watch = Watch {
        ctx,
        opened,
        caps,
        opts,
        tx,
        viewing: current,
        shown: Shown::Waiting,
        generation: 0,
        running: None,
        warming: None,
        cache: HashMap::new(),
        pending: HashMap::new(),
        notices: Vec::new(),
        polling,
        solution: None,
        hint: None,
        hint_note: None,
        section: false,
        list: None,
        confirm_reset: false,
        scroll: 0,
        drawn: screen::Drawn::default(),
        seen,
        lesson,
        finished: false,
    };
    if !opts.manual {
        watch.grade(current, false);
    }
    watch.notices = notices;
    watch.draw(out);
    let code = watch.run(out, &rx);
    watch.stop_running();
    drop(key_mode);
    if watch.caps.redraw && watch.finished {
        // The alternate screen is gone: the last screen stays in the terminal, whole.
        watch.caps.redraw = false;
        watch.draw(out);
    }
    code
}

impl Watch<'_> {
    fn run(&mut self, out: &mut dyn Write, rx: &mpsc::Receiver<Event>) -> Result<i32> {
        loop {
            let next_deadline = self.pending.values().map(|p| p.deadline).chain(self.next_tick()).min();
            let event = match next_deadline {
                Some(deadline) => match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(event) => Some(event),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(EXIT_OK),
                },
                None => match rx.recv() {
                    Ok(event) => Some(event),
                    Err(_) => return Ok(EXIT_OK),
                },
            };
            let mut redraw = false;
            let timed_out = event.is_none();
            if let Some(event) = event {
                match self.handle(event) {
                    Flow::Continue(r) => redraw = r,
                    Flow::Exit(code) => {
                        self.draw(out);
                        return Ok(code);
                    }
                }
            }
            let now = Instant::now();
            let due: Vec<usize> = self.pending.iter().filter(|(_, p)| p.deadline <= now).map(|(i, _)| *i).collect();
            for index in due {
                self.pending.remove(&index);
                redraw |= self.saved(index);
            }
            // A wait that ended without news while grading: the elapsed time on screen moved on.
            redraw |= timed_out && self.next_tick().is_some();
            if self.finished {
                self.draw(out);
                return Ok(EXIT_OK);
            }
            if redraw {
                self.draw(out);
            }
        }
    }

    fn handle(&mut self, event: Event) -> Flow {
        match event {
            Event::File { path, change } => {
                self.file_event(&path, change);
                Flow::Continue(false)
            }
            Event::WatchError(e) => {
                self.notices.push(format!("The file watcher reported a problem: {e}"));
                Flow::Continue(true)
            }
            Event::Polling(why) => {
                self.polling = Some(why);
                Flow::Continue(true)
            }
            Event::Key(key) => self.key(key),
            Event::InputClosed => Flow::Continue(false),
            Event::Resize => Flow::Continue(true),
            Event::Graded { generation, index, hash, result } => self.graded(generation, index, hash, result),
        }
    }

    /// Gathers the events of one save (see the module docs).
    fn file_event(&mut self, path: &std::path::Path, change: Change) {
        let course = &self.opened.loaded.course;
        let Some(index) = course.exercises.iter().position(|ex| self.opened.ws.exercise_file(course, ex) == path)
        else {
            return; // a swap, backup or temporary file, or a file that is not an exercise
        };
        let now = Instant::now();
        let pending = self.pending.entry(index).or_insert(Pending { deadline: now, waiting_for_close: false });
        match change {
            Change::Written if files::REPORTS_CLOSE => {
                pending.waiting_for_close = true;
                pending.deadline = now + CLOSE_WAIT;
            }
            Change::Closed => {
                pending.waiting_for_close = false;
                pending.deadline = now;
            }
            Change::Written | Change::Replaced if !pending.waiting_for_close => pending.deadline = now + SETTLE,
            Change::Written | Change::Replaced => {}
        }
    }

    /// While grading in a terminal: when the elapsed time on screen next changes.
    fn next_tick(&self) -> Option<Instant> {
        match self.shown {
            Shown::Grading(since) if self.caps.redraw => {
                let secs = since.elapsed().as_secs() + 1;
                Some(since + Duration::from_secs(secs))
            }
            _ => None,
        }
    }

    /// A save of exercise `index` is complete. Returns whether to redraw.
    fn saved(&mut self, index: usize) -> bool {
        let course = &self.opened.loaded.course;
        let file = self.opened.ws.exercise_file(course, &course.exercises[index]);
        let hash = std::fs::read(&file).ok().map(|text| grader::content_hash(&text));
        let unchanged = hash.is_some() && self.seen.get(&index) == hash.as_ref();
        if let Some(hash) = hash {
            self.seen.insert(index, hash);
        }
        if index == self.viewing {
            if !unchanged {
                self.notices.clear(); // they were about the content before this save
            }
            return self.grade(index, false);
        }
        if unchanged {
            return false; // saved as it was: nothing to show, and the view stays
        }
        let course = &self.opened.loaded.course;
        let name = course.exercises[index].name.clone();
        if self.opened.progress.status(course, index) == ExerciseStatus::Locked {
            self.notices = vec![locked_note(course, &self.opened.progress, index, true)];
            return true;
        }
        self.view(index);
        self.grade(index, false);
        self.notices = vec![format!("You saved {name}: showing its verdict.")];
        true
    }

    fn view(&mut self, index: usize) {
        self.viewing = index;
        self.solution = None;
        self.hint = None;
        self.hint_note = None;
        self.section = false;
        self.list = None;
        self.confirm_reset = false;
        self.scroll = 0;
    }

    /// Grades the exercise's current content, unless that content's verdict is known (then shows it)
    /// or is being worked out now. `force` regrades anyway. Returns whether to redraw.
    fn grade(&mut self, index: usize, force: bool) -> bool {
        let ex = self.opened.loaded.course.exercises[index].clone();
        let job = match self.opened.job(self.ctx, &ex) {
            Ok(job) => job,
            Err(e) => return self.problem(index, e),
        };
        let source = match grader::read_learner_file(&job.learner_file, &ex.name, &self.opened.ws.root) {
            Ok(source) => source,
            Err(e) => {
                self.stop_running();
                return self.problem(index, e);
            }
        };
        let hash = grader::content_hash(source.as_bytes());
        if !force {
            if let Some((cached, report)) = self.cache.get(&index)
                && *cached == hash
            {
                if index != self.viewing {
                    return false;
                }
                let report = report.clone();
                self.stop_running();
                self.show(report, &hash);
                return true;
            }
            if self.running.as_ref().is_some_and(|r| r.index == index && r.hash == hash) {
                // Already being graded (ahead of time, or a moment ago): its verdict will come.
                if index == self.viewing && !matches!(self.shown, Shown::Grading(_)) {
                    self.shown = Shown::Grading(Instant::now());
                }
                return index == self.viewing;
            }
        }
        self.stop_running();
        self.generation += 1;
        let generation = self.generation;
        let cancel = Cancel::new();
        let tx = self.tx.clone();
        let thread_cancel = cancel.clone();
        let thread_hash = hash.clone();
        let width = self.width();
        // The first compile of an exercise goes faster without writing an incremental cache; the
        // cache is filled once the verdict is on screen (see `graded`), so the next save is fast too.
        let cold = grader::cache_is_cold(&job);
        let warm = cold.then(|| (job.clone(), source.clone()));
        let first = grader::Job { incremental: !cold, diagnostic_width: Some(width), ..job };
        let handle = std::thread::spawn(move || {
            let result = grader::grade(&first, &source, &thread_cancel);
            let _ = tx.send(Event::Graded { generation, index, hash: thread_hash, result });
        });
        self.running = Some(Running { index, hash, cancel, handle, warm });
        if index == self.viewing {
            self.shown = Shown::Grading(Instant::now());
        }
        true
    }

    /// Cancels the grading in progress and the cache warming, if any, and waits for their threads
    /// (a few milliseconds: their processes are killed), so two compiles never share a build folder.
    fn stop_running(&mut self) {
        for running in [self.running.take(), self.warming.take()].into_iter().flatten() {
            running.cancel.cancel();
            let _ = running.handle.join();
        }
    }

    fn problem(&mut self, index: usize, e: Error) -> bool {
        if index == self.viewing {
            let text = match e {
                // In watch mode the way back is a key, and paths are the workspace's.
                Error::ExerciseFile { path, problem, .. } => {
                    let path = path.strip_prefix(&self.opened.ws.root).unwrap_or(&path);
                    format!("{} {problem}: press x to restore the original", path.display())
                }
                e => e.to_string(),
            };
            self.shown = Shown::Problem(text);
            self.scroll = 0;
        }
        true
    }

    fn graded(&mut self, generation: u64, index: usize, hash: String, result: Result<Graded>) -> Flow {
        if generation != self.generation {
            return Flow::Continue(false); // a cancelled grading: its content is outdated
        }
        let warm = self.running.take().and_then(|running| {
            let _ = running.handle.join(); // it has just sent this verdict
            running.warm
        });
        let report = match result {
            Ok(Graded::Report(report)) => report,
            Ok(Graded::Cancelled) => return Flow::Continue(false),
            Err(e) => return Flow::Continue(self.problem(index, e)),
        };
        self.cache.insert(index, (hash.clone(), report.clone()));
        // A file that does not compile leaves nothing worth caching.
        let warm = warm.filter(|_| !matches!(report.verdict, crate::verdict::Verdict::CompileError { .. }));
        if index != self.viewing {
            self.start_warming(index, hash, warm);
            return Flow::Continue(false); // graded ahead of time: kept for when it is on view
        }
        self.show(report, &hash);
        self.start_warming(index, hash, warm);
        Flow::Continue(true)
    }

    /// Fills the incremental cache of an exercise whose verdict is known, in the background, for
    /// the next save's sake (see [`grader::warm`]); the next grading stops it.
    fn start_warming(&mut self, index: usize, hash: String, warm: Option<(grader::Job, String)>) {
        let Some((job, source)) = warm else { return };
        // One filling at a time: an older one (another exercise's) is stopped, not left running.
        if let Some(older) = self.warming.take() {
            older.cancel.cancel();
            let _ = older.handle.join();
        }
        let cancel = Cancel::new();
        let thread_cancel = cancel.clone();
        let handle = std::thread::spawn(move || grader::warm(&job, &source, &thread_cancel));
        self.warming = Some(Running { index, hash, cancel, handle, warm: None });
    }

    /// Shows the verdict of the exercise on view. A pass is recorded (once), the solution is named,
    /// and the next exercise is graded in the background so that `n` shows it at once.
    fn show(&mut self, report: Report, hash: &str) {
        let passed = report.verdict.passed();
        self.shown = Shown::Report(report);
        // A new verdict replaces what was asked about the previous one, and shows from its top.
        self.hint = None;
        self.hint_note = None;
        self.section = false;
        self.list = None;
        self.scroll = 0;
        if !passed {
            return;
        }
        let course = &self.opened.loaded.course;
        let ex = course.exercises[self.viewing].clone();
        if self.opened.progress.status(course, self.viewing) == ExerciseStatus::Done {
            let solution = self.opened.ws.solution_file(course, &ex);
            self.solution = solution.is_file().then(|| self.ctx.display(&solution));
        } else {
            match self.opened.record_pass(&ex, hash) {
                Ok(solution) => self.solution = Some(self.ctx.display(&solution)),
                Err(e) => self.notices.push(format!("Could not record the pass: {e}")),
            }
        }
        let course = &self.opened.loaded.course;
        match self.opened.progress.current(course) {
            Some(next) if next != self.viewing && !self.opts.manual => {
                self.grade(next, false);
            }
            Some(_) => {}
            None => {
                let mut text = format!("You finished every exercise of {}!", course.title);
                if !course.done_message.trim().is_empty() {
                    text.push('\n');
                    text.push_str(course.done_message.trim());
                }
                self.notices.push(text);
                self.finished = true;
            }
        }
    }

    fn key(&mut self, key: Key) -> Flow {
        if self.confirm_reset {
            self.confirm_reset = false;
            if key == Key::Char('y') || key == Key::Char('Y') {
                self.reset();
            } else {
                self.notices = vec!["Reset cancelled: your file is untouched.".into()];
            }
            return Flow::Continue(true);
        }
        let key = match key {
            Key::Char(c) => c,
            Key::Enter => return Flow::Continue(self.open_from_list()),
            moved => return Flow::Continue(self.scroll_by(moved)),
        };
        if "hHnNlLrRxX".contains(key) {
            self.section = false; // back to the verdict, where what the key does shows
        }
        let course = &self.opened.loaded.course;
        match key {
            'q' | 'Q' => return Flow::Exit(EXIT_OK),
            'j' => return Flow::Continue(self.scroll_by(Key::Down)),
            'k' => return Flow::Continue(self.scroll_by(Key::Up)),
            'g' => return Flow::Continue(self.scroll_by(Key::Home)),
            'G' => return Flow::Continue(self.scroll_by(Key::End)),
            'h' | 'H' => {
                let ex = &course.exercises[self.viewing];
                let (name, levels) = (ex.name.clone(), ex.hints.len());
                let shown = self.opened.progress.hints.get(&name).copied().unwrap_or(0);
                self.scroll = 0;
                if levels == 0 {
                    self.notices = vec![format!("{name} has no hints.")];
                } else if shown >= levels {
                    let read = match &ex.section {
                        Some(title) if self.lesson.has_reading(ex) => format!(": press s to read “{title}”"),
                        None if self.lesson.has_reading(ex) => ": press s to read its chapter of the lesson".into(),
                        _ => String::new(),
                    };
                    self.hint_note = Some(format!("That was the last hint for {name}{read}."));
                    self.hint = Some(levels);
                } else {
                    match self.opened.ws.update_progress(|p| p.next_hint(&name, levels)) {
                        Ok((level, progress)) => {
                            self.opened.progress = progress;
                            self.hint = Some(level);
                            self.hint_note = None;
                        }
                        Err(e) => self.notices = vec![format!("Could not save the hint level: {e}")],
                    }
                }
            }
            // Moves to the current exercise once the one on view is done.
            'n' | 'N' => match self.opened.progress.current(course) {
                Some(next)
                    if next != self.viewing
                        && self.opened.progress.status(course, self.viewing) == ExerciseStatus::Done =>
                {
                    self.notices.clear();
                    self.open(next);
                }
                _ => self.notices = vec!["n moves on once this exercise passes.".into()],
            },
            'l' | 'L' => {
                self.list = match self.list {
                    Some(_) => None,
                    None => Some(self.viewing),
                };
                self.scroll = 0;
            }
            's' | 'S' => {
                let ex = &course.exercises[self.viewing];
                if self.lesson.has_reading(ex) {
                    self.section = !self.section;
                    self.scroll = 0;
                } else {
                    self.notices = vec![format!("The course's lesson has no section for {}.", ex.name)];
                }
            }
            'r' | 'R' => {
                self.notices.clear();
                self.grade(self.viewing, true);
            }
            'x' | 'X' => self.confirm_reset = true,
            _ => return Flow::Continue(false),
        }
        Flow::Continue(true)
    }

    /// Puts exercise `index` on view and shows its verdict (known, or graded now).
    fn open(&mut self, index: usize) {
        self.view(index);
        self.shown = Shown::Waiting;
        if !self.opts.manual {
            self.grade(index, false);
        }
    }

    /// Enter: opens the exercise under the list's cursor, when it is unlocked.
    fn open_from_list(&mut self) -> bool {
        let Some(cursor) = self.list else { return false };
        let course = &self.opened.loaded.course;
        if self.opened.progress.status(course, cursor) == ExerciseStatus::Locked {
            self.notices = vec![locked_note(course, &self.opened.progress, cursor, false)];
            return true;
        }
        self.notices.clear();
        if cursor == self.viewing {
            self.list = None;
        } else {
            self.open(cursor);
        }
        true
    }

    /// Scrolls the screen (or moves the list's cursor, when the list is open) for `key`.
    fn scroll_by(&mut self, key: Key) -> bool {
        if let Some(cursor) = self.list.filter(|_| !self.section) {
            let last = self.opened.loaded.course.exercises.len() - 1;
            let page = self.drawn.page.max(2) - 1;
            let moved = match key {
                Key::Up => cursor.saturating_sub(1),
                Key::Down => (cursor + 1).min(last),
                Key::PageUp => cursor.saturating_sub(page),
                Key::PageDown => (cursor + page).min(last),
                Key::Home => 0,
                Key::End => last,
                Key::Char(_) | Key::Enter => cursor,
            };
            self.list = Some(moved);
            return moved != cursor;
        }
        let (now, max, page) = (self.drawn.scroll, self.drawn.max_scroll, self.drawn.page.max(2) - 1);
        let moved = match key {
            Key::Up => now.saturating_sub(1),
            Key::Down => (now + 1).min(max),
            Key::PageUp => now.saturating_sub(page),
            Key::PageDown => (now + page).min(max),
            Key::Home => 0,
            Key::End => max,
            Key::Char(_) | Key::Enter => now,
        };
        self.scroll = moved;
        moved != now
    }

    fn reset(&mut self) {
        let course = &self.opened.loaded.course;
        let ex = course.exercises[self.viewing].clone();
        let backup = match self.opened.ws.backup(course, &ex) {
            Ok(backup) => backup,
            Err(e) => {
                self.notices = vec![format!("Reset failed, your file is untouched: {e}")];
                return;
            }
        };
        match self.opened.ws.restore(&self.opened.loaded, &ex) {
            Ok(path) => {
                let saved =
                    backup.map(|b| format!(" (your version is in {})", self.ctx.display(&b))).unwrap_or_default();
                let note = format!("Restored the original {}{saved}.", self.ctx.display(&path));
                self.solution = None;
                if let Ok(text) = std::fs::read(&path) {
                    self.seen.insert(self.viewing, grader::content_hash(&text));
                }
                if !self.opts.manual {
                    self.grade(self.viewing, false);
                }
                self.notices = vec![note];
            }
            Err(e) => self.notices = vec![format!("Reset failed: {e}")],
        }
    }

    /// The lesson's section for `ex` (or its topic's chapter), rendered to the screen's width.
    fn section_text(&self, ex: &crate::course::Exercise) -> Option<String> {
        let markdown = match &ex.section {
            Some(title) => self.lesson.section(title).and_then(|(chapter, _)| chapter.section_text(title))?,
            None => self.lesson.chapter(&ex.topic)?.text.clone(),
        };
        Some(crate::ui::lesson::render(&markdown, self.width(), &self.ctx.styles))
    }

    /// The width to draw at: the terminal's, or [`terminal::PIPE_WIDTH`] when not drawing in one.
    fn width(&self) -> usize {
        if self.caps.redraw { terminal::width() } else { terminal::PIPE_WIDTH }
    }

    fn draw(&mut self, out: &mut dyn Write) {
        let course = &self.opened.loaded.course;
        let ex = &course.exercises[self.viewing];
        let file = self.opened.ws.exercise_file(course, ex);
        let status = match &self.shown {
            Shown::Grading(since) => screen::Status::Grading(since.elapsed().as_secs()),
            Shown::Report(r) => screen::Status::Report(r),
            Shown::Problem(p) => screen::Status::Problem(p),
            Shown::Waiting => screen::Status::Waiting,
        };
        let path = self.ctx.display(&file);
        let prompt = self.confirm_reset.then(|| {
            format!(
                "Reset {path} to its original text? Your version is saved in backups/ first. Press y to confirm, any other key to keep it."
            )
        });
        let section = self.section.then(|| self.section_text(ex)).flatten();
        let notices: Vec<String> = self.polling.iter().chain(&self.notices).cloned().collect();
        let link = self.caps.hyperlinks.then(|| terminal::file_link(self.caps, &file, &path));
        let view = screen::View {
            course,
            progress: &self.opened.progress,
            exercise: ex,
            path: &path,
            link: link.as_deref(),
            status,
            notices: &notices,
            solution: self.solution.as_deref(),
            hint: self.hint,
            hint_note: self.hint_note.as_deref(),
            section: section.as_deref(),
            has_section: self.lesson.has_reading(ex),
            list: self.list,
            prompt: prompt.as_deref(),
            manual: self.opts.manual,
            scroll: self.scroll,
        };
        // One write per screen: no flicker, and a reader of a pipe sees whole screens.
        let mut buf = Vec::with_capacity(4096);
        let (width, height) = match (self.caps.redraw, terminal::size()) {
            (true, Some((columns, rows))) => (columns, Some(rows)),
            _ => (terminal::PIPE_WIDTH, None),
        };
        if self.caps.redraw {
            buf.extend_from_slice(terminal::HOME_AND_CLEAR.as_bytes());
        } else {
            buf.extend_from_slice(b"\n");
        }
        if let Ok(drawn) = screen::draw(&mut buf, &self.ctx.styles, &view, width, height) {
            self.drawn = drawn;
            self.scroll = drawn.scroll;
        }
        let _ = out.write_all(&buf);
        let _ = out.flush();
    }
}

/// Said when the learner saves (`saved`) or opens a locked exercise: the exercises to finish
/// before it, in order.
fn locked_note(
    course: &crate::course::Course,
    progress: &crate::progress::Progress,
    index: usize,
    saved: bool,
) -> String {
    let name = &course.exercises[index].name;
    let before: Vec<&str> = course.exercises[..index]
        .iter()
        .filter(|ex| !progress.done.contains_key(&ex.name))
        .map(|ex| ex.name.as_str())
        .collect();
    let what = match before.as_slice() {
        [] => String::new(),
        [one] => format!(": finish {one} first"),
        [first, rest @ ..] if rest.len() <= 2 => format!(": finish {first} first, then {}", rest.join(", then ")),
        [first, rest @ ..] => format!(": finish {first} first, then {} more exercises", rest.len()),
    };
    if saved {
        format!("You saved {name}, which is still locked{what}.")
    } else {
        format!("{name} is still locked{what}.")
    }
}

enum Flow {
    /// Keep going; whether to redraw.
    Continue(bool),
    Exit(i32),
}

/// Restores the terminal before a panic message is printed.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        sys::restore_terminal();
        previous(info);
    }));
}
