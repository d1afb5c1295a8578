// wrong: trims the page key, so " /" and "/" are counted, read and reset as the same page
use std::cell::RefCell;
use std::collections::HashMap;

struct HitCounter {
    hits: RefCell<HashMap<String, u32>>,
}

fn key(page: &str) -> String {
    page.trim().to_string()
}

impl HitCounter {
    fn new() -> Self {
        HitCounter {
            hits: RefCell::new(HashMap::new()),
        }
    }

    /// Counts one more view of `page`.
    fn record(&self, page: &str) {
        *self.hits.borrow_mut().entry(key(page)).or_insert(0) += 1;
    }

    /// How many times `page` was viewed (0 if never).
    fn hits(&self, page: &str) -> u32 {
        self.hits.borrow().get(&key(page)).copied().unwrap_or(0)
    }

    /// Views across all pages.
    fn total(&self) -> u32 {
        self.hits.borrow().values().sum()
    }

    /// Forgets `page` and returns how many views it had.
    fn reset(&self, page: &str) -> u32 {
        self.hits.borrow_mut().remove(&key(page)).unwrap_or(0)
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
