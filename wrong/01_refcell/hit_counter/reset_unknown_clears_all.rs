// wrong: reset of a page that is not in the map clears the whole map, so resetting an unknown page forgets every other page
// hit_counter: reading and writing what is inside a RefCell.
//
// A tiny web server counts page views. Every request handler gets a shared
// `&HitCounter` (several handlers hold it at once), so all methods take `&self`
// and the map lives inside a `RefCell`, the cell met in log_counter.
//
// A `RefCell` is a box around the map, not the map: `borrow_mut()` gives a
// guard you can change the map through, `borrow()` gives a read-only guard.
// Each guard is dropped at the end of its statement, so the borrows never
// overlap.

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
        // Writing needs the exclusive guard from `borrow_mut()`.
        *self.hits.borrow_mut().entry(page.to_string()).or_insert(0) += 1;
    }

    /// How many times `page` was viewed (0 if never).
    fn hits(&self, page: &str) -> u32 {
        // Reading only needs `borrow()`; `copied()` takes the `u32` out so
        // nothing borrowed from the guard outlives it.
        self.hits.borrow().get(page).copied().unwrap_or(0)
    }

    /// Views across all pages.
    fn total(&self) -> u32 {
        self.hits.borrow().values().sum()
    }

    /// Forgets `page` and returns how many views it had.
    fn reset(&self, page: &str) -> u32 {
        // Removing an entry changes the map, so this is a `borrow_mut()`.
        let mut hits = self.hits.borrow_mut();
        match hits.remove(page) {
            Some(old) => old,
            None => {
                // Nothing to forget for this page: start afresh.
                hits.clear();
                0
            }
        }
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
