//! The few terminal escape sequences `learn` uses (clear the screen, hide the cursor, hyperlinks),
//! the decision whether to use them, the terminal's size, and the pager for long texts.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Clears the screen and the scrollback, and moves the cursor home.
pub const CLEAR: &str = "\x1b[H\x1b[2J\x1b[3J";
pub const SHOW_CURSOR: &str = "\x1b[?25h";
/// Moves the cursor home and clears the screen (on the alternate screen there is no scrollback).
pub const HOME_AND_CLEAR: &str = "\x1b[H\x1b[2J";
/// Switches to the alternate screen, as full-screen programs do, and back.
const ENTER_ALTERNATE: &str = "\x1b[?1049h";
pub const LEAVE_ALTERNATE: &str = "\x1b[?1049l";

/// Whether the alternate screen is on (so that restoring the terminal leaves it).
static ALTERNATE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Switches `out` to the alternate screen; [`leave_alternate_screen`] switches back.
pub fn enter_alternate_screen(out: &mut dyn Write) {
    ALTERNATE.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = out.write_all(ENTER_ALTERNATE.as_bytes());
    let _ = out.flush();
}

/// What to write to leave the alternate screen, if it is on (once: later calls return nothing).
pub fn leave_alternate_screen() -> &'static str {
    if ALTERNATE.swap(false, std::sync::atomic::Ordering::SeqCst) { LEAVE_ALTERNATE } else { "" }
}

/// What the output terminal can do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Stdout is a terminal: redraw the screen instead of appending.
    pub redraw: bool,
    /// The terminal shows OSC 8 hyperlinks.
    pub hyperlinks: bool,
}

impl Capabilities {
    pub fn detect() -> Capabilities {
        let redraw = std::io::stdout().is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Capabilities { redraw, hyperlinks: redraw && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout) }
    }
}

/// The width text is set to when stdout is not a terminal (a pipe, a file).
pub const PIPE_WIDTH: usize = 80;

/// The terminal's size as (columns, rows), when stdout is a terminal that says.
pub fn size() -> Option<(usize, usize)> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let (columns, rows) = termimad::crossterm::terminal::size().ok()?;
    (columns > 0 && rows > 0).then_some((usize::from(columns), usize::from(rows)))
}

/// The width to set text to: the terminal's, or [`PIPE_WIDTH`] for a pipe.
pub fn width() -> usize {
    size().map_or(PIPE_WIDTH, |(columns, _)| columns)
}

/// The pager used when `$PAGER` is not set.
const DEFAULT_PAGER: &str = "less -R";

/// Writes `text` to `out`, through the learner's pager (`$PAGER`, else `less -R`) when stdout is a
/// terminal and the text is taller than it, as git and man do. A pager that cannot start, an
/// empty `$PAGER` or `PAGER=cat` means printing directly.
pub fn page(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    let taller = size().is_some_and(|(_, rows)| text.lines().count() >= rows);
    let pager = std::env::var("PAGER").unwrap_or_else(|_| DEFAULT_PAGER.to_string());
    let pager = pager.trim();
    if taller && !pager.is_empty() && pager != "cat" {
        let mut command = Command::new("sh");
        command.arg("-c").arg(pager).stdin(Stdio::piped());
        if std::env::var_os("LESS").is_none() {
            // Quit at once if it fits after all, keep colours, leave the text on screen.
            command.env("LESS", "FRX");
        }
        if let Ok(mut child) = command.spawn() {
            let _ = out.flush();
            if let Some(mut stdin) = child.stdin.take() {
                // The reader may quit before the end: a closed pipe is not an error.
                let _ = stdin.write_all(text.as_bytes());
            }
            if child.wait().is_ok_and(|status| status.code() != Some(127)) {
                return Ok(());
            }
        }
    }
    out.write_all(text.as_bytes())
}

/// `text` as a link to the file `path` where the terminal supports it, plain `text` elsewhere.
pub fn file_link(caps: Capabilities, path: &Path, text: &str) -> String {
    if !caps.hyperlinks {
        return text.to_string();
    }
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        // Percent-encode what a URL cannot carry as is.
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_plain_text_without_support() {
        let caps = Capabilities { redraw: true, hyperlinks: false };
        assert_eq!(file_link(caps, Path::new("/w/a.rs"), "a.rs"), "a.rs");
    }

    #[test]
    fn links_encode_the_path() {
        let caps = Capabilities { redraw: true, hyperlinks: true };
        assert_eq!(
            file_link(caps, Path::new("/w s/a.rs"), "a.rs"),
            "\x1b]8;;file:///w%20s/a.rs\x1b\\a.rs\x1b]8;;\x1b\\"
        );
    }
}
