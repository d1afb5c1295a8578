// wrong: finished and acknowledge_crash wait only 300 ms for a busy lock (tests hold it ~200-300 ms for finished, ~100-200 ms for acknowledge_crash), then answer [] / false: a made-up quiet no that passes only because the hold is short
// poisoned_lock: a tally of finished jobs, shared by worker threads.
//
// Lesson section: “Poisoned locks”.
// New here: `PoisonError::into_inner` — takes the guard out of the error a poisoned lock returns.
// New here: `Mutex::is_poisoned` / `Mutex::clear_poison` — ask whether a thread panicked holding the lock,
//           and mark the data as fine again.
//
// When a thread panics while it holds a `Mutex` guard, the mutex becomes *poisoned*: from
// then on `lock()` returns an `Err`, as a warning that the data may have been left half-way
// through an update. With `.unwrap()` on every lock, one crashed worker makes every later
// caller panic too, and the crash spreads through the program. (In JavaScript an exception
// thrown in the middle of an update leaves the object half-changed, with no warning at all.)
//
// Jobs here only ever push whole entries, so the list is still usable after a crash.
// 1. Make `update` and `finished` keep working on a poisoned lock, using the data inside the error.
// 2. Make `acknowledge_crash` report a crash once, then clear the warning.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

struct Tally {
    done: Mutex<Vec<String>>,
}

impl Tally {
    fn new() -> Self {
        Tally { done: Mutex::new(Vec::new()) }
    }

    /// Runs `job` with the list locked. Workers call this to record their results.
    fn update<R>(&self, job: impl FnOnce(&mut Vec<String>) -> R) -> R {
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        job(&mut done)
    }


    fn lock_within(&self, ms: u64) -> Option<std::sync::MutexGuard<'_, Vec<String>>> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        loop {
            match self.done.try_lock() {
                Ok(g) => return Some(g),
                Err(std::sync::TryLockError::Poisoned(e)) => return Some(e.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => {
                    if std::time::Instant::now() > deadline { return None; }
                    thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        }
    }

    fn finished(&self) -> Vec<String> {
        match self.lock_within(300) { Some(g) => g.clone(), None => Vec::new() }
    }

    /// True if a worker crashed while holding the lock since the last call.
    fn acknowledge_crash(&self) -> bool {
        let Some(g) = self.lock_within(300) else { return false };
        drop(g);
        let crashed = self.done.is_poisoned();
        if crashed {
            self.done.clear_poison();
        }
        crashed
    }
}

fn main() {
    let tally = Arc::new(Tally::new());
    tally.update(|done| done.push("job 1".to_string()));
    println!("a worker is about to crash on purpose (its panic message is expected):");
    let worker = Arc::clone(&tally);
    let crashed = thread::spawn(move || {
        worker.update(|done| {
            done.push("job 2".to_string());
            panic!("worker crashed while holding the lock");
        })
    })
    .join()
    .is_err();
    println!("worker crashed: {crashed}; crash noticed: {}", tally.acknowledge_crash());
    tally.update(|done| done.push("job 3".to_string()));
    println!("finished: {:?}", tally.finished());
}
