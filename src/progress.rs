//! A learner's progress and the unlock rules. Pure: parsing and printing the progress file's text,
//! no file system (see `state` for reading and writing it safely).
//!
//! # The progress file (`.learn-progress.toml`, format version 1)
//!
//! ```toml
//! format_version = 1
//! course = "interior-mutability"
//! # course_dir = "../course"   # only for a course on disk (`learn init --course`): its folder or
//! #                            # packed file, relative to the workspace root (`learn course` moves it)
//!
//! [done]                  # exercise name -> hash of the file content that passed
//! log_counter = "sha256:9f86d0..."
//!
//! [hints]                 # exercise name -> how many hint levels were shown
//! rate_limiter = 2
//! ```
//!
//! Its presence also marks the workspace root: every command walks up from the current directory
//! to find it. Entries for exercises the course no longer has are kept, not dropped.
//!
//! # Unlock rules
//! The first exercise (in course order) that is not done is *current*. Done exercises and the current
//! one are unlocked; every other exercise is locked until the ones before it are done.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::course::{Course, Location};

/// The progress file format this version of `learn` reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// What a learner has done in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub format_version: u32,
    pub course: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_dir: Option<PathBuf>,
    #[serde(default)]
    pub done: BTreeMap<String, String>,
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
    /// Done exercises whose file no longer has the content that passed (found by reading the
    /// files, see `Workspace::changed_since`; not stored).
    #[serde(skip)]
    pub changed: std::collections::BTreeSet<String>,
}

/// Where an exercise stands for the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Current,
    Locked,
}

/// Why a progress file's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressProblem {
    Empty,
    Malformed { location: Location, message: String },
    NewerFormat(u32),
}

impl std::fmt::Display for ProgressProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgressProblem::Empty => write!(f, "the file is empty"),
            ProgressProblem::Malformed { location, message } => {
                write!(f, "line {}, column {}: {message}", location.line, location.column)
            }
            ProgressProblem::NewerFormat(v) => write!(
                f,
                "it was written by a newer learn (format_version {v}; this learn reads {FORMAT_VERSION}): upgrade learn"
            ),
        }
    }
}

const HEADER: &str = "# Progress of this learn workspace: which exercises are done.\n\
# Written by learn; `learn repair` rebuilds it if it is damaged.\n";

impl Progress {
    /// A fresh progress for `course`, nothing done.
    pub fn new(course: &str, course_dir: Option<PathBuf>) -> Progress {
        Progress {
            format_version: FORMAT_VERSION,
            course: course.to_string(),
            course_dir,
            done: BTreeMap::new(),
            hints: BTreeMap::new(),
            changed: Default::default(),
        }
    }

    /// Reads the progress file's text.
    pub fn parse(text: &str) -> Result<Progress, ProgressProblem> {
        if text.trim().is_empty() {
            return Err(ProgressProblem::Empty);
        }
        // Read the version first, so a newer file gets "upgrade" rather than a confusing field error.
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<u32>,
        }
        let malformed = |e: toml::de::Error| ProgressProblem::Malformed {
            location: Location::of_offset(text, e.span().map_or(0, |s| s.start)),
            message: e.message().trim_end().to_string(),
        };
        let version: Version = toml::from_str(text).map_err(malformed)?;
        match version.format_version {
            Some(v) if v > FORMAT_VERSION => return Err(ProgressProblem::NewerFormat(v)),
            _ => {}
        }
        toml::from_str(text).map_err(malformed)
    }

    /// The progress file's text.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("progress always serializes");
        format!("{HEADER}{body}")
    }

    /// The index of the current exercise: the first one not done. `None` when all are done.
    pub fn current(&self, course: &Course) -> Option<usize> {
        course.exercises.iter().position(|e| !self.done.contains_key(&e.name))
    }

    /// The status of the exercise at `index`.
    pub fn status(&self, course: &Course, index: usize) -> Status {
        if self.done.contains_key(&course.exercises[index].name) {
            Status::Done
        } else if self.current(course) == Some(index) {
            Status::Current
        } else {
            Status::Locked
        }
    }

    /// How many of the course's exercises are done.
    pub fn done_count(&self, course: &Course) -> usize {
        course.exercises.iter().filter(|e| self.done.contains_key(&e.name)).count()
    }

    /// Records that `name` passed with file content hashed to `hash`.
    pub fn mark_done(&mut self, name: &str, hash: &str) {
        self.done.insert(name.to_string(), hash.to_string());
    }

    /// Moves to the next hint level of `name` (out of `levels`) and returns it (1-based); stays on
    /// the last level once every hint was shown.
    pub fn next_hint(&mut self, name: &str, levels: usize) -> usize {
        let shown = self.hints.entry(name.to_string()).or_insert(0);
        *shown = (*shown + 1).min(levels);
        *shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course::parse(
            r#"format_version = 1
[course]
name = "c"
title = "C"
[[exercises]]
name = "a"
topic = "t"
hints = ["1"]
[[exercises]]
name = "b"
topic = "t"
hints = ["1", "2"]
[[exercises]]
name = "c"
topic = "t"
hints = ["1"]
"#,
            "info.toml",
        )
        .unwrap()
    }

    #[test]
    fn first_exercise_is_current_and_the_rest_locked() {
        let c = course();
        let p = Progress::new("c", None);
        assert_eq!(p.current(&c), Some(0));
        assert_eq!(
            (0..3).map(|i| p.status(&c, i)).collect::<Vec<_>>(),
            [Status::Current, Status::Locked, Status::Locked]
        );
    }

    #[test]
    fn passing_unlocks_the_next_and_all_done_has_no_current() {
        let c = course();
        let mut p = Progress::new("c", None);
        p.mark_done("a", "sha256:1");
        assert_eq!(p.current(&c), Some(1));
        assert_eq!(p.status(&c, 0), Status::Done);
        assert_eq!(p.status(&c, 1), Status::Current);
        p.mark_done("b", "sha256:2");
        p.mark_done("c", "sha256:3");
        assert_eq!(p.current(&c), None);
        assert_eq!(p.done_count(&c), 3);
    }

    #[test]
    fn an_exercise_done_out_of_order_stays_done_and_the_gap_is_current() {
        let c = course();
        let mut p = Progress::new("c", None);
        p.mark_done("c", "sha256:3");
        assert_eq!(p.current(&c), Some(0));
        assert_eq!(p.status(&c, 2), Status::Done);
        assert_eq!(p.status(&c, 1), Status::Locked);
    }

    #[test]
    fn hints_advance_and_stop_at_the_last_level() {
        let mut p = Progress::new("c", None);
        assert_eq!(p.next_hint("b", 2), 1);
        assert_eq!(p.next_hint("b", 2), 2);
        assert_eq!(p.next_hint("b", 2), 2);
    }

    #[test]
    fn round_trips_through_text_and_keeps_unknown_exercises() {
        let mut p = Progress::new("c", Some(PathBuf::from("/courses/c")));
        p.mark_done("a", "sha256:1");
        p.mark_done("gone_from_course", "sha256:9");
        p.next_hint("b", 2);
        let text = p.to_toml();
        assert_eq!(
            text,
            "# Progress of this learn workspace: which exercises are done.\n\
             # Written by learn; `learn repair` rebuilds it if it is damaged.\n\
             format_version = 1\ncourse = \"c\"\ncourse_dir = \"/courses/c\"\n\n\
             [done]\na = \"sha256:1\"\ngone_from_course = \"sha256:9\"\n\n[hints]\nb = 1\n"
        );
        assert_eq!(Progress::parse(&text).unwrap(), p);
    }

    #[test]
    fn damaged_files_are_problems_not_panics() {
        assert_eq!(Progress::parse("  \n"), Err(ProgressProblem::Empty));
        assert_eq!(Progress::parse("format_version = 7\ncourse = \"c\"\n"), Err(ProgressProblem::NewerFormat(7)));
        match Progress::parse("format_version = 1\ncourse = \"c\"\n[done\n") {
            Err(ProgressProblem::Malformed { location, .. }) => assert_eq!(location.line, 3),
            other => panic!("expected a malformed error, got {other:?}"),
        }
        assert!(matches!(Progress::parse("format_version = 1\n"), Err(ProgressProblem::Malformed { .. })));
        assert!(matches!(
            Progress::parse("format_version = 1\ncourse = \"c\"\n[done]\na = 3\n"),
            Err(ProgressProblem::Malformed { .. })
        ));
    }
}
