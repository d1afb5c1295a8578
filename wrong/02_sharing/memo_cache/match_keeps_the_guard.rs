// wrong: `match` on `self.cache.borrow().get(..)`: the temporary read guard lives to the end of the `match`, so the insert in its arm panics
// memo_cache: a cache whose compute function calls back into it.
//
// `Memo` wraps an expensive function and remembers every answer it has
// computed. Looking a value up feels read-only to callers, so `get` takes
// `&self`; the cache inside is a `RefCell<HashMap>` so it can still be filled.
//
// The compute function receives the memo itself, so it may look up other keys
// (a recursive Fibonacci defined through the memo is the classic case). That
// means `get` can be re-entered while it is running.
//
// The fix: look up, let the guard go, compute with no borrow alive, and only
// then take a fresh, short `borrow_mut` to store the answer.

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
        match self.cache.borrow().get(&key) {
            Some(&hit) => hit,
            None => {
                *self.calls.borrow_mut() += 1;
                let value = (self.compute)(self, key);
                self.cache.borrow_mut().insert(key, value);
                value
            }
        }
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
