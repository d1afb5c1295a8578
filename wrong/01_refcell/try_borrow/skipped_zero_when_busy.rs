// wrong: skipped uses try_borrow and answers 0 while the count is being written
// try_borrow: skip a write instead of panicking when the cell is busy.
//
// A `Recorder` collects UI events in a `RefCell<Vec<String>>`. `replay` walks
// over the recorded events and calls a callback for each one. Some callbacks
// (a debug overlay, say) call `record` themselves, while `replay` is still
// holding its read borrow, so a plain `borrow_mut()` in `record` would panic.
//
// `try_borrow_mut()` asks the same question without panicking: it returns
// `Ok(guard)` when the cell is free and `Err(_)` when someone else holds a
// borrow. That turns "the cell is busy" into an ordinary branch: events that
// arrive during a replay are dropped and counted.

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
            Ok(mut events) => {
                events.push(event.to_string());
                true
            }
            Err(_) => {
                // `skipped` is a different cell, so borrowing it is safe even
                // while `events` is busy.
                *self.skipped.borrow_mut() += 1;
                false
            }
        }
    }

    fn replay(&self, mut callback: impl FnMut(&str)) {
        for event in self.events.borrow().iter() {
            callback(event);
        }
    }

    fn events(&self) -> Vec<String> {
        self.events.borrow().clone()
    }

    fn skipped(&self) -> u32 {
        self.skipped.try_borrow().map(|n| *n).unwrap_or(0)
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
