use super::HostCache;
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

/// How long a call may take before the test calls it stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// Runs `work` on a thread of its own and returns its result, failing the test if it does not
/// return within `STUCK_AFTER`.
fn within<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel::<T>();
    // Not joined: a thread that waits for itself stays stuck, and the test reports it.
    thread::spawn(move || {
        let _ = done.send(work());
    });
    match result.recv_timeout(STUCK_AFTER) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => ::std::panic!(
            "`resolve` did not return within 2 s: it called `write()` while its own read guard was still \
             alive, and a write lock waits for every reader to leave, this thread included, so the thread \
             waits for itself. End the read guard before asking for the write lock \
             (see “A read guard blocks your own write”)"
        ),
        Err(RecvTimeoutError::Disconnected) => ::std::panic!("`resolve` panicked: see the message above"),
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
    let address: String = within({
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
    ::std::assert_eq!(lookups, 1, "the second call finds the host cached and should not look it up");
}

/// The cache stays an `RwLock`, so that the many readers share it.
#[test]
fn the_cache_stays_an_rwlock() {
    let cache = HostCache::new();
    let field: &dyn Any = &cache.known;
    let is_rwlock: bool = field.is::<RwLock<HashMap<String, String>>>();
    ::std::assert!(
        is_rwlock,
        "the `known` field should stay an `RwLock<HashMap<String, String>>`: nearly every call only reads, \
         and readers should not wait for each other (see “Readers and writers”)"
    );
}

/// A cached host is answered even while another thread holds a read guard on the cache.
#[test]
fn a_hit_needs_only_a_read_lock() {
    let cache = Arc::new(HostCache::new());
    let first: String = within({
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
        "while another thread reads the cache, `resolve` for a cached host waited: a hit only needs \
         `read()`, which readers share; take `write()` only on a miss"
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
        "two threads resolving the same new host at once got {answers:?}, and the cache holds {stored:?}: \
         all three should be the same address. After taking the write lock, look again: the other thread \
         may have stored the host between your read and your write (see “A read guard blocks your own write”)"
    );
}
