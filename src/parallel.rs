//! Grading many things at once (`learn dev check`, `learn grade`): a fixed number of worker threads
//! take items in order, and each result comes back to the calling thread as soon as it is ready, so
//! the caller can show progress. A slow item (a hanging program waits out its time limit) holds
//! up only its own worker.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `work` on every item with `jobs` threads, calling `done(index, result)` on this thread as
/// each finishes (in the order they finish).
pub fn for_each<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(usize, R),
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else { return };
                    if tx.send((index, work(item))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for (index, result) in rx {
            done(index, result);
        }
    });
}

/// The number of jobs to use when none is asked for: one per CPU.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_done_once_with_its_index() {
        let items: Vec<u64> = (0..50).collect();
        let mut seen = vec![None; items.len()];
        for_each(
            &items,
            3,
            |x| x * 2,
            |i, r| {
                assert!(seen[i].is_none());
                seen[i] = Some(r);
            },
        );
        assert_eq!(seen, items.iter().map(|x| Some(x * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_is_fine() {
        for_each(&Vec::<u8>::new(), 4, |_| (), |_, _| panic!("nothing to do"));
    }
}
