// wrong: complete uses retain, so when two open tasks share a name both vanish from open but only one reaches done (a task is lost)
// double_borrow_mut: two write borrows of the same cell at the same time.
//
// Lesson section: “Two guards at once”.
// New here: two guards of one cell — a second `borrow_mut()` while a `RefMut` of the same cell is
//           alive panics with "RefCell already borrowed", even on one thread, even in a helper.
//
// A `TaskBoard` keeps all its state in one `RefCell<Board>`. `complete` moves
// a task from `open` to `done` and logs it to `history` through a helper.
//
// The tests panic with "RefCell already borrowed": `complete` still holds
// its `borrow_mut()` guard when the helper asks the same cell for another.
// A RefCell allows one writer at a time, even when both writers are your own
// code on one thread. Rework `complete` (and the helper, if you like) so that
// two write guards are never alive together; the results must stay the same.

use std::cell::RefCell;

#[derive(Default)]
struct Board {
    open: Vec<String>,
    done: Vec<String>,
    history: Vec<String>,
}

struct TaskBoard {
    board: RefCell<Board>,
}

impl TaskBoard {
    fn new(tasks: &[&str]) -> Self {
        let open = tasks.iter().map(|t| t.to_string()).collect();
        TaskBoard {
            board: RefCell::new(Board {
                open,
                ..Board::default()
            }),
        }
    }

    fn log(board: &mut Board, entry: String) {
        board.history.push(entry);
    }

    /// Moves `task` from open to done and logs it. Returns false if `task` is not open.
    fn complete(&self, task: &str) -> bool {
        let mut board = self.board.borrow_mut();
        if !board.open.iter().any(|t| t == task) {
            return false;
        }
        board.open.retain(|t| t != task);
        Self::log(&mut board, format!("completed: {task}"));
        board.done.push(task.to_string());
        true
    }

    fn open(&self) -> Vec<String> {
        self.board.borrow().open.clone()
    }
    fn done(&self) -> Vec<String> {
        self.board.borrow().done.clone()
    }
    fn history(&self) -> Vec<String> {
        self.board.borrow().history.clone()
    }
}

fn main() {
    let board = TaskBoard::new(&["write docs", "fix bug", "release"]);
    board.complete("fix bug");
    println!("open {:?}, done {:?}", board.open(), board.done());
    println!("history {:?}", board.history());
}
