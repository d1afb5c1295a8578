// wrong: the `Weak` is on the wrong side: children own their parent, and a parent lets its children vanish
use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Folder {
    name: String,
    parent: RefCell<Option<Rc<Folder>>>,
    children: RefCell<Vec<Weak<Folder>>>,
}

impl Folder {
    fn new(name: &str) -> Rc<Folder> {
        Rc::new(Folder { name: name.to_string(), parent: RefCell::new(None), children: RefCell::new(Vec::new()) })
    }

    /// Puts `child` in `parent`'s list of children and points `child` back at `parent`.
    fn attach(parent: &Rc<Folder>, child: &Rc<Folder>) {
        parent.children.borrow_mut().push(Rc::downgrade(child));
        *child.parent.borrow_mut() = Some(Rc::clone(parent));
    }

    /// The parent, if this folder has one and it still exists.
    fn parent(&self) -> Option<Rc<Folder>> {
        self.parent.borrow().clone()
    }

    fn children(&self) -> Vec<Rc<Folder>> {
        self.children.borrow().iter().filter_map(Weak::upgrade).collect()
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
