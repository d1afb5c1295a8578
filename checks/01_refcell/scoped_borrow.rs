use super::*;

#[test]
fn first_track_gets_number_one() {
    let playlist = Playlist::new();
    assert_eq!(
        playlist.add("Intro"),
        1,
        "the first track added should be number 1"
    );
    assert_eq!(
        playlist.titles(),
        vec!["1. Intro".to_string()],
        "the playlist should hold \"1. Intro\""
    );
}

#[test]
fn tracks_are_numbered_in_order() {
    let playlist = Playlist::new();
    let shared: &Playlist = &playlist;
    let numbers = [shared.add("A"), shared.add("B"), shared.add("C")];
    assert_eq!(
        numbers,
        [1, 2, 3],
        "three adds in a row should return track numbers 1, 2, 3"
    );
    assert_eq!(
        playlist.titles(),
        vec!["1. A".to_string(), "2. B".to_string(), "3. C".to_string()],
        "tracks should be stored in the order they were added, with their numbers"
    );
}

#[test]
fn add_if_missing_adds_a_new_title() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    assert!(
        playlist.add_if_missing("Outro"),
        "a title that is not in the playlist yet should be added"
    );
    assert_eq!(
        playlist.titles(),
        vec!["1. Intro".to_string(), "2. Outro".to_string()],
        "the new title should be appended as track 2"
    );
}

#[test]
fn add_if_missing_works_on_an_empty_playlist() {
    let playlist = Playlist::new();
    assert!(
        playlist.add_if_missing("Solo"),
        "an empty playlist has nothing to clash with, so the title should be added"
    );
    assert_eq!(
        playlist.titles(),
        vec!["1. Solo".to_string()],
        "the playlist should now hold \"1. Solo\""
    );
}

#[test]
fn add_if_missing_refuses_a_duplicate_and_changes_nothing() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    playlist.add("Theme");
    assert!(
        !playlist.add_if_missing("Intro"),
        "\"Intro\" is already in the playlist, so it should not be added again"
    );
    assert_eq!(
        playlist.titles(),
        vec!["1. Intro".to_string(), "2. Theme".to_string()],
        "a refused add should leave the playlist unchanged"
    );
}

#[test]
fn methods_work_through_two_shared_references() {
    let playlist = Playlist::new();
    let ui: &Playlist = &playlist;
    let radio: &Playlist = &playlist;
    ui.add("Morning");
    radio.add_if_missing("Noon");
    ui.add_if_missing("Morning");
    radio.add("Evening");
    assert_eq!(
        playlist.titles(),
        vec![
            "1. Morning".to_string(),
            "2. Noon".to_string(),
            "3. Evening".to_string()
        ],
        "both holders should be able to add to the same playlist, duplicates skipped"
    );
}
