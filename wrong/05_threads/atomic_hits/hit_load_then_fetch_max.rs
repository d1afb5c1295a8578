// wrong: `hit` is a `load` then `fetch_max(n + 1)`, so two visits that read the same count both set it to the same n + 1 and one of them is lost
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
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }
    fn hit(&self) -> u64 {
        let n = self.hits.load(Ordering::Relaxed) + 1;
        self.hits.fetch_max(n, Ordering::Relaxed);
        n
    }
    fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
    fn take(&self) -> u64 {
        self.hits.swap(0, Ordering::Relaxed)
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
