// wrong: adds a gate Mutex<()> for transfers and releases the ledger between the check and the update (three ledger locks), where the exercise demands one guard from check to update; deposits/reads can get in between
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
    gate: Mutex<()>,
}

impl Ledger {
    fn new() -> Self {
        Ledger { balances: Mutex::new(HashMap::new()), gate: Mutex::new(()) }
    }

    fn deposit(&self, who: &str, amount: i64) {
        Self::adjust(&mut self.balances.lock().unwrap(), who, amount);
    }

    fn transfer(&self, from: &str, to: &str, amount: i64, approved: impl FnOnce()) -> bool {
        let _gate = self.gate.lock().unwrap();
        {
            let balances = self.balances.lock().unwrap();
            if balances.get(from).copied().unwrap_or(0) < amount {
                return false;
            }
            approved();
        }
        Self::adjust(&mut self.balances.lock().unwrap(), from, -amount);
        Self::adjust(&mut self.balances.lock().unwrap(), to, amount);
        true
    }

    fn adjust(balances: &mut HashMap<String, i64>, who: &str, delta: i64) {
        *balances.entry(who.to_string()).or_insert(0) += delta;
    }

    fn balance(&self, who: &str) -> i64 {
        self.balances.lock().unwrap().get(who).copied().unwrap_or(0)
    }
}

fn main() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    println!("alice starts with {}", ledger.balance("alice"));
    println!("moving 30 from alice to bob...");
    ledger.transfer("alice", "bob", 30, || println!("audit: 30 from alice to bob approved"));
    println!("alice: {}, bob: {}", ledger.balance("alice"), ledger.balance("bob"));
}
