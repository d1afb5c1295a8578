use super::Settings;
use std::collections::HashMap;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// `get(key)` asked of settings that nothing has loaded yet. Fails the test if it answers `None`
/// and leaves the settings unloaded: `get` did not load them.
fn asked_first<'a>(settings: &'a Settings, key: &str) -> Option<&'a str> {
    let answer: Option<&str> = settings.get(key);
    let loaded: bool = settings.loaded.get().is_some();
    ::std::assert!(
        answer.is_some() || loaded,
        "`get({key:?})`, the first question asked of new settings, answered None, and the settings were still not \
         loaded afterwards: `get` only looked at what was already stored. `get` must load the settings when they \
         are not loaded yet, as `all` does: answer from `self.all()`, which runs the loader on the first question, \
         whichever method asks it (see “Initializing once: OnceLock and LazyLock”)"
    );
    answer
}

/// A loader that counts its calls, takes `delay_ms` and returns `host` as the "host" setting.
fn counting_loader(
    calls: &Arc<AtomicUsize>,
    host: &'static str,
    delay_ms: u64,
) -> impl Fn() -> HashMap<String, String> + Send + Sync + 'static {
    let calls = Arc::clone(calls);
    move || {
        calls.fetch_add(1, Ordering::SeqCst);
        thread::sleep(Duration::from_millis(delay_ms));
        HashMap::from([("host".to_string(), host.to_string()), ("port".to_string(), "5432".to_string())])
    }
}

/// The loaded settings are kept in the `loaded: OnceLock` field, the one-time cell this exercise is about.
#[test]
fn the_settings_are_kept_in_a_oncelock() {
    let calls = Arc::new(AtomicUsize::new(0));
    let settings = Settings::new(counting_loader(&calls, "db.local", 0));
    crate::__learn::exact::<OnceLock<HashMap<String, String>>, _>(&settings.loaded);
    let host: Option<&str> = asked_first(&settings, "host");
    let expected: Option<&str> = Some("db.local");
    ::std::assert_eq!(host, expected, "the host setting comes from the loader");
}

/// `Settings` holds its loader and its `OnceLock` and nothing else: no lock or flag of its own beside them.
#[test]
fn the_settings_hold_nothing_but_the_loader_and_the_oncelock() {
    type Loader = Box<dyn Fn() -> HashMap<String, String> + Send + Sync>;
    let size: usize = ::std::mem::size_of::<Settings>();
    let fields: usize = ::std::mem::size_of::<(Loader, OnceLock<HashMap<String, String>>)>();
    ::std::assert!(
        size <= fields,
        "`Settings` holds more than its `load` and its `loaded: OnceLock` ({size} bytes where those two take \
         {fields}): a lock or a flag beside them hand-makes what `get_or_init` already does \
         (see “Initializing once: OnceLock and LazyLock”)\n\
         `get_or_init` runs the loader once, makes the other threads asking at that moment wait for it, and \
         after a loader that panicked lets the next question load again."
    );
}

/// `new` keeps the loader it is given as it is: every call of the `load` field runs that loader,
/// one after another and two at the same moment.
#[test]
fn the_load_field_is_the_loader_as_given() {
    type Loader = Box<dyn Fn() -> HashMap<String, String> + Send + Sync>;
    // The loader counts its runs; while `wait_for` says more, a run waits (up to 2 s) until that
    // many runs have started, so two calls at the same moment are both inside it at once.
    let runs = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let wait_for = Arc::new(AtomicUsize::new(0));
    let settings = Settings::new({
        let (runs, wait_for) = (Arc::clone(&runs), Arc::clone(&wait_for));
        move || {
            let (started, signal) = &*runs;
            let mut started = started.lock().unwrap();
            *started += 1;
            signal.notify_all();
            let goal: usize = wait_for.load(Ordering::SeqCst);
            let _wait = signal.wait_timeout_while(started, Duration::from_secs(2), |n| *n < goal).unwrap();
            HashMap::from([("host".to_string(), "db.local".to_string())])
        }
    });
    crate::__learn::exact::<Loader, _>(&settings.load);
    let why: &str = "`new` wrapped the loader in something that remembers what it returned: a one-time cell of its \
         own (a lock and an `Option`, say) beside the `loaded: OnceLock`. `all` then still checks with `get()` \
         and stores with `set` as two steps; the race is only hidden inside the loader, and the map is kept \
         twice. Keep the loader just as `new` gets it, and let `all` check and load in one step with \
         `get_or_init`.";
    let times = |n: usize| -> ::std::string::String {
        match n {
            0 => "not at all".to_string(),
            1 => "only once".to_string(),
            n => ::std::format!("{n} times"),
        }
    };
    let before: usize = *runs.0.lock().unwrap();
    let _ = (settings.load)();
    let _ = (settings.load)();
    let after: usize = *runs.0.lock().unwrap();
    let one_after_another: usize = after - before;
    ::std::assert!(
        one_after_another == 2,
        "the test called the `load` field twice, one call after the other, and the loader given to `new` ran {} \
         (see “Initializing once: OnceLock and LazyLock”)\n{why}",
        times(one_after_another)
    );
    wait_for.store(after + 2, Ordering::SeqCst);
    thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| (settings.load)());
        }
    });
    let at_once: usize = *runs.0.lock().unwrap() - after;
    ::std::assert!(
        at_once == 2,
        "the test called the `load` field twice at the same moment, and the loader given to `new` ran {}: \
         one call waited for the other's result \
         (see “Initializing once: OnceLock and LazyLock”)\n{why}",
        times(at_once)
    );
}

/// Nothing is loaded until a setting is asked for, and the first question loads once.
#[test]
fn loads_on_first_use_not_before() {
    let calls = Arc::new(AtomicUsize::new(0));
    let settings = Settings::new(counting_loader(&calls, "db.local", 0));
    let before: usize = calls.load(Ordering::SeqCst);
    ::std::assert_eq!(before, 0, "creating the settings should not load them: loading waits for the first use");
    let host: Option<&str> = asked_first(&settings, "host");
    let expected: Option<&str> = Some("db.local");
    ::std::assert_eq!(host, expected, "the host setting comes from the loader");
    let after: usize = calls.load(Ordering::SeqCst);
    ::std::assert_eq!(after, 1, "the first question should run the loader once");
}

/// Later calls on the same thread reuse the first load: same map, no new load.
#[test]
fn later_calls_reuse_the_first_load() {
    let calls = Arc::new(AtomicUsize::new(0));
    let settings = Settings::new(counting_loader(&calls, "db.local", 0));
    let first: &HashMap<String, String> = settings.all();
    let first_at: usize = ::std::ptr::from_ref(first) as usize;
    for _ in 0..5 {
        let port: Option<&str> = settings.get("port");
        let expected: Option<&str> = Some("5432");
        ::std::assert_eq!(port, expected, "the port setting comes from the loader");
        let again: &HashMap<String, String> = settings.all();
        let again_at: usize = ::std::ptr::from_ref(again) as usize;
        ::std::assert_eq!(again_at, first_at, "every call to `all` should return the one map that was loaded");
    }
    let loads: usize = calls.load(Ordering::SeqCst);
    ::std::assert!(
        loads == 1,
        "`all` and `get` were called 11 times, one after another, and the loader was run {loads} times: it should \
         run once, on the first call (see “Initializing once: OnceLock and LazyLock”)\n\
         Once the settings are stored, every later call should hand out that map without running the loader \
         again (calling `set` on every call runs the loader every time, only for `set` to refuse its result). \
         `get_or_init` runs its closure only when nothing is stored yet."
    );
}

/// `get` answers each setting exactly as loaded (an empty value is `Some("")`), and `None` for a key the settings do not have.
#[test]
fn get_answers_each_value_as_loaded_and_none_for_a_missing_key() {
    let settings = Settings::new(|| {
        HashMap::from([
            ("host".to_string(), "db.local".to_string()),
            ("empty".to_string(), String::new()),
            ("motd".to_string(), "  hello, world  ".to_string()),
            ("Mode".to_string(), "fast".to_string()),
        ])
    });
    let present: [(&str, &str); 4] = [("host", "db.local"), ("empty", ""), ("motd", "  hello, world  "), ("Mode", "fast")];
    let _ = asked_first(&settings, "host");
    for (key, value) in present {
        let answer: Option<&str> = settings.get(key);
        let expected: Option<&str> = Some(value);
        ::std::assert!(
            answer == expected,
            "the loaded settings have \"{key}\" = {value:?}, and `get(\"{key}\")` answered {answer:?} where \
             {expected:?} is due: a setting comes back exactly as it was loaded, an empty value included. `get` \
             passes on what the loaded map holds: `.get(key).map(String::as_str)`"
        );
    }
    for key in ["missing", "mode", " host", "", "hos"] {
        let answer: Option<&str> = settings.get(key);
        let empty: bool = answer == Some("");
        let why: &str = if empty {
            ": a missing setting answered as an empty one, so a caller cannot tell it from \"empty\", which is \
             there with the value \"\" (`get(\"empty\")` answers Some(\"\")). "
        } else {
            ": "
        };
        ::std::assert!(
            answer.is_none(),
            "`get({key:?})`, a key the loaded settings do not have (they have \"host\", \"empty\", \"motd\" and \
             \"Mode\", keys kept exactly as loaded), answered {answer:?} where None is due{why}`get` answers \
             `None` for a missing key and passes on what the loaded map holds: `.get(key).map(String::as_str)`"
        );
    }
}

/// How many settings the loader gives in the test below: enough that a `get` that walks them all
/// takes a fifth of a millisecond a call, where a lookup takes well under a microsecond, whatever their number.
const MANY_SETTINGS: usize = 100_000;
/// How many lookups each try makes, and how long they may take in all. A `get` that looks the key
/// up in the map takes well under a microsecond in a test build (200 of them some 0.05 ms at best,
/// 0.1 ms at worst, measured, on a loaded machine too), so the bound leaves it forty times the room
/// it needs; one that walks the settings takes some 0.2 ms each, and 200 of them some 40 ms.
const LOOKUPS: usize = 200;
const LOOKUPS_AT_MOST: Duration = Duration::from_millis(4);
/// How many tries `get` has: the first one done within the bound passes, so a busy machine that
/// pauses the test during one try does not fail it.
const LOOKUP_TRIES: usize = 5;

/// On settings of a hundred thousand entries, `get` answers in well under a microsecond: it looks the key up in the loaded map, not walks through every setting.
#[test]
fn get_looks_the_key_up_however_many_settings() {
    let settings = Settings::new(|| {
        (0..MANY_SETTINGS).map(|number| (::std::format!("key {number}"), ::std::format!("value {number}"))).collect()
    });
    let last_key: String = ::std::format!("key {}", MANY_SETTINGS - 1);
    let last: Option<&str> = asked_first(&settings, &last_key);
    let last_due: String = ::std::format!("value {}", MANY_SETTINGS - 1);
    ::std::assert!(
        last == Some(last_due.as_str()),
        "could not begin: with {MANY_SETTINGS} settings loaded, `get({last_key:?})` answered {last:?}, where \
         Some({last_due:?}) was due (the same fault as in get_answers_each_value_as_loaded_and_none_for_a_missing_key)"
    );
    // Keys spread over the settings, and some not there: a walk costs the most for those.
    let keys: Vec<String> = (0..LOOKUPS)
        .map(|index| match index % 4 {
            0 => ::std::format!("missing {index}"),
            _ => ::std::format!("key {}", (index * 7919) % MANY_SETTINGS),
        })
        .collect();
    let mut best: Option<(usize, Duration)> = None;
    for _ in 0..LOOKUP_TRIES {
        let started = Instant::now();
        let mut made: usize = 0;
        while made < LOOKUPS && started.elapsed() <= LOOKUPS_AT_MOST {
            ::std::hint::black_box(settings.get(&keys[made]));
            made += 1;
        }
        let took: Duration = started.elapsed();
        if made == LOOKUPS && took <= LOOKUPS_AT_MOST {
            best = None;
            break;
        }
        // The best try made the most lookups per time.
        let better: bool = best.is_none_or(|(best_made, best_took)| {
            (made as f64) / took.as_secs_f64().max(1e-9) > (best_made as f64) / best_took.as_secs_f64().max(1e-9)
        });
        if better {
            best = Some((made, took));
        }
    }
    let (made, took): (usize, Duration) = best.unwrap_or_default();
    ::std::assert!(
        best.is_none(),
        "with {MANY_SETTINGS} settings loaded, `get` is slow: {made} lookup(s) took {took:?} at best (of {LOOKUP_TRIES} \
         tries), where {LOOKUPS} may take {LOOKUPS_AT_MOST:?} in all\n\
         Each `get` walks through the settings (`iter().find(..)`, or the like) to find one key: it then costs as \
         much as there are settings, on every call. The loaded map is a `HashMap`, which finds a key at once: \
         `self.all().get(key).map(String::as_str)`."
    );
}

/// The loader runs once in the life of the settings, whatever keys are asked (present or missing, from several threads), and `get` answers from that one map.
#[test]
fn asking_for_missing_keys_loads_nothing_again() {
    // Every run of the loader after the first adds a setting "user" ("from load 2", ...), so an
    // answer taken from a second load shows as a setting the loaded map does not have.
    let calls = Arc::new(AtomicUsize::new(0));
    let settings = Settings::new({
        let calls = Arc::clone(&calls);
        move || {
            let run: usize = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let mut map = HashMap::from([("host".to_string(), "db.local".to_string()), ("port".to_string(), "5432".to_string())]);
            if run > 1 {
                map.insert("user".to_string(), ::std::format!("from load {run}"));
            }
            map
        }
    });
    let loaded: &HashMap<String, String> = settings.all();
    let first_loads: usize = calls.load(Ordering::SeqCst);
    ::std::assert_eq!(first_loads, 1, "the first call to `all` should run the loader once");
    // One thread first, a key at a time, so that the key that loads again can be named.
    const KEYS: [&str; 6] = ["host", "user", "port", "missing", "", "HOST"];
    for key in KEYS {
        let answer: Option<String> = settings.get(key).map(str::to_string);
        let loads: usize = calls.load(Ordering::SeqCst);
        let in_the_map: Option<String> = loaded.get(key).cloned();
        let kind: &str = if in_the_map.is_some() { "a key they have" } else { "a key they do not have" };
        ::std::assert!(
            loads == 1,
            "once the settings were loaded, `get(\"{key}\")`, {kind}, ran the loader again (it has been run {loads} \
             times now): the settings are loaded once in their life, whatever is asked. A key that is not in the \
             loaded map is simply missing: `get` answers from the one map `all` returns, `None` for a missing key, \
             and never loads again (see “Initializing once: OnceLock and LazyLock”)"
        );
        ::std::assert!(
            answer == in_the_map,
            "`get(\"{key}\")` answered {answer:?}, where the loaded settings (what `all` returns) have {in_the_map:?}: \
             `get` answers from that one map, as `self.all().get(key)` does"
        );
    }
    // Then several threads at once, each asking for keys that are there and keys that are not.
    const THREADS: usize = 4;
    const ROUNDS: usize = 5;
    let start = Barrier::new(THREADS);
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                start.wait();
                for _ in 0..ROUNDS {
                    for key in KEYS {
                        let _ = settings.get(key);
                    }
                }
            });
        }
    });
    let loads: usize = calls.load(Ordering::SeqCst);
    let asked: usize = KEYS.len() + THREADS * ROUNDS * KEYS.len();
    ::std::assert!(
        loads == 1,
        "{THREADS} threads asked for keys the settings have and keys they do not have, {asked} questions in all, and \
         the loader was run {loads} times: it should run once in the life of the settings, whatever is asked. `get` \
         answers from the one map `all` returns, `None` for a missing key, and never loads again \
         (see “Initializing once: OnceLock and LazyLock”)"
    );
}

/// Eight threads asking at the same moment make the loader run exactly once, and all see its map.
#[test]
fn eight_threads_asking_at_once_load_once() {
    const THREADS: usize = 8;
    let calls = Arc::new(AtomicUsize::new(0));
    // The load is slow: it lasts until a second load starts, or 1.5 s. So every thread that checks
    // while the first load runs finds nothing stored yet, however late the scheduler lets it in.
    let second_load = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let settings = Settings::new({
        let calls = Arc::clone(&calls);
        let second_load = Arc::clone(&second_load);
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
            let (started, signal) = &*second_load;
            let mut started = started.lock().unwrap();
            *started += 1;
            signal.notify_all();
            let _wait = signal.wait_timeout_while(started, Duration::from_millis(1500), |n| *n < 2).unwrap();
            HashMap::from([("host".to_string(), "db.local".to_string())])
        }
    });
    let start = Barrier::new(THREADS);
    let seen: Vec<(usize, Option<String>)> = thread::scope(|scope| {
        let handles: Vec<thread::ScopedJoinHandle<'_, (usize, Option<String>)>> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    start.wait(); // all eight ask together
                    let map: &HashMap<String, String> = settings.all();
                    let host: Option<&str> = settings.get("host");
                    (::std::ptr::from_ref(map) as usize, host.map(str::to_string))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let loads: usize = calls.load(Ordering::SeqCst);
    let more_than_once_per_thread: bool = loads > THREADS;
    ::std::assert!(
        !more_than_once_per_thread,
        "8 threads each asked twice at the same moment (16 calls), and the loader was run {loads} times: more \
         than once per thread, where it should run once in all (see “Initializing once: OnceLock and LazyLock”)\n\
         `all` runs the loader even when the settings are already stored, as calling `set` on every call does \
         (`set` refuses the second value, but the loader has already run). `get_or_init` runs its closure only \
         when nothing is stored yet, on one thread, while the others wait for it."
    );
    ::std::assert!(
        loads == 1,
        "the loader ran {loads} times for 8 threads asking at once, and should run once \
         (see “Initializing once: OnceLock and LazyLock”)\n\
         Between a check (`get()` finds nothing) and a separate `set`, other threads check too and load as \
         well. `get_or_init` checks and loads as one step and makes the others wait for that one load."
    );
    let first_at: usize = seen[0].0;
    let same_map: bool = seen.iter().all(|(at, _)| *at == first_at);
    ::std::assert!(same_map, "all eight threads should get a reference to the same loaded map");
    let hosts_right: bool = seen.iter().all(|(_, host)| host.as_deref() == Some("db.local"));
    ::std::assert!(hosts_right, "all eight threads should see the host setting \"db.local\"");
}

/// Two `Settings` each load from their own loader: nothing is shared between them.
#[test]
fn each_settings_loads_its_own() {
    let calls = Arc::new(AtomicUsize::new(0));
    let main_db = Settings::new(counting_loader(&calls, "db.local", 0));
    let backup_db = Settings::new(counting_loader(&calls, "backup.local", 0));
    let first: Option<&str> = asked_first(&main_db, "host");
    let second: Option<&str> = asked_first(&backup_db, "host");
    let want_first: Option<&str> = Some("db.local");
    let want_second: Option<&str> = Some("backup.local");
    ::std::assert_eq!(first, want_first, "the first settings load from their own loader");
    ::std::assert_eq!(
        second,
        want_second,
        "the second settings should load from their own loader too, not reuse a value stored for everyone"
    );
    let loads: usize = calls.load(Ordering::SeqCst);
    ::std::assert_eq!(loads, 2, "two settings, one load each");
}

/// While one `Settings` is still loading, another answers at once: no lock is shared between them.
#[test]
fn a_slow_load_keeps_no_other_settings_waiting() {
    // The slow loader holds until the test lets it go; meanwhile another `Settings` is asked.
    let (release, held) = mpsc::channel::<()>();
    let held = Mutex::new(held);
    let (started, loading) = mpsc::channel::<()>();
    let slow = Arc::new(Settings::new(move || {
        let _ = started.send(());
        let _ = held.lock().unwrap_or_else(|e| e.into_inner()).recv_timeout(Duration::from_secs(5));
        HashMap::from([("host".to_string(), "slow.local".to_string())])
    }));
    let asker = Arc::clone(&slow);
    let slow_thread = thread::spawn(move || asker.get("host").map(|h| h.to_string()));
    let began: bool = loading.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(
        began,
        "could not begin: `get(\"host\")`, the first question asked of new settings, did not start loading them \
         within 2 s: `get` must load the settings when they are not loaded yet, as `all` does \
         (see “Initializing once: OnceLock and LazyLock”)"
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let quick = Arc::new(Settings::new(counting_loader(&calls, "quick.local", 0)));
    let (answered, answer) = mpsc::channel::<Option<String>>();
    let other = Arc::clone(&quick);
    thread::spawn(move || {
        let _ = answered.send(other.get("host").map(|h| h.to_string()));
    });
    let waited: bool = ::std::matches!(answer.recv_timeout(Duration::from_secs(2)), Err(RecvTimeoutError::Timeout));
    let _ = release.send(());
    let _ = slow_thread.join();
    ::std::assert!(
        !waited,
        "one `Settings` was still loading, and another one waited 2 s for it: they share a lock (see \
         “Initializing once: OnceLock and LazyLock”)\n\
         Each `Settings` keeps its own `OnceLock`, and `get_or_init` makes only the threads asking the same \
         `Settings` wait. A lock taken by every `Settings` (a global one, or one of the standard library's, \
         such as the lock of `stderr`) makes unrelated settings queue behind one slow load."
    );
}

/// After a load that failed (its loader panicked), the next question loads again: nobody waits forever, nothing stays broken.
#[test]
fn a_failed_load_leaves_nobody_waiting() {
    const FAILURE: &str = "(part of the test) the first load fails: the settings file is not there yet";
    // That panic is the test's own: keep it out of the output.
    let report = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let ours: bool = payload.downcast_ref::<&str>().is_some_and(|m| *m == FAILURE)
            || payload.downcast_ref::<String>().is_some_and(|m| m == FAILURE);
        if !ours {
            report(info);
        }
    }));
    // The loader fails once, the first time it runs after the settings are created.
    let fail_next = Arc::new(AtomicBool::new(false));
    let failing = Arc::clone(&fail_next);
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let settings = Arc::new(Settings::new(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        if failing.swap(false, Ordering::SeqCst) {
            ::std::panic!("{}", FAILURE);
        }
        HashMap::from([("host".to_string(), "db.local".to_string())])
    }));
    fail_next.store(true, Ordering::SeqCst);
    let first = Arc::clone(&settings);
    let first_answer: Option<Option<String>> = thread::spawn(move || first.get("host").map(str::to_string)).join().ok();
    let failed: bool = first_answer.is_none();
    let first_runs: usize = runs.load(Ordering::SeqCst);
    let what: String = match (&first_answer, first_runs) {
        (_, 0) => "without running the loader: `get` must load the settings when they are not loaded yet, as `all` \
             does"
            .to_string(),
        (Some(answer), runs) => ::std::format!(
            "after the loader ran {runs} time(s): the loader's panic was caught (`catch_unwind`) {}. A failed load \
             is the caller's failure and must reach it: let the loader's panic through. `get_or_init` passes it on \
             and stores nothing, so the next question loads again",
            match answer {
                None => "and None was answered in its place, as if the settings had no host",
                Some(_) if runs > 1 => "and the loader was run again straight away until it succeeded",
                Some(_) => "and an answer was made up",
            }
        ),
        (None, _) => ::std::string::String::new(),
    };
    ::std::assert!(
        failed,
        "the test's loader fails (panics) the first time it runs, as when the settings file is not there yet, and \
         `get(\"host\")`, the first question, answered {} {what} (see “Initializing once: OnceLock and LazyLock”)",
        first_answer.clone().flatten().map_or_else(|| "None".to_string(), |host| ::std::format!("Some({host:?})"))
    );
    // The next question, on a thread of its own so that the test can stop waiting for it.
    let (answer, answered) = mpsc::channel::<Option<String>>();
    thread::spawn(move || {
        let _ = answer.send(settings.get("host").map(str::to_string));
    });
    match answered.recv_timeout(Duration::from_secs(2)) {
        // Loaded again: what `get_or_init` does after its closure panicked.
        Ok(host) => {
            let host: Option<String> = host;
            let expected: Option<String> = Some("db.local".to_string());
            ::std::assert_eq!(
                host,
                expected,
                "after a failed load, the next question should load again and find the host"
            );
        }
        Err(RecvTimeoutError::Disconnected) => ::std::panic!(
            "after a failed load, the next question failed too, without loading again \
             (see “Initializing once: OnceLock and LazyLock”)\n\
             The first panic was the test's loader failing on purpose (the settings file was not there yet), \
             and the next call should simply try again. A lock that the panic poisoned, or a `LazyLock` (poisoned for good once its closure panics), fails for \
             ever; `get_or_init` stores nothing when its closure panics and runs the loader again."
        ),
        Err(RecvTimeoutError::Timeout) => ::std::panic!(
            "after a failed load, the next question waited 2 s and never returned \
             (see “Initializing once: OnceLock and LazyLock”)\n\
             The loader panicked, and whoever asks next still waits for a value that nobody is loading any \
             more: a hand-made \"someone is loading\" flag stays set for good. `get_or_init` stores nothing \
             when its closure panics, and the next call runs the loader again."
        ),
    }
}
