// wrong: avoids the deadlock by giving up when the second lock is busy, so transfers that could go through are refused
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

struct Account {
    id: u32,
    balance: Mutex<i64>,
}

impl Account {
    fn new(id: u32, balance: i64) -> Account {
        Account { id, balance: Mutex::new(balance) }
    }

    fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

/// Moves `amount` from `from` to `to` if `from` can cover it, and says whether it did.
/// Calls `between_locks` once, after taking the first lock and before taking the second.
fn transfer(from: &Account, to: &Account, amount: i64, between_locks: impl Fn()) -> bool {
    let mut from_balance = from.balance.lock().unwrap();
    between_locks();
    // If the other account is busy, give up instead of waiting for it.
    let Ok(mut to_balance) = to.balance.try_lock() else {
        return false;
    };
    if *from_balance < amount {
        return false;
    }
    *from_balance -= amount;
    *to_balance += amount;
    true
}

fn main() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    // Alice sends 30 to Bob while Bob sends 10 to Alice. Each transfer dawdles a moment between
    // its two locks, so both are likely to hold one lock when they ask for the other.
    let dawdle = || thread::sleep(Duration::from_millis(50));
    let handles: Vec<thread::JoinHandle<bool>> =
        [(Arc::clone(&alice), Arc::clone(&bob), 30), (Arc::clone(&bob), Arc::clone(&alice), 10)]
            .into_iter()
            .map(|(from, to, amount)| thread::spawn(move || transfer(&from, &to, amount, dawdle)))
            .collect();

    // Give them half a second, then look.
    thread::sleep(Duration::from_millis(500));
    if handles.iter().all(|handle| handle.is_finished()) {
        println!("both transfers done: alice {}, bob {}", alice.balance(), bob.balance());
    } else {
        println!("the transfers are stuck: each holds one account's lock and waits for the other's");
    }
}
