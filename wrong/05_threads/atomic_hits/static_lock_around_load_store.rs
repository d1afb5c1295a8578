// wrong: a static Mutex<()> (outside the struct, invisible to the size check) serializes a split load/store: every hit still queues behind a lock, just not the field's
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::sync::Mutex;
static BIG_LOCK: Mutex<()> = Mutex::new(());

struct HitCounter {
    hits: AtomicU64,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: AtomicU64::new(0) }
    }
    fn hit(&self) -> u64 {
        let _g = BIG_LOCK.lock().unwrap();
        let n = self.hits.load(Ordering::Relaxed) + 1;
        self.hits.store(n, Ordering::Relaxed);
        n
    }
    fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
    fn take(&self) -> u64 {
        let _g = BIG_LOCK.lock().unwrap();
        let n = self.hits.load(Ordering::Relaxed);
        self.hits.store(0, Ordering::Relaxed);
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
