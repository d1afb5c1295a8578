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

/// A `learn watch` process driven through pipes: keys are written as lines, output is collected.
pub struct WatchProcess {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    output: std::sync::Arc<std::sync::Mutex<String>>,
    redact: Box<dyn Fn(&str) -> String>,
}

/// How long any expected output may take to appear.
pub const PATIENCE: Duration = Duration::from_secs(20);

impl Sandbox {
    /// Starts `learn watch ARGS` in `dir`.
    pub fn watch_in(&self, dir: &Path, args: &[&str]) -> WatchProcess {
        use std::io::Read;
        let mut child = Command::new(BIN)
            .arg("watch")
            .args(args)
            .current_dir(dir)
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        for mut stream in
            [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
        {
            let output = output.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    output.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let root = self.dir.path().canonicalize().unwrap().display().to_string();
        WatchProcess {
            stdin: child.stdin.take(),
            child,
            output,
            redact: Box::new(move |t: &str| t.replace(&root, "[TMP]")),
        }
    }

    /// Starts `learn watch ARGS` in the workspace.
    pub fn watch(&self, args: &[&str]) -> WatchProcess {
        self.watch_in(&self.ws(), args)
    }
}

impl WatchProcess {
    /// Everything printed so far.
    pub fn output(&self) -> String {
        (self.redact)(&self.output.lock().unwrap())
    }

    /// Waits until the output satisfies `done` (panics with the output after [`PATIENCE`]).
    pub fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let out = self.output();
            if done(&out) {
                return out;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; output so far:\n{out}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until `text` has been printed `count` times in all.
    pub fn wait_count(&self, text: &str, count: usize) -> String {
        self.wait_for(&format!("{count} x {text:?}"), |o| o.matches(text).count() >= count)
    }

    /// The last screen drawn (screens are separated by a blank line and start with the title).
    pub fn last_screen(&self, title: &str) -> String {
        let out = self.output();
        out.rfind(title).map(|i| out[i..].to_string()).unwrap_or(out)
    }

    /// Sends a key (as a line).
    pub fn key(&mut self, key: char) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{key}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "learn watch did not exit; output:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for WatchProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
