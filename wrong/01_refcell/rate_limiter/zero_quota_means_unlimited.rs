// wrong: `new` turns a quota of 0 into u32::MAX ("0 means no limit"), so a limiter given 0 permits grants calls
// rate_limiter: a quota counted down through `&self`.
//
// Lesson section: “Copying out versus changing in place”.
// New here: `*cell.borrow()` on a `Copy` value — copies it out; changing the copy leaves the cell alone.
// New here: a `RefMut` kept in a `let` — changes the value in place, inside the cell.
//
// A `RateLimiter` hands out a fixed number of permits, say 100 API calls per
// client. Every part of the app that makes calls shares one `&RateLimiter`,
// so `try_acquire` has to take `&self` and the remaining count lives in a
// `RefCell<u32>`.
//
// `try_acquire` should use up one permit and return true while permits are
// left, and return false (changing nothing) once they are all gone.
//
// The version below compiles, yet it never runs out, and with a quota of 0
// it crashes. Read the compiler's warning about `remaining`: it is a clue to
// what the code is actually changing. Also remember that a `u32` cannot go
// below zero: subtracting 1 from 0 panics in a debug build.

use std::cell::RefCell;

struct RateLimiter {
    remaining: RefCell<u32>,
}

impl RateLimiter {
    fn new(quota: u32) -> Self {
        RateLimiter {
            remaining: RefCell::new(if quota == 0 { u32::MAX } else { quota }),
        }
    }

    fn try_acquire(&self) -> bool {
        let mut remaining = self.remaining.borrow_mut();
        if *remaining == 0 {
            return false;
        }
        *remaining -= 1;
        true
    }
}

fn main() {
    let limiter = RateLimiter::new(2);
    let client: &RateLimiter = &limiter;
    // Expected: true true false
    println!(
        "{} {} {}",
        client.try_acquire(),
        client.try_acquire(),
        client.try_acquire()
    );
}
