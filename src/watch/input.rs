//! Keys from the learner: single keys from a terminal (arrows and page keys included), or lines
//! from a pipe (a script driving `learn watch`, where the first character of each line is the
//! key); and the terminal's changes of size. The threads only send.

use std::io::{BufRead, Read};
use std::sync::mpsc::Sender;

use super::Event;

/// One key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
}

/// Starts reading keys: one at a time when `single_keys` (the terminal is in key mode), else line
/// by line.
pub fn spawn(tx: Sender<Event>, single_keys: bool) {
    std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            if single_keys {
                let mut bytes = stdin.lock().bytes().map_while(|b| b.ok());
                while let Some(key) = read_key(&mut bytes) {
                    if let Some(key) = key
                        && tx.send(Event::Key(key)).is_err()
                    {
                        return;
                    }
                }
            } else {
                for line in stdin.lock().lines() {
                    let Ok(line) = line else { break };
                    if let Some(key) = line.trim().chars().next()
                        && tx.send(Event::Key(Key::Char(key))).is_err()
                    {
                        return;
                    }
                }
            }
            let _ = tx.send(Event::InputClosed);
        })
        .expect("spawn the key reader");
}

/// Sends [`Event::Resize`] each time the terminal changes size (SIGWINCH).
pub fn spawn_resize(tx: Sender<Event>) {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH]) else {
        return; // without it the screen is redrawn at the new size on the next event
    };
    let _ = std::thread::Builder::new().name("resize".into()).spawn(move || {
        for _ in signals.forever() {
            if tx.send(Event::Resize).is_err() {
                return;
            }
        }
    });
}

/// The next key from a terminal's bytes: `Some(None)` for bytes that are no key `learn` knows (an
/// unknown escape sequence, a non-ASCII character), `None` at the end of input.
pub fn read_key(bytes: &mut impl Iterator<Item = u8>) -> Option<Option<Key>> {
    let byte = bytes.next()?;
    Some(match byte {
        b'\r' | b'\n' => Some(Key::Enter),
        0x1b => match bytes.next()? {
            b'[' | b'O' => {
                // A control sequence: parameters, then one final byte.
                let mut params = Vec::new();
                let last = loop {
                    let b = bytes.next()?;
                    if (0x40..=0x7e).contains(&b) {
                        break b;
                    }
                    params.push(b);
                };
                match (last, params.as_slice()) {
                    (b'A', _) => Some(Key::Up),
                    (b'B', _) => Some(Key::Down),
                    (b'H', _) | (b'~', b"1" | b"7") => Some(Key::Home),
                    (b'F', _) | (b'~', b"4" | b"8") => Some(Key::End),
                    (b'~', b"5") => Some(Key::PageUp),
                    (b'~', b"6") => Some(Key::PageDown),
                    _ => None,
                }
            }
            _ => None,
        },
        b if b.is_ascii() && !b.is_ascii_control() => Some(Key::Char(b as char)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Option<Key>> {
        let mut it = bytes.iter().copied();
        std::iter::from_fn(|| read_key(&mut it)).collect()
    }

    #[test]
    fn arrows_pages_and_letters_are_keys() {
        assert_eq!(
            keys(b"j\x1b[A\x1b[B\x1bOA\x1b[5~\x1b[6~\x1b[H\x1b[4~\rG"),
            [
                Some(Key::Char('j')),
                Some(Key::Up),
                Some(Key::Down),
                Some(Key::Up),
                Some(Key::PageUp),
                Some(Key::PageDown),
                Some(Key::Home),
                Some(Key::End),
                Some(Key::Enter),
                Some(Key::Char('G')),
            ]
        );
    }

    #[test]
    fn unknown_sequences_are_skipped_whole() {
        assert_eq!(keys(b"\x1b[1;5C\xc3\xa9q"), [None, None, None, Some(Key::Char('q'))]);
    }
}
