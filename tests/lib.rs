//! Integration tests: the real `learn` binary against fixture courses in temporary folders, with
//! full-text assertions on what it prints. One test binary (see `autotests = false`).

mod harness;

mod commands;
mod grading;
mod terminal;
mod watch;
