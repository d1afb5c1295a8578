// wrong: the threads recover a poisoned counter and count every increment, but the final read answers 0 on the poison instead of the count
// mutex_counter: counting from many threads.
//
// “Arc and Mutex together”: `count_in_parallel` starts `threads` threads that
// share one counter. Each thread calls `on_start()` once, then adds 1 to the
// counter `per_thread` times; once every thread is done, it returns the total.
//
// `Rc<RefCell<_>>` is the single-threaded idiom; across threads its
// counterparts are `Arc` (an atomic reference count, safe to clone and drop
// from any thread) and `Mutex` (one thread at a time, the others wait).

use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut handles = Vec::new();
    // Start every thread first, so they all run at the same time...
    for _ in 0..threads {
        // ...each with a handle of its own to the same counter.
        let counter = Arc::clone(counter);
        handles.push(thread::spawn(move || {
            on_start();
            for _ in 0..per_thread {
                // The guard is a temporary: the lock is released at the semicolon.
                *counter.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
            }
        }));
    }
    // ...and only then wait for all of them.
    for handle in handles {
        handle.join().unwrap();
    }
    counter.lock().map(|count| *count).unwrap_or(0)
}

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
