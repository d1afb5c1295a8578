// thread_registry: worker threads checking in to a registry.
//
// `collect_ids(n)` starts `n` worker threads. Worker number `id` writes `id * 10` into one
// shared list, and once every worker has finished the function returns that list, sorted.
//
// Solution: `Rc` became `Arc` (its reference count is updated atomically, so clones may live
// on other threads) and `RefCell` became `Mutex` (its one-writer check works across threads
// and makes the other threads wait instead of panicking). `Arc<Mutex<T>>` is the threaded
// twin of `Rc<RefCell<T>>`.

use std::sync::{Arc, Mutex};
use std::thread;

fn collect_ids(threads: u64) -> Vec<u64> {
    // Arc does the sharing, Mutex does the mutating: two jobs, two types.
    let registry = Arc::new(Mutex::new(Vec::new()));

    let mut handles = Vec::new();
    for id in 0..threads {
        // A cheap clone of the pointer, moved into the thread; the Vec itself is not copied.
        let registry = Arc::clone(&registry);
        handles.push(thread::spawn(move || {
            // The guard is a temporary, so the lock is released at the end of this statement.
            registry.lock().unwrap().push(id * 10);
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }

    // Every worker has been joined, so nobody else can be holding the lock now.
    let mut ids = registry.lock().unwrap().clone();
    ids.sort_unstable();
    ids
}

fn main() {
    println!("4 workers checked in: {:?}", collect_ids(4));
}
