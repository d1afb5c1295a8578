//! Integration tests: the real `learn` binary against fixture courses in temporary folders, with
//! full-text assertions on what it prints. One test binary (see `autotests = false`).

mod harness;

mod attacks;
mod commands;
mod explain;
mod faults;
mod grade;
mod grading;
mod properties;
mod terminal;
mod watch;
