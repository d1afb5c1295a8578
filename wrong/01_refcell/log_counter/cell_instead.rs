// wrong: stores the count in a Cell<u32>, not the RefCell the exercise teaches
use std::cell::Cell;
struct Logger {
    count: Cell<u32>,
}
impl Logger {
    fn new() -> Self { Logger { count: Cell::new(0) } }
    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        self.count.set(self.count.get() + 1);
    }
    fn count(&self) -> u32 { self.count.get() }
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
