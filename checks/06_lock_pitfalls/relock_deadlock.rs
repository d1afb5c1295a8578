use super::*;
use std::sync::{Arc, Barrier};
use std::thread;

#[test]
fn deposit_shows_up_in_the_balance() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    ledger.deposit("alice", 25);
    assert_eq!(ledger.balance("alice"), 125, "two deposits of 100 and 25 should give a balance of 125");
    assert_eq!(ledger.balance("nobody"), 0, "an account that never received money should have balance 0");
}

#[test]
fn transfer_moves_money_between_accounts() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 100);
    assert!(ledger.transfer("alice", "bob", 30), "alice has 100, so a transfer of 30 should be accepted");
    assert_eq!(ledger.balance("alice"), 70, "alice should have 100 - 30 = 70 after the transfer");
    assert_eq!(ledger.balance("bob"), 30, "bob should have received the 30");
}

#[test]
fn transfer_without_enough_money_is_refused_and_changes_nothing() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 20);
    assert!(!ledger.transfer("alice", "bob", 50), "alice has only 20, so a transfer of 50 should be refused");
    assert_eq!(ledger.balance("alice"), 20, "a refused transfer should leave alice's balance at 20");
    assert_eq!(ledger.balance("bob"), 0, "a refused transfer should not give bob anything");
}

#[test]
fn ledger_is_usable_again_right_after_a_transfer() {
    let ledger = Ledger::new();
    ledger.deposit("alice", 10);
    assert!(ledger.transfer("alice", "bob", 10), "alice can cover a transfer of exactly her balance");
    ledger.deposit("bob", 5);
    assert!(ledger.transfer("bob", "carol", 15), "bob now has 15 and should be able to send all of it");
    assert_eq!(ledger.balance("carol"), 15, "carol should end with 15");
    assert_eq!(ledger.balance("alice") + ledger.balance("bob"), 0, "alice and bob should both be empty");
}

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
                ledger.transfer("shared", &format!("worker{i}"), 100)
            })
        })
        .collect();
    let accepted = handles.into_iter().map(|h| h.join().unwrap()).filter(|&ok| ok).count();
    assert_eq!(accepted, 3, "350 can cover exactly three transfers of 100, so 3 of the 8 should succeed");
    assert_eq!(ledger.balance("shared"), 50, "the shared account should end with 350 - 3 * 100 = 50");
}
