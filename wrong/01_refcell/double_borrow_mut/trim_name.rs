// wrong: trims the asked name, so complete(" fix bug ") completes "fix bug" and a task named "fix bug " can never be completed by its exact name
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

    fn log(&self, entry: String) {
        self.board.borrow_mut().history.push(entry);
    }

    /// Moves `task` from open to done and logs it. Returns false if `task` is not open.
    fn complete(&self, task: &str) -> bool {
        let task = {
            let mut board = self.board.borrow_mut();
            let Some(pos) = board.open.iter().position(|t| t == task.trim()) else { return false; };
            let task = board.open.remove(pos);
            board.done.push(task.clone());
            task
        };
        self.log(format!("completed: {task}"));
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
