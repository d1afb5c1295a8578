//! Where a course's files come from: the copy embedded in the binary at build time, or a course
//! folder on disk (an author's checkout, or a workspace created with `learn init --course DIR`).
//!
//! Both give the same view: files by their path relative to the course root, with `/` separators.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::course::Course;
use crate::error::Error;
use crate::explain::Explanations;
use crate::lesson::{self, Lesson};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_course.rs"));
}

/// The course's manifest file name, relative to the course root.
pub const MANIFEST: &str = "info.toml";
/// The course's explanation rules (optional), relative to the course root.
pub const EXPLANATIONS: &str = "explanations.toml";

/// A source of course files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseFiles {
    /// The course compiled into this binary.
    Embedded,
    /// A course folder on disk (absolute path).
    Dir(PathBuf),
}

/// A parsed course together with where its files come from.
#[derive(Debug, Clone)]
pub struct LoadedCourse {
    pub course: Course,
    pub files: CourseFiles,
    /// The course's explanations (none when it has no `explanations.toml`).
    pub explanations: Arc<Explanations>,
}

impl CourseFiles {
    /// The contents of the course file at `rel`.
    pub fn read(&self, rel: &str) -> Result<Cow<'static, str>, Error> {
        match self {
            CourseFiles::Embedded => embedded::FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, text)| Cow::Borrowed(*text))
                .ok_or_else(|| Error::CourseFileMissing { path: self.display(rel) }),
            CourseFiles::Dir(root) => {
                let path = root.join(rel);
                match fs::read_to_string(&path) {
                    Ok(text) => Ok(Cow::Owned(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        Err(Error::CourseFileMissing { path: self.display(rel) })
                    }
                    Err(source) => Err(Error::Io { action: "read", path, source }),
                }
            }
        }
    }

    /// Whether the course has a file at `rel`.
    pub fn exists(&self, rel: &str) -> bool {
        match self {
            CourseFiles::Embedded => embedded::FILES.iter().any(|(p, _)| *p == rel),
            CourseFiles::Dir(root) => root.join(rel).is_file(),
        }
    }

    /// Every `.rs` file under the course's folder `dir`, as paths relative to the course root, sorted.
    pub fn rust_files_under(&self, dir: &str) -> Vec<String> {
        self.files_under(dir, "rs")
    }

    /// Every file ending in `.ext` under the course's folder `dir`, as paths relative to the course
    /// root, sorted.
    pub fn files_under(&self, dir: &str, ext: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        let suffix = format!(".{ext}");
        let mut out: Vec<String> = match self {
            CourseFiles::Embedded => embedded::FILES
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with(&suffix))
                .map(|(p, _)| p.to_string())
                .collect(),
            CourseFiles::Dir(root) => {
                let mut out = Vec::new();
                walk(root, &root.join(dir), ext, &mut out);
                out
            }
        };
        out.sort();
        out
    }

    /// The course's lesson: every `lesson/<topic>.md` chapter and `lesson/README.md` (empty when
    /// the course has no `lesson/` folder).
    pub fn lesson(&self) -> Result<Lesson, Error> {
        let mut chapters = Vec::new();
        let mut readme = None;
        for rel in self.files_under(lesson::DIR, "md") {
            let text = self.read(&rel)?.into_owned();
            if rel == lesson::README {
                readme = Some(text);
            } else if let Some(topic) = rel.strip_prefix("lesson/").and_then(|r| r.strip_suffix(".md"))
                && !topic.contains('/')
            {
                chapters.push((topic.to_string(), text));
            }
        }
        Ok(Lesson::new(chapters.iter().map(|(t, x)| (t.as_str(), x.as_str())), readme))
    }

    /// How to name the course file `rel` in messages.
    pub fn display(&self, rel: &str) -> String {
        match self {
            CourseFiles::Embedded => format!("{rel} (embedded course)"),
            CourseFiles::Dir(root) => root.join(rel).display().to_string(),
        }
    }

    /// Reads and validates the manifest and the explanations.
    pub fn load(self) -> Result<LoadedCourse, Error> {
        let text = self.read(MANIFEST)?;
        let course = Course::parse(&text, &self.display_in_errors(MANIFEST))?;
        let explanations = if self.exists(EXPLANATIONS) {
            Explanations::parse(&self.read(EXPLANATIONS)?, &self.display_in_errors(EXPLANATIONS))?
        } else {
            Explanations::default()
        };
        Ok(LoadedCourse { course, files: self, explanations: Arc::new(explanations) })
    }

    /// A course file's name as `file:line:column` errors start.
    fn display_in_errors(&self, rel: &str) -> String {
        match self {
            CourseFiles::Embedded => format!("{rel} (embedded course)"),
            CourseFiles::Dir(root) => root.join(rel).display().to_string(),
        }
    }
}

fn walk(root: &Path, dir: &Path, ext: &str, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext)
            && let Ok(rel) = path.strip_prefix(root)
        {
            let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
}
