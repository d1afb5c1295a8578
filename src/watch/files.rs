//! Which files changed: file-system events from `notify` (or polling, where events do not arrive),
//! reduced to "this file changed, and how". The watch loop decides what is a save of an exercise:
//! only events on an exercise's exact path count, so editors' swap, backup and temporary files
//! (`.name.rs.swp`, `4913`, `.#name.rs`, `name.rs~`) are ignored by construction.
//!
//! The whole `exercises/` folder is watched, not each file: a file that an editor replaces by
//! renaming a temporary file over it, or that is deleted and created again, keeps being seen.
//!
//! Events are not trusted blindly: on a file system where they may not arrive (see [`fs_kind`])
//! the files are polled from the start, and elsewhere a self-check looks at the exercises once a
//! second and switches to polling the first time it sees a change that no event reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};

use super::{Event, fs_kind};

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

/// A running watcher; dropping it stops watching (and its self-check).
pub struct FileWatcher {
    _watcher: Arc<Mutex<Box<dyn Watcher + Send>>>,
    _stop: Option<Sender<()>>,
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

/// What a notify watcher calls with each event.
type Handler = Box<dyn FnMut(notify::Result<notify::Event>) + Send>;
/// How many events arrived per path: proof that events come for a file.
type Seen = Arc<Mutex<HashMap<PathBuf, u64>>>;

/// Forwards the events about Rust files, counting every event per path in `seen`. A polling watcher
/// sees whole changes only (it never reports a close), so its changes are all `Replaced`.
fn handler(tx: Sender<Event>, polling: bool, seen: Option<Seen>) -> Handler {
    Box::new(move |result: notify::Result<notify::Event>| match result {
        Ok(event) => {
            if let Some(seen) = &seen {
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                for path in &event.paths {
                    *seen.entry(path.clone()).or_default() += 1;
                }
            }
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
    })
}

/// A started watcher, and what to tell the learner about it.
pub struct Started {
    pub watcher: FileWatcher,
    /// Why file events could not be set up (said once).
    pub warning: Option<String>,
    /// Why `learn` polls although it was not asked to, for the screen's header.
    pub polling: Option<String>,
}

/// Starts watching `dir` recursively. Polls instead of using file events when asked to (`poll`),
/// when `dir` is on a file system where events may not arrive (see [`fs_kind`]), or when events
/// cannot be set up. With events, `exercises` are checked about once a second: a change no event
/// reported switches to polling (see [`SelfCheck`]).
pub fn start(dir: &Path, tx: &Sender<Event>, poll: bool, exercises: Vec<PathBuf>) -> notify::Result<Started> {
    if poll {
        return Ok(Started { watcher: polling(dir, tx)?, warning: None, polling: None });
    }
    if let Some(why) = fs_kind::detect(dir) {
        let polling_because = format!("watching by polling: this folder is on {why}.");
        return Ok(Started { watcher: polling(dir, tx)?, warning: None, polling: Some(polling_because) });
    }
    let events = |h: Handler| notify::recommended_watcher(h).map(|w| Box::new(w) as Box<dyn Watcher + Send>);
    match with_events(dir, tx, exercises, events) {
        Ok(watcher) => Ok(Started { watcher, warning: None, polling: None }),
        Err(e) => Ok(Started {
            watcher: polling(dir, tx)?,
            warning: Some(format!("{WATCHER_FAILED}\n(The error was: {e}.)")),
            polling: None,
        }),
    }
}

/// Watches `dir` by polling.
fn polling(dir: &Path, tx: &Sender<Event>) -> notify::Result<FileWatcher> {
    Ok(FileWatcher { _watcher: Arc::new(Mutex::new(poll_watcher(dir, tx)?)), _stop: None })
}

fn poll_watcher(dir: &Path, tx: &Sender<Event>) -> notify::Result<Box<dyn Watcher + Send>> {
    // Modification times may only count whole seconds: compare contents too, so two saves within
    // one second are both seen (the exercise files are small).
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(true);
    let mut w = notify::PollWatcher::new(handler(tx.clone(), true, None), config)?;
    w.watch(dir, RecursiveMode::Recursive)?;
    Ok(Box::new(w))
}

/// Watches `dir` with the file events of the watcher `make` builds, and starts the self-check of
/// `exercises`: when it sees a change that no event reported, it replaces the watcher by a polling
/// one, sends [`Event::Polling`] with the reason, and the missed save as a file event.
fn with_events(
    dir: &Path,
    tx: &Sender<Event>,
    exercises: Vec<PathBuf>,
    make: impl FnOnce(Handler) -> notify::Result<Box<dyn Watcher + Send>>,
) -> notify::Result<FileWatcher> {
    let seen: Seen = Arc::default();
    let mut w = make(handler(tx.clone(), false, Some(seen.clone())))?;
    w.watch(dir, RecursiveMode::Recursive)?;
    let watcher = Arc::new(Mutex::new(w));
    let (stop, stopped) = mpsc::channel::<()>();
    let (dir, tx, shared) = (dir.to_path_buf(), tx.clone(), watcher.clone());
    let count = move |path: &Path| seen.lock().unwrap_or_else(|e| e.into_inner()).get(path).copied().unwrap_or(0);
    std::thread::Builder::new()
        .name("self-check".into())
        .spawn(move || {
            let mut check = SelfCheck::new(exercises, Stamp::of, &count);
            // Ends when the watcher is dropped (the sender goes with it).
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(check.wait()) {
                let Some(missed) = check.look(Instant::now(), Stamp::of, &count) else { continue };
                let Ok(polling) = poll_watcher(&dir, &tx) else { return };
                *shared.lock().unwrap_or_else(|e| e.into_inner()) = polling;
                let name = missed.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                let _ = tx.send(Event::Polling(format!(
                    "watching by polling: a save of {name} came without a file event \
                     (this folder's file system may not report changes)."
                )));
                let _ = tx.send(Event::File { path: missed, change: Change::Replaced });
                return;
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(FileWatcher { _watcher: watcher, _stop: Some(stop) })
}

/// What a look at a file tells: it changed when this changes. `None` for a file that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Stamp {
    /// One `stat` of `path`.
    pub fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp { modified: meta.modified().ok(), len: meta.len(), inode: meta.ino() })
    }
}

/// Checks that file events do report changes: a look at each exercise every [`CHECK_EVERY`]. A
/// file whose stamp changed while no event came for it is looked at again after [`GRACE`] (an event
/// may be on its way); if still no event came, the change was missed.
pub struct SelfCheck {
    /// Each file, its stamp and how many events had come for it when the stamp was taken.
    files: Vec<(PathBuf, Option<Stamp>, u64)>,
    /// A file that changed without an event, and when that was seen.
    suspect: Option<(usize, Instant)>,
}

/// How often the self-check looks at the exercises (one `stat` each: no measurable CPU).
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long an event may take to follow a change before the change counts as missed.
pub const GRACE: Duration = Duration::from_secs(1);

impl SelfCheck {
    /// Takes the first stamps. `stamp` looks at a file; `events` says how many events came for it.
    pub fn new(files: Vec<PathBuf>, stamp: impl Fn(&Path) -> Option<Stamp>, events: impl Fn(&Path) -> u64) -> Self {
        let files = files.into_iter().map(|p| (p.clone(), stamp(&p), events(&p))).collect();
        SelfCheck { files, suspect: None }
    }

    /// How long to wait before the next look.
    pub fn wait(&self) -> Duration {
        if self.suspect.is_some() { GRACE } else { CHECK_EVERY }
    }

    /// Looks at every file; returns a file whose change no event reported within [`GRACE`].
    pub fn look(
        &mut self,
        now: Instant,
        stamp: impl Fn(&Path) -> Option<Stamp>,
        events: impl Fn(&Path) -> u64,
    ) -> Option<PathBuf> {
        for (i, (path, known, counted)) in self.files.iter_mut().enumerate() {
            let (current, count) = (stamp(path), events(path));
            if current == *known || count != *counted {
                // Unchanged, or an event reported it: the watcher works for this file.
                (*known, *counted) = (current, count);
                if self.suspect.is_some_and(|(s, _)| s == i) {
                    self.suspect = None;
                }
                continue;
            }
            match self.suspect {
                Some((s, since)) if s == i && now.duration_since(since) >= GRACE => return Some(path.clone()),
                Some(_) => {}
                None => self.suspect = Some((i, now)),
            }
        }
        None
    }
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

    fn stamp(len: u64) -> Option<Stamp> {
        Some(Stamp { modified: None, len, inode: 1 })
    }

    /// A self-check over one file `a.rs`, whose stamp and event count the test sets.
    struct Fake {
        len: std::cell::Cell<u64>,
        events: std::cell::Cell<u64>,
    }

    impl Fake {
        fn stamp(&self) -> impl Fn(&Path) -> Option<Stamp> + '_ {
            |_| stamp(self.len.get())
        }
        fn events(&self) -> impl Fn(&Path) -> u64 + '_ {
            |_| self.events.get()
        }
    }

    #[test]
    fn a_change_no_event_reported_is_missed_after_the_grace() {
        let fake = Fake { len: 10.into(), events: 0.into() };
        let mut check = SelfCheck::new(vec!["a.rs".into()], fake.stamp(), fake.events());
        let t0 = Instant::now();
        assert_eq!(check.look(t0, fake.stamp(), fake.events()), None);
        assert_eq!(check.wait(), CHECK_EVERY);
        fake.len.set(20); // saved, and the watcher reports nothing
        assert_eq!(check.look(t0 + CHECK_EVERY, fake.stamp(), fake.events()), None, "an event may be on its way");
        assert_eq!(check.wait(), GRACE);
        assert_eq!(check.look(t0 + CHECK_EVERY + GRACE, fake.stamp(), fake.events()), Some(PathBuf::from("a.rs")));
    }

    #[test]
    fn a_change_whose_event_comes_within_the_grace_is_not_missed() {
        let fake = Fake { len: 10.into(), events: 0.into() };
        let mut check = SelfCheck::new(vec!["a.rs".into()], fake.stamp(), fake.events());
        let t0 = Instant::now();
        fake.len.set(20);
        assert_eq!(check.look(t0, fake.stamp(), fake.events()), None);
        fake.events.set(1); // the event was a moment late
        assert_eq!(check.look(t0 + GRACE, fake.stamp(), fake.events()), None);
        assert_eq!(check.wait(), CHECK_EVERY);
        // Changes reported at once never raise a suspicion.
        for n in 2..5 {
            fake.len.set(20 + n);
            fake.events.set(n);
            assert_eq!(check.look(t0 + CHECK_EVERY * n as u32, fake.stamp(), fake.events()), None);
            assert_eq!(check.wait(), CHECK_EVERY);
        }
    }

    /// A watcher that reports nothing: the self-check must notice a save and switch to polling.
    #[test]
    fn with_a_watcher_that_reports_nothing_a_save_switches_to_polling_and_is_graded() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        std::fs::write(&file, "fn main() {}\n").unwrap();
        let (tx, rx) = mpsc::channel();
        let silent = |_: Handler| Ok(Box::new(notify::NullWatcher) as Box<dyn Watcher + Send>);
        let _watcher = with_events(dir.path(), &tx, vec![file.clone()], silent).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&file, "fn main() { println!(\"saved\"); }\n").unwrap();
        // Generous: on a loaded machine the self-check can run late, and only a switch that never
        // comes is a failure.
        let deadline = Instant::now() + CHECK_EVERY * 5 + GRACE * 5;
        let why = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Event::Polling(why)) => why,
            _ => panic!("no switch to polling"),
        };
        assert!(why.starts_with("watching by polling: a save of a.rs came without a file event"), "{why}");
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(Event::File { path, change: Change::Replaced }) => assert_eq!(path, file),
            _ => panic!("the missed save was not passed on"),
        }
        // From now on the poller reports saves.
        std::fs::write(&file, "fn main() { println!(\"again\"); }\n").unwrap();
        let polled = rx.recv_timeout(POLL_INTERVAL * 8);
        assert!(matches!(polled, Ok(Event::File { ref path, .. }) if *path == file), "the poller saw nothing");
    }

    #[test]
    fn a_watcher_that_reports_saves_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        std::fs::write(&file, "fn main() {}\n").unwrap();
        let (tx, rx) = mpsc::channel();
        let events = |h: Handler| notify::recommended_watcher(h).map(|w| Box::new(w) as Box<dyn Watcher + Send>);
        let _watcher = with_events(dir.path(), &tx, vec![file.clone()], events).unwrap();
        std::fs::write(&file, "fn main() { println!(\"saved\"); }\n").unwrap();
        let until = Instant::now() + CHECK_EVERY * 2 + GRACE;
        while let Ok(event) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            assert!(!matches!(event, Event::Polling(_)), "switched to polling although events came");
        }
    }
}
