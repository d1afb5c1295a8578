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
    /// How many threads were inside together when one of them gave up waiting for the others.
    reached: AtomicUsize,
}

impl Gate {
    const fn new() -> Self {
        Gate {
            inside: Mutex::new(0),
            arrived: Condvar::new(),
            calls: AtomicUsize::new(0),
            lonely: AtomicBool::new(false),
            reached: AtomicUsize::new(0),
        }
    }

    fn arrive(&self, parties: usize) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.lonely.load(Ordering::SeqCst) {
            return; // already seen alone once: do not make every later caller wait too
        }
        let mut inside = self.inside.lock().unwrap();
        *inside += 1;
        self.arrived.notify_all();
        let (inside, wait) =
            self.arrived.wait_timeout_while(inside, Duration::from_secs(2), |n| *n < parties).unwrap();
        if wait.timed_out() {
            self.reached.fetch_max(*inside, Ordering::SeqCst);
            self.lonely.store(true, Ordering::SeqCst);
        }
    }

    fn check(&self, threads: usize) {
        let calls: usize = self.calls.load(Ordering::SeqCst);
        let lonely: bool = self.lonely.load(Ordering::SeqCst);
        let reached: usize = self.reached.load(Ordering::SeqCst);
        let expected_calls: usize = threads;
        ::std::assert_eq!(
            calls, expected_calls,
            "each of the {threads} threads should call `on_start` once; the counting has to happen on threads you spawn (see “Arc and Mutex together”)"
        );
        // Several together, but not all: a cap on how many run at a time, not one thread after another.
        let capped: bool = lonely && reached > 1;
        ::std::assert!(
            !capped,
            "`count_in_parallel` was asked for {threads} threads, and at most {reached} of them were running at once: \
             {reached} called `on_start` together and waited there 2 s for the others, which had not been started. All \
             {threads} should run together: spawn every one of them, with no cap on how many run at a time, and only \
             then join them (see “Arc and Mutex together”)"
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
    let skipped: bool = stored != 8000 && skips_when_busy();
    ::std::assert!(!skipped, "8 threads adding 1 a thousand times each left {stored} in the counter, where 8000 was due: \
         {SKIPPED} {SKIP_WHY}");
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
    let skipped: bool = stored != 100_000 && skips_when_busy();
    ::std::assert!(
        !skipped,
        "4 threads x 25000 increments left {stored} in the counter, where 100000 was due: {SKIPPED} {SKIP_WHY}"
    );
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
    let skipped: bool = stored != 26 && skips_when_busy();
    ::std::assert!(!skipped, "the counter started at 5, and 3 threads x 7 increments left {stored} in it, where 26 was due: \
         {SKIPPED} {SKIP_WHY}");
    // Exactly the 21 increments and nothing of the 5: the counter was set back before the threads counted.
    let start_lost: bool = stored == 21;
    ::std::assert!(
        !start_lost,
        "the counter held 5 before the call, and 3 threads x 7 increments left 21 in it, where 26 was due: the 5 it \
         already held was lost. `count_in_parallel` adds to the counter it is given, whatever it holds: it never sets \
         it back to 0 first (see “Arc and Mutex together”)"
    );
    ::std::assert_eq!(stored, 26, "the counter started at 5, and 3 threads x 7 increments add 21: expected 26");
    ::std::assert_eq!(returned, 26, "count_in_parallel should return the counter's value, 26");
}

/// Takes the counter's lock from a callback, giving up after 2 s: a thread that holds the lock
/// while it calls `on_start` would otherwise leave the callback waiting for ever.
fn lock_from_on_start(counter: &Mutex<u64>) -> Option<::std::sync::MutexGuard<'_, u64>> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match counter.try_lock() {
            Ok(guard) => return Some(guard),
            Err(::std::sync::TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(::std::sync::TryLockError::WouldBlock) if Instant::now() > deadline => return None,
            Err(::std::sync::TryLockError::WouldBlock) => thread::sleep(Duration::from_micros(100)),
        }
    }
}

// For `each_thread_calls_on_start_before_it_counts`: what the counter held each time a thread
// called `on_start` (None: its lock stayed taken for 2 s).
static OBSERVED: OnceLock<Arc<Mutex<u64>>> = OnceLock::new();
static SEEN_AT_START: Mutex<Vec<Option<u64>>> = Mutex::new(Vec::new());
fn start_observed() {
    let seen: Option<u64> = OBSERVED.get().and_then(|counter| lock_from_on_start(counter).map(|guard| *guard));
    SEEN_AT_START.lock().unwrap_or_else(PoisonError::into_inner).push(seen);
}

/// What the counter held when each thread called `on_start`, for one call of `count_in_parallel` on
/// a counter holding 0.
fn seen_at_start(threads: usize, per_thread: u64) -> Vec<Option<u64>> {
    let counter: Arc<Mutex<u64>> = Arc::clone(OBSERVED.get_or_init(|| Arc::new(Mutex::new(0))));
    *counter.lock().unwrap_or_else(PoisonError::into_inner) = 0;
    SEEN_AT_START.lock().unwrap_or_else(PoisonError::into_inner).clear();
    count_in_parallel(&counter, threads, per_thread, start_observed);
    ::std::mem::take(&mut *SEEN_AT_START.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Each thread calls `on_start` first, before it adds anything: with one thread, `on_start` sees the counter as it was given.
#[test]
fn each_thread_calls_on_start_before_it_counts() {
    // One thread: nothing else adds to the counter, so at its `on_start` it still holds its 0.
    let one: Vec<Option<u64>> = seen_at_start(1, 1000);
    let held: bool = one.contains(&None);
    ::std::assert!(
        !held,
        "`on_start` tried for 2 s to lock the counter and could not: the thread called it while holding the \
         counter's lock. Call `on_start()` first, before the thread takes the lock (see “Arc and Mutex together”)"
    );
    let expected_one: Vec<Option<u64>> = ::std::vec![Some(0)];
    let late: bool = one.len() == 1 && one != expected_one;
    ::std::assert!(
        !late,
        "`count_in_parallel(counter holding 0, 1 thread, 1000 increments, ..)`: when its thread called `on_start`, \
         the counter already held {}, where 0 was due: the thread called `on_start` after adding its 1s. Each thread \
         calls `on_start()` first (the app registers the worker there), then adds 1 `per_thread` times (see \
         “Arc and Mutex together”)",
        one[0].unwrap_or(0)
    );
    ::std::assert_eq!(one, expected_one, "with 1 thread, `on_start` should be called once, and see the counter at 0");
    // Four threads: each calls `on_start` before its own first add, so at most the other three's
    // 3 x 1000 can be in the counter then.
    let four: Vec<Option<u64>> = seen_at_start(4, 1000);
    let most: u64 = four.iter().map(|seen| seen.unwrap_or(0)).max().unwrap_or(0);
    ::std::assert!(
        most <= 3000,
        "`count_in_parallel(counter holding 0, 4 threads, 1000 increments, ..)`: when the last of them called \
         `on_start`, the counter held {most}, more than the other three threads' 3000: a thread called `on_start` \
         after adding its own 1s. Each thread calls `on_start()` first, then adds 1 `per_thread` times (see \
         “Arc and Mutex together”)"
    );
}

/// What each thread's `on_start` adds to the counter in `the_answer_is_what_the_counter_holds`.
const ON_START_ADDS: u64 = 100;
static ADDED_TO: OnceLock<Arc<Mutex<u64>>> = OnceLock::new();
static ADD_BLOCKED: AtomicBool = AtomicBool::new(false);
fn start_adding() {
    match ADDED_TO.get().and_then(|counter| lock_from_on_start(counter)) {
        Some(mut guard) => *guard += ON_START_ADDS,
        None => ADD_BLOCKED.store(true, Ordering::SeqCst),
    }
}

/// The answer is what the counter holds once every thread is done, whoever else added to it meanwhile: here each `on_start` adds 100 through the lock.
#[test]
fn the_answer_is_what_the_counter_holds() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(5));
    let _ = ADDED_TO.set(Arc::clone(&counter));
    let returned: u64 = count_in_parallel(&counter, 3, 7, start_adding);
    let stored: u64 = *counter.lock().unwrap_or_else(PoisonError::into_inner);
    let blocked: bool = ADD_BLOCKED.load(Ordering::SeqCst);
    ::std::assert!(
        !blocked,
        "could not begin: `on_start` tried for 2 s to lock the counter and could not, as the thread held the lock \
         while it called `on_start` (the same fault as in `each_thread_calls_on_start_before_it_counts`)"
    );
    let computed: bool = returned != stored && returned == 5 + 3 * 7;
    ::std::assert!(
        !computed,
        "each of 3 threads called `on_start`, which added {ON_START_ADDS} to the counter itself, through its lock (as \
         other code sharing the counter may), and then added 1 seven times: the counter, which held 5, then held \
         {stored}, but `count_in_parallel` returned {returned}, which is 5 + 3 x 7, worked out from the arguments. The \
         answer is what the shared counter holds once every thread is done: after the joins, read it through the lock \
         (see “Arc and Mutex together”)"
    );
    ::std::assert_eq!(stored, 326, "the counter held 5; 3 threads' `on_start` added 100 each, and their 3 x 7 increments 21: expected 326");
    ::std::assert_eq!(returned, stored, "count_in_parallel should return what the counter holds once the threads are done, {stored}");
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
        // The threads counted every increment, and only the final read made its answer up.
        let read_made_up: bool = stored == 25 && returned != 25;
        ::std::assert!(
            !read_made_up,
            "on a counter poisoned by a thread that panicked while it held the lock, holding 5, 2 threads x 10 increments \
             left 25 in the counter, which is right, but `count_in_parallel` returned {returned}: the final read made its \
             answer up on the poison, with no error to say so. A poisoned mutex says some code panicked half way through \
             a change; let `lock().unwrap()` panic, so the failure shows, or, where the count is known to be fine, read \
             it anyway with `unwrap_or_else(PoisonError::into_inner)` (see “Arc and Mutex together”, and \
             “Poisoned locks” later in the course)"
        );
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

static FAILING: AtomicBool = AtomicBool::new(false);
fn start_one_failing() {
    if !FAILING.swap(true, Ordering::SeqCst) {
        ::std::panic!("a worker failed as it started");
    }
}

/// A thread that panics is not passed over: `count_in_parallel` panics too, never returns a count as if every thread had done its work.
#[test]
fn a_thread_that_panics_is_not_passed_over() {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    // The first thread to call `on_start` panics there, before its increments (holding no lock).
    // That panic is expected, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(|| count_in_parallel(&counter, 3, 1000, start_one_failing));
    ::std::panic::set_hook(report_panics);
    let failed: bool = FAILING.load(Ordering::SeqCst);
    ::std::assert!(
        failed,
        "could not begin: no thread called `on_start` (the same fault as in `eight_threads_at_once_make_exactly_8000`)"
    );
    let stored: u64 = *counter.lock().unwrap_or_else(PoisonError::into_inner);
    if let Ok(returned) = outcome {
        // All 3000 counted: the thread that panicked went on to count, so its panic was caught in it.
        ::std::assert!(
            stored != 3000,
            "one of 3 threads panicked in `on_start`, before its 1000 increments, and yet it went on to count them: \
             `count_in_parallel` returned {returned} (the counter holds {stored}), as if every thread had done its \
             work. The panic was caught inside the thread (a `catch_unwind`, say), and a caught panic is a vanished \
             panic too: nobody learns that a worker failed. Let the panic end the thread; `join()` hands it back as \
             an `Err`, and `handle.join().unwrap()` passes it on to the caller (see “Arc and Mutex together”)"
        );
        ::std::panic!(
            "one of 3 threads panicked in `on_start`, before its 1000 increments, and `count_in_parallel` still returned \
             {returned} (the counter holds {stored}), as if every thread had done its work: the thread's panic vanished. \
             `join()` hands a thread's panic back as an `Err`; `handle.join().unwrap()` passes it on, so the caller \
             learns that a worker failed. Waiting some other way (a sleep, watching `Arc::strong_count`), dropping \
             what `join()` returned, or catching the panic (`catch_unwind`) loses it (see “Arc and Mutex together”)"
        );
    }
}

/// How long the test keeps the counter's lock in `count_while_held`: long enough that a call which
/// does not wait for it is seen returning while the lock is still held, even on a busy machine.
const HOLD: Duration = Duration::from_millis(200);

static BUSY: AtomicUsize = AtomicUsize::new(0);
fn start_busy() {
    BUSY.fetch_add(1, Ordering::SeqCst);
}

/// What `count_while_held` saw.
struct Held {
    returned: u64,
    stored: u64,
    /// `count_in_parallel` returned while the test still held the lock.
    returned_while_held: bool,
    /// Threads that called `on_start` while the test held the lock.
    started_while_held: usize,
}

/// Runs `count_in_parallel` on a counter holding `start` while another thread holds its lock; that
/// thread lets go once the call returns, or after `HOLD`.
fn count_while_held(start: u64, threads: usize, per_thread: u64) -> Held {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(start));
    let (held, holding) = ::std::sync::mpsc::channel::<()>();
    let (done, finished) = ::std::sync::mpsc::channel::<()>();
    let (returned, returned_while_held, started_while_held) = thread::scope(|scope| {
        let counter = &counter;
        let holder = scope.spawn(move || {
            let guard = counter.lock().unwrap_or_else(PoisonError::into_inner);
            let before: usize = BUSY.load(Ordering::SeqCst);
            let _ = held.send(());
            let returned_while_held: bool = finished.recv_timeout(HOLD).is_ok();
            let started: usize = BUSY.load(Ordering::SeqCst) - before;
            drop(guard);
            (returned_while_held, started)
        });
        let _ = holding.recv();
        let returned: u64 = count_in_parallel(counter, threads, per_thread, start_busy);
        let _ = done.send(());
        let (returned_while_held, started) = holder.join().unwrap();
        (returned, returned_while_held, started)
    });
    let stored: u64 = *counter.lock().unwrap_or_else(PoisonError::into_inner);
    Held { returned, stored, returned_while_held, started_while_held }
}

/// Whether the threads skip increments when the lock is busy: asked only once a count came out
/// short, to say why. One thread, so no two increments can race each other.
fn skips_when_busy() -> bool {
    let one: Held = count_while_held(0, 1, 1000);
    one.stored < 1000 && one.started_while_held > 0
}

/// Why a count is short when the threads skip a busy lock, and what to do instead.
const SKIP_WHY: &str = "While threads share a counter, a busy lock is the normal case: let `lock()` wait until it is \
     free, then add (see “Arc and Mutex together”). A thread that skips its work when the mutex is busy drops that \
     work, with no error to say so.";

/// For the tests that find a short count and then see, through `skips_when_busy`, why.
const SKIPPED: &str = "increments were skipped while another thread held the lock (the same fault as in \
     `a_busy_counter_is_waited_for`).";

/// While another thread holds the counter's lock, `count_in_parallel` waits for it: its threads skip no increment and its final read makes no answer up.
#[test]
fn a_busy_counter_is_waited_for() {
    // No threads: only the final read meets the busy lock.
    let alone: Held = count_while_held(5, 0, 1000);
    let made_up: bool = alone.returned != 5 && alone.returned_while_held;
    ::std::assert!(
        !made_up,
        "with 0 threads and the counter holding 5, while another thread held the counter's lock, `count_in_parallel` \
         returned {} before the lock was free: the final read made its answer up because the counter was busy. \
         `lock()` waits until the lock is free; read the counter through it (see “Arc and Mutex together”)",
        alone.returned
    );
    let changed: bool = alone.stored != 5 && !alone.returned_while_held;
    ::std::assert!(
        !changed,
        "could not begin: with 0 threads, `count_in_parallel` changed the counter from 5 to {} (the same fault as in \
         `the_threads_add_to_the_given_counter`)",
        alone.stored
    );
    ::std::assert_eq!(alone.returned, 5, "with 0 threads the counter keeps its 5: count_in_parallel should return 5");
    // One thread, so no two increments can race: only the busy lock can cost an increment.
    let one: Held = count_while_held(5, 1, 1000);
    let skipped: bool = one.stored < 1005 && one.started_while_held > 0;
    ::std::assert!(
        !skipped,
        "the counter held 5; while another thread held its lock, 1 thread started to add 1 a thousand times, and the \
         counter then held {}, where 1005 was due: increments were skipped because the lock was busy. {SKIP_WHY}",
        one.stored
    );
    ::std::assert_eq!(one.stored, 1005, "the counter held 5, and 1 thread x 1000 increments should leave 1005 in it");
    let made_up: bool = one.returned != 1005 && one.returned_while_held;
    ::std::assert!(
        !made_up,
        "the thread left 1005 in the counter, but `count_in_parallel` returned {} while another thread still held the \
         lock: the final read made its answer up because the counter was busy. `lock()` waits until the lock is free; \
         read the counter through it (see “Arc and Mutex together”)",
        one.returned
    );
    ::std::assert_eq!(one.returned, 1005, "count_in_parallel should return the counter's value, 1005");
}

// For `the_counter_moves_one_increment_at_a_time`: a thread of the test looks at the counter over
// and over while a thread counts, and notes what it sees. Counted 1 at a time, the counter is seen at
// all sorts of values; with a thread's whole share added at once, only at multiples of that share.
// The thread counts 200 000, so that it runs for a good many milliseconds, in rounds until the values
// seen have no common step left (or 30 rounds, or 2 s). A round shows nothing when the looking thread
// never gets the lock between two adds: the counting thread takes it back at once unless the machine
// stops it in between. On a machine busy with other work, up to two rounds in three show nothing
// (measured); on an idle one, the first round nearly always shows enough.
const SAMPLED_PER_THREAD: u64 = 200_000;
const SAMPLED_ROUNDS: usize = 30;
const SAMPLED_BUDGET: Duration = Duration::from_secs(2);

/// Every time the test's thread tried to lock the counter.
static LOOKS: AtomicUsize = AtomicUsize::new(0);
fn start_sampled() {
    // Start counting only while the test's thread is looking, right now (at most 2 s).
    let from: usize = LOOKS.load(Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(2);
    while LOOKS.load(Ordering::SeqCst) < from + 100 && Instant::now() < deadline {
        thread::yield_now();
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// What the test's thread saw of the counter: how many times it saw it, the largest step every
/// value seen is a multiple of (0 while only 0 was seen), and the first values seen.
struct Looked {
    samples: usize,
    step: u64,
    seen: Vec<u64>,
}

/// Runs `count_in_parallel(counter, 1, SAMPLED_PER_THREAD, ..)` while a thread of the test locks the
/// counter over and over; adds what that thread saw to `looked`, and gives what the call returned.
fn count_while_looked_at(looked: &mut Looked) -> u64 {
    let counter: Arc<Mutex<u64>> = Arc::new(Mutex::new(0));
    let counting = AtomicBool::new(true);
    thread::scope(|scope| {
        let looker = scope.spawn(|| {
            let mut values: Vec<u64> = Vec::new();
            let (mut samples, mut step): (usize, u64) = (0, 0);
            while counting.load(Ordering::SeqCst) {
                LOOKS.fetch_add(1, Ordering::SeqCst);
                // `try_lock` over and over, not `lock()`: a thread that lets go of the lock and takes
                // it again at once gets it back before a sleeping `lock()` is woken, so a waiting
                // `lock()` would only see the counter before and after the counting.
                let value: u64 = match counter.try_lock() {
                    Ok(guard) => *guard,
                    Err(::std::sync::TryLockError::Poisoned(poisoned)) => *poisoned.into_inner(),
                    Err(::std::sync::TryLockError::WouldBlock) => continue,
                };
                samples += 1;
                step = gcd(step, value);
                if values.len() < 6 && !values.contains(&value) {
                    values.push(value);
                }
            }
            (samples, step, values)
        });
        let returned: u64 = count_in_parallel(&counter, 1, SAMPLED_PER_THREAD, start_sampled);
        counting.store(false, Ordering::SeqCst);
        let (samples, step, values) = looker.join().unwrap();
        looked.samples += samples;
        looked.step = gcd(looked.step, step);
        for value in values {
            if looked.seen.len() < 6 && !looked.seen.contains(&value) {
                looked.seen.push(value);
            }
        }
        returned
    })
}

/// While a thread counts, the counter moves 1 at a time: a thread of the test that locks it in between sees values that no adding of a whole share at once leaves.
#[test]
fn the_counter_moves_one_increment_at_a_time() {
    let started = Instant::now();
    let mut looked = Looked { samples: 0, step: 0, seen: Vec::new() };
    let mut rounds: usize = 0;
    while looked.step != 1 && rounds < SAMPLED_ROUNDS && !(rounds > 0 && started.elapsed() > SAMPLED_BUDGET) {
        rounds += 1;
        let returned: u64 = count_while_looked_at(&mut looked);
        let skipped: bool = returned < SAMPLED_PER_THREAD && skips_when_busy();
        ::std::assert!(
            !skipped,
            "while a thread of the test kept locking the counter to look at it, 1 thread adding 1 \
             {SAMPLED_PER_THREAD} times made count_in_parallel return {returned}, where {SAMPLED_PER_THREAD} was \
             due: {SKIPPED} {SKIP_WHY}"
        );
        ::std::assert_eq!(
            returned,
            SAMPLED_PER_THREAD,
            "1 thread adding 1 {SAMPLED_PER_THREAD} times: count_in_parallel should return {SAMPLED_PER_THREAD}"
        );
    }
    let (samples, step, seen): (usize, u64, &[u64]) = (looked.samples, looked.step, &looked.seen);
    let by_shares: bool = step % SAMPLED_PER_THREAD == 0;
    ::std::assert!(
        !by_shares,
        "`count_in_parallel(counter, 1, {SAMPLED_PER_THREAD}, ..)` ran {rounds} times while a thread of the test kept \
         locking the counter to look at it ({samples} looks): it only ever saw the counter at multiples of \
         {SAMPLED_PER_THREAD} (values seen: {seen:?}), so the thread's {SAMPLED_PER_THREAD} landed in one go. A thread \
         that holds the guard across its whole loop makes the other threads count after it, not meanwhile, and \
         summing in a local then adding once is not adding 1 to the shared counter. Each thread should add 1 to the \
         counter `per_thread` times, taking the lock for each add and letting it go in between (see \
         “Arc and Mutex together”)"
    );
    ::std::assert!(
        step == 1,
        "`count_in_parallel(counter, 1, {SAMPLED_PER_THREAD}, ..)` ran {rounds} times while a thread of the test kept \
         locking the counter to look at it ({samples} looks): it only ever saw the counter move in steps of {step} \
         (values seen: {seen:?}), so the increments landed in batches. Each thread should add 1 to the counter \
         `per_thread` times, taking the lock for each add (see “Arc and Mutex together”)"
    );
}

/// How long `every_blocking_call_waits_out_a_long_hold` holds the counters' locks: longer than any
/// time limit a call might give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);
/// How long a call may take to answer once the lock is free.
const STUCK_AFTER: Duration = Duration::from_secs(2);

static LONG_STARTS: AtomicUsize = AtomicUsize::new(0);
fn start_long() {
    LONG_STARTS.fetch_add(1, Ordering::SeqCst);
}

/// What a call of `count_in_parallel` on a thread of its own came back with: when it was asked,
/// when it answered, and what.
struct Came {
    asked: Instant,
    answered: Instant,
    answer: u64,
}

/// Runs `count_in_parallel(counter, threads, per_thread, start_long)` on a thread of its own, timing it.
fn timed_count(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64) -> ::std::sync::mpsc::Receiver<Came> {
    let (answer, answered) = ::std::sync::mpsc::channel::<Came>();
    let counter = Arc::clone(counter);
    thread::spawn(move || {
        let asked = Instant::now();
        let got: u64 = count_in_parallel(&counter, threads, per_thread, start_long);
        let _ = answer.send(Came { asked, answered: Instant::now(), answer: got });
    });
    answered
}

/// While the test holds two counters' locks for over 3 s, `count_in_parallel` on each, one with 0 threads (only its final read waits) and one with a thread that counts, waits for its lock however long it is held, then answers right: a busy lock is never a reason to give up.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let reading: Arc<Mutex<u64>> = Arc::new(Mutex::new(5));
    let counting: Arc<Mutex<u64>> = Arc::new(Mutex::new(5));
    let read_held = reading.lock().unwrap();
    let count_held = counting.lock().unwrap();
    let read: ::std::sync::mpsc::Receiver<Came> = timed_count(&reading, 0, 1000);
    let count: ::std::sync::mpsc::Receiver<Came> = timed_count(&counting, 1, 1000);
    thread::sleep(LONG_HOLD);
    let started_while_held: usize = LONG_STARTS.load(Ordering::SeqCst);
    let let_go: Instant = Instant::now();
    drop(read_held);
    drop(count_held);
    let read_came: Option<Came> = read.recv_timeout(STUCK_AFTER).ok();
    let count_came: Option<Came> = count.recv_timeout(STUCK_AFTER).ok();
    let stored: u64 = *counting.lock().unwrap_or_else(PoisonError::into_inner);
    for (call, came) in [
        ("`count_in_parallel` with 0 threads, on a counter holding 5,", &read_came),
        ("`count_in_parallel` with 1 thread adding 1 a thousand times, on a counter holding 5,", &count_came),
    ] {
        if let Some(came) = came.as_ref().filter(|came| came.answered < let_go) {
            let waited: Duration = came.answered - came.asked;
            ::std::panic!(
                "{call} gave up on a busy lock: the test held the counter's lock for {LONG_HOLD:.1?}, and after waiting \
                 {waited:.1?} the call answered {} while the lock was still held. While threads share a counter, a \
                 busy lock is the normal case, and says nothing about the count: `lock()` waits for it, however long, \
                 with no time limit and no `try_lock` loop (see “Arc and Mutex together”)",
                came.answer
            );
        }
    }
    // The call waited, but its thread's increments did not all land: they gave up while the lock was held.
    let dropped: bool = stored < 1005 && started_while_held > 0;
    ::std::assert!(
        !dropped,
        "the thread of `count_in_parallel` (1 thread adding 1 a thousand times, on a counter holding 5) gave up on a \
         busy lock: it started while the test held the counter's lock for {LONG_HOLD:.1?}, and once the test let go \
         the counter held {stored}, where 1005 was due: increments were dropped while the lock was held. \
         {SKIP_WHY}"
    );
    let read_answer: Option<u64> = read_came.map(|came| came.answer);
    let count_answer: Option<u64> = count_came.map(|came| came.answer);
    let shown = |answer: Option<u64>| answer.map_or_else(|| "nothing within 2 s".to_string(), |n| n.to_string());
    let answered_right: bool = read_answer == Some(5) && count_answer == Some(1005) && stored == 1005;
    ::std::assert!(
        answered_right,
        "once the test let go of the counters' locks, held for {LONG_HOLD:.1?}, `count_in_parallel` with 0 threads \
         answered {} (due 5), and with 1 thread adding 1 a thousand times answered {} and left {stored} in its \
         counter (both due 1005): a call that waited should then do its whole job (see “Arc and Mutex together”)",
        shown(read_answer),
        shown(count_answer)
    );
}
