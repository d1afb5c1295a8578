use super::Logger;
use std::cell::RefCell;

// A subsystem that keeps its own shared reference to the logger.
struct Subsystem<'a> {
    logger: &'a Logger,
}

impl Subsystem<'_> {
    fn work(&self, what: &str) {
        self.logger.log(what);
    }
}

/// The count lives in a `RefCell<u32>` (the cell this chapter teaches), so `log(&self)` can change it.
#[test]
fn the_count_is_kept_in_a_refcell() {
    let logger = Logger::new();
    crate::__learn::exact::<RefCell<u32>, _>(&logger.count);
    let count: u32 = logger.count();
    ::std::assert_eq!(count, 0, "a logger that has not logged anything should report a count of 0");
}

/// Two calls to `log` through one `&Logger` count two messages.
#[test]
fn logging_through_a_shared_reference_counts_each_message() {
    let logger = Logger::new();
    let shared: &Logger = &logger;
    shared.log("first");
    shared.log("second");
    let count: u32 = logger.count();
    ::std::assert_eq!(count, 2, "two calls to log through a `&Logger` should give a count of 2");
}

/// Two `&Logger` alive at the same time both add to the one count.
#[test]
fn two_references_alive_at_once_both_count() {
    let logger = Logger::new();
    let auth: &Logger = &logger;
    let billing: &Logger = &logger;
    auth.log("sign in");
    billing.log("charge card");
    auth.log("sign out");
    billing.log("send receipt");
    let seen_by_auth: u32 = auth.count();
    let seen_by_billing: u32 = billing.count();
    ::std::assert_eq!(seen_by_auth, 4, "messages from both holders of the same logger should add up to 4");
    ::std::assert_eq!(seen_by_billing, 4, "both references see the same logger, so the same count");
}

/// The count can be read through one reference between writes through another.
#[test]
fn count_can_be_read_between_logs() {
    let logger = Logger::new();
    let reader: &Logger = &logger;
    let writer: &Logger = &logger;
    for round in 1..=5u32 {
        writer.log("tick");
        let expected: u32 = round;
        let count: u32 = reader.count();
        ::std::assert_eq!(
            count, expected,
            "after {expected} log calls the count read through another reference should be {expected}"
        );
    }
}

/// Each logger has a count of its own: two loggers do not share one number.
#[test]
fn two_loggers_count_separately() {
    let first = Logger::new();
    let second = Logger::new();
    first.log("a");
    first.log("b");
    second.log("c");
    let first_count: u32 = first.count();
    let second_count: u32 = second.count();
    ::std::assert_eq!(first_count, 2, "the first logger logged twice; its count belongs to it alone (a field, not a global)");
    ::std::assert_eq!(second_count, 1, "the second logger logged once; its count belongs to it alone");
}

/// Subsystems that each keep a `&Logger` add to the same count.
#[test]
fn subsystems_holding_the_logger_share_one_count() {
    let logger = Logger::new();
    let auth = Subsystem { logger: &logger };
    let billing = Subsystem { logger: &logger };
    auth.work("login");
    billing.work("invoice");
    billing.work("refund");
    let count: u32 = logger.count();
    ::std::assert_eq!(
        count, 3,
        "two subsystems each holding `&Logger` should both add to the same count (expected 3)"
    );
}

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None` if
// it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// `Logger` holds its `count` cell and nothing beside it: the count lives in one place.
#[test]
fn the_logger_holds_nothing_but_its_count() {
    let logger = Logger::new();
    crate::__learn::exact::<RefCell<u32>, _>(&logger.count);
    let size: usize = ::std::mem::size_of_val(&logger);
    let field: usize = ::std::mem::size_of::<RefCell<u32>>();
    ::std::assert!(
        size == field,
        "`Logger` takes {size} bytes, where its `count` field alone takes {field}: it keeps something beside the \
         `RefCell<u32>` (a second counter in a `Cell`, a reference to one kept elsewhere), so the number the exercise \
         gives a place is not where the counting happens (see “A cell that checks borrows at run time”)\n\
         Keep the one `count: RefCell<u32>`: `log` adds to it through `borrow_mut()`, `count()` reads it through `borrow()`."
    );
}

/// The count `log` adds to and `count()` reads is the one in the `count` field itself.
#[test]
fn the_count_field_itself_holds_the_count() {
    let logger = Logger::new();
    let shared: &Logger = &logger;
    for message in ["one", "two", "three"] {
        shared.log(message);
    }
    let in_field: u32 = *logger.count.borrow();
    let answered: u32 = logger.count();
    ::std::assert!(
        in_field == 3,
        "after 3 calls to `log`, the `count` field holds {in_field} while `count()` answers {answered}: {}\n\
         Count in the field the exercise gives: `*self.count.borrow_mut() += 1` in `log` (see “A cell that checks borrows at run time”).",
        if answered == 3 {
            "the counting happens somewhere else, and the `RefCell<u32>` in `count` is left behind"
        } else {
            "`log` does not add one to the `RefCell<u32>` in `count` for each message"
        }
    );
    // The test sets the field itself: `count()` must read it, not a number kept elsewhere.
    *logger.count.borrow_mut() = 41;
    let read_back: u32 = logger.count();
    ::std::assert_eq!(
        read_back, 41,
        "the test set the `count` field to 41, and `count()` answered {read_back}: `count()` should read the \
         `RefCell<u32>` in `count` through `borrow()`, not a number kept elsewhere"
    );
    logger.log("four");
    let after: u32 = logger.count();
    ::std::assert_eq!(after, 42, "one more `log` after the field was set to 41 should make the count 42");
}

/// While the count is borrowed elsewhere, `log` either panics (as `borrow_mut()` does) or counts the message: never a quiet skip.
#[test]
fn log_while_the_count_is_borrowed_never_skips_quietly() {
    let logger = Logger::new();
    logger.log("one");
    logger.log("two");
    let reader = logger.count.borrow();
    let returned: Option<()> = quietly(|| logger.log("three"));
    drop(reader);
    let in_field: u32 = *logger.count.borrow();
    ::std::assert!(
        returned.is_none() || in_field == 3,
        "the test held a read guard of `count` and called `log`: it returned without a panic, and the count stayed \
         at {in_field} instead of 3, so the message went uncounted without a word. A borrow that overlaps is a bug, \
         and `borrow_mut()` panics to show it; a `try_borrow_mut()` whose `Err` is ignored hides it and loses the \
         count (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Count with `*self.count.borrow_mut() += 1`."
    );
}

/// While the count is being written elsewhere, `count()` either panics (as `borrow()` does) or answers the true count: never a made-up number.
#[test]
fn count_while_the_count_is_written_never_makes_up_a_number() {
    let logger = Logger::new();
    for message in ["one", "two", "three"] {
        logger.log(message);
    }
    let writer = logger.count.borrow_mut();
    let answered: Option<u32> = quietly(|| logger.count());
    drop(writer);
    let expected: Option<u32> = Some(3);
    let number: u32 = answered.unwrap_or(0);
    ::std::assert!(
        answered.is_none() || answered == expected,
        "the test held a write guard of `count` (which holds 3) and called `count()`: it answered {number} \
         without a panic, a number made up while the cell was busy. A borrow that overlaps a writer is a bug, and \
         `borrow()` panics to show it; a `try_borrow()` that answers a default on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read with `*self.count.borrow()`."
    );
}

// Messages a learner's code might treat as special: empty, spaces only, spaces at the ends, a slash
// or dot at the end, letter case, several lines, unicode in two spellings, an emoji, a long one,
// numbers, and repeats of the message just before.
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

/// Each call to `log` counts exactly one message, whatever its text: empty, blank, several lines, unicode, long, a repeat.
#[test]
fn every_log_call_counts_one_message_whatever_its_text() {
    let logger = Logger::new();
    let shared: &Logger = &logger;
    let mut due: u32 = 0;
    for message in edge_strings() {
        let before: u32 = logger.count();
        shared.log(&message);
        due += 1;
        let after: u32 = logger.count();
        let in_field: u32 = *logger.count.borrow();
        let lines: usize = message.lines().count();
        let seen: String = if after == before {
            ::std::string::String::from("the message went uncounted")
        } else if after > before + 1 {
            ::std::format!(
                "it counted as {} messages (the text has {lines} line(s): one call is one message, however many lines it has)",
                after - before
            )
        } else {
            ::std::string::String::from("the count went back")
        };
        ::std::assert!(
            after == before + 1,
            "log({}) moved the count from {before} to {after}: {seen}. A call to `log` is one message, whatever its \
             text (empty, blank, several lines, a repeat of the one before), so it adds exactly 1 (see “A cell that checks borrows at run time”)\n\
             Add 1 with `*self.count.borrow_mut() += 1`, without looking at `msg`.",
            shown(&message)
        );
        ::std::assert_eq!(in_field, due, "after {due} calls to `log`, the `count` field should hold {due}");
    }
}

/// `count()` only reads: it answers while the test holds a read guard of `count`.
#[test]
fn count_answers_beside_a_read_guard() {
    let logger = Logger::new();
    logger.log("one");
    logger.log("two");
    let reader = logger.count.borrow();
    let answered: Option<u32> = quietly(|| logger.count());
    drop(reader);
    ::std::assert!(
        answered.is_some(),
        "count() panicked while the test held a read guard of `count`: a method that only reads asked for write \
         access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)\n\
         Read with `*self.count.borrow()`."
    );
    let number: u32 = answered.unwrap_or(0);
    ::std::assert_eq!(number, 2, "count() beside a read guard should answer the 2 messages logged");
}
