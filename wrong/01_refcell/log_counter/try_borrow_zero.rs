// wrong: count uses try_borrow and answers 0 while the count is being written, a made-up number instead of the panic that shows the overlap
// log_counter: your first taste of interior mutability.
//
// A `Logger` prints messages and keeps a running count of them. Two parts of
// the program (an `auth` module and a `billing` module) both hold a `&Logger`
// pointing at the same logger, the way two TypeScript modules would both
// import one shared `logger` object and call `logger.log(...)`.
//
// A plain `u32` field cannot be assigned through `&self` (error E0594), and
// `&mut self` is no way out because two holders share the logger. In a
// `RefCell<u32>` the counter carries its own borrow bookkeeping: the cell
// checks each access as the program runs, so `log` can keep `&self`.
// (A `Cell<u32>` would be lighter for a lone number, see “Cell or RefCell”;
// this first exercise uses `RefCell` for the guards the next ones build on.)

use std::cell::RefCell;

struct Logger {
    // The cell owns the number; `&self` is enough to ask it for write access.
    count: RefCell<u32>,
}

impl Logger {
    fn new() -> Self {
        Logger {
            count: RefCell::new(0),
        }
    }

    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        // `borrow_mut()` hands out a temporary exclusive guard. It is dropped at
        // the end of this statement, so the next `log` call can borrow again.
        *self.count.borrow_mut() += 1;
    }

    fn count(&self) -> u32 {
        // `borrow()` gives read access; `*` copies the `u32` out of the guard.
        self.count.try_borrow().map(|count| *count).unwrap_or(0)
    }
}

fn main() {
    let logger = Logger::new();
    // Two subsystems, one logger: both references are alive at the same time.
    let auth: &Logger = &logger;
    let billing: &Logger = &logger;

    auth.log("user signed in");
    billing.log("invoice created");
    auth.log("user signed out");

    println!("messages logged: {}", logger.count());
}
