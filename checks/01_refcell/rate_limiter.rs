use super::RateLimiter;
use std::cell::RefCell;

/// The quota is kept in a `RefCell<u32>` and changed in place through a `RefMut`.
#[test]
fn quota_lives_in_a_refcell_and_goes_down_in_place() {
    let limiter = RateLimiter::new(3);
    let cell: &RefCell<u32> = &limiter.remaining;
    let granted: bool = limiter.try_acquire();
    let left: u32 = *cell.borrow();
    ::std::assert!(granted, "with a quota of 3 the first call should be granted");
    if left == 3 {
        ::std::panic!(
            "after one granted call the cell still holds 3: `try_acquire` changed only a copy of the number, taken out with `*borrow()`; keep the `borrow_mut()` guard and change the value through it (see “Copying out versus changing in place”)"
        );
    }
    ::std::assert_eq!(left, 2, "after one granted call the cell itself should hold 2: one permit used, one taken off");
}

/// A quota of 0 refuses the first call.
#[test]
fn quota_zero_refuses_the_first_call() {
    let limiter = RateLimiter::new(0);
    let granted: bool = limiter.try_acquire();
    ::std::assert!(!granted, "a limiter with a quota of 0 should refuse every call");
}

/// A quota of 2 grants two calls, then refuses the third.
#[test]
fn quota_two_allows_two_calls_then_refuses_the_third() {
    let limiter = RateLimiter::new(2);
    let results: [bool; 3] = [limiter.try_acquire(), limiter.try_acquire(), limiter.try_acquire()];
    crate::__learn::exact::<RefCell<u32>, _>(&limiter.remaining);
    let left: u32 = *limiter.remaining.borrow();
    if left == 2 {
        ::std::panic!(
            "after three calls the cell still holds 2, so every call was granted: `try_acquire` changed only a copy of the number, never the value in the cell (see “Copying out versus changing in place”)"
        );
    }
    let expected_results: [bool; 3] = [true, true, false];
    ::std::assert_eq!(
        results,
        expected_results,
        "two permits then a refusal: once the count in the cell is 0, `try_acquire` should return false and leave it at 0"
    );
}

/// A quota of 5 grants exactly five calls.
#[test]
fn larger_quota_allows_exactly_that_many_calls() {
    let limiter = RateLimiter::new(5);
    let granted: usize = (0..20).filter(|_| limiter.try_acquire()).count();
    ::std::assert_eq!(granted, 5, "out of 20 calls with a quota of 5, exactly 5 should be granted");
}

/// Refused calls leave the quota at 0: no underflow, no wrap-around.
#[test]
fn refused_calls_do_not_underflow_or_change_anything() {
    let limiter = RateLimiter::new(1);
    let first: bool = limiter.try_acquire();
    ::std::assert!(first, "the single permit should be granted");
    let after_first: u32 = *limiter.remaining.borrow();
    if after_first == 1 {
        ::std::panic!(
            "after the single permit was granted the cell still holds 1: `try_acquire` changed only a copy of the number, so the quota is never used up (see “Copying out versus changing in place”)"
        );
    }
    for _ in 0..10 {
        let again: bool = limiter.try_acquire();
        ::std::assert!(!again, "every call after the quota is used up should be refused, leaving the count at 0");
    }
    crate::__learn::exact::<RefCell<u32>, _>(&limiter.remaining);
    let left: u32 = *limiter.remaining.borrow();
    ::std::assert_eq!(left, 0, "the quota should stay at 0, not wrap around");
}

/// Two clients holding `&RateLimiter` draw from the same quota.
#[test]
fn two_clients_sharing_one_limiter_draw_from_the_same_quota() {
    let limiter = RateLimiter::new(3);
    let web: &RateLimiter = &limiter;
    let mobile: &RateLimiter = &limiter;
    let results: [bool; 5] = [web.try_acquire(), mobile.try_acquire(), web.try_acquire(), mobile.try_acquire(), web.try_acquire()];
    let expected_results: [bool; 5] = [true, true, true, false, false];
    ::std::assert_eq!(
        results,
        expected_results,
        "both clients share a quota of 3, so the fourth and fifth calls should be refused"
    );
}
