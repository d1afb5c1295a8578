use super::{Account, transfer};
use std::cell::Cell;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long one transfer waits in `between_locks` for the other one to get there too.
const MEET_WITHIN: Duration = Duration::from_millis(500);
/// How long the test waits for two transfers before it calls them stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// A meeting point for two transfers: each one waits, inside `between_locks`, until the other
/// one has also arrived there, or until `MEET_WITHIN` has passed (a transfer that cannot get
/// its first lock never arrives, and the other must then go on alone).
struct Meeting {
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Meeting {
    fn new() -> Meeting {
        Meeting { arrived: Mutex::new(0), all_here: Condvar::new() }
    }

    fn arrive(&self) {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_here.notify_all();
        let deadline = Instant::now() + MEET_WITHIN;
        while *arrived < 2 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            arrived = self.all_here.wait_timeout(arrived, left).unwrap().0;
        }
    }
}

/// Runs two transfers on two threads that start together and meet between their locks; returns
/// what each returned, or `None` if they did not both finish within `STUCK_AFTER`.
fn two_transfers_at_once(
    first: (&Arc<Account>, &Arc<Account>, i64),
    second: (&Arc<Account>, &Arc<Account>, i64),
) -> Option<[bool; 2]> {
    let meeting = Arc::new(Meeting::new());
    let start = Arc::new(Barrier::new(2));
    let (done, results) = mpsc::channel::<(usize, bool)>();
    for (index, (from, to, amount)) in [first, second].into_iter().enumerate() {
        let (from, to) = (Arc::clone(from), Arc::clone(to));
        let (meeting, start, done) = (Arc::clone(&meeting), Arc::clone(&start), done.clone());
        // Not joined: if the transfers deadlock, these threads stay stuck and the test reports it.
        thread::spawn(move || {
            start.wait();
            let moved: bool = transfer(&from, &to, amount, || meeting.arrive());
            let _ = done.send((index, moved));
        });
    }
    let deadline = Instant::now() + STUCK_AFTER;
    let mut outcome = [false; 2];
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let (index, moved) = results.recv_timeout(left).ok()?;
        outcome[index] = moved;
    }
    Some(outcome)
}

/// A transfer the sender can cover moves the money and returns true.
#[test]
fn transfer_moves_the_money() {
    let alice = Account::new(1, 100);
    let bob = Account::new(2, 50);
    let moved: bool = transfer(&alice, &bob, 30, || {});
    ::std::assert!(moved, "alice has 100, so sending 30 should work");
    let left: i64 = alice.balance();
    let got: i64 = bob.balance();
    ::std::assert_eq!(left, 70, "alice should have 100 - 30 = 70");
    ::std::assert_eq!(got, 80, "bob should have 50 + 30 = 80");
    let back: bool = transfer(&bob, &alice, 80, || {});
    ::std::assert!(back, "bob has 80, so sending 80 back should work (this transfer goes the other way)");
    let alice_now: i64 = alice.balance();
    let bob_now: i64 = bob.balance();
    ::std::assert_eq!(alice_now, 150, "alice should have 70 + 80 = 150");
    ::std::assert_eq!(bob_now, 0, "bob sent everything he had");
}

/// A transfer the sender cannot cover returns false and changes nothing.
#[test]
fn a_transfer_too_big_changes_nothing() {
    let alice = Account::new(1, 20);
    let bob = Account::new(2, 0);
    let refused: bool = !transfer(&alice, &bob, 50, || {});
    ::std::assert!(refused, "alice has only 20, so sending 50 should be refused");
    let left: i64 = alice.balance();
    let got: i64 = bob.balance();
    ::std::assert_eq!(left, 20, "a refused transfer leaves alice with her 20");
    ::std::assert_eq!(got, 0, "a refused transfer gives bob nothing");
}

/// `between_locks` runs once per transfer, while exactly one of the two accounts is locked.
#[test]
fn between_locks_runs_holding_one_lock() {
    let alice = Account::new(1, 100);
    let bob = Account::new(2, 100);
    for (from, to) in [(&alice, &bob), (&bob, &alice)] {
        let calls: Cell<u32> = Cell::new(0);
        let locked: Cell<u32> = Cell::new(0);
        transfer(from, to, 10, || {
            calls.set(calls.get() + 1);
            let held: u32 = u32::from(alice.balance.try_lock().is_err()) + u32::from(bob.balance.try_lock().is_err());
            locked.set(held);
        });
        let calls: u32 = calls.get();
        ::std::assert_eq!(calls, 1, "`transfer` should call `between_locks` exactly once");
        let locked: u32 = locked.get();
        ::std::assert_eq!(
            locked,
            1,
            "when `between_locks` runs, the transfer should hold the lock of one account (the first in its \
             order) and not yet the other's: keep the call between the two locks, and fix the order the \
             locks are taken in instead (see “Two locks, opposite orders”)"
        );
    }
}

/// Two transfers going opposite ways at the same moment both finish.
#[test]
fn opposite_transfers_at_once_both_finish() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    let outcome: Option<[bool; 2]> = two_transfers_at_once((&alice, &bob, 30), (&bob, &alice, 10));
    let finished: bool = outcome.is_some();
    ::std::assert!(
        finished,
        "alice -> bob and bob -> alice, started together, did not finish within 2 s: each transfer holds the \
         lock of the account it sends from and waits for the other's, because they take the two locks in \
         opposite orders. Lock any two accounts in one order for everyone, e.g. the lower id first (see \
         “Two locks, opposite orders”)"
    );
    let both_moved: bool = outcome.is_some_and(|moved| moved == [true, true]);
    ::std::assert!(
        both_moved,
        "both transfers should go through, since each sender can cover its amount: giving up when the second \
         lock is busy refuses good transfers. Take the locks in one order for everyone and simply wait (see \
         “Two locks, opposite orders”)"
    );
    let alice_now: i64 = alice.balance();
    let bob_now: i64 = bob.balance();
    ::std::assert_eq!(alice_now, 80, "alice: 100 - 30 + 10");
    ::std::assert_eq!(bob_now, 120, "bob: 100 + 30 - 10");
}

/// Two transfers from one account at the same moment cannot both spend the same money.
#[test]
fn two_transfers_from_one_account_never_overdraw() {
    let shared = Arc::new(Account::new(1, 100));
    let rent = Arc::new(Account::new(2, 0));
    let food = Arc::new(Account::new(3, 0));
    let outcome: Option<[bool; 2]> = two_transfers_at_once((&shared, &rent, 80), (&shared, &food, 80));
    let finished: bool = outcome.is_some();
    ::std::assert!(finished, "two transfers from one account did not finish within 2 s");
    let accepted: usize = outcome.map_or(0, |moved| moved.iter().filter(|&&ok| ok).count());
    let left: i64 = shared.balance();
    let spent_once: bool = accepted == 1 && left == 20;
    ::std::assert!(
        spent_once,
        "100 covers one transfer of 80, not two, yet {accepted} were accepted and the balance is {left}: the \
         balance was checked and then changed without holding its lock all along, and the other transfer \
         got in between. Keep both locks from the check to the update (see “Check and act under one lock”)"
    );
}
