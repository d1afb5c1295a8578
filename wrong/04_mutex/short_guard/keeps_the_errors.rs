// wrong: takes only the latencies out in the short block and leaves the error count behind
// short_guard: publishing stats without blocking the request threads.
//
// Request threads call `record` for every request: a quick lock, a push,
// done. Every so often `publish` turns the collected stats into a `Report`,
// starts a fresh window, and hands the report to `send`, which is slow (think
// of an HTTP POST to a metrics service, an `await fetch(...)` in TS).
//
// The mutex stays locked for as long as its `MutexGuard` exists. So `publish`
// takes the window's data out inside a small block, lets the guard go at the
// block's end, and does the arithmetic and the slow `send` with the lock free.

use std::sync::Mutex;

#[derive(Debug, Default)]
struct Stats {
    latencies_ms: Vec<u32>,
    errors: u64,
}

#[derive(Debug, PartialEq)]
struct Report {
    requests: usize,
    errors: u64,
    mean_latency_ms: u32,
}

fn record(stats: &Mutex<Stats>, latency_ms: u32, ok: bool) {
    let mut stats = stats.lock().unwrap();
    stats.latencies_ms.push(latency_ms);
    if !ok {
        stats.errors += 1;
    }
}

fn publish(stats: &Mutex<Stats>, send: impl FnOnce(Report)) {
    let (latencies, errors) = {
        let mut guard = stats.lock().unwrap();
        (std::mem::take(&mut guard.latencies_ms), guard.errors)
    };
    let requests = latencies.len();
    let total: u64 = latencies.iter().map(|&ms| u64::from(ms)).sum();
    let mean_latency_ms = if requests == 0 { 0 } else { (total / requests as u64) as u32 };
    send(Report { requests, errors, mean_latency_ms });
}

fn main() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 120, true);
    record(&stats, 80, false);
    publish(&stats, |report| println!("sending {report:?}"));
    publish(&stats, |report| println!("sending {report:?}"));
}
