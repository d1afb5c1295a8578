//! Typed errors and exit codes. A failing exercise is not an error (it is a `Verdict`); an `Error`
//! is a fault that stops a command: a broken manifest, a damaged progress file, a missing toolchain.
//! Every message names the file or command involved and says how to fix it; `lib::run` prints them
//! in one place.

use std::io;
use std::path::PathBuf;

use crate::course::ManifestError;
use crate::pack::PackProblem;
use crate::progress::ProgressProblem;

/// The command succeeded (or the exercise passed).
pub const EXIT_OK: i32 = 0;
/// The exercise (or one of the exercises) does not pass.
pub const EXIT_FAILED: i32 = 1;
/// A usage, configuration or environment error.
pub const EXIT_ERROR: i32 = 2;
/// Interrupted by Ctrl-C or a termination signal.
pub const EXIT_INTERRUPTED: i32 = 130;

/// How to install a Rust toolchain, shown whenever `rustc` is missing or too old.
pub const INSTALL_RUST: &str = "install Rust with rustup (https://rustup.rs): \
    `curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh`, or update it with `rustup update stable`";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{0}")]
    Manifest(#[from] ManifestError),

    #[error("the course file {path} is missing: add it, or remove its exercise from info.toml")]
    CourseFileMissing { path: String },

    #[error(
        "no learn workspace here: neither {} nor a folder above it has a .learn-progress.toml\n\
         Create one with `learn init` (or run `learn watch`, which creates ./{default_dir})",
        start.display()
    )]
    NoWorkspace { start: PathBuf, default_dir: String },

    #[error(
        "the progress file {} is damaged: {problem}\n\
         Your exercise files are untouched. Run `learn repair` to keep a copy of this file and rebuild \
         progress by grading your exercises, or fix the file by hand",
        path.display()
    )]
    ProgressDamaged { path: PathBuf, problem: ProgressProblem },

    #[error(
        "could not save your progress in {}: {source}\n\
         The previous progress file is unchanged. Free some disk space or make the folder writable, \
         then run the command again",
        path.display()
    )]
    SaveProgress {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "this workspace was made for the course {found:?}, but this learn carries {expected:?}\n\
         Run a learn built with that course, or create a new workspace with `learn init DIR`"
    )]
    CourseMismatch { found: String, expected: String },

    #[error(
        "the progress file {} names the course folder {}, but `learn verify` never takes the hidden \
         tests from the workspace's own files (anyone who can edit them could point it at tests of \
         their own).\nName the course on the command line: `learn verify --course {}`",
        path.display(), dir.display(), dir.display()
    )]
    CourseDirNotTrusted { path: PathBuf, dir: PathBuf },

    #[error(
        "this workspace's course {name:?} is not where {} says: {} (that is, {}) holds no course.\n\
         If the course moved, point the workspace at its new place: `learn course NEW_PLACE` (the \
         course's folder, or its file from `learn dev pack`)",
        progress.display(), recorded.display(), resolved.display()
    )]
    CourseMoved { name: String, progress: PathBuf, recorded: PathBuf, resolved: PathBuf },

    #[error(
        "{} holds the course {found:?}, but this workspace is for the course {expected:?}: \
         name a folder or packed file of {expected:?}",
        place.display()
    )]
    OtherCourse { place: PathBuf, found: String, expected: String },

    #[error(
        "the packed course {} cannot be read: {problem}\n\
         Pack the course again with `learn dev pack` in its folder",
        path.display()
    )]
    PackDamaged { path: PathBuf, problem: PackProblem },

    #[error(
        "{what} {} is held by another learn{}: gave up after waiting {secs} s.\n\
         If that learn is stuck, end it{} and run the command again",
        path.display(),
        holder.map(|p| format!(" (process {p})")).unwrap_or_default(),
        holder.map(|p| format!(" (`kill {p}`)")).unwrap_or_default()
    )]
    LockTimeout { what: &'static str, path: PathBuf, holder: Option<u32>, secs: u64 },

    #[error(
        "submissions cannot be confined on this machine: {missing}.\n\
         `learn doctor` lists the protections; grade on a machine that has them, or pass `--unconfined` \
         if you trust every submission"
    )]
    Unconfined { missing: String },

    #[error("unknown exercise {name:?}{}\nRun `learn list` to see every exercise", suggestion.as_ref().map(|s| format!(": did you mean {s:?}?")).unwrap_or_default())]
    UnknownExercise { name: String, suggestion: Option<String> },

    #[error("{} {problem}: `learn reset {name}` restores the original", path.display())]
    ExerciseFile { path: PathBuf, problem: String, name: String },

    #[error("{name:?} is locked: finish {current:?} first (`learn run {current}`)")]
    Locked { name: String, current: String },

    #[error("{} is already a learn workspace: `cd` into it and run `learn watch`", path.display())]
    AlreadyWorkspace { path: PathBuf },

    #[error("{} already exists and is not a learn workspace: choose another folder (`learn init DIR`)", path.display())]
    NotEmpty { path: PathBuf },

    #[error("`{program}` was not found on PATH: the compiler is needed to grade exercises.\n{INSTALL_RUST}")]
    RustcMissing { program: String },

    #[error(
        "{name} is graded with Clippy, which is not installed for the toolchain of `{program}` \
         (no clippy-driver next to it): install it with `rustup component add clippy`"
    )]
    ClippyMissing { name: String, program: String },

    #[error("`{program}` is too old for this course (it needs Rust edition {edition}: {detail}).\n{INSTALL_RUST}")]
    ToolchainTooOld { program: String, edition: String, detail: String },

    #[error("could not run `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: io::Error,
    },

    #[error(
        "no course here: {} has no info.toml. Run `learn dev check` in a course folder (one with info.toml, \
         exercises/, solutions/ and the hidden tests)",
        dir.display()
    )]
    NoCourse { dir: PathBuf },

    #[error(
        "cannot tell which course the workspace {} is for: its progress file lost that line. \
         Run `learn repair --course COURSE_DIR` with the folder given to `learn init --course`",
        path.display()
    )]
    UnknownCourse { path: PathBuf },

    #[error("could not watch the exercise files: {reason}. Run `learn watch --manual-run` and press r to grade")]
    Watch { reason: String },

    #[error("`git` was not found on PATH: install git to use `learn init --git`, or run `learn init` without it")]
    GitMissing,

    #[error("`git {step}` failed: {message}")]
    Git { step: String, message: String },

    #[error(
        "no topic, exercise or lesson section is called {name:?}{}\nTopics: {topics}",
        suggestion.as_ref().map(|s| format!(": did you mean {s:?}?")).unwrap_or_default()
    )]
    UnknownLesson { name: String, suggestion: Option<String>, topics: String },

    #[error("{what}: the course has no lesson for it (a course's lesson is one lesson/<topic>.md per topic)")]
    NoLesson { what: String },

    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Interrupted => EXIT_INTERRUPTED,
            _ => EXIT_ERROR,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
