// wrong: each thread sums into a local and takes the lock once at the end, instead of adding 1 to the shared counter per_thread times (borderline: a batching optimisation, but the spec says add 1 per_thread times and the counter never shows per-increment progress)
use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut handles = Vec::new();
    for _ in 0..threads {
        let counter = Arc::clone(counter);
        handles.push(thread::spawn(move || {
            on_start();
            let mut local = 0u64;
            for _ in 0..per_thread {
                local += 1;
            }
            *counter.lock().unwrap() += local;
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    *counter.lock().unwrap()
}

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
