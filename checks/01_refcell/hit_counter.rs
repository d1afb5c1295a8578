use super::HitCounter;
use std::cell::RefCell;
use std::collections::HashMap;

// A request handler that only ever gets a shared reference to the counter.
fn handle_request(counter: &HitCounter, page: &str) {
    counter.record(page);
}

// Runs `read` with panic output turned off, so the test can say itself what went wrong: `None`
// if it panicked.
fn quietly<T>(read: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(read));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// The map stays inside a `RefCell`, reached through its guards.
#[test]
fn the_map_lives_in_a_refcell() {
    let counter = HitCounter::new();
    let cell: &RefCell<HashMap<String, u32>> = &counter.hits;
    counter.record("/");
    let stored: Option<u32> = cell.borrow().get("/").copied();
    let expected_stored: Option<u32> = Some(1);
    ::std::assert_eq!(stored, expected_stored, "record should write the visit into the map inside `hits`");
}

/// A page that was never visited has 0 hits, and a new counter totals 0.
#[test]
fn page_never_visited_has_zero_hits() {
    let counter = HitCounter::new();
    let hits: u32 = counter.hits("/missing");
    let total: u32 = counter.total();
    ::std::assert_eq!(hits, 0, "a page that was never recorded should have 0 hits");
    ::std::assert_eq!(total, 0, "a new counter should have a total of 0");
}

/// Each `record` through a shared reference counts one visit, page by page.
#[test]
fn pages_are_counted_separately() {
    let counter = HitCounter::new();
    let shared: &HitCounter = &counter;
    shared.record("/");
    shared.record("/docs");
    shared.record("/");
    let home: u32 = counter.hits("/");
    let docs: u32 = counter.hits("/docs");
    let blog: u32 = counter.hits("/blog");
    ::std::assert_eq!(home, 2, "/ was visited twice");
    ::std::assert_eq!(docs, 1, "/docs was visited once");
    ::std::assert_eq!(blog, 0, "/blog was never visited");
}

/// `total` adds up the visits of every page.
#[test]
fn total_adds_up_all_pages() {
    let counter = HitCounter::new();
    for page in ["/", "/docs", "/", "/blog", "/docs", "/"] {
        counter.record(page);
    }
    let total: u32 = counter.total();
    ::std::assert_eq!(total, 6, "six recorded visits across three pages should total 6");
}

/// Handlers holding the same `&HitCounter` all write into one map.
#[test]
fn handlers_sharing_the_counter_all_contribute() {
    let counter = HitCounter::new();
    let home: &HitCounter = &counter;
    let docs: &HitCounter = &counter;
    handle_request(home, "/");
    handle_request(docs, "/docs");
    handle_request(home, "/");
    let seen: u32 = docs.hits("/");
    let total: u32 = home.total();
    ::std::assert_eq!(seen, 2, "visits recorded through one reference should be visible through another");
    ::std::assert_eq!(total, 3, "both handlers write into the same counter, so the total should be 3");
}

/// Reading takes a read guard: it works while someone else holds one, and changes nothing.
#[test]
fn reading_needs_only_a_read_guard() {
    let counter = HitCounter::new();
    counter.record("/");
    crate::__learn::exact::<RefCell<HashMap<String, u32>>, _>(&counter.hits);
    let reader = counter.hits.borrow();
    let hits: Option<u32> = quietly(|| counter.hits("/"));
    let never: Option<u32> = quietly(|| counter.hits("/never"));
    let total: Option<u32> = quietly(|| counter.total());
    drop(reader);
    ::std::assert!(
        hits.is_some(),
        "`hits` panicked while another part of the program was reading the map: a method that only reads asked for write access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)"
    );
    ::std::assert!(
        total.is_some(),
        "`total` panicked while another part of the program was reading the map: a method that only reads asked for write access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)"
    );
    let expected_hits: Option<u32> = Some(1);
    let expected_never: Option<u32> = Some(0);
    let expected_total: Option<u32> = Some(1);
    ::std::assert_eq!(hits, expected_hits, "hits(\"/\") should read the 1 recorded view");
    ::std::assert_eq!(never, expected_never, "looking up an unknown page should give 0 and create no hits for it");
    ::std::assert_eq!(total, expected_total, "total should read the map and leave the total at 1");
}

/// `reset` removes a page and returns the views it had.
#[test]
fn reset_forgets_a_page_and_returns_its_old_count() {
    let counter = HitCounter::new();
    counter.record("/");
    counter.record("/");
    counter.record("/docs");
    let old: u32 = counter.reset("/");
    let now: u32 = counter.hits("/");
    let total: u32 = counter.total();
    let again: u32 = counter.reset("/");
    ::std::assert_eq!(old, 2, "reset should return the 2 views / had before");
    ::std::assert_eq!(now, 0, "after reset, / should have 0 hits");
    ::std::assert_eq!(total, 1, "only the /docs visit should be left in the total");
    ::std::assert_eq!(again, 0, "resetting a page that has no views returns 0");
}

/// `reset` takes the page out of the map itself, and resetting an unknown page adds nothing.
#[test]
fn reset_removes_the_entry_from_the_map() {
    let counter = HitCounter::new();
    let cell: &RefCell<HashMap<String, u32>> = &counter.hits;
    counter.record("/");
    counter.record("/docs");
    let old: u32 = counter.reset("/");
    let still_there: bool = cell.borrow().contains_key("/");
    ::std::assert_eq!(old, 1, "reset should return the 1 view / had");
    ::std::assert!(
        !still_there,
        "after reset(\"/\") the map still has an entry for \"/\": reset should forget the page, taking it out with the map's `remove` through a `borrow_mut()` guard, not leave it behind at 0 (see “Guards: Ref and RefMut”)"
    );
    let none: u32 = counter.reset("/never-seen");
    let pages: Vec<String> = cell.borrow().keys().cloned().collect();
    let expected_pages: Vec<String> = ::std::vec!["/docs".to_string()];
    ::std::assert_eq!(none, 0, "resetting a page that was never visited returns 0");
    ::std::assert_eq!(
        pages,
        expected_pages,
        "resetting a page that was never visited should not add it to the map: only /docs should be left"
    );
}
