// wrong: under the write lock, insert puts its own address over one stored meanwhile and returns the old one, so the cache and the callers disagree
// rwlock_upgrade: a cache of host addresses, read by every request and filled on a miss.
//
// An `RwLock` cannot turn a read guard into a write guard: `write()` waits until every reader
// has left, including a read guard held by the thread that calls it, which then waits for
// itself forever. So the read guard must end before `write()` is called. That leaves a moment
// with no lock held, in which another thread may store the same host, so the write side looks
// again before inserting.
//
// The fix: the hit check copies the address out in one statement, so its read guard ends at the
// semicolon. On a miss the slow lookup runs with no lock held (readers are never kept waiting
// by it), and the write lock then uses `entry(...).or_insert(...)`: if another thread stored
// the host meanwhile, its address wins and ours is dropped, so everyone agrees.

use std::collections::HashMap;
use std::sync::RwLock;

struct HostCache {
    known: RwLock<HashMap<String, String>>,
}

impl HostCache {
    fn new() -> Self {
        HostCache { known: RwLock::new(HashMap::new()) }
    }

    /// The address of `host`: the cached one, or else `lookup(host)`, stored for next time.
    /// Everyone asking for the same host gets the same address.
    fn resolve(&self, host: &str, lookup: impl FnOnce(&str) -> String) -> String {
        // The read guard is a temporary: it ends at the semicolon.
        let hit = self.known.read().unwrap().get(host).cloned();
        if let Some(address) = hit {
            return address;
        }
        let address = lookup(host); // no lock held during the slow part
        let mut known = self.known.write().unwrap();
        // Look again: another thread may have stored `host` since our read.
        known.insert(host.to_string(), address.clone()).unwrap_or(address)
    }

    /// The cached address of `host`, without looking anything up.
    fn cached(&self, host: &str) -> Option<String> {
        self.known.read().unwrap().get(host).cloned()
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
