use super::HitCounter;
use std::any::Any;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Barrier};
use std::thread;

/// The count is kept in an `AtomicU64`, not behind a lock.
#[test]
fn the_count_is_an_atomic_u64() {
    let counter = HitCounter::new();
    let field: &dyn Any = &counter.hits;
    let is_atomic: bool = field.is::<AtomicU64>();
    ::std::assert!(
        is_atomic,
        "the `hits` field should be an `AtomicU64`: a lock around one number makes every thread queue just \
         to add 1, where an atomic adds it in one indivisible step (see “Atomic counters”)"
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

/// Eight threads counting at the same moment lose no visit, and every visit gets a number of its own.
#[test]
fn eight_threads_at_once_lose_no_visit() {
    const THREADS: usize = 8;
    const EACH: u64 = 5_000;
    let counter = Arc::new(HitCounter::new());
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<thread::JoinHandle<Vec<u64>>> = (0..THREADS)
        .map(|_| {
            let counter = Arc::clone(&counter);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait(); // all eight start counting together
                (0..EACH).map(|_| counter.hit()).collect()
            })
        })
        .collect();
    let mut numbers: Vec<u64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    numbers.sort_unstable();
    let lowest: u64 = numbers[0];
    ::std::assert_eq!(
        lowest,
        1,
        "the first visit is number 1 (`fetch_add` returns the value from before the addition)"
    );
    numbers.dedup();
    let distinct: usize = numbers.len();
    ::std::assert_eq!(
        distinct,
        40_000,
        "8 threads x 5000 visits should get 40000 different numbers: an increment made of a separate read \
         and write lets two threads get the same number (see “Atomic counters”)"
    );
    let total: u64 = counter.total();
    ::std::assert_eq!(total, 40_000, "8 threads x 5000 visits");
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

/// `take` loses no visit counted by other threads while it runs.
#[test]
fn take_while_others_count_loses_nothing() {
    const THREADS: usize = 4;
    const EACH: u64 = 250_000;
    let counter = Arc::new(HitCounter::new());
    let start = Arc::new(Barrier::new(THREADS + 1));
    let handles: Vec<thread::JoinHandle<()>> = (0..THREADS)
        .map(|_| {
            let counter = Arc::clone(&counter);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                for _ in 0..EACH {
                    counter.hit();
                }
            })
        })
        .collect();
    start.wait();
    let mut taken: u64 = 0;
    while !handles.iter().all(|h| h.is_finished()) {
        taken += counter.take();
    }
    for handle in handles {
        handle.join().unwrap();
    }
    taken += counter.take();
    ::std::assert_eq!(
        taken,
        1_000_000,
        "the takes together should add up to every visit (4 threads x 250000): reading the count and setting \
         it to 0 as two steps loses the visits counted in between; `swap` does both at once"
    );
}
