use super::HitCounter;
use std::any::Any;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// A type's name without its module paths, for messages: `Arc<Mutex<u64>>`.
fn short_type_name(full: &str) -> String {
    let (mut out, mut word) = (String::new(), String::new());
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            if word.starts_with(char::is_lowercase) {
                word.clear(); // a module on the path
            } else {
                word.push_str("::");
            }
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out + &word
}

/// The first panic of a call while `calls_that_may_panic` runs: the name of the thread it happened
/// on, and its message.
static FIRST_PANIC: ::std::sync::Mutex<Option<(String, String)>> = ::std::sync::Mutex::new(None);

/// Runs `work`, whose threads are named for what they do, with panic output off. If a call in it
/// panicked, the test fails with a message of its own, saying on which thread and with what words
/// (an arithmetic overflow keeps its words, but not as the panic put them); `doing` says what the
/// threads were doing.
fn calls_that_may_panic<T>(doing: &str, work: impl FnOnce() -> T) -> T {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|info| {
        let name: String = match thread::current().name() {
            Some("main") | None => "the test's own thread".to_string(),
            Some(name) => name.to_string(),
        };
        let text: String = panic_text(info.payload());
        FIRST_PANIC.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).get_or_insert((name, text));
    }));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(work));
    ::std::panic::set_hook(report_panics);
    let first: Option<(String, String)> = FIRST_PANIC.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).take();
    match outcome {
        Ok(value) => value,
        Err(_) => {
            let (name, text): (String, String) = first.unwrap_or_else(|| ("a thread".to_string(), "a panic".to_string()));
            ::std::panic!(
                "{doing}, a call panicked on {name}: {text} (see “Atomic counters”)\n\
                 The count went where it cannot be: below 0, say, when two calls at once each worked from a \
                 count the other had already changed. The count is one `AtomicU64`, changed in one step by each \
                 method: `fetch_add(1)` for a visit, `swap(0)` for a take, so no step can undo another's."
            )
        }
    }
}

/// The count is kept in an `AtomicU64`, not behind a lock.
#[test]
fn the_count_is_an_atomic_u64() {
    let counter = HitCounter::new();
    let field: &dyn Any = &counter.hits;
    let is_atomic: bool = field.is::<AtomicU64>();
    let another_atomic: bool = field.is::<AtomicUsize>()
        || field.is::<AtomicU32>()
        || field.is::<AtomicI64>()
        || field.is::<AtomicI32>()
        || field.is::<AtomicIsize>();
    let held: String = short_type_name(::std::any::type_name_of_val(&counter.hits));
    let a_lock: bool = held.contains("Mutex") || held.contains("RwLock");
    ::std::assert!(
        !another_atomic,
        "the `hits` field is an atomic, which is right, but it is `{held}`, where the exercise asks for an \
         `AtomicU64` (see “Atomic counters”)\n\
         Visit numbers and totals are `u64`s: an `AtomicU64` holds exactly that, with no conversion in every \
         method."
    );
    ::std::assert!(
        !a_lock,
        "the `hits` field is `{held}`: it should be an `AtomicU64`, not a lock around one number \
         (see “Atomic counters”)\n\
         A lock makes every thread queue just to add 1, where an atomic adds it in one indivisible step."
    );
    ::std::assert!(
        is_atomic,
        "the `hits` field is `{held}`, where the exercise asks for an `AtomicU64` (see “Atomic counters”)\n\
         An atomic integer is changed through `&self` in one indivisible step (`fetch_add`), with no lock."
    );
}

/// The counter is the atomic and nothing else: no lock or second count beside it.
#[test]
fn the_counter_holds_nothing_but_its_atomic() {
    let size: usize = ::std::mem::size_of::<HitCounter>();
    let atomic: usize = ::std::mem::size_of::<AtomicU64>();
    ::std::assert_eq!(
        size,
        atomic,
        "`HitCounter` should hold only its `hits: AtomicU64`, and nothing beside it (see “Atomic counters”): a lock \
         beside it makes the counting queue, where `fetch_add` needs none, and a second count (a base, a copy) has \
         to be kept in step with the first, which no single atomic step can do for two numbers"
    );
}

/// Every bit of the atomic is the count: `hit` answers whatever the count is, even one with its top bits set.
#[test]
fn every_bit_of_the_atomic_is_the_count() {
    let counter = Arc::new(HitCounter::new());
    // Only an `AtomicU64` field can be set here (another type fails `the_count_is_an_atomic_u64`).
    let field: &dyn Any = &counter.hits;
    let Some(hits) = field.downcast_ref::<AtomicU64>() else { return };
    // A count with every high bit set: a lock made of one of the atomic's own bits looks taken.
    let start: u64 = u64::MAX - 1000;
    hits.store(start, Ordering::SeqCst);
    let (done, finished) = mpsc::channel::<u64>();
    let other = Arc::clone(&counter);
    thread::spawn(move || {
        let _ = done.send(other.hit());
    });
    let answer: Result<u64, RecvTimeoutError> = finished.recv_timeout(Duration::from_secs(2));
    let waited: bool = ::std::matches!(answer, Err(RecvTimeoutError::Timeout));
    ::std::assert!(
        !waited,
        "with the count at {start}, `hit` waited 2 s and never answered: it treats a bit of the atomic as a lock \
         (see “Atomic counters”)\n\
         The whole `AtomicU64` is the count. `fetch_add` adds in one indivisible step, so no bit has to say \
         \"busy\"."
    );
    let number: u64 = answer.unwrap_or(0);
    ::std::assert_eq!(number, start + 1, "the visit after {start} visits is number {}", start + 1);
}

/// `hit` and `take` take no lock at all: they answer while the test holds the process's output locks.
#[test]
fn counting_waits_for_no_lock() {
    let counter = Arc::new(HitCounter::new());
    // The standard library's own process-wide locks: a counter that leans on one queues behind it.
    let out = ::std::io::stdout();
    let err = ::std::io::stderr();
    let input = ::std::io::stdin();
    let held = (out.lock(), err.lock(), input.lock());
    let (done, finished) = mpsc::channel::<(u64, u64)>();
    let other = Arc::clone(&counter);
    thread::spawn(move || {
        let first: u64 = other.hit();
        let taken: u64 = other.take();
        let _ = done.send((first, taken));
    });
    let waited: bool = ::std::matches!(finished.recv_timeout(Duration::from_secs(2)), Err(RecvTimeoutError::Timeout));
    drop(held);
    ::std::assert!(
        !waited,
        "`hit` or `take` waited 2 s while the test held the process's `stdout`, `stderr` and `stdin` locks: \
         it takes a lock (see “Atomic counters”)\n\
         An atomic counts in one indivisible step, `fetch_add`, and `swap(0)` takes the count: no lock at all. \
         (A `println!` in `hit` waits for the output lock too: leave debug output out of it.)"
    );
}

/// On one thread, visits are numbered 1, 2, 3 and the total follows.
#[test]
fn visits_are_numbered_from_one() {
    let counter = HitCounter::new();
    let before: u64 = counter.total();
    ::std::assert_eq!(before, 0, "a new counter has counted no visit");
    let numbers: Vec<u64> = (0..3).map(|_| counter.hit()).collect();
    let expected: Vec<u64> = ::std::vec![1, 2, 3];
    ::std::assert_eq!(
        numbers,
        expected,
        "the first visit is number 1, the second 2, the third 3 (`fetch_add` returns the value from before \
         the addition)"
    );
    let total: u64 = counter.total();
    ::std::assert_eq!(total, 3, "three visits were counted");
}

// For the tests below that make a thread of the test change the count itself while others count
// visits: they stop once the visits have seen another change land between two of them this many
// times, or after the budget.
const CROSSINGS: usize = 20_000;
const CROSSING_BUDGET: Duration = Duration::from_millis(1500);
/// Threads counting visits beside the test's thread that changes the count.
const VISITORS: usize = 4;
/// What the test adds to the count each time it changes it itself: the count's high half then counts
/// the test's additions, its low half the visits.
const TEST_STEP: u64 = 1 << 32;

/// How a thread of the test changes the count itself, straight on the atomic, while others visit.
#[derive(Clone, Copy, PartialEq)]
enum TestChange {
    /// `fetch_add(TEST_STEP)`.
    Add,
    /// `swap(0)`, as a right `take` does.
    Reset,
}

/// What became of the visits made while a thread of the test changed the count itself.
struct Crossed {
    /// Visits made with `hit`.
    made: u64,
    /// Times the test changed the count.
    added: u64,
    /// With `TestChange::Reset`, what the test's resets took out of the count in all.
    reset_took: u128,
    /// What the count held afterwards.
    total: u64,
}

impl Crossed {
    /// Visits the count still holds, and additions of the test it still holds.
    fn kept(&self) -> (u64, u64) {
        (self.total & (TEST_STEP - 1), self.total >> 32)
    }
}

/// `VISITORS` threads count visits with `hit` while the test changes the count itself (`change`),
/// over and over, straight on the atomic. `None` if the count is not an `AtomicU64` (another test
/// says so).
fn visits_while_the_count_changes(counter: &HitCounter, change: TestChange) -> Option<Crossed> {
    let field: &dyn Any = &counter.hits;
    let hits: &AtomicU64 = field.downcast_ref::<AtomicU64>()?;
    let visiting = AtomicBool::new(true);
    let crossings = AtomicUsize::new(0);
    let start = Barrier::new(VISITORS + 1);
    let started = Instant::now();
    let mut reset_took: u128 = 0;
    let (made, added): (u64, u64) = thread::scope(|scope| {
        let visitors: Vec<thread::ScopedJoinHandle<'_, u64>> = (0..VISITORS)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    let (mut made, mut last, mut crossed): (u64, u64, usize) = (0, 0, 0);
                    while visiting.load(Ordering::SeqCst) {
                        let number: u64 = counter.hit();
                        made += 1;
                        if number != last + 1 {
                            crossed += 1; // another change landed between this visit and the one before
                        }
                        last = number;
                        if made & 0x3ff == 0 {
                            let seen: usize = crossings.fetch_add(crossed, Ordering::SeqCst) + crossed;
                            crossed = 0;
                            if seen >= CROSSINGS || started.elapsed() >= CROSSING_BUDGET {
                                visiting.store(false, Ordering::SeqCst);
                            }
                        }
                    }
                    made
                })
            })
            .collect();
        start.wait();
        let mut added: u64 = 0;
        // The budget here too, in case no visitor is left to say stop.
        while visiting.load(Ordering::SeqCst) && !(added & 0x3ff == 0 && started.elapsed() >= CROSSING_BUDGET) {
            match change {
                TestChange::Add => {
                    hits.fetch_add(TEST_STEP, Ordering::SeqCst);
                }
                TestChange::Reset => reset_took += u128::from(hits.swap(0, Ordering::SeqCst)),
            }
            added += 1;
        }
        (visitors.into_iter().map(|h| h.join().unwrap()).sum(), added)
    });
    let total: u64 = hits.load(Ordering::SeqCst);
    Some(Crossed { made, added, reset_took, total })
}

/// Why visits were lost, when a visit made while the count changes is lost: `None` if it is not.
fn why_visits_are_lost() -> Option<&'static str> {
    let crossed: Crossed = visits_while_the_count_changes(&HitCounter::new(), TestChange::Add)?;
    let (visits, additions): (u64, u64) = crossed.kept();
    if additions < crossed.added {
        Some(WIPED_OUT)
    } else if visits < crossed.made && visits_come_back_after_a_reset() {
        Some(RAISED)
    } else if visits < crossed.made {
        Some(GAVE_UP)
    } else {
        None
    }
}

/// Whether `hit` puts visits back that a reset of the count had taken out: `VISITORS` threads visit
/// while a thread of the test resets the count with `swap(0)`, as a right `take` does, and what the
/// resets took plus what is left comes to more than the visits made.
fn visits_come_back_after_a_reset() -> bool {
    visits_while_the_count_changes(&HitCounter::new(), TestChange::Reset)
        .is_some_and(|crossed| crossed.reset_took + u128::from(crossed.total) > u128::from(crossed.made))
}

const WIPED_OUT: &str = "A visit made of a separate `load` and `store` writes back the count it read plus one, wiping \
     out whatever another thread changed in between, even under a lock of its own: a change made straight on the \
     atomic (a `swap(0)`, a `fetch_add`) does not wait for that lock. `fetch_add` reads and adds in one step.";
const RAISED: &str = "A visit that reads the count with `load` and then sets it from what it read (a `fetch_max` of the \
     count read plus one) is lost when another visit lands in between, and after a reset it raises the count back up to \
     what it read, bringing back visits already taken: it never adds 1 to the count as it is then. `fetch_add` adds 1 \
     to whatever the count is, in one step.";
const GAVE_UP: &str = "A hit that gives up when another changed the count is lost: a `compare_exchange` fails when the \
     count moved after the `load`, and the visit must then be tried again. `fetch_add` adds in one step and never has \
     to try again.";

/// A visit counted while another thread changes the count is never lost, and neither is the other thread's change.
#[test]
fn a_visit_counted_while_the_count_changes_is_never_lost() {
    let counter = HitCounter::new();
    // Only an `AtomicU64` field can be changed here (another type fails `the_count_is_an_atomic_u64`).
    let Some(crossed) = visits_while_the_count_changes(&counter, TestChange::Add) else { return };
    let (made, added): (u64, u64) = (crossed.made, crossed.added);
    let (visits, additions): (u64, u64) = crossed.kept();
    ::std::assert!(
        additions == added,
        "while {VISITORS} threads made {made} visits, a thread of the test added 2^32 to the count {added} times \
         itself (with `fetch_add`, straight on the atomic), and only {additions} of its additions were left in the \
         count: the others were wiped out (see “Atomic counters”)\n{WIPED_OUT}"
    );
    // Visits lost, the test's additions kept: a visit that gives up, or one that sets the count from
    // what it read (seen bringing visits back after a reset).
    let why: &str = if visits == made {
        ""
    } else if visits_come_back_after_a_reset() {
        RAISED
    } else {
        GAVE_UP
    };
    ::std::assert!(
        visits == made,
        "while {VISITORS} threads made {made} visits, a thread of the test added 2^32 to the count {added} times \
         itself (with `fetch_add`, straight on the atomic): the count kept every addition of the test's, but only \
         {visits} of the visits (see “Atomic counters”)\n{why}"
    );
}

// The races below sit between two steps of one call, a few instructions apart, where no test can
// stop a thread. So eight threads work at once until they have seen each other cut in between
// their own calls many thousands of times, or 4 s have passed. A thread stopped by the system in
// such a gap while the others go on is then caught many times over, however busy the machine is
// (more threads get more of it), while a correct counter is never caught out.
const THREADS: usize = 8;
const INTERLEAVINGS: usize = 20_000;
const BUDGET: Duration = Duration::from_secs(4);

const SAME_COUNT_TWICE: &str = "A visit made of a separate `load` and `store` lets two threads read the same count and \
     write back the same count plus one; `fetch_add` reads and adds in one step.";

/// Eight threads counting at the same moment lose no visit, and every visit gets a number of its own.
#[test]
fn threads_at_once_get_distinct_numbers_and_lose_no_visit() {
    let counter = HitCounter::new();
    let start = Barrier::new(THREADS);
    let interleavings = AtomicUsize::new(0);
    let started = Instant::now();
    // Each thread says how many visits it made and the sum of the numbers it was given.
    let visits: Vec<(u64, u128)> = thread::scope(|scope| {
        let handles: Vec<thread::ScopedJoinHandle<'_, (u64, u128)>> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    start.wait(); // all of them start counting together
                    let (mut made, mut sum, mut last, mut cut_in): (u64, u128, u64, usize) = (0, 0, 0, 0);
                    loop {
                        let number: u64 = counter.hit();
                        made += 1;
                        sum += u128::from(number);
                        if number != last + 1 {
                            cut_in += 1; // another thread counted between this visit and the one before
                        }
                        last = number;
                        if made & 0x3ff == 0 {
                            let seen: usize = interleavings.fetch_add(cut_in, Ordering::SeqCst) + cut_in;
                            cut_in = 0;
                            if seen >= INTERLEAVINGS || started.elapsed() >= BUDGET {
                                return (made, sum);
                            }
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let made: u64 = visits.iter().map(|(made, _)| made).sum();
    let total: u64 = counter.total();
    // Lost visits: see how, with a thread of the test changing the count beside threads that visit.
    let why: &str = if total == made { "" } else { why_visits_are_lost().unwrap_or(SAME_COUNT_TWICE) };
    ::std::assert!(
        total == made,
        "{THREADS} threads made {made} visits at once, but the count says {total}: visits were lost \
         (see “Atomic counters”)\n{why}"
    );
    // Numbered 1 to `made`, each number once, the numbers add up to 1 + 2 + ... + made.
    let sum: u128 = visits.iter().map(|(_, sum)| sum).sum();
    let expected: u128 = u128::from(made) * (u128::from(made) + 1) / 2;
    let from_zero: bool = sum == u128::from(made) * u128::from(made.saturating_sub(1)) / 2;
    ::std::assert!(
        !from_zero,
        "the visits made at once were numbered 0 to {}, not 1 to {made} (see “Atomic counters”)\n\
         `fetch_add` returns the count from before its addition: the number of a visit is that value plus one.",
        made.saturating_sub(1)
    );
    ::std::assert!(
        sum == expected,
        "the count is right, but the visits made at once were not numbered 1 to {made}, each number once \
         (see “Atomic counters”)\n\
         Some visits got the same number, or the number of another visit. A visit's number has to come from \
         its own `fetch_add` (the value it returns, plus one): reading the count again afterwards, with a \
         `load`, also sees the visits other threads made in between."
    );
}

/// `take` returns the count so far and starts again from 0.
#[test]
fn take_hands_over_the_count_and_restarts() {
    let counter = HitCounter::new();
    for _ in 0..5 {
        counter.hit();
    }
    let taken: u64 = counter.take();
    ::std::assert_eq!(taken, 5, "take should return the 5 visits counted so far");
    let after: u64 = counter.total();
    ::std::assert_eq!(after, 0, "after take the count starts again from 0");
    let next: u64 = counter.hit();
    ::std::assert_eq!(next, 1, "the first visit after take is number 1 again");
    let again: u64 = counter.take();
    ::std::assert_eq!(again, 1, "one visit since the last take");
}

/// `take` loses no visit counted by another thread while it runs, and brings none back.
#[test]
fn take_while_another_thread_counts_loses_nothing() {
    // One thread visits; the others call `take` over and over, until the visitor has seen a `take`
    // between two of its visits many thousands of times, or 4 s have passed.
    let counter = HitCounter::new();
    let start = Barrier::new(4);
    let visiting = AtomicBool::new(true);
    let started = Instant::now();
    // Sums of takes as `u128`: a take that wraps the count around below 0 answers nearly 2^64.
    let doing: &str = "while one thread (the test's own) visited and three others (`taker`s) called `take`";
    let (made, taken): (u64, u128) = calls_that_may_panic(doing, || thread::scope(|scope| {
        let takers: Vec<thread::ScopedJoinHandle<'_, u128>> = (0..3)
            .map(|_| {
                thread::Builder::new().name("a `taker`".to_string()).spawn_scoped(scope, || {
                    start.wait();
                    let mut taken: u128 = 0;
                    while visiting.load(Ordering::SeqCst) {
                        taken += u128::from(counter.take());
                    }
                    taken
                })
                .unwrap()
            })
            .collect();
        start.wait();
        let (mut made, mut last, mut resets): (u64, u64, usize) = (0, 0, 0);
        // Should a call panic here, the takers are still told to stop, so that the scope can end.
        let visited = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            while resets < INTERLEAVINGS && !(made & 0x3ff == 0 && started.elapsed() >= BUDGET) {
                let number: u64 = counter.hit();
                made += 1;
                if number <= last {
                    resets += 1; // a `take` ran between this visit and the one before
                }
                last = number;
            }
        }));
        visiting.store(false, Ordering::SeqCst);
        if let Err(payload) = visited {
            ::std::panic::resume_unwind(payload);
        }
        (made, takers.into_iter().map(|h| h.join().unwrap()).sum())
    }));
    let taken: u128 = taken + u128::from(counter.take());
    let made_all: u128 = u128::from(made);
    // Visits short: lost by `hit` itself (seen with a thread of the test changing the count instead
    // of `take`), or else by `take`.
    let lost_by_hit: Option<&str> = if taken < made_all { why_visits_are_lost() } else { None };
    let hit_lost_them: bool = lost_by_hit.is_some();
    ::std::assert!(
        !hit_lost_them,
        "one thread made {made} visits while others called `take`, and the takes add up to only {taken}: the \
         visits were lost by `hit`, which also loses them when a thread of the test changes the count instead of \
         `take` (the same fault as in `a_visit_counted_while_the_count_changes_is_never_lost`; see \
         “Atomic counters”)\n{}",
        lost_by_hit.unwrap_or_default()
    );
    ::std::assert!(
        taken >= made_all,
        "one thread made {made} visits while others called `take`, and the takes add up to only {taken} \
         (see “Atomic counters”)\n\
         Reading the count and then setting it to 0 are two steps, and the visits counted between them are \
         wiped out; `swap(0)` reads and resets in one step."
    );
    // Visits handed over twice: brought back by `hit` (seen with a thread of the test resetting the
    // count instead of `take`), or else answered twice by `take`.
    let brought_back_by_hit: bool = taken > made_all && visits_come_back_after_a_reset();
    ::std::assert!(
        !brought_back_by_hit,
        "one thread made {made} visits while others called `take`, and the takes add up to {taken}, more \
         than that: `hit` brought back visits already taken, as it also does when a thread of the test resets the \
         count with `swap(0)` instead of `take` (see “Atomic counters”)\n\
         A visit that reads the count with `load` and then sets it from what it read (a `store`, a `fetch_max`) \
         writes back, after the reset, the count from before it; `fetch_add` adds 1 to the count as it is, in one step."
    );
    ::std::assert!(
        taken <= made_all,
        "one thread made {made} visits while others called `take`, and the takes add up to {taken}, more \
         than that: `take` answered visits it did not take out of the count, so they were answered again (see \
         “Atomic counters”)\n\
         Whatever `take` answers must be exactly what it took out of the count: a `load` followed by a \
         `fetch_sub`, say, answers one count and subtracts another, and two takes at once both take the same \
         visits. `swap(0)` takes the whole count and resets it in one step, and answers exactly what it took."
    );
}

/// Takes that visits cut into, and the budget, for `take_right_after_visits_were_counted_answers_them`.
const TAKE_CROSSINGS: usize = 2_000;
const TAKE_BUDGET: Duration = Duration::from_secs(2);

/// `take` right after the test saw visits counted answers at least those visits: it never gives up and answers 0.
#[test]
fn take_right_after_visits_were_counted_answers_them() {
    let counter = HitCounter::new();
    // Threads visit over and over. The test makes a visit itself, reads the count with `total`, and
    // calls `take`: only `take` sets the count back, so `take` must answer at least what the test read.
    // Visits that land between the test's read and the end of `take` are what a `take` of two steps
    // trips on. They land there when a visiting thread runs at the same moment, or when the machine
    // stops the test in the middle of `take` and runs a visiting thread meanwhile; so the test calls
    // `take` over and over, with no pause, until visits have cut in many times, or the budget has passed.
    let visiting = AtomicBool::new(true);
    let start = Barrier::new(VISITORS + 1);
    let started = Instant::now();
    let (mut takes, mut crossings): (usize, usize) = (0, 0);
    let mut short: Option<(u64, u64, u64)> = None; // what the test read, what `take` answered, the count after
    let doing: &str = "while 4 threads (`visitor`s) kept visiting and the test's own thread visited, read the count and took it";
    calls_that_may_panic(doing, || thread::scope(|scope| {
        for _ in 0..VISITORS {
            let _ = thread::Builder::new().name("a `visitor`".to_string()).spawn_scoped(scope, || {
                start.wait();
                while visiting.load(Ordering::SeqCst) {
                    counter.hit();
                }
            });
        }
        start.wait();
        // Should a call panic here, the visitors are still told to stop, so that the scope can end.
        let looked = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            while crossings < TAKE_CROSSINGS && !(takes & 0x3ff == 0 && started.elapsed() >= TAKE_BUDGET) {
                takes += 1;
                counter.hit();
                let seen: u64 = counter.total();
                let taken: u64 = counter.take();
                if taken < seen {
                    let after: u64 = counter.total();
                    short = Some((seen, taken, after));
                    break;
                }
                if taken > seen {
                    crossings += 1; // visits landed between the test's read and the end of `take`
                }
            }
        }));
        visiting.store(false, Ordering::SeqCst);
        if let Err(payload) = looked {
            ::std::panic::resume_unwind(payload);
        }
    }));
    if let Some((seen, taken, after)) = short {
        // The count was not set back: `take` gave up.
        let kept: bool = after >= seen;
        ::std::assert!(
            !(taken == 0 && kept),
            "while {VISITORS} threads kept visiting, the test read the count with `total`, {seen}, then called \
             `take`, which answered 0, and `total` then said {after}: the count was not set back to 0 (see “Atomic counters”)\n\
             A `take` that gives up when a visit lands during it (a `compare_exchange` that lost the race) reports \
             visits as none. `swap(0)` reads and resets in one step, and cannot lose a race."
        );
        ::std::panic!(
            "while {VISITORS} threads kept visiting, the test read the count with `total`, {seen}, then called \
             `take`, which answered {taken}: fewer visits than were counted before it was called (see “Atomic counters”)\n\
             Only `take` sets the count back, so it holds at least {seen} visits when `take` runs. `swap(0)` reads \
             and resets in one step, and answers exactly what it took."
        );
    }
}

/// Threads that call `take` at the same moment in `takes_at_once_hand_over_each_visit_once`.
const TAKERS: usize = 4;
/// How long the half of that test without visits running goes on, unless a take answers more than
/// was visited before.
const TAKES_BUDGET: Duration = Duration::from_millis(500);
/// The half with visits running goes on until the threads have seen each other cut in between their
/// own visits and takes this many times (a take that answered other than the thread's own one
/// visit), or the budget has passed. A machine busy with other work gives the threads fewer
/// moments together, so the test waits for enough of them rather than for a fixed time.
const TAKE_INTERLEAVINGS: usize = 50_000;
const INTERLEAVED_BUDGET: Duration = Duration::from_millis(2000);

/// What several threads taking at once saw: the visits made, what the takes answered in all, what
/// the count held at the end, and the first answer larger than every visit made until then (with
/// those visits), or what a call panicked with.
struct Takes {
    made: u64,
    taken: u128,
    left: u64,
    too_many: Option<(u64, u64)>,
    panicked: Option<String>,
}

/// A panic's message, for the test's own: the words of an arithmetic overflow are kept, but not as
/// the panic put them.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text: String = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    text.replace("attempt to ", "")
}

/// `TAKERS` threads work on one counter at the same moment, each calling `take`: with `visiting`,
/// each makes a visit before each take, so that takes run while others visit; without, the
/// threads make their visits, wait for each other, then all take at once, round after round.
fn takes_at_once(visiting: bool) -> Takes {
    let counter = HitCounter::new();
    // Counted before each visit is made, so no take can ever rightly answer more than this.
    let made = AtomicU64::new(0);
    let taken = ::std::sync::Mutex::new(0u128);
    let too_many: ::std::sync::Mutex<Option<(u64, u64)>> = ::std::sync::Mutex::new(None);
    let panicked: ::std::sync::Mutex<Option<String>> = ::std::sync::Mutex::new(None);
    let stop = AtomicBool::new(false);
    let arrived = AtomicUsize::new(0);
    let interleavings = AtomicUsize::new(0);
    let started = Instant::now();
    // A panic in `hit` or `take` is reported by the test, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        for _ in 0..TAKERS {
            scope.spawn(|| {
                let mut mine: u128 = 0;
                let (mut round, mut takes, mut cut_in): (usize, usize, usize) = (0, 0, 0);
                let work = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
                    if visiting {
                        // A visit, then a take, over and over, with as little else as can be in
                        // between: the visits made are counted here and added up now and then.
                        let (mut visited, mut wrapped): (u64, Option<u64>) = (0, None);
                        while !stop.load(Ordering::Relaxed) {
                            counter.hit();
                            visited += 1;
                            let answer: u64 = counter.take();
                            mine += u128::from(answer);
                            takes += 1;
                            if answer != 1 {
                                cut_in += 1; // another thread visited or took since this one's last take
                            }
                            if answer > 1 << 62 {
                                wrapped.get_or_insert(answer); // no test makes that many visits
                                stop.store(true, Ordering::SeqCst);
                            }
                            if takes & 0xff == 0 {
                                made.fetch_add(visited, Ordering::SeqCst);
                                visited = 0;
                                let seen: usize = interleavings.fetch_add(cut_in, Ordering::SeqCst) + cut_in;
                                cut_in = 0;
                                if seen >= TAKE_INTERLEAVINGS || started.elapsed() >= INTERLEAVED_BUDGET {
                                    stop.store(true, Ordering::SeqCst);
                                }
                            }
                        }
                        made.fetch_add(visited, Ordering::SeqCst);
                        if let Some(answer) = wrapped {
                            // Compared with every visit made, once all threads are done.
                            too_many.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).get_or_insert((answer, 0));
                        }
                        return;
                    }
                    while !stop.load(Ordering::SeqCst) {
                        for _ in 0..50 {
                            made.fetch_add(1, Ordering::SeqCst);
                            counter.hit();
                        }
                        // Every thread has made its visits: now all take at once.
                        round += 1;
                        arrived.fetch_add(1, Ordering::SeqCst);
                        // Spinning, so that all take at the same moment; now and then letting
                        // another thread run, for a machine with fewer cores than threads.
                        let mut spins: usize = 0;
                        while arrived.load(Ordering::SeqCst) < round * TAKERS && !stop.load(Ordering::SeqCst) {
                            spins += 1;
                            if spins & 0xff == 0 {
                                thread::yield_now();
                            } else {
                                ::std::hint::spin_loop();
                            }
                        }
                        for _ in 0..2 {
                            let answer: u64 = counter.take();
                            let visited: u64 = made.load(Ordering::SeqCst);
                            mine += u128::from(answer);
                            if answer > visited {
                                too_many.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).get_or_insert((answer, visited));
                                stop.store(true, Ordering::SeqCst);
                            }
                        }
                        // Every thread has taken: the next round's visits may start.
                        round += 1;
                        arrived.fetch_add(1, Ordering::SeqCst);
                        while arrived.load(Ordering::SeqCst) < round * TAKERS && !stop.load(Ordering::SeqCst) {
                            thread::yield_now();
                        }
                        if round & 0x3f == 0 && started.elapsed() >= TAKES_BUDGET {
                            stop.store(true, Ordering::SeqCst);
                        }
                    }
                }));
                if let Err(payload) = work {
                    panicked.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).get_or_insert(panic_text(&*payload));
                    stop.store(true, Ordering::SeqCst);
                }
                *taken.lock().unwrap_or_else(::std::sync::PoisonError::into_inner) += mine;
            });
        }
    });
    let left = ::std::panic::catch_unwind(|| counter.total());
    ::std::panic::set_hook(report_panics);
    let mut panicked: Option<String> = panicked.into_inner().unwrap_or_else(::std::sync::PoisonError::into_inner);
    let left: u64 = match left {
        Ok(left) => left,
        Err(payload) => {
            panicked.get_or_insert(panic_text(&*payload));
            0
        }
    };
    let made: u64 = made.load(Ordering::SeqCst);
    let too_many: Option<(u64, u64)> = too_many
        .into_inner()
        .unwrap_or_else(::std::sync::PoisonError::into_inner)
        .map(|(answer, visited)| (answer, if visiting { made } else { visited }));
    Takes {
        made,
        taken: taken.into_inner().unwrap_or_else(::std::sync::PoisonError::into_inner),
        left,
        too_many,
        panicked,
    }
}

/// Several threads calling `take` at the same moment, with visits running and without, hand over each visit once: no take answers more than was visited, and the takes plus what is left add up to the visits made.
#[test]
fn takes_at_once_hand_over_each_visit_once() {
    for visiting in [false, true] {
        let how: &str = if visiting {
            "each making a visit before each of its takes"
        } else {
            "each making 50 visits, then, once all had, all calling `take` at the same moment, round after round"
        };
        let takes: Takes = takes_at_once(visiting);
        let (made, taken, left): (u64, u128, u64) = (takes.made, takes.taken, takes.left);
        let panicked: Option<String> = takes.panicked;
        ::std::assert!(
            panicked.is_none(),
            "while {TAKERS} threads worked on one counter, {how}, a call panicked ({}): the count went where it \
             cannot be, below 0 or, wrapping around, up to nearly 2^64, as two takes at once each took out visits the \
             other had already taken (see “Atomic counters”)\n\
             A `take` made of a read and a second change lets two takes both act on the same count. `swap(0)` \
             takes the whole count and resets it in one step, so each visit is handed over once.",
            panicked.clone().unwrap_or_default()
        );
        if let Some((answer, visited)) = takes.too_many {
            ::std::panic!(
                "while {TAKERS} threads worked on one counter, {how}, a `take` answered {answer}, where only {visited} \
                 visits were made in all: the count went below 0 and wrapped around (see “Atomic counters”)\n\
                 Two takes at once both read the same count, and each then took it out: a `load` followed by \
                 `fetch_sub` (or any second step) takes the same visits twice. `swap(0)` reads the count and resets \
                 it in one step, so two takes can never both answer the same visits."
            );
        }
        let handed: u128 = taken + u128::from(left);
        // Visits short: lost by `hit` itself, seen with a thread of the test changing the count instead of `take`.
        let lost_by_hit: Option<&str> = if handed < u128::from(made) { why_visits_are_lost() } else { None };
        ::std::assert!(
            lost_by_hit.is_none(),
            "while {TAKERS} threads worked on one counter, {how}, they made {made} visits, the takes answered {taken} \
             in all, and the count then held {left}: the visits were lost by `hit`, which also loses them when a \
             thread of the test changes the count instead of `take` (the same fault as in \
             `a_visit_counted_while_the_count_changes_is_never_lost`; see “Atomic counters”)\n{}",
            lost_by_hit.unwrap_or_default()
        );
        let brought_back_by_hit: bool = handed > u128::from(made) && visits_come_back_after_a_reset();
        ::std::assert!(
            !brought_back_by_hit,
            "while {TAKERS} threads worked on one counter, {how}, they made {made} visits, the takes answered {taken} \
             in all, and the count then held {left}, more than the visits made: `hit` brought back visits already \
             taken (the same fault as in `take_while_another_thread_counts_loses_nothing`; see “Atomic counters”)"
        );
        ::std::assert!(
            handed == u128::from(made),
            "while {TAKERS} threads worked on one counter, {how}, they made {made} visits, the takes answered {taken} \
             in all, and the count then held {left}: {} (see “Atomic counters”)\n\
             Whatever `take` answers must be exactly what it took out of the count. `swap(0)` takes the whole count \
             and resets it in one step, and answers exactly what it took.",
            if handed > u128::from(made) {
                "more than the visits made: takes answered visits that stayed in the count, or that another take also answered"
            } else {
                "fewer than the visits made: visits were lost between the takes"
            }
        );
    }
}
