// wrong: a split load and store made safe by the process's stderr lock: a lock after all, where fetch_add and swap need none
// atomic_hits: a page-hit counter that every request thread bumps.
//
// Many threads change one number at once. A `Mutex<u64>` would make them queue for a lock to
// add 1; an `AtomicU64` lets each of them add 1 in a single indivisible step, so no update is
// lost and nobody waits for a guard. Every method takes `&self`, so the counter can be shared
// by reference (scoped threads) or through an `Arc` like any other `Sync` value.
//
// The fix: the field is an `AtomicU64`. `hit` uses `fetch_add`, which returns the value from
// before the addition, so the visit's number is that plus one. `take` uses `swap(0)`: reading
// and resetting in one step, so a visit counted in between cannot be lost. `Relaxed` is enough:
// the counter is the only thing these threads share.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

struct HitCounter {
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }

    /// Counts one visit and returns its number: 1 for the first visit, 2 for the second...
    fn hit(&self) -> u64 {
        let _everyone = std::io::stderr().lock();
        let next = self.hits.load(Ordering::Relaxed) + 1;
        self.hits.store(next, Ordering::Relaxed);
        next
    }

    /// The number of visits counted so far.
    fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Returns the visits counted so far and starts again from 0, losing no visit in between.
    fn take(&self) -> u64 {
        let _everyone = std::io::stderr().lock();
        let taken = self.hits.load(Ordering::Relaxed);
        self.hits.store(0, Ordering::Relaxed);
        taken
    }
}

fn main() {
    let counter = HitCounter::new();
    // Scoped threads may borrow `counter`: the scope waits for all of them before it ends.
    thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..1000 {
                    counter.hit();
                }
            });
        }
    });
    println!("4 threads x 1000 visits: {}", counter.total());
    println!("report takes {}, the count is now {}", counter.take(), counter.total());
    println!("the next visit is number {}", counter.hit());
}
