// wrong: RefCell field is left at 0; the real count lives in a leaked per-logger Box<Cell<u32>> (leaks memory, RefCell unused)
use std::cell::{Cell, RefCell};

struct Logger {
    count: RefCell<u32>,
    real: &'static Cell<u32>,
}

impl Logger {
    fn new() -> Self {
        Logger { count: RefCell::new(0), real: Box::leak(Box::new(Cell::new(0))) }
    }

    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        self.real.set(self.real.get() + 1);
    }

    fn count(&self) -> u32 {
        self.real.get()
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
