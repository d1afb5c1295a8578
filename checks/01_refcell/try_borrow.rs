use super::Recorder;
use std::cell::RefCell;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// Calls `record` while the cell is busy, with panic output turned off so the test can say itself
// what went wrong: `Err` with the test's message if `record` panicked, even if it caught the panic.
fn record_while_busy(recorder: &Recorder, event: &str) -> Result<bool, String> {
    let panics = ::std::sync::Arc::new(::std::sync::atomic::AtomicUsize::new(0));
    let seen = ::std::sync::Arc::clone(&panics);
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(move |_| {
        seen.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);
    }));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| recorder.record(event)));
    ::std::panic::set_hook(previous);
    let panicked: usize = panics.load(::std::sync::atomic::Ordering::SeqCst);
    match outcome {
        Ok(stored) if panicked == 0 => Ok(stored),
        Ok(_) => Err(::std::string::String::from(
            "`record` let `borrow_mut()` panic on the busy cell and caught the panic: ask the cell first with `try_borrow_mut()`, which answers `Err` when it is busy and never panics (see “Asking first: try_borrow and try_borrow_mut”)",
        )),
        Err(_) => Err(::std::string::String::from(
            "`record` panicked while the cell was busy (a replay, or another reader, held a guard on `events`): ask the cell first with `try_borrow_mut()`, which answers `Err` instead of panicking, and count the event as skipped (see “Asking first: try_borrow and try_borrow_mut”)",
        )),
    }
}

// Fails with the message of the first call that panicked, if any; otherwise gives what they returned.
fn without_panics(outcomes: Vec<Result<bool, String>>) -> Vec<bool> {
    let mut answers: Vec<bool> = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(stored) => answers.push(stored),
            Err(problem) => ::std::panic!("{problem}"),
        }
    }
    answers
}

/// With the cell free, `record` stores the event and returns true.
#[test]
fn record_stores_events_when_nothing_else_is_borrowing() {
    let recorder = Recorder::new();
    crate::__learn::exact::<RefCell<Vec<String>>, _>(&recorder.events);
    let shared: &Recorder = &recorder;
    let first: bool = shared.record("a");
    let second: bool = shared.record("b");
    ::std::assert!(first, "recording while the cell is free should return true");
    ::std::assert!(second, "recording while the cell is free should return true");
    let events: Vec<String> = recorder.events();
    let skipped: u32 = recorder.skipped();
    let expected_events: Vec<String> = strings(&["a", "b"]);
    ::std::assert_eq!(events, expected_events, "both events should be stored in order");
    ::std::assert_eq!(skipped, 0, "nothing should be skipped when no replay is running");
}

/// A `record` during a replay asks first (`try_borrow_mut`) and returns false instead of panicking.
#[test]
fn record_during_replay_is_skipped_instead_of_panicking() {
    let recorder = Recorder::new();
    recorder.record("first");
    let mut outcomes: Vec<Result<bool, String>> = Vec::new();
    recorder.replay(|_| outcomes.push(record_while_busy(&recorder, "during replay")));
    let results: Vec<bool> = without_panics(outcomes);
    let expected_results: Vec<bool> = ::std::vec![false];
    ::std::assert_eq!(results, expected_results, "a record call made during a replay should return false");
    let events: Vec<String> = recorder.events();
    let expected_events: Vec<String> = strings(&["first"]);
    ::std::assert_eq!(events, expected_events, "an event recorded during a replay should not be stored");
}

/// While the test itself holds a read guard on `events`, `record` skips and counts.
#[test]
fn record_skips_while_anyone_is_reading() {
    let recorder = Recorder::new();
    recorder.record("a");
    let reader = recorder.events.borrow();
    let outcome: Result<bool, String> = record_while_busy(&recorder, "b");
    drop(reader);
    let stored: Vec<bool> = without_panics(::std::vec![outcome]);
    let skipped: u32 = recorder.skipped();
    let expected_stored: Vec<bool> = ::std::vec![false];
    ::std::assert_eq!(
        stored,
        expected_stored,
        "while a read guard of `events` is alive, record should report the cell busy (false)"
    );
    ::std::assert_eq!(skipped, 1, "the refused event should be counted in `skipped`");
}

/// Every skipped event is counted, and none of them is stored.
#[test]
fn each_skipped_event_is_counted() {
    let recorder = Recorder::new();
    for e in ["a", "b", "c"] {
        recorder.record(e);
    }
    let mut outcomes: Vec<Result<bool, String>> = Vec::new();
    recorder.replay(|_| {
        outcomes.push(record_while_busy(&recorder, "x"));
        outcomes.push(record_while_busy(&recorder, "y"));
    });
    let results: Vec<bool> = without_panics(outcomes);
    let skipped: u32 = recorder.skipped();
    let events: Vec<String> = recorder.events();
    ::std::assert_eq!(results.len(), 6, "replay should call the callback once for each of the 3 events");
    ::std::assert_eq!(skipped, 6, "two records for each of the 3 replayed events should give 6 skipped");
    ::std::assert_eq!(events.len(), 3, "skipped events must not be added to the list");
}

/// Once the replay is over, recording succeeds again.
#[test]
fn recording_works_again_after_the_replay_ends() {
    let recorder = Recorder::new();
    recorder.record("a");
    let mut outcomes: Vec<Result<bool, String>> = Vec::new();
    recorder.replay(|_| outcomes.push(record_while_busy(&recorder, "skipped")));
    let during: Vec<bool> = without_panics(outcomes);
    let expected_during: Vec<bool> = ::std::vec![false];
    ::std::assert_eq!(during, expected_during, "the record call made during the replay should return false");
    let stored: bool = recorder.record("b");
    ::std::assert!(stored, "once the replay is over, record should succeed again");
    let events: Vec<String> = recorder.events();
    let skipped: u32 = recorder.skipped();
    let expected_events: Vec<String> = strings(&["a", "b"]);
    ::std::assert_eq!(events, expected_events, "only the events recorded outside the replay should be stored");
    ::std::assert_eq!(skipped, 1, "exactly one event was recorded during the replay");
}

/// `replay` still visits every recorded event in order.
#[test]
fn replay_sees_every_recorded_event_in_order() {
    let recorder = Recorder::new();
    for e in ["open", "type", "save"] {
        recorder.record(e);
    }
    let mut seen: Vec<String> = Vec::new();
    recorder.replay(|event| seen.push(event.to_string()));
    let expected_seen: Vec<String> = strings(&["open", "type", "save"]);
    ::std::assert_eq!(seen, expected_seen, "replay should visit all events in the order they were recorded");
}

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None` if
// it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// `Recorder` holds its `events` and `skipped` and nothing beside them, and the events and the count are in those fields.
#[test]
fn the_recorder_holds_nothing_but_its_events_and_skipped() {
    let recorder = Recorder::new();
    crate::__learn::exact::<RefCell<Vec<String>>, _>(&recorder.events);
    crate::__learn::exact::<RefCell<u32>, _>(&recorder.skipped);
    let size: usize = ::std::mem::size_of_val(&recorder);
    let fields: usize = ::std::mem::size_of::<(RefCell<Vec<String>>, RefCell<u32>)>();
    ::std::assert!(
        size == fields,
        "`Recorder` takes {size} bytes, where its `events` and `skipped` fields take {fields}: it keeps something beside \
         them (a busy flag of its own, a second list, a copy of the count), and two records of one state can part ways (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Keep the fields the exercise gives: the events in `events`, the count in `skipped`, and ask `events` itself whether it is busy."
    );
    recorder.record("a");
    let reader = recorder.events.borrow();
    let outcome: Result<bool, String> = record_while_busy(&recorder, "b");
    drop(reader);
    let _ = without_panics(::std::vec![outcome]);
    let in_events: Vec<String> = recorder.events.borrow().clone();
    let in_skipped: u32 = *recorder.skipped.borrow();
    let expected_events: Vec<String> = strings(&["a"]);
    ::std::assert_eq!(in_events, expected_events, "the `events` cell itself should hold the one event stored");
    ::std::assert_eq!(in_skipped, 1, "the `skipped` field itself should count the one event refused while `events` was busy");
    // The test stores an event itself: the reading methods must read the fields.
    recorder.events.borrow_mut().push("from the test".to_string());
    let listed: Vec<String> = recorder.events();
    let expected_listed: Vec<String> = strings(&["a", "from the test"]);
    ::std::assert_eq!(listed, expected_listed, "events() should list what the `events` cell holds");
    let mut replayed: Vec<String> = Vec::new();
    recorder.replay(|event| replayed.push(event.to_string()));
    ::std::assert_eq!(replayed, expected_listed, "replay should walk over what the `events` cell holds");
}

/// A replay callback may read the recorder: `events()`, `skipped()` and a nested `replay` all work during a replay and see everything.
#[test]
fn reading_during_a_replay_works() {
    let recorder = Recorder::new();
    for event in ["open", "type", "save"] {
        recorder.record(event);
    }
    // Each reading method on its own beside a read guard of the test's: a reader that asks for
    // write access is named here, not blamed on `replay`.
    let reader = recorder.events.borrow();
    let listed_beside: Option<Vec<String>> = quietly(|| recorder.events());
    drop(reader);
    ::std::assert!(
        listed_beside.is_some(),
        "events() panicked while the test held a read guard of `events`: a method that only reads asked for write \
         access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)"
    );
    let expected: Vec<String> = strings(&["open", "type", "save"]);
    let mut listed: Vec<Option<Vec<String>>> = Vec::new();
    let mut counted: Vec<Option<u32>> = Vec::new();
    let mut nested: Vec<Option<Vec<String>>> = Vec::new();
    let outer: Option<()> = quietly(|| {
        recorder.replay(|_| {
            listed.push(quietly(|| recorder.events()));
            counted.push(quietly(|| recorder.skipped()));
            nested.push(quietly(|| {
                let mut seen: Vec<String> = Vec::new();
                recorder.replay(|event| seen.push(event.to_string()));
                seen
            }));
        })
    });
    ::std::assert!(outer.is_some(), "replay panicked although its callback caught every panic of its own");
    let calls: usize = listed.len();
    ::std::assert_eq!(calls, 3, "replay should call the callback once for each of the 3 events");
    let events_panicked: bool = listed.iter().any(|l| l.is_none());
    let skipped_panicked: bool = counted.iter().any(|c| c.is_none());
    let nested_panicked: bool = nested.iter().any(|n| n.is_none());
    let which: &str = if events_panicked {
        "`events()`"
    } else if nested_panicked {
        "a nested `replay`"
    } else {
        "`skipped()`"
    };
    ::std::assert!(
        !events_panicked && !nested_panicked && !skipped_panicked,
        "a replay callback called {which}, and it panicked: `replay` holds a guard that shuts readers out while it \
         only walks over the events (a `borrow_mut()` where it reads). replay is a method that only reads: `borrow()` \
         gives a read guard that other readers can sit beside, the callback's included (see “Guards: Ref and RefMut”)"
    );
    for (seen, count, inner) in listed.iter().zip(counted.iter()).zip(nested.iter()).map(|((a, b), c)| (a, b, c)) {
        let seen: Vec<String> = seen.clone().unwrap_or_default();
        let count: u32 = count.unwrap_or(u32::MAX);
        let inner: Vec<String> = inner.clone().unwrap_or_default();
        ::std::assert_eq!(seen, expected, "events() called during a replay should list every recorded event");
        ::std::assert_eq!(count, 0, "skipped() called during a replay should answer the count (nothing was skipped)");
        ::std::assert_eq!(inner, expected, "a replay nested in a replay's callback should visit every recorded event");
    }
}

/// While a cell is being written elsewhere, the reading methods either panic (as `borrow()` does) or answer the truth, and `record` never loses the count of a refused event.
#[test]
fn a_busy_cell_is_never_turned_into_a_quiet_answer() {
    let recorder = Recorder::new();
    for event in ["open", "save"] {
        recorder.record(event);
    }
    let state: Vec<String> = recorder.events.borrow().clone();
    let writer = recorder.events.borrow_mut();
    let listed: Option<Vec<String>> = quietly(|| recorder.events());
    let mut visited: Vec<String> = Vec::new();
    let replayed: Option<()> = quietly(|| recorder.replay(|event| visited.push(event.to_string())));
    drop(writer);
    let listed_said: Vec<String> = listed.clone().unwrap_or_default();
    let listed_true: bool = listed.is_none() || listed_said == state;
    ::std::assert!(
        listed_true,
        "the test held a write guard of `events` and called events(): it answered {listed_said:?} without a panic, \
         where the recorder holds {state:?}, a list made up while the cell was busy. A read that overlaps a writer is \
         a bug, and `borrow()` panics to show it; a `try_borrow()` that answers an empty list on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.events.borrow()`."
    );
    let replay_true: bool = replayed.is_none() || visited == state;
    ::std::assert!(
        replay_true,
        "the test held a write guard of `events` and called replay: it returned without a panic, having visited \
         {visited:?} where the recorder holds {state:?}, so the replay was dropped without a word. A read that \
         overlaps a writer is a bug, and `borrow()` panics to show it; only `record` has a documented busy case (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Walk over `self.events.borrow()`."
    );

    // One event refused while the test reads `events`, so the count is not 0 (a made-up 0 would
    // pass as the truth).
    crate::__learn::exact::<RefCell<u32>, _>(&recorder.skipped);
    let reader = recorder.events.borrow();
    let outcome: Result<bool, String> = record_while_busy(&recorder, "refused");
    drop(reader);
    let _ = without_panics(::std::vec![outcome]);
    let before: u32 = *recorder.skipped.borrow();
    let count_writer = recorder.skipped.borrow_mut();
    let skipped_said: Option<u32> = quietly(|| recorder.skipped());
    drop(count_writer);
    let count_said: u32 = skipped_said.unwrap_or(u32::MAX);
    let skipped_true: bool = skipped_said.is_none() || count_said == before;
    ::std::assert!(
        skipped_true,
        "the test held a write guard of `skipped` (which holds {before}) and called skipped(): it answered \
         {count_said} without a panic, a number made up while the cell was busy. A read that overlaps a writer is a \
         bug, and `borrow()` panics to show it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.skipped.borrow()`."
    );

    // Both cells busy: the event is refused, and its count cannot be written; a quiet `false`
    // would lose the count.
    let reader = recorder.events.borrow();
    let count_reader = recorder.skipped.borrow();
    let stored: Option<bool> = quietly(|| recorder.record("late"));
    drop(count_reader);
    drop(reader);
    let after: u32 = *recorder.skipped.borrow();
    let stored_said: bool = stored.unwrap_or(true);
    let counted: bool = stored.is_none() || (!stored_said && after == before + 1);
    ::std::assert!(
        counted,
        "the test held read guards of both `events` and `skipped` and called record(\"late\"): it returned \
         {stored_said} without a panic, and `skipped` went from {before} to {after}, so the refused event went \
         uncounted without a word. Being busy is expected of `events` only: count in `skipped` with `borrow_mut()`, \
         which panics if that cell too is borrowed (see “Asking first: try_borrow and try_borrow_mut”)"
    );
}

// Events a learner's code might treat as special: empty, spaces only, spaces at the ends, a slash
// or dot at the end, letter case, several lines, unicode in two spellings, an emoji, a long one,
// numbers, and repeats of the event just before.
fn edge_strings() -> Vec<String> {
    let mut all: Vec<String> = [
        "/docs", "/docs", "/Docs", "/DOCS", "/docs/", "/docs.", " /docs", "/docs ", "\t/docs", "a\nb", "a\r\nb",
        "\r\n", "\n", "\n\n\n", "line\n", "", "", " ", "  ", "\t", "/", ".", "caf\u{e9}", "cafe\u{301}", "CAF\u{c9}",
        "\u{1f600}", "\u{1f468}\u{200d}\u{1f469}", "0", "1", "01", "-1", "1.0", "42",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push("x".repeat(100_000));
    all.push("x".repeat(100_000));
    all.push("long line\n".repeat(10_000));
    all
}
// A string as a message shows it: quoted, and cut short in the middle when it is long.
fn shown(text: &str) -> String {
    let chars: usize = text.chars().count();
    if chars <= 40 {
        return ::std::format!("{text:?}");
    }
    // Its start and its end, so a space or line break at either end still shows.
    let head: String = text.chars().take(16).collect();
    let tail: String = text.chars().skip(chars - 8).collect();
    ::std::format!("{head:?}…{tail:?} ({chars} characters)")
}

/// While the cell is free, `record` stores every event exactly as given and returns true: empty, blank, several lines, unicode, long, numbers, and a repeat of the event before.
#[test]
fn every_event_is_stored_exactly_as_given_while_the_cell_is_free() {
    let recorder = Recorder::new();
    let shared: &Recorder = &recorder;
    let mut due: Vec<String> = Vec::new();
    for event in edge_strings() {
        let skipped_before: u32 = *recorder.skipped.borrow();
        let repeat: bool = due.last() == Some(&event);
        let stored: bool = shared.record(&event);
        due.push(event.clone());
        let events: Vec<String> = recorder.events.borrow().clone();
        let skipped_after: u32 = *recorder.skipped.borrow();
        let last: String = events.last().cloned().unwrap_or_default();
        let why: String = if stored {
            ::std::format!(
                "it returned true, and `events` holds {} events, the last {}: the event was changed or lost on the way",
                events.len(),
                shown(&last)
            )
        } else if skipped_after > skipped_before && repeat {
            ::std::string::String::from(
                "it returned false and counted the event as skipped, because it equals the event just before; two \
                 equal events in a row (two clicks) are two events, and only a busy cell refuses one",
            )
        } else if skipped_after > skipped_before {
            ::std::string::String::from(
                "it returned false and counted the event as skipped, though nothing held `events`; only a busy cell \
                 refuses an event",
            )
        } else {
            ::std::string::String::from(
                "it returned false, stored nothing and did not count it in `skipped` either: the event was lost \
                 without a word (an empty or blank event is an event too)",
            )
        };
        ::std::assert!(
            stored && events == due && skipped_after == skipped_before,
            "record({}) while nothing held `events`: {why}. An event is kept exactly as given, whatever its text (see \
             “Asking first: try_borrow and try_borrow_mut”)\n\
             When `try_borrow_mut()` answers `Ok`, push `event.to_string()` and return true, without looking at the event.",
            shown(&event)
        );
    }
    let listed: Vec<String> = recorder.events();
    ::std::assert!(listed == due, "events() should list every event recorded, exactly as given and in order");
}

/// While the cell is busy, `record` refuses every event and counts each one once, whatever its text.
#[test]
fn every_event_refused_while_busy_is_counted_once() {
    let recorder = Recorder::new();
    recorder.record("first");
    let mut counted: u32 = 0;
    for event in edge_strings() {
        let reader = recorder.events.borrow();
        let outcome: Result<bool, String> = record_while_busy(&recorder, &event);
        drop(reader);
        let stored: Vec<bool> = without_panics(::std::vec![outcome]);
        counted += 1;
        let skipped: u32 = *recorder.skipped.borrow();
        let events: Vec<String> = recorder.events.borrow().clone();
        let said: bool = stored.first().copied().unwrap_or(true);
        ::std::assert!(
            !said && skipped == counted && events.len() == 1,
            "while the test held a read guard of `events`, record({}) returned {said}, `skipped` went to {skipped} \
             where {counted} was due, and `events` holds {} events: each event refused while the cell is busy counts \
             exactly one in `skipped`, whatever its text, and is not stored (see “Asking first: try_borrow and try_borrow_mut”)",
            shown(&event),
            events.len()
        );
    }
}

/// `events()`, `skipped()` and `replay` only read: each answers while the test holds a read guard of the field it reads.
#[test]
fn every_reading_method_answers_beside_a_read_guard() {
    let recorder = Recorder::new();
    recorder.record("open");
    recorder.record("save");
    let reader = recorder.events.borrow();
    let listed: Option<Vec<String>> = quietly(|| recorder.events());
    let mut visited: Vec<String> = Vec::new();
    let replayed: Option<()> = quietly(|| recorder.replay(|event| visited.push(event.to_string())));
    drop(reader);
    let count_reader = recorder.skipped.borrow();
    let counted: Option<u32> = quietly(|| recorder.skipped());
    drop(count_reader);
    for (name, field, seen) in [
        ("events()", "events", listed.is_some()),
        ("replay", "events", replayed.is_some()),
        ("skipped()", "skipped", counted.is_some()),
    ] {
        let answered: bool = seen;
        ::std::assert!(
            answered,
            "{name} panicked while the test held a read guard of `{field}`: a method that only reads asked for write \
             access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)\n\
             Read `{field}` through `self.{field}.borrow()`."
        );
    }
    let expected: Vec<String> = strings(&["open", "save"]);
    let listed: Vec<String> = listed.unwrap_or_default();
    let count: u32 = counted.unwrap_or(u32::MAX);
    ::std::assert_eq!(listed, expected, "events() beside a read guard should list both events");
    ::std::assert_eq!(visited, expected, "replay beside a read guard should visit both events");
    ::std::assert_eq!(count, 0, "skipped() beside a read guard should answer 0");
}
