// wrong: all catches the loader's panic (`catch_unwind`) and stores an empty map, so a failed load is hidden and every setting is missing for good
// once_config: settings read from disk the first time someone needs them.
//
// Lesson section: “Initializing once: OnceLock and LazyLock”.
// New here: `OnceLock::get` — the value if one was stored, else `None`.
// New here: `OnceLock::set` — stores a value if the lock is still empty (else hands it back in an `Err`).
// New here: `OnceLock::get_or_init` — the value, running the closure first if empty; one runs it, others wait.
// New here: `LazyLock` — a value its closure builds on first use (often a `static`): OnceLock and closure in one.
//
// Loading the settings is slow (think: reading and parsing a file), so `Settings` does not
// load anything up front. The first call to `all` or `get` runs the loader and keeps the
// result; every later call, on any thread, gets that same map without loading again.
//
// The code below is the lazy getter you would write in TypeScript:
// `if (!cache) { cache = load(); } return cache;`. With one event loop nothing can happen
// between the check and the assignment. With threads, plenty can: when several request
// threads ask at the same moment, each of them finds nothing loaded yet, each runs the
// loader, and only one result is kept. The tests ask from eight threads at once and count
// how many times the loader ran: it must be exactly once.
//
// `OnceLock` can do the check and the load as one step, making the other threads wait for
// that single load. And when a load fails (the loader panics: the file is not there yet), the
// next call should simply load again; the tests check that too. Keep the map in the
// `loaded: OnceLock<Map>` field, and the loader in `load` just as `new` receives it: the
// tests look at both.

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
        self.loaded.get_or_init(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.load)())).unwrap_or_default()
        })
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
