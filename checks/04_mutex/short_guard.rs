use super::*;
use std::thread;

#[test]
fn lock_is_free_while_the_report_is_sent() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 10, true);
    let mut sent = false;
    publish(&stats, |_report| {
        assert!(
            stats.try_lock().is_ok(),
            "while `send` runs, the stats mutex should be unlocked; drop the guard before calling send"
        );
        sent = true;
    });
    assert!(sent, "publish should call send exactly once");
}

#[test]
fn report_has_counts_and_mean_latency() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 100, true);
    record(&stats, 50, false);
    record(&stats, 30, true);
    let mut received = None;
    publish(&stats, |report| received = Some(report));
    assert_eq!(
        received,
        Some(Report {
            requests: 3,
            errors: 1,
            mean_latency_ms: 60
        }),
        "3 requests (latencies 100, 50, 30 ms; one failed) should give a mean of 60 ms and 1 error"
    );
}

#[test]
fn empty_window_reports_zeros() {
    let stats = Mutex::new(Stats::default());
    let mut received = None;
    publish(&stats, |report| received = Some(report));
    assert_eq!(
        received,
        Some(Report {
            requests: 0,
            errors: 0,
            mean_latency_ms: 0
        }),
        "publishing with no requests recorded should report all zeros"
    );
}

#[test]
fn request_recorded_during_send_goes_into_the_next_report() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut first = None;
    publish(&stats, |report| {
        assert!(
            stats.try_lock().is_ok(),
            "while `send` runs, the stats mutex should be unlocked so requests can still be recorded"
        );
        record(&stats, 90, false);
        first = Some(report);
    });
    let mut second = None;
    publish(&stats, |report| second = Some(report));
    assert_eq!(
        first,
        Some(Report {
            requests: 1,
            errors: 0,
            mean_latency_ms: 40
        }),
        "the first report should only contain the request recorded before publish"
    );
    assert_eq!(
        second,
        Some(Report {
            requests: 1,
            errors: 1,
            mean_latency_ms: 90
        }),
        "the request recorded while sending belongs to the next window"
    );
}

#[test]
fn another_thread_can_record_while_sending() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 20, true);
    publish(&stats, |_report| {
        assert!(
            stats.try_lock().is_ok(),
            "while `send` runs, the stats mutex should be unlocked so other threads can record"
        );
        // A request thread records while we are still "sending"; the scope
        // joins it before `send` returns.
        thread::scope(|scope| {
            scope.spawn(|| record(&stats, 70, true));
        });
    });
    let mut next = None;
    publish(&stats, |report| next = Some(report));
    assert_eq!(
        next,
        Some(Report {
            requests: 1,
            errors: 0,
            mean_latency_ms: 70
        }),
        "the request recorded by the other thread during send should be in the next report"
    );
}
