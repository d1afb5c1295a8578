// wrong: add_if_missing compares the titles in upper case, so "STRASSE" counts as "Straße" and "FINALE" as "ﬁnale"
// scoped_borrow: a read borrow that stays alive too long.
//
// A `Playlist` keeps its tracks in a `RefCell<Vec<String>>` so that any part
// of the music app holding a `&Playlist` can add to it.
//
// A `borrow()` guard keeps the cell marked as "being read" until the guard is
// dropped, which for a `let` variable is the end of its `{ }` block. While
// that mark is on, `borrow_mut()` panics with "RefCell already borrowed".
// The fix is always the same shape: read what you need into an ordinary
// value, let the guard go, and only then borrow for writing.

use std::cell::RefCell;

struct Playlist {
    tracks: RefCell<Vec<String>>,
}

impl Playlist {
    fn new() -> Self {
        Playlist {
            tracks: RefCell::new(Vec::new()),
        }
    }

    /// Appends `title` as "N. title" and returns its track number N (from 1).
    fn add(&self, title: &str) -> usize {
        // The guard is a temporary that dies at the end of this statement;
        // only the plain `usize` survives.
        let number = self.tracks.borrow().len() + 1;
        self.tracks.borrow_mut().push(format!("{number}. {title}"));
        number
    }

    /// Adds `title` unless a track with that exact title is already there.
    /// Returns whether it was added.
    fn add_if_missing(&self, title: &str) -> bool {
        // A block limits the read guard's life: it is dropped at the `}`,
        // before `add` asks for write access.
        let already_there = {
            let tracks = self.tracks.borrow();
            tracks.iter().any(|t| t.split_once(". ").is_some_and(|(_, rest)| rest.to_uppercase() == title.to_uppercase()))
        };
        if already_there {
            return false;
        }
        self.add(title);
        true
    }

    fn titles(&self) -> Vec<String> {
        self.tracks.borrow().clone()
    }
}

fn main() {
    let playlist = Playlist::new();
    playlist.add("Intro");
    playlist.add("Main Theme");
    let added = playlist.add_if_missing("Intro");
    println!("added Intro again? {added}");
    println!("{:?}", playlist.titles());
}
