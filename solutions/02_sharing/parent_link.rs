// parent_link: a folder tree where every folder knows its parent.
//
// Each `Folder` lives in an `Rc`. A parent owns its children (strong `Rc`s in `children`), and
// each child points back at its parent with a `Weak`, which does not count as an owner. So
// the owners form a tree with no circle in it: when the last handle to the top folder goes,
// its count reaches zero, it is freed, its list of children goes with it, and so on down.
//
// The fix: `parent` holds a `Weak<Folder>`, made with `Rc::downgrade` in `attach`, and
// `parent()` asks it with `upgrade()`, which says `None` once the parent is gone.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Folder {
    name: String,
    // Not an owner: a child never keeps its parent alive.
    parent: RefCell<Weak<Folder>>,
    // Owners: a parent keeps its children alive.
    children: RefCell<Vec<Rc<Folder>>>,
}

impl Folder {
    fn new(name: &str) -> Rc<Folder> {
        Rc::new(Folder {
            name: name.to_string(),
            parent: RefCell::new(Weak::new()),
            children: RefCell::new(Vec::new()),
        })
    }

    /// Puts `child` in `parent`'s list of children and points `child` back at `parent`.
    /// Attached again, to another parent, the child points at the newest one: the folder it was last attached to.
    fn attach(parent: &Rc<Folder>, child: &Rc<Folder>) {
        parent.children.borrow_mut().push(Rc::clone(child));
        *child.parent.borrow_mut() = Rc::downgrade(parent);
    }

    /// The parent, if this folder has one and it still exists.
    fn parent(&self) -> Option<Rc<Folder>> {
        self.parent.borrow().upgrade()
    }

    fn children(&self) -> Vec<Rc<Folder>> {
        self.children.borrow().clone()
    }

    /// The names from the topmost folder still alive down to this one, joined by '/'.
    fn path(&self) -> String {
        match self.parent() {
            Some(parent) => format!("{}/{}", parent.path(), self.name),
            None => self.name.clone(),
        }
    }
}

fn main() {
    let home = Folder::new("home");
    let ana = Folder::new("ana");
    let notes = Folder::new("notes");
    Folder::attach(&home, &ana);
    Folder::attach(&ana, &notes);
    println!("{}", notes.path());
    let names: Vec<String> = home.children().iter().map(|child| child.name.clone()).collect();
    println!("home holds {names:?}");

    // Keep a non-owning look at the top of the tree, then drop every handle we hold.
    let watch_home = Rc::downgrade(&home);
    drop((home, ana, notes));
    println!("after dropping the tree, is home still in memory? {}", watch_home.upgrade().is_some());
}
