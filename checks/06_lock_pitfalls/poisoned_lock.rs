use super::*;
use std::sync::Arc;
use std::thread;

// Poisons the tally on purpose: a worker pushes `entry`, then panics while still holding the
// lock. Joining the worker makes this deterministic. (Its panic message in the output is expected.)
fn crash_while_holding_lock(tally: &Arc<Tally>, entry: &str) {
    let worker = Arc::clone(tally);
    let entry = entry.to_string();
    let result = thread::spawn(move || {
        worker.update(|done| {
            done.push(entry);
            panic!("(part of the test, not a bug) a test worker crashes on purpose while holding the lock, to poison it");
        })
    })
    .join();
    assert!(result.is_err(), "the test worker was supposed to panic");
}

#[test]
fn finished_list_survives_a_crashed_worker() {
    let tally = Arc::new(Tally::new());
    tally.update(|done| done.push("a".to_string()));
    crash_while_holding_lock(&tally, "b");
    assert_eq!(
        tally.finished(),
        vec!["a".to_string(), "b".to_string()],
        "after a worker crashed holding the lock, finished() should still return the list, including what it pushed"
    );
}

#[test]
fn workers_keep_recording_after_a_crash() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "crashed");
    let worker = Arc::clone(&tally);
    let result = thread::spawn(move || worker.update(|done| done.push("after".to_string()))).join();
    assert!(result.is_ok(), "update() on another thread should not panic just because an earlier worker crashed");
    tally.update(|done| done.push("main".to_string()));
    assert_eq!(tally.finished().len(), 3, "all three entries should be in the list");
}

#[test]
fn update_returns_the_job_result_after_a_crash() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "x");
    let len = tally.update(|done| done.len());
    assert_eq!(len, 1, "update() should run the job on the recovered list and return what the job returns");
}

#[test]
fn acknowledge_crash_is_false_when_nothing_crashed() {
    let tally = Tally::new();
    tally.update(|done| done.push("ok".to_string()));
    assert!(!tally.acknowledge_crash(), "no worker crashed, so there is nothing to acknowledge");
}

#[test]
fn acknowledge_crash_reports_each_crash_once() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "first");
    assert!(tally.acknowledge_crash(), "the first call after a crash should report it");
    assert!(!tally.acknowledge_crash(), "the crash was already acknowledged, so the second call should return false");
    crash_while_holding_lock(&tally, "second");
    assert!(tally.acknowledge_crash(), "a new crash after the acknowledgement should be reported again");
    assert_eq!(tally.finished().len(), 2, "both crashed workers' entries should still be in the list");
}
