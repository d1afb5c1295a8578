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

// Pages a learner's code might treat as special: empty, spaces only, spaces at the ends, a slash
// or dot at the end, letter case, several lines, unicode in two spellings, an emoji, a long one,
// numbers, and repeats of the page just before.
fn edge_strings() -> Vec<String> {
    let mut all: Vec<String> = [
        "/docs", "/docs", "/Docs", "/DOCS", "/docs/", "/docs.", " /docs", "/docs ", "\t/docs", "a\nb", "a\r\nb",
        "\r\n", "\n", "\n\n\n", "line\n", "", "", " ", "  ", "\t", "/", ".", "caf\u{e9}", "cafe\u{301}", "CAF\u{c9}",
        "\u{1f600}", "\u{1f468}\u{200d}\u{1f469}", "0", "1", "01", "-1", "1.0", "42",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push("x".repeat(100_000));
    all.push("x".repeat(100_000));
    all.push("long line\n".repeat(10_000));
    all
}
// A string as a message shows it: quoted, and cut short in the middle when it is long.
fn shown(text: &str) -> String {
    let chars: usize = text.chars().count();
    if chars <= 40 {
        return ::std::format!("{text:?}");
    }
    // Its start and its end, so a space or line break at either end still shows.
    let head: String = text.chars().take(16).collect();
    let tail: String = text.chars().skip(chars - 8).collect();
    ::std::format!("{head:?}…{tail:?} ({chars} characters)")
}

// How two different pages look alike, if they differ only in a way a learner's code might smooth
// away.
fn difference(a: &str, b: &str) -> Option<&'static str> {
    if a.to_lowercase() == b.to_lowercase() || a.to_uppercase() == b.to_uppercase() {
        return Some("the two differ only in letter case, and case counts (no `to_lowercase`)");
    }
    if a.trim() == b.trim() {
        return Some("the two differ only in spaces at their ends, and they count (no `trim`)");
    }
    let slashes = |p: &str| -> String {
        let cut: &str = p.trim_end_matches('/');
        if cut.is_empty() && !p.is_empty() { ::std::string::String::from("/") } else { cut.to_string() }
    };
    if slashes(a) == slashes(b) {
        return Some("the two differ only in a '/' at the end, and it counts (\"/docs/\" and \"/docs\" are two paths)");
    }
    if a.trim_end_matches('.') == b.trim_end_matches('.') {
        return Some("the two differ only in a '.' at the end, and it counts");
    }
    None
}

/// Every page is its own key, kept exactly as given and counted once per `record`: case, spaces, a '/' at the end, empty, several lines, unicode, long, a repeat.
#[test]
fn every_page_is_counted_under_exactly_its_own_name() {
    let counter = HitCounter::new();
    let shared: &HitCounter = &counter;
    let pages: Vec<String> = edge_strings();
    let mut due: HashMap<String, u32> = HashMap::new();
    let mut distinct: Vec<String> = Vec::new();
    for page in &pages {
        shared.record(page);
        let seen: &mut u32 = due.entry(page.clone()).or_insert(0);
        if *seen == 0 {
            distinct.push(page.clone());
        }
        *seen += 1;
    }

    // What `record` stored: each page under its own key, with one view per call.
    let stored: HashMap<String, u32> = counter.hits.borrow().clone();
    for page in &distinct {
        let due_views: u32 = due.get(page).copied().unwrap_or(0);
        let kept: Option<u32> = stored.get(page).copied();
        if kept == Some(due_views) {
            continue;
        }
        let kept_views: u32 = kept.unwrap_or(0);
        // A page whose views went elsewhere, or that took in the views of another page.
        let went_to: Option<(String, &str)> = stored
            .iter()
            .filter(|(key, views)| *key != page && due.get(*key).copied() != Some(**views))
            .find_map(|(key, _)| difference(page, key).map(|how| (key.clone(), how)));
        let took_from: Option<(String, &str)> = distinct
            .iter()
            .filter(|other| *other != page && stored.get(*other).copied() != due.get(*other).copied())
            .find_map(|other| difference(other, page).map(|how| (other.clone(), how)));
        let why: String = match (kept, went_to, took_from) {
            (None, Some((key, how)), _) => ::std::format!("its views were counted under {}: {how}", shown(&key)),
            (Some(_), _, Some((other, how))) if kept_views > due_views => {
                ::std::format!("views of {} were counted under it: {how}", shown(&other))
            }
            (None, None, _) => ::std::string::String::from(
                "its views were not recorded at all, dropped without a word (an empty or blank page is a page too)",
            ),
            _ if kept_views > due_views => ::std::string::String::from("it was counted more than once per call"),
            _ => ::std::string::String::from("some of its views went uncounted"),
        };
        ::std::panic!(
            "record({}) was called {due_views} time(s), and the map in `hits` holds {kept_views} view(s) under exactly \
             that page: {why}. A page is its own key, kept exactly as given, and each `record` counts one view of it \
             (see “Guards: Ref and RefMut”)\n\
             Use the page itself as the key: `entry(page.to_string())`, without changing it first.",
            shown(page)
        );
    }
    let foreign: Option<String> = stored.keys().find(|key| !due.contains_key(*key)).cloned();
    if let Some(key) = foreign {
        ::std::panic!(
            "the map in `hits` holds the key {}, which no `record` was given: record changed a page before storing \
             it. Use the page itself as the key: `entry(page.to_string())`",
            shown(&key)
        );
    }

    // What the reading methods answer for each page, exactly as given.
    for page in &distinct {
        let due_views: u32 = due.get(page).copied().unwrap_or(0);
        let answered: u32 = counter.hits(page);
        ::std::assert!(
            answered == due_views,
            "hits({}) answered {answered}, where the map in `hits` holds {due_views} view(s) under exactly that page: \
             `hits` changed the page before looking it up, or looked up another one. Look up the page as given: \
             `self.hits.borrow().get(page)`",
            shown(page)
        );
    }
    let total: u32 = counter.total();
    let calls: u32 = pages.len() as u32;
    ::std::assert_eq!(total, calls, "{calls} calls to `record` should give a total of {calls}");

    // `reset` forgets exactly the page it is given.
    let mut left: HashMap<String, u32> = stored;
    for page in &distinct {
        let due_views: u32 = left.remove(page).unwrap_or(0);
        let returned: u32 = counter.reset(page);
        let now: HashMap<String, u32> = counter.hits.borrow().clone();
        let lost: Vec<String> = left.keys().filter(|key| !now.contains_key(*key)).map(|key| shown(key)).collect();
        let state: String = if now.contains_key(page) {
            ::std::string::String::from("still holds that page")
        } else if !lost.is_empty() {
            ::std::format!("also lost {}", lost.join(", "))
        } else {
            ::std::string::String::from("lost only that page")
        };
        ::std::assert!(
            returned == due_views && now == left,
            "reset({}) returned {returned} where that exact page had {due_views} view(s), and the map {state}: reset \
             should take out exactly the page it is given, as given, and return its views \
             (`self.hits.borrow_mut().remove(page)`)",
            shown(page)
        );
    }
}
