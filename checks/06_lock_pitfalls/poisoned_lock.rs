use super::Tally;
use std::sync::{Arc, Mutex};
use std::thread;

// Poisons the tally on purpose: a worker pushes `entry`, then panics while still holding the
// lock. Joining the worker makes this deterministic. (Its panic message in the output is expected.)
fn crash_while_holding_lock(tally: &Arc<Tally>, entry: &str) {
    let worker = Arc::clone(tally);
    let entry = entry.to_string();
    let result = thread::spawn(move || {
        worker.update(|done| {
            done.push(entry);
            ::std::panic!("(part of the test, not a bug) a test worker crashes on purpose while holding the lock, to poison it");
        })
    })
    .join();
    let crashed: bool = result.is_err();
    ::std::assert!(crashed, "the test worker was supposed to panic");
}

/// After a worker crashed holding the lock, `finished` still returns the whole list.
#[test]
fn finished_list_survives_a_crashed_worker() {
    let tally = Arc::new(Tally::new());
    crate::__learn::exact::<Mutex<Vec<String>>, _>(&tally.done);
    tally.update(|done| done.push("a".to_string()));
    crash_while_holding_lock(&tally, "b");
    let finished: Vec<String> = tally.finished();
    let expected_finished: Vec<String> = ::std::vec!["a".to_string(), "b".to_string()];
    ::std::assert_eq!(
        finished,
        expected_finished,
        "after a worker crashed holding the lock, finished() should still return the list, including what it pushed: take the guard out of the PoisonError"
    );
}

/// Other workers keep recording after a crash.
#[test]
fn workers_keep_recording_after_a_crash() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "crashed");
    let worker = Arc::clone(&tally);
    let result = thread::spawn(move || worker.update(|done| done.push("after".to_string()))).join();
    let ok: bool = result.is_ok();
    ::std::assert!(ok, "update() on another thread should not panic just because an earlier worker crashed");
    tally.update(|done| done.push("main".to_string()));
    let len: usize = tally.finished().len();
    ::std::assert_eq!(len, 3, "all three entries should be in the list");
}

/// `update` returns what the job returns, also on a poisoned lock.
#[test]
fn update_returns_the_job_result_after_a_crash() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "x");
    let len: usize = tally.update(|done| done.len());
    ::std::assert_eq!(len, 1, "update() should run the job on the recovered list and return what the job returns");
}

/// With no crash there is nothing to acknowledge.
#[test]
fn acknowledge_crash_is_false_when_nothing_crashed() {
    let tally = Tally::new();
    tally.update(|done| done.push("ok".to_string()));
    let crashed: bool = tally.acknowledge_crash();
    ::std::assert!(!crashed, "no worker crashed, so there is nothing to acknowledge");
}

/// Reading and writing a poisoned tally does not hide the crash: only `acknowledge_crash` clears it.
#[test]
fn using_the_tally_keeps_the_warning_until_acknowledged() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "first");
    tally.update(|done| done.push("second".to_string()));
    let _ = tally.finished();
    let still_poisoned: bool = tally.done.is_poisoned();
    let crashed: bool = tally.acknowledge_crash();
    ::std::assert!(still_poisoned, "update() and finished() should work on a poisoned lock without clearing the poison");
    ::std::assert!(crashed, "the crash should still be reported by acknowledge_crash after the tally was used");
}

/// Each crash is reported once.
#[test]
fn acknowledge_crash_reports_each_crash_once() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "first");
    let first: bool = tally.acknowledge_crash();
    let second: bool = tally.acknowledge_crash();
    crash_while_holding_lock(&tally, "second");
    let third: bool = tally.acknowledge_crash();
    let len: usize = tally.finished().len();
    ::std::assert!(first, "the first call after a crash should report it");
    ::std::assert!(!second, "the crash was already acknowledged, so the second call should return false");
    ::std::assert!(third, "a new crash after the acknowledgement should be reported again");
    ::std::assert_eq!(len, 2, "both crashed workers' entries should still be in the list");
}
