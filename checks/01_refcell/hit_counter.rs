use super::HitCounter;
use std::cell::RefCell;
use std::collections::HashMap;

// A request handler that only ever gets a shared reference to the counter.
fn handle_request(counter: &HitCounter, page: &str) {
    counter.record(page);
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
    let reader = counter.hits.borrow();
    let hits: u32 = counter.hits("/");
    let never: u32 = counter.hits("/never");
    let total: u32 = counter.total();
    drop(reader);
    ::std::assert_eq!(hits, 1, "hits should read the count with `borrow()`, which works beside another reader");
    ::std::assert_eq!(never, 0, "looking up an unknown page should not create hits for it");
    ::std::assert_eq!(total, 1, "total should read with `borrow()` and leave the total at 1");
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
