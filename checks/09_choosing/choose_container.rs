use super::{Equalizer, History, Playlist, Totals, Visits};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, PoisonError, RwLock};
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

/// A type's name (as `short_name` writes it) split into the chain of containers around its value,
/// from the outside in, and the value: `Arc<RwLock<Vec<i8>>>` gives `["Arc", "RwLock"]` and
/// `Vec<i8>`; `Arc<AtomicU64>` gives `["Arc", "AtomicU64"]` and nothing (an atomic's name says
/// its width: it is the container and the value at once). A plain `Vec<String>` has no container.
fn containers(name: &str) -> (Vec<&str>, &str) {
    const WRAPPERS: [&str; 8] = ["Rc", "Arc", "Cell", "RefCell", "Mutex", "RwLock", "OnceCell", "OnceLock"];
    let mut chain: Vec<&str> = ::std::vec::Vec::new();
    let mut rest: &str = name.trim();
    loop {
        let (outer, inner): (&str, Option<&str>) = match rest.find('<') {
            Some(open) if rest.ends_with('>') => (&rest[..open], Some(&rest[open + 1..rest.len() - 1])),
            _ => (rest, None),
        };
        if !(WRAPPERS.contains(&outer) || outer.starts_with("Atomic")) {
            return (chain, rest);
        }
        chain.push(outer);
        match inner {
            Some(inner) => rest = inner.trim(),
            None => return (chain, ""),
        }
    }
}

/// The first test (in the order the learner reads them) that checks the container asked about in
/// `question`: it alone says what is wrong with it, and every other test of that type, which can only
/// fail on the same container, points to it.
fn first_test_of(question: &str) -> &'static str {
    match question {
        q if q == VISITS => "visits_are_counted_through_shared_references",
        q if q == HISTORY => "history_is_pushed_through_shared_references",
        q if q == PLAYLIST => "playlist_lends_its_tracks_as_a_plain_slice",
        q if q == TOTALS => "totals_add_up_across_threads",
        _ => "equalizer_holds_nothing_beside_its_bands",
    }
}

/// The field as the container the decision table gives for its use, or a failure that says
/// which question the learner's container answers wrongly: in full in the type's first test
/// (`first`), and as the reason another test could not begin in the others.
fn chosen<'a, T: Any>(field: &'a dyn Any, found: &str, question: &str, first: bool) -> &'a T {
    if let Some(container) = field.downcast_ref::<T>() {
        return container;
    }
    let (yours, due) = (short_name(found), short_name(::core::any::type_name::<T>()));
    if !first {
        ::std::panic!(
            "could not begin: the field holds a `{yours}`, not the container its use calls for (the same fault as in {})",
            first_test_of(question)
        );
    }
    let ((your_chain, your_value), (due_chain, due_value)) = (containers(&yours), containers(&due));
    if your_chain == due_chain && !due_chain.is_empty() {
        // The right containers, from the outside in, around another value: the question was
        // answered, the value changed.
        let container: ::std::string::String =
            ::std::format!("{}_{}", due_chain.iter().map(|c| ::std::format!("{c}<")).collect::<String>(), ">".repeat(due_chain.len()));
        ::std::panic!(
            "`{container}` is the right container, but what it holds in yours is `{your_value}`, where the exercise gives \
             `{due_value}`: the tests use `{due}` (see “The decision table”)\n\
             Keep the value's type as the exercise gives it, `{due_value}`, inside the container you chose."
        );
    }
    if your_chain.is_empty() && due_chain.is_empty() {
        // No container, rightly, but another type in the field.
        ::std::panic!(
            "a plain field with no container is the right choice, but yours holds a `{yours}`, where the exercise gives \
             `{due}` (see “The decision table”)\nKeep the field's type as the exercise gives it, `{due}`."
        );
    }
    ::std::panic!("{question}; yours is `{yours}` (see “The decision table”)")
}

macro_rules! chosen {
    ($field:expr, $container:ty, $question:expr) => {
        chosen::<$container>(&$field, ::core::any::type_name_of_val(&$field), $question, false)
    };
    ($field:expr, $container:ty, $question:expr, first) => {
        chosen::<$container>(&$field, ::core::any::type_name_of_val(&$field), $question, true)
    };
}

const VISITS: &str = "`Visits` keeps one small `Copy` number, changed through `&` on one thread only: \
                      the decision table has a lighter container for that than the one you chose";
const HISTORY: &str = "`History` keeps a `Vec`, which is not `Copy`, pushed onto in place (never swapped out \
                       whole and back) through `&` on one thread only: the decision table names another container \
                       for that than the one you chose";
const PLAYLIST: &str = "`Playlist` is only ever changed by its one owner, who can call a method that takes \
                        `&mut self`: the decision table says how little that needs, and you chose something else";
const TOTALS: &str = "`Totals` shares one `u64` between threads: the decision table has a container that adds \
                      to it in one step, with no lock, and holds a `u64` on every platform (no integer of another \
                      width, no lock around it); it is not the one you chose";
const EQUALIZER: &str = "`Equalizer` is shared by threads that mostly read it and must never wait for one \
                         another: the decision table names the container made for that, and it is not the one you chose";

/// `Visits` (one thread, a `Copy` number) has the lightest container that fits, and counts through `&`.
#[test]
fn visits_are_counted_through_shared_references() {
    let visits = Visits::default();
    chosen!(visits.count, Cell<u32>, VISITS, first);
    let header: &Visits = &visits;
    let footer: &Visits = &visits;
    header.record();
    footer.record();
    header.record();
    let total: u32 = footer.total();
    ::std::assert_eq!(total, 3, "three calls to record() through two shared references should count 3 visits");
    let again: u32 = header.total();
    ::std::assert!(
        again == 3,
        "`total()` answered 3, then {again} when asked again with no visit in between: reading the count changed it (a \
         `Cell::take()` or `replace` that leaves 0 behind, say). `total` only reads: `Cell::get()` copies the count out \
         and leaves it where it is (see “Swapping values in and out of a Cell”)"
    );
}

/// `History` (one thread, a `Vec`) has the container the decision table gives it, and is pushed through `&`.
#[test]
fn history_is_pushed_through_shared_references() {
    let history = History::default();
    chosen!(history.entries, RefCell<Vec<String>>, HISTORY, first);
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

/// The history keeps every entry pushed, in the order pushed, repeats included: an undo steps back through all of them.
#[test]
fn history_keeps_every_entry_in_order() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    let mut pushed: Vec<String> = ["type a", "bold", "bold", "", "  ", "type b", "italic"].map(String::from).to_vec();
    pushed.extend((0..200).map(|i| ::std::format!("edit {i}")));
    for entry in &pushed {
        history.push(entry);
    }
    // Looking at the last entry, twice, changes nothing.
    let looked: [Option<String>; 2] = [history.last(), history.last()];
    let last_due: Option<String> = pushed.last().cloned();
    ::std::assert!(
        looked[0] == last_due && looked[1] == last_due,
        "`last()` asked twice answered {looked:?}, where {last_due:?} both times was due: looking at the last entry took \
         it out of the history (a `pop()`, a `take()`). `last` only reads: `borrow().last().cloned()` copies it out and \
         leaves the history as it was."
    );
    let kept: Vec<String> = entries.borrow().clone();
    // The same number of entries, but not the same ones in another order: some entry's text changed.
    let (mut kept_sorted, mut pushed_sorted): (Vec<String>, Vec<String>) = (kept.clone(), pushed.clone());
    kept_sorted.sort();
    pushed_sorted.sort();
    let text_changed: bool = kept.len() == pushed.len() && kept_sorted != pushed_sorted;
    ::std::assert!(
        !text_changed,
        "could not begin: `push` kept every entry, but changed the text of some (the same fault as in \
         history_keeps_each_entry_exactly_as_pushed)"
    );
    ::std::assert!(
        kept == pushed,
        "after {} pushes, the history held {} entries, {:?} first, where {:?} came first: an undo history keeps every \
         entry, in the order it came, however many, the same one twice and an empty one included (bold pressed twice is \
         two steps to undo), so that each undo steps back one. \
         `push` adds the entry at the end, `entries.borrow_mut().push(..)`, and `last` reads the end.",
        pushed.len(),
        kept.len(),
        &kept[..kept.len().min(7)],
        &pushed[..7]
    );
}

/// Entries of every shape the test pushes: long ones (past 200 characters, past 64 KiB), ones
/// with spaces, tabs or newlines around them, and ones in other scripts and emoji, each a
/// character count apart from its byte count.
fn unusual_texts() -> Vec<String> {
    let mut texts: Vec<String> = ["  indent", "outdent  ", " both ", "\ttab", "line\n", "\r\n", "héllo wörld", "日本語の入力", "🎉 party 🎉"]
        .map(String::from)
        .to_vec();
    texts.push("x".repeat(201));
    texts.push("long entry ".repeat(40));
    texts.push("é".repeat(300));
    texts.push(" ".repeat(257));
    texts.push("z".repeat(70_000));
    texts
}

/// How a text the test gave was kept, for a message: the text itself when short, else its length
/// and ends.
fn shown(text: &str) -> String {
    let count: usize = text.chars().count();
    if count <= 40 {
        return ::std::format!("{text:?}");
    }
    let head: String = text.chars().take(12).collect();
    let tail: String = text.chars().skip(count - 12).collect();
    ::std::format!("{head:?}…{tail:?} ({count} characters)")
}

/// Each entry is kept exactly as pushed: long ones whole, spaces around it kept, any script: `last` gives it back unchanged.
#[test]
fn history_keeps_each_entry_exactly_as_pushed() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    for entry in unusual_texts() {
        history.push(&entry);
        // What `push` stored, read from the field itself, tells `push` from `last` when the answer is off.
        let stored: Option<String> = entries.borrow().last().cloned();
        let stored_whole: bool = stored.as_deref() == Some(entry.as_str());
        ::std::assert!(
            stored_whole,
            "pushed {}, and the newest entry `push` stored in `entries` was {}: `push` changed the entry (cut it short, \
             trimmed it, or the like). An undo history keeps each entry exactly as it came, however long, spaces and all, \
             so that an undo restores exactly what was there: `push` stores `entry.to_string()`, nothing taken off.",
            shown(&entry),
            stored.as_deref().map_or_else(|| String::from("None"), shown)
        );
        let last: Option<String> = history.last();
        let kept: bool = last.as_deref() == Some(entry.as_str());
        ::std::assert!(
            kept,
            "pushed {}, which `push` stored whole, and `last()` then gave {}: `last` changed the entry on the way out (cut \
             it short, trimmed it, or the like). An undo restores exactly what was there, so `last` hands the newest entry \
             back as it is kept: `self.entries.borrow().last().cloned()`, nothing taken off.",
            shown(&entry),
            last.as_deref().map_or_else(|| String::from("None"), shown)
        );
    }
}

/// How many adds the tests below make, and how many times the `Vec` behind them may change its
/// capacity meanwhile: a `Vec` left to grow by itself at least doubles its capacity when it is
/// full, a dozen or so changes for these many adds; making room for exactly one more each time
/// changes it on every add.
const GROWTH_ADDS: usize = 4096;
const GROWTH_CHANGES_AT_MOST: usize = 64;

/// What a `Vec` did over `GROWTH_ADDS` additions: how many times its capacity changed, and how many
/// of those times the new capacity was exactly its length (room for not one more).
fn capacity_changes(mut add: impl FnMut(usize), capacity_and_len: impl Fn() -> (usize, usize)) -> (usize, usize) {
    let (mut changes, mut exact): (usize, usize) = (0, 0);
    let (mut last, _) = capacity_and_len();
    for index in 0..GROWTH_ADDS {
        add(index);
        let (capacity, len) = capacity_and_len();
        if capacity != last {
            changes += 1;
            exact += usize::from(capacity == len);
            last = capacity;
        }
    }
    (changes, exact)
}

/// How a `Vec` grew, in a message: `changes` and `exact` as `capacity_changes` gives them.
fn growth_seen(changes: usize, exact: usize) -> String {
    if exact * 2 >= changes {
        ::std::format!("{changes} times, {exact} of them to exactly as many as it then held")
    } else {
        ::std::format!("{changes} times")
    }
}

/// `push` lets the entries' `Vec` grow by itself: over thousands of pushes its buffer is replaced only a few dozen times at most, not on every push.
#[test]
fn history_push_does_not_reallocate_every_time() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    let (changes, exact): (usize, usize) = capacity_changes(
        |index| history.push(if index % 2 == 0 { "type a" } else { "bold" }),
        || {
            let entries = entries.borrow();
            (entries.capacity(), entries.len())
        },
    );
    ::std::assert!(
        changes <= GROWTH_CHANGES_AT_MOST,
        "over {GROWTH_ADDS} pushes, the history's `Vec` changed its capacity {} \
         (see “Copying out versus changing in place”)\n\
         `push` makes room for exactly one more entry each time (`reserve_exact(1)`, `shrink_to_fit()` after it, or the \
         like), so each push moves every entry to a new buffer: n pushes cost some n² moves. A `Vec` left to itself grows \
         its buffer by doubling, and a push is cheap on average: push with `borrow_mut().push(..)` and nothing else.",
        growth_seen(changes, exact)
    );
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

/// A `push` that overlaps a borrow of the history is a bug to show, not to hide: it panics, or the entry is there afterwards; it is never dropped without a trace.
#[test]
fn a_push_during_a_borrow_is_never_dropped_silently() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    history.push("type a");
    let reading = entries.borrow();
    // `borrow_mut()` refuses this push with a panic, which is expected here and so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let pushed = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| history.push("bold")));
    ::std::panic::set_hook(report_panics);
    drop(reading);
    let panicked: bool = pushed.is_err();
    let last: Option<String> = history.last();
    let kept: bool = last.as_deref() == Some("bold");
    let shown: bool = panicked || kept;
    ::std::assert!(
        shown,
        "`push` was called while the history was borrowed, and it neither added the entry nor panicked: the entry was dropped \
         without a trace. Nothing in `History` should ever overlap a push, so an overlap is a bug, and `borrow_mut()` stops right \
         at it with a panic that points to it. `try_borrow_mut()` is for an overlap you expect and have another plan for, and \
         losing the entry is no plan (see “Asking first: try_borrow and try_borrow_mut”)"
    );
}

/// A `last` that overlaps a change of the history is a bug to show, not to hide: it panics, never answers `None` for a history that has entries.
#[test]
fn a_last_during_a_change_never_answers_an_empty_history() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    history.push("type a");
    let changing = entries.borrow_mut();
    // `borrow()` refuses this read with a panic, which is expected here and so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let read = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| history.last()));
    ::std::panic::set_hook(report_panics);
    drop(changing);
    let answered: Option<Option<String>> = read.ok();
    let hidden: bool = answered.as_ref().is_some_and(|last| last.as_deref() != Some("type a"));
    let last: Option<String> = answered.flatten();
    ::std::assert!(
        !hidden,
        "`last` was called while the history was being changed, and it answered {last:?} for a history holding \"type a\": \
         the overlap was hidden behind an answer that looks like an empty history. Nothing in `History` should ever overlap a \
         change, so an overlap is a bug, and `borrow()` stops right at it with a panic that points to it. `try_borrow()` is for \
         an overlap you expect and have another plan for, and a wrong answer is no plan \
         (see “Asking first: try_borrow and try_borrow_mut”)"
    );
}

/// `Playlist` has one owner: changed through `&mut self`, with the lightest container that fits, lent as a plain slice.
#[test]
fn playlist_lends_its_tracks_as_a_plain_slice() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST, first);
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    let first: &[String] = playlist.tracks();
    let second: &[String] = playlist.tracks();
    let names: Vec<String> = first.to_vec();
    let expected_names: Vec<String> = ::std::vec!["intro.mp3".to_string(), "theme.mp3".to_string()];
    ::std::assert_eq!(names, expected_names, "tracks() should list the tracks in the order they were added");
    ::std::assert_eq!(first.len(), second.len(), "two plain borrows of the tracks should see the same list");
}

/// A playlist plays what was added, as added: a track added twice is in it twice, in the order added.
#[test]
fn playlist_keeps_every_track_in_order() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let added: [&str; 4] = ["intro.mp3", "theme.mp3", "intro.mp3", "outro.mp3"];
    for track in added {
        playlist.add(track);
    }
    let kept: Vec<String> = playlist.tracks().to_vec();
    ::std::assert!(
        kept == added,
        "after adding {added:?}, `tracks()` listed {kept:?}: the playlist changed what it was given (a track added \
         twice kept once, the order changed). A playlist plays what was added, as added: `add` pushes the track at the \
         end, and nothing else."
    );
}

/// Each track is kept exactly as added: long names whole, spaces around it kept, any script.
#[test]
fn playlist_keeps_each_track_exactly_as_added() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let added: Vec<String> = unusual_texts();
    for track in &added {
        playlist.add(track);
    }
    let kept: Vec<String> = playlist.tracks().to_vec();
    let same_count: bool = kept.len() == added.len();
    ::std::assert!(
        same_count,
        "after adding {} tracks, `tracks()` listed {}: a playlist plays what was added, as added: `add` pushes the track \
         at the end, and nothing else.",
        added.len(),
        kept.len()
    );
    let changed: Option<(&String, &String)> = added.iter().zip(&kept).find(|(given, listed)| given != listed);
    ::std::assert!(
        changed.is_none(),
        "added the track {}, and `tracks()` listed it as {}: `add` changed the name (trimmed it, cut it short, or the \
         like). A playlist keeps each track exactly as added, spaces and all (a name is the owner's to choose): `add` \
         pushes `track.to_string()`, nothing taken off.",
        changed.map_or_else(String::new, |(given, _)| shown(given)),
        changed.map_or_else(String::new, |(_, listed)| shown(listed))
    );
}

/// `add` lets the tracks' `Vec` grow by itself: over thousands of adds the buffer `tracks()` lends is replaced only a few dozen times at most, not on every add.
#[test]
fn playlist_add_does_not_reallocate_every_time() {
    let playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let playlist: RefCell<Playlist> = RefCell::new(playlist);
    let (changes, exact): (usize, usize) = capacity_changes(
        |index| playlist.borrow_mut().add(if index % 2 == 0 { "intro.mp3" } else { "theme.mp3" }),
        || {
            let playlist = playlist.borrow();
            let own: &Vec<String> = chosen!(playlist.tracks, Vec<String>, PLAYLIST);
            (own.capacity(), own.len())
        },
    );
    ::std::assert!(
        changes <= GROWTH_CHANGES_AT_MOST,
        "over {GROWTH_ADDS} adds, the playlist's `Vec` changed its capacity {} \
         (see “Copying out versus changing in place”)\n\
         `add` makes room for exactly one more track each time (`reserve_exact(1)`, `shrink_to_fit()` after it, or the \
         like), so each add moves every track to a new buffer: n adds cost some n² moves. A `Vec` left to itself grows \
         its buffer by doubling, and an add is cheap on average: push with `self.tracks.push(..)` and nothing else.",
        growth_seen(changes, exact)
    );
}

/// `tracks` lends the playlist's own tracks: the slice points into the playlist's `Vec`, it is not a copy.
#[test]
fn playlist_lends_its_own_tracks_not_a_copy() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    let own: &Vec<String> = chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let (own_at, own_len): (usize, usize) = (own.as_ptr() as usize, own.len());
    let lent: &[String] = playlist.tracks();
    let (lent_at, lent_len): (usize, usize) = (lent.as_ptr() as usize, lent.len());
    let own_tracks: bool = lent_at == own_at && lent_len == own_len;
    ::std::assert!(
        own_tracks,
        "`tracks()` lent a copy of the tracks, not the playlist's own: the slice it returned lives elsewhere in memory than the \
         playlist's `Vec`. Every call then copies every track (and a copy made to be lent, with `Box::leak` or the like, is \
         never freed). With one owner and no interior mutability, the field lends itself for free: return `&self.tracks` \
         (see “The decision table”)"
    );
}

/// `add` pushes the track onto the playlist's own `Vec` in place: the tracks are not copied into a new `Vec`.
#[test]
fn playlist_add_changes_the_tracks_in_place() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    // Room for the next tracks, so a push in place keeps them where they are; a new `Vec` lives elsewhere.
    let (tracks_at, room): (usize, usize) = {
        let own: &mut Vec<String> = match (&mut playlist.tracks as &mut dyn Any).downcast_mut::<Vec<String>>() {
            Some(own) => own,
            None => ::std::panic!("{PLAYLIST}"),
        };
        own.reserve(8);
        (own.as_ptr() as usize, own.capacity())
    };
    playlist.add("outro.mp3");
    let own: &Vec<String> = chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let (tracks_after, room_after): (usize, usize) = (own.as_ptr() as usize, own.capacity());
    let names: Vec<String> = playlist.tracks().to_vec();
    let expected_names: Vec<String> =
        ::std::vec!["intro.mp3".to_string(), "theme.mp3".to_string(), "outro.mp3".to_string()];
    ::std::assert_eq!(names, expected_names, "tracks() should list the tracks in the order they were added");
    let in_place: bool = tracks_after == tracks_at && room_after == room;
    ::std::assert!(
        in_place,
        "`add` built a new `Vec` of all the tracks plus the new one and put it in place of the old: every add then copies \
         the whole playlist, and costs as much as the playlist is long (see “Copying out versus changing in place”)\n\
         The one owner holds `&mut self`, so the `Vec` can be changed in place: push the track onto `self.tracks`, with no copy."
    );
}

/// `Totals` crosses threads but is one integer: the container adds without a lock, and the sum is right.
#[test]
fn totals_add_up_across_threads() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS, first);
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
    let probe = Totals::default();
    probe.clone().add(1);
    let shared: bool = probe.get() == 1;
    ::std::assert!(
        shared,
        "4 threads added through clones of one `Totals`, and the original then said {total}, where 1000 was due: an \
         addition made through a clone does not show in the original, so each clone counts on its own \
         (see “Composing Rc and Arc with cells”)\n\
         A clone of `Totals` is one more handle to the same sum: `#[derive(Clone)]` clones the `Arc`, and every clone then \
         adds to the one `AtomicU64` behind it."
    );
    ::std::assert_eq!(total, 1000, "4 threads adding 1, 2, 3 and 4 a hundred times each should total 1000");
}

/// Additions the test makes, one after another: beyond 32 bits, beyond the 53 bits an `f64` holds
/// whole, and up to the most a `u64` holds.
const LARGE_ADDITIONS: [u64; 6] = [1 << 32, (1 << 32) + 5, u32::MAX as u64 + 2, (1 << 53) + 1, 1 << 60, 1 << 62];

/// `add` adds the whole `u64`: additions beyond 32 bits (and beyond what an `f64` holds whole) count in full.
#[test]
fn large_additions_count_whole() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS);
    let mut due: u64 = 0;
    for n in LARGE_ADDITIONS.into_iter().chain([u64::MAX - LARGE_ADDITIONS.iter().sum::<u64>()]) {
        let before: u64 = totals.get();
        totals.add(n);
        let after: u64 = totals.get();
        due += n;
        ::std::assert!(
            after == due,
            "with the sum at {before}, `add({n})` left it at {after}, where {due} was due: `add` counted only part of `n` \
             (`n as u32`, say, which keeps its low 32 bits, or a float that rounds it) (see “The decision table”)\n\
             The sum is a `u64`, and so is every addition: `fetch_add(n)` adds all of it."
        );
    }
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

/// `Visits` is its `Cell<u32>` and nothing else: no field beside the count.
#[test]
fn visits_hold_nothing_beside_the_count() {
    let visits = Visits::default();
    chosen!(visits.count, Cell<u32>, VISITS);
    let size: usize = ::core::mem::size_of::<Visits>();
    let field_size: usize = ::core::mem::size_of::<Cell<u32>>();
    ::std::assert!(
        size == field_size,
        "`Visits` takes {size} bytes where its `count`, a `Cell<u32>`, takes {field_size}: it keeps something beside the \
         count (see “The decision table”)\n\
         A second count, a flag or a copy kept next to the `Cell` is one more thing to keep in step with it. `record` and \
         `total` need nothing but `count`: `set(get() + 1)` and `get()`."
    );
}

/// `History` is its `RefCell<Vec<String>>` and nothing else: no second list, flag or copy beside the entries.
#[test]
fn history_holds_nothing_beside_its_entries() {
    let history = History::default();
    chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    let size: usize = ::core::mem::size_of::<History>();
    let field_size: usize = ::core::mem::size_of::<RefCell<Vec<String>>>();
    ::std::assert!(
        size == field_size,
        "`History` takes {size} bytes where its `entries`, a `RefCell<Vec<String>>`, takes {field_size}: it keeps \
         something beside the entries, such as a second list where a `push` made while the entries are borrowed waits \
         to be merged later (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Nothing in `History` should ever overlap a push, so an overlap is a bug: `borrow_mut()` stops right at it with \
         a panic that points to it. A side list hides the bug instead, keeps entries out of `entries` for a while, and \
         makes every `push` and `last` pay to look for them. Keep the one `entries` field and push through \
         `borrow_mut()`."
    );
}

/// `Playlist` is its `Vec<String>` and nothing else: no cache or copy beside the tracks.
#[test]
fn playlist_holds_nothing_beside_its_tracks() {
    let playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    let size: usize = ::core::mem::size_of::<Playlist>();
    let field_size: usize = ::core::mem::size_of::<Vec<String>>();
    ::std::assert!(
        size == field_size,
        "`Playlist` takes {size} bytes where its `tracks`, a `Vec<String>`, takes {field_size}: it keeps something beside \
         the tracks (a copy, a cache, a count) (see “The decision table”)\n\
         Its one owner changes it through `&mut self`, and `tracks` lends the `Vec` itself as `&[String]`: a second copy \
         only has to be kept in step. Keep the one `tracks` field."
    );
}

/// `Equalizer` is its `Arc<RwLock<Vec<i8>>>` and nothing else: no copy of the bands or second lock beside it.
#[test]
fn equalizer_holds_nothing_beside_its_bands() {
    let equalizer = Equalizer::new(::std::vec![0, 0, 0]);
    chosen!(equalizer.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER, first);
    let size: usize = ::core::mem::size_of::<Equalizer>();
    let field_size: usize = ::core::mem::size_of::<Arc<RwLock<Vec<i8>>>>();
    ::std::assert!(
        size == field_size,
        "`Equalizer` takes {size} bytes where its `bands`, an `Arc<RwLock<Vec<i8>>>`, takes {field_size}: it keeps \
         something beside the shared bands (a copy of them, a second lock, a flag) (see “The decision table”)\n\
         Clones share the bands through the one `Arc`, and the `RwLock` already lets the audio threads read together \
         while the UI thread writes alone: anything beside it is a second state for the threads to disagree about. \
         Keep the one `bands` field."
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
    let again: u64 = first.get();
    ::std::assert!(
        again == 7,
        "`get()` answered 7, then {again} when asked again with nothing added in between: reading the sum changed it \
         (a `swap(0)` that leaves 0 behind, say) (see “The decision table”)\n\
         `get` only reads: `load` the sum and leave it where it is."
    );
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
    // The threads below add through clones: clones that do not share the sum are another test's
    // failure (totals_add_up_across_threads), not a torn addition.
    let probe = Totals::default();
    probe.clone().add(1);
    let shared: bool = probe.get() == 1;
    ::std::assert!(
        shared,
        "could not begin: an addition made through a clone of `Totals` did not show in the original (the same fault as in \
         totals_add_up_across_threads)"
    );
    let reread = Totals::default();
    reread.add(1);
    let read_twice: (u64, u64) = (reread.get(), reread.get());
    ::std::assert!(
        read_twice == (1, 1),
        "could not begin: asked twice with nothing added in between, `get()` answered {read_twice:?}: reading the sum \
         changed it (the same fault as in each_totals_keeps_its_own_sum)"
    );
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
        "{ADDERS} threads added 1 each, {made} times in all, but the total is {total}: additions were lost while other threads added at the same time. \
         `add` reads the sum in one atomic step and writes a sum worked out from it in another, so an addition another thread makes \
         between the two is overwritten, or this one is dropped. Add with one `fetch_add(n)`: a single step no other thread can come \
         between (see “The decision table”)"
    );
    ::std::assert!(
        went_down == 0,
        "{ADDERS} threads only ever added, yet {went_down} time(s) a thread read a sum lower than the one it had just added to: `add` changes the atomic in two steps, and between them `get` sees a value the total never had. Add with one `fetch_add` (see “The decision table”)"
    );
}

// An `add` made of two steps that each change the sum loses nothing, yet shows a sum the total
// never had between them. One thread adds 2 at a time, so every total it makes is even, while
// other threads read it: a reading taken between two halves of an addition is odd. Reading until
// the readers have seen the total change many thousands of times (or the time budget is spent)
// catches such an `add` many times over, even on a busy machine (a thread paused between its two
// steps leaves the half-done sum in view for the whole pause); a single `fetch_add` never shows one.
const PARITY_READERS: usize = 2;
const CHANGES_SEEN: u64 = 200_000;
const PARITY_BUDGET: Duration = Duration::from_secs(2);

/// Adding is one atomic step: while one thread adds 2 at a time, other threads only ever read an even total (never half an addition).
#[test]
fn readers_never_see_half_an_addition() {
    let totals = Totals::default();
    chosen!(totals.sum, Arc<AtomicU64>, TOTALS);
    let stop = AtomicBool::new(false);
    let changes = AtomicU64::new(0);
    let started = Instant::now();
    let odd_seen: Vec<Option<u64>> = thread::scope(|scope| {
        let (adder, stop_adding) = (totals.clone(), &stop);
        scope.spawn(move || {
            while !stop_adding.load(Ordering::SeqCst) && started.elapsed() < PARITY_BUDGET {
                for _ in 0..256 {
                    adder.add(2);
                }
            }
            stop_adding.store(true, Ordering::SeqCst);
        });
        let readers: Vec<thread::ScopedJoinHandle<'_, Option<u64>>> = (0..PARITY_READERS)
            .map(|_| {
                let (reader, stop, changes) = (totals.clone(), &stop, &changes);
                scope.spawn(move || {
                    let (mut last, mut changed, mut reads): (u64, u64, u64) = (0, 0, 0);
                    while !stop.load(Ordering::SeqCst) {
                        let now: u64 = reader.get();
                        if now % 2 == 1 {
                            stop.store(true, Ordering::SeqCst);
                            return Some(now);
                        }
                        changed += u64::from(now != last);
                        last = now;
                        reads += 1;
                        if reads & 0x3ff == 0 {
                            let seen: u64 = changes.fetch_add(changed, Ordering::SeqCst) + changed;
                            changed = 0;
                            if seen >= CHANGES_SEEN {
                                stop.store(true, Ordering::SeqCst);
                            }
                        }
                    }
                    None
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let odd: Option<u64> = odd_seen.into_iter().flatten().next();
    let half_seen: bool = odd.is_some();
    ::std::assert!(
        !half_seen,
        "one thread added 2 at a time, so the total was always even, yet another thread read {}: `add` changes the atomic in \
         more than one step (two `fetch_add`s of part of `n` each, or the like), and between them `get` sees a sum the total never \
         had, half an addition. Add all of `n` with one `fetch_add(n)`: one indivisible step (see “The decision table”)",
        odd.unwrap_or(0)
    );
}

/// A clone of `eq` for another thread, once it is sure to share `eq`'s bands: a clone with bands of
/// its own fails every test below in some other way, so they all stop here with one reason.
fn clone_of(eq: &Equalizer) -> Equalizer {
    let copy: Equalizer = eq.clone();
    let (own, copied) = (chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER), chosen!(copy.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER));
    let shared: bool = Arc::ptr_eq(own, copied);
    ::std::assert!(
        shared,
        "could not begin: a clone of `Equalizer` has bands of its own (the same fault as in equalizer_clones_share_the_bands)"
    );
    copy
}

/// Every clone of an `Equalizer` is one more handle to the same bands: a band set through one is seen through all.
#[test]
fn equalizer_clones_share_the_bands() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    let own: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let ui: Equalizer = eq.clone();
    let copied: &Arc<RwLock<Vec<i8>>> = chosen!(ui.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let shared: bool = Arc::ptr_eq(own, copied);
    ::std::assert!(
        shared,
        "a clone of `Equalizer` has bands of its own: a band the UI thread sets through its clone never reaches the \
         audio threads' clones, each reading a copy of its own (see “Composing Rc and Arc with cells”)\n\
         A clone of `Equalizer` is one more handle to the same bands: `#[derive(Clone)]` clones the `Arc`, and every \
         clone then reads and writes the one `RwLock` behind it."
    );
}

/// `Equalizer` crosses threads and is mostly read: a UI change is seen by audio threads.
#[test]
fn equalizer_change_from_ui_thread_is_seen_by_audio_threads() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let ui = clone_of(&eq);
    thread::spawn(move || ui.set_band(1, 6)).join().unwrap();
    let audio: Vec<_> = (0..3)
        .map(|_| {
            let eq = clone_of(&eq);
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
        "`set_band` wrote back a copy of all the bands in place of the old ones instead of changing the one band in place (see “Copying out versus changing in place”)\n\
         Every change then copies every band, and if the copy is taken under one guard and put back under another, whatever \
         another thread changed in between is erased. \
         Take the write lock once and set the one band through that guard."
    );
}

/// A `set_band` that stops halfway (asked for a band that does not exist) leaves the other bands in the lock: they never leave it.
#[test]
fn a_set_band_that_stops_halfway_leaves_the_bands_in_place() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let ui = clone_of(&eq);
    // There is no band 3: `set_band` refuses it with a panic (one that ignores it is
    // a_set_band_for_a_band_that_does_not_exist_panics's failure), and the three bands must still
    // be there afterwards. Under one write guard a panic leaves them in the lock (which it marks as
    // poisoned); moved out of the lock, they are dropped with the panic. That panic is expected
    // here, so it is not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let _ = thread::spawn(move || ui.set_band(3, 9)).join();
    ::std::panic::set_hook(report_panics);
    let left: Vec<i8> = bands.read().unwrap_or_else(PoisonError::into_inner).clone();
    let elsewhere: bool = left.len() == 3 && left != [1, 2, 3];
    ::std::assert!(
        !elsewhere,
        "after `set_band(3, 9)` on an equalizer of 3 bands, the bands were {left:?} instead of [1, 2, 3]: there is no band 3, \
         and `set_band` wrote the gain into another band. A band that does not exist is refused, as the doc comment of \
         `set_band` says: indexing panics (`self.bands.write().unwrap()[index] = gain`), never setting a band the caller \
         did not ask for."
    );
    let kept: bool = left.starts_with(&[1, 2, 3]);
    ::std::assert!(
        kept,
        "after `set_band(3, 9)` on an equalizer of 3 bands (there is no band 3, so a panic is a fair answer), the bands were left \
         as {left:?} instead of [1, 2, 3]: \
         `set_band` moved the whole band list out of the lock (with `mem::take` or `mem::replace`), with no lock held while it \
         changed it, to put it back under a second `write()` (see “Check and act under one lock”)\n\
         Whatever stops it in between loses every band, and even when nothing does, an audio thread reading in that gap finds \
         no bands at all. Take `write()` once and set the one band through that guard."
    );
}

/// On bands poisoned by a thread that panicked while it wrote them, `set_band` panics or sets the band: it never drops the change.
#[test]
fn a_set_band_on_poisoned_bands_is_never_dropped() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let ui = clone_of(&eq);
    // A UI thread that panics while it holds the write lock poisons it; that panic, and one of
    // `set_band` meeting the poison, are expected here, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let poisoner = Arc::clone(bands);
    let _ = thread::spawn(move || {
        let _writing = poisoner.write();
        ::std::panic!("the UI thread failed while it changed the bands");
    })
    .join();
    let returned: bool = thread::spawn(move || ui.set_band(0, 5)).join().is_ok();
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = bands.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the bands");
    let left: Vec<i8> = bands.read().unwrap_or_else(PoisonError::into_inner).clone();
    let dropped: bool = returned && left != [5, 2, 3];
    ::std::assert!(
        !dropped,
        "after a UI thread panicked while it held the write lock (which poisons the bands), `set_band(0, 5)` returned, but the \
         bands were then {left:?}: the change was dropped without a trace, and the UI believes it was made. A poisoned lock \
         says some code panicked half way through a change: let `write().unwrap()` panic, so the failure shows, or, where \
         the data is known to be fine, write anyway with `unwrap_or_else(PoisonError::into_inner)` (see “Poisoned locks”)"
    );
}

// A `set_band` that moves the bands out of the lock under one write guard and puts them back
// under a second leaves a moment between the two with no bands in the lock. No code of the test
// runs in that moment, so the test makes the lock itself stop `set_band` there: it holds a read
// guard so that `set_band` lines up for the write lock, and lines up `QUEUED_READERS` audio
// threads behind it. Waiting readers are let in only once a writer lets go, and the writer's own
// thread wakes them all before it can go on: a reader awake by then takes a guard, and the second
// `write()` of `set_band` waits for it. A busy machine can keep the woken readers off the CPU until
// `set_band` is done, so the test plays many such rounds, with the same threads each time (a round
// takes a few milliseconds). Before and after each change the readers find all three bands.
const QUEUED_READERS: usize = 64;
/// At most this many rounds.
const GONE_ROUNDS: usize = 100;
/// The rounds stop once this time is spent.
const GONE_BUDGET: Duration = Duration::from_millis(2500);
/// How long a round waits for `set_band` or the readers before the test gives up.
const ROUND_WAIT: Duration = Duration::from_secs(2);

/// Audio threads let in while `set_band` changes a band always find all the bands, that one old or new: the bands never leave the lock.
#[test]
fn audio_threads_never_find_the_bands_gone() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    // The audio threads, let go together once per round; each says what it found, when that was
    // not the three bands with the first and last unchanged.
    let go = Arc::new(Barrier::new(QUEUED_READERS + 1));
    let (found, founds) = mpsc::channel::<Option<Vec<i8>>>();
    for _ in 0..QUEUED_READERS {
        let (bands, go, found) = (Arc::clone(bands), Arc::clone(&go), found.clone());
        thread::spawn(move || loop {
            go.wait();
            let seen: Vec<i8> = bands.read().unwrap_or_else(PoisonError::into_inner).clone();
            let whole: bool = seen.len() == 3 && seen.first() == Some(&1) && seen.last() == Some(&3);
            if found.send((!whole).then_some(seen)).is_err() {
                return;
            }
        });
    }
    // The UI thread, changing band 1 whenever the test asks.
    let (change, changes) = mpsc::channel::<i8>();
    let (changed, done) = mpsc::channel::<()>();
    let ui = clone_of(&eq);
    thread::spawn(move || {
        for gain in changes {
            ui.set_band(1, gain);
            if changed.send(()).is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    for round in 0..GONE_ROUNDS {
        if started.elapsed() > GONE_BUDGET {
            return;
        }
        let Ok(reading) = bands.read() else { return };
        let gain: i8 = i8::try_from(round % 100).unwrap_or(0);
        if change.send(gain).is_err() {
            return;
        }
        // Once `set_band` waits for the write lock, new readers are held back too.
        let deadline = Instant::now() + ROUND_WAIT;
        while bands.try_read().is_ok() {
            if Instant::now() >= deadline {
                return; // `set_band` never lined up: other tests speak of that
            }
            thread::sleep(Duration::from_micros(200));
        }
        go.wait();
        thread::sleep(Duration::from_millis(1)); // time for the readers to line up behind `set_band`
        drop(reading);
        if done.recv_timeout(ROUND_WAIT).is_err() {
            return;
        }
        let mut gone: Option<Vec<i8>> = None;
        for _ in 0..QUEUED_READERS {
            let Ok(seen) = founds.recv_timeout(ROUND_WAIT) else { return };
            gone = gone.or(seen);
        }
        let whole: bool = gone.is_none();
        ::std::assert!(
            whole,
            "while `set_band(1, {gain})` changed a band of an equalizer of 3 bands, an audio thread let in on another thread \
             found the bands as {:?}: `set_band` moved the whole band list out of the lock (with `mem::take` or \
             `mem::replace`), changed it with no lock held and put it back under a second `write()`, and readers were let in \
             between the two guards (see “Check and act under one lock”)\n\
             Between the two guards the lock holds an empty list for anyone who reads. Take `write()` once and set the one band \
             through that guard.",
            gone.unwrap_or_default()
        );
    }
}

/// `try_read` runs `f` on the bands while it holds the read lock: the UI thread cannot write until `f` is done.
#[test]
fn try_read_runs_f_under_the_read_lock() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    // Whether a writer could get in while `f` runs.
    let writer_kept_out: Option<bool> = eq.try_read(|_bands| bands.try_write().is_err());
    let ran: bool = writer_kept_out.is_some();
    ::std::assert!(ran, "with nobody writing, `try_read` should run `f` on the bands and return Some");
    let under_the_lock: bool = writer_kept_out == Some(true);
    ::std::assert!(
        under_the_lock,
        "while `try_read` was running `f`, the UI thread could have taken the write lock: `try_read` let its read guard go \
         before calling `f` (on a copy of the bands), so `f` ran with no lock held. `f` should read the bands themselves, under \
         the guard `try_read()` gave, for as long as it runs: that is what keeps a writer out meanwhile, and it copies nothing \
         on every buffer (see “Readers and writers”)"
    );
}

/// `try_read` hands `f` the bands themselves, read in place under the guard: not a copy made on every call.
#[test]
fn try_read_lends_f_the_bands_themselves() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let bands_at: usize = bands.read().unwrap_or_else(PoisonError::into_inner).as_ptr() as usize;
    let given_at: Option<usize> = eq.try_read(|given| given.as_ptr() as usize);
    let ran: bool = given_at.is_some();
    ::std::assert!(ran, "with nobody writing, `try_read` should run `f` on the bands and return Some");
    let in_place: bool = given_at == Some(bands_at);
    ::std::assert!(
        in_place,
        "`try_read` gave `f` a copy of the bands, not the bands in the lock: every call, on every audio buffer, copies all the \
         bands first. A read guard lends the bands themselves for as long as it lives: run `f` on them through the guard \
         `try_read()` returned, `f(&bands)` (see “Readers and writers”)"
    );
}

/// How many audio threads keep calling `try_read` while the UI thread keeps queuing for the write lock.
const AUDIO_THREADS: usize = 4;
/// How long they do (a `try_read` that waits behind the writer hangs within some hundreds of
/// milliseconds, even on a loaded machine).
const QUEUE_BUDGET: Duration = Duration::from_millis(1000);
/// How long one call to `try_read` may last before the test calls it stuck. A `try_read` that
/// never waits returns in microseconds, and a thread paused by a loaded machine is back within
/// some hundreds of milliseconds at worst (half a second, measured with other gradings and busy
/// loops on every core): the bound is ten times that. Only a call that is really stuck waits it out.
const STUCK: Duration = Duration::from_secs(5);

/// While the UI thread keeps queuing for the write lock, audio threads calling `try_read` never get stuck: `f` runs under the one guard `try_read()` gave (a stress test with its own deadline).
#[test]
fn try_read_never_waits_behind_a_queued_writer() {
    let eq = Equalizer::new(::std::vec![0; 8]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    // A second read guard taken on a thread that already holds one hangs only if a writer starts
    // waiting between the two, a moment too short to arrange step by step. Audio threads on a few
    // cores are paused by the scheduler at every point of `try_read`, that one included, and a
    // writer that keeps asking is soon waiting in it: a hang follows within milliseconds. A
    // `try_read` that never waits always returns, however long the writer itself waits for its
    // turn, so the test watches the audio threads' calls. The threads are left running when one
    // hangs, so they are not scoped.
    let stop = Arc::new(AtomicBool::new(false));
    let calls: Arc<Vec<AtomicU64>> = Arc::new((0..AUDIO_THREADS).map(|_| AtomicU64::new(0)).collect());
    let (finished, finishing) = mpsc::channel::<()>();
    for audio_thread in 0..AUDIO_THREADS {
        let (audio, stop, calls, finished) = (clone_of(&eq), Arc::clone(&stop), Arc::clone(&calls), finished.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _: Option<i32> = audio.try_read(|bands| bands.iter().map(|&gain| i32::from(gain)).sum());
                calls[audio_thread].fetch_add(1, Ordering::Relaxed);
            }
            let _ = finished.send(());
        });
    }
    let (ui, ui_stop) = (Arc::clone(bands), Arc::clone(&stop));
    thread::spawn(move || {
        let mut gain: i8 = 0;
        while !ui_stop.load(Ordering::Relaxed) {
            if let Some(band) = ui.write().unwrap_or_else(PoisonError::into_inner).first_mut() {
                *band = gain;
            }
            gain = gain.wrapping_add(1);
            thread::yield_now();
        }
    });
    let started = Instant::now();
    let mut last: Vec<(u64, Instant)> = ::std::vec![(0, started); AUDIO_THREADS];
    let mut stuck: bool = false;
    while !stuck && started.elapsed() < QUEUE_BUDGET {
        thread::sleep(Duration::from_millis(10));
        for (count, (last_count, last_change)) in calls.iter().zip(last.iter_mut()) {
            let now: u64 = count.load(Ordering::Relaxed);
            if now != *last_count {
                (*last_count, *last_change) = (now, Instant::now());
            }
            stuck |= last_change.elapsed() >= STUCK;
        }
    }
    stop.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + STUCK;
    for _ in 0..AUDIO_THREADS {
        if stuck {
            break;
        }
        stuck = finishing.recv_timeout(deadline.saturating_duration_since(Instant::now())).is_err();
    }
    ::std::assert!(
        !stuck,
        "an audio thread called `try_read` while the UI thread kept asking for the write lock, and the call had not returned \
         {STUCK:?} later: it took a second guard with the blocking `read()` while it still held the one `try_read()` gave. A \
         writer that starts waiting between the two waits for the first guard, and the second `read()` waits behind the writer: \
         neither ever moves (see “A read guard blocks your own write”)\n\
         Run `f` under the one guard `try_read()` returned, `.map(|bands| f(&bands))`, and never wait in a `try_` method."
    );
}

/// Two audio threads read the equalizer at the same time: readers do not wait for each other.
#[test]
fn audio_threads_read_the_equalizer_at_the_same_time() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let other = clone_of(&eq);
    let seen: Option<Option<i8>> = eq.try_read(|_bands| {
        // While this thread is still reading, a second audio thread tries to read too.
        thread::spawn(move || other.try_read(|bands| bands[2])).join().unwrap()
    });
    let expected_seen: Option<Option<i8>> = Some(Some(3));
    let turned_away: bool = ::std::matches!(seen, Some(None));
    ::std::assert!(
        !turned_away,
        "while one audio thread was reading the bands, `try_read` turned a second one away: it took the write lock just to read (`try_write()`), and the write lock shuts out every other guard, readers included. A read needs only the read lock, `read()`, or here `try_read()`, which any number of threads hold at once (see “Readers and writers”)"
    );
    ::std::assert!(
        seen == expected_seen,
        "while one audio thread was reading the bands [1, 2, 3], a second one reading the third band should have got Some(3) through the first one's `try_read`, but it got {seen:?}"
    );
}

/// `try_read` gives up at once while the UI thread is writing: it never waits for the lock.
#[test]
fn try_read_returns_none_while_a_writer_holds_the_bands() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let reader = clone_of(&eq);
    let writing = bands.write().unwrap();
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let seen: Option<i8> = reader.try_read(|bands| bands[0]);
        let _ = sender.send(seen);
    });
    let answer = receiver.recv_timeout(Duration::from_secs(2));
    drop(writing);
    ::std::assert!(
        answer != Err(mpsc::RecvTimeoutError::Disconnected),
        "`try_read` panicked while the UI thread was writing (the test's `f` reads band 0): with the lock busy it \
         called `f` anyway, on bands that were not the equalizer's (an empty slice, say) (see “Trying without waiting”)\n\
         While the lock is busy there are no bands to read: return None without calling `f`."
    );
    let waited: bool = answer.is_err();
    ::std::assert!(!waited, "`try_read` waited while the UI thread was writing: it should ask with the lock's own `try_read()` and return None at once");
    let seen: Option<i8> = answer.unwrap_or(None);
    let expected: Option<i8> = None;
    ::std::assert_eq!(seen, expected, "while the UI thread is writing, `try_read` should return None");
}

/// How many times `try_read` is asked while the UI thread writes.
const TRIES: usize = 20;
/// The longest the quickest of those answers may take. An answer that does not wait takes a few
/// microseconds even on a loaded machine (only one of the calls needs to run undisturbed), so the
/// bound leaves a wide margin; a method that sleeps or retries before giving up takes longer on
/// every call.
const AT_ONCE: Duration = Duration::from_micros(500);

/// `try_read` answers at once, every time, while the UI thread writes: it never sleeps or retries before giving up (a timing bound with a wide margin).
#[test]
fn try_read_answers_at_once_every_time() {
    let eq = Equalizer::new(::std::vec![1, 2, 3]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let audio = clone_of(&eq);
    let writing = bands.write().unwrap();
    let (answer, answers) = mpsc::channel::<(Duration, bool)>();
    thread::spawn(move || {
        for _ in 0..TRIES {
            let asked = Instant::now();
            let seen: Option<i8> = audio.try_read(|bands| bands[0]);
            if answer.send((asked.elapsed(), seen.is_some())).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(3);
    let (mut quickest, mut count, mut got_in): (Duration, usize, bool) = (Duration::MAX, 0, false);
    let mut panicked = false;
    while count < TRIES {
        let left = deadline.saturating_duration_since(Instant::now());
        let (took, seen) = match answers.recv_timeout(left) {
            Ok(answer) => answer,
            Err(ended) => {
                panicked = ended == mpsc::RecvTimeoutError::Disconnected;
                break;
            }
        };
        quickest = quickest.min(took);
        count += 1;
        got_in |= seen;
    }
    drop(writing);
    ::std::assert!(
        !panicked,
        "could not begin: `try_read` panicked while the UI thread was writing (the same fault as in \
         try_read_returns_none_while_a_writer_holds_the_bands)"
    );
    ::std::assert!(count > 0, "`try_read` waited while the UI thread was writing: it should ask with the lock's own `try_read()` and return None at once");
    ::std::assert!(!got_in, "while the UI thread is writing, `try_read` should return None");
    ::std::assert!(
        quickest < AT_ONCE,
        "while the UI thread was writing, even the quickest of {count} calls to `try_read` took {quickest:.1?} before giving up: \
         it waited (a sleep, or asking again until some time ran out) before returning None, every time, and an audio thread \
         has a buffer to fill meanwhile. A `try_` method asks the lock's `try_read()` once and answers at once, in \
         microseconds; whether to ask again later is the caller's choice (see “Trying without waiting”)"
    );
}

/// While an audio thread reads, `set_band` waits in line for the write lock, so new readers are held back until it has written.
#[test]
fn set_band_waits_in_line_for_the_readers() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    // Below, `try_read` answering None is how the test sees a writer in line: a `try_read` that
    // answers while the lock is held says nothing of the kind.
    // (Asked on a thread of its own: a `try_read` that waits for the lock would wait for ever here.)
    let probe = clone_of(&eq);
    let (probed, probe_answer) = mpsc::channel::<bool>();
    let writing = bands.write().unwrap_or_else(PoisonError::into_inner);
    thread::spawn(move || {
        let _ = probed.send(probe.try_read(|_bands| ()).is_some());
    });
    let answered_while_written: bool = probe_answer.recv_timeout(Duration::from_secs(1)) == Ok(true);
    drop(writing);
    ::std::assert!(
        !answered_while_written,
        "could not begin: `try_read` answered while the test held the write lock (the same fault as in \
         try_read_returns_none_while_a_writer_holds_the_bands)"
    );
    let (reading, read_started) = mpsc::channel::<bool>();
    let (release, released) = mpsc::channel::<()>();
    let audio = clone_of(&eq);
    let audio_bands = Arc::clone(bands);
    // An audio thread that keeps reading until the test lets it go, and says whether a writer is
    // kept out meanwhile.
    let reader = thread::spawn(move || {
        audio.try_read(|_bands| {
            let _ = reading.send(audio_bands.try_write().is_err());
            let _ = released.recv_timeout(Duration::from_secs(3));
        })
    });
    let started: Option<bool> = read_started.recv_timeout(Duration::from_secs(2)).ok();
    let got_in: bool = started.is_some();
    ::std::assert!(got_in, "with nobody writing, an audio thread should be able to read the bands");
    let under_the_lock: bool = started == Some(true);
    if !under_the_lock {
        let _ = release.send(());
    }
    ::std::assert!(
        under_the_lock,
        "while `try_read` was running `f`, the UI thread could have taken the write lock: `try_read` let its read guard go \
         before calling `f`, so `f` ran with no lock held. `f` should read the bands under the guard `try_read()` gave, for as \
         long as it runs (see “Readers and writers”)"
    );
    // Whether `set_band` returned (true) or panicked (false), told once it is over.
    let (done, finished) = mpsc::channel::<bool>();
    let ui = clone_of(&eq);
    thread::spawn(move || {
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| ui.set_band(0, 7)));
        let _ = done.send(outcome.is_ok());
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
    let early: Option<bool> = finished.try_recv().ok();
    let returned_early: bool = early == Some(true);
    let panicked_on_busy: bool = early == Some(false);
    let _ = release.send(());
    let reader_finished: bool = reader.join().is_ok();
    let returned: bool = early.is_some() || finished.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(reader_finished, "the audio thread's read should finish once the test lets it go");
    ::std::assert!(
        !try_read_waited,
        "`try_read` waited while the UI thread was waiting for the write lock: it should ask with the lock's own `try_read()` and return None at once"
    );
    ::std::assert!(
        !panicked_on_busy,
        "while an audio thread was reading, `set_band(0, 7)` panicked at once instead of waiting for the write lock: it \
         asked without waiting (`try_write()`) and took the busy lock for a failure (`expect`, `unwrap`) \
         (see “Trying without waiting”)\n\
         Audio threads read the bands all the time, so `try_write` finds them busy now and then, and the UI's change \
         then fails for nothing. `write()` is the method that waits: it queues for the lock and sleeps until the \
         readers are gone."
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

/// How a round of `a_change_while_set_band_waits` went.
enum Round {
    /// `set_band` never lined up for the write lock, or never returned: no round can be played.
    Unplayable,
    /// `set_band` got the write lock before the test: this round tells nothing.
    Missed,
    /// The bands once `set_band` returned.
    Played(Option<Vec<i8>>),
}

/// One round: `set_band(0, 7)` runs on the UI thread while the test reads the bands, so that
/// `set_band` queues for the write lock; the test then stops reading and takes the write lock
/// itself before `set_band` wakes up, setting band 1 to 9.
fn a_change_while_set_band_waits(eq: &Equalizer, bands: &Arc<RwLock<Vec<i8>>>) -> Round {
    let Ok(reading) = bands.read() else { return Round::Unplayable };
    let (done, finished) = mpsc::channel::<()>();
    let ui = clone_of(eq);
    thread::spawn(move || {
        ui.set_band(0, 7);
        let _ = done.send(());
    });
    // Once `set_band` waits for the write lock, new readers are held back too.
    let deadline = Instant::now() + Duration::from_secs(2);
    while bands.try_read().is_ok() {
        if Instant::now() >= deadline {
            return Round::Unplayable; // `set_band` never lined up: other tests speak of that
        }
        thread::sleep(Duration::from_micros(200));
    }
    drop(reading);
    // At once, before `set_band` wakes up: usually the test gets the write lock first.
    let give_up = Instant::now() + Duration::from_secs(2);
    let mut writing = bands.try_write();
    while writing.is_err() && Instant::now() < give_up {
        ::std::hint::spin_loop();
        writing = bands.try_write();
    }
    let Ok(mut written) = writing else { return Round::Missed };
    let first: bool = written.first() == Some(&0);
    if let Some(band) = written.get_mut(1) {
        *band = 9;
    }
    drop(written);
    if finished.recv_timeout(Duration::from_secs(2)).is_err() {
        return Round::Unplayable;
    }
    if !first {
        return Round::Missed;
    }
    Round::Played(eq.try_read(|bands| bands.to_vec()))
}

/// A band another thread changes while `set_band` waits for the write lock is kept: `set_band` changes its one band in the bands as they are then, not a copy taken before.
#[test]
fn a_band_changed_while_set_band_waits_is_kept() {
    for _ in 0..30 {
        let eq = Equalizer::new(::std::vec![0, 0, 0]);
        let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
        let after = match a_change_while_set_band_waits(&eq, bands) {
            Round::Unplayable => return,
            Round::Missed => continue,
            Round::Played(after) => after,
        };
        let after: Option<Vec<i8>> = after;
        let kept: bool = after.as_ref().and_then(|bands| bands.get(1).copied()) == Some(9);
        ::std::assert!(
            kept,
            "another thread set band 1 to 9 while `set_band(0, 7)` was waiting for the write lock, and once `set_band` was done \
             the bands were {after:?}: `set_band` copied the bands under a read guard and wrote back a copy under `write()` \
             (into the same buffer or in place of it), undoing the other thread's change (see “Check and act under one lock”)\n\
             What was read under one guard may be out of date once you hold the next. Take the write lock once and set the one \
             band through that guard."
        );
        let expected: Option<Vec<i8>> = Some(::std::vec![7, 9, 0]);
        ::std::assert_eq!(after, expected, "set_band(0, 7) should set band 0 to 7 and leave band 1 as the other thread set it");
        return;
    }
}

/// Band indexes that an equalizer of 3 bands does not have: just past the end, further on, and the
/// largest `usize`.
const NO_SUCH_BANDS: [usize; 3] = [3, 4, usize::MAX];

/// `set_band` for a band that does not exist panics, as indexing does: the UI's change is never dropped without a word.
#[test]
fn a_set_band_for_a_band_that_does_not_exist_panics() {
    for index in NO_SUCH_BANDS {
        // A fresh equalizer each time, set from a thread of its own: the panic due here poisons
        // the bands, and must not spoil anything else.
        let eq = Equalizer::new(::std::vec![1, 2, 3]);
        let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
        let ui = clone_of(&eq);
        let report_panics = ::std::panic::take_hook();
        ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
        let returned: bool = thread::spawn(move || ui.set_band(index, 9)).join().is_ok();
        ::std::panic::set_hook(report_panics);
        let left: Vec<i8> = bands.read().unwrap_or_else(PoisonError::into_inner).clone();
        // What became of the change: dropped, written into a band that exists, or given a band of its own.
        let what: ::std::string::String = if left == [1, 2, 3] {
            ::std::string::String::from(
                "the change was dropped without a word, so the UI believes it set a band that nobody will ever hear",
            )
        } else if left.len() == 3 {
            let into: Vec<::std::string::String> =
                (0..3).filter(|&band| left[band] != [1, 2, 3][band]).map(|band| band.to_string()).collect();
            ::std::format!(
                "the gain was written into band {} instead, a band the UI did not ask to change, and the UI believes \
                 it set band {index}",
                into.join(" and ")
            )
        } else {
            ::std::format!(
                "the bands grew to {} to make room for it, so the equalizer now has bands nobody set up, and the UI's bug \
                 goes unseen",
                if left.len() <= 8 { ::std::format!("{left:?}") } else { ::std::format!("{} bands", left.len()) }
            )
        };
        ::std::assert!(
            !returned,
            "`set_band({index}, 9)` on an equalizer of 3 bands [1, 2, 3] returned, leaving the bands {}: there is no band \
             {index}, and {what}\n\
             As its doc comment says, `index` must be one of the bands, and another index panics, as indexing does: \
             `self.bands.write().unwrap()[index] = gain`. Looking the band up with `get_mut(index)` and doing nothing on \
             `None`, wrapping the index round (`index % len`) or growing the bands hides the caller's bug instead of \
             showing it.",
            if left.len() <= 8 { ::std::format!("{left:?}") } else { ::std::format!("{} bands long", left.len()) }
        );
    }
}

/// How long the histories, playlists and band lists are whose reading methods the tests below time.
const LONG: usize = 100_000;
/// The band lists are longer: a band is one byte, and copying a hundred thousand of them is too quick
/// to tell apart from reading one.
const LONG_BANDS: usize = 16_000_000;
/// How many reads each try makes, and how long they may take in all. A read that answers from one
/// entry takes well under a microsecond even in a test build (1 000 of them some 30 µs, measured),
/// so the bound leaves it more than a hundred times the room it needs; a read that copies a whole
/// collection of `LONG` entries takes milliseconds each, and 1 000 of them take seconds.
const READS: usize = 1_000;
const READS_AT_MOST: Duration = Duration::from_millis(5);
/// How many tries a reading method gets: the first one done within the bound passes, so a busy
/// machine that pauses the test during one try does not fail it.
const READ_TRIES: usize = 5;

/// Times `READS` calls of `read`, at most `READ_TRIES` times: `None` as soon as one try makes
/// them all within `READS_AT_MOST`; otherwise the best try, as (calls made, time taken). A try
/// stops once it is over the bound, so a slow `read` costs little time.
fn reads_too_slow(mut read: impl FnMut()) -> Option<(usize, Duration)> {
    let mut best: Option<(usize, Duration)> = None;
    for _ in 0..READ_TRIES {
        let started = Instant::now();
        let mut made: usize = 0;
        while made < READS && started.elapsed() <= READS_AT_MOST {
            read();
            made += 1;
        }
        let took: Duration = started.elapsed();
        if made == READS && took <= READS_AT_MOST {
            return None;
        }
        // The best try made the most calls per time.
        let better: bool = best.is_none_or(|(best_made, best_took)| {
            (made as f64) / took.as_secs_f64().max(1e-9) > (best_made as f64) / best_took.as_secs_f64().max(1e-9)
        });
        if better {
            best = Some((made, took));
        }
    }
    best
}

/// What the tests below say a slow reading method did: (calls made, time taken) as
/// `reads_too_slow` gives them.
fn reads_seen((made, took): (usize, Duration)) -> ::std::string::String {
    ::std::format!(
        "{made} call(s) took {took:?} at best (of {READ_TRIES} tries), where {READS} calls may take {READS_AT_MOST:?} in all"
    )
}

/// `last` on a history of a hundred thousand entries reads the one entry it answers: a thousand calls take milliseconds, not a copy of the whole history each.
#[test]
fn last_reads_one_entry_however_long_the_history() {
    let history = History::default();
    let entries: &RefCell<Vec<String>> = chosen!(history.entries, RefCell<Vec<String>>, HISTORY);
    // Filled in place, not by `push`: how `push` grows the entries is other tests' business.
    entries.borrow_mut().extend((0..LONG).map(|index| ::std::format!("edit {index}")));
    let last: Option<String> = history.last();
    let last_due: Option<String> = Some(::std::format!("edit {}", LONG - 1));
    ::std::assert!(
        last == last_due,
        "could not begin: with {LONG} entries in the history, `last()` answered {last:?}, where {last_due:?} was due: it \
         does not answer the newest entry (history_keeps_every_entry_in_order says how `last` reads)"
    );
    let slow: Option<(usize, Duration)> = reads_too_slow(|| {
        ::std::hint::black_box(history.last());
    });
    ::std::assert!(
        slow.is_none(),
        "on a history of {LONG} entries, `last()` is slow: {} (see “Copying out versus changing in place”)\n\
         Each call copies the whole history (a `borrow().clone()`, an `iter().cloned()`, or the like) to answer with one \
         entry: a read then costs as much as the history is long, on every call. `last` reads the end in place and \
         copies only that entry: `self.entries.borrow().last().cloned()`.",
        slow.map(reads_seen).unwrap_or_default()
    );
}

/// `tracks` on a playlist of a hundred thousand tracks lends them at no cost: a thousand calls take milliseconds, with no copy made on the way.
#[test]
fn tracks_lends_the_tracks_however_long_the_playlist() {
    let mut playlist = Playlist::default();
    chosen!(playlist.tracks, Vec<String>, PLAYLIST);
    // Filled in place, not by `add`: how `add` grows the tracks is other tests' business.
    match (&mut playlist.tracks as &mut dyn Any).downcast_mut::<Vec<String>>() {
        Some(own) => own.extend((0..LONG).map(|index| ::std::format!("track {index}.mp3"))),
        None => ::std::panic!("{PLAYLIST}"),
    }
    let listed: usize = playlist.tracks().len();
    ::std::assert!(
        listed == LONG,
        "could not begin: with {LONG} tracks in the playlist, `tracks()` listed {listed}: it does not lend the playlist's \
         own tracks (playlist_lends_its_own_tracks_not_a_copy says how `tracks` lends them)"
    );
    let slow: Option<(usize, Duration)> = reads_too_slow(|| {
        ::std::hint::black_box(playlist.tracks().len());
    });
    ::std::assert!(
        slow.is_none(),
        "on a playlist of {LONG} tracks, `tracks()` is slow: {} (see “The decision table”)\n\
         Each call copies all the tracks on the way (a `clone()` of the `Vec`, made and dropped, or leaked to be lent), \
         so a look at the playlist costs as much as the playlist is long. The one owner's field lends itself for free: \
         `&self.tracks`, and nothing else.",
        slow.map(reads_seen).unwrap_or_default()
    );
}

/// `try_read` on a long band list runs `f` on the bands in place: a thousand calls take milliseconds, with no copy of the bands made on the way.
#[test]
fn try_read_copies_nothing_however_many_bands() {
    let eq = Equalizer::new(::std::vec![0; LONG_BANDS]);
    chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    let read: Option<usize> = eq.try_read(|bands| bands.len());
    ::std::assert!(
        read == Some(LONG_BANDS),
        "could not begin: with nobody writing, `try_read` on {LONG_BANDS} bands gave {read:?}, where Some({LONG_BANDS}) \
         was due (the same fault as in equalizer_change_from_ui_thread_is_seen_by_audio_threads)"
    );
    let slow: Option<(usize, Duration)> = reads_too_slow(|| {
        ::std::hint::black_box(eq.try_read(|bands| bands.last().copied()));
    });
    ::std::assert!(
        slow.is_none(),
        "on an equalizer of {LONG_BANDS} bands, `try_read` is slow: {} (see “Readers and writers”)\n\
         Each call copies all the bands on the way (a `clone()` or `to_vec()` under the guard, whether `f` then gets the \
         copy or not), on every audio buffer. A read guard lends the bands themselves: \
         `self.bands.try_read().ok().map(|bands| f(&bands))`, and nothing else.",
        slow.map(reads_seen).unwrap_or_default()
    );
}

/// `set_band` stores every gain an `i8` holds exactly as given, from `i8::MIN` to `i8::MAX`: none is clamped or changed on the way.
#[test]
fn set_band_stores_every_gain_exactly() {
    let eq = Equalizer::new(::std::vec![0, 0, 0]);
    let bands: &Arc<RwLock<Vec<i8>>> = chosen!(eq.bands, Arc<RwLock<Vec<i8>>>, EQUALIZER);
    // Every gain that came out changed: (the gain set, what band 1 held after).
    let mut changed: Vec<(i8, i8)> = ::std::vec::Vec::new();
    for gain in i8::MIN..=i8::MAX {
        eq.set_band(1, gain);
        // Read from the lock itself: what `set_band` stored, whatever `try_read` does.
        let stored: i8 = bands.read().unwrap_or_else(PoisonError::into_inner)[1];
        if stored != gain {
            changed.push((gain, stored));
        }
    }
    let Some(&(gain, stored)) = changed.iter().max_by_key(|&&(gain, _)| gain) else { return };
    let examples: Vec<::std::string::String> =
        changed.iter().rev().take(6).map(|(gain, stored)| ::std::format!("{gain} became {stored}")).collect();
    ::std::panic!(
        "`set_band(1, {gain})` left band 1 at {stored}: {} of the 256 gains an `i8` holds were stored changed ({}{}). The \
         UI asked for {gain} and believes band 1 is at {gain}, and nothing told it otherwise. As its doc comment says, \
         `set_band` sets band `index` to `gain`: every `i8` is a gain, stored as given, \
         `self.bands.write().unwrap()[index] = gain` (limits on gains, if any, are the UI's to apply before it asks).",
        changed.len(),
        examples.join(", "),
        if changed.len() > examples.len() { ", …" } else { "" }
    );
}
