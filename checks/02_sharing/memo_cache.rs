use super::Memo;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None`
// if it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// `Memo` holds its compute function, its `cache` and its `calls`, and nothing beside them.
#[test]
fn the_memo_holds_nothing_but_its_three_fields() {
    let memo = Memo::new(|_, n| n + 1);
    crate::__learn::exact::<RefCell<HashMap<u64, u64>>, _>(&memo.cache);
    crate::__learn::exact::<RefCell<u64>, _>(&memo.calls);
    let size: usize = ::std::mem::size_of_val(&memo);
    let fields: usize =
        ::std::mem::size_of::<(Box<dyn Fn(&Memo, u64) -> u64>, RefCell<HashMap<u64, u64>>, RefCell<u64>)>();
    ::std::assert!(
        size == fields,
        "`Memo` takes {size} bytes, where its `compute`, `cache` and `calls` fields take {fields}: it keeps something \
         beside them (a second map, a flag, answers waiting to be stored), so what `cache` holds and what `get` \
         answers can part ways (see “Calling back into a borrowed cell”)\n\
         Keep the three fields: `get` looks up and stores in `cache`, and counts each computation in `calls`."
    );
}

/// `get` returns what the compute function gives, and the same value again from the cache.
#[test]
fn values_match_the_compute_function() {
    let memo = Memo::new(|_, n| n * n + 1);
    crate::__learn::exact::<RefCell<HashMap<u64, u64>>, _>(&memo.cache);
    let four: u64 = memo.get(4);
    let zero: u64 = memo.get(0);
    let four_again: u64 = memo.get(4);
    ::std::assert_eq!(four, 17, "get(4) should return compute(4) = 4*4 + 1");
    ::std::assert_eq!(zero, 1, "get(0) should return compute(0) = 0*0 + 1");
    ::std::assert_eq!(four_again, 17, "a cached answer should be the same value as the first one");
}

/// A key asked for again comes from the cache: the compute function runs once per key.
#[test]
fn repeated_keys_are_computed_only_once() {
    let memo = Memo::new(|_, n| n * 3);
    let first: &Memo = &memo;
    let second: &Memo = &memo;
    for key in [4u64, 4, 7, 4, 7, 9] {
        let a: u64 = first.get(key);
        let b: u64 = second.get(key);
        let expected_a: u64 = key * 3;
        ::std::assert_eq!(a, expected_a, "get({key}) should be {key} * 3");
        let expected_b: u64 = key * 3;
        ::std::assert_eq!(b, expected_b, "get({key}) through a second reference should agree");
    }
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(calls, 3, "lookups of the 3 distinct keys 4, 7, 9 should run the compute function only 3 times");
}

/// While the compute function runs, no guard of the cache is alive: it could borrow it for writing.
#[test]
fn no_borrow_is_held_while_compute_runs() {
    let busy: Rc<Cell<u32>> = Rc::new(Cell::new(0));
    let seen = Rc::clone(&busy);
    let memo = Memo::new(move |memo, n| {
        if memo.cache.try_borrow_mut().is_err() {
            seen.set(seen.get() + 1);
        }
        n + 1
    });
    let first: u64 = memo.get(1);
    let second: u64 = memo.get(2);
    let times_busy: u32 = busy.get();
    ::std::assert_eq!(first, 2, "get(1) should be 1 + 1");
    ::std::assert_eq!(second, 3, "get(2) should be 2 + 1");
    ::std::assert_eq!(
        times_busy, 0,
        "the cache was still borrowed while the compute function ran; end every guard before calling it (see “Calling back into a borrowed cell”)"
    );
}

/// A recursive Fibonacci of 15 (small enough to finish whatever happens) runs the compute function once per key: answers stored during the recursion are there for the lookups that follow.
#[test]
fn a_small_recursion_computes_each_key_once() {
    // The compute function counts its own runs per key, so the test can tell which keys were
    // computed again, and whether `calls` counted every run.
    let runs: Rc<RefCell<Vec<u64>>> = Rc::new(RefCell::new(::std::vec![0; 16]));
    let tally = Rc::clone(&runs);
    let fib = Memo::new(move |memo, n| {
        if let Some(slot) = tally.borrow_mut().get_mut(n as usize) {
            *slot += 1;
        }
        if n < 2 { n } else { memo.get(n - 1) + memo.get(n - 2) }
    });
    let value: u64 = fib.get(15);
    let calls: u64 = fib.compute_calls();
    ::std::assert_eq!(value, 610, "fib(15) should be 610");
    let per_key: Vec<u64> = runs.borrow().clone();
    let ran: u64 = per_key.iter().sum();
    let again: Vec<String> = (0u64..16)
        .filter(|&key| per_key[key as usize] > 1)
        .map(|key| ::std::format!("key {key} {} times", per_key[key as usize]))
        .collect();
    // The first few are enough to show the pattern.
    let again_shown: String = if again.len() > 4 {
        ::std::format!("{}, …", again[..4].join(", "))
    } else {
        again.join(", ")
    };
    let missing: Vec<u64> = (0u64..16).filter(|key| !fib.cache.borrow().contains_key(key)).collect();
    let miscounted: String = if calls == ran {
        ::std::string::String::new()
    } else {
        ::std::format!(
            " Besides, `calls` says {calls} where the compute function ran {ran} times: every run should be counted, \
             whatever the key."
        )
    };
    // Some keys left out of `cache` while the others are each computed once, and few runs in all (a
    // cache emptied or bypassed during compute runs its whole subtree again, hundreds of runs here):
    // `get` goes round the cache for those keys.
    let others_once: bool = (0u64..16).all(|key| missing.contains(&key) || per_key[key as usize] == 1);
    if !missing.is_empty() && missing.len() <= 8 && others_once && ran < 32 {
        let small: bool = missing.iter().all(|&key| key < 2);
        let hint: &str = if small {
            " The `if n < 2 { return n; }` in the lesson's Fibonacci is that function's own base case; here it lives \
             in the compute function, and `get` caches whatever key it is asked \
             (see “Calling back into a borrowed cell”)"
        } else {
            ""
        };
        ::std::panic!(
            "get(15) of a recursive Fibonacci left keys {missing:?} out of `cache` while it stored the others, and the \
             compute function ran for them each time they were asked ({}): `get` answers those keys without \
             storing them.{hint}{miscounted}\n\
             For every key: look up under a short `borrow()`, compute with no guard alive, count the run in `calls`, \
             then `insert` under a short `borrow_mut()`.",
            if again.is_empty() { "once each here".to_string() } else { again_shown.clone() }
        );
    }
    ::std::assert!(
        again.is_empty(),
        "get(15) of a recursive Fibonacci ran the compute function {ran} times, where 16 (once per key 0..=15) were \
         due ({}): the answers stored by the inner lookups were not there for the next ones. The cache is empty, or \
         bypassed, while compute runs (taken out of the cell with `take()` and put back afterwards, over what the inner \
         calls stored, or skipped when busy), so each level computes its whole subtree again: the count grows exponentially with \
         the key, and fib(80) never finishes (see “Calling back into a borrowed cell”)\n\
         Leave the map in the cell: look up under a short `borrow()`, compute with no guard alive, then `insert` under \
         a short `borrow_mut()`.",
        again_shown
    );
    ::std::assert!(
        calls == ran,
        "get(15) of a recursive Fibonacci ran the compute function {ran} times (once per key 0..=15), but `calls` says \
         {calls}: `compute_calls()` should count every run of the compute function, no more and no fewer\n\
         Add one to `calls` right before each call of the compute function."
    );
    ::std::assert_eq!(calls, 16, "each of the keys 0..=15 should be computed exactly once");
}

/// A compute function that calls `memo.get` for a smaller key works, and fills the cache on the way.
#[test]
fn compute_may_look_up_a_smaller_key() {
    let memo = Memo::new(|memo, n| if n == 0 { 1 } else { n * memo.get(n - 1) });
    let ten: u64 = memo.get(10);
    ::std::assert_eq!(
        ten, 3_628_800,
        "factorial(10) should be 3628800; a compute function that calls `memo.get` must not panic"
    );
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(calls, 11, "keys 0..=10 should each be computed exactly once");
    let six: u64 = memo.get(6);
    let calls_after: u64 = memo.compute_calls();
    ::std::assert_eq!(six, 720, "factorial(6) was cached on the way and should be 720");
    ::std::assert_eq!(calls_after, 11, "looking up a key cached during the recursion must not compute again");
}

/// A recursive Fibonacci through the memo is exact and computes each key once.
#[test]
fn recursive_fibonacci_is_fast_and_exact() {
    let fib = Memo::new(|memo, n| if n < 2 { n } else { memo.get(n - 1) + memo.get(n - 2) });
    let value: u64 = fib.get(80);
    let calls: u64 = fib.compute_calls();
    ::std::assert_eq!(value, 23_416_728_348_467_685, "fib(80) should be 23416728348467685");
    ::std::assert_eq!(calls, 81, "each of the keys 0..=80 should be computed once; more calls mean cached answers were not reused");
}

/// After a recursive lookup the cache works normally again.
#[test]
fn cache_is_usable_again_after_a_recursive_lookup() {
    let memo = Memo::new(|memo, n| if n == 0 { 0 } else { n + memo.get(n - 1) });
    let five: u64 = memo.get(5);
    let seven: u64 = memo.get(7);
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(five, 15, "sum of 1..=5 should be 15");
    ::std::assert_eq!(seven, 28, "sum of 1..=7 should be 28, reusing the cached sum for 5");
    ::std::assert_eq!(calls, 8, "keys 0..=7 should each be computed once");
}

// What one key showed: the answers of two lookups, the compute function's own runs for each, and
// what `cache` held afterwards.
struct Seen {
    key: u64,
    due: u64,
    first: u64,
    second: u64,
    runs_first: u64,
    runs_second: u64,
    stored: Option<u64>,
}

impl Seen {
    // Computed once, then served from `cache`, where the answer is kept.
    fn kept(&self) -> bool {
        self.runs_first == 1 && self.runs_second == 0 && self.stored == Some(self.due)
    }

    fn fault(&self) -> String {
        if self.runs_second > 0 {
            ::std::format!("get({}) ran compute again when asked a second time", self.key)
        } else {
            ::std::format!("after get({}) `cache` held {:?} for it", self.key, self.stored)
        }
    }
}

// Asks every key twice of a fresh memo whose compute function is `answer`, counting the compute
// function's runs itself; also gives back what `calls` said at the end and how often it really ran.
fn ask_twice(answer: fn(u64) -> u64, keys: &[u64]) -> (Vec<Seen>, u64, u64) {
    let runs: Rc<Cell<u64>> = Rc::new(Cell::new(0));
    let tally = Rc::clone(&runs);
    let memo = Memo::new(move |_, n| {
        tally.set(tally.get() + 1);
        answer(n)
    });
    let mut seen: Vec<Seen> = Vec::new();
    for &key in keys {
        let before: u64 = runs.get();
        let first: u64 = memo.get(key);
        let between: u64 = runs.get();
        let second: u64 = memo.get(key);
        let after: u64 = runs.get();
        let stored: Option<u64> = memo.cache.borrow().get(&key).copied();
        seen.push(Seen {
            key,
            due: answer(key),
            first,
            second,
            runs_first: between - before,
            runs_second: after - between,
            stored,
        });
    }
    let counted: u64 = memo.compute_calls();
    (seen, counted, runs.get())
}

fn listed(items: &[u64]) -> String {
    let shown: Vec<String> = items.iter().take(6).map(|item| item.to_string()).collect();
    if items.len() > 6 {
        ::std::format!("{} … ({} in all)", shown.join(", "), items.len())
    } else {
        shown.join(", ")
    }
}

/// Any answer, 0 and `u64::MAX` included, is computed once and then served from the cache, for keys over the whole `u64` range.
#[test]
fn every_answer_is_cached_after_one_computation() {
    // Keys: 0, 1, each power of two and its neighbours, and the top of the range. They are asked
    // of two memos: one whose compute function gives back its key, one that gives `u64::MAX - key`.
    // A fault tied to an answer (0 taken for "not cached") then moves from key 0 to key `u64::MAX`,
    // while a fault tied to the key (small keys never stored) stays on the same keys.
    let mut keys: Vec<u64> = ::std::vec![0, 1, 2, u64::MAX - 1, u64::MAX];
    for bit in 1..64 {
        let power: u64 = 1 << bit;
        keys.extend([power - 1, power, power + 1]);
    }
    keys.sort_unstable();
    keys.dedup();
    fn same(n: u64) -> u64 {
        n
    }
    fn mirrored(n: u64) -> u64 {
        u64::MAX - n
    }
    let (by_same, counted_same, ran_same): (Vec<Seen>, u64, u64) = ask_twice(same, &keys);
    let (by_mirrored, counted_mirrored, ran_mirrored): (Vec<Seen>, u64, u64) = ask_twice(mirrored, &keys);
    for (seen, returns) in [(&by_same, "its key"), (&by_mirrored, "`u64::MAX - key`")] {
        for one in seen.iter() {
            let both_exact: bool = one.first == one.due && one.second == one.due;
            ::std::assert!(
                both_exact,
                "with a compute function that returns {returns}, get({}) returned {} and then {}, where {} was due: \
                 an answer should come back exactly as computed, and each key keep its own answer",
                one.key,
                one.first,
                one.second,
                one.due
            );
        }
    }
    let bad_same: Vec<&Seen> = by_same.iter().filter(|one| !one.kept()).collect();
    let bad_mirrored: Vec<&Seen> = by_mirrored.iter().filter(|one| !one.kept()).collect();
    if !bad_same.is_empty() || !bad_mirrored.is_empty() {
        let keys_same: Vec<u64> = bad_same.iter().map(|one| one.key).collect();
        let keys_mirrored: Vec<u64> = bad_mirrored.iter().map(|one| one.key).collect();
        let mut answers_same: Vec<u64> = bad_same.iter().map(|one| one.due).collect();
        let mut answers_mirrored: Vec<u64> = bad_mirrored.iter().map(|one| one.due).collect();
        answers_same.sort_unstable();
        answers_mirrored.sort_unstable();
        let example: String = bad_same.first().or(bad_mirrored.first()).map(|one| one.fault()).unwrap_or_default();
        if keys_same == keys_mirrored {
            // The same keys fail whatever their answer: `get` treats those keys apart.
            let small: bool = keys_same.iter().all(|&key| key < 2);
            let hint: &str = if small {
                " The `if n < 2 { return n; }` in the lesson's Fibonacci is that function's own base case, which \
                 belongs in the compute function; `get` caches whatever key it is asked \
                 (see “Calling back into a borrowed cell”)"
            } else {
                ""
            };
            ::std::panic!(
                "the test asked {} keys twice each, of a memo whose compute function returns its key and of one that \
                 returns `u64::MAX - key`: in both, the keys {} were not served from `cache` the second time, whatever \
                 their answer ({example}): `get` does not keep the answers of those keys.{hint}\n\
                 For every key: look up under a short `borrow()`, return on `Some(value)`, and on `None` compute, \
                 count the run and `insert` the answer under a short `borrow_mut()`.",
                keys.len(),
                listed(&keys_same)
            );
        }
        if answers_same == answers_mirrored {
            // The same answers fail, on whichever key they come from: an answer stands for "not cached".
            let kind: String = if answers_same == [0] {
                "0, the \"falsy\" value,".to_string()
            } else {
                ::std::format!("the answers {}", listed(&answers_same))
            };
            ::std::panic!(
                "the test asked {} keys twice each, of a memo whose compute function returns its key and of one that \
                 returns `u64::MAX - key`: in both, the keys whose answer is {} were computed again on every lookup \
                 (keys {} in the first memo, {} in the second; {example}): `get` takes {kind} for \"not cached\". Every \
                 `u64` is a real answer; the `HashMap` itself says what is missing, with `None` from `get(&key)`\n\
                 Copy the lookup out as an `Option` (`let known = self.cache.borrow().get(&key).copied();`), return on \
                 `Some(value)`, and compute only on `None`.",
                keys.len(),
                listed(&answers_same),
                listed(&keys_same),
                listed(&keys_mirrored)
            );
        }
        ::std::panic!(
            "the test asked {} keys twice each: with a compute function that returns its key, keys {} were not served \
             from `cache` the second time, and with one that returns `u64::MAX - key`, keys {} ({example}): an answer \
             should be computed once, stored in `cache` itself, and served from it afterwards\n\
             For every key: look up under a short `borrow()`, return on `Some(value)`, and on `None` compute, count the \
             run and `insert` the answer under a short `borrow_mut()`.",
            keys.len(),
            listed(&keys_same),
            listed(&keys_mirrored)
        );
    }
    for (counted, ran) in [(counted_same, ran_same), (counted_mirrored, ran_mirrored)] {
        let every_run_counted: bool = counted == ran;
        ::std::assert!(
            every_run_counted,
            "the compute function ran {ran} times, once per key, but `calls` says {counted}: `compute_calls()` should \
             count every run of the compute function, no more and no fewer\n\
             Add one to `calls` right before each call of the compute function."
        );
    }
}

/// Every answer stays cached however many keys are asked: asked all again, none is computed a second time.
#[test]
fn answers_stay_cached_however_many_keys_are_asked() {
    // Counts just below, at and just above each power of two up to 2^14 and each power of ten up
    // to 10 000: a cache cleared or trimmed at some size forgets answers in one of them. Each
    // count takes a fresh memo; the keys are spread out and never 0 or 1.
    let mut sizes: Vec<u64> = Vec::new();
    for bit in 0..=14 {
        let power: u64 = 1 << bit;
        sizes.extend([power - 1, power, power + 1]);
    }
    for power in [10u64, 100, 1_000, 10_000] {
        sizes.extend([power - 1, power, power + 1]);
    }
    sizes.retain(|&size| size > 0);
    sizes.sort_unstable();
    sizes.dedup();
    let key_of = |index: u64| -> u64 { 1_000 + index * 7_919 };
    for size in sizes {
        let runs: Rc<Cell<u64>> = Rc::new(Cell::new(0));
        let tally = Rc::clone(&runs);
        let memo = Memo::new(move |_, n| {
            tally.set(tally.get() + 1);
            n * 3 + 1
        });
        // The first time the cache held fewer entries than before: (the new key's place, before, after).
        let mut shrank: Option<(u64, usize, usize)> = None;
        let mut held: usize = 0;
        for index in 0..size {
            let key: u64 = key_of(index);
            let got: u64 = memo.get(key);
            let due: u64 = key * 3 + 1;
            ::std::assert_eq!(got, due, "get({key}) should return compute({key}) = {key}*3 + 1");
            let now: usize = memo.cache.borrow().len();
            if now < held && shrank.is_none() {
                shrank = Some((index + 1, held, now));
            }
            held = now;
        }
        let first_pass: u64 = runs.get();
        let mut recomputed: Vec<u64> = Vec::new();
        for index in 0..size {
            let key: u64 = key_of(index);
            let before: u64 = runs.get();
            let got: u64 = memo.get(key);
            let due: u64 = key * 3 + 1;
            ::std::assert_eq!(got, due, "get({key}) asked again should return the cached {key}*3 + 1");
            if runs.get() > before {
                recomputed.push(index + 1);
            }
        }
        let entries: usize = memo.cache.borrow().len();
        if recomputed.is_empty() && first_pass == size && entries as u64 == size {
            continue;
        }
        let when: String = match shrank {
            Some((place, before, after)) => ::std::format!(
                "; `cache` went from {before} entries to {after} when new key number {place} was asked"
            ),
            None => ::std::string::String::new(),
        };
        ::std::panic!(
            "the test asked {size} distinct keys once each (compute ran {first_pass} times), then asked all of them \
             again: compute ran {} more times, for the keys asked {} in the first round, and `cache` ended with \
             {entries} entries where {size} were due{when}. The memo forgets answers once it holds many: it is \
             cleared or trimmed as it grows. `Memo` remembers every answer it has computed, however many keys are \
             asked\n\
             Only ever `insert` into `cache`: never `clear`, `remove` or cap it.",
            recomputed.len(),
            if recomputed.is_empty() { "none".to_string() } else { ::std::format!("as number {}", listed(&recomputed)) }
        );
    }
}

/// A lookup of a cached key takes the same short time however full the cache is: no copy or walk of the whole map per lookup.
#[test]
fn a_lookup_does_not_grow_with_the_cache() {
    // 65536 answers, put straight into the `cache` field so that filling it costs the same for
    // every `get`. 2048 lookups then take well under 1 ms for an O(1) lookup even in a debug
    // build on a busy machine; a `get` that clones the map (a megabyte) or walks it takes about
    // 50 µs to 250 µs each, 100 ms or more in all. The bound sits between, far from both; the
    // best of three tries is kept so that a moment without the processor is not counted.
    const ENTRIES: u64 = 65_536;
    const LOOKUPS: u64 = 2_048;
    const BOUND: Duration = Duration::from_millis(20);
    let memo = Memo::new(|_, n| n * 2 + 1);
    memo.cache.borrow_mut().extend((0..ENTRIES).map(|key| (key, key * 2 + 1)));
    let mut best: Option<Duration> = None;
    let mut most_done: u64 = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut done: u64 = 0;
        while done < LOOKUPS {
            // Keys spread over the whole map, not only its first few.
            let key: u64 = (done * 7_919) % ENTRIES;
            let got: u64 = memo.get(key);
            let due: u64 = key * 2 + 1;
            ::std::assert_eq!(got, due, "get({key}) of a key already in `cache` should return the answer stored there");
            done += 1;
            // Stop a try that is already past the bound instead of finishing it slowly.
            if start.elapsed() > BOUND {
                break;
            }
        }
        let took: Duration = start.elapsed();
        most_done = most_done.max(done);
        if done == LOOKUPS {
            best = Some(best.map_or(took, |b: Duration| b.min(took)));
        }
    }
    let calls: u64 = memo.compute_calls();
    ::std::assert_eq!(
        calls, 0,
        "every key looked up was already in the `cache` field, so the compute function should never have run"
    );
    let fast: bool = best.is_some_and(|b: Duration| b <= BOUND);
    ::std::assert!(
        fast,
        "with {ENTRIES} answers in the cache, {LOOKUPS} lookups of cached keys should take well under {BOUND:?} (an \
         O(1) lookup takes under 1 ms for all of them); in the best of three tries, {most_done} lookups had been done \
         when {BOUND:?} had passed: each `get` does work that grows with the cache, such as cloning the whole `HashMap` \
         out of the cell or walking through it (see “Calling back into a borrowed cell”)\n\
         Look the one key up under a short `borrow()` and copy out only its answer: \
         `let known = self.cache.borrow().get(&key).copied();`"
    );
}

/// A call made while a field of the memo is borrowed elsewhere panics (an overlap is a bug) or does the whole job: never a skipped store, a skipped count, a recomputation or a wrong count.
#[test]
fn a_borrowed_field_never_turns_into_a_quiet_shortcut() {
    // (field held, how, call): the call runs while the test holds that guard.
    let cases: [(&str, &str, &str); 8] = [
        ("cache", "borrow()", "get(7), a key not cached yet"),
        ("cache", "borrow()", "get(3), a key already cached"),
        ("cache", "borrow_mut()", "get(7), a key not cached yet"),
        ("cache", "borrow_mut()", "get(3), a key already cached"),
        ("calls", "borrow()", "get(7), a key not cached yet"),
        ("calls", "borrow_mut()", "get(7), a key not cached yet"),
        ("calls", "borrow_mut()", "get(3), a key already cached"),
        ("calls", "borrow_mut()", "compute_calls()"),
    ];
    for (field, how, call) in cases {
        let memo = Memo::new(|_, n| n * 10 + 1);
        let warm: u64 = memo.get(3);
        ::std::assert_eq!(warm, 31, "get(3) should return compute(3) = 3*10 + 1");
        let key: Option<u64> = if call.starts_with("get(7)") {
            Some(7)
        } else if call.starts_with("get(3)") {
            Some(3)
        } else {
            None
        };
        let run = || match key {
            Some(key) => memo.get(key),
            None => memo.compute_calls(),
        };
        let outcome: Option<u64> = match (field, how) {
            ("cache", "borrow()") => {
                let _held = memo.cache.borrow();
                quietly(run)
            }
            ("cache", _) => {
                let _held = memo.cache.borrow_mut();
                quietly(run)
            }
            (_, "borrow()") => {
                let _held = memo.calls.borrow();
                quietly(run)
            }
            _ => {
                let _held = memo.calls.borrow_mut();
                quietly(run)
            }
        };
        // A panic is what `borrow()` and `borrow_mut()` do on an overlap: it shows the bug, so it passes.
        let Some(answer) = outcome else { continue };
        let calls: u64 = *memo.calls.borrow();
        let stored: Option<u64> = key.and_then(|k: u64| memo.cache.borrow().get(&k).copied());
        let what: String = match key {
            Some(key) => {
                let due: u64 = key * 10 + 1;
                let due_calls: u64 = if key == 7 { 2 } else { 1 };
                if answer != due {
                    ::std::format!("returned {answer}, where compute({key}) = {due} was due")
                } else if stored != Some(due) {
                    ::std::format!("returned {answer} but left {stored:?} in `cache` for key {key}: the answer was not stored")
                } else if calls != due_calls {
                    ::std::format!(
                        "left `calls` at {calls}, where {due_calls} was due: {}",
                        if calls < due_calls { "a computation went uncounted" } else { "a cached key was computed again" }
                    )
                } else {
                    continue;
                }
            }
            None if answer != calls => {
                ::std::format!("returned {answer}, though compute had run {calls} times")
            }
            None => continue,
        };
        ::std::panic!(
            "the test held a `{how}` guard of `{field}` and called {call}: it returned without a panic and {what}. A \
             busy cell was turned into a quiet shortcut (a `try_borrow` whose failure is skipped or answered with a \
             default), which hides the overlap behind a wrong result \
             (see “Asking first: try_borrow and try_borrow_mut”)\n\
             Use `borrow()` and `borrow_mut()`, each for one short statement: an overlap then panics and points at the bug."
        );
    }
}
