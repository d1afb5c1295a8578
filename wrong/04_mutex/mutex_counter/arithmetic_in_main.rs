// wrong: threads only call on_start; main adds threads * per_thread itself instead of the threads counting
use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut handles = Vec::new();
    for _ in 0..threads {
        handles.push(thread::spawn(move || on_start()));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    let mut c = counter.lock().unwrap();
    *c += threads as u64 * per_thread;
    *c
}

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
