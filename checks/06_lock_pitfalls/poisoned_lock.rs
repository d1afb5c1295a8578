use super::Tally;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

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

/// The list as it is in the tally, read straight through its lock.
fn list_in(tally: &Tally) -> Vec<String> {
    tally.done.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// `finished` only reads: called twice it answers the same list, and the list stays in the tally.
#[test]
fn finished_leaves_the_list_as_it_was() {
    let tally = Arc::new(Tally::new());
    tally.update(|done| done.push("a".to_string()));
    tally.update(|done| done.push("b".to_string()));
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string()];
    let first: Vec<String> = tally.finished();
    let second: Vec<String> = tally.finished();
    let kept: Vec<String> = list_in(&tally);
    let unchanged: bool = first == expected && second == expected && kept == expected;
    ::std::assert!(
        unchanged,
        "the tally held [\"a\", \"b\"], and `finished()` called twice answered {first:?}, then {second:?}, leaving \
         {kept:?} in the tally: reading the list changed it. `finished` reports the jobs and leaves them where they \
         are, for the next report and for the workers still adding to them: copy the list out under the guard \
         (`.clone()`). `std::mem::take` is for taking the data away, as a batch that is sent off (see “Keeping the lock short”)"
    );
    crash_while_holding_lock(&tally, "c");
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string(), "c".to_string()];
    let first: Vec<String> = tally.finished();
    let second: Vec<String> = tally.finished();
    let kept: Vec<String> = list_in(&tally);
    let unchanged: bool = first == expected && second == expected && kept == expected;
    ::std::assert!(
        unchanged,
        "after a worker crashed holding the lock, the tally held [\"a\", \"b\", \"c\"], and `finished()` called \
         twice answered {first:?}, then {second:?}, leaving {kept:?} in the tally: reading the list changed it. \
         `finished` reports the jobs and leaves them where they are: copy the list out under the guard (`.clone()`)"
    );
}

// How long the busy-tally tests below keep the tally locked while a method runs on another thread
// (unless that call has already returned). A method that gives up on a busy lock (`try_lock()` and
// a made-up answer) returns within microseconds of starting, far inside this; one that waits with
// `lock()` passes however long the hold lasts: a loaded machine only makes the test wait the whole hold.
const HOLD: Duration = Duration::from_millis(200);

/// Runs `call` on a thread of its own, with panic output turned off, while this thread holds the
/// tally's lock, until `call` has returned or `HOLD` has passed since it started; then unlocks.
/// Gives back whether `call` had returned while the lock was still held (so it never waited for
/// it), and what it returned (`None` if it panicked).
fn while_busy<T: Send>(tally: &Tally, call: impl FnOnce() -> T + Send) -> (bool, Option<T>) {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let held = tally.done.lock().unwrap_or_else(PoisonError::into_inner);
    let outcome = thread::scope(|scope| {
        let (started, running) = mpsc::channel::<()>();
        let caller = scope.spawn(move || {
            let _ = started.send(());
            ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok()
        });
        let _ = running.recv_timeout(Duration::from_secs(2));
        let since = Instant::now();
        while !caller.is_finished() && since.elapsed() < HOLD {
            thread::sleep(Duration::from_millis(1));
        }
        let returned_while_held: bool = caller.is_finished();
        drop(held);
        (returned_while_held, caller.join().ok().flatten())
    });
    ::std::panic::set_hook(report_panics);
    outcome
}

/// How a call made while the tally was busy returned.
fn how_it_returned(returned_while_held: bool) -> &'static str {
    if returned_while_held {
        " at once, without waiting for the lock"
    } else {
        ""
    }
}

/// What the tests say to do about a busy tally.
const ON_BUSY: &str = "A worker holding the tally's lock is the normal case between threads, not a failure: `lock()` \
     waits until the lock is free, and the method then does its whole job. A `try_lock()` that turns a busy lock \
     into an empty list or a `false` makes up an answer nobody can tell from a true one, just as a poisoned lock \
     must never become a quiet \"no\" (see “Keeping the lock short” and “Poisoned locks”)";

/// `finished` asked while a worker holds the lock waits for it and returns the whole list.
#[test]
fn finished_waits_for_a_busy_lock_and_returns_the_list() {
    let tally = Tally::new();
    tally.update(|done| done.push("a".to_string()));
    tally.update(|done| done.push("b".to_string()));
    let (returned_while_held, answer): (bool, Option<Vec<String>>) = while_busy(&tally, || tally.finished());
    ::std::assert!(
        answer.is_some(),
        "`finished()`, asked while another thread held the tally's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let finished: Vec<String> = answer.unwrap_or_default();
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string()];
    ::std::assert!(
        finished == expected,
        "`finished()`, asked while another thread held the tally's lock for a moment, answered {finished:?}{}, \
         though jobs \"a\" and \"b\" were done: it gave up on a busy lock and reported no work done.\n{ON_BUSY}",
        how_it_returned(returned_while_held)
    );
}

/// `update` called while a worker holds the lock waits for it, runs the job and returns its result.
#[test]
fn update_waits_for_a_busy_lock_and_runs_the_job() {
    let tally = Tally::new();
    tally.update(|done| done.push("a".to_string()));
    tally.update(|done| done.push("b".to_string()));
    let (returned_while_held, answer): (bool, Option<usize>) = while_busy(&tally, || {
        tally.update(|done| {
            done.push("late".to_string());
            done.len()
        })
    });
    let kept: Vec<String> = list_in(&tally);
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string(), "late".to_string()];
    let done: bool = answer == Some(3) && kept == expected;
    ::std::assert!(
        done,
        "`update` with a job that pushes \"late\" and returns the length, called while another thread held the \
         tally's lock for a moment, {}{}, and the tally then held {kept:?}: it should wait for the lock, run the job on \
         the whole list ([\"a\", \"b\", \"late\"]) and return 3.\n{ON_BUSY}",
        answer.map_or("panicked".to_string(), |n| ::std::format!("returned {n}")),
        how_it_returned(returned_while_held)
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

/// `acknowledge_crash` asked while a worker holds the (poisoned) lock still reports the crash, once.
#[test]
fn acknowledge_crash_reports_a_crash_while_the_lock_is_busy() {
    let tally = Arc::new(Tally::new());
    crash_while_holding_lock(&tally, "first");
    let (returned_while_held, answer): (bool, Option<bool>) = while_busy(&tally, || tally.acknowledge_crash());
    let reported: bool = answer == Some(true);
    ::std::assert!(
        reported,
        "after a worker crashed holding the lock, `acknowledge_crash()`, asked while another thread held the \
         tally's lock for a moment, {}{}, where the crash is due: a busy lock was taken for \"no crash\". \
         `is_poisoned()` and `clear_poison()` answer without taking the lock; a `lock()` waits for it.\n{ON_BUSY}",
        answer.map_or("panicked".to_string(), |crashed| ::std::format!("answered {crashed}")),
        how_it_returned(returned_while_held)
    );
    let again: bool = tally.acknowledge_crash();
    ::std::assert!(!again, "the crash was already acknowledged, so the next call should return false");
}
