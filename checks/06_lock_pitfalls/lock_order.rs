use super::{Account, transfer};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// How long one transfer waits in `between_locks` for the other one to get there too, when the
/// other one may well be kept out (it wants the same first lock).
const MEET_WITHIN: Duration = Duration::from_millis(500);
/// The same wait when nothing should keep the other one out: long, so that only a transfer that
/// really cannot get there makes it run out.
const MEET_SURELY_WITHIN: Duration = Duration::from_secs(2);
/// How long the test waits for a transfer before it calls it stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// A meeting point for transfers (two, or `parties`): each one waits, inside `between_locks`,
/// until the others have also arrived there, or until its time is up (a transfer that cannot get
/// its first lock never arrives, and the others must then go on without it). It counts each
/// transfer's calls.
struct Meeting {
    arrived: Mutex<usize>,
    all_here: Condvar,
    within: Duration,
    parties: usize,
    waited_alone: AtomicBool,
    calls: [AtomicUsize; 3],
}

impl Meeting {
    fn new(within: Duration) -> Meeting {
        Meeting::of(2, within)
    }

    fn of(parties: usize, within: Duration) -> Meeting {
        Meeting {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            within,
            parties,
            waited_alone: AtomicBool::new(false),
            calls: [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)],
        }
    }

    fn arrive(&self, index: usize) {
        self.calls[index].fetch_add(1, Ordering::SeqCst);
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_here.notify_all();
        let (_arrived, wait) = self.all_here.wait_timeout_while(arrived, self.within, |n| *n < self.parties).unwrap();
        if wait.timed_out() {
            self.waited_alone.store(true, Ordering::SeqCst);
        }
    }
}

/// Runs two transfers on two threads that start together and meet between their locks (each
/// waiting up to `within` for the other). Returns what each returned, how many times each called
/// `between_locks`, and whether the two were ever inside it together; or `None` if they did not
/// both finish within `STUCK_AFTER` after their meeting time.
fn two_transfers_at_once(
    first: (&Arc<Account>, &Arc<Account>, i64),
    second: (&Arc<Account>, &Arc<Account>, i64),
    within: Duration,
) -> Option<([bool; 2], [usize; 2], bool)> {
    let meeting = Arc::new(Meeting::new(within));
    let start = Arc::new(Barrier::new(2));
    let (done, results) = mpsc::channel::<(usize, bool)>();
    for (index, (from, to, amount)) in [first, second].into_iter().enumerate() {
        let (from, to) = (Arc::clone(from), Arc::clone(to));
        let (meeting, start, done) = (Arc::clone(&meeting), Arc::clone(&start), done.clone());
        // Not joined: if the transfers deadlock, these threads stay stuck and the test reports it.
        thread::spawn(move || {
            start.wait();
            let moved: bool = transfer(&from, &to, amount, || meeting.arrive(index));
            let _ = done.send((index, moved));
        });
    }
    let deadline = Instant::now() + within + STUCK_AFTER;
    let mut outcome = [false; 2];
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let (index, moved) = results.recv_timeout(left).ok()?;
        outcome[index] = moved;
    }
    let calls = [meeting.calls[0].load(Ordering::SeqCst), meeting.calls[1].load(Ordering::SeqCst)];
    Some((outcome, calls, !meeting.waited_alone.load(Ordering::SeqCst)))
}

/// Whether one transfer between two fresh accounts, with nothing else running, ends within 1 s.
fn a_lone_transfer_finishes() -> bool {
    let (done, finished) = mpsc::channel::<bool>();
    // Not joined: a transfer stuck on its own lock stays stuck, and the test reports it.
    thread::spawn(move || {
        let carol = Account::new(3, 100);
        let dave = Account::new(4, 100);
        let moved: bool = transfer(&carol, &dave, 1, || {});
        let _ = done.send(moved);
    });
    finished.recv_timeout(Duration::from_secs(1)).is_ok()
}

/// Whether `transfer` decides by the receiver's balance: with the lower or the higher id sending,
/// 10 from an account holding 0 to one holding 100 goes through, and 10 from one holding 100 to
/// one holding 0 is refused.
fn receivers_balance_checked() -> bool {
    [(1, 2), (2, 1)].into_iter().any(|(sender, receiver): (u32, u32)| {
        let (poor, rich) = (Account::new(sender, 0), Account::new(receiver, 100));
        let poor_paid: bool = transfer(&poor, &rich, 10, || {});
        let (rich, poor) = (Account::new(sender, 100), Account::new(receiver, 0));
        let rich_refused: bool = !transfer(&rich, &poor, 10, || {});
        poor_paid && rich_refused
    })
}

/// What a test says when `receivers_balance_checked` is true.
const RECEIVER_CHECKED: &str = "a transfer of 10 from an account holding 0 to one holding 100 went through, while one \
     of 10 from an account holding 100 to one holding 0 was refused: the check looks at the receiver's balance, not the \
     sender's. The money comes out of the sender, so it is the sender's balance that must cover the amount: \
     `if *from_balance < amount { return false; }`, with `from_balance` the guard of `from`.";

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
    let (carol, dave) = (Account::new(3, 50), Account::new(4, 0));
    let exact: bool = back || transfer(&carol, &dave, 50, || {});
    let receiver_checked: bool = !exact && receivers_balance_checked();
    ::std::assert!(!receiver_checked, "{RECEIVER_CHECKED}");
    ::std::assert!(
        exact,
        "carol has 50, yet sending exactly 50 was refused (and bob's 80 back to alice too): a sender covers an amount \
         equal to her balance, and is left with 0. Refuse only when the balance is below the amount, `balance < amount`."
    );
    ::std::assert!(
        back,
        "bob has 80, so sending 80 back to alice should work (see “Two locks, opposite orders”)\n\
         This transfer goes from the higher id to the lower. With the locks taken in id order, alice's guard \
         comes first, but the money must still come out of the sender's balance, bob's: after locking, pick \
         the sender's and the receiver's guards back out before checking and moving the money."
    );
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
    // Just past the balance: a check off by a little lets these through, leaving the sender below 0.
    for amount in 51..=60 {
        let (carol, dave) = (Account::new(3, 50), Account::new(4, 0));
        let moved: bool = transfer(&carol, &dave, amount, || {});
        let (left, got): (i64, i64) = (balance_of(&carol), balance_of(&dave));
        let over: i64 = amount - 50;
        ::std::assert!(
            !moved,
            "carol has 50, yet sending {amount} to dave went through, leaving her at {left} and dave at {got}: the check \
             lets a sender go {over} below zero. An amount above the balance, even by {over}, is too big: refuse \
             exactly when `balance < amount`, comparing the balance and the amount as they are (nothing added to \
             either)."
        );
        ::std::assert!(
            (left, got) == (50, 0),
            "carol has 50 and sending {amount} to dave was refused, but carol now has {left} and dave {got}: a refused \
             transfer changes nothing"
        );
    }
}

/// Where `between_locks` goes, for a transfer that called it holding `held` of its two locks.
fn where_between_locks_goes(held: u32) -> &'static str {
    match held {
        0 => {
            "It was called before the first lock was taken. Call it right after taking the first lock of the \
             two (in the one order every transfer uses) and before asking for the second: the tests use that \
             moment to make the second lock busy."
        }
        2 => {
            "It was called once both locks were already taken. Call it right after taking the first lock of the \
             two (in the one order every transfer uses) and before asking for the second: the tests use that \
             moment to make the second lock busy, so it cannot come after both."
        }
        _ => {
            "Call it right after taking the first lock of the two (in the one order every transfer uses) and \
             before asking for the second."
        }
    }
}

/// `between_locks` runs once per transfer, while exactly one of the two accounts is locked.
#[test]
fn between_locks_runs_holding_one_lock() {
    // The tests look at the accounts' locks themselves: the field must be the real `Mutex<i64>`.
    let pinned = Account::new(9, 0);
    crate::__learn::exact::<Mutex<i64>, _>(&pinned.balance);
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
        ::std::assert!(
            locked == 1,
            "when `between_locks` ran, the transfer held {locked} of the two locks, not one \
             (see “Two locks, opposite orders”)\n{}",
            where_between_locks_goes(locked)
        );
    }
}

/// Two transfers going opposite ways at the same moment both finish, each taking its locks once.
#[test]
fn opposite_transfers_at_once_both_finish() {
    let only_fields: bool = account_holds_only_its_fields();
    ::std::assert!(only_fields, "{SIDE_STATE}");
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    let outcome: Option<([bool; 2], [usize; 2], bool)> =
        two_transfers_at_once((&alice, &bob, 30), (&bob, &alice, 10), MEET_WITHIN);
    let finished: bool = outcome.is_some();
    // A transfer that hangs on its own (it locks an account it already holds, say through
    // `balance()`) hangs here too, but not because of the order: say which it is.
    let alone_finishes: bool = finished || a_lone_transfer_finishes();
    ::std::assert!(
        alone_finishes,
        "a single transfer, carol -> dave with no other transfer running, did not finish within 1 s: it waits \
         for a lock it already holds (see “Locking twice on one thread”)\n\
         While a transfer holds an account's guard, anything that locks that account again (its `balance()` \
         method, a second `lock()`) waits for ever. Read and change both balances through the two guards the \
         transfer already holds."
    );
    ::std::assert!(
        finished,
        "alice -> bob and bob -> alice, started together, did not finish within 2.5 s \
         (see “Two locks, opposite orders”)\n\
         Each transfer holds the lock of the account it sends from and waits for the other's, because they \
         take the two locks in opposite orders. Lock any two accounts in one order for everyone, e.g. the \
         lower id first."
    );
    let (moved, calls, _met): ([bool; 2], [usize; 2], bool) = outcome.unwrap_or_default();
    let most_calls: usize = calls[0].max(calls[1]);
    let fewest_calls: usize = calls[0].min(calls[1]);
    ::std::assert!(
        fewest_calls > 0,
        "a transfer never called `between_locks`: `transfer` calls it once, right after taking the first of its two \
         locks and before asking for the second, so that the tests can see the order (see “Two locks, opposite orders”)"
    );
    ::std::assert!(
        most_calls == 1,
        "a transfer called `between_locks` {most_calls} times instead of once \
         (see “Two locks, opposite orders”)\n\
         `transfer` calls it once, right after its first lock. More calls mean it calls it in two places, or it \
         let go of its first lock when the second was busy and started again. Backing off and retrying \
         depends on timing, and two transfers can keep doing it in step for ever; take the locks in one \
         order for everyone and simply wait."
    );
    let both_moved: bool = moved == [true, true];
    ::std::assert!(
        both_moved,
        "both transfers should go through, since each sender can cover its amount \
         (see “Two locks, opposite orders”)\n\
         Giving up when a lock is busy (the first or the second) refuses good transfers. Take the locks in one \
         order for everyone and simply wait."
    );
    let balances: [i64; 2] = [alice.balance(), bob.balance()];
    let expected: [i64; 2] = [80, 120];
    let [alice_now, bob_now]: [i64; 2] = balances;
    let wrong_way: bool = balances == [60, 140];
    ::std::assert!(
        !wrong_way,
        "after alice -> bob 30 and bob -> alice 10, alice has 60 and bob 140, where 80 and 120 were expected: \
         bob -> alice took the 10 from alice and gave it to bob (see “Two locks, opposite orders”)\n\
         With the locks taken in id order, alice's guard comes first in both transfers, but she sends only in \
         the first one. After locking, pick the sender's and the receiver's guards back out (`from.id < to.id` \
         says which is which) before checking and moving the money."
    );
    let only_one: bool = balances == [70, 130] || balances == [110, 90];
    ::std::assert!(
        !only_one,
        "after alice -> bob 30 and bob -> alice 10, alice has {alice_now} and bob {bob_now}, where 80 and 120 were \
         expected: the balances show one transfer only, the other one's changes were overwritten \
         (see “Check and act under one lock”)\n\
         Both transfers read the balances; then one wrote back balances worked out from its old readings, after \
         the other had changed them. Keep both locks from reading the balances until both are changed, and \
         change them in place through the guards."
    );
    let total: i64 = alice_now + bob_now;
    let kept_the_money: bool = total == 200;
    ::std::assert!(
        kept_the_money,
        "after alice -> bob 30 and bob -> alice 10, alice has {alice_now} and bob {bob_now}, {total} in all, where \
         alice should have 100 - 30 + 10 = 80 and bob 100 + 30 - 10 = 120, 200 in all: money appeared or \
         vanished (see “Check and act under one lock”)\n\
         A transfer wrote a balance worked out from a reading taken before it held that account's lock (a \
         stale read), so the other transfer's change, made in between, was overwritten: a lost update. Take \
         both locks first, then read and change each balance through its guard, in place \
         (`*to_balance += amount`)."
    );
    let right: bool = balances == expected;
    ::std::assert!(
        right,
        "after alice -> bob 30 and bob -> alice 10, alice has {alice_now} and bob {bob_now}, where alice \
         should have 100 - 30 + 10 = 80 and bob 100 + 30 - 10 = 120: the amounts went to the wrong accounts. \
         After locking in id order, pick the sender's and the receiver's guards back out (`from.id < to.id` \
         says which is which) before checking and moving the money (see “Two locks, opposite orders”)"
    );
}

/// Two transfers between four different accounts run at the same time: neither waits for the other.
#[test]
fn transfers_between_other_accounts_do_not_wait() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    let carol = Arc::new(Account::new(3, 100));
    let dave = Arc::new(Account::new(4, 100));
    let outcome: Option<([bool; 2], [usize; 2], bool)> =
        two_transfers_at_once((&alice, &bob, 30), (&carol, &dave, 20), MEET_SURELY_WITHIN);
    let finished: bool = outcome.is_some();
    ::std::assert!(finished, "alice -> bob and carol -> dave, started together, did not finish within 4 s");
    let (moved, _calls, met): ([bool; 2], [usize; 2], bool) = outcome.unwrap_or_default();
    ::std::assert!(
        met,
        "alice -> bob and carol -> dave share no account, yet one waited 2 s for the other \
         (see “Two locks, opposite orders”)\n\
         Each account has a lock of its own so that transfers between different accounts run side by side; \
         one lock around every transfer makes them all queue. Lock only the two accounts involved, in one \
         order for everyone."
    );
    let both_moved: bool = moved == [true, true];
    ::std::assert!(both_moved, "both transfers should go through, since each sender can cover its amount");
    let balances: [i64; 4] = [alice.balance(), bob.balance(), carol.balance(), dave.balance()];
    let expected: [i64; 4] = [70, 130, 80, 120];
    ::std::assert_eq!(balances, expected, "alice -30, bob +30, carol -20, dave +20");
}

/// What a transfer between alice and bob did while the test held its second lock: which of the
/// two accounts it held locked in `between_locks` (alice's, bob's), whether and when its first
/// account was seen unlocked meanwhile (after how long, holding what), whether it returned before
/// the test let go of the second lock, how many times it called `between_locks` by then, and what
/// it returned.
struct SecondLockHeld {
    locked: [bool; 2],
    seen_free: Option<(Duration, i64)>,
    returned_while_held: bool,
    /// Whether, after letting go of its first lock, the transfer was seen holding it again.
    relocked: bool,
    calls: usize,
    moved: bool,
}

/// How long the test keeps the second lock once the transfer's first account was seen free,
/// to tell a transfer that gave up (it returns meanwhile) or started over (it calls
/// `between_locks` again) from one that waits for its second lock holding nothing.
const WATCH_AFTER_LETTING_GO: Duration = Duration::from_millis(200);

impl SecondLockHeld {
    /// What the transfer did about the busy second lock, in the learner's terms, when its first
    /// account was seen free: `held` and `waited_for` name the two accounts ("bob's").
    fn how_it_let_go(&self, held: &str, waited_for: &str) -> ::std::string::String {
        let (after, holding): (Duration, i64) = self.seen_free.unwrap_or_default();
        let when: ::std::string::String = if after >= Duration::from_millis(100) {
            ::std::format!("after {:.1} s of waiting for {waited_for} lock", after.as_secs_f64())
        } else {
            ::std::string::String::from("at once")
        };
        if self.returned_while_held {
            ::std::format!("it let go of {held} lock and returned {} without waiting for {waited_for}", self.moved)
        } else if self.calls > 1 {
            ::std::format!(
                "{when} it let go of {held} lock (seen free, holding {holding}) and started over, calling \
                 `between_locks` {} times",
                self.calls
            )
        } else if after >= Duration::from_millis(100) {
            ::std::format!("{when} it let go of {held} lock (seen free, holding {holding})")
        } else if self.relocked {
            ::std::format!(
                "it let go of {held} lock at once (seen free, holding {holding}) as {waited_for} was busy, then \
                 took {held} lock again and waited there for {waited_for}"
            )
        } else {
            ::std::format!(
                "it let go of {held} lock at once (seen free, holding {holding}) and then waited for {waited_for} \
                 holding no lock at all"
            )
        }
    }

    /// The lesson section about what `how_it_let_go` describes, the same in every test that sees it:
    /// a transfer that lets go of its first lock at once leaves a gap between its check and its
    /// change; one that gives up, starts over or times out dodges the deadlock instead of
    /// preventing it with one order.
    fn section(&self) -> &'static str {
        let (after, _holding): (Duration, i64) = self.seen_free.unwrap_or_default();
        if self.returned_while_held || self.calls > 1 || after >= Duration::from_millis(100) {
            "“Two locks, opposite orders”"
        } else {
            "“Check and act under one lock”"
        }
    }

    /// Why what `how_it_let_go` describes is wrong, and what to do instead.
    fn why_not(&self) -> &'static str {
        let (after, _holding): (Duration, i64) = self.seen_free.unwrap_or_default();
        if self.returned_while_held {
            "Giving up when the second lock is busy refuses a transfer that a moment's wait would let through. \
             Take the two locks in one order for every transfer (the lower id first, say): then a transfer \
             holding its first lock can always wait for the second, as long as it takes."
        } else if self.calls > 1 {
            "Letting go and starting again when the second lock is busy depends on timing, and two transfers can \
             keep doing it in step. Take the two locks in one order for every transfer (the lower id first, say): \
             then a transfer holding its first lock can always wait for the second, as long as it takes."
        } else if after >= Duration::from_millis(100) {
            "Giving up the first lock after a timeout and starting again in another order only gets a transfer \
             out of a deadlock it has already walked into, once the time is lost, and whether it gets out depends \
             on timing. Take the two locks in one order for every transfer (the lower id first, say): then a \
             transfer holding its first lock can always wait for the second, as long as it takes."
        } else {
            "A transfer that lets go of its first lock before it holds the second cannot deadlock, but in that gap \
             anyone can see the money gone from one account and not yet in the other, or change a balance it has \
             checked or is about to; whether it gets through at once depends on timing. Letting go and taking the \
             locks again in id order (always, or after a `try_lock` found the second busy) is the same gap: the \
             first lock was taken in the wrong order. Take the two locks in one order for every transfer from the start (the lower \
             id first, say): then a transfer holding its first lock can always wait for the second, with no \
             `try_lock` and no letting go, and it holds both until both balances are changed."
        }
    }
}

/// Runs one transfer between `alice` and `bob` (from alice when `from_alice`, else from bob) on a
/// thread of its own. Inside `between_locks`, holding its first lock, it waits until the test
/// holds the other account's lock; the test keeps that lock for `hold_for`, looking all that time
/// whether the transfer's first account is free, then lets go and waits for the transfer to finish.
fn hold_the_second_lock(
    alice: &Arc<Account>,
    bob: &Arc<Account>,
    from_alice: bool,
    hold_for: Duration,
) -> SecondLockHeld {
    // The test takes the accounts' locks itself: the field must be the real `Mutex<i64>`.
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let (locked_now, told) = mpsc::channel::<[bool; 2]>();
    let (ready, held) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel::<bool>();
    let all_calls = Arc::new(AtomicUsize::new(0));
    {
        let (alice, bob, all_calls) = (Arc::clone(alice), Arc::clone(bob), Arc::clone(&all_calls));
        thread::spawn(move || {
            let calls: Cell<u32> = Cell::new(0);
            let (from, to) = if from_alice { (&alice, &bob) } else { (&bob, &alice) };
            let moved: bool = transfer(from, to, 30, || {
                all_calls.fetch_add(1, Ordering::SeqCst);
                calls.set(calls.get() + 1);
                if calls.get() == 1 {
                    let locked: [bool; 2] = [alice.balance.try_lock().is_err(), bob.balance.try_lock().is_err()];
                    let _ = locked_now.send(locked);
                    if locked[0] != locked[1] {
                        let _ = held.recv_timeout(STUCK_AFTER);
                    }
                }
            });
            let _ = done.send(moved);
        });
    }
    let accounts: [&Arc<Account>; 2] = [alice, bob];
    let locked: [bool; 2] = match told.recv_timeout(STUCK_AFTER) {
        Ok(locked) => locked,
        Err(_) => ::std::panic!("the transfer did not call `between_locks` within 2 s"),
    };
    let held_locks: usize = locked.iter().filter(|&&is_locked| is_locked).count();
    ::std::assert!(
        held_locks == 1,
        "`between_locks` ran while the transfer held {held_locks} of its two locks, not one \
         (see “Two locks, opposite orders”)\n{}",
        where_between_locks_goes(held_locks as u32)
    );
    let second: usize = if locked[0] { 1 } else { 0 };
    let first: usize = 1 - second;
    let second_guard = accounts[second].balance.lock().unwrap();
    let _ = ready.send(());
    // All that time the transfer's first account should stay locked.
    let mut seen_free: Option<(Duration, i64)> = None;
    let since = Instant::now();
    while seen_free.is_none() && since.elapsed() < hold_for {
        if let Ok(balance) = accounts[first].balance.try_lock() {
            seen_free = Some((since.elapsed(), *balance));
        }
        thread::sleep(Duration::from_millis(1));
    }
    // A transfer that let go of its first lock: see a while longer whether it returns (it gave up)
    // or calls `between_locks` again (it started over) while the second lock is still busy.
    let mut returned: Option<bool> = None;
    let mut relocked: bool = false;
    if seen_free.is_some() {
        let since = Instant::now();
        while returned.is_none() && all_calls.load(Ordering::SeqCst) < 2 && since.elapsed() < WATCH_AFTER_LETTING_GO {
            relocked = relocked || accounts[first].balance.try_lock().is_err();
            match finished.recv_timeout(Duration::from_millis(5)) {
                Ok(moved) => returned = Some(moved),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    ::std::panic!("the transfer panicked: see the message above")
                }
            }
        }
    }
    let returned_while_held: bool = returned.is_some();
    let calls: usize = all_calls.load(Ordering::SeqCst);
    drop(second_guard);
    let moved: bool = match returned {
        Some(moved) => moved,
        None => match finished.recv_timeout(STUCK_AFTER) {
            Ok(moved) => moved,
            Err(RecvTimeoutError::Timeout) => ::std::panic!("the transfer did not finish within 2 s"),
            Err(RecvTimeoutError::Disconnected) => ::std::panic!("the transfer panicked: see the message above"),
        },
    };
    SecondLockHeld { locked, seen_free, returned_while_held, relocked, calls, moved }
}

/// While a transfer waits for its second lock, its first account stays locked and untouched:
/// nobody can see the money gone from one account and not yet in the other.
#[test]
fn the_money_is_never_in_neither_account() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    let held: SecondLockHeld = hold_the_second_lock(&alice, &bob, true, Duration::from_secs(1));
    let seen_free: Option<(Duration, i64)> = held.seen_free;
    let gave_up: bool = held.returned_while_held;
    ::std::assert!(
        !gave_up,
        "alice -> bob held alice's lock and needed bob's, which the test kept busy for a moment: {} \
         (see {})\n{}",
        held.how_it_let_go("alice's", "bob's"),
        held.section(),
        held.why_not()
    );
    ::std::assert!(
        seen_free.is_none(),
        "alice -> bob held alice's lock and needed bob's, which the test kept busy: {} (see {})\n{}",
        held.how_it_let_go("alice's", "bob's"),
        held.section(),
        held.why_not()
    );
    let moved: bool = held.moved;
    ::std::assert!(moved, "alice has 100, so sending 30 should work");
    let alice_now: i64 = alice.balance();
    let bob_now: i64 = bob.balance();
    ::std::assert_eq!(alice_now, 70, "alice should have 100 - 30 = 70");
    ::std::assert_eq!(bob_now, 130, "bob should have 100 + 30 = 130");
}

/// How long the test below keeps a transfer's second lock. Longer than opposite transfers get to
/// finish in `opposite_transfers_at_once_both_finish` (`MEET_WITHIN` + `STUCK_AFTER`, 2.5 s): a
/// transfer that gets out of that deadlock by letting go of its first lock after some time, soon
/// enough to pass there, lets go inside this window here. A transfer that keeps its first lock
/// passes however slow the machine is.
const HOLD_SECOND_LOCK_FOR: Duration = Duration::from_secs(3);

/// A transfer waiting for its second lock keeps its first one however long the wait: it does not
/// give up after a while and start again in another order.
#[test]
fn a_transfer_waits_for_its_second_lock_as_long_as_it_takes() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    // bob -> alice: the transfer goes from the higher id to the lower, so its sender comes second
    // in id order, and first in the order the starting file takes them.
    let outcome: SecondLockHeld = hold_the_second_lock(&alice, &bob, false, HOLD_SECOND_LOCK_FOR);
    let locked: [bool; 2] = outcome.locked;
    let seen_free: Option<(Duration, i64)> = outcome.seen_free;
    let (held, waited_for): (&str, &str) = if locked[0] { ("alice's", "bob's") } else { ("bob's", "alice's") };
    ::std::assert!(
        seen_free.is_none(),
        "bob -> alice held {held} lock and needed {waited_for}, which the test kept busy: {} (see {})\n{}",
        outcome.how_it_let_go(held, waited_for),
        outcome.section(),
        outcome.why_not()
    );
    let moved: bool = outcome.moved;
    ::std::assert!(
        moved,
        "bob -> alice 30 waited for its second lock while the test kept it busy, then answered false though bob has 100: it \
         gave up on the busy lock (a `try_lock` with a time limit, say), and `false` tells the caller bob cannot cover 30 \
         (see “Two locks, opposite orders”)\n\
         With one lock order for every transfer there is no deadlock to escape: wait in `lock()`, however long it takes."
    );
    let alice_now: i64 = alice.balance();
    let bob_now: i64 = bob.balance();
    let right: bool = alice_now == 130 && bob_now == 70;
    ::std::assert!(
        right,
        "bob -> alice 30, both starting at 100, waited for {waited_for} lock while the test kept it busy, then \
         left alice at {alice_now} and bob at {bob_now}, where 130 and 70 were expected \
         (see “Two locks, opposite orders”)\n\
         With the locks taken in id order, alice's guard comes first here although she receives: after \
         locking, pick the sender's and the receiver's guards back out (`from.id < to.id` says which is which), \
         then check and move the money through them, both locks held until both balances are changed."
    );
}

/// Which of two accounts a transfer between them locks first does not depend on their balances,
/// nor on which way the money goes.
#[test]
fn the_lock_order_never_changes_with_the_balances() {
    // The test sets the balances and looks at the locks itself: the field must be the real `Mutex<i64>`.
    let alice = Account::new(1, 0);
    let bob = Account::new(2, 0);
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    // (alice sends, alice's balance, bob's balance), each followed by the account the transfer held
    // in `between_locks`, if it held exactly one.
    let rounds: [(bool, i64, i64); 4] = [(true, 100, 10), (false, 100, 10), (true, 10, 100), (false, 10, 100)];
    let mut seen: Vec<(bool, i64, i64, &str)> = ::std::vec::Vec::new();
    for (from_alice, alice_has, bob_has) in rounds {
        *alice.balance.lock().unwrap() = alice_has;
        *bob.balance.lock().unwrap() = bob_has;
        let first: Cell<Option<&str>> = Cell::new(None);
        let (from, to) = if from_alice { (&alice, &bob) } else { (&bob, &alice) };
        transfer(from, to, 5, || {
            let held: [bool; 2] = [alice.balance.try_lock().is_err(), bob.balance.try_lock().is_err()];
            first.set(match held {
                [true, false] => Some("alice's"),
                [false, true] => Some("bob's"),
                _ => None,
            });
        });
        if let Some(first) = first.get() {
            seen.push((from_alice, alice_has, bob_has, first));
        }
    }
    let describe = |(from_alice, alice_has, bob_has, first): (bool, i64, i64, &str)| -> ::std::string::String {
        let way: &str = if from_alice { "alice -> bob" } else { "bob -> alice" };
        ::std::format!("{way}, with alice at {alice_has} and bob at {bob_has}, locked {first} account first")
    };
    let changed: Option<&(bool, i64, i64, &str)> = seen.iter().skip(1).find(|later| later.3 != seen[0].3);
    let Some(later) = changed else { return };
    let same_balances: bool = (later.1, later.2) == (seen[0].1, seen[0].2);
    // Whether two transfers that lock in opposite orders would deadlock depends on what one does
    // when its second lock is busy: the test keeps a transfer's second lock busy for a while and
    // looks whether it waits, holding its first.
    let probe_alice = Arc::new(Account::new(1, 100));
    let probe_bob = Arc::new(Account::new(2, 100));
    let probe: SecondLockHeld = hold_the_second_lock(&probe_alice, &probe_bob, false, WAIT_PROBE_FOR);
    let waits_holding_one: bool = probe.seen_free.is_none();
    let (held, waited_for): (&str, &str) =
        if probe.locked[0] { ("alice's", "bob's") } else { ("bob's", "alice's") };
    let why: ::std::string::String = if waits_holding_one {
        let cause: &str = if same_balances {
            "Taking `from` first makes two transfers going opposite ways take the same two locks"
        } else {
            "An order that depends on the balances, or on anything else that changes, lets two transfers that \
             look at it at different moments take the same two locks"
        };
        let cure: &str = if same_balances {
            "Order the two accounts the same way for every transfer, whichever way the money goes: by their \
             `id`, say."
        } else {
            "Order the accounts by something that never changes, such as their `id`."
        };
        ::std::format!("{cause} in opposite orders, and each then holds one and waits for the other. {cure}")
    } else {
        ::std::format!(
            "Two transfers going opposite ways then take the same two locks, each in the reverse of the \
             other's order. Yours does not stay stuck on that, because it does not keep waiting for a busy \
             second lock: holding {held} lock and needing {waited_for} (kept busy by the test), {}. That is a way \
             around the lock order, not a fix of it. {}",
            probe.how_it_let_go(held, waited_for),
            probe.why_not()
        )
    };
    ::std::panic!(
        "{}, but {}: the order of the two locks changed (see “Two locks, opposite orders”)\n{why}",
        describe(seen[0]),
        describe(*later)
    );
}

/// How long the test above keeps a transfer's second lock busy to see whether it waits for it
/// holding its first (only when the transfer's lock order changed).
const WAIT_PROBE_FOR: Duration = Duration::from_millis(1500);

/// "1 was accepted" or "2 were accepted": how many of two transfers (`count`) went through.
fn were_accepted(count: usize) -> ::std::string::String {
    ::std::format!("{count} {} accepted", if count == 1 { "was" } else { "were" })
}

/// What a test of two transfers of 80 from one account holding 100 says when a transfer that
/// returned false still left money with its receiver: `None` when no refused transfer did.
fn refused_yet_moved(moved: [bool; 2], receivers: [(&str, i64); 2], left: i64) -> Option<::std::string::String> {
    let index: usize = (0..2).find(|&index| !moved[index] && receivers[index].1 != 0)?;
    let (name, got): (&str, i64) = receivers[index];
    Some(::std::format!(
        "100 covers one of two transfers of 80 from shared; the transfer to {name} returned false, yet {name} now has \
         {got} and shared {left}: a refused transfer moved money (see “Check and act under one lock”)\n\
         `false` tells the caller nothing moved. When the sender cannot cover the amount, return false before \
         changing either balance."
    ))
}

/// What a test of two transfers of 80 from one account holding 100 says when it saw the account
/// overdrawn and a single transfer of 80 from a fresh account (id `ids.0`) holding 50 to one (id
/// `ids.1`) holding 0, with no other transfer running, went through too: then the check itself lets
/// a sender pay more than it has, whatever the timing. `None` when that single transfer was refused.
fn overdrawn_alone(ids: (u32, u32)) -> Option<::std::string::String> {
    let (from, to) = (Account::new(ids.0, 50), Account::new(ids.1, 0));
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let answer = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&from, &to, 80, || {})));
    ::std::panic::set_hook(report_panics);
    let went_through: bool = answer.unwrap_or(false) || balance_of(&from) < 50;
    went_through.then(|| {
        ::std::format!(
            "could not begin: 100 covers one of two transfers of 80 from shared, not both; and a single transfer of 80 \
             from an account holding 50, with no other transfer running, went through too, leaving it at {}: the check \
             itself lets a sender pay more than it has, whatever the timing (the same fault as in \
             a_transfer_too_big_changes_nothing)",
            balance_of(&from)
        )
    })
}

/// Two transfers from one account at the same moment cannot both spend the same money.
#[test]
fn two_transfers_from_one_account_never_overdraw() {
    let shared = Arc::new(Account::new(1, 100));
    let rent = Arc::new(Account::new(2, 0));
    let food = Arc::new(Account::new(3, 0));
    let outcome: Option<([bool; 2], [usize; 2], bool)> =
        two_transfers_at_once((&shared, &rent, 80), (&shared, &food, 80), MEET_WITHIN);
    let finished: bool = outcome.is_some();
    ::std::assert!(finished, "two transfers from one account did not finish within 2.5 s");
    let (moved, _calls, _met): ([bool; 2], [usize; 2], bool) = outcome.unwrap_or_default();
    let accepted: usize = moved.iter().filter(|&&ok| ok).count();
    let left: i64 = shared.balance();
    ::std::assert!(
        !(accepted == 2 && left == 20),
        "100 covers one transfer of 80, not two; the money moved once (the balance is 20), yet both transfers returned \
         true: a refused transfer answered true. `true` tells the caller the money moved; return false when the sender \
         cannot cover the amount."
    );
    let receivers: [(&str, i64); 2] = [("rent", rent.balance()), ("food", food.balance())];
    let refused_moved: Option<::std::string::String> = refused_yet_moved(moved, receivers, left);
    ::std::assert!(refused_moved.is_none(), "{}", refused_moved.unwrap_or_default());
    let receiver_checked: bool = accepted == 0 && receivers_balance_checked();
    ::std::assert!(!receiver_checked, "100 covers one of two transfers of 80 from shared, yet both were refused: {RECEIVER_CHECKED}");
    let alone: Option<::std::string::String> = if accepted > 1 || left < 0 { overdrawn_alone((1, 2)) } else { None };
    ::std::assert!(alone.is_none(), "{}", alone.unwrap_or_default());
    let spent_once: bool = accepted == 1 && left == 20;
    ::std::assert!(
        spent_once,
        "100 covers one transfer of 80, not two, yet {} and the balance is {left} \
         (see “Check and act under one lock”)\n\
         The balance was checked and then changed without holding its lock all along, and the other \
         transfer got in between. Keep both locks from the check to the update.",
        were_accepted(accepted)
    );
}

/// Two transfers from one account at the same moment cannot both spend the same money, also when
/// the sender's lock is the second one each transfer takes.
#[test]
fn two_transfers_from_the_account_locked_second_never_overdraw() {
    // The sender has the highest id: each transfer first locks its own receiver, and the two meet
    // in `between_locks` before either of them has locked the sender.
    let shared = Arc::new(Account::new(3, 100));
    let rent = Arc::new(Account::new(1, 0));
    let food = Arc::new(Account::new(2, 0));
    let outcome: Option<([bool; 2], [usize; 2], bool)> =
        two_transfers_at_once((&shared, &rent, 80), (&shared, &food, 80), MEET_SURELY_WITHIN);
    let finished: bool = outcome.is_some();
    ::std::assert!(finished, "two transfers from one account did not finish within 4 s");
    let (moved, _calls, _met): ([bool; 2], [usize; 2], bool) = outcome.unwrap_or_default();
    let accepted: usize = moved.iter().filter(|&&ok| ok).count();
    let left: i64 = shared.balance();
    let receivers: [(&str, i64); 2] = [("rent", rent.balance()), ("food", food.balance())];
    let refused_moved: Option<::std::string::String> = refused_yet_moved(moved, receivers, left);
    ::std::assert!(refused_moved.is_none(), "{}", refused_moved.unwrap_or_default());
    let overdrawn: bool = accepted > 1 || left < 0;
    let alone: Option<::std::string::String> = if overdrawn { overdrawn_alone((3, 1)) } else { None };
    ::std::assert!(alone.is_none(), "{}", alone.unwrap_or_default());
    ::std::assert!(
        !overdrawn,
        "100 covers one transfer of 80, not two, yet {} and the balance is {left} \
         (see “Check and act under one lock”)\n\
         Here the sender has the highest id, so both transfers took their first lock (each its receiver's) and \
         met in `between_locks` before either had locked the sender. The sender's balance was checked before \
         that (or under a lock let go again), and the other transfer got in between; or the balance checked was \
         the receiver's (the guards taken in id order and not picked back out, or the amount turned round). \
         Check the sender's balance only once both locks are held, and keep them until the money has moved.",
        were_accepted(accepted)
    );
    let receiver_checked: bool = accepted == 0 && receivers_balance_checked();
    ::std::assert!(!receiver_checked, "100 covers one of two transfers of 80 from shared, yet both were refused: {RECEIVER_CHECKED}");
    let spent_once: bool = accepted == 1 && left == 20;
    ::std::assert!(
        spent_once,
        "100 covers one of the two transfers of 80, yet {accepted} of them went through and the balance is {left} \
         (see “Two locks, opposite orders”)\n\
         The sender has the highest id here, so with the locks taken in id order its lock is the second one. \
         Check and take the money from the sender's guard, whichever lock came first."
    );
}

/// How many transfers the two tests below watch at most, and for how long at most: each stops at the
/// first transfer that shows the mistake. This is a statistical test: a transfer that lets go of its
/// locks before it is done and takes them again lets the test in between in most attempts on a quiet
/// machine and in about one attempt in ten on a very busy one (trial runs were caught within the
/// first ten attempts, at worst within seventy), so the time limit, not the count, ends a run only on
/// a machine busy enough to allow a few dozen attempts; a transfer that holds both locks to the end
/// is never caught, however many attempts are made.
const MEDDLE_ATTEMPTS: usize = 200;
const MEDDLE_FOR: Duration = Duration::from_millis(1500);

/// What happened to one transfer while the test meddled with one of its accounts: the balances
/// after it (sender, receiver), what it returned, and whether the test's change went in (`None` if
/// the test never got the account's lock between the transfer's taking it and the transfer's end).
struct Meddled {
    balances: [i64; 2],
    moved: bool,
    changed: Option<bool>,
}

/// Runs one transfer of `amount` from an account with id `ids.0` and balance `start.0` to one with
/// `ids.1` and `start.1`, while the test meddles with the sender's account (`on_sender`) or the
/// receiver's: from `between_locks` on, a thread of the test watches that account's lock and, once
/// it has seen the transfer hold it, takes it the moment it is free and applies `change` to the
/// balance under it. When that lock is the transfer's first, a second thread of the test also
/// waits for it in `lock()` meanwhile and applies `change` if the first did not: letting go of a
/// lock somebody waits for takes the transfer a little longer, which gives the watcher its chance.
/// A transfer that holds both locks until it is done lets the test in only once it has finished;
/// one that lets go of its locks and takes them again lets the test in between.
fn meddle_while_transferring(
    ids: (u32, u32),
    start: (i64, i64),
    amount: i64,
    on_sender: bool,
    change: fn(&mut i64) -> bool,
) -> Option<Meddled> {
    let from = Account::new(ids.0, start.0);
    let to = Account::new(ids.1, start.1);
    // The test takes the account's lock itself: the field must be the real `Mutex<i64>`.
    crate::__learn::exact::<Mutex<i64>, _>(&from.balance);
    let watched: &Account = if on_sender { &from } else { &to };
    // The watched account is the transfer's first lock: the watcher can see it held from `between_locks` on.
    let watched_first: bool = (ids.0 < ids.1) == on_sender;
    // Where the three threads are, told under a lock and waited for asleep (a thread that spins or
    // yields while waiting for another to run slows them all down on a busy machine).
    // .0: 0 not started, 1 `between_locks` reached, 2 watching, 3 seen the transfer hold the lock;
    // .1: the second thread is about to wait in `lock()`; .2: the transfer has returned.
    let progress: Mutex<(usize, bool, bool)> = Mutex::new((0, false, false));
    let moved_on = Condvar::new();
    let step = |change_progress: &dyn Fn(&mut (usize, bool, bool))| {
        change_progress(&mut progress.lock().unwrap());
        moved_on.notify_all();
    };
    let wait_for = |until: &dyn Fn(&(usize, bool, bool)) -> bool, within: Duration| -> bool {
        let now = progress.lock().unwrap();
        let (now, _) = moved_on.wait_timeout_while(now, within, |now| !until(now) && !now.2).unwrap();
        until(&now)
    };
    let done = AtomicBool::new(false);
    let ready = AtomicBool::new(true);
    // What `change` returned, set by whichever thread of the test applied it (under the lock).
    let changed: Mutex<Option<bool>> = Mutex::new(None);
    let apply = |balance: &mut i64| {
        let mut changed = changed.lock().unwrap();
        if changed.is_none() {
            *changed = Some(change(balance));
        }
    };
    let moved: bool = thread::scope(|scope| {
        scope.spawn(|| {
            if !wait_for(&|now| now.0 >= 1, STUCK_AFTER) {
                return;
            }
            step(&|now| now.0 = 2);
            let mut seen_held: bool = false;
            loop {
                match watched.balance.try_lock() {
                    Ok(mut balance) if seen_held => return apply(&mut balance),
                    Ok(_) => {}
                    Err(_) if !seen_held => {
                        seen_held = true;
                        step(&|now| now.0 = 3);
                    }
                    Err(_) => {}
                }
                if done.load(Ordering::SeqCst) {
                    return;
                }
            }
        });
        if watched_first {
            scope.spawn(|| {
                if !wait_for(&|now| now.0 >= 3, STUCK_AFTER) {
                    return;
                }
                step(&|now| now.1 = true);
                let mut balance = watched.balance.lock().unwrap();
                apply(&mut balance);
            });
        }
        let first_call = Cell::new(true);
        let moved: bool = transfer(&from, &to, amount, || {
            if !first_call.replace(false) {
                return;
            }
            step(&|now| now.0 = 1);
            let arrived: &dyn Fn(&(usize, bool, bool)) -> bool = if watched_first { &|now| now.1 } else { &|now| now.0 >= 2 };
            if !wait_for(arrived, Duration::from_millis(500)) {
                ready.store(false, Ordering::SeqCst);
                return;
            }
            if watched_first {
                // Time for the second thread to be waiting inside `lock()`.
                thread::sleep(Duration::from_millis(1));
            }
        });
        done.store(true, Ordering::SeqCst);
        step(&|now| now.2 = true);
        moved
    });
    if !ready.load(Ordering::SeqCst) {
        return None;
    }
    let balances: [i64; 2] = [from.balance(), to.balance()];
    let changed: Option<bool> = *changed.lock().unwrap();
    Some(Meddled { balances, moved, changed })
}

/// Runs `meddle_while_transferring` over and over, going round `setups` (the two accounts' ids, and
/// whether the test meddles with the sender's account), until `wrong` finds something in one
/// attempt (returned with the attempt's ids and setup), or the attempts or the time run out.
fn meddle_until(
    setups: &[((u32, u32), bool)],
    amount: i64,
    start: (i64, i64),
    change: fn(&mut i64) -> bool,
    wrong: impl Fn(&Meddled) -> bool,
) -> Option<((u32, u32), bool, Meddled)> {
    let since = Instant::now();
    for attempt in 0..MEDDLE_ATTEMPTS {
        if since.elapsed() > MEDDLE_FOR {
            break;
        }
        let (ids, on_sender): ((u32, u32), bool) = setups[attempt % setups.len()];
        // `None`: the transfer did not hold the watched lock in `between_locks` (other tests say why).
        let Some(outcome) = meddle_while_transferring(ids, start, amount, on_sender, change) else { continue };
        if wrong(&outcome) {
            return Some((ids, on_sender, outcome));
        }
    }
    None
}

/// A deposit made into one of the two accounts while a transfer between them runs is never lost:
/// the transfer changes the balances it read, under the locks it read them under.
#[test]
fn a_deposit_made_meanwhile_is_never_lost() {
    let only_fields: bool = account_holds_only_its_fields();
    ::std::assert!(only_fields, "{SIDE_STATE}");
    // A transfer of 30 between alice (id 1) and bob (id 2), either way, and the test deposits 5 into
    // alice as soon as it can get her lock, the first one the transfer takes.
    let deposit = |balance: &mut i64| -> bool {
        *balance += 5;
        true
    };
    let lost = |m: &Meddled| -> bool {
        let deposited: i64 = if m.changed == Some(true) { 5 } else { 0 };
        m.balances[0] + m.balances[1] != 200 + deposited
    };
    let setups: [((u32, u32), bool); 2] = [((2, 1), false), ((1, 2), true)];
    let found: Option<((u32, u32), bool, Meddled)> = meddle_until(&setups, 30, (100, 100), deposit, lost);
    let Some((ids, _on_sender, m)) = found else { return };
    let alice_sends: bool = ids.0 == 1;
    let [sender_now, receiver_now]: [i64; 2] = m.balances;
    let (alice_now, bob_now): (i64, i64) =
        if alice_sends { (sender_now, receiver_now) } else { (receiver_now, sender_now) };
    let way: &str = if alice_sends { "alice -> bob" } else { "bob -> alice" };
    let deposited: bool = m.changed == Some(true);
    let total: i64 = alice_now + bob_now;
    let expected: i64 = if deposited { 205 } else { 200 };
    let when: &str = if deposited {
        "The test took alice's lock the moment your transfer let go of it, before the transfer was over, and \
         deposited 5 there"
    } else {
        "The test did not even get alice's lock before your transfer was over"
    };
    ::std::panic!(
        "{way} 30, both starting at 100, while the test deposited 5 into alice: alice ended at {alice_now} and bob \
         at {bob_now}, {total} in all, where {expected} were expected (see “Check and act under one lock”)\n\
         {when}. Your transfer had let go of the locks it read the balances under, then wrote balances \
         worked out from those old readings back under fresh locks, over whatever changed in between. Keep \
         both locks from reading the balances until both are changed, and change them in place through the \
         guards."
    );
}

/// Money spent from the sender while a transfer runs is never spent a second time: the transfer
/// checks the balance and takes the money under the same locks, held all along.
#[test]
fn money_spent_meanwhile_is_never_spent_twice() {
    // shared sends 80 of its 100 to rent, and the test spends 80 from shared too, if it is there,
    // as soon as it can get shared's lock: one of the two must find too little.
    let spend = |balance: &mut i64| -> bool {
        if *balance < 80 {
            return false;
        }
        *balance -= 80;
        true
    };
    let wrong = |m: &Meddled| -> bool {
        let spent: i64 = if m.changed == Some(true) { 80 } else { 0 };
        m.balances[0] < 0 || m.balances[0] + m.balances[1] + spent != 100
    };
    // shared has the lower id: its lock is the first one the transfer takes.
    let setups: [((u32, u32), bool); 1] = [((1, 2), true)];
    let found: Option<((u32, u32), bool, Meddled)> = meddle_until(&setups, 80, (100, 0), spend, wrong);
    let Some((ids, _on_sender, m)) = found else { return };
    let [shared_now, rent_now]: [i64; 2] = m.balances;
    let spent: bool = m.changed == Some(true);
    let moved: bool = m.moved;
    let overdrawn: bool = shared_now < 0;
    ::std::assert!(
        !overdrawn,
        "shared (id {}) held 100 and sent 80 to rent (id {}), returning {moved}; meanwhile the test took \
         shared's lock the moment your transfer let go of it and spent 80 there too, and shared ended at \
         {shared_now} (see “Check and act under one lock”)\n\
         Your transfer checked the balance under its two locks, let them go, and took the money under the \
         two locks taken again: the test got in between, and the check no longer held. Keep both locks, \
         taken in one order (“Two locks, opposite orders”), from the check until the money has moved.",
        ids.0,
        ids.1
    );
    let total: i64 = shared_now + rent_now + if spent { 80 } else { 0 };
    ::std::panic!(
        "shared (id {}) held 100 and sent 80 to rent (id {}), returning {moved}; meanwhile the test {} \
         shared's lock; shared ended at {shared_now} and rent at {rent_now}, so {total} exist in all where \
         100 did (see “Check and act under one lock”)\n\
         Your transfer let go of the locks it read the balances under and wrote balances worked out from \
         those old readings back under fresh locks, over the test's change. Keep both locks, taken in one \
         order (“Two locks, opposite orders”), from reading the balances until both are changed, and change \
         them in place through the guards.",
        ids.0,
        ids.1,
        if spent { "spent 80 from shared under" } else { "did not even get" }
    );
}

/// A transfer from an account to itself returns false at once and leaves the balance as it was.
#[test]
fn a_transfer_to_the_same_account_is_refused_at_once() {
    let alice = Arc::new(Account::new(1, 100));
    let (answer, answered) = mpsc::channel::<bool>();
    {
        let alice = Arc::clone(&alice);
        // Not joined: if the transfer waits for itself, this thread stays stuck and the test reports it.
        thread::spawn(move || {
            let moved: bool = transfer(&alice, &alice, 30, || {});
            let _ = answer.send(moved);
        });
    }
    let moved: bool = match answered.recv_timeout(STUCK_AFTER) {
        Ok(moved) => moved,
        Err(RecvTimeoutError::Timeout) => ::std::panic!(
            "a transfer from alice to alice did not return within 2 s (see “Locking twice on one thread”)\n\
             When `from` and `to` are the same account there is only one lock: taking it as the first lock and \
             asking for it again as the second, the thread waits for a lock it holds itself, for ever. Check for the same \
             account before locking anything (their `id`s are equal) and return false."
        ),
        Err(RecvTimeoutError::Disconnected) => {
            ::std::panic!("a transfer from alice to alice panicked instead of returning false: see the message above")
        }
    };
    ::std::assert!(!moved, "a transfer from an account to itself moves nothing, so it should return false");
    let left: i64 = alice.balance();
    ::std::assert_eq!(left, 100, "a transfer from alice to alice should leave her 100 as they were");
}

/// How long the test below gives a transfer from an account to itself to return while another
/// thread holds that account's lock. A transfer that checks first returns in microseconds, so even
/// on a very busy machine it stays far under this; one that locks first never returns while the
/// lock is held, however long the test waits.
const REFUSE_WITHIN: Duration = Duration::from_secs(1);

/// A transfer from an account to itself is refused before it locks anything: it returns false at
/// once even while another thread holds that account's lock, and never calls `between_locks`.
#[test]
fn a_transfer_to_the_same_account_locks_nothing() {
    let alice = Arc::new(Account::new(1, 100));
    // The test holds alice's lock itself: the field must be the real `Mutex<i64>`.
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let calls = Arc::new(AtomicUsize::new(0));
    let (answer, answered) = mpsc::channel::<bool>();
    let guard = alice.balance.lock().unwrap();
    {
        let (alice, calls) = (Arc::clone(&alice), Arc::clone(&calls));
        // Not joined: a transfer that waits for alice's lock stays stuck until the test lets go.
        thread::spawn(move || {
            let moved: bool = transfer(&alice, &alice, 30, || {
                calls.fetch_add(1, Ordering::SeqCst);
            });
            let _ = answer.send(moved);
        });
    }
    let while_held: Result<bool, RecvTimeoutError> = answered.recv_timeout(REFUSE_WITHIN);
    drop(guard);
    let returned: bool = while_held.is_ok();
    let moved: bool = match while_held {
        Ok(moved) => moved,
        Err(RecvTimeoutError::Timeout) => answered.recv_timeout(STUCK_AFTER).unwrap_or(false),
        Err(RecvTimeoutError::Disconnected) => {
            ::std::panic!("a transfer from alice to alice panicked instead of returning false: see the message above")
        }
    };
    let called: usize = calls.load(Ordering::SeqCst);
    // What it did, as the test saw it: whether it returned while the lock was held, and whether it
    // called `between_locks`.
    let (what, why): (&str, &str) = if returned {
        (
            "returned at once, but called `between_locks` first",
            "It ran `between_locks`, the moment between a first lock and a second, as if it had a second lock to \
             take, before finding out that `from` and `to` are the same account.",
        )
    } else if called > 0 {
        (
            "did not return within 1 s: it waited for that lock, then called `between_locks` once it had it",
            "It took alice's lock before finding out that `from` and `to` are the same account, so it waited for \
             whoever held that lock, for nothing, and then ran `between_locks` as if it had a second lock to take.",
        )
    } else {
        (
            "did not return within 1 s: it waited for that lock",
            "It took alice's lock (or waited for it) before finding out that `from` and `to` are the same account, so \
             it waited for whoever held that lock, for nothing.",
        )
    };
    ::std::assert!(
        returned && called == 0,
        "a transfer from alice to alice, while another thread held alice's lock, {what} \
         (see “Locking twice on one thread”)\n\
         {why} A transfer from an account to itself has nothing to do: make `if from.id == to.id {{ return false; }}` \
         the very first thing `transfer` does, before any lock."
    );
    ::std::assert!(!moved, "a transfer from an account to itself moves nothing, so it should return false");
    let left: i64 = alice.balance();
    ::std::assert_eq!(left, 100, "a transfer from alice to alice should leave her 100 as they were");
}

/// How many transfers the test below audits at most, and for how long at most: it stops at the
/// first one caught with money in neither account. This is a statistical test: a transfer that
/// lets go of both locks before it has credited the receiver leaves a gap no hook of the test runs
/// in, a few microseconds wide, which the test widens (a thread of its own waits for the first lock,
/// so letting go of it takes the transfer a moment longer) and an auditor thread, looking all the
/// time, falls into in most attempts on a quiet machine and in fewer on a busy one. A transfer
/// that holds both locks until both balances are changed is never caught, however many attempts.
const AUDIT_ATTEMPTS: usize = 300;
const AUDIT_FOR: Duration = Duration::from_millis(1200);

/// What an auditor of the test saw while one transfer of 30 between alice (id 1) and bob (id 2),
/// both at 100, ran: the first balances it found adding up to anything but 200 (alice's, bob's).
struct Audited {
    short: Option<(i64, i64)>,
}

/// Runs one transfer of 30 between alice and bob (from alice when `from_alice`) while an auditor
/// thread of the test keeps taking the receiver's lock, then the sender's, and adds the two
/// balances. `None` if the transfer did not call `between_locks` holding one lock (other tests say why).
fn audit_one_transfer(from_alice: bool) -> Option<Audited> {
    let alice = Account::new(1, 100);
    let bob = Account::new(2, 100);
    // The test takes the accounts' locks itself: the field must be the real `Mutex<i64>`.
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let (from, to): (&Account, &Account) = if from_alice { (&alice, &bob) } else { (&bob, &alice) };
    // 0: not started; 1: `between_locks` reached; 2: the auditor is looking; 3: the waiter is about
    // to wait for alice's lock (the first in id order); 4: the transfer has returned.
    let progress: Mutex<u8> = Mutex::new(0);
    let moved_on = Condvar::new();
    let step = |to_step: u8| {
        let mut now = progress.lock().unwrap();
        *now = (*now).max(to_step);
        moved_on.notify_all();
    };
    let wait_for = |at_least: u8, within: Duration| -> bool {
        let now = progress.lock().unwrap();
        let (now, _) = moved_on.wait_timeout_while(now, within, |now| *now < at_least).unwrap();
        *now >= at_least && *now < 4
    };
    let done = AtomicBool::new(false);
    let ready = AtomicBool::new(true);
    let short: Mutex<Option<(i64, i64)>> = Mutex::new(None);
    thread::scope(|scope| {
        scope.spawn(|| {
            if !wait_for(1, STUCK_AFTER) {
                return;
            }
            step(2);
            // The auditor takes the receiver's lock only once it has seen somebody else hold it since
            // it last let go, so that it never keeps the transfer from taking it.
            let mut seen_held: bool = false;
            while !done.load(Ordering::SeqCst) {
                let received = match to.balance.try_lock() {
                    Ok(received) if seen_held => received,
                    Ok(_) => continue,
                    Err(_) => {
                        seen_held = true;
                        continue;
                    }
                };
                seen_held = false;
                // The sender's lock may be busy for a moment (the waiter takes it and lets go at once).
                let since = Instant::now();
                while since.elapsed() < Duration::from_micros(200) {
                    if let Ok(sent) = from.balance.try_lock() {
                        let (alice_has, bob_has): (i64, i64) =
                            if from_alice { (*sent, *received) } else { (*received, *sent) };
                        if alice_has + bob_has != 200 {
                            let mut short = short.lock().unwrap();
                            *short = short.or(Some((alice_has, bob_has)));
                            return;
                        }
                        break;
                    }
                    ::std::hint::spin_loop();
                }
            }
        });
        scope.spawn(|| {
            if !wait_for(2, STUCK_AFTER) {
                return;
            }
            step(3);
            // Once it has alice's lock, it looks at bob's balance too, as an auditor taking both in id order.
            let alice_guard = alice.balance.lock().unwrap();
            let since = Instant::now();
            while since.elapsed() < Duration::from_micros(200) {
                if let Ok(bob_guard) = bob.balance.try_lock() {
                    let (alice_has, bob_has): (i64, i64) = (*alice_guard, *bob_guard);
                    if alice_has + bob_has != 200 {
                        let mut short = short.lock().unwrap();
                        *short = short.or(Some((alice_has, bob_has)));
                    }
                    return;
                }
                ::std::hint::spin_loop();
            }
        });
        let first_call = Cell::new(true);
        transfer(from, to, 30, || {
            if !first_call.replace(false) {
                return;
            }
            step(1);
            if !wait_for(3, Duration::from_millis(500)) {
                ready.store(false, Ordering::SeqCst);
                return;
            }
            // Time for the waiter to be asleep inside `lock()`.
            thread::sleep(Duration::from_millis(1));
        });
        done.store(true, Ordering::SeqCst);
        step(4);
    });
    if !ready.load(Ordering::SeqCst) {
        return None;
    }
    let short: Option<(i64, i64)> = *short.lock().unwrap();
    Some(Audited { short })
}

/// An auditor who takes both accounts' locks while a transfer between them runs always finds the
/// total intact: the money is never gone from one account and not yet in the other.
#[test]
fn an_auditor_always_finds_the_total_intact() {
    let since = Instant::now();
    for attempt in 0..AUDIT_ATTEMPTS {
        if since.elapsed() > AUDIT_FOR {
            return;
        }
        let from_alice: bool = attempt % 2 == 0;
        let Some(audited) = audit_one_transfer(from_alice) else { continue };
        let Some((alice_has, bob_has)) = audited.short else { continue };
        let way: &str = if from_alice { "alice -> bob" } else { "bob -> alice" };
        let (sender, receiver): (&str, &str) = if from_alice { ("alice", "bob") } else { ("bob", "alice") };
        let total: i64 = alice_has + bob_has;
        ::std::panic!(
            "{way} 30, both starting at 100: meanwhile an auditor of the test held both accounts' locks and found \
             alice at {alice_has} and bob at {bob_has}, {total} in all where 200 should always be \
             (see “Check and act under one lock”)\n\
             Your transfer let go of its locks between taking the 30 from {sender} and giving it to {receiver}, \
             so for a moment the money was in neither account, and anyone locking both saw it missing. Take \
             the two locks in one order (“Two locks, opposite orders”) and keep both until both balances are \
             changed: `*from_balance -= amount; *to_balance += amount;` with both guards alive."
        );
    }
}

/// Poisons `account`'s lock the way a bug does: a thread panics while it holds it. That panic is
/// expected, so not printed.
fn poison(account: &Account) {
    crate::__learn::exact::<Mutex<i64>, _>(&account.balance);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        let _ = scope
            .spawn(|| {
                let _changing = account.balance.lock();
                ::std::panic!("a thread failed while it held the account");
            })
            .join();
    });
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = account.balance.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the account");
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
        let outcome = answered.recv_timeout(Duration::from_secs(2));
        ::std::panic::set_hook(report_panics);
        let answered: bool = outcome.is_ok();
        ::std::assert!(
            answered,
            "with one account's lock poisoned by a thread that panicked (nobody holds it any more), {what} did not answer \
             within 2 s: a poisoned lock is no busy lock, and waiting or trying again never makes it free"
        );
        outcome
    });
    outcome.ok().flatten()
}

/// The balance of `account`, poisoned or not.
fn balance_of(account: &Account) -> i64 {
    *account.balance.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the tests say to do about a poisoned account.
const ON_POISON: &str = "A poisoned lock says some code panicked half way through a change of that balance. Let \
     `lock().unwrap()` panic, so the failure shows, or, where the data is known to be fine, go on with \
     `unwrap_or_else(PoisonError::into_inner)` (see “Poisoned locks”)";

/// With either account's lock poisoned, a transfer the money covers panics or goes through: `false` would say alice cannot cover it.
#[test]
fn a_transfer_with_a_poisoned_account_is_not_refused_for_lack_of_money() {
    for poisoned in ["alice", "bob"] {
        let (alice, bob) = (Account::new(1, 100), Account::new(2, 0));
        poison(if poisoned == "alice" { &alice } else { &bob });
        let answer: Option<bool> =
            answered_quietly("`transfer(alice, bob, 40)`", || transfer(&alice, &bob, 40, || {}));
        let (left, right): (i64, i64) = (balance_of(&alice), balance_of(&bob));
        let honest: bool = match answer {
            None => true,
            Some(moved) => moved && (left, right) == (60, 40),
        };
        let returned: bool = answer.unwrap_or_default();
        let what: ::std::string::String = if !returned {
            ::std::string::String::from(
                "`false` tells the caller that alice cannot cover 40, which is not what happened",
            )
        } else if (left, right) == (100, 0) {
            ::std::string::String::from("it moved nothing, yet `true` tells the caller the 40 went from alice to bob")
        } else {
            ::std::string::String::from("`true` says the 40 moved, which leaves alice with 60 and bob with 40")
        };
        ::std::assert!(
            honest,
            "with {poisoned}'s lock poisoned by a thread that panicked while it held it, `transfer(alice, bob, 40)`, which \
             alice's 100 covers, returned {returned} and left alice with {left} and bob with {right}: {what}.\n{ON_POISON}"
        );
    }
}

/// On a poisoned account, `balance` panics or answers the balance: never 0 for an account that has money.
#[test]
fn a_balance_on_a_poisoned_account_is_never_made_up() {
    let alice = Account::new(1, 100);
    poison(&alice);
    let answer: Option<i64> = answered_quietly("`alice.balance()`", || alice.balance());
    ::std::assert!(
        answer.is_none() || answer == Some(100),
        "with alice's lock poisoned by a thread that panicked while it held it, `alice.balance()` answered {}, though \
         alice has 100: the poison was taken for an account with no money.\n{ON_POISON}",
        answer.unwrap_or_default()
    );
}

/// Whether `Account` holds its id and its balance's lock and nothing else: the tests that read
/// balances after transfers first make sure of that, so that a side copy of the balance is told
/// so by the_account_holds_nothing_but_its_id_and_balance, not blamed on the transfers.
fn account_holds_only_its_fields() -> bool {
    let alone: Account = Account::new(1, 0);
    ::std::mem::size_of_val(&alone) == ::std::mem::size_of::<(u32, Mutex<i64>)>()
}

/// What a test says when `account_holds_only_its_fields` is false.
const SIDE_STATE: &str = "could not begin: `Account` keeps something beside its id and balance \
     (the_account_holds_nothing_but_its_id_and_balance says why)";

/// `Account` holds its id and its balance's lock, and nothing beside them: the balance lives in one place.
#[test]
fn the_account_holds_nothing_but_its_id_and_balance() {
    let alice = Account::new(1, 100);
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let size: usize = ::std::mem::size_of_val(&alice);
    let fields: usize = ::std::mem::size_of::<(u32, Mutex<i64>)>();
    ::std::assert!(
        size == fields,
        "`Account` takes {size} bytes, where its `id` and `balance` fields take {fields}: it keeps something beside them (a \
         copy of the balance in an atomic for `balance()` to read, a lock of its own), and a copy updated after the locks \
         are let go is read stale in between (see “Check and act under one lock”)\n\
         Keep the one `balance: Mutex<i64>`: `balance()` locks it and reads, `transfer` changes it through its guard."
    );
}

/// A transfer the sender cannot cover never touches the receiver's balance, not even for a moment: the check comes before any change.
#[test]
fn a_refused_transfer_never_touches_the_receiver() {
    // Bob's balance is so close to the most an `i64` holds that adding 100 to it overflows, which
    // panics in a test build: only a transfer that changes bob's balance before checking alice's
    // gets there.
    let alice = Account::new(1, 10);
    let bob = Account::new(2, i64::MAX - 5);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let answer = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&alice, &bob, 100, || {})));
    ::std::panic::set_hook(report_panics);
    let refused: Option<bool> = answer.ok().map(|moved: bool| !moved);
    ::std::assert!(
        refused.is_some(),
        "alice has 10 and bob nearly the most an `i64` holds; `transfer(alice, bob, 100)`, which alice cannot cover, \
         panicked adding to bob's balance: it credited bob before checking that alice could pay, so for a moment a \
         refused transfer's money sat in bob's account, where anyone could see or spend it \
         (see “Check and act under one lock”)\n\
         With both guards held, check the sender's balance first, and only then take the money out of one account and \
         put it into the other."
    );
    ::std::assert!(refused == Some(true), "alice has only 10, so sending 100 should be refused");
    let (left, got): (i64, i64) = (balance_of(&alice), balance_of(&bob));
    ::std::assert!(
        (left, got) == (10, i64::MAX - 5),
        "a refused transfer should leave both balances as they were, but alice has {left} and bob {got}"
    );
}

/// Which of its two accounts a transfer from the account with id `ids.0` to the one with id
/// `ids.1` held locked when it first called `between_locks`: `Some(true)` the sender's alone,
/// `Some(false)` the receiver's alone, `None` if it held none or both, or never called it.
fn sender_locked_first(ids: (u32, u32)) -> Option<bool> {
    let from = Account::new(ids.0, 100);
    let to = Account::new(ids.1, 0);
    sender_locked_first_between(&from, &to)
}

/// `sender_locked_first` for a transfer of 1 between these two accounts, from `from` to `to`.
fn sender_locked_first_between(from: &Account, to: &Account) -> Option<bool> {
    let seen: Cell<Option<Option<bool>>> = Cell::new(None);
    transfer(from, to, 1, || {
        if seen.get().is_none() {
            let held: [bool; 2] = [from.balance.try_lock().is_err(), to.balance.try_lock().is_err()];
            seen.set(Some(match held {
                [true, false] => Some(true),
                [false, true] => Some(false),
                _ => None,
            }));
        }
    });
    seen.get().flatten()
}

/// How two transfers between the same two accounts, one each way, took their first locks.
#[derive(Clone, Copy, PartialEq)]
enum PairOrder {
    /// Both took this account's lock first (its id): one order, whichever way the money goes.
    First(u32),
    /// Each took its own sender's lock first (`true`), or each its own receiver's (`false`).
    Opposite(bool),
    /// A transfer did not call `between_locks` holding exactly one of the two locks.
    Unseen,
}

impl PairOrder {
    fn of((a, b): (u32, u32), a_to_b: Option<bool>, b_to_a: Option<bool>) -> PairOrder {
        match (a_to_b, b_to_a) {
            (Some(one), Some(other)) if one == other => PairOrder::Opposite(one),
            (Some(a_first), Some(_)) => PairOrder::First(if a_first { a } else { b }),
            _ => PairOrder::Unseen,
        }
    }
}

/// What a test says when transfers between fresh accounts 1 and 2, one each way, took their locks
/// in opposite orders (each its `whose` first), if two transfers between one and the same pair of
/// accounts kept one order: the order follows the accounts themselves, not their ids. `None` when
/// that pair too got opposite orders, the fault the_lock_order_never_changes_with_the_balances names.
fn order_by_the_account_values(whose: &str) -> Option<::std::string::String> {
    let (alice, bob) = (Account::new(1, 100), Account::new(2, 100));
    let alice_to_bob: Option<bool> = sender_locked_first_between(&alice, &bob);
    let bob_to_alice: Option<bool> = sender_locked_first_between(&bob, &alice);
    match PairOrder::of((1, 2), alice_to_bob, bob_to_alice) {
        PairOrder::First(_) => Some(::std::format!(
            "1 -> 2 and 2 -> 1, each between a pair of accounts made for it (the sender's made first), took their two \
             locks in opposite orders, each its {whose} first; yet two transfers between one and the same pair of \
             accounts 1 and 2, one each way, kept one order: the order follows the account values, not their ids \
             (where they lie in memory, say) (see “Two locks, opposite orders”)\n\
             Where an account lies is up to the allocator, not to anything in the code, and it is not what names an \
             account: its `id` is. Order by the ids, `from.id < to.id`, so that accounts 1 and 2 are locked the same \
             way wherever they are."
        )),
        _ => None,
    }
}

/// What went wrong while `pair_orders` ran one transfer after another, none of them waiting for
/// any other: the transfer (sender's id, receiver's id) that had not returned in time (`false`),
/// or that panicked (`true`), and the time it had.
type LoneFault = ((u32, u32), bool, Duration);

/// `PairOrder` for each of `pairs`, one transfer each way per pair, all one after another on a
/// thread of the test (none of them ever waits for another), all of them done `within` that time.
fn pair_orders(pairs: &[(u32, u32)], within: Duration) -> Result<Vec<PairOrder>, LoneFault> {
    let running: Arc<Mutex<(u32, u32)>> = Arc::new(Mutex::new((0, 0)));
    let (done, finished) = mpsc::channel::<Vec<PairOrder>>();
    let pairs: Vec<(u32, u32)> = pairs.to_vec();
    let now: Arc<Mutex<(u32, u32)>> = Arc::clone(&running);
    // Not joined: a transfer stuck for good stays stuck, and the test reports it.
    thread::spawn(move || {
        let mut orders: Vec<PairOrder> = ::std::vec::Vec::with_capacity(pairs.len());
        for (a, b) in pairs {
            *now.lock().unwrap() = (a, b);
            let a_to_b: Option<bool> = sender_locked_first((a, b));
            *now.lock().unwrap() = (b, a);
            let b_to_a: Option<bool> = sender_locked_first((b, a));
            orders.push(PairOrder::of((a, b), a_to_b, b_to_a));
        }
        let _ = done.send(orders);
    });
    let outcome: Result<Vec<PairOrder>, RecvTimeoutError> = finished.recv_timeout(within);
    let at: (u32, u32) = *running.lock().unwrap_or_else(PoisonError::into_inner);
    outcome.map_err(|ended| (at, ended == RecvTimeoutError::Disconnected, within))
}

/// What a test says when a transfer running alone in `pair_orders` did not return.
fn lone_fault_message(((from, to), panicked, within): LoneFault) -> ::std::string::String {
    if panicked {
        ::std::format!(
            "a transfer of 1 from account {from} (which has 100) to account {to}, with no other transfer running, panicked \
             instead of returning: see its message above\n\
             Any `u32` is an id, up to {}: arithmetic on ids (adding two of them, say) can overflow there, while \
             comparing them with `<` never does.",
            u32::MAX
        )
    } else {
        ::std::format!(
            "a transfer of 1 from account {from} to account {to}, with no other transfer running, did not return within \
             {within:?}: it waits for a lock it already holds (see “Locking twice on one thread”)\n\
             While a transfer holds an account's guard, anything that locks that account again (its `balance()` method, \
             a second `lock()`) waits for ever. Read and change both balances through the two guards the transfer \
             already holds."
        )
    }
}

/// Three transfers around a circle of three accounts, 1 -> 2, 2 -> 3 and 3 -> 1, started together, all finish: every pair of accounts is locked in the one order every transfer uses, not an order chosen pair by pair.
#[test]
fn three_transfers_around_a_circle_all_finish() {
    let accounts: [Arc<Account>; 3] = [Arc::new(Account::new(1, 100)), Arc::new(Account::new(2, 100)), Arc::new(Account::new(3, 100))];
    // The test looks at the accounts' locks itself if the transfers get stuck: the field must be the real `Mutex<i64>`.
    crate::__learn::exact::<Mutex<i64>, _>(&accounts[0].balance);
    let meeting = Arc::new(Meeting::of(3, MEET_WITHIN));
    let start = Arc::new(Barrier::new(3));
    let (done, results) = mpsc::channel::<bool>();
    for index in 0..3 {
        let (from, to) = (Arc::clone(&accounts[index]), Arc::clone(&accounts[(index + 1) % 3]));
        let (meeting, start, done) = (Arc::clone(&meeting), Arc::clone(&start), done.clone());
        // Not joined: if the transfers deadlock, these threads stay stuck and the test reports it.
        thread::spawn(move || {
            start.wait();
            let moved: bool = transfer(&from, &to, 10, || meeting.arrive(index));
            let _ = done.send(moved);
        });
    }
    let deadline = Instant::now() + MEET_WITHIN + STUCK_AFTER;
    let mut finished: usize = 0;
    while finished < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        if results.recv_timeout(left).is_err() {
            break;
        }
        finished += 1;
    }
    if finished == 3 {
        return;
    }
    // Stuck: each pair's transfers, one each way, run alone on fresh accounts, say which locks
    // they take first, and so what kept the three waiting.
    let pairs: [(u32, u32); 3] = [(1, 2), (2, 3), (3, 1)];
    let orders: Result<Vec<PairOrder>, LoneFault> = pair_orders(&pairs, Duration::from_secs(1));
    let lone_fault: Option<LoneFault> = orders.as_ref().err().copied();
    ::std::assert!(
        lone_fault.is_none(),
        "1 -> 2, 2 -> 3 and 3 -> 1, started together, did not all finish within 2.5 s ({finished} of 3 did), and then {}",
        lone_fault.map(lone_fault_message).unwrap_or_default()
    );
    let orders: Vec<PairOrder> = orders.unwrap_or_default();
    let unseen: bool = orders.contains(&PairOrder::Unseen);
    ::std::assert!(
        !unseen,
        "could not begin: a transfer did not call `between_locks` holding exactly one of its two locks, so the test cannot \
         see its order (the same fault as in between_locks_runs_holding_one_lock)"
    );
    let opposite: Option<(u32, u32)> =
        pairs.iter().zip(&orders).find(|(_, order)| ::std::matches!(order, PairOrder::Opposite(_))).map(|(pair, _)| *pair);
    if let Some((a, b)) = opposite {
        let same_fault_as: &str = if (a, b) == (1, 2) && order_by_the_account_values("").is_none() {
            "the_lock_order_never_changes_with_the_balances"
        } else {
            "every_two_accounts_are_locked_in_one_order"
        };
        ::std::panic!(
            "could not begin: {a} -> {b} and {b} -> {a}, each run alone, took their two locks in opposite orders, so the \
             circle's transfers got stuck ({finished} of 3 finished within 2.5 s) before they could show anything more \
             (the same fault as in {same_fault_as})"
        );
    }
    // Each pair has one order: the account each pair locks first.
    let firsts: Vec<u32> = orders
        .iter()
        .map(|order| match order {
            PairOrder::First(id) => *id,
            _ => 0,
        })
        .collect();
    let circle: bool = firsts == [1, 2, 3] || firsts == [2, 3, 1];
    ::std::assert!(
        !circle,
        "1 -> 2, 2 -> 3 and 3 -> 1, started together, did not all finish within 2.5 s ({finished} of 3 did): each held \
         one account's lock and waited for the next one's, around the circle (see “Two locks, opposite orders”)\n\
         Run alone, each pair's transfers keep one order whichever way the money goes, but the orders go round: {}. An \
         order that only settles each pair on its own (by whether the ids add up to an even number, say) can still close \
         a circle of three or more. Use one order over all the accounts, the same for every transfer: the lower id first.",
        if firsts == [1, 2, 3] {
            "1 before 2, 2 before 3, and 3 before 1"
        } else {
            "2 before 1, 3 before 2, and 1 before 3"
        }
    );
    ::std::panic!(
        "1 -> 2, 2 -> 3 and 3 -> 1, started together, did not all finish within 2.5 s ({finished} of 3 did) \
         (see “Two locks, opposite orders”)\n\
         Run alone, each of them took its first lock in one order over all three accounts, so it was not the order that \
         kept them waiting: a transfer waited for something else while it held a lock (a sleep, a lock of its own). Take \
         the two accounts' locks, move the money, and let go, waiting for nothing else."
    );
}

/// How long the test below keeps a transfer's first lock busy: a transfer that gives up on a busy first lock after some time gives up within it.
const HOLD_FIRST_LOCK_FOR: Duration = Duration::from_secs(3);

/// A transfer whose first lock is busy waits for it as long as it takes, then moves the money: it never gives up and answers false for an account that can pay.
#[test]
fn a_transfer_waits_for_its_first_lock_as_long_as_it_takes() {
    let alice = Arc::new(Account::new(1, 100));
    let bob = Arc::new(Account::new(2, 100));
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let held = alice.balance.lock().unwrap();
    let (done, answered) = mpsc::channel::<bool>();
    {
        let (alice, bob) = (Arc::clone(&alice), Arc::clone(&bob));
        // Not joined: a transfer stuck for good stays stuck, and the test reports it.
        thread::spawn(move || {
            let _ = done.send(transfer(&alice, &bob, 30, || {}));
        });
    }
    let early: Option<bool> = answered.recv_timeout(HOLD_FIRST_LOCK_FOR).ok();
    drop(held);
    ::std::assert!(
        early.is_none(),
        "alice -> bob 30, with alice's lock (the first in id order) kept busy by the test for {HOLD_FIRST_LOCK_FOR:?}, \
         returned {} before the test let go: it gave up on the busy lock after a while (a `try_lock` loop with a time \
         limit, say), and `false` tells the caller alice cannot cover 30, which is not what happened \
         (see “Two locks, opposite orders”)\n\
         With one lock order for every transfer there is no deadlock to escape: wait in `lock()`, however long it takes.",
        early.unwrap_or_default()
    );
    let moved: Option<bool> = answered.recv_timeout(STUCK_AFTER).ok();
    ::std::assert!(
        moved == Some(true),
        "alice -> bob 30 waited for alice's lock while the test kept it busy, but once the test let go it answered {moved:?} \
         within 2 s, where true was due: alice has 100"
    );
}

/// `balance` on an account another thread holds waits its turn and answers the balance: a busy account is no empty one.
#[test]
fn a_balance_on_a_busy_account_waits_and_answers() {
    let alice = Arc::new(Account::new(1, 100));
    crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);
    let held = alice.balance.lock().unwrap();
    let (answer, answered) = mpsc::channel::<i64>();
    {
        let alice = Arc::clone(&alice);
        // Not joined: a `balance` stuck for good stays stuck, and the test reports it.
        thread::spawn(move || {
            let _ = answer.send(alice.balance());
        });
    }
    let early: Option<i64> = answered.recv_timeout(Duration::from_millis(300)).ok();
    drop(held);
    let late: Option<i64> = if early.is_some() { early } else { answered.recv_timeout(STUCK_AFTER).ok() };
    ::std::assert!(
        early.is_none(),
        "while another thread held alice's lock, `alice.balance()` answered {} without waiting: it took a busy lock for \
         an answer (a `try_lock` that says 0, say), where alice has 100 (see “Trying without waiting”)\n\
         `balance` waits its turn with `lock()`: the other thread holds the lock for a moment, and the answer is then right.",
        early.unwrap_or_default()
    );
    ::std::assert!(late == Some(100), "once the other thread let go, `alice.balance()` should answer 100, not {late:?}");
}

/// The ids of the accounts whose every pair `every_two_accounts_are_locked_in_one_order` tries:
/// neighbours (which `id / 2` or `id / 720720` make equal), ids equal modulo 2^8, 2^16, 2^24
/// and powers of ten (which `id as u8`, `id as u16` or `id % 1000` make equal), ids that round to
/// the same `f32` (from 2^24 on), and ids near 2^31 and near the largest `u32`.
const SURVEYED_IDS: [u32; 41] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 101, 255, 256, 257, 1000, 1001, 10_001, 65_535, 65_536, 65_537, 100_001,
    720_720, 720_721, 1_000_001, 10_000_001, 16_777_216, 16_777_217, 16_777_218, 16_777_219, 100_000_001, 1_000_000_001,
    2_147_483_647, 2_147_483_648, 2_147_483_649, 4_294_967_040, 4_294_967_041, 4_294_967_294, 4_294_967_295,
];

/// Any two accounts, whatever their ids (next to each other, far apart, equal in their low bits, near the largest `u32`), are locked in one order whichever way the money goes, and that order is one order over all accounts.
#[test]
fn every_two_accounts_are_locked_in_one_order() {
    let probe = Account::new(1, 0);
    crate::__learn::exact::<Mutex<i64>, _>(&probe.balance);
    // Every pair of ids, each run alone one way and then the other: only the locks each transfer
    // holds in `between_locks` are looked at, so an honest answer goes through them at once.
    let mut pairs: Vec<(u32, u32)> = ::std::vec::Vec::new();
    for (index, &a) in SURVEYED_IDS.iter().enumerate() {
        pairs.extend(SURVEYED_IDS[index + 1..].iter().map(|&b| (a, b)));
    }
    let orders: Result<Vec<PairOrder>, LoneFault> = pair_orders(&pairs, STUCK_AFTER);
    let lone_fault: Option<LoneFault> = orders.as_ref().err().copied();
    ::std::assert!(lone_fault.is_none(), "{}", lone_fault.map(lone_fault_message).unwrap_or_default());
    let orders: Vec<PairOrder> = orders.unwrap_or_default();
    let order_of = |pair: (u32, u32)| -> PairOrder {
        pairs.iter().position(|&tried| tried == pair).map_or(PairOrder::Unseen, |at| orders[at])
    };
    let alice_and_bob: PairOrder = order_of((1, 2));
    let seen: bool = alice_and_bob != PairOrder::Unseen;
    let opposite_already: bool = ::std::matches!(alice_and_bob, PairOrder::Opposite(_));
    ::std::assert!(
        seen,
        "could not begin: a transfer between accounts 1 and 2 did not call `between_locks` holding exactly one of its two \
         locks, so the test cannot see its order (the same fault as in between_locks_runs_holding_one_lock)"
    );
    let by_the_values: Option<::std::string::String> = match alice_and_bob {
        PairOrder::Opposite(sender_first) => {
            order_by_the_account_values(if sender_first { "sender's" } else { "receiver's" })
        }
        _ => None,
    };
    ::std::assert!(by_the_values.is_none(), "{}", by_the_values.unwrap_or_default());
    ::std::assert!(
        !opposite_already,
        "could not begin: 1 -> 2 and 2 -> 1 took their two locks in opposite orders (the same fault as in \
         the_lock_order_never_changes_with_the_balances)"
    );
    let opposite: Vec<((u32, u32), bool)> = pairs
        .iter()
        .zip(&orders)
        .filter_map(|(&pair, order)| match order {
            PairOrder::Opposite(sender_first) => Some((pair, *sender_first)),
            _ => None,
        })
        .collect();
    if let Some(&((a, b), sender_first)) = opposite.first() {
        let whose: &str = if sender_first { "sender's" } else { "receiver's" };
        let (a_took, b_took): (u32, u32) = if sender_first { (a, b) } else { (b, a) };
        let examples: Vec<::std::string::String> =
            opposite.iter().take(6).map(|((one, other), _)| ::std::format!("{one} and {other}")).collect();
        // Whether `x` was locked before `y` in the one order their pair kept, if it kept one.
        let before = |x: u32, y: u32| -> Option<bool> {
            match (order_of((x, y)), order_of((y, x))) {
                (PairOrder::First(id), _) | (_, PairOrder::First(id)) => Some(id == x),
                _ => None,
            }
        };
        // Two ids an order treats as equal are placed alike against every third id; a third id that
        // comes between them shows the order is no ranking of the ids at all, but settled pair by pair.
        let between: Option<u32> = SURVEYED_IDS.iter().copied().find(|&c| {
            c != a && c != b && before(a, c).is_some() && before(b, c).is_some() && before(a, c) != before(b, c)
        });
        if let Some(c) = between {
            let (low, high): (u32, u32) = if before(a, c) == Some(true) { (a, b) } else { (b, a) };
            ::std::panic!(
                "{a} -> {b} took account {a_took}'s lock first and {b} -> {a} took account {b_took}'s, each its {whose}: two \
                 transfers between these accounts going opposite ways at once take the same two locks in opposite \
                 orders, and each holds one and waits for the other, for ever (see “Two locks, opposite orders”)\n\
                 Of the {} pairs of ids tried, {} were locked in opposite orders like that ({}{}), while 1 and 2 were not. \
                 It is not that {a} and {b} look alike to your order: account {low} was locked before {c}, and {c} before \
                 {high}, so {a} and {b} are apart in it, and still it gives them no one order. Your order is settled pair \
                 by pair (by a difference of the ids that wraps round, say, `to.id.wrapping_sub(from.id)`), not one \
                 ranking of all ids: for some pairs it has no answer, and around others it goes in a circle. Compare the \
                 whole ids, `from.id < to.id`: `<` ranks every `u32` in one line.",
                pairs.len(),
                opposite.len(),
                examples.join(", "),
                if opposite.len() > examples.len() { ", …" } else { "" }
            );
        }
        ::std::panic!(
            "{a} -> {b} took account {a_took}'s lock first and {b} -> {a} took account {b_took}'s, each its {whose}: two \
             transfers between these accounts going opposite ways at once take the same two locks in opposite orders, \
             and each holds one and waits for the other, for ever (see “Two locks, opposite orders”)\n\
             Of the {} pairs of ids tried, {} were locked in opposite orders like that ({}{}), while 1 and 2 were not: \
             the order treats two different ids as equal, and on a tie which lock comes first depends on which account \
             sends. It compares something two ids can share: part of each id (`id as u8`, `id as u16`, `id % 1000`), a \
             value worked out from it (`id / 2`), or a float that rounds large ids together (`id as f32`). Compare the \
             whole ids, `from.id < to.id`: no two accounts share an id.",
            pairs.len(),
            opposite.len(),
            examples.join(", "),
            if opposite.len() > examples.len() { ", …" } else { "" }
        );
    }
    // One order per pair; now one order over all of them: no three ids whose pairs' orders go round.
    let count: usize = SURVEYED_IDS.len();
    let mut first: Vec<Vec<Option<bool>>> = ::std::vec![::std::vec![None; count]; count];
    for (&(a, b), order) in pairs.iter().zip(&orders) {
        if let PairOrder::First(id) = *order {
            let (i, j): (usize, usize) = (
                SURVEYED_IDS.iter().position(|&x| x == a).unwrap_or(0),
                SURVEYED_IDS.iter().position(|&x| x == b).unwrap_or(0),
            );
            first[i][j] = Some(id == a);
            first[j][i] = Some(id == b);
        }
    }
    for i in 0..count {
        for j in 0..count {
            for k in 0..count {
                let round: bool = first[i][j] == Some(true) && first[j][k] == Some(true) && first[k][i] == Some(true);
                let (a, b, c): (u32, u32, u32) = (SURVEYED_IDS[i], SURVEYED_IDS[j], SURVEYED_IDS[k]);
                ::std::assert!(
                    !round,
                    "every pair of accounts was locked in one order whichever way the money went, but the orders go \
                     round: account {a} before {b}, {b} before {c}, and {c} before {a}. Three transfers, {a} -> {b}, \
                     {b} -> {c} and {c} -> {a}, started together, can each hold its first lock and wait for the next \
                     one's, around the circle, for ever (see “Two locks, opposite orders”)\n\
                     An order settled pair by pair (by whether the ids add up to an even number, say) is not one order \
                     over all accounts. Lock the lower id first: ids compare the same way whichever two you take."
                );
            }
        }
    }
}

/// A transfer of `amount` from alice (id 1), who has `balance`, to bob (id 2), who has 0: what it
/// returned, and alice's and bob's balances after it.
fn send_from_alice(balance: i64, amount: i64) -> (bool, i64, i64) {
    let alice = Account::new(1, balance);
    let bob = Account::new(2, 0);
    let moved: bool = transfer(&alice, &bob, amount, || {});
    (moved, balance_of(&alice), balance_of(&bob))
}

/// Balances and amounts beyond 32 bits (and beyond the 53 bits an `f64` holds whole), each sent
/// from alice to bob, who has 0: a 32-bit (or float) comparison gets every one of them wrong, one
/// way or the other.
const LARGE_SENDS: [(i64, i64); 8] = [
    (1 << 32, 1),
    ((1 << 32) + 10, (1 << 32) + 10),
    (10, (1 << 32) + 5),
    (5, 1 << 31),
    (1 << 40, (1 << 40) + 1),
    (1 << 53, (1 << 53) + 1),
    (i64::MAX, i64::MAX),
    (i64::MAX - 1, i64::MAX),
];

/// The balance check compares the whole `i64`s: balances and amounts beyond 32 bits are covered or refused as they are.
#[test]
fn large_balances_and_amounts_are_compared_whole() {
    // Small amounts first: a check that gets those wrong is another test's failure.
    let small: [(i64, i64, &str); 4] = [
        (100, 30, "transfer_moves_the_money"),
        (50, 50, "transfer_moves_the_money"),
        (20, 50, "a_transfer_too_big_changes_nothing"),
        (50, 51, "a_transfer_too_big_changes_nothing"),
    ];
    for (balance, amount, test) in small {
        let (moved, left, got): (bool, i64, i64) = send_from_alice(balance, amount);
        let covered: bool = balance >= amount;
        let due: (bool, i64, i64) = if covered { (true, balance - amount, amount) } else { (false, balance, 0) };
        let right: bool = (moved, left, got) == due;
        ::std::assert!(
            right,
            "could not begin: alice had {balance} and sent {amount} to bob, who had 0, and `transfer` returned {moved}, \
             leaving alice with {left} and bob with {got} (the same fault as in {test})"
        );
    }
    for (balance, amount) in LARGE_SENDS {
        let (moved, left, got): (bool, i64, i64) = send_from_alice(balance, amount);
        let covered: bool = balance >= amount;
        let due: (bool, i64, i64) = if covered { (true, balance - amount, amount) } else { (false, balance, 0) };
        let right: bool = (moved, left, got) == due;
        let (due_moved, due_left, due_got): (bool, i64, i64) = due;
        ::std::assert!(
            right,
            "alice had {balance} and sent {amount} to bob, who had 0: `transfer` returned {moved} and left alice with {left} \
             and bob with {got}, where alice's {balance} {} {amount}, so it should have returned {due_moved} and left \
             alice with {due_left} and bob with {due_got}\n\
             Transfers of small amounts come out right: the check compares only part of each number (`as i32`, \
             `as u32`, `as f64`, say), and amounts that differ beyond that part look alike to it. Balances and amounts are \
             `i64`s: compare them as they are, `*from_balance < amount`.",
            if covered { "covers" } else { "does not cover" }
        );
    }
}

/// Balances from all over the `i64` range, the least and the most an `i64` holds among them, below
/// zero (an account that owes money), zero, and above; `every_balance_covers_exactly_the_amounts_up_to_it`
/// sends each of `AMOUNTS_ABOVE_ZERO` from each of them.
const BALANCES_ACROSS_THE_RANGE: [i64; 19] = [
    i64::MIN,
    i64::MIN + 1,
    i64::MIN / 2,
    -(1 << 53) - 1,
    -(1 << 32),
    -(1 << 31),
    -100,
    -5,
    -1,
    0,
    1,
    5,
    100,
    1 << 31,
    1 << 32,
    (1 << 53) + 1,
    i64::MAX - 100,
    i64::MAX - 1,
    i64::MAX,
];

/// Amounts above zero, small and large (whether an amount of 0, or one below zero, is refused is
/// left open: the tests never send one).
const AMOUNTS_ABOVE_ZERO: [i64; 9] = [1, 5, 100, 1 << 31, 1 << 32, (1 << 53) + 1, i64::MAX - 100, i64::MAX - 1, i64::MAX];

/// `send_from_alice`, with a panic caught: `None` if `transfer` panicked, with alice's and bob's
/// balances read after it all the same.
fn send_from_alice_quietly(balance: i64, amount: i64) -> (Option<bool>, i64, i64) {
    let alice = Account::new(1, balance);
    let bob = Account::new(2, 0);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let answer = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&alice, &bob, amount, || {})));
    ::std::panic::set_hook(report_panics);
    (answer.ok(), balance_of(&alice), balance_of(&bob))
}

/// Every balance, below zero (down to `i64::MIN`), zero or above (up to `i64::MAX`), covers exactly the amounts up to it: one below zero sends nothing.
#[test]
fn every_balance_covers_exactly_the_amounts_up_to_it() {
    // Every send that came out wrong: (balance, amount, what `transfer` returned, alice's and bob's balances after).
    let mut wrong: Vec<(i64, i64, Option<bool>, i64, i64)> = ::std::vec::Vec::new();
    let mut tried: usize = 0;
    for balance in BALANCES_ACROSS_THE_RANGE {
        for amount in AMOUNTS_ABOVE_ZERO {
            tried += 1;
            let (answer, left, got): (Option<bool>, i64, i64) = send_from_alice_quietly(balance, amount);
            let covered: bool = balance >= amount;
            let due: (Option<bool>, i64, i64) =
                if covered { (Some(true), balance - amount, amount) } else { (Some(false), balance, 0) };
            if (answer, left, got) != due {
                wrong.push((balance, amount, answer, left, got));
            }
        }
    }
    // The small sends a_transfer_too_big_changes_nothing tries: if one of them goes through, the check
    // lets senders overdraw whatever the sign, and that test names it first.
    for (balance, amount) in [(20, 50), (50, 51), (50, 60)] {
        let (answer, left, _got): (Option<bool>, i64, i64) = send_from_alice_quietly(balance, amount);
        let refused: bool = answer != Some(true);
        ::std::assert!(
            refused,
            "could not begin: alice had {balance} and sent {amount} to bob, which her balance does not cover, and \
             `transfer` returned true, leaving her at {left} (the same fault as in a_transfer_too_big_changes_nothing)"
        );
    }
    let below_zero: Vec<&(i64, i64, Option<bool>, i64, i64)> =
        wrong.iter().filter(|&&(balance, ..)| balance < 0).collect();
    // The plainest example to show: a send that went through rather than panicked, of the
    // smallest debt and amount.
    let example: Option<&&(i64, i64, Option<bool>, i64, i64)> = below_zero
        .iter()
        .min_by_key(|&&&(balance, amount, answer, ..)| (answer != Some(true), balance.unsigned_abs(), amount));
    if let Some(&&(balance, amount, answer, left, got)) = example {
        let did: ::std::string::String = match answer {
            Some(moved) => ::std::format!("returned {moved} and left alice with {left} and bob with {got}"),
            None => ::std::format!(
                "panicked (taking {amount} out took her balance past the least an `i64` holds) and left alice with \
                 {left} and bob with {got}"
            ),
        };
        let sends_below_zero: usize = BALANCES_ACROSS_THE_RANGE.iter().filter(|&&b| b < 0).count() * AMOUNTS_ABOVE_ZERO.len();
        // Every send from a debt that came out wrong panicked, and each was one where the balance minus
        // the amount passes `i64::MIN`, while the debts the subtraction fits were refused as due: the
        // check's own arithmetic overflowed (`*from_balance - amount < 0`), not a reading of the sign.
        let check_overflowed: bool = below_zero
            .iter()
            .all(|&&(balance, amount, answer, ..)| answer.is_none() && balance.checked_sub(amount).is_none());
        ::std::assert!(
            !check_overflowed,
            "alice had {balance}, below zero (she owes money), and sent {amount} to bob, who had 0: `transfer` panicked \
             ({balance} - {amount} passes the least an `i64` holds) and left alice with {left} and bob with {got}, \
             where a balance below zero covers no amount above zero, so it should have returned false and changed \
             nothing ({} of the {sends_below_zero} sends from a balance below zero panicked, each one where the balance \
             minus the amount passes the least an `i64` holds; the others were refused as due) \
             (see “Check and act under one lock”)\n\
             The check works out the balance minus the amount (`*from_balance - amount < 0`, say), and that subtraction \
             itself overflows for a debt and a large amount: it panics in a test build, poisoning both accounts, and in \
             a release build it wraps round to a large number above zero and the transfer goes through. A panic is no \
             refusal. Compare the balance and the amount as they are, `*from_balance < amount`: a comparison never \
             overflows.",
            below_zero.len()
        );
        ::std::panic!(
            "alice had {balance}, below zero (she owes money), and sent {amount} to bob, who had 0: `transfer` {did}, \
             where a balance below zero covers no amount above zero, so it should have returned false and changed \
             nothing ({} of the {sends_below_zero} sends from a balance below zero came out wrong) \
             (see “Check and act under one lock”)\n\
             The check read alice's balance as a large number above zero: compared as unsigned (`as u64`, `as usize`), \
             or without its sign (`unsigned_abs()`, `abs()`), a debt looks like a fortune, and the account sinks \
             further with every transfer. Balances and amounts are `i64`s, with a sign: compare them as they are, \
             `*from_balance < amount`.",
            below_zero.len()
        );
    }
    if let Some(&(balance, amount, answer, left, got)) = wrong.first() {
        let covered: bool = balance >= amount;
        let (due_moved, due_left, due_got): (bool, i64, i64) =
            if covered { (true, balance - amount, amount) } else { (false, balance, 0) };
        let did: ::std::string::String = match answer {
            Some(moved) => ::std::format!("returned {moved}"),
            None => ::std::string::String::from("panicked"),
        };
        ::std::panic!(
            "alice had {balance} and sent {amount} to bob, who had 0: `transfer` {did} and left alice with {left} and \
             bob with {got}, where alice's {balance} {} {amount}, so it should have returned {due_moved} and left alice \
             with {due_left} and bob with {due_got} ({} of the {tried} sends tried, from balances across the whole \
             `i64` range, came out wrong) (see “Check and act under one lock”)\n\
             The check does not compare the balance and the amount as they are (a cast, a float, a part of each \
             number). Balances and amounts are `i64`s: compare them whole, `*from_balance < amount`.",
            if covered { "covers" } else { "does not cover" },
            wrong.len()
        );
    }
}

/// Transfers into a receiver whose balance is at or near the most an `i64` holds: (sender's id,
/// sender's balance, receiver's id, receiver's balance, amount), both ways round in id order. The
/// first ones fit exactly; the others would take the receiver past `i64::MAX`.
const NEAR_THE_TOP: [(u32, i64, u32, i64, i64); 6] = [
    (1, 100, 2, i64::MAX - 30, 30),
    (2, 100, 1, i64::MAX - 30, 30),
    (1, 100, 2, i64::MAX - 5, 30),
    (2, 100, 1, i64::MAX - 5, 30),
    (1, 100, 2, i64::MAX, 1),
    (2, i64::MAX, 1, i64::MAX, i64::MAX),
];

/// Money is never made or lost next to `i64::MAX`, panic or not: the whole amount moves (and `true` says so) or nothing moves.
#[test]
fn a_transfer_near_the_largest_balance_moves_all_or_nothing() {
    for (from_id, from_has, to_id, to_has, amount) in NEAR_THE_TOP {
        let (from, to) = (Account::new(from_id, from_has), Account::new(to_id, to_has));
        let report_panics = ::std::panic::take_hook();
        ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
        let answer = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&from, &to, amount, || {})));
        ::std::panic::set_hook(report_panics);
        // A panic is no excuse: the balances are read after it too (through the poison it may
        // leave), and must show the whole move or none of it.
        let returned: Option<bool> = answer.ok();
        let (from_now, to_now): (i64, i64) = (balance_of(&from), balance_of(&to));
        // Worked out in `i128`, where nothing overflows: what the sender paid and the receiver got.
        let paid: i128 = i128::from(from_has) - i128::from(from_now);
        let got: i128 = i128::from(to_now) - i128::from(to_has);
        let fits: bool = i128::from(to_has) + i128::from(amount) <= i128::from(i64::MAX);
        let whole: bool = paid == i128::from(amount) && got == i128::from(amount);
        let untouched: bool = paid == 0 && got == 0;
        let did: ::std::string::String = match returned {
            Some(moved) => ::std::format!("returned {moved}"),
            None => ::std::string::String::from("panicked"),
        };
        let start: ::std::string::String = ::std::format!(
            "account {from_id} had {from_has} and account {to_id} had {to_has} ({}the most an `i64` holds); \
             `transfer` of {amount} from {from_id} to {to_id} {did} and left {from_id} with {from_now} and \
             {to_id} with {to_now}",
            if to_has == i64::MAX { "" } else { "close to " }
        );
        let lost: ::std::string::String = match paid.cmp(&got) {
            ::std::cmp::Ordering::Greater => ::std::format!("{} vanished", paid - got),
            ::std::cmp::Ordering::Less => ::std::format!("{} appeared", got - paid),
            ::std::cmp::Ordering::Equal => ::std::format!("{paid} moved where {amount} was due"),
        };
        ::std::assert!(
            returned.is_some() || whole || untouched,
            "{start}: the sender paid {paid} and the receiver got {got}, so {lost}: the transfer stopped half way, \
             {} (see “Check and act under one lock”)\n\
             A panic in the middle of the move does not undo the half already done, and it poisons both accounts \
             with the money gone. Check that the receiver can take the amount before changing either balance, \
             `let Some(credited) = to_balance.checked_add(amount) else {{ return false; }};`, and only then \
             `*from_balance -= amount; *to_balance = credited;`.",
            if paid == i128::from(amount) && got == 0 {
                "the sender already paid when adding to the receiver overflowed (`*to_balance += amount` panics in a test \
                 build past `i64::MAX`)"
            } else {
                "with the balances changed before the step that panicked"
            }
        );
        let moved: bool = returned.unwrap_or(whole);
        ::std::assert!(
            !moved || whole,
            "{start}: the sender paid {paid} and the receiver got {got}, where `true` says {amount} went from one to the \
             other, so {lost} (see “Check and act under one lock”)\n\
             A credit that stops at the top (`saturating_add`) or wraps round (`wrapping_add`) loses money and still says \
             it moved. Check the credit before moving anything: \
             `let Some(credited) = to_balance.checked_add(amount) else {{ return false; }};`, then \
             `*from_balance -= amount; *to_balance = credited;`."
        );
        ::std::assert!(
            moved || untouched,
            "{start}: `false` says nothing moved, yet the sender lost {paid} and the receiver gained {got} \
             (see “Check and act under one lock”)\n\
             Decide first, with both guards held, whether the transfer can go through (the sender covers the amount, \
             and the receiver's balance can take it: `checked_add`), and change the balances only once it can."
        );
        ::std::assert!(
            returned == Some(true) || !fits,
            "{start}, where {from_has} covers {amount} and {to_id} ends exactly at `i64::MAX`: a transfer that fits \
             should go through and return true. Refuse only what cannot be done: `to_balance.checked_add(amount)` is \
             `None` only past `i64::MAX`."
        );
    }
}

/// A transfer of `amount` from an account with id `from.0` and balance `from.1` to one with id
/// `to.0` and balance `to.1`, with a panic caught: what it returned (`None` if it panicked), and the
/// two balances after it, read through any poison it left.
fn send_quietly(from: (u32, i64), to: (u32, i64), amount: i64) -> (Option<bool>, i64, i64) {
    let (sender, receiver) = (Account::new(from.0, from.1), Account::new(to.0, to.1));
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let answer =
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&sender, &receiver, amount, || {})));
    ::std::panic::set_hook(report_panics);
    (answer.ok(), balance_of(&sender), balance_of(&receiver))
}

/// A send to a receiver that came out wrong: (sender's id, receiver's id, receiver's balance,
/// amount, what `transfer` returned, the sender's and the receiver's balances after).
type WrongSend = (u32, u32, i64, i64, Option<bool>, i64, i64);

/// A transfer that cannot be made: (why it cannot, sender's id and balance, receiver's id and balance, amount).
type CannotBeMade = (&'static str, (u32, i64), (u32, i64), i64);

/// A receiver with any balance, below zero (down to `i64::MIN`), zero or above, takes any amount that keeps it within an `i64`.
#[test]
fn a_receiver_with_any_balance_takes_any_amount_that_fits() {
    // Every send that came out wrong. The sender holds the most an `i64` holds, so it covers every
    // amount: only the receiver's side can refuse.
    let mut wrong: Vec<WrongSend> = ::std::vec::Vec::new();
    let mut tried: usize = 0;
    for (from_id, to_id) in [(1, 2), (2, 1)] {
        for to_has in BALANCES_ACROSS_THE_RANGE {
            // Only amounts the receiver can take: past `i64::MAX` a refusal is due, which
            // a_transfer_that_cannot_be_made_returns_false_and_leaves_both_accounts_usable looks at.
            for amount in AMOUNTS_ABOVE_ZERO.into_iter().filter(|&amount| to_has.checked_add(amount).is_some()) {
                tried += 1;
                let (answer, from_now, to_now): (Option<bool>, i64, i64) =
                    send_quietly((from_id, i64::MAX), (to_id, to_has), amount);
                let due: (Option<bool>, i64, i64) = (Some(true), i64::MAX - amount, to_has + amount);
                if (answer, from_now, to_now) != due {
                    wrong.push((from_id, to_id, to_has, amount, answer, from_now, to_now));
                }
            }
        }
    }
    // The plainest example to show: a receiver in debt if any was wronged, the smallest debt and amount.
    let example: Option<&WrongSend> =
        wrong.iter().min_by_key(|&&(_, _, to_has, amount, ..)| (to_has >= 0, to_has.unsigned_abs(), amount));
    let Some(&(from_id, to_id, to_has, amount, answer, from_now, to_now)) = example else { return };
    let in_debt: usize = wrong.iter().filter(|&&(_, _, to_has, ..)| to_has < 0).count();
    let did: ::std::string::String = match answer {
        Some(moved) => ::std::format!("returned {moved}"),
        None => ::std::string::String::from("panicked"),
    };
    let whose: ::std::string::String = if to_has < 0 {
        ::std::format!("{to_has}, below zero (it owes money)")
    } else {
        ::std::format!("{to_has}")
    };
    let why: &str = if in_debt > 0 && to_has < 0 {
        "A receiver in debt was turned away: nothing says a balance below zero cannot receive money, and money paid \
         in is how a debt shrinks. Only the sender's balance must cover the amount."
    } else {
        "Only the sender's balance must cover the amount; the receiver takes whatever its balance can hold."
    };
    ::std::panic!(
        "account {from_id} had {} (the most an `i64` holds) and sent {amount} to account {to_id}, which had {whose}: \
         `transfer` {did} and left {from_id} with {from_now} and {to_id} with {to_now}, where {to_has} + {amount} fits in \
         an `i64`, so it should have returned true and left {from_id} with {} and {to_id} with {} ({} of the {tried} \
         sends tried, to receivers across the whole `i64` range, each of an amount the receiver can take, came out \
         wrong; {in_debt} of them to a receiver in debt) (see “Check and act under one lock”)\n\
         {why} On the receiver's side the one thing to check is that the credit does not pass `i64::MAX`: \
         `to_balance.checked_add(amount)` is `None` only then.",
        i64::MAX,
        i64::MAX - amount,
        to_has + amount,
        wrong.len()
    );
}

/// A transfer that cannot be made (the sender cannot cover it, the receiver cannot take it, or it goes from an account to itself) returns false without panicking, and both accounts stay usable: a next transfer between them goes through.
#[test]
fn a_transfer_that_cannot_be_made_returns_false_and_leaves_both_accounts_usable() {
    // The sender and the receiver are one account when their ids are equal.
    let cases: [CannotBeMade; 8] = [
        ("the sender cannot cover it", (1, 10), (2, 0), 100),
        ("the sender cannot cover it", (2, 10), (1, 0), 100),
        ("the receiver cannot take it, it would pass `i64::MAX`", (1, 100), (2, i64::MAX - 5), 30),
        ("the receiver cannot take it, it would pass `i64::MAX`", (2, 100), (1, i64::MAX - 5), 30),
        ("the receiver cannot take it, it would pass `i64::MAX`", (1, 100), (2, i64::MAX), 1),
        ("the receiver cannot take it, it would pass `i64::MAX`", (2, i64::MAX), (1, 1), i64::MAX),
        ("the receiver cannot take it, it would pass `i64::MAX`", (1, i64::MAX), (2, i64::MAX - 1), i64::MAX),
        ("it goes from an account to itself", (1, 100), (1, 100), 30),
    ];
    for (why, (from_id, from_has), (to_id, to_has), amount) in cases {
        let same: bool = from_id == to_id;
        let from = Account::new(from_id, from_has);
        let other = Account::new(to_id, to_has);
        let to: &Account = if same { &from } else { &other };
        let report_panics = ::std::panic::take_hook();
        ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
        let answer = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(&from, to, amount, || {})));
        ::std::panic::set_hook(report_panics);
        let returned: Option<bool> = answer.ok();
        let (from_now, to_now): (i64, i64) = (balance_of(&from), balance_of(to));
        let poisoned: Vec<u32> = if same {
            [from_id].into_iter().filter(|_| from.balance.is_poisoned()).collect()
        } else {
            [(from_id, &from), (to_id, to)].into_iter().filter(|(_, a)| a.balance.is_poisoned()).map(|(id, _)| id).collect()
        };
        // Then a transfer of 1 that can be made: from the sender while it has money and the receiver
        // has room, else back the other way; for one account to itself, to a fresh account 9.
        let spare = Account::new(9, 0);
        let (next_from, next_to): (&Account, &Account) = if same {
            (&from, &spare)
        } else if from_now >= 1 && to_now < i64::MAX {
            (&from, to)
        } else {
            (to, &from)
        };
        let (next_from_has, next_to_has): (i64, i64) = (balance_of(next_from), balance_of(next_to));
        let report_panics = ::std::panic::take_hook();
        ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
        let next = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| transfer(next_from, next_to, 1, || {})));
        ::std::panic::set_hook(report_panics);
        let next_returned: Option<bool> = next.ok();
        let next_moved: bool = (balance_of(next_from), balance_of(next_to)) == (next_from_has - 1, next_to_has + 1);
        let start: ::std::string::String = if same {
            ::std::format!("account {from_id} had {from_has}; `transfer` of {amount} from {from_id} to {from_id}")
        } else {
            ::std::format!("account {from_id} had {from_has} and account {to_id} had {to_has}; `transfer` of {amount} from {from_id} to {to_id}")
        };
        let did: ::std::string::String = match returned {
            Some(moved) => ::std::format!("returned {moved}"),
            None => ::std::string::String::from("panicked"),
        };
        let left: ::std::string::String = if same {
            ::std::format!("{from_id} with {from_now}")
        } else {
            ::std::format!("{from_id} with {from_now} and {to_id} with {to_now}")
        };
        let poison: ::std::string::String = match poisoned.as_slice() {
            [] => ::std::string::String::new(),
            [one] => ::std::format!(" The panic poisoned account {one}'s lock."),
            _ => ::std::string::String::from(" The panic poisoned both accounts' locks."),
        };
        let then: ::std::string::String = ::std::format!(
            "the next transfer, {} -> {} of 1, which can be made, then {}",
            next_from.id,
            next_to.id,
            match next_returned {
                Some(true) if next_moved => ::std::string::String::from("went through"),
                Some(moved) => ::std::format!("returned {moved} and moved {}", if next_moved { "the 1" } else { "nothing" }),
                None => ::std::string::String::from("panicked too (`lock().unwrap()` on a poisoned lock)"),
            }
        );
        let cause: &str = if returned.is_some() {
            ""
        } else if why.starts_with("the receiver") && (from_now, to_now) == (from_has, to_has) {
            " Adding to the receiver's balance past `i64::MAX` panics (a plain `+=` does, in a test build; in a release \
             build it wraps round and the money vanishes)."
        } else {
            ""
        };
        let what: ::std::string::String = match returned {
            None => ::std::format!(
                "`false` is how a transfer says it cannot be made: a panic tells the caller nothing, and it poisons the \
                 locks it held, so the accounts are unusable after it.{cause}{poison}"
            ),
            Some(true) => ::std::string::String::from(
                "`true` tells the caller the amount moved, and a transfer that cannot be made must move nothing.",
            ),
            Some(false) => ::std::string::String::from("`false` tells the caller nothing moved, yet a balance changed."),
        };
        let refused_cleanly: bool = returned == Some(false) && (from_now, to_now) == (from_has, to_has);
        ::std::assert!(
            refused_cleanly,
            "{start}, which cannot be made ({why}), {did} and left {left}, where it should have returned false and \
             changed nothing; {then} (see “Check and act under one lock”)\n\
             {what} Decide first, with both guards held, whether it can be made: \
             `if *from_balance < amount {{ return false; }}`, then \
             `let Some(credited) = to_balance.checked_add(amount) else {{ return false; }};`, and only then \
             `*from_balance -= amount; *to_balance = credited;`."
        );
        let next_went_through: bool = next_returned == Some(true) && next_moved;
        ::std::assert!(
            next_went_through,
            "{start}, which cannot be made ({why}), returned false as due; but {then}: a refused transfer leaves both \
             accounts as usable as it found them.{poison}"
        );
    }
}
