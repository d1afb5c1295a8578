// wrong: a miss stores its address only if try_write() gets in at once: when the lock is busy (or poisoned) the address is handed out but never cached, so the host is looked up again later and callers can disagree

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

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
        let hit = self.known.read().unwrap_or_else(PoisonError::into_inner).get(host).cloned();
        if let Some(address) = hit {
            return address;
        }
        let address = lookup(host); // no lock held during the slow part
        match self.known.try_write() {
            Ok(mut known) => known.entry(host.to_string()).or_insert(address).clone(),
            Err(_) => address,
        }
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
