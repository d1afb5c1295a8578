// wrong: adds msg.lines().count(), so a multi-line message counts several times and an empty message counts 0
use std::cell::RefCell;

struct Logger {
    count: RefCell<u32>,
}

impl Logger {
    fn new() -> Self {
        Logger { count: RefCell::new(0) }
    }

    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        *self.count.borrow_mut() += msg.lines().count() as u32;
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
