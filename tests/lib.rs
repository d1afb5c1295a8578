//! Integration tests: the real `learn` binary against fixture courses in temporary folders, with
//! full-text assertions on what it prints. One test binary (see `autotests = false`).

mod harness;

mod commands;
mod explain;
mod faults;
mod grade;
mod grading;
mod integrity;
mod lesson;
mod properties;
mod terminal;
mod watch;
