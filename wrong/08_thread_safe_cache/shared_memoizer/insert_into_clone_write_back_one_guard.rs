// wrong: stores an answer by cloning the whole map under the lock, inserting into the copy and assigning the copy back under the same guard: a copy of the whole cache while every other get waits
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

struct Memoizer<F> {
    func: F,
    known: Mutex<HashMap<u64, u64>>,
    misses: AtomicU64,
}

impl<F: Fn(u64) -> u64> Memoizer<F> {
    fn new(func: F) -> Self {
        Memoizer { func, known: Mutex::new(HashMap::new()), misses: AtomicU64::new(0) }
    }

    fn get(&self, key: u64) -> u64 {
        let cached = self.known.lock().unwrap().get(&key).copied();
        if let Some(v) = cached { return v; }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let value = (self.func)(key);
        let mut g = self.known.lock().unwrap();
        let mut copy = g.clone();
        copy.insert(key, value);
        *g = copy;
        value
    }

    fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}

fn main() {
    let memo = Arc::new(Memoizer::new(|n: u64| n * n + 1));
    let warm: Vec<u64> = (1..=3).map(|n| memo.get(n)).collect();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let memo = Arc::clone(&memo);
            thread::spawn(move || (1..=3).map(|n| memo.get(n)).sum::<u64>())
        })
        .collect();
    let sums: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    println!("warm-up {warm:?}, worker sums {sums:?}, computations: {}", memo.misses());
}
