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
    let docs: u32 = counter.hits("/docs");
    let total: u32 = counter.total();
    let again: u32 = counter.reset("/");
    ::std::assert_eq!(old, 2, "reset should return the 2 views / had before");
    ::std::assert_eq!(now, 0, "after reset, / should have 0 hits");
    ::std::assert!(
        docs == 1,
        "reset(\"/\") also changed /docs, which now has {docs} views instead of 1: reset should forget only the page \
         it is given, with the map's `remove(page)`, and leave every other page as it was"
    );
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
    let docs_kept: bool = cell.borrow().contains_key("/docs");
    ::std::assert_eq!(old, 1, "reset should return the 1 view / had");
    ::std::assert!(
        docs_kept,
        "after reset(\"/\") the map no longer has /docs: reset removed other pages than the one it was given; it \
         should take out only that page, with the map's `remove(page)` through a `borrow_mut()` guard"
    );
    ::std::assert!(
        !still_there,
        "after reset(\"/\") the map still has an entry for \"/\": reset should forget the page, taking it out with the map's `remove` through a `borrow_mut()` guard, not leave it behind at 0 (see “Guards: Ref and RefMut”)"
    );
    let none: u32 = counter.reset("/never-seen");
    let pages: Vec<String> = cell.borrow().keys().cloned().collect();
    let expected_pages: Vec<String> = ::std::vec!["/docs".to_string()];
    ::std::assert_eq!(none, 0, "resetting a page that was never visited returns 0");
    // Say what was seen: a page added, or other pages removed.
    let docs_left: bool = pages.iter().any(|p| p == "/docs");
    ::std::assert!(
        docs_left,
        "resetting \"/never-seen\", a page that was never visited, removed other pages: /docs is gone from the map \
         (it now holds {pages:?}). reset should take out only the page it is given, and a page that is not there \
         leaves the map as it was"
    );
    ::std::assert_eq!(
        pages,
        expected_pages,
        "resetting a page that was never visited should not add it to the map: only /docs should be left"
    );
}

/// `HitCounter` holds its `hits` cell and nothing beside it: the views live in one map.
#[test]
fn the_counter_holds_nothing_but_its_map() {
    let counter = HitCounter::new();
    crate::__learn::exact::<RefCell<HashMap<String, u32>>, _>(&counter.hits);
    let size: usize = ::std::mem::size_of_val(&counter);
    let field: usize = ::std::mem::size_of::<RefCell<HashMap<String, u32>>>();
    ::std::assert!(
        size == field,
        "`HitCounter` takes {size} bytes, where its `hits` field alone takes {field}: it keeps something beside the \
         map's `RefCell` (a running total, a second map, a copy), and two records of the same views can part ways \
         (see “Guards: Ref and RefMut”)\n\
         Keep the one `hits: RefCell<HashMap<String, u32>>`: change it through `borrow_mut()`, read it through `borrow()`."
    );
}

/// `hits` and `total` read the map in the `hits` field itself: views the test stores there are what they answer.
#[test]
fn reading_answers_what_the_map_holds() {
    let counter = HitCounter::new();
    counter.record("/");
    counter.hits.borrow_mut().insert("/blog".to_string(), 40);
    let blog: u32 = counter.hits("/blog");
    let total: u32 = counter.total();
    ::std::assert_eq!(
        blog, 40,
        "the test put 40 views of /blog in the `hits` map itself, and hits(\"/blog\") answered {blog}: read the map \
         in `hits` through `borrow()`, not a count kept elsewhere"
    );
    ::std::assert_eq!(
        total, 41,
        "the map in `hits` holds 40 views of /blog and 1 of /, and total() answered {total}: add up the map's values"
    );
}

/// While the map is being read elsewhere, `record` and `reset` either panic (as `borrow_mut()` does) or do the whole job: never a quiet drop or a made-up 0.
#[test]
fn writing_while_the_map_is_read_never_drops_quietly() {
    let counter = HitCounter::new();
    counter.record("/");
    counter.record("/docs");
    counter.record("/docs");
    let reader = counter.hits.borrow();
    let recorded: Option<()> = quietly(|| counter.record("/"));
    drop(reader);
    let home: u32 = counter.hits.borrow().get("/").copied().unwrap_or(0);
    ::std::assert!(
        recorded.is_none() || home == 2,
        "the test held a read guard of `hits` and called record(\"/\"): it returned without a panic, and the map \
         holds {home} view(s) of / instead of 2, so the view was dropped without a word. A borrow that overlaps \
         is a bug, and `borrow_mut()` panics to show it; a `try_borrow_mut()` whose `Err` is ignored hides it and loses \
         the view (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Write through `self.hits.borrow_mut()`."
    );
    let reader = counter.hits.borrow();
    let reset: Option<u32> = quietly(|| counter.reset("/docs"));
    drop(reader);
    let docs: Option<u32> = counter.hits.borrow().get("/docs").copied();
    let done: bool = reset == Some(2) && docs.is_none();
    let answered: u32 = reset.unwrap_or(0);
    let left: &str = if docs.is_some() { "still holds /docs" } else { "no longer holds /docs" };
    ::std::assert!(
        reset.is_none() || done,
        "the test held a read guard of `hits` and called reset(\"/docs\") (2 views): it returned {answered} without a \
         panic, and the map {left}, so the reset was dropped, or its answer made up, without a word. A borrow that overlaps is a bug, and `borrow_mut()` panics to show it; a `try_borrow_mut()` \
         that answers 0 on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Remove through `self.hits.borrow_mut()`."
    );
}

/// While the map is being written elsewhere, `hits` and `total` either panic (as `borrow()` does) or answer the true views: never a made-up 0.
#[test]
fn reading_while_the_map_is_written_never_makes_up_a_zero() {
    let counter = HitCounter::new();
    for page in ["/", "/", "/docs"] {
        counter.record(page);
    }
    let writer = counter.hits.borrow_mut();
    let hits: Option<u32> = quietly(|| counter.hits("/"));
    let total: Option<u32> = quietly(|| counter.total());
    drop(writer);
    let expected_hits: Option<u32> = Some(2);
    let expected_total: Option<u32> = Some(3);
    // What the calls answered, for the messages (only read when they did not panic).
    let hits_answer: u32 = hits.unwrap_or(0);
    let total_answer: u32 = total.unwrap_or(0);
    ::std::assert!(
        hits.is_none() || hits == expected_hits,
        "the test held a write guard of `hits` (/ has 2 views) and called hits(\"/\"): it answered {hits_answer} without a \
         panic, a number made up while the map was busy. A read that overlaps a writer is a bug, and `borrow()` panics \
         to show it; a `try_borrow()` that answers 0 on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.hits.borrow()`."
    );
    ::std::assert!(
        total.is_none() || total == expected_total,
        "the test held a write guard of `hits` (3 views in all) and called total(): it answered {total_answer} without a \
         panic, a number made up while the map was busy. A read that overlaps a writer is a bug, and `borrow()` panics \
         to show it; a `try_borrow()` that answers 0 on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.hits.borrow()`."
    );
}
