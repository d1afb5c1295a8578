//! The latency benchmark: what a learner waits for, measured side by side with the floor (bare
//! `rustc --test` of the same composed file, then running it) and with rustlings.
//!
//! Run it with `cargo bench --bench latency` (it uses the release build of `learn`). Rows are
//! medians over shuffled rounds; ratios compare medians taken in the same run. rustlings is
//! installed with `cargo install rustlings` into `target/bench-tools/` on the first run; when that
//! fails (no network), its row says so and is skipped.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const LEARN: &str = env!("CARGO_BIN_EXE_learn");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EXERCISE: &str = "log_counter";
const TOPIC: &str = "01_refcell";
/// What the floor's file adds for the hidden tests' type pins (learn's harness provides
/// `crate::__learn::exact`; here it checks nothing and costs nothing).
const FLOOR_PIN: &str = "#[cfg(test)]\nmod __learn {\n    pub fn exact<T: ?Sized, U: ?Sized>(_: &U) {}\n}\n";

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(25);
    let dir = tempdir();
    println!("learn latency benchmark: {rounds} rounds, medians\n");
    println!("machine: {}", machine());
    println!();

    let ws = dir.join("interior-mutability");
    run_ok(Command::new(LEARN).arg("init").current_dir(&dir));
    let file = ws.join(format!("exercises/{TOPIC}/{EXERCISE}.rs"));
    let solution = fs::read_to_string(Path::new(ROOT).join(format!("solutions/{TOPIC}/{EXERCISE}.rs"))).unwrap();
    let hidden = fs::read_to_string(Path::new(ROOT).join(format!("checks/{TOPIC}/{EXERCISE}.rs"))).unwrap();
    let floor_dir = dir.join("floor");
    fs::create_dir_all(&floor_dir).unwrap();
    let rustlings = Rustlings::setup(&dir);

    // Edited exercise: learn run vs the floor vs rustlings, interleaved round by round.
    eprintln!("measuring learn run, the floor and rustlings run...");
    let mut edit = 0;
    let mut next_edit = |base: &str| {
        edit += 1;
        format!("{base}\n// edit {edit}\n")
    };
    fs::write(&file, next_edit(&solution)).unwrap();
    run_ok(Command::new(LEARN).args(["run", EXERCISE]).current_dir(&ws)); // warm the incremental cache
    let (mut learn_run, mut floor, mut rl) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let order: [u8; 3] = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
        for which in order {
            match which {
                0 => {
                    fs::write(&file, next_edit(&solution)).unwrap();
                    learn_run.push(time(|| run_ok(Command::new(LEARN).args(["run", EXERCISE]).current_dir(&ws))));
                }
                1 => {
                    let composed = format!(
                        "{}\n#[cfg(test)]\nmod __learn_hidden {{\n{hidden}\n}}\n{FLOOR_PIN}",
                        next_edit(&solution)
                    );
                    let src = floor_dir.join(format!("{EXERCISE}.rs"));
                    fs::write(&src, composed).unwrap();
                    floor.push(time(|| {
                        run_ok(
                            Command::new("rustc")
                                .args(["--edition", "2024", "--test", "-o", "floor-tests"])
                                .arg(&src)
                                .current_dir(&floor_dir),
                        );
                        run_ok(Command::new(floor_dir.join("floor-tests")).arg("-q").env("RUST_BACKTRACE", "0"));
                    }));
                }
                _ => {
                    if let Some(r) = &rustlings {
                        r.edit(round + 1);
                        rl.push(time(|| r.run()));
                    }
                }
            }
        }
    }

    eprintln!("measuring the harness...");
    // The harness alone: the program `learn` built, run directly (no sandbox; a process per
    // test) against the floor's libtest program running the same tests in one process.
    let program = ws.join(format!(".learn/build/{EXERCISE}-tests"));
    let floor_program = floor_dir.join("floor-tests");
    // The sandbox alone: the same program started through learn's launcher, confined as learn
    // confines it (a grading starts two programs this way: the compiler and the tests).
    let libdir = rustc_print("target-libdir");
    let scratch = dir.join("sandbox-scratch");
    fs::create_dir_all(&scratch).unwrap();
    let (mut harness, mut libtest, mut confined) = (Vec::new(), Vec::new(), Vec::new());
    if program.is_file() {
        for _ in 0..rounds {
            harness.push(time(|| run_harness(&program, None)));
            confined.push(time(|| run_harness(&program, Some((&libdir, &scratch)))));
            libtest.push(time(|| run_ok(Command::new(&floor_program).arg("-q").env("RUST_BACKTRACE", "0"))));
        }
    }

    eprintln!("measuring watch in a terminal, with rustlings' watch...");
    // Watch modes in a terminal, side by side: save -> pass on screen, learn against rustlings.
    let starting = fs::read_to_string(Path::new(ROOT).join(format!("exercises/{TOPIC}/{EXERCISE}.rs"))).unwrap();
    let screens = rustlings.as_ref().and_then(|r| {
        let learn_screen = Tmux::start("learn", &ws, &format!("'{LEARN}' watch"))?;
        let rl_screen = r.watch()?;
        Some((learn_screen, rl_screen, r))
    });
    let (mut learn_screen_saves, mut rl_screen_saves) = (Vec::new(), Vec::new());
    if let Some((learn_screen, rl_screen, r)) = &screens {
        learn_screen.output.wait_for_count("keys:", 1);
        rl_screen.output.wait_for_count(RL_FAILED, 1);
        for round in 0..WATCH_ROUNDS {
            let (passing, failing) =
                (format!("{solution}\n// round {round}\n"), format!("{starting}\n// round {round}\n"));
            learn_screen_saves.push(watch_round(learn_screen, &file, &passing, &failing, "passes", "does not compile"));
            let (passing, failing) =
                (format!("{}\n// round {round}\n", r.solution), format!("{}\n// round {round}\n", r.starting));
            rl_screen_saves.push(watch_round(rl_screen, &r.file, &passing, &failing, RL_DONE, RL_FAILED));
        }
    }
    drop(screens);
    fs::write(&file, next_edit(&solution)).unwrap();

    eprintln!("measuring watch saves and first saves...");
    // Watch mode: save -> verdict on screen, and an unchanged save.
    // The exercise is done by now, so watch opens on the next one; a first save brings the view
    // to it (not measured).
    let watch = Watch::start(&ws);
    watch.wait_for_count("keys:", 2);
    fs::write(&file, next_edit(&solution)).unwrap();
    watch.wait_for_count("passes", 1);
    let (mut saved, mut unchanged) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let seen = watch.count("passes");
        let content = next_edit(&solution);
        saved.push(time(|| {
            fs::write(&file, &content).unwrap();
            watch.wait_for_count("passes", seen + 1);
        }));
        let seen = watch.count("passes");
        unchanged.push(time(|| {
            fs::write(&file, &content).unwrap();
            watch.wait_for_count("passes", seen + 1);
        }));
    }
    // The first save of an exercise: its build folder (and incremental cache) gone, as when a
    // learner opens an exercise for the first time. Against the floor, which has no cache either.
    let build = ws.join(format!(".learn/build/{EXERCISE}"));
    let mut first_save = Vec::new();
    for _ in 0..rounds {
        // Let the previous save's cache warm-up finish before starting cold again.
        std::thread::sleep(Duration::from_millis(1500));
        let _ = fs::remove_dir_all(&build);
        let seen = watch.count("passes");
        let content = next_edit(&solution);
        first_save.push(time(|| {
            fs::write(&file, &content).unwrap();
            watch.wait_for_count("passes", seen + 1);
        }));
    }
    let (cpu_ticks, rss_kib) = watch.idle_cost(Duration::from_secs(5));
    drop(watch);

    eprintln!("measuring learn grade...");
    // `learn grade`: learners' workspaces (copies of this one) graded in parallel, one job, and
    // without the sandbox (its cost), 2 and 4 learners (linear in learners).
    let submissions = |n: usize| {
        let subs = dir.join(format!("submissions-{n}"));
        for i in 0..n {
            copy_workspace(&ws, &subs.join(format!("learner{i}")));
        }
        subs
    };
    let (two, four) = (submissions(2), submissions(4));
    let grade = |subs: &Path, extra: &[&str]| {
        time(|| run_ok(Command::new(LEARN).arg("grade").arg(subs).args(extra).current_dir(&dir)))
    };
    let (mut grade4, mut grade4_one_job, mut grade2, mut grade4_unconfined) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        grade4.push(grade(&four, &[]));
        grade4_one_job.push(grade(&four, &["--jobs", "1"]));
        grade2.push(grade(&two, &[]));
        grade4_unconfined.push(grade(&four, &["--unconfined"]));
    }

    // Reading commands.
    let list: Vec<_> = (0..rounds).map(|_| time(|| run_ok(Command::new(LEARN).arg("list").current_dir(&ws)))).collect();
    let hint: Vec<_> =
        (0..rounds).map(|_| time(|| run_ok(Command::new(LEARN).args(["hint", EXERCISE]).current_dir(&ws)))).collect();

    // The course check, one job against all cores (one round each: each grades every solution,
    // starting file and wrong answer of the course, which takes minutes).
    eprintln!("measuring learn dev check...");
    let (mut check1, mut check_all) = (Vec::new(), Vec::new());
    for _ in 0..1 {
        check1.push(time(|| run_ok(Command::new(LEARN).args(["dev", "check", "--jobs", "1"]).current_dir(ROOT))));
        check_all.push(time(|| run_ok(Command::new(LEARN).args(["dev", "check"]).current_dir(ROOT))));
    }

    let ms = |v: &[Duration]| median(v).as_secs_f64() * 1000.0;
    println!("| row | learn | reference | ratio | target |");
    println!("|---|---|---|---|---|");
    let floor_ms = ms(&floor);
    println!(
        "| `learn run` on an edited exercise vs the floor (bare `rustc --test` + run) | {:.0} ms | {floor_ms:.0} ms | {:.2}x | at most 0.8x |",
        ms(&learn_run),
        ms(&learn_run) / floor_ms
    );
    if harness.is_empty() {
        println!("| the harness: its program run directly vs libtest's | skipped: no program was built | | | |");
    } else {
        let (harness_cost, sandbox_cost) = (ms(&harness) - ms(&libtest), ms(&confined) - ms(&harness));
        println!(
            "| the harness: the test program run directly (a process per test) vs libtest's (one process) | {:.1} ms | {:.1} ms | {harness_cost:+.1} ms | |",
            ms(&harness),
            ms(&libtest),
        );
        println!(
            "| the sandbox: the test program started through learn's launcher vs directly | {:.1} ms | {:.1} ms | {sandbox_cost:+.1} ms per start | |",
            ms(&confined),
            ms(&harness),
        );
        println!(
            "| the harness and the sandbox per grading (two confined starts: compiler and tests) | | | {:+.1} ms | at most +10 ms |",
            harness_cost + 2.0 * sandbox_cost
        );
    }
    match &rustlings {
        Some(r) => println!(
            "| `learn run` vs `rustlings run` ({}, edited) | {:.0} ms | {:.0} ms | {:.2}x | at most 0.5x |",
            r.exercise,
            ms(&learn_run),
            ms(&rl),
            ms(&learn_run) / ms(&rl)
        ),
        None => println!("| `learn run` vs `rustlings run` | skipped: rustlings could not be installed | | | |"),
    }
    println!(
        "| watch: save -> verdict on screen vs `learn run` (first row) | {:.0} ms | {:.0} ms | {:+.0} ms | at most +60 ms |",
        ms(&saved),
        ms(&learn_run),
        ms(&saved) - ms(&learn_run)
    );
    println!("| watch: unchanged save -> verdict (no compile) | {:.1} ms | | | under 20 ms |", ms(&unchanged));
    match &rustlings {
        Some(r) if !rl_screen_saves.is_empty() => println!(
            "| watch in a terminal: fixing save -> pass on screen vs rustlings' watch ({}) -> \"{RL_DONE}\" | {:.0} ms | {:.0} ms | {:.2}x | at most 0.2x |",
            r.exercise,
            ms(&learn_screen_saves),
            ms(&rl_screen_saves),
            ms(&learn_screen_saves) / ms(&rl_screen_saves)
        ),
        _ => println!("| watch in a terminal vs rustlings' watch | skipped: rustlings or tmux is missing | | | |"),
    }
    println!(
        "| watch: first save of a fresh exercise -> verdict vs the floor | {:.0} ms | {floor_ms:.0} ms | {:.2}x | at most 1.0x |",
        ms(&first_save),
        ms(&first_save) / floor_ms
    );
    println!(
        "| `learn grade` of 4 learners vs `--jobs 1` | {:.2} s | {:.2} s | {:.2}x faster | at least 1.6x |",
        ms(&grade4) / 1000.0,
        ms(&grade4_one_job) / 1000.0,
        ms(&grade4_one_job) / ms(&grade4)
    );
    println!(
        "| `learn grade` of 4 learners vs 2 (linear in learners) | {:.2} s | {:.2} s | {:.2}x | about 2x |",
        ms(&grade4) / 1000.0,
        ms(&grade2) / 1000.0,
        ms(&grade4) / ms(&grade2)
    );
    println!(
        "| the sandbox: `learn grade` of 4 learners vs `--unconfined` | {:.2} s | {:.2} s | {:+.1} ms per grading | |",
        ms(&grade4) / 1000.0,
        ms(&grade4_unconfined) / 1000.0,
        (ms(&grade4) - ms(&grade4_unconfined)) / gradings(&four) as f64
    );
    println!(
        "| `learn dev check` on all cores vs `--jobs 1` | {:.2} s | {:.2} s | {:.2}x | at most 0.65x |",
        ms(&check_all) / 1000.0,
        ms(&check1) / 1000.0,
        ms(&check_all) / ms(&check1)
    );
    println!("| `learn list` | {:.1} ms | | | under 10 ms |", ms(&list));
    println!("| `learn hint` | {:.1} ms | | | under 10 ms |", ms(&hint));
    println!(
        "| `learn watch` idle for 5 s | {cpu_ticks} CPU ticks (1 tick = 10 ms), {:.1} MiB resident | | | ~0% CPU, under 20 MB |",
        rss_kib as f64 / 1024.0
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Copies a workspace's files (not its cache) to `to`, as a learner's submission.
fn copy_workspace(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == ".learn" || name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_workspace(&path, &to.join(&name));
        } else {
            fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// How many exercise files the submissions in `subs` hold (each is one grading).
fn gradings(subs: &Path) -> usize {
    fs::read_dir(subs)
        .unwrap()
        .flatten()
        .map(|learner| {
            fs::read_dir(learner.path().join("exercises"))
                .map(|topics| topics.flatten().map(|t| fs::read_dir(t.path()).map(|f| f.count()).unwrap_or(0)).sum())
                .unwrap_or(0)
        })
        .sum::<usize>()
        .max(1)
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Runs a test program built by `learn` as `learn` does: directly, or with `Some((library folder,
/// scratch folder))` through learn's sandbox launcher, confined as learn confines it.
fn run_harness(program: &Path, confined: Option<(&Path, &Path)>) {
    let mut cmd = match confined {
        None => Command::new(program),
        Some((libdir, scratch)) => {
            let mut cmd = Command::new(LEARN);
            cmd.args(["__sandbox", "launch", &std::process::id().to_string(), "1073741824", "120", "67108864"])
                .arg("-r")
                .arg(libdir)
                .arg("-w")
                .arg(scratch)
                .arg("--")
                .arg(program);
            cmd
        }
    };
    let mut child = cmd
        .arg("all")
        .arg(program)
        .arg("10000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test program starts");
    let secret = "0123456789abcdef0123456789abcdef";
    child.stdin.take().unwrap().write_all(format!("{secret}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{secret} done")), "the harness did not finish");
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.stdin(Stdio::null()).output().expect("the command starts");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("learn-bench-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// What `rustc --print WHAT` says (e.g. the folder of the dynamic standard library).
fn rustc_print(what: &str) -> PathBuf {
    let out = Command::new("rustc").args(["--print", what]).output().expect("rustc runs");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {} {}, {rustc}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Output arriving from another program, with a signal for each new piece (waiting must not spin:
/// on a small machine a spinning benchmark takes a core from the compiler it measures).
#[derive(Clone, Default)]
struct Stream(Arc<(Mutex<String>, Condvar)>);

impl Stream {
    /// Collects everything `from` gives until its end, on a thread of its own.
    fn collect(from: impl Read + Send + 'static) -> Stream {
        Stream::collect_opened(move || Ok(from))
    }

    /// Collects what `open` opens (on the collecting thread: a FIFO's open waits for its writer).
    fn collect_opened<R: Read>(open: impl FnOnce() -> std::io::Result<R> + Send + 'static) -> Stream {
        let stream = Stream::default();
        let sink = stream.clone();
        std::thread::spawn(move || {
            let Ok(mut from) = open() else { return };
            let mut buf = [0u8; 8192];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.0.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                sink.0.1.notify_all();
            }
        });
        stream
    }

    fn count(&self, text: &str) -> usize {
        self.0.0.lock().unwrap().matches(text).count()
    }

    /// Waits until `text` was printed `n` times.
    fn wait_for_count(&self, text: &str, n: usize) {
        let (lock, signal) = &*self.0;
        let (_output, timeout) = signal
            .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(30), |out| out.matches(text).count() < n)
            .unwrap();
        assert!(!timeout.timed_out(), "never printed {text:?} {n} times");
    }
}

/// `learn watch` in pipe mode, its output collected.
struct Watch {
    child: Child,
    output: Stream,
}

impl Watch {
    fn start(ws: &Path) -> Watch {
        let mut child = Command::new(LEARN)
            .arg("watch")
            .current_dir(ws)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let output = Stream::collect(child.stdout.take().unwrap());
        Watch { child, output }
    }

    fn count(&self, text: &str) -> usize {
        self.output.count(text)
    }

    fn wait_for_count(&self, text: &str, n: usize) {
        self.output.wait_for_count(text, n);
    }

    /// CPU ticks used and resident memory (KiB) over `span` of doing nothing (Linux).
    fn idle_cost(&self, span: Duration) -> (u64, u64) {
        let pid = self.child.id();
        let ticks = || {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
            fields.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
                + fields.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
        };
        let before = ticks();
        std::thread::sleep(span);
        let used = ticks() - before;
        let rss = fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0);
        (used, rss)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = writeln!(stdin, "q");
        }
        let _ = self.child.wait();
    }
}

/// A program in a terminal (a detached tmux session), what it draws streamed back through
/// `pipe-pane`: a watch mode as a learner sees it.
struct Tmux {
    session: String,
    fifo: PathBuf,
    output: Stream,
}

impl Tmux {
    /// `None` when tmux is missing or the session cannot start.
    fn start(name: &str, dir: &Path, command: &str) -> Option<Tmux> {
        let session = format!("learn-bench-{name}-{}", std::process::id());
        let fifo = std::env::temp_dir().join(format!("{session}.screen"));
        let _ = fs::remove_file(&fifo);
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let started = made
            && Command::new("tmux")
                .args(["new-session", "-d", "-s", &session, "-x", "100", "-y", "40", "-c"])
                .arg(dir)
                .arg(command)
                .status()
                .is_ok_and(|s| s.success());
        if !started {
            return None;
        }
        let reader = fifo.clone();
        let output = Stream::collect_opened(move || fs::File::open(reader));
        let piped = Command::new("tmux")
            .args(["pipe-pane", "-t", &session, &format!("cat > '{}'", fifo.display())])
            .status()
            .is_ok_and(|s| s.success());
        let screen = Tmux { session, fifo, output };
        piped.then_some(screen)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
        let _ = fs::remove_file(&self.fifo);
    }
}

/// One save of a passing file in a watch mode on screen, timed from the write to `done` drawn once
/// more. A failing file is saved (and its verdict drawn) first, so that the timed save changes
/// the verdict, as a learner's fix does.
fn watch_round(screen: &Tmux, file: &Path, passing: &str, failing: &str, done: &str, failed: &str) -> Duration {
    let seen = screen.output.count(failed);
    fs::write(file, failing).unwrap();
    screen.output.wait_for_count(failed, seen + 1);
    // Let the failing verdict's drawing (and any work after it) settle.
    std::thread::sleep(Duration::from_millis(800));
    let seen = screen.output.count(done);
    let took = time(|| {
        fs::write(file, passing).unwrap();
        screen.output.wait_for_count(done, seen + 1);
    });
    std::thread::sleep(Duration::from_millis(800));
    took
}

/// Rounds of the side-by-side watch measurement (each takes about two seconds per program).
const WATCH_ROUNDS: usize = 11;

/// rustlings, installed for the benchmark, with one exercise that has tests, solved.
struct Rustlings {
    bin: PathBuf,
    dir: PathBuf,
    exercise: String,
    file: PathBuf,
    solution: String,
    /// The exercise's starting text (it fails).
    starting: String,
}

/// What rustlings' watch mode draws for a passing and for a failing exercise.
const RL_DONE: &str = "Exercise done";
const RL_FAILED: &str = "could not compile";

impl Rustlings {
    fn setup(bench_dir: &Path) -> Option<Rustlings> {
        let tools = Path::new(ROOT).join("target/bench-tools");
        let bin = tools.join("bin/rustlings");
        if !bin.is_file() {
            eprintln!("installing rustlings into {} (once)...", tools.display());
            let ok = Command::new("cargo")
                .args(["install", "rustlings", "--locked", "--root"])
                .arg(&tools)
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                eprintln!("rustlings could not be installed: its row is skipped");
                return None;
            }
        }
        let out = Command::new(&bin).arg("init").current_dir(bench_dir).stdin(Stdio::null()).output().ok()?;
        if !out.status.success() {
            eprintln!("`rustlings init` failed: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        let dir = bench_dir.join("rustlings");
        // A small exercise with tests, like the ones `learn` grades.
        let exercise = "structs1".to_string();
        let file = dir.join("exercises/07_structs/structs1.rs");
        let solution = fs::read_to_string(dir.join("solutions/07_structs/structs1.rs")).ok()?;
        let starting = fs::read_to_string(&file).ok()?;
        let r = Rustlings { bin, dir, exercise, file, solution, starting };
        r.edit(0);
        r.run(); // the first build of its cargo workspace is not what a learner waits for on a save
        Some(r)
    }

    /// Its watch mode in a terminal, on this exercise (made the current one in its state file).
    fn watch(&self) -> Option<Tmux> {
        let state = self.dir.join(".rustlings-state.txt");
        let text = fs::read_to_string(&state).unwrap_or_default();
        let mut lines: Vec<&str> = text.lines().collect();
        // The state file: a warning line, an empty line, the current exercise, then the done ones.
        if lines.len() < 3 {
            lines = vec!["DON'T EDIT THIS FILE!", "", &self.exercise, ""];
        } else {
            lines[2] = &self.exercise;
        }
        fs::write(&state, lines.join("\n") + "\n").ok()?;
        fs::write(&self.file, &self.starting).ok()?;
        Tmux::start("rustlings", &self.dir, &format!("'{}'", self.bin.display()))
    }

    fn edit(&self, n: usize) {
        fs::write(&self.file, format!("{}\n// edit {n}\n", self.solution)).unwrap();
    }

    fn run(&self) {
        let out = Command::new(&self.bin)
            .args(["run", &self.exercise])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "rustlings run failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}
