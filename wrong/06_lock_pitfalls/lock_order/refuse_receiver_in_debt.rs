// wrong: also refuses any transfer that would leave the receiver below zero (misread of 'the receiver must be able to take the amount'): a sender who can cover it is refused when the receiver is in debt
// lock_order: transfers between two accounts, each behind its own lock.
//
// Lesson section: “Two locks, opposite orders”.
//
// Every `Account` has its own `Mutex`, so transfers between different accounts never wait for
// each other. A transfer locks both of its accounts and keeps both locks until it is done, so
// the balance check and the move happen as one step, and nobody ever sees the money gone from
// one account but not yet in the other. The tests check all three. (A transfer from an
// account to itself has just one lock to take: it returns false before locking anything,
// since asking again for a lock this thread already holds would wait for ever; see
// “Locking twice on one thread”.)
//
// `transfer` locks `from`, then `to`. Now let Alice send to Bob while Bob sends to Alice: the
// first transfer holds Alice's lock and waits for Bob's, the second holds Bob's lock and waits
// for Alice's. Each waits for the other, forever. TypeScript never shows you this, because its
// code never waits for a lock; here the tests run two opposite transfers at once and wait a
// little for them to finish.
//
// `transfer` calls `between_locks()` once it holds its first lock and before it asks for the
// second. `main` and the tests pass a callback there that lines two transfers up, the way a
// busy server would now and then by chance. Keep that call between the two locks.
//
// Fix it by making every transfer take the two locks in the same order, whichever way the
// money goes: for example the account with the lower `id` first. (Letting go and starting
// again when the second lock is busy is another way out, but whether it gets through depends
// on timing; here every transfer calls `between_locks` exactly once.)

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
    if from.id == to.id {
        return false;
    }
    let from_first = from.id < to.id;
    let (first, second) = if from_first { (from, to) } else { (to, from) };
    let mut a = first.balance.lock().unwrap();
    between_locks();
    let mut b = second.balance.lock().unwrap();
    let (from_balance, to_balance) = if from_first { (&mut *a, &mut *b) } else { (&mut *b, &mut *a) };
    if *from_balance < amount || *to_balance + amount < 0 {
        return false;
    }
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
