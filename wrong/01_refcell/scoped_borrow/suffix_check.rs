// wrong: compares with ends_with(". {title}"), so add_if_missing("Intro") is refused when only "Vol. Intro" is there: a title holding ". " ends the same way without being the same title
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
        let number = self.tracks.borrow().len() + 1;
        self.tracks.borrow_mut().push(format!("{number}. {title}"));
        number
    }

    /// Adds `title` unless a track with that exact title is already there.
    /// Returns whether it was added.
    fn add_if_missing(&self, title: &str) -> bool {
        let present = {
            let tracks = self.tracks.borrow();
            let suffix = format!(". {title}"); tracks.iter().any(|t| t.ends_with(&suffix))
        };
        if present {
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
