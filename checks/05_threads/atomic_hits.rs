use super::HitCounter;
use std::any::Any;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The count is kept in an `AtomicU64`, not behind a lock.
#[test]
fn the_count_is_an_atomic_u64() {
    let counter = HitCounter::new();
    let field: &dyn Any = &counter.hits;
    let is_atomic: bool = field.is::<AtomicU64>();
    ::std::assert!(
        is_atomic,
        "the `hits` field should be an `AtomicU64`, not a lock around one number (see “Atomic counters”)\n\
         A lock makes every thread queue just to add 1, where an atomic adds it in one indivisible step."
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

// The races below sit between two steps of one call, a few instructions apart, where no test can
// stop a thread. So two threads work at once until each has seen the other cut in between its own
// calls thousands of times (or 3 s have passed): a gap between two steps is then hit many times over,
// however the threads are scheduled, while a correct counter is never caught out.
const INTERLEAVINGS: usize = 2_000;
const BUDGET: Duration = Duration::from_secs(3);
// Visit numbers the test can keep track of, one bit each.
const MOST: u64 = 1 << 26;

// Runs `work` on this thread and one more at once until either asks to stop or time is up.
// `work` gets the shared stop flag and returns what it found.
fn two_at_once<T: Send>(work: impl Fn(&AtomicBool) -> T + Sync) -> (T, T) {
    let stop = AtomicBool::new(false);
    let start = Barrier::new(2);
    let run = || {
        start.wait(); // both threads start together
        let found = work(&stop);
        stop.store(true, Ordering::SeqCst);
        found
    };
    thread::scope(|scope| {
        let other = scope.spawn(run);
        let mine = run();
        (mine, other.join().unwrap())
    })
}

fn time_is_up(started: Instant, stop: &AtomicBool) -> bool {
    stop.load(Ordering::SeqCst) || started.elapsed() >= BUDGET
}

// What one counting thread saw: visits made, the highest number it was given, a number given twice.
struct Counted {
    visits: u64,
    highest: u64,
    repeated: Option<u64>,
}

/// Two threads counting at the same moment lose no visit, and every visit gets a number of its own.
#[test]
fn two_threads_at_once_get_distinct_numbers_and_lose_no_visit() {
    let counter = HitCounter::new();
    let seen: Vec<AtomicU64> = (0..MOST / 64 + 1).map(|_| AtomicU64::new(0)).collect();
    let started = Instant::now();
    let (mine, theirs): (Counted, Counted) = two_at_once(|stop| {
        let mut counted = Counted { visits: 0, highest: 0, repeated: None };
        let mut last: u64 = 0;
        let mut interleavings: usize = 0;
        while interleavings < INTERLEAVINGS && counted.visits < MOST / 2 {
            if counted.visits & 0xff == 0 && time_is_up(started, stop) {
                break;
            }
            let number: u64 = counter.hit();
            counted.visits += 1;
            if number != last + 1 {
                interleavings += 1; // the other thread counted between this visit and the one before
            }
            last = number;
            counted.highest = counted.highest.max(number);
            if (1..=MOST).contains(&number) {
                let bit: u64 = 1 << (number % 64);
                let before: u64 = seen[(number / 64) as usize].fetch_or(bit, Ordering::SeqCst);
                if before & bit != 0 {
                    counted.repeated = Some(number);
                    break;
                }
            }
        }
        counted
    });
    let made: u64 = mine.visits + theirs.visits;
    let total: u64 = counter.total();
    ::std::assert!(
        total == made,
        "two threads made {made} visits at once, but the count says {total}: visits were lost \
         (see “Atomic counters”)\n\
         A visit made of a separate `load` and `store` lets both threads read the same count and write back \
         the same count plus one; `fetch_add` reads and adds in one step."
    );
    let repeated: Option<u64> = mine.repeated.or(theirs.repeated);
    ::std::assert!(
        repeated.is_none(),
        "two visits made at once were both given number {}, though the count is right \
         (see “Atomic counters”)\n\
         A second `load` after `fetch_add` reads the count again, after the other thread's visit; the \
         number of this visit is what `fetch_add` returned, plus one.",
        repeated.unwrap_or_default()
    );
    let highest: u64 = mine.highest.max(theirs.highest);
    ::std::assert_eq!(highest, made, "{made} visits should be numbered 1 to {made}, each number once");
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
    let counter = HitCounter::new();
    let started = Instant::now();
    // One thread visits (and says how many visits it made), the other takes (and says how many it got).
    let visitor = AtomicBool::new(true);
    let (mine, theirs): ((bool, u64), (bool, u64)) = two_at_once(|stop| {
        let visiting: bool = visitor.swap(false, Ordering::SeqCst);
        let mut sum: u64 = 0;
        let mut last: u64 = 0;
        let mut interleavings: usize = 0;
        let mut calls: u64 = 0;
        while interleavings < INTERLEAVINGS {
            if calls & 0xff == 0 && time_is_up(started, stop) {
                break;
            }
            calls += 1;
            if visiting {
                let number: u64 = counter.hit();
                if number <= last {
                    interleavings += 1; // a `take` ran between this visit and the one before
                }
                last = number;
                sum += 1;
            } else {
                sum += counter.take();
            }
        }
        (visiting, sum)
    });
    let (made, mut taken): (u64, u64) = if mine.0 { (mine.1, theirs.1) } else { (theirs.1, mine.1) };
    taken += counter.take();
    ::std::assert!(
        taken >= made,
        "one thread made {made} visits while another called `take`, and the takes add up to only {taken} \
         (see “Atomic counters”)\n\
         Reading the count and then setting it to 0 are two steps, and the visits counted between them are \
         wiped out; `swap(0)` reads and resets in one step."
    );
    ::std::assert!(
        taken <= made,
        "one thread made {made} visits while another called `take`, and the takes add up to {taken}, more \
         than that (see “Atomic counters”)\n\
         A visit made of a separate `load` and `store` read the count before a `take` and wrote it back, \
         plus one, after the reset; `fetch_add` adds in one step."
    );
}
