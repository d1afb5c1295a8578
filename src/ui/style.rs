//! Colours as data: a [`Styles`] value is decided once, from `--color`, `NO_COLOR` and whether the
//! output is a terminal, and handed to every renderer. The plain value styles nothing, so tests
//! get plain text for free.

use std::fmt::Display;
use std::io::IsTerminal;

use owo_colors::{OwoColorize, Style};

/// When to use colours (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colours when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        }
    }
}

/// The palette, by meaning.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    pub pass: Style,
    pub fail: Style,
    pub warn: Style,
    pub dim: Style,
    pub bold: Style,
    pub path: Style,
    pub hint: Style,
}

impl Styles {
    /// No colours at all.
    pub fn plain() -> Styles {
        Styles::default()
    }

    /// The coloured palette.
    pub fn colored() -> Styles {
        Styles {
            pass: Style::new().green().bold(),
            fail: Style::new().red().bold(),
            warn: Style::new().yellow().bold(),
            dim: Style::new().dimmed(),
            bold: Style::new().bold(),
            path: Style::new().cyan(),
            hint: Style::new().cyan(),
        }
    }

    /// The palette for `choice`.
    pub fn for_choice(choice: ColorChoice) -> Styles {
        if choice.enabled() { Styles::colored() } else { Styles::plain() }
    }

    /// Whether this palette colours anything.
    pub fn is_colored(&self) -> bool {
        !self.pass.is_plain()
    }
}

/// `text` in `style` (nothing added for a plain style).
pub fn paint<D: Display>(style: Style, text: D) -> String {
    if style.is_plain() { text.to_string() } else { text.style(style).to_string() }
}
