use super::{make_logger, new_log};
use std::cell::RefCell;
use std::rc::Rc;

fn entries(log: &Rc<RefCell<Vec<String>>>) -> Vec<String> {
    log.borrow().clone()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None`
// if it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// Two loggers append to the one shared log, in call order.
#[test]
fn entries_from_both_loggers_keep_call_order() {
    let log: Rc<RefCell<Vec<String>>> = new_log();
    let auth = make_logger(&log, "auth");
    let db = make_logger(&log, "db");
    auth("login");
    db("query 1");
    auth("logout");
    let got: Vec<String> = entries(&log);
    let expected_got: Vec<String> = strings(&["[auth] login", "[db] query 1", "[auth] logout"]);
    ::std::assert_eq!(
        got,
        expected_got,
        "both loggers should append to the same log, in the order they were called"
    );
}

/// The log can be read between calls: a logger borrows the cell only while it writes.
#[test]
fn log_can_be_read_between_calls() {
    let log: Rc<RefCell<Vec<String>>> = new_log();
    let auth = make_logger(&log, "auth");
    auth("first");
    let after_one: usize = log.borrow().len();
    auth("second");
    let after_two: usize = log.borrow().len();
    ::std::assert_eq!(after_one, 1, "after one call the log should hold one entry");
    ::std::assert_eq!(after_two, 2, "after two calls the log should hold two entries");
}

/// Each logger keeps a handle of its own to the log (`Rc::clone`), counted by `Rc::strong_count`.
#[test]
fn each_logger_holds_its_own_rc() {
    let log: Rc<RefCell<Vec<String>>> = new_log();
    let fresh: usize = Rc::strong_count(&log);
    let auth = make_logger(&log, "auth");
    let with_one: usize = Rc::strong_count(&log);
    let db = make_logger(&log, "db");
    let with_two: usize = Rc::strong_count(&log);
    auth("still works");
    db("still works");
    ::std::assert_eq!(fresh, 1, "a fresh log has exactly one owner");
    ::std::assert_eq!(
        with_one, 2,
        "make_logger should give the logger its own Rc handle (Rc::clone), so the log now has 2 owners"
    );
    ::std::assert_eq!(with_two, 3, "with two loggers alive, the log should have 3 owners: `log` plus one per logger");
}

/// Dropping a logger gives its handle back.
#[test]
fn dropping_a_logger_gives_back_its_handle() {
    let log: Rc<RefCell<Vec<String>>> = new_log();
    let auth = make_logger(&log, "auth");
    let db = make_logger(&log, "db");
    db("connected");
    drop(db);
    let after_db: usize = Rc::strong_count(&log);
    drop(auth);
    let after_both: usize = Rc::strong_count(&log);
    ::std::assert_eq!(after_db, 2, "after dropping the db logger, only `log` and the auth logger should own the log");
    ::std::assert_eq!(after_both, 1, "after dropping both loggers, `log` should be the only owner left");
}

/// Entries stay in the log after the loggers are dropped.
#[test]
fn log_is_readable_after_loggers_are_dropped() {
    let log: Rc<RefCell<Vec<String>>> = new_log();
    {
        let auth = make_logger(&log, "auth");
        let db = make_logger(&log, "db");
        let loggers: [&dyn Fn(&str); 2] = [&auth, &db];
        for logger in loggers {
            logger("ready");
        }
    }
    let got: Vec<String> = entries(&log);
    let expected_got: Vec<String> = strings(&["[auth] ready", "[db] ready"]);
    ::std::assert_eq!(
        got,
        expected_got,
        "entries written by loggers must stay in the log after the loggers are gone"
    );
}

/// A logger called while someone else borrows the log panics (an overlap is a bug) or writes its entry: it never drops a message quietly.
#[test]
fn a_logger_never_drops_a_message_while_the_log_is_borrowed() {
    for hold in ["a `borrow()`", "a `borrow_mut()`"] {
        let log: Rc<RefCell<Vec<String>>> = new_log();
        let auth = make_logger(&log, "auth");
        auth("before");
        let outcome: Option<()> = if hold == "a `borrow()`" {
            let _reading = log.borrow();
            quietly(|| auth("while busy"))
        } else {
            let _writing = log.borrow_mut();
            quietly(|| auth("while busy"))
        };
        // A panic is what `borrow_mut()` does on an overlap: it shows the bug, so it passes.
        if outcome.is_none() {
            continue;
        }
        // Read right after the test lets go, before any other call could write a kept message late.
        let got: Vec<String> = entries(&log);
        let expected_got: Vec<String> = strings(&["[auth] before", "[auth] while busy"]);
        ::std::assert!(
            got == expected_got,
            "the test held {hold} of the log and called the auth logger with \"while busy\": it returned without a \
             panic, and once the test let go the log held {got:?}, where {expected_got:?} was due: the message was \
             dropped (or put off) because the log was busy. Skipping a write when `try_borrow_mut` fails hides the \
             overlap and loses the entry (see “Asking first: try_borrow and try_borrow_mut”)\n\
             Push with `borrow_mut()`: an overlap then panics with \"already borrowed\" and points at the bug."
        );
    }
}

/// Every message is logged exactly as given: blank, spaced, multi-line, unicode, long, or the same as the one before.
#[test]
fn every_message_is_logged_exactly_as_given() {
    // A logger only prefixes "[name] ": nothing in the message itself decides whether, or how, it is kept.
    let long: String = "x".repeat(10_000);
    let messages: Vec<(&str, String)> = ::std::vec![
        ("an empty message", ::std::string::String::new()),
        ("a single space", " ".to_string()),
        ("a tab", "\t".to_string()),
        ("a newline alone", "\n".to_string()),
        ("leading and trailing spaces", "  padded  ".to_string()),
        ("a multi-line message", "line one\nline two\r\nline three".to_string()),
        ("unicode", "grüße, 日本語, 🚀".to_string()),
        ("a 10 000-character message", long),
        ("a plain message", "same".to_string()),
        ("a message equal to the previous one", "same".to_string()),
        ("text that looks like a prefix", "[db] not from db".to_string()),
    ];
    // Shortened so a long message stays readable in the report.
    let show = |text: &str| -> String {
        if text.chars().count() > 40 {
            let head: String = text.chars().take(30).collect();
            ::std::format!("{head:?}… ({} characters)", text.chars().count())
        } else {
            ::std::format!("{text:?}")
        }
    };
    let log: Rc<RefCell<Vec<String>>> = new_log();
    let auth = make_logger(&log, "auth");
    // The log is read after every call, so the report names the first message that was lost or changed.
    for (index, (what, message)) in messages.iter().enumerate() {
        auth(message);
        let got: Vec<String> = entries(&log);
        let due: String = ::std::format!("[auth] {message}");
        let lines: usize = got.len();
        let lines_due: usize = index + 1;
        let last: Option<&String> = got.last();
        if lines == lines_due && last == Some(&due) {
            continue;
        }
        let seen: String = if lines < lines_due {
            ::std::format!(
                "the log still held {lines} lines where {lines_due} were due: the call left no line at all, so the \
                 logger skips messages it judges empty, blank or repeated"
            )
        } else if lines > lines_due {
            ::std::format!(
                "the log held {lines} lines where {lines_due} were due: the call wrote more than one line, so the logger \
                 splits or repeats what it is given"
            )
        } else {
            ::std::format!(
                "its line was {} where {} was due: the message was changed on its way in (trimmed, rewritten or \
                 cut)",
                show(last.map(String::as_str).unwrap_or("")),
                show(&due)
            )
        };
        ::std::panic!(
            "the test called the auth logger with one message after another and read the log after each call; \
             after call {lines_due}, with {what} ({}), {seen}.\n\
             Push `format!(\"[{{name}}] {{message}}\")` on every call, with the message exactly as given: a blank, \
             spaced or repeated message is still an event the caller asked to log.",
            show(message)
        );
    }
}
