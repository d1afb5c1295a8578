use super::*;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn completing_a_task_moves_it_from_open_to_done() {
    let board = TaskBoard::new(&["a", "b", "c"]);
    assert!(
        board.complete("b"),
        "completing an open task should return true"
    );
    assert_eq!(
        board.open(),
        strings(&["a", "c"]),
        "\"b\" should no longer be open"
    );
    assert_eq!(board.done(), strings(&["b"]), "\"b\" should now be in done");
}

#[test]
fn completing_a_task_writes_one_history_entry() {
    let board = TaskBoard::new(&["deploy"]);
    board.complete("deploy");
    let history = board.history();
    assert_eq!(
        history.len(),
        1,
        "one completed task should leave exactly one history entry"
    );
    assert!(
        history[0].contains("deploy"),
        "the history entry should mention the task, got {:?}",
        history[0]
    );
}

#[test]
fn completing_an_unknown_task_changes_nothing() {
    let board = TaskBoard::new(&["a"]);
    assert!(
        !board.complete("zzz"),
        "a task that is not open cannot be completed, so it should return false"
    );
    assert_eq!(
        board.open(),
        strings(&["a"]),
        "open tasks should be unchanged"
    );
    assert!(
        board.done().is_empty(),
        "nothing should have been moved to done"
    );
    assert!(
        board.history().is_empty(),
        "a refused completion should not be logged"
    );
}

#[test]
fn a_task_cannot_be_completed_twice() {
    let board = TaskBoard::new(&["a"]);
    assert!(board.complete("a"), "the first completion should succeed");
    assert!(
        !board.complete("a"),
        "the second completion of the same task should be refused"
    );
    assert_eq!(
        board.done(),
        strings(&["a"]),
        "the task should appear in done only once"
    );
    assert_eq!(
        board.history().len(),
        1,
        "only the successful completion should be logged"
    );
}

#[test]
fn several_completions_through_shared_references_keep_order() {
    let board = TaskBoard::new(&["one", "two", "three"]);
    let alice: &TaskBoard = &board;
    let bob: &TaskBoard = &board;
    alice.complete("three");
    bob.complete("one");
    alice.complete("two");
    assert!(
        board.open().is_empty(),
        "all three tasks were completed, so none should be open"
    );
    assert_eq!(
        board.done(),
        strings(&["three", "one", "two"]),
        "done should list tasks in completion order"
    );
    let history = board.history();
    assert_eq!(
        history.len(),
        3,
        "three completions should leave three history entries"
    );
    for (entry, task) in history.iter().zip(["three", "one", "two"]) {
        assert!(
            entry.contains(task),
            "history entry {entry:?} should mention {task:?}, in completion order"
        );
    }
}
