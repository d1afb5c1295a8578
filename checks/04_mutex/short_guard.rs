use super::{publish, record, Report, Stats};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

// A report as plain numbers: (requests, errors, latency in ms).
fn numbers(report: &Report) -> (usize, u64, u32) {
    (report.requests, report.errors, report.latency_ms)
}

// The summaries the tests hand to `publish`.
fn mean(latencies: &[u32]) -> u32 {
    if latencies.is_empty() {
        return 0;
    }
    let total: u64 = latencies.iter().map(|&ms| u64::from(ms)).sum();
    (total / latencies.len() as u64) as u32
}

fn slowest(latencies: &[u32]) -> u32 {
    latencies.iter().copied().max().unwrap_or(0)
}

/// While `send` runs, the stats mutex is already unlocked.
#[test]
fn lock_is_free_while_the_report_is_sent() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 10, true);
    let mut free_during_send: Option<bool> = None;
    publish(&stats, mean, |_report| free_during_send = Some(stats.try_lock().is_ok()));
    ::std::assert!(free_during_send.is_some(), "publish should call send exactly once");
    let expected_free_during_send: Option<bool> = Some(true);
    ::std::assert_eq!(
        free_during_send,
        expected_free_during_send,
        "while `send` runs, the stats mutex should be unlocked: take what you need in a short block, let the guard go, then send (see “Keeping the lock short”)"
    );
}

/// While `summarize` runs, the stats mutex is already unlocked.
#[test]
fn lock_is_free_while_the_latencies_are_summarized() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 10, true);
    let mut free_during_summary: Option<bool> = None;
    publish(
        &stats,
        |latencies| {
            free_during_summary = Some(stats.try_lock().is_ok());
            mean(latencies)
        },
        |_report| {},
    );
    ::std::assert!(free_during_summary.is_some(), "publish should call summarize exactly once");
    let expected_free_during_summary: Option<bool> = Some(true);
    ::std::assert_eq!(
        free_during_summary,
        expected_free_during_summary,
        "while `summarize` runs, the stats mutex should be unlocked: it is slow work, so move the window out in a short block first (`std::mem::take`) and summarize it after the guard is gone (see “Keeping the lock short”)"
    );
}

/// `summarize` is handed the window's own latencies, moved out of the mutex, not a copy of them.
#[test]
fn summarize_gets_the_window_itself_not_a_copy() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    record(&stats, 40, true);
    record(&stats, 90, false);
    record(&stats, 15, true);
    // Where the window's latencies live in memory: moved, they stay there; copied, the copy is elsewhere.
    let window_at: usize = stats.lock().unwrap().latencies_ms.as_ptr() as usize;
    let mut summarized_at: Option<usize> = None;
    publish(
        &stats,
        |latencies| {
            summarized_at = Some(latencies.as_ptr() as usize);
            mean(latencies)
        },
        |_report| {},
    );
    ::std::assert!(summarized_at.is_some(), "publish should call summarize exactly once");
    let moved: bool = summarized_at == Some(window_at);
    ::std::assert!(
        moved,
        "`summarize` was handed a copy of the window's latencies, not the window taken out of the mutex (see “Keeping the lock short”)\n\
         A copy leaves the old window in the mutex, still to be cleared, and clearing it under a second lock \
         wipes whatever `record` added in between; copying a big window also keeps `record` waiting. \
         `std::mem::take(&mut *guard)` moves the whole window out without copying it and leaves a fresh one behind, in one step."
    );
}

/// The report counts the requests and errors, and carries the figure `summarize` gives.
#[test]
fn report_has_counts_and_the_summary() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 100, true);
    record(&stats, 50, false);
    record(&stats, 30, true);
    let mut received: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| received = Some(numbers(&report)));
    let expected_received: Option<(usize, u64, u32)> = Some((3, 1, 60));
    ::std::assert_eq!(
        received,
        expected_received,
        "3 requests (latencies 100, 50, 30 ms; one failed) summarized by their mean should give 3 requests, 1 error and 60 ms"
    );
    record(&stats, 20, true);
    record(&stats, 70, true);
    let mut next: Option<(usize, u64, u32)> = None;
    publish(&stats, slowest, |report| next = Some(numbers(&report)));
    let counts: Option<(usize, u64)> = next.map(|(requests, errors, _)| (requests, errors));
    let expected_counts: Option<(usize, u64)> = Some((2, 0));
    ::std::assert_eq!(
        counts,
        expected_counts,
        "the second window had 2 requests and no error: what the first report counted should not be counted again"
    );
    let latency: Option<u32> = next.map(|(_, _, latency)| latency);
    let expected_latency: Option<u32> = Some(70);
    ::std::assert_eq!(
        latency,
        expected_latency,
        "with `summarize` giving the slowest latency, the report of 20 and 70 ms should carry 70: the figure comes from `summarize`, applied to the window's latencies"
    );
}

/// An empty window reports zeros.
#[test]
fn empty_window_reports_zeros() {
    let stats = Mutex::new(Stats::default());
    let mut received: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| received = Some(numbers(&report)));
    let expected_received: Option<(usize, u64, u32)> = Some((0, 0, 0));
    ::std::assert_eq!(received, expected_received, "publishing with no requests recorded should report all zeros");
}

/// Publishing starts a fresh window: what was reported is not reported again.
#[test]
fn publish_starts_a_fresh_window() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, false);
    publish(&stats, mean, |_report| {});
    let left: usize = stats.lock().unwrap().latencies_ms.len();
    let errors: u64 = stats.lock().unwrap().errors;
    ::std::assert_eq!(left, 0, "after publish the stats should be empty again, ready for the next window");
    ::std::assert_eq!(errors, 0, "after publish the error count should start again at 0");
}

/// A request recorded while the report is being summarized is kept for the next report.
#[test]
fn request_recorded_during_the_summary_goes_into_the_next_report() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut free_during_summary = false;
    let mut first: Option<(usize, u64, u32)> = None;
    publish(
        &stats,
        |latencies| {
            free_during_summary = stats.try_lock().is_ok();
            if free_during_summary {
                record(&stats, 90, false);
            }
            mean(latencies)
        },
        |report| first = Some(numbers(&report)),
    );
    ::std::assert!(
        free_during_summary,
        "while `summarize` runs, the stats mutex should be unlocked so requests can still be recorded"
    );
    let mut second: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| second = Some(numbers(&report)));
    let expected_first: Option<(usize, u64, u32)> = Some((1, 0, 40));
    ::std::assert!(
        first == expected_first,
        "the first report should hold only the request recorded before `publish` began, (1 request, 0 errors, 40 ms), but it was {first:?}: part of a request recorded while the report was being summarized got into it, so the report was built from the mutex after the window had been taken out (a second lock, or the guard still held). Whatever is recorded meanwhile belongs to the next window: take the whole window, latencies and errors together, out in one step under one lock, and build the report from what you took (see “Keeping the lock short”)"
    );
    let lost: bool = second == Some((0, 0, 0));
    ::std::assert!(
        !lost,
        "a request recorded while the report was being summarized is missing from the next report: the window was read under one lock and cleared under a second lock, which wiped what came in between. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`) (see “Keeping the lock short”)"
    );
    let expected_second: Option<(usize, u64, u32)> = Some((1, 1, 90));
    ::std::assert_eq!(second, expected_second, "the request recorded while summarizing belongs to the next window");
}

/// A request recorded during `send` goes into the next report.
#[test]
fn request_recorded_during_send_goes_into_the_next_report() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut first: Option<(usize, u64, u32)> = None;
    let mut free_during_send = false;
    publish(&stats, mean, |report| {
        free_during_send = stats.try_lock().is_ok();
        if free_during_send {
            record(&stats, 90, false);
        }
        first = Some(numbers(&report));
    });
    ::std::assert!(free_during_send, "while `send` runs, the stats mutex should be unlocked so requests can still be recorded");
    let mut second: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| second = Some(numbers(&report)));
    let expected_first: Option<(usize, u64, u32)> = Some((1, 0, 40));
    ::std::assert!(
        first == expected_first,
        "the first report should hold only the request recorded before `publish` began, (1 request, 0 errors, 40 ms), but it was {first:?}: part of a request recorded while the report was being sent got into it, so the report was built from the mutex after the window had been taken out (a second lock, or the guard still held). Whatever is recorded meanwhile belongs to the next window: take the whole window, latencies and errors together, out in one step under one lock, and build the report from what you took (see “Keeping the lock short”)"
    );
    let lost: bool = second == Some((0, 0, 0));
    ::std::assert!(
        !lost,
        "a request recorded while the report was being sent is missing from the next report: the window was read under one lock and cleared under a second lock, which wiped what came in between. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`) (see “Keeping the lock short”)"
    );
    let expected_second: Option<(usize, u64, u32)> = Some((1, 1, 90));
    ::std::assert_eq!(second, expected_second, "the request recorded while sending belongs to the next window");
}

/// Another thread can record while the report is being sent.
#[test]
fn another_thread_can_record_while_sending() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 20, true);
    let mut free_during_send = false;
    publish(&stats, mean, |_report| {
        free_during_send = stats.try_lock().is_ok();
        if free_during_send {
            thread::scope(|scope| {
                scope.spawn(|| record(&stats, 70, true));
            });
        }
    });
    ::std::assert!(free_during_send, "while `send` runs, the stats mutex should be unlocked so other threads can record");
    let mut next: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| next = Some(numbers(&report)));
    let expected_next: Option<(usize, u64, u32)> = Some((1, 0, 70));
    ::std::assert!(
        next == expected_next,
        "the next report should hold exactly the one request another thread recorded during `send`, (1 request, 0 errors, 70 ms), but it was {next:?}: what is recorded while a report is sent belongs to the next window, neither lost nor counted twice. Take the whole window out and leave a fresh one behind in one step, under one lock (`std::mem::take`) (see “Keeping the lock short”)"
    );
}

// A `publish` that takes the window in two lock steps (the latencies under one lock and the
// errors under another, or the counts and then the window) leaves a moment between them in which
// a request can be recorded. No test can stop `publish` in that moment, so request threads
// record while `publish` runs again and again: one through `record`, one that grabs the lock
// the instant it is free (`try_lock` in a loop, as a busy request thread would get it), until a
// report comes out torn or the time is up. With every request failing and `summarize` counting
// the latencies, each report must say requests = errors = its window's length, and the reports
// together must hold every request recorded.
const STRESS: Duration = Duration::from_millis(1500);

/// While threads record, each report is taken from the mutex in one step: its counts agree with its window, and no request is lost.
#[test]
fn reports_made_while_threads_record_are_whole_and_lose_nothing() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    let stop = AtomicBool::new(false);
    let mut reports: Vec<(usize, u64, u32)> = Vec::new();
    let count = |latencies: &[u32]| latencies.len() as u32;
    let recorded: u64 = thread::scope(|scope| {
        let through_record = scope.spawn(|| {
            let mut made: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                record(&stats, 1, false);
                made += 1;
            }
            made
        });
        let grabbing = scope.spawn(|| {
            let mut made: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                if let Ok(mut window) = stats.try_lock() {
                    window.latencies_ms.push(1);
                    window.errors += 1;
                    made += 1;
                }
            }
            made
        });
        let started = Instant::now();
        let mut torn = false;
        while !torn && started.elapsed() < STRESS {
            publish(&stats, count, |report| reports.push(numbers(&report)));
            torn = reports.last().is_some_and(|&(requests, errors, window)| {
                errors != requests as u64 || window as usize != requests
            });
        }
        stop.store(true, Ordering::Relaxed);
        through_record.join().unwrap() + grabbing.join().unwrap()
    });
    publish(&stats, count, |report| reports.push(numbers(&report)));
    let torn_counts: Option<(usize, u64, u32)> =
        reports.iter().copied().find(|&(requests, errors, _)| errors != requests as u64);
    ::std::assert!(
        torn_counts.is_none(),
        "a report counted {:?} (requests, errors, window) although every request recorded failed: its requests and its errors were taken out of the mutex at different moments, under two locks, and a request recorded in between was split across two windows. Take the whole window out in one step, under one lock (`std::mem::take(&mut *guard)`) (see “Keeping the lock short”)",
        torn_counts.unwrap_or_default()
    );
    let torn_window: Option<(usize, u64, u32)> =
        reports.iter().copied().find(|&(requests, _, window)| window as usize != requests);
    ::std::assert!(
        torn_window.is_none(),
        "a report counted {:?} (requests, errors, window): `summarize` was handed a window of another size than the one counted, so the counts were read under one lock and the window taken under a second. Take the whole window out in one step, under one lock, and count what you took (see “Keeping the lock short”)",
        torn_window.unwrap_or_default()
    );
    let reported: u64 = reports.iter().map(|&(requests, _, _)| requests as u64).sum();
    ::std::assert!(
        reported == recorded,
        "{recorded} requests were recorded while `publish` ran, but the reports hold {reported}: the window was read under one lock and cleared under a second lock, which wiped what came in between. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`) (see “Keeping the lock short”)"
    );
}
