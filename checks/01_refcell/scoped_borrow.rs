use super::Playlist;
use std::cell::RefCell;

fn titles(playlist: &Playlist) -> Vec<String> {
    playlist.titles()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The tracks stay in a `RefCell<Vec<String>>`, shared through `&Playlist`.
#[test]
fn tracks_live_in_a_refcell() {
    let playlist = Playlist::new();
    crate::__learn::exact::<RefCell<Vec<String>>, _>(&playlist.tracks);
    let number: usize = playlist.add("Intro");
    ::std::assert_eq!(number, 1, "the first track added should be number 1");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. Intro"]);
    ::std::assert_eq!(got, expected_got, "the playlist should hold \"1. Intro\"");
}

/// `add` reads the length, lets that read guard go, then writes: numbers go 1, 2, 3.
#[test]
fn tracks_are_numbered_in_order() {
    let playlist = Playlist::new();
    let shared: &Playlist = &playlist;
    let numbers: [usize; 3] = [shared.add("A"), shared.add("B"), shared.add("C")];
    let expected_numbers: [usize; 3] = [1, 2, 3];
    ::std::assert_eq!(numbers, expected_numbers, "three adds in a row should return track numbers 1, 2, 3");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. A", "2. B", "3. C"]);
    ::std::assert_eq!(got, expected_got, "tracks should be stored in order, with their numbers");
}

/// `add_if_missing` ends its read guard before `add` asks for write access.
#[test]
fn add_if_missing_adds_a_new_title() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    let added: bool = playlist.add_if_missing("Outro");
    ::std::assert!(added, "a title that is not in the playlist yet should be added");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. Intro", "2. Outro"]);
    ::std::assert_eq!(got, expected_got, "the new title should be appended as track 2");
}

/// On an empty playlist `add_if_missing` adds the title as track 1.
#[test]
fn add_if_missing_works_on_an_empty_playlist() {
    let playlist = Playlist::new();
    let added: bool = playlist.add_if_missing("Solo");
    ::std::assert!(added, "an empty playlist has nothing to clash with, so the title should be added");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. Solo"]);
    ::std::assert_eq!(got, expected_got, "the playlist should now hold \"1. Solo\"");
}

/// A duplicate title is refused and the playlist stays as it was.
#[test]
fn add_if_missing_refuses_a_duplicate_and_changes_nothing() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    playlist.add("Theme");
    let added: bool = playlist.add_if_missing("Intro");
    ::std::assert!(!added, "\"Intro\" is already in the playlist, so it should not be added again");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. Intro", "2. Theme"]);
    ::std::assert_eq!(got, expected_got, "a refused add should leave the playlist unchanged");
}

/// After each call no guard is left behind: the test can borrow the cell for writing itself.
#[test]
fn no_guard_outlives_a_call() {
    let playlist = Playlist::new();
    playlist.add("Morning");
    let free_after_add: bool = playlist.tracks.try_borrow_mut().is_ok();
    playlist.add_if_missing("Morning");
    let free_after_refusal: bool = playlist.tracks.try_borrow_mut().is_ok();
    ::std::assert!(free_after_add, "after `add` returns, no read or write guard should still hold the cell");
    ::std::assert!(free_after_refusal, "after `add_if_missing` returns, no guard should still hold the cell");
}

/// Two holders of `&Playlist` add to the same list, duplicates skipped.
#[test]
fn methods_work_through_two_shared_references() {
    let playlist = Playlist::new();
    let ui: &Playlist = &playlist;
    let radio: &Playlist = &playlist;
    ui.add("Morning");
    radio.add_if_missing("Noon");
    ui.add_if_missing("Morning");
    radio.add("Evening");
    let got: Vec<String> = titles(&playlist);
    let expected_got: Vec<String> = strings(&["1. Morning", "2. Noon", "3. Evening"]);
    ::std::assert_eq!(
        got,
        expected_got,
        "both holders should be able to add to the same playlist, duplicates skipped"
    );
}

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None` if
// it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

// Whether `add_if_missing(title)` refuses `title` on a playlist holding only a track titled `other`.
fn refused_beside(title: &str, other: &str) -> bool {
    let alone = Playlist::new();
    alone.tracks.borrow_mut().push(::std::format!("1. {other}"));
    quietly(|| alone.add_if_missing(title)) == Some(false)
}

// How `title` resembles a title already in `tracks` without being it, in the learner's terms. Each
// guess is tried first on a playlist of one track made for it, so the message names what the call
// does, not only what the playlist holds.
fn likeness(title: &str, tracks: &[String]) -> String {
    let stored: Vec<&str> = tracks.iter().map(|t| t.split_once(". ").map_or(t.as_str(), |(_, rest)| rest)).collect();
    let numbers: Vec<&str> = tracks.iter().filter_map(|t| t.split_once(". ").map(|(n, _)| n)).collect();
    // Part of a longer title: inside it, at its start, at its end, at its end after a ". " of its own.
    let dotted: String = ::std::format!("Zz. {title}");
    let probes: [(String, &str); 4] = [
        (::std::format!("Zz{title}Zz"), "a `contains` finds it inside a longer title"),
        (::std::format!("{title}Zz"), "a `starts_with` finds it at the start of a longer title"),
        (::std::format!("Zz{title}"), "an `ends_with` finds it at the end of a longer title"),
        (
            dotted,
            "a track ending in \". {title}\" is not a track of that title, whose title is all that follows the track's first \". \"",
        ),
    ];
    let inner: String = ::std::format!(". {title}");
    for (index, (longer, code)) in probes.into_iter().enumerate() {
        if !refused_beside(title, &longer) {
            continue;
        }
        // An example from the playlist: a longer title of the kind just tried, else any that holds it.
        let fits = |s: &str| match index {
            0 => !s.starts_with(title) && !s.ends_with(title),
            1 => s.starts_with(title),
            2 => s.ends_with(title) && !s.ends_with(&inner),
            _ => s.ends_with(&inner),
        };
        let holding: Vec<&str> = stored.iter().copied().filter(|s| *s != title && s.contains(title)).collect();
        let example: Option<&str> = holding.iter().copied().find(|s| fits(s)).or_else(|| holding.first().copied());
        if let Some(other) = example {
            let place: &str = if other.ends_with(&inner) {
                "the end of"
            } else if other.starts_with(title) {
                "the start of"
            } else if other.ends_with(title) {
                "the end of"
            } else {
                "part of"
            };
            let code: String = code.replace("{title}", title);
            return ::std::format!("it is only {place} {} ({code})", shown(other));
        }
        if let Some(line) = tracks.iter().find(|t| t.contains(title)) {
            let own: &str = line.split_once(". ").map_or(line.as_str(), |(_, rest)| rest);
            return ::std::format!(
                "the line {} holds it, though that track's title is {} ({code}; the title is all that follows the \
                 track's first \". \", compare that, not the whole line)",
                shown(line),
                shown(own)
            );
        }
        return ::std::format!("a track titled {} counts as it too ({code})", shown(&longer));
    }
    if let Some(other) = stored.iter().find(|s| {
        (s.to_lowercase() == title.to_lowercase() || s.to_uppercase() == title.to_uppercase()) && refused_beside(title, s)
    }) {
        let other: String = shown(other);
        return ::std::format!("it differs from {other} only in letter case, and case counts (no `to_lowercase`)");
    }
    if let Some(other) = stored.iter().find(|s| s.trim() == title.trim() && refused_beside(title, s)) {
        let other: String = shown(other);
        return ::std::format!("it differs from {other} only in spaces at its ends, and they count (no `trim`)");
    }
    if numbers.contains(&title) {
        return ::std::format!(
            "{} is a track number, not a title (compare the title after \"N. \", not anywhere in the line)",
            shown(title)
        );
    }
    ::std::string::String::from("no track has exactly this title")
}

/// `Playlist` holds its `tracks` cell and nothing beside it, and the tracks are in that cell.
#[test]
fn the_playlist_holds_nothing_but_its_tracks() {
    let playlist = Playlist::new();
    crate::__learn::exact::<RefCell<Vec<String>>, _>(&playlist.tracks);
    let size: usize = ::std::mem::size_of_val(&playlist);
    let field: usize = ::std::mem::size_of::<RefCell<Vec<String>>>();
    ::std::assert!(
        size == field,
        "`Playlist` takes {size} bytes, where its `tracks` field alone takes {field}: it keeps something beside the \
         tracks' `RefCell` (a second list, a count of tracks), and two records of one playlist can part ways (see “How long a guard lives”)\n\
         Keep the one `tracks: RefCell<Vec<String>>`: read it through `borrow()`, add to it through `borrow_mut()`."
    );
    playlist.add("Intro");
    playlist.add_if_missing("Outro");
    let in_field: Vec<String> = playlist.tracks.borrow().clone();
    let expected_in_field: Vec<String> = strings(&["1. Intro", "2. Outro"]);
    ::std::assert_eq!(in_field, expected_in_field, "`add` and `add_if_missing` should push the tracks into the `tracks` cell itself");
    // The test adds a track through the field: the methods must see it there.
    playlist.tracks.borrow_mut().push("3. Bonus".to_string());
    let listed: Vec<String> = titles(&playlist);
    let expected_listed: Vec<String> = strings(&["1. Intro", "2. Outro", "3. Bonus"]);
    ::std::assert_eq!(listed, expected_listed, "`titles` should list what the `tracks` cell holds");
    let bonus_again: bool = playlist.add_if_missing("Bonus");
    let number: usize = playlist.add("Finale");
    ::std::assert!(!bonus_again, "\"Bonus\" is in the `tracks` cell, so `add_if_missing` should find it there and refuse it");
    ::std::assert_eq!(number, 4, "with 3 tracks in the `tracks` cell, the next `add` should be number 4");
}

/// Only the exact title counts as present: case, spaces at the ends, part of a longer title (one holding ". " too) or a track number make a different title.
#[test]
fn add_if_missing_compares_the_exact_title() {
    // Longer titles come first, so a title found inside one of them is tried after it.
    let titles_in_order: [&str; 30] = [
        "Vol. Intro",
        "2. Intro",
        "Part 1. Main Theme",
        "Intro. Reprise",
        "Intro Reprise",
        "Reprise Intro",
        "Intro",
        "intro",
        "INTRO",
        " Intro",
        "Intro ",
        "\tIntro",
        "Intr",
        "ntro",
        "Main  Theme",
        "Main Theme",
        "Caf\u{e9}",
        "Cafe\u{301}",
        "CAF\u{c9}",
        "Stra\u{df}e",
        "STRASSE",
        "Strasse",
        "\u{fb01}nale",
        "finale",
        "1",
        "2",
        "12",
        "Theme",
        "Reprise",
        "",
    ];
    let playlist = Playlist::new();
    for (index, title) in titles_in_order.iter().enumerate() {
        let before: Vec<String> = playlist.tracks.borrow().clone();
        let added: bool = playlist.add_if_missing(title);
        let why: String = likeness(title, &before);
        ::std::assert!(
            added,
            "add_if_missing({title:?}) returned false on a playlist holding {before:?}, though no track has exactly \
             that title: {why}. The exercise asks for the exact title: keep the check as the starting file wrote it, \
             the title being all of a track after its first \". \", `t.split_once(\". \").map(|(_, rest)| rest) == Some(title)` \
             (see “How long a guard lives”: only the guard's life was to change)"
        );
        let number: usize = playlist.tracks.borrow().len();
        let due: usize = index + 1;
        ::std::assert_eq!(number, due, "add_if_missing({title:?}) returned true, so the playlist should hold {due} tracks");
    }
    let stored: Vec<String> = titles(&playlist);
    let expected: Vec<String> = titles_in_order.iter().enumerate().map(|(i, t)| ::std::format!("{}. {t}", i + 1)).collect();
    ::std::assert_eq!(stored, expected, "every title should be stored exactly as given, after its number");
    for title in titles_in_order {
        let added_again: bool = playlist.add_if_missing(title);
        ::std::assert!(!added_again, "{title:?} is already in the playlist with exactly that title, so it should be refused");
    }
    let after: Vec<String> = titles(&playlist);
    ::std::assert_eq!(after, expected, "refused titles should leave the playlist unchanged");
}

/// While the tracks are borrowed elsewhere, each method either panics (as `borrow()`/`borrow_mut()` do) or does the whole job: never a quiet drop or a made-up answer.
#[test]
fn a_busy_cell_is_never_turned_into_a_quiet_answer() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    playlist.add("Theme");

    // A read guard held by the test: the writing methods cannot write.
    let reader = playlist.tracks.borrow();
    let number: Option<usize> = quietly(|| playlist.add("Outro"));
    let added: Option<bool> = quietly(|| playlist.add_if_missing("Finale"));
    drop(reader);
    let after_writes: Vec<String> = playlist.tracks.borrow().clone();
    let outro_stored: bool = after_writes.iter().any(|t| t == "3. Outro");
    let finale_stored: bool = after_writes.iter().any(|t| t.ends_with(". Finale"));
    let number_said: usize = number.unwrap_or(0);
    ::std::assert!(
        number.is_none() || outro_stored,
        "the test held a read guard of `tracks` and called add(\"Outro\"): it returned {number_said} without a panic, \
         and the playlist holds {after_writes:?}, so the track was dropped without a word. A borrow that overlaps is a \
         bug, and `borrow_mut()` panics to show it; a `try_borrow_mut()` whose `Err` is ignored hides it and loses the \
         track (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Push through `self.tracks.borrow_mut()`."
    );
    let added_said: bool = added.unwrap_or(false);
    ::std::assert!(
        added.is_none() || (added_said && finale_stored),
        "the test held a read guard of `tracks` and called add_if_missing(\"Finale\"), a title not in the playlist: \
         it returned {added_said} without a panic, and the playlist holds {after_writes:?}, so the title was dropped \
         (or refused as if present) without a word. A borrow that overlaps is a bug, and `borrow_mut()` panics to \
         show it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `borrow()`, let that guard go, then push through `borrow_mut()`."
    );

    // A write guard held by the test: nothing can read the tracks.
    let state: Vec<String> = playlist.tracks.borrow().clone();
    let writer = playlist.tracks.borrow_mut();
    let listed: Option<Vec<String>> = quietly(|| titles(&playlist));
    let missing_added: Option<bool> = quietly(|| playlist.add_if_missing("Encore"));
    drop(writer);
    let listed_said: Vec<String> = listed.clone().unwrap_or_default();
    ::std::assert!(
        listed.is_none() || listed_said == state,
        "the test held a write guard of `tracks` and called titles(): it answered {listed_said:?} without a panic, \
         where the playlist holds {state:?}, a list made up while the cell was busy. A read that overlaps a writer is \
         a bug, and `borrow()` panics to show it; a `try_borrow()` that answers an empty list on `Err` hides it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.tracks.borrow()`."
    );
    let after_encore: Vec<String> = playlist.tracks.borrow().clone();
    let encore_stored: bool = after_encore.iter().any(|t| t.ends_with(". Encore"));
    let encore_said: bool = missing_added.unwrap_or(false);
    ::std::assert!(
        missing_added.is_none() || (encore_said && encore_stored),
        "the test held a write guard of `tracks` and called add_if_missing(\"Encore\"), a title not in the playlist: \
         it returned {encore_said} without a panic, and the playlist holds {after_encore:?}, so the call answered \
         without looking (or dropped the title) while the cell was busy. A read that overlaps a writer is a bug, and \
         `borrow()` panics to show it (see “Asking first: try_borrow and try_borrow_mut”)\n\
         Read through `self.tracks.borrow()`."
    );
}

// Titles a learner's code might treat as special: empty, spaces only, spaces at the ends, a slash
// or dot at the end, letter case, several lines, unicode in two spellings, an emoji, a long one,
// numbers, and repeats of the title just before.
fn edge_strings() -> Vec<String> {
    let mut all: Vec<String> = [
        "/docs", "/docs", "/Docs", "/DOCS", "/docs/", "/docs.", " /docs", "/docs ", "\t/docs", "a\nb", "a\r\nb",
        "\r\n", "\n", "\n\n\n", "line\n", "", "", " ", "  ", "\t", "/", ".", "caf\u{e9}", "cafe\u{301}", "CAF\u{c9}",
        "\u{1f600}", "\u{1f468}\u{200d}\u{1f469}", "0", "1", "01", "-1", "1.0", "42",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push("x".repeat(100_000));
    all.push("x".repeat(100_000));
    all.push("long line\n".repeat(10_000));
    all
}
// A string as a message shows it: quoted, and cut short in the middle when it is long.
fn shown(text: &str) -> String {
    let chars: usize = text.chars().count();
    if chars <= 40 {
        return ::std::format!("{text:?}");
    }
    // Its start and its end, so a space or line break at either end still shows.
    let head: String = text.chars().take(16).collect();
    let tail: String = text.chars().skip(chars - 8).collect();
    ::std::format!("{head:?}…{tail:?} ({chars} characters)")
}

// A list of tracks as a message shows it, long titles cut short.
fn shown_list(tracks: &[String]) -> String {
    let each: Vec<String> = tracks.iter().map(|t| shown(t)).collect();
    ::std::format!("[{}]", each.join(", "))
}

/// `add` keeps every title exactly as given, as its own numbered track, and `add_if_missing` adds each title once and refuses its exact repeat: empty, blank, several lines, unicode, long, numbers.
#[test]
fn every_title_is_kept_exactly_as_given() {
    let titles_given: Vec<String> = edge_strings();
    let playlist = Playlist::new();
    for (index, title) in titles_given.iter().enumerate() {
        let number: usize = playlist.add(title);
        let due_number: usize = index + 1;
        let stored: Vec<String> = playlist.tracks.borrow().clone();
        let last: String = stored.last().cloned().unwrap_or_default();
        let due: String = ::std::format!("{due_number}. {title}");
        ::std::assert!(
            number == due_number && stored.len() == due_number && last == due,
            "add({}) returned {number} and the playlist's last track is {} (it holds {} tracks), where track \
             {due_number}, {}, was due: every call adds the title exactly as given (a repeat, an empty or blank title, \
             several lines included) as a track of its own (see “How long a guard lives”: only the guard's life was to change)\n\
             Push `format!(\"{{number}}. {{title}}\")` with the title untouched.",
            shown(title),
            shown(&last),
            stored.len(),
            shown(&due)
        );
    }

    let playlist = Playlist::new();
    let mut kept: Vec<String> = Vec::new();
    for title in &titles_given {
        let before: Vec<String> = playlist.tracks.borrow().clone();
        let present: bool = kept.contains(title);
        let added: bool = playlist.add_if_missing(title);
        if !present {
            kept.push(title.clone());
        }
        let why: String = if present {
            ::std::string::String::from("it is already there with exactly that title")
        } else {
            likeness(title, &before)
        };
        ::std::assert!(
            added != present,
            "add_if_missing({}) returned {added} on a playlist holding {}: {why}. Only a track with exactly the \
             same title is a repeat; keep the check as the starting file wrote it, the title being all of a track after \
             its first \". \", `t.split_once(\". \").map(|(_, rest)| rest) == Some(title)` (see “How long a guard lives”)",
            shown(title),
            shown_list(&before)
        );
        let stored: Vec<String> = playlist.tracks.borrow().clone();
        let due: Vec<String> = kept.iter().enumerate().map(|(i, t)| ::std::format!("{}. {t}", i + 1)).collect();
        ::std::assert!(
            stored == due,
            "after add_if_missing({}) the playlist holds {}, where {} was due: each title is kept exactly as given, \
             after its number",
            shown(title),
            shown_list(&stored),
            shown_list(&due)
        );
    }
}

/// `titles()` only reads: it answers while the test holds a read guard of `tracks`.
#[test]
fn titles_answers_beside_a_read_guard() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    playlist.add("Theme");
    let reader = playlist.tracks.borrow();
    let listed: Option<Vec<String>> = quietly(|| titles(&playlist));
    drop(reader);
    ::std::assert!(
        listed.is_some(),
        "titles() panicked while the test held a read guard of `tracks`: a method that only reads asked for write \
         access; `borrow()` gives a read guard that can sit beside other readers (see “Guards: Ref and RefMut”)\n\
         Read with `self.tracks.borrow().clone()`."
    );
    let got: Vec<String> = listed.unwrap_or_default();
    let expected: Vec<String> = strings(&["1. Intro", "2. Theme"]);
    ::std::assert_eq!(got, expected, "titles() beside a read guard should list both tracks");
}
