// log_counter: your first taste of interior mutability.
//
// Lesson section: “Shared references are read-only”.
// New here: `std::cell::RefCell` — a box whose contents can change through a shared `&`; it checks the
//           one-writer-or-many-readers rule while the program runs instead of at compile time.
// New here: `RefCell::borrow_mut` / `RefCell::borrow` — ask the cell for write or read access.
//
// A `Logger` prints messages and keeps a running count of them. Two parts of
// the program (an `auth` module and a `billing` module) both hold a `&Logger`
// pointing at the same logger, the way two TypeScript modules would both
// import one shared `logger` object and call `logger.log(...)`.
//
// In TypeScript this just works. Here it does not compile (error E0594): a
// `&self` method only has a shared, read-only view of the struct, so it may
// not assign to `self.count`. The compiler will suggest `&mut self`, but that
// moves the problem to the callers: Rust allows only one `&mut` at a time, and
// this logger has two holders at once.
//
// Keep `log(&self, ...)` as it is and change how `count` is stored, so the
// number can be updated from behind a shared reference. Store it in a
// `RefCell<u32>` (the tests look for that type). For a lone number a `Cell`
// would be lighter, as “Cell or RefCell” explains later; `RefCell` comes
// first because its read and write guards work for any value, the map and the
// lists of the next exercises included, and this is where you meet them.

struct Logger {
    // TODO: this plain `u32` cannot be changed through `&self`.
    count: u32,
}

impl Logger {
    fn new() -> Self {
        // TODO: build the new kind of counter here.
        Logger { count: 0 }
    }

    fn log(&self, msg: &str) {
        println!("[log #{}] {msg}", self.count() + 1);
        // TODO: increment the counter without needing `&mut self`.
        self.count += 1;
    }

    fn count(&self) -> u32 {
        // TODO: read the counter back out.
        self.count
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
