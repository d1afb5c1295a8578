// wrong: a `Mutex<Option<..>>` released while loading: threads that check in the meantime load too
use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

type Map = HashMap<String, String>;

struct Settings {
    load: Box<dyn Fn() -> Map + Send + Sync>,
    loaded: Mutex<Option<&'static Map>>,
}

impl Settings {
    /// Settings that will come from `load`, called when they are first needed.
    fn new(load: impl Fn() -> Map + Send + Sync + 'static) -> Self {
        Settings { load: Box::new(load), loaded: Mutex::new(None) }
    }

    /// Every setting. The first call loads them; every later call returns the same map.
    fn all(&self) -> &Map {
        if let Some(map) = *self.loaded.lock().unwrap() {
            return map;
        }
        // Load without holding the lock, so other threads are not blocked meanwhile.
        let map: &'static Map = Box::leak(Box::new((self.load)()));
        *self.loaded.lock().unwrap().get_or_insert(map)
    }

    /// One setting, if it exists.
    fn get(&self, key: &str) -> Option<&str> {
        self.all().get(key).map(String::as_str)
    }
}

fn main() {
    let settings = Settings::new(|| {
        println!("  (loading the settings...)");
        thread::sleep(Duration::from_millis(100));
        HashMap::from([("host".to_string(), "db.local".to_string()), ("port".to_string(), "5432".to_string())])
    });
    // Four request threads ask at about the same moment; count the "loading" lines.
    thread::scope(|scope| {
        for request in 1..=4 {
            let settings = &settings;
            scope.spawn(move || println!("request {request} connects to {:?}", settings.get("host")));
        }
    });
    println!("port: {:?}", settings.get("port"));
}
