use super::{Board, TaskBoard};
use std::cell::RefCell;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The whole board stays in one `RefCell<Board>`, and completing moves a task from open to done.
#[test]
fn completing_a_task_moves_it_from_open_to_done() {
    let board = TaskBoard::new(&["a", "b", "c"]);
    crate::__learn::exact::<RefCell<Board>, _>(&board.board);
    let done_ok: bool = board.complete("b");
    ::std::assert!(done_ok, "completing an open task should return true");
    let open: Vec<String> = board.open();
    let done: Vec<String> = board.done();
    let expected_open: Vec<String> = strings(&["a", "c"]);
    ::std::assert_eq!(open, expected_open, "\"b\" should no longer be open");
    let expected_done: Vec<String> = strings(&["b"]);
    ::std::assert_eq!(done, expected_done, "\"b\" should now be in done");
}

/// One completion writes one history entry naming the task, with one write guard at a time.
#[test]
fn completing_a_task_writes_one_history_entry() {
    let board = TaskBoard::new(&["deploy"]);
    board.complete("deploy");
    let history: Vec<String> = board.history();
    ::std::assert_eq!(history.len(), 1, "one completed task should leave exactly one history entry");
    let entry: String = history.first().cloned().unwrap_or_default();
    ::std::assert!(entry.contains("deploy"), "the history entry should mention the task, got {entry:?}");
}

/// Completing a task that is not open returns false and changes nothing.
#[test]
fn completing_an_unknown_task_changes_nothing() {
    let board = TaskBoard::new(&["a"]);
    let done_ok: bool = board.complete("zzz");
    ::std::assert!(!done_ok, "a task that is not open cannot be completed, so it should return false");
    let open: Vec<String> = board.open();
    let done: Vec<String> = board.done();
    let history: Vec<String> = board.history();
    let expected_open: Vec<String> = strings(&["a"]);
    ::std::assert_eq!(open, expected_open, "open tasks should be unchanged");
    ::std::assert!(done.is_empty(), "nothing should have been moved to done");
    ::std::assert!(history.is_empty(), "a refused completion should not be logged");
}

/// A task completed once cannot be completed again.
#[test]
fn a_task_cannot_be_completed_twice() {
    let board = TaskBoard::new(&["a"]);
    let first: bool = board.complete("a");
    let second: bool = board.complete("a");
    ::std::assert!(first, "the first completion should succeed");
    ::std::assert!(!second, "the second completion of the same task should be refused");
    let done: Vec<String> = board.done();
    let history: Vec<String> = board.history();
    let expected_done: Vec<String> = strings(&["a"]);
    ::std::assert_eq!(done, expected_done, "the task should appear in done only once");
    ::std::assert_eq!(history.len(), 1, "only the successful completion should be logged");
}

/// After `complete` returns, its write guard is gone and the cell is free again.
#[test]
fn the_cell_is_free_after_complete() {
    let board = TaskBoard::new(&["a", "b"]);
    board.complete("a");
    board.complete("nope");
    let free: bool = board.board.try_borrow_mut().is_ok();
    ::std::assert!(free, "once `complete` returns, no guard of the board's RefCell should still be alive");
}

/// Completions through two shared references keep their order in done and in the history.
#[test]
fn several_completions_through_shared_references_keep_order() {
    let board = TaskBoard::new(&["one", "two", "three"]);
    let alice: &TaskBoard = &board;
    let bob: &TaskBoard = &board;
    alice.complete("three");
    bob.complete("one");
    alice.complete("two");
    let open: Vec<String> = board.open();
    let done: Vec<String> = board.done();
    let history: Vec<String> = board.history();
    ::std::assert!(open.is_empty(), "all three tasks were completed, so none should be open");
    let expected_done: Vec<String> = strings(&["three", "one", "two"]);
    ::std::assert_eq!(done, expected_done, "done should list tasks in completion order");
    ::std::assert_eq!(history.len(), 3, "three completions should leave three history entries");
    for (entry, task) in history.iter().zip(["three", "one", "two"]) {
        let mentioned: bool = entry.contains(task);
        ::std::assert!(mentioned, "history entry {entry:?} should mention {task:?}, in completion order");
    }
}
