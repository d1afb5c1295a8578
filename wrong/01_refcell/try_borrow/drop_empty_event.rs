// wrong: record("") returns false and stores nothing while the cell is free, and does not count it in skipped either (the event is lost silently)
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
        if event.is_empty() { return false; }
        match self.events.try_borrow_mut() {
            Ok(mut events) => { events.push(event.to_string()); true }
            Err(_) => { *self.skipped.borrow_mut() += 1; false }
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
