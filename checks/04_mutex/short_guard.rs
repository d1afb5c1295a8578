use super::{publish, record, Report, Stats};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, PoisonError, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

// A report as plain numbers: (requests, errors, latency in ms).
fn numbers(report: &Report) -> (usize, u64, u32) {
    (report.requests, report.errors, report.latency_ms)
}

// A number of things, with the word for one or for many: "1 error", "3 errors".
fn counted(n: u64, one: &str, many: &str) -> String {
    ::std::format!("{n} {}", if n == 1 { one } else { many })
}

// A report as the learner would say it: "3 requests, 1 error, 60 ms", or "no report at all".
fn described(report: Option<(usize, u64, u32)>) -> String {
    match report {
        Some((requests, errors, latency)) => {
            ::std::format!(
                "{}, {}, {latency} ms",
                counted(requests as u64, "request", "requests"),
                counted(errors, "error", "errors")
            )
        }
        None => "no report at all".to_string(),
    }
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
    ::std::assert!(
        free_during_send == expected_free_during_send,
        "while `send` ran, the stats mutex was still locked (a `try_lock()` from inside `send` failed), yet it should be free by then: take what you need in a short block, let the guard go, then send (see “Keeping the lock short”)"
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
    ::std::assert!(
        free_during_summary.is_some(),
        "with one request of 10 ms in the window, `publish` sent its report without calling `summarize`: the report's figure \
         comes from `summarize`, whatever the window holds (one latency, none at all, only failed requests), even where the \
         figure looks obvious, since the caller's summary decides what it is (a mean, the slowest, a percentile). Hand \
         `summarize` every window you take, once (see “Keeping the lock short”)"
    );
    let expected_free_during_summary: Option<bool> = Some(true);
    ::std::assert!(
        free_during_summary == expected_free_during_summary,
        "while `summarize` ran, the stats mutex was still locked (a `try_lock()` from inside `summarize` failed), yet it should be free by then: summarizing is slow work, so move the window out in a short block first (`std::mem::take`) and summarize it after the guard is gone (see “Keeping the lock short”)"
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
         A copy (`clone()`, `to_vec()`, `drain(..).collect()`, `split_off(0)`) allocates a new Vec and copies every latency \
         into it. Made under the lock, it keeps `record` waiting (and a `clone()` leaves the old window in the mutex, still \
         to be emptied, and emptying it under a second lock wipes whatever `record` added in between); made after the guard is gone, it \
         is work the report does not need. `std::mem::take(&mut *guard)` moves the whole window out without copying it and \
         leaves a fresh one behind, in one step: hand `summarize` that window itself."
    );
}

/// `summarize` gets the window's latencies in the order they were recorded: `publish` does no work on them under the lock.
#[test]
fn summarize_gets_the_latencies_as_recorded() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    for latency in [40, 90, 15, 60, 5] {
        record(&stats, latency, true);
    }
    // Before `publish` runs: the window as `record` left it, so that a reordering is laid at the
    // right function's door.
    let in_the_mutex: Vec<u32> = stats.lock().unwrap().latencies_ms.clone();
    ::std::assert!(
        in_the_mutex == [40, 90, 15, 60, 5],
        "after `record` was called with 40, 90, 15, 60 and 5, the window in the mutex held {in_the_mutex:?}: `record` should add each latency at the end of the window with `push`, a quick step under the guard. Putting it anywhere else (`insert(0, …)` moves every latency already there, while every other request thread waits for the lock) changes the order the report is made from (see “Keeping the lock short”)"
    );
    let mut handed: Option<Vec<u32>> = None;
    publish(
        &stats,
        |latencies| {
            handed = Some(latencies.to_vec());
            mean(latencies)
        },
        |_report| {},
    );
    let expected: Option<Vec<u32>> = Some(::std::vec![40, 90, 15, 60, 5]);
    let got: Vec<u32> = handed.clone().unwrap_or_default();
    let mut recorded_sorted: Vec<u32> = ::std::vec![40, 90, 15, 60, 5];
    recorded_sorted.sort_unstable();
    let sorted: bool = got == recorded_sorted;
    ::std::assert!(
        !sorted,
        "`summarize` was handed the latencies {got:?}, sorted, though they were recorded as [40, 90, 15, 60, 5]: `publish` sorted the window before handing it on. Under the guard, every `record` waits for the sort (on a window of millions of latencies, many milliseconds each time); after it, the sort is still the summary's work, done twice if `summarize` sorts too (see “Keeping the lock short”)\n\
         Sorting is part of the slow summary, and it is `summarize`'s job. Under the lock do only the one cheap step, `std::mem::take(&mut *guard)`, then hand the window to `summarize` as it was recorded."
    );
    ::std::assert!(
        handed == expected,
        "`summarize` should be handed the window's latencies in the order they were recorded, [40, 90, 15, 60, 5], but it got {got:?}: `publish` changed the window before handing it on. Take it out with `std::mem::take(&mut *guard)` and hand it to `summarize` untouched; whatever work the summary needs runs there, with the lock free (see “Keeping the lock short”)"
    );
}

/// Every request is kept as it came, the extremes included: a 0 ms latency, the largest a `u32` holds, the same latency twice.
#[test]
fn every_latency_is_kept_as_it_came() {
    let stats = Mutex::new(Stats::default());
    let requests: [(u32, bool); 5] = [(0, true), (u32::MAX, false), (0, true), (7, false), (7, true)];
    for (latency, ok) in requests {
        record(&stats, latency, ok);
    }
    let mut handed: Option<Vec<u32>> = None;
    let mut sent: Option<(usize, u64, u32)> = None;
    publish(
        &stats,
        |latencies| {
            handed = Some(latencies.to_vec());
            slowest(latencies)
        },
        |report| sent = Some(numbers(&report)),
    );
    let got: Vec<u32> = handed.unwrap_or_default();
    let expected: Vec<u32> = ::std::vec![0, u32::MAX, 0, 7, 7];
    let report_expected: Option<(usize, u64, u32)> = Some((5, 2, u32::MAX));
    let kept: bool = got == expected && sent == report_expected;
    // The window and the counts came through, and only the figure differs: `publish` changed what `summarize` answered.
    let only_the_figure: bool = got == expected && sent.map(|(requests, errors, _)| (requests, errors)) == Some((5, 2));
    // Every latency there, as many times as recorded, only in another order: `publish` (or `record`) reordered them.
    let reordered: bool = got != expected && {
        let (mut got_sorted, mut expected_sorted): (Vec<u32>, Vec<u32>) = (got.clone(), expected.clone());
        got_sorted.sort_unstable();
        expected_sorted.sort_unstable();
        got_sorted == expected_sorted
    };
    let how: &str = if reordered {
        "every latency recorded was there, each as many times as it came, but in another order: `record` or `publish` \
         reordered the window (sorted it, put a request at the front). A stats window is the record of what happened, in \
         the order it happened: `record` pushes each latency at the end, and `publish` hands the window to `summarize` as \
         it was recorded; any sorting a figure needs is `summarize`'s own work"
    } else if only_the_figure {
        "`summarize` got the window whole and answered 4294967295 (the slowest), yet the report carried another figure: \
         `publish` changed the figure on its way into the report (capped it at some limit, rounded it). The report carries \
         `summarize`'s answer as it is: `latency_ms: summarize(&window.latencies_ms)`"
    } else {
        "`record` or `publish` left out, changed or merged some of them (a 0, a latency over some limit, a repeat). A stats \
         window is the record of what happened: `record` pushes every latency as it is, and counts every failure, whatever \
         the value, and `publish` reports the window untouched"
    };
    ::std::assert!(
        kept,
        "5 requests were recorded, with the latencies {expected:?} (2 of them failed), but `summarize` was handed {got:?} and \
         the report said {}: {how} (see “Keeping the lock short”)",
        described(sent)
    );
}

/// Latencies over the whole range of a `u32`: 0, 1, every power of ten and of two with its
/// neighbours, the usual timeouts (a second, 30 s, a minute, an hour, a day) with theirs, and the largest.
fn latencies_of_every_size() -> Vec<u32> {
    let mut centres: Vec<u64> = ::std::vec![0, 1, u64::from(u32::MAX)];
    let mut ten: u64 = 10;
    while ten <= u64::from(u32::MAX) {
        centres.push(ten);
        ten *= 10;
    }
    centres.extend((1..32).map(|bit| 1u64 << bit));
    centres.extend([500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 3_600_000, 86_400_000]);
    let mut all: Vec<u32> = centres
        .into_iter()
        .flat_map(|centre| [centre.wrapping_sub(1), centre, centre + 1])
        .filter_map(|ms| u32::try_from(ms).ok())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// What `send` got, as plain numbers: `None` when it was not called.
type Sent = Option<(usize, u64, u32)>;

/// Each request's outcome is kept exactly, whatever its latency: a successful request is never counted as an error, a failed one always is, from 0 ms to `u32::MAX`.
#[test]
fn each_request_is_counted_as_it_came_whatever_its_latency() {
    // The first request, alone in its window, that came out of the report other than it went in:
    // its latency, whether it succeeded, what `summarize` was handed and what the report said.
    let mut first_wrong: Option<(u32, bool, Option<Vec<u32>>, Sent)> = None;
    'sweep: for ms in latencies_of_every_size() {
        for ok in [true, false] {
            let stats = Mutex::new(Stats::default());
            record(&stats, ms, ok);
            let mut handed: Option<Vec<u32>> = None;
            let mut sent: Option<(usize, u64, u32)> = None;
            publish(
                &stats,
                |latencies| {
                    handed = Some(latencies.to_vec());
                    slowest(latencies)
                },
                |report| sent = Some(numbers(&report)),
            );
            let due: Option<(usize, u64, u32)> = Some((1, u64::from(!ok), ms));
            if sent != due || handed.as_deref() != Some(&[ms][..]) {
                first_wrong = Some((ms, ok, handed, sent));
                break 'sweep;
            }
        }
    }
    let all_kept: bool = first_wrong.is_none();
    let (ms, ok, handed, sent) = first_wrong.unwrap_or((0, true, None, None));
    let request: String =
        ::std::format!("a {} request of {ms} ms (`record(&stats, {ms}, {ok})`)", if ok { "successful" } else { "failed" });
    let how: String = match sent {
        _ if handed.as_deref() != Some(&[ms][..]) => ::std::format!(
            "`summarize` was handed {handed:?} where [{ms}] was due: `record` or `publish` left out or changed the latency \
             because of its size. `record` pushes every latency as it is, and `publish` hands the window on untouched"
        ),
        Some((1, 1, _)) if ok => "`record` counted it as an error because of its latency, though it succeeded. A slow \
             request is still a successful one, and the latency is already in the window for `summarize` to judge: count an \
             error when `ok` is false, and only then, whatever the latency"
            .to_string(),
        Some((1, 0, _)) if !ok => "`record` left its failure uncounted because of its latency. Every request with `ok` \
             false is an error, whatever the latency: count it each time"
            .to_string(),
        Some((1, errors, _)) if errors > 1 => ::std::format!(
            "the one request was counted as {errors} errors. `record` adds 1 to `errors` for a failed request, and 0 for a \
             successful one, whatever the latency"
        ),
        Some((1, _, figure)) => ::std::format!(
            "`summarize` was handed [{ms}] and answered {ms} (the slowest), yet the report carried {figure} ms: `publish` \
             changed the figure on its way into the report (capped it at some limit, rounded it). The report carries \
             `summarize`'s answer as it is: `latency_ms: summarize(&window.latencies_ms)`"
        ),
        Some((requests, _, _)) => ::std::format!(
            "the report counted {requests} requests for a window of one: count what the window holds, `latencies_ms.len()`"
        ),
        None => "`publish` sent no report at all: every window taken is sent, once".to_string(),
    };
    ::std::assert!(
        all_kept,
        "{request}, alone in its window, was reported as {}, where {} was due: {how} (see “Keeping the lock short”)",
        described(sent),
        described(Some((1, u64::from(!ok), ms)))
    );
}

/// How many requests the test below records: more than any cap a window might be given.
const HUGE_WINDOW: usize = 4_000_000;

/// A window of any size is recorded and reported whole: no cap on what `record` keeps or what `publish` hands on.
#[test]
fn a_huge_window_is_reported_whole() {
    let stats = Mutex::new(Stats::default());
    let started = Instant::now();
    for i in 0..HUGE_WINDOW {
        record(&stats, (i % 1000) as u32, i % 4 != 0);
        // A `record` that works on the whole window takes minutes here: record_does_no_work_on_the_window
        // reports that, and this test does not wait for it.
        if i % 1024 == 0 && started.elapsed() > Duration::from_secs(3) {
            return;
        }
    }
    let mut handed: Option<usize> = None;
    let mut sent: Option<(usize, u64, u32)> = None;
    let (mut free_during_summary, mut free_during_send): (Option<bool>, Option<bool>) = (None, None);
    publish(
        &stats,
        |latencies| {
            free_during_summary = Some(is_free(&stats));
            handed = Some(latencies.len());
            slowest(latencies)
        },
        |report| {
            free_during_send = Some(is_free(&stats));
            sent = Some(numbers(&report));
        },
    );
    let expected: Option<(usize, u64, u32)> = Some((HUGE_WINDOW, (HUGE_WINDOW / 4) as u64, 999));
    let whole: bool = handed == Some(HUGE_WINDOW) && sent == expected;
    let how: &str = if handed == Some(HUGE_WINDOW) {
        "`summarize` got the whole window, but the report's counts are not the window's (the number of latencies, the \
         errors counted): count what you took, `latencies_ms.len()` and `errors`, in their own types"
    } else {
        "part of the window was left out on the way, by `record` (which stopped adding at some size) or by `publish` \
         (which cut the window short)"
    };
    ::std::assert!(
        whole,
        "{HUGE_WINDOW} requests were recorded ({} of them failed), but `summarize` was handed {} latencies and the report \
         said {}: {how}. However big a window grows, every request in it is reported: `record` \
         always pushes, and `publish` hands on the whole window it took (see “Keeping the lock short”)",
        HUGE_WINDOW / 4,
        handed.unwrap_or_default(),
        described(sent)
    );
    // The lock, watched on the biggest window of all: a bound on the size above which `publish` keeps
    // its guard is seen here, wherever it lies below four million.
    let free: bool = free_during_summary != Some(false) && free_during_send != Some(false);
    let what: String = ::std::format!("{HUGE_WINDOW} requests ({} of them failed)", HUGE_WINDOW / 4);
    ::std::assert!(free, "{}", held_during_the_report(&what, free_during_summary, free_during_send));
}

/// `summarize` is handed the window in the very buffer the mutex held it in: `publish` does not shrink or reallocate it on the way.
#[test]
fn summarize_gets_the_window_in_its_own_buffer() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    // First a window with requests in it: where its buffer is, and where `summarize` finds it.
    for latency in [40, 90, 15] {
        record(&stats, latency, true);
    }
    let full_at: usize = stats.lock().unwrap().latencies_ms.as_ptr() as usize;
    let mut full_summarized_at: Option<usize> = None;
    publish(
        &stats,
        |latencies| {
            full_summarized_at = Some(latencies.as_ptr() as usize);
            mean(latencies)
        },
        |_report| {},
    );
    // A window handed on as a copy is another test's failure.
    if full_summarized_at != Some(full_at) {
        return;
    }
    // Then a window with room for 64 latencies (room a busy window keeps from its growth) and none
    // recorded yet: moved out untouched, it reaches `summarize` in that same buffer; shrunk to fit
    // on the way, its buffer is freed and `summarize` gets an empty slice from nowhere.
    stats.lock().unwrap().latencies_ms.reserve_exact(64);
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
    ::std::assert!(
        summarized_at.is_some(),
        "with nothing recorded since the last report, `publish` did not call `summarize`: an empty window is reported like \
         any other, with the figure `summarize` gives for it (the caller's summary decides what an empty window's figure \
         is, not `publish`)"
    );
    let same_buffer: bool = summarized_at == Some(window_at);
    ::std::assert!(
        same_buffer,
        "`summarize` was handed the window in another buffer than the one it was recorded in: the window had room for 64 latencies and none recorded yet, and on its way out `publish` reallocated it (a `shrink_to_fit()` or `shrink_to(..)`, say) or handed `summarize` another, empty slice in its place (see “Keeping the lock short”)\n\
         Shrinking a window moves every latency it holds into a smaller buffer, work for the whole window, and done under the guard it keeps every `record` waiting. `summarize` gets the window as it was recorded: take it out with `std::mem::take(&mut *guard)`, let the guard go, and hand it on untouched."
    );
}

/// How long the test below watches `record` at most; it stops at the first sign of the mistake.
/// This is a statistical test: a `record` that takes the window out of the mutex and puts it back
/// under a second lock leaves the mutex empty for a moment on every call. The test grabs the lock
/// whenever it is free and, at each look, takes away the window's spare room, so that `record`'s
/// next push has to reallocate: done with the window out of the mutex, that widens the empty moment
/// enough for the test's next look to land in it, most often within the first milliseconds; a
/// `record` that pushes through its one guard is never caught, however long the watch.
const WATCH_RECORD: Duration = Duration::from_millis(2500);
/// How many latencies the test lets the window grow to before it cuts it back to its first one
/// itself, under the lock, to keep the watch's memory small.
const WATCH_WINDOW: usize = 100_000;

/// `record` adds its request through the one guard it takes: while requests are only being recorded, the window in the mutex never shrinks.
#[test]
fn record_leaves_the_window_in_the_mutex() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    record(&stats, 1, true);
    let stop = AtomicBool::new(false);
    // A look at the mutex that found fewer latencies than an earlier look, with only `record` adding
    // any since: how many, then and now.
    let shrank: Option<(usize, usize)> = thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                record(&stats, 1, true);
            }
        });
        let started = Instant::now();
        // The most latencies any look has found since the test last cut the window back to its first
        // latency (it never holds fewer: one was recorded before the watch began).
        let mut most: usize = 1;
        let mut shrank: Option<(usize, usize)> = None;
        while shrank.is_none() && started.elapsed() < WATCH_RECORD {
            if let Ok(mut window) = stats.try_lock() {
                let held: usize = window.latencies_ms.len();
                if held < most {
                    shrank = Some((most, held));
                }
                most = most.max(held);
                if held >= WATCH_WINDOW {
                    window.latencies_ms.truncate(1);
                    most = 1;
                }
                // No room left: the next push has to move the window into a bigger buffer, which takes a
                // while. Under the guard, as it should be, nobody sees that; with the window out of the
                // mutex and the lock free, the test's next look comes in the middle of it.
                window.latencies_ms.shrink_to_fit();
            }
        }
        stop.store(true, Ordering::Relaxed);
        shrank
    });
    let (before, after) = shrank.unwrap_or_default();
    ::std::assert!(
        shrank.is_none(),
        "while only `record` was adding requests, a look at the stats mutex found {before} latencies in the window, and a later look {after}: `record` took the window out of the mutex under one lock, pushed with no lock held and put the window back under a second lock (see “Keeping the lock short”)\n\
         Between its two locks the mutex holds an empty window, and a `publish` that comes then reports those requests in a later window than the one they belong to (and requests recorded by other threads meanwhile land out of order). Push through the one guard: lock once, push the latency and count the error, then let the guard go."
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
    ::std::assert!(
        received == expected_received,
        "3 requests (latencies 100, 50, 30 ms; one failed) summarized by their mean should give a report of 3 requests, 1 error, 60 ms, but `send` got {}",
        described(received)
    );
    record(&stats, 20, true);
    record(&stats, 70, true);
    let mut next: Option<(usize, u64, u32)> = None;
    publish(&stats, slowest, |report| next = Some(numbers(&report)));
    let counts: Option<(usize, u64)> = next.map(|(requests, errors, _)| (requests, errors));
    let expected_counts: Option<(usize, u64)> = Some((2, 0));
    ::std::assert!(
        counts == expected_counts,
        "the second window had 2 requests and no error, but its report was {}: what the first report counted should not be counted again",
        described(next)
    );
    let latency: Option<u32> = next.map(|(_, _, latency)| latency);
    let expected_latency: Option<u32> = Some(70);
    ::std::assert!(
        latency == expected_latency,
        "with `summarize` giving the slowest latency, the report of 20 and 70 ms should carry 70 ms, but it was {}: the figure comes from `summarize`, applied to the window's latencies",
        described(next)
    );
}

/// An empty window reports zeros.
#[test]
fn empty_window_reports_zeros() {
    let stats = Mutex::new(Stats::default());
    let mut received: Option<(usize, u64, u32)> = None;
    publish(&stats, mean, |report| received = Some(numbers(&report)));
    let expected_received: Option<(usize, u64, u32)> = Some((0, 0, 0));
    ::std::assert!(
        received == expected_received,
        "publishing with no requests recorded should report 0 requests, 0 errors, 0 ms, but `send` got {}",
        described(received)
    );
}

/// Publishing starts a fresh window: what was reported is not reported again.
#[test]
fn publish_starts_a_fresh_window() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, false);
    publish(&stats, mean, |_report| {});
    let left: usize = stats.lock().unwrap().latencies_ms.len();
    let errors: u64 = stats.lock().unwrap().errors;
    ::std::assert!(
        left == 0,
        "after publish the window should be empty again, ready for the next one, but it still held {left} latencies: take the window out and leave a fresh one behind"
    );
    ::std::assert!(
        errors == 0,
        "after publish the error count should start again at 0, but it was {errors}: the errors belong to the window that was reported"
    );
}

// How long the two tests below keep the mutex locked while `record` or `publish` runs on another
// thread (unless that call has already returned). An answer that gives up on a busy mutex
// (`try_lock()` and return) does so within microseconds of starting, far inside this; an answer
// that waits with `lock()` passes however long the hold lasts, so a loaded machine cannot make it
// fail, it only makes the test wait the whole hold.
const HOLD: Duration = Duration::from_millis(500);

/// Runs `call` on a thread of its own while this thread holds `stats` locked, until `call` has
/// returned or `HOLD` has passed since the thread started; then unlocks and gives back what
/// `call` returned (`None` if it panicked).
fn while_locked<T: Send>(stats: &Mutex<Stats>, call: impl FnOnce() -> T + Send) -> Option<T> {
    let held = stats.lock().unwrap();
    thread::scope(|scope| {
        let (started, running) = mpsc::channel::<()>();
        let caller = scope.spawn(move || {
            let _ = started.send(());
            call()
        });
        let _ = running.recv_timeout(Duration::from_secs(2));
        let since = Instant::now();
        while !caller.is_finished() && since.elapsed() < HOLD {
            thread::sleep(Duration::from_millis(1));
        }
        drop(held);
        caller.join().ok()
    })
}

/// `record` called while another thread holds the mutex waits its turn and keeps the request.
#[test]
fn record_waits_for_a_busy_mutex_and_keeps_the_request() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    let returned: Option<()> = while_locked(&stats, || record(&stats, 70, false));
    ::std::assert!(returned.is_some(), "`record` panicked when the stats mutex had been busy for a moment");
    let latencies: Vec<u32> = stats.lock().unwrap().latencies_ms.clone();
    let errors: u64 = stats.lock().unwrap().errors;
    let kept: bool = latencies == [70] && errors == 1;
    ::std::assert!(
        kept,
        "a failed request of 70 ms was recorded while another thread held the stats mutex, but the window then held the latencies {latencies:?} and {errors} errors: `record` gave up on the busy mutex and the request was lost, in no report at all. `record` waits its turn with `lock()`, and always adds its request; what keeps that wait short is `publish` letting its guard go quickly, not `record` skipping (see “Keeping the lock short”)"
    );
}

/// `publish` called while another thread holds the mutex waits its turn and still sends its report.
#[test]
fn publish_waits_for_a_busy_mutex_and_still_reports() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, false);
    record(&stats, 20, true);
    let sent: Option<Option<(usize, u64, u32)>> = while_locked(&stats, || {
        let mut received: Option<(usize, u64, u32)> = None;
        publish(&stats, mean, |report| received = Some(numbers(&report)));
        received
    });
    ::std::assert!(sent.is_some(), "`publish` panicked when the stats mutex had been busy for a moment");
    let received: Option<(usize, u64, u32)> = sent.flatten();
    ::std::assert!(
        received.is_some(),
        "`publish` returned without sending any report while another thread held the stats mutex for a moment: a busy mutex made it skip the report. Under load, exactly when the stats matter, windows would go unreported and run together. `publish` waits its turn with `lock()` like `record`: that wait is short, because every guard on this mutex is short (see “Keeping the lock short”)"
    );
    let expected: Option<(usize, u64, u32)> = Some((2, 1, 30));
    ::std::assert!(
        received == expected,
        "once the other thread let the mutex go, `publish` should have reported the window recorded before it, 2 requests, 1 error, 30 ms, but it reported {}",
        described(received)
    );
}

/// A request recorded while the report is being summarized is kept for the next report.
#[test]
fn request_recorded_during_the_summary_goes_into_the_next_report() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut summarized = false;
    let mut free_during_summary = false;
    let mut first: Option<(usize, u64, u32)> = None;
    publish(
        &stats,
        |latencies| {
            summarized = true;
            free_during_summary = stats.try_lock().is_ok();
            if free_during_summary {
                record(&stats, 90, false);
            }
            mean(latencies)
        },
        |report| first = Some(numbers(&report)),
    );
    ::std::assert!(
        summarized,
        "could not begin: with one request of 40 ms in the window, `publish` did not call `summarize`, so no request could be \
         recorded while it ran (the same fault as in lock_is_free_while_the_latencies_are_summarized)"
    );
    ::std::assert!(
        free_during_summary,
        "while `summarize` runs, the stats mutex should be unlocked so requests can still be recorded"
    );
    let mut second: Option<(usize, u64, u32)> = None;
    let mut second_summarized = false;
    publish(
        &stats,
        |latencies| {
            second_summarized = true;
            mean(latencies)
        },
        |report| second = Some(numbers(&report)),
    );
    let expected_first: Option<(usize, u64, u32)> = Some((1, 0, 40));
    ::std::assert!(
        first == expected_first,
        "the first report should hold only the request recorded before `publish` began, (1 request, 0 errors, 40 ms), but it was {}: part of a request recorded while the report was being summarized got into it, so the report was built from the mutex after the window had been taken out (a second lock, or the guard still held). Whatever is recorded meanwhile belongs to the next window: take the whole window, latencies and errors together, out in one step under one lock, and build the report from what you took (see “Keeping the lock short”)",
        described(first)
    );
    let lost: bool = second == Some((0, 0, 0));
    ::std::assert!(
        !lost,
        "a request recorded while the report was being summarized is missing from the next report: `publish` cleared the mutex under a second lock, after it had read or taken the window (a reset or `clear()` after reading it, or one more reset after `std::mem::take`, even once the report is sent), and that wiped what was recorded in between. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`), and leave the fresh window alone afterwards: it belongs to `record` (see “Keeping the lock short”)"
    );
    let errors_wiped: bool = second == Some((1, 0, 90));
    ::std::assert!(
        !errors_wiped,
        "a failed request of 90 ms recorded while the report was being made kept its latency but lost its error: the next report was 1 request, 0 errors, 90 ms. After taking the window, `publish` locked the mutex again and reset or changed the error count (an `errors = 0` after `send`, say), which wipes the errors recorded in between. `std::mem::take(&mut *guard)` already leaves a fresh window with no errors; leave it alone afterwards: it belongs to `record` (see “Keeping the lock short”)"
    );
    let expected_second: Option<(usize, u64, u32)> = Some((1, 1, 90));
    ::std::assert!(
        second_summarized || second != Some((1, 1, 0)),
        "could not finish: the next window, one failed request of 90 ms, was reported as 1 request, 1 error, 0 ms, without a \
         call to `summarize` (the same fault as in the_lock_is_free_during_the_report_whatever_the_window)"
    );
    ::std::assert!(
        second == expected_second,
        "the failed request of 90 ms recorded while summarizing belongs to the next window, so the next report should be 1 request, 1 error, 90 ms, but it was {}",
        described(second)
    );
}

/// A request recorded during `send` goes into the next report.
#[test]
fn request_recorded_during_send_goes_into_the_next_report() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
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
    let mut second_summarized = false;
    publish(
        &stats,
        |latencies| {
            second_summarized = true;
            mean(latencies)
        },
        |report| second = Some(numbers(&report)),
    );
    let expected_first: Option<(usize, u64, u32)> = Some((1, 0, 40));
    ::std::assert!(
        first == expected_first,
        "the first report should hold only the request recorded before `publish` began, (1 request, 0 errors, 40 ms), but it was {}: part of a request recorded while the report was being sent got into it, so the report was built from the mutex after the window had been taken out (a second lock, or the guard still held). Whatever is recorded meanwhile belongs to the next window: take the whole window, latencies and errors together, out in one step under one lock, and build the report from what you took (see “Keeping the lock short”)",
        described(first)
    );
    let lost: bool = second == Some((0, 0, 0));
    ::std::assert!(
        !lost,
        "a request recorded while the report was being sent is missing from the next report: `publish` cleared the mutex under a second lock, after it had read or taken the window (a reset or `clear()` after reading it, or one more reset after `std::mem::take`, even once the report is sent), and that wiped what was recorded in between. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`), and leave the fresh window alone afterwards: it belongs to `record` (see “Keeping the lock short”)"
    );
    let errors_wiped: bool = second == Some((1, 0, 90));
    ::std::assert!(
        !errors_wiped,
        "a failed request of 90 ms recorded while the report was being made kept its latency but lost its error: the next report was 1 request, 0 errors, 90 ms. After taking the window, `publish` locked the mutex again and reset or changed the error count (an `errors = 0` after `send`, say), which wipes the errors recorded in between. `std::mem::take(&mut *guard)` already leaves a fresh window with no errors; leave it alone afterwards: it belongs to `record` (see “Keeping the lock short”)"
    );
    let expected_second: Option<(usize, u64, u32)> = Some((1, 1, 90));
    ::std::assert!(
        second_summarized || second != Some((1, 1, 0)),
        "could not finish: the next window, one failed request of 90 ms, was reported as 1 request, 1 error, 0 ms, without a \
         call to `summarize` (the same fault as in the_lock_is_free_during_the_report_whatever_the_window)"
    );
    ::std::assert!(
        second == expected_second,
        "the failed request of 90 ms recorded while sending belongs to the next window, so the next report should be 1 request, 1 error, 90 ms, but it was {}",
        described(second)
    );
}

// What `publish` leaves in the mutex, seen after a window of 1000 requests of 10 ms is published
// while a failed request of 90 ms is recorded from inside `summarize` (the lock is free by then in a
// right answer). The honest `publish` leaves that request just where `record` put it, in the Vec
// `record` pushed it into; every other outcome names what `publish` did to the fresh window.
#[derive(Clone, Copy, PartialEq)]
enum Leftover {
    // The request recorded meanwhile, alone, in the very Vec `record` pushed it into.
    Untouched,
    // `summarize` was never called, so nothing could be recorded while it ran.
    NotSummarized,
    // The mutex was never free while `summarize` ran, so nothing could be recorded meanwhile.
    NeverFree,
    // The request is there, but in another Vec: moved or copied into a buffer put back in its place.
    Moved,
    // No latency at all, but room for the whole old window: the old window's buffer, put back over it.
    BufferHandedBack,
    // No latency, and no more room than `record` made: the fresh window was reset or cleared.
    Wiped,
    // Anything else (the old window itself back in the mutex, say).
    Other,
}

// How big the window the probe publishes is.
const PROBE_WINDOW: usize = 1000;

struct Probe {
    leftover: Leftover,
    // The report `send` got: (requests, errors, latency in ms).
    first: Option<(usize, u64, u32)>,
    // What the mutex held once `publish` had returned: its latencies, their room, and its errors.
    latencies: Vec<u32>,
    room: usize,
    errors: u64,
}

fn probe_what_publish_leaves() -> Probe {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    for _ in 0..PROBE_WINDOW {
        record(&stats, 10, true);
    }
    // Where `record` put the request it recorded during `summarize`, if the mutex was free then.
    let mut recorded_into: Option<usize> = None;
    let mut summarized: bool = false;
    let mut first: Option<(usize, u64, u32)> = None;
    publish(
        &stats,
        |latencies| {
            summarized = true;
            if stats.try_lock().is_ok() {
                record(&stats, 90, false);
                recorded_into = stats.try_lock().ok().map(|window| window.latencies_ms.as_ptr() as usize);
            }
            mean(latencies)
        },
        |report| first = Some(numbers(&report)),
    );
    let held = stats.lock().unwrap();
    let latencies: Vec<u32> = held.latencies_ms.clone();
    let room: usize = held.latencies_ms.capacity();
    let at: usize = held.latencies_ms.as_ptr() as usize;
    let errors: u64 = held.errors;
    drop(held);
    let leftover = match recorded_into {
        None if !summarized => Leftover::NotSummarized,
        None => Leftover::NeverFree,
        Some(_) if latencies.is_empty() && room >= PROBE_WINDOW => Leftover::BufferHandedBack,
        Some(_) if latencies.is_empty() => Leftover::Wiped,
        Some(pushed_at) if latencies == [90] && at == pushed_at => Leftover::Untouched,
        Some(_) if latencies == [90] => Leftover::Moved,
        Some(_) => Leftover::Other,
    };
    Probe { leftover, first, latencies, room, errors }
}

/// After a window is taken out, the mutex keeps what is recorded meanwhile, where `record` put it: nothing is put back over it or copied around.
#[test]
fn nothing_is_put_back_over_requests_recorded_meanwhile() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
    let Probe { leftover, first, latencies, room, errors } = probe_what_publish_leaves();
    let (latencies, room, errors): (Vec<u32>, usize, u64) = (latencies, room, errors);
    let not_summarized: bool = leftover == Leftover::NotSummarized;
    ::std::assert!(
        !not_summarized,
        "could not begin: with a window of {PROBE_WINDOW} requests of 10 ms, `publish` did not call `summarize`, so no \
         request could be recorded while it ran (the same fault as in the_lock_is_free_during_the_report_whatever_the_window)"
    );
    let never_free: bool = leftover == Leftover::NeverFree;
    ::std::assert!(
        !never_free,
        "while `summarize` ran on a window of {PROBE_WINDOW} requests, the stats mutex was still locked (a `try_lock()` from \
         inside `summarize` failed), so no request could be recorded meanwhile: take the window out in a short block and \
         summarize it with no guard alive (see “Keeping the lock short”)"
    );
    let first: Option<(usize, u64, u32)> = first;
    let expected_first: Option<(usize, u64, u32)> = Some((1000, 0, 10));
    ::std::assert!(
        first == expected_first,
        "the first report should hold the 1000 requests of 10 ms recorded before `publish` began, 1000 requests, 0 errors, 10 ms, but it was {}",
        described(first)
    );
    let handed_back: bool = leftover == Leftover::BufferHandedBack;
    ::std::assert!(
        !handed_back,
        "a failed request of 90 ms was recorded while a window of 1000 requests was summarized, but once `publish` returned the stats mutex held no latency at all (and an error count of {errors}), only room for {room}: after taking the window, `publish` locked the mutex again and put the old window's emptied buffer back in, over the Vec `record` had just pushed into, so that request is in no report. Once the window is out, the fresh one belongs to `record`: leave it as `std::mem::take` left it (see “Keeping the lock short”)"
    );
    let wiped: bool = leftover == Leftover::Wiped;
    ::std::assert!(
        !wiped,
        "a failed request of 90 ms was recorded while a window of 1000 requests was summarized, but once `publish` returned the stats mutex held no latency at all (and an error count of {errors}): after it read or took the window, `publish` reset or cleared the mutex under a second lock, and that wiped what `record` had added in between. `std::mem::take` already leaves a fresh window behind, in the same step as it takes the old one: nothing is left to reset afterwards (see “Keeping the lock short”)"
    );
    let moved: bool = leftover == Leftover::Moved;
    ::std::assert!(
        !moved,
        "a failed request of 90 ms recorded while `summarize` ran was still in the stats mutex afterwards, but no longer in the Vec `record` had pushed it into: after taking the window, `publish` locked the mutex again, put another buffer in (the old window's, for reuse) and copied what was recorded meanwhile into it. That copy is as long as the traffic during the report, and every `record` waits for it. Once the window is out, the fresh one belongs to `record`: leave it as `std::mem::take` left it (see “Keeping the lock short”)"
    );
    let untouched: bool = leftover == Leftover::Untouched;
    ::std::assert!(
        untouched,
        "a failed request of 90 ms was recorded while a window of 1000 requests was summarized, so once `publish` returned the stats mutex should have held just that request, but it held {} latencies (the first ones {:?}) and {errors} errors: after taking the window, `publish` put something back into the mutex. Once the window is out, the fresh one belongs to `record`: leave it as `std::mem::take` left it (see “Keeping the lock short”)",
        latencies.len(),
        &latencies[..latencies.len().min(5)]
    );
}

// How many failed requests the windows in the test below hold: two sizes, so that room that follows
// the old window's size can be told from a fixed amount.
const FRESH_PROBES: [usize; 2] = [1000, 3000];

// What the fresh window in the stats mutex held at one look: (latencies, room, errors).
type Fresh = (usize, usize, u64);

// What the stats mutex held after `publish` took a window of `size` failed requests: while
// `summarize` ran (`None` if the mutex was not free then), and once `publish` had returned
// (latencies, room).
fn fresh_window_after(size: usize) -> (Option<Fresh>, (usize, usize)) {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    {
        let mut window = stats.lock().unwrap();
        window.latencies_ms = ::std::vec![10; size];
        window.errors = size as u64;
    }
    let mut while_summarizing: Option<Fresh> = None;
    publish(
        &stats,
        |latencies| {
            while_summarizing = stats
                .try_lock()
                .ok()
                .map(|window| (window.latencies_ms.len(), window.latencies_ms.capacity(), window.errors));
            mean(latencies)
        },
        |_report| {},
    );
    let window = stats.lock().unwrap();
    (while_summarizing, (window.latencies_ms.len(), window.latencies_ms.capacity()))
}

/// `publish` leaves the fresh window as `std::mem::take` made it: no room sized after the old window, no buffer copied or handed back into it after the take.
#[test]
fn the_fresh_window_is_left_as_take_made_it() {
    let made: Stats = Stats::default();
    crate::__learn::exact::<Vec<u32>, _>(&made.latencies_ms);
    // The room of the fresh window `std::mem::take` leaves behind: that of `Stats::default()`.
    let fresh_room: usize = made.latencies_ms.capacity();
    let [small, big] = FRESH_PROBES;
    let (small_then, small_after) = fresh_window_after(small);
    let (big_then, big_after) = fresh_window_after(big);
    // A window still in the mutex (copied, not taken out) or a mutex never free is another test's failure.
    let (held_then, room_then, errors_then): Fresh = small_then.unwrap_or((0, fresh_room, 0));
    let (big_held_then, big_room_then, _): Fresh = big_then.unwrap_or((0, fresh_room, 0));
    let no_errors_left: bool = held_then != 0 || errors_then == 0;
    ::std::assert!(
        no_errors_left,
        "while `summarize` ran, the window of {small} failed requests had been taken out and nothing recorded since, yet the stats mutex still counted {errors_then} errors: `publish` took the latencies but left the error count behind, to reset or subtract after the report. Until then the fresh window carries the old window's errors, so a `publish` that runs meanwhile reports them a second time, and the counts of the fresh window are wrong for as long as the report takes. Take the whole `Stats` out in one step, latencies and errors together: `std::mem::take(&mut *guard)` (see “Keeping the lock short”)"
    );
    // Room that follows the old window's size is work or memory for every latency of it; a fixed
    // amount of room, the same whatever the window, costs the same small step every time.
    let sized_after_the_old: bool =
        held_then == 0 && big_held_then == 0 && room_then != big_room_then && (room_then, big_room_then) != (fresh_room, fresh_room);
    let how_big: &str = if room_then >= small && big_room_then >= big { "as big as the old" } else { "sized after the old" };
    ::std::assert!(
        !sized_after_the_old,
        "while `summarize` ran, nothing had been recorded since the window was taken, yet the fresh window in the stats mutex already had room for {room_then} latencies after a window of {small} was taken, and for {big_room_then} after one of {big}, where `std::mem::take` leaves room for {fresh_room}: in the step that took the window, `publish` also left a fresh one {how_big} behind (a `clone()` of the window swapped in, room reserved or filled for the next window, or the old Vec emptied in place with `drain(..)` or `clear()`, which keeps its room). That is work or memory for every latency of the window, taken while `record` waits for the guard. Leave the fresh window as `std::mem::take(&mut *guard)` made it: `record` grows it as requests come (see “Keeping the lock short”)"
    );
    // After the summary, `publish` has no business with the fresh window: its room, empty, must be
    // what it was while `summarize` ran.
    let changed: Option<(usize, usize, usize)> = [(small, small_then, small_after), (big, big_then, big_after)]
        .into_iter()
        .find_map(|(size, then, (left, room_after))| {
            let (held, room, _) = then.unwrap_or((0, room_after, 0));
            (held == 0 && left == 0 && room_after != room).then_some((size, room, room_after))
        });
    let (size, room_before, room_after) = changed.unwrap_or_default();
    ::std::assert!(
        changed.is_none(),
        "once `publish` returned from a window of {size} requests, nothing had been recorded since the window was taken, yet the fresh window in the stats mutex, with no latency in it, had room for {room_after}, where it had room for {room_before} while `summarize` ran: after taking the window, `publish` locked the mutex again and changed the fresh window's buffer (handed the old window's buffer back into it, or reserved room in it). Nothing was lost here, as nobody recorded meanwhile, but from the moment the window is out the fresh one belongs to `record`: whatever `publish` puts back must be checked against, copied into or written over what was recorded meanwhile, under a second lock that `record` waits for. Leave the fresh window as `std::mem::take` made it (see “Keeping the lock short”)"
    );
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
        "the next report should hold exactly the one request another thread recorded during `send`, (1 request, 0 errors, 70 ms), but it was {}: what is recorded while a report is sent belongs to the next window, neither lost nor counted twice. Take the whole window out and leave a fresh one behind in one step, under one lock (`std::mem::take`) (see “Keeping the lock short”)",
        described(next)
    );
}

// A `publish` that takes the window in two lock steps (the latencies under one lock and the
// errors under another, or the counts and then the window), or that puts something back into the
// mutex after taking the window, leaves a moment in which a request can be recorded and then torn
// or lost. No test can stop `publish` in that moment, so request threads record while `publish`
// runs again and again: one through `record` (latency 1 ms), one that grabs the lock the instant
// it is free and adds its request itself (latency 2 ms; `try_lock` in a loop, as a busy request
// thread would get it), until a report comes out torn or the time is up. Every request fails, so
// each report must say requests = errors = its window's length; and the windows together must hold
// every request recorded. Which requests are missing tells who lost them: if only the 1 ms ones
// are, `record` dropped them; if the 2 ms ones are too, `publish` wiped them. Once a report came
// out torn, `publish` stops and, for up to `RECORD_AGAIN`, the thread that grabs the lock looks at
// what the mutex holds: with only `record` and itself adding requests, all failed, the number of
// latencies and the number of errors grow together, and if the two drift apart `record` added them
// under two locks, and the torn report is its doing.
// What the mutex held at one look: (latencies, errors).
type Held = (usize, u64);

/// How long `publish` runs again and again at most: a `publish` with two locks in a row is most often
/// caught within the first second, but on a loaded machine a request thread can miss its gap for longer.
const STRESS: Duration = Duration::from_millis(3000);
const RECORD_AGAIN: Duration = Duration::from_millis(1000);

/// While threads record, each report is taken from the mutex in one step: its counts agree with its window, and no request is lost.
#[test]
fn reports_made_while_threads_record_are_whole_and_lose_nothing() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
    // What this `publish` does to the fresh window once it has taken the old one: it decides how a
    // failure below is worded, never whether there is one.
    let puts_back: bool = ::std::matches!(
        probe_what_publish_leaves().leftover,
        Leftover::BufferHandedBack | Leftover::Moved | Leftover::Other
    );
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    let stop = AtomicBool::new(false);
    let publishing = AtomicBool::new(true);
    // A moment, with no `publish` running, when the mutex's latencies and errors had drifted apart: how many of each it held.
    // (Two looks in a row: what each saw.)
    let half_recorded: Mutex<Option<(Held, Held)>> = Mutex::new(None);
    // A moment, with no `publish` running, when the mutex held fewer latencies than at the look before: how many, before and then.
    let shrank: Mutex<Option<(usize, usize)>> = Mutex::new(None);
    let mut reports: Vec<(usize, u64, u32)> = Vec::new();
    // How many latencies `summarize` was handed for each report, beside it (`None`: it was not called).
    let mut handed_for: Vec<Option<usize>> = Vec::new();
    let handed_now: Cell<Option<usize>> = Cell::new(None);
    // What the windows handed to `summarize` held: requests made through `record`, and the others.
    let mut reported_via_record: u64 = 0;
    let mut reported_direct: u64 = 0;
    // The first report `send` got from a `publish` that never called `summarize`.
    let mut unsummarized: Option<(usize, u64, u32)> = None;
    let (made_via_record, made_direct): (u64, u64) = thread::scope(|scope| {
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
            // How many more latencies than errors the mutex held when last looked at, with no `publish` running since.
            let mut last_gap: Option<i128> = None;
            // What the mutex held, latencies and errors, when last looked at.
            let mut last_held: (usize, u64) = (0, 0);
            // How many latencies the mutex held when last looked at, with no `publish` running since.
            let mut last_len: Option<usize> = None;
            while !stop.load(Ordering::Relaxed) {
                if let Ok(mut window) = stats.try_lock() {
                    if !publishing.load(Ordering::SeqCst) {
                        let held: (usize, u64) = (window.latencies_ms.len(), window.errors);
                        let gap: i128 = held.0 as i128 - i128::from(held.1);
                        if last_gap.is_some_and(|last| last != gap) {
                            *half_recorded.lock().unwrap() = Some((last_held, held));
                        }
                        last_gap = Some(gap);
                        last_held = held;
                        if last_len.is_some_and(|last| held.0 < last) {
                            *shrank.lock().unwrap() = Some((last_len.unwrap_or(0), held.0));
                        }
                        last_len = Some(held.0);
                    }
                    window.latencies_ms.push(2);
                    window.errors += 1;
                    made += 1;
                }
            }
            made
        });
        let started = Instant::now();
        let mut torn = false;
        while !torn && started.elapsed() < STRESS {
            let mut summarized = false;
            let summarize = |latencies: &[u32]| {
                summarized = true;
                handed_now.set(Some(latencies.len()));
                reported_via_record += latencies.iter().filter(|&&ms| ms == 1).count() as u64;
                reported_direct += latencies.iter().filter(|&&ms| ms == 2).count() as u64;
                latencies.len() as u32
            };
            let reports_before: usize = reports.len();
            handed_now.set(None);
            publish(&stats, summarize, |report| {
                reports.push(numbers(&report));
                handed_for.push(handed_now.get());
            });
            if !summarized && reports.len() > reports_before && unsummarized.is_none() {
                unsummarized = reports.last().copied();
            }
            torn = reports.last().is_some_and(|&(requests, errors, window)| {
                errors != requests as u64 || window as usize != requests
            });
        }
        if torn {
            // Whose doing: with `publish` no longer running, see whether `record` alone tears a request.
            publishing.store(false, Ordering::SeqCst);
            let recording = Instant::now();
            while half_recorded.lock().unwrap().is_none()
                && shrank.lock().unwrap().is_none()
                && recording.elapsed() < RECORD_AGAIN
            {
                thread::sleep(Duration::from_millis(1));
            }
        }
        stop.store(true, Ordering::Relaxed);
        (through_record.join().unwrap(), grabbing.join().unwrap())
    });
    let mut summarized_last = false;
    let last_summary = |latencies: &[u32]| {
        summarized_last = true;
        handed_now.set(Some(latencies.len()));
        reported_via_record += latencies.iter().filter(|&&ms| ms == 1).count() as u64;
        reported_direct += latencies.iter().filter(|&&ms| ms == 2).count() as u64;
        latencies.len() as u32
    };
    let reports_before: usize = reports.len();
    handed_now.set(None);
    publish(&stats, last_summary, |report| {
        reports.push(numbers(&report));
        handed_for.push(handed_now.get());
    });
    if !summarized_last && reports.len() > reports_before && unsummarized.is_none() {
        unsummarized = reports.last().copied();
    }
    let fewer: Option<(usize, usize)> = *shrank.lock().unwrap();
    let (before, after) = fewer.unwrap_or_default();
    ::std::assert!(
        fewer.is_none(),
        "while only `record` was adding requests, with no `publish` running, the latencies in the stats mutex went from {before} down to {after}: requests already recorded were lost. `record` moved the latencies out of the mutex, pushed with no lock held and wrote them back under a second lock: what another thread recorded in between was overwritten, and anyone who locked the mutex meanwhile found the window empty (a `publish` then reports it without its latencies). Push through the one guard: lock once, push the latency and count the error, then let the guard go (see “Keeping the lock short”)"
    );
    // Once every thread has stopped and the last `publish` has run, the mutex holds a fresh window.
    let left_errors: u64 = stats.lock().unwrap().errors;
    let left_latencies: usize = stats.lock().unwrap().latencies_ms.len();
    ::std::assert!(
        left_errors == 0 || left_latencies != 0,
        "after the last `publish`, with nobody recording any more, the stats mutex held no latencies but still {left_errors} errors: `publish` took the latencies and left the error count behind, so each report counts every error since the start. The errors belong to the window being reported: take the whole `Stats` out with `std::mem::take(&mut *guard)`, latencies and errors together (see “Keeping the lock short”)"
    );
    let half: Option<(Held, Held)> = *half_recorded.lock().unwrap();
    let ((latencies, errors), (latencies_next, errors_next)) = half.unwrap_or_default();
    ::std::assert!(
        half.is_none(),
        "while only `record` was adding failed requests, with no `publish` running, the number of latencies in the stats mutex and its number of errors drifted apart (at one look it held {latencies} latencies and {errors} errors, at the next {latencies_next} latencies and {errors_next} errors, though every request added one of each): `record` added a request's latency and its error at different moments, under two locks, or left one of them out for some requests, so a window holds half a request, its latency in one window and its error in the next, or one without the other. Add both under the one guard, for every request: lock once, push the latency and count the error, then let the guard go (see “Keeping the lock short”)"
    );
    let torn_counts: Option<(usize, u64, u32)> =
        reports.iter().copied().find(|&(requests, errors, _)| errors != requests as u64);
    let (requests, errors, _) = torn_counts.unwrap_or_default();
    let torn_how: &str = if puts_back {
        "After taking the window, `publish` put a buffer back into the mutex in place of the latencies recorded meanwhile, but left their error count: the next window got the errors without their latencies. Once the window is out, leave the fresh one as `std::mem::take(&mut *guard)` made it"
    } else {
        "The latencies and the errors were not handled as one: they left the mutex at different moments, under two locks, or one of them was reset or changed under a second lock after the window was taken, so a request recorded in between had its latency and its error counted in different windows, or one of them wiped. Take the whole window out in one step, under one lock, and leave the fresh one alone afterwards: `std::mem::take(&mut *guard)`"
    };
    ::std::assert!(
        torn_counts.is_none(),
        "a report gave {requests} as its request count but {errors} as its error count, though every request recorded failed: that window's latencies and its error count disagree, so some request reached one of them and not the other. {torn_how} (see “Keeping the lock short”)"
    );
    ::std::assert!(
        unsummarized.is_none(),
        "`send` got a report of {}, but `publish` never called `summarize` for that window: the report's figure comes from `summarize`, whatever the window holds (only failed \
         requests, one latency, none at all), since the caller's summary decides what it is. Hand `summarize` every window \
         you take, once (see “Keeping the lock short”)",
        described(unsummarized)
    );
    // The test's summary answers how many latencies it was handed, so a report's figure should be its request count.
    let torn_at: Option<usize> = reports.iter().position(|&(requests, _, window)| window as usize != requests);
    let torn_window: Option<(usize, u64, u32)> = torn_at.map(|at| reports[at]);
    let handed_then: Option<usize> = torn_at.and_then(|at| handed_for.get(at).copied().flatten());
    let (requests, _, window) = torn_window.unwrap_or_default();
    let torn_how: String = if handed_then == Some(requests) {
        ::std::format!(
            "and `summarize` was handed all {requests} latencies of that window and answered {requests} (the test's summary \
             counts them), yet the report carried {window} as its figure: `publish` changed the figure on its way into the \
             report (capped it at some limit, rounded it). The report carries `summarize`'s answer as it is: \
             `latency_ms: summarize(&window.latencies_ms)`"
        )
    } else {
        ::std::format!(
            "but `summarize` was handed a window of {} latencies: the two disagree. Either the counts were read at one moment \
             and the window taken at another, under two locks, and requests recorded in between fell into the gap, or \
             `publish` changed the window between taking it and handing it on (cut it short, filtered it). Take the whole \
             window out in one step, under one lock, count what you took, and hand `summarize` that same window untouched",
            handed_then.unwrap_or(window as usize)
        )
    };
    ::std::assert!(
        torn_window.is_none(),
        "a report counted {requests} requests, {torn_how} (see “Keeping the lock short”)"
    );
    let made: u64 = made_via_record + made_direct;
    let reported: u64 = reported_via_record + reported_direct;
    ::std::assert!(
        reported <= made,
        "the reports hold {reported} requests, but only {made} were recorded: some were counted in two reports, so a window that was reported stayed in the mutex. Take the window out and leave a fresh one behind in one step (`std::mem::take`) (see “Keeping the lock short”)"
    );
    let wiped: u64 = made_direct - reported_direct;
    let wiped_how: &str = if puts_back {
        "after taking the window, `publish` locked the mutex again and put a buffer back in (the old window's, for reuse) in place of the fresh window and what it held"
    } else {
        "it read or took the window under one lock and reset or cleared the mutex under another, and whatever was recorded between the two was wiped"
    };
    ::std::assert!(
        wiped == 0,
        "{} requests recorded while `publish` ran again and again are in no report ({made} recorded, {reported} reported): `publish` threw away what was added to the mutex after it took its window, even requests added with the lock held properly: {wiped_how}. Take the window out and leave a fresh one in one step, under one lock (`std::mem::take`), and leave the fresh window alone afterwards (see “Keeping the lock short”)",
        made - reported
    );
    let dropped: u64 = made_via_record - reported_via_record;
    ::std::assert!(
        dropped == 0,
        "{dropped} of the {made_via_record} requests passed to `record` while `publish` ran again and again are in no report, though every request added to the mutex by a thread holding the lock was reported: `record` returned without adding some of its requests (it gave up on a busy mutex, or left some out once the window was large). `record` waits its turn with `lock()` and always adds its request, however many the window holds (see “Keeping the lock short”)"
    );
}

/// How long the test below holds the stats mutex, taken on another thread while `summarize` runs.
/// `publish` needs no lock after its one short guard, so it sends and returns long before this ends.
const HELD_AFTER_THE_TAKE: Duration = Duration::from_millis(300);

/// After the one short guard that takes the window, `publish` locks the mutex no more: neither before `send` nor after it.
#[test]
fn publish_takes_no_lock_after_the_window_is_out() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    record(&stats, 40, true);
    record(&stats, 90, false);
    let released = AtomicBool::new(false);
    let (mut held_at_send, mut held_at_return): (Option<bool>, bool) = (None, false);
    thread::scope(|scope| {
        let (has_it, holding) = mpsc::channel::<()>();
        let mut holder: Option<thread::ScopedJoinHandle<'_, ()>> = None;
        publish(
            &stats,
            |latencies| {
                // While the summary runs, another thread takes the mutex and keeps it for a while.
                let (stats, released, has_it) = (&stats, &released, has_it.clone());
                holder = Some(scope.spawn(move || {
                    let guard = stats.lock().unwrap_or_else(::std::sync::PoisonError::into_inner);
                    let _ = has_it.send(());
                    thread::sleep(HELD_AFTER_THE_TAKE);
                    released.store(true, Ordering::SeqCst);
                    drop(guard);
                }));
                let _ = holding.recv_timeout(Duration::from_secs(5));
                mean(latencies)
            },
            |_report| held_at_send = Some(!released.load(Ordering::SeqCst)),
        );
        held_at_return = !released.load(Ordering::SeqCst);
        if let Some(holder) = holder {
            let _ = holder.join();
        }
    });
    ::std::assert!(held_at_send.is_some(), "publish should call send exactly once");
    ::std::assert!(
        held_at_send == Some(true),
        "while `summarize` ran, another thread took the stats mutex and held it for {HELD_AFTER_THE_TAKE:?}, and `send` was not \
         called until it let go: between the summary and `send`, `publish` locked the mutex again. The window is already out; \
         from then on the report is made from what was taken, with no lock at all (see “Keeping the lock short”)"
    );
    ::std::assert!(
        held_at_return,
        "after `send`, `publish` locked the stats mutex again (another thread held it for {HELD_AFTER_THE_TAKE:?}, and \
         `publish` did not return until it let go): any work done after the report, such as sorting or dropping the old \
         window, needs no lock, since the old window is yours alone once it is out, and under the lock every `record` waits \
         for it (see “Keeping the lock short”)"
    );
}

/// How many latencies the window holds in the test below: enough that a pass over them all takes milliseconds.
const BIG_WINDOW: usize = 2_000_000;
/// How many times the test below publishes such a window; only the quickest counts.
const BIG_ROUNDS: usize = 5;
/// The longest the quickest `publish` may take before it calls `summarize`. Taking the window out
/// takes about a microsecond, even on a loaded machine (only one of the rounds needs to run
/// undisturbed), so the bound leaves a margin of several hundred times; a pass over two million
/// latencies takes milliseconds in every round.
const BEFORE_THE_SUMMARY: Duration = Duration::from_micros(500);

/// However big the window, `publish` reaches `summarize` at once: it takes the window out and does no pass over the latencies itself (a timing bound with a wide margin).
#[test]
fn publish_does_no_work_on_the_latencies_before_the_summary() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    let mut quickest: Option<Duration> = None;
    for _ in 0..BIG_ROUNDS {
        let window: Vec<u32> = ::std::vec![7; BIG_WINDOW];
        stats.lock().unwrap().latencies_ms = window;
        let mut reached: Option<Duration> = None;
        let (mut free_during_summary, mut free_during_send): (Option<bool>, Option<bool>) = (None, None);
        let started = Instant::now();
        publish(
            &stats,
            |latencies| {
                reached = Some(started.elapsed());
                free_during_summary = Some(is_free(&stats));
                latencies.len() as u32
            },
            |_report| free_during_send = Some(is_free(&stats)),
        );
        let Some(took) = reached else { ::std::panic!("publish should call summarize exactly once") };
        let free: bool = free_during_summary != Some(false) && free_during_send != Some(false);
        let what: String = ::std::format!("{BIG_WINDOW} requests");
        ::std::assert!(free, "{}", held_during_the_report(&what, free_during_summary, free_during_send));
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
    }
    let took: Duration = quickest.unwrap_or_default();
    ::std::assert!(
        took < BEFORE_THE_SUMMARY,
        "with {BIG_WINDOW} latencies in the window, even the quickest of {BIG_ROUNDS} calls to `publish` took {took:.1?} before \
         it called `summarize`, where taking the window out takes about a microsecond: `publish` went through the latencies \
         itself first (counting them with `iter()`, finding the largest, sorting or copying them): under the lock every \
         `record` waits for that, and with the lock free it is still the summary's work, done before the summary and \
         perhaps again inside it (see “Keeping the lock short”)\n\
         Under the lock take the window out and nothing else, `std::mem::take(&mut *guard)`; `latencies_ms.len()` counts the \
         requests at no cost, and any figure drawn from the latencies is `summarize`'s job."
    );
}

/// An empty window is published like any other: its `summarize` and `send` run with the mutex free too.
#[test]
fn lock_is_free_while_an_empty_window_is_reported() {
    let stats = Mutex::new(Stats::default());
    let (mut free_during_summary, mut free_during_send): (Option<bool>, Option<bool>) = (None, None);
    publish(
        &stats,
        |latencies| {
            free_during_summary = Some(stats.try_lock().is_ok());
            mean(latencies)
        },
        |_report| free_during_send = Some(stats.try_lock().is_ok()),
    );
    let free: bool = free_during_summary != Some(false) && free_during_send != Some(false);
    ::std::assert!(
        free,
        "with nothing recorded, `publish` kept the stats mutex locked while it {} (a `try_lock()` from inside failed): an empty \
         window is no reason to keep the guard, and every `record` that comes meanwhile waits for the report, `send`'s network \
         call included. Take the window out in a short block, whatever it holds, and report with no lock held \
         (see “Keeping the lock short”)",
        if free_during_summary == Some(false) { "summarized it" } else { "sent the report" }
    );
}

/// Whether `record` keeps each request as it is given, a failed one included; the tests that
/// watch `record` beside other threads first make sure of that, so that a `record` that leaves
/// requests out is told so by every_latency_is_kept_as_it_came, not blamed for a busy mutex.
fn record_keeps_each_request() -> bool {
    let stats = Mutex::new(Stats::default());
    record(&stats, 90, false);
    record(&stats, 90, false);
    record(&stats, 1, true);
    let window = stats.lock().unwrap_or_else(PoisonError::into_inner);
    window.latencies_ms == [90, 90, 1] && window.errors == 2
}

/// What a test says when `record_keeps_each_request` is false.
const RECORD_LEAVES_OUT: &str = "could not begin: on its own, with nobody else at the mutex, `record` did not keep each \
     request as it was given (every_latency_is_kept_as_it_came says how)";

/// Poisons `stats` the way a bug does: a request thread panics while it holds the guard. That
/// panic is expected, so not printed.
fn poison(stats: &Mutex<Stats>) {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        let _ = scope
            .spawn(|| {
                let _recording = stats.lock();
                ::std::panic!("a request thread failed while it held the stats");
            })
            .join();
    });
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = stats.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the stats mutex");
}

/// Runs `call`, with panic output turned off: `true` if it returned, `false` if it panicked.
fn returned_quietly(call: impl FnOnce()) -> bool {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let returned = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).is_ok();
    ::std::panic::set_hook(report_panics);
    returned
}

/// On a mutex poisoned by a thread that panicked, `record` either panics too or records the request: it never returns having dropped it.
#[test]
fn record_on_a_poisoned_mutex_never_drops_the_request() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    poison(&stats);
    let returned: bool = returned_quietly(|| record(&stats, 70, false));
    let window = stats.lock().unwrap_or_else(PoisonError::into_inner);
    let (latencies, errors): (Vec<u32>, u64) = (window.latencies_ms.clone(), window.errors);
    drop(window);
    let kept: bool = latencies == [40, 70] && errors == 1;
    // What became of the two requests, told from what the window holds: the one of 40 ms recorded
    // before the poison, and the failed one of 70 ms recorded on the poisoned mutex.
    let what: &str = match (latencies.contains(&40), latencies.contains(&70)) {
        (true, false) => {
            "the new request was skipped, as if it had never come. A poisoned mutex says some code panicked half way \
             through a change; skipping the request hides that bug and loses data on top of it"
        }
        (false, true) => {
            "the new request was kept, but the one of 40 ms recorded before it was wiped: `record` reset the window (a \
             fresh `Stats` put in) before pushing. A poisoned mutex says some code panicked half way through a change; \
             wiping the window hides that bug and throws away every request recorded since the last report"
        }
        (false, false) => {
            "both requests were lost, the one before and the new one. A poisoned mutex says some code panicked half way \
             through a change; emptying the window hides that bug and loses data on top of it"
        }
        (true, true) => {
            "a latency or the error count came out other than recorded (a request counted twice, an error lost or added). \
             A poisoned mutex says some code panicked half way through a change; changing the window on top of it hides \
             that bug"
        }
    };
    ::std::assert!(
        !returned || kept,
        "after another thread panicked while it held the stats mutex (which poisons it), `record(70 ms, failed)` returned, \
         but the window then held the latencies {latencies:?} and {}, where [40, 70] and 1 error were due: {what}, \
         without a trace, in no report and in no error. Let `lock().unwrap()` panic, so the failure shows, or, where the \
         data is known to be fine, take the guard anyway with `unwrap_or_else(PoisonError::into_inner)` and push onto the \
         window it holds, as it is (see “Poisoned locks”, later in the course)",
        counted(errors, "error", "errors")
    );
}

/// On a mutex poisoned by a thread that panicked, `publish` either panics too or reports the window as recorded: never an empty report, never silence.
#[test]
fn publish_on_a_poisoned_mutex_never_loses_the_window() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, false);
    record(&stats, 20, true);
    poison(&stats);
    let mut received: Option<(usize, u64, u32)> = None;
    let returned: bool = returned_quietly(|| publish(&stats, mean, |report| received = Some(numbers(&report))));
    let expected: Option<(usize, u64, u32)> = Some((2, 1, 30));
    // What the mutex holds now, read through the field whatever the poison: after a `publish` that
    // panicked without reporting, the window must still be there for a later one.
    let (left_latencies, left_errors): (Vec<u32>, u64) = {
        let window = stats.lock().unwrap_or_else(PoisonError::into_inner);
        (window.latencies_ms.clone(), window.errors)
    };
    let still_there: bool = left_latencies == [40, 20] && left_errors == 1;
    ::std::assert!(
        returned || received.is_some() || still_there,
        "after another thread panicked while it held the stats mutex (which poisons it), `publish` panicked, and sent no \
         report, but it had taken the window out first: the mutex then held the latencies {left_latencies:?} and \
         {left_errors} errors, where [40, 20] and 1 were due. The 2 requests are gone, neither reported nor left for a \
         later `publish`. Panic before changing anything (`lock().unwrap()` panics on the poisoned mutex before the window \
         is touched), or, where the data is known to be fine, take the guard anyway with \
         `unwrap_or_else(PoisonError::into_inner)` and report the window it holds (see “Poisoned locks”, later in the course)"
    );
    let honest: bool = if returned { received == expected } else { received.is_none() || received == expected };
    let what: &str = match received {
        None => "the window was neither reported nor did anything say why: the requests recorded are left behind unreported",
        Some(_) => "the poison made it report another window than the one recorded, and the requests are lost",
    };
    ::std::assert!(
        honest,
        "after another thread panicked while it held the stats mutex (which poisons it), `publish` {} and reported {}, \
         where the window held 2 requests, 1 error, 30 ms: {what}, with no error to say so. Let `lock().unwrap()` panic, so \
         the failure shows, or, where the data is known to be fine, take the guard anyway with \
         `unwrap_or_else(PoisonError::into_inner)` and report the window it holds (see “Poisoned locks”, later in the course)",
        if returned { "returned" } else { "panicked" },
        described(received)
    );
}

/// How many times the test below records into a big window; only the quickest counts.
const RECORD_ROUNDS: usize = 20;
/// The longest the quickest of those may take: a lock and a push take well under a microsecond,
/// even on a loaded machine (only one of the rounds needs to run undisturbed), where moving the
/// four million latencies of `HUGE_WINDOW` takes milliseconds.
const ONE_PUSH: Duration = Duration::from_micros(25);

/// `record` takes as long in a window of four million latencies as in an empty one: under the lock it pushes, and looks at no other latency.
#[test]
fn record_does_no_work_on_the_window() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    {
        let mut window = stats.lock().unwrap();
        window.latencies_ms = ::std::vec![7; HUGE_WINDOW];
        // Room for the requests below, so that a push never has to move the window.
        window.latencies_ms.reserve(RECORD_ROUNDS);
    }
    let mut quickest: Option<Duration> = None;
    for _ in 0..RECORD_ROUNDS {
        let started = Instant::now();
        // Lower than every latency in the window: a `record` that keeps the window sorted moves all of them.
        record(&stats, 0, true);
        let took: Duration = started.elapsed();
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
    }
    let took: Duration = quickest.unwrap_or_default();
    ::std::assert!(
        took < ONE_PUSH,
        "with {HUGE_WINDOW} latencies in the window, even the quickest of {RECORD_ROUNDS} calls to `record` took {took:.1?}, \
         where a push takes well under a microsecond: `record` went through the window under the lock (keeping it sorted, \
         looking for the largest, checking for a repeat, moving it to new room), and every other request thread waits for \
         that, longer the busier the service (see “Keeping the lock short”)\n\
         `record` pushes the latency and counts the error, nothing more; any figure drawn from the window is `summarize`'s \
         job, once per report."
    );
}

/// How many requests the test below records, one by one, into a fresh window.
const GROWN_WINDOW: usize = (1 << 21) + 1;
/// The most room a window may have while it holds few latencies: a fresh window given a fixed
/// start (`Vec::with_capacity(1024)`, say) is well inside it, room for a million reserved in advance is not.
const SMALL_ROOM: usize = 1 << 16;

/// `record` lets the window grow with its requests: after a few records into a fresh window it has room for at most 65 536 latencies, and never for more than four times what it holds beyond that.
#[test]
fn record_makes_no_room_far_beyond_its_requests() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    // The first record after which the room went far beyond the latencies: into which fresh window,
    // how many latencies the window then held, and how much room it had.
    let mut too_big: Option<(&str, usize, usize)> = None;
    // First a fresh window as `Stats::default()` makes it, grown to millions; then a few requests
    // into the fresh window a `publish` leaves behind.
    let fresh: [(&str, usize); 2] =
        [("a fresh window (`Stats::default()`)", GROWN_WINDOW), ("the fresh window `publish` left behind", 16)];
    let started = Instant::now();
    for (start, requests) in fresh {
        if too_big.is_some() {
            break;
        }
        if requests < GROWN_WINDOW {
            publish(&stats, mean, |_report| {});
        }
        for i in 0..requests {
            record(&stats, (i % 1000) as u32, true);
            let (held, room): (usize, usize) = {
                let window = stats.lock().unwrap_or_else(PoisonError::into_inner);
                (window.latencies_ms.len(), window.latencies_ms.capacity())
            };
            if room > SMALL_ROOM.max(4 * held) {
                too_big = Some((start, held, room));
                break;
            }
            // A `record` that works on the whole window takes minutes here: record_does_no_work_on_the_window
            // reports that, and this test does not wait for it.
            if i % 1024 == 0 && started.elapsed() > Duration::from_secs(2) {
                return;
            }
        }
    }
    let (start, held, room) = too_big.unwrap_or_default();
    let mib: f64 = (room * ::std::mem::size_of::<u32>()) as f64 / (1024.0 * 1024.0);
    ::std::assert!(
        too_big.is_none(),
        "after `record` had put {} into {start}, the window had room for {room} latencies ({mib:.1} MiB): `record` made an \
         allocation far bigger than its latencies (room reserved in advance, `reserve(..)` or `with_capacity(..)` for \
         the whole window to come), and made it under the lock every `record` waits on, once per window, memory the \
         process holds whether or not the requests ever come (see “Keeping the lock short”)\n\
         `record` pushes, nothing more: the Vec grows as requests come, doubling its room when it is full, a cost spread \
         thin over the pushes.",
        counted(held as u64, "latency", "latencies")
    );
}

/// Whether the stats mutex is free at this moment: nobody holds it (poisoned or not).
fn is_free(stats: &Mutex<Stats>) -> bool {
    !::std::matches!(stats.try_lock(), Err(TryLockError::WouldBlock))
}

// The window sizes the test below publishes: every size up to 64, then each power of two and of ten up
// to 4096 with its neighbours, so that no bound on the window's size goes unseen.
fn window_sizes() -> Vec<usize> {
    let mut sizes: Vec<usize> = (0..=64).collect();
    let marks = (7..=12).map(|power| 1usize << power).chain([100, 1000]);
    for mark in marks {
        sizes.extend([mark - 1, mark, mark + 1]);
    }
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

// What the windows of the test below hold, by name: request `i` of `n` as (latency, ok). Each kind
// is published at every size, so that no condition on the latencies or the errors goes unseen.
type WindowKind = (&'static str, fn(usize, usize) -> (u32, bool));
const WINDOW_KINDS: [WindowKind; 11] = [
    ("no errors, latencies all different", |i, _| (i as u32 * 7 + 3, true)),
    ("no errors, every latency 10 ms", |_, _| (10, true)),
    ("no errors, every latency 0 ms", |_, _| (0, true)),
    ("no errors, every latency u32::MAX", |_, _| (u32::MAX, true)),
    ("no errors, latencies in rising order", |i, _| (i as u32, true)),
    ("no errors, latencies in falling order", |i, n| ((n - i) as u32, true)),
    ("only the first request failed", |i, _| (i as u32 % 50 + 1, i != 0)),
    ("only the last request failed", |i, n| (i as u32 % 50 + 1, i + 1 != n)),
    ("every third request failed", |i, _| (i as u32 % 97, i % 3 != 0)),
    ("every request failed", |i, _| (i as u32 % 97, false)),
    ("every request failed, every latency 30 ms", |_, _| (30, false)),
];

/// The sizes of the big windows the second test below publishes: each power of two from 8192 up to
/// 2^21, with its neighbours, so that a bound on the window's size anywhere above the first test's
/// sizes goes unseen nowhere (the window of a_huge_window_is_reported_whole, four million requests,
/// covers what lies beyond).
fn big_window_sizes() -> Vec<usize> {
    (13..=21).map(|power| 1usize << power).flat_map(|mark| [mark - 1, mark, mark + 1]).collect()
}

/// What the big windows hold, by name: the latency of request `i`, and how many of `n` requests
/// failed. A latency does not depend on `n`, so each kind's window of any size is the start of one
/// made once at the biggest size, copied out in one step (far quicker than made request by request).
type BigWindowKind = (&'static str, fn(usize) -> u32, fn(usize) -> u64);
const BIG_WINDOW_KINDS: [BigWindowKind; 4] = [
    ("no errors, latencies all different", |i| i as u32 * 7 + 3, |_| 0),
    ("no errors, every latency 10 ms", |_| 10, |_| 0),
    ("every third request failed", |i| i as u32 % 97, |n| n.div_ceil(3) as u64),
    ("every request failed, every latency 30 ms", |_| 30, |n| n as u64),
];

/// Publishes the window `stats` holds, with a `summarize` (giving `summary`'s figure) and a `send`
/// that each look whether the mutex is free: whether it was free while `summarize` ran and while `send` ran (`None`: not
/// called), and whether `publish` returned (`false`: it panicked).
fn publish_watching_the_lock(stats: &Mutex<Stats>, summary: fn(&[u32]) -> u32) -> (Option<bool>, Option<bool>, bool) {
    let (mut free_during_summary, mut free_during_send): (Option<bool>, Option<bool>) = (None, None);
    let returned: bool = returned_quietly(|| {
        publish(
            stats,
            |latencies| {
                free_during_summary = Some(is_free(stats));
                summary(latencies)
            },
            |_report| free_during_send = Some(is_free(stats)),
        )
    });
    (free_during_summary, free_during_send, returned)
}

/// What a test says when `publish`, given a window of `what`, kept the mutex locked during its report.
fn held_during_the_report(what: &str, free_during_summary: Option<bool>, free_during_send: Option<bool>) -> String {
    ::std::format!(
        "with a window of {what}, `publish` kept the stats mutex locked while it {} (a `try_lock()` from inside found it \
         held): whatever the window holds, its size, its errors or its latencies, the report is made with the lock free, \
         or every `record` meanwhile waits for it, and the bigger the window, the longer that wait, at the very time \
         traffic is heaviest (see “Keeping the lock short”)\n\
         Take the window out in a short block, the same way every time, and report with no guard alive.",
        match (free_during_summary, free_during_send) {
            (Some(false), Some(false)) => "summarized it and sent the report",
            (Some(false), _) => "summarized it",
            _ => "sent the report",
        }
    )
}

/// Checks what `publish_watching_the_lock` saw for a window of `what`, `size` requests: the lock
/// free during the report, and a report made, unless `publish` panicked on a poisoned mutex.
fn check_free_and_reported(stats: &Mutex<Stats>, what: &str, size: usize, poisoned: bool, seen: (Option<bool>, Option<bool>, bool)) {
    let (free_during_summary, free_during_send, returned) = seen;
    let free: bool = free_during_summary != Some(false) && free_during_send != Some(false);
    ::std::assert!(free, "{}", held_during_the_report(what, free_during_summary, free_during_send));
    // A `publish` that panics on a poisoned mutex sends nothing, rightly; one that returns has reported.
    let reported: bool = !returned || (free_during_summary.is_some() && free_during_send.is_some());
    // Whether the window is still in the mutex, untaken, read through the field whatever the poison.
    let left: usize = stats.lock().unwrap_or_else(PoisonError::into_inner).latencies_ms.len();
    let never_taken: bool = size > 0 && left == size && free_during_summary.is_none();
    let how: String = if never_taken && poisoned {
        ::std::format!(
            "`publish` returned without taking the window out, calling neither `summarize` nor `send`: the {size} requests \
             were left in the mutex unreported, and nothing said why. A poisoned mutex says some code panicked half way \
             through a change; returning quietly hides that bug. Let `lock().unwrap()` panic, so the failure shows, or, \
             where the data is known to be fine, take the guard anyway with `unwrap_or_else(PoisonError::into_inner)` and \
             report the window it holds (see “Poisoned locks”, later in the course)"
        )
    } else if never_taken {
        ::std::format!(
            "`publish` returned without taking the window out, calling neither `summarize` nor `send`: the {size} requests \
             were left in the mutex unreported. Every call of `publish` takes the window out and reports it, whatever it \
             holds (see “Keeping the lock short”)"
        )
    } else {
        ::std::format!(
            "`publish` returned without calling {}: every window taken is reported, whatever it holds, its figure from \
             `summarize` (the caller's summary decides what it is, even for one latency, none at all, latencies all equal \
             or only failed requests) and the report handed to `send`, each once (see “Keeping the lock short”)",
            if free_during_summary.is_none() { "`summarize`" } else { "`send`" }
        )
    };
    ::std::assert!(reported, "with a window of {what}, {how}");
}

/// Whatever the window holds (any size up to 4097, errors or none, latencies equal or not, a poisoned mutex), `publish` has let the mutex go before `summarize` and before `send`.
#[test]
fn the_lock_is_free_during_the_report_whatever_the_window() {
    // Each window: what it is called, its requests (latency, ok), and whether its mutex is poisoned.
    type Window = (String, Vec<(u32, bool)>, bool);
    let mut windows: Vec<Window> = Vec::new();
    for size in window_sizes() {
        for (kind, request) in WINDOW_KINDS {
            let what: String = ::std::format!("{} ({kind})", counted(size as u64, "request", "requests"));
            windows.push((what, (0..size).map(|i| request(i, size)).collect(), false));
        }
    }
    windows.push(("2 requests (one failed) in a mutex a panicking thread poisoned".to_string(), ::std::vec![(15, true), (25, false)], true));
    for (what, requests, poisoned) in windows {
        let stats = Mutex::new(Stats::default());
        let size: usize = requests.len();
        for (latency, ok) in requests {
            record(&stats, latency, ok);
        }
        if poisoned {
            poison(&stats);
        }
        let seen = publish_watching_the_lock(&stats, mean);
        check_free_and_reported(&stats, &what, size, poisoned, seen);
    }
}

/// However big the window (every power of two up to 2^21, with its neighbours, errors or none, latencies equal or not, a poisoned mutex), `publish` has let the mutex go before `summarize` and before `send`.
#[test]
fn the_lock_is_free_during_the_report_of_a_big_window() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    let sizes: Vec<usize> = big_window_sizes();
    let biggest: usize = sizes.iter().copied().max().unwrap_or_default();
    // The summary counts the latencies, with no pass over them: the windows are big, and the figure is
    // not what this test looks at.
    let count: fn(&[u32]) -> u32 = |latencies| latencies.len() as u32;
    let started = Instant::now();
    for (kind, latency, errors) in BIG_WINDOW_KINDS {
        let all: Vec<u32> = (0..biggest).map(latency).collect();
        for &size in &sizes {
            // Put in through the field, as `record` would have left it: recording millions of requests
            // one by one would take far longer, and `record` is watched by the test above.
            {
                let mut window = stats.lock().unwrap();
                window.latencies_ms = all[..size].to_vec();
                window.errors = errors(size);
            }
            let seen = publish_watching_the_lock(&stats, count);
            let what: String = ::std::format!("{} ({kind})", counted(size as u64, "request", "requests"));
            check_free_and_reported(&stats, &what, size, false, seen);
            // A `publish` that works on the whole window (sorting it, copying it) takes many seconds over
            // all these windows: publish_does_no_work_on_the_latencies_before_the_summary reports that,
            // and this test does not wait for it.
            if started.elapsed() > Duration::from_secs(3) {
                return;
            }
        }
    }
    // The biggest once more, in a mutex a panicking thread poisoned.
    let (kind, latency, errors) = BIG_WINDOW_KINDS[2];
    {
        let mut window = stats.lock().unwrap();
        window.latencies_ms = (0..biggest).map(latency).collect();
        window.errors = errors(biggest);
    }
    poison(&stats);
    let seen = publish_watching_the_lock(&stats, count);
    let what: String = ::std::format!("{biggest} requests ({kind}) in a mutex a panicking thread poisoned");
    check_free_and_reported(&stats, &what, biggest, true, seen);
}

/// A `summarize` that panics makes `publish` panic too: no report with a made-up figure is sent.
#[test]
fn a_summary_that_panics_is_not_hidden() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut sent: Option<(usize, u64, u32)> = None;
    let mut summarized = false;
    let returned: bool = returned_quietly(|| {
        publish(
            &stats,
            |_latencies| -> u32 {
                summarized = true;
                ::std::panic!("the summary failed")
            },
            |report| sent = Some(numbers(&report)),
        )
    });
    ::std::assert!(
        summarized,
        "could not begin: with one request of 40 ms in the window, `publish` {} without calling `summarize`, so the summary \
         that was to panic never ran (the same fault as in lock_is_free_while_the_latencies_are_summarized)",
        if returned { "returned" } else { "panicked" }
    );
    ::std::assert!(
        !returned && sent.is_none(),
        "`summarize` panicked, yet `publish` {} and sent {}: the failure was caught and a figure made up, so the metrics \
         service gets a report that looks fine and is not. A summary that fails is a failure to show: let its panic go \
         through `publish`, and send nothing.",
        if returned { "returned" } else { "panicked" },
        described(sent)
    );
}

/// A `send` that panics makes `publish` panic too: a report that did not go out is not passed over in silence.
#[test]
fn a_send_that_panics_is_not_hidden() {
    let stats = Mutex::new(Stats::default());
    record(&stats, 40, true);
    let mut sends: usize = 0;
    let returned: bool = returned_quietly(|| {
        publish(&stats, mean, |_report| {
            sends += 1;
            ::std::panic!("the metrics service could not be reached")
        })
    });
    ::std::assert!(
        sends == 1,
        "could not begin: with one request of 40 ms in the window, `publish` {} without calling `send`, so the send that was \
         to panic never ran (the same fault as in lock_is_free_while_the_report_is_sent)",
        if returned { "returned" } else { "panicked" }
    );
    ::std::assert!(
        !returned,
        "`send` panicked (the metrics service could not be reached), yet `publish` returned as if the report had gone out: \
         the panic was caught and dropped (a `catch_unwind` whose `Err` is ignored, or `send` run on a thread whose failed \
         `join()` is let go), so that window's report is lost and nothing says so, and the caller can neither retry, nor log, \
         nor alert. A report that fails to go out is a failure to show, like a summary that fails: let `send`'s panic go \
         through `publish`."
    );
}

/// A `send` that panics leaves the fresh window as `std::mem::take` made it: nothing is put back or copied into it, and the next report holds only what was recorded since.
#[test]
fn a_send_that_panics_leaves_the_fresh_window_alone() {
    let keeps: bool = record_keeps_each_request();
    ::std::assert!(keeps, "{RECORD_LEAVES_OUT}");
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    crate::__learn::exact::<u64, _>(&stats.lock().unwrap().errors);
    for _ in 0..PROBE_WINDOW {
        record(&stats, 10, true);
    }
    // Where `record` put the request it recorded during `send`, if the mutex was free then.
    let mut recorded_into: Option<usize> = None;
    let returned: bool = returned_quietly(|| {
        publish(&stats, mean, |_report| {
            if stats.try_lock().is_ok() {
                record(&stats, 90, false);
                recorded_into = stats.try_lock().ok().map(|window| window.latencies_ms.as_ptr() as usize);
            }
            ::std::panic!("the metrics service could not be reached")
        })
    });
    // A mutex never free during `send` (or `send` never called) is another test's failure.
    let Some(pushed_at) = recorded_into else { return };
    let held = stats.lock().unwrap_or_else(PoisonError::into_inner);
    let (latencies, errors, at): (Vec<u32>, u64, usize) =
        (held.latencies_ms.clone(), held.errors, held.latencies_ms.as_ptr() as usize);
    drop(held);
    let mut next: Option<(usize, u64, u32)> = None;
    let _ = returned_quietly(|| publish(&stats, mean, |report| next = Some(numbers(&report))));
    // Its counts only: the figure is `summarize`'s, which other tests see to.
    let next_counts: Option<(usize, u64)> = next.map(|(requests, errors, _)| (requests, errors));
    let expected_next_counts: Option<(usize, u64)> = Some((1, 1));
    let untouched: bool = latencies == [90] && errors == 1 && at == pushed_at && next_counts == expected_next_counts;
    let what: &str = if latencies.len() > 1 || errors > 1 {
        "on its way out, `publish` locked the mutex again and put the old window back, with what was recorded meanwhile \
         copied into it: a copy made under the lock, as long as the traffic during the report, while every `record` waits, \
         and the next report is no longer one window's but the failed one's again, mixed with the new"
    } else if latencies == [90] && at != pushed_at {
        "on its way out, `publish` locked the mutex again and moved what was recorded meanwhile into another buffer (the \
         old window's, for reuse): a copy made under the lock, as long as the traffic during the report, while every \
         `record` waits"
    } else if latencies.is_empty() {
        "on its way out, `publish` locked the mutex again and reset it or put an emptied buffer in, and that wiped the \
         request recorded meanwhile"
    } else {
        "on its way out, `publish` changed the fresh window"
    };
    ::std::assert!(
        untouched,
        "`send` panicked on the report of a window of {PROBE_WINDOW} requests, after a failed request of 90 ms had been \
         recorded meanwhile; once `publish` had {}, the stats mutex held {} (the first ones {:?}) and {}, and \
         the next report was {}, where the mutex should have held just that request, in the Vec `record` pushed it into, \
         and the next report counted 1 request, 1 error: {what}. A `send` that fails is the caller's to handle: let its panic go through `publish` (the \
         window taken goes with it), and leave the fresh window as `std::mem::take` made it, after a failed `send` too \
         (see “Keeping the lock short”)",
        if returned { "returned" } else { "panicked" },
        counted(latencies.len() as u64, "latency", "latencies"),
        &latencies[..latencies.len().min(5)],
        counted(errors, "error", "errors"),
        described(next)
    );
}

/// How many latencies each window of the test below holds (4 MiB of them), and how many such windows it publishes.
const LEAK_WINDOW: usize = 1 << 20;
const LEAK_ROUNDS: usize = 16;

/// How much memory this process holds at this moment, in KiB (`VmRSS` in /proc/self/status);
/// `None` where that cannot be read (not Linux, or a sandbox that hides /proc).
fn resident_kib() -> Option<u64> {
    let status: String = ::std::fs::read_to_string("/proc/self/status").ok()?;
    let line: &str = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Each window `publish` takes is freed once it is reported: publishing window after window neither keeps every window's memory nor grows the process by all of them.
#[test]
fn every_published_window_is_freed() {
    let stats = Mutex::new(Stats::default());
    crate::__learn::exact::<Vec<u32>, _>(&stats.lock().unwrap().latencies_ms);
    let before: Option<u64> = resident_kib();
    // Where each window's latencies were put in memory. A window freed by `publish` leaves its
    // memory to the allocator, which hands it out again to a later window of the same size; the
    // memory of a window never freed can never be handed out again, so with every window kept
    // each one lands somewhere new.
    let mut window_at: Vec<usize> = Vec::with_capacity(LEAK_ROUNDS);
    for _ in 0..LEAK_ROUNDS {
        // Every latency written, so that each window's pages are really in memory, not only reserved.
        let window: Vec<u32> = ::std::vec![7; LEAK_WINDOW];
        window_at.push(window.as_ptr() as usize);
        stats.lock().unwrap().latencies_ms = window;
        let (mut free_during_summary, mut free_during_send): (Option<bool>, Option<bool>) = (None, None);
        publish(
            &stats,
            |latencies| {
                free_during_summary = Some(is_free(&stats));
                latencies.len() as u32
            },
            |_report| free_during_send = Some(is_free(&stats)),
        );
        let free: bool = free_during_summary != Some(false) && free_during_send != Some(false);
        let what: String = ::std::format!("{LEAK_WINDOW} requests");
        ::std::assert!(free, "{}", held_during_the_report(&what, free_during_summary, free_during_send));
    }
    let after: Option<u64> = resident_kib();
    let reused: bool = (1..window_at.len()).any(|i| window_at[..i].contains(&window_at[i]));
    let window_mib: u64 = (LEAK_WINDOW * ::std::mem::size_of::<u32>() / (1024 * 1024)) as u64;
    let all_mib: u64 = window_mib * LEAK_ROUNDS as u64;
    let grew_mib: Option<u64> = before.zip(after).map(|(before, after)| after.saturating_sub(before) / 1024);
    // Either sign clears `publish`: memory handed out again, or (where it can be read) a process
    // that grew by a window or two, far from half of them all. Kept windows give neither.
    let freed: bool = reused || grew_mib.is_some_and(|grew| grew < all_mib / 2);
    let grown: String = match grew_mib {
        Some(grew) => ::std::format!(", and the memory this process holds grew by {grew} MiB, near what all of them take together ({all_mib} MiB)"),
        None => String::new(),
    };
    ::std::assert!(
        freed,
        "{LEAK_ROUNDS} windows of {LEAK_WINDOW} latencies ({window_mib} MiB each) were published one after the other, and \
         each new window had to be put in new memory, never in that of a window published before it{grown}: the windows \
         `publish` took out were never freed (`std::mem::forget`, `Box::leak`, a `ManuallyDrop`, or kept in a list that \
         only grows). A service that reports every few seconds then grows until it is killed. The window taken out is \
         `publish`'s own: once the report is sent, let it go out of scope at the end of `publish`, which frees its buffer \
         (see “Keeping the lock short”)"
    );
}
