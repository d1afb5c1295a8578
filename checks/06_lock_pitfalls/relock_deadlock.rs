use super::Ledger;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, PoisonError, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

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

/// The message of the test's approval hook when it refuses a transfer.
const AUDIT_REFUSES: &str = "(part of the test) the audit refuses this transfer";

/// An approval that refuses (its hook panics, as a failing audit does) leaves every balance untouched: `approved` comes before the money moves.
#[test]
fn a_refused_approval_leaves_every_balance_untouched() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let asked = AtomicU32::new(0);
    // The refusal is the test's own panic: keep it out of the output.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(move |info| {
        let payload = info.payload();
        let ours: bool = payload.downcast_ref::<&str>().is_some_and(|m| *m == AUDIT_REFUSES)
            || payload.downcast_ref::<String>().is_some_and(|m| m == AUDIT_REFUSES);
        if !ours {
            report_panics(info);
        }
    }));
    let _ = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
        ledger.transfer("alice", "bob", 40, || {
            asked.fetch_add(1, Ordering::SeqCst);
            ::std::panic!("{}", AUDIT_REFUSES);
        })
    }));
    let times_asked: u32 = asked.load(Ordering::SeqCst);
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    ::std::assert!(
        times_asked == 1,
        "could not begin: the test's approval hook, which refuses, was called {times_asked} times by a transfer of 40 \
         that alice's 100 covers, where it is called once (the same fault as in transfer_moves_money_between_accounts)"
    );
    let untouched: bool = (alice, bob) == (100, 0);
    ::std::assert!(
        untouched,
        "the test's approval hook refused a transfer of 40 from alice to bob (it panicked, as a failing audit does), \
         and alice was left with {alice} and bob with {bob}, where both should still be as before (100 and 0): the \
         balances had already changed when `approved` was asked, so its refusal came too late to stop the transfer. \
         Call `approved()` once the balance check has passed and before the money moves, with the one guard alive \
         from the check to the update (see “Check and act under one lock”)"
    );
}

// How long the busy-ledger tests below keep the ledger locked while a method runs on another
// thread (unless that call has already returned). A method that gives up on a busy lock
// (`try_lock()` and a made-up answer) returns within microseconds of starting, far inside this;
// one that waits with `lock()` passes however long the hold lasts: a loaded machine only makes
// the test wait the whole hold.
const HOLD: Duration = Duration::from_millis(200);

/// Runs `call` on a thread of its own, with panic output turned off, while this thread holds the
/// ledger's lock, until `call` has returned or `HOLD` has passed since it started; then unlocks.
/// Gives back whether `call` had returned while the lock was still held (so it never waited for
/// it), and what it returned (`None` if it panicked).
fn while_busy<T: Send>(ledger: &Ledger, call: impl FnOnce() -> T + Send) -> (bool, Option<T>) {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let held = ledger.balances.lock().unwrap_or_else(PoisonError::into_inner);
    let outcome = thread::scope(|scope| {
        let (started, running) = mpsc::channel::<()>();
        let caller = scope.spawn(move || {
            let _ = started.send(());
            ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok()
        });
        let _ = running.recv_timeout(Duration::from_secs(2));
        let since = Instant::now();
        while !caller.is_finished() && since.elapsed() < HOLD {
            thread::sleep(Duration::from_millis(1));
        }
        let returned_while_held: bool = caller.is_finished();
        drop(held);
        (returned_while_held, caller.join().ok().flatten())
    });
    ::std::panic::set_hook(report_panics);
    outcome
}

/// How a call made while the ledger was busy returned.
fn how_it_returned(returned_while_held: bool) -> &'static str {
    if returned_while_held {
        " at once, without waiting for the lock"
    } else {
        ""
    }
}

/// What the tests say to do about a busy ledger.
const ON_BUSY: &str = "Another thread holding the ledger's lock is the normal case between threads, not a failure: \
     `lock()` waits until the lock is free, and the method then does its whole job. A `try_lock()` that turns a busy \
     lock into a balance of 0, a dropped deposit or a `false` makes up an answer nobody can tell from a true one, \
     and the work is lost without a trace (see “Keeping the lock short”)";

/// `balance` asked while another thread holds the ledger waits for the lock and answers the balance.
#[test]
fn a_balance_asked_while_the_ledger_is_busy_waits_and_answers() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let (returned_while_held, answer): (bool, Option<i64>) = while_busy(&ledger, || ledger.balance("alice"));
    ::std::assert!(
        answer.is_some(),
        "`balance(\"alice\")`, asked while another thread held the ledger's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let balance: i64 = answer.unwrap_or_default();
    ::std::assert!(
        balance == 100,
        "`balance(\"alice\")`, asked while another thread held the ledger's lock for a moment, answered {balance}{}, \
         though alice has 100: it gave up on a busy lock and made up a balance.\n{ON_BUSY}",
        how_it_returned(returned_while_held)
    );
}

/// `deposit` called while another thread holds the ledger waits for the lock and adds the money.
#[test]
fn a_deposit_made_while_the_ledger_is_busy_waits_and_adds_the_money() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let (returned_while_held, answer): (bool, Option<()>) = while_busy(&ledger, || ledger.deposit("bob", 30));
    ::std::assert!(
        answer.is_some(),
        "`deposit(\"bob\", 30)`, called while another thread held the ledger's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    ::std::assert!(
        (alice, bob) == (100, 30),
        "`deposit(\"bob\", 30)`, called while another thread held the ledger's lock for a moment, returned{}, and \
         the balances were then {alice} for alice and {bob} for bob, where bob should have the 30: it gave up on a \
         busy lock and the deposit was dropped.\n{ON_BUSY}",
        how_it_returned(returned_while_held)
    );
}

/// `transfer` called while another thread holds the ledger waits for the lock and moves the money.
#[test]
fn a_transfer_made_while_the_ledger_is_busy_waits_and_moves_the_money() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    let audits = AtomicU32::new(0);
    let (returned_while_held, answer): (bool, Option<bool>) = while_busy(&ledger, || {
        ledger.transfer("alice", "bob", 40, || {
            audits.fetch_add(1, Ordering::SeqCst);
        })
    });
    ::std::assert!(
        answer.is_some(),
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         panicked.\n{ON_BUSY}"
    );
    let moved: bool = answer.unwrap_or_default();
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    let approvals: u32 = audits.load(Ordering::SeqCst);
    ::std::assert!(
        moved,
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         answered false{}, though alice's 100 covers 40 and nothing changed meanwhile (alice then had {alice}, bob \
         {bob}): it gave up on a busy lock, and `false` tells the caller that alice cannot cover 40.\n{ON_BUSY}",
        how_it_returned(returned_while_held)
    );
    ::std::assert!(
        (alice, bob) == (60, 40) && approvals == 1,
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         answered true, but left alice with {alice} and bob with {bob} (60 and 40 are due) and called `approved` \
         {approvals} times (once is due): a `true` has to move the money, after one approval.\n{ON_BUSY}"
    );
}

/// The balances of alice, bob and carol in a map seen through the ledger's lock.
fn three(balances: &HashMap<String, i64>) -> (i64, i64, i64) {
    let of = |who: &str| balances.get(who).copied().unwrap_or(0);
    (of("alice"), of("bob"), of("carol"))
}

/// A competing transfer that starts between the check and the update must wait, so the account is never overdrawn.
#[test]
fn a_competing_transfer_waits_until_the_first_is_done() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    // What the competing transfer answered while the first one was still in `approved` (`None`:
    // it was waiting, as it should), and the balances of alice, bob and carol seen at that moment
    // (`None`: the ledger was still locked by the first transfer, so nothing had changed since its check).
    let mut early: Option<bool> = None;
    let mut seen_then: Option<(i64, i64, i64)> = None;
    let mut competitor: Option<bool> = None;
    thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<bool>();
        let first: bool = ledger.transfer("alice", "bob", 100, || {
            let ledger = &ledger;
            scope.spawn(move || {
                let _ = tx.send(ledger.transfer("alice", "carol", 100, || {}));
            });
            early = rx.recv_timeout(Duration::from_millis(500)).ok();
            if early.is_some() {
                seen_then = match ledger.balances.try_lock() {
                    Ok(balances) => Some(three(&balances)),
                    Err(TryLockError::Poisoned(poisoned)) => Some(three(&poisoned.into_inner())),
                    Err(TryLockError::WouldBlock) => None,
                };
            }
        });
        ::std::assert!(first, "alice has 100, so the first transfer should be accepted");
        competitor = early.or_else(|| rx.recv_timeout(Duration::from_secs(3)).ok());
    });
    // Refused at once, with alice's 100 untouched: the competitor did not wait for the busy ledger.
    let gave_up_on_busy: bool = early == Some(false) && seen_then.is_none_or(|seen| seen == (100, 0, 0));
    ::std::assert!(
        !gave_up_on_busy,
        "while a transfer of alice's 100 to bob was between its balance check and its update (in `approved`, with \
         the ledger locked), a second transfer of 100 from alice to carol answered false without waiting, though \
         alice's 100 was still there and nothing had changed: it gave up on a busy lock. It should wait with \
         `lock()` until the first transfer is done, and then be refused because alice is at 0.\n{ON_BUSY}"
    );
    let got_in: bool = early.is_some();
    ::std::assert!(
        !got_in,
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
    ::std::assert!(
        accepted >= 3,
        "8 transfers of 100 from an account holding 350 ran at once, and only {accepted} went through, leaving {left}: \
         transfers were refused while the money was there, as when a transfer gives up on a busy lock.\n{ON_BUSY}"
    );
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
