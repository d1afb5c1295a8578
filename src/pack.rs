//! A packed course: every file a course carries (see [`crate::course_layout`]) in one TOML file,
//! written by `learn dev pack` and read wherever `learn` takes a course (`learn init --course FILE`,
//! `learn verify --course FILE`, `learn grade --course FILE`). It ships a course to learners
//! without forking `learn`. Pure: text in, files out.
//!
//! # The packed file (format version 1)
//!
//! ```toml
//! format_version = 1
//! course = "interior-mutability"      # the course's name, as in its info.toml
//!
//! [files]                             # path relative to the course root -> contents
//! "info.toml" = "..."
//! "exercises/01_refcell/log_counter.rs" = "..."
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::course::Location;

/// The packed-course format this version of `learn` reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The file name extension `learn dev pack` gives a packed course.
pub const EXTENSION: &str = "learn-course";

const HEADER: &str = "# A learn course, packed by `learn dev pack`.\n\
# Start a workspace for it with `learn init --course THIS_FILE`.\n";

/// The files of one course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub format_version: u32,
    /// The course's name (its `info.toml` says the same; kept here for readers of the file).
    pub course: String,
    /// Every file, by its path relative to the course root, `/`-separated.
    pub files: BTreeMap<String, String>,
}

/// Why a packed course's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackProblem {
    Malformed {
        location: Location,
        message: String,
    },
    NewerFormat(u32),
    /// A path that would leave the course (absolute, or with `..`).
    BadPath(String),
}

impl std::fmt::Display for PackProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackProblem::Malformed { location, message } => {
                write!(f, "line {}, column {}: {message}", location.line, location.column)
            }
            PackProblem::NewerFormat(v) => write!(
                f,
                "it was packed by a newer learn (format_version {v}; this learn reads {FORMAT_VERSION}): upgrade learn"
            ),
            PackProblem::BadPath(path) => write!(f, "the file name {path:?} is not a path inside a course"),
        }
    }
}

impl Pack {
    /// A pack of `files` for the course `course`.
    pub fn new(course: &str, files: BTreeMap<String, String>) -> Pack {
        Pack { format_version: FORMAT_VERSION, course: course.to_string(), files }
    }

    /// Reads a packed course's text.
    pub fn parse(text: &str) -> Result<Pack, PackProblem> {
        // The version first, so a newer file gets "upgrade" rather than a confusing field error.
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<u32>,
        }
        let malformed = |e: toml::de::Error| PackProblem::Malformed {
            location: Location::of_offset(text, e.span().map_or(0, |s| s.start)),
            message: e.message().trim_end().to_string(),
        };
        let version: Version = toml::from_str(text).map_err(malformed)?;
        if let Some(v) = version.format_version
            && v > FORMAT_VERSION
        {
            return Err(PackProblem::NewerFormat(v));
        }
        let pack: Pack = toml::from_str(text).map_err(malformed)?;
        // A learner's `learn init` writes some of these files into a workspace by their names:
        // none may point outside it.
        if let Some(bad) = pack.files.keys().find(|p| !is_inside(p)) {
            return Err(PackProblem::BadPath(bad.clone()));
        }
        Ok(pack)
    }

    /// The packed file's text.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a pack always serializes");
        format!("{HEADER}{body}")
    }
}

/// Whether `rel` names a file inside the course: relative, without `.` or `..` parts.
fn is_inside(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && rel.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Pack {
        let files = [
            ("info.toml", "format_version = 1\n[course]\nname = \"c\"\n"),
            ("exercises/intro/first.rs", "fn main() {\n    println!(\"\\\"''' \\u{1F980}\");\n}\n"),
            ("lesson/intro.md", "# Intro\n\n\"\"\" and ''' and \\ stay as they are\n"),
        ];
        Pack::new("c", files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect())
    }

    #[test]
    fn round_trips_through_text_whatever_the_files_hold() {
        let text = pack().to_toml();
        assert!(text.starts_with("# A learn course, packed by `learn dev pack`.\n"));
        assert!(text.contains("format_version = 1\ncourse = \"c\"\n"), "{text}");
        assert_eq!(Pack::parse(&text).unwrap(), pack());
    }

    #[test]
    fn newer_damaged_and_escaping_packs_are_problems_not_panics() {
        assert_eq!(Pack::parse("format_version = 2\ncourse = \"c\"\n"), Err(PackProblem::NewerFormat(2)));
        match Pack::parse("format_version = 1\ncourse = \"c\"\n[files\n") {
            Err(PackProblem::Malformed { location, .. }) => assert_eq!(location.line, 3),
            other => panic!("expected a malformed pack, got {other:?}"),
        }
        assert!(matches!(Pack::parse("format_version = 1\n[files]\n"), Err(PackProblem::Malformed { .. })));
        for bad in ["../outside.rs", "/etc/passwd", "exercises/../../x.rs", "a//b.rs", "./a.rs", ""] {
            let text = format!("format_version = 1\ncourse = \"c\"\n[files]\n{bad:?} = \"\"\n");
            assert_eq!(Pack::parse(&text), Err(PackProblem::BadPath(bad.to_string())), "{bad}");
        }
    }
}
