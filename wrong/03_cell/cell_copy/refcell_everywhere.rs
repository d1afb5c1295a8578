// wrong: reaches for RefCell for every field where the lighter Cell is the point
use std::cell::RefCell;

struct Connection {
    retries: RefCell<u32>,
    connected: RefCell<bool>,
    last_error: RefCell<Option<String>>,
}

impl Connection {
    fn new() -> Self {
        Connection { retries: RefCell::new(0), connected: RefCell::new(false), last_error: RefCell::new(None) }
    }
    fn record_failure(&self, reason: &str) {
        *self.retries.borrow_mut() += 1;
        *self.connected.borrow_mut() = false;
        *self.last_error.borrow_mut() = Some(reason.to_string());
    }
    fn mark_connected(&self) -> u32 {
        let n = *self.retries.borrow();
        *self.retries.borrow_mut() = 0;
        *self.connected.borrow_mut() = true;
        n
    }
    fn is_connected(&self) -> bool { *self.connected.borrow() }
    fn retries(&self) -> u32 { *self.retries.borrow() }
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
