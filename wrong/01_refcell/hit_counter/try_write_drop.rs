// wrong: record uses try_borrow_mut and silently drops the page view when the map is busy, instead of borrow_mut (which would expose the overlap)
// hit_counter: reading and writing what is inside a RefCell.
//
// Lesson section: “Guards: Ref and RefMut”.
// New here: `Ref` and `RefMut` — the guards `borrow()` and `borrow_mut()` return; the data's own methods
//           (`get`, `entry`, `remove`...) are reached through them, not through the cell.
//
// A tiny web server counts page views. Every request handler gets a shared
// `&HitCounter` (several handlers hold it at once), so all methods take `&self`
// and the map lives inside a `RefCell`, the cell met in log_counter.
//
// The method bodies below were written as if `self.hits` were the map itself,
// the way you would write it in TypeScript with a `Map<string, number>`. It
// does not compile: a `RefCell` is a box around the map, not the map. You have
// to ask the cell for access first, and it has two ways to do that: one for
// reading and one for changing the contents. Pick the right one in each method.

use std::cell::RefCell;
use std::collections::HashMap;

struct HitCounter {
    hits: RefCell<HashMap<String, u32>>,
}

impl HitCounter {
    fn new() -> Self {
        HitCounter {
            hits: RefCell::new(HashMap::new()),
        }
    }

    /// Counts one more view of `page`.
    fn record(&self, page: &str) {
        if let Ok(mut m) = self.hits.try_borrow_mut() { *m.entry(page.to_string()).or_insert(0) += 1; }
    }

    /// How many times `page` was viewed (0 if never).
    fn hits(&self, page: &str) -> u32 {
        self.hits.borrow().get(page).copied().unwrap_or(0)
    }

    /// Views across all pages.
    fn total(&self) -> u32 {
        self.hits.borrow().values().sum()
    }

    /// Forgets `page` and returns how many views it had.
    fn reset(&self, page: &str) -> u32 {
        self.hits.borrow_mut().remove(page).unwrap_or(0)
    }
}

fn main() {
    let counter = HitCounter::new();
    let home_handler = &counter;
    let docs_handler = &counter;

    home_handler.record("/");
    docs_handler.record("/docs");
    home_handler.record("/");

    println!("/ was viewed {} times", counter.hits("/"));
    println!("/docs was viewed {} times", counter.hits("/docs"));
    println!("total views: {}", counter.total());

    let old = counter.reset("/");
    println!("reset / (had {old} views), total now {}", counter.total());
}
