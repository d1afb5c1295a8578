//! One module per command; this one dispatches and holds what they share: the opened workspace
//! (workspace + course + progress), naming exercises, and grading one exercise of a workspace.

mod course;
mod dev;
mod grade;
mod info;
mod init;
mod lesson;
mod pack;
mod reset;
mod run;
mod verify;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, DevCommand, Format};
use crate::course::{Exercise, ExerciseKind};
use crate::course_files::LoadedCourse;
use crate::error::{Error, Result};
use crate::grader::{self, Graded, Job, Report};
use crate::progress::{Progress, Status};
use crate::runner::Cancel;
use crate::toolchain::Toolchain;
use crate::ui::style::Styles;
use crate::workspace::Workspace;

/// What every command gets: where it runs and how to draw.
pub struct Ctx {
    pub cwd: PathBuf,
    pub styles: Styles,
}

impl Ctx {
    /// The context for printing in `format`: machine-readable output has no colours.
    pub fn for_format(&self, format: Format) -> Ctx {
        let styles = if format == Format::Json { Styles::plain() } else { self.styles };
        Ctx { cwd: self.cwd.clone(), styles }
    }

    /// How to name `path` to the learner: relative to the current folder when inside it.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.cwd).unwrap_or(path).display().to_string()
    }
}

/// Runs the command and returns the exit code.
pub fn dispatch(cli: Cli, styles: Styles) -> Result<i32> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io { action: "read", path: ".".into(), source })?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let ctx = Ctx { cwd, styles };
    let out = &mut std::io::stdout().lock();
    match cli.command {
        Some(Command::Init { dir, course, git }) => init::init(&ctx, out, dir, course, git),
        Some(Command::Run { name, format }) => run::run(&ctx.for_format(format), out, name.as_deref(), format),
        Some(Command::List) => info::list(&ctx, out),
        Some(Command::Hint { name, all }) => info::hint(&ctx, out, name.as_deref(), all),
        Some(Command::Lesson { name }) => lesson::lesson(&ctx, out, name.as_deref()),
        Some(Command::Reset { name }) => reset::reset(&ctx, out, &name),
        Some(Command::Verify { names, all, format, course }) => {
            verify::verify(&ctx.for_format(format), out, &names, all, format, course)
        }
        Some(Command::Doctor) => info::doctor(&ctx, out),
        Some(Command::Course { place }) => course::course(&ctx, out, place),
        Some(Command::Dev(DevCommand::Pack { dir, output })) => pack::pack(&ctx, out, dir, output),
        Some(Command::Repair { course }) => verify::repair(&ctx, out, course),
        Some(Command::Dev(DevCommand::Check { args, jobs })) => dev::check(&ctx, out, &args, jobs),
        Some(Command::Dev(DevCommand::Compose { name, file, course })) => dev::compose(&ctx, out, &name, file, course),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "learn", out);
            Ok(crate::error::EXIT_OK)
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            match clap_mangen::Man::new(Cli::command()).render(out) {
                // A reader that stops early (`learn man | head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::Io { action: "write", path: "the man page".into(), source: e })
                }
                _ => Ok(crate::error::EXIT_OK),
            }
        }
        Some(Command::Grade { submissions, course, format, jobs, unconfined }) => {
            grade::grade(&ctx, out, submissions, course, format, jobs, unconfined)
        }
        Some(Command::Watch { manual_run, poll }) => {
            crate::watch::watch(&ctx, out, crate::watch::Options { manual: manual_run, poll })
        }
        None => crate::watch::watch(&ctx, out, crate::watch::Options::default()),
    }
}

/// The course at `place` as named on the command line (relative to the current folder): a course
/// folder or a packed course file.
pub fn open_course(ctx: &Ctx, place: &Path) -> Result<crate::course_files::CourseFiles> {
    let abs = ctx.cwd.join(place);
    // Named without `..` in the message; resolved by the system (symbolic links included) otherwise.
    let abs = abs.canonicalize().map_err(|source| Error::Io {
        action: "open",
        path: crate::workspace::normalize(&abs),
        source,
    })?;
    crate::course_files::CourseFiles::open(&abs)
}

/// The course folder `dir` (relative to the current folder), loaded: for the author's commands,
/// which work on a folder, never a packed course. Returns its resolved path too.
pub fn open_course_dir(ctx: &Ctx, dir: &Path) -> Result<(PathBuf, LoadedCourse)> {
    let root = ctx.cwd.join(dir);
    let root = root.canonicalize().map_err(|source| Error::Io { action: "open", path: root.clone(), source })?;
    if !root.join(crate::course_files::MANIFEST).is_file() {
        return Err(Error::NoCourse { dir: root });
    }
    let loaded = crate::course_files::CourseFiles::Dir(root.clone()).load()?;
    Ok((root, loaded))
}

/// The exercise of `course` called `name`, or the error that names the closest one.
pub fn find_exercise<'c>(course: &'c crate::course::Course, name: &str) -> Result<(usize, &'c Exercise)> {
    course.find(name).ok_or_else(|| Error::UnknownExercise {
        name: name.to_string(),
        suggestion: course.suggest(name).map(str::to_string),
    })
}

/// The error for a command run outside any workspace.
pub(crate) fn no_workspace(ctx: &Ctx) -> Error {
    Error::NoWorkspace {
        start: ctx.cwd.clone(),
        default_dir: crate::course_files::CourseFiles::Embedded
            .load()
            .map(|c| c.course.name)
            .unwrap_or_else(|_| "course".into()),
    }
}

/// An opened workspace: where it is, its course, and the learner's progress.
pub struct Opened {
    pub ws: Workspace,
    pub loaded: LoadedCourse,
    pub progress: Progress,
    /// Resolved on the first grading (listing or hinting needs no compiler).
    toolchain: std::cell::OnceCell<Toolchain>,
}

impl Opened {
    /// Finds the workspace around the current folder and loads it.
    pub fn open(ctx: &Ctx) -> Result<Opened> {
        let ws = Workspace::find(&ctx.cwd).ok_or_else(|| no_workspace(ctx))?;
        Opened::load(ws)
    }

    /// Loads the progress and course of `ws`.
    pub fn load(ws: Workspace) -> Result<Opened> {
        let progress = ws.load_progress()?;
        let loaded = ws.load_course(&progress)?;
        Ok(Opened { ws, loaded, progress, toolchain: std::cell::OnceCell::new() })
    }

    /// Finds the workspace around the current folder and loads it with the course to trust for
    /// grading: `course_dir` from the command line, or the embedded one (see
    /// [`Workspace::load_trusted_course`]).
    pub fn open_trusted(ctx: &Ctx, course_dir: Option<PathBuf>) -> Result<Opened> {
        let ws = Workspace::find(&ctx.cwd).ok_or_else(|| no_workspace(ctx))?;
        let progress = ws.load_progress()?;
        let files = course_dir.map(|place| open_course(ctx, &place)).transpose()?;
        let loaded = ws.load_trusted_course(&progress, files)?;
        Ok(Opened { ws, loaded, progress, toolchain: std::cell::OnceCell::new() })
    }

    /// An opened workspace from its parts.
    pub fn new(ws: Workspace, loaded: LoadedCourse, progress: Progress) -> Opened {
        Opened { ws, loaded, progress, toolchain: std::cell::OnceCell::new() }
    }

    /// The compiler, resolved once (and cached in the user's cache folder).
    pub fn toolchain(&self) -> Result<&Toolchain> {
        if let Some(t) = self.toolchain.get() {
            return Ok(t);
        }
        // Resolved outside the workspace: nothing the learner can write chooses the compiler.
        let resolved = Toolchain::resolve()?;
        Ok(self.toolchain.get_or_init(|| resolved))
    }

    /// The exercise called `name`, or the current one when `name` is `None` (`None` back when
    /// every exercise is done).
    pub fn exercise(&self, name: Option<&str>) -> Result<Option<(usize, &Exercise)>> {
        let course = &self.loaded.course;
        match name {
            Some(name) => find_exercise(course, name).map(Some),
            None => Ok(self.progress.current(course).map(|i| (i, &course.exercises[i]))),
        }
    }

    /// Refuses a locked exercise, naming the one to finish first.
    pub fn ensure_unlocked(&self, index: usize) -> Result<()> {
        let course = &self.loaded.course;
        if self.progress.status(course, index) == Status::Locked {
            let current = self.progress.current(course).map(|i| course.exercises[i].name.clone()).unwrap_or_default();
            return Err(Error::Locked { name: course.exercises[index].name.clone(), current });
        }
        Ok(())
    }

    /// The grading job for the learner's file of `ex`.
    pub fn job(&self, ctx: &Ctx, ex: &Exercise) -> Result<Job> {
        let course = &self.loaded.course;
        let learner_file = self.ws.exercise_file(course, ex);
        let (hidden, required_tests) = kind_settings(&self.loaded, ex)?;
        Ok(Job {
            name: ex.name.clone(),
            edition: course.edition.clone(),
            display_path: ctx.display(&learner_file),
            learner_file,
            hidden,
            kind: ex.kind,
            clippy: ex.clippy,
            lints: ex.lints.clone(),
            required_tests,
            build_dir: self.ws.build_dir(ex),
            time_limit: ex.time_limit,
            color: ctx.styles.is_colored(),
            explanations: self.loaded.explanations.clone(),
            toolchain: self.toolchain()?.clone(),
            incremental: true,
            allow_unsafe: ex.allow_unsafe,
            allow_statics: ex.allow_statics,
            diagnostic_width: None,
        })
    }

    /// Grades the learner's file of `ex` once.
    pub fn grade(&self, ctx: &Ctx, ex: &Exercise, cancel: &Cancel) -> Result<Graded> {
        let job = self.job(ctx, ex)?;
        let source = grader::read_learner_file(&job.learner_file, &ex.name, &self.ws.root)?;
        grader::grade(&job, &source, cancel)
    }
}

impl Opened {
    /// Records that `ex` passed with content `hash`: marks it done (under the workspace lock, so a
    /// concurrent `learn` keeps its own update) and writes its solution into the workspace. Returns
    /// where the solution went.
    pub fn record_pass(&mut self, ex: &Exercise, hash: &str) -> Result<PathBuf> {
        let ((), progress) = self.ws.update_progress(|p| p.mark_done(&ex.name, hash))?;
        self.progress = progress;
        let solution = self.ws.write_solution(&self.loaded, ex)?;
        self.ws.write_cargo_manifest(&self.loaded.course, &self.progress)?;
        Ok(solution)
    }
}

pub use init::create as create_workspace;

/// Grades `file` (which must be inside `root`) as exercise `ex` once, in a fresh `build_dir` (no
/// incremental cache: it would be used once). For checking a course and grading submissions, where
/// nothing is recorded.
pub fn grade_once(
    ctx: &Ctx,
    loaded: &LoadedCourse,
    toolchain: &Toolchain,
    ex: &Exercise,
    (file, root): (&Path, &Path),
    build_dir: &Path,
) -> Result<Report> {
    let course = &loaded.course;
    let source = grader::read_learner_file(file, &ex.name, root)?;
    let (hidden, required_tests) = kind_settings(loaded, ex)?;
    let job = Job {
        name: ex.name.clone(),
        edition: course.edition.clone(),
        learner_file: file.to_path_buf(),
        display_path: ctx.display(file),
        hidden,
        kind: ex.kind,
        clippy: ex.clippy,
        lints: ex.lints.clone(),
        required_tests,
        build_dir: build_dir.to_path_buf(),
        time_limit: ex.time_limit,
        color: false,
        explanations: loaded.explanations.clone(),
        toolchain: toolchain.clone(),
        incremental: false,
        allow_unsafe: ex.allow_unsafe,
        allow_statics: ex.allow_statics,
        diagnostic_width: None,
    };
    match grader::grade(&job, &source, &Cancel::new())? {
        Graded::Report(report) => Ok(report),
        Graded::Cancelled => Err(Error::Interrupted),
    }
}

/// The hidden tests of `ex` (none, for a kind that may go without a checks file and has none), and
/// the learner's tests its starting file has (for a visible-tests exercise), from the course.
pub fn kind_settings(loaded: &LoadedCourse, ex: &Exercise) -> Result<(String, Vec<String>)> {
    let course = &loaded.course;
    let hidden_path = course.hidden_tests_path(ex);
    let hidden = if ex.kind.needs_hidden_tests() || loaded.files.exists(&hidden_path) {
        loaded.files.read(&hidden_path)?.into_owned()
    } else {
        String::new()
    };
    let required = match ex.kind {
        ExerciseKind::VisibleTests => {
            crate::composition::learner_test_names(&loaded.files.read(&course.exercise_path(ex))?)
        }
        _ => Vec::new(),
    };
    Ok((hidden, required))
}

/// Writes a line to the learner's output; a closed stdout (a pipe to `head`) is not an error.
pub fn say(out: &mut dyn Write, text: impl std::fmt::Display) {
    let _ = writeln!(out, "{text}");
}
