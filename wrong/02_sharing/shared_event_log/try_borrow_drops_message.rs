// wrong: the logger uses try_borrow_mut and silently drops the message whenever someone is reading the log
// shared_event_log: one log, written by several closures.
//
// Lesson section: “Closures that keep a handle”.
// New here: `std::rc::Rc` — shared ownership on one thread; `Rc::clone` makes one more handle to the same
//           value (nothing inside is copied), and `Rc::strong_count` counts the handles.
// New here: `move` closures — a closure returned from a function must own what it uses.
//
// Two parts of an app, "auth" and "db", should write into ONE event log. In
// TypeScript you would hand the same array to both callbacks and be done:
// every closure that mentions it sees the same object.
//
// In Rust a value has one owner. To give the log several owners you wrap it in
// `Rc` (a reference-counted handle: cloning it is cheap and points at the same
// data), and to push through those shared handles you wrap the Vec in `RefCell`.
//
// `make_logger` returns a closure that appends "[name] message" to the log.
// The closure has to outlive the call to `make_logger`, so it must own what it
// uses, including its own handle to the log.
//
// TODO: make `make_logger` compile and give every logger its own share of the log.

use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

fn new_log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn make_logger(log: &Log, name: &'static str) -> impl Fn(&str) {
    let log = Rc::clone(log);
    move |message: &str| {
        if let Ok(mut l) = log.try_borrow_mut() {
            l.push(format!("[{name}] {message}"));
        }
    }
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
