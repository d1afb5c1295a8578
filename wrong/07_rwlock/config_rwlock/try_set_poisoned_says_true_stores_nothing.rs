// wrong: on a poisoned store try_set answers true without storing the value
// config_rwlock: a configuration store that every request handler reads and an admin
// changes now and then.

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
    }

    /// Changes one setting only if nobody holds the store right now; returns whether it did.
    fn try_set(&self, key: &str, value: &str) -> bool {
        match self.settings.try_write() {
            Ok(mut settings) => { settings.insert(key.to_string(), value.to_string()); true }
            Err(std::sync::TryLockError::Poisoned(_)) => true,
            Err(std::sync::TryLockError::WouldBlock) => false,
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
