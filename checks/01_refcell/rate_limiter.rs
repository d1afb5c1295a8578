use super::*;

#[test]
fn quota_zero_refuses_the_first_call() {
    let limiter = RateLimiter::new(0);
    let shared: &RateLimiter = &limiter;
    assert!(
        !shared.try_acquire(),
        "with a quota of 0 the very first call should be refused"
    );
}

#[test]
fn quota_two_allows_two_calls_then_refuses_the_third() {
    let limiter = RateLimiter::new(2);
    let shared: &RateLimiter = &limiter;
    assert!(
        shared.try_acquire(),
        "with a quota of 2 the first call should succeed"
    );
    assert!(
        shared.try_acquire(),
        "with a quota of 2 the second call should succeed"
    );
    assert!(
        !shared.try_acquire(),
        "with a quota of 2 the third call should be refused"
    );
}

#[test]
fn larger_quota_allows_exactly_that_many_calls() {
    let limiter = RateLimiter::new(100);
    let shared: &RateLimiter = &limiter;
    let granted = (0..150).filter(|_| shared.try_acquire()).count();
    assert_eq!(
        granted, 100,
        "out of 150 calls with a quota of 100, exactly 100 should succeed"
    );
}

#[test]
fn each_successful_call_uses_up_one_permit() {
    let limiter = RateLimiter::new(5);
    assert!(limiter.try_acquire(), "the first of 5 permits should be granted");
    assert!(limiter.try_acquire(), "the second of 5 permits should be granted");
    let granted_later = (0..10).filter(|_| limiter.try_acquire()).count();
    assert_eq!(
        granted_later, 3,
        "after 2 successful calls with a quota of 5, exactly 3 more calls should succeed"
    );
}

#[test]
fn refused_calls_do_not_underflow_or_change_anything() {
    let limiter = RateLimiter::new(1);
    assert!(limiter.try_acquire(), "the single permit should be granted");
    for _ in 0..10 {
        assert!(
            !limiter.try_acquire(),
            "every call after the quota is used up should be refused; the count must stay at 0, \
             not wrap around to a huge number"
        );
    }
}

#[test]
fn two_clients_sharing_one_limiter_draw_from_the_same_quota() {
    let limiter = RateLimiter::new(3);
    let web: &RateLimiter = &limiter;
    let mobile: &RateLimiter = &limiter;
    assert!(web.try_acquire(), "first permit (web) should be granted");
    assert!(
        mobile.try_acquire(),
        "second permit (mobile) should be granted"
    );
    assert!(web.try_acquire(), "third permit (web) should be granted");
    assert!(
        !mobile.try_acquire(),
        "both clients share a quota of 3, so the fourth call should be refused"
    );
    assert!(
        !web.try_acquire(),
        "the shared quota is used up for every client"
    );
}
