// wrong: keeps a hand-made busy flag that only replay sets, instead of asking the cell with try_borrow_mut
// try_borrow: skip a write instead of panicking when the cell is busy.
//
// Lesson section: “Asking first: try_borrow and try_borrow_mut”.
// New here: `RefCell::try_borrow_mut` — asks for write access and returns `Err` instead of panicking
//           when the cell is busy.
//
// A `Recorder` collects UI events in a `RefCell<Vec<String>>`. `replay` walks
// over the recorded events and calls a callback for each one. Some callbacks
// (a debug overlay, say) call `record` themselves, while `replay` is still
// holding its read borrow. Then `record`'s `borrow_mut()` panics.
//
// Events that arrive during a replay are not important here: the rule is to
// drop them, count how many were dropped, and carry on. Think of a TypeScript
// `if (busy) { skipped++; return false; }`, except that the RefCell already
// knows whether it is busy and can tell you without panicking.
//
// Change `record` so it never panics: store the event when the cell is free
// (return true), otherwise add one to `skipped` (return false).

use std::cell::RefCell;

struct Recorder {
    events: RefCell<Vec<String>>,
    skipped: RefCell<u32>,
    busy: std::cell::Cell<bool>,
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            events: RefCell::new(Vec::new()),
            skipped: RefCell::new(0),
            busy: std::cell::Cell::new(false),
        }
    }

    fn record(&self, event: &str) -> bool {
        // TODO: this panics when `events` is already borrowed elsewhere.
        if self.busy.get() {
            *self.skipped.borrow_mut() += 1;
            return false;
        }
        self.events.borrow_mut().push(event.to_string());
        true
    }

    fn replay(&self, mut callback: impl FnMut(&str)) {
        self.busy.set(true);
        for event in self.events.borrow().iter() {
            callback(event);
        }
        self.busy.set(false);
    }

    fn events(&self) -> Vec<String> {
        self.events.borrow().clone()
    }

    fn skipped(&self) -> u32 {
        *self.skipped.borrow()
    }
}

fn main() {
    let recorder = Recorder::new();
    recorder.record("click #save");
    recorder.record("key ctrl+s");
    recorder.replay(|event| {
        println!("replaying {event}");
        recorder.record("overlay redrawn"); // arrives during the replay
    });
    println!("events: {:?}", recorder.events());
    println!("skipped during replay: {}", recorder.skipped());
}
