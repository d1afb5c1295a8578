// relock_deadlock: a ledger of account balances, shared by many threads.
//
// `transfer` must check the balance and move the money under ONE lock, so that no other
// thread can sneak in between the check and the update. A Rust `Mutex` is not reentrant:
// locking it again on the thread that already holds it waits forever.
//
// Solution: the helper `adjust` no longer locks anything. It takes `&mut HashMap` and every
// caller passes in the map from the guard it already holds. Locking happens once, at the
// public entry points; the helpers below them just work on the data.

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
        // `&mut guard` turns the MutexGuard into a plain `&mut HashMap` for the helper.
        let mut balances = self.balances.lock().unwrap();
        adjust(&mut balances, who, amount);
    }

    /// Moves `amount` from `from` to `to`; refuses (returns false) if `from` cannot cover it.
    fn transfer(&self, from: &str, to: &str, amount: i64) -> bool {
        // One guard for the whole check-then-update, so the balance cannot change under us.
        let mut balances = self.balances.lock().unwrap();
        if balances.get(from).copied().unwrap_or(0) < amount {
            return false;
        }
        adjust(&mut balances, from, -amount);
        adjust(&mut balances, to, amount);
        true
    } // the guard is dropped here, releasing the lock

    fn balance(&self, who: &str) -> i64 {
        self.balances.lock().unwrap().get(who).copied().unwrap_or(0)
    }
}

// Takes the data, not the Mutex: whoever calls it must already hold the lock, so it can
// never lock twice.
fn adjust(balances: &mut HashMap<String, i64>, who: &str, delta: i64) {
    *balances.entry(who.to_string()).or_insert(0) += delta;
}

fn main() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    println!("alice starts with {}", ledger.balance("alice"));
    println!("moving 30 from alice to bob...");
    ledger.transfer("alice", "bob", 30);
    println!("alice: {}, bob: {}", ledger.balance("alice"), ledger.balance("bob"));
}
