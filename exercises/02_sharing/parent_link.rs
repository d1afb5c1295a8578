// parent_link: a folder tree where every folder knows its parent.
//
// Lesson section: “Cycles and Weak”.
// New here: `Rc::downgrade` — makes a `Weak` from an `Rc`: a pointer that does not count as an owner.
// New here: `Weak::upgrade` — gives `Some(Rc)` while the value still has an owner, `None` once it was dropped.
// New here: `Weak::new` — a `Weak` that points at nothing yet (its `upgrade` is always `None`).
//
// Each `Folder` lives in an `Rc`, so a folder can be held by its parent's list of children and
// by whoever is looking at it. Going down is easy (`children`); going up needs a link from the
// child back to its parent, so that `path()` can print "home/ana/notes".
//
// In TypeScript, `child.parent = parent` is the end of the story: the garbage collector frees
// a parent and child that point at each other once nothing else reaches them. `Rc` has no
// collector, only a count of owners. Below, the parent owns its children and each child owns
// its parent (a strong `Rc`), so every count stays above zero: drop the tree and not one folder
// is freed. `main` shows it. The tests drop trees and check that every folder went with them.
//
// Keep the children as they are (a parent should keep its children alive) and make the link
// upwards one that does not own: a `Weak`.

use std::cell::RefCell;
use std::rc::Rc;

struct Folder {
    name: String,
    // TODO: an owning link upwards: parent and child keep each other alive.
    parent: RefCell<Option<Rc<Folder>>>,
    children: RefCell<Vec<Rc<Folder>>>,
}

impl Folder {
    fn new(name: &str) -> Rc<Folder> {
        Rc::new(Folder {
            name: name.to_string(),
            parent: RefCell::new(None), // TODO: start with a link that points at nothing
            children: RefCell::new(Vec::new()),
        })
    }

    /// Puts `child` in `parent`'s list of children and points `child` back at `parent`.
    /// Attached again, to another parent, the child points at the newest one: the folder it was last attached to.
    fn attach(parent: &Rc<Folder>, child: &Rc<Folder>) {
        parent.children.borrow_mut().push(Rc::clone(child));
        // TODO: store a link to the parent that does not own it.
        *child.parent.borrow_mut() = Some(Rc::clone(parent));
    }

    /// The parent, if this folder has one and it still exists.
    fn parent(&self) -> Option<Rc<Folder>> {
        // TODO: the parent may be gone by now.
        self.parent.borrow().clone()
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
