// thread_registry: worker threads checking in to a registry.
//
// `collect_ids(n)` starts `n` worker threads. Worker number `id` writes `id * 10` into one
// shared list, and once every worker has finished the function returns that list, sorted.
//
// This is the lesson's Exercise 3, and mutex_counter's pattern once more, now around a list.
// In TypeScript, callbacks on the one event loop would all push into the same array and take
// turns without asking. Rust threads really run at the same moment, so the handle that shares
// the list and the cell that guards it must both be safe for that. The code below uses the
// single-threaded `Rc<RefCell<...>>`, and the compiler refuses it (error E0277). Read the error:
// the type it names is built from two pieces that are only safe on one thread. Swap each piece
// for its thread-safe counterpart (the compiler may name the second one only after you fix
// the first).

use std::cell::RefCell;
use std::rc::Rc;
use std::thread;

fn collect_ids(threads: u64) -> Vec<u64> {
    // TODO: this sharer and this cell both belong to single-threaded code.
    let registry = Rc::new(RefCell::new(Vec::new()));

    let mut handles = Vec::new();
    for id in 0..threads {
        // TODO: every worker needs its own handle to the same registry.
        let registry = Rc::clone(&registry);
        handles.push(thread::spawn(move || {
            // TODO: take the registry's lock instead of borrowing a cell.
            registry.borrow_mut().push(id * 10);
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }

    // Threads finish in any order, so sort before returning.
    // TODO: read the final list through the new container.
    let mut ids = registry.borrow().clone();
    ids.sort_unstable();
    ids
}

fn main() {
    println!("4 workers checked in: {:?}", collect_ids(4));
}
