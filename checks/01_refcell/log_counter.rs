use super::*;

// A subsystem that keeps its own shared reference to the logger.
struct Subsystem<'a> {
    logger: &'a Logger,
}

impl Subsystem<'_> {
    fn work(&self, what: &str) {
        self.logger.log(what);
    }
}

#[test]
fn new_logger_starts_at_zero() {
    let logger = Logger::new();
    assert_eq!(
        logger.count(),
        0,
        "a logger that has not logged anything should report a count of 0"
    );
}

#[test]
fn logging_through_a_shared_reference_counts_each_message() {
    let logger = Logger::new();
    let shared: &Logger = &logger;
    shared.log("first");
    shared.log("second");
    assert_eq!(
        logger.count(),
        2,
        "two calls to log through a `&Logger` should give a count of 2"
    );
}

#[test]
fn two_references_alive_at_once_both_count() {
    let logger = Logger::new();
    let auth: &Logger = &logger;
    let billing: &Logger = &logger;
    auth.log("sign in");
    billing.log("charge card");
    auth.log("sign out");
    billing.log("send receipt");
    assert_eq!(
        auth.count(),
        4,
        "messages from both holders of the same logger should add up to 4"
    );
    assert_eq!(
        billing.count(),
        auth.count(),
        "both references see the same logger, so the same count"
    );
}

#[test]
fn count_can_be_read_between_logs() {
    let logger = Logger::new();
    let reader: &Logger = &logger;
    let writer: &Logger = &logger;
    for expected in 1..=5 {
        writer.log("tick");
        assert_eq!(
            reader.count(),
            expected,
            "after {expected} log calls the count read through another reference should be {expected}"
        );
    }
}

#[test]
fn subsystems_holding_the_logger_share_one_count() {
    let logger = Logger::new();
    let auth = Subsystem { logger: &logger };
    let billing = Subsystem { logger: &logger };
    auth.work("login");
    billing.work("invoice");
    billing.work("refund");
    assert_eq!(
        logger.count(),
        3,
        "two subsystems each holding `&Logger` should both add to the same count (expected 3)"
    );
}
