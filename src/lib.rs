//! `learn`: an exercise runner that grades a learner's file against hidden tests.
//!
//! The flow: the command line ([`cli`]) picks a command ([`commands`]); commands find the learner's
//! [`workspace`], load the [`course`] (embedded at build time, see [`course_files`]) with its
//! [`lesson`] and the learner's [`progress`], and hand exercises to the [`grader`], which composes,
//! compiles and runs them ([`runner`], [`sys`]) and turns the output into a [`verdict`]. [`ui`] renders the results.
//! The course, progress and verdict modules are pure and unit-tested; the rest is the shell around
//! them. Errors are typed ([`error`]) and printed in one place, here, with one exit code each.
//!
//! `learn` is built for Unix (Linux and macOS; Windows through WSL 2): elsewhere this library is
//! empty and the binary stops with one `compile_error!` that says so (see `main.rs`).
#![cfg(unix)]

pub mod classroom;
pub mod cli;
pub mod commands;
pub mod composition;
pub mod course;
pub mod course_files;
pub mod course_layout;
pub mod error;
pub mod explain;
pub mod grader;
pub mod harness;
pub mod lesson;
pub mod lint;
pub mod pack;
pub mod parallel;
pub mod progress;
pub mod runner;
pub mod sandbox;
pub mod sys;
pub mod toolchain;
pub mod ui;
pub mod verdict;
pub mod watch;
pub mod workspace;

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches};

use crate::ui::style::{Styles, paint};

/// Runs `learn` with `args` (including the program name) and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    if args.get(1).is_some_and(|a| a == sys::SANDBOX_ARG) {
        return sys::sandbox_main(&args[2..]);
    }
    let color = cli::color_in(&args);
    let command = cli::Cli::command().color(match color {
        ui::style::ColorChoice::Always => clap::ColorChoice::Always,
        ui::style::ColorChoice::Never => clap::ColorChoice::Never,
        ui::style::ColorChoice::Auto if color.enabled() => clap::ColorChoice::Auto,
        ui::style::ColorChoice::Auto => clap::ColorChoice::Never,
    });
    let parsed = command.try_get_matches_from(args).and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { error::EXIT_ERROR } else { error::EXIT_OK };
        }
    };
    sys::install_signal_handlers();
    let styles = Styles::for_choice(cli.color);
    match commands::dispatch(cli, styles) {
        Ok(code) => code,
        // The signal handler is ending learn at this moment; it has nothing to add.
        Err(e @ error::Error::Interrupted) => {
            sys::await_signal_exit();
            e.exit_code()
        }
        Err(e) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{} {e}", paint(styles.fail, "error:"));
            e.exit_code()
        }
    }
}
