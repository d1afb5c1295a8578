//! Where a course's files come from: the copy embedded in the binary at build time, a course
//! folder on disk (an author's checkout, or a workspace created with `learn init --course DIR`), or
//! a packed course (one file written by `learn dev pack`, see [`crate::pack`]).
//!
//! All give the same view: files by their path relative to the course root, with `/` separators.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::course::Course;
use crate::error::Error;
use crate::explain::Explanations;
use crate::lesson::{self, Lesson};
use crate::pack::Pack;

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
    /// A packed course file, read into memory once.
    Packed(Arc<PackedFile>),
}

/// A packed course and the file it was read from.
#[derive(Debug, PartialEq, Eq)]
pub struct PackedFile {
    /// Absolute path of the packed file.
    pub path: PathBuf,
    pub pack: Pack,
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
    /// The course at `path` (absolute): a course folder (one with `info.toml`) or a packed course
    /// file.
    pub fn open(path: &Path) -> Result<CourseFiles, Error> {
        if path.is_dir() {
            if !path.join(MANIFEST).is_file() {
                return Err(Error::NoCourse { dir: path.to_path_buf() });
            }
            return Ok(CourseFiles::Dir(path.to_path_buf()));
        }
        let text =
            fs::read_to_string(path).map_err(|source| Error::Io { action: "open", path: path.into(), source })?;
        let pack = Pack::parse(&text).map_err(|problem| Error::PackDamaged { path: path.to_path_buf(), problem })?;
        Ok(CourseFiles::Packed(Arc::new(PackedFile { path: path.to_path_buf(), pack })))
    }

    /// Where the course is on disk (`None` for the embedded course).
    pub fn location(&self) -> Option<&Path> {
        match self {
            CourseFiles::Embedded => None,
            CourseFiles::Dir(root) => Some(root),
            CourseFiles::Packed(packed) => Some(&packed.path),
        }
    }

    /// Every file of the course that travels with it (see [`crate::course_layout`]), as paths
    /// relative to the course root, sorted. `hidden_tests_dir` is the course's own.
    pub fn carried_files(&self, hidden_tests_dir: &str) -> Vec<String> {
        let mut out: Vec<String> = match self {
            CourseFiles::Embedded => embedded::FILES.iter().map(|(p, _)| p.to_string()).collect(),
            CourseFiles::Packed(packed) => packed.pack.files.keys().cloned().collect(),
            CourseFiles::Dir(root) => {
                let mut out = Vec::new();
                walk(root, root, None, &mut out);
                out
            }
        };
        out.retain(|rel| crate::course_layout::carries(rel, hidden_tests_dir));
        out.sort();
        out
    }

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
            CourseFiles::Packed(packed) => packed
                .pack
                .files
                .get(rel)
                .map(|text| Cow::Owned(text.clone()))
                .ok_or_else(|| Error::CourseFileMissing { path: self.display(rel) }),
        }
    }

    /// Whether the course has a file at `rel`.
    pub fn exists(&self, rel: &str) -> bool {
        match self {
            CourseFiles::Embedded => embedded::FILES.iter().any(|(p, _)| *p == rel),
            CourseFiles::Dir(root) => root.join(rel).is_file(),
            CourseFiles::Packed(packed) => packed.pack.files.contains_key(rel),
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
            CourseFiles::Packed(packed) => {
                packed.pack.files.keys().filter(|p| p.starts_with(&prefix) && p.ends_with(&suffix)).cloned().collect()
            }
            CourseFiles::Dir(root) => {
                let mut out = Vec::new();
                walk(root, &root.join(dir), Some(ext), &mut out);
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
            CourseFiles::Packed(packed) => format!("{rel} (packed in {})", packed.path.display()),
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
        self.display(rel)
    }
}

/// Collects the files under `dir` (those ending in `.ext`, or all when `None`) as paths relative
/// to `root`.
fn walk(root: &Path, dir: &Path, ext: Option<&str>, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, ext, out);
        } else if ext.is_none_or(|ext| path.extension().is_some_and(|e| e == ext))
            && let Ok(rel) = path.strip_prefix(root)
        {
            let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
}
