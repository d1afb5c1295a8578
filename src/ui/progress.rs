//! Progress of long runs (`learn verify`, `learn dev check`): on a terminal, one status line
//! (`[3/18] rate_limiter…`) rewritten in place and cleared before each result is printed; elsewhere
//! nothing, so piped output is plain result lines.

use std::io::{IsTerminal, Write};

use crate::commands::Ctx;
use crate::ui::style::{Styles, paint};

/// Erases the current line and returns to its start.
const ERASE_LINE: &str = "\r\x1b[2K";

/// A status line for a run of `total` steps.
pub struct ProgressLine {
    total: usize,
    done: usize,
    live: bool,
    styles: Styles,
}

impl ProgressLine {
    /// A progress line, live when stdout is a terminal.
    pub fn new(ctx: &Ctx, total: usize) -> ProgressLine {
        ProgressLine::with_terminal(ctx.styles, total, std::io::stdout().is_terminal())
    }

    /// A progress line, live or not as told.
    pub fn with_terminal(styles: Styles, total: usize, live: bool) -> ProgressLine {
        ProgressLine { total, done: 0, live, styles }
    }

    /// Shows that the next step, `what`, is under way.
    pub fn show(&mut self, out: &mut dyn Write, what: &str) {
        self.done += 1;
        if self.live {
            let text = paint(self.styles.dim, format!("[{}/{}] {what}…", self.done, self.total));
            let _ = write!(out, "{ERASE_LINE}{text}");
            let _ = out.flush();
        }
    }

    /// Clears the status line before a result is printed.
    pub fn clear(&self, out: &mut dyn Write) {
        if self.live {
            let _ = write!(out, "{ERASE_LINE}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_gets_a_rewritten_status_line() {
        let mut out = Vec::new();
        let mut p = ProgressLine::with_terminal(Styles::plain(), 2, true);
        p.show(&mut out, "a");
        p.clear(&mut out);
        p.show(&mut out, "b");
        assert_eq!(String::from_utf8(out).unwrap(), "\r\x1b[2K[1/2] a…\r\x1b[2K\r\x1b[2K[2/2] b…");
    }

    #[test]
    fn elsewhere_it_writes_nothing() {
        let mut out = Vec::new();
        let mut p = ProgressLine::with_terminal(Styles::plain(), 2, false);
        p.show(&mut out, "a");
        p.clear(&mut out);
        assert!(out.is_empty());
    }
}
