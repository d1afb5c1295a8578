use super::Connection;
use std::cell::Cell;

/// The three fields are `Cell`s: `Cell<u32>`, `Cell<bool>` and `Cell<Option<String>>`, and nothing is kept beside them.
#[test]
fn the_fields_are_cells() {
    let conn = Connection::new();
    crate::__learn::exact::<Cell<u32>, _>(&conn.retries);
    crate::__learn::exact::<Cell<bool>, _>(&conn.connected);
    crate::__learn::exact::<Cell<Option<String>>, _>(&conn.last_error);
    let size: usize = ::std::mem::size_of_val(&conn);
    let fields: usize = ::std::mem::size_of::<(Cell<u32>, Cell<bool>, Cell<Option<String>>)>();
    ::std::assert!(
        size == fields,
        "`Connection` takes {size} bytes, where its `retries`, `connected` and `last_error` fields take {fields}: it \
         keeps something beside them (a second count, a flag, an error kept aside), so what the fields say and what \
         the methods answer can part ways (see “Swapping values in and out of a Cell”)\n\
         Keep the three `Cell`s, and have every method read and write them."
    );
}

/// A new connection is down, with 0 retries and no error, as its methods and its fields both say.
#[test]
fn a_new_connection_is_down_with_nothing_to_report() {
    let conn = Connection::new();
    let connected: bool = conn.is_connected();
    let flag: bool = conn.connected.get();
    let retries: u32 = conn.retries();
    let error: Option<String> = conn.take_last_error();
    if connected && !flag {
        ::std::panic!(
            "a new connection's `connected` field holds false, yet `is_connected()` says true: it does not read the flag \
             (deriving \"connected\" from the retries says yes to a connection that never came up: 0 retries, not \
             connected)\n\
             Return what the flag holds: `self.connected.get()`."
        );
    }
    ::std::assert!(!connected, "a new connection should not be connected yet: `new` should set `connected` to false");
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

/// After every step the three fields hold the state the methods report: the count in `retries`, the flag in `connected`, the error in `last_error`.
#[test]
fn the_fields_hold_the_state_the_methods_report() {
    let conn = Connection::new();
    // (step, retries due, connected due, error due)
    let steps: [(&str, u32, bool, Option<&str>); 5] = [
        ("record_failure(\"timeout\")", 1, false, Some("timeout")),
        ("record_failure(\"refused\")", 2, false, Some("refused")),
        ("mark_connected()", 0, true, Some("refused")),
        ("take_last_error()", 0, true, None),
        ("record_failure(\"reset\")", 1, false, Some("reset")),
    ];
    for (step, due_retries, due_connected, due_error) in steps {
        match step {
            "mark_connected()" => {
                let _ = conn.mark_connected();
            }
            "take_last_error()" => {
                let _ = conn.take_last_error();
            }
            _ => conn.record_failure(step.split('"').nth(1).unwrap_or_default()),
        }
        let count: u32 = conn.retries.get();
        let flag: bool = conn.connected.get();
        // Swapped out to be read, and put back as it was.
        let error: Option<String> = conn.last_error.take();
        conn.last_error.set(error.clone());
        let reported_count: u32 = conn.retries();
        let reported_flag: bool = conn.is_connected();
        let numbers_right: bool = count == due_retries && flag == due_connected;
        let methods_right: bool = reported_count == due_retries && reported_flag == due_connected;
        ::std::assert!(
            numbers_right || !methods_right,
            "after {step}, `retries()` and `is_connected()` say {reported_count} and {reported_flag}, as due, but the \
             fields hold retries = {count} and connected = {flag}, where {due_retries} and {due_connected} were due: the \
             state is kept or worked out somewhere beside the fields (see “Swapping values in and out of a Cell”)\n\
             Keep it in the three `Cell`s and have every method read and write them."
        );
        if !numbers_right {
            let rule: &str = match step {
                "mark_connected()" => {
                    "connecting swaps 0 into the count and hands back the old one (`replace(0)`), and sets the flag"
                }
                "take_last_error()" => "taking the error changes neither the count nor the flag",
                _ => "each failure adds 1 to the count and marks the connection down",
            };
            ::std::panic!(
                "after {step}, the fields hold retries = {count} and connected = {flag}, and `retries()` and \
                 `is_connected()` say {reported_count} and {reported_flag}, where {due_retries} and {due_connected} were \
                 due: {rule} (see “Swapping values in and out of a Cell”)"
            );
        }
        if error.as_deref() != due_error {
            let (fault, fix): (&str, &str) = match (step, error.as_deref()) {
                ("mark_connected()", None) => (
                    "`mark_connected` threw away an error nobody had taken yet; the last error stays until someone takes it",
                    "Leave `last_error` alone in `mark_connected`.",
                ),
                ("take_last_error()", Some(_)) => (
                    "`take_last_error` left something behind, where `None` alone says \"no error\"",
                    "Hand the error out with `take()`, which leaves `None` behind.",
                ),
                _ => (
                    "`last_error` should hold the newest failure's reason until someone takes it",
                    "Store `Some(reason.to_string())` in `record_failure`, and empty it only in `take_last_error`.",
                ),
            };
            ::std::panic!(
                "after {step}, the `last_error` field holds {error:?}, where {due_error:?} was due: {fault} (see \
                 “Swapping values in and out of a Cell”)\n{fix}"
            );
        }
    }
}

/// Any failure reason, the empty one included, is kept exactly and handed out once: no text stands for "no error".
#[test]
fn every_reason_is_kept_exactly_even_an_empty_one() {
    let long: String = "x".repeat(10_000);
    let reasons: [&str; 9] = ["", " ", "  timeout  ", "\n", "\r\n", "None", "\0", "ünïcödé ✓ 接続", long.as_str()];
    let conn = Connection::new();
    for reason in reasons {
        conn.record_failure(reason);
        let taken: Option<String> = conn.take_last_error();
        let left: Option<String> = conn.take_last_error();
        // A 10 000-character text is named by its length, not printed.
        let show = |text: &str| -> String {
            if text.len() > 40 { ::std::format!("{} characters", text.chars().count()) } else { ::std::format!("{text:?}") }
        };
        let shown: String = show(reason);
        let shown_taken: String = match taken.as_deref() {
            Some(text) => ::std::format!("Some({})", show(text)),
            None => String::from("None"),
        };
        let kept: bool = taken.as_deref() == Some(reason);
        ::std::assert!(
            kept,
            "after record_failure({shown}), take_last_error() returned {shown_taken}, where Some({shown}) was due: a \
             failure's reason is kept exactly as given, and no reason (not even the empty one) stands for \"no error\"; \
             `None` alone says that (see “Swapping values in and out of a Cell”)\n\
             Store `Some(reason.to_string())`, and hand it out with `take()`, which leaves `None` behind."
        );
        ::std::assert!(
            left.is_none(),
            "after record_failure({shown}) and one take_last_error(), a second take_last_error() returned {left:?}, where \
             None was due: `take` should leave `None` behind, not a placeholder"
        );
    }
}

/// An error nobody has taken yet is still there after `mark_connected`: connecting does not throw it away.
#[test]
fn connecting_keeps_an_error_nobody_took_yet() {
    let conn = Connection::new();
    conn.record_failure("timeout");
    let needed: u32 = conn.mark_connected();
    let error: Option<String> = conn.take_last_error();
    ::std::assert_eq!(needed, 1, "mark_connected should report the 1 retry it took");
    let expected_error: Option<&str> = Some("timeout");
    ::std::assert!(
        error.as_deref() == expected_error,
        "after record_failure(\"timeout\") and mark_connected(), take_last_error() returned {error:?}, where \
         Some(\"timeout\") was due: the last error stays until someone takes it, and connecting is not taking it \
         (see “Swapping values in and out of a Cell”)\n\
         Leave `last_error` alone in `mark_connected`: only `take_last_error` empties it, and only `record_failure` \
         replaces it."
    );
}

/// Each method changes only what it is for: from many starting states, every field it is not for holds what it held before.
#[test]
fn each_method_changes_only_what_it_is_for() {
    // Starting states are put straight into the fields, so each method is seen from counts, flags
    // and errors that its own steps would not reach in that order.
    let counts: [u32; 5] = [0, 1, 2, 7, 1_000_000];
    let flags: [bool; 2] = [false, true];
    let errors: [Option<&str>; 3] = [None, Some("timeout"), Some("")];
    let methods: [&str; 5] = ["record_failure(\"reset\")", "mark_connected()", "take_last_error()", "retries()", "is_connected()"];
    for count in counts {
        for flag in flags {
            for error in errors {
                for method in methods {
                    let conn = Connection::new();
                    conn.retries.set(count);
                    conn.connected.set(flag);
                    conn.last_error.set(error.map(str::to_string));
                    match method {
                        "mark_connected()" => {
                            let _ = conn.mark_connected();
                        }
                        "take_last_error()" => {
                            let _ = conn.take_last_error();
                        }
                        "retries()" => {
                            let _ = conn.retries();
                        }
                        "is_connected()" => {
                            let _ = conn.is_connected();
                        }
                        _ => conn.record_failure("reset"),
                    }
                    let got_count: u32 = conn.retries.get();
                    let got_flag: bool = conn.connected.get();
                    let got_error: Option<String> = conn.last_error.take();
                    // What each method is for; every other field keeps what it held.
                    let (due_count, due_flag, due_error): (u32, bool, Option<&str>) = match method {
                        "mark_connected()" => (0, true, error),
                        "take_last_error()" => (count, flag, None),
                        "retries()" | "is_connected()" => (count, flag, error),
                        _ => (count + 1, false, Some("reset")),
                    };
                    let mut wrong: Vec<String> = Vec::new();
                    if got_count != due_count {
                        wrong.push(::std::format!("`retries` went from {count} to {got_count}, where {due_count} was due"));
                    }
                    if got_flag != due_flag {
                        wrong.push(::std::format!("`connected` went from {flag} to {got_flag}, where {due_flag} was due"));
                    }
                    if got_error.as_deref() != due_error {
                        wrong.push(::std::format!(
                            "`last_error` went from {error:?} to {got_error:?}, where {due_error:?} was due"
                        ));
                    }
                    if wrong.is_empty() {
                        continue;
                    }
                    let what_for: &str = match method {
                        "mark_connected()" => {
                            "`mark_connected` is for the count and the flag: it swaps 0 into `retries` (`replace(0)`) and \
                             sets `connected`; the last error stays until someone takes it"
                        }
                        "take_last_error()" => {
                            "`take_last_error` is for the error alone: it swaps it out with `take()`; handing out the \
                             error is not connecting, so the count and the flag stay as they were (only \
                             `mark_connected` starts the count again)"
                        }
                        "retries()" | "is_connected()" => {
                            "reading the count or the flag changes nothing: `get()` copies the value out and leaves it"
                        }
                        _ => {
                            "`record_failure` adds 1 to the count, marks the connection down and stores the new reason"
                        }
                    };
                    ::std::panic!(
                        "the test put retries = {count}, connected = {flag} and last_error = {error:?} in the fields and \
                         called {method}: {}. {what_for}\n\
                         Have each method change only the fields it is for, and leave the others as they are.",
                        wrong.join("; ")
                    );
                }
            }
        }
    }
}
