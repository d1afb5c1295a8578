// wrong: record gives up with try_lock when publish holds the lock, dropping requests instead of shortening publish's guard
// short_guard: publishing stats without blocking the request threads.
//
// Lesson section: “Keeping the lock short”.
// New here: a `{ }` block around a `MutexGuard` — the lock is released at the block's end, before slow work.
// New here: `std::mem::take` — moves a value out of a `&mut`, leaving its `Default` behind.
//
// Request threads call `record` for every request: a quick lock, a push,
// done. Every so often `publish` turns the collected stats into a `Report`,
// starts a fresh window, and hands the report to `send`, which is slow (think
// of an HTTP POST to a metrics service, an `await fetch(...)` in TS).
//
// The mutex stays locked for as long as its `MutexGuard` exists. The `publish`
// below keeps its guard alive for the whole function, including the slow
// `send`, so every request thread that calls `record` meanwhile has to wait.
//
// TODO: hold the lock only long enough to take what you need out of it.

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
    if let Ok(mut stats) = stats.try_lock() {
        stats.latencies_ms.push(latency_ms);
        if !ok {
            stats.errors += 1;
        }
    }
}

fn publish(stats: &Mutex<Stats>, send: impl FnOnce(Report)) {
    let mut guard = stats.lock().unwrap(); // TODO: this guard lives too long
    let requests = guard.latencies_ms.len();
    let total: u64 = guard.latencies_ms.iter().map(|&ms| u64::from(ms)).sum();
    let mean_latency_ms = if requests == 0 {
        0
    } else {
        (total / requests as u64) as u32
    };
    let report = Report {
        requests,
        errors: guard.errors,
        mean_latency_ms,
    };
    *guard = Stats::default(); // start a new window
    send(report);
}

fn main() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 120, true);
    record(&stats, 80, false);
    publish(&stats, |report| println!("sending {report:?}"));
    publish(&stats, |report| println!("sending {report:?}"));
}
