// mutex_counter: counting from many threads.
//
// `count_in_parallel(threads, per_thread)` starts `threads` threads; each adds
// 1 to a shared counter `per_thread` times. When all threads are done, it
// returns the counter, which must be exactly `threads * per_thread`.
//
// In Node, worker threads don't share plain objects at all, so this is new
// ground. `Rc<RefCell<_>>` is the single-threaded idiom; across threads its
// counterparts are `Arc` (an atomic reference count, safe to clone and drop
// from any thread) and `Mutex` (one thread at a time, the others wait).

use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(threads: usize, per_thread: u64) -> u64 {
    // Arc shares the counter between threads, Mutex makes `+= 1` exclusive.
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..threads {
        // Each thread owns its own Arc handle; the Mutex itself is not copied.
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                // The guard lives for this one statement, so the lock is
                // released after every increment and other threads get turns.
                *counter.lock().unwrap() += 1;
            }
        }));
    }
    // Wait for every thread: only then is the count final.
    for handle in handles {
        handle.join().unwrap();
    }
    *counter.lock().unwrap()
}

fn main() {
    let total = count_in_parallel(8, 1000);
    println!("8 threads x 1000 increments = {total}");
}
