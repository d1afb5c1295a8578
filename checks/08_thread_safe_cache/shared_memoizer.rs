use super::Memoizer;
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// The keys the function ran for, in order, during one `get(9)` on a fresh memoizer: `[9]` is right.
fn keys_run_for_one_miss() -> ::std::vec::Vec<u64> {
    let keys: Arc<Mutex<::std::vec::Vec<u64>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
    let memo = Memoizer::new({
        let keys = Arc::clone(&keys);
        move |n: u64| {
            keys.lock().unwrap_or_else(PoisonError::into_inner).push(n);
            n + 1
        }
    });
    let _ = memo.get(9);
    let run: ::std::vec::Vec<u64> = keys.lock().unwrap_or_else(PoisonError::into_inner).clone();
    run
}

/// How many times one `get` of a new key, on a fresh memoizer, runs the function: once is right.
fn runs_per_miss() -> usize {
    keys_run_for_one_miss().len()
}

/// How many keys `keeps_every_answer` asks for, one after the other: more than a small cache limit.
const MANY_KEYS: u64 = 3_000;
/// How many answers `every_answer_stays_cached` puts in the cache itself before asking for new
/// keys: more than a large cache limit (a million, say).
const LARGE_CACHE: u64 = (1 << 20) + 100;
/// How many new keys it then asks for.
const NEW_KEYS: u64 = 3;

/// Whether a memoizer keeps the answers of `MANY_KEYS` keys asked for one after the other: asked
/// again, none is computed a second time. The tests that count computations first make sure of it.
fn keeps_every_answer() -> bool {
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n + 1
        }
    });
    for round in 0..2 {
        for key in 0..MANY_KEYS {
            if memo.get(key) != key + 1 {
                return false;
            }
        }
        if round == 0 && calls.load(Ordering::SeqCst) != MANY_KEYS as usize {
            return false;
        }
    }
    calls.load(Ordering::SeqCst) == MANY_KEYS as usize
}

/// Puts the answers of `count` keys (from 2^40 on, which the tests never ask for) into the cache
/// itself; how many it then holds. `None` for a type of `known` the exercise does not accept.
fn answers_put_in(known: &dyn Any, count: u64) -> Option<usize> {
    fn put<V>(map: &mut HashMap<u64, V>, count: u64, answer: impl Fn(u64) -> V) -> usize {
        map.reserve(count as usize);
        for key in (1 << 40)..(1 << 40) + count {
            map.insert(key, answer(key));
        }
        map.len()
    }
    let once = |key: u64| Arc::new(OnceLock::from(key + 1));
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|mut map| put(&mut map, count, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().ok().map(|mut map| put(&mut map, count, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|mut map| put(&mut map, count, once))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().ok().map(|mut map| put(&mut map, count, once))
    } else {
        None
    }
}

/// What a test says when `runs_per_miss` or `keeps_every_answer` finds `get` off.
const GET_IS_OFF: &str = "could not begin: on its own, with no other thread around, `get` ran the function more than once \
     for a new key, or forgot answers it had stored (each_miss_runs_the_function_once and every_answer_stays_cached \
     say how)";

/// The keys the function ran for while `Memoizer::new` made a memoizer, before anyone asked for
/// anything: none is right.
fn keys_run_by_new() -> ::std::vec::Vec<u64> {
    let keys: Arc<Mutex<::std::vec::Vec<u64>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
    let _memo = Memoizer::new({
        let keys = Arc::clone(&keys);
        move |n: u64| {
            keys.lock().unwrap_or_else(PoisonError::into_inner).push(n);
            n + 1
        }
    });
    let run: ::std::vec::Vec<u64> = keys.lock().unwrap_or_else(PoisonError::into_inner).clone();
    run
}

/// The keys `run` names, for a message: "key 0", or "keys [0, 1]".
fn named_keys(run: &[u64]) -> ::std::string::String {
    match run {
        [one] => ::std::format!("key {one}"),
        _ => ::std::format!("keys {run:?}"),
    }
}

/// What a test that needs a fresh memoizer (an empty cache, nothing computed, nothing counted)
/// says when `Memoizer::new` already ran the function: `None` when it ran it for no key.
fn new_ran_the_function() -> Option<::std::string::String> {
    let run: ::std::vec::Vec<u64> = keys_run_by_new();
    (!run.is_empty()).then(|| {
        ::std::format!(
            "could not begin: `new` ran the function for {} before anyone asked (the same fault as in \
             each_miss_runs_the_function_once)",
            named_keys(&run)
        )
    })
}

/// A miss runs the function once, and its answer is the one returned and stored.
#[test]
fn each_miss_runs_the_function_once() {
    let ahead: ::std::vec::Vec<u64> = keys_run_by_new();
    ::std::assert!(
        ahead.is_empty(),
        "`Memoizer::new` ran the function for {} before anyone asked for anything: a new memoizer computes nothing. \
         Computing answers ahead of time runs the slow function for keys nobody may ever want, and leaves answers in \
         the cache that `misses` never counted (see “From RefCell to Mutex in a memoizer”)\n\
         Start with an empty cache and a count of 0, `Memoizer {{ func, known: Mutex::new(HashMap::new()), misses: \
         Mutex::new(0) }}`, and call the function only in `get`, on a miss.",
        named_keys(&ahead)
    );
    let keys: ::std::vec::Vec<u64> = keys_run_for_one_miss();
    let stray: Option<u64> = keys.iter().copied().find(|&key| key != 9);
    ::std::assert!(
        stray.is_none(),
        "`get(9)` of a new key ran the function for key {} too (the keys it ran for, in order: {keys:?}), which nobody \
         asked for: a miss computes the key asked for, and only it. Computing keys ahead of time (the next one, say) runs \
         the slow function for answers nobody may ever want, counts computations nobody asked for in `misses`, and fills \
         the cache with them (see “From RefCell to Mutex in a memoizer”)\n\
         On a miss, call the function once, for `key`: `let value = (self.func)(key);`, store that answer, return it.",
        stray.unwrap_or_default()
    );
    let runs: usize = keys.len();
    ::std::assert!(
        runs == 1,
        "`get(9)` of a new key ran the function {runs} times: a miss computes once, and the one answer is both returned \
         and stored (keep it in a variable: `let value = (self.func)(key);`). The function is the slow part the memoizer \
         is there to save (see “From RefCell to Mutex in a memoizer”)"
    );
}

/// Keys from all over the `u64` range, each once, in the order the test below asks for them:
/// neighbours at every power of two (2^53 and 2^53 + 1 among them), keys next to `u64::MAX`, and
/// keys that differ from a few starting keys in one bit only, low or high.
fn keys_across_the_whole_range() -> ::std::vec::Vec<u64> {
    let mut keys: ::std::vec::Vec<u64> = ::std::vec![0, 1, 2, 3, u64::MAX, u64::MAX - 1, u64::MAX - 2, u64::MAX - 3];
    for bit in 1..64 {
        let power: u64 = 1 << bit;
        keys.extend([power - 1, power, power + 1, power + 2]);
    }
    for start in [0, u64::MAX, 0x9E37_79B9_7F4A_7C15, (1 << 53) + 1] {
        keys.push(start);
        keys.extend((0..64).map(|bit| start ^ (1 << bit)));
    }
    let mut seen: ::std::collections::HashSet<u64> = ::std::collections::HashSet::new();
    keys.retain(|&key| seen.insert(key));
    keys
}

/// Distinct keys stay distinct across the whole `u64` range (no two share an answer, however close or large), and every key's answer is kept, 0 and `u64::MAX` included.
#[test]
fn distinct_keys_stay_distinct_and_every_key_is_kept() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let keys: ::std::vec::Vec<u64> = keys_across_the_whole_range();
    // Each key's answer is its own small number, the same for no two keys.
    let answers: Arc<HashMap<u64, u64>> = Arc::new(keys.iter().enumerate().map(|(at, &key)| (key, 1000 + at as u64)).collect());
    let runs: Arc<Mutex<HashMap<u64, usize>>> = Arc::new(Mutex::new(HashMap::new()));
    let memo = Memoizer::new({
        let (answers, runs) = (Arc::clone(&answers), Arc::clone(&runs));
        move |n: u64| {
            *runs.lock().unwrap_or_else(PoisonError::into_inner).entry(n).or_insert(0) += 1;
            answers.get(&n).copied().unwrap_or(0)
        }
    });
    // Every key twice, the second time from the cache, on this one thread with nothing else going on.
    for round in ["the first time", "a second time"] {
        for &key in &keys {
            let got: u64 = memo.get(key);
            let due: u64 = answers[&key];
            if got == due {
                continue;
            }
            let taken_for: Option<u64> = keys.iter().copied().find(|other| answers[other] == got);
            match taken_for {
                Some(other) => ::std::panic!(
                    "`get({key})` ({key:#x}), asked for {round}, answered {got}, the function's answer for the key \
                     {other} ({other:#x}), where its own, {due}, was due: the two keys (they differ in the bits \
                     {:#x}) were taken for one key. The map is keyed by something less than the whole key: the key \
                     went through `f64` (which keeps 53 bits, so keys above 2^53 round onto each other), through a \
                     narrower integer, or had bits dropped. Every `u64` is a key of its own, up to `u64::MAX`: key \
                     the map by the key itself, `HashMap<u64, u64>`, with no conversion on the way in or out.",
                    key ^ other
                ),
                None => ::std::panic!(
                    "`get({key})` ({key:#x}), asked for {round}, answered {got}, where the function's answer {due} was \
                     due: `get` returns what the function answered for that very key, stored under the key as it is."
                ),
            }
        }
    }
    let runs: HashMap<u64, usize> = runs.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let mut again: ::std::vec::Vec<u64> = keys.iter().copied().filter(|key| runs.get(key).copied().unwrap_or(0) > 1).collect();
    // A key run again although its answer is in the cache is a `get` that does not look first.
    let known: &dyn Any = &memo.known;
    let in_the_cache: bool = again.iter().all(|&key| the_cache_holds(known, key) == Some(true));
    if !again.is_empty() && in_the_cache {
        ::std::panic!(
            "{}",
            the_function_ran_for_a_cached_key(&::std::format!(
                "{} keys were each asked for twice, on one thread with nothing else going on; their answers were in the \
                 cache, and the second time `get` ran the function again for {} of them",
                keys.len(),
                again.len()
            ))
        );
    }
    again.retain(|&key| the_cache_holds(known, key) != Some(true));
    let shown: ::std::vec::Vec<u64> = again.iter().copied().take(6).collect();
    ::std::assert!(
        again.is_empty(),
        "{} keys from all over the `u64` range were each asked for twice, on one thread with nothing else going on, \
         and the second time `get` ran the function again for {} of them ({shown:?}{}), while it answered the others \
         from the cache: {} never kept. Storing skipped {} (a key such as 0 or `u64::MAX` taken to mean \"nothing \
         stored\", say), or put the answer under another key than the one looked up. Every `u64` is a key like any \
         other: store each answer under its key, `insert(key, value)`, and look it up the same way \
         (see “From RefCell to Mutex in a memoizer”)",
        keys.len(),
        again.len(),
        if again.len() > shown.len() { ", ..." } else { "" },
        if again.len() == 1 { ::std::format!("the answer for key {} is", again[0]) } else { "their answers are".to_string() },
        if again.len() == 1 { "that key" } else { "those keys" }
    );
}

/// Answers from all over the `u64` range, in the order the test below has them computed: odd
/// answers above 2^53, answers next to `u64::MAX`, and answers that differ from a few starting
/// ones in one bit only, low or high.
fn answers_across_the_whole_range() -> ::std::vec::Vec<u64> {
    let mut values: ::std::vec::Vec<u64> = ::std::vec![
        u64::MAX - 1,
        u64::MAX - 2,
        (1 << 53) + 1,
        (1 << 53) + 3,
        (1 << 63) + 1,
        (1 << 63) - 1,
        (1 << 32) + 1,
        u64::MAX,
    ];
    for bit in 1..64 {
        let power: u64 = 1 << bit;
        values.extend([power - 1, power + 1]);
    }
    for start in [u64::MAX, 0x9E37_79B9_7F4A_7C15] {
        values.extend((0..64).map(|bit| start ^ (1 << bit)));
    }
    values
}

/// A cached answer comes back bit for bit, whatever its size: asked again, `get` returns from the cache exactly what the function answered, for answers across the whole `u64` range.
#[test]
fn a_cached_answer_comes_back_bit_for_bit() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let values: Arc<::std::vec::Vec<u64>> = Arc::new(answers_across_the_whole_range());
    let calls = Arc::new(AtomicUsize::new(0));
    // Key i's answer is the i-th of those values.
    let memo = Memoizer::new({
        let (values, calls) = (Arc::clone(&values), Arc::clone(&calls));
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            values.get(n as usize).copied().unwrap_or(0)
        }
    });
    let count: u64 = values.len() as u64;
    for key in 0..count {
        let got: u64 = memo.get(key);
        let due: u64 = values[key as usize];
        ::std::assert!(
            got == due,
            "`get({key})` of a new key answered {got} ({got:#x}), where the function answered {due} ({due:#x}): `get` \
             returns the function's answer as it is, a `u64`, bit for bit."
        );
    }
    let computed: usize = calls.load(Ordering::SeqCst);
    for key in 0..count {
        let got: u64 = memo.get(key);
        let due: u64 = values[key as usize];
        let from_the_cache: bool = calls.load(Ordering::SeqCst) == computed;
        let how: &str = if got == due as f64 as u64 {
            "it went through `f64`, which keeps 53 bits of a number, so a large answer comes back rounded"
        } else if got == due as u32 as u64 {
            "it was cut to its low 32 bits (kept or read back as a `u32`)"
        } else {
            "it was kept in another form than the `u64` it is"
        };
        ::std::assert!(
            got == due,
            "`get({key})` answered {due} ({due:#x}) the first time, the function's answer; asked again{}, it answered \
             {got} ({got:#x}): the answer changed on its way into or out of the cache: {how}. A cached answer comes \
             back exactly as the function gave it, whatever its size: keep it as a `u64` all the way, \
             `HashMap<u64, u64>`, `insert(key, value)`, and `.copied()` on the way out.",
            if from_the_cache { ", from the cache" } else { "" }
        );
    }
}

/// Every answer stays cached, however many there are: the cache forgets nothing, and an answer of 0 is an answer like any other.
#[test]
fn every_answer_stays_cached() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let kept: bool = keeps_every_answer();
    if !kept {
        // A key not kept even on a memoizer of its own is lost for a reason of its own, not
        // because the cache held many answers.
        let never_kept: Vec<u64> = (0..MANY_KEYS).filter(|&key| !kept_when_asked_alone(key)).take(6).collect();
        ::std::assert!(
            never_kept.is_empty(),
            "the answer for key(s) {never_kept:?} is not kept even when asked for twice on one thread with nothing \
             else going on, in a cache holding nothing else (the same fault as in \
             distinct_keys_stay_distinct_and_every_key_is_kept)"
        );
    }
    ::std::assert!(
        kept,
        "{MANY_KEYS} keys were asked for one after the other, then all again, and the second time `get` computed some of \
         them again (or answered wrongly): the cache forgot answers it had stored, dropping some or clearing itself once \
         it held many. A memoizer keeps every answer: each key is computed once, and `misses` counts only those \
         computations (see “From RefCell to Mutex in a memoizer”)"
    );
    // Then a cache the test fills itself, past a million answers, and a few new keys. A `get` that
    // works on the whole cache takes seconds here; another test reports that, and this one then
    // does not wait for it.
    let large = Arc::new(Memoizer::new(|n: u64| n + 1));
    if let Some(stored) = answers_put_in(&large.known, LARGE_CACHE) {
        let (done, finished) = mpsc::channel::<()>();
        let asker = Arc::clone(&large);
        thread::spawn(move || {
            for key in 0..NEW_KEYS {
                let _ = asker.get(key);
            }
            let _ = done.send(());
        });
        if finished.recv_timeout(Duration::from_secs(2)).is_ok() {
            let held: usize = answers_in_the_cache(&large.known).unwrap_or(0);
            let due: usize = stored + NEW_KEYS as usize;
            let how: &str = if held > due {
                "`get` stored more than the answers it computed (something else kept in the map, under a key nobody asked \
                 for): the cache holds answers, and only those"
            } else {
                "`get` dropped answers to make room (a `clear()` or a `remove` once the cache is large), or stopped storing \
                 new ones. A memoizer keeps every answer, and a large cache is no reason to forget: each key forgotten is \
                 computed again, the slow work the memoizer is there to save"
            };
            ::std::assert!(
                held == due,
                "the cache held {stored} answers; after {NEW_KEYS} new keys were asked for, it held {held}, where {due} were \
                 due: {how} (see “From RefCell to Mutex in a memoizer”)"
            );
        }
    }
    // Keys far apart are different keys: none is taken for another.
    let far: [u64; 5] = [5, 5 + (1 << 32), 5 + (1 << 48), u64::MAX, u64::MAX - (1 << 40)];
    let spread = Memoizer::new(|n: u64| n ^ 0x5555);
    let answers: ::std::vec::Vec<u64> = far.iter().map(|&key| spread.get(key)).collect();
    let due: ::std::vec::Vec<u64> = far.iter().map(|&key| key ^ 0x5555).collect();
    ::std::assert!(
        answers == due,
        "for the keys {far:?}, `get` answered {answers:?}, where the function's answers {due:?} were due: keys that share \
         some of their bits were taken for one another (the map keyed by part of the key, say). Every `u64` is a key of \
         its own: key the map by the whole key."
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |_n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            0
        }
    });
    let answers: [u64; 2] = [memo.get(3), memo.get(3)];
    let ran: usize = calls.load(Ordering::SeqCst);
    ::std::assert!(
        answers == [0, 0] && ran == 1,
        "the function answers 0 for every key; asked for key 3 twice, `get` answered {answers:?} and ran the function \
         {ran} times, where once was due: an answer of 0 was taken for \"not cached\". A missing key and a stored 0 are \
         different things: the map's `get(&key)` answers `None` for the one and `Some(&0)` for the other."
    );
}

/// Each key is computed once; asking again answers from the cache.
#[test]
fn each_key_is_computed_once() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Memoizer::new(|n: u64| n * 3);
    let four: u64 = memo.get(4);
    let four_again: u64 = memo.get(4);
    let seven: u64 = memo.get(7);
    let misses: u64 = memo.misses();
    ::std::assert_eq!(four, 12, "get(4) should return func(4) = 12");
    ::std::assert_eq!(four_again, 12, "asking for 4 again should return the cached 12");
    ::std::assert_eq!(seven, 21, "get(7) should return func(7) = 21");
    ::std::assert_eq!(misses, 2, "two different keys were asked for, so func should have run exactly twice");
}

/// One memoizer shared through an `Arc`: keys cached before are not computed again by other threads.
#[test]
fn cached_keys_are_not_recomputed_by_other_threads() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Arc::new(Memoizer::new(|n: u64| n * n));
    for n in 1..=5 {
        memo.get(n);
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let memo = Arc::clone(&memo);
            thread::spawn(move || (1..=5).map(|n| memo.get(n)).collect::<Vec<u64>>())
        })
        .collect();
    for worker in workers {
        let got: Vec<u64> = worker.join().unwrap();
        let expected_got: Vec<u64> = ::std::vec![1, 4, 9, 16, 25];
        ::std::assert_eq!(got, expected_got, "every thread should get the squares of 1..=5");
    }
    let misses: u64 = memo.misses();
    ::std::assert_eq!(
        misses,
        5,
        "keys 1..=5 were cached before the threads started, so the threads must not compute anything again"
    );
}

/// Threads holding a plain `&Memoizer` share their results.
#[test]
fn threads_share_results_through_a_plain_reference() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Memoizer::new(|n: u64| n + 100);
    let results: Vec<u64> = thread::scope(|s| {
        let handles: Vec<_> = (0..4u64)
            .map(|i| {
                let memo = &memo;
                s.spawn(move || memo.get(i))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let misses: u64 = memo.misses();
    let misses_again: u64 = memo.misses();
    ::std::assert!(
        misses_again == misses,
        "`misses()` answered {misses}, then {misses_again} when asked again with nothing computed in between: reading \
         the count changed it (a `swap(0)`, `take` or `replace` that resets it)\n\
         `misses()` only reads: `load` the count (or copy it out under the lock) and leave it as it is."
    );
    let two: u64 = memo.get(2);
    let misses_after: u64 = memo.misses();
    let expected_results: Vec<u64> = ::std::vec![100, 101, 102, 103];
    ::std::assert_eq!(results, expected_results, "each thread should get func(i) = i + 100");
    ::std::assert_eq!(misses, 4, "four different keys should mean four computations");
    ::std::assert_eq!(two, 102, "a key computed by another thread should now come from the cache");
    ::std::assert_eq!(misses_after, 4, "reading a cached key must not count as a computation");
}

/// No lock is held while the slow function runs: two computations for different keys overlap.
#[test]
fn no_lock_is_held_while_the_function_runs() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // Keys 10 and 20 are asked for on two threads. Each computation announces itself and then
    // waits (at most 2 s) for the other one to start too. That only works if `get` leaves the
    // cache unlocked while the function runs; otherwise the second thread is stuck in `get`.
    let arrivals = Arc::new((Mutex::new(0u32), Condvar::new()));
    let lonely = Arc::new(AtomicBool::new(false));
    let func = {
        let arrivals = Arc::clone(&arrivals);
        let lonely = Arc::clone(&lonely);
        move |key: u64| {
            let (count, started) = &*arrivals;
            let mut count = count.lock().unwrap();
            *count += 1;
            started.notify_all();
            let (_count, wait) = started.wait_timeout_while(count, Duration::from_secs(2), |n| *n < 2).unwrap();
            if wait.timed_out() {
                lonely.store(true, Ordering::SeqCst);
            }
            key * 2
        }
    };
    let memo = Arc::new(Memoizer::new(func));
    let workers: Vec<_> = [10u64, 20]
        .into_iter()
        .map(|key| {
            let memo = Arc::clone(&memo);
            thread::spawn(move || memo.get(key))
        })
        .collect();
    let results: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let waited_alone: bool = lonely.load(Ordering::SeqCst);
    ::std::assert!(
        !waited_alone,
        "two computations for different keys could not run at once: `get` holds a lock while calling the function \
         (see “Computing outside the lock”)\n\
         One of them waited 2 s for the other to start. Look up under a short lock, compute with no lock held, \
         then lock again just to store."
    );
    let expected_results: Vec<u64> = ::std::vec![20, 40];
    ::std::assert_eq!(results, expected_results, "the results should be func(10) = 20 and func(20) = 40");
}

/// Whether `misses()` reports the `misses` field: adds 1 to the field itself (an `AtomicU64` or a
/// `Mutex<u64>`), looks whether `misses()` grew by 1, and takes the 1 back. `None` for another type.
fn misses_follows_its_field(field: &dyn Any, misses: impl Fn() -> u64) -> Option<bool> {
    let before: u64 = misses();
    if let Some(count) = field.downcast_ref::<AtomicU64>() {
        count.fetch_add(1, Ordering::SeqCst);
        let after: u64 = misses();
        count.fetch_sub(1, Ordering::SeqCst);
        Some(after == before + 1)
    } else if let Some(count) = field.downcast_ref::<Mutex<u64>>() {
        *count.lock().unwrap() += 1;
        let after: u64 = misses();
        *count.lock().unwrap() -= 1;
        Some(after == before + 1)
    } else {
        None
    }
}

/// How many answers the cache holds, for each type of `known` the exercise accepts.
fn answers_in_the_cache(known: &dyn Any) -> Option<usize> {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|cache| cache.len())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.read().ok().map(|cache| cache.len())
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|cache| cache.len())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.read().ok().map(|cache| cache.len())
    } else {
        None
    }
}

/// The explanation for a `misses()` that does not report the `misses` field (`misses` is what it
/// said, `entries` how many answers the cache holds).
fn misses_is_not_the_count(misses: u64, entries: Option<usize>) -> ::std::string::String {
    let what: &str = if entries == Some(misses as usize) {
        "it returns the number of answers in the cache"
    } else {
        "it does not return the count kept in the field"
    };
    ::std::format!(
        "When the test added 1 to the `misses` field itself, `misses()` did not change: {what} \
         (see “Computing outside the lock”)\n\
         `misses` counts the function's calls, not the cache's entries. With no lock held while the function \
         runs, two threads that miss the same key at the same moment both compute it: two calls, one entry. \
         Add 1 to the `misses` field in the step that calls the function, and have `misses()` return that \
         count."
    )
}

/// Whether `get` skips counting a computation when the count's lock is busy: the test holds the
/// `misses` lock (a `Mutex<u64>`) while another thread calls `get(7)` of a new key, lets go once
/// that `get` has returned (or after 300 ms if it waits, as it should), and then reads the count.
/// `Some(true)` if the function ran, `get` returned while the lock was held, and the count is still 0;
/// `None` for a count that is no `Mutex<u64>`, or when the test could not tell.
fn count_skipped_while_busy() -> Option<bool> {
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n + 1
        }
    });
    let field: &dyn Any = &memo.misses;
    let count: &Mutex<u64> = field.downcast_ref::<Mutex<u64>>()?;
    let held = count.lock().ok()?;
    let returned_while_held: bool = thread::scope(|scope| {
        let (done, finished) = mpsc::channel::<u64>();
        let memo = &memo;
        scope.spawn(move || {
            let _ = done.send(memo.get(7));
        });
        let early: bool = finished.recv_timeout(Duration::from_millis(300)).is_ok();
        drop(held);
        // The `get` that waited for the lock goes on now; the scope waits for it.
        early
    });
    let misses: u64 = memo.misses();
    let ran: usize = calls.load(Ordering::SeqCst);
    Some(returned_while_held && ran == 1 && misses == 0)
}

/// Threads missing at the same moment are all counted: `misses` loses no computation.
#[test]
fn misses_counted_at_the_same_moment_are_all_kept() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // Four threads ask for keys nobody asked for before (each its own keys), so every call is a
    // miss, for 3 s. A count split into two steps (read, then write back plus one) is caught in its
    // gap many times over, whether the threads run side by side or take turns on a busy machine.
    const THREADS: u64 = 4;
    let memo = Memoizer::new(|n: u64| n + 1);
    let start = Barrier::new(THREADS as usize + 1);
    let until = Instant::now() + Duration::from_secs(3);
    // Meanwhile one more thread adds 1 to the count itself, as fast as it can, in one step each
    // time (when the count is an `AtomicU64` or a `Mutex<u64>`): whenever a `get` is caught
    // between reading and writing back the count, these additions are wiped out too.
    let field: &dyn Any = &memo.misses;
    let atomic: Option<&AtomicU64> = field.downcast_ref::<AtomicU64>();
    let locked: Option<&Mutex<u64>> = field.downcast_ref::<Mutex<u64>>();
    let added = AtomicU64::new(0);
    let asked: Vec<u64> = thread::scope(|scope| {
        scope.spawn(|| {
            start.wait();
            while Instant::now() < until {
                for _ in 0..256 {
                    if let Some(count) = atomic {
                        count.fetch_add(1, Ordering::SeqCst);
                    } else if let Some(count) = locked {
                        *count.lock().unwrap() += 1;
                    } else {
                        return;
                    }
                    added.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let handles: Vec<thread::ScopedJoinHandle<'_, u64>> = (0..THREADS)
            .map(|which| {
                let (memo, start) = (&memo, &start);
                scope.spawn(move || {
                    start.wait();
                    let mut asked: u64 = 0;
                    while asked & 0xff != 0 || Instant::now() < until {
                        memo.get(asked * THREADS + which);
                        asked += 1;
                    }
                    asked
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let computed: u64 = asked.iter().sum();
    let by_the_test: u64 = added.load(Ordering::SeqCst);
    let expected: u64 = computed + by_the_test;
    let misses: u64 = memo.misses();
    if misses != expected && misses_follows_its_field(&memo.misses, || memo.misses()) == Some(false) {
        ::std::panic!(
            "`misses()` says {misses}, where {THREADS} threads computed {computed} new keys and the test counted \
             {by_the_test} more in the field. {}",
            misses_is_not_the_count(misses, answers_in_the_cache(&memo.known))
        );
    }
    let counted_more: bool = misses > expected;
    ::std::assert!(
        !counted_more,
        "`misses()` says {misses}, more than the {expected} counted: {THREADS} threads computed {computed} new keys, \
         each asked for once, and meanwhile a thread of the test added 1 to the `misses` field itself {by_the_test} \
         times: `get` counted more than one computation for some of those keys (the function ran for keys nobody asked \
         for, or a computation that did not happen was counted: each_miss_runs_the_function_once and \
         misses_never_counts_a_computation_that_does_not_happen say more)"
    );
    let skipped_while_busy: bool = misses < expected && count_skipped_while_busy() == Some(true);
    ::std::assert!(
        !skipped_while_busy,
        "`misses()` says {misses}, but {expected} were counted: {THREADS} threads computed {computed} new keys, \
         and meanwhile a thread of the test added 1 to the `misses` field itself {by_the_test} times, to \
         count alongside them (see “Atomic counters”)\n\
         Computations were left uncounted whenever the count's lock was busy: while the test held that lock, `get(7)` \
         of a new key ran the function and returned without counting it (a `try_lock` on the count that gives up when \
         the lock is busy, say). A busy count is only another thread counting at that moment, never a reason to skip: \
         wait your turn with `*self.misses.lock().unwrap() += 1`, or use `fetch_add` on an `AtomicU64`."
    );
    ::std::assert!(
        misses == expected,
        "`misses()` says {misses}, but {expected} were counted: {THREADS} threads computed {computed} new keys, \
         and meanwhile a thread of the test added 1 to the `misses` field itself {by_the_test} times, to \
         count alongside them (see “Atomic counters”)\n\
         Counts were lost. A count made in two steps, a `load` then a `store`, or the count read under one lock \
         and written back under a second, loses what other threads count at the same moment: both read the same \
         number and both write it back plus one. Use `fetch_add`, or add to the count under one guard: \
         `*self.misses.lock().unwrap() += 1`."
    );
}

/// A computation may ask the memoizer for another key, as a recursive one does: no lock is held while it runs, so it never waits for itself.
#[test]
fn a_computation_may_ask_the_memoizer_again() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    type Func = Box<dyn Fn(u64) -> u64 + Send + Sync>;
    let me: Arc<::std::sync::OnceLock<Arc<Memoizer<Func>>>> = Arc::new(::std::sync::OnceLock::new());
    let inner = Arc::clone(&me);
    // n! computed through the memoizer itself: asking for 5 asks for 4, which asks for 3, ...
    let func: Func = Box::new(move |n| if n == 0 { 1 } else { n * inner.get().map_or(0, |m| m.get(n - 1)) });
    let memo = Arc::new(Memoizer::new(func));
    let _ = me.set(Arc::clone(&memo));
    let (answer, answered) = ::std::sync::mpsc::channel::<u64>();
    thread::spawn(move || {
        let _ = answer.send(memo.get(5));
    });
    match answered.recv_timeout(Duration::from_secs(2)) {
        Ok(got) => {
            let got: u64 = got;
            ::std::assert_eq!(got, 120, "5! computed through the memoizer should be 120");
        }
        Err(_) => ::std::panic!(
            "a computation that asks the memoizer for another key never finished (see “Computing outside the lock”)\n\
             `get` still held a lock while the function ran (a guard of the cache, a read guard, or a lock of its \
             own taken around the call), and the inner `get` then waited for that guard: end every guard before \
             calling the function, and take no lock around it. A guard in a `let` lives to the end of its block, \
             and one in the scrutinee of a `match` through all its arms."
        ),
    }
}

/// How many threads the two tests below start at once.
const AT_ONCE: usize = 8;

/// A meeting point inside the function: each computation waits there until all `AT_ONCE` have
/// arrived, so that all of them run at the same time. If one waits 3 s in vain (the others are
/// kept out, by a lock held while computing or by waiting for its answer), nobody waits any more.
struct AllComputingAtOnce {
    arrived: Mutex<usize>,
    all_here: Condvar,
    gave_up: AtomicBool,
    ran: AtomicUsize,
}

impl AllComputingAtOnce {
    fn new() -> AllComputingAtOnce {
        AllComputingAtOnce {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            gave_up: AtomicBool::new(false),
            ran: AtomicUsize::new(0),
        }
    }

    fn arrive(&self) {
        self.ran.fetch_add(1, Ordering::SeqCst);
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_here.notify_all();
        let (_arrived, wait) = self
            .all_here
            .wait_timeout_while(arrived, Duration::from_secs(3), |n| {
                *n < AT_ONCE && !self.gave_up.load(Ordering::SeqCst)
            })
            .unwrap();
        if wait.timed_out() {
            self.gave_up.store(true, Ordering::SeqCst);
            self.all_here.notify_all();
        }
    }
}

/// Answers computed by eight threads at the same moment all stay cached: asking again computes nothing.
#[test]
fn answers_computed_at_the_same_moment_all_stay_cached() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let meeting = Arc::new(AllComputingAtOnce::new());
    let memo = Memoizer::new({
        let meeting = Arc::clone(&meeting);
        move |n: u64| {
            meeting.arrive();
            n * 10
        }
    });
    let start = Barrier::new(AT_ONCE);
    thread::scope(|scope| {
        for key in 0..AT_ONCE as u64 {
            let (memo, start) = (&memo, &start);
            scope.spawn(move || {
                start.wait(); // the eight keys are asked for together, each on its own thread
                memo.get(key)
            });
        }
    });
    let first_round: usize = meeting.ran.load(Ordering::SeqCst);
    let known: &dyn Any = &memo.known;
    let all_held: bool = (0..AT_ONCE as u64).all(|key| the_cache_holds(known, key) == Some(true));
    let again: Vec<u64> = (0..AT_ONCE as u64).map(|key| memo.get(key)).collect();
    let expected: Vec<u64> = (0..AT_ONCE as u64).map(|key| key * 10).collect();
    ::std::assert_eq!(again, expected, "asked again, each key should give func(key) = key * 10");
    let recomputed: usize = meeting.ran.load(Ordering::SeqCst) - first_round;
    if recomputed > 0 && all_held {
        ::std::panic!(
            "{}",
            the_function_ran_for_a_cached_key(&::std::format!(
                "8 keys were computed at the same moment on 8 threads and all 8 answers were in the cache; asked \
                 for again afterwards, {recomputed} of them were computed a second time"
            ))
        );
    }
    if recomputed == 0 {
        return;
    }
    // A key that is not kept even with no other thread around is lost for a reason of its own, not
    // because the threads computed at the same moment.
    let missing: Vec<u64> = (0..AT_ONCE as u64).filter(|&key| the_cache_holds(known, key) == Some(false)).collect();
    let never_kept: Vec<u64> = missing.iter().copied().filter(|&key| !kept_when_asked_alone(key)).collect();
    ::std::assert!(
        never_kept.is_empty(),
        "could not begin: the answer for key(s) {never_kept:?} is not kept even when asked for twice on one thread \
         with nothing else going on (the same fault as in distinct_keys_stay_distinct_and_every_key_is_kept)"
    );
    ::std::assert!(
        recomputed == 0,
        "8 keys were computed at the same moment on 8 threads; asked for again afterwards, {recomputed} of \
         them were computed a second time, and key(s) {missing:?} were missing from the cache, though each key \
         asked for alone is kept (see “Computing outside the lock”)\n\
         Answers that other threads stored meanwhile were lost: most likely `get` wrote back a copy of the \
         whole map, taken before it computed, over the shared one. After computing, lock the shared map \
         again and `insert` just the one new answer into it."
    );
}

/// Whether a fresh memoizer, asked for `key` twice on this one thread, runs the function only once.
fn kept_when_asked_alone(key: u64) -> bool {
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n * 10
        }
    });
    let _ = memo.get(key);
    let _ = memo.get(key);
    calls.load(Ordering::SeqCst) == 1
}

/// Turns the test hands out one at a time: a computation that has taken one may end.
struct Turns {
    given: Mutex<usize>,
    changed: Condvar,
}

impl Turns {
    fn new() -> Turns {
        Turns { given: Mutex::new(0), changed: Condvar::new() }
    }

    fn give(&self, how_many: usize) {
        *self.given.lock().unwrap() += how_many;
        self.changed.notify_all();
    }

    /// Waits for a turn, at most `within`, and takes it if one came.
    fn take(&self, within: Duration) {
        let given = self.given.lock().unwrap();
        let (mut given, _) = self.changed.wait_timeout_while(given, within, |given| *given == 0).unwrap();
        *given = given.saturating_sub(1);
    }
}

/// Adds `amount` to the `misses` field itself, in one step (an `AtomicU64`, or a `Mutex<u64>`
/// nobody holds right now): says whether it could. Never waits for a lock.
fn add_to_the_misses_field(field: &dyn Any, amount: u64) -> bool {
    if let Some(count) = field.downcast_ref::<AtomicU64>() {
        count.fetch_add(amount, Ordering::SeqCst);
        true
    } else if let Some(count) = field.downcast_ref::<Mutex<u64>>() {
        count.try_lock().map(|mut count| *count += amount).is_ok()
    } else {
        false
    }
}

/// What the test adds to the `misses` field itself while the computations below run.
const COUNTED_BY_THE_TEST: u64 = 1000;

/// Eight threads missing the same key at the same moment may each compute it, and `misses` counts every computation.
#[test]
fn every_computation_is_counted_even_of_the_same_key() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let usual: bool = runs_per_miss() == 1 && keeps_every_answer();
    ::std::assert!(usual, "{GET_IS_OFF}");
    // Eight threads ask for key 41 together and meet inside the function, so that all eight
    // compute it at once. While they are all there, the test reads the `misses` field and adds
    // 1000 to it itself, as another counting thread would; then it lets the computations end one
    // at a time, each `get` returning before the next computation ends.
    let meeting = Arc::new(AllComputingAtOnce::new());
    let turns = Arc::new(Turns::new());
    let memo = Memoizer::new({
        let (meeting, turns) = (Arc::clone(&meeting), Arc::clone(&turns));
        move |n: u64| {
            meeting.arrive();
            turns.take(Duration::from_secs(3));
            n + 1
        }
    });
    let start = Barrier::new(AT_ONCE);
    let (answer, answered) = mpsc::channel::<u64>();
    let (during, added, answers): (Option<u64>, u64, Vec<u64>) = thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            let (memo, start, answer) = (&memo, &start, answer.clone());
            scope.spawn(move || {
                start.wait(); // eight threads ask for key 41 together
                let _ = answer.send(memo.get(41));
            });
        }
        drop(answer);
        {
            // Until all eight compute at once (or the meeting gave up: a lock keeps them apart).
            let arrived = meeting.arrived.lock().unwrap();
            let _ = meeting
                .all_here
                .wait_timeout_while(arrived, Duration::from_secs(4), |n| {
                    *n < AT_ONCE && !meeting.gave_up.load(Ordering::SeqCst)
                })
                .unwrap();
        }
        let field: &dyn Any = &memo.misses;
        let during: Option<u64> =
            if let Some(count) = field.downcast_ref::<Mutex<u64>>() { count.try_lock().ok().map(|count| *count) } else { misses_in_the_field(field) };
        let added: u64 = if add_to_the_misses_field(field, COUNTED_BY_THE_TEST) { COUNTED_BY_THE_TEST } else { 0 };
        let mut answers: Vec<u64> = ::std::vec::Vec::new();
        for _ in 0..AT_ONCE {
            turns.give(1);
            match answered.recv_timeout(Duration::from_secs(4)) {
                Ok(got) => answers.push(got),
                Err(_) => break,
            }
        }
        turns.give(AT_ONCE);
        answers.extend(answered.iter());
        (during, added, answers)
    });
    let right: bool = answers.len() == AT_ONCE && answers.iter().all(|&answer| answer == 42);
    ::std::assert!(right, "every thread asking for 41 should get func(41) = 42");
    let ran: u64 = meeting.ran.load(Ordering::SeqCst) as u64;
    let misses: u64 = memo.misses();
    if misses != ran + added && misses_follows_its_field(&memo.misses, || memo.misses()) == Some(false) {
        ::std::panic!(
            "8 threads asked for key 41 at the same moment and the function ran {ran} times; the test also added \
             {added} to the `misses` field itself meanwhile, but `misses()` says {misses}. {}",
            misses_is_not_the_count(misses, answers_in_the_cache(&memo.known))
        );
    }
    let overwritten: bool = misses < added;
    ::std::assert!(
        !overwritten,
        "8 threads asked for key 41 at the same moment and the function ran {ran} times; while they were all \
         computing, the test added {added} to the `misses` field itself, as another thread counting would, but \
         afterwards `misses()` says {misses}: the count was written over, not added to (see “Atomic counters”)\n\
         `get` read the count before computing and, after computing, wrote back what it had read plus one, under \
         a second lock: everything counted in between, by the other threads or anyone else, is lost. Add 1 to \
         the count in one step, in the step that calls the function: `fetch_add` on an `AtomicU64`, or \
         `*self.misses.lock().unwrap() += 1` under one guard."
    );
    let counted: u64 = misses - added;
    let lost_at_once: bool = counted < ran && counted > 0 && during == Some(counted);
    ::std::assert!(
        !lost_at_once,
        "8 threads asked for key 41 at the same moment and the function ran {ran} times, and all of them had \
         counted before computing, but `misses()` says {counted} (besides the {added} the test added) \
         (see “Atomic counters”)\n\
         Counts were lost: threads counting at the same moment in two steps, a `load` then a `store` (or a read \
         under one lock and a write under a second), all read the same number and all write back that number \
         plus one. Use `fetch_add`, or add to the count under one guard: `*self.misses.lock().unwrap() += 1`."
    );
    ::std::assert!(
        counted <= ran,
        "8 threads asked for key 41 at the same moment and the function ran {ran} times, but `misses()` \
         says {counted} (besides the {added} the test added to the field itself) (see “Computing outside the lock”)\n\
         `misses` counts computations, only those that happen: a thread that finds the key not ready yet and then \
         waits for another thread's computation (a `OnceLock` that another thread is filling, say) computes \
         nothing and is no miss. Count inside the step that calls the function, e.g. in the closure given to \
         `get_or_init`, not when a key is merely found missing."
    );
    ::std::assert!(
        counted == ran,
        "8 threads asked for key 41 at the same moment and the function ran {ran} times, but `misses()` \
         says {counted} (besides the {added} the test added to the field itself) (see “Computing outside the lock”)\n\
         `misses` counts computations: every time `get` calls the function, including when another thread \
         is computing the same key at that moment (the price of computing with no lock held). Count in the \
         step that calls the function, not when the answer is stored, and not only for a key that was new."
    );
}

/// The cache is a `Mutex` (or an `RwLock`) around a `HashMap` holding each key's answer, or one
/// `Arc<OnceLock<u64>>` per key when each key must be computed once.
#[test]
fn the_cache_holds_answers_or_one_oncelock_per_key() {
    let memo = Memoizer::new(|n: u64| n + 1);
    let field: &dyn Any = &memo.known;
    let answers: bool = field.is::<Mutex<HashMap<u64, u64>>>() || field.is::<RwLock<HashMap<u64, u64>>>();
    let once_per_key: bool =
        field.is::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() || field.is::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>();
    ::std::assert!(
        answers || once_per_key,
        "the `known` field should be the cache, ported the lesson's way: a `Mutex<HashMap<u64, u64>>` (or an \
         `RwLock`) of answers, as in “From RefCell to Mutex in a memoizer”; or, to compute each key only once, \
         a `Mutex<HashMap<u64, Arc<OnceLock<u64>>>>` with one `OnceLock` per key, as in “Computing outside the lock”\n\
         A value in the map that marks a key as being computed makes the other threads asking for it check \
         again and again, busy, where `get_or_init` on the key's `OnceLock` makes them wait asleep."
    );
}

/// The `misses` count is a `u64`, as the exercise names it: an `AtomicU64` or a `Mutex<u64>`.
#[test]
fn the_count_is_a_u64() {
    let memo = Memoizer::new(|n: u64| n + 1);
    let field: &dyn Any = &memo.misses;
    let named: bool = field.is::<AtomicU64>() || field.is::<Mutex<u64>>();
    let narrow: bool = field.is::<::std::sync::atomic::AtomicU32>()
        || field.is::<::std::sync::atomic::AtomicU16>()
        || field.is::<::std::sync::atomic::AtomicU8>()
        || field.is::<Mutex<u32>>()
        || field.is::<Mutex<u16>>()
        || field.is::<Mutex<u8>>()
        || field.is::<RwLock<u32>>();
    ::std::assert!(
        !narrow,
        "the `misses` field counts in fewer than 64 bits: `misses()` returns a `u64`, and a 32-bit counter wraps \
         back to 0 after 4,294,967,295 computations, with no error (see “Atomic counters”)\n\
         Count in the type the count is: an `AtomicU64` (`fetch_add(1, ...)`) or a `Mutex<u64>`; widening with \
         `as u64` in `misses()` does not bring back what the narrow counter lost."
    );
    ::std::assert!(
        named,
        "the `misses` field should be an `AtomicU64` or a `Mutex<u64>`, as the exercise says: a `u64` count \
         that threads can add to (see “From RefCell to Mutex in a memoizer” and “Atomic counters”)\n\
         The tests add to that field themselves, as another counting thread would, to see that no count is lost."
    );
}

/// `Memoizer` holds its function, its cache and its count, and nothing beside them: threads that
/// find a key being computed compute it too, or wait on that key's `OnceLock`.
#[test]
fn the_memoizer_holds_nothing_but_its_function_cache_and_count() {
    /// The room the two fields take together, whatever their types.
    fn room_of<K, M>(_known: &K, _misses: &M) -> usize {
        ::std::mem::size_of::<(K, M)>()
    }
    let memo = Memoizer::new(|n: u64| n + 1);
    let size: usize = ::std::mem::size_of_val(&memo);
    // The function above takes no room: `known` and `misses` are all there is.
    let fields: usize = room_of(&memo.known, &memo.misses);
    ::std::assert!(
        size == fields,
        "`Memoizer` holds more than `func`, `known` and `misses` ({size} bytes, where `known` and \
         `misses` take {fields}): a field beside them, such as a set of the keys being computed right now \
         (see “Computing outside the lock”)\n\
         With such a set, a thread asking for a key that another one is computing has to wait for it by hand: \
         checking the set again and again keeps a core busy and takes the cache's locks over and over, and a \
         `Condvar` beside it is a second protocol to keep right (every path that ends a computation, panics \
         included, has to wake the waiters). \
         Either let it compute the key too (a little duplicate work is fine for a pure function), or keep one \
         `Arc<OnceLock<u64>>` per key in `known`: lock the map just to fetch the key's `OnceLock`, then \
         `get_or_init` runs one computation and makes the other threads wait for it, asleep."
    );
}

/// Runs `while_held` while this thread holds the cache's lock (`lock()` on a `Mutex`, `write()` on
/// an `RwLock`), for each type of `known` the exercise accepts; returns false, running nothing, for
/// any other type (`the_cache_holds_answers_or_one_oncelock_per_key` says why).
fn with_the_cache_locked(known: &dyn Any, while_held: impl FnOnce()) -> bool {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        let _guard = cache.lock();
        while_held();
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        let _guard = cache.write();
        while_held();
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        let _guard = cache.lock();
        while_held();
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        let _guard = cache.write();
        while_held();
    } else {
        return false;
    }
    true
}

/// A flag one thread raises and another waits for, asleep.
struct Signal {
    raised: Mutex<bool>,
    changed: Condvar,
}

impl Signal {
    fn new() -> Signal {
        Signal { raised: Mutex::new(false), changed: Condvar::new() }
    }

    fn raise(&self) {
        *self.raised.lock().unwrap() = true;
        self.changed.notify_all();
    }

    /// Waits until the flag is raised, at most `within`; says whether it was.
    fn wait(&self, within: Duration) -> bool {
        let raised = self.raised.lock().unwrap();
        let (raised, _) = self.changed.wait_timeout_while(raised, within, |raised| !*raised).unwrap();
        *raised
    }
}

/// How long the two tests below keep the cache locked once `get` is under way: far longer than
/// `get` takes to reach the lock, so a `get` that does not wait for it shows.
const KEEP_THE_CACHE_BUSY: Duration = Duration::from_millis(200);

/// A key already cached is answered from the cache even while another thread holds the cache's
/// lock: `get` waits its turn to look rather than computing the key again.
#[test]
fn a_cached_key_is_not_recomputed_while_the_cache_is_busy() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n * 7
        }
    });
    let first: u64 = memo.get(5);
    ::std::assert_eq!(first, 35, "get(5) should return func(5) = 35");
    let idle: u64 = memo.get(5);
    ::std::assert_eq!(idle, 35, "get(5) asked again should return the cached 35");
    let ran_idle: usize = calls.load(Ordering::SeqCst);
    if ran_idle != 1 {
        ::std::panic!(
            "{}",
            the_function_ran_for_a_cached_key(&::std::format!(
                "key 5 was computed once and cached; asked for again, with no other thread around, `get` ran \
                 the function again ({ran_idle} calls in all)"
            ))
        );
    }
    let (answer, answered) = mpsc::channel::<u64>();
    let asking = Signal::new();
    let mut returned_while_busy: bool = false;
    let known: &dyn Any = &memo.known;
    let locked: bool = thread::scope(|scope| {
        with_the_cache_locked(known, || {
            // The test holds the cache's lock; another thread asks for the cached key meanwhile.
            let (memo, asking) = (&memo, &asking);
            scope.spawn(move || {
                asking.raise();
                let _ = answer.send(memo.get(5));
            });
            asking.wait(Duration::from_secs(2));
            returned_while_busy = answered.recv_timeout(KEEP_THE_CACHE_BUSY).is_ok();
        })
    });
    if !locked {
        return;
    }
    let again: u64 = if returned_while_busy { 35 } else { answered.recv_timeout(Duration::from_secs(2)).unwrap_or(0) };
    ::std::assert_eq!(again, 35, "get(5) asked again should return the cached 35");
    let ran: usize = calls.load(Ordering::SeqCst);
    ::std::assert!(
        ran == 1,
        "key 5 was already cached; asked for again while another thread held the cache's lock for a moment, \
         `get` ran the function again ({ran} calls in all) instead of waiting to look \
         (see “Computing outside the lock”)\n\
         A busy lock does not mean the key is missing: `try_lock()` failing says only that another thread is \
         using the map at that moment. Look the key up with `lock()` (or `read()`): the wait lasts one short \
         statement of the other thread, where computing again costs a whole call of the slow function. \
         `try_lock` is for when there is something else worth doing instead (“Trying without waiting”)."
    );
}

/// An answer computed while another thread holds the cache's lock is still stored: `get` waits
/// its turn to insert it, and asking again computes nothing.
#[test]
fn an_answer_computed_while_the_cache_is_busy_is_still_stored() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let calls = Arc::new(AtomicUsize::new(0));
    // The function tells the test it has computed, and returns once the test holds the cache's lock.
    let computed = Arc::new(Signal::new());
    let held = Arc::new(Signal::new());
    let memo = Memoizer::new({
        let (calls, computed, held) = (Arc::clone(&calls), Arc::clone(&computed), Arc::clone(&held));
        move |n: u64| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                computed.raise();
                // (A `get` that holds the cache's lock while computing keeps the test out: then go on.)
                held.wait(Duration::from_millis(500));
            }
            n * 7
        }
    });
    let (answer, answered) = mpsc::channel::<u64>();
    let known: &dyn Any = &memo.known;
    let mut returned_while_busy: bool = false;
    let locked: bool = thread::scope(|scope| {
        let memo = &memo;
        scope.spawn(move || {
            let _ = answer.send(memo.get(6));
        });
        if !computed.wait(Duration::from_secs(2)) {
            return true;
        }
        with_the_cache_locked(known, || {
            held.raise();
            returned_while_busy = answered.recv_timeout(KEEP_THE_CACHE_BUSY).is_ok();
        })
    });
    if !locked {
        return;
    }
    let first: u64 = if returned_while_busy { 42 } else { answered.recv_timeout(Duration::from_secs(2)).unwrap_or(0) };
    ::std::assert_eq!(first, 42, "get(6) should return func(6) = 42");
    let held_6: Option<bool> = the_cache_holds(known, 6);
    let again: u64 = memo.get(6);
    ::std::assert_eq!(again, 42, "get(6) asked again should return the cached 42");
    let ran: usize = calls.load(Ordering::SeqCst);
    if ran != 1 && held_6 == Some(true) {
        ::std::panic!(
            "{}",
            the_function_ran_for_a_cached_key(&::std::format!(
                "the answer for key 6 was in the cache; asked for 6 again, `get` ran the function again ({ran} \
                 calls in all)"
            ))
        );
    }
    ::std::assert!(
        ran == 1,
        "get(6) computed its answer while another thread held the cache's lock for a moment{}; asked for 6 \
         again afterwards, it ran the function again ({ran} calls in all): the first answer was never stored \
         (see “Computing outside the lock”)\n\
         After computing, `get` must store the answer whatever else is going on: giving up the insert when \
         `try_lock()` finds the map busy throws the work away, and the next `get` pays for it again. Insert \
         under `lock()` (or `write()`): the wait lasts one short statement of the other thread.",
        if returned_while_busy { ", and returned without waiting for it" } else { "" }
    );
}

/// Fills the cache, through its lock, with answers for keys no test asks for, until it holds as
/// many as it has room for (at least `at_least`): the next answer stored makes the map grow, which
/// moves every entry and takes a while. Gives how many answers it then holds; `None` for a type of
/// `known` the exercise does not accept.
fn fill_the_cache_to_the_brim(known: &dyn Any, at_least: usize) -> Option<usize> {
    fn fill<V>(map: &mut HashMap<u64, V>, at_least: usize, answer: impl Fn(u64) -> V) -> usize {
        map.reserve(at_least);
        let mut key: u64 = 1 << 40;
        while map.len() < map.capacity() {
            map.insert(key, answer(key));
            key += 1;
        }
        map.len()
    }
    let once = |key: u64| Arc::new(OnceLock::from(key + 1));
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|mut map| fill(&mut map, at_least, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().ok().map(|mut map| fill(&mut map, at_least, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|mut map| fill(&mut map, at_least, once))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().ok().map(|mut map| fill(&mut map, at_least, once))
    } else {
        None
    }
}

// A `get` that moves the map out of its lock to store an answer (`std::mem::take`, then `insert`
// with no lock held, then the map written back) leaves the lock holding an empty map meanwhile. No
// hook of the test runs in that moment, so the test widens it: the cache is filled to the brim,
// and the one answer `get` then stores makes the map grow, which moves all its entries (tens of
// milliseconds). Meanwhile another thread keeps looking at how many answers the lock holds. One
// look inside the moment is enough; the test tries up to `ROUNDS` times, each with a fresh
// memoizer, and stops at the first catch. An answer that inserts under the lock is never caught:
// the thread looking just waits for the lock.
const ROUNDS: usize = 3;

/// While `get` stores an answer, the cache stays in its lock: a thread looking meanwhile still finds every answer stored before.
#[test]
fn the_cache_stays_in_its_lock_while_an_answer_is_stored() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    for _ in 0..ROUNDS {
        let memo = Memoizer::new(|n: u64| n + 1);
        let known: &dyn Any = &memo.known;
        let Some(stored): Option<usize> = fill_the_cache_to_the_brim(known, 200_000) else {
            return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
        };
        let storing = AtomicBool::new(true);
        let looking = Signal::new();
        let (fewest, answer): (usize, u64) = thread::scope(|scope| {
            let watcher = scope.spawn(|| {
                let known: &dyn Any = &memo.known;
                let mut fewest: usize = stored;
                while storing.load(Ordering::SeqCst) {
                    if let Some(now) = answers_in_the_cache(known) {
                        fewest = fewest.min(now);
                    }
                    looking.raise();
                    thread::yield_now();
                }
                fewest
            });
            looking.wait(Duration::from_secs(2));
            let answer: u64 = memo.get(7);
            storing.store(false, Ordering::SeqCst);
            (watcher.join().unwrap_or(stored), answer)
        });
        ::std::assert_eq!(answer, 8, "get(7) should return func(7) = 8");
        let kept_all: bool = fewest >= stored;
        ::std::assert!(
            kept_all,
            "while `get` stored the answer for key 7, another thread looking at the cache found {fewest} answers in it, \
             where {stored} had been stored before: `get` moved the map out of its lock (`std::mem::take`), inserted \
             with no lock held and wrote the map back afterwards (see “Computing outside the lock”)\n\
             Meanwhile every other thread finds the cache empty and computes again what was already known, and \
             whatever they store is overwritten when the map is written back: their answers are lost. Only the \
             slow function runs with no lock held; storing is one `insert` through the guard, \
             `self.known.lock().unwrap().insert(key, value)`, brief even when the map grows."
        );
    }
}

/// Stores `value` for `key` straight into the cache, through its lock (`lock()` on a `Mutex`,
/// `write()` on an `RwLock`); false, storing nothing, for a type of `known` the exercise does not accept.
fn store_in_the_cache(known: &dyn Any, key: u64, value: u64) -> bool {
    let once = || Arc::new(OnceLock::from(value));
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().map(|mut map| map.insert(key, value)).is_ok()
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().map(|mut map| map.insert(key, value)).is_ok()
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().map(|mut map| map.insert(key, once())).is_ok()
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().map(|mut map| map.insert(key, once())).is_ok()
    } else {
        false
    }
}

/// Whether the cache holds an answer for `key`; `None` for a type of `known` the exercise does not accept.
fn the_cache_holds(known: &dyn Any, key: u64) -> Option<bool> {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|map| map.contains_key(&key))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.read().ok().map(|map| map.contains_key(&key))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|map| map.contains_key(&key))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.read().ok().map(|map| map.contains_key(&key))
    } else {
        None
    }
}

/// How long the test below waits, holding the cache's lock, for a thread to be asleep waiting for
/// that lock. A thread gets there in microseconds; if one is late on a busy machine, that round
/// simply cannot catch anything, and the next round tries again.
const TIME_TO_QUEUE: Duration = Duration::from_millis(30);

/// An answer another thread stores while `get` stores its own is kept: `get` inserts into the
/// shared map, not into a copy written back over it.
#[test]
fn an_answer_stored_meanwhile_by_another_thread_is_kept() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // The cache is filled to the brim, so the answer `get` stores makes a map grow, which takes
    // a while. The test holds the cache's lock while `get` comes to store key 7, then lets another
    // thread wait for the lock too, to store key 8 (threads waiting for a lock get it in turn).
    // Storing through the guard, key 8 goes in once key 7 is in; a `get` that copies the map under
    // one lock, inserts into the copy with no lock held (the copy grows meanwhile) and writes it
    // back under a second lock lets key 8 in between and then writes over it.
    for _ in 0..ROUNDS {
        let computed = Arc::new(Signal::new());
        let held = Arc::new(Signal::new());
        let memo = Memoizer::new({
            let (computed, held) = (Arc::clone(&computed), Arc::clone(&held));
            move |n: u64| {
                computed.raise();
                // (A `get` that holds the cache's lock while computing keeps the test out: then go on.)
                held.wait(Duration::from_millis(500));
                n + 1
            }
        });
        let known: &dyn Any = &memo.known;
        let Some(stored): Option<usize> = fill_the_cache_to_the_brim(known, 100_000) else {
            return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
        };
        let queued = Signal::new();
        let answer: u64 = thread::scope(|scope| {
            let memo = &memo;
            let asker = scope.spawn(move || memo.get(7));
            computed.wait(Duration::from_secs(2));
            with_the_cache_locked(known, || {
                held.raise();
                // `get` returns from the function and waits for the cache's lock to store key 7.
                thread::sleep(TIME_TO_QUEUE);
                let queued = &queued;
                scope.spawn(move || {
                    queued.raise();
                    store_in_the_cache(&memo.known, 8, 9);
                });
                queued.wait(Duration::from_secs(2));
                thread::sleep(TIME_TO_QUEUE);
            });
            asker.join().unwrap_or(0)
        });
        ::std::assert_eq!(answer, 8, "get(7) should return func(7) = 8");
        let kept_8: Option<bool> = the_cache_holds(known, 8);
        let kept_7: Option<bool> = the_cache_holds(known, 7);
        let lost: bool = kept_8 == Some(false) || kept_7 == Some(false);
        ::std::assert!(
            !lost,
            "while `get` stored its answer for key 7, another thread stored one for key 8 through the cache's \
             lock; afterwards key {} was missing from the cache, which held {stored} answers before \
             (see “Computing outside the lock”)\n\
             `get` took the map out of its lock (a copy with `clone()`, or the map itself with `std::mem::take`), \
             inserted into it with no lock held, and wrote it back under a second lock, over whatever other threads \
             stored in between: their answers are lost, and computed again by the next thread that asks. Only the slow function runs \
             with no lock held; storing is one `insert` through the guard, \
             `self.known.lock().unwrap().insert(key, value)`.",
            if kept_8 == Some(false) { 8 } else { 7 }
        );
    }
}

/// What the `misses` field counts right now, read straight from it (an `AtomicU64` or a
/// `Mutex<u64>`, the types the exercise accepts); `None` for another type.
fn misses_in_the_field(field: &dyn Any) -> Option<u64> {
    if let Some(count) = field.downcast_ref::<AtomicU64>() {
        Some(count.load(Ordering::SeqCst))
    } else if let Some(count) = field.downcast_ref::<Mutex<u64>>() {
        count.lock().ok().map(|count| *count)
    } else {
        None
    }
}

/// While `get` waits to look up a key that is cached, `misses` does not count a computation:
/// it counts only calls of the function that happen, never one that might.
#[test]
fn misses_never_counts_a_computation_that_does_not_happen() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Memoizer::new(|n: u64| n * 7);
    let first: u64 = memo.get(5);
    ::std::assert_eq!(first, 35, "get(5) should return func(5) = 35");
    let field: &dyn Any = &memo.misses;
    let Some(before): Option<u64> = misses_in_the_field(field) else {
        return; // `misses_counted_at_the_same_moment_are_all_kept` looks at other types
    };
    let asking = Signal::new();
    let mut highest: u64 = before;
    let known: &dyn Any = &memo.known;
    thread::scope(|scope| {
        with_the_cache_locked(known, || {
            // The test holds the cache's lock; another thread asks for the cached key meanwhile and
            // has to wait to look it up. All that time the test keeps reading the count.
            let (memo, asking) = (&memo, &asking);
            let asker = scope.spawn(move || {
                asking.raise();
                memo.get(5)
            });
            asking.wait(Duration::from_secs(2));
            let since = Instant::now();
            while since.elapsed() < KEEP_THE_CACHE_BUSY && !asker.is_finished() {
                if let Some(now) = misses_in_the_field(&memo.misses) {
                    highest = highest.max(now);
                }
                thread::sleep(Duration::from_millis(1));
            }
        });
    });
    let after: u64 = memo.misses();
    let counted_nothing: bool = highest == before;
    ::std::assert!(
        counted_nothing,
        "key 5 was cached and computed once; while another thread asked for it again and waited for the cache's \
         lock to look it up, the `misses` field went from {before} to {highest}, though the function did not run \
         again (`misses()` said {after} afterwards) (see “Computing outside the lock”)\n\
         `get` counted a computation before it knew there would be one, and took it back when the key turned \
         out to be cached: meanwhile anyone reading `misses()` sees calls of the function that never happen. \
         Count in the step that calls the function, once the lookup has found nothing: look up, then add 1, \
         then compute."
    );
}

/// Where in memory the cache keeps its answer for `key` (the address of the value in the map),
/// and how many answers the map has room for, after making room for `room` more, so that the
/// next few stored never make it grow (growing moves every entry). `None` when the key is not
/// cached, or for a type of `known` the exercise does not accept.
fn where_the_answer_is_kept(known: &dyn Any, key: u64, room: usize) -> Option<(usize, usize)> {
    fn address<V>(map: &mut HashMap<u64, V>, key: u64, room: usize) -> Option<(usize, usize)> {
        map.reserve(room);
        map.get(&key).map(|value: &V| (::std::ptr::from_ref(value) as usize, map.capacity()))
    }
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().and_then(|mut map| address(&mut map, key, room))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().ok().and_then(|mut map| address(&mut map, key, room))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().and_then(|mut map| address(&mut map, key, room))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().ok().and_then(|mut map| address(&mut map, key, room))
    } else {
        None
    }
}

/// Storing an answer inserts it into the map the lock holds: the answers stored before stay where
/// they are, rather than moving into a copy of the whole map assigned back to the cache.
#[test]
fn an_answer_is_stored_into_the_map_not_into_a_copy() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // The map has room for many more answers, so inserting one moves none of the others: an
    // answer already stored stays at the same place in memory. A copy of the map (`clone()`) is
    // made while the map still exists, so its entries are somewhere else; assigned back to the
    // cache, it shows as the stored answer having moved.
    let memo = Memoizer::new(|n: u64| n + 1);
    let first: u64 = memo.get(3);
    ::std::assert_eq!(first, 4, "get(3) should return func(3) = 4");
    let known: &dyn Any = &memo.known;
    let Some(before): Option<(usize, usize)> = where_the_answer_is_kept(known, 3, 64) else {
        return; // key 3 missing: other tests say why; another type: `the_cache_holds_answers_or_one_oncelock_per_key`
    };
    // One answer stored, no more: a second copy could be made where the first map was freed.
    let seven: u64 = memo.get(7);
    ::std::assert_eq!(seven, 8, "get(7) should return func(7) = 8");
    let after: Option<(usize, usize)> = where_the_answer_is_kept(known, 3, 0);
    // The map's room going down means it was shrunk to fit its answers: a rebuild of its own kind.
    let shrunk: bool = after.is_some_and(|(_, room)| room < before.1);
    ::std::assert!(
        !shrunk,
        "the cache had room for {} answers; after `get` stored the answer for key 7, it had room for {} only, and \
         the answer for key 3 had moved: `get` shrank the map to fit its answers (`shrink_to_fit()`, say), which \
         builds a new table and moves every answer into it, on every miss, while every other thread waits for the \
         lock (see “Keeping the lock short”)\n\
         A map grows as it needs to; leave its room alone and insert the one answer through the guard: \
         `self.known.lock().unwrap().insert(key, value)`.",
        before.1,
        after.map_or(0, |(_, room)| room)
    );
    let stayed: bool = after == Some(before);
    ::std::assert!(
        stayed,
        "the cache had room for many more answers; after `get` stored the answer for key 7, the answer for key \
         3, stored before, was no longer at the same place in memory: `get` put a new map in the cache, most \
         likely a copy of the whole map (`clone()`) with the new answer inserted, assigned back \
         (see “Copying out versus changing in place”)\n\
         Copying the map costs time in proportion to the whole cache, and every other thread waits for it \
         while the lock is held (“Keeping the lock short”); and a copy written back under a second lock erases \
         what others stored meanwhile. Insert the one answer into the map through the guard: \
         `self.known.lock().unwrap().insert(key, value)`."
    );
}

/// The last key a walk through the cache's map reaches (`map.keys().last()`), the one a search
/// from the start finds last; `None` for an empty map, or for a type of `known` the exercise does
/// not accept.
fn the_key_found_last(known: &dyn Any) -> Option<u64> {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().and_then(|map| map.keys().last().copied())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.read().ok().and_then(|map| map.keys().last().copied())
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().and_then(|map| map.keys().last().copied())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.read().ok().and_then(|map| map.keys().last().copied())
    } else {
        None
    }
}

/// How many times the test below asks for one cached key; the fastest time counts.
const HITS_TIMED: usize = 20;

/// The most the fastest of those hits may take. A lookup in the map takes well under a
/// microsecond: this bound is over 100 times that, even with the machine busy (the fastest of 20
/// is one that no other program interrupted). Copying a 200,000-answer map takes over 150 µs,
/// walking through it milliseconds.
const ONE_LOOKUP_AT_MOST: Duration = Duration::from_micros(50);

/// A key that is cached is found with one lookup in the map, however many answers the cache
/// holds: the lock is not held over work on the whole cache.
#[test]
fn a_cached_key_takes_one_lookup_however_large_the_cache() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // A timing bound, with a wide margin (see `ONE_LOOKUP_AT_MOST`): the cache is filled with
    // 200,000 answers, and the fastest of 20 hits on one key is timed. Nothing else tells a
    // lookup apart from a copy of the map taken to look in, or a walk through the map.
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n + 1
        }
    });
    let known: &dyn Any = &memo.known;
    let Some(stored): Option<usize> = fill_the_cache_to_the_brim(known, 200_000) else {
        return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
    };
    let Some(key): Option<u64> = the_key_found_last(known) else {
        return;
    };
    let mut fastest: Duration = Duration::MAX;
    for _ in 0..HITS_TIMED {
        let asked = Instant::now();
        let answer: u64 = memo.get(key);
        fastest = fastest.min(asked.elapsed());
        let expected: u64 = key + 1;
        ::std::assert!(
            answer == expected,
            "key {key} was in the cache with the answer {expected} ({expected:#x}); `get({key})` answered {answer} \
             ({answer:#x}){}: {}. A cached answer comes back exactly as stored: keep it as a `u64` all the way, and \
             copy it out with `.copied()`.",
            if calls.load(Ordering::SeqCst) == 0 { ", from the cache (the function did not run)" } else { "" },
            if answer == expected as u32 as u64 {
                "the answer was cut to its low 32 bits on its way out of the cache (read back as a `u32`, say)"
            } else if answer == expected as f64 as u64 {
                "the answer went through `f64`, which keeps 53 bits of a number, and came back rounded"
            } else {
                "`get` did not return what the cache holds for the key"
            }
        );
    }
    let ran: usize = calls.load(Ordering::SeqCst);
    if ran != 0 {
        ::std::panic!(
            "{}",
            the_function_ran_for_a_cached_key(&::std::format!(
                "key {key} was in the cache; asked for it {HITS_TIMED} times, `get` ran the function {ran} times"
            ))
        );
    }
    let micros: f64 = fastest.as_secs_f64() * 1e6;
    let one_lookup: bool = fastest <= ONE_LOOKUP_AT_MOST;
    ::std::assert!(
        one_lookup,
        "with {stored} answers in the cache, the fastest of {HITS_TIMED} `get`s for one cached key took \
         {micros:.0} µs, where one lookup in the map takes well under 1 µs: `get` works on the whole cache \
         while holding its lock (see “Keeping the lock short”)\n\
         A copy of the whole map (`clone()`) taken to look one key up, or a walk through it (`iter().find(...)`), \
         grows with the cache, and every other thread waits for the lock meanwhile. Look the one key up through \
         the guard and copy out just its answer: `self.known.lock().unwrap().get(&key).copied()`."
    );
}

/// How many new keys the test below asks for in a large cache; the fastest miss counts.
const MISSES_TIMED: usize = 20;

/// The most the fastest of those misses may take. Looking a key up, calling the test's function
/// (it adds 1) and inserting one answer into a map with room to spare take about a microsecond
/// together: this bound is over 100 times the fastest of 20, even with the machine busy.
/// Walking through a 200,000-answer map (`retain`) takes hundreds of microseconds, emptying it and
/// building it again (`drain`, `collect`, `extend`) milliseconds.
const ONE_MISS_AT_MOST: Duration = Duration::from_micros(100);

/// Makes room in the cache's map for `room` more answers without growing (growing moves every
/// entry); `None` for a type of `known` the exercise does not accept.
fn make_room_in_the_cache(known: &dyn Any, room: usize) -> Option<()> {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|mut map| map.reserve(room))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().ok().map(|mut map| map.reserve(room))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|mut map| map.reserve(room))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().ok().map(|mut map| map.reserve(room))
    } else {
        None
    }
}

/// A new key is computed and stored with one insert into the map, however many answers the cache
/// holds: the lock is not held over work on the whole cache when an answer is stored.
#[test]
fn a_new_key_takes_one_insert_however_large_the_cache() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // A timing bound, with a wide margin (see `ONE_MISS_AT_MOST`): the cache is filled with
    // 200,000 answers and given room for more, and the fastest of 20 misses (keys nobody asked
    // for) is timed. Nothing else tells one insert apart from a walk through the map before it.
    let memo = Memoizer::new(|n: u64| n + 1);
    let known: &dyn Any = &memo.known;
    let Some(stored): Option<usize> = fill_the_cache_to_the_brim(known, 200_000) else {
        return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
    };
    if make_room_in_the_cache(known, 4 * MISSES_TIMED).is_none() {
        return;
    }
    let mut fastest: Duration = Duration::MAX;
    let timing = Instant::now();
    let mut timed: usize = 0;
    for key in 1..=MISSES_TIMED as u64 {
        if timed > 0 && timing.elapsed() > Duration::from_millis(100) {
            break; // slow misses: those timed are enough to tell (an honest one takes a microsecond)
        }
        let asked = Instant::now();
        let answer: u64 = memo.get(key);
        fastest = fastest.min(asked.elapsed());
        timed += 1;
        let expected: u64 = key + 1;
        ::std::assert_eq!(answer, expected, "get(key) should return func(key) = key + 1");
    }
    let micros: f64 = fastest.as_secs_f64() * 1e6;
    let one_insert: bool = fastest <= ONE_MISS_AT_MOST;
    ::std::assert!(
        one_insert,
        "with {stored} answers in the cache (and room for more), the fastest of {timed} `get`s for new keys \
         took {micros:.0} µs, where a lookup, the test's quick function and one insert take about 1 µs: `get` works \
         on the whole cache while holding its lock to store an answer (see “Keeping the lock short”)\n\
         A walk through the map (`retain`, `iter()`) or the map emptied and filled again (`drain` then `extend`, \
         a copy put back) grows with the cache, and every other thread, even one whose key is cached, waits for \
         the lock meanwhile. Store the one answer through the guard: `self.known.lock().unwrap().insert(key, value)`; \
         `insert` already replaces an old answer for the key."
    );
}

/// Gives the cache's map answers it then loses again (removed ones leave marks a map keeps until
/// its table is emptied), leaving room for a few more: says how much room the map then counts
/// (its capacity); `None` for a type of `known` the exercise does not accept.
fn room_with_removed_answers(known: &dyn Any) -> Option<usize> {
    fn mark<V>(map: &mut HashMap<u64, V>, answer: impl Fn(u64) -> V) -> usize {
        map.reserve(4096);
        // Some room is left free, so that inserting never has to rebuild the table.
        let extra: u64 = (map.capacity() - map.capacity() / 16 - map.len()) as u64;
        let first: u64 = 1 << 41;
        for key in first..first + extra {
            map.insert(key, answer(key));
        }
        for key in (first..first + extra).step_by(2) {
            map.remove(&key);
        }
        map.capacity()
    }
    let once = |key: u64| Arc::new(OnceLock::from(key + 1));
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|mut map| mark(&mut map, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.write().ok().map(|mut map| mark(&mut map, |key| key + 1))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|mut map| mark(&mut map, once))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.write().ok().map(|mut map| mark(&mut map, once))
    } else {
        None
    }
}

/// The room the cache's map counts right now (its capacity); `None` for a type of `known` the
/// exercise does not accept.
fn room_in_the_cache(known: &dyn Any) -> Option<usize> {
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.lock().ok().map(|map| map.capacity())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.read().ok().map(|map| map.capacity())
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.lock().ok().map(|map| map.capacity())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.read().ok().map(|map| map.capacity())
    } else {
        None
    }
}

/// Storing an answer puts that one answer into the map: it does not empty the map and fill it
/// again with every answer, even under one guard.
#[test]
fn storing_an_answer_does_not_empty_and_refill_the_map() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let usual: bool = runs_per_miss() == 1 && keeps_every_answer();
    ::std::assert!(usual, "{GET_IS_OFF}");
    // Answers removed from a map leave marks in its table that lower the room it counts, until
    // the table is emptied. One insert takes a free slot or a marked one: the room stays, or
    // grows by one. A map emptied (`drain`, `clear`) and filled again forgets every mark.
    let memo = Memoizer::new(|n: u64| n + 1);
    let first: u64 = memo.get(3);
    ::std::assert_eq!(first, 4, "get(3) should return func(3) = 4");
    let known: &dyn Any = &memo.known;
    let Some(before): Option<usize> = room_with_removed_answers(known) else {
        return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
    };
    let seven: u64 = memo.get(7);
    ::std::assert_eq!(seven, 8, "get(7) should return func(7) = 8");
    let Some(after): Option<usize> = room_in_the_cache(known) else {
        return;
    };
    // The room going down means the map was shrunk to fit its answers.
    let not_shrunk: bool = after >= before;
    ::std::assert!(
        not_shrunk,
        "to store the answer for key 7, `get` shrank the map to fit its answers (room for {before} answers became \
         {after}): `shrink_to_fit()` or the like builds a new table and moves every answer into it, on every miss, \
         while all the other threads wait for the lock (see “Keeping the lock short”)\n\
         A map grows as it needs to; leave its room alone and store the one answer through the guard: \
         `self.known.lock().unwrap().insert(key, value)`."
    );
    let one_insert: bool = after == before || after == before + 1;
    ::std::assert!(
        one_insert,
        "to store the answer for key 7, `get` emptied the whole map and put every answer back into it (the test had \
         removed answers from the map, which a map remembers until its table is emptied: room for {before} answers \
         became {after}): with `drain` and `extend`, or a copy taken out and put back, even under one guard, every \
         new answer moves every answer out and in again while all the other threads wait for the lock \
         (see “Keeping the lock short”)\n\
         Store the one answer through the guard: `self.known.lock().unwrap().insert(key, value)`; nothing else \
         needs to move."
    );
}

/// The explanation for a `get` that calls the function for a key the cache holds (`what` says what
/// the test saw).
fn the_function_ran_for_a_cached_key(what: &str) -> ::std::string::String {
    ::std::format!(
        "{what}: `get` calls the function even when the key is cached (see “From RefCell to Mutex in a memoizer”)\n\
         A memoizer computes each key once: look the key up first and, when the cache has it, return the cached \
         answer without calling the function. Only a key the cache does not hold is computed, and counted in \
         `misses`."
    )
}

/// The room the cache's map has (its capacity) and where it keeps the answer for each of `keys`;
/// `None` for a type of `known` the exercise does not accept, and for a key it does not hold.
fn the_map_as_it_is(known: &dyn Any, keys: &[u64]) -> Option<(usize, ::std::vec::Vec<usize>)> {
    let mut places: ::std::vec::Vec<usize> = ::std::vec::Vec::new();
    let mut room: usize = 0;
    for &key in keys {
        let (place, capacity): (usize, usize) = where_the_answer_is_kept(known, key, 0)?;
        places.push(place);
        room = capacity;
    }
    Some((room, places))
}

/// Whether the cache holds `key` right now: `None` when its lock is busy (with `wait` false) or
/// poisoned, or for a type of `known` the exercise does not accept.
fn holds_key(known: &dyn Any, key: u64, wait: bool) -> Option<bool> {
    fn has<V>(map: &HashMap<u64, V>, key: u64) -> bool {
        map.contains_key(&key)
    }
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        if wait { cache.lock().ok().map(|map| has(&map, key)) } else { cache.try_lock().ok().map(|map| has(&map, key)) }
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        if wait { cache.read().ok().map(|map| has(&map, key)) } else { cache.try_read().ok().map(|map| has(&map, key)) }
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        if wait { cache.lock().ok().map(|map| has(&map, key)) } else { cache.try_lock().ok().map(|map| has(&map, key)) }
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        if wait { cache.read().ok().map(|map| has(&map, key)) } else { cache.try_read().ok().map(|map| has(&map, key)) }
    } else {
        None
    }
}

/// Whether the cache holds `key`, read through any poison on its lock.
fn holds_key_through_poison(known: &dyn Any, key: u64) -> bool {
    fn has<V>(map: &HashMap<u64, V>, key: u64) -> bool {
        map.contains_key(&key)
    }
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        has(&cache.lock().unwrap_or_else(PoisonError::into_inner), key)
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        has(&cache.read().unwrap_or_else(PoisonError::into_inner), key)
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        has(&cache.lock().unwrap_or_else(PoisonError::into_inner), key)
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        has(&cache.read().unwrap_or_else(PoisonError::into_inner), key)
    } else {
        true
    }
}

/// How many hits of a cached key `a_hit_leaves_the_map_as_it_is` makes, and for how long at most,
/// while a thread of the test keeps looking whether the key is in the map. A hit that takes the
/// answer out under one lock and puts it back under a second leaves the key missing in between,
/// which the looking thread finds within a few hundred hits on a quiet machine; a hit that does
/// both under one guard never shows it missing, however many hits.
const HITS_WATCHED: usize = 200_000;
const HITS_WATCHED_FOR: Duration = Duration::from_millis(500);

/// A hit only reads the map: answering a cached key neither takes its answer out nor puts it back.
#[test]
fn a_hit_leaves_the_map_as_it_is() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    // The map is filled until it has no room left. A hit that removes the answer and inserts it
    // back leaves a hole the map cannot reuse at once, so the insert makes the map grow: its room
    // changes and the answers move. A hit that only looks changes nothing.
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n * 5
        }
    });
    let keys: [u64; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
    for key in keys {
        memo.get(key);
    }
    let known: &dyn Any = &memo.known;
    if fill_the_cache_to_the_brim(known, 2000).is_none() {
        return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
    }
    let Some(before): Option<(usize, ::std::vec::Vec<usize>)> = the_map_as_it_is(known, &keys) else {
        return; // a key missing: other tests say why
    };
    for key in keys {
        let answer: u64 = memo.get(key);
        let expected: u64 = key * 5;
        ::std::assert_eq!(answer, expected, "a key the cache holds should be answered from the cache");
    }
    let after: Option<(usize, ::std::vec::Vec<usize>)> = the_map_as_it_is(known, &keys);
    let ran: usize = calls.load(Ordering::SeqCst);
    let untouched: bool = after.as_ref() == Some(&before);
    if untouched || ran > keys.len() {
        ::std::assert!(ran == keys.len(), "{}", ran_for_a_cached_key(ran.saturating_sub(keys.len())));
        return;
    }
    // The hits wrote to the map. Whether they did it under two locks shows as the key missing, for
    // a moment, to a thread of the test that keeps looking while key 1 is hit over and over.
    let stop = AtomicBool::new(false);
    let watched: &(dyn Any + Sync) = &memo.known;
    let seen_missing: bool = thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            while !stop.load(Ordering::SeqCst) {
                if holds_key(watched, 1, false) == Some(false) {
                    return true;
                }
                ::std::hint::spin_loop();
            }
            false
        });
        let since = Instant::now();
        for _ in 0..HITS_WATCHED {
            if since.elapsed() > HITS_WATCHED_FOR || watcher.is_finished() {
                break;
            }
            ::std::hint::black_box(memo.get(1));
        }
        stop.store(true, Ordering::SeqCst);
        watcher.join().unwrap_or(false)
    });
    let how: &str = if seen_missing {
        "Between the lock that takes the answer out and the one that puts it back, the key is missing (a thread of the \
         test, looking meanwhile, found key 1 gone): another thread asking for it then finds nothing and runs the slow \
         function again, and every hit writes to the map."
    } else {
        "Every hit then writes to the map: it moves the answer, makes the map grow when it is full, and with an `RwLock` \
         would need the write lock for a plain lookup, shutting out every other reader. Done under one guard, no other \
         thread sees the key missing (a thread of the test, looking meanwhile, never found key 1 gone); done under two, \
         the key is missing in between, and another thread asking for it runs the slow function again."
    };
    ::std::panic!(
        "keys 1 to 8 were cached; answering them from the cache changed the map (it had to make room, and the answers \
         moved): `get` took each answer out of the map (`remove`) and put it back (`insert`) \
         (see “Check and act under one lock”)\n\
         {how} A hit only reads: `self.known.lock().unwrap().get(&key).copied()`, one guard, nothing taken out."
    );
}

/// What `a_hit_leaves_the_map_as_it_is` says when hits of keys 1 to 8, all cached, ran the function `more` more times.
fn ran_for_a_cached_key(more: usize) -> ::std::string::String {
    the_function_ran_for_a_cached_key(&::std::format!(
        "keys 1 to 8 were cached; asked for again, `get` ran the function {more} more times"
    ))
}

/// A key whose answer is `u64::MAX` is answered like any other, however many times it is asked for.
#[test]
fn a_key_whose_answer_is_u64_max_is_answered() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Arc::new(Memoizer::new(|n: u64| if n == 9 { u64::MAX } else { n }));
    let (answer, answered) = mpsc::channel::<u64>();
    {
        let memo = Arc::clone(&memo);
        thread::spawn(move || {
            for _ in 0..3 {
                let _ = answer.send(memo.get(9));
            }
        });
    }
    for time in 1..=3 {
        match answered.recv_timeout(Duration::from_secs(2)) {
            Ok(got) => {
                let got: u64 = got;
                ::std::assert_eq!(got, u64::MAX, "func(9) is u64::MAX, so get(9) should return u64::MAX");
            }
            Err(_) if the_cache_stays_locked(&memo.known) => ::std::panic!(
                "asked for key 9 a {} time, `get` had not answered after 2 s, and all the while the cache's lock \
                 stayed taken: `get` waits for a lock its own thread still holds, a lock taken twice on one thread \
                 (see “Locking twice on one thread”)\n\
                 A guard kept in a `let` lives to the end of its block, and one in the scrutinee of a `match` or an \
                 `if let` through all its arms: when `get` locks the cache again to insert, the first guard is \
                 still alive. Copy the answer out in one statement, \
                 `let cached = self.known.lock().unwrap().get(&key).copied();`, so that guard ends at the semicolon.",
                if time == 1 { "first" } else if time == 2 { "second" } else { "third" }
            ),
            Err(_) => ::std::panic!(
                "the function returns u64::MAX for key 9; asked for 9 a {} time, `get` had not answered after 2 s \
                 (see “Computing outside the lock”)\n\
                 `get` took the answer u64::MAX for a mark meaning \"being computed\" and waited for it to be \
                 replaced, which never happens: any value the function can return is a real answer. The cache \
                 holds answers only. To make other threads wait for a key being computed, keep one \
                 `Arc<OnceLock<u64>>` per key and call `get_or_init` on it; or let them compute it too.",
                if time == 1 { "first" } else if time == 2 { "second" } else { "third" }
            ),
        }
    }
}

/// Whether the cache's lock stays taken for a while (looked at 20 times over 100 ms, never waiting
/// for it): the mark of a thread waiting for a lock it holds itself. False for a type of `known`
/// the exercise does not accept.
fn the_cache_stays_locked(known: &dyn Any) -> bool {
    (0..20).all(|_| {
        thread::sleep(Duration::from_millis(5));
        let locked: Option<bool> = if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
            Some(cache.try_lock().is_err())
        } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
            Some(cache.try_write().is_err())
        } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
            Some(cache.try_lock().is_err())
        } else {
            known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>().map(|cache| cache.try_write().is_err())
        };
        locked == Some(true)
    })
}

/// What the cache holds for a key at one moment, looked at without waiting for its lock.
enum Seen {
    /// The lock was held, or the type of `known` is not one the exercise accepts.
    Nothing,
    /// No answer for the key (or its `OnceLock` is still empty).
    NoAnswer,
    /// This answer.
    Answer(u64),
}

/// What the cache holds for `key` right now, without waiting for its lock.
fn what_the_cache_holds_now(known: &dyn Any, key: u64) -> Seen {
    fn once(cell: Option<&Arc<OnceLock<u64>>>) -> Seen {
        match cell.and_then(|cell| cell.get()) {
            Some(&value) => Seen::Answer(value),
            None => Seen::NoAnswer,
        }
    }
    let plain = |value: Option<&u64>| match value {
        Some(&value) => Seen::Answer(value),
        None => Seen::NoAnswer,
    };
    if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
        cache.try_lock().map_or(Seen::Nothing, |map| plain(map.get(&key)))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        cache.try_read().map_or(Seen::Nothing, |map| plain(map.get(&key)))
    } else if let Some(cache) = known.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.try_lock().map_or(Seen::Nothing, |map| once(map.get(&key)))
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        cache.try_read().map_or(Seen::Nothing, |map| once(map.get(&key)))
    } else {
        Seen::Nothing
    }
}

/// While the function computes a key, the cache holds no answer for it: the cache holds only
/// answers the function returned, never a mark standing for one.
#[test]
fn the_cache_holds_only_answers_the_function_returned() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    type Func = Box<dyn Fn(u64) -> u64 + Send + Sync>;
    let me: Arc<OnceLock<Arc<Memoizer<Func>>>> = Arc::new(OnceLock::new());
    let seen: Arc<Mutex<::std::vec::Vec<Seen>>> = Arc::new(Mutex::new(::std::vec::Vec::new()));
    let func: Func = {
        let (me, seen) = (Arc::clone(&me), Arc::clone(&seen));
        Box::new(move |n: u64| {
            if let Some(memo) = me.get() {
                let known: &dyn Any = &memo.known;
                seen.lock().unwrap().push(what_the_cache_holds_now(known, n));
            }
            n * 3
        })
    };
    let memo = Arc::new(Memoizer::new(func));
    let _ = me.set(Arc::clone(&memo));
    let (answer, answered) = mpsc::channel::<u64>();
    {
        let memo = Arc::clone(&memo);
        thread::spawn(move || {
            let _ = answer.send(memo.get(7));
        });
    }
    let got: Option<u64> = answered.recv_timeout(Duration::from_secs(2)).ok();
    let seen: ::std::vec::Vec<Seen> = ::std::mem::take(&mut *seen.lock().unwrap());
    let fake: Option<u64> = seen.iter().find_map(|seen| match seen {
        Seen::Answer(value) if *value != 21 => Some(*value),
        _ => None,
    });
    if let Some(fake) = fake {
        ::std::panic!(
            "while the function was computing key 7, the cache already held {fake} for it, a value the function \
             never returned (it returns 21) (see “Computing outside the lock”)\n\
             A mark put in the map meaning \"being computed\" is taken for an answer by anyone who reads the map, \
             and it stays there for ever if the function panics; and a thread that finds it can only check the map \
             again and again, busy. The cache holds answers only: either let other threads compute the key too, or \
             keep one `Arc<OnceLock<u64>>` per key and call `get_or_init` on it, which makes them wait asleep."
        );
    }
    if let Some(got) = got {
        let got: u64 = got;
        ::std::assert_eq!(got, 21, "get(7) should return func(7) = 21");
    }
}

/// With an `RwLock` cache, a hit shares the lock with other readers: it looks up under `read()`.
#[test]
fn a_hit_shares_an_rwlock_cache_with_other_readers() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Arc::new(Memoizer::new(|n: u64| n * 4));
    let first: u64 = memo.get(5);
    ::std::assert_eq!(first, 20, "get(5) should return func(5) = 20");
    let known: &dyn Any = &memo.known;
    let (answer, answered) = mpsc::channel::<u64>();
    let asker = {
        let memo = Arc::clone(&memo);
        move || {
            let _ = answer.send(memo.get(5));
        }
    };
    let shared: Option<bool> = if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
        let _reading = cache.read();
        thread::spawn(asker);
        Some(answered.recv_timeout(Duration::from_secs(1)).is_ok())
    } else if let Some(cache) = known.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
        let _reading = cache.read();
        thread::spawn(asker);
        Some(answered.recv_timeout(Duration::from_secs(1)).is_ok())
    } else {
        None // a `Mutex` cache: nothing to share
    };
    let waited: bool = shared == Some(false);
    ::std::assert!(
        !waited,
        "the cache is an `RwLock`; while the test held a read guard of it, a `get` for the cached key 5 waited \
         more than 1 s: `get` looks keys up under `write()`, which waits for every reader \
         (see “Readers and writers”)\n\
         An `RwLock` pays off only when lookups share it: take `read()` to look up, so hits run side by side, \
         and `write()` only to insert a new answer. Under `write()` every hit waits for all the others, as with \
         a `Mutex`."
    );
}

/// Poisons `lock` (the cache or the count, of any type the exercise accepts) the way a bug does:
/// a thread panics while it holds it. That panic is expected, so not printed. False, poisoning
/// nothing, for a type that cannot be poisoned or that the exercise does not accept.
fn poison(lock: &(dyn Any + Sync)) -> bool {
    fn panic_holding<G>(guard: G) {
        let _held = guard;
        ::std::panic!("a thread failed while it held the memoizer");
    }
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::scope(|scope| {
        let _ = scope
            .spawn(|| {
                let lock: &dyn Any = lock;
                if let Some(cache) = lock.downcast_ref::<Mutex<HashMap<u64, u64>>>() {
                    panic_holding(cache.lock());
                } else if let Some(cache) = lock.downcast_ref::<RwLock<HashMap<u64, u64>>>() {
                    panic_holding(cache.write());
                } else if let Some(cache) = lock.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>() {
                    panic_holding(cache.lock());
                } else if let Some(cache) = lock.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>() {
                    panic_holding(cache.write());
                } else if let Some(count) = lock.downcast_ref::<Mutex<u64>>() {
                    panic_holding(count.lock());
                }
            })
            .join();
    });
    ::std::panic::set_hook(report_panics);
    let lock: &dyn Any = lock;
    lock.downcast_ref::<Mutex<HashMap<u64, u64>>>().is_some_and(|l| l.is_poisoned())
        || lock.downcast_ref::<RwLock<HashMap<u64, u64>>>().is_some_and(|l| l.is_poisoned())
        || lock.downcast_ref::<Mutex<HashMap<u64, Arc<OnceLock<u64>>>>>().is_some_and(|l| l.is_poisoned())
        || lock.downcast_ref::<RwLock<HashMap<u64, Arc<OnceLock<u64>>>>>().is_some_and(|l| l.is_poisoned())
        || lock.downcast_ref::<Mutex<u64>>().is_some_and(|l| l.is_poisoned())
}

/// Runs `call` on a thread of its own with panic output turned off: `Some` of what it returned,
/// `None` if it panicked. A call that has not returned after 2 s fails the test.
fn answered_quietly<T: Send>(what: &str, call: impl FnOnce() -> T + Send) -> Option<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = thread::scope(|scope| {
        let (answer, answered) = mpsc::channel::<Option<T>>();
        scope.spawn(move || {
            let _ = answer.send(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok());
        });
        let outcome = answered.recv_timeout(Duration::from_secs(2));
        ::std::panic::set_hook(report_panics);
        let answered: bool = outcome.is_ok();
        ::std::assert!(
            answered,
            "on a memoizer poisoned by a thread that panicked (nobody holds the lock any more), {what} did not answer \
             within 2 s: a poisoned lock is no busy lock, and waiting or trying again never makes it free"
        );
        outcome
    });
    outcome.ok().flatten()
}

/// What the tests say to do about a poisoned memoizer.
const ON_POISON: &str = "A poisoned lock says some code panicked half way through a change. Let `unwrap()` panic, so the \
     failure shows, or, where the data is known to be fine, go on with `unwrap_or_else(PoisonError::into_inner)`, the \
     same way at every lock (see “Poisoned locks”)";

/// On a cache poisoned by a thread that panicked, `get` panics or goes on as usual: a cached key is not computed again, and a new answer is kept.
#[test]
fn a_poisoned_cache_is_no_miss() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let calls = Arc::new(AtomicUsize::new(0));
    let memo = Memoizer::new({
        let calls = Arc::clone(&calls);
        move |n: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            n * 7
        }
    });
    let first: u64 = memo.get(5);
    ::std::assert_eq!(first, 35, "get(5) should return func(5) = 35");
    // Answers for a few more keys (from 2^40 on, never asked for), put in the cache itself: whether
    // they are still there after the poisoned `get` tells a cache emptied from a lookup that missed.
    let known: &dyn Any = &memo.known;
    if answers_put_in(known, 3).is_none() {
        return; // a type the exercise does not accept: `the_cache_holds_answers_or_one_oncelock_per_key` says so
    }
    if !poison(&memo.known) {
        return; // a type the exercise does not accept: `the_cache_holds_answers_or_one_oncelock_per_key` says so
    }
    let cached: Option<u64> = answered_quietly("`get(5)`", || memo.get(5));
    let ran: usize = calls.load(Ordering::SeqCst);
    let honest: bool = cached.is_none() || (cached == Some(35) && ran == 1);
    // Read through the poison: whether the other answers stored before it are still in the map.
    let others_kept: bool = (0..3).all(|offset: u64| holds_key_through_poison(known, (1 << 40) + offset));
    let what: &str = if others_kept {
        "the poison was taken for a miss, so a cached key is computed again, and nothing says a thread failed"
    } else {
        "`get` emptied the cache (the answers stored for other keys before the panic are gone too), so every key \
         cached before is computed again, and nothing says a thread failed. The poison says a thread panicked while it \
         held the lock, not that the answers in the map are wrong: each is an answer the function returned"
    };
    ::std::assert!(
        honest,
        "after a thread panicked while it held the cache's lock (which poisons it), `get(5)`, a key cached at 35, \
         answered {} and ran the function {} time(s) in all: {what}.\n{ON_POISON}",
        cached.unwrap_or_default(),
        ran
    );
    let new: Option<u64> = answered_quietly("`get(6)`", || memo.get(6));
    if new.is_none() {
        return;
    }
    let again: Option<u64> = answered_quietly("`get(6)` asked again", || memo.get(6));
    let ran: usize = calls.load(Ordering::SeqCst);
    let kept: bool = new == Some(42) && (again.is_none() || (again == Some(42) && ran == 2));
    ::std::assert!(
        kept,
        "after a thread panicked while it held the cache's lock (which poisons it), `get(6)` of a new key answered {} \
         and, asked again, {}, with the function run {ran} time(s) in all (once for 5, once for 6 was due): the answer \
         was handed out but not kept in the poisoned cache, so every later `get(6)` computes it again.\n{ON_POISON}",
        new.unwrap_or_default(),
        again.map_or("panicked".to_string(), |value| value.to_string())
    );
}

/// On a count poisoned by a thread that panicked, `get` and `misses` panic or go on counting: the count is never skipped or made up.
#[test]
fn a_poisoned_count_is_never_made_up() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Memoizer::new(|n: u64| n * 7);
    let _ = memo.get(5);
    if !poison(&memo.misses) {
        return; // an `AtomicU64` cannot be poisoned
    }
    let computed: Option<u64> = answered_quietly("`get(6)`", || memo.get(6));
    let count: Option<u64> = answered_quietly("`misses()`", || memo.misses());
    // Two computations counted; one, if `get(6)` panicked before it counted its own.
    let honest: bool = count.is_none() || count == Some(2) || (computed.is_none() && count == Some(1));
    ::std::assert!(
        honest,
        "after a thread panicked while it held the `misses` count's lock (which poisons it), with keys 5 and 6 computed, \
         `misses()` answered {}: the poison made `get` skip counting or `misses()` make a number up.\n{ON_POISON}",
        count.unwrap_or_default()
    );
}

/// A computation that panics leaves nothing behind: the key is not marked as being computed for ever, and asked again it is computed again.
#[test]
fn a_computation_that_panics_does_not_block_its_key() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let failed_once = Arc::new(AtomicBool::new(false));
    let memo = Arc::new(Memoizer::new({
        let failed_once = Arc::clone(&failed_once);
        move |n: u64| {
            if !failed_once.swap(true, Ordering::SeqCst) {
                ::std::panic!("the slow function failed once");
            }
            n * 7
        }
    }));
    // The first `get(5)` panics with the function; that panic is expected here, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let first = {
        let memo = Arc::clone(&memo);
        thread::spawn(move || memo.get(5)).join()
    };
    let (answer, answered) = mpsc::channel::<Option<u64>>();
    {
        let memo = Arc::clone(&memo);
        // Not joined: a `get` stuck for good stays stuck, and the test reports it.
        thread::spawn(move || {
            let _ = answer.send(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| memo.get(5))).ok());
        });
    }
    let second: Result<Option<u64>, mpsc::RecvTimeoutError> = answered.recv_timeout(Duration::from_secs(2));
    ::std::panic::set_hook(report_panics);
    let first_panicked: bool = first.is_err();
    ::std::assert!(first_panicked, "the function panicked for key 5, so the first `get(5)` should have panicked too");
    let answered: bool = second.is_ok();
    ::std::assert!(
        answered,
        "the function panicked while computing key 5; asked for 5 again afterwards, `get` had not answered after 2 s: \
         the key stayed marked as being computed (in a set of keys in flight, say), though nobody computes it any more, \
         and every thread that asks for it now waits for ever (see “Computing outside the lock”)\n\
         A mark that some code has to remove is left behind by every panic on the way. Either let threads compute a key \
         again, or keep one `Arc<OnceLock<u64>>` per key: a `get_or_init` whose function panics leaves the `OnceLock` \
         empty, and the next one computes again."
    );
}

/// `misses` on a count another thread is changing waits its turn and answers the count: a busy count is no zero.
#[test]
fn misses_on_a_busy_count_waits_and_answers() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Arc::new(Memoizer::new(|n: u64| n + 1));
    let _ = memo.get(1);
    let _ = memo.get(2);
    let field: &dyn Any = &memo.misses;
    let Some(count) = field.downcast_ref::<Mutex<u64>>() else {
        return; // an `AtomicU64` is never busy
    };
    let held = count.lock().unwrap_or_else(PoisonError::into_inner);
    let (answer, answered) = mpsc::channel::<u64>();
    {
        let memo = Arc::clone(&memo);
        // Not joined: a `misses` stuck for good stays stuck, and the test reports it.
        thread::spawn(move || {
            let _ = answer.send(memo.misses());
        });
    }
    let early: Option<u64> = answered.recv_timeout(Duration::from_millis(300)).ok();
    drop(held);
    let late: Option<u64> = if early.is_some() { early } else { answered.recv_timeout(Duration::from_secs(2)).ok() };
    ::std::assert!(
        early.is_none(),
        "while another thread held the `misses` count's lock, `misses()` answered {} without waiting: it took a busy lock \
         for an answer (a `try_lock` that says 0, say), where 2 keys had been computed (see “Trying without waiting”)\n\
         `misses()` waits its turn with `lock()`: a count is locked for one statement at a time.",
        early.unwrap_or_default()
    );
    ::std::assert!(late == Some(2), "once the count's lock was free, `misses()` should answer 2, not {late:?}");
}

/// How many new keys each run of the test below asks for in a row, and how many runs it times.
const KEYS_IN_A_ROW: u64 = 64;
const RUNS_IN_A_ROW: u64 = 6;
/// The longest the quickest of those runs may take: 64 honest misses take about 64 µs (a lookup,
/// the test's quick function and one insert each), even on a loaded machine in one of the runs;
/// one walk through 200,000 answers takes a millisecond or more.
const RUN_AT_MOST: Duration = Duration::from_micros(1000);

/// New keys asked for one after the other each take one insert: no walk through the cache every few inserts either.
#[test]
fn new_keys_in_a_row_take_one_insert_each() {
    let fresh: Option<::std::string::String> = new_ran_the_function();
    ::std::assert!(fresh.is_none(), "{}", fresh.unwrap_or_default());
    let memo = Memoizer::new(|n: u64| n + 1);
    let known: &dyn Any = &memo.known;
    let Some(stored): Option<usize> = fill_the_cache_to_the_brim(known, 200_000) else {
        return; // `the_cache_holds_answers_or_one_oncelock_per_key` says why
    };
    if make_room_in_the_cache(known, (KEYS_IN_A_ROW * RUNS_IN_A_ROW) as usize).is_none() {
        return;
    }
    let started = Instant::now();
    let mut fastest: Duration = Duration::MAX;
    for run in 0..RUNS_IN_A_ROW {
        if run > 0 && started.elapsed() > Duration::from_secs(1) {
            break; // slow runs: those timed are enough to tell
        }
        let first: u64 = run * KEYS_IN_A_ROW;
        let timing = Instant::now();
        for key in first..first + KEYS_IN_A_ROW {
            let _ = memo.get(key);
        }
        fastest = fastest.min(timing.elapsed());
    }
    ::std::assert!(
        fastest <= RUN_AT_MOST,
        "with {stored} answers in the cache (and room for more), even the quickest run of {KEYS_IN_A_ROW} `get`s for new \
         keys in a row took {fastest:.1?}, where one insert each takes about {KEYS_IN_A_ROW} µs in all: every few inserts, \
         `get` works on the whole cache while holding its lock (a `retain`, a walk, a copy), and every other thread waits \
         for it then (see “Keeping the lock short”)\n\
         Store the one answer through the guard, every time: `self.known.lock().unwrap().insert(key, value)`."
    );
}
