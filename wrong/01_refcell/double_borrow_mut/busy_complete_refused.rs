// wrong: complete uses try_borrow_mut and answers false while the board is borrowed, a quiet refusal instead of the panic that shows the overlap
// double_borrow_mut: two write borrows of the same cell at the same time.
//
// A `TaskBoard` keeps all of its state (open tasks, finished tasks and a
// history log) in a single `RefCell<Board>`. `complete` moves a task from
// `open` to `done` and writes a line to the history.
//
// A RefCell allows only one writer at a time, even when both writers are your
// own code on the same thread. Asking for a second `borrow_mut()` while the
// first guard is alive panics with "RefCell already borrowed". Here the fix is
// to take one write guard and do all the work through it: the helper now works
// on the `Board` it is given instead of borrowing the cell again.

use std::cell::RefCell;

#[derive(Default)]
struct Board {
    open: Vec<String>,
    done: Vec<String>,
    history: Vec<String>,
}

impl Board {
    // Takes `&mut Board` from the caller's guard: no second borrow of the cell.
    fn log(&mut self, entry: String) {
        self.history.push(entry);
    }
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

    /// Moves `task` from open to done and logs it. Returns false if `task` is not open.
    fn complete(&self, task: &str) -> bool {
        // One write guard for the whole update; it is dropped when we return.
        let Ok(mut board) = self.board.try_borrow_mut() else {
            return false;
        };
        let Some(pos) = board.open.iter().position(|t| t == task) else {
            return false;
        };
        let task = board.open.remove(pos);
        board.log(format!("completed: {task}"));
        board.done.push(task);
        true
    }

    // Read-only views for the tests and `main`.
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
