// wrong: caps the workers at 4 threads running at a time (spawns them in batches of 4, joining each batch before the next), so with more threads asked for they never all run at once
use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut left = threads;
    while left > 0 {
        let batch = left.min(4);
        left -= batch;
        let mut handles = Vec::new();
        for _ in 0..batch {
            let counter = Arc::clone(counter);
            handles.push(thread::spawn(move || {
                on_start();
                for _ in 0..per_thread {
                    *counter.lock().unwrap() += 1;
                }
            }));
        }
        for handle in handles {
            handle.join().unwrap();
        }
    }
    *counter.lock().unwrap()
}

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
