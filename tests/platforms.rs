//! Watch mode where file events do not arrive: a FUSE mirror of the workspace (bindfs), where a
//! file changed in the backing folder sends no event to a watcher of the mount, as a file on WSL's
//! `/mnt/c` saved from a Windows editor, or on a network share changed by another machine.
//!
//! The test needs `/dev/fuse` and `bindfs` (Debian's `bindfs` package; `.ci/run` installs it). Without
//! them it says it is skipped, and fails under CI, where they must be there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::Sandbox;

const TITLE: &str = "A basic test course  [";
const FAILING: &str = "✗ first: 1 of 2 hidden tests failed.";
const PASSING: &str = "✓ first passes: all 2 hidden tests passed.";
const POLLING: &str = "watching by polling: this folder is on a FUSE file system (sshfs, bindfs, virtiofs, ...), which may not report changes.";

/// A FUSE mount that shows a folder's files, unmounted when dropped.
struct Mirror {
    at: PathBuf,
}

impl Mirror {
    /// Mounts `backing` at `at`; `None` (having said why) where FUSE or bindfs is missing.
    fn mount(test: &str, backing: &Path, at: &Path) -> Option<Mirror> {
        let why = if !Path::new("/dev/fuse").exists() {
            Some("/dev/fuse does not exist (no FUSE in this kernel or container)".to_string())
        } else if Command::new("bindfs").arg("--version").output().is_err() {
            Some("bindfs is not installed (on Debian or Ubuntu: apt-get install bindfs)".to_string())
        } else {
            fs::create_dir_all(at).unwrap();
            let out = Command::new("bindfs").arg(backing).arg(at).output().unwrap();
            (!out.status.success()).then(|| format!("bindfs could not mount: {}", String::from_utf8_lossy(&out.stderr)))
        };
        match why {
            None => Some(Mirror { at: at.to_path_buf() }),
            Some(why) if std::env::var_os("CI").is_some() => panic!("{test} cannot run: {why}"),
            Some(why) => {
                eprintln!("SKIPPED {test}: {why}");
                None
            }
        }
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        let _ = Command::new("fusermount").arg("-uz").arg(&self.at).output();
    }
}

#[test]
fn on_a_fuse_mirror_watch_polls_and_grades_a_save_made_underneath_within_two_seconds() {
    let sb = Sandbox::basic();
    let test = "on_a_fuse_mirror_watch_polls_and_grades_a_save_made_underneath_within_two_seconds";
    let Some(mirror) = Mirror::mount(test, &sb.ws(), &sb.path("mirror")) else { return };
    let w = sb.watch_in(&mirror.at, &[]);
    w.wait_count(FAILING, 1);
    // The screen wraps the header to its width: compare the words.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let screen = w.last_screen(TITLE);
    assert!(
        words(&screen)
            .starts_with(&words(&format!("A basic test course [------------------------------] 0/3 {POLLING}"))),
        "{screen}"
    );

    // Saved into the backing folder: the mount's watchers hear nothing.
    let solution = fs::read_to_string(sb.course().join("solutions/intro/first.rs")).unwrap();
    let saved = Instant::now();
    fs::write(sb.ws().join("exercises/intro/first.rs"), solution).unwrap();
    // Noticed within 2 s (polling); the compile that follows takes what the machine gives it.
    w.wait_count("Grading first…", 2);
    let noticed = saved.elapsed();
    assert!(noticed < Duration::from_secs(2), "the save was noticed after {noticed:?}:\n{}", w.output());
    w.wait_count(PASSING, 1);
    let took = saved.elapsed();
    assert!(took < Duration::from_secs(10), "the save was graded after {took:?}:\n{}", w.output());
    assert!(words(&w.last_screen(TITLE)).contains(&words(POLLING)), "the header no longer says it polls");
}
