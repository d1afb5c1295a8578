use super::*;

#[test]
fn values_match_the_compute_function() {
    let memo = Memo::new(|_, n| n * n + 1);
    assert_eq!(memo.get(4), 17, "get(4) should return compute(4) = 4*4 + 1");
    assert_eq!(memo.get(0), 1, "get(0) should return compute(0) = 0*0 + 1");
    assert_eq!(
        memo.get(4),
        17,
        "a cached answer should be the same value as the first one"
    );
}

#[test]
fn repeated_keys_are_computed_only_once() {
    let memo = Memo::new(|_, n| n * 3);
    let first: &Memo = &memo;
    let second: &Memo = &memo;
    for key in [4, 4, 7, 4, 7, 9] {
        assert_eq!(first.get(key), key * 3, "get({key}) should be {key} * 3");
        assert_eq!(
            second.get(key),
            key * 3,
            "get({key}) through a second reference should agree"
        );
    }
    assert_eq!(
        memo.compute_calls(),
        3,
        "6 x 2 lookups of the 3 distinct keys 4, 7, 9 should run the compute function only 3 times"
    );
}

#[test]
fn compute_may_look_up_a_smaller_key() {
    // factorial(n) = n * factorial(n - 1), defined through the memo itself
    let memo = Memo::new(|memo, n| if n == 0 { 1 } else { n * memo.get(n - 1) });
    assert_eq!(
        memo.get(10),
        3_628_800,
        "factorial(10) should be 3628800; a compute function that calls `memo.get` must not panic, \
         so `get` may not hold a borrow of the cache while it computes"
    );
    assert_eq!(
        memo.compute_calls(),
        11,
        "keys 0..=10 should each be computed exactly once"
    );
    assert_eq!(
        memo.get(6),
        720,
        "factorial(6) was cached on the way and should be 720"
    );
    assert_eq!(
        memo.compute_calls(),
        11,
        "looking up a key cached during the recursion must not compute again"
    );
}

#[test]
fn recursive_fibonacci_is_fast_and_exact() {
    let fib = Memo::new(|memo, n| {
        if n < 2 {
            n
        } else {
            memo.get(n - 1) + memo.get(n - 2)
        }
    });
    assert_eq!(
        fib.get(80),
        23_416_728_348_467_685,
        "fib(80) should be 23416728348467685 (the compute function re-enters `get` for n-1 and n-2)"
    );
    assert_eq!(
        fib.compute_calls(),
        81,
        "each of the keys 0..=80 should be computed once; more calls mean cached answers were not reused"
    );
}

#[test]
fn cache_is_usable_again_after_a_recursive_lookup() {
    let memo = Memo::new(|memo, n| if n == 0 { 0 } else { n + memo.get(n - 1) });
    assert_eq!(memo.get(5), 15, "sum of 1..=5 should be 15");
    assert_eq!(
        memo.get(7),
        28,
        "sum of 1..=7 should be 28, reusing the cached sum for 5"
    );
    assert_eq!(
        memo.compute_calls(),
        8,
        "keys 0..=7 should each be computed once"
    );
}
