// wrong: take_last_error also resets the retry count to 0, so reading the error wipes retries() before the connection is up (mark_connected then reports 0 retries)
use std::cell::Cell;

struct Connection {
    retries: Cell<u32>,
    connected: Cell<bool>,
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
        self.retries.set(self.retries.get() + 1);
        self.connected.set(false);
        self.last_error.set(Some(reason.to_string()));
    }

    /// Marks the connection as up and returns how many retries it took.
    /// The last error stays until someone takes it: connecting does not throw it away.
    fn mark_connected(&self) -> u32 {
        let retries_needed = self.retries.replace(0);
        self.connected.set(true);
        retries_needed
    }

    fn is_connected(&self) -> bool {
        self.connected.get()
    }

    fn retries(&self) -> u32 {
        self.retries.get()
    }

    /// Hands out the last error once; afterwards there is none until the next failure.
    fn take_last_error(&self) -> Option<String> {
        self.retries.set(0);
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
