//! Grading one exercise: compose the learner's file with its hidden tests, compile with `rustc`
//! directly (no cargo: it would double the time and wait on cargo's build lock), run the hidden
//! tests in a sandbox under the time limit, and judge the result.
//!
//! The composed crate ([`crate::composition`]) is the learner's file byte for byte as a module, the
//! hidden tests inside it, and `learn`'s harness as the entry point. It goes to rustc through a
//! pipe (`/dev/stdin`), so it is never on disk for the learner's code to `include_str!`; the
//! learner's lines keep their numbers, and every path printed is mapped back to the learner's file.
//! `unsafe` is forbidden unless the exercise opts in. The compiled program reports through the
//! harness's channel ([`crate::harness`]): nothing else the learner's code writes counts.

use std::ffi::OsStr;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::composition::{self, Composition};
use crate::course::{ClippyLevel, ExerciseKind, LintLevel};
use crate::error::Error;
use crate::explain::{Explanation, Explanations};
use crate::harness;
use crate::runner::{self, Cancel, RunEnd};
use crate::sys::{self, ResourceLimits};
use crate::toolchain::Toolchain;
use crate::verdict::{self, Diagnostic, Exit, TestRun, Verdict};

/// The largest exercise file `learn` grades.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// What the compiler is given as its input file: the pipe learn writes the composed crate into.
const STDIN_PATH: &str = "/dev/stdin";
/// How long the compiler may take before the attempt is given up.
const COMPILE_LIMIT: Duration = Duration::from_secs(120);
/// How much of the harness's report is kept (every test's output is already capped by the harness).
const HARNESS_OUTPUT_CAP: usize = 16 << 20;
/// How long after the time limit the harness has to report the tests it stopped.
const HARNESS_GRACE: Duration = Duration::from_secs(2);
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
    /// Whether the learner's file may use `unsafe` code (the exercise opts in).
    pub allow_unsafe: bool,
    /// Whether the learner's file may declare `static` items (see [`composition::static_items`]).
    pub allow_statics: bool,
    /// The width of the terminal the compiler's messages are shown in (`--diagnostic-width`);
    /// `None` leaves rustc's default.
    pub diagnostic_width: Option<usize>,
    /// What a pass is (hidden tests, the program's `main`, the learner's own tests).
    pub kind: ExerciseKind,
    /// When set, the file must also be free of Clippy's warnings at this level.
    pub clippy: Option<ClippyLevel>,
    /// Lint levels the course sets, in order (`-A dead_code`, ...).
    pub lints: Vec<(String, LintLevel)>,
    /// The learner's tests that the starting file has (visible-tests exercises): a pass needs them
    /// all, so deleting a test does not make the exercise pass.
    pub required_tests: Vec<String>,
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
///
/// The file must be a regular file inside `root` (the learner's workspace), reached without a
/// symbolic link: in `learn grade`, a submission's link to the course's solutions or to another
/// learner's file would otherwise be read with the grader's rights. A FIFO or a device is refused
/// without waiting on it, and no more than [`MAX_FILE_BYTES`] and one byte are ever read.
pub fn read_learner_file(path: &Path, name: &str, root: &Path) -> Result<String, Error> {
    let refuse = |problem: String| Error::ExerciseFile { path: path.to_path_buf(), problem, name: name.into() };
    let io = |source: std::io::Error| Error::Io { action: "read", path: path.to_path_buf(), source };
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(refuse("is missing".into())),
        Err(source) => return Err(io(source)),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link: learn grades the file itself, so put the file there".into()));
        }
        Ok(meta) if !meta.is_file() => return Err(refuse("is not a regular file".into())),
        Ok(_) => {}
    }
    // A folder on the way may be a link too (`exercises` pointing at someone else's): the file's
    // real place must still be inside the workspace.
    if let (Ok(real), Ok(real_root)) = (path.canonicalize(), root.canonicalize())
        && !real.starts_with(&real_root)
    {
        return Err(refuse(format!(
            "is not inside the workspace {}: a folder on its way is a link to somewhere else",
            real_root.display()
        )));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Checked above, but the file may have been swapped since: never follow a link, never
        // wait for a FIFO's writer.
        options.custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits() | nix::fcntl::OFlag::O_NONBLOCK.bits());
    }
    let file = options.open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(refuse("is not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_FILE_BYTES as u64 + 1), &mut bytes).map_err(io)?;
    let problem = if bytes.len() > MAX_FILE_BYTES {
        Some(format!("is more than the {} KiB an exercise may have", MAX_FILE_BYTES >> 10))
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
    let (composed, comp) = Composition::compose_as(&job.display_path, source, &job.hidden, job.kind);
    fs::create_dir_all(&job.build_dir).map_err(|source| Error::Io {
        action: "create",
        path: job.build_dir.to_path_buf(),
        source,
    })?;
    let report = |verdict, warnings: Vec<Diagnostic>, program_output| {
        Graded::Report(Report {
            explanations: job.explanations.explain(&verdict, source),
            verdict,
            warnings,
            hash: hash.clone(),
            program_output,
        })
    };
    // Refused before compiling: attributes that would change the crate the tests run in.
    let mut shape = composition::crate_shape_problems(source).unwrap_or_default();
    shape.extend(comp.learner_problems.iter().cloned());
    shape.extend(composition::debug_only_code(source));
    if !job.allow_statics {
        shape.extend(composition::static_items(source));
    }
    if !shape.is_empty() {
        let errors = shape.iter().map(|p| shape_error(&comp, p)).collect();
        return Ok(report(Verdict::CompileError { errors }, Vec::new(), None));
    }
    // Another learn (a `run` beside a `watch`) may be grading this exercise: one at a time per
    // build folder, or they would overwrite each other's files.
    let Some(_lock) = lock_build_dir(&job.build_dir, cancel)? else { return Ok(Graded::Cancelled) };
    // The compiler writes the program into the build folder, the only folder it may write; learn
    // then moves it beside that folder, out of the compiler's reach, so no later compile can
    // `include_bytes!` a program that holds the hidden tests (their names and messages).
    let built = job.build_dir.join(format!("{}-tests", job.name));
    let binary = program_path(&job.build_dir);
    let _ = fs::remove_file(&built); // left there by an older learn

    let (status, stderr) = match compile(job, &composed, &built, cancel)? {
        Some(done) => done,
        None => return Ok(Graded::Cancelled),
    };
    let out = verdict::parse_compiler_output(&stderr, &comp);
    match status {
        Exit::Code(0) if !composition::tokenizes(source) => {
            // rustc accepted what does not stand alone: brackets that close the exercise's module.
            let problem = composition::ShapeProblem::whole_file(
                "the file's brackets do not balance on their own, so learn cannot tell where it ends".to_string(),
            );
            let errors = vec![shape_error(&comp, &problem)];
            return Ok(report(Verdict::CompileError { errors }, out.warnings, None));
        }
        Exit::Code(0) => {}
        Exit::TimedOut => {
            let reason = format!("the compiler did not finish within {} s", COMPILE_LIMIT.as_secs());
            return Ok(report(Verdict::Crashed { reason, tests: Vec::new() }, out.warnings, None));
        }
        _ if !out.errors.is_empty() => {
            return Ok(report(Verdict::CompileError { errors: out.errors }, out.warnings, None));
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
                hidden_sites: Vec::new(),
            };
            return Ok(report(Verdict::CompileError { errors: vec![error] }, out.warnings, None));
        }
    }

    fs::rename(&built, &binary).map_err(|source| Error::Io { action: "move", path: built.clone(), source })?;
    let secret = harness::new_secret().map_err(|source| Error::Io {
        action: "read",
        path: PathBuf::from("/dev/urandom"),
        source,
    })?;
    // The test program writes only a fresh scratch folder of its own (its temporary files), never
    // the build folder: it cannot change its own binary or the compile cache.
    let scratch = tempfile::Builder::new().prefix("learn-run").tempdir().map_err(|source| Error::Io {
        action: "create",
        path: std::env::temp_dir(),
        source,
    })?;
    let limit_ms = job.time_limit.as_millis().to_string();
    let args: [&OsStr; 3] = [OsStr::new("all"), binary.as_os_str(), OsStr::new(&limit_ms)];
    // A course that keeps all state in the exercise's values (no statics) leaves the tests no
    // file to write and no file lock to take either: files and locks outlive the values too.
    let confinement = sys::Confinement {
        read: job.toolchain.dynamic_std.iter().cloned().collect(),
        write: if job.allow_statics { vec![scratch.path().to_path_buf()] } else { Vec::new() },
        exec: Vec::new(),
        no_file_locks: !job.allow_statics,
    };
    let mut cmd = sys::sandboxed(&binary, &args, DEFAULT_LIMITS, &confinement)
        .map_err(|source| Error::Spawn { program: "learn (sandbox launcher)".into(), source })?;
    cmd.current_dir(scratch.path())
        .env("TMPDIR", scratch.path())
        .env("RUST_BACKTRACE", "0")
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_TEST_NOCAPTURE")
        .env_remove("RUST_TEST_THREADS");
    let input = runner::Input { stdin: Some(format!("{secret}\n").into_bytes()), cap: HARNESS_OUTPUT_CAP };
    // The harness stops each test at the limit itself and reports it; this is the backstop.
    let end = runner::run_with(cmd, input, job.time_limit + HARNESS_GRACE, cancel)
        .map_err(|source| run_error(format!("{} (through learn's sandbox launcher)", binary.display()), source))?;
    let RunEnd::Finished { exit, stdout, stderr } = end else { return Ok(Graded::Cancelled) };
    let run = TestRun {
        report: harness::parse(stdout.text.as_bytes(), &secret),
        exit,
        stderr: stderr.text,
        limit: job.time_limit,
        memory_limit: Some(DEFAULT_LIMITS.memory),
    };
    let verdict = required_tests(verdict::judge(&run, &comp), &job.required_tests);
    let (verdict, warnings) = clippy_verdict(verdict, out.warnings, job.clippy.is_some());
    let mut program_output = None;
    if stdout.dropped > 0 {
        program_output = Some(format!(
            "[learn: the tests wrote more than {} MiB of output; the rest was dropped]",
            HARNESS_OUTPUT_CAP >> 20
        ));
    }
    Ok(report(verdict, warnings, program_output))
}

/// A pass of a visible-tests exercise needs every test its starting file has: a test the learner
/// deleted fails, saying so.
fn required_tests(verdict: Verdict, required: &[String]) -> Verdict {
    let missing: Vec<&String> = required.iter().filter(|r| !verdict.tests().iter().any(|t| t.name == **r)).collect();
    let (Verdict::Passed { mut tests } | Verdict::TestsFailed { mut tests }) = verdict else { return verdict };
    if missing.is_empty() {
        return if tests.iter().all(|t| t.status == verdict::TestStatus::Passed) {
            Verdict::Passed { tests }
        } else {
            Verdict::TestsFailed { tests }
        };
    }
    for name in missing {
        tests.push(verdict::TestOutcome {
            name: name.clone(),
            status: verdict::TestStatus::Failed,
            message: Some(
                "this test of the exercise is missing from your file: put it back (`learn reset` gives back the \
                 original file; copy your work first)"
                    .to_string(),
            ),
            output: None,
            description: format!("your test {name}"),
            origin: verdict::Origin::Yours,
        });
    }
    Verdict::TestsFailed { tests }
}

/// A passing verdict of a Clippy exercise becomes a failure while Clippy warns about the learner's
/// file; Clippy's warnings then belong to the verdict, not to the warnings shown above it.
fn clippy_verdict(verdict: Verdict, warnings: Vec<Diagnostic>, clippy: bool) -> (Verdict, Vec<Diagnostic>) {
    if !clippy || !verdict.passed() {
        return (verdict, warnings);
    }
    let (lints, rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
        warnings.into_iter().partition(|w| w.code.as_deref().is_some_and(|c| c.starts_with("clippy::")));
    if lints.is_empty() {
        return (verdict, rest);
    }
    let Verdict::Passed { tests } = verdict else { return (verdict, rest) };
    (Verdict::ClippyWarnings { warnings: lints, tests }, rest)
}

/// Where the program compiled in `build_dir` is run from: beside the folder, where the compiler
/// (confined to the folder) cannot read it.
pub fn program_path(build_dir: &Path) -> PathBuf {
    let name = build_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    build_dir.with_file_name(format!("{name}-tests"))
}

/// Whether `job`'s incremental cache is still empty: then the first compile is faster without it
/// (writing a cache costs more than a cold one saves), and [`warm`] fills it afterwards.
pub fn cache_is_cold(job: &Job) -> bool {
    job.incremental && !job.build_dir.join("incremental").is_dir()
}

/// Fills the incremental cache of `job` by compiling `source` once more, for the next save's sake;
/// the program is thrown away. Cancellable (a newer save stops it); errors are of no consequence.
pub fn warm(job: &Job, source: &str, cancel: &Cancel) {
    let (composed, _) = Composition::compose_as(&job.display_path, source, &job.hidden, job.kind);
    let Ok(Some(_lock)) = lock_build_dir(&job.build_dir, cancel) else { return };
    let binary = job.build_dir.join(format!("{}-warm", job.name));
    let job = Job { incremental: true, color: false, ..job.clone() };
    let _ = compile(&job, &composed, &binary, cancel);
    let _ = fs::remove_file(&binary);
}

/// How the harness library is built: its test processes are forked (`learn_fork`), the one place
/// it may use `unsafe`, which the harness allows in that module only.
const HARNESS_FLAGS: [&str; 4] = ["--cfg", "learn_fork", "-D", "unsafe_code"];

/// The harness as a compiled library for `rustc`, built on first use into the user's cache folder
/// or, where that cannot be written, a private folder of the user's in the temporary folder (both
/// outside every workspace, where no learner's program may write), one per harness and compiler:
/// `None` where neither can be used.
fn harness_library(rustc: &Path) -> Option<PathBuf> {
    let meta = fs::metadata(rustc).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    let key = content_hash(
        format!("{}\n{}\n{modified}\n{HARNESS_FLAGS:?}\n{}", rustc.display(), meta.len(), composition::HARNESS)
            .as_bytes(),
    );
    let key = &key["sha256:".len()..][..16];
    // Inline, the harness could neither fork nor seal its tests (see README, Integrity): any
    // folder of the user's own is better than that.
    [crate::toolchain::user_cache_dir, crate::toolchain::private_temp_dir]
        .into_iter()
        .find_map(|base| build_harness_library(rustc, &base()?.join("harness").join(key)))
}

/// The harness library in `dir`, built there unless it already is: `None` when it cannot be.
fn build_harness_library(rustc: &Path, dir: &Path) -> Option<PathBuf> {
    let lib = dir.join("liblearn_harness.rlib");
    if lib.is_file() {
        return Some(lib);
    }
    fs::create_dir_all(dir).ok()?;
    // Built beside its final name and renamed: two `learn`s building at once both end well.
    let partial = dir.join(format!("liblearn_harness-{}.rlib.partial", std::process::id()));
    let built = std::process::Command::new(rustc)
        .args(["--edition", "2021", "--crate-type", "rlib", "--crate-name", "learn_harness"])
        .args(HARNESS_FLAGS)
        .args(["-C", "strip=debuginfo", "--error-format=short", "-o"])
        .arg(&partial)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().map(|mut input| input.write_all(composition::HARNESS.as_bytes())).transpose()?;
            child.wait()
        })
        .is_ok_and(|status| status.success());
    let renamed = built && fs::rename(&partial, &lib).is_ok();
    let _ = fs::remove_file(&partial);
    renamed.then_some(lib)
}

/// A problem found before compiling, shown like a compiler error: at the learner's line and column,
/// with the offending code underlined.
fn shape_error(comp: &Composition, problem: &composition::ShapeProblem) -> Diagnostic {
    let text = comp.learner_source.lines().nth(problem.line.saturating_sub(1)).unwrap_or("");
    let pad = " ".repeat(problem.line.to_string().len());
    // Keep the line's own tabs under the carets, so they line up however a terminal shows a tab.
    let indent: String = text.chars().take(problem.column).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let carets = "^".repeat(problem.width);
    Diagnostic {
        level: verdict::Level::Error,
        code: None,
        message: problem.message.clone(),
        rendered: format!(
            "error: {}\n{pad}--> {}:{}:{}\n{pad} |\n{} | {text}\n{pad} | {indent}{carets}\n",
            problem.message,
            comp.display_path,
            problem.line,
            problem.column + 1,
            problem.line
        ),
        line: Some(problem.line),
        hidden_test: None,
        notes: Vec::new(),
        hidden_sites: Vec::new(),
    }
}

/// Takes the build folder's lock, waiting for another grading to finish; `None` when cancelled
/// while waiting.
fn lock_build_dir(dir: &Path, cancel: &Cancel) -> Result<Option<fs::File>, Error> {
    crate::workspace::take_lock(&dir.join(".lock"), "the build folder's lock", || cancel.is_cancelled())
}

/// Compiles the composed source, confined (see `sandbox`) and given through a pipe (never written
/// to disk): the compiler reads the toolchain and the system's linker, and reads and writes only the
/// build folder, so an `include_str!` of anything outside it fails; its memory is limited, so a
/// huge constant ends in a verdict rather than a stalled machine. `None` when cancelled.
fn compile(job: &Job, composed: &str, binary: &Path, cancel: &Cancel) -> Result<Option<(Exit, String)>, Error> {
    let program = job.toolchain.rustc.display().to_string();
    let Some(rustc) = crate::toolchain::find_program(&job.toolchain.rustc) else {
        return Err(Error::RustcMissing { program });
    };
    // Clippy's driver compiles as rustc does, and lints as it goes: one compile serves both.
    let compiler = match job.clippy {
        Some(_) => job
            .toolchain
            .clippy_driver()
            .ok_or_else(|| Error::ClippyMissing { name: job.name.clone(), program: program.clone() })?,
        None => rustc.clone(),
    };
    // The harness, compiled once per toolchain, is linked rather than compiled on every save; where
    // it cannot be built, the composed crate keeps it inline (the same program, slower to build).
    let harness = harness_library(&rustc);
    let composed = match &harness {
        Some(_) => composition::with_linked_harness(composed),
        None => composed.to_string(),
    };
    let confinement = sys::Confinement {
        read: harness.iter().filter_map(|lib| lib.parent().map(Path::to_path_buf)).collect(),
        write: vec![job.build_dir.clone()],
        exec: job.toolchain.confinement_exec(&rustc),
        no_file_locks: false,
    };
    // Arguments added to the launcher's command after this go to the compiler.
    let mut cmd = sys::sandboxed(&compiler, &[], COMPILE_LIMITS, &confinement)
        .map_err(|source| Error::Spawn { program: "learn (sandbox launcher)".into(), source })?;
    cmd.arg("--edition")
        .arg(&job.edition)
        .arg("--crate-type")
        .arg("bin")
        .arg("--crate-name")
        .arg(&job.name)
        .arg("--cfg")
        .arg("test")
        .arg("--error-format=json")
        .args(job.toolchain.fast_build_args())
        .arg("-o")
        .arg(binary)
        .current_dir(&job.build_dir)
        .env("TMPDIR", &job.build_dir);
    if let Some(level) = job.clippy {
        if let Some(sysroot) = &job.toolchain.sysroot {
            cmd.arg("--sysroot").arg(sysroot);
        }
        for group in level.groups() {
            // Forced: an `#[allow(clippy::..)]` in the file cannot silence what the exercise asks for.
            cmd.arg("--force-warn").arg(group);
        }
    }
    // The course's lint levels come before `-F unsafe_code`, which none of them can lower.
    for (lint, level) in &job.lints {
        cmd.arg(level.flag()).arg(lint);
    }
    if !job.allow_unsafe {
        // `unsafe` (and `no_mangle`, `link_section`, `export_name`) could run code before the
        // harness or reach its channel; forbidden, so no attribute in the file can allow it again.
        cmd.arg("-F").arg("unsafe_code");
    }
    if job.color {
        cmd.arg("--json=diagnostic-rendered-ansi");
    }
    if let Some(width) = job.diagnostic_width {
        cmd.arg(format!("--diagnostic-width={width}"));
    }
    if job.incremental {
        cmd.arg("-C").arg(incremental_arg(&job.build_dir));
    }
    if let Some(lib) = &harness {
        let mut extern_arg = std::ffi::OsString::from("learn_harness=");
        extern_arg.push(lib);
        cmd.arg("--extern").arg(extern_arg);
    }
    // Named rather than `-`: rustc builds incrementally about 20 ms faster from a named input.
    // The name is a pipe, so a learner's `include_str!("/dev/stdin")` (or of `file!()`) finds it
    // already read; remapped, so diagnostics and panic locations still say `<anon>`.
    let mut remap = std::ffi::OsString::from(STDIN_PATH);
    remap.push("=");
    remap.push(composition::STDIN_NAME);
    cmd.arg("--remap-path-prefix").arg(remap).arg(STDIN_PATH);
    let input = runner::Input { stdin: Some(composed.as_bytes().to_vec()), cap: runner::OUTPUT_CAP };
    match runner::run_with(cmd, input, COMPILE_LIMIT, cancel) {
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

/// The error for a child process that could not run (or was stopped by a signal to `learn`).
fn run_error(program: String, source: std::io::Error) -> Error {
    if source.kind() == ErrorKind::Interrupted { Error::Interrupted } else { Error::Spawn { program, source } }
}
