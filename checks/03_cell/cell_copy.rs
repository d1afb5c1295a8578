use super::*;

#[test]
fn new_connection_is_down_with_no_retries() {
    let conn = Connection::new();
    assert!(
        !conn.is_connected(),
        "a new connection should not be connected yet"
    );
    assert_eq!(conn.retries(), 0, "a new connection should have 0 retries");
    assert_eq!(
        conn.take_last_error(),
        None,
        "a new connection should have no error"
    );
}

#[test]
fn failures_reported_through_two_shared_references_add_up() {
    let conn = Connection::new();
    let pool: &Connection = &conn;
    let health_check: &Connection = &conn;
    pool.record_failure("timeout");
    health_check.record_failure("refused");
    pool.record_failure("timeout");
    assert_eq!(
        conn.retries(),
        3,
        "three failures reported through shared references should count 3 retries"
    );
    assert!(
        !conn.is_connected(),
        "after failures the connection should be down"
    );
}

#[test]
fn mark_connected_returns_retries_and_resets_them() {
    let conn = Connection::new();
    let shared: &Connection = &conn;
    shared.record_failure("timeout");
    shared.record_failure("timeout");
    assert_eq!(
        shared.mark_connected(),
        2,
        "mark_connected should report the 2 retries it took"
    );
    assert!(
        shared.is_connected(),
        "after mark_connected the connection should be up"
    );
    assert_eq!(
        shared.retries(),
        0,
        "after mark_connected the retry count should start again at 0"
    );
    assert_eq!(
        shared.mark_connected(),
        0,
        "connecting again right away took 0 retries"
    );
}

#[test]
fn failure_after_connect_marks_connection_down() {
    let conn = Connection::new();
    conn.mark_connected();
    conn.record_failure("reset by peer");
    assert!(
        !conn.is_connected(),
        "a failure should mark a connected connection as down"
    );
    assert_eq!(
        conn.retries(),
        1,
        "one failure after connecting should count 1 retry"
    );
}

#[test]
fn last_error_is_handed_out_once_and_keeps_only_the_newest() {
    let conn = Connection::new();
    let shared: &Connection = &conn;
    shared.record_failure("timeout");
    shared.record_failure("connection refused");
    assert_eq!(
        shared.take_last_error().as_deref(),
        Some("connection refused"),
        "take_last_error should return the most recent failure reason"
    );
    assert_eq!(
        shared.take_last_error(),
        None,
        "a second take_last_error should find nothing left"
    );
    shared.record_failure("dns lookup failed");
    assert_eq!(
        shared.take_last_error().as_deref(),
        Some("dns lookup failed"),
        "a new failure should store a new error to take"
    );
}
