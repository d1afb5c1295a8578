use super::*;
use std::sync::Arc;
use std::thread;

fn sample_store() -> ConfigStore {
    ConfigStore::new(&[("host", "localhost"), ("port", "8080")])
}

#[test]
fn get_returns_initial_values_and_none_for_unknown_keys() {
    let store = sample_store();
    assert_eq!(store.get("host"), Some("localhost".to_string()), "host was created as \"localhost\"");
    assert_eq!(store.get("port"), Some("8080".to_string()), "port was created as \"8080\"");
    assert_eq!(store.get("missing"), None, "a key that was never set should give None");
}

#[test]
fn set_changes_what_readers_see() {
    let store = sample_store();
    store.set("port", "9090");
    store.set("mode", "debug");
    assert_eq!(store.get("port"), Some("9090".to_string()), "set should replace an existing value");
    assert_eq!(store.get("mode"), Some("debug".to_string()), "set should add a new key");
}

#[test]
fn second_reader_gets_in_while_a_snapshot_is_held() {
    let store = sample_store();
    let snapshot = store.read();
    let second = store.try_read();
    assert!(
        second.is_some(),
        "while one reader holds a snapshot, another reader should still be let in (readers share the lock)"
    );
    assert_eq!(snapshot["host"], "localhost", "the first snapshot should see host = localhost");
    assert_eq!(second.unwrap()["port"], "8080", "the second snapshot should see port = 8080");
}

#[test]
fn reader_on_another_thread_shares_the_lock() {
    let store = sample_store();
    let snapshot = store.read();
    let seen_by_other_thread =
        thread::scope(|s| s.spawn(|| store.try_read().map(|settings| settings["host"].clone())).join().unwrap());
    assert_eq!(
        seen_by_other_thread,
        Some("localhost".to_string()),
        "a reader on another thread should get in while this thread holds a snapshot"
    );
    assert_eq!(snapshot["port"], "8080", "the snapshot held here should still be readable");
}

#[test]
fn writer_waits_for_readers_to_finish() {
    let store = sample_store();
    let snapshot = store.read();
    assert!(!store.try_set("port", "1"), "a writer must not get in while a reader holds a snapshot");
    assert_eq!(snapshot["port"], "8080", "the snapshot must not change while it is held");
    drop(snapshot);
    assert!(store.try_set("port", "1"), "once the snapshot is dropped, the writer should get in");
    assert_eq!(store.get("port"), Some("1".to_string()), "the write should now be visible");
}

#[test]
fn write_from_one_thread_is_seen_by_reader_threads() {
    let store = Arc::new(sample_store());
    let writer = Arc::clone(&store);
    thread::spawn(move || writer.set("version", "2")).join().unwrap();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let store = Arc::clone(&store);
            thread::spawn(move || store.get("version"))
        })
        .collect();
    for reader in readers {
        assert_eq!(
            reader.join().unwrap(),
            Some("2".to_string()),
            "every reader thread should see the value written by the writer thread"
        );
    }
}
