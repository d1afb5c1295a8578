use super::*;

#[test]
fn entries_from_both_loggers_keep_call_order() {
    let log = new_log();
    let auth = make_logger(&log, "auth");
    let db = make_logger(&log, "db");
    auth("login");
    db("query 1");
    auth("logout");
    assert_eq!(
        *log.borrow(),
        vec!["[auth] login", "[db] query 1", "[auth] logout"],
        "both loggers should append to the same log, in the order they were called"
    );
}

#[test]
fn log_can_be_read_between_calls() {
    let log = new_log();
    let auth = make_logger(&log, "auth");
    auth("first");
    assert_eq!(
        log.borrow().len(),
        1,
        "after one call the log should hold one entry"
    );
    auth("second");
    assert_eq!(
        log.borrow().len(),
        2,
        "after two calls the log should hold two entries"
    );
}

#[test]
fn each_logger_holds_its_own_rc() {
    let log = new_log();
    assert_eq!(
        Rc::strong_count(&log),
        1,
        "a fresh log has exactly one owner"
    );
    let auth = make_logger(&log, "auth");
    assert_eq!(
        Rc::strong_count(&log),
        2,
        "make_logger should give the logger its own Rc handle (Rc::clone), so the log now has 2 owners"
    );
    let db = make_logger(&log, "db");
    assert_eq!(
        Rc::strong_count(&log),
        3,
        "with two loggers alive, the log should have 3 owners: `log` plus one handle inside each logger"
    );
    auth("still works");
    db("still works");
}

#[test]
fn dropping_a_logger_gives_back_its_handle() {
    let log = new_log();
    let auth = make_logger(&log, "auth");
    let db = make_logger(&log, "db");
    db("connected");
    drop(db);
    assert_eq!(
        Rc::strong_count(&log),
        2,
        "after dropping the db logger, only `log` and the auth logger should own the log"
    );
    drop(auth);
    assert_eq!(
        Rc::strong_count(&log),
        1,
        "after dropping both loggers, `log` should be the only owner left"
    );
}

#[test]
fn log_is_readable_after_loggers_are_dropped() {
    let log = new_log();
    {
        let auth = make_logger(&log, "auth");
        let db = make_logger(&log, "db");
        let loggers: [&dyn Fn(&str); 2] = [&auth, &db];
        for logger in loggers {
            logger("ready");
        }
    }
    assert_eq!(
        *log.borrow(),
        vec!["[auth] ready", "[db] ready"],
        "entries written by loggers must stay in the log after the loggers are gone"
    );
}
