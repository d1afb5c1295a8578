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

/// What the tests say when `jobs_mut` hands out a list other than the one in the board's mutex.
const NOT_THE_BOARDS: &str = "`jobs_mut` should hand out the board's own list, the one inside its `Mutex`, with \
     `self.jobs.get_mut()`: a list kept anywhere else is neither what the threads `add` to nor what `finish` takes out \
     of the mutex (see “Exclusive access needs no lock”)";

/// The board is its mutex and nothing else: no second list kept beside it.
#[test]
fn the_board_holds_nothing_but_its_mutex() {
    let size: usize = ::std::mem::size_of::<JobBoard>();
    let field: usize = ::std::mem::size_of::<Mutex<Vec<Job>>>();
    ::std::assert_eq!(
        size,
        field,
        "`JobBoard` should hold only its `jobs: Mutex<Vec<Job>>`, but it is larger: a list or a flag kept beside the \
         mutex (for the setup jobs, say) splits the board in two. {NOT_THE_BOARDS}"
    );
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
    // It answered, so it did not wait: but with another list than the board's.
    let elsewhere: bool = got.is_some() && got != expected_got;
    ::std::assert!(
        !elsewhere,
        "the board held 1 job, added with `add`, and `jobs_mut` (which did not wait for the lock) handed out a list of \
         {} jobs: that list is not the board's. {NOT_THE_BOARDS}",
        got.unwrap_or(0)
    );
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

/// A job's id and title, to compare what `finish` handed back with what was added.
type Added = (u32, String);

/// Says how `got` differs from `added`, the jobs in the order they were added; `None` if it does not.
fn how_jobs_differ(added: &[Added], got: &[Added]) -> Option<String> {
    if got == added {
        return None;
    }
    let shown = |(id, title): &Added| ::std::format!("id {id}, {title:?}");
    let mut sorted: Vec<Added> = added.to_vec();
    sorted.sort_by_key(|(id, _)| *id);
    let mut same_jobs: Vec<Added> = got.to_vec();
    same_jobs.sort();
    let mut all: Vec<Added> = added.to_vec();
    all.sort();
    if same_jobs == all {
        let first: usize = (0..got.len()).find(|&i| got[i] != added[i]).unwrap_or(0);
        let how: &str = if got == sorted { "sorted by id, " } else { "" };
        return Some(::std::format!(
            "every job came back, but {how}not in the order they were added: at place {} came the job ({}) where the \
             job added there was ({}). The list is the jobs in the order they were added, whatever their ids: `finish` \
             hands back the list in the mutex as it is, sorting nothing",
            first + 1,
            shown(&got[first]),
            shown(&added[first])
        ));
    }
    let missing: Option<usize> = (0..added.len()).find(|&i| !got.contains(&added[i]));
    if let Some(i) = missing.filter(|_| got.len() < added.len()) {
        let repeated: &str = if added[..i].iter().any(|(id, _)| *id == added[i].0) {
            ", whose id an earlier job has too: two jobs may share an id, and each is a job of its own"
        } else {
            ""
        };
        return Some(::std::format!(
            "`finish` handed back {} of the {} jobs added: the job added in place {} ({}) is missing{repeated}. \
             `finish` hands back every job in the mutex, dropping none",
            got.len(),
            added.len(),
            i + 1,
            shown(&added[i])
        ));
    }
    let first: usize = (0..got.len().min(added.len())).find(|&i| got[i] != added[i]).unwrap_or(got.len().min(added.len()));
    Some(::std::format!(
        "`finish` handed back {} jobs, where {} were added, and they differ from place {} on: {} where ({}) was \
         added. `finish` hands back the jobs exactly as they were added",
        got.len(),
        added.len(),
        first + 1,
        got.get(first).map_or_else(|| "nothing".to_string(), |job| ::std::format!("({})", shown(job))),
        added.get(first).map_or_else(|| "nothing".to_string(), shown)
    ))
}

/// Fills a board with `ids` (the first half through `jobs_mut`, the rest through `add`), each job
/// titled by its place, then finishes it: the jobs added, and what `finish` handed back.
fn added_and_finished(ids: &[u32]) -> (Vec<Added>, Vec<Added>) {
    let added: Vec<Added> = ids.iter().enumerate().map(|(n, &id)| (id, ::std::format!("job {}", n + 1))).collect();
    let mut board = JobBoard::new();
    let (setup, shared) = added.split_at(added.len() / 2);
    for (id, title) in setup {
        board.jobs_mut().push(job(*id, title));
    }
    for (id, title) in shared {
        board.add(job(*id, title));
    }
    let got: Vec<Added> = board.finish().into_iter().map(|j| (j.id, j.title)).collect();
    (added, got)
}

/// `finish` hands back every job exactly as added: ids out of order, ids that repeat (next to each other or apart), and thousands of jobs.
#[test]
fn finish_keeps_every_job_as_added() {
    let few: Vec<u32> = ::std::vec![7, 3, 3, 9, 1, 7, 0, u32::MAX, 3, 2, 2, 2, 5, 4, 1];
    // 5 000 jobs, ids from 0 to 999 in a scrambled order, each id five times.
    let many: Vec<u32> = (0..5000u32).map(|n| n.wrapping_mul(7919) % 1000).collect();
    for (what, ids) in [("15 jobs with ids out of order, some repeated", few), ("5000 jobs with ids out of order, each id five times", many)] {
        let (added, got): (Vec<Added>, Vec<Added>) = added_and_finished(&ids);
        let differ: Option<String> = how_jobs_differ(&added, &got);
        ::std::assert!(
            differ.is_none(),
            "a board was given {what} (the first half through `jobs_mut`, the rest through `add`), and {} (see \
             “Exclusive access needs no lock”)",
            differ.unwrap_or_default()
        );
    }
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
    let handed: Vec<u32> = ids(board.jobs_mut());
    let expected_handed: Vec<u32> = ::std::vec![7];
    ::std::assert!(
        handed == expected_handed,
        "a thread added job 7 with `add`, and once it was done `jobs_mut` handed out the jobs {handed:?}, where the \
         board held [7]. {NOT_THE_BOARDS}"
    );
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
        // The board's own list still whole, and another one handed out: not a poison fault at all.
        let elsewhere: bool = kept == expected && handed != expected;
        ::std::assert!(
            !elsewhere,
            "after a worker panicked while it held the board's lock (which poisons it), `jobs_mut` handed out the list \
             {handed:?}, while the list in the board's mutex still held [1, 2]: the list handed out is not the \
             board's. {NOT_THE_BOARDS}"
        );
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

/// How long `every_blocking_call_waits_out_a_long_hold` holds the board's lock: longer than any time
/// limit an `add` might give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);

/// While the test holds the board's lock for over 3 s, `add` waits for it however long it is held, then adds the job: a busy board is never a reason to drop it.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let board = ::std::sync::Arc::new(JobBoard::new());
    crate::__learn::exact::<Mutex<Vec<Job>>, _>(&board.jobs);
    board.add(job(1, "build"));
    board.add(job(2, "test"));
    let holding = board.jobs.lock().unwrap();
    let (came, add_came) = mpsc::channel::<(Instant, Instant)>();
    let adder = ::std::sync::Arc::clone(&board);
    thread::spawn(move || {
        let asked = Instant::now();
        adder.add(job(3, "deploy"));
        let _ = came.send((asked, Instant::now()));
    });
    thread::sleep(LONG_HOLD);
    let let_go: Instant = Instant::now();
    drop(holding);
    let returned: Option<(Instant, Instant)> = add_came.recv_timeout(Duration::from_secs(2)).ok();
    let kept: Vec<u32> = ids(&board.jobs.lock().unwrap_or_else(PoisonError::into_inner));
    let expected: Vec<u32> = ::std::vec![1, 2, 3];
    if let Some((asked, answered)) = returned.filter(|(_, answered)| *answered < let_go) {
        let waited: Duration = answered - asked;
        let dropped: String = if kept == expected {
            String::new()
        } else {
            ::std::format!(", and once the test let go the board held {kept:?}: the job was dropped")
        };
        ::std::panic!(
            "`add(job 3)` gave up on a busy lock: the test held the board's lock for {LONG_HOLD:.1?}, and after waiting \
             {waited:.1?} the call returned while the lock was still held{dropped}. While threads share the board, a busy \
             lock is the normal case, and a worker may hold it for as long as its change takes: `lock()` waits for it, \
             however long, with no time limit and no `try_lock` loop (see “Keeping the lock short”: a thread that \
             skips its work when the mutex is busy drops that work)"
        );
    }
    let added: bool = returned.is_some() && kept == expected;
    ::std::assert!(
        added,
        "once the test let go of the board's lock, held for {LONG_HOLD:.1?} while `add(job 3)` waited, `add` {} and \
         the board held {kept:?}, where [1, 2, 3] was due: a call that waited should then do its whole job (see \
         “Keeping the lock short”)",
        if returned.is_some() { "returned" } else { "did not return within 2 s" }
    );
}
