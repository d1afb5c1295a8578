use super::Ledger;
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// Deposits add up in the balance; an unknown account has 0.
#[test]
fn deposit_shows_up_in_the_balance() {
    let ledger = Ledger::new();
    crate::__learn::exact::<Mutex<HashMap<String, i64>>, _>(&ledger.balances);
    ledger.deposit("alice", 100);
    ledger.deposit("alice", 25);
    let alice: i64 = ledger.balance("alice");
    let nobody: i64 = ledger.balance("nobody");
    ::std::assert_eq!(alice, 125, "two deposits of 100 and 25 should give a balance of 125");
    ::std::assert_eq!(nobody, 0, "an account that never received money should have balance 0");
}

/// A covered transfer moves the money and calls `approved` once.
#[test]
fn transfer_moves_money_between_accounts() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let mut audits: u32 = 0;
    let ok: bool = ledger.transfer("alice", "bob", 30, || audits += 1);
    let alice: i64 = ledger.balance("alice");
    let bob: i64 = ledger.balance("bob");
    ::std::assert!(ok, "alice has 100, so a transfer of 30 should be accepted");
    ::std::assert_eq!(audits, 1, "an accepted transfer should call `approved` exactly once");
    ::std::assert_eq!(alice, 70, "alice should have 100 - 30 = 70 after the transfer");
    ::std::assert_eq!(bob, 30, "bob should have received the 30");
}

/// A transfer the account cannot cover is refused, not audited, and changes nothing.
#[test]
fn transfer_without_enough_money_is_refused_and_changes_nothing() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 20);
    let mut audits: u32 = 0;
    let ok: bool = ledger.transfer("alice", "bob", 50, || audits += 1);
    let alice: i64 = ledger.balance("alice");
    let bob: i64 = ledger.balance("bob");
    ::std::assert!(!ok, "alice has only 20, so a transfer of 50 should be refused");
    ::std::assert_eq!(audits, 0, "a refused transfer should not be audited as approved");
    ::std::assert_eq!(alice, 20, "a refused transfer should leave alice's balance at 20");
    ::std::assert_eq!(bob, 0, "a refused transfer should not give bob anything");
}

/// The ledger's lock is still held when `approved` runs, between the check and the update.
#[test]
fn the_lock_is_held_from_check_to_update() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let mut locked_during_audit: Option<bool> = None;
    ledger.transfer("alice", "bob", 100, || locked_during_audit = Some(ledger.balances.try_lock().is_err()));
    let expected_locked_during_audit: Option<bool> = Some(true);
    ::std::assert_eq!(
        locked_during_audit,
        expected_locked_during_audit,
        "between the balance check and the update the ledger was unlocked: check and update must happen under one guard (see “Check and act under one lock”)"
    );
}

/// A competing transfer that starts between the check and the update must wait, so the account is never overdrawn.
#[test]
fn a_competing_transfer_waits_until_the_first_is_done() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let mut finished_early: Option<bool> = None;
    let mut competitor: Option<bool> = None;
    thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<bool>();
        let first: bool = ledger.transfer("alice", "bob", 100, || {
            let ledger = &ledger;
            scope.spawn(move || {
                let _ = tx.send(ledger.transfer("alice", "carol", 100, || {}));
            });
            finished_early = Some(rx.recv_timeout(Duration::from_millis(500)).is_ok());
        });
        ::std::assert!(first, "alice has 100, so the first transfer should be accepted");
        competitor = rx.recv_timeout(Duration::from_secs(3)).ok();
    });
    let expected_finished_early: Option<bool> = Some(false);
    ::std::assert_eq!(
        finished_early,
        expected_finished_early,
        "another transfer got in between the balance check and the update: keep the one guard alive from the check to the update (see “Check and act under one lock”)"
    );
    let expected_competitor: Option<bool> = Some(false);
    ::std::assert_eq!(competitor, expected_competitor, "alice's 100 went to bob, so the competing transfer should be refused");
    let alice: i64 = ledger.balance("alice");
    ::std::assert_eq!(alice, 0, "alice should end at 0, never below");
}

/// Right after a transfer the ledger can be used again: the guard was released.
#[test]
fn ledger_is_usable_again_right_after_a_transfer() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 10);
    let first: bool = ledger.transfer("alice", "bob", 10, || {});
    ledger.deposit("bob", 5);
    let second: bool = ledger.transfer("bob", "carol", 15, || {});
    let carol: i64 = ledger.balance("carol");
    let rest: i64 = ledger.balance("alice") + ledger.balance("bob");
    ::std::assert!(first, "alice can cover a transfer of exactly her balance");
    ::std::assert!(second, "bob now has 15 and should be able to send all of it");
    ::std::assert_eq!(carol, 15, "carol should end with 15");
    ::std::assert_eq!(rest, 0, "alice and bob should both be empty");
}

/// Eight transfers at once from one account: exactly as many succeed as the money covers.
#[test]
fn concurrent_transfers_never_overdraw_the_account() {
    let ledger = Arc::new(Ledger::new());
    ledger.deposit("shared", 350);
    let start = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let ledger = Arc::clone(&ledger);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                ledger.transfer("shared", &::std::format!("worker{i}"), 100, || {})
            })
        })
        .collect();
    let accepted: usize = handles.into_iter().map(|h| h.join().unwrap()).filter(|&ok| ok).count();
    let left: i64 = ledger.balance("shared");
    ::std::assert_eq!(accepted, 3, "350 can cover exactly three transfers of 100, so 3 of the 8 should succeed");
    ::std::assert_eq!(left, 50, "the shared account should end with 350 - 3 * 100 = 50");
}

/// A ledger where alice has 100, poisoned the way a bug does: a thread panics while it holds the
/// lock. That panic is expected, so not printed.
fn a_poisoned_ledger() -> Ledger {
    let ledger = Ledger::new();
    crate::__learn::exact::<Mutex<HashMap<String, i64>>, _>(&ledger.balances);
    ledger.deposit("alice", 100);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        let _ = scope
            .spawn(|| {
                let _changing = ledger.balances.lock();
                ::std::panic!("a teller's thread failed while it held the ledger");
            })
            .join();
    });
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = ledger.balances.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the ledger");
    ledger
}

/// Runs `call` on a thread of its own with panic output turned off: `Some` of what it returned,
/// `None` if it panicked. A call that has not returned after 2 s fails the test.
fn answered_quietly<T: Send>(what: &str, call: impl FnOnce() -> T + Send) -> Option<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = thread::scope(|scope| {
        let (answer, answered) = mpsc::channel::<Option<T>>();
        scope.spawn(move || {
            let _ = answer.send(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok());
        });
        answered.recv_timeout(Duration::from_secs(2))
    });
    ::std::panic::set_hook(report_panics);
    match outcome {
        Ok(returned) => returned,
        Err(_) => ::std::panic!(
            "on a ledger poisoned by a thread that panicked (nobody holds the lock any more), {what} did not answer within 2 s"
        ),
    }
}

/// The ledger's balances as they are, poisoned or not.
fn balances_of(ledger: &Ledger) -> (i64, i64) {
    let balances = ledger.balances.lock().unwrap_or_else(PoisonError::into_inner);
    (balances.get("alice").copied().unwrap_or(0), balances.get("bob").copied().unwrap_or(0))
}

/// What the tests say to do about a poisoned ledger.
const ON_POISON: &str = "A poisoned mutex says some code panicked half way through a change of the balances. Let \
     `lock().unwrap()` panic, so the failure shows, or, where the data is known to be fine, go on with \
     `unwrap_or_else(PoisonError::into_inner)` (see “Poisoned locks”)";

/// On a poisoned ledger, `deposit` either panics or adds the money: it never drops the deposit.
#[test]
fn a_deposit_on_a_poisoned_ledger_is_never_dropped() {
    let ledger = a_poisoned_ledger();
    let returned: bool = answered_quietly("`deposit(\"bob\", 30)`", || ledger.deposit("bob", 30)).is_some();
    let (_, bob): (i64, i64) = balances_of(&ledger);
    ::std::assert!(
        !returned || bob == 30,
        "after a thread panicked while it held the ledger's lock (which poisons it), `deposit(\"bob\", 30)` returned, but \
         bob's balance was then {bob}: the deposit was dropped without a trace.\n{ON_POISON}"
    );
}

/// On a poisoned ledger, `balance` either panics or answers the balance: never 0 for an account that has money.
#[test]
fn a_balance_on_a_poisoned_ledger_is_never_made_up() {
    let ledger = a_poisoned_ledger();
    let answer: Option<i64> = answered_quietly("`balance(\"alice\")`", || ledger.balance("alice"));
    ::std::assert!(
        answer.is_none() || answer == Some(100),
        "after a thread panicked while it held the ledger's lock (which poisons it), `balance(\"alice\")` answered {}, \
         though alice has 100: the poison was taken for an account with no money.\n{ON_POISON}",
        answer.unwrap_or_default()
    );
}

/// On a poisoned ledger, a transfer the money covers either panics or goes through: `false` would tell the caller that alice cannot cover it.
#[test]
fn a_transfer_on_a_poisoned_ledger_is_not_refused_for_lack_of_money() {
    let ledger = a_poisoned_ledger();
    let answer: Option<bool> = answered_quietly("`transfer(\"alice\", \"bob\", 40)`", || ledger.transfer("alice", "bob", 40, || {}));
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    let honest: bool = match answer {
        None => true,
        Some(moved) => moved && (alice, bob) == (60, 40),
    };
    ::std::assert!(
        honest,
        "after a thread panicked while it held the ledger's lock (which poisons it), `transfer(\"alice\", \"bob\", 40)`, \
         which alice's 100 covers, returned {} and left alice with {alice} and bob with {bob}: `false` tells the caller that \
         alice cannot cover 40, which is not what happened, and a `true` has to move the money.\n{ON_POISON}",
        answer.unwrap_or_default()
    );
}
