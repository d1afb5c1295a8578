// wrong: acknowledge_crash asks with try_lock and answers false whenever a worker holds the lock, so a crash goes unreported while the tally is busy
// poisoned_lock: a tally of finished jobs, shared by worker threads.
//
// When a thread panics while it holds a `Mutex` guard, the mutex becomes *poisoned*: from
// then on `lock()` returns an `Err`, as a warning that the data may have been left half-way
// through an update. With `.unwrap()` on every lock, one crashed worker makes every later
// caller panic too, and the crash spreads through the program.
//
// Solution: the `PoisonError` still carries the guard, and `into_inner()` hands it back. All
// locking goes through one helper that does this, so the tally keeps working after a crash.
// `acknowledge_crash` reports the poison flag and then resets it with `clear_poison()`.
// Recovering is only right because every job leaves the list in a valid state; if a crash
// could leave the data broken, propagating the panic (plain `unwrap`) would be the safer choice.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;

struct Tally {
    done: Mutex<Vec<String>>,
}

impl Tally {
    fn new() -> Self {
        Tally { done: Mutex::new(Vec::new()) }
    }

    // The one place that decides what a poisoned lock means for this type.
    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.done.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `job` with the list locked. Workers call this to record their results.
    fn update<R>(&self, job: impl FnOnce(&mut Vec<String>) -> R) -> R {
        job(&mut self.lock())
    }

    fn finished(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// True if a worker crashed while holding the lock since the last call.
    fn acknowledge_crash(&self) -> bool {
        // a worker is busy with the list: no crash to report right now
        match self.done.try_lock() {
            Err(TryLockError::Poisoned(_)) => {
                self.done.clear_poison();
                true
            }
            _ => false,
        }
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
