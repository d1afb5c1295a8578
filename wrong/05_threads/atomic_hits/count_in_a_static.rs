// wrong: counts in a static AtomicU64 instead of the hits field: every HitCounter shares one count (two counters see each other's visits; take on one empties the other)
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
static GLOBAL: AtomicU64 = AtomicU64::new(0);

struct HitCounter {
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }
    fn hit(&self) -> u64 {
        GLOBAL.fetch_add(1, Ordering::Relaxed) + 1
    }
    fn total(&self) -> u64 {
        GLOBAL.load(Ordering::Relaxed)
    }
    fn take(&self) -> u64 {
        GLOBAL.swap(0, Ordering::Relaxed)
    }
}

fn main() {
    let counter = HitCounter::new();
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
