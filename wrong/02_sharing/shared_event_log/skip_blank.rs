// wrong: the logger silently drops blank messages ("" or whitespace), so those calls leave no line in the shared log
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

fn new_log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn make_logger(log: &Log, name: &'static str) -> impl Fn(&str) {
    let log = Rc::clone(log);
    move |message: &str| if !message.trim().is_empty() { log.borrow_mut().push(format!("[{name}] {message}")) }
}

fn main() {
    let log = new_log();
    let auth = make_logger(&log, "auth");
    let db = make_logger(&log, "db");

    auth("user alice signed in");
    db("SELECT * FROM orders");
    auth("user alice signed out");

    println!("owners of the log: {}", Rc::strong_count(&log));
    for line in log.borrow().iter() {
        println!("{line}");
    }
}
