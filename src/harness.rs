//! The result channel between the compiled test program and `learn`. Pure, but for the secret.
//!
//! The test program's `main` is `learn`'s harness (`src/harness/template.rs`, appended by
//! [`crate::composition`]), not libtest. Started as `PROGRAM all SELF LIMIT_MS` with a fresh secret
//! on stdin, it reads the secret before any of the exercise's code can run, starts one child process
//! per hidden test (forked; or, where the harness is compiled inline, `PROGRAM test` with the secret
//! and the test's name on its stdin), and reports each as it ends, on its stdout, in records only it
//! can write:
//!
//! ```text
//! SECRET NAME STATUS CODE STDOUT_LEN STDERR_LEN DROPPED\n<stdout bytes><stderr bytes>
//! SECRET done\n
//! ```
//!
//! `STATUS` is `pass` (the test function returned, or panicked as `#[should_panic]` expected, and the
//! child then printed the secret-bearing mark), `exit` (with `CODE`), `signal` (`CODE` is the signal),
//! `timeout`, or `error`. The exercise's code runs only in the children: it never sees the
//! supervisor's stdout, and a mark or record without the secret counts for nothing. So writing
//! files, printing fake results, exiting early or defining look-alike tests cannot pass.

use std::io::Read;

/// How much of each output stream of a test the harness keeps, from its start and from its end
/// (`KEEP` in the template).
pub const KEPT_BYTES: usize = 128 * 1024;

/// How one hidden test's process ended, as the harness reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Passed,
    /// Exited with this code without passing (101: a panic).
    Exited(i32),
    Signal(i32),
    TimedOut,
    /// Could not be started.
    Error,
}

/// One record of the harness's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub ending: Ending,
    pub stdout: String,
    pub stderr: String,
    /// Bytes of output dropped from the middle of a flood.
    pub dropped: u64,
}

/// Everything the harness reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub records: Vec<Record>,
    /// Whether the harness got to the end (every test reported).
    pub done: bool,
}

/// A fresh secret: 128 random bits, in hex.
pub fn new_secret() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads the harness's stdout. Anything that is not a record with `secret` is ignored.
pub fn parse(bytes: &[u8], secret: &str) -> Report {
    let mut report = Report::default();
    let mut rest = bytes;
    let head = format!("{secret} ");
    while !rest.is_empty() {
        let Some(at) = find(rest, head.as_bytes()) else { break };
        rest = &rest[at + head.len()..];
        let Some(end) = rest.iter().position(|b| *b == b'\n') else { break };
        let line = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 1..];
        if line == "done" {
            report.done = true;
            break;
        }
        let fields: Vec<&str> = line.split(' ').collect();
        let [name, status, code, out_len, err_len, dropped] = fields[..] else { continue };
        let (Ok(code), Ok(out_len), Ok(err_len)) =
            (code.parse::<i32>(), out_len.parse::<usize>(), err_len.parse::<usize>())
        else {
            continue;
        };
        if rest.len() < out_len + err_len {
            break; // Cut short (the run was stopped, or output was dropped): the test did not report.
        }
        let stdout = String::from_utf8_lossy(&rest[..out_len]).into_owned();
        let stderr = String::from_utf8_lossy(&rest[out_len..out_len + err_len]).into_owned();
        rest = &rest[out_len + err_len..];
        let ending = match status {
            "pass" => Ending::Passed,
            "exit" => Ending::Exited(code),
            "signal" => Ending::Signal(code),
            "timeout" => Ending::TimedOut,
            _ => Ending::Error,
        };
        report.records.push(Record {
            name: name.to_string(),
            ending,
            stdout,
            stderr,
            dropped: dropped.parse().unwrap_or(0),
        });
    }
    report
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn records_are_read_with_their_output() {
        let text = format!(
            "{SECRET} a pass 0 3 0 0\nhi\n{SECRET} b exit 101 0 5 0\nboom\n{SECRET} c signal 6 0 0 0\n{SECRET} done\n"
        );
        let r = parse(text.as_bytes(), SECRET);
        assert!(r.done);
        assert_eq!(r.records.len(), 3);
        assert_eq!(
            (r.records[0].name.as_str(), &r.records[0].ending, r.records[0].stdout.as_str()),
            ("a", &Ending::Passed, "hi\n")
        );
        assert_eq!((&r.records[1].ending, r.records[1].stderr.as_str()), (&Ending::Exited(101), "boom\n"));
        assert_eq!(r.records[2].ending, Ending::Signal(6));
    }

    #[test]
    fn records_without_the_secret_count_for_nothing() {
        let text = format!("ffff a pass 0 0 0 0\n{SECRET}x b pass 0 0 0 0\n{SECRET} done\n");
        let r = parse(text.as_bytes(), SECRET);
        assert!(r.records.is_empty());
        assert!(r.done);
    }

    #[test]
    fn a_record_cut_short_ends_the_report() {
        let text = format!("{SECRET} a exit 101 0 50 0\nonly part");
        let r = parse(text.as_bytes(), SECRET);
        assert!(r.records.is_empty());
        assert!(!r.done);
    }

    #[test]
    fn secrets_are_fresh() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
