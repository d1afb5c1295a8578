// wrong: keys below 2 are computed on every lookup and never stored (the Fibonacci base case copied into `get`), so the memo does not remember every answer
// memo_cache: a cache whose compute function calls back into it.
//
// Lesson section: “Calling back into a borrowed cell”.
// New here: re-entrant callbacks — a function you call may call back into your type; no guard of the
//           cell may be alive while it runs.
//
// `Memo` wraps an expensive function and remembers every answer it has
// computed. Looking a value up feels read-only to callers, so `get` takes
// `&self`; the cache inside is a `RefCell<HashMap>` so it can still be filled.
//
// The compute function receives the memo itself, so it may look up other keys
// (a recursive Fibonacci defined through the memo is the classic case). That
// means `get` can be re-entered while it is running.
//
// The `get` below looks tidy and works for simple functions, but give it a
// compute function that calls `memo.get` and it panics with "RefCell already
// borrowed". In TS a callback may freely touch the object that called it; in
// Rust the cache's borrow flag notices. Which borrow is still alive while
// `compute` runs?
//
// TODO: fix `get` so that no borrow of the cache is held during the computation.

use std::cell::RefCell;
use std::collections::HashMap;

type Compute = Box<dyn Fn(&Memo, u64) -> u64>;

struct Memo {
    compute: Compute,
    cache: RefCell<HashMap<u64, u64>>,
    calls: RefCell<u64>, // how many times `compute` really ran
}

impl Memo {
    fn new(compute: impl Fn(&Memo, u64) -> u64 + 'static) -> Self {
        Memo {
            compute: Box::new(compute),
            cache: RefCell::new(HashMap::new()),
            calls: RefCell::new(0),
        }
    }

    fn get(&self, key: u64) -> u64 {
        // Base case, as in the lesson's Fibonacci: small keys are answered directly.
        if key < 2 {
            *self.calls.borrow_mut() += 1;
            return (self.compute)(self, key);
        }
        let known = self.cache.borrow().get(&key).copied();
        if let Some(v) = known {
            return v;
        }
        *self.calls.borrow_mut() += 1;
        let v = (self.compute)(self, key);
        self.cache.borrow_mut().insert(key, v);
        v
    }

    fn compute_calls(&self) -> u64 {
        *self.calls.borrow()
    }
}

fn main() {
    let squares = Memo::new(|_, n| n * n);
    let lookups = [3, 3, 8, 3];
    let values: Vec<u64> = lookups.iter().map(|&n| squares.get(n)).collect();
    println!("{values:?} with {} computations", squares.compute_calls());

    let fib = Memo::new(|memo, n| {
        if n < 2 {
            n
        } else {
            memo.get(n - 1) + memo.get(n - 2)
        }
    });
    println!(
        "fib(60) = {} with {} computations",
        fib.get(60),
        fib.compute_calls()
    );
}
