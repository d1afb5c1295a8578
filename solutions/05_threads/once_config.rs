// once_config: settings read from disk the first time someone needs them.
//
// A check (`get()` finds nothing) followed by a separate store (`set`) leaves a gap in which
// other threads make the same check, so several of them load. `OnceLock::get_or_init` closes
// the gap: exactly one caller runs the closure, every other caller that arrives meanwhile
// waits for it, and from then on everybody gets a reference to the one stored value.
//
// The fix: `all` is a single `get_or_init` call. (A `LazyLock` field would load once too, but
// after a load that panicked it stays poisoned for good, where `get_or_init` tries again.)

use std::collections::HashMap;
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

type Map = HashMap<String, String>;

struct Settings {
    load: Box<dyn Fn() -> Map + Send + Sync>,
    loaded: OnceLock<Map>,
}

impl Settings {
    /// Settings that will come from `load`, called when they are first needed.
    fn new(load: impl Fn() -> Map + Send + Sync + 'static) -> Self {
        Settings { load: Box::new(load), loaded: OnceLock::new() }
    }

    /// Every setting. The first call loads them; every later call returns the same map.
    fn all(&self) -> &Map {
        // Check and load as one step: one thread loads, the others wait for its result.
        self.loaded.get_or_init(|| (self.load)())
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
