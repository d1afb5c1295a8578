use super::Memo;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// `get` returns what the compute function gives, and the same value again from the cache.
#[test]
fn values_match_the_compute_function() {
    let memo = Memo::new(|_, n| n * n + 1);
    crate::__learn::exact::<RefCell<HashMap<u64, u64>>, _>(&memo.cache);
    let four: u64 = memo.get(4);
    let zero: u64 = memo.get(0);
    let four_again: u64 = memo.get(4);
    ::std::assert_eq!(four, 17, "get(4) should return compute(4) = 4*4 + 1");
    ::std::assert_eq!(zero, 1, "get(0) should return compute(0) = 0*0 + 1");
    ::std::assert_eq!(four_again, 17, "a cached answer should be the same value as the first one");
}

/// A key asked for again comes from the cache: the compute function runs once per key.
#[test]
fn repeated_keys_are_computed_only_once() {
    let memo = Memo::new(|_, n| n * 3);
    let first: &Memo = &memo;
    let second: &Memo = &memo;
    for key in [4u64, 4, 7, 4, 7, 9] {
        let a: u64 = first.get(key);
        let b: u64 = second.get(key);
        let expected_a: u64 = key * 3;
        ::std::assert_eq!(a, expected_a, "get({key}) should be {key} * 3");
        let expected_b: u64 = key * 3;
        ::std::assert_eq!(b, expected_b, "get({key}) through a second reference should agree");
    }
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(calls, 3, "lookups of the 3 distinct keys 4, 7, 9 should run the compute function only 3 times");
}

/// While the compute function runs, no guard of the cache is alive: it could borrow it for writing.
#[test]
fn no_borrow_is_held_while_compute_runs() {
    let busy: Rc<Cell<u32>> = Rc::new(Cell::new(0));
    let seen = Rc::clone(&busy);
    let memo = Memo::new(move |memo, n| {
        if memo.cache.try_borrow_mut().is_err() {
            seen.set(seen.get() + 1);
        }
        n + 1
    });
    let first: u64 = memo.get(1);
    let second: u64 = memo.get(2);
    let times_busy: u32 = busy.get();
    ::std::assert_eq!(first, 2, "get(1) should be 1 + 1");
    ::std::assert_eq!(second, 3, "get(2) should be 2 + 1");
    ::std::assert_eq!(
        times_busy, 0,
        "the cache was still borrowed while the compute function ran; end every guard before calling it (see “Calling back into a borrowed cell”)"
    );
}

/// A compute function that calls `memo.get` for a smaller key works, and fills the cache on the way.
#[test]
fn compute_may_look_up_a_smaller_key() {
    let memo = Memo::new(|memo, n| if n == 0 { 1 } else { n * memo.get(n - 1) });
    let ten: u64 = memo.get(10);
    ::std::assert_eq!(
        ten, 3_628_800,
        "factorial(10) should be 3628800; a compute function that calls `memo.get` must not panic"
    );
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(calls, 11, "keys 0..=10 should each be computed exactly once");
    let six: u64 = memo.get(6);
    let calls_after: u64 = memo.compute_calls();
    ::std::assert_eq!(six, 720, "factorial(6) was cached on the way and should be 720");
    ::std::assert_eq!(calls_after, 11, "looking up a key cached during the recursion must not compute again");
}

/// A recursive Fibonacci through the memo is exact and computes each key once.
#[test]
fn recursive_fibonacci_is_fast_and_exact() {
    let fib = Memo::new(|memo, n| if n < 2 { n } else { memo.get(n - 1) + memo.get(n - 2) });
    let value: u64 = fib.get(80);
    let calls: u64 = fib.compute_calls();
    ::std::assert_eq!(value, 23_416_728_348_467_685, "fib(80) should be 23416728348467685");
    ::std::assert_eq!(calls, 81, "each of the keys 0..=80 should be computed once; more calls mean cached answers were not reused");
}

/// After a recursive lookup the cache works normally again.
#[test]
fn cache_is_usable_again_after_a_recursive_lookup() {
    let memo = Memo::new(|memo, n| if n == 0 { 0 } else { n + memo.get(n - 1) });
    let five: u64 = memo.get(5);
    let seven: u64 = memo.get(7);
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(five, 15, "sum of 1..=5 should be 15");
    ::std::assert_eq!(seven, 28, "sum of 1..=7 should be 28, reusing the cached sum for 5");
    ::std::assert_eq!(calls, 8, "keys 0..=7 should each be computed once");
}
