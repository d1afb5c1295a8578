//! The command line, as clap derive definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::ui::style::ColorChoice;

/// learn: exercises with hidden tests, graded on every save.
///
/// Start with `learn watch` (or just `learn`): it creates a workspace if there is none, then grades
/// the current exercise every time you save it. `learn lesson` reads the course's lesson: the
/// section the current exercise practises, or any chapter or section by name.
#[derive(Debug, Parser)]
#[command(name = "learn", version, propagate_version = true, styles = HELP_STYLES)]
pub struct Cli {
    /// When to use colours: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade the current exercise every time you save it (the default command).
    ///
    /// Creates the workspace ./<course name> first if there is none. Keys: h hint, n next exercise
    /// (after a pass), l list, s the lesson's section for the exercise, r regrade, x reset (asks
    /// first), q quit.
    Watch {
        /// Do not watch files (for file systems where change events do not arrive): press r to grade.
        #[arg(long)]
        manual_run: bool,
        /// Notice saves by polling the files instead of waiting for file-system events.
        #[arg(long, conflicts_with = "manual_run")]
        poll: bool,
    },
    /// Create a workspace with the exercise files and your progress.
    Init {
        /// The folder to create (default: ./<course name>).
        dir: Option<PathBuf>,
        /// Use this course instead of the one built into learn: a course folder, or a file from
        /// `learn dev pack`. The workspace refers to it by a path relative to itself (`learn
        /// course NEW_PLACE` points it elsewhere).
        #[arg(long, value_name = "COURSE")]
        course: Option<PathBuf>,
        /// Also make it a git repository, with a GitHub Classroom autograding workflow, committed
        /// and ready to push.
        #[arg(long)]
        git: bool,
    },
    /// Grade one exercise once (default: the current one).
    Run {
        /// The exercise's name, as `learn list` shows it.
        name: Option<String>,
        /// Output format: text for people, json for tools (the exercism test-runner format, v3).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List every exercise with its state.
    List,
    /// Show the next hint for an exercise (default: the current one).
    Hint {
        /// The exercise's name.
        name: Option<String>,
        /// Show every hint level up to the next one.
        #[arg(long)]
        all: bool,
    },
    /// Read the course's lesson (default: the section the current exercise practises).
    ///
    /// Names a topic (its chapter), an exercise (its chapter from its section on) or a section by
    /// its title (its chapter from that section on), e.g. `learn lesson "Guards: Ref and RefMut"`.
    /// Long text goes through $PAGER (default `less -R`) on a terminal; a pipe gets plain text.
    Lesson {
        /// A topic, an exercise or a section title.
        name: Option<String>,
    },
    /// Give an exercise back its original text (your version is kept as a backup first).
    Reset {
        /// The exercise's name.
        name: String,
    },
    /// Grade every unlocked exercise and report which pass (progress is not changed).
    Verify {
        /// Grade only these exercises (locked ones too).
        names: Vec<String>,
        /// Grade every exercise, locked ones too (for instructors and classroom graders).
        #[arg(long, conflicts_with = "names")]
        all: bool,
        /// Output format: text for people, json for tools (a list of exercism v3 results).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The course to grade against, a folder or a packed file (needed for a workspace made with
        /// `learn init --course`: the workspace's own files never choose the hidden tests).
        #[arg(long, value_name = "COURSE")]
        course: Option<PathBuf>,
    },
    /// Rebuild a damaged progress file by grading your exercises (a copy of the damaged file is kept).
    Repair {
        /// The course the workspace was made with (`learn init --course`: a folder or a packed
        /// file), if the damaged file no longer says.
        #[arg(long, value_name = "COURSE")]
        course: Option<PathBuf>,
    },
    /// Grade many learners' workspaces (one folder each) for an instructor: one row per learner
    /// and exercise.
    Grade {
        /// A folder with one workspace folder per learner.
        submissions: PathBuf,
        /// The course: a folder or a packed file (default: the course built into learn).
        /// Workspaces whose progress file names another course are not graded.
        #[arg(long, value_name = "COURSE")]
        course: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GradeFormat::Csv)]
        format: GradeFormat,
        /// Grade even where submissions cannot be confined (see `learn doctor`): only for
        /// submissions you trust.
        #[arg(long)]
        unconfined: bool,
        /// How many gradings to run at once (default: the number of CPUs).
        #[arg(long, short)]
        jobs: Option<usize>,
    },
    /// Show which course this workspace uses, or point it at the course's new place after the
    /// course moved.
    Course {
        /// The course's folder, or its file from `learn dev pack` (it must be the course this
        /// workspace was made for).
        place: Option<PathBuf>,
    },
    /// Say which protections graded programs get on this machine (file access, processes, signals).
    Doctor,
    /// Print a shell completion script (e.g. `learn completions bash > ~/.local/share/bash-completion/completions/learn`).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print learn's man page, in roff (e.g. `learn man > learn.1 && man ./learn.1`).
    Man,
    /// Tools for course authors.
    #[command(subcommand)]
    Dev(DevCommand),
}

/// `--help` in the palette of the rest of learn (see `ui::style`).
const HELP_STYLES: clap::builder::Styles = {
    use clap::builder::styling::{AnsiColor, Effects};
    clap::builder::Styles::styled()
        .header(AnsiColor::Green.on_default().effects(Effects::BOLD))
        .usage(AnsiColor::Green.on_default().effects(Effects::BOLD))
        .literal(AnsiColor::Cyan.on_default().effects(Effects::BOLD))
        .placeholder(AnsiColor::Cyan.on_default())
        .error(AnsiColor::Red.on_default().effects(Effects::BOLD))
        .valid(AnsiColor::Green.on_default())
        .invalid(AnsiColor::Yellow.on_default().effects(Effects::BOLD))
};

/// The `--color` asked for on a command line, read before parsing it, so that `--help` and usage
/// errors (printed while parsing) follow it too.
pub fn color_in(args: &[std::ffi::OsString]) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        match value.as_deref() {
            Some("always") => choice = ColorChoice::Always,
            Some("never") => choice = ColorChoice::Never,
            Some("auto") => choice = ColorChoice::Auto,
            _ => {}
        }
    }
    choice
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// How `learn grade` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GradeFormat {
    /// learner,exercise,status,tests_passed,tests_total
    Csv,
    /// A list of objects with the same fields.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check a course folder: every solution passes its hidden tests without warnings, every starting
    /// file fails them, every exercise has its three files, and no file is orphaned. Given exercise
    /// names, check only those exercises.
    Check {
        /// The course folder (default: the current folder), then the exercises to check (default:
        /// all). A first argument that is a folder with an `info.toml` is the course folder.
        #[arg(value_name = "DIR|NAME")]
        args: Vec<String>,
        /// How many exercises to grade at once (default: the number of CPUs).
        #[arg(long, short)]
        jobs: Option<usize>,
    },
    /// Pack a course folder into one file to ship to learners: `learn init --course FILE` makes a
    /// workspace for it, and `--course FILE` grades with it, with no copy of learn built for it.
    Pack {
        /// The course folder (default: the current folder).
        dir: Option<PathBuf>,
        /// Where to write it (default: ./<course name>.learn-course).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the crate `learn` compiles for an exercise: a file of it (by default the reference
    /// solution) with its hidden tests and the test harness, as rustc reads it. For running clippy
    /// over the hidden tests, or reading an error's line in full.
    Compose {
        /// The exercise.
        name: String,
        /// The file to compose (default: the exercise's reference solution).
        file: Option<PathBuf>,
        /// The course folder (default: the current folder).
        #[arg(long)]
        course: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn the_colour_choice_is_found_before_parsing() {
        use super::{ColorChoice, color_in};
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(color_in(&args(&["learn", "--color", "never", "--help"])), ColorChoice::Never);
        assert_eq!(color_in(&args(&["learn", "list", "--color=always"])), ColorChoice::Always);
        assert_eq!(color_in(&args(&["learn", "list"])), ColorChoice::Auto);
    }
}
