use super::Tally;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

// A worker runs a job through `update` that pushes `entry` and then panics, as a worker crashing
// half way through its work does. Joining the worker makes this deterministic. (Its panic message
// in the output is expected.)
fn crash_in_update(tally: &Arc<Tally>, entry: &str) {
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
    ::std::assert!(
        crashed,
        "a job run through `update` panicked, and the worker that called `update` did not: the job's panic was \
         caught and never reached the worker. `update` runs the job and lets its panic through (see “Poisoned locks”)"
    );
}

// Poisons the tally on purpose: a worker pushes `entry` through `update`, then panics while still
// holding the lock. Fails the test ("could not begin") if that leaves the tally unpoisoned or
// without the entry: the fault is then the one `a_crashed_job_poisons_the_tally_and_keeps_its_work` names.
fn crash_while_holding_lock(tally: &Arc<Tally>, entry: &str) {
    crash_in_update(tally, entry);
    let poisoned: bool = tally.done.is_poisoned();
    let kept: Vec<String> = list_in(tally);
    let pushed: bool = kept.last().is_some_and(|last| last == entry);
    ::std::assert!(
        poisoned && pushed,
        "could not begin: a job run through `update` pushed {entry:?} and panicked, and left the tally {} and holding \
         {kept:?} (the same fault as in a_crashed_job_poisons_the_tally_and_keeps_its_work)",
        if poisoned { "poisoned" } else { "unpoisoned" }
    );
}

/// A job that panics inside `update` poisons the tally and leaves the list as the job left it: the job runs on the list itself, inside the lock.
#[test]
fn a_crashed_job_poisons_the_tally_and_keeps_its_work() {
    let tally = Arc::new(Tally::new());
    tally.update(|done| done.push("a".to_string()));
    crash_in_update(&tally, "b");
    let poisoned: bool = tally.done.is_poisoned();
    let kept: Vec<String> = list_in(&tally);
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string()];
    let why: &str = match (poisoned, kept == expected) {
        (false, false) => {
            "the job ran on a copy of the list, outside the lock: its work was lost with the copy, and its panic \
             poisoned nothing, since no guard was held when it came. `update` runs the job on the list itself, \
             with the guard alive: `job(&mut guard)`"
        }
        (false, true) => {
            "the job's panic came while `update` held the lock, but the lock was let go as if nothing had happened \
             (the panic caught, or the poison cleared, before the guard was dropped): the warning that others \
             should see is gone before anyone could see it. Let the panic go through the guard, and leave clearing \
             the warning to `acknowledge_crash`"
        }
        (true, _) => {
            "the list is not what the job left in it: `update` runs the job on the list itself, with the guard \
             alive, and changes nothing else"
        }
    };
    ::std::assert!(
        poisoned && kept == expected,
        "the tally held [\"a\"], and a job run through `update` pushed \"b\" and then panicked (a worker crashing \
         half way through its work): afterwards the tally was {} and held {kept:?}, where it should be poisoned and \
         hold [\"a\", \"b\"], as the job left it: {why} (see “Poisoned locks”)",
        if poisoned { "poisoned" } else { "not poisoned" }
    );
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

/// How a call made while the test held the tally's lock came back: whether it returned while the
/// lock was still held (so it did not wait for it), how long after it was made it returned, and
/// what it returned (`None` if it panicked).
struct WhileBusy<T> {
    returned_while_held: bool,
    waited: Duration,
    answer: Option<T>,
}

/// Runs `call` on a thread of its own, with panic output turned off, while this thread holds the
/// tally's lock, until `call` has returned or `HOLD` has passed since it started; then unlocks.
fn while_busy<T: Send>(tally: &Tally, call: impl FnOnce() -> T + Send) -> WhileBusy<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let held = tally.done.lock().unwrap_or_else(PoisonError::into_inner);
    let outcome = thread::scope(|scope| {
        let (started, running) = mpsc::channel::<Instant>();
        let caller = scope.spawn(move || {
            let _ = started.send(Instant::now());
            let answer: Option<T> = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok();
            (answer, Instant::now())
        });
        let asked: Instant = running.recv_timeout(Duration::from_secs(2)).unwrap_or_else(|_| Instant::now());
        while !caller.is_finished() && asked.elapsed() < HOLD {
            thread::sleep(Duration::from_millis(1));
        }
        let returned_while_held: bool = caller.is_finished();
        drop(held);
        let (answer, returned): (Option<T>, Instant) = caller.join().unwrap_or((None, Instant::now()));
        WhileBusy { returned_while_held, waited: returned.saturating_duration_since(asked), answer }
    });
    ::std::panic::set_hook(report_panics);
    outcome
}

/// When a call made while the tally was busy returned.
fn how_it_returned<T>(came: &WhileBusy<T>) -> String {
    if !came.returned_while_held {
        " once the lock was let go".to_string()
    } else if came.waited < Duration::from_millis(1) {
        " at once, without waiting for the lock".to_string()
    } else {
        ::std::format!(" after waiting {:.1?}, while the lock was still held", came.waited)
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
    let came: WhileBusy<Vec<String>> = while_busy(&tally, || tally.finished());
    ::std::assert!(
        came.answer.is_some(),
        "`finished()`, asked while another thread held the tally's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let finished: Vec<String> = came.answer.clone().unwrap_or_default();
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string()];
    let why: String = if came.returned_while_held {
        ::std::format!(": it gave up on a busy lock and reported no work done.\n{ON_BUSY}")
    } else {
        ": once it has the lock, `finished` answers the whole list".to_string()
    };
    ::std::assert!(
        finished == expected,
        "`finished()`, asked while another thread held the tally's lock for a moment, answered {finished:?}{}, \
         though jobs \"a\" and \"b\" were done{why}",
        how_it_returned(&came)
    );
}

/// `update` called while a worker holds the lock waits for it, runs the job and returns its result.
#[test]
fn update_waits_for_a_busy_lock_and_runs_the_job() {
    let tally = Tally::new();
    tally.update(|done| done.push("a".to_string()));
    tally.update(|done| done.push("b".to_string()));
    let came: WhileBusy<usize> = while_busy(&tally, || {
        tally.update(|done| {
            done.push("late".to_string());
            done.len()
        })
    });
    let answer: Option<usize> = came.answer;
    let kept: Vec<String> = list_in(&tally);
    let expected: Vec<String> = ::std::vec!["a".to_string(), "b".to_string(), "late".to_string()];
    let done: bool = answer == Some(3) && kept == expected;
    let busy: String = if came.returned_while_held { ::std::format!(".\n{ON_BUSY}") } else { ::std::string::String::new() };
    ::std::assert!(
        done,
        "`update` with a job that pushes \"late\" and returns the length, called while another thread held the \
         tally's lock for a moment, {}{}, and the tally then held {kept:?}: it should wait for the lock, run the job on \
         the whole list ([\"a\", \"b\", \"late\"]) and return 3{busy}",
        answer.map_or("panicked".to_string(), |n| ::std::format!("returned {n}")),
        how_it_returned(&came)
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
    let came: WhileBusy<bool> = while_busy(&tally, || tally.acknowledge_crash());
    let answer: Option<bool> = came.answer;
    let reported: bool = answer == Some(true);
    let why: String = if came.returned_while_held {
        ::std::format!(
            ": a busy lock was taken for \"no crash\". `is_poisoned()` and `clear_poison()` answer without taking \
             the lock; a `lock()` waits for it.\n{ON_BUSY}"
        )
    } else {
        ": `acknowledge_crash` reports the crash the poison flag says, busy lock or not (see “Poisoned locks”)".to_string()
    };
    ::std::assert!(
        reported,
        "after a worker crashed holding the lock, `acknowledge_crash()`, asked while another thread held the \
         tally's lock for a moment, {}{}, where the crash is due{why}",
        answer.map_or("panicked".to_string(), |crashed| ::std::format!("answered {crashed}")),
        how_it_returned(&came)
    );
    let again: bool = tally.acknowledge_crash();
    ::std::assert!(!again, "the crash was already acknowledged, so the next call should return false");
}

/// How long the test below holds the tally's lock: longer than any time limit a blocking call
/// might give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);
/// How long the test below waits for a call once it has let go of the lock.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// What a call on a thread of its own came back with: when it was asked, when it answered, and its
/// answer (`None` if it panicked).
struct Came<T> {
    asked: Instant,
    answered: Instant,
    answer: Option<T>,
}

/// Runs `call` on a thread of `scope`, timing it; the answer comes on the channel returned.
fn timed_call<'scope, T: Send + 'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    call: impl FnOnce() -> T + Send + 'scope,
) -> mpsc::Receiver<Came<T>> {
    let (answer, answered) = mpsc::channel::<Came<T>>();
    scope.spawn(move || {
        let asked = Instant::now();
        let got: Option<T> = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok();
        let _ = answer.send(Came { asked, answered: Instant::now(), answer: got });
    });
    answered
}

/// After a crash, while a worker holds the tally for over 3 s, `finished`, `update` and `acknowledge_crash`, all called at once, never give up on the busy lock: `finished` and `update` wait however long it lasts and then do their whole job, and the crash is reported.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let tally = Arc::new(Tally::new());
    tally.update(|done| done.push("a".to_string()));
    crash_while_holding_lock(&tally, "b");
    let holding = tally.done.lock().unwrap_or_else(PoisonError::into_inner);
    type Outcome = (Option<Came<Vec<String>>>, Option<Came<usize>>, Option<Came<bool>>, Instant);
    let (finished_came, update_came, acknowledged_came, let_go): Outcome = thread::scope(|scope| {
        let finished: mpsc::Receiver<Came<Vec<String>>> = timed_call(scope, || tally.finished());
        let update: mpsc::Receiver<Came<usize>> = timed_call(scope, || {
            tally.update(|done| {
                done.push("late".to_string());
                done.len()
            })
        });
        let acknowledged: mpsc::Receiver<Came<bool>> = timed_call(scope, || tally.acknowledge_crash());
        thread::sleep(LONG_HOLD);
        let let_go: Instant = Instant::now();
        drop(holding);
        (
            finished.recv_timeout(STUCK_AFTER).ok(),
            update.recv_timeout(STUCK_AFTER).ok(),
            acknowledged.recv_timeout(STUCK_AFTER).ok(),
            let_go,
        )
    });
    let kept: Vec<String> = list_in(&tally);
    // Each call that gave up while the test still held the lock: what it was, how long it waited,
    // and what it did then. `acknowledge_crash` may answer while the lock is held (the poison flag
    // is read without it), but only with the crash.
    let mut gave_up: Vec<(&str, Duration, String)> = Vec::new();
    if let Some(came) = finished_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: &Option<Vec<String>> = &came.answer;
        let what: String = answer.as_ref().map_or_else(|| "panicked".to_string(), |list| ::std::format!("answered {list:?}"));
        gave_up.push(("`finished()`", came.answered - came.asked, what));
    }
    if let Some(came) = update_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: Option<usize> = came.answer;
        let what: String = answer.map_or_else(
            || "panicked".to_string(),
            |n| ::std::format!("returned {n} without running the job on the list (it held {kept:?} afterwards)"),
        );
        gave_up.push(("`update` (with a job that pushes \"late\")", came.answered - came.asked, what));
    }
    if let Some(came) = acknowledged_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: Option<bool> = came.answer;
        if answer != Some(true) {
            let what: String = answer.map_or_else(|| "panicked".to_string(), |crashed| ::std::format!("answered {crashed}"));
            gave_up.push(("`acknowledge_crash()`", came.answered - came.asked, what));
        }
    }
    let first: Option<&(&str, Duration, String)> = gave_up.first();
    let (call, waited, what): (&str, Duration, &str) =
        first.map_or(("", Duration::ZERO, ""), |(call, waited, what)| (*call, *waited, what.as_str()));
    let how_long: String = if waited < Duration::from_millis(1) {
        ::std::format!("at once ({waited:.1?} after it was made), without waiting,")
    } else {
        ::std::format!("after waiting {waited:.1?}")
    };
    ::std::assert!(
        first.is_none(),
        "{call} gave up on a busy lock: after a worker crashed, the test held the tally's lock for {LONG_HOLD:.1?}, \
         and {how_long} the call {what} while the lock was still held. A worker holds the lock for as \
         long as its job takes, and a busy lock says nothing about the jobs or the crash: `finished` and `update` wait \
         for it with `lock()`, however long, with no time limit and no `try_lock()` loop, and `acknowledge_crash` reads \
         the poison flag, which needs no lock; an empty list or a `false` cannot be told from a true answer \
         (see “Keeping the lock short” and “Poisoned locks”)"
    );
    let finished: Option<Vec<String>> = finished_came.and_then(|came| came.answer);
    let updated: Option<usize> = update_came.and_then(|came| came.answer);
    let acknowledged: Option<bool> = acknowledged_came.and_then(|came| came.answer);
    let strings = |list: &[&str]| -> Vec<String> { list.iter().map(|entry| entry.to_string()).collect() };
    // `finished` and `update` waited together: either may have had the lock first.
    let finished_right: bool = finished == Some(strings(&["a", "b"])) || finished == Some(strings(&["a", "b", "late"]));
    let answered_right: bool =
        finished_right && updated == Some(3) && kept == strings(&["a", "b", "late"]) && acknowledged == Some(true);
    let shown = |answer: Option<String>| answer.unwrap_or_else(|| "nothing within 2 s (or panicked)".to_string());
    ::std::assert!(
        answered_right,
        "after a worker crashed, the test held the tally's lock for {LONG_HOLD:.1?} with `finished`, `update` and \
         `acknowledge_crash` called meanwhile; once it let go, `finished()` answered {} ([\"a\", \"b\"] due, with \
         \"late\" at the end if the update came first), `update` with a job that pushes \"late\" returned {} (3 due), \
         leaving {kept:?} in the tally, and `acknowledge_crash()` answered {} (true due): a call that waited should \
         then do its whole job (see “Keeping the lock short”)",
        shown(finished.map(|list| ::std::format!("{list:?}"))),
        shown(updated.map(|n| n.to_string())),
        shown(acknowledged.map(|crashed| crashed.to_string()))
    );
}
