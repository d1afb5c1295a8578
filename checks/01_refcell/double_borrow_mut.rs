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

// Task names a learner's code might treat as special: empty, spaces only, spaces at the ends, a slash
// or dot at the end, letter case, several lines, unicode in two spellings, an emoji, a long one,
// numbers, and repeats of the name just before.
fn edge_strings() -> Vec<String> {
    let mut all: Vec<String> = [
        "/docs", "/docs", "/Docs", "/DOCS", "/docs/", "/docs.", " /docs", "/docs ", "\t/docs", "a\nb", "a\r\nb",
        "\r\n", "\n", "\n\n\n", "line\n", "", "", " ", "  ", "\t", "/", ".", "caf\u{e9}", "cafe\u{301}", "CAF\u{c9}",
        "\u{1f600}", "\u{1f468}\u{200d}\u{1f469}", "0", "1", "01", "-1", "1.0", "42",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push("x".repeat(100_000));
    all.push("x".repeat(100_000));
    all.push("long line\n".repeat(10_000));
    all
}
// A string as a message shows it: quoted, and cut short in the middle when it is long.
fn shown(text: &str) -> String {
    let chars: usize = text.chars().count();
    if chars <= 40 {
        return ::std::format!("{text:?}");
    }
    // Its start and its end, so a space or line break at either end still shows.
    let head: String = text.chars().take(16).collect();
    let tail: String = text.chars().skip(chars - 8).collect();
    ::std::format!("{head:?}…{tail:?} ({chars} characters)")
}

// A list of names as a message shows it, long names cut short.
fn shown_list(names: &[String]) -> String {
    let each: Vec<String> = names.iter().map(|t| shown(t)).collect();
    ::std::format!("[{}]", each.join(", "))
}

// Which name `complete` looks for instead of `name`, found by trying it on a board holding only a
// changed spelling of `name`.
fn looks_for(name: &str) -> String {
    let slashes: &str = name.trim_end_matches('/');
    let variants: [(String, &str); 5] = [
        (name.trim().to_string(), "its spaces and line breaks at the ends trimmed (no `trim`)"),
        (name.to_lowercase(), "its letters lowercased (no `to_lowercase`)"),
        (name.to_uppercase(), "its letters uppercased (no `to_uppercase`)"),
        (slashes.to_string(), "the '/' at its end stripped"),
        (name.trim_end_matches('.').to_string(), "the '.' at its end stripped"),
    ];
    for (variant, how) in variants {
        if variant == name {
            continue;
        }
        let alone = TaskBoard::new(&[variant.as_str()]);
        let moved: bool = quietly(|| alone.complete(name)) == Some(true);
        if moved {
            return ::std::format!(
                "it looks for the name with {how}: on a board holding only {}, complete({}) moved it",
                shown(&variant),
                shown(name)
            );
        }
    }
    ::std::string::String::from("it does not find the task by the name exactly as given")
}

/// Each task is completed by exactly its own name (spaces, case, a '/' at the end, empty, several lines, unicode, long, a repeat), and the open tasks keep their order after removals from the end, the front and the middle.
#[test]
fn every_task_is_completed_by_its_exact_name_and_open_keeps_its_order() {
    let tasks: Vec<String> = edge_strings();
    let names: Vec<&str> = tasks.iter().map(|t| t.as_str()).collect();
    let board = TaskBoard::new(&names);
    let mut open_due: Vec<String> = tasks.clone();
    let mut done_due: Vec<String> = Vec::new();
    let mut step: usize = 0;
    while !open_due.is_empty() {
        // The last open task, then the first, then the one in the middle, and round again.
        let at: usize = match step % 3 {
            0 => open_due.len() - 1,
            1 => 0,
            _ => open_due.len() / 2,
        };
        step += 1;
        let name: String = open_due[at].clone();
        let before: Vec<String> = open_due.clone();
        let first: usize = open_due.iter().position(|t| *t == name).unwrap_or(at);
        open_due.remove(first);
        done_due.push(name.clone());

        let completed: bool = board.complete(&name);
        ::std::assert!(
            completed,
            "complete({}) returned false, though a task named exactly that is open: {}. A task is found by its name \
             exactly as given (see “Two guards at once”: only the guards were to change); the open tasks were {}\n\
             Find it with `position(|t| t == task)`, the name untouched.",
            shown(&name),
            looks_for(&name),
            shown_list(&before)
        );
        let done: Vec<String> = board.done();
        let moved: String = done.last().cloned().unwrap_or_default();
        let why: String = if moved != name {
            match difference_of(&name, &moved) {
                Some(how) => ::std::format!("it moved {} instead, {how}", shown(&moved)),
                None => ::std::format!("it moved {} instead", shown(&moved)),
            }
        } else {
            ::std::string::String::from("done does not list the completed tasks in the order they were completed")
        };
        ::std::assert!(
            done == done_due,
            "complete({}) returned true and done is now {}, where {} was due: {why}. `complete` moves the task named \
             exactly as given, and done lists the tasks in the order they were completed",
            shown(&name),
            shown_list(&done),
            shown_list(&done_due)
        );
        let open: Vec<String> = board.open();
        let mut open_sorted: Vec<String> = open.clone();
        let mut due_sorted: Vec<String> = open_due.clone();
        open_sorted.sort();
        due_sorted.sort();
        let seen: &str = if open_sorted == due_sorted {
            "the right tasks, out of their order: the gap the task left was filled by another (a `swap_remove` moves \
             the last task into it), where the open tasks keep the order they came in"
        } else {
            "not the tasks left open: `complete` should take out exactly the one task it moves, and leave the others as \
             they are, in their order"
        };
        ::std::assert!(
            open == open_due,
            "after complete({}) the open tasks are {seen}. Before: {}\nafter: {}\ndue: {}\n\
             Take the task out with `remove(pos)`, which moves the ones after it up one place.",
            shown(&name),
            shown_list(&before),
            shown_list(&open),
            shown_list(&open_due)
        );
        let history: Vec<String> = board.history();
        let logged: bool = history.len() == step && history.last().is_some_and(|entry| entry.contains(name.as_str()));
        ::std::assert!(
            logged,
            "after {step} completions the history holds {} entries, the last {}: each completion logs one entry naming \
             its task",
            history.len(),
            shown(history.last().map_or("(none)", |entry| entry.as_str()))
        );
    }
    let again: bool = board.complete("/docs");
    ::std::assert!(!again, "every task is done, so complete(\"/docs\") should return false");
}

// How two different names look alike, if they differ only in a way a learner's code might smooth
// away.
fn difference_of(a: &str, b: &str) -> Option<&'static str> {
    if a.to_lowercase() == b.to_lowercase() || a.to_uppercase() == b.to_uppercase() {
        return Some("a name that differs only in letter case, and case counts (no `to_lowercase`)");
    }
    if a.trim() == b.trim() {
        return Some("a name that differs only in spaces at its ends, and they count (no `trim`)");
    }
    None
}

/// `open()`, `done()` and `history()` only read: they answer while the test holds a read guard of `board`.
#[test]
fn the_views_answer_beside_a_read_guard() {
    let board = TaskBoard::new(&["a", "b"]);
    board.complete("a");
    let reader = board.board.borrow();
    let open: Option<Vec<String>> = quietly(|| board.open());
    let done: Option<Vec<String>> = quietly(|| board.done());
    let history: Option<Vec<String>> = quietly(|| board.history());
    drop(reader);
    for (name, seen) in [("open", &open), ("done", &done), ("history", &history)] {
        let answered: bool = seen.is_some();
        ::std::assert!(
            answered,
            "{name}() panicked while the test held a read guard of `board`: a method that only reads asked for write \
             access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)\n\
             Read with `self.board.borrow().{name}.clone()`."
        );
    }
    let open: Vec<String> = open.unwrap_or_default();
    let done: Vec<String> = done.unwrap_or_default();
    let expected_open: Vec<String> = strings(&["b"]);
    let expected_done: Vec<String> = strings(&["a"]);
    ::std::assert_eq!(open, expected_open, "open() beside a read guard should list \"b\"");
    ::std::assert_eq!(done, expected_done, "done() beside a read guard should list \"a\"");
}
