// wrong: ends the guard in add but add_if_missing still holds its read guard across the call to add
// scoped_borrow: a read borrow that stays alive too long.
//
// Lesson section: “How long a guard lives”.
// New here: a guard's lifetime — a guard in a `let` lives to the end of its block; a guard used in one
//           expression without a `let` ends with that statement; `drop(guard)` ends it at once.
//
// A `Playlist` keeps its tracks in a `RefCell<Vec<String>>` so that any part
// of the music app holding a `&Playlist` can add to it.
//
// This file compiles, but the tests panic with "RefCell already borrowed".
// A `borrow()` guard keeps the cell marked as "being read" for as long as the
// guard variable exists, which is until the end of its `{ }` block, not until
// the line where you last used it. While that mark is on, `borrow_mut()`
// refuses and panics. (In TypeScript nobody tracks readers and writers; here
// the cell does, at run time.)
//
// Both methods below read first and then write. Make each read borrow end
// before the write starts. Keep the methods' behaviour the same.

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
        // TODO: `tracks` is still alive when `borrow_mut()` runs below.
        let tracks = self.tracks.borrow();
        let number = tracks.len() + 1;
        drop(tracks);
        self.tracks.borrow_mut().push(format!("{number}. {title}"));
        number
    }

    /// Adds `title` unless a track with that exact title is already there.
    /// Returns whether it was added.
    fn add_if_missing(&self, title: &str) -> bool {
        // TODO: same problem here: the read guard outlives the check.
        let tracks = self.tracks.borrow();
        drop(tracks);
        let tracks = self.tracks.borrow();
        if tracks.iter().any(|t| t.split_once(". ").map(|(_, rest)| rest) == Some(title)) {
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
