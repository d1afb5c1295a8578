// lock_order: transfers between two accounts, each behind its own lock.
//
// Two transfers going opposite ways used to take the same two locks in opposite orders, so
// each could end up holding one lock and waiting forever for the other. A deadlock needs such
// a circle of waits, and a single order for everybody makes the circle impossible: whoever
// holds the first lock in that order can always go on to take the second.
//
// The fix: `transfer` sorts the two accounts by `id` and locks the lower one first, whichever
// way the money goes, and still holds both locks while it checks and moves the money. A transfer
// from an account to itself returns false first: its two locks would be the same one.

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
/// A transfer from an account to itself moves nothing: it returns false, locking nothing.
fn transfer(from: &Account, to: &Account, amount: i64, between_locks: impl Fn()) -> bool {
    // The same account twice has only one lock: taking it a second time would wait for ever.
    if from.id == to.id {
        return false;
    }
    // One order for every transfer: the lower id is always locked first.
    let from_first = from.id < to.id;
    let (first, second) = if from_first { (from, to) } else { (to, from) };
    let mut first_balance = first.balance.lock().unwrap();
    between_locks();
    let mut second_balance = second.balance.lock().unwrap();

    // Both locks are held from here on: the check and the move are one step.
    let (from_balance, to_balance) = if from_first {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    if *from_balance < amount {
        return false;
    }
    // The receiver must be able to take the amount too, checked before either balance changes:
    // a credit that overflowed after the debit would leave the money in neither account.
    let Some(credited) = to_balance.checked_add(amount) else {
        return false;
    };
    *from_balance -= amount;
    *to_balance = credited;
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
