// wrong: add drops the job on a poisoned board and returns as if it had added it
// owned_mutex: a job board set up alone, shared while running, unwrapped at the end.
//
// A `JobBoard` lives through three phases:
//   1. setup: one owner fills it through `jobs_mut(&mut self)`;
//   2. running: worker threads share `&JobBoard` and call `add`, which locks;
//   3. done: `finish(self)` consumes the board and returns the list.
//
// In phases 1 and 3 you hold `&mut` or the board itself: the borrow checker
// guarantees nobody else can reach the Mutex, so there is no one to wait for.
// Locking anyway costs time, and worse, a `MutexGuard` is a borrow that ends
// when the guard drops, so you can neither return a reference through it nor
// move the data out of it. `Mutex` has accessors for exactly this situation.

use std::sync::Mutex;
use std::thread;

#[derive(Debug, PartialEq)] // deliberately not Clone: jobs are moved, never copied
struct Job {
    id: u32,
    title: String,
}

struct JobBoard {
    jobs: Mutex<Vec<Job>>,
}

impl JobBoard {
    fn new() -> Self {
        JobBoard {
            jobs: Mutex::new(Vec::new()),
        }
    }

    fn jobs_mut(&mut self) -> &mut Vec<Job> {
        // `&mut self` means nobody else can reach `self.jobs` right now, so
        // `get_mut` hands out a plain `&mut Vec` with no lock and no guard.
        // The reference borrows `self`, so it can be returned.
        // (`unwrap` only fails if a thread panicked while holding the lock.)
        self.jobs.get_mut().unwrap()
    }

    fn add(&self, job: Job) {
        // Shared phase: other threads may hold `&self` too, so we must lock.
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.push(job);
        }
    }

    fn finish(self) -> Vec<Job> {
        // We own the board, so we own the Mutex: `into_inner` takes it apart
        // and gives back the Vec itself, moved out, with no locking.
        self.jobs.into_inner().unwrap()
    }
}

fn main() {
    let mut board = JobBoard::new();
    board.jobs_mut().push(Job {
        id: 1,
        title: "resize images".into(),
    });
    thread::scope(|scope| {
        let board = &board;
        scope.spawn(move || {
            board.add(Job {
                id: 2,
                title: "send emails".into(),
            })
        });
    });
    for job in board.finish() {
        println!("#{} {}", job.id, job.title);
    }
}
