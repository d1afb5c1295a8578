use super::RateLimiter;
use std::cell::RefCell;

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None`
// if it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

// Makes a limiter of `quota`, calls `try_acquire` `calls` times and watches the cell before and
// after each call. Says what the first wrong step did, in terms of what was seen (a quota changed
// by `new`, a permit granted past zero or again after a refusal, a refusal while permits remained,
// a count changed by the wrong amount), or `None` when every call was right.
fn first_wrong_call(quota: u32, calls: u32) -> Option<String> {
    const CHECK_FIRST: &str = "Check first, then subtract, on the `u32` in the cell: `if *remaining == 0 { return false; }` \
                               then `*remaining -= 1;` and `true`.";
    const SEE: &str = "(the lesson's `take_one` checks for 0 before it subtracts, \
                       see “Copying out versus changing in place”)";
    let limiter = RateLimiter::new(quota);
    let start: u32 = *limiter.remaining.borrow();
    if start != quota {
        return Some(::std::format!(
            "`RateLimiter::new({quota})` put {start} in the cell, before any call: the quota was changed at `new`. A \
             quota is the number of permits, exactly as given; a quota of 0 grants no call at all\n\
             Keep the quota as it comes: `remaining: RefCell::new(quota)`."
        ));
    }
    // Only quotas this large go wrong in a count taken through `i16`, `u16`, `f32` or `i32`.
    let cast_hint: &str = if quota > 32_767 {
        " The smaller quotas count right, so the count goes through a narrower, signed or floating type (`as i32`, \
         `as u16`, `as f32`) that wraps or rounds this one; every `u32` quota counts, up to u32::MAX = 4294967295\n\
         Check and subtract on the `u32` in the cell itself, with no cast: `if *remaining == 0 { return false; }` \
         then `*remaining -= 1`."
    } else {
        ""
    };
    let mut answers: Vec<bool> = Vec::new();
    let mut first_refusal: Option<u32> = None;
    for call in 1..=calls {
        let due_before: u32 = quota - (call - 1).min(quota);
        let due_grant: bool = due_before > 0;
        let due_after: u32 = if due_grant { due_before - 1 } else { 0 };
        let before: u32 = *limiter.remaining.borrow();
        let outcome: Option<bool> = quietly(|| limiter.try_acquire());
        let after: u32 = *limiter.remaining.borrow();
        let Some(granted) = outcome else {
            return Some(::std::format!(
                "with a quota of {quota}, call {call} of `try_acquire` panicked ({}the cell held {before} before it): {}",
                if answers.is_empty() { ::std::string::String::new() } else { ::std::format!("the calls before it returned {answers:?}; ") },
                if cast_hint.is_empty() {
                    ::std::format!(
                        "a `u32` at 0 minus 1 overflows, so the count was taken down before the check {SEE}\n\
                         {CHECK_FIRST}"
                    )
                } else {
                    ::std::format!("a count moved into a narrower or signed type overflows there.{cast_hint}")
                }
            ));
        };
        answers.push(granted);
        if granted == due_grant && after == due_after {
            if !granted {
                first_refusal.get_or_insert(call);
            }
            continue;
        }
        let said: String = ::std::format!(
            "with a quota of {quota}, the calls of `try_acquire` returned {answers:?}, and call {call} found {before} in \
             the cell and left {after}"
        );
        let fault: String = if granted && !due_grant {
            match first_refusal {
                Some(refused) => ::std::format!(
                    "call {refused} was refused, and call {call} was granted again: the count went below 0 and wrapped \
                     round to a huge number of permits (`wrapping_sub`, or a subtraction before the check)"
                ),
                None if quota == 0 => ::std::format!(
                    "a quota of 0 has no permit to give, and call {call} was granted all the same: a permit granted \
                     past zero"
                ),
                None => ::std::format!(
                    "all {quota} permits were used up, and call {call} was granted all the same: a permit granted past \
                     zero"
                ),
            }
        } else if !granted && due_grant {
            if before == 1 && after == 0 {
                ::std::format!(
                    "call {call} was refused while 1 permit remained, and it took that permit off the count: the check \
                     looks at the count after the subtraction (`saturating_sub(1)` then `> 0`), so the last permit is \
                     never granted"
                )
            } else {
                ::std::format!("call {call} was refused while {due_before} permits remained")
            }
        } else if !granted {
            ::std::format!(
                "call {call} was rightly refused, but it changed the count from {before} to {after}: a refused call \
                 changes nothing, yet here the count was taken below 0 and wrapped round (`wrapping_sub`, or a \
                 subtraction made before the check)"
            )
        } else if after == before {
            ::std::format!(
                "call {call} was granted, but the count in the cell stayed at {before}, where {due_after} was due: the \
                 permit was taken off a copy of the number, not off the count in the cell"
            )
        } else {
            ::std::format!(
                "call {call} was granted, but the count went from {before} to {after}, where {due_after} was due: a \
                 granted call takes exactly one permit off"
            )
        };
        return Some(if cast_hint.is_empty() {
            ::std::format!("{said}: {fault} {SEE}\n{CHECK_FIRST}")
        } else {
            ::std::format!("{said}: {fault}.{cast_hint}")
        });
    }
    None
}

/// `RateLimiter` holds its `remaining` cell and nothing beside it: the count lives in one place.
#[test]
fn the_limiter_holds_nothing_but_its_remaining_cell() {
    let limiter = RateLimiter::new(3);
    crate::__learn::exact::<RefCell<u32>, _>(&limiter.remaining);
    let size: usize = ::std::mem::size_of_val(&limiter);
    let field: usize = ::std::mem::size_of::<RefCell<u32>>();
    ::std::assert!(
        size == field,
        "`RateLimiter` takes {size} bytes, where its `remaining` field alone takes {field}: it keeps something beside the \
         count (a second counter, a flag, permits owed for later), so what the cell says is left and what `try_acquire` \
         grants can part ways (see “Copying out versus changing in place”)\n\
         Keep the one `remaining: RefCell<u32>`: `try_acquire` checks and changes the count through one `borrow_mut()` guard."
    );
}

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

/// A quota of 0 refuses the first call, and every call after it.
#[test]
fn quota_zero_refuses_the_first_call() {
    if let Some(fault) = first_wrong_call(0, 3) {
        ::std::panic!("{fault}");
    }
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
    if let Some(fault) = first_wrong_call(2, 3) {
        ::std::panic!("{fault}");
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
    if let Some(fault) = first_wrong_call(5, 20) {
        ::std::panic!("{fault}");
    }
    let limiter = RateLimiter::new(5);
    let granted: usize = (0..20).filter(|_| limiter.try_acquire()).count();
    ::std::assert_eq!(granted, 5, "out of 20 calls with a quota of 5, exactly 5 should be granted");
}

/// Refused calls leave the quota at 0: no underflow, no wrap-around.
#[test]
fn refused_calls_do_not_underflow_or_change_anything() {
    let limiter = RateLimiter::new(1);
    let first: bool = limiter.try_acquire();
    if !first
        && let Some(fault) = first_wrong_call(1, 11)
    {
        ::std::panic!("{fault}");
    }
    ::std::assert!(first, "the single permit should be granted");
    let after_first: u32 = *limiter.remaining.borrow();
    if after_first == 1 {
        ::std::panic!(
            "after the single permit was granted the cell still holds 1: `try_acquire` changed only a copy of the number, so the quota is never used up (see “Copying out versus changing in place”)"
        );
    }
    if let Some(fault) = first_wrong_call(1, 11) {
        ::std::panic!("{fault}");
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

/// Every `u32` quota counts exactly, up to `u32::MAX`: near the top, at each power of two and its neighbours.
#[test]
fn quotas_across_the_whole_u32_range_count_exactly() {
    // Quotas that a count kept in a narrower, signed or floating type gets wrong: each power of
    // two and its neighbours (a cast to `i32`, `u16` or `f32` changes some of them), and the top.
    // The smallest come first, so a fault in the counting itself is named at a quota of 0 to 3.
    let mut quotas: Vec<u32> = ::std::vec![0, 1, 2, 3, u32::MAX - 2, u32::MAX - 1, u32::MAX];
    for bit in 1..32 {
        let power: u32 = 1 << bit;
        quotas.extend([power - 1, power, power + 1]);
    }
    // Smallest first, so the message names the first quota that goes wrong.
    quotas.sort_unstable();
    quotas.dedup();
    for quota in quotas {
        if let Some(fault) = first_wrong_call(quota, 3) {
            ::std::panic!("{fault}");
        }
    }
}

/// A call made while the count is borrowed elsewhere panics (an overlap is a bug) or grants a permit: it never answers "none left" while permits are left.
#[test]
fn a_borrowed_cell_is_not_an_empty_quota() {
    for hold in ["a `borrow()`", "a `borrow_mut()`"] {
        let limiter = RateLimiter::new(5);
        let outcome: Option<bool> = if hold == "a `borrow()`" {
            let _reading = limiter.remaining.borrow();
            quietly(|| limiter.try_acquire())
        } else {
            let _writing = limiter.remaining.borrow_mut();
            quietly(|| limiter.try_acquire())
        };
        // A panic is what `borrow_mut()` does on an overlap: it shows the bug, so it passes.
        let Some(granted) = outcome else { continue };
        let left: u32 = *limiter.remaining.borrow();
        if !granted {
            ::std::panic!(
                "with 5 permits left, the test held {hold} of `remaining` and called `try_acquire`: it returned false, \
                 \"no permits left\", though 5 were. A cell that is busy is not a quota that is used up: `try_borrow_mut` \
                 fails because someone else holds the cell, and turning that into a refusal hides the overlap behind a \
                 wrong answer (see “Asking first: try_borrow and try_borrow_mut”)\n\
                 Use `borrow_mut()`: an overlap then panics with \"already borrowed\" and points at the bug."
            );
        }
        ::std::assert!(
            left == 4,
            "with 5 permits left, the test held {hold} of `remaining` and called `try_acquire`: it granted a permit, yet \
             the cell holds {left} afterwards, where 4 was due: a permit granted without being taken off the count in the \
             cell (see “Copying out versus changing in place”)\n\
             Use `borrow_mut()` and take the permit off through it: an overlap then panics with \"already borrowed\"."
        );
    }
}
