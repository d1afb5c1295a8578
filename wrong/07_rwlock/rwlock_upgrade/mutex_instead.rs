// wrong: swaps the RwLock for a Mutex, so every reader waits for every other reader
use std::collections::HashMap;
use std::sync::Mutex;

struct HostCache {
    known: Mutex<HashMap<String, String>>,
}

impl HostCache {
    fn new() -> Self {
        HostCache { known: Mutex::new(HashMap::new()) }
    }

    /// The address of `host`: the cached one, or else `lookup(host)`, stored for next time.
    /// Everyone asking for the same host gets the same address.
    fn resolve(&self, host: &str, lookup: impl FnOnce(&str) -> String) -> String {
        // One lock for everything: no read guard to upgrade, no gap to check again.
        let mut known = self.known.lock().unwrap();
        known.entry(host.to_string()).or_insert_with(|| lookup(host)).clone()
    }

    /// The cached address of `host`, without looking anything up.
    fn cached(&self, host: &str) -> Option<String> {
        self.known.lock().unwrap().get(host).cloned()
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
