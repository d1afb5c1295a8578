use super::count_in_parallel;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

// A meeting point for `on_start`: each caller waits (at most 2 s) until `parties` threads are
// inside at the same time. Only threads that really run at once can all get through in time.
struct Gate {
    inside: Mutex<usize>,
    arrived: Condvar,
    calls: AtomicUsize,
    lonely: AtomicBool,
}

impl Gate {
    const fn new() -> Self {
        Gate { inside: Mutex::new(0), arrived: Condvar::new(), calls: AtomicUsize::new(0), lonely: AtomicBool::new(false) }
    }

    fn arrive(&self, parties: usize) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.lonely.load(Ordering::SeqCst) {
            return; // already seen alone once: do not make every later caller wait too
        }
        let mut inside = self.inside.lock().unwrap();
        *inside += 1;
        self.arrived.notify_all();
        let (_inside, wait) =
            self.arrived.wait_timeout_while(inside, Duration::from_secs(2), |n| *n < parties).unwrap();
        if wait.timed_out() {
            self.lonely.store(true, Ordering::SeqCst);
        }
    }

    fn check(&self, threads: usize) {
        let calls: usize = self.calls.load(Ordering::SeqCst);
        let lonely: bool = self.lonely.load(Ordering::SeqCst);
        let expected_calls: usize = threads;
        ::std::assert_eq!(
            calls, expected_calls,
            "each of the {threads} threads should call `on_start` once; the counting has to happen on threads you spawn (see “Arc and Mutex together”)"
        );
        ::std::assert!(
            !lonely,
            "the {threads} threads did not run at the same time (one waited 2 s in `on_start` for the others): spawn all of them first, then join them"
        );
    }
}

static EIGHT: Gate = Gate::new();
fn start_eight() {
    EIGHT.arrive(8);
}

static FOUR: Gate = Gate::new();
fn start_four() {
    FOUR.arrive(4);
}

static THREE: Gate = Gate::new();
fn start_three() {
    THREE.arrive(3);
}

static UNUSED: Gate = Gate::new();
fn start_unused() {
    UNUSED.arrive(1);
}

// For `the_counter_grows_while_the_threads_run`: the last of the eight threads to arrive waits
// (at most 2 s) inside `on_start` until the other seven have added their 1000 each to the shared
// counter. That only happens if each thread adds to the counter itself while it runs.
static WATCHED: OnceLock<Arc<Mutex<u64>>> = OnceLock::new();
static GROWN: Gate = Gate::new();
static LAST: AtomicUsize = AtomicUsize::new(0);
static NOT_GROWN: AtomicBool = AtomicBool::new(false);
fn start_watched() {
    GROWN.arrive(8);
    if LAST.fetch_add(1, Ordering::SeqCst) != 7 {
        return;
    }
    let counter = WATCHED.get().unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    while *counter.lock().unwrap() < 7000 {
        if Instant::now() > deadline {
            NOT_GROWN.store(true, Ordering::SeqCst);
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// Each thread adds to the shared counter itself, while the others are still running.
#[test]
fn the_counter_grows_while_the_threads_run() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let _ = WATCHED.set(Arc::clone(&counter));
    let returned: u64 = count_in_parallel(&counter, 8, 1000, start_watched);
    GROWN.check(8);
    let not_grown: bool = NOT_GROWN.load(Ordering::SeqCst);
    ::std::assert!(
        !not_grown,
        "while one thread was still starting, the other seven had not added anything to the counter: each thread should add its 1s to the shared `Arc<Mutex<u64>>` itself, under the lock (see “Arc and Mutex together”)"
    );
    ::std::assert_eq!(returned, 8000, "count_in_parallel should return 8000");
}

/// Eight threads run at once and their 8 x 1000 increments all land in the shared `Arc<Mutex<u64>>`.
#[test]
fn eight_threads_at_once_make_exactly_8000() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let returned: u64 = count_in_parallel(&counter, 8, 1000, start_eight);
    EIGHT.check(8);
    let stored: u64 = *counter.lock().unwrap();
    ::std::assert_eq!(stored, 8000, "8 threads adding 1 a thousand times each should leave exactly 8000 in the counter; fewer means \
         increments were lost: each read-and-add must happen under one lock (see “Arc and Mutex together”)");
    ::std::assert_eq!(returned, 8000, "count_in_parallel should return the counter's final value, 8000");
}

/// Under heavy contention no update is lost.
#[test]
fn many_increments_under_contention_are_all_counted() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let returned: u64 = count_in_parallel(&counter, 4, 25_000, start_four);
    FOUR.check(4);
    let stored: u64 = *counter.lock().unwrap();
    ::std::assert_eq!(stored, 100_000, "4 threads x 25000 increments should leave exactly 100000 in the counter; fewer means increments \
         were lost: each read-and-add must happen under one lock (see “Arc and Mutex together”)");
    ::std::assert_eq!(returned, 100_000, "count_in_parallel should return 100000");
}

/// The threads add to the counter they are given, keeping what was already in it.
#[test]
fn the_threads_add_to_the_given_counter() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(5));
    let returned: u64 = count_in_parallel(&counter, 3, 7, start_three);
    THREE.check(3);
    let stored: u64 = *counter.lock().unwrap();
    ::std::assert_eq!(stored, 26, "the counter started at 5, and 3 threads x 7 increments add 21: expected 26");
    ::std::assert_eq!(returned, 26, "count_in_parallel should return the counter's value, 26");
}

/// Every thread's `Arc` clone is gone once `count_in_parallel` returns.
#[test]
fn every_threads_handle_is_dropped_at_the_end() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    count_in_parallel(&counter, 1, 10, start_unused);
    let owners: usize = Arc::strong_count(&counter);
    ::std::assert_eq!(owners, 1, "after every thread is joined, their `Arc::clone`s should be dropped, leaving only the caller's handle");
}

/// With no threads, or threads that add nothing, the counter stays as it was.
#[test]
fn zero_threads_or_zero_increments_count_zero() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let none: u64 = count_in_parallel(&counter, 0, 1000, start_unused);
    ::std::assert_eq!(none, 0, "with 0 threads nobody increments, so the count is 0");
    let idle: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let returned: u64 = count_in_parallel(&idle, 1, 0, start_unused);
    ::std::assert_eq!(returned, 0, "a thread that increments 0 times leaves the count at 0");
}

static POISONED: Gate = Gate::new();
fn start_poisoned() {
    POISONED.arrive(2);
}

/// On a counter poisoned by a thread that panicked, `count_in_parallel` either panics too or counts every increment: it never skips them and returns as if all were well.
#[test]
fn a_poisoned_counter_never_loses_increments_silently() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(5));
    // A thread that panics while it holds the guard poisons the mutex; that panic, and those of
    // threads that meet the poison, are expected here, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let poisoner = Arc::clone(&counter);
    let _ = thread::spawn(move || {
        let _counting = poisoner.lock();
        ::std::panic!("a worker failed while it held the counter");
    })
    .join();
    let poisoned: bool = counter.is_poisoned();
    let outcome = ::std::panic::catch_unwind(|| count_in_parallel(&counter, 2, 10, start_poisoned));
    ::std::panic::set_hook(report_panics);
    ::std::assert!(poisoned, "the test could not poison the counter");
    let stored: u64 = *counter.lock().unwrap_or_else(PoisonError::into_inner);
    if let Ok(returned) = outcome {
        let counted: bool = returned == 25 && stored == 25;
        ::std::assert!(
            counted,
            "on a counter poisoned by a thread that panicked while it held the lock, holding 5, 2 threads x 10 increments \
             returned {returned} and left {stored} in the counter, where 25 was due: increments were skipped on the poison, \
             with no error to say so. A poisoned mutex says some code panicked half way through a change; let \
             `lock().unwrap()` panic, so the failure shows (see “Arc and Mutex together”, and “Poisoned locks” later in \
             the course)"
        );
    }
}
