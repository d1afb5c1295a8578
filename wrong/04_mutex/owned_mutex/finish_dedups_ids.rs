// wrong: finish dedups adjacent jobs by id, silently dropping a job whose id repeats the one before
// owned_mutex: a job board set up alone, shared while running, unwrapped at the end.
//
// Lesson section: “Exclusive access needs no lock”.
// New here: `Mutex::get_mut` — with `&mut` to the mutex, a plain `&mut T` to its data, without locking.
// New here: `Mutex::into_inner` — consumes the mutex and gives back the data, without locking.
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
//
// TODO: fix `jobs_mut` and `finish` without calling `lock()`.

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
        self.jobs.get_mut().unwrap()
    }

    fn add(&self, job: Job) {
        self.jobs.lock().unwrap().push(job);
    }

    fn finish(self) -> Vec<Job> {
        let mut v = self.jobs.into_inner().unwrap();
        v.dedup_by_key(|j| j.id);
        v
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
