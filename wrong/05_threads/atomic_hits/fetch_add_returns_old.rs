// wrong: returns what `fetch_add` gives back, the count from before the addition, so the first visit is number 0
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
        self.hits.fetch_add(1, Ordering::Relaxed)
    }

    /// The number of visits counted so far.
    fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Returns the visits counted so far and starts again from 0, losing no visit in between.
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
