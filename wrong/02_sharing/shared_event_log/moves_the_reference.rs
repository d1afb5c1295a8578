// wrong: adds `move` but moves in only the `&Log` reference: the logger owns no handle of its own
// shared_event_log: one log, written by several closures.
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

use std::cell::RefCell;
use std::rc::Rc;

// `Rc` does the sharing, `RefCell` does the mutating: two separate jobs.
type Log = Rc<RefCell<Vec<String>>>;

fn new_log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn make_logger(log: &Log, name: &'static str) -> impl Fn(&str) {
    // `Rc::clone` copies the handle, not the Vec: the count of owners goes up
    // by one and both handles point at the same RefCell.
    // `move` hands that new handle (and `name`) to the closure, so the closure
    // owns everything it touches and can live as long as its caller wants.
    // The `borrow_mut` lasts only for this one push, so loggers never collide.
    move |message: &str| log.borrow_mut().push(format!("[{name}] {message}"))
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
