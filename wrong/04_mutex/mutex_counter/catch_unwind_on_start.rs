// wrong: wraps `on_start` in `catch_unwind`, so a worker whose start panics goes on counting and the panic never reaches the caller
use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let mut handles = Vec::new();
    for _ in 0..threads {
        let counter = Arc::clone(counter);
        handles.push(thread::spawn(move || {
            let _ = std::panic::catch_unwind(on_start);
            for _ in 0..per_thread {
                *counter.lock().unwrap() += 1;
            }
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
