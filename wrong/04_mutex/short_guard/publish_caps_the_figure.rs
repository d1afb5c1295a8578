// wrong: publish caps the reported figure at 60000 ms, so a window whose summary is slower is reported with a figure summarize never gave

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
        // No figure above a minute, whatever the summary said.
        latency_ms: summarize(&window.latencies_ms).min(60_000),
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
