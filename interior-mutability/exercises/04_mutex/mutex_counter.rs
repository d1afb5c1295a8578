// mutex_counter: counting from many threads.
//
// `count_in_parallel(threads, per_thread)` starts `threads` threads; each adds
// 1 to a shared counter `per_thread` times. When all threads are done, it
// returns the counter, which must be exactly `threads * per_thread`.
//
// In Node, worker threads don't share plain objects at all, so this is new
// ground. The version below ports `Rc<RefCell<_>>`, the single-threaded idiom
// from shared_event_log, and the compiler refuses it: neither `Rc`'s count
// nor `RefCell`'s borrow flag is safe to update from two threads at once.
// Read the error, then swap each type for its thread-safe counterpart.
//
// TODO: make the counter shareable between threads without losing updates.

use std::cell::RefCell;
use std::rc::Rc;
use std::thread;

fn count_in_parallel(threads: usize, per_thread: u64) -> u64 {
    let counter = Rc::new(RefCell::new(0u64)); // TODO
    let mut handles = Vec::new();
    for _ in 0..threads {
        let counter = Rc::clone(&counter); // TODO
        handles.push(thread::spawn(move || {
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
    let total = count_in_parallel(8, 1000);
    println!("8 threads x 1000 increments = {total}");
}
