use super::{Equalizer, History, Playlist, Totals, Visits};
use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::thread;

/// `Visits` (one thread, a `Copy` number) keeps its count in a `Cell<u32>` and counts through `&`.
#[test]
fn visits_are_counted_in_a_cell() {
    let visits = Visits::default();
    crate::__learn::exact::<Cell<u32>, _>(&visits.count);
    let header: &Visits = &visits;
    let footer: &Visits = &visits;
    header.record();
    footer.record();
    header.record();
    let total: u32 = footer.total();
    ::std::assert_eq!(total, 3, "three calls to record() through two shared references should count 3 visits");
}

/// `History` (one thread, a `Vec`) keeps its entries in a `RefCell<Vec<String>>`.
#[test]
fn history_is_pushed_through_a_refcell() {
    let history = History::default();
    crate::__learn::exact::<RefCell<Vec<String>>, _>(&history.entries);
    let editor: &History = &history;
    let toolbar: &History = &history;
    let empty: Option<String> = editor.last();
    editor.push("type a");
    toolbar.push("bold");
    let last: Option<String> = editor.last();
    let expected_empty: Option<String> = None;
    ::std::assert_eq!(empty, expected_empty, "a new history should have no last entry");
    let expected_last: Option<&str> = Some("bold");
    ::std::assert_eq!(last.as_deref(), expected_last, "the last entry should be the most recent push");
}

/// `Playlist` has one owner: a plain `Vec<String>` changed through `&mut self`, lent as a slice.
#[test]
fn playlist_lends_its_tracks_as_a_plain_slice() {
    let mut playlist = Playlist::default();
    crate::__learn::exact::<Vec<String>, _>(&playlist.tracks);
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    let first: &[String] = playlist.tracks();
    let second: &[String] = playlist.tracks();
    let names: Vec<String> = first.to_vec();
    let expected_names: Vec<String> = ::std::vec!["intro.mp3".to_string(), "theme.mp3".to_string()];
    ::std::assert_eq!(names, expected_names, "tracks() should list the tracks in the order they were added");
    ::std::assert_eq!(first.len(), second.len(), "two plain borrows of the tracks should see the same list");
}

/// `Totals` crosses threads but is one integer: an `Arc<AtomicU64>`, with no lock.
#[test]
fn totals_add_up_across_threads() {
    let totals = Totals::default();
    crate::__learn::exact::<Arc<AtomicU64>, _>(&totals.sum);
    let workers: Vec<_> = (1..=4u64)
        .map(|n| {
            let handle = totals.clone();
            thread::spawn(move || {
                for _ in 0..100 {
                    handle.add(n);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let total: u64 = totals.get();
    ::std::assert_eq!(total, 1000, "4 threads adding 1, 2, 3 and 4 a hundred times each should total 1000");
}

/// `Equalizer` crosses threads and is mostly read: an `Arc<RwLock<Vec<i8>>>`, and a UI change is seen by audio threads.
#[test]
fn equalizer_change_from_ui_thread_is_seen_by_audio_threads() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    crate::__learn::exact::<Arc<RwLock<Vec<i8>>>, _>(&eq.bands);
    let ui = eq.clone();
    thread::spawn(move || ui.set_band(1, 6)).join().unwrap();
    let audio: Vec<_> = (0..3)
        .map(|_| {
            let eq = eq.clone();
            thread::spawn(move || eq.try_read(|bands| bands[1]))
        })
        .collect();
    for reader in audio {
        let seen: Option<i8> = reader.join().unwrap();
        let expected_seen: Option<i8> = Some(6);
        ::std::assert_eq!(
            seen,
            expected_seen,
            "with nobody writing, an audio thread should be able to read band 1, which the UI thread set to 6"
        );
    }
}

/// `set_band` changes the one band in place, under the write lock: the bands are not replaced by a copy.
#[test]
fn set_band_changes_the_band_in_place() {
    let eq = Equalizer::new(::std::vec![0, 0, 0, 0]);
    crate::__learn::exact::<Arc<RwLock<Vec<i8>>>, _>(&eq.bands);
    // Where the bands live in memory: changed in place, they stay there; a copy lives elsewhere.
    let bands_at: usize = eq.bands.read().unwrap().as_ptr() as usize;
    eq.set_band(2, 5);
    let bands_after: usize = eq.bands.read().unwrap().as_ptr() as usize;
    let bands: Vec<i8> = eq.bands.read().unwrap().clone();
    let expected_bands: Vec<i8> = ::std::vec![0, 0, 5, 0];
    ::std::assert_eq!(bands, expected_bands, "set_band(2, 5) should set band 2 to 5 and leave the others alone");
    let in_place: bool = bands_after == bands_at;
    ::std::assert!(
        in_place,
        "`set_band` wrote back a copy of all the bands instead of changing the one in place (see “Check and act under one lock”)\n\
         A copy made under a read guard and written back under a write guard erases whatever another thread \
         changed between the two. Take `write()` once and set the one band through that guard."
    );
}

/// Two audio threads read the equalizer at the same time: readers do not wait for each other.
#[test]
fn audio_threads_read_the_equalizer_at_the_same_time() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let other = eq.clone();
    let seen: Option<Option<i8>> = eq.try_read(|_bands| {
        // While this thread is still reading, a second audio thread tries to read too.
        thread::spawn(move || other.try_read(|bands| bands[2])).join().unwrap()
    });
    let expected_seen: Option<Option<i8>> = Some(Some(3));
    ::std::assert_eq!(
        seen,
        expected_seen,
        "while one audio thread is reading the bands, a second one should be let in as well, not turned away (readers share the lock)"
    );
}

/// Two separate `Totals` keep separate sums, and a sum is the one in the `Arc<AtomicU64>` field.
#[test]
fn each_totals_keeps_its_own_sum_in_its_field() {
    let first = Totals::default();
    let second = Totals::default();
    first.add(5);
    let untouched: u64 = second.get();
    ::std::assert_eq!(untouched, 0, "adding to one Totals changed another: the sum should live in each Totals' own `sum` field, not in a shared global");
    let in_field: u64 = first.sum.load(::std::sync::atomic::Ordering::SeqCst);
    ::std::assert_eq!(in_field, 5, "after add(5) the `sum` field should hold 5: the running total lives in the field, shared by the clones through the Arc");
}

// A lost addition needs two threads inside one `add` at the same moment, which no test can
// arrange step by step. So several threads add at once, each watching the sum around its own
// additions, until another thread's addition has come between many thousands of them (or the
// time budget is spent): an `add` with a gap between reading and writing is then caught many
// times over, however busy the machine is, while a single `fetch_add` never loses one.
const ADDERS: usize = 8;
const INTERLEAVINGS: usize = 20_000;
const BUDGET: ::std::time::Duration = ::std::time::Duration::from_secs(4);

/// Adding is one atomic step: a read and a write done apart would lose another thread's addition.
#[test]
fn an_addition_is_one_atomic_step() {
    let totals = Totals::default();
    crate::__learn::exact::<Arc<AtomicU64>, _>(&totals.sum);
    let start = ::std::sync::Barrier::new(ADDERS);
    let interleavings = ::std::sync::atomic::AtomicUsize::new(0);
    let started = ::std::time::Instant::now();
    let made: Vec<u64> = thread::scope(|scope| {
        let handles: Vec<thread::ScopedJoinHandle<'_, u64>> = (0..ADDERS)
            .map(|_| {
                let (handle, start, interleavings) = (totals.clone(), &start, &interleavings);
                scope.spawn(move || {
                    let sum: &AtomicU64 = &handle.sum;
                    start.wait(); // all of them start adding together
                    let (mut made, mut cut_in): (u64, usize) = (0, 0);
                    loop {
                        let before: u64 = sum.load(::std::sync::atomic::Ordering::SeqCst);
                        handle.add(1);
                        made += 1;
                        let after: u64 = sum.load(::std::sync::atomic::Ordering::SeqCst);
                        if after != before + 1 {
                            cut_in += 1; // another thread added during this addition
                        }
                        if made & 0x3ff == 0 {
                            let seen: usize =
                                interleavings.fetch_add(cut_in, ::std::sync::atomic::Ordering::SeqCst) + cut_in;
                            cut_in = 0;
                            if seen >= INTERLEAVINGS || started.elapsed() >= BUDGET {
                                return made;
                            }
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let made: u64 = made.iter().sum();
    let total: u64 = totals.get();
    ::std::assert!(
        total == made,
        "{ADDERS} threads added 1 each, {made} times in all, but the total is {total}: additions were lost while other threads added at the same time: `add` should be one `fetch_add`, not a `load` and a `store` (see “The decision table”)"
    );
}

/// `try_read` gives up at once while the UI thread is writing: it never waits for the lock.
#[test]
fn try_read_returns_none_while_a_writer_holds_the_bands() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let writing = eq.bands.write().unwrap();
    let (sender, receiver) = ::std::sync::mpsc::channel();
    let reader = eq.clone();
    thread::spawn(move || {
        let seen: Option<i8> = reader.try_read(|bands| bands[0]);
        let _ = sender.send(seen);
    });
    let answer = receiver.recv_timeout(::std::time::Duration::from_secs(2));
    drop(writing);
    let waited: bool = answer.is_err();
    ::std::assert!(!waited, "`try_read` waited while the UI thread was writing: it should ask with the lock's own `try_read()` and return None at once");
    let seen: Option<i8> = answer.unwrap_or(None);
    let expected: Option<i8> = None;
    ::std::assert_eq!(seen, expected, "while the UI thread is writing, `try_read` should return None");
}
