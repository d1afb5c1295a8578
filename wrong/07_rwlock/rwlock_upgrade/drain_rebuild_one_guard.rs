// wrong: on a miss, under one write() guard, it drains the whole cache into a new map, inserts there and assigns it back: every miss moves every host while all readers wait
use std::collections::HashMap;
use std::sync::RwLock;

struct HostCache {
    known: RwLock<HashMap<String, String>>,
}

impl HostCache {
    fn new() -> Self {
        HostCache { known: RwLock::new(HashMap::new()) }
    }

    fn resolve(&self, host: &str, lookup: impl FnOnce(&str) -> String) -> String {
        let hit = self.known.read().unwrap().get(host).cloned();
        if let Some(address) = hit {
            return address;
        }
        let address = lookup(host);
        let mut known = self.known.write().unwrap();
        let mut rebuilt: HashMap<String, String> = known.drain().collect();
        let stored = rebuilt.entry(host.to_string()).or_insert(address).clone();
        *known = rebuilt;
        stored
    }

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
