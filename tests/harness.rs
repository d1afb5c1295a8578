//! A small builder for running the real `learn` binary against a fixture course copied into a
//! temporary folder, and asserting its full output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_learn");

/// A temporary folder with a copy of a fixture course in `course/`, and a workspace in `ws/` once
/// [`Sandbox::init`] ran.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

/// What one run of `learn` printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Sandbox {
    /// A sandbox with the fixture course `name` (from `tests/fixtures/courses/`).
    pub fn with_course(name: &str) -> Sandbox {
        let dir = tempfile::Builder::new().prefix("learn-test").tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/courses").join(name);
        copy_dir(&src, &dir.path().join("course"));
        Sandbox { dir }
    }

    /// A sandbox with the `basic` fixture course and a workspace for it in `ws/`.
    pub fn basic() -> Sandbox {
        let sb = Sandbox::with_course("basic");
        sb.init();
        sb
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn course(&self) -> PathBuf {
        self.path("course")
    }

    pub fn ws(&self) -> PathBuf {
        self.path("ws")
    }

    /// Creates the workspace `ws/` for the fixture course.
    pub fn init(&self) {
        let run = self.learn_in(self.dir.path(), &["init", "ws", "--course", "course"]);
        assert_eq!(run.code, 0, "init failed: {run:?}");
    }

    /// Runs `learn ARGS` in the workspace.
    pub fn learn(&self, args: &[&str]) -> Run {
        self.learn_in(&self.ws(), args)
    }

    /// Runs `learn ARGS` in `dir`.
    pub fn learn_in(&self, dir: &Path, args: &[&str]) -> Run {
        self.command_in(dir, args, |_| {})
    }

    /// Runs `learn ARGS` in `dir` after `setup` adjusted the command.
    pub fn command_in(&self, dir: &Path, args: &[&str], setup: impl FnOnce(&mut Command)) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(dir).env_remove("NO_COLOR").env("RUST_BACKTRACE", "0").stdin(Stdio::null());
        setup(&mut cmd);
        let start = Instant::now();
        let Output { status, stdout, stderr } = cmd.output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: self.redact(&String::from_utf8_lossy(&stdout)),
            stderr: self.redact(&String::from_utf8_lossy(&stderr)),
            elapsed: start.elapsed(),
        }
    }

    /// Replaces the sandbox's path by `[TMP]`.
    pub fn redact(&self, text: &str) -> String {
        let root = self.dir.path().canonicalize().unwrap();
        text.replace(&root.display().to_string(), "[TMP]").replace(&self.dir.path().display().to_string(), "[TMP]")
    }

    /// Writes `text` to `rel` inside the workspace.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.ws().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Reads `rel` inside the workspace.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.ws().join(rel)).unwrap()
    }

    /// Writes the course's solution of `exercise` into the workspace's exercise file.
    pub fn solve(&self, exercise: &str) {
        let text = fs::read_to_string(self.course().join(format!("solutions/intro/{exercise}.rs"))).unwrap();
        self.write(&format!("exercises/intro/{exercise}.rs"), &text);
    }
}

pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), to).unwrap();
        }
    }
}

/// Whether any process still runs a program whose path contains `needle` (Linux: from /proc).
pub fn processes_running(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else { return found };
    for entry in entries.flatten() {
        let cmdline = entry.path().join("cmdline");
        if let Ok(bytes) = fs::read(&cmdline) {
            let text = String::from_utf8_lossy(&bytes).replace('\0', " ");
            if text.contains(needle) {
                found.push(text);
            }
        }
    }
    found
}
