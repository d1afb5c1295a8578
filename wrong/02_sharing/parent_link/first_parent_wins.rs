// wrong: attach only sets the parent link when the child has none, so a child moved to a new parent keeps pointing at (and naming in path) the old one
use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Folder {
    name: String,
    parent: RefCell<Weak<Folder>>,
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
    fn attach(parent: &Rc<Folder>, child: &Rc<Folder>) {
        parent.children.borrow_mut().push(Rc::clone(child));
        if child.parent().is_none() { *child.parent.borrow_mut() = Rc::downgrade(parent); }
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

    let watch_home = Rc::downgrade(&home);
    drop((home, ana, notes));
    println!("after dropping the tree, is home still in memory? {}", watch_home.upgrade().is_some());
}
