//! Which files changed: file-system events from `notify` (or polling, where events do not arrive),
//! reduced to "this file changed, and how". The watch loop decides what is a save of an exercise:
//! only events on an exercise's exact path count, so editors' swap, backup and temporary files
//! (`.name.rs.swp`, `4913`, `.#name.rs`, `name.rs~`) are ignored by construction.
//!
//! The whole `exercises/` folder is watched, not each file: a file that an editor replaces by
//! renaming a temporary file over it, or that is deleted and created again, keeps being seen.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};

use super::Event;

/// How often the polling fallback looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// What a file-system event says about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Bytes were written in place; more may follow until the writer closes the file.
    Written,
    /// A writer closed the file after writing: the content is complete.
    Closed,
    /// Created, replaced by a rename, removed, or changed in a way the platform does not detail.
    Replaced,
}

/// Why file events are not used, told to the learner once.
pub const WATCHER_FAILED: &str = "learn could not watch the exercise files for changes, so it polls them instead \
(a save shows up within a quarter of a second).\n\
On Linux this usually means the inotify limits are reached; raise them with\n  \
sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512\n\
or run `learn watch --manual-run` and press r to grade.";

/// A running watcher; dropping it stops watching.
pub struct FileWatcher {
    _watcher: Box<dyn Watcher + Send>,
}

/// Classifies a notify event kind; `None` for events that do not change content (reads, metadata).
pub fn classify(kind: &EventKind) -> Option<Change> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Change::Closed),
        // Polling reports a newer modification time this way.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => Some(Change::Replaced),
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => None,
        EventKind::Modify(ModifyKind::Data(_)) => Some(Change::Written),
        _ => Some(Change::Replaced),
    }
}

/// Forwards the events about Rust files. A polling watcher sees whole changes only (it never reports
/// a close), so its changes are all `Replaced`.
fn handler(tx: Sender<Event>, polling: bool) -> impl Fn(notify::Result<notify::Event>) + Send + 'static {
    move |result: notify::Result<notify::Event>| match result {
        Ok(event) => {
            if let Some(change) = classify(&event.kind) {
                let change = if polling { Change::Replaced } else { change };
                for path in event.paths {
                    if path.extension().is_some_and(|e| e == "rs") {
                        let _ = tx.send(Event::File { path, change });
                    }
                }
            }
        }
        Err(e) => {
            let _ = tx.send(Event::WatchError(e.to_string()));
        }
    }
}

/// Starts watching `dir` recursively. With `poll`, or when file events cannot be set up, polls
/// instead; the second value is then the reason to show (`None` when polling was asked for).
pub fn start(dir: &Path, tx: &Sender<Event>, poll: bool) -> notify::Result<(FileWatcher, Option<String>)> {
    if !poll {
        let started = notify::recommended_watcher(handler(tx.clone(), false)).and_then(|mut w| {
            w.watch(dir, RecursiveMode::Recursive)?;
            Ok(w)
        });
        match started {
            Ok(w) => return Ok((FileWatcher { _watcher: Box::new(w) }, None)),
            Err(e) => {
                let (w, _) = start(dir, tx, true)?;
                return Ok((w, Some(format!("{WATCHER_FAILED}\n(The error was: {e}.)"))));
            }
        }
    }
    // Modification times may only count whole seconds: compare contents too, so two saves within
    // one second are both seen (the exercise files are small).
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(true);
    let mut w = notify::PollWatcher::new(handler(tx.clone(), true), config)?;
    w.watch(dir, RecursiveMode::Recursive)?;
    Ok((FileWatcher { _watcher: Box::new(w) }, None))
}

/// Whether the platform reports "closed after writing" (so a save in place can wait for it).
pub const REPORTS_CLOSE: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// The folder to watch in a workspace.
pub fn exercises_dir(root: &Path) -> PathBuf {
    root.join("exercises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn content_changes_are_kept_and_reads_dropped() {
        assert_eq!(classify(&EventKind::Modify(ModifyKind::Data(DataChange::Any))), Some(Change::Written));
        assert_eq!(classify(&EventKind::Access(AccessKind::Close(AccessMode::Write))), Some(Change::Closed));
        assert_eq!(classify(&EventKind::Create(CreateKind::File)), Some(Change::Replaced));
        assert_eq!(classify(&EventKind::Modify(ModifyKind::Name(RenameMode::To))), Some(Change::Replaced));
        assert_eq!(classify(&EventKind::Remove(RemoveKind::File)), Some(Change::Replaced));
        assert_eq!(classify(&EventKind::Access(AccessKind::Close(AccessMode::Read))), None);
        assert_eq!(classify(&EventKind::Access(AccessKind::Open(AccessMode::Any))), None);
        assert_eq!(classify(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))), None);
        assert_eq!(classify(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime))), Some(Change::Replaced));
    }
}
