// wrong: keeps a lock (`Arc<Mutex<u64>>`) around the count where an atomic is all a counter needs
use std::sync::{Arc, Mutex};
use std::thread;

struct HitCounter {
    hits: Arc<Mutex<u64>>,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter { hits: Arc::new(Mutex::new(0)) }
    }

    /// Counts one visit and returns its number: 1 for the first visit, 2 for the second...
    fn hit(&self) -> u64 {
        let mut hits = self.hits.lock().unwrap();
        *hits += 1;
        *hits
    }

    /// The number of visits counted so far.
    fn total(&self) -> u64 {
        *self.hits.lock().unwrap()
    }

    /// Returns the visits counted so far and starts again from 0, losing no visit in between.
    fn take(&self) -> u64 {
        let mut hits = self.hits.lock().unwrap();
        let taken = *hits;
        *hits = 0;
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
