use super::Folder;
use std::rc::{Rc, Weak};

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
