// wrong: record inserts each latency in sorted place under the lock, moving the window's latencies on every request
// short_guard: publishing stats without blocking the request threads.
//
// Request threads call `record` for every request: a quick lock, a push,
// done. Every so often `publish` closes the current window of stats, starts a
// fresh one, and reports on the closed window. Two steps of that report are
// slow and come from the caller: `summarize` turns the window's latencies into
// the one figure the report carries, and `send` hands the report on (think of
// an HTTP POST to a metrics service, an `await fetch(...)` in TS).
//
// The mutex stays locked for as long as its `MutexGuard` exists. So `publish`
// takes the whole window out inside a small block, leaving a fresh one behind
// in the same step, lets the guard go at the block's end, and runs the slow
// `summarize` and `send` with the lock free. A request recorded meanwhile
// lands in the fresh window and is reported next time; `publish` never touches
// that fresh window again (no room reserved, no old buffer handed back).

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
    latency_ms: u32,
}

fn record(stats: &Mutex<Stats>, latency_ms: u32, ok: bool) {
    let mut stats = stats.lock().unwrap();
    // Keep the window sorted, so that the median is ready when the report is made.
    let at = stats.latencies_ms.partition_point(|&ms| ms <= latency_ms);
    stats.latencies_ms.insert(at, latency_ms);
    if !ok {
        stats.errors += 1;
    }
}

fn publish(stats: &Mutex<Stats>, summarize: impl FnOnce(&[u32]) -> u32, send: impl FnOnce(Report)) {
    let window = {
        let mut guard = stats.lock().unwrap();
        // Move the whole window out and leave an empty one behind: no copying
        // of the Vec, and reading and resetting are one step under one lock,
        // so nothing recorded afterwards can be wiped.
        std::mem::take(&mut *guard)
    }; // guard dropped here: `record` can run again from now on

    // Everything below works on our own `window`, with no lock held.
    let report = Report {
        requests: window.latencies_ms.len(),
        errors: window.errors,
        latency_ms: summarize(&window.latencies_ms),
    };
    send(report);
}

fn main() {
    // The median latency: sorts a copy of the window, which takes a while on a big one.
    let median = |latencies: &[u32]| {
        let mut sorted = latencies.to_vec();
        sorted.sort_unstable();
        sorted.get(sorted.len() / 2).copied().unwrap_or(0)
    };
    let stats = Mutex::new(Stats::default());
    record(&stats, 120, true);
    record(&stats, 80, false);
    record(&stats, 95, true);
    publish(&stats, median, |report| println!("sending {report:?}"));
    publish(&stats, median, |report| println!("sending {report:?}"));
}
