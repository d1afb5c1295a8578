// wrong: cached() (and so resolve's hit path) gives up after 1 s of a writer holding the lock: cached answers None for a cached host, resolve looks a cached host up again
// rwlock_upgrade: a cache of host addresses, read by every request and filled on a miss.
//
// Lesson section: “A read guard blocks your own write”.
// New here: `entry(key).or_insert(value)` — on a `HashMap`: what is under `key`, or else `value`, stored now.
//
// Looking up a host's address is slow, so `HostCache` keeps every answer. Nearly every call
// finds its host already there, so the cache sits in an `RwLock`: all those readers share it,
// and only a miss needs the write lock, to store the new address. A reader that finds a writer
// in waits a moment for it: a busy lock is not a miss.
//
// `resolve` below reads, and on a miss calls `write()`... while its own read guard `known` is
// still alive. A write lock waits until every reader has left, and one of those readers is this
// very thread, which will never leave: it waits for itself. No error, no panic, the call just
// never returns (the tests give it two seconds). In TypeScript you would simply go on from
// reading the map to writing it; in Rust the lock you are reading under has to end first.
//
// Once the read guard ends before `write()`, there is a moment with no lock held at all, and
// another thread missing the same host can store its own answer in it. So after taking the
// write lock, look again before inserting: every caller must get the same address for a host.
// Keep the slow lookup itself out of every lock: under the write lock it would keep all the
// readers waiting.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, TryLockError};

struct HostCache {
    known: RwLock<HashMap<String, String>>,
}

impl HostCache {
    fn new() -> Self {
        HostCache { known: RwLock::new(HashMap::new()) }
    }

    fn resolve(&self, host: &str, lookup: impl FnOnce(&str) -> String) -> String {
        if let Some(address) = self.cached(host) {
            return address;
        }
        let address = lookup(host);
        let mut known = self.known.write().unwrap_or_else(PoisonError::into_inner);
        known.entry(host.to_string()).or_insert(address).clone()
    }

    fn cached(&self, host: &str) -> Option<String> {
        let start = std::time::Instant::now();
        loop {
            match self.known.try_read() {
                Ok(k) => return k.get(host).cloned(),
                Err(TryLockError::Poisoned(p)) => return p.into_inner().get(host).cloned(),
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() > std::time::Duration::from_millis(1000) { return None; }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
        }
    }
}

fn main() {
    let cache = HostCache::new();
    println!("looking up example.org...");
    let address = cache.resolve("example.org", |host| format!("10.0.0.{}", host.len()));
    println!("example.org is {address}");
    println!("asking again: {}", cache.resolve("example.org", |_| unreachable!("already cached")));
    println!("cached: {:?}", cache.cached("example.org"));
}
