// wrong: log returns early on an empty message, so log("") is not counted (a message was logged)
use std::cell::RefCell;

struct Logger {
    count: RefCell<u32>,
}

impl Logger {
    fn new() -> Self {
        Logger { count: RefCell::new(0) }
    }

    fn log(&self, msg: &str) {
        if msg.is_empty() { return; }
        println!("[log #{}] {msg}", self.count() + 1);
        *self.count.borrow_mut() += 1;
    }

    fn count(&self) -> u32 {
        *self.count.borrow()
    }
}

fn main() {
    let logger = Logger::new();
    let auth: &Logger = &logger;
    let billing: &Logger = &logger;

    auth.log("user signed in");
    billing.log("invoice created");
    auth.log("user signed out");

    println!("messages logged: {}", logger.count());
}
