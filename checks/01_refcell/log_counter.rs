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
