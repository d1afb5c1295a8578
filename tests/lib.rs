//! Integration tests: the real `learn` binary against fixture courses in temporary folders, with
//! full-text assertions on what it prints. One test binary (see `autotests = false`).

#![cfg(unix)]

mod harness;

// The attacks need Linux's confinement (namespaces, Landlock); see RELIABILITY.md for macOS.
#[cfg(target_os = "linux")]
mod attacks;
mod commands;
mod diagnostics;
mod explain;
mod faults;
mod grade;
mod grading;
mod integrity;
mod kinds;
mod lesson;
// FUSE mounts (bindfs) are a Linux test fixture.
#[cfg(target_os = "linux")]
mod platforms;
mod properties;
mod screen;
mod terminal;
mod travel;
mod watch;
