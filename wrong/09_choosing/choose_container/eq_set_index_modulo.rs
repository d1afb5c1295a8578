// wrong: set_band writes to band index % len, so a band that does not exist sets some other band instead of panicking
// choose_container: one tool per type.
//
// Lesson sections: “The decision table”, and “Questions to ask about shared state”.
// New here: nothing new — this exercise picks, for each type, the lightest tool you have already met.
//
// Five small types, each storing its state the wrong way for how it
// is used (the doc comment above each type says how; the hidden tests use it exactly so).
// For each one, ask: does it cross threads? Is the value `Copy`, or even a single integer? Is
// it read far more often than written? Does anybody really need to change it through a shared
// `&`, or does its one owner have `&mut` anyway? Then pick the lightest tool that fits: a plain
// field with `&mut self`, `Cell`, `RefCell`, `Arc<AtomicU64>`, `Arc<Mutex<_>>` or `Arc<RwLock<_>>`.
// Change fields, bodies and receivers (`&self`/`&mut self`); keep names and return types.
// (In TypeScript all five would simply be fields. In Rust the choice is part of the type.)

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Page-view counter on the UI thread; many widgets hold a `&Visits` and call `record`.
#[derive(Default)]
struct Visits { count: Cell<u32> }
impl Visits {
    fn record(&self) { self.count.set(self.count.get() + 1); }
    fn total(&self) -> u32 { self.count.get() }
}

/// Undo history on the UI thread; many widgets hold a `&History` and push to it.
#[derive(Default)]
struct History { entries: RefCell<Vec<String>> }
impl History {
    fn push(&self, entry: &str) { self.entries.borrow_mut().push(entry.to_string()); }
    fn last(&self) -> Option<String> { self.entries.borrow().last().cloned() }
}

/// A playlist that only its one owner edits; readers borrow the tracks as a plain slice.
#[derive(Default)]
struct Playlist { tracks: Vec<String> }
impl Playlist {
    fn add(&mut self, track: &str) { self.tracks.push(track.to_string()); }
    fn tracks(&self) -> &[String] { &self.tracks }
}

/// Running total; every worker thread gets its own clone of the handle and adds to it.
#[derive(Clone, Default)]
struct Totals { sum: Arc<AtomicU64> }
impl Totals {
    fn add(&self, n: u64) { self.sum.fetch_add(n, Ordering::Relaxed); }
    fn get(&self) -> u64 { self.sum.load(Ordering::Relaxed) }
}

/// Equalizer bands shared by threads: audio threads read them for every buffer and must
/// never wait for one another; the UI thread changes a band once in a while.
#[derive(Clone)]
struct Equalizer { bands: Arc<RwLock<Vec<i8>>> }
impl Equalizer {
    fn new(bands: Vec<i8>) -> Self { Equalizer { bands: Arc::new(RwLock::new(bands)) } }
    /// Runs `f` on the bands, or returns `None` at once if they cannot be read right now.
    fn try_read<R>(&self, f: impl FnOnce(&[i8]) -> R) -> Option<R> {
        self.bands.try_read().ok().map(|bands| f(&bands))
    }
    /// Sets band `index` to `gain`. `index` must be one of the bands: any other panics, as indexing does.
    fn set_band(&self, index: usize, gain: i8) {
        let mut bands = self.bands.write().unwrap();
        let len = bands.len();
        bands[index % len] = gain;
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
