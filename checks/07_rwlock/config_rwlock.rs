use super::ConfigStore;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, PoisonError, RwLock, RwLockReadGuard};
use std::thread;
use std::time::{Duration, Instant};

type Map = HashMap<String, String>;

fn sample_store() -> ConfigStore {
    ConfigStore::new(&[("host", "localhost"), ("port", "8080")])
}

/// The settings live in an `RwLock`; `get` returns the initial values, and `None` for unknown keys.
#[test]
fn get_returns_initial_values_and_none_for_unknown_keys() {
    let store = sample_store();
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let host: Option<String> = store.get("host");
    let port: Option<String> = store.get("port");
    let missing: Option<String> = store.get("missing");
    let expected_host: Option<&str> = Some("localhost");
    ::std::assert_eq!(host.as_deref(), expected_host, "host was created as \"localhost\"");
    let expected_port: Option<&str> = Some("8080");
    ::std::assert_eq!(port.as_deref(), expected_port, "port was created as \"8080\"");
    let expected_missing: Option<String> = None;
    ::std::assert_eq!(missing, expected_missing, "a key that was never set should give None");
}

/// What the tests say when `set` does not return though nobody else holds the lock.
const SET_WAITS_FOR_ITSELF: &str = "`set` is stuck behind its own write guard: while that guard is alive, it asks the same lock \
     again (`read()` or `write()`, itself or through a helper such as `get` or `read`), and that request waits for the write \
     guard this very thread holds (see “A read guard blocks your own write”, where the same happens the other way round)\n\
     The write guard already lets `set` read and change every setting: look and insert through it, and call nothing that \
     locks the store while it is alive.";

/// What the tests say when `try_set("mode", "debug")` of a new key answers false with nobody else at the store.
const TRY_SET_NEW_KEY: &str = "with nobody reading or writing, `try_set(\"mode\", \"debug\")` answered false: the store was \
     free, so `try_write()` gets in, and `try_set` then adds the setting, a new key as well as one already there (`insert` \
     does both), and answers true (see “Trying without waiting”)";

/// `set` replaces and adds values that readers then see.
#[test]
fn set_changes_what_readers_see() {
    let store = Arc::new(sample_store());
    let (done, finished) = mpsc::channel::<()>();
    let admin = Arc::clone(&store);
    thread::spawn(move || {
        admin.set("port", "9090");
        admin.set("mode", "debug");
        let _ = done.send(());
    });
    let returned: bool = finished.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(returned, "`set` did not return within 2 s though nobody else held the lock: {SET_WAITS_FOR_ITSELF}");
    let port: Option<String> = store.get("port");
    let mode: Option<String> = store.get("mode");
    let expected_port: Option<&str> = Some("9090");
    ::std::assert_eq!(port.as_deref(), expected_port, "set should replace an existing value");
    let expected_mode: Option<&str> = Some("debug");
    ::std::assert_eq!(mode.as_deref(), expected_mode, "set should add a new key");
}

/// A setting the map holds, read through the field, whose key is not one of `given`: the first such
/// in the order of keys, with its value, or `None` when the map holds only keys given.
fn a_setting_nobody_gave(store: &ConfigStore, given: &[&str]) -> Option<(String, String)> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let settings = store.settings.read().unwrap_or_else(PoisonError::into_inner);
    let given: ::std::collections::HashSet<&str> = given.iter().copied().collect();
    let mut extra: Vec<(&String, &String)> = settings.iter().filter(|(key, _)| !given.contains(key.as_str())).collect();
    extra.sort_unstable();
    extra.first().map(|&(key, value)| (key.clone(), value.clone()))
}

/// What the tests say when the map holds `extra` = (key, value), a setting nobody gave, after `what`.
fn nobody_gave(what: &str, extra: &(String, String)) -> String {
    ::std::format!(
        "after {what}, the map held a setting nobody gave the store, {} = {}: the store put a setting of its own in beside \
         its callers' (a version count, a timestamp, a marker). Every reader then sees it: a `read()` snapshot lists it, \
         `get({})` answers it though nobody set it, and a caller who sets that key itself overwrites it, or has it \
         overwritten. A configuration store holds exactly the settings it was given, nothing of its own \
         (see “Readers and writers”)",
        shown(&extra.0),
        shown(&extra.1),
        shown(&extra.0)
    )
}

/// Checks that, after `what`, the map holds exactly the settings `due`: none of its own beside them
/// (named when there is one), none left out, none changed.
fn check_holds_exactly(store: &ConfigStore, what: &str, due: &[(&str, &str)]) {
    let given: Vec<&str> = due.iter().map(|&(key, _)| key).collect();
    let extra: Option<(String, String)> = a_setting_nobody_gave(store, &given);
    ::std::assert!(extra.is_none(), "{}", nobody_gave(what, &extra.clone().unwrap_or_default()));
    let mut held: Vec<(String, String)> = store.settings.read().unwrap_or_else(PoisonError::into_inner).clone().into_iter().collect();
    held.sort_unstable();
    let mut due: Vec<(String, String)> = due.iter().map(|&(key, value)| (key.to_string(), value.to_string())).collect();
    due.sort_unstable();
    ::std::assert!(
        held == due,
        "after {what}, the map held {held:?}, where {due:?} was due: a setting given was left out or changed on its way \
         in. A configuration store holds exactly the settings it was given: `new` puts in every pair, `set` and \
         `try_set` insert the one setting as it comes (see “Readers and writers”)"
    );
}

/// The store holds exactly the settings it was given, by `new`, `set` and `try_set`: no setting of its own beside them, none left out, none changed.
#[test]
fn the_store_holds_exactly_the_settings_given() {
    let empty = ConfigStore::new(&[]);
    crate::__learn::exact::<RwLock<Map>, _>(&empty.settings);
    check_holds_exactly(&empty, "`ConfigStore::new(&[])`", &[]);
    let store = sample_store();
    let mut what: String = "`ConfigStore::new(&[(\"host\", \"localhost\"), (\"port\", \"8080\")])`".to_string();
    check_holds_exactly(&store, &what, &[("host", "localhost"), ("port", "8080")]);
    store.set("port", "9090");
    what.push_str(" and `set(\"port\", \"9090\")`");
    check_holds_exactly(&store, &what, &[("host", "localhost"), ("port", "9090")]);
    store.set("theme", "dark");
    what.push_str(" and `set(\"theme\", \"dark\")`");
    check_holds_exactly(&store, &what, &[("host", "localhost"), ("port", "9090"), ("theme", "dark")]);
    let written: bool = store.try_set("mode", "debug");
    ::std::assert!(written, "{TRY_SET_NEW_KEY}");
    what.push_str(" and `try_set(\"mode\", \"debug\")`");
    check_holds_exactly(&store, &what, &[("host", "localhost"), ("port", "9090"), ("theme", "dark"), ("mode", "debug")]);
}

/// Settings as they may come, each to be kept exactly as given: an empty value, a key that differs
/// from another only in case, spaces around a key and a value, an empty key, line breaks, letters
/// beyond ASCII, and a value and a key longer than any limit a store might put on them.
fn settings_as_given(long: &str) -> [(&str, &str); 9] {
    [
        ("motd", ""),
        ("Host", "example.org"),
        (" banner ", " hello "),
        ("", "root"),
        ("footer", "line one\nline two"),
        ("crlf", "line one\r\nline two"),
        ("key\nwith a break", "é ✓"),
        ("long", long),
        (long, "a long key"),
    ]
}

/// The long value and key of `settings_as_given`: a megabyte, past any limit on a length.
fn long_value() -> String {
    "0123456789".repeat(100_000)
}

/// Names near those of `settings_as_given`, never given themselves, with what the sample store
/// answers for them: its own `host`, and nothing for the others.
const NEAR_NAMES: [(&str, Option<&str>); 5] =
    [("host", Some("localhost")), ("PORT", None), (" host", None), ("banner", None), ("HOST", None)];

/// A key or value as a message shows it: whole when short, else its start and its length.
fn shown(text: &str) -> String {
    if text.chars().count() <= 40 {
        ::std::format!("{text:?}")
    } else {
        let start: String = text.chars().take(20).collect();
        ::std::format!("{start:?}… ({} characters)", text.chars().count())
    }
}

/// An answer of `get` as a message shows it.
fn shown_answer(answer: Option<&str>) -> String {
    answer.map_or_else(|| "None".to_string(), |value| ::std::format!("Some({})", shown(value)))
}

/// What the store's map holds under exactly `key`, read through the field, not through `get`.
fn stored_under(store: &ConfigStore, key: &str) -> Option<String> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    store.settings.read().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
}

/// How `method`, given `key` = `value`, changed it on the way into the map, told from what the map
/// holds: `stored` under exactly `key`, and whatever landed under a near name. `earlier` is a value
/// given for the same key before this one, if any.
fn how_it_changed(store: &ConfigStore, method: &str, key: &str, value: &str, stored: Option<&str>, earlier: Option<&str>) -> String {
    let landed_under = |near: &str| near != key && stored_under(store, near).as_deref() == Some(value);
    // What the map holds under the key trimmed of its spaces, when trimming changes it.
    let under_trimmed: Option<String> = if key.trim() != key { stored_under(store, key.trim()) } else { None };
    // A key the map holds the value under that is the start of the one given: the key was cut short.
    let cut_key: Option<String> = keys_holding(store, value).into_iter().find(|held| held.len() < key.len() && key.starts_with(held.as_str()));
    match stored {
        Some(kept) if Some(kept) == earlier => ::std::format!("`{method}` kept the earlier value given for the key, {}", shown(kept)),
        Some(kept) if kept == value.trim() => ::std::format!("`{method}` trimmed the spaces off the value"),
        Some(kept) if kept.len() < value.len() && value.starts_with(kept) => ::std::format!(
            "`{method}` cut the value short, {} of its {} characters kept",
            kept.chars().count(),
            value.chars().count()
        ),
        Some(kept) if kept == value.replace("\r\n", "\n") => ::std::format!("`{method}` changed the value's line breaks"),
        Some(kept) => ::std::format!("`{method}` stored another value, {}", shown(kept)),
        None if under_trimmed.as_deref() == Some(value) => ::std::format!("`{method}` trimmed the spaces off the key"),
        None if value.trim() != value && under_trimmed.as_deref() == Some(value.trim()) => {
            ::std::format!("`{method}` trimmed the spaces off the key and the value")
        }
        None if landed_under(&key.to_lowercase()) || landed_under(&key.to_uppercase()) => {
            ::std::format!("`{method}` folded the key to one case")
        }
        None if cut_key.is_some() => ::std::format!(
            "`{method}` cut the key short: the map holds the value under its first {} of {} characters",
            cut_key.map_or(0, |held| held.chars().count()),
            key.chars().count()
        ),
        None => {
            // Which side `method` refused, asked again on stores of their own: the same key with a
            // plain value, and the same value under a plain key.
            let key_taken: bool = kept_by(method, key, "plain");
            let value_taken: bool = kept_by(method, "plain", value);
            match (key_taken, value_taken) {
                (true, false) => ::std::format!(
                    "`{method}` dropped the setting because of its value, which holds {}",
                    kinds_of_characters(value)
                ),
                (false, true) => ::std::format!(
                    "`{method}` dropped the setting because of its key, which holds {}",
                    kinds_of_characters(key)
                ),
                _ => ::std::format!(
                    "`{method}` dropped the setting: its key holds {}, and its value {}",
                    kinds_of_characters(key),
                    kinds_of_characters(value)
                ),
            }
        }
    }
}

/// The keys under which the map holds exactly `value`, read through the field.
fn keys_holding(store: &ConfigStore, value: &str) -> Vec<String> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let settings = store.settings.read().unwrap_or_else(PoisonError::into_inner);
    settings.iter().filter(|(_, held)| held.as_str() == value).map(|(key, _)| key.clone()).collect()
}

/// Whether `method` (`new`, `set` or `try_set`), given `key` = `value` on a store of its own, keeps
/// it exactly under `key`.
fn kept_by(method: &str, key: &str, value: &str) -> bool {
    let store: ConfigStore = match method {
        "new" => ConfigStore::new(&[(key, value)]),
        _ => {
            let store = sample_store();
            if method == "try_set" {
                let _ = store.try_set(key, value);
            } else {
                store.set(key, value);
            }
            store
        }
    };
    stored_under(&store, key).as_deref() == Some(value)
}

/// The kinds of characters `text` holds, as a message lists them: "a line break, spaces and
/// characters beyond ASCII ('é', '✓')".
fn kinds_of_characters(text: &str) -> String {
    if text.is_empty() {
        return "nothing at all (it is empty)".to_string();
    }
    let mut kinds: Vec<String> = Vec::new();
    let has = |test: fn(&char) -> bool| text.chars().any(|c| test(&c));
    if has(|c| c.is_ascii_alphabetic()) {
        kinds.push("letters".to_string());
    }
    if has(char::is_ascii_digit) {
        kinds.push("digits".to_string());
    }
    if text.contains(' ') {
        kinds.push("spaces".to_string());
    }
    if text.contains('\n') {
        kinds.push("a line break".to_string());
    }
    if text.contains('\r') {
        kinds.push("a carriage return".to_string());
    }
    if text.contains('\t') {
        kinds.push("a tab".to_string());
    }
    if has(|c| c.is_control() && !['\n', '\r', '\t'].contains(c)) {
        kinds.push("other control characters".to_string());
    }
    let mut punctuation: Vec<char> = text.chars().filter(char::is_ascii_punctuation).collect();
    punctuation.sort_unstable();
    punctuation.dedup();
    if !punctuation.is_empty() {
        let listed: Vec<String> = punctuation.iter().take(8).map(|c| ::std::format!("{c:?}")).collect();
        kinds.push(::std::format!("punctuation ({})", listed.join(", ")));
    }
    let mut beyond: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    beyond.sort_unstable();
    beyond.dedup();
    if !beyond.is_empty() {
        let listed: Vec<String> = beyond.iter().take(8).map(|c| ::std::format!("{c:?}")).collect();
        kinds.push(::std::format!("characters beyond ASCII ({})", listed.join(", ")));
    }
    let count: usize = text.chars().count();
    if count > 40 {
        kinds.push(::std::format!("{count} characters in all"));
    }
    match kinds.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => ::std::format!("{} and {last}", rest.join(", ")),
        None => "nothing at all (it is empty)".to_string(),
    }
}

/// What `get(key)` did wrong when it answered `got` though the map holds the value due under
/// exactly `key`.
fn how_get_misread(key: &str, value: &str, got: Option<&str>) -> String {
    match got {
        None if value.is_empty() => ::std::format!(
            "the map holds the empty value under exactly {}, so `get` hid the setting because its value is empty: \"\" is a \
             value, and `Some(\"\")` tells the caller the setting is there and empty",
            shown(key)
        ),
        None if key.trim() != key || key.to_lowercase() != key || key.to_uppercase() != key => ::std::format!(
            "the map holds it under exactly {}, so `get` looked up another key than it was asked for (one trimmed of its \
             spaces, or folded to one case), or judged the value {} and hid it",
            shown(key),
            shown(value)
        ),
        None => ::std::format!(
            "the map holds it under exactly {}, so `get` hid it: it judged the key or the value ({}, which holds {}) and \
             answered None for a setting that is there",
            shown(key),
            shown(value),
            kinds_of_characters(value)
        ),
        Some(answer) if answer == value.replace("\r\n", "\n") => ::std::format!(
            "the map holds it as it was given under exactly {}, so `get` changed the value's line breaks on the way out",
            shown(key)
        ),
        Some(_) => ::std::format!(
            "the map holds it as it was given under exactly {}, so `get` changed the value on the way out, or looked \
             up another key",
            shown(key)
        ),
    }
}

/// Checks that, once `method` has put `given` into `store` (a sample store), `get` answers each
/// setting exactly as given, and the near names as before. When an answer is off, the message
/// says which side changed it: what went into the map, or what `get` looked up.
fn check_kept_exactly(store: &ConfigStore, method: &str, given: &[(&str, &str)]) {
    for &(key, value) in given {
        let got: Option<String> = store.get(key);
        let stored: Option<String> = stored_under(store, key);
        let same: bool = got.as_deref() == Some(value);
        let how: String = if stored.as_deref() == Some(value) {
            how_get_misread(key, value, got.as_deref())
        } else {
            how_it_changed(store, method, key, value, stored.as_deref(), None)
        };
        ::std::assert!(
            same,
            "after `{method}({}, {})`, `get({})` answered {}: {how}. A configuration store keeps each key and value \
             exactly as they come (an empty value is a value, keys that differ in case are two settings, spaces and line \
             breaks belong to them, and no length is too long): `{method}` inserts them as they are, and `get` looks up \
             exactly the key it is asked for.",
            shown(key),
            shown(value),
            shown(key),
            shown_answer(got.as_deref())
        );
    }
    for (near, due) in NEAR_NAMES {
        let got: Option<String> = store.get(near);
        let same: bool = got.as_deref() == due;
        let stored: Option<String> = stored_under(store, near);
        // A setting given under another name that landed here: `method` changed its key.
        let landed: Option<(&str, &str)> =
            given.iter().copied().find(|&(key, value)| key != near && stored.as_deref() == Some(value) && due != Some(value));
        let how: String = match landed {
            Some((key, _)) if near == key.trim() => ::std::format!("`{method}` stored {} under the key trimmed of its spaces", shown(key)),
            Some((key, _)) => ::std::format!("`{method}` stored {} under the key folded to one case", shown(key)),
            None => "the map holds nothing under that name, so `get` looked up another name than it was asked for \
                     (trimmed it, folded its case, or tried a near name when the name itself was missing)"
                .to_string(),
        };
        ::std::assert!(
            same,
            "after `{method}` was given {} settings, none of them named {}, `get({})` answered {} where {} was due: {how}. A \
             configuration store keeps each key exactly as it comes, and `get` looks up exactly the key it is asked for.",
            given.len(),
            shown(near),
            shown(near),
            shown_answer(got.as_deref()),
            shown_answer(due)
        );
    }
}

/// Words some code takes for something else than a plain value (a missing value, a comment, a
/// `key=value` line, a boolean, an empty list, an escape, a quote): to the store they are text.
const SENTINELS: [&str; 30] = [
    "null", "None", "nil", "undefined", "#comment", "=", "a=b", "true", "false", "0", "", "[]", "{}", "\\", "\"quoted\"",
    "NULL", "none", "NaN", "-1", "#", "//comment", ";comment", "key=value", "=value", "key=", "[section]", "${HOME}", "%s",
    "'single'", "  ",
];

/// Texts a store might mistake for something else: every printable ASCII character alone, at the
/// start, in the middle and at the end of a word, and the `SENTINELS`.
fn awkward_texts() -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for c in (b' '..=b'~').map(char::from) {
        texts.extend([c.to_string(), ::std::format!("{c}start"), ::std::format!("mid{c}dle"), ::std::format!("end{c}")]);
    }
    texts.extend(SENTINELS.iter().map(|word| word.to_string()));
    texts.sort_unstable();
    texts.dedup();
    texts
}

/// Settings made of `awkward_texts`: each text once as a key (with a plain value), once as a
/// value (under a plain key).
fn awkward_settings() -> Vec<(String, String)> {
    let mut settings: Vec<(String, String)> = Vec::new();
    for (i, text) in awkward_texts().into_iter().enumerate() {
        settings.push((text.clone(), ::std::format!("value {i}")));
        settings.push((::std::format!("key {i}"), text));
    }
    settings
}

/// Checks that `get` answers each of `given` exactly as given, once `method` has put them into
/// `store` (`None`: the test put them into the map itself). The first setting that came back wrong
/// fails the test, with what came back and which side changed it.
fn check_round_trip(store: &ConfigStore, method: Option<&str>, given: &[(String, String)]) {
    let wrong: Option<(&str, &str, Option<String>)> = given.iter().find_map(|(key, value)| {
        let got: Option<String> = store.get(key);
        (got.as_deref() != Some(value.as_str())).then_some((key.as_str(), value.as_str(), got))
    });
    let all_kept: bool = wrong.is_none();
    let (key, value, got): (&str, &str, Option<String>) = wrong.unwrap_or_default();
    let stored: Option<String> = stored_under(store, key);
    let (given_by, whose): (String, String) = match method {
        Some(method) if stored.as_deref() != Some(value) => (
            ::std::format!("`{method}` was given"),
            match stored.as_deref() {
                Some(kept) => ::std::format!("the map holds {} under that key, so `{method}` changed it", shown(kept)),
                None => ::std::format!("the map holds nothing under that key, so `{method}` dropped it"),
            },
        ),
        Some(method) => (::std::format!("`{method}` was given"), "the map holds it as given, so `get` changed or hid it".to_string()),
        None => ("the map was filled with".to_string(), "the map holds it as given, so `get` changed or hid it".to_string()),
    };
    ::std::assert!(
        all_kept,
        "`get({})` answered {} where {} was due, after {given_by} {} settings whose keys and values hold every printable \
         ASCII character and words such as \"null\", \"#comment\" or \"a=b\": {whose}. A configuration store gives no \
         character and no word a meaning of its own: every key and value is kept and answered exactly as it comes.",
        shown(key),
        shown_answer(got.as_deref()),
        shown_answer(Some(value)),
        given.len()
    );
}

/// Keys and values are kept exactly as given by `set`: an empty value is a value, keys that differ only in case are two settings, and no character or word (`=`, `#`, "null") means anything.
#[test]
fn settings_are_kept_exactly_as_given() {
    let store = sample_store();
    let long: String = long_value();
    let given: [(&str, &str); 9] = settings_as_given(&long);
    for (key, value) in given {
        store.set(key, value);
    }
    check_kept_exactly(&store, "set", &given);
    let awkward: Vec<(String, String)> = awkward_settings();
    let store = sample_store();
    for (key, value) in &awkward {
        store.set(key, value);
    }
    check_round_trip(&store, Some("set"), &awkward);
}

/// `get` answers every setting the map holds exactly as it is, whatever characters or words its key and value hold.
#[test]
fn get_answers_every_setting_exactly_as_stored() {
    let store = sample_store();
    let awkward: Vec<(String, String)> = awkward_settings();
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    store.settings.write().unwrap().extend(awkward.iter().cloned());
    check_round_trip(&store, None, &awkward);
}

/// On a free store, `try_set` keeps every setting exactly as given, as `set` does, whatever characters or words it holds, and answers true for each.
#[test]
fn try_set_on_a_free_store_keeps_settings_exactly_as_given() {
    let store = sample_store();
    let long: String = long_value();
    let given: [(&str, &str); 9] = settings_as_given(&long);
    for (key, value) in given {
        let before: Option<String> = stored_under(&store, key);
        let was_there: bool = before.is_some();
        let written: bool = store.try_set(key, value);
        let stored: Option<String> = stored_under(&store, key);
        let why: String = if stored.as_deref() == Some(value) {
            "yet the value went in: true means it did, whether it replaced a value or added a key".to_string()
        } else if written {
            String::new()
        } else {
            // What the refusal was about, asked once it is known: the same key with a plain value,
            // and the same value under a key the store holds.
            let plain_value_taken: bool = store.try_set(key, "plain");
            let known_key_taken: bool = store.try_set("port", value);
            let refused: String = match (plain_value_taken, known_key_taken) {
                (true, false) if value.is_empty() => "an empty value".to_string(),
                (true, false) if value.contains('\n') => "a value with a line break".to_string(),
                (true, false) if value.trim() != value => "a value with spaces around it".to_string(),
                (true, false) => ::std::format!("a value of {} characters", value.chars().count()),
                (false, true) if !was_there => {
                    "a key the store did not hold yet (`insert` adds a new key as well as replacing a value)".to_string()
                }
                (false, true) if key.is_empty() => "an empty key".to_string(),
                (false, true) if key.contains('\n') => "a key with a line break".to_string(),
                (false, true) if key.trim() != key => "a key with spaces around it".to_string(),
                _ => "this setting".to_string(),
            };
            let went_in: String = match stored.as_deref() {
                Some(kept) if stored != before => ::std::format!("and stored {} under the key", shown(kept)),
                _ => "and nothing went in".to_string(),
            };
            ::std::format!(
                "{went_in}: it refused {refused}, and false tells the caller the store was busy, which it was not"
            )
        };
        ::std::assert!(
            written,
            "with nobody reading or writing, `try_set({}, {})` answered false, {why}. On a free store `try_write()` gets in, \
             and `try_set` inserts the key and value exactly as they come, as `set` does, and answers true \
             (see “Trying without waiting”)",
            shown(key),
            shown(value)
        );
    }
    check_kept_exactly(&store, "try_set", &given);
    let awkward: Vec<(String, String)> = awkward_settings();
    let store = sample_store();
    let refused: Option<&(String, String)> = awkward.iter().find(|(key, value)| !store.try_set(key, value));
    let (key, value): (&str, &str) = refused.map_or(("", ""), |(key, value)| (key.as_str(), value.as_str()));
    ::std::assert!(
        refused.is_none(),
        "with nobody reading or writing, `try_set({}, {})` answered false: on a free store `try_write()` gets in, and \
         `try_set` inserts every key and value exactly as it comes, whatever characters or words they hold, and answers \
         true (see “Trying without waiting”)",
        shown(key),
        shown(value)
    );
    check_round_trip(&store, Some("try_set"), &awkward);
}

/// Where the value of `key` lives in memory: changed in place, the other settings stay where they are.
fn address_of(store: &ConfigStore, key: &str) -> Option<usize> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    store.settings.read().unwrap().get(key).map(|value| value.as_ptr() as usize)
}

/// `set` and `try_set` change the one setting in place, under the write guard: the other settings are not copied and written back.
#[test]
fn set_changes_one_setting_in_place() {
    let store = sample_store();
    let host_before: Option<usize> = address_of(&store, "host");
    store.set("port", "9090");
    let host_after_set: Option<usize> = address_of(&store, "host");
    let written: bool = store.try_set("mode", "debug");
    let host_after_try_set: Option<usize> = address_of(&store, "host");
    let kept_by_set: bool = host_before.is_some() && host_after_set == host_before;
    ::std::assert!(
        kept_by_set,
        "`set` wrote back a copy of all the settings instead of changing the one in place (see “Copying out versus changing in place”)\n\
         It put a new copy of every setting in place of the old ones: every change then copies the whole store while every \
         reader waits, even under one write guard, and a copy taken under one guard and put back under another also erases \
         whatever another thread set between the two. Take `write()` once and insert the one setting through that guard."
    );
    ::std::assert!(written, "{TRY_SET_NEW_KEY}");
    let kept_by_try_set: bool = host_after_try_set == host_before;
    ::std::assert!(
        kept_by_try_set,
        "`try_set` wrote back a copy of all the settings instead of changing the one in place (see “Copying out versus changing in place”)\n\
         Insert the one setting through the guard that `try_write()` gives you."
    );
    let port: Option<String> = store.get("port");
    let mode: Option<String> = store.get("mode");
    let expected_port: Option<&str> = Some("9090");
    ::std::assert_eq!(port.as_deref(), expected_port, "set should replace an existing value");
    let expected_mode: Option<&str> = Some("debug");
    ::std::assert_eq!(mode.as_deref(), expected_mode, "try_set should add a new key");
}

/// How long a call may take before the tests below call it stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);
/// How many times the test below has `get` meet a writer (each round a few milliseconds for `get`
/// as it should be).
const TWICE_ROUNDS: usize = 12;

/// How long the writer in the test below keeps the write lock once it has it, waiting for `get`'s
/// answer: `get` answers within microseconds of letting its guard go, so only a `get` that asked
/// for the lock again is still waiting when this runs out.
const WRITER_HOLDS_FOR_GET: Duration = Duration::from_secs(1);
/// How long the key is in the tests where `get` or `try_set` meets a writer: hashing it keeps the
/// call holding its guard for some milliseconds, time enough for another thread to line up behind
/// it on a busy machine.
const TWICE_KEY: usize = 16 << 20;
/// How long the test below keeps its own read guard while `get` reads: `get` as it should be
/// answers within milliseconds, one that asks for `read()` again waits however long this lasts.
const OWN_GUARD_AT_MOST: Duration = Duration::from_millis(200);

/// How a `get` that met a writer in line ended.
enum MetAWriter {
    /// `get` answered, with this value, without waiting for the writer.
    Answered(Option<String>),
    /// `get` answered only after the writer had taken the lock and let it go.
    WaitedForTheWriter,
    /// `get` did not answer within `STUCK_AFTER` of the writer lining up.
    Stuck,
}

/// One round: `get(key)` runs on another thread, and the moment it holds its read guard the test
/// takes a read guard of its own and a writer on a third thread asks for `write()`, so the writer
/// lines up while `get` is still reading. Hashing the long `key` keeps `get` reading for
/// milliseconds, while the writer lines up within microseconds. The test's own guard outlives
/// `get`'s first one, so the lock never falls free in between and the writer stays first in line:
/// a second `read()` by `get`, under its first guard or after it, waits behind the writer. Once the writer has the lock it keeps it until `get` has answered (at
/// most `WRITER_HOLDS_FOR_GET`), so a `get` that asked again is seen waiting for it.
fn get_while_a_writer_lines_up(store: &Arc<ConfigStore>, key: &str) -> MetAWriter {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let answered = Arc::new(AtomicBool::new(false));
    let (go, may_write) = mpsc::channel::<()>();
    let (held, writer_held) = mpsc::channel::<bool>();
    let (writer_store, writer_sees) = (Arc::clone(store), Arc::clone(&answered));
    thread::spawn(move || {
        if may_write.recv_timeout(STUCK_AFTER).is_ok() {
            let writing = writer_store.settings.write();
            let since = Instant::now();
            while !writer_sees.load(Ordering::SeqCst) && since.elapsed() < WRITER_HOLDS_FOR_GET {
                thread::sleep(Duration::from_micros(100));
            }
            // Whether `get` was still waiting all the time the writer held the lock. The lock is let
            // go before the test hears of it, so that the next round finds it free.
            let waited: bool = !writer_sees.load(Ordering::SeqCst);
            drop(writing);
            let _ = held.send(waited);
        }
    });
    let (answer, answers) = mpsc::channel::<Option<String>>();
    let (asker, key, asker_done) = (Arc::clone(store), key.to_string(), Arc::clone(&answered));
    thread::spawn(move || {
        let value: Option<String> = asker.get(&key);
        asker_done.store(true, Ordering::SeqCst);
        let _ = answer.send(value);
    });
    // Until `get` holds a read guard, the write lock is free: taken and let go at once.
    // A round where it already answered tells nothing, and needs no more looking.
    let deadline = Instant::now() + STUCK_AFTER;
    while Instant::now() < deadline && !answered.load(Ordering::SeqCst) {
        let Ok(writing) = store.settings.try_write() else { break };
        drop(writing);
        for _ in 0..64 {
            ::std::hint::spin_loop();
        }
    }
    let own_guard = store.settings.read();
    let _ = go.send(());
    let holding = Instant::now();
    while !answered.load(Ordering::SeqCst) && holding.elapsed() < OWN_GUARD_AT_MOST {
        thread::sleep(Duration::from_micros(100));
    }
    drop(own_guard);
    let Ok(value) = answers.recv_timeout(STUCK_AFTER + WRITER_HOLDS_FOR_GET) else { return MetAWriter::Stuck };
    match writer_held.recv_timeout(STUCK_AFTER) {
        Ok(true) => MetAWriter::WaitedForTheWriter,
        _ => MetAWriter::Answered(value),
    }
}

/// A writer that lines up while `get` is reading neither leaves `get` stuck nor makes it wait: `get` takes `read()` once, and does all its looking under that one guard.
#[test]
fn get_returns_when_a_writer_lines_up_while_it_reads() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let long_key: String = "k".repeat(TWICE_KEY);
    store.settings.write().unwrap().insert(long_key.clone(), "on".to_string());
    for _ in 0..TWICE_ROUNDS {
        let value: Option<String> = match get_while_a_writer_lines_up(&store, &long_key) {
            MetAWriter::Answered(value) => value,
            MetAWriter::Stuck => ::std::panic!(
                "`get` did not return within 2 s: it takes `read()` a second time while its own read guard is still alive, and \
                 a writer lined up in between (see “A read guard blocks your own write”)\n\
                 A thread that takes `read()` twice can also hang: a writer waiting in line holds back every new reader, this \
                 thread's second `read()` included, and the writer itself waits for this thread's first guard. Neither can \
                 go on. Look the setting up under the one read guard you have: `self.read().get(key).cloned()`."
            ),
            MetAWriter::WaitedForTheWriter => ::std::panic!(
                "a writer lined up while `get` was reading, and `get` did not answer until that writer had taken the lock and \
                 let it go: `get` let its read guard go and then asked for `read()` again (a check such as `contains_key` \
                 under one guard and the value under a second), and here a writer waiting in line goes before a new reader. Every \
                 `get` pays for two locks, and waits for any writer that arrives between them (see “Readers and writers”)\n\
                 Do all the looking under one read guard: `self.read().get(key).cloned()` answers `None` for a missing key."
            ),
        };
        let expected: Option<&str> = Some("on");
        ::std::assert_eq!(value.as_deref(), expected, "`get` of a setting that is there should answer its value");
    }
}

/// How long the key of the long setting is: copying and hashing it keeps `set` busy for some
/// milliseconds, so a reader on another thread gets many looks at the store meanwhile.
const LONG_KEY: usize = 1 << 20;
/// How many times the long setting is stored (each a few milliseconds of looking).
const LONG_SETS: usize = 4;

/// While `set` stores a setting, a reader on another thread never finds the other settings gone: the map never leaves the lock.
#[test]
fn readers_never_find_the_settings_gone_while_set_runs() {
    let store = sample_store();
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let long_key: String = "k".repeat(LONG_KEY);
    let start = Barrier::new(2);
    let (done, gone) = (AtomicBool::new(false), AtomicBool::new(false));
    let looks = AtomicUsize::new(0);
    // A reader that keeps looking for `host` all the time `set` runs: `set` done under one
    // `write()` keeps it waiting, so it only ever sees the store before or after the change.
    thread::scope(|s| {
        s.spawn(|| {
            start.wait();
            while !done.load(Ordering::SeqCst) {
                let host_there: bool =
                    store.settings.read().unwrap_or_else(PoisonError::into_inner).contains_key("host");
                looks.fetch_add(1, Ordering::SeqCst);
                if !host_there {
                    gone.store(true, Ordering::SeqCst);
                }
            }
        });
        start.wait();
        // On a loaded machine the reader may not run at all during the first stores: `set` goes
        // on until it has, for a while at most.
        let started = Instant::now();
        let mut sets: usize = 0;
        while !gone.load(Ordering::SeqCst)
            && (sets < LONG_SETS || looks.load(Ordering::SeqCst) == 0)
            && started.elapsed() < STUCK_AFTER
        {
            store.set(&long_key, "on");
            sets += 1;
        }
        done.store(true, Ordering::SeqCst);
    });
    let host_gone: bool = gone.load(Ordering::SeqCst);
    ::std::assert!(
        !host_gone,
        "while `set` was storing a setting, a reader on another thread found the store without its other settings \
         (`host` was gone): `set` moved the whole map out of the lock (with `mem::take` or `mem::replace`), changed it with \
         no lock held and put it back under a second `write()` (see “Check and act under one lock”)\n\
         Between the two guards every reader finds an empty store, and a `set` on another thread in that moment takes the \
         empty map and later writes it back over everything. Take `write()` once and insert the one setting through that guard."
    );
    let stored: Option<String> = store.get(&long_key);
    let expected_stored: Option<&str> = Some("on");
    ::std::assert!(
        stored.as_deref() == expected_stored,
        "once `set` had stored a setting whose key is {LONG_KEY} characters long, `get` of that key answered {}, where \
         Some(\"on\") was due: the setting was not kept under its key as given (the same fault as in \
         settings_are_kept_exactly_as_given, which says how)",
        shown_answer(stored.as_deref())
    );
}

// A `set` that removes the setting under one write guard and inserts it under a second leaves a
// moment between the two with the setting missing. No code of the test runs in that moment, so
// the test makes the lock itself stop `set` there: it holds a snapshot so that `set` lines up for
// the write lock, and lines up `QUEUED_READERS` readers behind it. Waiting readers are let in
// only once a writer lets go, and the writer's own thread wakes them all before it can go on: the
// first reader awake by then takes a guard, and the second `write()` of `set` waits for it. The
// readers look for the setting being changed: before and after the change it is there.
const QUEUED_READERS: usize = 64;
/// At most this many rounds, each a few milliseconds (a round can miss the moment on a busy machine).
const GONE_ROUNDS: usize = 30;

/// One round: whether every reader let in right after `set`'s first write guard found `port` (and
/// `host`) there; `None` when the round could not be played.
fn readers_behind_set_find_the_setting(store: &Arc<ConfigStore>) -> Option<bool> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let snapshot: RwLockReadGuard<'_, Map> = store.settings.read().unwrap();
    let (done, finished) = mpsc::channel::<()>();
    let admin = Arc::clone(store);
    thread::spawn(move || {
        admin.set("port", "1");
        let _ = done.send(());
    });
    // Once `set` waits for the write lock, new readers are held back too.
    let deadline = Instant::now() + STUCK_AFTER;
    while store.settings.try_read().is_ok() {
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_micros(200));
    }
    let gone = Arc::new(AtomicBool::new(false));
    let (queueing, readers_queueing) = mpsc::channel::<()>();
    let readers: Vec<thread::JoinHandle<()>> = (0..QUEUED_READERS)
        .map(|_| {
            let (store, gone, queueing) = (Arc::clone(store), Arc::clone(&gone), queueing.clone());
            thread::spawn(move || {
                let _ = queueing.send(());
                let reading = store.settings.read().unwrap_or_else(PoisonError::into_inner);
                if !(reading.contains_key("port") && reading.contains_key("host")) {
                    gone.store(true, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for _ in 0..QUEUED_READERS {
        readers_queueing.recv_timeout(STUCK_AFTER).ok()?;
    }
    thread::sleep(Duration::from_millis(1)); // time for the readers to line up behind `set`
    drop(snapshot);
    finished.recv_timeout(STUCK_AFTER).ok()?;
    for reader in readers {
        let _ = reader.join();
    }
    Some(!gone.load(Ordering::SeqCst))
}

/// Readers let in while `set` changes a setting always find that setting, old or new: it is replaced under one write guard, never missing.
#[test]
fn readers_never_find_the_setting_being_set_gone() {
    let started = Instant::now();
    for _ in 0..GONE_ROUNDS {
        if started.elapsed() > STUCK_AFTER {
            return;
        }
        let store = Arc::new(sample_store());
        let Some(found) = readers_behind_set_find_the_setting(&store) else { return };
        let found: bool = found;
        ::std::assert!(
            found,
            "while `set(\"port\", \"1\")` ran, a reader on another thread found no `port` at all, neither the old value nor \
             the new one: `set` took the setting out (with `remove`, or the whole map with it) under one write guard and put the \
             new value in under a second `write()`, and readers were let in between the two (see “Check and act under one lock”)\n\
             A change made in two steps under two guards is seen half done. Take `write()` once and `insert` the new value \
             through that guard: it replaces the old one in a single step."
        );
    }
}

/// While a reader holds a snapshot, `set` waits in `write()`, asleep, rather than retrying `try_write` in a loop.
#[test]
fn set_waits_for_readers_without_spinning() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let snapshot: RwLockReadGuard<'_, Map> = store.settings.read().unwrap();
    let (done, finished) = mpsc::channel::<()>();
    let admin = Arc::clone(&store);
    thread::spawn(move || {
        admin.set("port", "9090");
        let _ = done.send(());
    });
    // A writer waiting in `write()` is queued by the lock, and the standard library's `RwLock`
    // then keeps new readers out until that writer has had its turn. A loop of `try_write`
    // calls never queues: new readers keep getting in.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut writer_queued: bool = false;
    while !writer_queued && Instant::now() < deadline {
        writer_queued = store.settings.try_read().is_err();
        thread::sleep(Duration::from_millis(1));
    }
    let returned_early: bool = finished.try_recv().is_ok();
    let port_during: String = snapshot["port"].clone();
    drop(snapshot);
    let returned: bool = finished.recv_timeout(Duration::from_secs(2)).is_ok();
    ::std::assert!(
        !returned_early,
        "`set` returned while a reader still held a snapshot, so it cannot have written: it should wait for the write lock"
    );
    ::std::assert_eq!(port_during, "8080", "the snapshot must not change while it is held");
    ::std::assert!(
        writer_queued,
        "while a reader held a snapshot, `set` never waited in line for the write lock: it kept retrying `try_write` in a loop (see “Trying without waiting”)\n\
         Such a loop keeps a processor busy asking the same question. `write()` is the method that waits: it sleeps until the readers are gone."
    );
    ::std::assert!(
        returned,
        "once the snapshot was dropped, `set` still did not return within 2 s, though nobody else held the lock: {SET_WAITS_FOR_ITSELF}"
    );
    let port: Option<String> = store.get("port");
    let expected_port: Option<&str> = Some("9090");
    ::std::assert_eq!(port.as_deref(), expected_port, "the write should now be visible");
}

/// While one read guard is held, `try_read` lets a second reader in.
#[test]
fn second_reader_gets_in_while_a_snapshot_is_held() {
    let store = sample_store();
    let snapshot: RwLockReadGuard<'_, Map> = store.read();
    let second: Option<RwLockReadGuard<'_, Map>> = store.try_read();
    let second_got_in: bool = second.is_some();
    ::std::assert!(
        second_got_in,
        "while one reader holds a snapshot, another reader should still be let in (readers share the lock)"
    );
    let host: String = snapshot["host"].clone();
    let port: Option<String> = second.map(|s| s["port"].clone());
    ::std::assert_eq!(host, "localhost", "the first snapshot should see host = localhost");
    let expected_port: Option<&str> = Some("8080");
    ::std::assert_eq!(port.as_deref(), expected_port, "the second snapshot should see port = 8080");
}

/// On a free store, or one only read, `try_read` gives a guard whatever the store holds: an empty store is a store to read too.
#[test]
fn try_read_gives_a_guard_whatever_the_store_holds() {
    let stores: [(&str, ConfigStore); 4] = [
        ("an empty store", ConfigStore::new(&[])),
        ("a store of one setting with an empty key and an empty value", ConfigStore::new(&[("", "")])),
        ("a store of one setting", ConfigStore::new(&[("mode", "debug")])),
        ("a store of two settings", sample_store()),
    ];
    for (what, store) in &stores {
        let free: bool = store.try_read().is_some();
        let beside_a_reader: bool = {
            let snapshot: RwLockReadGuard<'_, Map> = store.read();
            let second: bool = store.try_read().is_some();
            drop(snapshot);
            second
        };
        ::std::assert!(
            free && beside_a_reader,
            "on {what}, {}, `try_read()` answered None: None says a writer holds the lock, and none did. The guard is \
             for the caller to look through, an empty map included; what the store holds is no reason to refuse it. \
             Answer what the lock's own `try_read()` answered, `.ok()`, whatever the settings \
             (see “Trying without waiting”)",
            if free { "while another reader held a snapshot" } else { "with nobody reading or writing" }
        );
    }
}

/// A reader on another thread gets in while this thread holds a snapshot.
#[test]
fn reader_on_another_thread_shares_the_lock() {
    let store = sample_store();
    let snapshot: RwLockReadGuard<'_, Map> = store.read();
    let seen_by_other_thread: Option<String> =
        thread::scope(|s| s.spawn(|| store.try_read().map(|settings| settings["host"].clone())).join().unwrap());
    let expected_seen_by_other_thread: Option<&str> = Some("localhost");
    ::std::assert_eq!(
        seen_by_other_thread.as_deref(),
        expected_seen_by_other_thread,
        "a reader on another thread should get in while this thread holds a snapshot"
    );
    let port: String = snapshot["port"].clone();
    ::std::assert_eq!(port, "8080", "the snapshot held here should still be readable");
}

/// While one handler holds a snapshot, `read()` on another thread gets in at once: readers do not wait for each other.
#[test]
fn read_on_another_thread_does_not_wait_for_a_snapshot() {
    let store = Arc::new(sample_store());
    let snapshot: RwLockReadGuard<'_, Map> = store.read();
    let other = Arc::clone(&store);
    let (tx, rx) = mpsc::channel::<Option<String>>();
    thread::spawn(move || {
        let host: Option<String> = other.read().get("host").cloned();
        let _ = tx.send(host);
    });
    let seen: Option<Option<String>> = rx.recv_timeout(Duration::from_secs(2)).ok();
    drop(snapshot);
    ::std::assert!(
        seen.is_some(),
        "while one handler held a snapshot, `read()` on another thread waited for it: readers shut each other out. \
         `read()` only reads, yet it took the write lock just to read: a `write()`, whether held, let go before the \
         `read()` as a gate, or downgraded afterwards, first waits for every reader to finish. Take the lock's own \
         `read()` and nothing else (see “Readers and writers”)"
    );
    let host: Option<String> = seen.flatten();
    let expected_host: Option<&str> = Some("localhost");
    ::std::assert_eq!(host.as_deref(), expected_host, "the second reader should see host = localhost");
}

/// A key `get` is asked for beside a read guard: the key, what is due, and where the answer comes.
type AskedBeside = (&'static str, Option<&'static str>, mpsc::Receiver<Option<String>>);
/// The same once asked: the key, what is due, and the answer if one came within `STUCK_AFTER`.
type SeenBeside = (&'static str, Option<&'static str>, Option<Option<String>>);

/// While one handler holds a read guard, `get` on another thread answers at once, for a key that is set and for one never set alike: looking a setting up only reads, never with the writer's lock.
#[test]
fn get_on_another_thread_does_not_wait_for_a_snapshot() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let snapshot: RwLockReadGuard<'_, Map> = store.settings.read().unwrap();
    // Each key asked on a thread of its own, all while the test holds its guard.
    let asked: Vec<AskedBeside> = [("port", Some("8080")), ("missing", None), ("mode", None)]
        .into_iter()
        .map(|(key, due)| {
            let (tx, rx) = mpsc::channel::<Option<String>>();
            let other = Arc::clone(&store);
            thread::spawn(move || {
                let _ = tx.send(other.get(key));
            });
            (key, due, rx)
        })
        .collect();
    let deadline = Instant::now() + STUCK_AFTER;
    let seen: Vec<SeenBeside> = asked
        .into_iter()
        .map(|(key, due, rx)| (key, due, rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()))
        .collect();
    drop(snapshot);
    for (key, due, answer) in seen {
        let (due, answer): (Option<&str>, Option<Option<String>>) = (due, answer);
        let kind: &str = if due.is_some() { "a key that is set" } else { "a key never set" };
        let answered: bool = answer.is_some();
        ::std::assert!(
            answered,
            "while one handler held a read guard, `get({key:?})`, {kind}, on another thread did not answer within 2 s: \
             `get` only reads, yet it took the write lock just to read (`write()`, which waits until every reader is gone \
             and shuts every other reader out while it looks, here to make sure of a missing key). A key missing under \
             the read guard is missing: `self.read().get(key).cloned()` answers None for it, with the lock readers share \
             (see “Readers and writers”)"
        );
        let got: Option<String> = answer.flatten();
        let expected: Option<&str> = due;
        ::std::assert_eq!(got.as_deref(), expected, "`get({key:?})` should answer what the store holds under it");
    }
}

/// A writer is kept out while a reader holds a snapshot, and gets in once it is dropped.
#[test]
fn writer_waits_for_readers_to_finish() {
    let store = Arc::new(sample_store());
    let snapshot: RwLockReadGuard<'_, Map> = store.read();
    // `try_set` runs on another thread, so that one that waits shows up as a late answer.
    let (answer, answered) = mpsc::channel::<bool>();
    let admin = Arc::clone(&store);
    thread::spawn(move || {
        let _ = answer.send(admin.try_set("port", "1"));
    });
    let during: Option<bool> = answered.recv_timeout(Duration::from_secs(2)).ok();
    let port_during: String = snapshot["port"].clone();
    drop(snapshot);
    ::std::assert!(
        during.is_some(),
        "`try_set` waited while a reader held a snapshot: it should ask with `try_write()` and return false at once (see “Trying without waiting”)"
    );
    let after: bool = store.try_set("port", "1");
    let port: Option<String> = store.get("port");
    ::std::assert!(
        after || port.as_deref() != Some("1"),
        "with nobody holding the store, `try_set(\"port\", \"1\")` changed the setting but answered false: true means the \
         value went in, whether it replaced one (as here) or added a new key; what `insert` returns says only which of the \
         two happened (see “Trying without waiting”)"
    );
    let expected_during: Option<bool> = Some(false);
    ::std::assert!(
        during == expected_during,
        "`try_set(\"port\", \"1\")` answered true while a reader held a snapshot, and the snapshot still showed port \
         {port_during}: `true` says the setting was changed, yet `try_write()` cannot get in while a reader holds its guard \
         (see “Trying without waiting”)\n\
         Return what `try_write()` answered: true when it gave a guard and the value went in through it, false otherwise."
    );
    ::std::assert_eq!(port_during, "8080", "the snapshot must not change while it is held");
    ::std::assert!(after, "once the snapshot is dropped, the writer should get in");
    let expected_port: Option<&str> = Some("1");
    ::std::assert_eq!(port.as_deref(), expected_port, "the write should now be visible");
}

/// How many times a `try_` method is asked while the lock is taken.
const TRIES: usize = 20;
/// The longest the quickest of those answers may take. An answer that does not wait takes a few
/// microseconds even on a loaded machine (only one of the calls needs to run undisturbed), so the
/// bound leaves a wide margin; a method that sleeps or retries before giving up takes longer on
/// every call.
const AT_ONCE: Duration = Duration::from_micros(500);

/// Asks `ask` up to `TRIES` times on another thread while the caller holds the lock: how long the
/// quickest answer took, how many answers came within 3 s, and whether any of them was yes.
fn quickest_answer(ask: impl Fn() -> bool + Send + 'static) -> (Option<Duration>, usize, bool) {
    let (answer, answers) = mpsc::channel::<(Duration, bool)>();
    thread::spawn(move || {
        for _ in 0..TRIES {
            let asked = Instant::now();
            let yes: bool = ask();
            if answer.send((asked.elapsed(), yes)).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(3);
    let (mut quickest, mut count, mut any_yes): (Option<Duration>, usize, bool) = (None, 0, false);
    while count < TRIES {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok((took, yes)) = answers.recv_timeout(left) else { break };
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
        count += 1;
        any_yes |= yes;
    }
    (quickest, count, any_yes)
}

/// `try_read` and `try_set` answer at once while the lock is taken, every time: they never sleep or retry before giving up (a timing bound with a wide margin).
#[test]
fn try_methods_answer_at_once_every_time() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);

    let writer = store.settings.write().unwrap();
    let asker = Arc::clone(&store);
    let (quickest_read, reads, read_got_in): (Option<Duration>, usize, bool) = quickest_answer(move || {
        let answer: Option<RwLockReadGuard<'_, Map>> = asker.try_read();
        answer.is_some()
    });
    drop(writer);
    ::std::assert!(reads > 0, "while a writer held the lock, try_read should return None at once instead of waiting (see “Trying without waiting”)");
    ::std::assert!(!read_got_in, "a reader must not get in while a writer holds the lock: try_read should return None");
    let read_took: Duration = quickest_read.unwrap_or(Duration::MAX);
    ::std::assert!(
        read_took < AT_ONCE,
        "while a writer held the lock, even the quickest of {reads} calls to `try_read` took {read_took:.1?} before giving up: it \
         waited (a sleep, or asking again until some time ran out) before answering None, every time. A `try_` method asks \
         the lock's `try_read()` once and answers at once, in microseconds; whether to ask again later is the caller's \
         choice (see “Trying without waiting”)"
    );

    let snapshot: RwLockReadGuard<'_, Map> = store.settings.read().unwrap();
    let admin = Arc::clone(&store);
    let (quickest_set, sets, set_got_in): (Option<Duration>, usize, bool) = quickest_answer(move || admin.try_set("port", "1"));
    let port_during: String = snapshot["port"].clone();
    drop(snapshot);
    ::std::assert!(sets > 0, "`try_set` waited while a reader held a snapshot: it should ask with `try_write()` and return false at once (see “Trying without waiting”)");
    ::std::assert!(!set_got_in, "a writer must not get in while a reader holds a snapshot: try_set should return false");
    ::std::assert_eq!(port_during, "8080", "the snapshot must not change while it is held");
    let set_took: Duration = quickest_set.unwrap_or(Duration::MAX);
    ::std::assert!(
        set_took < AT_ONCE,
        "while a reader held a snapshot, even the quickest of {sets} calls to `try_set` took {set_took:.1?} before giving up: \
         it waited (a sleep, or retrying `try_write()` until some time ran out) before answering false, every time. A \
         `try_` method asks the lock's `try_write()` once and answers at once, in microseconds; whether to try again \
         later is the caller's choice (see “Trying without waiting”)"
    );
}

/// `try_read` answers at once, with `None`, while a writer holds the lock.
#[test]
fn try_read_does_not_wait_for_a_writer() {
    let store = Arc::new(sample_store());
    let writer = store.settings.write().unwrap();
    let other = Arc::clone(&store);
    let (tx, rx) = mpsc::channel::<bool>();
    thread::spawn(move || {
        let _ = tx.send(other.try_read().is_some());
    });
    let reply = rx.recv_timeout(Duration::from_secs(2));
    drop(writer);
    // The asking thread ended without an answer: `try_read` panicked rather than wait or answer.
    let panicked: bool = ::std::matches!(reply, Err(mpsc::RecvTimeoutError::Disconnected));
    ::std::assert!(
        !panicked,
        "`try_read` panicked while a writer held the lock: the lock's `try_read()` answers a busy lock with an `Err` (`WouldBlock`), and unwrapping it turns that ordinary answer into a panic. Turn the `Err` into `None` with `.ok()` (see “Trying without waiting”)"
    );
    let answer: Option<bool> = reply.ok();
    let expected_answer: Option<bool> = Some(false);
    ::std::assert!(
        answer == expected_answer,
        "while a writer holds the lock, try_read should return None at once instead of waiting (see “Trying without waiting”)"
    );
    let after: bool = store.try_read().is_some();
    ::std::assert!(after, "once the writer is done, try_read should get in");
}

/// A write from one thread is seen by reader threads.
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
        let seen: Option<String> = reader.join().unwrap();
        let expected_seen: Option<&str> = Some("2");
        ::std::assert_eq!(seen.as_deref(), expected_seen, "every reader thread should see the value written by the writer thread");
    }
}

/// How long the tests below hold the write lock while a call runs on another thread. A call that
/// answers without waiting answers within microseconds of starting, far inside this; a call that
/// waits passes however long the hold lasts.
const WRITER_HOLDS: Duration = Duration::from_millis(300);

/// Runs `call` on a thread of its own while the test holds the write lock: the answer given while
/// the lock was held (if any), and the answer given once it was let go.
fn while_a_writer_holds<T: Send + 'static>(store: &Arc<ConfigStore>, call: impl FnOnce(&ConfigStore) -> T + Send + 'static) -> (Option<T>, Option<T>) {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let writer = store.settings.write().unwrap();
    let (starting, started) = mpsc::channel::<()>();
    let (answer, answered) = mpsc::channel::<T>();
    let caller = Arc::clone(store);
    thread::spawn(move || {
        let _ = starting.send(());
        let _ = answer.send(call(&caller));
    });
    let _ = started.recv_timeout(Duration::from_secs(2));
    let during: Option<T> = answered.recv_timeout(WRITER_HOLDS).ok();
    drop(writer);
    let after: Option<T> = if during.is_some() { None } else { answered.recv_timeout(Duration::from_secs(2)).ok() };
    (during, after)
}

/// An answer of `get` with how long the call took, if one came.
type TimedGet = Option<(Option<String>, Duration)>;

/// While the admin holds the write lock, `get` of a setting that exists waits for it and then answers the value: a busy lock is not a missing setting.
#[test]
fn get_waits_for_a_writer_and_finds_the_setting() {
    let store = Arc::new(sample_store());
    // Asked once before, with the lock free: an answer kept from this call must not stand in later.
    let first: Option<String> = store.get("host");
    ::std::assert_eq!(first.as_deref(), Some("localhost"), "`get(\"host\")` should answer \"localhost\"");
    let (timed, after): (TimedGet, TimedGet) =
        while_a_writer_holds(&store, |store| {
            let asked = Instant::now();
            let value: Option<String> = store.get("host");
            (value, asked.elapsed())
        });
    let during: Option<Option<String>> = timed.as_ref().map(|(value, _)| value.clone());
    let waited: Duration = timed.as_ref().map_or(Duration::ZERO, |&(_, waited)| waited);
    let answered_none_while_busy: bool = ::std::matches!(during, Some(None));
    let how: String = if waited < Duration::from_millis(1) {
        ::std::format!("answered None after {waited:.1?}, without waiting: it asked with `try_read()` once")
    } else {
        ::std::format!(
            "waited {waited:.0?} and then answered None while the lock was still held: it gave up on a busy lock (asking \
             `try_read()` again and again, or with a time limit)"
        )
    };
    ::std::assert!(
        !answered_none_while_busy,
        "while the admin held the write lock (for {WRITER_HOLDS:.0?}), `get(\"host\")` {how}, though `host` is set: it took \
         a busy lock for a missing setting (see “Trying without waiting”)\n\
         `get` promises the value of a setting, and a writer holds the lock for as long as its change takes: wait for it \
         with `read()`, however long. `try_read` is for a caller that would rather do something else than wait, and it \
         says so in its name."
    );
    ::std::assert!(
        during.is_none(),
        "`get` answered while the admin held the write lock, so it cannot have read the settings under a read lock: an \
         answer kept from an earlier call (in a copy or a second container of its own) is out of date the moment a writer \
         changes the setting (see “Readers and writers”)\n\
         Wait for the writer with `read()` and look the setting up in the store itself."
    );
    let host: Option<String> = after.and_then(|(value, _)| value);
    let expected_host: Option<&str> = Some("localhost");
    ::std::assert_eq!(host.as_deref(), expected_host, "once the writer let go, `get(\"host\")` should answer \"localhost\"");
}

/// How long the test below holds the write lock: longer than any time limit a blocking call might
/// give a busy lock before giving up, a second, two, three.
const LONG_HOLD: Duration = Duration::from_millis(3200);

/// What a blocking call on a thread of its own came back with: when it was asked and when it answered.
struct Came<T> {
    asked: Instant,
    answered: Instant,
    answer: T,
}

/// Runs `call` on a thread of its own, timing it; the answer comes on the channel returned.
fn timed_call<T: Send + 'static>(store: &Arc<ConfigStore>, call: impl FnOnce(&ConfigStore) -> T + Send + 'static) -> mpsc::Receiver<Came<T>> {
    let (answer, answered) = mpsc::channel::<Came<T>>();
    let caller = Arc::clone(store);
    thread::spawn(move || {
        let asked = Instant::now();
        let got: T = call(&caller);
        let _ = answer.send(Came { asked, answered: Instant::now(), answer: got });
    });
    answered
}

/// While the admin holds the write lock for over 3 s, `read`, `get` and `set`, all asked at once, each wait for it however long it lasts, then answer right: a busy lock is never a reason to give up.
#[test]
fn every_blocking_call_waits_out_a_long_hold() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let writing = store.settings.write().unwrap();
    let read_host: mpsc::Receiver<Came<Option<String>>> = timed_call(&store, |store| store.read().get("host").cloned());
    let get_host: mpsc::Receiver<Came<Option<String>>> = timed_call(&store, |store| store.get("host"));
    let set_mode: mpsc::Receiver<Came<()>> = timed_call(&store, |store| store.set("mode", "debug"));
    thread::sleep(LONG_HOLD);
    let let_go: Instant = Instant::now();
    drop(writing);
    let read_came: Option<Came<Option<String>>> = read_host.recv_timeout(STUCK_AFTER).ok();
    let get_came: Option<Came<Option<String>>> = get_host.recv_timeout(STUCK_AFTER).ok();
    let set_came: Option<Came<()>> = set_mode.recv_timeout(STUCK_AFTER).ok();
    let mode: Option<String> = stored_under(&store, "mode");
    // Each call that came back while the test still held the write lock: what it was, how long it
    // waited, and what it answered.
    let mut gave_up: Vec<(&str, Duration, String)> = Vec::new();
    for (call, came) in [("`read().get(\"host\")`", &read_came), ("`get(\"host\")`", &get_came)] {
        if let Some(came) = came.as_ref().filter(|came| came.answered < let_go) {
            let answer: &Option<String> = &came.answer;
            gave_up.push((call, came.answered - came.asked, ::std::format!("answered {}", shown_answer(answer.as_deref()))));
        }
    }
    if let Some(came) = set_came.as_ref().filter(|came| came.answered < let_go) {
        let what: String = match mode.as_deref() {
            Some("debug") => "returned".to_string(),
            _ => "returned, and the change was dropped: `mode` was never stored".to_string(),
        };
        gave_up.push(("`set(\"mode\", \"debug\")`", came.answered - came.asked, what));
    }
    let first: Option<&(&str, Duration, String)> = gave_up.first();
    let (call, waited, what): (&str, Duration, &str) = first.map_or(("", Duration::ZERO, ""), |(call, waited, what)| (*call, *waited, what.as_str()));
    ::std::assert!(
        first.is_none(),
        "{call} gave up on a busy lock: the test held the write lock for {LONG_HOLD:.1?}, and after waiting {waited:.1?} the \
         call {what} while the lock was still held. A writer holds the lock for as long as its change takes, and a busy \
         lock says nothing about the settings: `read()`, `get` and `set` wait for it with the lock's own `read()` and \
         `write()`, however long, with no time limit and no `try_` loop (see “Readers and writers”)"
    );
    let host_read: Option<Option<String>> = read_came.map(|came| came.answer);
    let host_got: Option<Option<String>> = get_came.map(|came| came.answer);
    let set_returned: bool = set_came.is_some();
    let answered_right: bool = host_read == Some(Some("localhost".to_string()))
        && host_got == Some(Some("localhost".to_string()))
        && set_returned
        && mode.as_deref() == Some("debug");
    ::std::assert!(
        answered_right,
        "once the test let go of a write lock it held for {LONG_HOLD:.1?}, with `read`, `get` and `set` waiting for it, \
         `read().get(\"host\")` answered {}, `get(\"host\")` {} (both due Some(\"localhost\")), and `set(\"mode\", \
         \"debug\")` {}, leaving {} under `mode`: a call that waited should then do its whole job (see “Readers and writers”)",
        host_read.map_or_else(|| "nothing within 2 s".to_string(), |answer| shown_answer(answer.as_deref())),
        host_got.map_or_else(|| "nothing within 2 s".to_string(), |answer| shown_answer(answer.as_deref())),
        if set_returned { "returned" } else { "did not return within 2 s" },
        shown_answer(mode.as_deref())
    );
}

/// Keys a store might answer with a default of its own: the usual names of settings, and those of
/// this exercise's own examples.
const NEVER_SET: [&str; 44] = [
    "host", "port", "url", "timeout", "user", "name", "debug", "mode", "env", "path", "version", "missing", "log", "level",
    "log_level", "password", "database", "db", "address", "addr", "server", "hostname", "username", "token", "key",
    "secret", "region", "protocol", "scheme", "retries", "max_connections", "workers", "threads", "base_url", "endpoint",
    "HOST", "PORT", "Host", "banner", "motd", "footer", "locale", "lang", "",
];

/// A store answers None for every key never set, whatever its name (`host`, `port`, `timeout`, …): `get` makes up no default, and `new` adds no setting of its own.
#[test]
fn a_key_never_set_is_none_whatever_its_name() {
    let stores: [(&str, ConfigStore); 2] = [
        ("`ConfigStore::new(&[])`, an empty store", ConfigStore::new(&[])),
        ("`ConfigStore::new(&[(\"theme\", \"dark\")])`", ConfigStore::new(&[("theme", "dark")])),
    ];
    for (made, store) in &stores {
        let made_up: Option<(&str, String)> = NEVER_SET.iter().find_map(|&key| store.get(key).map(|value| (key, value)));
        let (key, value): (&str, String) = made_up.clone().unwrap_or_default();
        let in_the_map: Option<String> = stored_under(store, key);
        let whose: &str = if in_the_map.is_some() {
            "the map itself holds it, so `new` put a setting in that it was not given"
        } else {
            "the map holds nothing under that key, so `get` made up a default"
        };
        ::std::assert!(
            made_up.is_none(),
            "after {made}, `get({})`, a key never set, answered Some({}): {whose}. A configuration store answers only what \
             was set: None for any other key, whatever its name. A default belongs to the caller, who knows what it \
             wants: `store.get(\"port\").unwrap_or_else(|| \"8080\".to_string())` (see “Readers and writers”)",
            shown(key),
            shown(&value)
        );
    }
}

/// How many threads try for a read guard the moment the writer lets go: the woken `get` may push
/// one of them off its processor, and then another still gets in first.
const GRABBERS: usize = 3;

/// One round: `get("host")` is asked while the test holds the write lock; the test lets go and
/// takes a read guard at once, usually before `get` wakes up. `None` when the round tells nothing
/// (`get` answered before the test held its guard), else whether `get` answered while the test
/// held that read guard.
fn a_get_beside_a_reader_after_a_writer(store: &Arc<ConfigStore>) -> Option<bool> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let lock: &RwLock<Map> = &store.settings;
    let writer = lock.write().ok()?;
    let answered = Arc::new(AtomicBool::new(false));
    let (asking, asker_started) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel::<()>();
    {
        let (store, answered) = (Arc::clone(store), Arc::clone(&answered));
        thread::spawn(move || {
            let _ = asking.send(());
            let _ = store.get("host");
            answered.store(true, Ordering::SeqCst);
            let _ = done.send(());
        });
    }
    asker_started.recv_timeout(STUCK_AFTER).ok()?;
    thread::sleep(Duration::from_millis(20)); // time for `get` to wait for the lock
    // The moment the writer lets go, before `get` wakes up: a read guard, taken by whichever of
    // the grabbers gets one first.
    let (taken, stop, go) = (AtomicBool::new(false), AtomicBool::new(false), Barrier::new(GRABBERS + 1));
    let outcome: Mutex<Option<bool>> = Mutex::new(None);
    thread::scope(|s| {
        for _ in 0..GRABBERS {
            s.spawn(|| {
                go.wait();
                let give_up = Instant::now() + STUCK_AFTER;
                while !stop.load(Ordering::SeqCst) && Instant::now() < give_up {
                    let Ok(reading) = lock.try_read() else { continue };
                    if taken.swap(true, Ordering::SeqCst) {
                        return;
                    }
                    stop.store(true, Ordering::SeqCst);
                    if answered.load(Ordering::SeqCst) {
                        return;
                    }
                    let until = Instant::now() + Duration::from_secs(1);
                    while !answered.load(Ordering::SeqCst) && Instant::now() < until {
                        thread::sleep(Duration::from_millis(1));
                    }
                    let beside: bool = answered.load(Ordering::SeqCst);
                    drop(reading);
                    *outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(beside);
                    return;
                }
            });
        }
        go.wait();
        drop(writer);
    });
    let _ = finished.recv_timeout(STUCK_AFTER);
    outcome.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// A `get` asked while a writer holds the lock answers as soon as the writer is done, even while another thread reads: it waits with `read()`, which readers share.
#[test]
fn a_get_that_waited_for_a_writer_shares_the_lock_with_readers() {
    let store = Arc::new(sample_store());
    let started = Instant::now();
    let mut conclusive: usize = 0;
    while conclusive < 3 && started.elapsed() < Duration::from_secs(3) {
        let Some(beside) = a_get_beside_a_reader_after_a_writer(&store) else { continue };
        let beside: bool = beside;
        conclusive += 1;
        ::std::assert!(
            beside,
            "`get(\"host\")` was asked while the admin held the write lock; once the admin let go, another thread took a read \
             guard, and `get` still did not answer within 1 s: finding the lock busy, it read with `write()`, which shuts every \
             other reader out and waits for them all to leave (see “Readers and writers”)\n\
             A busy lock calls for waiting, not for a stronger lock: `get` only reads, so wait with `read()`, which readers \
             share. Keep `write()` for changing a setting."
        );
    }
}

/// While the admin holds the write lock, `try_set` answers false without waiting for the admin to finish.
#[test]
fn try_set_does_not_wait_for_a_writer() {
    let store = Arc::new(sample_store());
    let (during, after): (Option<bool>, Option<bool>) = while_a_writer_holds(&store, |store| store.try_set("port", "1"));
    ::std::assert!(
        during.is_some(),
        "while the admin held the write lock, `try_set` did not answer until the admin let go: it waited for the lock \
         somewhere (in `read()` or `write()`, through a helper such as `get`, or in a loop), before asking `try_write()` or \
         after it failed (see “Trying without waiting”)\n\
         A `try_` method never waits: call nothing that takes `read()` or `write()`, ask `try_write()` once, and when it \
         fails return false straight away."
    );
    let expected: Option<bool> = Some(false);
    ::std::assert!(during == expected && after.is_none(), "a writer must not get in while another writer holds the lock: try_set should return false");
    let port: Option<String> = store.get("port");
    let expected_port: Option<&str> = Some("8080");
    ::std::assert_eq!(port.as_deref(), expected_port, "a `try_set` that answered false must not have changed the setting");
}

/// How many times the test below has `try_set` meet a writer (each round some milliseconds).
const TRY_SET_ROUNDS: usize = 12;

/// One round: `try_set(key, "on")` runs on another thread, and the moment it holds its write guard
/// the test asks for `write()` itself, so the test lines up while `try_set` is still storing (copying
/// and hashing the long `key` takes milliseconds), and a reader on a third thread lines up too. With
/// a reader waiting, a thread that asks for `read()` when `try_set` lets its guard go waits behind
/// the waiting writer instead of slipping in before it. Holding the lock it then got, the test waits
/// for `try_set`'s answer. `None` when the round tells nothing (the test never found `try_set`
/// holding the lock), else whether `try_set` answered while the test held the write lock.
fn try_set_while_a_writer_lines_up(store: &Arc<ConfigStore>, key: &str) -> Option<bool> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let (answer, answered) = mpsc::channel::<bool>();
    let (asker, key) = (Arc::clone(store), key.to_string());
    thread::spawn(move || {
        let _ = answer.send(asker.try_set(&key, "on"));
    });
    // Until `try_set` holds its write guard, the write lock is free: taken and let go at once.
    let deadline = Instant::now() + STUCK_AFTER;
    let mut found_busy = false;
    while Instant::now() < deadline {
        let Ok(writing) = store.settings.try_write() else {
            found_busy = true;
            break;
        };
        drop(writing);
        if answered.try_recv().is_ok() {
            return None;
        }
        for _ in 0..64 {
            ::std::hint::spin_loop();
        }
    }
    if !found_busy {
        return None;
    }
    let reader_store = Arc::clone(store);
    thread::spawn(move || drop(reader_store.settings.read()));
    let writing = store.settings.write();
    let in_time = answered.recv_timeout(STUCK_AFTER).is_ok();
    drop(writing);
    Some(in_time)
}

/// A writer that lines up while `try_set` stores its change does not keep `try_set` from answering: after its `try_write` it takes no other lock.
#[test]
fn try_set_answers_when_a_writer_lines_up_while_it_stores() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let long_key: String = "k".repeat(TWICE_KEY);
    for _ in 0..TRY_SET_ROUNDS {
        let answered: Option<bool> = try_set_while_a_writer_lines_up(&store, &long_key);
        ::std::assert!(
            answered != Some(false),
            "`try_set` got the write lock and stored its change, but then did not answer for 2 s: after letting its write \
             guard go it took the lock again (in `read()`, through a helper such as `get`, to check the change), and a \
             writer that lined up meanwhile went first (see “Trying without waiting”)\n\
             A `try_` method never waits, not even after it succeeded; and a second look cannot tell you anything: another \
             writer may already have changed the setting again. The change is made the moment the insert under the \
             `try_write()` guard is done: return true from there."
        );
    }
}

/// `set` never lined up for the write lock while the test held a snapshot.
struct NeverLinedUp;

/// One round: `set("port", "1")` runs on another thread while the test holds a snapshot, so that
/// `set` queues for the write lock; the test then lets the snapshot go and takes the write lock
/// itself before `set` wakes up, changing `host`. `Err` when `set` never lined up for the write
/// lock (it retried `try_write`, or gave up on a busy lock: `set_waits_for_readers_without_spinning`
/// says why), `Ok(None)` when `set` got the lock first (the round tells nothing), else the value of
/// `host` once `set` returned.
fn a_change_while_set_waits(store: &Arc<ConfigStore>) -> Result<Option<Option<String>>, NeverLinedUp> {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let snapshot: RwLockReadGuard<'_, Map> = store.settings.read().unwrap();
    let (done, finished) = mpsc::channel::<()>();
    let admin = Arc::clone(store);
    thread::spawn(move || {
        admin.set("port", "1");
        let _ = done.send(());
    });
    // Once `set` waits for the write lock, new readers are held back too.
    let deadline = Instant::now() + Duration::from_secs(2);
    while store.settings.try_read().is_ok() {
        if Instant::now() >= deadline {
            return Err(NeverLinedUp);
        }
        thread::sleep(Duration::from_micros(200));
    }
    drop(snapshot);
    // At once, before `set` wakes up: usually the test gets the write lock first.
    let give_up = Instant::now() + Duration::from_secs(2);
    let mut writing = store.settings.try_write();
    while writing.is_err() && Instant::now() < give_up {
        ::std::hint::spin_loop();
        writing = store.settings.try_write();
    }
    let Ok(mut settings) = writing else { return Ok(None) };
    let first: bool = settings.get("port").map(String::as_str) == Some("8080");
    settings.insert("host".to_string(), "example.org".to_string());
    drop(settings);
    if finished.recv_timeout(Duration::from_secs(2)).is_err() {
        return Ok(None);
    }
    if !first {
        return Ok(None);
    }
    Ok(Some(store.get("host")))
}

/// A setting another thread changes while `set` waits for the write lock is kept: `set` changes its one setting in the store as it is then, not a copy taken before.
#[test]
fn a_setting_changed_while_set_waits_is_kept() {
    for _ in 0..30 {
        let store = Arc::new(sample_store());
        let Ok(round) = a_change_while_set_waits(&store) else { return };
        let Some(host) = round else { continue };
        let host: Option<String> = host;
        let expected_host: Option<&str> = Some("example.org");
        ::std::assert!(
            host.as_deref() == expected_host,
            "another thread set `host` to \"example.org\" while `set(\"port\", \"1\")` was waiting for the write lock, and once \
             `set` was done `host` was {host:?} again: `set` copied the settings under a read guard and wrote back a copy (all \
             of it, or the keys where it differed) under `write()`, undoing the other thread's change (see “Check and act under one lock”)\n\
             Whatever was read under one guard may be out of date once you hold the next. Take `write()` once and insert the \
             one setting through that guard."
        );
        let port: Option<String> = store.get("port");
        let expected_port: Option<&str> = Some("1");
        ::std::assert_eq!(port.as_deref(), expected_port, "set should store port = 1");
        return;
    }
}

/// Room the test makes in the map before a change.
const ROOM: usize = 1024;

/// Makes room in the map through the field, nearly fills it with extra settings and removes every
/// other one of them again: a map keeps a trace of each removed entry in its table (its room does
/// not come back) until the table is emptied or rebuilt. How much room the map reports then.
fn room_with_removed_settings(store: &ConfigStore) -> usize {
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let mut settings = store.settings.write().unwrap();
    settings.reserve(ROOM);
    // Some room is left free, so that inserting never has to rebuild the table.
    let extra: usize = settings.capacity() - settings.capacity() / 16 - settings.len();
    for i in 0..extra {
        settings.insert(::std::format!("extra{i}"), String::new());
    }
    for i in (0..extra).step_by(2) {
        settings.remove(&::std::format!("extra{i}"));
    }
    settings.capacity()
}

/// What the tests below say when a change moved every setting: `room_before` and `room_after` are
/// the room in the map before and after `method` changed one setting.
fn moved_every_setting(method: &str, room_before: usize, room_after: usize) -> String {
    if room_after < room_before {
        ::std::format!(
            "`{method}` moved every setting into a new table (the test had made room for {room_before} settings in the map; \
             after `{method}` there was room for {room_after}): whether a new map is built and put in place of the old one, \
             or the old one is squeezed with `shrink_to_fit`, every change then moves every setting while all the readers \
             wait (see “Keeping the lock short”)\n\
             Insert the one setting into the map the write guard gives you; nothing else needs to move."
        )
    } else {
        ::std::format!(
            "`{method}` emptied the whole map and put every setting back into it (the test had removed settings from the map, \
             which a map remembers until its table is emptied: room for {room_before} settings became {room_after} after \
             `{method}`): with `drain` and `extend`, or a copy taken out and put back, even under one write guard, every \
             change then moves every setting out and in again while all the readers wait (see “Keeping the lock short”)\n\
             Insert the one setting into the map the write guard gives you; nothing else needs to move."
        )
    }
}

/// `set` and `try_set` change the one setting in the map the lock holds: they neither build a new map of all the settings nor empty the map and fill it again.
#[test]
fn set_changes_the_map_it_holds_rather_than_rebuilding_it() {
    let store = sample_store();
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let room_before: usize = room_with_removed_settings(&store);
    // The keys the map holds before the change: a key it gains beyond the one set would itself take
    // room, and is another fault, told as such.
    let mut keys: Vec<String> = store.settings.read().unwrap().keys().cloned().collect();
    store.set("port", "9090");
    let room_after_set: usize = store.settings.read().unwrap().capacity();
    let known: Vec<&str> = keys.iter().map(String::as_str).collect();
    let extra: Option<(String, String)> = a_setting_nobody_gave(&store, &known);
    ::std::assert!(extra.is_none(), "{}", nobody_gave("`set(\"port\", \"9090\")`, a key the map already held", &extra.clone().unwrap_or_default()));
    // Replacing the value of a key already there leaves the table's room exactly as it was.
    let kept_by_set: bool = room_after_set == room_before;
    let set_moved: String = moved_every_setting("set", room_before, room_after_set);
    ::std::assert!(kept_by_set, "{set_moved}");
    let written: bool = store.try_set("mode", "debug");
    let room_after_try_set: usize = store.settings.read().unwrap().capacity();
    ::std::assert!(written, "{TRY_SET_NEW_KEY}");
    keys.push("mode".to_string());
    let known: Vec<&str> = keys.iter().map(String::as_str).collect();
    let extra: Option<(String, String)> = a_setting_nobody_gave(&store, &known);
    ::std::assert!(extra.is_none(), "{}", nobody_gave("`try_set(\"mode\", \"debug\")`", &extra.clone().unwrap_or_default()));
    // A new key takes a free slot or one an earlier removal left behind: room for one more at most.
    let kept_by_try_set: bool = room_after_try_set == room_after_set || room_after_try_set == room_after_set + 1;
    let try_set_moved: String = moved_every_setting("try_set", room_after_set, room_after_try_set);
    ::std::assert!(kept_by_try_set, "{try_set_moved}");
    let port: Option<String> = store.get("port");
    let expected_port: Option<&str> = Some("9090");
    ::std::assert_eq!(port.as_deref(), expected_port, "set should replace an existing value");
    let mode: Option<String> = store.get("mode");
    let expected_mode: Option<&str> = Some("debug");
    ::std::assert_eq!(mode.as_deref(), expected_mode, "try_set should add a new key");
}

/// How many settings the store holds in the test below: enough that work on all of them takes far longer than work on one.
const MANY_SETTINGS: usize = 200_000;
/// How every setting's key in that store begins: keys of one length that differ only at their end
/// take a comparison of the whole key to tell apart, as settings named by a path do.
const LONG_PREFIX: &str = "services/request-handlers/connection-pool/limits/setting-";
/// How many calls of each method the test below times; only the quickest counts.
const TIMED_CALLS: usize = 15;
/// The longest the quickest of those calls may take. Looking up or changing one setting takes
/// under a microsecond, even on a loaded machine (only one of the calls needs to run undisturbed),
/// so the bound leaves a margin of a hundred times; a call that walks every setting under the
/// lock (`iter().find(…)`, `retain(…)`, `values().any(…)` for a value of its own) takes a
/// millisecond or more on every call.
const ONE_SETTING_ONLY: Duration = Duration::from_micros(100);

/// Which method a timed call below makes.
#[derive(Clone, Copy)]
enum Timed {
    Get,
    Set,
    /// `set` of keys that are not there yet, as long as the others.
    SetNew,
    TrySet,
}

impl Timed {
    fn name(self) -> &'static str {
        match self {
            Timed::Get => "get",
            Timed::Set | Timed::SetNew => "set",
            Timed::TrySet => "try_set",
        }
    }
}

/// Makes `TIMED_CALLS` calls of `method` on a thread of its own, each with a different setting of
/// the large store: how long the quickest took, or `None` when none answered within 2 s.
fn quickest_call(store: &Arc<ConfigStore>, method: Timed) -> Option<Duration> {
    let (answer, answers) = mpsc::channel::<Duration>();
    let caller = Arc::clone(store);
    thread::spawn(move || {
        for i in 0..TIMED_CALLS {
            let key: String = ::std::format!("{LONG_PREFIX}{:06}", i * 997);
            let asked = Instant::now();
            match method {
                Timed::Get => {
                    // A key that is not there, as long as the others: a walk through the map cannot stop
                    // early on it, wherever the map keeps its entries.
                    let missing: String = ::std::format!("{LONG_PREFIX}x{:05}", i * 997);
                    let value: Option<String> = caller.get(&missing);
                    ::std::assert!(value.is_none(), "get of a setting never stored should answer None");
                }
                Timed::Set => caller.set(&key, "changed"),
                // A value of its own too: a walk looking for it cannot stop early on an earlier one.
                Timed::SetNew => caller.set(&::std::format!("{LONG_PREFIX}n{:05}", i * 997), &::std::format!("new {i}")),
                Timed::TrySet => {
                    let _written: bool = caller.try_set(&key, "changed again");
                }
            }
            if answer.send(asked.elapsed()).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut quickest: Option<Duration> = None;
    for _ in 0..TIMED_CALLS {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(took) = answers.recv_timeout(left) else { break };
        quickest = Some(quickest.map_or(took, |q: Duration| q.min(took)));
    }
    quickest
}

/// In a store of 200 000 settings, `get`, `set` and `try_set` answer as quickly as in a small one: under the lock, each looks at its own setting only, never walks the others (timing bounds with a wide margin).
#[test]
fn in_a_large_store_each_call_touches_only_its_setting() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    {
        let mut settings = store.settings.write().unwrap();
        settings.reserve(MANY_SETTINGS);
        for i in 0..MANY_SETTINGS {
            settings.insert(::std::format!("{LONG_PREFIX}{i:06}"), "on".to_string());
        }
    }
    for method in [Timed::Get, Timed::Set, Timed::SetNew, Timed::TrySet] {
        let name: &str = method.name();
        let Some(took) = quickest_call(&store, method) else {
            ::std::panic!("`{name}` did not return within 2 s though nobody else held the lock");
        };
        let took: Duration = took;
        let lock: &str = match method {
            Timed::Get => "the read lock, and all that time the admin's `set` waits",
            Timed::Set | Timed::SetNew | Timed::TrySet => "the write lock, and all that time every reader waits",
        };
        // The ways of walking every setting that each method is found to take, and what it does instead.
        let (walks, instead): (&str, &str) = match method {
            Timed::Get => (
                "walking the map with `iter()` or `keys()` to find the key, which a key not there makes walk them all, \
                 or a copy of the whole map",
                "A `HashMap` finds a key without looking at the others: `get(key)` answers a key that is not there as \
                 quickly as one that is.",
            ),
            Timed::Set | Timed::SetNew | Timed::TrySet => (
                "walking the map with `iter()` to find the key, `retain` to take the old value out, `values().any(…)` to \
                 look for the value elsewhere, or a copy of the whole map",
                "A `HashMap` finds a key without looking at the others: `insert(key, value)` alone changes a setting (it \
                 replaces the old value).",
            ),
        };
        ::std::assert!(
            took < ONE_SETTING_ONLY,
            "with {MANY_SETTINGS} settings stored, even the quickest of {TIMED_CALLS} calls to `{name}` took {took:.1?}, where \
             one setting takes about a microsecond: it did work on every setting ({walks}) while holding {lock} (see \
             “Keeping the lock short”)\n\
             {instead}"
        );
    }
    let changed: Option<String> = store.get(&::std::format!("{LONG_PREFIX}000997"));
    ::std::assert_eq!(changed.as_deref(), Some("changed again"), "set and try_set should change the setting they are given");
}

/// While `get` looks a setting up, the lock it holds is one that readers share: `get` reads with `read()`, never with the writer's lock, even when the store is free.
#[test]
fn get_holds_a_lock_that_readers_share() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let long_key: String = "k".repeat(LONG_KEY);
    store.settings.write().unwrap().insert(long_key.clone(), "on".to_string());
    for _ in 0..TWICE_ROUNDS {
        let (asker, key) = (Arc::clone(&store), long_key.clone());
        let getting = thread::spawn(move || asker.get(&key));
        // Hashing the long key keeps `get` holding its guard for milliseconds: once the write lock
        // is refused, `get` (the only other user) holds the lock, and a reader should still get in.
        let deadline = Instant::now() + STUCK_AFTER;
        let mut exclusive = false;
        while Instant::now() < deadline && !getting.is_finished() {
            match store.settings.try_write() {
                Ok(writing) => drop(writing),
                Err(_) => {
                    exclusive = store.settings.try_read().is_err() && !getting.is_finished();
                    break;
                }
            }
        }
        let value: Option<String> = getting.join().unwrap_or_default();
        ::std::assert!(
            !exclusive,
            "while `get` was looking a setting up, another thread could take neither the write lock nor a read guard: `get` \
             held the writer's lock (a `write()`, or a `try_write()` tried first because the store was free), which shuts out \
             every other reader, so handlers reading at the same moment wait for each other after all (see “Readers and writers”)\n\
             Looking only reads: `self.read().get(key).cloned()`, a guard every reader can hold at once."
        );
        ::std::assert_eq!(value.as_deref(), Some("on"), "`get` of a setting that is there should answer its value");
    }
}

/// On a store poisoned by a writer that panicked, `try_set` still answers at once: its `try_write()` reports the poison as one more reason it did not get in, and it waits for nothing.
#[test]
fn try_set_answers_on_a_poisoned_store() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let poisoner = Arc::clone(&store);
    // An admin that panics while it holds the write lock poisons it; the panic is expected here, so not printed.
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let _ = thread::spawn(move || {
        let _writing = poisoner.settings.write();
        ::std::panic!("the admin's change failed half way");
    })
    .join();
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = store.settings.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the store");
    let (answer, answered) = mpsc::channel::<Option<bool>>();
    let asker = Arc::clone(&store);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    thread::spawn(move || {
        // A panic is an answer too.
        let _ = answer.send(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| asker.try_set("port", "1"))).ok());
    });
    let said: Result<Option<bool>, mpsc::RecvTimeoutError> = answered.recv_timeout(STUCK_AFTER);
    ::std::panic::set_hook(report_panics);
    ::std::assert!(
        said.is_ok(),
        "on a store poisoned by a writer that panicked (nobody holds the lock any more), `try_set(\"port\", \"1\")` did not \
         answer within 2 s: when `try_write()` reported the poison, it went on to a call that waits (a `set`, a `write()`), \
         and the guard from the `match` or `if let` on `try_write()` was still alive, so the thread waits for itself \
         (see “Trying without waiting”)\n\
         A `try_` method never waits: when `try_write()` gives anything but a guard, poisoned included, return false."
    );
    let port: Option<String> = store.settings.read().unwrap_or_else(PoisonError::into_inner).get("port").cloned();
    let stored: bool = port.as_deref() == Some("1");
    if let Ok(Some(said)) = said {
        ::std::assert!(
            said == stored,
            "on a store poisoned by a writer that panicked, `try_set(\"port\", \"1\")` answered {said}, but \"port\" was then \
             {port:?}: its answer says the opposite of what it did, and the caller acts on the answer \
             (see “Trying without waiting”)\n\
             Answer what happened: false when `try_write()` gave no usable guard and nothing was stored (the simple way on \
             a poisoned lock), true only when the value went in."
        );
    }
}

/// Poisons the store the way a bug does: an admin thread panics while it holds the write lock.
/// That panic is expected, so not printed.
fn poisoned_store() -> Arc<ConfigStore> {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let poisoner = Arc::clone(&store);
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let _ = thread::spawn(move || {
        let _writing = poisoner.settings.write();
        ::std::panic!("the admin's change failed half way");
    })
    .join();
    ::std::panic::set_hook(report_panics);
    let poisoned: bool = store.settings.is_poisoned();
    ::std::assert!(poisoned, "the test could not poison the store");
    store
}

/// Runs `call` on a thread of its own with panic output turned off: `Some` of what it returned,
/// `None` if it panicked. A call still running after `STUCK_AFTER` fails the test.
fn answered_quietly<T: Send + 'static>(what: &str, call: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let report_panics = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let (answer, answered) = mpsc::channel::<Option<T>>();
    thread::spawn(move || {
        let _ = answer.send(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call)).ok());
    });
    let outcome = answered.recv_timeout(STUCK_AFTER);
    ::std::panic::set_hook(report_panics);
    match outcome {
        Ok(returned) => returned,
        Err(_) => ::std::panic!(
            "on a store poisoned by a writer that panicked (nobody holds the lock any more), {what} did not answer within 2 s"
        ),
    }
}

/// On a store poisoned by a writer that panicked, `get` either panics too or answers the value: never `None` for a setting that is there.
#[test]
fn get_on_a_poisoned_store_never_hides_a_setting() {
    let store = poisoned_store();
    let asker = Arc::clone(&store);
    let answer: Option<Option<String>> = answered_quietly("`get(\"host\")`", move || asker.get("host"));
    let hidden: bool = answer.as_ref().is_some_and(|value| value.as_deref() != Some("localhost"));
    ::std::assert!(
        !hidden,
        "after an admin thread panicked while it held the write lock (which poisons the store), `get(\"host\")` answered \
         {:?}, though \"host\" is \"localhost\": the poison was taken for a missing setting, so a handler goes on as if \
         the setting had never been there, and nothing says a writer failed. Let `read().unwrap()` panic, so the failure \
         shows, or, where the data is known to be fine, read anyway with `unwrap_or_else(PoisonError::into_inner)` \
         (see “Poisoned locks”)",
        answer.flatten()
    );
}

/// On a store poisoned by a writer that panicked, `set` either panics too or makes its change: it never returns having changed nothing.
#[test]
fn set_on_a_poisoned_store_never_drops_the_change() {
    let store = poisoned_store();
    let setter = Arc::clone(&store);
    let returned: bool = answered_quietly("`set(\"port\", \"9090\")`", move || setter.set("port", "9090")).is_some();
    let (port, host): (Option<String>, Option<String>) = {
        let settings = store.settings.read().unwrap_or_else(PoisonError::into_inner);
        (settings.get("port").cloned(), settings.get("host").cloned())
    };
    ::std::assert!(
        !returned || host.as_deref() == Some("localhost"),
        "after an admin thread panicked while it held the write lock (which poisons the store), `set(\"port\", \"9090\")` \
         returned, but \"host\" was then {host:?}, where it was \"localhost\": the poison made `set` empty or rebuild the \
         store, and every other setting is gone without a trace. Let `write().unwrap()` panic, so the failure shows, or, \
         where the data is known to be fine, write anyway with `unwrap_or_else(PoisonError::into_inner)` and change the one \
         setting (see “Poisoned locks”)"
    );
    let dropped: bool = returned && port.as_deref() != Some("9090");
    ::std::assert!(
        !dropped,
        "after an admin thread panicked while it held the write lock (which poisons the store), `set(\"port\", \"9090\")` \
         returned, but \"port\" was then {port:?}: the change was dropped without a trace, and the admin believes it was \
         made. Let `write().unwrap()` panic, so the failure shows, or, where the data is known to be fine, write anyway \
         with `unwrap_or_else(PoisonError::into_inner)` (see “Poisoned locks”)"
    );
}

/// A `try_set` that answered false changed nothing, then or later: no refused change is kept aside to be made afterwards.
#[test]
fn a_refused_try_set_changes_nothing_later() {
    let store = Arc::new(sample_store());
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let snapshot: RwLockReadGuard<'_, Map> = store.read();
    // `try_set` runs on a thread of its own, so that one that waits for the lock cannot hang the
    // test: while the snapshot is held, a `write()` waiting in line keeps new readers out, which
    // `try_read()` here sees at once.
    let (answer, answered) = mpsc::channel::<bool>();
    let asker = Arc::clone(&store);
    thread::spawn(move || {
        let _ = answer.send(asker.try_set("host", "elsewhere"));
    });
    let deadline = Instant::now() + STUCK_AFTER;
    let mut said: Option<bool> = None;
    let mut writer_in_line: bool = false;
    while said.is_none() && !writer_in_line && Instant::now() < deadline {
        said = answered.recv_timeout(Duration::from_millis(1)).ok();
        writer_in_line = said.is_none() && store.settings.try_read().is_err();
    }
    ::std::assert!(
        said.is_some(),
        "could not begin: while a reader held a snapshot, `try_set(\"host\", \"elsewhere\")` waited for the lock ({}) \
         instead of answering false at once, so there was no refused change to look for (the same fault as in \
         try_methods_answer_at_once_every_time)",
        if writer_in_line { "it lined up in `write()` after `try_write()` failed" } else { "it had not answered after 2 s" }
    );
    let refused: bool = said == Some(false);
    drop(snapshot);
    ::std::assert!(refused, "`try_set` should answer false while a reader holds a snapshot (see “Trying without waiting”)");
    store.set("port", "9090");
    let later: bool = store.try_set("mode", "debug");
    let host: Option<String> = store.get("host");
    let unchanged: bool = host.as_deref() == Some("localhost");
    ::std::assert!(
        unchanged,
        "`try_set(\"host\", \"elsewhere\")` answered false while a reader held a snapshot, yet once later calls had run \
         (`set(\"port\", ..)`{}), \"host\" was {host:?}: the refused change was kept aside and made afterwards, \
         perhaps over a newer value, while its caller was told it had not happened (see “Trying without waiting”)\n\
         False means nothing was changed: when `try_write()` gives no guard, `try_set` returns false and keeps nothing.",
        if later { " and `try_set(\"mode\", ..)`" } else { "" }
    );
}

/// `ConfigStore` holds nothing beside its `RwLock`: the settings live in one place.
#[test]
fn the_store_holds_nothing_but_its_rwlock() {
    let store = sample_store();
    crate::__learn::exact::<RwLock<Map>, _>(&store.settings);
    let size: usize = ::std::mem::size_of_val(&store);
    let settings: usize = ::std::mem::size_of::<RwLock<Map>>();
    ::std::assert!(
        size == settings,
        "`ConfigStore` takes {size} bytes, where its `settings` field alone takes {settings}: it keeps something beside the \
         settings' `RwLock` (a queue of changes to make later, a second copy of the settings, a lock of its own), so what a \
         reader sees and what is stored can part ways (see “Readers and writers”)\n\
         Keep the one `settings: RwLock<HashMap<String, String>>`: reads under `read()`, changes under `write()`."
    );
}

/// `new` keeps the initial settings exactly as given: an empty value is a value, a key given twice keeps its later value, as a second `set` would, and no character or word means anything.
#[test]
fn new_keeps_the_initial_settings_as_given() {
    let initial: [(&str, &str); 5] = [("motd", ""), ("mode", "first"), (" spaced ", " x "), ("mode", "last"), ("", "root")];
    let store = ConfigStore::new(&initial);
    let expected: [(&str, Option<&str>); 4] =
        [("motd", Some("")), ("mode", Some("last")), (" spaced ", Some(" x ")), ("", Some("root"))];
    for (key, value) in expected {
        let got: Option<String> = store.get(key);
        let same: bool = got.as_deref() == value;
        let due: &str = value.unwrap_or_default();
        let stored: Option<String> = stored_under(&store, key);
        // The value given for the key before the last one, if it was given twice.
        let earlier: Option<&str> = initial.iter().filter(|&&(k, _)| k == key).rev().nth(1).map(|&(_, v)| v);
        let how: String = if stored.as_deref() == value {
            how_get_misread(key, due, got.as_deref())
        } else {
            how_it_changed(&store, "new", key, due, stored.as_deref(), earlier)
        };
        ::std::assert!(
            same,
            "`get({key:?})` answered {got:?}, where {value:?} was due, after `ConfigStore::new({initial:?})`: {how}. Every \
             pair goes in as it is, in order, a later value for a key replacing the earlier one, as `set` would."
        );
    }
    let awkward: Vec<(String, String)> = awkward_settings();
    let pairs: Vec<(&str, &str)> = awkward.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let store = ConfigStore::new(&pairs);
    check_round_trip(&store, Some("new"), &awkward);
}

/// How many settings the test below gives `new`, then adds with `set`: more than any small limit.
const KEPT_SETTINGS: usize = 40_000;

/// The store keeps every setting it is given, however many: `new` drops none, and `set` evicts none to make room.
#[test]
fn the_store_keeps_every_setting_however_many() {
    let keys: ::std::vec::Vec<String> = (0..KEPT_SETTINGS).map(|i| ::std::format!("key{i}")).collect();
    let initial: ::std::vec::Vec<(&str, &str)> = keys.iter().map(|key| (key.as_str(), "initial")).collect();
    let store = ConfigStore::new(&initial);
    let added: ::std::vec::Vec<String> = (0..KEPT_SETTINGS).map(|i| ::std::format!("added{i}")).collect();
    let started = Instant::now();
    for key in &added {
        store.set(key, "set");
        // A `set` that works on the whole store takes minutes here: in_a_large_store_each_call_touches_only_its_setting
        // reports that, and this test does not wait for it.
        if started.elapsed() > Duration::from_secs(2) {
            return;
        }
    }
    let held: usize = store.settings.read().unwrap_or_else(PoisonError::into_inner).len();
    let first: Option<String> = store.get("key0");
    let last_added: Option<String> = store.get(&added[KEPT_SETTINGS - 1]);
    let given: Vec<&str> = keys.iter().chain(&added).map(String::as_str).collect();
    let extra: Option<(String, String)> = a_setting_nobody_gave(&store, &given);
    let what: String = ::std::format!("`new` was given {KEPT_SETTINGS} settings and `set` added {KEPT_SETTINGS} more");
    ::std::assert!(extra.is_none(), "{}", nobody_gave(&what, &extra.clone().unwrap_or_default()));
    let how: String = if held < 2 * KEPT_SETTINGS {
        ::std::format!(
            "the store then held {held}, where {} were due: settings were dropped (`new` keeping only the first ones, \
             `set` evicting others to make room)",
            2 * KEPT_SETTINGS
        )
    } else {
        ::std::format!(
            "then `get(\"key0\")` answered {} where Some(\"initial\") was due, and `get({})` {} where Some(\"set\") was \
             due: settings were lost or changed on the way",
            shown_answer(first.as_deref()),
            shown(&added[KEPT_SETTINGS - 1]),
            shown_answer(last_added.as_deref())
        )
    };
    ::std::assert!(
        held == 2 * KEPT_SETTINGS && first.as_deref() == Some("initial") && last_added.as_deref() == Some("set"),
        "{what}, but {how}. A configuration store keeps every setting until someone changes it; a limit on its size is a \
         decision for its callers, not something `set` does quietly."
    );
}
