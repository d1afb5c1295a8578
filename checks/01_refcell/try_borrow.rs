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
