use super::Folder;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

// Runs `call` with panic output turned off, so the test can say itself what went wrong: `None`
// if it panicked.
fn quietly<T>(call: impl FnOnce() -> T) -> Option<T> {
    let previous = ::std::panic::take_hook();
    ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
    let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(call));
    ::std::panic::set_hook(previous);
    outcome.ok()
}

/// Something the test does with a folder.
type Use = fn(&Rc<Folder>);

/// Builds home/ana/notes and home/ben, calls `use_it` on every folder, drops every handle, and
/// says how many of the four folders are still in memory.
fn folders_left_after(use_it: Use) -> usize {
    let (home, ana, notes) = three_levels();
    let ben: Rc<Folder> = Folder::new("ben");
    Folder::attach(&home, &ben);
    let all: [Rc<Folder>; 4] = [home, ana, notes, ben];
    let watched: Vec<Weak<Folder>> = all.iter().map(Rc::downgrade).collect();
    for folder in &all {
        use_it(folder);
    }
    drop(all);
    watched.iter().filter(|w| w.upgrade().is_some()).count()
}

/// Builds home/ana/notes and returns the three handles.
fn three_levels() -> (Rc<Folder>, Rc<Folder>, Rc<Folder>) {
    let home: Rc<Folder> = Folder::new("home");
    let ana: Rc<Folder> = Folder::new("ana");
    let notes: Rc<Folder> = Folder::new("notes");
    Folder::attach(&home, &ana);
    Folder::attach(&ana, &notes);
    (home, ana, notes)
}

/// `attach` links both ways: the child finds its parent, the parent lists its child.
#[test]
fn attach_links_parent_and_child_both_ways() {
    let home: Rc<Folder> = Folder::new("home");
    let ana: Rc<Folder> = Folder::new("ana");
    Folder::attach(&home, &ana);
    let parent: Option<Rc<Folder>> = ana.parent();
    let found_home: bool = parent.as_ref().is_some_and(|p| Rc::ptr_eq(p, &home));
    ::std::assert!(found_home, "after attach(home, ana), ana.parent() should be the very `Rc` of home");
    let kids: Vec<Rc<Folder>> = home.children();
    let listed: bool = kids.len() == 1 && Rc::ptr_eq(&kids[0], &ana);
    ::std::assert!(listed, "after attach(home, ana), home.children() should hold exactly ana");
    let top: Option<Rc<Folder>> = home.parent();
    ::std::assert!(top.is_none(), "a folder that was never attached to a parent has no parent");
}

/// `path` walks up the parent links to the top folder.
#[test]
fn path_walks_up_to_the_top() {
    let (home, ana, notes) = three_levels();
    let path: String = notes.path();
    ::std::assert_eq!(path, "home/ana/notes", "notes lives in ana, which lives in home");
    let middle: String = ana.path();
    ::std::assert_eq!(middle, "home/ana", "ana lives in home");
    let top: String = home.path();
    ::std::assert_eq!(top, "home", "home has no parent");
}

/// Dropping every handle to a tree frees every folder in it.
#[test]
fn dropping_the_tree_frees_every_folder() {
    let (home, ana, notes) = three_levels();
    let watched: Vec<Weak<Folder>> = ::std::vec![Rc::downgrade(&home), Rc::downgrade(&ana), Rc::downgrade(&notes)];
    drop((home, ana, notes));
    let still_alive: usize = watched.iter().filter(|w| w.upgrade().is_some()).count();
    ::std::assert_eq!(
        still_alive,
        0,
        "nothing holds the tree any more, yet {still_alive} of its 3 folders are still in memory: something \
         still owns them. `Rc` never frees a parent and child that own each other (a reference cycle), nor \
         anything behind an `Rc` that is never dropped. Point at the parent with a `Weak` (see “Cycles and Weak”)"
    );
}

/// A child's link to its parent does not count as one of the parent's owners.
#[test]
fn children_do_not_own_their_parent() {
    let home: Rc<Folder> = Folder::new("home");
    for name in ["ana", "ben", "cy"] {
        Folder::attach(&home, &Folder::new(name));
    }
    let owners: usize = Rc::strong_count(&home);
    let kept: Vec<String> = home.children().iter().map(|child| child.name.clone()).collect();
    // Fewer children than were attached says nothing about how each link upwards was made: say
    // what happened to the children instead.
    if kept.len() != 3 {
        let what: &str = if kept.is_empty() {
            "none of them: each was dropped as soon as the test let go of it, so home's list does not own its \
             children (the links downwards should be strong `Rc`s, see “Cycles and Weak”)\n\
             Keep `children: RefCell<Vec<Rc<Folder>>>` and push `Rc::clone(child)` onto it."
        } else if kept == ["cy"] {
            "only the last one: `attach` replaced the list of children instead of adding to it, and the children no \
             list held were dropped\n\
             Push the child onto the list already there: `parent.children.borrow_mut().push(Rc::clone(child))`."
        } else {
            "fewer than were attached: `attach` lost some children instead of adding each to the list\n\
             Push the child onto the list already there: `parent.children.borrow_mut().push(Rc::clone(child))`."
        };
        ::std::panic!("ana, ben and cy were attached to home, one after the other, and home lists {kept:?}: {what}");
    }
    ::std::assert_eq!(
        owners,
        1,
        "home has three children, but only the test's handle should own it: links from children to their \
         parent that own it make a reference cycle (see “Cycles and Weak”)"
    );
    let watchers: usize = Rc::weak_count(&home);
    ::std::assert_eq!(
        watchers,
        3,
        "each of the three children should point at home with a `Weak` made by `Rc::downgrade`"
    );
}

/// A folder kept after its parents are dropped reports no parent instead of keeping them alive.
#[test]
fn a_folder_outliving_its_parents_has_no_parent() {
    let (home, ana, notes) = three_levels();
    drop((home, ana));
    let parent: Option<Rc<Folder>> = notes.parent();
    ::std::assert!(
        parent.is_none(),
        "only notes is still held, so home and ana should be gone and notes.parent() should be None \
         (`Weak::upgrade` says so); a parent kept alive by its child is a reference cycle"
    );
    let path: String = notes.path();
    ::std::assert_eq!(path, "notes", "with its parents gone, notes is the top of what is left");
}

/// A parent keeps its children alive: they stay after the caller drops its own handles.
#[test]
fn a_parent_keeps_its_children_alive() {
    let home: Rc<Folder> = Folder::new("home");
    let ana: Rc<Folder> = Folder::new("ana");
    let ben: Rc<Folder> = Folder::new("ben");
    Folder::attach(&home, &ana);
    Folder::attach(&home, &ben);
    let watch_ana: Weak<Folder> = Rc::downgrade(&ana);
    drop((ana, ben));
    let kept: bool = watch_ana.upgrade().is_some();
    // Ana can go two ways: a list that does not own her, or a list she was dropped from when ben
    // took her place. Only the second leaves ben alone in it.
    let listed: Vec<String> = if kept {
        Vec::new()
    } else {
        quietly(|| home.children().iter().map(|child| child.name.clone()).collect()).unwrap_or_default()
    };
    let replaced: bool = listed == ["ben"];
    ::std::assert!(
        !replaced,
        "ana and then ben were attached to home, but home lists only {listed:?} and ana is gone: `attach` replaced the \
         list of children instead of adding to it, so ana, held by no list, was dropped\n\
         Push the child onto the list already there: `parent.children.borrow_mut().push(Rc::clone(child))`."
    );
    ::std::assert!(kept, "home still exists, so its child ana should too: the links downwards own the children");
    let names: Vec<String> = home
        .children()
        .iter()
        .map(|child| {
            crate::__learn::exact::<String, _>(&child.name);
            child.name.clone()
        })
        .collect();
    let expected_names: Vec<String> = ::std::vec!["ana".to_string(), "ben".to_string()];
    ::std::assert_eq!(names, expected_names, "home should still list both children");
    let paths: Vec<String> = home.children().iter().map(|child| child.path()).collect();
    let expected_paths: Vec<String> = ::std::vec!["home/ana".to_string(), "home/ben".to_string()];
    ::std::assert_eq!(paths, expected_paths, "the children should still find home as their parent");
}

/// `Folder` holds its name, its link upwards and its children, and nothing beside them.
#[test]
fn a_folder_holds_nothing_but_its_three_fields() {
    let home: Rc<Folder> = Folder::new("home");
    crate::__learn::exact::<String, _>(&home.name);
    let size: usize = ::std::mem::size_of::<Folder>();
    // The link upwards may be any cell around a `Weak`; none is bigger than a `RefCell<Weak<_>>`.
    let fields: usize = ::std::mem::size_of::<(String, RefCell<Weak<Folder>>, RefCell<Vec<Rc<Folder>>>)>();
    ::std::assert!(
        size <= fields,
        "`Folder` takes {size} bytes, where its `name`, `parent` and `children` fields take {fields}: it keeps \
         something beside them (the parent once more, a copy of its path), and a second link upwards can own the \
         parent or name one that is gone (see “Cycles and Weak”)\n\
         Keep the three fields: `parent` holds the one `Weak` link upwards, and `parent()` upgrades it each time."
    );
}

/// After `parent`, `path` and `children` were called on every folder, dropping the tree still frees every folder: no method keeps a strong link upwards.
#[test]
fn using_the_tree_leaves_nothing_that_keeps_it_alive() {
    let untouched: usize = folders_left_after(|_| {});
    ::std::assert!(
        untouched == 0,
        "could not begin: a tree dropped without any method called on it leaves {untouched} of its 4 folders in memory \
         (the same fault as in dropping_the_tree_frees_every_folder)"
    );
    let methods: [(&str, Use); 3] = [
        ("parent()", |folder| {
            let _ = folder.parent();
        }),
        ("path()", |folder| {
            let _ = folder.path();
        }),
        ("children()", |folder| {
            let _ = folder.children();
        }),
    ];
    for (name, call) in methods {
        let left: usize = folders_left_after(call);
        ::std::assert!(
            left == 0,
            "the test built home/ana/notes and home/ben, called {name} on each folder and dropped every handle and every \
             result: {left} of the 4 folders are still in memory, where a tree dropped untouched frees all of them. \
             {name} left a strong `Rc` behind (the upgraded parent cached in a field, say): the child owns its parent \
             again, a reference cycle that `Rc` never frees (see “Cycles and Weak”)\n\
             Keep only the `Weak`: `parent()` upgrades it on every call and hands the `Rc` to its caller without keeping one."
        );
    }
}

/// `attach` and `children` called while someone else borrows the list of children panic (an overlap is a bug) or do the whole job: never a child left out.
#[test]
fn a_borrowed_list_of_children_never_loses_a_child() {
    // The exercise keeps the children as they are: a list of owning `Rc`s in a `RefCell`.
    let pinned: Rc<Folder> = Folder::new("home");
    crate::__learn::exact::<RefCell<Vec<Rc<Folder>>>, _>(&pinned.children);
    for how in ["borrow()", "borrow_mut()"] {
        let home: Rc<Folder> = Folder::new("home");
        let ana: Rc<Folder> = Folder::new("ana");
        Folder::attach(&home, &ana);
        let ben: Rc<Folder> = Folder::new("ben");
        let attached: Option<()> = if how == "borrow()" {
            let _held = home.children.borrow();
            quietly(|| Folder::attach(&home, &ben))
        } else {
            let _held = home.children.borrow_mut();
            quietly(|| Folder::attach(&home, &ben))
        };
        // A panic is what `borrow_mut()` does on an overlap: it shows the bug, so it passes.
        if attached.is_some() {
            let names: Vec<String> = home.children().iter().map(|child| child.name.clone()).collect();
            let expected_names: Vec<String> = ::std::vec!["ana".to_string(), "ben".to_string()];
            ::std::assert!(
                names == expected_names,
                "the test held a `{how}` guard of home's `children` and called attach(home, ben): it returned without a \
                 panic, and once the test let go home listed {names:?}, where {expected_names:?} was due: ben was left \
                 out because the list was busy. Skipping a change when `try_borrow_mut` fails hides the overlap and \
                 loses the child (see “Asking first: try_borrow and try_borrow_mut”)\n\
                 Push with `borrow_mut()`: an overlap then panics with \"already borrowed\" and points at the bug."
            );
        }
    }
    let home: Rc<Folder> = Folder::new("home");
    Folder::attach(&home, &Folder::new("ana"));
    Folder::attach(&home, &Folder::new("ben"));
    let listed: Option<Vec<String>> = {
        let _held = home.children.borrow_mut();
        quietly(|| home.children().iter().map(|child| child.name.clone()).collect())
    };
    // A panic is what `borrow()` does on an overlap: it shows the bug, so it passes.
    if let Some(listed) = listed {
        let expected_listed: Vec<String> = ::std::vec!["ana".to_string(), "ben".to_string()];
        ::std::assert!(
            listed == expected_listed,
            "the test held a `borrow_mut()` guard of home's `children` and called home.children(): it returned \
             {listed:?} without a panic, where {expected_listed:?} was due: a busy list was answered as an empty or \
             stale one, which hides the overlap (see “Asking first: try_borrow and try_borrow_mut”)\n\
             Read with `borrow()`: an overlap then panics with \"already mutably borrowed\" and points at the bug."
        );
    }
}

/// A child attached again, to another parent, points at the newest one, every time, whether or not the old parent still exists.
#[test]
fn a_child_attached_again_points_at_its_newest_parent() {
    // As `attach` says: the child's parent is the folder it was last attached to.
    let home: Rc<Folder> = Folder::new("home");
    let work: Rc<Folder> = Folder::new("work");
    let archive: Rc<Folder> = Folder::new("archive");
    let notes: Rc<Folder> = Folder::new("notes");
    // (parent it is attached to now, path then due), every parent still alive.
    let moves: [(&Rc<Folder>, &str); 4] =
        [(&home, "home/notes"), (&work, "work/notes"), (&archive, "archive/notes"), (&home, "home/notes")];
    let mut before: String = "no parent".to_string();
    for (step, (parent, due)) in moves.into_iter().enumerate() {
        Folder::attach(parent, &notes);
        let got_parent: Option<Rc<Folder>> = notes.parent();
        let points_there: bool = got_parent.as_ref().is_some_and(|p| Rc::ptr_eq(p, parent));
        let named: String = got_parent.as_ref().map_or("None".to_string(), |p| ::std::format!("{:?}", p.name));
        let path: String = notes.path();
        let whole: bool = points_there && path == due;
        ::std::assert!(
            whole,
            "notes was attached to {} one after the other, all of them still alive; after attach #{} (to {:?}), \
             notes.parent() was {named} and notes.path() was {path:?}, where {:?} and {due:?} were due: {}\n\
             In `attach`, always point the child at the new parent: `*child.parent.borrow_mut() = \
             Rc::downgrade(parent);`, whatever the link held before.",
            "home, work, archive and home again",
            step + 1,
            parent.name,
            parent.name,
            if named == before {
                "the child kept the parent it had, so `attach` sets the link only when there is none yet (the \
                 first parent wins)"
            } else {
                "the child does not point at the folder it was last attached to"
            }
        );
        before = ::std::format!("{:?}", parent.name);
    }
    // The old parent gone: the new one is still the one the child points at.
    let gone: Rc<Folder> = Folder::new("gone");
    let child: Rc<Folder> = Folder::new("child");
    Folder::attach(&gone, &child);
    drop(gone);
    Folder::attach(&work, &child);
    let path: String = child.path();
    ::std::assert_eq!(path, "work/child", "child was attached to a folder since dropped, then to work: its path is work/child");
}

/// `path()` is whole at every depth: each of 0 to 64 levels, and 1 000 levels, from the topmost folder down.
#[test]
fn a_path_is_whole_at_any_depth() {
    // One chain f0/f1/.../f1000; each folder's path must name every folder above it.
    let chain: Vec<Rc<Folder>> = (0..=1_000).map(|level| Folder::new(&::std::format!("f{level}"))).collect();
    for pair in chain.windows(2) {
        Folder::attach(&pair[0], &pair[1]);
    }
    let depths: Vec<usize> = (0..=64).chain([127, 128, 129, 255, 256, 257, 999, 1_000]).collect();
    for depth in depths {
        let due_names: Vec<String> = (0..=depth).map(|level| ::std::format!("f{level}")).collect();
        let due: String = due_names.join("/");
        let got: String = chain[depth].path();
        if got == due {
            continue;
        }
        let got_names: Vec<&str> = got.split('/').collect();
        let shown: String = if got.len() > 60 {
            let head: String = got.chars().take(24).collect();
            let tail: String = got.chars().rev().take(24).collect::<Vec<char>>().into_iter().rev().collect();
            ::std::format!("\"{head}…{tail}\"")
        } else {
            ::std::format!("{got:?}")
        };
        let cut_at_top: bool = got_names.len() < due_names.len() && due.ends_with(got.as_str());
        let fault: String = if cut_at_top {
            ::std::format!(
                "it names only the {} lowest folders and starts at {:?}, not at the top folder f0: `path()` stops \
                 walking up after a fixed number of levels",
                got_names.len(),
                got_names[0]
            )
        } else {
            ::std::format!(
                "it names {} folders where {} were due: `path()` does not name each folder from the top down once",
                got_names.len(),
                due_names.len()
            )
        };
        ::std::panic!(
            "the test built one chain of folders f0/f1/.../f1000, each the child of the one before, all alive; f{depth}, \
             {depth} levels below f0, gave path() = {shown}, where the {} names f0 to f{depth} were due: {fault}\n\
             Walk up with `parent()` until it gives `None`, however many levels that takes, and join every name \
             with '/'.",
            depth + 1
        );
    }
}
