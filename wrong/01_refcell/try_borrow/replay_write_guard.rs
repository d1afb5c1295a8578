// wrong: replay takes a write guard (borrow_mut) just to read, so a callback that reads the recorder (events()) during replay panics
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
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            events: RefCell::new(Vec::new()),
            skipped: RefCell::new(0),
        }
    }

    fn record(&self, event: &str) -> bool {
        match self.events.try_borrow_mut() {
            Ok(mut list) => {
                list.push(event.to_string());
                true
            }
            Err(_) => {
                *self.skipped.borrow_mut() += 1;
                false
            }
        }
    }

    fn replay(&self, mut callback: impl FnMut(&str)) {
        for event in self.events.borrow_mut().iter() {
            callback(event);
        }
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
