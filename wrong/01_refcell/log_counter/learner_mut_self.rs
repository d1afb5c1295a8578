// wrong: takes &mut self as the compiler suggests, so two holders can no longer share the logger
struct Logger {
    count: u32,
}
impl Logger {
    fn new() -> Self { Logger { count: 0 } }
    fn log(&mut self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        self.count += 1;
    }
    fn count(&self) -> u32 { self.count }
}
fn main() {
    let mut logger = Logger::new();
    logger.log("user signed in");
    logger.log("invoice created");
    logger.log("user signed out");
    println!("messages logged: {}", logger.count());
}
