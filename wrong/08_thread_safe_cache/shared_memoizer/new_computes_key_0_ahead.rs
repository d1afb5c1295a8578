// wrong: `new` computes func(0) ahead of time and caches it without counting: the function runs before anyone asks, and key 0 is never counted as a miss
// shared_memoizer: one memoizer for many threads.
//
// Lesson sections: “From RefCell to Mutex in a memoizer”, and “Computing outside the lock”.
// New here: a thread-safe memoizer — the single-thread `RefCell`/`Cell` pair becomes `Mutex` (or an atomic
//           counter), with each lock lasting one statement so the slow work runs unlocked.
//
// A memoizer wraps a slow function and remembers every answer, so each key is computed
// only once. `get` takes `&self` although it fills the cache, thanks to interior mutability.
//
// This version was written for one thread (`RefCell` and `Cell`). Now several worker threads
// should share ONE memoizer through an `Arc`, and the compiler refuses (error E0277, in `main`).
// Make it thread-safe, and keep the two promises that `get` makes today:
//   * a key that is already cached is never computed again (`misses` counts the computations,
//     only those that happen);
//   * nothing is borrowed (soon: locked) while the slow function runs, so other threads can
//     use the cache meanwhile.
// Keep the three fields `func`, `known` (the map of answers) and `misses`, with thread-safe types:
// `known` a `Mutex<HashMap<u64, u64>>` (an `RwLock` also does; or, to compute each key only once,
// one `Arc<OnceLock<u64>>` per key, as in “Computing outside the lock”), `misses` a `Mutex<u64>` or
// an `AtomicU64`. The tests look at them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

struct Memoizer<F> {
    func: F,
    known: Mutex<HashMap<u64, u64>>,
    misses: Mutex<u64>,
}

impl<F: Fn(u64) -> u64> Memoizer<F> {
    fn new(func: F) -> Self {
        // Warm the cache with the most common key.
        let first = func(0);
        let mut known = HashMap::new();
        known.insert(0, first);
        Memoizer { func, known: Mutex::new(known), misses: Mutex::new(0) }
    }

    fn get(&self, key: u64) -> u64 {
        // 1. Look it up; the guard is a temporary and is released at the end of the statement.
        let cached = self.known.lock().unwrap().get(&key).copied();
        if let Some(value) = cached {
            return value;
        }
        // 2. Compute with no lock held, so other threads keep using the cache meanwhile.
        *self.misses.lock().unwrap() += 1;
        let value = (self.func)(key);
        // 3. Store the answer (a short lock again).
        self.known.lock().unwrap().insert(key, value);
        value
    }

    fn misses(&self) -> u64 {
        *self.misses.lock().unwrap()
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
