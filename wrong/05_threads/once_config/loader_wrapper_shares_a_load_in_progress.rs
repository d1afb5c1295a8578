// wrong: new() wraps the loader so that a call made while another one is loading waits for it and takes a copy of its map, so all() keeps its two-step get()-then-set() and the race is only hidden inside the loader
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
// `loaded: OnceLock<Map>` field: the tests look at it.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

type Map = HashMap<String, String>;
use std::sync::Mutex;

struct Settings {
    load: Box<dyn Fn() -> Map + Send + Sync>,
    loaded: OnceLock<Map>,
}

impl Settings {
    fn new(load: impl Fn() -> Map + Send + Sync + 'static) -> Self {
        // only a call made while another is loading waits for it and takes a copy
        let cache: Mutex<(bool, Option<Map>)> = Mutex::new((false, None));
        let cv = std::sync::Condvar::new();
        let load = move || {
            let mut st = cache.lock().unwrap_or_else(|e| e.into_inner());
            if st.0 {
                while st.0 { st = cv.wait(st).unwrap_or_else(|e| e.into_inner()); }
                if let Some(m) = st.1.clone() { return m; }
            }
            st.0 = true;
            drop(st);
            // whatever happens (the loader may panic), the next caller is let in
            struct Done<'a>(&'a Mutex<(bool, Option<Map>)>, &'a std::sync::Condvar);
            impl Drop for Done<'_> {
                fn drop(&mut self) {
                    self.0.lock().unwrap_or_else(|e| e.into_inner()).0 = false;
                    self.1.notify_all();
                }
            }
            let done = Done(&cache, &cv);
            let m = load();
            cache.lock().unwrap().1 = Some(m.clone());
            drop(done);
            m
        };
        Settings { load: Box::new(load), loaded: OnceLock::new() }
    }
    fn all(&self) -> &Map {
        if self.loaded.get().is_none() {
            let _ = self.loaded.set((self.load)());
        }
        self.loaded.get().unwrap()
    }
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
