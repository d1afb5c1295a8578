use super::*;

#[test]
fn eight_threads_of_a_thousand_make_exactly_8000() {
    assert_eq!(
        count_in_parallel(8, 1000),
        8000,
        "8 threads adding 1 a thousand times each should give exactly 8000, no lost updates"
    );
}

#[test]
fn many_increments_under_contention_are_all_counted() {
    assert_eq!(
        count_in_parallel(4, 25_000),
        100_000,
        "4 threads x 25000 increments should give exactly 100000"
    );
}

#[test]
fn other_shapes_count_correctly() {
    assert_eq!(
        count_in_parallel(1, 5),
        5,
        "1 thread x 5 increments should give 5"
    );
    assert_eq!(
        count_in_parallel(3, 7),
        21,
        "3 threads x 7 increments should give 21"
    );
    assert_eq!(
        count_in_parallel(16, 50),
        800,
        "16 threads x 50 increments should give 800"
    );
}

#[test]
fn zero_threads_or_zero_increments_count_zero() {
    assert_eq!(
        count_in_parallel(0, 1000),
        0,
        "with 0 threads nobody increments, so the count is 0"
    );
    assert_eq!(
        count_in_parallel(5, 0),
        0,
        "threads that increment 0 times leave the count at 0"
    );
}
