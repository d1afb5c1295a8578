use super::Ledger;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, PoisonError, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

/// The balance of `who` as the ledger holds it, read straight through its lock (poisoned or not).
fn held_by(ledger: &Ledger, who: &str) -> i64 {
    ledger.balances.lock().unwrap_or_else(PoisonError::into_inner).get(who).copied().unwrap_or(0)
}

/// A new ledger with these deposits made through `deposit`, one after another. Fails the test
/// ("could not begin") if they do not show in the ledger: the fault is then the one
/// `deposit_shows_up_in_the_balance` names.
fn funded(deposits: &[(&str, i64)]) -> Ledger {
    let ledger = Ledger::new();
    for &(who, amount) in deposits {
        ledger.deposit(who, amount);
    }
    for &(who, amount) in deposits {
        let held: i64 = held_by(&ledger, who);
        let due: i64 = amount;
        ::std::assert!(
            held == due,
            "could not begin: a deposit of {amount} into a new ledger left {held} in {who}'s account, where {amount} \
             was due (the same fault as in deposit_shows_up_in_the_balance)"
        );
    }
    ledger
}

/// Deposits add up in the balance; an unknown account has 0.
#[test]
fn deposit_shows_up_in_the_balance() {
    let ledger = Ledger::new();
    crate::__learn::exact::<Mutex<HashMap<String, i64>>, _>(&ledger.balances);
    ledger.deposit("alice", 100);
    ledger.deposit("alice", 25);
    let alice: i64 = ledger.balance("alice");
    let nobody: i64 = ledger.balance("nobody");
    ::std::assert_eq!(
        alice,
        125,
        "two deposits of 100 and 25 into alice's new account should give a balance of 125: a deposit into an account \
         the ledger does not have yet opens it with that money (`entry(..).or_insert(0)`)"
    );
    ::std::assert_eq!(nobody, 0, "an account that never received money should have balance 0");
}

/// `Ledger` holds its `balances` and nothing else: no second lock or flag of its own beside them.
#[test]
fn the_ledger_holds_nothing_but_its_balances() {
    let size: usize = ::std::mem::size_of::<Ledger>();
    let field: usize = ::std::mem::size_of::<Mutex<HashMap<String, i64>>>();
    ::std::assert!(
        size <= field,
        "`Ledger` holds more than its `balances` ({size} bytes where that field takes {field}): a second lock or a \
         flag beside it (a gate around transfers, say) guards the transfers from each other, but deposits and \
         balances go around it, so the ledger can still be seen and changed between a transfer's check and its \
         update. The one lock of `balances`, held from the check to the update, is all a transfer needs \
         (see “Check and act under one lock”)"
    );
}

/// A covered transfer moves the money and calls `approved` once.
#[test]
fn transfer_moves_money_between_accounts() {
    let ledger = funded(&[("alice", 100)]);
    let mut audits: u32 = 0;
    let ok: bool = ledger.transfer("alice", "bob", 30, || audits += 1);
    let alice: i64 = ledger.balance("alice");
    let bob: i64 = ledger.balance("bob");
    ::std::assert!(ok, "alice has 100, so a transfer of 30 should be accepted");
    ::std::assert_eq!(audits, 1, "an accepted transfer should call `approved` exactly once");
    ::std::assert_eq!(alice, 70, "alice should have 100 - 30 = 70 after the transfer");
    ::std::assert_eq!(
        bob,
        30,
        "bob should have received the 30: a transfer to an account the ledger does not have yet opens it with the \
         money (`entry(..).or_insert(0)`), or the money leaves alice and goes nowhere"
    );
}

/// A transfer of exactly the whole balance goes through, and one a unit over it is refused: the check refuses only a balance smaller than the amount.
#[test]
fn a_transfer_of_exactly_the_whole_balance_goes_through() {
    let ledger = funded(&[("alice", 100)]);
    let over: bool = ledger.transfer("alice", "bob", 101, || {});
    let mut audits: u32 = 0;
    let whole: bool = ledger.transfer("alice", "bob", 100, || audits += 1);
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    ::std::assert!(
        !over,
        "alice has 100, and a transfer of 101 from her was accepted: an account cannot cover more than its balance"
    );
    ::std::assert!(
        whole,
        "alice has 100, and a transfer of exactly 100 from her was refused: an account covers a transfer of its whole \
         balance. The check refuses only when the balance is less than the amount (`balance < amount`, not `<=`)"
    );
    ::std::assert!(
        (alice, bob, audits) == (0, 100, 1),
        "a transfer of alice's whole 100 to bob was accepted, and left alice with {alice} and bob with {bob} (0 and \
         100 are due), with `approved` called {audits} times (once is due): an accepted transfer takes the whole amount \
         from alice and gives it all to bob, opening his account if the ledger does not have it yet"
    );
}

/// A transfer the account cannot cover is refused, not audited, and changes nothing.
#[test]
fn transfer_without_enough_money_is_refused_and_changes_nothing() {
    let ledger = funded(&[("alice", 20)]);
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
    let ledger = funded(&[("alice", 100)]);
    let mut locked_during_audit: Option<bool> = None;
    let moved: bool = ledger.transfer("alice", "bob", 60, || locked_during_audit = Some(ledger.balances.try_lock().is_err()));
    ::std::assert!(
        locked_during_audit.is_some(),
        "could not begin: a transfer of 60 from alice's 100 answered {moved} without calling `approved`, so the test \
         could not look at the lock while it ran (the same fault as in transfer_moves_money_between_accounts)"
    );
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
    let ledger = funded(&[("alice", 100)]);
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

/// How a call made while the test held the ledger's lock came back: whether it returned while the
/// lock was still held (so it did not wait for it), how long after it was made it returned, and
/// what it returned (`None` if it panicked).
struct WhileBusy<T> {
    returned_while_held: bool,
    waited: Duration,
    answer: Option<T>,
}

/// Runs `call` on a thread of its own, with panic output turned off, while this thread holds the
/// ledger's lock, until `call` has returned or `HOLD` has passed since it started; then unlocks.
fn while_busy<T: Send>(ledger: &Ledger, call: impl FnOnce() -> T + Send) -> WhileBusy<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let held = ledger.balances.lock().unwrap_or_else(PoisonError::into_inner);
    let outcome = thread::scope(|scope| {
        let (started, running) = mpsc::channel::<Instant>();
        let caller = scope.spawn(move || {
            let _ = started.send(Instant::now());
            let answer: Option<T> = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok();
            (answer, Instant::now())
        });
        let asked: Instant = running.recv_timeout(Duration::from_secs(2)).unwrap_or_else(|_| Instant::now());
        while !caller.is_finished() && asked.elapsed() < HOLD {
            thread::sleep(Duration::from_millis(1));
        }
        let returned_while_held: bool = caller.is_finished();
        drop(held);
        let (answer, returned): (Option<T>, Instant) = caller.join().unwrap_or((None, Instant::now()));
        WhileBusy { returned_while_held, waited: returned.saturating_duration_since(asked), answer }
    });
    ::std::panic::set_hook(report_panics);
    outcome
}

/// When a call made while the ledger was busy returned.
fn how_it_returned<T>(came: &WhileBusy<T>) -> String {
    if !came.returned_while_held {
        " once the lock was let go".to_string()
    } else if came.waited < Duration::from_millis(1) {
        " at once, without waiting for the lock".to_string()
    } else {
        ::std::format!(" after waiting {:.1?}, while the lock was still held", came.waited)
    }
}

/// What the tests say to do about a busy ledger.
const ON_BUSY: &str = "Another thread holding the ledger's lock is the normal case between threads, not a failure: \
     `lock()` waits until the lock is free, and the method then does its whole job. A `try_lock()` that turns a busy \
     lock into a balance of 0, a dropped deposit or a `false` makes up an answer nobody can tell from a true one, \
     and the work is lost without a trace (see “Keeping the lock short”)";

/// `ON_BUSY` on a line of its own, after a message about a call that gave up on a busy ledger.
const BUSY_AFTER: &str = ".\nAnother thread holding the ledger's lock is the normal case between threads, not a failure: \
     `lock()` waits until the lock is free, and the method then does its whole job. A `try_lock()` that turns a busy \
     lock into a balance of 0, a dropped deposit or a `false` makes up an answer nobody can tell from a true one, \
     and the work is lost without a trace (see “Keeping the lock short”)";

/// `balance` asked while another thread holds the ledger waits for the lock and answers the balance.
#[test]
fn a_balance_asked_while_the_ledger_is_busy_waits_and_answers() {
    let ledger = funded(&[("alice", 100)]);
    let came: WhileBusy<i64> = while_busy(&ledger, || ledger.balance("alice"));
    ::std::assert!(
        came.answer.is_some(),
        "`balance(\"alice\")`, asked while another thread held the ledger's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let balance: i64 = came.answer.unwrap_or_default();
    let why: &str = if came.returned_while_held {
        ": it gave up on a busy lock and made up a balance"
    } else {
        ": `balance` answers what the ledger holds for the account"
    };
    let busy: &str = if came.returned_while_held { BUSY_AFTER } else { "" };
    ::std::assert!(
        balance == 100,
        "`balance(\"alice\")`, asked while another thread held the ledger's lock for a moment, answered {balance}{}, \
         though alice has 100{why}{busy}",
        how_it_returned(&came)
    );
}

/// `deposit` called while another thread holds the ledger waits for the lock and adds the money.
#[test]
fn a_deposit_made_while_the_ledger_is_busy_waits_and_adds_the_money() {
    let ledger = funded(&[("alice", 100), ("bob", 5)]);
    let came: WhileBusy<()> = while_busy(&ledger, || ledger.deposit("bob", 30));
    ::std::assert!(
        came.answer.is_some(),
        "`deposit(\"bob\", 30)`, called while another thread held the ledger's lock for a moment, panicked.\n{ON_BUSY}"
    );
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    let why: &str = if came.returned_while_held {
        ": it gave up on a busy lock and the deposit was dropped"
    } else {
        ": once it has the lock, a deposit adds the money to the account"
    };
    let busy: &str = if came.returned_while_held { BUSY_AFTER } else { "" };
    ::std::assert!(
        (alice, bob) == (100, 35),
        "`deposit(\"bob\", 30)`, called while another thread held the ledger's lock for a moment, returned{}, and \
         the balances were then {alice} for alice and {bob} for bob, where alice should still have 100 and bob his 5 \
         and the 30{why}{busy}",
        how_it_returned(&came)
    );
}

/// `transfer` called while another thread holds the ledger waits for the lock and moves the money.
#[test]
fn a_transfer_made_while_the_ledger_is_busy_waits_and_moves_the_money() {
    let ledger = funded(&[("alice", 100), ("bob", 5)]);
    let audits = AtomicU32::new(0);
    let came: WhileBusy<bool> = while_busy(&ledger, || {
        ledger.transfer("alice", "bob", 40, || {
            audits.fetch_add(1, Ordering::SeqCst);
        })
    });
    let answer: Option<bool> = came.answer;
    ::std::assert!(
        answer.is_some(),
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         panicked.\n{ON_BUSY}"
    );
    let moved: bool = answer.unwrap_or_default();
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    let approvals: u32 = audits.load(Ordering::SeqCst);
    let why: &str = if came.returned_while_held {
        ": it gave up on a busy lock, and `false` tells the caller that alice cannot cover 40"
    } else {
        ": `false` tells the caller that alice cannot cover 40"
    };
    let busy: &str = if came.returned_while_held { BUSY_AFTER } else { "" };
    ::std::assert!(
        moved,
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         answered false{}, though alice's 100 covers 40 and nothing changed meanwhile (alice then had {alice}, bob \
         {bob}){why}{busy}",
        how_it_returned(&came)
    );
    let (how, busy): (String, &str) = if came.returned_while_held {
        (::std::format!("answered true{}, so it cannot have moved the money", how_it_returned(&came)), BUSY_AFTER)
    } else {
        ("answered true once the lock was let go".to_string(), "")
    };
    ::std::assert!(
        (alice, bob) == (60, 45) && approvals == 1,
        "`transfer(\"alice\", \"bob\", 40)`, called while another thread held the ledger's lock for a moment, \
         {how}, but left alice with {alice} and bob with {bob} (60 and 45 are due: bob had 5) and called `approved` \
         {approvals} times (once is due): a `true` has to move the money, after one approval{busy}"
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
    let ledger = funded(&[("alice", 100)]);
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
        ::std::assert!(
            first,
            "could not begin: alice has 100, and a transfer of all of it to bob was refused (the same fault as in \
             a_transfer_of_exactly_the_whole_balance_goes_through)"
        );
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

/// The balances of alice and bob in a map seen through the ledger's lock.
fn two(balances: &HashMap<String, i64>) -> (i64, i64) {
    let of = |who: &str| balances.get(who).copied().unwrap_or(0);
    (of("alice"), of("bob"))
}

/// How long the test below keeps watching transfers, one after another, and how many threads keep
/// trying the ledger during each. A transfer whose ledger is let go between the check and the
/// update is seen there within a few transfers as a rule, but not every time: a watcher has to be
/// running in the microseconds the ledger is free, and a loaded machine does not always run one
/// then (measured on two cores some fifteen times oversubscribed: caught in each of 25 runs, most
/// within a few transfers and 0.3 s, the slowest after 1.6 s). With one guard from check to update
/// no transfer can be seen there, however long the test watches.
const WATCH_FOR: Duration = Duration::from_millis(2500);
const WATCHERS: usize = 3;

/// Other threads waiting for the ledger while a transfer is in `approved` get it only once the money has moved: nobody sees the ledger between the check and the update.
#[test]
fn nobody_sees_the_ledger_between_the_check_and_the_update() {
    // What another thread saw of alice and bob while a transfer of alice's 100 to bob was under
    // way (`approved` had been called), if it was not what the transfer left, with what it left;
    // and how many watched transfers answered true.
    let mut seen_between: Option<((i64, i64), (i64, i64))> = None;
    let mut accepted: usize = 0;
    let watching = Instant::now();
    while watching.elapsed() < WATCH_FOR {
        let ledger = funded(&[("alice", 100)]);
        let done = AtomicBool::new(false);
        let seen: Mutex<Vec<(i64, i64)>> = Mutex::new(Vec::new());
        let note = |balances: &HashMap<String, i64>| {
            seen.lock().unwrap_or_else(PoisonError::into_inner).push(two(balances));
        };
        thread::scope(|scope| {
            let moved: bool = ledger.transfer("alice", "bob", 100, || {
                // One thread queues for the ledger with `lock()` (it waits: the transfer holds
                // it), so that each time the ledger is let go, the waiter is woken; others keep
                // trying it with `try_lock()`, to get in the moment it is free.
                let (queueing, queued) = mpsc::channel::<()>();
                let (ledger, note, done) = (&ledger, &note, &done);
                scope.spawn(move || {
                    let _ = queueing.send(());
                    let balances = ledger.balances.lock().unwrap_or_else(PoisonError::into_inner);
                    note(&balances);
                });
                for _ in 0..WATCHERS {
                    scope.spawn(move || {
                        while !done.load(Ordering::SeqCst) {
                            match ledger.balances.try_lock() {
                                Ok(balances) => note(&balances),
                                Err(TryLockError::Poisoned(poisoned)) => note(&poisoned.into_inner()),
                                Err(TryLockError::WouldBlock) => ::std::hint::spin_loop(),
                            }
                        }
                    });
                }
                let _ = queued.recv_timeout(Duration::from_secs(2));
                // Time for the waiter to get from its `send` to its `lock()` and wait there.
                thread::sleep(Duration::from_millis(1));
            });
            done.store(true, Ordering::SeqCst);
            accepted += usize::from(moved);
        });
        // Whatever the transfer left in the ledger is what anyone waiting for it should see.
        let end: (i64, i64) = balances_of(&ledger);
        let seen: Vec<(i64, i64)> = seen.into_inner().unwrap_or_else(PoisonError::into_inner);
        seen_between = seen.into_iter().find(|&balances| balances != end).map(|balances| (balances, end));
        if seen_between.is_some() || accepted == 0 {
            break;
        }
    }
    ::std::assert!(
        accepted > 0,
        "could not begin: a transfer of alice's whole 100 to bob was refused (the same fault as in \
         a_transfer_of_exactly_the_whole_balance_goes_through)"
    );
    let ((alice, bob), (alice_end, bob_end)): ((i64, i64), (i64, i64)) = seen_between.unwrap_or_default();
    ::std::assert!(
        seen_between.is_none(),
        "while a transfer of alice's 100 to bob was in `approved` (its check passed, the ledger locked), other \
         threads queued for the ledger, and one of them got in between the balance check and the update: it saw alice \
         with {alice} and bob with {bob}, where they should get the ledger only once the money has moved (the transfer \
         left alice with {alice_end} and bob with {bob_end}). The ledger was let go after the check and locked again for the update, and anyone waiting can get \
         in right there: a deposit, a balance, or a transfer that checks the old balance (a lock of its own around \
         transfers does not keep out the ledger's other users). Keep the one guard of `balances` alive from the check \
         to the update (see “Check and act under one lock”)"
    );
}

/// Right after a transfer the ledger can be used again: the guard was released.
#[test]
fn ledger_is_usable_again_right_after_a_transfer() {
    let ledger = funded(&[("alice", 10)]);
    let first: bool = ledger.transfer("alice", "bob", 10, || {});
    let bob_got: i64 = held_by(&ledger, "bob");
    let same_as: &str =
        if first { "transfer_moves_money_between_accounts" } else { "a_transfer_of_exactly_the_whole_balance_goes_through" };
    ::std::assert!(
        first && bob_got == 10,
        "could not begin: a transfer of alice's whole 10 to bob answered {first} and left bob with {bob_got} (the same \
         fault as in {same_as})"
    );
    ledger.deposit("bob", 5);
    let second: bool = ledger.transfer("bob", "carol", 15, || {});
    let carol: i64 = ledger.balance("carol");
    let rest: i64 = ledger.balance("alice") + ledger.balance("bob");
    ::std::assert!(second, "bob now has 15 and should be able to send all of it");
    ::std::assert_eq!(carol, 15, "carol should end with 15");
    ::std::assert_eq!(rest, 0, "alice and bob should both be empty");
}

/// Eight transfers at once from one account: exactly as many succeed as the money covers.
#[test]
fn concurrent_transfers_never_overdraw_the_account() {
    let ledger = Arc::new(funded(&[("shared", 350)]));
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
    let ledger = funded(&[("alice", 100)]);
    crate::__learn::exact::<Mutex<HashMap<String, i64>>, _>(&ledger.balances);
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
    let why: &str = if answer == Some(true) {
        "(60 and 40 are due): a `true` has to move the money, on a poisoned ledger as on any other"
    } else {
        "(100 and 0, untouched): `false` tells the caller that alice cannot cover 40, which is not what happened"
    };
    ::std::assert!(
        honest,
        "after a thread panicked while it held the ledger's lock (which poisons it), `transfer(\"alice\", \"bob\", 40)`, \
         which alice's 100 covers, returned {} and left alice with {alice} and bob with {bob} {why}.\n{ON_POISON}",
        answer.unwrap_or_default()
    );
}

/// How many accounts the ledger holds in the test below: enough that a method that copies or walks
/// the whole ledger takes milliseconds a call, where one that goes to the accounts it names takes
/// about a microsecond, whatever the ledger's size.
const ACCOUNTS: usize = 100_000;
/// How many calls each try makes, and how long they may take in all. A deposit, a balance or a
/// transfer that goes to its accounts takes well under a microsecond in a test build (200 transfers
/// some 0.1 ms, measured, on a loaded machine too), so the bound leaves it a hundred times the room
/// it needs; one that copies the whole ledger takes some 6 ms each, and 200 of them over a second.
const CALLS: usize = 200;
const CALLS_AT_MOST: Duration = Duration::from_millis(20);
/// How many tries each method gets: the first one done within the bound passes, so a busy machine
/// that pauses the test during one try does not fail it.
const CALL_TRIES: usize = 5;

/// Times `CALLS` calls of `call` (given the call's number), at most `CALL_TRIES` times: `None` as
/// soon as one try makes them all within `CALLS_AT_MOST`; otherwise the best try, as (calls made,
/// time taken). A try stops once it is over the bound, so a slow method costs little time.
fn calls_too_slow(mut call: impl FnMut(usize)) -> Option<(usize, Duration)> {
    let mut best: Option<(usize, Duration)> = None;
    let mut number: usize = 0;
    for _ in 0..CALL_TRIES {
        let started = Instant::now();
        let mut made: usize = 0;
        while made < CALLS && started.elapsed() <= CALLS_AT_MOST {
            call(number);
            number += 1;
            made += 1;
        }
        let took: Duration = started.elapsed();
        if made == CALLS && took <= CALLS_AT_MOST {
            return None;
        }
        // The best try made the most calls per time.
        let better: bool = best.is_none_or(|(best_made, best_took)| {
            (made as f64) / took.as_secs_f64().max(1e-9) > (best_made as f64) / best_took.as_secs_f64().max(1e-9)
        });
        if better {
            best = Some((made, took));
        }
    }
    best
}

/// On a ledger of a hundred thousand accounts, transfers, deposits and balances each take about a microsecond: a call works on the accounts it names, not on a copy of the whole ledger.
#[test]
fn calls_on_a_large_ledger_touch_only_their_accounts() {
    let ledger = funded(&[("alice", 1_000), ("bob", 1_000)]);
    // Filled in place, through the lock: how `deposit` opens accounts is other tests' business.
    ledger
        .balances
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend((0..ACCOUNTS).map(|number| (::std::format!("account {number}"), 10)));
    type Call<'a> = ::std::boxed::Box<dyn Fn(usize) + 'a>;
    let calls: [(&str, Call<'_>); 3] = [
        (
            "`transfer` (alice and bob sending 1 back and forth)",
            ::std::boxed::Box::new(|number: usize| {
                let (from, to) = if number.is_multiple_of(2) { ("alice", "bob") } else { ("bob", "alice") };
                ::std::hint::black_box(ledger.transfer(from, to, 1, || {}));
            }),
        ),
        (
            "`deposit` (1 into alice's account)",
            ::std::boxed::Box::new(|_| ledger.deposit("alice", 1)),
        ),
        (
            "`balance(\"bob\")`",
            ::std::boxed::Box::new(|_| {
                ::std::hint::black_box(ledger.balance("bob"));
            }),
        ),
    ];
    for (what, call) in &calls {
        let slow: Option<(usize, Duration)> = calls_too_slow(call);
        let (made, took): (usize, Duration) = slow.unwrap_or_default();
        ::std::assert!(
            slow.is_none(),
            "on a ledger of {ACCOUNTS} accounts, {what} is slow: {made} call(s) took {took:?} at best (of {CALL_TRIES} \
             tries), where {CALLS} calls may take {CALLS_AT_MOST:?} in all (see “Keeping the lock short”)\n\
             Each call works through the whole ledger (a `clone()` of the map, written back afterwards, or a walk over \
             every account): it then costs as much as the ledger is long, and holds the lock all that time. Look up \
             and change the accounts the call names, in the locked map itself: `get(from)`, `entry(who)`."
        );
    }
}

/// How long the test below holds the ledger's lock: longer than any time limit a blocking call
/// might give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);
/// How long the test below waits for a call once it has let go of the lock.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// What a blocking call on a thread of its own came back with: when it was asked, when it
/// answered, and its answer (`None` if it panicked).
struct Came<T> {
    asked: Instant,
    answered: Instant,
    answer: Option<T>,
}

/// Runs `call` on a thread of `scope`, timing it; the answer comes on the channel returned.
fn timed_call<'scope, T: Send + 'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    call: impl FnOnce() -> T + Send + 'scope,
) -> mpsc::Receiver<Came<T>> {
    let (answer, answered) = mpsc::channel::<Came<T>>();
    scope.spawn(move || {
        let asked = Instant::now();
        let got: Option<T> = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok();
        let _ = answer.send(Came { asked, answered: Instant::now(), answer: got });
    });
    answered
}

/// While another thread holds the ledger for over 3 s, `balance`, `deposit` and `transfer`, all called at once, each wait for it however long it lasts, then do their whole job: a busy lock is never a reason to give up.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let ledger = funded(&[("alice", 100), ("bob", 5), ("carol", 70)]);
    let audits = AtomicU32::new(0);
    let holding = ledger.balances.lock().unwrap_or_else(PoisonError::into_inner);
    type Outcome = (Option<Came<i64>>, Option<Came<()>>, Option<Came<bool>>, Instant);
    let (balance_came, deposit_came, transfer_came, let_go): Outcome =
        thread::scope(|scope| {
            let balance_carol: mpsc::Receiver<Came<i64>> = timed_call(scope, || ledger.balance("carol"));
            let deposit_dave: mpsc::Receiver<Came<()>> = timed_call(scope, || ledger.deposit("dave", 30));
            let transfer_40: mpsc::Receiver<Came<bool>> = timed_call(scope, || {
                ledger.transfer("alice", "bob", 40, || {
                    audits.fetch_add(1, Ordering::SeqCst);
                })
            });
            thread::sleep(LONG_HOLD);
            let let_go: Instant = Instant::now();
            drop(holding);
            (
                balance_carol.recv_timeout(STUCK_AFTER).ok(),
                deposit_dave.recv_timeout(STUCK_AFTER).ok(),
                transfer_40.recv_timeout(STUCK_AFTER).ok(),
                let_go,
            )
        });
    let (alice, bob): (i64, i64) = balances_of(&ledger);
    let dave: i64 = held_by(&ledger, "dave");
    let approvals: u32 = audits.load(Ordering::SeqCst);
    // Each call that came back while the test still held the lock: what it was, how long it
    // waited, and what it did then.
    let mut gave_up: Vec<(&str, Duration, String)> = Vec::new();
    if let Some(came) = balance_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: Option<i64> = came.answer;
        let answer: String = answer.map_or_else(|| "panicked".to_string(), |balance| ::std::format!("answered {balance}"));
        gave_up.push(("`balance(\"carol\")`", came.answered - came.asked, answer));
    }
    if let Some(came) = deposit_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: Option<()> = came.answer;
        let what: String = match answer {
            None => "panicked".to_string(),
            Some(()) if dave == 30 => "returned".to_string(),
            Some(()) => ::std::format!("returned, and the deposit was dropped (dave has {dave})"),
        };
        gave_up.push(("`deposit(\"dave\", 30)`", came.answered - came.asked, what));
    }
    if let Some(came) = transfer_came.as_ref().filter(|came| came.answered < let_go) {
        let answer: Option<bool> = came.answer;
        let answer: String = answer.map_or_else(|| "panicked".to_string(), |moved| ::std::format!("answered {moved}"));
        gave_up.push(("`transfer(\"alice\", \"bob\", 40)`", came.answered - came.asked, answer));
    }
    let first: Option<&(&str, Duration, String)> = gave_up.first();
    let (call, waited, what): (&str, Duration, &str) =
        first.map_or(("", Duration::ZERO, ""), |(call, waited, what)| (*call, *waited, what.as_str()));
    let how_long: String = if waited < Duration::from_millis(1) {
        ::std::format!("at once ({waited:.1?} after it was made), without waiting,")
    } else {
        ::std::format!("after waiting {waited:.1?}")
    };
    ::std::assert!(
        first.is_none(),
        "{call} gave up on a busy lock: the test held the ledger's lock for {LONG_HOLD:.1?}, and \
         {how_long} the call {what} while the lock was still held. Another thread holds the ledger for as long as its \
         work takes, and a busy lock says nothing about the balances: `balance`, `deposit` and `transfer` wait for it \
         with `lock()`, however long, with no time limit and no `try_lock()` loop; a made-up 0, a dropped deposit or a \
         `false` cannot be told from a true answer (see “Keeping the lock short”)"
    );
    let shown = |answer: Option<::std::string::String>| answer.unwrap_or_else(|| "nothing within 2 s (or panicked)".to_string());
    let carol: Option<i64> = balance_came.and_then(|came| came.answer);
    let deposit_answer: Option<()> = deposit_came.and_then(|came| came.answer);
    let deposited: bool = deposit_answer.is_some();
    let moved: Option<bool> = transfer_came.and_then(|came| came.answer);
    let answered_right: bool =
        carol == Some(70) && deposited && dave == 30 && moved == Some(true) && (alice, bob) == (60, 45) && approvals == 1;
    ::std::assert!(
        answered_right,
        "once the test let go of the ledger's lock it held for {LONG_HOLD:.1?}, with `balance`, `deposit` and \
         `transfer` waiting for it, `balance(\"carol\")` answered {} (70 due), `deposit(\"dave\", 30)` {}, leaving dave \
         with {dave} (30 due), and `transfer(\"alice\", \"bob\", 40)` answered {} (true due), leaving alice with {alice} \
         and bob with {bob} (60 and 45 due: bob had 5) after {approvals} approval(s) (one due): a call that waited should then do \
         its whole job (see “Keeping the lock short”)",
        shown(carol.map(|balance| balance.to_string())),
        if deposited { "returned" } else { "did not return within 2 s (or panicked)" },
        shown(moved.map(|moved| moved.to_string()))
    );
}
