//! The learner's workspace on disk: finding it, creating it, its files, and its progress file,
//! which is read and written safely (a lock file serializes updates from several `learn`
//! processes; writes go to a temporary file renamed over the old one, so a crash, a full disk or a
//! read-only folder never leaves a half-written progress file).
//!
//! Layout of a workspace:
//! ```text
//! .learn-progress.toml      progress; marks the workspace root
//! .gitignore                ignores .learn/
//! exercises/<topic>/*.rs    the learner's files
//! exercises/**/*.md         the course's readings beside them (a topic's README.md)
//! lesson/*.md               the course's lesson
//! solutions/<topic>/*.rs    reference solutions, written once an exercise passes
//! backups/<name>-<n>.rs     the learner's versions saved by `learn reset`
//! .learn/                   cache: build folders, lock file (safe to delete)
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::course::{Course, Exercise};
use crate::course_files::{CourseFiles, LoadedCourse};
use crate::error::Error;
use crate::progress::Progress;

/// The progress file's name; its presence marks a workspace root.
pub const PROGRESS_FILE: &str = ".learn-progress.toml";
/// The cache folder's name.
pub const CACHE_DIR: &str = ".learn";

const GITIGNORE: &str =
    "# learn's cache (build products); safe to delete\n.learn/\n# what editors build with Cargo.toml\ntarget/\n";

/// Editor settings for VS Code: suggest rust-analyzer.
const VSCODE_EXTENSIONS: &str = "{\n  \"recommendations\": [\"rust-lang.rust-analyzer\"]\n}\n";

/// A learner's workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io { action, path: path.to_path_buf(), source }
}

impl Workspace {
    /// The workspace holding `start` (itself or its nearest ancestor with a progress file).
    pub fn find(start: &Path) -> Option<Workspace> {
        start
            .ancestors()
            .find(|dir| dir.join(PROGRESS_FILE).is_file())
            .map(|root| Workspace { root: root.to_path_buf() })
    }

    pub fn progress_path(&self) -> PathBuf {
        self.root.join(PROGRESS_FILE)
    }

    /// The learner's file for `ex`.
    pub fn exercise_file(&self, course: &Course, ex: &Exercise) -> PathBuf {
        self.root.join(course.exercise_path(ex))
    }

    /// Where the solution of `ex` is written once it passes.
    pub fn solution_file(&self, course: &Course, ex: &Exercise) -> PathBuf {
        self.root.join(course.solution_path(ex))
    }

    /// The build folder of `ex`.
    pub fn build_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join(CACHE_DIR).join("build").join(&ex.name)
    }

    /// Reads the progress file.
    pub fn load_progress(&self) -> Result<Progress, Error> {
        let path = self.progress_path();
        let text = fs::read_to_string(&path).map_err(|source| match source.kind() {
            ErrorKind::InvalidData => Error::ProgressDamaged {
                path: path.clone(),
                problem: crate::progress::ProgressProblem::Malformed {
                    location: crate::course::Location { line: 1, column: 1 },
                    message: "the file is not UTF-8 text".into(),
                },
            },
            _ => Error::Io { action: "read", path: path.clone(), source },
        })?;
        Progress::parse(&text).map_err(|problem| Error::ProgressDamaged { path, problem })
    }

    /// The course this workspace was made for, checked against the progress file.
    pub fn load_course(&self, progress: &Progress) -> Result<LoadedCourse, Error> {
        let files = match &progress.course_dir {
            Some(recorded) => self.open_course(&progress.course, recorded)?,
            None => CourseFiles::Embedded,
        };
        let loaded = files.load()?;
        if loaded.course.name != progress.course {
            return Err(Error::CourseMismatch { found: progress.course.clone(), expected: loaded.course.name });
        }
        Ok(loaded)
    }

    /// The course the progress file places at `recorded` (relative to the workspace root, or
    /// absolute as written by older versions of `learn`). A course that is not there any more is
    /// said to have moved, with how to point the workspace at its new place.
    fn open_course(&self, name: &str, recorded: &Path) -> Result<CourseFiles, Error> {
        let resolved = normalize(&self.root.join(recorded));
        let moved = || Error::CourseMoved {
            name: name.to_string(),
            progress: self.progress_path(),
            recorded: recorded.to_path_buf(),
            resolved: resolved.clone(),
        };
        if !resolved.exists() {
            return Err(moved());
        }
        match CourseFiles::open(&resolved) {
            Err(Error::NoCourse { .. }) => Err(moved()),
            other => other,
        }
    }

    /// How the progress file refers to the course at `place` (absolute): by a path relative to
    /// the workspace root, so that a workspace and its course moved together stay together, and
    /// nothing machine-specific is written into a workspace that may be committed and cloned.
    pub fn course_reference(&self, place: &Path) -> PathBuf {
        relative_path(&self.root, place)
    }

    /// The course to grade this workspace against when the grade must be trusted (`learn verify`):
    /// `named` on the command line, or the embedded course. A course named by the progress file is
    /// refused: the learner can write that file, and with it choose the tests.
    pub fn load_trusted_course(&self, progress: &Progress, named: Option<CourseFiles>) -> Result<LoadedCourse, Error> {
        let files = match (named, &progress.course_dir) {
            (Some(files), _) => files,
            (None, Some(named)) => {
                return Err(Error::CourseDirNotTrusted {
                    path: self.progress_path(),
                    dir: normalize(&self.root.join(named)),
                });
            }
            (None, None) => CourseFiles::Embedded,
        };
        let loaded = files.load()?;
        if loaded.course.name != progress.course {
            return Err(Error::CourseMismatch { found: progress.course.clone(), expected: loaded.course.name });
        }
        Ok(loaded)
    }

    /// The done exercises whose file no longer matches the content that passed (edited, reset or
    /// deleted since).
    pub fn changed_since(&self, course: &Course, progress: &Progress) -> std::collections::BTreeSet<String> {
        course
            .exercises
            .iter()
            .filter(|ex| {
                progress.done.get(&ex.name).is_some_and(|hash| {
                    fs::read(self.exercise_file(course, ex))
                        .map_or(true, |bytes| crate::grader::content_hash(&bytes) != *hash)
                })
            })
            .map(|ex| ex.name.clone())
            .collect()
    }

    /// Applies `change` to the progress under the workspace lock and saves it atomically. Another
    /// `learn` process's update made in the meantime is read first, so neither update is lost.
    pub fn update_progress<R>(&self, change: impl FnOnce(&mut Progress) -> R) -> Result<(R, Progress), Error> {
        let _lock = self.lock()?;
        let mut progress = self.load_progress()?;
        let result = change(&mut progress);
        self.save_progress(&progress)?;
        Ok((result, progress))
    }

    /// Writes `progress` atomically (callers hold the lock). On failure the previous file is intact.
    pub fn save_progress(&self, progress: &Progress) -> Result<(), Error> {
        let path = self.progress_path();
        write_atomic(&path, progress.to_toml().as_bytes()).map_err(|e| match e {
            Error::Io { source, .. } => Error::SaveProgress { path, source },
            other => other,
        })
    }

    /// Takes the workspace lock; it is released when the returned file is dropped.
    pub fn lock(&self) -> Result<File, Error> {
        let dir = self.root.join(CACHE_DIR);
        fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
        let taken = take_lock(&dir.join("lock"), "the workspace lock", || false)?;
        Ok(taken.expect("never cancelled"))
    }

    /// Copies the learner's file of `ex` to a new backup file and returns its path (`None` when
    /// the learner's file does not exist).
    pub fn backup(&self, course: &Course, ex: &Exercise) -> Result<Option<PathBuf>, Error> {
        let src = self.exercise_file(course, ex);
        let content = match fs::read(&src) {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { action: "read", path: src, source }),
        };
        let dir = self.root.join("backups");
        fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
        for n in 1.. {
            let path = dir.join(format!("{}-{n}.rs", ex.name));
            // `create_new` so two resets at once never overwrite each other's backup.
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    f.write_all(&content).map_err(io_err("write", &path))?;
                    return Ok(Some(path));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(Error::Io { action: "create", path, source }),
            }
        }
        unreachable!("the loop returns")
    }

    /// Writes the starting file of `ex` over the learner's file.
    pub fn restore(&self, loaded: &LoadedCourse, ex: &Exercise) -> Result<PathBuf, Error> {
        let text = loaded.files.read(&loaded.course.exercise_path(ex))?;
        let path = self.exercise_file(&loaded.course, ex);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err("create", dir))?;
        }
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Writes the reference solution of `ex` into the workspace, for comparison.
    pub fn write_solution(&self, loaded: &LoadedCourse, ex: &Exercise) -> Result<PathBuf, Error> {
        let text = loaded.files.read(&loaded.course.solution_path(ex))?;
        let path = self.solution_file(&loaded.course, ex);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err("create", dir))?;
        }
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Creates a workspace in the new or empty folder `dir` for `loaded` (the course's folder or
    /// packed file is recorded relative to the workspace; nothing for the embedded course).
    pub fn create(dir: &Path, loaded: &LoadedCourse) -> Result<Workspace, Error> {
        if dir.join(PROGRESS_FILE).is_file() {
            return Err(Error::AlreadyWorkspace { path: dir.to_path_buf() });
        }
        if dir.is_file() || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
            return Err(Error::NotEmpty { path: dir.to_path_buf() });
        }
        fs::create_dir_all(dir).map_err(io_err("create", dir))?;
        let root = dir.canonicalize().map_err(io_err("resolve", dir))?;
        let ws = Workspace { root };
        for ex in &loaded.course.exercises {
            ws.restore(loaded, ex)?;
        }
        ws.write_readings(loaded)?;
        let gitignore = ws.root.join(".gitignore");
        fs::write(&gitignore, GITIGNORE).map_err(io_err("write", &gitignore))?;
        let vscode = ws.root.join(".vscode");
        fs::create_dir_all(&vscode).map_err(io_err("create", &vscode))?;
        let extensions = vscode.join("extensions.json");
        fs::write(&extensions, VSCODE_EXTENSIONS).map_err(io_err("write", &extensions))?;
        let course_dir = loaded.files.location().map(|place| ws.course_reference(place));
        let progress = Progress::new(&loaded.course.name, course_dir);
        ws.save_progress(&progress)?;
        ws.write_cargo_manifest(&loaded.course, &progress)?;
        Ok(ws)
    }

    /// Writes the course's readings into the workspace as Markdown, so editors can render them
    /// next to the exercises: the lesson (`lesson/<topic>.md` and `lesson/README.md`) and the
    /// Markdown beside the exercises (`exercises/<topic>/README.md`, `exercises/README.md`).
    pub fn write_readings(&self, loaded: &LoadedCourse) -> Result<(), Error> {
        let lesson = loaded.files.files_under(crate::lesson::DIR, "md");
        let beside_exercises = loaded.files.files_under("exercises", "md");
        for rel in lesson.into_iter().chain(beside_exercises) {
            let text = loaded.files.read(&rel)?;
            let path = self.root.join(&rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io_err("create", dir))?;
            }
            fs::write(&path, text.as_bytes()).map_err(io_err("write", &path))?;
        }
        Ok(())
    }

    /// Writes the workspace's `Cargo.toml`, for editors only: each unlocked exercise and each
    /// solution written out so far is a binary, so rust-analyzer knows the files. Grading never
    /// uses it (and the hidden tests are not in it).
    pub fn write_cargo_manifest(&self, course: &Course, progress: &Progress) -> Result<(), Error> {
        let path = self.root.join("Cargo.toml");
        write_atomic(&path, cargo_manifest(course, progress, |ex| self.solution_file(course, ex).is_file()).as_bytes())
    }
}

/// The text of a workspace's `Cargo.toml` (see [`Workspace::write_cargo_manifest`]).
pub fn cargo_manifest(course: &Course, progress: &Progress, has_solution: impl Fn(&Exercise) -> bool) -> String {
    use crate::progress::Status;
    let mut text = format!(
        "# Written by learn so that editors (rust-analyzer) understand your exercises: each unlocked\n\
         # exercise, and each reference solution written out, is a binary. learn rewrites this file as\n\
         # you go; grading does not use it. `cargo run --bin NAME` runs an exercise's `main`.\n\
         [package]\nname = {:?}\nversion = \"0.1.0\"\nedition = {:?}\npublish = false\nautobins = false\n",
        course.name, course.edition
    );
    for (i, ex) in course.exercises.iter().enumerate() {
        if progress.status(course, i) != Status::Locked {
            text.push_str(&format!("\n[[bin]]\nname = {:?}\npath = {:?}\n", ex.name, course.exercise_path(ex)));
        }
        if has_solution(ex) {
            let name = format!("{}_solution", ex.name);
            text.push_str(&format!("\n[[bin]]\nname = {name:?}\npath = {:?}\n", course.solution_path(ex)));
        }
    }
    text.push_str(
        "\n[lints.rust]\n# The hidden tests use items an exercise's own `main` may not: that is not dead code.\n\
         dead_code = \"allow\"\n\n# Not part of any enclosing Cargo workspace.\n[workspace]\n",
    );
    text
}

/// The path from the folder `from` to `to`, both absolute and free of `.`/`..` parts (as
/// `canonicalize` gives them): `../course` for a course beside the workspace.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = std::iter::repeat_n(std::path::Component::ParentDir, from.len() - common).collect();
    path.extend(&to[common..]);
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

/// `path` without `.` and `..` parts, read lexically (for naming a place that may not exist).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How long `learn` waits for a lock another process holds: `$LEARN_LOCK_TIMEOUT_SECS`, or long
/// enough for the longest grading (a compile and a test run at their limits).
pub fn lock_wait() -> Duration {
    std::env::var("LEARN_LOCK_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(Duration::from_secs(300), Duration::from_secs)
}

/// Takes the lock file `path` (`what` names it in messages), waiting while another process holds
/// it, for at most [`lock_wait`]; then an error names the holder, whose process id the holder
/// writes into the file. `None` when `cancelled` says so while waiting. Released when the returned
/// file is dropped (or its process ends).
pub fn take_lock(path: &Path, what: &'static str, cancelled: impl Fn() -> bool) -> Result<Option<File>, Error> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(io_err("open", path))?;
    let started = Instant::now();
    let wait = lock_wait();
    loop {
        match file.try_lock() {
            Ok(()) => {
                // Best effort: the holder's id only makes a timeout's message more useful.
                let _ = file.set_len(0).and_then(|()| file.write_all(std::process::id().to_string().as_bytes()));
                return Ok(Some(file));
            }
            Err(fs::TryLockError::WouldBlock) if cancelled() => return Ok(None),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() >= wait => {
                let holder = fs::read_to_string(path).ok().and_then(|s| s.trim().parse::<u32>().ok());
                return Err(Error::LockTimeout { what, path: path.to_path_buf(), holder, secs: wait.as_secs() });
            }
            Err(fs::TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(5)),
            Err(fs::TryLockError::Error(source)) => {
                return Err(Error::Io { action: "lock", path: path.to_path_buf(), source });
            }
        }
    }
}

/// Writes `bytes` to a temporary file next to `path`, flushes it to disk, and renames it over
/// `path`: readers see the old content or the new, never a mix, and a failure leaves the old.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}-{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        fs::rename(&tmp, path)
    })();
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        Error::Io { action: "write", path: path.to_path_buf(), source }
    })
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn a_course_is_named_from_the_workspace() {
        let rel = |from: &str, to: &str| relative_path(Path::new(from), Path::new(to)).display().to_string();
        assert_eq!(rel("/home/ada/ws", "/home/ada/course"), "../course");
        assert_eq!(rel("/home/ada/ws", "/home/ada/ws/course"), "course");
        assert_eq!(rel("/home/ada/class/ws", "/srv/c.learn-course"), "../../../../srv/c.learn-course");
        assert_eq!(rel("/home/ada/ws", "/home/ada/ws"), ".");
        assert_eq!(rel("/", "/course"), "course");
    }

    #[test]
    fn a_place_that_may_not_exist_is_named_without_dots() {
        assert_eq!(super::normalize(Path::new("/home/ada/ws/./../course")), Path::new("/home/ada/course"));
    }
}
