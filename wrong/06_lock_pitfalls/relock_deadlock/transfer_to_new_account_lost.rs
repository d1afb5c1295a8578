// wrong: deposit opens accounts, but transfer's adjust uses `get_mut`, so money sent to an account the ledger does not have yet leaves the sender and goes nowhere
// relock_deadlock: a ledger of account balances, shared by many threads.
//
// Lesson sections: “Locking twice on one thread”, and “Check and act under one lock”.
// New here: a lock taken twice on one thread — `Mutex::lock` waits for the lock to be free, even
//           when the thread asking is the one holding it, so the thread waits for itself forever.
//
// `transfer` must check the balance and move the money under ONE lock, so that no other
// thread can sneak in between the check and the update. Once the check passes it calls
// `approved()` (the bank's audit log), then moves the money. It takes the lock... and then
// calls the helper `adjust`, which tries to take the very same lock again. A Rust `Mutex` is
// not reentrant: the thread waits for itself forever. No compiler error, no panic, just a hang
// (the tests will time out).
//
// Fix it without giving up the single lock in `transfer`: the helper should work on data
// the caller has already locked, instead of locking on its own. Unlocking between the check
// and the update is not a fix: the tests make another transfer try to get in right there.

use std::collections::HashMap;
use std::sync::Mutex;

struct Ledger {
    balances: Mutex<HashMap<String, i64>>,
}

impl Ledger {
    fn new() -> Self {
        Ledger { balances: Mutex::new(HashMap::new()) }
    }

    fn deposit(&self, who: &str, amount: i64) {
        let mut balances = self.balances.lock().unwrap();
        *balances.entry(who.to_string()).or_insert(0) += amount;
    }

    /// Moves `amount` from `from` to `to`; refuses (returns false) if `from` cannot cover it.
    /// `approved` is called once the check has passed, before the money moves.
    fn transfer(&self, from: &str, to: &str, amount: i64, approved: impl FnOnce()) -> bool {
        let mut balances = self.balances.lock().unwrap();
        if balances.get(from).copied().unwrap_or(0) < amount {
            return false;
        }
        approved();
        adjust(&mut balances, from, -amount);
        adjust(&mut balances, to, amount);
        true
    } // the guard is dropped here, releasing the lock

    fn balance(&self, who: &str) -> i64 {
        self.balances.lock().unwrap().get(who).copied().unwrap_or(0)
    }
}

// Works on a map the caller has already locked: no `lock()` in here.
fn adjust(balances: &mut HashMap<String, i64>, who: &str, delta: i64) {
    if let Some(balance) = balances.get_mut(who) {
        *balance += delta;
    }
}

fn main() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    println!("alice starts with {}", ledger.balance("alice"));
    ledger.transfer("alice", "bob", 30, || println!("audit: 30 from alice to bob approved"));
    println!("alice: {}, bob: {}", ledger.balance("alice"), ledger.balance("bob"));
}
