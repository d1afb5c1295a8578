// wrong: cached() of a host it does not find takes the exclusive write() lock to make sure, so asking for a host never cached, and every miss of resolve (which asks cached first), waits for every reader and shuts them all out

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
        if let Some(address) = self.cached(host) {
            return address;
        }
        let address = lookup(host); // no lock held during the slow part
        let mut known = self.known.write().unwrap();
        // Look again: another thread may have stored `host` since our read.
        known.entry(host.to_string()).or_insert(address).clone()
    }

    /// The cached address of `host`, without looking anything up.
    fn cached(&self, host: &str) -> Option<String> {
        if let Some(address) = self.known.read().unwrap().get(host).cloned() {
            return Some(address);
        }
        // make sure it is really missing, not being stored right now
        self.known.write().unwrap().get(host).cloned()
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
