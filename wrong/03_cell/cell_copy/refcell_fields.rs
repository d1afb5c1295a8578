// wrong: keeps the small values in `RefCell`s; for `Copy` values and a swapped-out `Option` a `Cell` is the lighter fit
// cell_copy: a connection status kept in `Cell`s.
//
// A `Connection` is shared by the whole app as `&Connection` (think of one
// object that every TS module imports). Callers report failures and
// successes through that shared reference, so the methods take `&self`.
//
// The fields are tiny: a counter, a flag, and the most recent error. You could
// reach for `RefCell`, but for values like these Rust has a lighter tool:
// `RefCell<T>`. A Cell never hands out a reference to its contents; you copy a
// value in (`set`) or out (`get`), or swap one out (`replace`, `take`). No
// borrow guard means no "already borrowed" panics. The catch: `get` only
// works for `Copy` types, so a `String` inside has to be swapped out instead.

use std::cell::RefCell;

struct Connection {
    retries: RefCell<u32>,
    connected: RefCell<bool>,
    // `Option<String>` is not `Copy`, so `get` is not available here. `set`,
    // `replace` and `take` still work: they move whole values in and out.
    last_error: RefCell<Option<String>>,
}

impl Connection {
    fn new() -> Self {
        Connection {
            retries: RefCell::new(0),
            connected: RefCell::new(false),
            last_error: RefCell::new(None),
        }
    }

    fn record_failure(&self, reason: &str) {
        // get + set: copy the number out, copy the new one back in.
        *self.retries.borrow_mut() += 1;
        *self.connected.borrow_mut() = false;
        // The old error (if any) is dropped; `set` needs no `Copy`.
        *self.last_error.borrow_mut() = Some(reason.to_string());
    }

    /// Marks the connection as up and returns how many retries it took.
    fn mark_connected(&self) -> u32 {
        *self.connected.borrow_mut() = true;
        // `replace` stores the new value and hands back the old one in one step.
        self.retries.replace(0)
    }

    fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    fn retries(&self) -> u32 {
        *self.retries.borrow()
    }

    /// Hands out the last error once; afterwards there is none until the next failure.
    fn take_last_error(&self) -> Option<String> {
        // `take` swaps in `Default::default()` (here `None`) and returns what was there.
        self.last_error.borrow_mut().take()
    }
}

fn main() {
    let conn = Connection::new();
    conn.record_failure("timeout");
    conn.record_failure("connection refused");
    let error = conn.take_last_error();
    println!("retries: {}, last error: {error:?}", conn.retries());
    let needed = conn.mark_connected();
    println!("connected: {} after {needed} retries", conn.is_connected());
}
