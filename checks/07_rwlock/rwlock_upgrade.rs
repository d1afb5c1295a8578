use super::HostCache;
use std::any::Any;
use std::cell::Cell;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Condvar, Mutex, PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

/// How long a call may take before the test calls it stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// Runs `work` on a thread of its own and returns its result, failing the test if it does not
/// return within `STUCK_AFTER`. The first test says why a `resolve` gets stuck; the others,
/// stuck the same way, say so in one line rather than repeat it.
fn within<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match finished_within(work) {
        Ok(value) => value,
        Err(Unfinished::Stuck) => ::std::panic!(
            "`resolve` did not return within 2 s: the thread waits for itself (see “A read guard blocks your own write”)"
        ),
        Err(Unfinished::Panicked(message)) => ::std::panic!("`resolve` panicked: {message}"),
    }
}

/// `within`, saying why a `resolve` gets stuck.
fn within_saying_why<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match finished_within(work) {
        Ok(value) => value,
        Err(Unfinished::Stuck) => ::std::panic!(
            "`resolve` did not return within 2 s: the thread waits for itself \
             (see “A read guard blocks your own write”)\n\
             It called `write()` while its own read guard was still alive, and a write lock waits for every \
             reader to leave, this thread included. End the read guard before asking for the write lock."
        ),
        Err(Unfinished::Panicked(message)) => ::std::panic!("`resolve` panicked: {message}"),
    }
}

/// Like `within`, for a test that only needs a host cached to begin with: a `resolve` stuck there
/// is stuck on the plain miss of `a_new_host_is_looked_up_and_cached`, which says why, so this
/// test only says it could not begin.
fn cached_within(work: impl FnOnce() -> String + Send + 'static) -> String {
    match finished_within(work) {
        Ok(value) => value,
        Err(Unfinished::Stuck) => ::std::panic!(
            "could not begin: caching the first host, `resolve` did not return within 2 s (the same wait as in \
             a_new_host_is_looked_up_and_cached)"
        ),
        Err(Unfinished::Panicked(message)) => ::std::panic!("`resolve` panicked: {message}"),
    }
}

/// Why `work` gave no result.
enum Unfinished {
    /// It did not return within `STUCK_AFTER`.
    Stuck,
    /// It panicked, with this message.
    Panicked(String),
}

/// Runs `work` on a thread of its own; its result, or why none came within `STUCK_AFTER`.
fn finished_within<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Unfinished> {
    let (done, result) = mpsc::channel::<Result<T, String>>();
    // Not joined: a thread that waits for itself stays stuck, and the test reports it.
    thread::spawn(move || {
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(work)).map_err(|payload| {
            let text: Option<String> = payload
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned());
            text.unwrap_or_else(|| "(a panic without a message)".to_string())
        });
        let _ = done.send(outcome);
    });
    match result.recv_timeout(STUCK_AFTER) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(message)) => Err(Unfinished::Panicked(message)),
        Err(_) => Err(Unfinished::Stuck),
    }
}

/// A lookup that counts its calls and answers `address`.
fn counting_lookup(calls: &Arc<AtomicUsize>, address: &'static str) -> impl FnOnce(&str) -> String + Send + 'static {
    let calls = Arc::clone(calls);
    move |_host: &str| {
        calls.fetch_add(1, Ordering::SeqCst);
        address.to_string()
    }
}

/// A host seen for the first time is looked up once, returned and cached.
#[test]
fn a_new_host_is_looked_up_and_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = Arc::new(HostCache::new());
    let address: String = within_saying_why({
        let (cache, lookup) = (Arc::clone(&cache), counting_lookup(&calls, "10.0.0.5"));
        move || cache.resolve("db.local", lookup)
    });
    ::std::assert_eq!(address, "10.0.0.5", "a new host gets the address its lookup returns");
    let lookups: usize = calls.load(Ordering::SeqCst);
    ::std::assert_eq!(lookups, 1, "a new host is looked up exactly once");
    let cached: Option<String> = cache.cached("db.local");
    let expected: Option<String> = Some("10.0.0.5".to_string());
    ::std::assert_eq!(cached, expected, "after `resolve`, the address should be in the cache");
}

/// A host already cached is answered from the cache, without a lookup.
#[test]
fn a_known_host_is_not_looked_up_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = Arc::new(HostCache::new());
    let both: (String, String) = within({
        let cache = Arc::clone(&cache);
        let (lookup_one, lookup_two) = (counting_lookup(&calls, "10.0.0.5"), counting_lookup(&calls, "10.9.9.9"));
        move || (cache.resolve("db.local", lookup_one), cache.resolve("db.local", lookup_two))
    });
    let first: String = both.0;
    let second: String = both.1;
    ::std::assert_eq!(first, "10.0.0.5", "a new host gets the address its lookup returns");
    ::std::assert_eq!(second, "10.0.0.5", "the second call should return the cached address");
    let lookups: usize = calls.load(Ordering::SeqCst);
    ::std::assert!(
        lookups == 1,
        "db.local was resolved twice and looked up {lookups} times: the second call should find it cached and return the \
         cached address without calling `lookup`, which is the slow work the cache is there to save \
         (see “Readers and writers”)\n\
         Look in the cache first, under `read()`, and call `lookup` only for a host that is not there."
    );
}

/// The cache stays an `RwLock`, so that the many readers share it.
#[test]
fn the_cache_stays_an_rwlock() {
    let cache = HostCache::new();
    let field: &dyn Any = &cache.known;
    let is_rwlock: bool = field.is::<RwLock<HashMap<String, String>>>();
    ::std::assert!(
        is_rwlock,
        "the `known` field should stay an `RwLock<HashMap<String, String>>` (see “Readers and writers”)\n\
         Nearly every call only reads, and readers should not wait for each other."
    );
}

/// A cached host is answered even while another thread holds a read guard on the cache.
#[test]
fn a_hit_needs_only_a_read_lock() {
    let cache = Arc::new(HostCache::new());
    let first: String = cached_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("db.local", |_| "10.0.0.5".to_string())
    });
    ::std::assert_eq!(first, "10.0.0.5", "a new host gets the address its lookup returns");
    let field: &dyn Any = &cache.known;
    let Some(lock) = field.downcast_ref::<RwLock<HashMap<String, String>>>() else {
        ::std::panic!("the `known` field should stay an `RwLock<HashMap<String, String>>`, which readers share");
    };
    let reading = lock.read().unwrap(); // another reader, busy for the whole call
    let (done, result) = mpsc::channel::<String>();
    let asker = Arc::clone(&cache);
    thread::spawn(move || {
        let _ = done.send(asker.resolve("db.local", |_| "10.9.9.9".to_string()));
    });
    let answer: Result<String, RecvTimeoutError> = result.recv_timeout(STUCK_AFTER);
    drop(reading);
    let answered: bool = answer.is_ok();
    ::std::assert!(
        answered,
        "while another thread reads the cache, `resolve` for a cached host waited \
         (see “Readers and writers”)\n\
         A hit only needs `read()`, which readers share; take `write()` only on a miss."
    );
}

/// How long the name of the slow host is: hashing it keeps a hit reading for some milliseconds.
const LONG_HOST: usize = 1 << 20;
/// How long the host is in the tests where `resolve` meets a writer: copying and hashing it keeps
/// `resolve` holding its guard for some milliseconds, time enough for other threads to line up
/// behind it on a busy machine.
const TWICE_HOST: usize = 16 << 20;
/// How long the test below keeps its own read guard while a hit reads: a hit as it should be
/// returns within milliseconds, one that asks for `read()` again waits however long this lasts.
const OWN_GUARD_AT_MOST: Duration = Duration::from_millis(200);
/// How many times the test below has a hit meet a writer.
const TWICE_ROUNDS: usize = 12;

/// How long the writer in the test below keeps the write lock once it has it, waiting for the
/// hit's answer: a hit answers within microseconds of letting its guard go, so only a hit that
/// asked for the lock again is still waiting when this runs out.
const WRITER_HOLDS_FOR_HIT: Duration = Duration::from_secs(1);

/// How a hit that met a writer in line ended.
enum MetAWriter {
    /// `resolve` returned without waiting for the writer.
    Returned,
    /// `resolve` returned only after the writer had taken the lock and let it go.
    WaitedForTheWriter,
    /// `resolve` did not return within `STUCK_AFTER` of the writer lining up.
    Stuck,
}

/// A writer on a thread of its own that, once told to go, takes the write lock and keeps it until
/// `returned` is set (at most `WRITER_HOLDS_FOR_HIT`). The sender tells it to go; the receiver
/// hears whether `resolve` was still waiting all the time the writer held the lock. The lock is
/// let go before the test hears of it, so that the next round finds it free.
fn a_writer_waiting_for(cache: &Arc<HostCache>, returned: &Arc<AtomicBool>) -> (mpsc::Sender<()>, mpsc::Receiver<bool>) {
    let (go, may_write) = mpsc::channel::<()>();
    let (held, writer_held) = mpsc::channel::<bool>();
    let (writer_cache, writer_sees) = (Arc::clone(cache), Arc::clone(returned));
    thread::spawn(move || {
        if may_write.recv_timeout(STUCK_AFTER).is_ok() {
            let writing = lock_of(&writer_cache).write();
            let since = Instant::now();
            while !writer_sees.load(Ordering::SeqCst) && since.elapsed() < WRITER_HOLDS_FOR_HIT {
                thread::sleep(Duration::from_micros(100));
            }
            let waited: bool = !writer_sees.load(Ordering::SeqCst);
            drop(writing);
            let _ = held.send(waited);
        }
    });
    (go, writer_held)
}

/// How a round with a writer from `a_writer_waiting_for` ended, once told to go: `resolve`'s
/// signal comes on `answered`, the writer's on `writer_held`.
fn how_it_ended(answered: &mpsc::Receiver<()>, writer_held: &mpsc::Receiver<bool>) -> MetAWriter {
    if answered.recv_timeout(STUCK_AFTER + WRITER_HOLDS_FOR_HIT).is_err() {
        return MetAWriter::Stuck;
    }
    match writer_held.recv_timeout(STUCK_AFTER) {
        Ok(true) => MetAWriter::WaitedForTheWriter,
        _ => MetAWriter::Returned,
    }
}

/// One round: `resolve(host)` of a cached host runs on another thread, and the moment it holds a
/// read guard the test takes a read guard of its own and a writer on a third thread asks for
/// `write()`, so the writer lines up while the hit is still reading. Hashing the long `host` keeps
/// the hit reading for milliseconds, while the writer lines up within microseconds. The test's own
/// guard outlives the hit's first one, so the lock never falls free in between and the writer stays
/// first in line: a second `read()` by the hit, under its first guard or after it, waits behind the
/// writer. Once the writer has the lock it keeps it until `resolve` has returned (at most
/// `WRITER_HOLDS_FOR_HIT`), so a hit that asked again is seen waiting for it.
fn a_hit_while_a_writer_lines_up(cache: &Arc<HostCache>, host: &str) -> MetAWriter {
    let returned = Arc::new(AtomicBool::new(false));
    let (go, writer_held) = a_writer_waiting_for(cache, &returned);
    let (done, answered) = mpsc::channel::<()>();
    let (asker, host, asker_done) = (Arc::clone(cache), host.to_string(), Arc::clone(&returned));
    thread::spawn(move || {
        asker.resolve(&host, |_| "10.9.9.9".to_string());
        asker_done.store(true, Ordering::SeqCst);
        let _ = done.send(());
    });
    // Until `resolve` holds a read guard, the write lock is free: taken and let go at once.
    let lock: &RwLock<HashMap<String, String>> = lock_of(cache);
    // A round where it already answered tells nothing, and needs no more looking.
    let deadline = Instant::now() + STUCK_AFTER;
    while Instant::now() < deadline && !returned.load(Ordering::SeqCst) {
        let Ok(writing) = lock.try_write() else { break };
        drop(writing);
        for _ in 0..64 {
            ::std::hint::spin_loop();
        }
    }
    let own_guard = lock.read();
    let _ = go.send(());
    let holding = Instant::now();
    while !returned.load(Ordering::SeqCst) && holding.elapsed() < OWN_GUARD_AT_MOST {
        thread::sleep(Duration::from_micros(100));
    }
    drop(own_guard);
    how_it_ended(&answered, &writer_held)
}

/// A writer that lines up while a hit is reading neither leaves `resolve` stuck nor makes it wait: a hit takes `read()` once, and does all its looking under that one guard.
#[test]
fn a_hit_returns_when_a_writer_lines_up_while_it_reads() {
    let cache = Arc::new(HostCache::new());
    let long_host: String = "h".repeat(TWICE_HOST);
    lock_of(&cache).write().unwrap().insert(long_host.clone(), "10.0.0.5".to_string());
    for _ in 0..TWICE_ROUNDS {
        match a_hit_while_a_writer_lines_up(&cache, &long_host) {
            MetAWriter::Returned => {}
            MetAWriter::Stuck => ::std::panic!(
                "`resolve` for a cached host did not return within 2 s: it takes `read()` a second time (itself or through a \
                 helper such as `cached`) while its own read guard is still alive, and a writer lined up in between \
                 (see “A read guard blocks your own write”)\n\
                 A thread that takes `read()` twice can also hang: a writer waiting in line holds back every new reader, this \
                 thread's second `read()` included, and the writer itself waits for this thread's first guard. Neither can go \
                 on. Copy the hit out under one read guard, in one statement, and let that guard end."
            ),
            MetAWriter::WaitedForTheWriter => ::std::panic!(
                "a writer lined up while `resolve` was reading a cached host, and `resolve` did not return until that writer \
                 had taken the lock and let it go: the hit let its read guard go and then asked for `read()` again (a check \
                 such as `contains_key` under one guard and the address under a second), and here a writer waiting in line \
                 goes before a new reader. Every hit pays for two locks, and waits for any writer that arrives between them \
                 (see “Readers and writers”)\n\
                 Look and copy the address out under one read guard: `if let Some(address) = …read().unwrap().get(host)` \
                 and clone it there."
            ),
        }
    }
}

/// How long the tests below hold a lock while `cached` is asked on another thread. An answer that
/// does not wait comes within microseconds, far inside this; one that waits passes however long
/// the hold lasts.
const CACHED_HOLD: Duration = Duration::from_millis(300);

/// An answer of `cached`, with how long the call took.
type TimedCached = (Option<String>, Duration);

/// Asks `cached(host)` on a thread of its own: its answer, with how long the call took, if one came
/// within `wait`, and the channel for a later one.
fn ask_cached(cache: &Arc<HostCache>, host: &str, wait: Duration) -> (Option<TimedCached>, mpsc::Receiver<TimedCached>) {
    let (answer, answered) = mpsc::channel::<TimedCached>();
    let (asker, host) = (Arc::clone(cache), host.to_string());
    thread::spawn(move || {
        let asked = Instant::now();
        let address: Option<String> = asker.cached(&host);
        let _ = answer.send((address, asked.elapsed()));
    });
    let during: Option<TimedCached> = answered.recv_timeout(wait).ok();
    (during, answered)
}

/// While a writer holds the lock, `cached` of a cached host waits for it and then answers the address: a busy lock is not a miss.
#[test]
fn cached_waits_for_a_writer_and_finds_the_host() {
    let cache = Arc::new(HostCache::new());
    lock_of(&cache).write().unwrap().insert("db.local".to_string(), "10.0.0.5".to_string());
    let writing = lock_of(&cache).write().unwrap();
    let (timed, answered): (Option<TimedCached>, mpsc::Receiver<TimedCached>) = ask_cached(&cache, "db.local", CACHED_HOLD);
    drop(writing);
    let waited: Duration = timed.as_ref().map_or(Duration::ZERO, |&(_, waited)| waited);
    let during: Option<Option<String>> = timed.map(|(address, _)| address);
    let busy_meant_none: bool = ::std::matches!(during, Some(None));
    let how: String = if waited < Duration::from_millis(1) {
        ::std::format!("answered None after {waited:.1?}, without waiting: it asked with `try_read()` once")
    } else {
        ::std::format!(
            "waited {waited:.0?} and then answered None while the lock was still held: it gave up on a busy lock (asking \
             `try_read()` again and again, or with a time limit)"
        )
    };
    ::std::assert!(
        !busy_meant_none,
        "while another thread held the write lock (for {CACHED_HOLD:.0?}), `cached(\"db.local\")` {how}, though db.local is \
         cached: it took a busy lock for a missing host (see “Trying without waiting”)\n\
         A busy lock is not a miss: a writer holds it for as long as its change takes. Wait for it with `read()`, however \
         long, as a hit in `resolve` does."
    );
    ::std::assert!(during.is_none(), "`cached` answered while another thread held the write lock: it cannot have read the cache under a lock");
    let after: Option<String> = answered.recv_timeout(STUCK_AFTER).ok().and_then(|(address, _)| address);
    let expected: Option<&str> = Some("10.0.0.5");
    ::std::assert_eq!(after.as_deref(), expected, "once the writer let go, `cached(\"db.local\")` should answer its address");
}

/// While another thread reads the cache, `cached` answers at once, for a cached host and for one never cached alike: looking a host up only needs `read()`, which readers share.
#[test]
fn cached_shares_the_lock_with_readers() {
    let cache = Arc::new(HostCache::new());
    lock_of(&cache).write().unwrap().insert("db.local".to_string(), "10.0.0.5".to_string());
    let reading = lock_of(&cache).read().unwrap();
    // Both asked at once, each on a thread of its own, while the test holds its read guard.
    let (cached_at_once, cached_host): (Option<TimedCached>, mpsc::Receiver<TimedCached>) =
        ask_cached(&cache, "db.local", Duration::ZERO);
    let (new_at_once, new_host): (Option<TimedCached>, mpsc::Receiver<TimedCached>) =
        ask_cached(&cache, "new.local", Duration::ZERO);
    let deadline = Instant::now() + STUCK_AFTER;
    let seen_cached: Option<Option<String>> = cached_at_once
        .or_else(|| cached_host.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok())
        .map(|(address, _)| address);
    let seen_new: Option<Option<String>> = new_at_once
        .or_else(|| new_host.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok())
        .map(|(address, _)| address);
    drop(reading);
    for (host, kind, seen) in [("db.local", "a cached host", &seen_cached), ("new.local", "a host never cached", &seen_new)] {
        let seen: &Option<Option<String>> = seen;
        let answered: bool = seen.is_some();
        ::std::assert!(
            answered,
            "while another thread read the cache, `cached({host:?})`, {kind}, did not answer within 2 s: it only reads, yet \
             it took the write lock just to read (`write()`, which waits until every reader is gone and shuts them all out \
             while it looks, here to make sure of a host it did not find). A host missing under the read guard is missing: \
             `get(host).cloned()` under `read()` answers None for it, with the lock readers share (see “Readers and writers”)"
        );
    }
    let seen: Option<String> = seen_cached.flatten();
    let expected: Option<&str> = Some("10.0.0.5");
    ::std::assert_eq!(seen.as_deref(), expected, "`cached(\"db.local\")` should answer the cached address");
    let unseen: Option<String> = seen_new.flatten();
    ::std::assert_eq!(unseen, None, "`cached(\"new.local\")` of a host never cached should answer None");
}

/// How long the test below keeps the write lock while a cached host is asked for (unless the
/// asker looks the host up first). An answer that treats a busy lock as a miss calls its lookup
/// within microseconds of asking, far inside this; an answer that waits with `read()` passes
/// however long the hold lasts, so a loaded machine cannot make it fail.
const HOLD: Duration = Duration::from_millis(500);

/// A cached host asked for while another thread holds the write lock is answered from the cache once the writer is done, not looked up again.
#[test]
fn a_hit_waits_for_a_writer_instead_of_looking_up_again() {
    let cache = Arc::new(HostCache::new());
    // The writer below takes the lock through the field: a field of another type fails here, once.
    lock_of(&cache);
    let first: String = cached_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("db.local", |_| "10.0.0.5".to_string())
    });
    ::std::assert_eq!(first, "10.0.0.5", "a new host gets the address its lookup returns");
    // With nobody else around first: a `resolve` that looks a cached host up even then is told so
    // by a_known_host_is_not_looked_up_again, and this test does not blame the writer for it.
    let idle_calls = Arc::new(AtomicUsize::new(0));
    let _: String = cached_within({
        let (cache, lookup) = (Arc::clone(&cache), counting_lookup(&idle_calls, "10.9.9.9"));
        move || cache.resolve("db.local", lookup)
    });
    let idle_lookups: usize = idle_calls.load(Ordering::SeqCst);
    ::std::assert!(
        idle_lookups == 0,
        "could not begin: with no other thread around, `resolve` looked the cached db.local up again (the same fault as in \
         a_known_host_is_not_looked_up_again, which says why)"
    );
    // A writer, on a thread of its own, holds the write lock until the test lets it go.
    let (writing, writer_holds) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let writer = {
        let cache = Arc::clone(&cache);
        thread::spawn(move || {
            let guard = lock_of(&cache).write();
            let _ = writing.send(());
            let _ = released.recv_timeout(STUCK_AFTER);
            drop(guard);
        })
    };
    let holds: bool = writer_holds.recv_timeout(STUCK_AFTER).is_ok();
    ::std::assert!(holds, "the test could not take the cache's write lock: `resolve` should let go of its guards before it returns");
    // On a third thread, the cached host is asked for while the writer holds the lock.
    let calls = Arc::new(AtomicUsize::new(0));
    let (asking, asker_started) = mpsc::channel::<()>();
    // How long after asking `resolve` called the lookup, if it did.
    let (looking_up, lookup_called) = mpsc::channel::<Duration>();
    let (done, answered) = mpsc::channel::<String>();
    {
        let (cache, calls) = (Arc::clone(&cache), Arc::clone(&calls));
        thread::spawn(move || {
            let _ = asking.send(());
            let asked = Instant::now();
            let address: String = cache.resolve("db.local", move |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                let _ = looking_up.send(asked.elapsed());
                "10.9.9.9".to_string()
            });
            let _ = done.send(address);
        });
    }
    let _ = asker_started.recv_timeout(STUCK_AFTER);
    let looked_up_after: Option<Duration> = lookup_called.recv_timeout(HOLD).ok();
    let _ = release.send(());
    let _ = writer.join();
    let answer: String = match answered.recv_timeout(STUCK_AFTER) {
        Ok(answer) => answer,
        Err(_) => ::std::panic!("`resolve` for a cached host did not return within 2 s after the writer let go of the lock"),
    };
    let lookups: usize = calls.load(Ordering::SeqCst);
    let when: String = match looked_up_after {
        Some(after) if after < Duration::from_millis(1) => ::std::format!("{after:.1?} after it was asked, without waiting"),
        Some(after) => ::std::format!("after waiting {after:.0?} for the lock, which was still held (it gave up on a busy lock)"),
        None => "once the writer had let go".to_string(),
    };
    ::std::assert!(
        lookups == 0,
        "db.local was cached, yet `resolve` looked it up again because another thread held the write lock (for up to \
         {HOLD:.0?}): it called the lookup {when} (see “Trying without waiting”)\n\
         A busy lock is not a miss: `try_read()` failing only says a writer is in, not that the host is missing. Wait for the hit with \
         `read()`, however long: a writer holds the lock for as long as its change takes, while a second lookup is the very slow \
         work the cache is there to save."
    );
    ::std::assert_eq!(answer, "10.0.0.5", "once the writer let go, the cached address of db.local should be returned");
}

/// How long the test below holds the write lock: longer than any time limit a blocking call might
/// give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);

/// What a call on a thread of its own came back with: when it was asked, when it answered, and
/// when it called its lookup, if it did.
struct Came<T> {
    asked: Instant,
    answered: Instant,
    looked_up: Option<Instant>,
    answer: T,
}

/// Runs `call` on a thread of its own, timing it; `call` gets a lookup that answers `address` and
/// notes when it ran. The answer comes on the channel returned.
fn timed_call<T: Send + 'static>(
    cache: &Arc<HostCache>,
    address: &'static str,
    call: impl FnOnce(&HostCache, ::std::boxed::Box<dyn FnOnce(&str) -> String + Send>) -> T + Send + 'static,
) -> mpsc::Receiver<Came<T>> {
    let (answer, answered) = mpsc::channel::<Came<T>>();
    let caller = Arc::clone(cache);
    thread::spawn(move || {
        let looked_up: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
        let noted = Arc::clone(&looked_up);
        let lookup = ::std::boxed::Box::new(move |_host: &str| {
            *noted.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
            address.to_string()
        });
        let asked = Instant::now();
        let got: T = call(&caller, lookup);
        let looked_up: Option<Instant> = *looked_up.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = answer.send(Came { asked, answered: Instant::now(), looked_up, answer: got });
    });
    answered
}

/// While another thread holds the write lock for over 3 s, `cached`, a hit and a miss of `resolve`, all asked at once, each wait for it however long it lasts, then answer right: a busy lock is never a reason to give up.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let cache = Arc::new(HostCache::new());
    lock_of(&cache).write().unwrap().insert("db.local".to_string(), "10.0.0.5".to_string());
    let writing = lock_of(&cache).write().unwrap();
    let cached: mpsc::Receiver<Came<Option<String>>> = timed_call(&cache, "", |cache, _| cache.cached("db.local"));
    let hit: mpsc::Receiver<Came<String>> = timed_call(&cache, "10.9.9.9", |cache, lookup| cache.resolve("db.local", lookup));
    let miss: mpsc::Receiver<Came<String>> = timed_call(&cache, "10.0.0.7", |cache, lookup| cache.resolve("new.local", lookup));
    thread::sleep(LONG_HOLD);
    let let_go: Instant = Instant::now();
    drop(writing);
    let cached_came: Option<Came<Option<String>>> = cached.recv_timeout(STUCK_AFTER).ok();
    let hit_came: Option<Came<String>> = hit.recv_timeout(STUCK_AFTER).ok();
    let miss_came: Option<Came<String>> = miss.recv_timeout(STUCK_AFTER).ok();
    let stored: Option<String> = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner).get("new.local").cloned();
    // Each call that gave up while the test still held the write lock: what it was, how long it
    // waited, and what it did then.
    let mut gave_up: Vec<(&str, Duration, String)> = Vec::new();
    if let Some(came) = cached_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: &Option<String> = &came.answer;
        let answer: String = answer.as_ref().map_or_else(|| "None".to_string(), |address| ::std::format!("Some({address:?})"));
        gave_up.push(("`cached(\"db.local\")`, a cached host,", came.answered - came.asked, ::std::format!("answered {answer}")));
    }
    if let Some(came) = hit_came.as_ref() {
        let looked_up: Option<Instant> = came.looked_up;
        match looked_up.filter(|&at| at < let_go) {
            Some(at) => gave_up.push((
                "`resolve(\"db.local\")`, a cached host,",
                at - came.asked,
                "called the lookup, taking the busy lock for a miss,".to_string(),
            )),
            None if came.answered < let_go => gave_up.push((
                "`resolve(\"db.local\")`, a cached host,",
                came.answered - came.asked,
                ::std::format!("answered {:?}", came.answer),
            )),
            None => {}
        }
    }
    if let Some(came) = miss_came.as_ref().filter(|came| came.answered < let_go) {
        gave_up.push((
            "`resolve(\"new.local\")`, a new host,",
            came.answered - came.asked,
            ::std::format!("answered {:?} without storing it", came.answer),
        ));
    }
    let first: Option<&(&str, Duration, String)> = gave_up.first();
    let (call, waited, what): (&str, Duration, &str) =
        first.map_or(("", Duration::ZERO, ""), |(call, waited, what)| (*call, *waited, what.as_str()));
    ::std::assert!(
        first.is_none(),
        "{call} gave up on a busy lock: another thread held the write lock for {LONG_HOLD:.1?}, and after waiting \
         {waited:.1?} the call {what} while the lock was still held. A writer holds the lock for as long as its change \
         takes, and a busy lock says nothing about what is cached: `cached` and `resolve` wait for it with the lock's own \
         `read()` and `write()`, however long, with no time limit and no `try_` loop (see “Readers and writers”)"
    );
    let cached_answer: Option<Option<String>> = cached_came.map(|came| came.answer);
    let hit_answer: Option<String> = hit_came.map(|came| came.answer);
    let miss_answer: Option<String> = miss_came.map(|came| came.answer);
    let answered_right: bool = cached_answer == Some(Some("10.0.0.5".to_string()))
        && hit_answer.as_deref() == Some("10.0.0.5")
        && miss_answer.as_deref() == Some("10.0.0.7")
        && stored.as_deref() == Some("10.0.0.7");
    ::std::assert!(
        answered_right,
        "once another thread let go of a write lock it held for {LONG_HOLD:.1?}, with `cached` and `resolve` waiting for \
         it, `cached(\"db.local\")` answered {}, `resolve(\"db.local\")` {} (both due 10.0.0.5, the cached address), and \
         `resolve(\"new.local\")` {} (due 10.0.0.7, its lookup's answer), leaving {} stored for new.local: a call that \
         waited should then do its whole job (see “Readers and writers”)",
        cached_answer.map_or_else(|| "nothing within 2 s".to_string(), |answer| ::std::format!("{answer:?}")),
        hit_answer.map_or_else(|| "nothing within 2 s".to_string(), |answer| ::std::format!("{answer:?}")),
        miss_answer.map_or_else(|| "nothing within 2 s".to_string(), |answer| ::std::format!("{answer:?}")),
        stored.map_or_else(|| "nothing".to_string(), |address| ::std::format!("{address:?}"))
    );
}

/// Two threads missing the same host at the same moment both get the one address that was stored.
#[test]
fn two_threads_missing_the_same_host_agree() {
    let cache = Arc::new(HostCache::new());
    // Both lookups wait for each other (briefly), so both threads miss before either stores.
    let meeting = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let start = Arc::new(Barrier::new(2));
    let answers: Vec<String> = within({
        let cache = Arc::clone(&cache);
        move || {
            let handles: Vec<thread::JoinHandle<String>> = ["10.0.0.1", "10.0.0.2"]
                .into_iter()
                .map(|address| {
                    let (cache, meeting, start) = (Arc::clone(&cache), Arc::clone(&meeting), Arc::clone(&start));
                    thread::spawn(move || {
                        start.wait();
                        cache.resolve("db.local", move |_| {
                            let (arrived, all_here) = &*meeting;
                            let mut arrived = arrived.lock().unwrap();
                            *arrived += 1;
                            all_here.notify_all();
                            let deadline = Instant::now() + Duration::from_millis(500);
                            while *arrived < 2 && Instant::now() < deadline {
                                let left = deadline.saturating_duration_since(Instant::now());
                                arrived = all_here.wait_timeout(arrived, left).unwrap().0;
                            }
                            address.to_string()
                        })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        }
    });
    let stored: Option<String> = cache.cached("db.local");
    let agree: bool = answers[0] == answers[1] && stored.as_deref() == Some(answers[0].as_str());
    ::std::assert!(
        agree,
        "two threads resolving the same new host at once got {answers:?}, and the cache then held {stored:?}: all three should \
         be the same address (see “A read guard blocks your own write”)\n\
         After taking the write lock, look again (the other thread \
         may have stored the host between your read and your write) and return what the cache holds then, not your own lookup's \
         address: `entry(key).or_insert(value)` does both and gives back the stored address."
    );
}

/// The cache's lock, reached through the field (a test above checks that it stays an `RwLock`).
fn lock_of(cache: &HostCache) -> &RwLock<HashMap<String, String>> {
    let field: &dyn Any = &cache.known;
    match field.downcast_ref::<RwLock<HashMap<String, String>>>() {
        Some(lock) => lock,
        None => ::std::panic!("the `known` field should stay an `RwLock<HashMap<String, String>>`"),
    }
}

/// How many hosts the cache holds when the test below misses: none, a few, and around the sizes a
/// `resolve` might treat apart (a small cache, a thousand), so that no condition on the size keeps a
/// guard through the lookup unseen.
const SIZES_WHEN_MISSING: [usize; 10] = [0, 1, 2, 3, 10, 100, 999, 1000, 1001, 5000];

/// Hosts of every shape the test below misses on, at each size: plain, empty, in capitals, an IP
/// address, a port, spaces, non-ASCII, long.
fn hosts_of_every_shape() -> ::std::vec::Vec<String> {
    let mut hosts: ::std::vec::Vec<String> = [
        "db.local", "", "DB.LOCAL", "10.1.2.3", "::1", "localhost", "db.local:5432", " api.local ", "x", "bücher.example",
    ]
    .iter()
    .map(|host| host.to_string())
    .collect();
    hosts.push("h".repeat(300));
    hosts
}

/// The slow lookup of a new host runs with the cache unlocked, whatever host it is and however many hosts the cache holds (0 to 5000), so it keeps nobody waiting.
#[test]
fn the_lookup_runs_with_no_lock_held() {
    let held_during_lookup: Option<(usize, String)> = within(|| {
        for size in SIZES_WHEN_MISSING {
            for host in hosts_of_every_shape() {
                let cache = Arc::new(HostCache::new());
                {
                    let mut known = lock_of(&cache).write().unwrap_or_else(PoisonError::into_inner);
                    for i in 0..size {
                        known.insert(::std::format!("cached{i}.local"), ::std::format!("10.2.{}.{}", i / 256, i % 256));
                    }
                }
                let looker = Arc::clone(&cache);
                let free = Cell::new(false);
                cache.resolve(&host, |_| {
                    // A write lock is only free when nobody, this thread included, holds a guard.
                    free.set(lock_of(&looker).try_write().is_ok());
                    "10.0.0.5".to_string()
                });
                if !free.get() {
                    return Some((size, host));
                }
            }
        }
        None
    });
    if let Some((size, host)) = held_during_lookup {
        let shown: String = if host.len() > 40 { ::std::format!("a {}-byte host", host.len()) } else { ::std::format!("{host:?}") };
        ::std::panic!(
            "with {size} hosts cached, while the lookup of {shown} ran, the cache's lock was held \
             (see “Keeping the lock short”)\n\
             A lookup is slow: done under `write()` it keeps every reader out, under `read()` it keeps the \
             writers out. Let the read guard go, look up with no lock held, then take `write()` just to store, \
             on every path, whatever the host and however large the cache."
        );
    }
}

/// While the lookup of a new host runs, the cache holds no entry for that host: nothing is stored before its address is known, so `cached` answers `None` meanwhile.
#[test]
fn nothing_is_stored_for_a_host_before_its_lookup_returns() {
    let cache = Arc::new(HostCache::new());
    let seen_during_lookup: Option<Option<String>> = within({
        let cache = Arc::clone(&cache);
        move || {
            let looker = Arc::clone(&cache);
            let seen = Cell::new(None);
            cache.resolve("db.local", |host| {
                // A busy lock tells nothing here: the_lookup_runs_with_no_lock_held reports it.
                if let Ok(known) = lock_of(&looker).try_read() {
                    seen.set(Some(known.get(host).cloned()));
                }
                "10.0.0.5".to_string()
            });
            seen.take()
        }
    });
    if let Some(entry) = seen_during_lookup {
        let entry: Option<String> = entry;
        ::std::assert!(
            entry.is_none(),
            "while the lookup of `db.local` ran, the cache already held {entry:?} for it: `resolve` stored a placeholder \
             before the address was known, so `cached(\"db.local\")` answers that placeholder as if it were the address, \
             and a lookup that panics leaves it behind for good (see “A read guard blocks your own write”)\n\
             Store a host only once its address is known: look up with no lock held, then take `write()`, check for the \
             host once more and insert, `entry(key).or_insert(address)`. Two threads missing the same host may both look it up; the one \
             stored first is the answer for both, so no one needs to wait for another's lookup."
        );
    }
}

/// A host that another thread stores while a lookup runs stays cached: storing one host keeps the others.
#[test]
fn storing_a_host_keeps_the_hosts_stored_meanwhile() {
    let cache = Arc::new(HostCache::new());
    let neighbour_done: bool = within({
        let cache = Arc::clone(&cache);
        move || {
            let neighbour = Arc::clone(&cache);
            let done = Cell::new(false);
            let mine: String = cache.resolve("db.local", |_| {
                // While this lookup runs, another thread resolves a different host, and waits for it.
                let (finished, neighbour_finished) = mpsc::channel::<String>();
                thread::spawn(move || {
                    let _ = finished.send(neighbour.resolve("queue.local", |_| "10.0.0.7".to_string()));
                });
                done.set(neighbour_finished.recv_timeout(Duration::from_millis(1500)).is_ok());
                "10.0.0.5".to_string()
            });
            ::std::assert_eq!(mine, "10.0.0.5", "a new host gets the address its lookup returns");
            done.get()
        }
    });
    ::std::assert!(
        neighbour_done,
        "while the lookup of db.local ran, another thread resolving queue.local could not finish: \
         a lock was held during the lookup (see “Keeping the lock short”)\n\
         Hold no lock at all while the slow lookup runs, neither the cache's nor one of your own, \
         so that other hosts go ahead."
    );
    let kept: Option<String> = cache.cached("queue.local");
    let expected_kept: Option<String> = Some("10.0.0.7".to_string());
    ::std::assert!(
        kept == expected_kept,
        "`resolve` erased queue.local, which another thread stored while db.local was being looked up: \
         it wrote back a copy of the map made before the lookup (see “Check and act under one lock”)\n\
         Under the write lock, insert just the new host into the map as it is now, with `entry(...)`."
    );
    let mine: Option<String> = cache.cached("db.local");
    let expected_mine: Option<String> = Some("10.0.0.5".to_string());
    ::std::assert_eq!(mine, expected_mine, "after `resolve`, the address should be in the cache");
}

/// Misses for two different hosts are looked up at the same time: neither lookup waits for the other.
#[test]
fn lookups_for_different_hosts_run_at_the_same_time() {
    let cache = Arc::new(HostCache::new());
    // Each lookup waits (up to a second) until both lookups are running.
    let meeting = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let met: Vec<bool> = within({
        let cache = Arc::clone(&cache);
        move || {
            let handles: Vec<thread::JoinHandle<bool>> = ["db.local", "queue.local"]
                .into_iter()
                .map(|host| {
                    let (cache, meeting) = (Arc::clone(&cache), Arc::clone(&meeting));
                    thread::spawn(move || {
                        let met = Cell::new(false);
                        cache.resolve(host, |_| {
                            let (arrived, all_here) = &*meeting;
                            let mut arrived = arrived.lock().unwrap();
                            *arrived += 1;
                            all_here.notify_all();
                            let deadline = Instant::now() + Duration::from_secs(1);
                            while *arrived < 2 && Instant::now() < deadline {
                                let left = deadline.saturating_duration_since(Instant::now());
                                arrived = all_here.wait_timeout(arrived, left).unwrap().0;
                            }
                            met.set(*arrived >= 2);
                            "10.0.0.1".to_string()
                        });
                        met.get()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        }
    });
    let overlapped: bool = met.iter().all(|&m| m);
    ::std::assert!(
        overlapped,
        "the lookups of db.local and queue.local did not run at the same time: one waited for the other \
         (see “Keeping the lock short”)\n\
         Something held a lock across the lookup, a lock of your own (a `static Mutex`, say) if not the cache's. \
         Misses for different hosts must not queue behind one another: hold no lock while looking up."
    );
}

/// A host that another thread stores while `resolve` is waiting for the write lock is the one
/// `resolve` returns: it looks again under the write lock.
#[test]
fn a_miss_looks_again_under_the_write_lock() {
    // Each round: `resolve` misses and looks up; meanwhile the test holds a read guard, so that
    // `resolve` ends up waiting for the write lock. The test then takes the write lock itself and
    // stores the host first. If `resolve` got the write lock first instead, the round tells nothing
    // and the test tries again.
    for round in 0..50 {
        let cache = Arc::new(HostCache::new());
        let host: String = ::std::format!("host{round}.local");
        // A host cached before the round: where its address lives in memory tells whether the
        // cache was changed in place or replaced by a copy.
        lock_of(&cache).write().unwrap().insert("marker.local".to_string(), "10.0.0.3".to_string());
        let marker_at: Option<usize> = lock_of(&cache).read().unwrap().get("marker.local").map(|a| a.as_ptr() as usize);
        let (in_lookup, lookup_started) = mpsc::channel::<()>();
        let (go, may_return) = mpsc::channel::<()>();
        let (done, answered) = mpsc::channel::<String>();
        {
            let (cache, host) = (Arc::clone(&cache), host.clone());
            thread::spawn(move || {
                let address: String = cache.resolve(&host, move |_| {
                    let _ = in_lookup.send(());
                    let _ = may_return.recv_timeout(STUCK_AFTER);
                    "10.0.0.1".to_string()
                });
                let _ = done.send(address);
            });
        }
        let started: bool = lookup_started.recv_timeout(STUCK_AFTER).is_ok();
        ::std::assert!(started, "`resolve` for a new host should call its lookup");
        let lock: &RwLock<HashMap<String, String>> = lock_of(&cache);
        let Ok(reading) = lock.try_read() else {
            ::std::panic!(
                "while the lookup ran, the cache's lock should be free (see “Keeping the lock short”)\n\
                 `resolve` still held a write guard during the slow lookup, keeping every reader out."
            );
        };
        let _ = go.send(());
        // Once `resolve` waits for the write lock, new readers are held back too.
        let deadline = Instant::now() + STUCK_AFTER;
        let mut writer_waiting: bool = false;
        while !writer_waiting && Instant::now() < deadline {
            writer_waiting = lock.try_read().is_err();
            thread::sleep(Duration::from_millis(1));
        }
        ::std::assert!(
            writer_waiting,
            "after its lookup, `resolve` never waited in line for the write lock to store the host: it should call `write()`, \
             which queues for the lock and sleeps until the readers are gone. `try_write()` never takes a place in that queue: \
             tried once, it gives up and the host is not stored; retried in a loop, a steady stream of readers can keep it out \
             for good (see “Trying without waiting”)"
        );
        drop(reading);
        // At once, before `resolve` wakes up: usually the test gets the write lock first.
        let give_up = Instant::now() + STUCK_AFTER;
        let mut writing = lock.try_write();
        while writing.is_err() && Instant::now() < give_up {
            thread::sleep(Duration::from_millis(1));
            writing = lock.try_write();
        }
        let Ok(mut known) = writing else {
            ::std::panic!(
                "`resolve` held its read guard for 2 s while waiting to write: it waits for itself \
                 (see “A read guard blocks your own write”)\n\
                 It called `write()` while its own read guard was still alive. End the read guard before \
                 asking for the write lock."
            );
        };
        let stored_first: bool = {
            let fresh: bool = !known.contains_key(&host);
            known.entry(host.clone()).or_insert_with(|| "10.0.0.9".to_string());
            drop(known);
            fresh
        };
        let answer: String = match answered.recv_timeout(STUCK_AFTER) {
            Ok(answer) => answer,
            Err(_) => ::std::panic!("`resolve` did not return within 2 s of getting the write lock"),
        };
        if !stored_first {
            continue;
        }
        let stored: Option<String> = cache.cached(&host);
        let kept_but_returned_own: bool = answer != "10.0.0.9" && stored.as_deref() == Some("10.0.0.9");
        ::std::assert!(
            !kept_but_returned_own,
            "`resolve` returned {answer}, the address its own lookup found, though the cache kept 10.0.0.9, which another thread \
             stored while it waited: it looked again, then handed back the wrong address (see “A read guard blocks your own write”)\n\
             Return what the cache holds once you have written: `entry(key).or_insert(value)` gives back the address stored \
             under the key, the other thread's if it got there first; clone that, not your own."
        );
        let marker_now: Option<usize> = lock_of(&cache).read().unwrap().get("marker.local").map(|a| a.as_ptr() as usize);
        let copied: bool = stored.as_deref() != Some("10.0.0.9") && marker_now != marker_at;
        ::std::assert!(
            !copied,
            "`resolve` wrote back a copy of the cache made before it took the write lock, erasing 10.0.0.9, which another thread \
             stored for {host} while `resolve` waited (the cache now holds {stored:?}, and every other cached host is a copy too) \
             (see “Check and act under one lock”)\n\
             Looking again on a copy is looking at the past: the copy is out of date the moment its guard is gone. Under the write \
             lock, use `entry(key).or_insert(value)` on the map the guard gives you, and return what it gives back."
        );
        let overwrote: bool = answer == "10.0.0.9" && stored.as_deref() != Some("10.0.0.9");
        ::std::assert!(
            !overwrote,
            "`resolve` returned 10.0.0.9, the address another thread stored while it waited, but the cache now holds \
             {stored:?}: it put its own address over the other thread's (an `insert` replaces what is there, and gives back \
             the old value), so the two threads, and everyone asking later, disagree (see “A read guard blocks your own write”)\n\
             Under the write lock, keep what is already stored: `entry(key).or_insert(value)` inserts only into an empty \
             place, and gives back the address the cache holds."
        );
        let agree: bool = answer == "10.0.0.9" && stored.as_deref() == Some("10.0.0.9");
        ::std::assert!(
            agree,
            "`resolve` returned {answer}, though another thread stored 10.0.0.9 while it waited \
             (see “A read guard blocks your own write”)\n\
             The cache now holds {stored:?}. After taking the write lock, look again before inserting: \
             whatever was read before, under a read lock or none, may be out of date."
        );
        return;
    }
}

// A `resolve` that looks again under one write lock and inserts under a second leaves a moment
// between the two writes, with no lock held, in which another thread can store the same host. No
// code of the test runs in that moment, so the test makes the lock itself stop `resolve` there:
// it holds a read guard while `resolve` finishes its lookup, so that `resolve` queues for its
// write lock, and it queues `QUEUED_READERS` readers behind it. Waiting readers are only let in
// once a writer lets go, and then the writer's own thread wakes them all, one after the other,
// before it can go on: a reader awake by then takes a guard, and `resolve`'s next write waits
// for it. A reader that finds the host missing after `resolve` has written stores the host
// itself, as a neighbour would, the moment its guard is gone, while `resolve` is still asleep
// waiting for the lock. Whenever a reader stored the host first, `resolve` must return the
// reader's address and the cache must keep it. A round can still miss the moment on a busy
// machine (as does every round of a `resolve` with a single write lock, which has no such
// moment), so the test plays rounds until one shows the reader's address overwritten, or it has
// played `MOST_ROUNDS` rounds or for `ROUNDS_FOR`. The more readers wait, the longer the writer
// takes to wake them and the wider the moment: with 64, the first or second round nearly always
// shows the overwrite, even on a machine busy with other work.
const ROUNDS_FOR: Duration = Duration::from_millis(2000);
const MOST_ROUNDS: usize = 80;
const QUEUED_READERS: usize = 64;

/// One round on a new host: `resolve`'s answer, and whether a reader stored the host before `resolve` did.
fn a_neighbour_between_the_writes(cache: &Arc<HostCache>, host: &str) -> Option<(String, bool)> {
    let (in_lookup, lookup_started) = mpsc::channel::<()>();
    let (go, may_return) = mpsc::channel::<()>();
    let (done, answered) = mpsc::channel::<String>();
    {
        let (cache, host) = (Arc::clone(cache), host.to_string());
        thread::spawn(move || {
            let address: String = cache.resolve(&host, move |_| {
                let _ = in_lookup.send(());
                let _ = may_return.recv_timeout(STUCK_AFTER);
                "10.0.0.1".to_string()
            });
            let _ = done.send(address);
        });
    }
    lookup_started.recv_timeout(STUCK_AFTER).ok()?;
    // With a write lock still held during the lookup there is no round to play: other tests say why.
    let holding = lock_of(cache).try_read().ok()?;
    let _ = go.send(());
    // Once `resolve` waits for its first write lock, new readers are held back too.
    let deadline = Instant::now() + STUCK_AFTER;
    while lock_of(cache).try_read().is_ok() {
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_micros(200));
    }
    let stored_first = Arc::new(AtomicBool::new(false));
    let (queueing, readers_queueing) = mpsc::channel::<()>();
    let readers: Vec<thread::JoinHandle<()>> = (0..QUEUED_READERS)
        .map(|_| {
            let (cache, host, stored_first, queueing) =
                (Arc::clone(cache), host.to_string(), Arc::clone(&stored_first), queueing.clone());
            thread::spawn(move || {
                let _ = queueing.send(());
                let reading = lock_of(&cache).read();
                let missing: bool = reading.as_ref().is_ok_and(|known| !known.contains_key(&host));
                if !missing {
                    return;
                }
                // `resolve` has written, yet the host is not there: keep its next write waiting
                // long enough for it to go to sleep, then store the host first.
                thread::sleep(Duration::from_millis(2));
                drop(reading);
                let until = Instant::now() + Duration::from_millis(100);
                while Instant::now() < until {
                    if let Ok(mut known) = lock_of(&cache).try_write() {
                        if let Entry::Vacant(free) = known.entry(host) {
                            free.insert("10.0.0.9".to_string());
                            stored_first.store(true, Ordering::SeqCst);
                        }
                        return;
                    }
                    ::std::hint::spin_loop();
                }
            })
        })
        .collect();
    for _ in 0..QUEUED_READERS {
        readers_queueing.recv_timeout(STUCK_AFTER).ok()?;
    }
    thread::sleep(Duration::from_millis(1)); // time for the readers to queue behind `resolve`
    drop(holding);
    let answer: String = answered.recv_timeout(STUCK_AFTER).ok()?;
    for reader in readers {
        let _ = reader.join();
    }
    Some((answer, stored_first.load(Ordering::SeqCst)))
}

/// A host another thread stores between `resolve`'s look again and its insert is not overwritten: both happen under one write lock.
#[test]
fn a_host_stored_between_two_writes_is_not_overwritten() {
    let cache = Arc::new(HostCache::new());
    let started = Instant::now();
    let mut round: usize = 0;
    while round < MOST_ROUNDS && started.elapsed() < ROUNDS_FOR {
        let host: String = ::std::format!("host{round}.local");
        round += 1;
        let Some((answer, neighbour_first)) = a_neighbour_between_the_writes(&cache, &host) else { return };
        let held: Option<String> = cache.cached(&host);
        let kept: bool = !neighbour_first || (answer == "10.0.0.9" && held.as_deref() == Some("10.0.0.9"));
        ::std::assert!(
            kept,
            "another thread stored 10.0.0.9 for {host} while `resolve` was between two write locks, yet `resolve` returned {answer} and the cache holds {held:?} (see “Check and act under one lock”)\n\
             `resolve` looked again under one write lock, let it go, and inserted under a second one, so a host stored in between \
             was overwritten and the callers disagree. Look again and insert under the same write guard, \
             `entry(key).or_insert(value)`, and return what it gives back."
        );
    }
}

/// How many threads try for a read guard the moment the writer lets go: the woken asker may
/// push one of them off its processor, and then another still gets in first.
const GRABBERS: usize = 3;

/// One round: a cached host is asked for while a writer holds the lock; the writer lets go and
/// the test takes a read guard at once, usually before the asker wakes up. `None` when the round
/// tells nothing (the asker answered before the test held its guard), else whether the asker
/// answered while the test held that read guard.
fn a_hit_beside_a_reader_after_a_writer(cache: &Arc<HostCache>) -> Option<bool> {
    let lock: &RwLock<HashMap<String, String>> = lock_of(cache);
    let writer = lock.write().ok()?;
    let answered = Arc::new(AtomicBool::new(false));
    let (asking, asker_started) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel::<()>();
    {
        let (cache, answered) = (Arc::clone(cache), Arc::clone(&answered));
        thread::spawn(move || {
            let _ = asking.send(());
            cache.resolve("db.local", |_| "10.9.9.9".to_string());
            answered.store(true, Ordering::SeqCst);
            let _ = done.send(());
        });
    }
    asker_started.recv_timeout(STUCK_AFTER).ok()?;
    thread::sleep(Duration::from_millis(20)); // time for the asker to wait for the lock
    // The moment the writer lets go, before the asker wakes up: a read guard, taken by whichever
    // of the grabbers gets one first.
    let (taken, stop, go) = (AtomicBool::new(false), AtomicBool::new(false), Barrier::new(GRABBERS + 1));
    let outcome: Mutex<Option<bool>> = Mutex::new(None);
    thread::scope(|s| {
        for _ in 0..GRABBERS {
            s.spawn(|| {
                go.wait();
                let give_up = Instant::now() + STUCK_AFTER;
                while !stop.load(Ordering::SeqCst) && Instant::now() < give_up {
                    let Ok(reading) = lock.try_read() else { continue };
                    if taken.swap(true, Ordering::SeqCst) {
                        return;
                    }
                    stop.store(true, Ordering::SeqCst);
                    if answered.load(Ordering::SeqCst) {
                        return;
                    }
                    let until = Instant::now() + Duration::from_secs(1);
                    while !answered.load(Ordering::SeqCst) && Instant::now() < until {
                        thread::sleep(Duration::from_millis(1));
                    }
                    let beside: bool = answered.load(Ordering::SeqCst);
                    drop(reading);
                    *outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(beside);
                    return;
                }
            });
        }
        go.wait();
        drop(writer);
    });
    let _ = finished.recv_timeout(STUCK_AFTER);
    outcome.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// A cached host asked for while a writer holds the lock is answered as soon as the writer is done, even while another thread reads: the hit waits with `read()`, which readers share.
#[test]
fn a_hit_that_waited_for_a_writer_shares_the_lock_with_readers() {
    let cache = Arc::new(HostCache::new());
    let first: String = cached_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("db.local", |_| "10.0.0.5".to_string())
    });
    ::std::assert_eq!(first, "10.0.0.5", "a new host gets the address its lookup returns");
    let started = Instant::now();
    let mut conclusive: usize = 0;
    while conclusive < 3 && started.elapsed() < Duration::from_secs(3) {
        let Some(beside) = a_hit_beside_a_reader_after_a_writer(&cache) else { continue };
        let beside: bool = beside;
        conclusive += 1;
        ::std::assert!(
            beside,
            "db.local was cached and asked for while a writer held the lock; once the writer let go, another thread took a read \
             guard, and `resolve` still did not answer within 1 s: it waited for the hit with `write()`, which shuts every reader \
             out and waits for them all to leave (see “Readers and writers”)\n\
             A busy lock calls for waiting, not for a stronger lock: a hit only reads, so wait for it with `read()`, which \
             readers share. Keep `write()` for storing a new host."
        );
    }
}

/// Makes room in the map through the field, nearly fills it with other hosts and removes every
/// other one of them again: a map keeps a trace of each removed entry in its table (its room does
/// not come back) until the table is emptied or rebuilt. How much room the map reports then.
fn room_with_removed_hosts(cache: &HostCache) -> usize {
    let mut known = lock_of(cache).write().unwrap();
    known.reserve(1024);
    // Some room is left free, so that storing a host never has to rebuild the table.
    let others: usize = known.capacity() - known.capacity() / 16 - known.len();
    for i in 0..others {
        known.insert(::std::format!("other{i}.local"), "10.0.0.3".to_string());
    }
    for i in (0..others).step_by(2) {
        known.remove(&::std::format!("other{i}.local"));
    }
    known.capacity()
}

/// Storing a new host adds it to the map the lock holds: `resolve` neither builds a new map of every cached host nor empties the map and fills it again.
#[test]
fn a_miss_adds_to_the_map_it_holds_rather_than_rebuilding_it() {
    let cache = Arc::new(HostCache::new());
    let room_before: usize = room_with_removed_hosts(&cache);
    let address: String = cached_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("db.local", |_| "10.0.0.5".to_string())
    });
    ::std::assert_eq!(address, "10.0.0.5", "a new host gets the address its lookup returns");
    let room_after: usize = lock_of(&cache).read().unwrap().capacity();
    ::std::assert!(
        room_after >= room_before,
        "`resolve` moved every cached host into a new table (the test had made room for {room_before} hosts in the map; \
         after a miss there was room for {room_after}): whether a new map is built and put in place of the old one, or the \
         old one is squeezed with `shrink_to_fit`, every miss then moves every cached host while all the readers wait \
         (see “Keeping the lock short”)\n\
         Under the write lock, add just the new host to the map the guard gives you, with `entry(...)`."
    );
    // A new host takes a free slot or one an earlier removal left behind: room for one more at most.
    ::std::assert!(
        room_after <= room_before + 1,
        "`resolve` emptied the whole map and put every cached host back into it (the test had removed hosts from the map, \
         which a map remembers until its table is emptied: room for {room_before} hosts became {room_after} after a miss): \
         with `drain` and `extend`, or a copy taken out and put back, even under one write guard, every miss then moves \
         every cached host out and in again while all the readers wait (see “Keeping the lock short”)\n\
         Under the write lock, add just the new host to the map the guard gives you, with `entry(...)`."
    );
}

/// How many hosts the cache holds in the test below: enough that work on all of them takes far longer than work on one.
const MANY_HOSTS: usize = 100_000;
/// How many misses the test below times; only the quickest counts.
const TIMED_MISSES: usize = 15;
/// The longest the quickest of those misses may take. A miss that stores only its own host takes
/// about a microsecond, even on a loaded machine (only one of the misses needs to run undisturbed),
/// so the bound leaves a margin of several hundred times; one that walks or moves all the cached
/// hosts under the write lock takes milliseconds on every miss.
const ONE_HOST_ONLY: Duration = Duration::from_micros(500);
/// The longest the quickest of the calls to `cached` below may take. Looking one host up takes
/// under a microsecond, even on a loaded machine (only one of the calls needs to run
/// undisturbed), so the bound leaves a margin of several hundred times; one that walks or copies
/// every cached host under the read lock takes milliseconds on every call.
const ONE_HOST_CACHED: Duration = Duration::from_micros(500);

/// In a cache of 100 000 hosts, a miss is stored and `cached` answers as quickly as in a small one: under the lock, each looks at its own host only, never walks, moves or copies the others (timing bounds with a wide margin).
#[test]
fn a_miss_in_a_large_cache_touches_only_its_host() {
    let cache = Arc::new(HostCache::new());
    {
        let mut known = lock_of(&cache).write().unwrap();
        known.reserve(MANY_HOSTS + TIMED_MISSES);
        for i in 0..MANY_HOSTS {
            known.insert(::std::format!("cached{i:06}.local"), ::std::format!("10.3.{}.{}", i / 256, i % 256));
        }
    }
    // The misses run on a thread of their own, so that a `resolve` that never returns is reported.
    let (answer, answers) = mpsc::channel::<(Duration, String)>();
    let asker = Arc::clone(&cache);
    thread::spawn(move || {
        for i in 0..TIMED_MISSES {
            let host: String = ::std::format!("missed{i:06}.local");
            let asked = Instant::now();
            // An address of its own for each host, like every cached one: nothing found early in a walk.
            let address: String = asker.resolve(&host, move |_| ::std::format!("10.4.0.{i}"));
            if answer.send((asked.elapsed(), address)).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut quickest, mut count): (Option<Duration>, usize) = (None, 0);
    while count < TIMED_MISSES {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok((took, address)) = answers.recv_timeout(left) else { break };
        let address: String = address;
        let due: String = ::std::format!("10.4.0.{count}");
        ::std::assert_eq!(address, due, "a new host gets the address its lookup returns");
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
        count += 1;
    }
    let Some(took) = quickest else {
        ::std::panic!(
            "could not begin: storing a new host, `resolve` did not return within 2 s (the same wait as in \
             a_new_host_is_looked_up_and_cached)"
        );
    };
    let took: Duration = took;
    ::std::assert!(
        took < ONE_HOST_ONLY,
        "with {MANY_HOSTS} hosts cached, even the quickest of {count} misses took {took:.1?} in `resolve`, where storing one \
         host takes about a microsecond: under the lock (the read lock to look, or the write lock to store) it did work on \
         every cached host (walking the map with `iter()` to check for the host, or moving or copying every host), and all \
         that time the writers, or every reader, wait (see “Keeping the lock short”)\n\
         A `HashMap` finds a key without looking at the others: check for the host with `get` or `entry(key)` and add just \
         the new one, `entry(key).or_insert(value)`."
    );
    let stored: usize = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner).len();
    ::std::assert!(
        stored <= MANY_HOSTS + count,
        "with {MANY_HOSTS} hosts cached, {count} misses left {stored} hosts in the cache, where {} were due: `resolve` stored \
         more than the hosts it was asked for (a second entry beside each one, say), and the cache fills with entries nobody \
         asks for. Add just the host asked for: `entry(key).or_insert(value)`.",
        MANY_HOSTS + count
    );
    ::std::assert!(
        stored == MANY_HOSTS + count,
        "with {MANY_HOSTS} hosts cached, {count} misses left {stored} hosts in the cache, where {} were due: `resolve` dropped \
         cached hosts to make room (a `clear()` once the cache is full, say), or stopped storing new ones. Everyone asking \
         for a host gets the same address, and a host not kept is looked up again, perhaps to another one; a `clear()` under \
         the write lock also walks every host while all readers wait (see “Keeping the lock short”)\n\
         This cache keeps every host it stores: add just the new one, `entry(key).or_insert(value)`.",
        MANY_HOSTS + count
    );
    // Now `cached`, in the same large cache: asked for hosts that are not there, the same length as the cached ones.
    let (answer, answers) = mpsc::channel::<(Duration, Option<String>)>();
    let asker = Arc::clone(&cache);
    thread::spawn(move || {
        for i in 0..TIMED_MISSES {
            let host: String = ::std::format!("cached{i:06}.locaz");
            let asked = Instant::now();
            let address: Option<String> = asker.cached(&host);
            if answer.send((asked.elapsed(), address)).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut quickest, mut count): (Option<Duration>, usize) = (None, 0);
    while count < TIMED_MISSES {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok((took, address)) = answers.recv_timeout(left) else { break };
        let address: Option<String> = address;
        ::std::assert!(address.is_none(), "`cached` of a host never stored should answer None");
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
        count += 1;
    }
    let Some(took) = quickest else {
        ::std::panic!("`cached` did not return within 2 s though nobody else held the lock");
    };
    let took: Duration = took;
    ::std::assert!(
        took < ONE_HOST_CACHED,
        "with {MANY_HOSTS} hosts cached, even the quickest of {count} calls to `cached` took {took:.1?}, where looking one \
         host up takes well under a microsecond: under the read lock it did work on every cached host (walking the map \
         with `iter()` to find the host, or copying the whole map to look in the copy), and all that time a `resolve` \
         that stores a host waits (see “Keeping the lock short”)\n\
         A `HashMap` finds a key without looking at the others: `get(host)` under the read guard, and clone only the one \
         address you return."
    );
}

/// A miss starts its lookup while another thread holds a read guard: before the lookup it asks for no write lock, which would wait for every reader.
#[test]
fn a_miss_looks_up_while_a_reader_holds_the_cache() {
    let cache = Arc::new(HostCache::new());
    let reading = lock_of(&cache).read().unwrap();
    let (called, lookup_called) = mpsc::channel::<()>();
    let asker = Arc::clone(&cache);
    thread::spawn(move || {
        asker.resolve("db.local", move |_| {
            let _ = called.send(());
            "10.0.0.5".to_string()
        });
    });
    let looked_up: bool = lookup_called.recv_timeout(STUCK_AFTER).is_ok();
    drop(reading);
    ::std::assert!(
        looked_up,
        "while another thread held a read guard on the cache, a miss did not start its lookup: before looking up, `resolve` \
         asked for `write()` (to make sure of the miss, say), and a write lock waits for every reader to leave, so on a busy \
         cache every miss waits for all the readers twice (see “Readers and writers”)\n\
         Find the miss under `read()`, let that guard go, look up with no lock held, and take `write()` once, to check for \
         the host once more and store it: `entry(host).or_insert(address)`."
    );
}

/// One round: `resolve(host)` of a new host runs on another thread; once its lookup is done and it
/// holds the write lock to store, a writer on a third thread lines up for `write()`, and a reader on
/// a fourth lines up for `read()`. Copying and hashing the long `host` keeps the store going for
/// milliseconds, while the others line up within microseconds. With a reader waiting, a thread that
/// asks for `read()` when `resolve` lets its guard go waits behind the waiting writer instead of
/// slipping in before it. Once the writer has the lock it keeps it until `resolve` has returned (at
/// most `WRITER_HOLDS_FOR_HIT`), so a `resolve` that asks for the lock again after storing is seen
/// waiting for it.
fn a_store_while_a_writer_lines_up(cache: &Arc<HostCache>, host: &str) -> MetAWriter {
    let returned = Arc::new(AtomicBool::new(false));
    let (go, writer_held) = a_writer_waiting_for(cache, &returned);
    let (looked_up, lookup_done) = mpsc::channel::<()>();
    let (done, answered) = mpsc::channel::<()>();
    let (asker, host, asker_done) = (Arc::clone(cache), host.to_string(), Arc::clone(&returned));
    thread::spawn(move || {
        asker.resolve(&host, move |_| {
            let _ = looked_up.send(());
            "10.9.9.8".to_string()
        });
        asker_done.store(true, Ordering::SeqCst);
        let _ = done.send(());
    });
    if lookup_done.recv_timeout(STUCK_AFTER).is_err() {
        return MetAWriter::Stuck;
    }
    // After the lookup, the lock is free until `resolve` holds the write lock to store.
    let lock: &RwLock<HashMap<String, String>> = lock_of(cache);
    let deadline = Instant::now() + STUCK_AFTER;
    while Instant::now() < deadline && !returned.load(Ordering::SeqCst) {
        let Ok(reading) = lock.try_read() else { break };
        drop(reading);
        ::std::hint::spin_loop();
    }
    let _ = go.send(());
    let reader_cache = Arc::clone(cache);
    thread::spawn(move || drop(lock_of(&reader_cache).read()));
    how_it_ended(&answered, &writer_held)
}

/// A writer that lines up while a miss stores its address does not make `resolve` wait: it answers with what it found under its one write guard, taking no lock after it.
#[test]
fn a_miss_answers_from_its_write_guard() {
    let cache = Arc::new(HostCache::new());
    for round in 0..TWICE_ROUNDS {
        let host: String = ::std::format!("{}{round}", "h".repeat(TWICE_HOST));
        let ended: MetAWriter = a_store_while_a_writer_lines_up(&cache, &host);
        // Each round's host is let go again, so that the rounds together keep one long name at most.
        lock_of(&cache).write().unwrap_or_else(PoisonError::into_inner).remove(&host);
        match ended {
            MetAWriter::Returned => {}
            MetAWriter::Stuck => ::std::panic!(
                "storing a new host, `resolve` did not return within 2 s of its lookup (the same wait as in \
                 a_new_host_is_looked_up_and_cached)"
            ),
            MetAWriter::WaitedForTheWriter => ::std::panic!(
                "a writer lined up while `resolve` stored a new host, and `resolve` did not return until that writer had \
                 taken the lock and let it go: after storing, it let the write guard go and asked for the lock again (to \
                 read the address back, through `cached` or `read()`), and here a writer waiting in line goes before a new \
                 reader. Every miss pays for one more lock, and waits for any writer that arrives in between \
                 (see “Readers and writers”)\n\
                 The write guard already has the answer: `entry(host).or_insert(address).clone()` stores and copies out \
                 the address every caller agrees on, under that one guard."
            ),
        }
    }
}

/// `HostCache` holds nothing but its `known` cache: no second container beside the `RwLock` for hits, misses or lookups in flight.
#[test]
fn the_cache_holds_nothing_but_its_rwlock() {
    let cache = HostCache::new();
    let held: usize = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner).len();
    ::std::assert!(
        held == 0,
        "a new `HostCache` already held {held} hosts: `new` makes an empty cache, and every host in it comes from a lookup \
         `resolve` made (a host put there by `new` is answered without ever being looked up)"
    );
    let size: usize = ::std::mem::size_of_val(&cache);
    let known: usize = ::std::mem::size_of::<RwLock<HashMap<String, String>>>();
    ::std::assert!(
        size == known,
        "`HostCache` takes {size} bytes, where its `known` field alone takes {known}: it keeps something beside the cache's \
         `RwLock` (a second map behind a `Mutex` for the hits, say). Hits served from a `Mutex` queue up one at a time, which is \
         what an `RwLock` is here to end, and every address is then stored twice (see “Readers and writers”)\n\
         Keep the one `known: RwLock<HashMap<String, String>>`: hits under `read()`, which readers share, and a miss stored \
         under `write()`."
    );
}

/// A cache holding "db.local" at 10.0.0.5, poisoned the way a bug does: a thread panics while it
/// holds the write lock. That panic is expected, so not printed.
fn a_poisoned_cache() -> Arc<HostCache> {
    let cache = Arc::new(HostCache::new());
    let stored: String = cached_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("db.local", |_| "10.0.0.5".to_string())
    });
    ::std::assert_eq!(stored, "10.0.0.5", "a new host gets the address its lookup returns");
    let poisoner = Arc::clone(&cache);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let _ = thread::spawn(move || {
        let _writing = lock_of(&poisoner).write();
        ::std::panic!("a thread failed while it held the cache");
    })
    .join();
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = lock_of(&cache).is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the cache");
    cache
}

/// Runs `work` like `finished_within`, with panic output turned off: `Some` of what it returned,
/// `None` if it panicked (a panic is an honest answer on a poisoned cache).
fn answered_quietly<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = finished_within(work);
    ::std::panic::set_hook(report_panics);
    match outcome {
        Ok(value) => Some(value),
        Err(Unfinished::Panicked(_)) => None,
        Err(Unfinished::Stuck) => ::std::panic!(
            "on a cache poisoned by a thread that panicked (nobody holds the lock any more), {what} did not answer within 2 s"
        ),
    }
}

/// How the tests say what to do with a poisoned cache.
const ON_POISON: &str = "Let `read().unwrap()` and `write().unwrap()` panic, so the failure shows, or, where the data is \
     known to be fine, go on with `unwrap_or_else(PoisonError::into_inner)`, the same way on both sides (see “Poisoned locks”)";

/// On a poisoned cache, a host that is there is answered from it or `resolve` panics: the poison is never taken for a miss.
#[test]
fn a_poisoned_cache_is_no_miss() {
    let cache = a_poisoned_cache();
    let calls = Arc::new(AtomicUsize::new(0));
    let answer: Option<String> = answered_quietly("`resolve(\"db.local\")`", {
        let (cache, lookup) = (Arc::clone(&cache), counting_lookup(&calls, "10.9.9.9"));
        move || cache.resolve("db.local", lookup)
    });
    let lookups: usize = calls.load(Ordering::SeqCst);
    let honest: bool = answer.is_none() || (answer.as_deref() == Some("10.0.0.5") && lookups == 0);
    ::std::assert!(
        honest,
        "after a thread panicked while it held the write lock (which poisons the cache), `resolve(\"db.local\")`, a host \
         cached at 10.0.0.5, {} and answered {:?}: the poison on the read side was taken for a miss, so a host the \
         cache holds is looked up again, and nothing says a thread failed.\n{ON_POISON}",
        if lookups == 0 { "did not look it up".to_string() } else { ::std::format!("looked it up {lookups} time(s)") },
        answer.clone().unwrap_or_default()
    );
    let cached: Option<Option<String>> = answered_quietly("`cached(\"db.local\")`", {
        let cache = Arc::clone(&cache);
        move || cache.cached("db.local")
    });
    let hidden: bool = cached.as_ref().is_some_and(|address| address.as_deref() != Some("10.0.0.5"));
    ::std::assert!(
        !hidden,
        "after a thread panicked while it held the write lock (which poisons the cache), `cached(\"db.local\")`, a host \
         cached at 10.0.0.5, answered {:?}: the poison was taken for a host that is not there.\n{ON_POISON}",
        cached.flatten()
    );
}

/// On a poisoned cache, a new host is looked up, returned and stored, or `resolve` panics: never an address that is not kept.
#[test]
fn a_miss_on_a_poisoned_cache_is_stored_or_panics() {
    let cache = a_poisoned_cache();
    let calls = Arc::new(AtomicUsize::new(0));
    // Whether the cache's lock was free while the lookup ran (held by nobody, poisoned or not).
    let free_during_lookup = Arc::new(Mutex::new(None::<bool>));
    let answer: Option<String> = answered_quietly("`resolve(\"api.local\")`", {
        let (cache, calls, free) = (Arc::clone(&cache), Arc::clone(&calls), Arc::clone(&free_during_lookup));
        let looked_at = Arc::clone(&cache);
        move || {
            cache.resolve("api.local", move |_host: &str| {
                calls.fetch_add(1, Ordering::SeqCst);
                let held: bool = ::std::matches!(lock_of(&looked_at).try_write(), Err(::std::sync::TryLockError::WouldBlock));
                *free.lock().unwrap_or_else(PoisonError::into_inner) = Some(!held);
                "10.0.0.7".to_string()
            })
        }
    });
    let free: Option<bool> = *free_during_lookup.lock().unwrap_or_else(PoisonError::into_inner);
    ::std::assert!(
        free != Some(false),
        "after a thread panicked while it held the write lock (which poisons the cache), `resolve(\"api.local\")` ran the \
         slow lookup with the cache's lock held (the guard it recovered from the poison, still alive): on that path every \
         other thread waits for the lookup. A poisoned cache is no reason to change the shape of `resolve`: the read guard \
         ends before the lookup, on every path (see “Keeping the lock short”)"
    );
    let (stored, kept): (Option<String>, Option<String>) = {
        let known = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner);
        (known.get("api.local").cloned(), known.get("db.local").cloned())
    };
    ::std::assert!(
        kept.as_deref() == Some("10.0.0.5"),
        "after a thread panicked while it held the write lock (which poisons the cache), a `resolve(\"api.local\")` left \
         {kept:?} for \"db.local\", which was cached at 10.0.0.5: the poison made `resolve` empty or rebuild the cache, and \
         every host in it is looked up again.\n{ON_POISON}"
    );
    let honest: bool = answer.is_none() || (answer.as_deref() == Some("10.0.0.7") && stored == answer);
    ::std::assert!(
        honest,
        "after a thread panicked while it held the write lock (which poisons the cache), `resolve(\"api.local\")` of a new \
         host answered {:?}, and the cache then held {} for it: the address was handed out but not kept, so \
         every later call looks the host up again, and threads asking for it may get different answers.\n{ON_POISON}",
        answer.clone().unwrap_or_default(),
        stored.as_ref().map_or_else(|| "nothing".to_string(), |address| ::std::format!("{address:?}"))
    );
}

/// Whatever the lookup answers is the host's address, an empty one included: it is stored like any other.
#[test]
fn any_address_the_lookup_answers_is_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = Arc::new(HostCache::new());
    let both: (String, String) = within({
        let cache = Arc::clone(&cache);
        let (lookup_one, lookup_two) = (counting_lookup(&calls, ""), counting_lookup(&calls, "10.9.9.9"));
        move || (cache.resolve("blank.local", lookup_one), cache.resolve("blank.local", lookup_two))
    });
    let lookups: usize = calls.load(Ordering::SeqCst);
    let kept: bool = both.0.is_empty() && both.1.is_empty() && lookups == 1;
    ::std::assert!(
        kept,
        "asked twice for the host \"blank.local\", whose lookup answers \"\" (an empty address), `resolve` answered {:?} \
         the first time and {:?} the second, and ran the lookup {lookups} time(s), where \"\" both times from one lookup \
         was due: an address the cache did not like was handed out but not stored, so the host is looked up again and \
         callers can get different answers. The cache stores what the lookup answers, whatever it is; judging addresses \
         is the lookup's business.",
        both.0,
        both.1
    );
}

/// A host name longer than any real one, and an address longer than any real one: the cache keeps them all the same.
const LONG_NAME: &str = "a-host-name-far-longer-than-any-that-a-name-server-would-ever-answer-for.with.many.labels.\
    and.more.labels.after.those.and.yet.more.of.them.until.it.is.over.two.hundred.and.fifty.three.bytes.long.which.is.\
    the.limit.for.a.real.one.and.a.few.more.labels.to.be.sure.of.it.example.local";
const LONG_ANSWER: &str = "2001:0db8:85a3:0000:0000:8a2e:0370:7334%a-zone-name-longer-than-usual";

/// Hosts are kept exactly as given: the lookup is asked for the name as it came, and its answer is stored and returned as it is, whatever the name looks like (empty, in capitals, an IP address already).
#[test]
fn hosts_are_kept_exactly_as_given() {
    // Each host, and the address the lookup answers for it, odd ones included.
    let hosts: [(&str, &str); 8] = [
        ("", "10.0.0.1"),
        ("Db.Local", " 10.0.0.2 "),
        ("db.local", "10.0.0.3\n"),
        ("10.1.2.3", "10.1.2.3"),
        (" api.local ", "fe80::1%eth0"),
        (LONG_NAME, LONG_ANSWER),
        ("db.local.", "10.0.0.8"),
        ("localhost", "10.0.0.9"),
    ];
    let asked: Arc<Mutex<::std::vec::Vec<String>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
    let cache = Arc::new(HostCache::new());
    let answers: ::std::vec::Vec<String> = within({
        let (cache, asked) = (Arc::clone(&cache), Arc::clone(&asked));
        move || {
            let mut answers = ::std::vec::Vec::new();
            // Each host twice: the second time from the cache.
            for _ in 0..2 {
                for (host, address) in hosts {
                    let asked = Arc::clone(&asked);
                    answers.push(cache.resolve(host, move |name: &str| {
                        asked.lock().unwrap_or_else(PoisonError::into_inner).push(name.to_string());
                        address.to_string()
                    }));
                }
            }
            answers
        }
    });
    let asked: ::std::vec::Vec<String> = asked.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let names: ::std::vec::Vec<String> = hosts.iter().map(|(host, _)| host.to_string()).collect();
    ::std::assert!(
        asked == names,
        "`resolve` was asked for {names:?}, each twice, and its lookup was called for {asked:?}: each host is looked up \
         once, under the name it was asked for, as it is (not trimmed, not in other capitals, not skipped because it \
         already looks like an address), and answered from the cache the second time. Which names mean the same host is \
         the lookup's business, not the cache's."
    );
    let due: ::std::vec::Vec<String> = hosts.iter().chain(hosts.iter()).map(|(_, address)| address.to_string()).collect();
    let cached: ::std::vec::Vec<Option<String>> = hosts.iter().map(|(host, _)| cache.cached(host)).collect();
    let cached_due: ::std::vec::Vec<Option<String>> = hosts.iter().map(|(_, address)| Some(address.to_string())).collect();
    ::std::assert!(
        answers == due && cached == cached_due,
        "for the hosts {names:?}, asked twice, `resolve` answered {answers:?} and `cached` then {cached:?}, where the \
         lookup's answers, as they are, were due ({due:?}): the cache changed the addresses it was given (trimmed them, \
         say) or stored them under another name than it was asked for. It stores what the lookup answers, under the \
         name it was asked for; judging names and addresses is the lookup's business."
    );
}

/// Strings that look like a marker a cache might use for "no address" or "not a host", used below
/// as hosts and as addresses: each is a plain string like any other.
const SENTINELS: [&str; 16] = [
    "", " ", "0", "-", "*", "?", "None", "null", "nil", "<none>", "NXDOMAIN", "pending", "0.0.0.0", "\0", ",", ":",
];

/// Hosts, each with the address its lookup answers: every printable ASCII character at the start,
/// in the middle and at the end of both (a port after a colon, a list after a comma, a dot, a
/// space...), and the sentinel-looking strings as hosts and as addresses. Every host is distinct.
fn names_with_every_character() -> ::std::vec::Vec<(String, String)> {
    let mut pairs: ::std::vec::Vec<(String, String)> = ::std::vec::Vec::new();
    for (i, c) in (' '..='~').enumerate() {
        pairs.push((::std::format!("{c}db{i}.local"), ::std::format!("{c}10.1.{i}")));
        pairs.push((::std::format!("db{i}{c}local"), ::std::format!("10.2{c}{i}")));
        pairs.push((::std::format!("db{i}.local{c}"), ::std::format!("10.3.{i}{c}")));
    }
    for (i, sentinel) in SENTINELS.iter().enumerate() {
        pairs.push((sentinel.to_string(), ::std::format!("10.4.{i}")));
        pairs.push((::std::format!("sentinel{i}.local"), sentinel.to_string()));
    }
    pairs
}

/// What the test below saw for one host.
struct ExactlyAsGiven {
    /// The names the lookup was asked for, over both calls.
    asked: ::std::vec::Vec<String>,
    /// What `resolve` answered the first time and the second.
    answers: (String, String),
    /// What `cached` answered afterwards.
    cached: Option<String>,
}

/// Every host reaches the lookup exactly as asked, and every address comes back and is cached exactly as the lookup answered, whatever printable ASCII character they hold where, and whatever marker they look like.
#[test]
fn every_character_reaches_the_lookup_and_comes_back() {
    let pairs: ::std::vec::Vec<(String, String)> = names_with_every_character();
    let cache = Arc::new(HostCache::new());
    let seen: ::std::vec::Vec<ExactlyAsGiven> = within({
        let (cache, pairs) = (Arc::clone(&cache), pairs.clone());
        move || {
            let mut seen = ::std::vec::Vec::new();
            for (host, address) in pairs {
                let asked: Arc<Mutex<::std::vec::Vec<String>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
                let ask = |address: String| {
                    let asked = Arc::clone(&asked);
                    move |name: &str| {
                        asked.lock().unwrap_or_else(PoisonError::into_inner).push(name.to_string());
                        address
                    }
                };
                let first: String = cache.resolve(&host, ask(address.clone()));
                let second: String = cache.resolve(&host, ask("10.9.9.9".to_string()));
                let asked: ::std::vec::Vec<String> = asked.lock().unwrap_or_else(PoisonError::into_inner).clone();
                seen.push(ExactlyAsGiven { asked, answers: (first, second), cached: cache.cached(&host) });
            }
            seen
        }
    });
    for ((host, address), seen) in pairs.iter().zip(seen) {
        let asked: ::std::vec::Vec<String> = seen.asked;
        let as_given: bool = asked.iter().all(|name| name == host);
        ::std::assert!(
            as_given,
            "asked for the host {host:?}, `resolve` asked the lookup for {asked:?}, where {host:?}, exactly as given, was \
             due: the cache changed the name (cut a port or a part off, trimmed it). The lookup is asked the name as it \
             came; what a name means is the lookup's business."
        );
        let lookups: usize = asked.len();
        ::std::assert!(
            lookups == 1,
            "asked twice for the host {host:?}, whose lookup answers {address:?}, `resolve` ran the lookup {lookups} \
             time(s), where once was due: the answer was not kept (taken for a marker of no address, say), so the host \
             is looked up again and callers can get different answers. The cache stores what the lookup answers, as it is."
        );
        let (first, second): (String, String) = seen.answers;
        let cached: Option<String> = seen.cached;
        let exact: bool = &first == address && &second == address && cached.as_deref() == Some(address.as_str());
        ::std::assert!(
            exact,
            "the lookup of {host:?} answered {address:?}; `resolve` answered {first:?}, then {second:?} from the cache, and \
             `cached` {cached:?}, where {address:?} each time was due: the cache changed the address (kept part of it, \
             trimmed it) or took it for a marker. It hands out and stores what the lookup answered, as it is."
        );
    }
}

/// What the test below stores in the cache itself: names and addresses of every kind, an empty
/// address, a long one and ones with spaces included, and names that differ from each other only
/// in case or a trailing dot.
const STORED: [(&str, &str); 10] = [
    ("db.local", "10.0.0.5"),
    ("blank.local", ""),
    ("API.LOCAL", "10.0.0.6"),
    ("Mixed.Local", "10.0.0.7"),
    ("dot.local.", "10.0.0.8"),
    ("long.local", LONG_ANSWER),
    ("odd.local", " 10.0.0.9\n"),
    ("space.local", " "),
    ("zero.local", "0"),
    ("", "10.0.0.10"),
];

/// Names the test below never stores, each close to a stored one: other capitals, a trailing dot
/// added or taken away, spaces around it.
const NEVER_STORED: [&str; 14] = [
    "DB.LOCAL",
    "Db.Local",
    "db.locaL",
    "db.local.",
    " db.local",
    "db.local ",
    "api.local",
    "Api.Local",
    "mixed.local",
    "MIXED.LOCAL",
    "dot.local",
    "DOT.LOCAL.",
    "BLANK.LOCAL",
    " ",
];

/// `cached` answers exactly what is stored under the name it is asked for (an empty, long or odd address as it is), and None for a name never stored, whatever is stored under names that differ from it only in case, a trailing dot or spaces.
#[test]
fn cached_answers_exactly_what_is_stored_under_that_name() {
    let cache = HostCache::new();
    {
        let mut known = lock_of(&cache).write().unwrap_or_else(PoisonError::into_inner);
        for (host, address) in STORED {
            known.insert(host.to_string(), address.to_string());
        }
    }
    let stored_names: ::std::vec::Vec<&str> = STORED.iter().map(|(host, _)| *host).collect();
    for (host, address) in STORED {
        let got: Option<String> = cache.cached(host);
        let how: &str = match &got {
            None if address.is_empty() => "it took the empty address for no address at all",
            None => "it looked under another name than it was asked for, or judged the address and hid it",
            Some(_) => "it changed the address it found (trimmed or cut it, say), or looked under another name",
        };
        let exact: bool = got.as_deref() == Some(address);
        ::std::assert!(
            exact,
            "the cache holds {address:?} under the name {host:?} (the test stored it itself), and `cached({host:?})` \
             answered {got:?}: {how}. `cached` answers what is stored, as it is: `get(host).cloned()` under the read \
             guard. An address that looks odd (empty, long, spaces around it) is still the one the lookup gave, and \
             judging addresses is the lookup's business, not the cache's."
        );
    }
    for host in NEVER_STORED {
        let got: Option<String> = cache.cached(host);
        let whose: Option<&str> =
            STORED.iter().find(|(_, address)| got.as_deref() == Some(*address)).map(|(stored, _)| *stored);
        let how: String = match whose {
            Some(stored) => ::std::format!("the address stored under {stored:?}"),
            None => "an address stored under no name at all".to_string(),
        };
        ::std::assert!(
            got.is_none(),
            "the cache holds {stored_names:?} (the test stored them itself); `cached({host:?})`, a name never stored, \
             answered {got:?}, {how}: `cached` looked under another name than it was asked for (lower-cased, with a \
             dot or spaces added or taken away). A host is a name as given: \"DB.LOCAL\" is another host than \
             \"db.local\", and which names mean the same machine is the lookup's business. `cached` of a name never \
             stored answers None: `get(host)`, with the name as it came."
        );
    }
}

/// Pairs of names for the test below: the first is resolved and cached, then the second, which
/// differs from it only in case, a trailing dot or spaces. Both orders of each pair are tried.
const CLOSE_NAMES: [(&str, &str); 8] = [
    ("db.local", "DB.LOCAL"),
    ("DB.LOCAL", "db.local"),
    ("db.local", "Db.Local"),
    ("Db.Local", "db.local"),
    ("db.local", "db.local."),
    ("db.local.", "db.local"),
    ("db.local", " db.local "),
    (" db.local ", "db.local"),
];

/// What the test below saw, for one pair of close names.
struct SecondName {
    /// What `cached` answered for the second name once the first was cached, before it was resolved.
    cached_before: Option<String>,
    /// What `resolve` answered for the second name.
    answered: String,
    /// The names the lookup was asked for while the second name was resolved.
    looked_up: ::std::vec::Vec<String>,
    /// What `cached` answered afterwards for the first name and for the second.
    cached_after: (Option<String>, Option<String>),
}

/// A name that differs from a cached one only in case, a trailing dot or spaces is a host of its own, whichever of the two is resolved first: it is looked up under its own name, and stored under it.
#[test]
fn a_name_close_to_a_cached_one_is_a_host_of_its_own() {
    for (first, second) in CLOSE_NAMES {
        let cache = Arc::new(HostCache::new());
        let seen: SecondName = within({
            let cache = Arc::clone(&cache);
            move || {
                let _ = cache.resolve(first, |_| "10.0.0.1".to_string());
                let cached_before: Option<String> = cache.cached(second);
                let asked: Arc<Mutex<::std::vec::Vec<String>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
                let answered: String = cache.resolve(second, {
                    let asked = Arc::clone(&asked);
                    move |name: &str| {
                        asked.lock().unwrap_or_else(PoisonError::into_inner).push(name.to_string());
                        "10.0.0.2".to_string()
                    }
                });
                let looked_up: ::std::vec::Vec<String> = asked.lock().unwrap_or_else(PoisonError::into_inner).clone();
                SecondName { cached_before, answered, looked_up, cached_after: (cache.cached(first), cache.cached(second)) }
            }
        });
        let cached_before: Option<String> = seen.cached_before;
        ::std::assert!(
            cached_before.is_none(),
            "once {first:?} was cached at 10.0.0.1, `cached({second:?})`, a name never resolved, answered \
             {cached_before:?}: `cached` looked under another name than it was asked for (lower-cased, with a dot or \
             spaces added or taken away). A host is a name as given, and `cached` of a name never stored answers None: \
             `get(host)`, with the name as it came."
        );
        let answered: String = seen.answered;
        let looked_up: ::std::vec::Vec<String> = seen.looked_up;
        let due_lookup: ::std::vec::Vec<String> = ::std::vec![second.to_string()];
        let looked_up_on_its_own: bool = answered == "10.0.0.2" && looked_up == due_lookup;
        ::std::assert!(
            looked_up_on_its_own,
            "once {first:?} was cached at 10.0.0.1, `resolve({second:?})`, a name never resolved, answered {answered:?} \
             and asked the lookup for {looked_up:?}, where the lookup's answer for {second:?} (10.0.0.2) was due, from \
             one lookup of {second:?}: `resolve` took {second:?} for {first:?} (a fallback to the lower-cased or trimmed \
             name, say), so the lookup is never asked about this name and the cache decides on its own which names are \
             one host. A name not in the cache, exactly as given, is a miss: look it up under that name and store it \
             under it; which names mean the same machine is the lookup's business."
        );
        let (first_after, second_after): (Option<String>, Option<String>) = seen.cached_after;
        let each_under_itself: bool =
            first_after.as_deref() == Some("10.0.0.1") && second_after.as_deref() == Some("10.0.0.2");
        ::std::assert!(
            each_under_itself,
            "{first:?} was resolved to 10.0.0.1, then {second:?} to 10.0.0.2; afterwards `cached({first:?})` answered \
             {first_after:?} and `cached({second:?})` {second_after:?}: `resolve` stored the second name under another \
             name than it was asked for, or over the first. Each name is stored under itself, as given: \
             `entry(host.to_string()).or_insert(address)`."
        );
    }
}

/// How many hosts the test below puts in the cache itself: more than a large cache limit (a million, say).
const HUGE_CACHE: usize = (1 << 20) + 100;

/// However many hosts the cache holds, a miss adds its host and drops none.
#[test]
fn a_huge_cache_drops_no_host() {
    let cache = Arc::new(HostCache::new());
    {
        let mut known = lock_of(&cache).write().unwrap_or_else(PoisonError::into_inner);
        known.reserve(HUGE_CACHE + 3);
        for i in 0..HUGE_CACHE {
            known.insert(::std::format!("h{i}"), ::std::string::String::new());
        }
    }
    // A `resolve` that works on the whole cache takes seconds here: another test reports that,
    // and this one does not wait for it.
    let (done, finished) = mpsc::channel::<()>();
    let asker = Arc::clone(&cache);
    thread::spawn(move || {
        for i in 0..3 {
            let _ = asker.resolve(&::std::format!("new{i}.local"), |_| "10.0.0.4".to_string());
        }
        let _ = done.send(());
    });
    if finished.recv_timeout(STUCK_AFTER).is_err() {
        return;
    }
    let held: usize = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner).len();
    let how: &str = if held > HUGE_CACHE + 3 {
        "`resolve` stored more than the hosts it was asked for (a second entry beside each one, say), so the cache fills \
         with entries nobody asks for"
    } else {
        "`resolve` dropped hosts to make room, or stopped storing new ones, once the cache was large. Everyone asking for a \
         host gets the same address, and a host not kept is looked up again, perhaps to another one"
    };
    ::std::assert!(
        held == HUGE_CACHE + 3,
        "the cache held {HUGE_CACHE} hosts; after 3 misses it held {held}, where {} were due: {how}. This cache keeps every \
         host it is asked for, and only those: `entry(key).or_insert(value)` and nothing else.",
        HUGE_CACHE + 3
    );
}

/// A lookup that panics makes `resolve` panic too, and leaves nothing behind: the host is looked up again next time.
#[test]
fn a_lookup_that_panics_is_not_hidden() {
    let cache = Arc::new(HostCache::new());
    lock_of(&cache);
    // The lookup's panic is expected here, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let failed = finished_within({
        let cache = Arc::clone(&cache);
        move || cache.resolve("flaky.local", |_host: &str| -> String { ::std::panic!("the name server did not answer") })
    });
    ::std::panic::set_hook(report_panics);
    let answered: Option<String> = match failed {
        Ok(address) => Some(address),
        Err(Unfinished::Panicked(_)) => None,
        Err(Unfinished::Stuck) => ::std::panic!("`resolve` did not return within 2 s when its lookup panicked"),
    };
    let stored: Option<String> = lock_of(&cache).read().unwrap_or_else(PoisonError::into_inner).get("flaky.local").cloned();
    ::std::assert!(
        answered.is_none() && stored.is_none(),
        "the lookup of flaky.local panicked, yet `resolve` answered {answered:?} and the cache then held {stored:?} for it: \
         the failure was caught and an address made up (and kept, so the host is never looked up again). A lookup that \
         fails is a failure to show: let its panic go through `resolve`, and store nothing (see “Poisoned locks”)"
    );
}
