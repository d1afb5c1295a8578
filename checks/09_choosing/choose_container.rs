use super::*;
use std::thread;

#[test]
fn visits_are_counted_through_shared_references() {
    let visits = Visits::default();
    let header: &Visits = &visits;
    let footer: &Visits = &visits;
    header.record();
    footer.record();
    header.record();
    assert_eq!(footer.total(), 3, "three calls to record() through two shared references should count 3 visits");
}

#[test]
fn history_is_pushed_through_shared_references() {
    let history = History::default();
    let editor: &History = &history;
    let toolbar: &History = &history;
    assert_eq!(editor.last(), None, "a new history should have no last entry");
    editor.push("type a");
    toolbar.push("bold");
    assert_eq!(editor.last(), Some("bold".to_string()), "the last entry should be the most recent push");
}

#[test]
fn playlist_lends_its_tracks_as_a_plain_slice() {
    let mut playlist = Playlist::default();
    playlist.add("intro.mp3");
    playlist.add("theme.mp3");
    let first: &[String] = playlist.tracks();
    let second: &[String] = playlist.tracks();
    assert_eq!(first, ["intro.mp3", "theme.mp3"], "tracks() should list the tracks in the order they were added");
    assert_eq!(first.len(), second.len(), "two plain borrows of the tracks should see the same list");
}

#[test]
fn totals_add_up_across_threads() {
    let totals = Totals::default();
    let workers: Vec<_> = (1..=4u64)
        .map(|n| {
            let handle = totals.clone();
            thread::spawn(move || {
                for _ in 0..100 {
                    handle.add(n);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(totals.get(), 1000, "4 threads adding 1, 2, 3 and 4 a hundred times each should total 1000");
}

#[test]
fn equalizer_change_from_ui_thread_is_seen_by_audio_threads() {
    let eq = Equalizer::new(vec![0, 0, 0]);
    let ui = eq.clone();
    thread::spawn(move || ui.set_band(1, 6)).join().unwrap();
    let audio: Vec<_> = (0..3)
        .map(|_| {
            let eq = eq.clone();
            thread::spawn(move || eq.try_read(|bands| bands[1]))
        })
        .collect();
    for reader in audio {
        assert_eq!(
            reader.join().unwrap(),
            Some(6),
            "with nobody writing, an audio thread should be able to read band 1, which the UI thread set to 6"
        );
    }
}

#[test]
fn audio_threads_read_the_equalizer_at_the_same_time() {
    let eq = Equalizer::new(vec![1, 2, 3]);
    let other = eq.clone();
    let seen = eq.try_read(|_bands| {
        // While this thread is still reading, a second audio thread tries to read too.
        thread::spawn(move || other.try_read(|bands| bands[2])).join().unwrap()
    });
    assert_eq!(
        seen,
        Some(Some(3)),
        "while one audio thread is reading the bands, a second one should be let in as well, not turned away"
    );
}
