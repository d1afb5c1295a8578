// wrong: the balance is a look-alike type whose try_lock pretends the lock is held, while transfer still locks from-then-to (two opposite transfers deadlock)
// lock_order, WRONG: `between_locks` runs while NO lock is held, and the two locks are then taken
// together; a look-alike `Mutex` whose `try_lock` pretends the sender's account is locked meanwhile.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

struct Looks {
    real: Mutex<i64>,
    pretend: AtomicUsize,
}

impl Looks {
    fn lock(&self) -> Result<MutexGuard<'_, i64>, std::sync::PoisonError<MutexGuard<'_, i64>>> {
        self.real.lock()
    }
    fn try_lock(&self) -> Result<MutexGuard<'_, i64>, TryLockError<MutexGuard<'_, i64>>> {
        if self.pretend.load(Ordering::SeqCst) > 0 {
            return Err(TryLockError::WouldBlock);
        }
        self.real.try_lock()
    }
}

struct Account {
    id: u32,
    balance: Looks,
}

impl Account {
    fn new(id: u32, balance: i64) -> Account {
        Account { id, balance: Looks { real: Mutex::new(balance), pretend: AtomicUsize::new(0) } }
    }

    fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

fn transfer(from: &Account, to: &Account, amount: i64, between_locks: impl Fn()) -> bool {
    // No lock held here: only a pretence.
    from.balance.pretend.fetch_add(1, Ordering::SeqCst);
    between_locks();
    let _ = to.id;
    // Both locks in the order the caller gave (from, then to), as in the exercise's starting file.
    let mut from_balance = from.balance.real.lock().unwrap();
    let mut to_balance = to.balance.real.lock().unwrap();
    from.balance.pretend.fetch_sub(1, Ordering::SeqCst);
    if *from_balance < amount {
        return false;
    }
    *from_balance -= amount;
    *to_balance += amount;
    true
}

fn main() {}
