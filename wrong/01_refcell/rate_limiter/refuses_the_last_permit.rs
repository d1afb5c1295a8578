// wrong: subtracts with `saturating_sub` first and then grants only if the count is still above 0, so the last permit is always refused
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
            remaining: RefCell::new(quota),
        }
    }

    fn try_acquire(&self) -> bool {
        let mut remaining = self.remaining.borrow_mut();
        *remaining = remaining.saturating_sub(1);
        *remaining > 0
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
