use super::{Equalizer, History, Playlist, Totals, Visits};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

// Choosing the container is the exercise, so the tests never name one where the compiler could
// show it: any container compiles, and each field's type is checked as the tests run. A field
// of the expected type is then reached as that type; any other gets a message that names the
// question it fails, never the answer.

/// A type's name as it is written in code: `alloc::rc::Rc<core::cell::RefCell<u64>>` gives
/// `Rc<RefCell<u64>>`.
fn short_name(full: &str) -> String {
    let (mut shown, mut word) = (String::new(), String::new());
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear(); // a module on the way to the type: left out
        } else {
            shown.push_str(&word);
            word.clear();
            shown.push(c);
        }
    }
    shown.push_str(&word);
    shown
}

/// The field as the container the decision table gives for its use, or a failure that says
/// which question the learner's container answers wrongly.
fn chosen<'a, T: Any>(field: &'a dyn Any, found: &str, question: &str) -> &'a T {
    match field.downcast_ref::<T>() {
        Some(container) => container,
        None => ::std::panic!("{question}; yours is `{}` (see “The decision table”)", short_name(found)),
    }
}

macro_rules! chosen {
    ($field:expr, $container:ty, $question:expr) => {
        chosen::<$container>(&$field, ::core::any::type_name_of_val(&$field), $question)
    };
}

const VISITS: &str = "`Visits` keeps one small `Copy` number, changed through `&` on one thread only: \
                      the decision table has a lighter container for that than the one you chose";
const HISTORY: &str = "`History` keeps a `Vec`, which is not `Copy`, changed in place through `&` on one \
                       thread only: the decision table names another container for that than the one you chose";
const PLAYLIST: &str = "`Playlist` is only ever changed by its one owner, who can call a method that takes \
                        `&mut self`: the decision table says how little that needs, and you chose more";
const TOTALS: &str = "`Totals` shares one integer between threads: the decision table has a container that \
                      adds to it in one step, with no lock, and it is not the one you chose";
const EQUALIZER: &str = "`Equalizer` is shared by threads that mostly read it and must never wait for one \
                         another: the decision table names the container made for that, and it is not the one you chose";

/// `Visits` (one thread, a `Copy` number) has the lightest container that fits, and counts through `&`.
#[test]
fn visits_are_counted_through_shared_references() {
    let visits = Visits::default();
    chosen!(visits.count, Cell<u32>, VISITS);
    let header: &Visits = &visits;
    let footer: &Visits = &visits;
    header.record();
    footer.record();
    header.record();
    let total: u32 = footer.total();
    ::std::assert_eq!(total, 3, "three calls to record() through two shared references should count 3 visits");
}

/// `History` (one thread, a `Vec`) has the container the decision table gives it, and is pushed through `&`.
#[test]
fn history_is_pushed_through_shared_references() {
    let history = History::default();
    chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
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

/// `push` adds the entry to the history in place: the entries are not copied and the copy put back.
#[test]
fn history_push_changes_the_entries_in_place() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    history.push("type a");
    history.push("bold");
    // Room for the next entries, so a push in place keeps them where they are; a copy lives elsewhere.
    entries.borrow_mut().reserve(8);
    let entries_at: usize = entries.borrow().as_ptr() as usize;
    history.push("italic");
    let entries_after: usize = entries.borrow().as_ptr() as usize;
    let last: Option<String> = history.last();
    let expected_last: Option<&str> = Some("italic");
    ::std::assert_eq!(last.as_deref(), expected_last, "the last entry should be the most recent push");
    let in_place: bool = entries_after == entries_at;
    ::std::assert!(
        in_place,
        "`push` copied the whole history, added the entry to the copy and put the copy in place of the original (see “Copying out versus changing in place”)\n\
         Every push then costs as much as the history is long. Add the entry in place, through one `borrow_mut()`."
    );
}

/// `Playlist` has one owner: changed through `&mut self`, with the lightest container that fits, lent as a plain slice.
#[test]
fn playlist_lends_its_tracks_as_a_plain_slice() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    let first: &[String] = playlist.tracks();
    let second: &[String] = playlist.tracks();
    let names: Vec<String> = first.to_vec();
    let expected_names: Vec<String> = ::std::vec!["intro.mp3".to_string(), "theme.mp3".to_string()];
    ::std::assert_eq!(names, expected_names, "tracks() should list the tracks in the order they were added");
    ::std::assert_eq!(first.len(), second.len(), "two plain borrows of the tracks should see the same list");
}

/// `Totals` crosses threads but is one integer: the container adds without a lock, and the sum is right.
#[test]
fn totals_add_up_across_threads() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS);
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

/// A `Totals` is its shared atomic and nothing else: no lock or other field beside it.
#[test]
fn totals_hold_nothing_beside_the_atomic() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS);
    let size: usize = ::core::mem::size_of::<Totals>();
    let handle_size: usize = ::core::mem::size_of::<Arc<AtomicU64>>();
    ::std::assert!(
        size == handle_size,
        "`Totals` holds something beside its shared atomic ({size} bytes where the handle to the atomic takes {handle_size}) (see “The decision table”)\n\
         A lock kept next to the atomic, taken around each addition, brings back the waiting the atomic was chosen to avoid. \
         An atomic adds in one indivisible step by itself: `add` needs nothing but the atomic."
    );
}

/// Two separate `Totals` keep separate sums, and clones of one `Totals` share its sum.
#[test]
fn each_totals_keeps_its_own_sum() {
    let first = Totals::default();
    let second = Totals::default();
    first.add(5);
    let untouched: u64 = second.get();
    ::std::assert_eq!(untouched, 0, "adding to one Totals changed another: each Totals keeps its own sum, in its own field");
    first.clone().add(2);
    let shared: u64 = first.get();
    ::std::assert_eq!(shared, 7, "after add(5) and add(2) on a clone, the sum should be 7: clones share one sum through the Arc");
}

// A lost or half-done addition needs two threads inside `add` at the same moment, which no test
// can arrange step by step. So several threads add at once, each watching the sum around its own
// additions, until another thread's addition has come between many thousands of them (or the
// time budget is spent): an `add` made of two steps (a load and a store, or a swap and an add)
// is then caught many times over, however busy the machine is, while a single `fetch_add` never
// loses an addition nor lets the sum go down.
const ADDERS: usize = 8;
const INTERLEAVINGS: usize = 20_000;
const BUDGET: Duration = Duration::from_secs(4);

/// Adding is one atomic step: two steps done apart lose another thread's addition or show a sum that went down.
#[test]
fn an_addition_is_one_atomic_step() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS);
    let start = ::std::sync::Barrier::new(ADDERS);
    let interleavings = ::std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    let seen: Vec<(u64, u64)> = thread::scope(|scope| {
        let handles: Vec<thread::ScopedJoinHandle<'_, (u64, u64)>> = (0..ADDERS)
            .map(|_| {
                let (handle, start, interleavings) = (totals.clone(), &start, &interleavings);
                scope.spawn(move || {
                    start.wait(); // all of them start adding together
                    let (mut made, mut went_down, mut cut_in): (u64, u64, usize) = (0, 0, 0);
                    loop {
                        let before: u64 = handle.get();
                        handle.add(1);
                        made += 1;
                        let after: u64 = handle.get();
                        if after < before + 1 {
                            went_down += 1; // only additions happen: the sum can never be below before + 1
                        } else if after != before + 1 {
                            cut_in += 1; // another thread added during this addition
                        }
                        if made & 0x3ff == 0 {
                            let seen: usize =
                                interleavings.fetch_add(cut_in, ::std::sync::atomic::Ordering::SeqCst) + cut_in;
                            cut_in = 0;
                            if seen >= INTERLEAVINGS || started.elapsed() >= BUDGET {
                                return (made, went_down);
                            }
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let made: u64 = seen.iter().map(|(made, _)| made).sum();
    let went_down: u64 = seen.iter().map(|(_, went_down)| went_down).sum();
    let total: u64 = totals.get();
    ::std::assert!(
        total == made,
        "{ADDERS} threads added 1 each, {made} times in all, but the total is {total}: additions were lost while other threads added at the same time: `add` should be one `fetch_add`, not a `load` and a `store` (see “The decision table”)"
    );
    ::std::assert!(
        went_down == 0,
        "{ADDERS} threads only ever added, yet {went_down} time(s) a thread read a sum lower than the one it had just added to: `add` changes the atomic in two steps, and between them `get` sees a value the total never had. Add with one `fetch_add` (see “The decision table”)"
    );
}

/// `Equalizer` crosses threads and is mostly read: a UI change is seen by audio threads.
#[test]
fn equalizer_change_from_ui_thread_is_seen_by_audio_threads() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
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
    // Where the bands live in memory: changed in place, they stay there; a copy lives elsewhere.
    let bands_at: Option<usize> = eq.try_read(|bands| bands.as_ptr() as usize);
    eq.set_band(2, 5);
    let bands_after: Option<usize> = eq.try_read(|bands| bands.as_ptr() as usize);
    let bands: Option<Vec<i8>> = eq.try_read(|bands| bands.to_vec());
    let expected_bands: Option<Vec<i8>> = Some(::std::vec![0, 0, 5, 0]);
    ::std::assert_eq!(bands, expected_bands, "set_band(2, 5) should set band 2 to 5 and leave the others alone");
    let in_place: bool = bands_at.is_some() && bands_after == bands_at;
    ::std::assert!(
        in_place,
        "`set_band` wrote back a copy of all the bands in place of the old ones instead of changing the one band in place (see “Check and act under one lock”)\n\
         Whatever another thread changed between taking the copy and putting it back would be erased, and every change copies every band. \
         Take the write lock once and set the one band through that guard."
    );
}

/// Two audio threads read the equalizer at the same time: readers do not wait for each other.
#[test]
fn audio_threads_read_the_equalizer_at_the_same_time() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let other = eq.clone();
    let seen: Option<Option<i8>> = eq.try_read(|_bands| {
        // While this thread is still reading, a second audio thread tries to read too.
        thread::spawn(move || other.try_read(|bands| bands[2])).join().unwrap()
    });
    let expected_seen: Option<Option<i8>> = Some(Some(3));
    ::std::assert_eq!(
        seen,
        expected_seen,
        "while one audio thread was reading the bands, `try_read` turned a second one away: `try_read` is a method that only reads, and it should ask for the lock's read access, which any number of threads hold at once (see “Readers and writers”)"
    );
}

/// `try_read` gives up at once while the UI thread is writing: it never waits for the lock.
#[test]
fn try_read_returns_none_while_a_writer_holds_the_bands() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let writing = bands.write().unwrap();
    let (sender, receiver) = mpsc::channel();
    let reader = eq.clone();
    thread::spawn(move || {
        let seen: Option<i8> = reader.try_read(|bands| bands[0]);
        let _ = sender.send(seen);
    });
    let answer = receiver.recv_timeout(Duration::from_secs(2));
    drop(writing);
    let waited: bool = answer.is_err();
    ::std::assert!(!waited, "`try_read` waited while the UI thread was writing: it should ask with the lock's own `try_read()` and return None at once");
    let seen: Option<i8> = answer.unwrap_or(None);
    let expected: Option<i8> = None;
    ::std::assert_eq!(seen, expected, "while the UI thread is writing, `try_read` should return None");
}

/// While an audio thread reads, `set_band` waits in line for the write lock, so new readers are held back until it has written.
#[test]
fn set_band_waits_in_line_for_the_readers() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    let (reading, read_started) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let audio = eq.clone();
    // An audio thread that keeps reading until the test lets it go.
    let reader = thread::spawn(move || {
        audio.try_read(|_bands| {
            let _ = reading.send(());
            let _ = released.recv_timeout(Duration::from_secs(3));
        })
    });
    let got_in: bool = read_started.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(got_in, "with nobody writing, an audio thread should be able to read the bands");
    let (done, finished) = mpsc::channel::<()>();
    let ui = eq.clone();
    thread::spawn(move || {
        ui.set_band(0, 7);
        let _ = done.send(());
    });
    // A writer waiting in the blocking `write()` is queued by the lock, and the standard library's
    // `RwLock` then turns new readers away until that writer has had its turn. A loop of
    // `try_write` calls never queues: new readers keep getting in ahead of it.
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut writer_queued, mut try_read_waited): (bool, bool) = (false, false);
    while !writer_queued && !try_read_waited && Instant::now() < deadline {
        let asked = Instant::now();
        writer_queued = eq.try_read(|_bands| ()).is_none();
        try_read_waited = asked.elapsed() >= Duration::from_secs(1);
        thread::sleep(Duration::from_millis(1));
    }
    let returned_early: bool = finished.try_recv().is_ok();
    let _ = release.send(());
    let reader_finished: bool = reader.join().is_ok();
    let returned: bool = finished.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(reader_finished, "the audio thread's read should finish once the test lets it go");
    ::std::assert!(
        !try_read_waited,
        "`try_read` waited while the UI thread was waiting for the write lock: it should ask with the lock's own `try_read()` and return None at once"
    );
    ::std::assert!(
        !returned_early,
        "`set_band` returned while an audio thread was still reading, so it cannot have written: it should wait for the write lock"
    );
    ::std::assert!(
        writer_queued,
        "while an audio thread was reading, `set_band` never waited in line for the write lock: it kept retrying `try_write` instead, so new readers kept getting in ahead of it and a steady stream of them could keep the UI thread out for good (see “Trying without waiting”)\n\
         `write()` is the method that waits: it queues for the lock and sleeps until the readers are gone."
    );
    ::std::assert!(returned, "once the audio thread stopped reading, set_band should get the write lock and return");
    let band: Option<i8> = eq.try_read(|bands| bands[0]);
    let expected_band: Option<i8> = Some(7);
    ::std::assert_eq!(band, expected_band, "the band set by the UI thread should now be visible");
}
