//! The lesson rendered for a terminal: Markdown in, text wrapped to a width out, with headings,
//! paragraphs, lists, tables and code blocks set apart. Plain text (no escape codes at all) when
//! colours are off, so a pipe or a file gets clean text.
//!
//! Paragraphs, lists, tables and code are laid out by `termimad`, a maintained terminal Markdown
//! renderer (wrapping by Unicode width, tables with borders, fenced code). Headings are drawn here,
//! underlined, so that they stand out in plain text too.

use termimad::crossterm::style::Color;
use termimad::{Alignment, MadSkin};

use crate::lesson::{fence_marker, heading};
use crate::ui::style::{Styles, paint};

/// The widest text the lesson is set to, even on a wider terminal: long lines are hard to read.
pub const MAX_WIDTH: usize = 100;
/// The narrowest: below this, wrapping makes the text unreadable anyway.
const MIN_WIDTH: usize = 20;
/// How far code blocks are indented, to set them apart from the prose.
const CODE_INDENT: usize = 4;

/// `markdown` laid out for a terminal `width` columns wide, in the colours of `s` (plain text
/// when `s` colours nothing).
pub fn render(markdown: &str, width: usize, s: &Styles) -> String {
    let colored = s.is_colored();
    let skin = skin(colored);
    let width = width.clamp(MIN_WIDTH, MAX_WIDTH);
    let mut out = String::new();
    let mut block = String::new();
    let mut fence: Option<&str> = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(open) = fence {
            if trimmed.trim_start().starts_with(open) {
                fence = None;
                out.push('\n');
            } else {
                // Code is never wrapped: a broken line of code is wrong code, and it must stay
                // copyable. The terminal may cut a line that is wider than the screen.
                let indent = if trimmed.is_empty() { 0 } else { CODE_INDENT };
                let code = format!("{}{trimmed}", " ".repeat(indent));
                if colored {
                    out.push_str(&paint(s.warn, code).to_string());
                } else {
                    out.push_str(&code);
                }
                out.push('\n');
            }
            continue;
        } else if let Some(marker) = fence_marker(trimmed) {
            flush(&mut out, &mut block, &skin, width, colored);
            fence = Some(marker);
            continue;
        } else if let Some((level, title)) = heading(trimmed) {
            flush(&mut out, &mut block, &skin, width, colored);
            push_heading(&mut out, level, title, width, s);
            continue;
        }
        block.push_str(line);
    }
    flush(&mut out, &mut block, &skin, width, colored);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders the Markdown gathered in `block` into `out`, separated from what came before by one
/// blank line.
fn flush(out: &mut String, block: &mut String, skin: &MadSkin, width: usize, colored: bool) {
    if block.trim().is_empty() {
        block.clear();
        return;
    }
    let joined = tables_that_fit(&join_paragraph_lines(block.trim_matches('\n')), width);
    let text = termimad::FmtText::from(skin, &joined, Some(width)).to_string();
    for line in text.lines() {
        out.push_str(if colored { line } else { line.trim_end() });
        out.push('\n');
    }
    out.push('\n');
    block.clear();
}

/// `block` with the lines of each paragraph (and of each list item) joined into one, as Markdown
/// reads them, so that they are wrapped to the width instead of breaking where the source did.
/// Code, tables, quotes and blank lines are left as they are.
fn join_paragraph_lines(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    let mut fence: Option<&str> = None;
    let mut joinable = false;
    for line in block.lines() {
        let trimmed = line.trim();
        let starts_block = trimmed.is_empty()
            || trimmed.starts_with('|')
            || trimmed.starts_with('>')
            || trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.starts_with("+ ")
            || trimmed.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            joinable = false;
        } else if let Some(marker) = fence_marker(trimmed) {
            fence = Some(marker);
            joinable = false;
        } else if joinable && !starts_block {
            out.pop();
            out.push(' ');
            out.push_str(trimmed);
            out.push('\n');
            continue;
        } else {
            joinable = !trimmed.is_empty() && !trimmed.starts_with('|') && !trimmed.starts_with('>');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `block` with every table too wide for `width` columns turned into a list, one item per row:
/// squeezed into a narrow terminal, a table's columns wrap inside their words ("thre" over "ads")
/// and its rows become hard to follow, where a list item wraps like any paragraph. Each item
/// begins with the row's first cell, then names every other cell by its column's header.
fn tables_that_fit(block: &str, width: usize) -> String {
    let mut out = String::with_capacity(block.len());
    let mut table: Vec<&str> = Vec::new();
    for line in block.lines().chain(std::iter::once("")) {
        if line.trim_start().starts_with('|') {
            table.push(line);
            continue;
        }
        if !table.is_empty() {
            out.push_str(&table_or_list(&table, width));
            table.clear();
        }
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out
}

/// The cells of one table row, trimmed, without the outer pipes.
fn cells(row: &str) -> Vec<&str> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    row.split('|').map(str::trim).collect()
}

/// How wide a cell's text is once its inline Markdown (code ticks, emphasis) is laid out.
fn shown_width(cell: &str) -> usize {
    textwrap::core::display_width(&cell.replace(['`', '*'], ""))
}

/// The table's own lines when it fits in `width` columns (its widest cells side by side, with a
/// border between each), else the same rows as a list.
fn table_or_list(rows: &[&str], width: usize) -> String {
    let rows: Vec<Vec<&str>> = rows.iter().map(|row| cells(row)).collect();
    let is_rule =
        |row: &Vec<&str>| row.iter().all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':')));
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widest: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .filter(|row| !is_rule(row))
                .map(|row| row.get(column).map_or(0, |cell| shown_width(cell)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let natural = widest.iter().sum::<usize>() + columns + 1;
    let mut out = String::new();
    if natural <= width || rows.len() < 2 || !is_rule(&rows[1]) {
        for row in &rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        return out;
    }
    let header = &rows[0];
    for row in rows.iter().skip(2) {
        let mut item = row.first().copied().unwrap_or_default().to_string();
        for (column, cell) in row.iter().enumerate().skip(1) {
            let name = header.get(column).copied().unwrap_or_default();
            item.push_str(&format!(" · {name}: {cell}"));
        }
        out.push_str(&format!("- {item}\n"));
    }
    out
}

fn push_heading(out: &mut String, level: usize, title: &str, width: usize, s: &Styles) {
    let (style, rule) = if level == 1 { (s.pass, '=') } else { (s.hint, if level == 2 { '-' } else { '·' }) };
    for line in textwrap::wrap(title, width) {
        out.push_str(&paint(style, &line));
        out.push('\n');
    }
    let underline = textwrap::core::display_width(title).min(width);
    out.push_str(&paint(s.dim, rule.to_string().repeat(underline)));
    out.push_str("\n\n");
}

fn skin(colored: bool) -> MadSkin {
    let mut skin = if colored { MadSkin::default() } else { MadSkin::no_style() };
    if colored {
        skin.inline_code.set_fgbg(Color::Cyan, Color::Reset);
        skin.code_block.set_fgbg(Color::Yellow, Color::Reset);
    }
    skin.code_block.left_margin = CODE_INDENT;
    skin.code_block.align = Alignment::Left;
    skin
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "# Cells in brief\n\nA `Cell` holds a value you can **replace** through a shared reference,\n\
        even though the compiler would otherwise refuse any change made that way.\n\n\
        ## Swapping values\n\n- `get` copies the value out\n- `set` puts a new one in,\n  in place\n\n\
        ```rust\n// # not a heading\nlet c = Cell::new(1);\nc.set(2);\n```\n\n\
        | method | needs |\n|---|---|\n| get | Copy |\n| take | Default |\n";

    #[test]
    fn plain_rendering_is_wrapped_and_sets_headings_and_code_apart() {
        assert_eq!(
            render(CHAPTER, 40, &Styles::plain()),
            "Cells in brief\n\
             ==============\n\
             \n\
             A Cell holds a value you can replace\n\
             through a shared reference, even though\n\
             the compiler would otherwise refuse any\n\
             change made that way.\n\
             \n\
             Swapping values\n\
             ---------------\n\
             \n\
             • get copies the value out\n\
             • set puts a new one in, in place\n\
             \n    \
             // # not a heading\n    \
             let c = Cell::new(1);\n    \
             c.set(2);\n\
             \n\
             │method│ needs │\n\
             ├──────┼───────┤\n\
             │get   │Copy   │\n\
             │take  │Default│\n"
        );
    }

    #[test]
    fn a_table_too_wide_for_the_terminal_becomes_a_list_of_its_rows() {
        let table = "Before.\n\n| container | threads | when misused |\n|---|---|---|\n\
            | `Cell<T>` | one | cannot fail |\n| `Mutex<T>` | many | hang (double lock, lock order) |\n\nAfter.\n";
        // Wide enough: the table stays a table.
        assert!(render(table, 60, &Styles::plain()).contains("│container│threads│"));
        assert_eq!(
            render(table, 40, &Styles::plain()),
            "Before.\n\n\
             • Cell<T> · threads: one · when misused:\n  cannot fail\n\
             • Mutex<T> · threads: many · when\n  misused: hang (double lock, lock\n  order)\n\n\
             After.\n"
        );
    }

    #[test]
    fn code_is_never_wrapped() {
        let long = "let (src, dst) = if from.id < to.id { (&mut *a, &mut *b) } else { (&mut *b, &mut *a) };";
        let text = render(&format!("# C\n\n```rust\n{long}\n\nx();\n```\n"), 40, &Styles::plain());
        assert_eq!(text, format!("C\n=\n\n    {long}\n\n    x();\n"));
    }

    #[test]
    fn colours_are_escape_codes_only_when_asked_for() {
        assert!(render(CHAPTER, 40, &Styles::colored()).contains('\x1b'));
        assert!(!render(CHAPTER, 40, &Styles::plain()).contains('\x1b'));
    }

    #[test]
    fn the_width_is_kept_within_bounds() {
        let long = "word ".repeat(60);
        let widest = render(&long, 500, &Styles::plain()).lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= MAX_WIDTH, "{widest}");
    }
}
