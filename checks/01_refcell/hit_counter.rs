use super::*;

// A request handler that only ever gets a shared reference to the counter.
fn handle_request(counter: &HitCounter, page: &str) {
    counter.record(page);
}

#[test]
fn page_never_visited_has_zero_hits() {
    let counter = HitCounter::new();
    assert_eq!(
        counter.hits("/missing"),
        0,
        "a page that was never recorded should have 0 hits"
    );
    assert_eq!(counter.total(), 0, "a new counter should have a total of 0");
}

#[test]
fn recording_a_page_counts_each_visit() {
    let counter = HitCounter::new();
    let shared: &HitCounter = &counter;
    shared.record("/about");
    shared.record("/about");
    shared.record("/about");
    assert_eq!(
        counter.hits("/about"),
        3,
        "three visits to /about should give 3 hits"
    );
}

#[test]
fn pages_are_counted_separately() {
    let counter = HitCounter::new();
    counter.record("/");
    counter.record("/docs");
    counter.record("/");
    assert_eq!(counter.hits("/"), 2, "/ was visited twice");
    assert_eq!(counter.hits("/docs"), 1, "/docs was visited once");
    assert_eq!(counter.hits("/blog"), 0, "/blog was never visited");
}

#[test]
fn total_adds_up_all_pages() {
    let counter = HitCounter::new();
    for page in ["/", "/docs", "/", "/blog", "/docs", "/"] {
        counter.record(page);
    }
    assert_eq!(
        counter.total(),
        6,
        "six recorded visits across three pages should total 6"
    );
}

#[test]
fn handlers_sharing_the_counter_all_contribute() {
    let counter = HitCounter::new();
    let home: &HitCounter = &counter;
    let docs: &HitCounter = &counter;
    handle_request(home, "/");
    handle_request(docs, "/docs");
    handle_request(home, "/");
    assert_eq!(
        docs.hits("/"),
        2,
        "visits recorded through one reference should be visible through another"
    );
    assert_eq!(
        home.total(),
        3,
        "both handlers write into the same counter, so the total should be 3"
    );
}

#[test]
fn reading_does_not_change_the_counts() {
    let counter = HitCounter::new();
    counter.record("/");
    let _ = counter.hits("/");
    let _ = counter.hits("/never");
    let _ = counter.total();
    assert_eq!(
        counter.hits("/"),
        1,
        "looking up hits should not count as a visit"
    );
    assert_eq!(
        counter.hits("/never"),
        0,
        "looking up an unknown page should not create hits for it"
    );
    assert_eq!(
        counter.total(),
        1,
        "reading the counter should leave the total at 1"
    );
}

#[test]
fn reset_forgets_a_page_and_returns_its_old_count() {
    let counter = HitCounter::new();
    counter.record("/");
    counter.record("/");
    counter.record("/docs");
    assert_eq!(
        counter.reset("/"),
        2,
        "reset should return the 2 views / had before"
    );
    assert_eq!(counter.hits("/"), 0, "after reset, / should have 0 hits");
    assert_eq!(
        counter.total(),
        1,
        "after resetting /, only the /docs view should remain in the total"
    );
    assert_eq!(
        counter.reset("/never"),
        0,
        "resetting a page that was never visited should return 0"
    );
}

#[test]
fn reads_work_while_someone_else_is_also_reading() {
    // Many readers at once are fine for a RefCell, as long as nobody writes.
    // If this test panics with "already borrowed", one of the read-only
    // methods (`hits` or `total`) is asking for write access it does not need.
    let counter = HitCounter::new();
    counter.record("/");
    let other_reader = counter.hits.borrow();
    assert_eq!(counter.hits("/"), 1, "hits should only need read access");
    assert_eq!(counter.total(), 1, "total should only need read access");
    drop(other_reader);
}
