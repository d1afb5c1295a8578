// wrong: tracks() clones the whole Vec of tracks on every call (and drops the copy) before lending the real ones: O(n) per look
// choose_container: five small types, each storing its state the way its use calls for
// (the doc comment above each type says how it is used; the hidden tests use it exactly so).
// The questions, in order: does it cross threads? Is the value `Copy`, or a single integer? Is
// it read far more often than written? Does anybody really need to change it through a shared `&`, or does its
// one owner have `&mut` anyway? Then the lightest tool that fits:
//   one owner, exclusive access ........... plain field + `&mut self` (checked at compile time)
//   one thread, shared, `Copy` value ...... `Cell` (get/set, no borrow flag, no guards)
//   one thread, shared, non-`Copy` ........ `RefCell` (run-time borrow flag)
//   threads, one integer or flag .......... `Arc<AtomicU64>` and friends (one atomic step, no lock)
//   threads, anything bigger .............. `Arc<Mutex<_>>`
//   threads, mostly reads ................. `Arc<RwLock<_>>` (readers share the lock)

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Page-view counter on the UI thread; many widgets hold a `&Visits` and call `record`.
/// A `u32` is `Copy`, so `Cell` can swap the whole value in and out: no guards needed.
#[derive(Default)]
struct Visits {
    count: Cell<u32>,
}

impl Visits {
    fn record(&self) {
        self.count.set(self.count.get() + 1);
    }

    fn total(&self) -> u32 {
        self.count.get()
    }
}

/// Undo history on the UI thread; many widgets hold a `&History` and push to it.
/// A `Vec` is not `Copy`, so it needs `RefCell` to be changed in place through `&self`.
#[derive(Default)]
struct History {
    entries: RefCell<Vec<String>>,
}

impl History {
    fn push(&self, entry: &str) {
        self.entries.borrow_mut().push(entry.to_string());
    }

    fn last(&self) -> Option<String> {
        // Clone out of the short borrow rather than handing the borrow to the caller.
        self.entries.borrow().last().cloned()
    }
}

/// A playlist that only its one owner edits; readers borrow the tracks as a plain slice.
/// Nobody mutates through a shared reference, so no interior mutability at all: the borrow
/// checker alone proves it safe, for free, and `tracks` can lend out an ordinary `&[String]`
/// (a `RefCell` could only lend a guard that must stay alive while the slice is used).
#[derive(Default)]
struct Playlist {
    tracks: Vec<String>,
}

impl Playlist {
    fn add(&mut self, track: &str) {
        self.tracks.push(track.to_string());
    }

    fn tracks(&self) -> &[String] {
        let snapshot = self.tracks.clone();
        drop(snapshot);
        &self.tracks
    }
}

/// Running total; every worker thread gets its own clone of the handle and adds to it.
/// Crossing threads, but only one integer: `Arc` to share, `AtomicU64` to add in one step, no lock.
#[derive(Clone, Default)]
struct Totals {
    sum: Arc<AtomicU64>,
}

impl Totals {
    fn add(&self, n: u64) {
        self.sum.fetch_add(n, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.sum.load(Ordering::Relaxed)
    }
}

/// Equalizer bands shared by threads: audio threads read them for every buffer and must
/// never wait for one another; the UI thread changes a band once in a while.
/// Read-mostly across threads: `RwLock` lets any number of readers in at the same time.
#[derive(Clone)]
struct Equalizer {
    bands: Arc<RwLock<Vec<i8>>>,
}

impl Equalizer {
    fn new(bands: Vec<i8>) -> Self {
        Equalizer { bands: Arc::new(RwLock::new(bands)) }
    }

    /// Runs `f` on the bands, or returns `None` at once if they cannot be read right now.
    /// With an `RwLock` that only happens while the UI thread is writing.
    fn try_read<R>(&self, f: impl FnOnce(&[i8]) -> R) -> Option<R> {
        self.bands.try_read().ok().map(|bands| f(&bands))
    }

    /// Sets band `index` to `gain`. `index` must be one of the bands: any other panics, as indexing does.
    fn set_band(&self, index: usize, gain: i8) {
        self.bands.write().unwrap()[index] = gain;
    }
}

fn main() {
    let (visits, history) = (Visits::default(), History::default());
    visits.record();
    history.push("typed hello");
    let mut playlist = Playlist::default();
    playlist.add("intro.mp3");
    let (totals, eq) = (Totals::default(), Equalizer::new(vec![0, 2, -1]));
    let (worker_totals, ui_eq) = (totals.clone(), eq.clone());
    let worker = std::thread::spawn(move || (worker_totals.add(5), ui_eq.set_band(0, 4)));
    worker.join().unwrap();
    println!("{} visit(s), last action {:?}, tracks {:?}", visits.total(), history.last(), playlist.tracks());
    println!("total {}, bands {:?}", totals.get(), eq.try_read(|bands| bands.to_vec()));
}
