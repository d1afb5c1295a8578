use super::Recorder;
use std::cell::RefCell;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
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
    // Counts panics on this thread, even ones caught before they reach the test.
    let panics = ::std::sync::Arc::new(::std::sync::atomic::AtomicUsize::new(0));
    let me = ::std::thread::current().id();
    let previous = ::std::panic::take_hook();
    let seen = ::std::sync::Arc::clone(&panics);
    ::std::panic::set_hook(::std::boxed::Box::new(move |info| {
        if ::std::thread::current().id() == me {
            seen.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);
        }
        previous(info);
    }));
    let mut results: Vec<bool> = Vec::new();
    recorder.replay(|_| results.push(recorder.record("during replay")));
    let panicked: usize = panics.load(::std::sync::atomic::Ordering::SeqCst);
    ::std::assert_eq!(
        panicked, 0,
        "record should ask the cell first (`try_borrow_mut`) instead of letting `borrow_mut()` panic and catching the panic"
    );
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
    let stored: bool = recorder.record("b");
    drop(reader);
    let skipped: u32 = recorder.skipped();
    ::std::assert!(!stored, "while a read guard of `events` is alive, record should report the cell busy (false)");
    ::std::assert_eq!(skipped, 1, "the refused event should be counted in `skipped`");
}

/// Every skipped event is counted, and none of them is stored.
#[test]
fn each_skipped_event_is_counted() {
    let recorder = Recorder::new();
    for e in ["a", "b", "c"] {
        recorder.record(e);
    }
    recorder.replay(|_| {
        recorder.record("x");
        recorder.record("y");
    });
    let skipped: u32 = recorder.skipped();
    let events: Vec<String> = recorder.events();
    ::std::assert_eq!(skipped, 6, "two records for each of the 3 replayed events should give 6 skipped");
    ::std::assert_eq!(events.len(), 3, "skipped events must not be added to the list");
}

/// Once the replay is over, recording succeeds again.
#[test]
fn recording_works_again_after_the_replay_ends() {
    let recorder = Recorder::new();
    recorder.record("a");
    recorder.replay(|_| {
        recorder.record("skipped");
    });
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
