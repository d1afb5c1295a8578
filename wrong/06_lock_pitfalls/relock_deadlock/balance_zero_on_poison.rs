// wrong: balance answers 0 on a poisoned ledger, as if the account had no money
// relock_deadlock: a ledger of account balances, shared by many threads.
//
// “Locking twice on one thread”: a Rust `Mutex` is not reentrant, so a helper that locks the
// mutex its caller already holds waits for itself forever. The fix keeps the single lock in
// `transfer` (“Check and act under one lock”: the balance check, the audit call and the update
// all happen while the guard is alive) and hands the already-locked map to the helper.

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
        adjust(&mut balances, who, amount);
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
        self.balances.lock().map(|balances| balances.get(who).copied().unwrap_or(0)).unwrap_or(0)
    }
}

// Works on a map the caller has already locked: no `lock()` in here.
fn adjust(balances: &mut HashMap<String, i64>, who: &str, delta: i64) {
    *balances.entry(who.to_string()).or_insert(0) += delta;
}

fn main() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    println!("alice starts with {}", ledger.balance("alice"));
    ledger.transfer("alice", "bob", 30, || println!("audit: 30 from alice to bob approved"));
    println!("alice: {}, bob: {}", ledger.balance("alice"), ledger.balance("bob"));
}
