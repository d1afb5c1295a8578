use super::*;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn record_stores_events_when_nothing_else_is_borrowing() {
    let recorder = Recorder::new();
    let shared: &Recorder = &recorder;
    assert!(
        shared.record("a"),
        "recording while the cell is free should return true"
    );
    assert!(
        shared.record("b"),
        "recording while the cell is free should return true"
    );
    assert_eq!(
        recorder.events(),
        strings(&["a", "b"]),
        "both events should be stored in order"
    );
    assert_eq!(
        recorder.skipped(),
        0,
        "nothing should be skipped when no replay is running"
    );
}

#[test]
fn record_during_replay_is_skipped_instead_of_panicking() {
    let recorder = Recorder::new();
    recorder.record("first");
    let mut results = Vec::new();
    recorder.replay(|_| results.push(recorder.record("during replay")));
    assert_eq!(
        results,
        vec![false],
        "a record call made during a replay should return false"
    );
    assert_eq!(
        recorder.events(),
        strings(&["first"]),
        "an event recorded during a replay should not be stored"
    );
}

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
    assert_eq!(
        recorder.skipped(),
        6,
        "two records for each of the 3 replayed events should give 6 skipped"
    );
    assert_eq!(
        recorder.events().len(),
        3,
        "skipped events must not be added to the list"
    );
}

#[test]
fn recording_works_again_after_the_replay_ends() {
    let recorder = Recorder::new();
    recorder.record("a");
    recorder.replay(|_| {
        recorder.record("skipped");
    });
    assert!(
        recorder.record("b"),
        "once the replay is over, record should succeed again"
    );
    assert_eq!(
        recorder.events(),
        strings(&["a", "b"]),
        "only the events recorded outside the replay should be stored"
    );
    assert_eq!(
        recorder.skipped(),
        1,
        "exactly one event was recorded during the replay"
    );
}

#[test]
fn replay_sees_every_recorded_event_in_order() {
    let recorder = Recorder::new();
    for e in ["open", "type", "save"] {
        recorder.record(e);
    }
    let mut seen = Vec::new();
    recorder.replay(|event| seen.push(event.to_string()));
    assert_eq!(
        seen,
        strings(&["open", "type", "save"]),
        "replay should visit all events in the order they were recorded"
    );
}
