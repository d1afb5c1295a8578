//! Running a child process under control: in its own process group, with a wall-clock limit,
//! captured output capped in size, and cancellable from another thread (a newer save in watch
//! mode). Whatever way the run ends, the whole process group is killed before this returns, so
//! threads and processes the learner's program started never outlive it.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::sys;
use crate::verdict::Exit;

/// How much output of one stream is kept; the rest is read and dropped, so the child never blocks.
pub const OUTPUT_CAP: usize = 1 << 20;
/// How long to wait for output pipes to close once the process group is dead.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// A handle that cancels the run using it; once cancelled, every later run with it ends at once.
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    group: Mutex<Option<u32>>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops the running child (if any) now, and makes further runs return `Cancelled` at once.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        if let Some(g) = *self.inner.group.lock().unwrap_or_else(|e| e.into_inner()) {
            sys::kill_group(g);
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    fn set_group(&self, group: Option<u32>) {
        *self.inner.group.lock().unwrap_or_else(|e| e.into_inner()) = group;
    }
}

/// Captured output of one stream: all of it up to [`OUTPUT_CAP`]; beyond that its first and last
/// halves, because a test program's own report (which test failed, and why) comes last.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub text: String,
    /// Bytes that were dropped between the first and the last part.
    pub dropped: u64,
}

/// Keeps the head and the tail of a stream of bytes, in bounded memory.
struct HeadTail {
    half: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    dropped: u64,
}

impl HeadTail {
    fn with_cap(cap: usize) -> HeadTail {
        HeadTail { half: cap / 2, head: Vec::new(), tail: std::collections::VecDeque::new(), dropped: 0 }
    }

    fn push(&mut self, mut bytes: &[u8]) {
        let room = self.half.saturating_sub(self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..room]);
        bytes = &bytes[room..];
        if bytes.len() >= self.half {
            self.dropped += (self.tail.len() + bytes.len() - self.half) as u64;
            self.tail.clear();
            bytes = &bytes[bytes.len() - self.half..];
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.half);
        self.tail.drain(..overflow);
        self.dropped += overflow as u64;
        self.tail.extend(bytes);
    }

    fn finish(self) -> Captured {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.dropped > 0 {
            text.push_str(&format!("\n[learn: {} bytes of output dropped here]\n", self.dropped));
        }
        let tail: Vec<u8> = self.tail.into_iter().collect();
        text.push_str(&String::from_utf8_lossy(&tail));
        Captured { text, dropped: self.dropped }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum RunEnd {
    Finished { exit: Exit, stdout: Captured, stderr: Captured },
    Cancelled,
}

/// Runs `cmd` (stdin closed, stdout and stderr captured) for at most `limit`.
pub fn run(cmd: Command, limit: Duration, cancel: &Cancel) -> std::io::Result<RunEnd> {
    run_with(cmd, Input { stdin: None, cap: OUTPUT_CAP }, limit, cancel)
}

/// What a run is given, and how much of its output is kept.
pub struct Input {
    /// Written to the program's stdin, which is then closed (`None`: stdin is closed at once).
    pub stdin: Option<Vec<u8>>,
    /// How much of each output stream is kept (its head and tail halves).
    pub cap: usize,
}

/// Runs `cmd` with `input`, stdout and stderr captured, for at most `limit`.
pub fn run_with(mut cmd: Command, input: Input, limit: Duration, cancel: &Cancel) -> std::io::Result<RunEnd> {
    if cancel.is_cancelled() {
        return Ok(RunEnd::Cancelled);
    }
    let stdin = if input.stdin.is_some() { Stdio::piped() } else { Stdio::null() };
    cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = sys::spawn_in_group(&mut cmd)?;
    if let (Some(bytes), Some(mut pipe)) = (input.stdin, child.stdin.take()) {
        // On a thread: a program that does not read its stdin must not block learn.
        thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(&bytes);
        });
    }
    let pgid = child.id();
    cancel.set_group(Some(pgid));
    // A cancel that landed between the check above and set_group must still stop this child.
    if cancel.is_cancelled() {
        sys::kill_group(pgid);
    }

    let stdout = capture(child.stdout.take().expect("piped"), input.cap);
    let stderr = capture(child.stderr.take().expect("piped"), input.cap);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(status);
    });

    let (status, timed_out) = match rx.recv_timeout(limit) {
        Ok(status) => (status, false),
        Err(_) => {
            sys::kill_group(pgid);
            (rx.recv().unwrap_or_else(|_| Err(std::io::Error::other("the waiting thread died"))), true)
        }
    };
    // Leftovers of the program (threads are gone with it; child processes are not) die here.
    sys::kill_group(pgid);
    cancel.set_group(None);
    sys::unregister_group(pgid);
    let status = status?;
    if sys::interrupted() {
        // Killed by learn's own signal handling: not a verdict on the program.
        return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted by a signal"));
    }

    if cancel.is_cancelled() {
        return Ok(RunEnd::Cancelled);
    }
    let deadline = Instant::now() + PIPE_GRACE;
    let stdout = stdout.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or_default();
    let stderr = stderr.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or_default();
    let exit = if timed_out { Exit::TimedOut } else { sys::exit_of(status) };
    Ok(RunEnd::Finished { exit, stdout, stderr })
}

/// Reads `pipe` to its end on a thread, keeping at most [`OUTPUT_CAP`] bytes of it.
fn capture(mut pipe: impl Read + Send + 'static, cap: usize) -> mpsc::Receiver<Captured> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = HeadTail::with_cap(cap);
        let mut buf = [0u8; 16 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => kept.push(&buf[..n]),
            }
        }
        let _ = tx.send(kept.finish());
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_kept_whole() {
        let mut h = HeadTail::with_cap(OUTPUT_CAP);
        h.push(b"hello ");
        h.push(b"world");
        let c = h.finish();
        assert_eq!((c.text.as_str(), c.dropped), ("hello world", 0));
    }

    #[test]
    fn a_flood_keeps_its_beginning_and_end_in_bounded_memory() {
        let mut h = HeadTail::with_cap(OUTPUT_CAP);
        h.push(b"START");
        for _ in 0..3000 {
            h.push(&[b'.'; 1000]);
        }
        h.push(b"THE END");
        let c = h.finish();
        assert!(c.text.starts_with("START...."));
        assert!(c.text.ends_with("....THE END"));
        assert_eq!(c.dropped, 5 + 3_000_000 + 7 - OUTPUT_CAP as u64);
        assert!(c.text.len() < OUTPUT_CAP + 100);
        assert!(c.text.contains(&format!("\n[learn: {} bytes of output dropped here]\n", c.dropped)));
    }

    #[test]
    fn one_huge_chunk_is_cut_too() {
        let mut h = HeadTail::with_cap(OUTPUT_CAP);
        h.push(&vec![b'x'; 3 * OUTPUT_CAP]);
        let c = h.finish();
        assert_eq!(c.dropped, 2 * OUTPUT_CAP as u64);
    }
}
