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

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None` if
// it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// `TaskBoard` holds its one `RefCell<Board>` and nothing beside it, and `Board` holds its three lists and nothing else.
#[test]
fn all_the_state_is_in_the_one_board_cell() {
    let board = TaskBoard::new(&["a"]);
    crate::__learn::exact::<RefCell<Board>, _>(&board.board);
    {
        let inside = board.board.borrow();
        crate::__learn::exact::<Vec<String>, _>(&inside.open);
        crate::__learn::exact::<Vec<String>, _>(&inside.done);
        crate::__learn::exact::<Vec<String>, _>(&inside.history);
    }
    let size: usize = ::std::mem::size_of_val(&board);
    let field: usize = ::std::mem::size_of::<RefCell<Board>>();
    ::std::assert!(
        size == field,
        "`TaskBoard` takes {size} bytes, where its `board` field alone takes {field}: it keeps something beside the \
         `RefCell<Board>` (a second cell for the history, a copy of a list), so the board's state is no longer all in \
         the one cell. That sidesteps the clash instead of ending it (see “Two guards at once”)\n\
         Keep the one `board: RefCell<Board>`, and let the helper work on the `&mut Board` your guard already gives."
    );
    let board_size: usize = ::std::mem::size_of::<Board>();
    let lists: usize = ::std::mem::size_of::<[Vec<String>; 3]>();
    ::std::assert!(
        board_size == lists,
        "`Board` takes {board_size} bytes, where its `open`, `done` and `history` lists take {lists}: it keeps \
         something beside them, and a second record of the tasks can part ways with the lists (see “Two guards at once”)\n\
         Keep `Board` as the exercise gives it: `open`, `done` and `history`."
    );
}

/// `complete` changes the lists in the `board` cell itself, and the views read them there.
#[test]
fn the_board_cell_itself_holds_open_done_and_history() {
    let board = TaskBoard::new(&["a", "b", "c"]);
    let done_ok: bool = board.complete("b");
    ::std::assert!(done_ok, "completing an open task should return true");
    let open: Vec<String> = board.board.borrow().open.clone();
    let done: Vec<String> = board.board.borrow().done.clone();
    let history: Vec<String> = board.board.borrow().history.clone();
    let expected_open: Vec<String> = strings(&["a", "c"]);
    let expected_done: Vec<String> = strings(&["b"]);
    ::std::assert_eq!(open, expected_open, "`open` inside the `board` cell should no longer hold \"b\"");
    ::std::assert_eq!(done, expected_done, "`done` inside the `board` cell should now hold \"b\"");
    let logged: bool = history.len() == 1 && history.iter().all(|entry| entry.contains('b'));
    ::std::assert!(
        logged,
        "after complete(\"b\"), `history` inside the `board` cell holds {history:?}, where one entry naming \"b\" is \
         due: the log is kept somewhere else, not in the `Board`'s own `history` (see “Two guards at once”)\n\
         Push the entry into `board.history` through the guard `complete` already holds."
    );
    // The test writes into the cell itself: the views must read it there.
    board.board.borrow_mut().history.push("note: from the test".to_string());
    board.board.borrow_mut().open.push("d".to_string());
    let seen_history: Vec<String> = board.history();
    let seen_open: Vec<String> = board.open();
    let note_seen: bool = seen_history.last().is_some_and(|entry| entry == "note: from the test");
    let expected_seen_open: Vec<String> = strings(&["a", "c", "d"]);
    ::std::assert!(note_seen, "the test pushed an entry into `history` inside the `board` cell, and history() answered {seen_history:?}: read the `Board`'s own `history`");
    ::std::assert_eq!(seen_open, expected_seen_open, "open() should read the `Board`'s own `open` list");
    let completed_d: bool = board.complete("d");
    ::std::assert!(completed_d, "\"d\" was put in `open` inside the `board` cell, so complete(\"d\") should find it there");
}

/// Two open tasks with the same name are two tasks: each completion moves exactly one of them.
#[test]
fn tasks_with_the_same_name_are_completed_one_at_a_time() {
    let board = TaskBoard::new(&["a", "b", "a"]);
    let first: bool = board.complete("a");
    let mut open: Vec<String> = board.open();
    open.sort();
    let done: Vec<String> = board.done();
    let expected_open: Vec<String> = strings(&["a", "b"]);
    let expected_done: Vec<String> = strings(&["a"]);
    ::std::assert!(first, "\"a\" is open (twice), so completing it should return true");
    ::std::assert!(
        open == expected_open,
        "the board had two open tasks named \"a\"; after one complete(\"a\") the open tasks are {open:?}, where one \
         \"a\" should still be open beside \"b\": `complete` removed every task with that name but moved one to done, \
         so a task was lost. Remove only the one task you move (find its position, then `remove(pos)`), as `retain` \
         removes them all"
    );
    ::std::assert_eq!(done, expected_done, "one complete(\"a\") should move exactly one \"a\" to done");
    let second: bool = board.complete("a");
    let third: bool = board.complete("a");
    let open_after: Vec<String> = board.open();
    let done_after: Vec<String> = board.done();
    let history: Vec<String> = board.history();
    let expected_open_after: Vec<String> = strings(&["b"]);
    let expected_done_after: Vec<String> = strings(&["a", "a"]);
    ::std::assert!(second, "the second \"a\" was still open, so completing it again should return true");
    ::std::assert!(!third, "both tasks named \"a\" were done, so a third complete(\"a\") should return false");
    ::std::assert_eq!(open_after, expected_open_after, "after both \"a\" are completed only \"b\" should be open");
    ::std::assert_eq!(done_after, expected_done_after, "both tasks named \"a\" should be in done");
    ::std::assert_eq!(history.len(), 2, "two completions should leave two history entries");
}

/// `complete` moves the task with exactly the name given: not one that differs in case or spaces, or holds the name inside a longer one.
#[test]
fn complete_matches_the_exact_name() {
    let names: [&str; 8] = ["fix bug", "Fix", "fix ", " fix", "FIX", "prefix", "fixes", "fix"];
    let board = TaskBoard::new(&names);
    let done_ok: bool = board.complete("fix");
    let done: Vec<String> = board.done();
    let open: Vec<String> = board.open();
    let expected_done: Vec<String> = strings(&["fix"]);
    let expected_open: Vec<String> = strings(&names[..7]);
    ::std::assert!(done_ok, "\"fix\" is open, so complete(\"fix\") should return true");
    ::std::assert_eq!(
        done,
        expected_done,
        "complete(\"fix\") should move the task named exactly \"fix\", not one that differs in case or spaces or holds it inside a longer name"
    );
    ::std::assert_eq!(open, expected_open, "every other task should stay open, in its order");
    let again: bool = board.complete("fix");
    ::std::assert!(!again, "no task named exactly \"fix\" is left open, so complete(\"fix\") should return false");
}

/// While the board is borrowed elsewhere, `complete` and the views either panic (as `borrow_mut()`/`borrow()` do) or do the whole job: never a quiet drop or a made-up list.
#[test]
fn a_busy_board_is_never_turned_into_a_quiet_answer() {
    let board = TaskBoard::new(&["a", "b"]);
    let reader = board.board.borrow();
    let completed: Option<bool> = quietly(|| board.complete("a"));
    drop(reader);
    let done: Vec<String> = board.board.borrow().done.clone();
    let open: Vec<String> = board.board.borrow().open.clone();
    let history: Vec<String> = board.board.borrow().history.clone();
    let moved: bool = done == strings(&["a"]) && open == strings(&["b"]) && history.len() == 1;
    let said: bool = completed.unwrap_or(false);
    ::std::assert!(
        completed.is_none() || (said && moved),
        "the test held a read guard of `board` and called complete(\"a\"): it returned {said} without a panic, and \
         the board holds open {open:?}, done {done:?}, history {history:?}, so the move was dropped (or half made) \
         without a word. A borrow that overlaps is a bug, and `borrow_mut()` panics to show it; a `try_borrow_mut()` \
         whose `Err` is ignored hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Take one `self.board.borrow_mut()` for the whole move."
    );
    board.complete("b");
    let state_open: Vec<String> = board.board.borrow().open.clone();
    let state_done: Vec<String> = board.board.borrow().done.clone();
    let state_history: Vec<String> = board.board.borrow().history.clone();
    let writer = board.board.borrow_mut();
    let seen_open: Option<Vec<String>> = quietly(|| board.open());
    let seen_done: Option<Vec<String>> = quietly(|| board.done());
    let seen_history: Option<Vec<String>> = quietly(|| board.history());
    drop(writer);
    for (name, seen, state) in [
        ("open", seen_open, state_open),
        ("done", seen_done, state_done),
        ("history", seen_history, state_history),
    ] {
        let answered: Vec<String> = seen.clone().unwrap_or_default();
        let panicked_or_true: bool = seen.is_none() || answered == state;
        ::std::assert!(
            panicked_or_true,
            "the test held a write guard of `board` and called {name}(): it answered {answered:?} without a panic, \
             where the board holds {state:?}, a list made up while the cell was busy. A read that overlaps a writer \
             is a bug, and `borrow()` panics to show it; a `try_borrow()` that answers an empty list on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
             Read through `self.board.borrow()`."
        );
    }
}
