// wrong: ends the read guard, then stores its own address without looking again, overwriting another thread's
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
        self.known.write().unwrap().insert(host.to_string(), address.clone());
        address
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
