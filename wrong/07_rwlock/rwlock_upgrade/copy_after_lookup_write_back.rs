// wrong: after the lookup, copies the map under read(), uses entry() on the copy and writes the copy back under write(): a host stored in between is erased
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
        let hit = self.known.read().unwrap().get(host).cloned();
        if let Some(address) = hit {
            return address;
        }
        let address = lookup(host);
        // Look again, on a fresh copy of the cache, and store into that copy.
        let mut copy = self.known.read().unwrap().clone();
        let stored = copy.entry(host.to_string()).or_insert(address).clone();
        *self.known.write().unwrap() = copy;
        stored
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
