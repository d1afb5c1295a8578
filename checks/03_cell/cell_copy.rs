use super::Connection;
use std::cell::Cell;

/// The three fields are `Cell`s: `Cell<u32>`, `Cell<bool>` and `Cell<Option<String>>`.
#[test]
fn the_fields_are_cells() {
    let conn = Connection::new();
    crate::__learn::exact::<Cell<u32>, _>(&conn.retries);
    crate::__learn::exact::<Cell<bool>, _>(&conn.connected);
    crate::__learn::exact::<Cell<Option<String>>, _>(&conn.last_error);
    let connected: bool = conn.is_connected();
    let retries: u32 = conn.retries();
    let error: Option<String> = conn.take_last_error();
    ::std::assert!(!connected, "a new connection should not be connected yet");
    ::std::assert_eq!(retries, 0, "a new connection should have 0 retries");
    let expected_error: Option<String> = None;
    ::std::assert_eq!(error, expected_error, "a new connection should have no error");
}

/// Failures reported through two shared references add up.
#[test]
fn failures_reported_through_two_shared_references_add_up() {
    let conn = Connection::new();
    let pool: &Connection = &conn;
    let health_check: &Connection = &conn;
    pool.record_failure("timeout");
    health_check.record_failure("refused");
    pool.record_failure("timeout");
    let retries: u32 = conn.retries();
    let connected: bool = conn.is_connected();
    ::std::assert_eq!(retries, 3, "three failures reported through shared references should count 3 retries");
    ::std::assert!(!connected, "after failures the connection should be down");
}

/// `mark_connected` swaps the retry count for 0 and returns the old count.
#[test]
fn mark_connected_returns_retries_and_resets_them() {
    let conn = Connection::new();
    let shared: &Connection = &conn;
    shared.record_failure("timeout");
    shared.record_failure("timeout");
    let needed: u32 = shared.mark_connected();
    let connected: bool = shared.is_connected();
    let retries: u32 = shared.retries();
    let needed_again: u32 = shared.mark_connected();
    ::std::assert_eq!(needed, 2, "mark_connected should report the 2 retries it took");
    ::std::assert!(connected, "after mark_connected the connection should be up");
    ::std::assert_eq!(retries, 0, "after mark_connected the retry count should start again at 0");
    ::std::assert_eq!(needed_again, 0, "connecting again right away took 0 retries");
}

/// A failure after connecting marks the connection down again.
#[test]
fn failure_after_connect_marks_connection_down() {
    let conn = Connection::new();
    conn.mark_connected();
    conn.record_failure("reset by peer");
    let connected: bool = conn.is_connected();
    let retries: u32 = conn.retries();
    ::std::assert!(!connected, "a failure should mark a connected connection as down");
    ::std::assert_eq!(retries, 1, "one failure after connecting should count 1 retry");
}

/// The last error is swapped out once (`take`), and only the newest one is kept.
#[test]
fn last_error_is_handed_out_once_and_keeps_only_the_newest() {
    let conn = Connection::new();
    let shared: &Connection = &conn;
    shared.record_failure("timeout");
    shared.record_failure("connection refused");
    let newest: Option<String> = shared.take_last_error();
    let left: Option<String> = shared.take_last_error();
    shared.record_failure("dns lookup failed");
    let next: Option<String> = shared.take_last_error();
    let expected_newest: Option<&str> = Some("connection refused");
    ::std::assert_eq!(newest.as_deref(), expected_newest, "take_last_error should return the most recent failure reason");
    let expected_left: Option<String> = None;
    ::std::assert_eq!(left, expected_left, "a second take_last_error should find nothing left: `take` leaves `None` behind");
    let expected_next: Option<&str> = Some("dns lookup failed");
    ::std::assert_eq!(next.as_deref(), expected_next, "a new failure should store a new error to take");
}
