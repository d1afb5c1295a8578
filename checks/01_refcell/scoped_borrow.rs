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
