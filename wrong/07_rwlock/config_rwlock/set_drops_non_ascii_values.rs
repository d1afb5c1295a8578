// wrong: set silently ignores a value holding characters beyond ASCII, so the change is dropped and get keeps answering the old value

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
    /// Other readers may hold their own view at the same time; writers wait.
    fn read(&self) -> RwLockReadGuard<'_, Settings> {
        self.settings.read().unwrap()
    }

    /// Like `read`, but returns `None` instead of waiting (only an active writer makes it fail).
    fn try_read(&self) -> Option<RwLockReadGuard<'_, Settings>> {
        self.settings.try_read().ok()
    }

    fn get(&self, key: &str) -> Option<String> {
        // The read guard is a temporary: it is released as soon as the value is cloned.
        self.read().get(key).cloned()
    }

    /// Changes one setting, waiting until nobody is reading.
    fn set(&self, key: &str, value: &str) {
        if !value.is_ascii() {
            return;
        }
        let mut settings = self.settings.write().unwrap();
        settings.insert(key.to_string(), value.to_string());
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
