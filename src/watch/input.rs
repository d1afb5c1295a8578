//! Keys from the learner: single keys from a terminal, or lines from a pipe (a script driving
//! `learn watch`, where the first character of each line is the key). The thread only sends.

use std::io::{BufRead, Read};
use std::sync::mpsc::Sender;

use super::Event;

/// Starts reading keys: one byte at a time when `single_keys` (the terminal is in key mode), else
/// line by line.
pub fn spawn(tx: Sender<Event>, single_keys: bool) {
    std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            if single_keys {
                let mut byte = [0u8; 1];
                let mut lock = stdin.lock();
                while let Ok(1) = lock.read(&mut byte) {
                    if tx.send(Event::Key(byte[0] as char)).is_err() {
                        return;
                    }
                }
            } else {
                for line in stdin.lock().lines() {
                    let Ok(line) = line else { break };
                    if let Some(key) = line.trim().chars().next()
                        && tx.send(Event::Key(key)).is_err()
                    {
                        return;
                    }
                }
            }
            let _ = tx.send(Event::InputClosed);
        })
        .expect("spawn the key reader");
}
