// mutex_counter: counting from many threads.
//
// Lesson section: “Arc and Mutex together”.
// New here: `std::sync::Arc` — like `Rc`, shared ownership, but its count is updated atomically, so
//           clones may move to other threads.
// New here: `std::sync::Mutex` — like `RefCell`, changes through a shared reference, but a second
//           thread waits for the lock (`lock()`) instead of the program panicking.
// New here: `std::thread::spawn` and `JoinHandle::join` — start a thread, then wait for it to end.
//
// `count_in_parallel(counter, threads, per_thread, on_start)` starts `threads`
// threads that all share `counter`. Each thread first calls `on_start()` once
// (the app registers the worker there; the tests use it to see the threads run
// at the same time), then adds 1 to the counter `per_thread` times. When every
// thread is done it returns the counter's value.
//
// In Node, worker threads don't share plain objects at all, so this is new
// ground. The version below ports `Rc<RefCell<_>>`, the single-threaded idiom
// from shared_event_log, and the compiler refuses it: neither `Rc`'s count
// nor `RefCell`'s borrow flag is safe to update from two threads at once.
// Read the error, then swap each type for its thread-safe counterpart (in
// `main` too). Start all the threads before you wait for any of them.
//
// TODO: make the counter shareable between threads without losing updates.

use std::cell::RefCell;
use std::rc::Rc;
use std::thread;

fn count_in_parallel(counter: &Rc<RefCell<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut handles = Vec::new();
    for _ in 0..threads {
        let counter = Rc::clone(counter); // TODO
        handles.push(thread::spawn(move || {
            on_start();
            for _ in 0..per_thread {
                *counter.borrow_mut() += 1; // TODO
            }
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    *counter.borrow() // TODO
}

fn main() {
    let counter = Rc::new(RefCell::new(0u64)); // TODO
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
