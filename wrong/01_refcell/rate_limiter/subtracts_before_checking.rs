// wrong: subtracts before checking for 0, so a `u32` at 0 underflows
// rate_limiter: a quota counted down through `&self`.
//
// A `RateLimiter` hands out a fixed number of permits, say 100 API calls per
// client. Every part of the app that makes calls shares one `&RateLimiter`,
// so `try_acquire` has to take `&self` and the remaining count lives in a
// `RefCell<u32>`.
//
// `try_acquire` uses up one permit and returns true while permits are left,
// and returns false (changing nothing) once they are all gone. The starting
// version copied the `u32` out of the cell and decremented the copy; the fix
// keeps the `RefMut` guard and writes through it.

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
        // One write guard for the check and the update, so nothing can change
        // the count between them. The guard ends with this call, which leaves
        // the cell free for the next one.
        let mut remaining = self.remaining.borrow_mut();
        *remaining -= 1;
        *remaining != u32::MAX
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
