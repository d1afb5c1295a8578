//! Grading one exercise: compose the learner's file with its hidden tests, compile with `rustc`
//! directly (no cargo: it would double the time and wait on cargo's build lock), run the hidden
//! tests in a sandbox under the time limit, and judge the result.
//!
//! The composed file is the learner's file byte for byte plus `mod __learn_hidden { <hidden> }`,
//! written into the exercise's build folder and compiled with `--remap-path-prefix`, so every path
//! the compiler or a panic prints is the learner's own file, with the learner's line numbers. (An
//! `include!` of the learner's file would refuse inner attributes such as `#![allow(...)]`.) The
//! composed file is removed once compiled: hidden tests do not stay in the workspace.

use std::ffi::OsStr;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::explain::{Explanation, Explanations};
use crate::runner::{self, Cancel, RunEnd};
use crate::sys::{self, ResourceLimits};
use crate::toolchain::Toolchain;
use crate::verdict::{self, Composition, Diagnostic, Exit, TestRun, Verdict};

/// The largest exercise file `learn` grades.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// How long the compiler may take before the attempt is given up.
const COMPILE_LIMIT: Duration = Duration::from_secs(120);
/// Limits on the learner's test program.
pub const DEFAULT_LIMITS: ResourceLimits = ResourceLimits { memory: 1 << 30, cpu_secs: 120, file_size: 64 << 20 };
/// Limits on the compiler (and the linker it runs).
pub const COMPILE_LIMITS: ResourceLimits = ResourceLimits { memory: 4 << 30, cpu_secs: 240, file_size: 512 << 20 };

/// One exercise to grade. Owned, so a watch-mode grading thread can take it.
#[derive(Debug, Clone)]
pub struct Job {
    /// The exercise's name (also the crate name).
    pub name: String,
    pub edition: String,
    /// The learner's file, absolute.
    pub learner_file: PathBuf,
    /// How to name the learner's file in messages (relative to where the learner is, when possible).
    pub display_path: String,
    /// The hidden tests' source.
    pub hidden: String,
    /// A folder of the exercise's own for build products, absolute.
    pub build_dir: PathBuf,
    pub time_limit: Duration,
    /// Whether compiler messages may carry ANSI colours.
    pub color: bool,
    /// The course's explanation rules.
    pub explanations: Arc<Explanations>,
    /// The compiler to call, and how.
    pub toolchain: Toolchain,
    /// Keep an incremental cache in the build folder (a win from the second compile on).
    pub incremental: bool,
}

/// The full result of grading: the verdict plus what else the learner should see.
#[derive(Debug, Clone)]
pub struct Report {
    pub verdict: Verdict,
    /// What the course explains about the verdict (see `explain`).
    pub explanations: Vec<Explanation>,
    pub warnings: Vec<Diagnostic>,
    /// `sha256:<hex>` of the graded file content.
    pub hash: String,
    /// Output of the test program outside any test's report (stderr), when there was some.
    pub program_output: Option<String>,
}

/// How grading ended.
#[derive(Debug)]
pub enum Graded {
    Report(Report),
    /// A newer request cancelled this one.
    Cancelled,
}

/// `sha256:<hex>` of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Reads a learner's file, refusing what cannot be graded with a message that says how to fix it.
pub fn read_learner_file(path: &Path, name: &str) -> Result<String, Error> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::ExerciseFile {
                path: path.to_path_buf(),
                problem: "is missing".into(),
                name: name.into(),
            });
        }
        Err(source) => return Err(Error::Io { action: "read", path: path.to_path_buf(), source }),
    };
    let problem = if bytes.len() > MAX_FILE_BYTES {
        Some(format!("is {} KiB, more than the {} KiB an exercise may have", bytes.len() >> 10, MAX_FILE_BYTES >> 10))
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        Some("is empty".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(Error::ExerciseFile { path: path.to_path_buf(), problem, name: name.into() });
    }
    String::from_utf8(bytes).map_err(|e| Error::ExerciseFile {
        path: path.to_path_buf(),
        problem: format!("is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        name: name.into(),
    })
}

/// Grades `source` (the content of `job.learner_file`).
pub fn grade(job: &Job, source: &str, cancel: &Cancel) -> Result<Graded, Error> {
    let hash = content_hash(source.as_bytes());
    let file_name = job.learner_file.file_name().unwrap_or(OsStr::new("exercise.rs"));
    let (composed, comp) = Composition::compose(&job.display_path, source, &job.hidden);
    fs::create_dir_all(&job.build_dir).map_err(|source| Error::Io {
        action: "create",
        path: job.build_dir.to_path_buf(),
        source,
    })?;
    // Another learn (a `run` beside a `watch`) may be grading this exercise: one at a time per
    // build folder, or they would overwrite each other's files.
    let Some(_lock) = lock_build_dir(&job.build_dir, cancel)? else { return Ok(Graded::Cancelled) };
    let composed_path = job.build_dir.join(file_name);
    let binary = job.build_dir.join(format!("{}-tests", job.name));
    write(&composed_path, &composed)?;

    let compiled = compile(job, &composed_path, &binary, cancel);
    let _ = fs::remove_file(&composed_path);
    let (status, stderr) = match compiled? {
        Some(done) => done,
        None => return Ok(Graded::Cancelled),
    };
    let out = verdict::parse_compiler_output(&stderr, &comp);
    let report = |verdict, program_output| {
        Graded::Report(Report {
            explanations: job.explanations.explain(&verdict, source),
            verdict,
            warnings: out.warnings.clone(),
            hash: hash.clone(),
            program_output,
        })
    };
    match status {
        Exit::Code(0) => {}
        Exit::TimedOut => {
            let reason = format!("the compiler did not finish within {} s", COMPILE_LIMIT.as_secs());
            return Ok(report(Verdict::Crashed { reason, tests: Vec::new() }, None));
        }
        _ if !out.errors.is_empty() => {
            return Ok(report(Verdict::CompileError { errors: out.errors }, None));
        }
        _ => {
            if out.other.contains("edition") {
                return Err(Error::ToolchainTooOld {
                    program: crate::toolchain::program(),
                    edition: job.edition.clone(),
                    detail: out.other.lines().next().unwrap_or_default().to_string(),
                });
            }
            let error = Diagnostic {
                level: verdict::Level::Error,
                code: None,
                message: "the compiler failed".into(),
                rendered: format!("the compiler failed without a diagnostic:\n{}", out.other),
                line: None,
                hidden_test: None,
                notes: Vec::new(),
            };
            return Ok(report(Verdict::CompileError { errors: vec![error] }, None));
        }
    }

    let expected = match list_tests(&binary, &job.toolchain, cancel)? {
        Some(list) => list,
        None => return Ok(Graded::Cancelled),
    };
    // The test program writes only a fresh scratch folder of its own (its log file, its temporary
    // files), never the build folder: it cannot change its own binary or the compile cache.
    let scratch = tempfile::Builder::new().prefix("learn-run").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;
    let log_path = scratch.path().join("tests.log");
    let filter = format!("{}::", verdict::HIDDEN_MODULE);
    let args: [&OsStr; 5] = [
        OsStr::new(&filter),
        OsStr::new("--logfile"),
        log_path.as_os_str(),
        OsStr::new("--color"),
        OsStr::new("never"),
    ];
    let confinement = sys::Confinement {
        read: job.toolchain.dynamic_std.iter().cloned().collect(),
        write: vec![scratch.path().to_path_buf()],
        exec: Vec::new(),
    };
    let mut cmd = sys::sandboxed(&binary, &args, DEFAULT_LIMITS, &confinement)
        .map_err(|source| Error::Spawn { program: "learn (sandbox launcher)".into(), source })?;
    cmd.current_dir(scratch.path())
        .env("TMPDIR", scratch.path())
        .env("RUST_BACKTRACE", "0")
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_TEST_NOCAPTURE")
        .env_remove("RUST_TEST_THREADS");
    let end = runner::run(cmd, job.time_limit, cancel)
        .map_err(|source| run_error(format!("{} (through learn's sandbox launcher)", binary.display()), source))?;
    let RunEnd::Finished { exit, stdout, stderr, .. } = end else { return Ok(Graded::Cancelled) };
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    let (stdout_len, stderr_len) = (stdout.text.len() as u64, stderr.text.len() as u64);
    let run = TestRun {
        expected,
        log,
        stdout: stdout.text,
        stderr: stderr.text,
        exit,
        limit: job.time_limit,
        memory_limit: Some(DEFAULT_LIMITS.memory),
    };
    let verdict = verdict::judge(&run, &comp);
    let mut program_output = program_output(&run.stderr);
    let dropped = stdout.dropped + stderr.dropped;
    if dropped > 0 {
        let written = (dropped + stdout_len + stderr_len) as f64 / f64::from(1 << 20);
        let note = format!(
            "[learn: the program wrote {written:.1} MiB of output; only the first and last {} KiB of each stream were kept]",
            runner::OUTPUT_CAP >> 11
        );
        program_output = Some(program_output.map_or(note.clone(), |o| format!("{o}\n{note}")));
    }
    Ok(report(verdict, program_output))
}

/// Takes the build folder's lock, waiting for another grading to finish; `None` when cancelled
/// while waiting.
fn lock_build_dir(dir: &Path, cancel: &Cancel) -> Result<Option<fs::File>, Error> {
    crate::workspace::take_lock(&dir.join(".lock"), "the build folder's lock", || cancel.is_cancelled())
}

/// Compiles, confined (see `sandbox`): the compiler reads the toolchain and the system's linker,
/// and reads and writes only the build folder, so an `include_str!` of anything outside it fails;
/// its memory is limited, so a huge constant ends in a verdict rather than a stalled machine.
/// `None` when cancelled.
fn compile(job: &Job, composed: &Path, binary: &Path, cancel: &Cancel) -> Result<Option<(Exit, String)>, Error> {
    let program = job.toolchain.rustc.display().to_string();
    let Some(rustc) = crate::toolchain::find_program(&job.toolchain.rustc) else {
        return Err(Error::RustcMissing { program });
    };
    let display_dir = Path::new(&job.display_path).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut remap = job.build_dir.as_os_str().to_owned();
    remap.push("=");
    remap.push(if display_dir.as_os_str().is_empty() { Path::new(".") } else { &display_dir });
    let confinement = sys::Confinement {
        read: Vec::new(),
        write: vec![job.build_dir.clone()],
        exec: job.toolchain.confinement_exec(&rustc),
    };
    // Arguments added to the launcher's command after this go to the compiler.
    let mut cmd = sys::sandboxed(&rustc, &[], COMPILE_LIMITS, &confinement)
        .map_err(|source| Error::Spawn { program: "learn (sandbox launcher)".into(), source })?;
    cmd.arg("--edition")
        .arg(&job.edition)
        .arg("--test")
        .arg("--crate-name")
        .arg(&job.name)
        .arg("--error-format=json")
        .arg("--remap-path-prefix")
        .arg(remap)
        .args(job.toolchain.fast_build_args())
        .arg("-o")
        .arg(binary)
        .arg(composed)
        .current_dir(&job.build_dir)
        .env("TMPDIR", &job.build_dir);
    if job.color {
        cmd.arg("--json=diagnostic-rendered-ansi");
    }
    if job.incremental {
        cmd.arg("-C").arg(incremental_arg(&job.build_dir));
    }
    match runner::run(cmd, COMPILE_LIMIT, cancel) {
        Ok(RunEnd::Finished { exit, stderr, .. }) if compiler_ran_out_of_memory(&exit, &stderr.text) => {
            let limit = COMPILE_LIMITS.memory >> 20;
            let message = format!(
                "the compiler ran out of memory (its limit is {limit} MiB): something in the file makes it \
                 build a huge value, such as a very large array constant"
            );
            let diagnostic = serde_json::json!({
                "message": message, "code": null, "level": "error", "spans": [], "children": [],
                "rendered": format!("error: {message}\n"),
            });
            Ok(Some((Exit::Code(1), diagnostic.to_string())))
        }
        Ok(RunEnd::Finished { exit, stderr, .. }) => Ok(Some((exit, stderr.text))),
        Ok(RunEnd::Cancelled) => Ok(None),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::RustcMissing { program }),
        Err(source) => Err(run_error(program, source)),
    }
}

/// Whether the compiler stopped because its memory limit was reached (it then aborts, saying that
/// an allocation failed, or is killed without a diagnostic).
fn compiler_ran_out_of_memory(exit: &Exit, stderr: &str) -> bool {
    let abort = matches!(exit, Exit::Signal(6) | Exit::Signal(9) | Exit::Signal(11));
    let said = stderr.lines().any(|l| l.starts_with("memory allocation of") && l.ends_with("failed"));
    said || (abort && !stderr.contains("internal compiler error"))
}

fn incremental_arg(build_dir: &Path) -> std::ffi::OsString {
    let mut arg = std::ffi::OsString::from("incremental=");
    arg.push(build_dir.join("incremental"));
    arg
}

/// The hidden tests' full names, from the test binary's own list. `None` when cancelled.
/// The listing runs confined like the tests: code of the learner's can run before `main`.
fn list_tests(binary: &Path, toolchain: &Toolchain, cancel: &Cancel) -> Result<Option<Vec<String>>, Error> {
    let confinement =
        sys::Confinement { read: toolchain.dynamic_std.iter().cloned().collect(), write: Vec::new(), exec: Vec::new() };
    let mut cmd = sys::sandboxed(binary, &[], DEFAULT_LIMITS, &confinement)
        .map_err(|source| Error::Spawn { program: "learn (sandbox launcher)".into(), source })?;
    cmd.args(["--list", "--format", "terse"]).arg(format!("{}::", verdict::HIDDEN_MODULE));
    let end = runner::run(cmd, Duration::from_secs(10), cancel)
        .map_err(|source| run_error(binary.display().to_string(), source))?;
    let RunEnd::Finished { stdout, .. } = end else { return Ok(None) };
    Ok(Some(
        stdout
            .text
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .filter(|n| n.starts_with(verdict::HIDDEN_MODULE))
            .map(str::to_string)
            .collect(),
    ))
}

/// The error for a child process that could not run (or was stopped by a signal to `learn`).
fn run_error(program: String, source: std::io::Error) -> Error {
    if source.kind() == ErrorKind::Interrupted { Error::Interrupted } else { Error::Spawn { program, source } }
}

/// What the test program printed on stderr that is worth showing (not the logfile warning).
fn program_output(stderr: &str) -> Option<String> {
    let kept: Vec<&str> = stderr.lines().filter(|l| !l.contains("`--logfile` is deprecated")).collect();
    let text = kept.join("\n");
    (!text.trim().is_empty()).then_some(text)
}

fn write(path: &PathBuf, text: &str) -> Result<(), Error> {
    fs::write(path, text).map_err(|source| Error::Io { action: "write", path: path.clone(), source })
}
