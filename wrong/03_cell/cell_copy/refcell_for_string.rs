// wrong: uses Cell for the Copy fields but falls back to RefCell for the String instead of Cell::take/replace
use std::cell::{Cell, RefCell};

struct Connection {
    retries: Cell<u32>,
    connected: Cell<bool>,
    last_error: RefCell<Option<String>>,
}

impl Connection {
    fn new() -> Self {
        Connection { retries: Cell::new(0), connected: Cell::new(false), last_error: RefCell::new(None) }
    }
    fn record_failure(&self, reason: &str) {
        self.retries.set(self.retries.get() + 1);
        self.connected.set(false);
        *self.last_error.borrow_mut() = Some(reason.to_string());
    }
    fn mark_connected(&self) -> u32 {
        self.connected.set(true);
        self.retries.replace(0)
    }
    fn is_connected(&self) -> bool { self.connected.get() }
    fn retries(&self) -> u32 { self.retries.get() }
    fn take_last_error(&self) -> Option<String> { self.last_error.borrow_mut().take() }
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
