// wrong: `jobs_mut` hands out a separate `setup: Vec` kept beside the mutex instead of the mutex's own list, so jobs added during setup live outside the board's `Mutex`
use std::sync::Mutex;
use std::thread;

#[derive(Debug, PartialEq)] // deliberately not Clone: jobs are moved, never copied
struct Job {
    id: u32,
    title: String,
}

struct JobBoard {
    jobs: Mutex<Vec<Job>>,
    setup: Vec<Job>,
}

impl JobBoard {
    fn new() -> Self {
        JobBoard {
            jobs: Mutex::new(Vec::new()),
            setup: Vec::new(),
        }
    }

    fn jobs_mut(&mut self) -> &mut Vec<Job> {
        // Setup jobs go in a plain list of their own: no lock needed.
        &mut self.setup
    }

    fn add(&self, job: Job) {
        // Shared phase: other threads may hold `&self` too, so we must lock.
        self.jobs.lock().unwrap().push(job);
    }

    fn finish(self) -> Vec<Job> {
        let mut all = self.setup;
        all.extend(self.jobs.into_inner().unwrap());
        all
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
