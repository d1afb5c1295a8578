use super::{Job, JobBoard};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

fn job(id: u32, title: &str) -> Job {
    Job { id, title: title.to_string() }
}

fn ids(jobs: &[Job]) -> Vec<u32> {
    jobs.iter().map(|j| j.id).collect()
}

// Leaves the board's mutex locked for good: the guard is forgotten, so nothing ever unlocks it.
// `get_mut` and `into_inner` do not look at the lock (they have `&mut` or the mutex itself);
// `lock()` would wait forever.
fn leave_locked(board: &JobBoard) {
    let jobs: &Mutex<Vec<Job>> = &board.jobs;
    ::std::mem::forget(jobs.lock().unwrap());
}

/// `jobs_mut` gives a plain `&mut Vec<Job>` into the board during setup.
#[test]
fn jobs_mut_gives_a_plain_mutable_reference_during_setup() {
    let mut board = JobBoard::new();
    let jobs: &mut Vec<Job> = board.jobs_mut();
    jobs.push(job(1, "build"));
    jobs.push(job(2, "test"));
    jobs.push(job(3, "deploy"));
    jobs.retain(|j| j.id != 2);
    let len: usize = board.jobs_mut().len();
    ::std::assert_eq!(len, 2, "jobs_mut should give direct access to the board's list: 3 pushed, 1 removed leaves 2");
}

/// `jobs_mut` does not lock: it works even while the mutex is left locked.
#[test]
fn jobs_mut_does_not_lock() {
    let mut board = JobBoard::new();
    board.add(job(1, "build"));
    leave_locked(&board);
    let (tx, rx) = mpsc::channel::<usize>();
    thread::spawn(move || {
        let len = board.jobs_mut().len();
        let _ = tx.send(len);
    });
    let got: Option<usize> = rx.recv_timeout(Duration::from_secs(2)).ok();
    let expected_got: Option<usize> = Some(1);
    ::std::assert_eq!(
        got,
        expected_got,
        "jobs_mut waited for the lock: with `&mut self` nobody else can hold it, so use `Mutex::get_mut` instead of `lock()` (see “Exclusive access needs no lock”)"
    );
}

/// `finish` does not lock: it moves the list out of the mutex even while it is left locked.
#[test]
fn finish_does_not_lock() {
    let board = JobBoard::new();
    board.add(job(1, "build"));
    board.add(job(2, "test"));
    leave_locked(&board);
    let (tx, rx) = mpsc::channel::<Vec<u32>>();
    thread::spawn(move || {
        let jobs = board.finish();
        let _ = tx.send(ids(&jobs));
    });
    let got: Option<Vec<u32>> = rx.recv_timeout(Duration::from_secs(2)).ok();
    let expected_got: Option<Vec<u32>> = Some(::std::vec![1, 2]);
    ::std::assert_eq!(
        got,
        expected_got,
        "finish waited for the lock: it owns the board, so use `Mutex::into_inner` instead of `lock()` (see “Exclusive access needs no lock”)"
    );
}

/// `finish` hands back every job in the order it was added.
#[test]
fn finish_returns_the_jobs_in_order() {
    let mut board = JobBoard::new();
    board.jobs_mut().push(job(1, "build"));
    let shared: &JobBoard = &board;
    shared.add(job(2, "test"));
    shared.add(job(3, "deploy"));
    let jobs: Vec<Job> = board.finish();
    let titles: Vec<String> = jobs
        .iter()
        .map(|j| {
            crate::__learn::exact::<String, _>(&j.title);
            j.title.clone()
        })
        .collect();
    let got: Vec<u32> = ids(&jobs);
    let expected_got: Vec<u32> = ::std::vec![1, 2, 3];
    ::std::assert_eq!(got, expected_got, "finish should hand back every job, in the order they were added");
    let expected_titles: Vec<String> = ::std::vec!["build".to_string(), "test".to_string(), "deploy".to_string()];
    ::std::assert_eq!(titles, expected_titles, "the jobs should keep their titles");
}

/// A board with no jobs finishes with an empty list.
#[test]
fn finish_on_an_empty_board_is_empty() {
    let jobs: Vec<Job> = JobBoard::new().finish();
    let empty: bool = jobs.is_empty();
    ::std::assert!(empty, "a board with no jobs should finish with an empty list");
}

/// Filled alone, shared by threads through `add`, then finished: every job is there.
#[test]
fn board_filled_alone_then_shared_by_threads_then_finished() {
    let mut board = JobBoard::new();
    for id in 0..3 {
        board.jobs_mut().push(job(id, "setup"));
    }
    thread::scope(|scope| {
        let board = &board;
        for worker in 1..=4u32 {
            scope.spawn(move || {
                for n in 0..5 {
                    board.add(job(worker * 100 + n, "worker"));
                }
            });
        }
    });
    let jobs: Vec<Job> = board.finish();
    let all: Vec<u32> = ids(&jobs);
    ::std::assert_eq!(all.len(), 23, "3 setup jobs plus 4 workers x 5 jobs should give 23 jobs");
    let setup: Vec<u32> = all.iter().take(3).copied().collect();
    let expected_setup: Vec<u32> = ::std::vec![0, 1, 2];
    ::std::assert_eq!(setup, expected_setup, "the setup jobs were added before any worker started, so they come first");
    let mut worker_ids: Vec<u32> = all[3..].to_vec();
    worker_ids.sort();
    let expected: Vec<u32> = (1..=4u32).flat_map(|w| (0..5).map(move |n| w * 100 + n)).collect();
    ::std::assert_eq!(worker_ids, expected, "every job added by a worker thread should be in the finished list");
}

/// After the threads are gone, `jobs_mut` changes what `finish` returns.
#[test]
fn jobs_mut_still_works_after_the_shared_phase() {
    let mut board = JobBoard::new();
    thread::scope(|scope| {
        let board = &board;
        scope.spawn(move || board.add(job(7, "from a thread")));
    });
    board.jobs_mut()[0].title.push_str(" (checked)");
    let jobs: Vec<Job> = board.finish();
    let title: String = jobs[0].title.clone();
    ::std::assert_eq!(title, "from a thread (checked)", "a change made through jobs_mut should be visible in the finished list");
}

/// A board holding jobs 1 and 2, poisoned the way a bug does: a worker panics while it holds the
/// lock. That panic is expected, so not printed.
fn a_poisoned_board() -> JobBoard {
    let board = JobBoard::new();
    crate::__learn::exact::<Mutex<Vec<Job>>, _>(&board.jobs);
    board.add(job(1, "build"));
    board.add(job(2, "test"));
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        let _ = scope
            .spawn(|| {
                let _adding = board.jobs.lock();
                ::std::panic!("a worker failed while it held the board");
            })
            .join();
    });
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = board.jobs.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the board");
    board
}

/// Runs `call`, with panic output turned off: `Some` of what it returned, `None` if it panicked.
fn returned_quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok();
    ::std::panic::set_hook(report_panics);
    outcome
}

/// What the tests say to do about a poisoned board.
const ON_POISON: &str = "A poisoned mutex says some code panicked half way through a change. Let `unwrap()` panic, so the \
     failure shows, or, where the data is known to be fine, take it anyway with `unwrap_or_else(PoisonError::into_inner)` \
     (see “Poisoned locks”, later in the course)";

/// On a board poisoned by a worker that panicked, `add` either panics too or adds the job: it never drops it.
#[test]
fn add_on_a_poisoned_board_never_drops_the_job() {
    let board = a_poisoned_board();
    let returned: bool = returned_quietly(|| board.add(job(3, "deploy"))).is_some();
    let kept: Vec<u32> = ids(&board.jobs.lock().unwrap_or_else(PoisonError::into_inner));
    let dropped: bool = returned && kept != [1, 2, 3];
    ::std::assert!(
        !dropped,
        "after a worker panicked while it held the board's lock (which poisons it), `add(job 3)` returned, but the board \
         then held the jobs {kept:?}: the job was dropped without a trace.\n{ON_POISON}"
    );
}

/// On a board poisoned by a worker that panicked, `finish` either panics too or returns every job: never an empty list.
#[test]
fn finish_on_a_poisoned_board_never_loses_the_jobs() {
    let board = a_poisoned_board();
    let finished: Option<Vec<u32>> = returned_quietly(move || ids(&board.finish()));
    let lost: bool = finished.as_ref().is_some_and(|jobs| jobs != &[1, 2]);
    ::std::assert!(
        !lost,
        "after a worker panicked while it held the board's lock (which poisons it), `finish` returned the jobs {:?}, \
         where the board held [1, 2]: the poison was taken for an empty board, and the jobs are gone.\n{ON_POISON}",
        finished.unwrap_or_default()
    );
}

/// On a board poisoned by a worker that panicked, `jobs_mut` either panics too or hands out every job: it never swaps in an empty list.
#[test]
fn jobs_mut_on_a_poisoned_board_never_loses_the_jobs() {
    let mut board = a_poisoned_board();
    let handed: Option<Vec<u32>> = returned_quietly(|| ids(board.jobs_mut()));
    let kept: Vec<u32> = ids(&board.jobs.lock().unwrap_or_else(PoisonError::into_inner));
    let expected: Vec<u32> = ::std::vec![1, 2];
    if let Some(handed) = handed {
        // An empty list where the board held jobs: the poisoned list was swapped for a fresh one.
        let how: &str = if handed.is_empty() {
            "the poisoned list was swapped for a fresh, empty one, and every job added before the crash is gone"
        } else {
            "jobs were lost on the poison"
        };
        ::std::assert!(
            handed == expected && kept == expected,
            "after a worker panicked while it held the board's lock (which poisons it), `jobs_mut` returned the list \
             {handed:?}, and the board then held {kept:?}, where it held [1, 2]: {how}.\n{ON_POISON}"
        );
    }
}

/// How long the test keeps the board's lock while `add` is called: long enough that an `add` which
/// does not wait is seen returning while the lock is still held, even on a busy machine.
const HOLD: Duration = Duration::from_millis(200);

/// `add` on a board another thread is holding waits for the lock, then adds the job: a busy board never drops it.
#[test]
fn add_on_a_busy_board_waits_and_keeps_the_job() {
    let board = JobBoard::new();
    crate::__learn::exact::<Mutex<Vec<Job>>, _>(&board.jobs);
    board.add(job(1, "build"));
    board.add(job(2, "test"));
    let (held, holding) = mpsc::channel::<()>();
    let (returned, add_returned) = mpsc::channel::<()>();
    // Another thread takes the board's lock and keeps it until `add` returns, or for `HOLD`.
    let (returned_while_held, waited): (bool, Duration) = thread::scope(|scope| {
        let board = &board;
        let holder = scope.spawn(move || {
            let guard = board.jobs.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = held.send(());
            let returned_while_held: bool = add_returned.recv_timeout(HOLD).is_ok();
            drop(guard);
            returned_while_held
        });
        let _ = holding.recv();
        let called = Instant::now();
        board.add(job(3, "deploy"));
        let waited: Duration = called.elapsed();
        let _ = returned.send(());
        (holder.join().unwrap(), waited)
    });
    let kept: Vec<u32> = ids(&board.jobs.lock().unwrap_or_else(PoisonError::into_inner));
    let expected: Vec<u32> = ::std::vec![1, 2, 3];
    ::std::assert!(
        !(returned_while_held && kept != expected),
        "while another thread held the board's lock, `add(job 3)` returned after {waited:?}, before the lock was free, \
         and once it was free the board held {kept:?}: the job was dropped because the board was busy. While threads \
         share the board, a busy lock is the normal case: let `lock()` wait its turn, then push the job (see \
         “Keeping the lock short”: a thread that skips its work when the mutex is busy drops that work)"
    );
    ::std::assert_eq!(
        kept,
        expected,
        "the board held jobs 1 and 2, another thread held its lock for a while, and `add(job 3)` waited for it: the \
         board should then hold [1, 2, 3]"
    );
}
