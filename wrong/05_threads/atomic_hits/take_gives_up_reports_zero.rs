// wrong: take tries one compare_exchange and, if a visit lands in between, gives up and reports 0 without resetting (57% of takes returned 0 under steady traffic in a demo)
// atomic_hits: a page-hit counter that every request thread bumps.
//
// Lesson section: “Atomic counters”.
// New here: `AtomicU64::new` — a `u64` that many threads may change through `&self`.
// New here: `fetch_add` — adds in one indivisible step and returns the value from before the addition.
// New here: `load` — reads the current value.
// New here: `swap` — stores a new value in one step and returns the old one.
// New here: `Ordering::Relaxed` — the memory ordering every atomic call takes; enough for a lone counter.
//
// A web server answers requests on many threads at once, and each request bumps one shared
// counter. `hit` counts a visit and returns its number (the first visit is 1, the next 2...),
// `total` reads the count and `take` hands the count over to a report and starts again at 0.
//
// In TypeScript a shared `let hits = 0; hits++` is all it takes, because your callbacks never
// run at the same moment. Rust threads do, so the count needs protecting, and the code below
// uses what mutex_counter taught: a `Mutex<u64>`. It works, but it is more than a counter
// needs: every thread queues for the lock just to add 1. The processor can add to a number in
// memory as one indivisible step that no other thread can split in two, and the atomic types
// of `std::sync::atomic` give you that step, with no lock and no guard.
// The tests check that the count is an `AtomicU64`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

struct HitCounter {
    // TODO: a lock around a single number; use an atomic instead.
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }

    /// Counts one visit and returns its number: 1 for the first visit, 2 for the second...
    fn hit(&self) -> u64 {
        // TODO: add 1 in one atomic step; mind what `fetch_add` returns.
        self.hits.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The number of visits counted so far.
    fn total(&self) -> u64 {
        // TODO
        self.hits.load(Ordering::Relaxed)
    }

    /// Returns the visits counted so far and starts again from 0, losing no visit in between.
    fn take(&self) -> u64 {
        // TODO: read and reset in one step.
        let n = self.hits.load(Ordering::Relaxed);
        match self.hits.compare_exchange(n, 0, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => n,
            Err(_) => 0, // busy: try again next report
        }
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
