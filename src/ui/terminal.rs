//! The few terminal escape sequences `learn` uses (clear the screen, hide the cursor, hyperlinks),
//! and the decision whether to use them.

use std::io::IsTerminal;
use std::path::Path;

/// Clears the screen and the scrollback, and moves the cursor home.
pub const CLEAR: &str = "\x1b[H\x1b[2J\x1b[3J";
pub const SHOW_CURSOR: &str = "\x1b[?25h";

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
