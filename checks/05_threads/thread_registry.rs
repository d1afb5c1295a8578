use super::*;

#[test]
fn four_workers_record_0_10_20_30() {
    assert_eq!(
        collect_ids(4),
        vec![0, 10, 20, 30],
        "with 4 workers, worker id should record id * 10, giving [0, 10, 20, 30] once sorted"
    );
}

#[test]
fn a_single_worker_records_zero() {
    assert_eq!(collect_ids(1), vec![0], "one worker has id 0, so it should record 0");
}

#[test]
fn no_workers_give_an_empty_list() {
    assert!(collect_ids(0).is_empty(), "with 0 workers nothing should be recorded");
}

#[test]
fn many_workers_each_record_exactly_once() {
    let expected: Vec<u64> = (0..32).map(|id| id * 10).collect();
    assert_eq!(
        collect_ids(32),
        expected,
        "with 32 workers every value 0, 10, ..., 310 should appear exactly once, in ascending order"
    );
}

#[test]
fn registries_of_separate_calls_do_not_mix() {
    let handles: Vec<_> = (1..=4u64).map(|n| std::thread::spawn(move || (n, collect_ids(n)))).collect();
    for handle in handles {
        let (n, ids) = handle.join().unwrap();
        assert_eq!(
            ids.len() as u64,
            n,
            "collect_ids({n}) should return {n} values, even when other calls run at the same time"
        );
    }
}
