// wrong: `is_connected` answers from the retry count (0 retries means connected) instead of reading the `connected` flag, so a new connection already counts as up
use std::cell::Cell;

struct Connection {
    retries: Cell<u32>,
    connected: Cell<bool>,
    // `Option<String>` is not `Copy`, so `get` is not available here. `set`,
    // `replace` and `take` still work: they move whole values in and out.
    last_error: Cell<Option<String>>,
}

impl Connection {
    fn new() -> Self {
        Connection {
            retries: Cell::new(0),
            connected: Cell::new(false),
            last_error: Cell::new(None),
        }
    }

    fn record_failure(&self, reason: &str) {
        // get + set: copy the number out, copy the new one back in.
        self.retries.set(self.retries.get() + 1);
        self.connected.set(false);
        // The old error (if any) is dropped; `set` needs no `Copy`.
        self.last_error.set(Some(reason.to_string()));
    }

    /// Marks the connection as up and returns how many retries it took.
    /// The last error stays until someone takes it: connecting does not throw it away.
    fn mark_connected(&self) -> u32 {
        self.connected.set(true);
        // `replace` stores the new value and hands back the old one in one step.
        self.retries.replace(0)
    }

    fn is_connected(&self) -> bool {
        self.retries.get() == 0
    }

    fn retries(&self) -> u32 {
        self.retries.get()
    }

    /// Hands out the last error once; afterwards there is none until the next failure.
    fn take_last_error(&self) -> Option<String> {
        // `take` swaps in `Default::default()` (here `None`) and returns what was there.
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
