// wrong: set also stores a hidden "__version" setting nobody gave it, so the store answers a key that was never set and holds one setting more than it was given
// config_rwlock: a configuration store that every request handler reads and an admin
// changes now and then.
//
// Lesson sections: “Readers and writers”, and “Trying without waiting”.
// New here: `std::sync::RwLock` — many readers at once (`read()`) or one writer (`write()`).
// New here: `RwLock::try_read` / `RwLock::try_write` — return `Err` at once instead of waiting.
//
// A `Mutex` lets one thread in at a time, even when everybody only wants to read, so the
// handlers queue up behind each other for nothing. For read-mostly data there is `RwLock`:
// it hands out either many read guards at once or a single write guard.
//
// `read()` returns a guard, so a handler can read several keys as one consistent snapshot.
// Today, while one handler holds a snapshot, every other reader is shut out (`main` shows it).
// Switch the store to an `RwLock`: readers share it, a writer still gets it alone.
// The `try_` methods promise never to wait, so each works under the very guard its `try_`
// call returned: asking first, letting that guard go and then locking again leaves a gap in
// which another thread can take the lock, and the second lock then waits after all.
// (In TypeScript nobody ever waits to read an object; here the lock type decides who waits.)

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard};

type Settings = HashMap<String, String>;

struct ConfigStore {
    settings: RwLock<Settings>,
}

impl ConfigStore {
    fn new(initial: &[(&str, &str)]) -> Self {
        let pairs = initial.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let settings = RwLock::new(pairs.collect());
        ConfigStore { settings }
    }

    /// A consistent view of all settings, kept until the guard is dropped.
    fn read(&self) -> RwLockReadGuard<'_, Settings> {
        self.settings.read().unwrap()
    }

    /// Like `read`, but returns `None` instead of waiting.
    fn try_read(&self) -> Option<RwLockReadGuard<'_, Settings>> {
        self.settings.try_read().ok()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.read().get(key).cloned()
    }

    /// Changes one setting, waiting until nobody is reading.
    fn set(&self, key: &str, value: &str) {
        let mut settings = self.settings.write().unwrap();
        settings.insert(key.to_string(), value.to_string());
        // Bump a version number kept beside the settings, so readers can tell the store changed.
        let version = settings.get("__version").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        settings.insert("__version".to_string(), (version + 1).to_string());
    }

    /// Changes one setting only if nobody holds the store right now; returns whether it did.
    fn try_set(&self, key: &str, value: &str) -> bool {
        if let Ok(mut settings) = self.settings.try_write() {
            settings.insert(key.to_string(), value.to_string());
            true
        } else {
            false
        }
    }
}

fn main() {
    let store = ConfigStore::new(&[("host", "localhost"), ("port", "8080")]);
    let snapshot = store.read();
    println!("handler 1 sees {}:{}", snapshot["host"], snapshot["port"]);
    let second_reader = store.try_read().is_some();
    let writer = store.try_set("port", "9090");
    println!("meanwhile, handler 2 can read: {second_reader}, admin can write: {writer}");
    drop(snapshot);
    store.set("port", "9090");
    println!("then the admin set port to {:?}", store.get("port"));
}
