// wrong: keeps the real count in a global atomic and leaves the RefCell field unused
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};
static COUNT: AtomicU32 = AtomicU32::new(0);
struct Logger {
    count: RefCell<u32>,
}
impl Logger {
    fn new() -> Self { Logger { count: RefCell::new(0) } }
    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        COUNT.fetch_add(1, Ordering::SeqCst);
    }
    fn count(&self) -> u32 { let _ = &self.count; COUNT.load(Ordering::SeqCst) }
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
