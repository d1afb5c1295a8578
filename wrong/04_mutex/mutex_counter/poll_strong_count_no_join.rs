// wrong: never joins; polls Arc::strong_count with sleeps until the clones are gone, so a thread that panics (e.g. in on_start) is never reported and a short total comes back as if complete
use std::sync::{Arc, Mutex};
use std::thread;

fn count_in_parallel(counter: &Arc<Mutex<u64>>, threads: usize, per_thread: u64, on_start: fn()) -> u64 {
    let base = Arc::strong_count(counter);
    let mut handles = Vec::new();
    for _ in 0..threads {
        let counter = Arc::clone(counter);
        handles.push(thread::spawn(move || {
            on_start();
            for _ in 0..per_thread {
                *counter.lock().unwrap() += 1;
            }
        }));
    }
    drop(handles);
    while Arc::strong_count(counter) > base {
        thread::sleep(std::time::Duration::from_millis(1));
    }
    *counter.lock().unwrap()
}

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let total = count_in_parallel(&counter, 8, 1000, || println!("a worker starts"));
    println!("8 threads x 1000 increments = {total}");
}
