// wrong: misses() reads the count with a swap to 0, so asking twice answers the count and then 0
// shared_memoizer: one memoizer for many threads.
//
// A memoizer wraps a slow function and remembers every answer, so each key is computed
// only once. `get` takes `&self` although it fills the cache, thanks to interior mutability.
//
// Solution: `RefCell` became `Mutex` and `Cell` became `Mutex` too (an `AtomicU64` would also
// do for a plain counter). `Memoizer` is now `Sync`, so an `Arc<Memoizer>` may be handed to
// other threads. `get` keeps its three short steps: each lock lasts one statement and nothing
// is locked while `func` runs. Holding the cache lock during the computation (for example with
// `entry(key).or_insert_with(...)` on the guard) would make every other thread wait for the
// slow function. The price: two threads that miss the same key at the same moment may both
// compute it.

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
        Memoizer { func, known: Mutex::new(HashMap::new()), misses: Mutex::new(0) }
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
        std::mem::take(&mut *self.misses.lock().unwrap())
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
