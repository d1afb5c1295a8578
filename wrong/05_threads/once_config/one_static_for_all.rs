// wrong: one `static` OnceLock for the whole program, so a second `Settings` gets the first one's map
use std::collections::HashMap;
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

type Map = HashMap<String, String>;

struct Settings {
    load: Box<dyn Fn() -> Map + Send + Sync>,
}

impl Settings {
    /// Settings that will come from `load`, called when they are first needed.
    fn new(load: impl Fn() -> Map + Send + Sync + 'static) -> Self {
        Settings { load: Box::new(load) }
    }

    /// Every setting. The first call loads them; every later call returns the same map.
    fn all(&self) -> &Map {
        // One place for the loaded settings, made once for the whole program.
        static LOADED: OnceLock<Map> = OnceLock::new();
        LOADED.get_or_init(|| (self.load)())
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
