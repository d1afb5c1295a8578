// wrong: `match` on `borrow()`: the temporary read guard lives to the end of the whole `match`, so `add` panics inside it
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
        match self.tracks.borrow().iter().any(|t| t.split_once(". ").map(|(_, rest)| rest) == Some(title)) {
            true => false,
            false => {
                self.add(title);
                true
            }
        }
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
