use super::*;
use std::thread;

fn job(id: u32, title: &str) -> Job {
    Job {
        id,
        title: title.to_string(),
    }
}

#[test]
fn jobs_mut_gives_a_plain_mutable_reference_during_setup() {
    let mut board = JobBoard::new();
    let jobs: &mut Vec<Job> = board.jobs_mut();
    jobs.push(job(1, "build"));
    jobs.push(job(2, "test"));
    jobs.push(job(3, "deploy"));
    jobs.retain(|j| j.id != 2);
    assert_eq!(
        board.jobs_mut().len(),
        2,
        "jobs_mut should give direct access to the board's list: 3 pushed, 1 removed leaves 2"
    );
}

#[test]
fn finish_returns_the_jobs_in_order() {
    let mut board = JobBoard::new();
    board.jobs_mut().push(job(1, "build"));
    let shared: &JobBoard = &board;
    shared.add(job(2, "test"));
    shared.add(job(3, "deploy"));
    assert_eq!(
        board.finish(),
        vec![job(1, "build"), job(2, "test"), job(3, "deploy")],
        "finish should hand back every job, in the order they were added"
    );
}

#[test]
fn finish_on_an_empty_board_is_empty() {
    assert_eq!(
        JobBoard::new().finish(),
        Vec::new(),
        "a board with no jobs should finish with an empty list"
    );
}

#[test]
fn board_filled_alone_then_shared_by_threads_then_finished() {
    let mut board = JobBoard::new();
    for id in 0..3 {
        board.jobs_mut().push(job(id, "setup"));
    }
    thread::scope(|scope| {
        let board = &board;
        for worker in 1..=4u32 {
            scope.spawn(move || {
                for n in 0..5 {
                    board.add(job(worker * 100 + n, "worker"));
                }
            });
        }
    });
    let mut jobs = board.finish();
    assert_eq!(
        jobs.len(),
        23,
        "3 setup jobs plus 4 workers x 5 jobs should give 23 jobs"
    );
    assert_eq!(
        &jobs[..3],
        &[job(0, "setup"), job(1, "setup"), job(2, "setup")],
        "the setup jobs were added before any worker started, so they come first"
    );
    jobs.sort_by_key(|j| j.id);
    let worker_ids: Vec<u32> = jobs.iter().skip(3).map(|j| j.id).collect();
    let expected: Vec<u32> = (1..=4)
        .flat_map(|w| (0..5).map(move |n| w * 100 + n))
        .collect();
    assert_eq!(
        worker_ids, expected,
        "every job added by a worker thread should be in the finished list"
    );
}

#[test]
fn jobs_mut_still_works_after_the_shared_phase() {
    let mut board = JobBoard::new();
    thread::scope(|scope| {
        let board = &board;
        scope.spawn(move || board.add(job(7, "from a thread")));
    });
    // The threads are gone, so we have exclusive access again.
    let jobs = board.jobs_mut();
    jobs[0].title.push_str(" (checked)");
    assert_eq!(
        board.finish(),
        vec![job(7, "from a thread (checked)")],
        "a change made through jobs_mut should be visible in the finished list"
    );
}
