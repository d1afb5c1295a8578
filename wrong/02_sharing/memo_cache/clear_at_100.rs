// wrong: clears the whole cache when it reaches 100 entries, so answers computed before are forgotten and recomputed (the memo should remember every answer)
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
        let k = key;
        let cached = self.cache.borrow().get(&k).copied();
        if let Some(v) = cached {
            return v;
        }
        *self.calls.borrow_mut() += 1;
        let value = (self.compute)(self, key);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= 100 { cache.clear(); }
        cache.insert(k, value);
        value
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
