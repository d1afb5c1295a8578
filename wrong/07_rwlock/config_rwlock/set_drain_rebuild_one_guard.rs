// wrong: set takes write() once but drains the whole map into a new one and assigns it back: every change moves every setting while all readers wait
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

    fn read(&self) -> RwLockReadGuard<'_, Settings> {
        self.settings.read().unwrap()
    }

    fn try_read(&self) -> Option<RwLockReadGuard<'_, Settings>> {
        self.settings.try_read().ok()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.read().get(key).cloned()
    }

    fn set(&self, key: &str, value: &str) {
        let mut settings = self.settings.write().unwrap();
        let rebuilt: Settings = settings.drain().filter(|(k, _)| k != key).chain(std::iter::once((key.to_string(), value.to_string()))).collect();
        *settings = rebuilt;
    }

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
