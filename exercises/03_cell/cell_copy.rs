// cell_copy: a connection status kept in `Cell`s.
//
// Lesson section: “Swapping values in and out of a Cell”.
// New here: `std::cell::Cell` — interior mutability without guards: `get` copies a `Copy` value out,
//           `set` puts one in.
// New here: `Cell::replace` / `Cell::take` — swap a value in and get the old one back (`take` leaves the
//           default, e.g. `None`), which works for types that are not `Copy`.
//
// A `Connection` is shared by the whole app as `&Connection` (think of one
// object that every TS module imports). Callers report failures and
// successes through that shared reference, so the methods take `&self`.
//
// The fields are tiny: a counter, a flag, and the most recent error. You could
// reach for `RefCell`, but for values like these Rust has a lighter tool:
// `Cell<T>`. A Cell never hands out a reference to its contents; you copy a
// value in (`set`) or out (`get`), or swap one out (`replace`, `take`). No
// borrow guard means no "already borrowed" panics. The catch: `get` only
// works for `Copy` types, so a `String` inside has to be swapped out instead.
//
// TODO: change the fields to Cells and rewrite the methods to use them.

struct Connection {
    retries: u32,               // TODO: a Cell
    connected: bool,            // TODO: a Cell
    last_error: Option<String>, // TODO: a Cell too, but not `Copy`
}

// TODO: every method below must read and write the fields through the Cells.
impl Connection {
    fn new() -> Self {
        Connection {
            retries: 0,
            connected: false,
            last_error: None,
        }
    }

    fn record_failure(&self, reason: &str) {
        self.retries += 1;
        self.connected = false;
        self.last_error = Some(reason.to_string());
    }

    /// Marks the connection as up and returns how many retries it took.
    /// The last error stays until someone takes it: connecting does not throw it away.
    fn mark_connected(&self) -> u32 {
        let retries_needed = self.retries;
        self.retries = 0;
        self.connected = true;
        retries_needed
    }

    fn is_connected(&self) -> bool {
        self.connected
    }

    fn retries(&self) -> u32 {
        self.retries
    }

    /// Hands out the last error once; afterwards there is none until the next failure.
    fn take_last_error(&self) -> Option<String> {
        self.last_error.take()
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
