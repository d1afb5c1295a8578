// wrong: a hand-made spin lock in a static AtomicBool around a split load/store: a lock (spinning, busy-waiting) where one fetch_add needs none
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::sync::atomic::AtomicBool;
static SPIN: AtomicBool = AtomicBool::new(false);

struct HitCounter {
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }
    fn hit(&self) -> u64 {
        while SPIN.swap(true, Ordering::Acquire) { std::hint::spin_loop(); }
        let n = self.hits.load(Ordering::Relaxed) + 1;
        self.hits.store(n, Ordering::Relaxed);
        SPIN.store(false, Ordering::Release);
        n
    }
    fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
    fn take(&self) -> u64 {
        while SPIN.swap(true, Ordering::Acquire) { std::hint::spin_loop(); }
        let n = self.hits.load(Ordering::Relaxed);
        self.hits.store(0, Ordering::Relaxed);
        SPIN.store(false, Ordering::Release);
        n
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
