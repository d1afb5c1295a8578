// wrong: publish returns without a report on a poisoned mutex, leaving the window in it, so the failure is hidden and nothing is reported
// short_guard: publishing stats without blocking the request threads.
//
// Lesson section: “Keeping the lock short”.
// New here: a `{ }` block around a `MutexGuard` — the lock is released at the block's end, before slow work.
// New here: `std::mem::take` — moves a value out of a `&mut`, leaving its `Default` behind.
//
// Request threads call `record` for every request: a quick lock, a push,
// done. Every so often `publish` closes the current window of stats, starts a
// fresh one, and reports on the closed window. Two steps of that report are
// slow and come from the caller: `summarize` turns the window's latencies into
// the one figure the report carries (a median or a 99th percentile sorts the
// whole window), and `send` hands the report on (think of an HTTP POST to a
// metrics service, an `await fetch(...)` in TS).
//
// The mutex stays locked for as long as its `MutexGuard` exists. The `publish`
// below keeps its guard alive for the whole function, including `summarize`
// and `send`, so every request thread that calls `record` meanwhile has to
// wait. Whatever `record` adds while the report is being made belongs to the
// next window: it must neither wait for the report nor be lost. A window can
// hold many thousands of latencies, so `summarize` gets the window itself,
// taken out of the mutex, as it was recorded: not a copy (a `clone()` copies
// them all while the lock is held, and leaves the old window behind, still to
// be cleared), and not sorted or otherwise worked on under the lock. Once the
// window is out, the fresh one left in the mutex belongs to `record`: leave it
// as `std::mem::take` made it, with no room reserved in it and no old buffer
// copied or handed back into it, not even after `send`.
//
// Both functions still wait their turn with `lock()`: what has to be short is
// how long a guard lives, not how the lock is asked for.
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
    latency_ms: u32,
}

fn record(stats: &Mutex<Stats>, latency_ms: u32, ok: bool) {
    let mut stats = stats.lock().unwrap();
    stats.latencies_ms.push(latency_ms);
    if !ok {
        stats.errors += 1;
    }
}

fn publish(stats: &Mutex<Stats>, summarize: impl FnOnce(&[u32]) -> u32, send: impl FnOnce(Report)) {
    // A poisoned mutex: skip this report and leave the window where it is.
    let Ok(mut guard) = stats.lock() else { return };
    let window = std::mem::take(&mut *guard);
    drop(guard);
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
