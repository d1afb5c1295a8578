//! Explaining a failed attempt: matching a [`Verdict`] against a course's explanation rules (read
//! from `explanations.toml`) and returning the few lines that say what went wrong, why Rust refuses
//! it, the usual fix, and which lesson section to reread. Pure: no file system, no processes. The
//! grader produces the verdict; the UI prints each [`Explanation`] under the diagnostic or test it
//! concerns. Rules are data, so a course on another topic brings its own file and no code changes.
//!
//! # The `explanations.toml` format (format version 1)
//!
//! ```toml
//! format_version = 1                  # required; learn refuses versions it does not know
//!
//! [[rules]]                           # one table per rule; the order breaks ties (see below)
//! id = "not_thread_safe"              # unique; lowercase letters, digits, `_` and `-`
//! title = "A single-thread type shared between threads"   # one line, a heading
//! section = "Pitfall 2: Trying to send a RefCell across threads"   # the lesson section to reread
//! text = """
//! What happened. Why Rust refuses it.
//! The usual fix. Reread “Pitfall 2: Trying to send a RefCell across threads”."""
//!
//! # Exactly one trigger table per rule: `compile_error`, `panic` or `timeout`.
//! [rules.compile_error]               # an error of the compiler
//! codes = ["E0277"]                   # the error's code is one of these
//! mentions = [["Sync", "Send"], ["RefCell", "Cell", "Rc"]]   # optional, see below
//! source_uses = ["thread"]            # optional, in every trigger table, see below
//!
//! # [rules.panic]                     # a hidden test failed with a panic
//! # messages = ["already borrowed", "already mutably borrowed"]   # one of them is in its message
//! #
//! # [rules.timeout]                   # the tests ran past the time limit
//! # source_uses = ["Mutex", "RwLock"] # optional here too; without it any timeout matches
//! # source_avoids = ["sleep"]         # optional, timeouts only: not when the code uses one
//! ```
//!
//! A list of words matches when any one of its words does. `mentions` is a list of such lists, and
//! every one of them must match the error's message or one of its notes (the children rustc prints
//! as `= note:` and `= help:`): the example asks for (`Sync` or `Send`) and (`RefCell`, `Cell` or
//! `Rc`). `source_uses` must match the learner's code: the file without comments, with string
//! literals emptied and without `use` declarations, so words in an exercise's instructions, and
//! types imported but never used, do not count. `source_avoids` must
//! not: a timeout in code that sleeps may be nothing more than a sleep past the limit, so a rule
//! blaming a lock says `source_avoids = ["sleep"]` rather than guess. Words are case-sensitive
//! and match whole: `Cell` does not match inside `RefCell`, nor `Rc` inside `Arc`; a phrase
//! (`already borrowed`) matches as a whole.
//!
//! `text` must name `section` (so the two cannot drift apart); it is complete on its own, with
//! `section` there for links and lookups. Unknown fields are errors, and every error names the
//! file, line and column.
//!
//! # Matching
//!
//! A rule gives at most one explanation per verdict, for the first error or test it matches.
//! Explanations come in the order of what they explain: compile errors in rustc's order; for test
//! runs the timeout first, then failed tests in the verdict's order; rules matching the same item
//! keep the file's order. `line` is the error's primary line in the learner's file, or for a panic
//! the learner's line the panic points at; `test` is the hidden test concerned (for a timeout,
//! every test still running, comma-separated).

use std::cell::OnceCell;

use serde::Deserialize;
use toml::Spanned;

use crate::course::{ManifestError, Problems, parse_toml};
use crate::verdict::{Diagnostic, TestStatus, Verdict};

/// The explanations format this version of `learn` reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format_version: Spanned<u32>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: Spanned<String>,
    section: Spanned<String>,
    text: Spanned<String>,
    compile_error: Option<RawCompileError>,
    panic: Option<RawPanic>,
    timeout: Option<RawTimeout>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompileError {
    codes: Spanned<Vec<String>>,
    mentions: Option<Spanned<Vec<Vec<String>>>>,
    source_uses: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPanic {
    messages: Spanned<Vec<String>>,
    source_uses: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeout {
    source_uses: Option<Spanned<Vec<String>>>,
    source_avoids: Option<Spanned<Vec<String>>>,
}

/// A course's explanation rules, validated.
#[derive(Debug, Clone, Default)]
pub struct Explanations {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    id: String,
    title: String,
    section: String,
    text: String,
    trigger: Trigger,
    /// Empty: no condition on the learner's code.
    source_uses: Vec<String>,
    /// Words the learner's code must not use (empty: no condition).
    source_avoids: Vec<String>,
}

#[derive(Debug, Clone)]
enum Trigger {
    CompileError { codes: Vec<String>, mentions: Vec<Vec<String>> },
    Panic { messages: Vec<String> },
    Timeout,
}

/// What to tell the learner about one way their attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The rule's id.
    pub id: String,
    pub title: String,
    /// What happened, why Rust refuses it and the usual fix, naming the section to reread.
    pub text: String,
    /// The lesson section's title.
    pub section: String,
    /// The learner's line the explanation is about.
    pub line: Option<usize>,
    /// The hidden test concerned (for a timeout, every test still running, comma-separated).
    pub test: Option<String>,
    /// What in the verdict it explains, so it can be shown right under it.
    pub anchor: Anchor,
}

/// The part of a verdict an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The compile error at this index of `Verdict::CompileError::errors`.
    Error(usize),
    /// The test at this index of `Verdict::tests()`.
    Test(usize),
    /// The timeout itself.
    Timeout,
}

/// Checks a list of words: present lists may not be empty nor hold empty words.
fn check_words(problems: &mut Problems<'_>, words: &Spanned<Vec<String>>, what: &str, id: &str) {
    if words.get_ref().is_empty() {
        problems.add(words.span(), format!("{what} of rule {id:?} is empty: give at least one word, or leave it out"));
    } else if words.get_ref().iter().any(|w| w.trim().is_empty()) {
        problems.add(words.span(), format!("{what} of rule {id:?} holds an empty word"));
    }
}

impl Explanations {
    /// Parses and validates `text`, the contents of the rules file named `file` (used in errors).
    pub fn parse(text: &str, file: &str) -> Result<Explanations, ManifestError> {
        let raw: RawFile = parse_toml(text, file)?;
        let mut problems = Problems::new(text);
        problems.check_format_version(&raw.format_version, FORMAT_VERSION);

        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rules.len());
        let mut id_lines: Vec<(String, usize)> = Vec::new();
        for r in raw.rules {
            if let Some(rule) = check_rule(&mut problems, r, &mut id_lines) {
                rules.push(rule);
            }
        }
        problems.into_result(file)?;
        Ok(Explanations { rules })
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The explanations that apply to `verdict`, given the learner's file `learner_source`.
    pub fn explain(&self, verdict: &Verdict, learner_source: &str) -> Vec<Explanation> {
        // Only rules with `source_uses` look at the code, and it is cleaned once per verdict.
        let code = OnceCell::new();
        let source_ok = |rule: &Rule| {
            let uses = rule.source_uses.is_empty() || {
                let code: &String = code.get_or_init(|| without_imports(&code_only(learner_source)));
                rule.source_uses.iter().any(|w| find_word(code, w).is_some())
            };
            uses && (rule.source_avoids.is_empty() || {
                let code: &String = code.get_or_init(|| without_imports(&code_only(learner_source)));
                !rule.source_avoids.iter().any(|w| find_word(code, w).is_some())
            })
        };
        let learner_lines = learner_source.lines().count();
        // (index of the item explained, index of the rule, explanation): sorted, this is the order.
        let mut found: Vec<(usize, usize, Explanation)> = Vec::new();
        for (rule_index, rule) in self.rules.iter().enumerate() {
            let hit = match &rule.trigger {
                Trigger::CompileError { codes, mentions } => match verdict {
                    Verdict::CompileError { errors } => errors
                        .iter()
                        .enumerate()
                        .find(|(_, d)| diagnostic_matches(d, codes, mentions))
                        .filter(|_| source_ok(rule))
                        .map(|(i, d)| (i, Anchor::Error(i), d.line, d.hidden_test.clone())),
                    _ => None,
                },
                Trigger::Panic { messages } => verdict
                    .tests()
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.status == TestStatus::Failed)
                    .find_map(|(i, t)| {
                        let message = t.message.as_deref()?;
                        let at = messages.iter().filter_map(|m| find_word(message, m)).min()?;
                        Some((i + 1, Anchor::Test(i), panic_line(message, at, learner_lines), Some(t.name.clone())))
                    })
                    .filter(|_| source_ok(rule)),
                Trigger::Timeout => match verdict {
                    Verdict::TimedOut { tests, .. } if source_ok(rule) => {
                        let running: Vec<&str> = tests
                            .iter()
                            .filter(|t| t.status == TestStatus::Unfinished)
                            .map(|t| t.name.as_str())
                            .collect();
                        Some((0, Anchor::Timeout, None, (!running.is_empty()).then(|| running.join(", "))))
                    }
                    _ => None,
                },
            };
            if let Some((item, anchor, line, test)) = hit {
                let mut text = rule.text.clone();
                // A borrow clash: point at the guard that was still alive, where it was taken.
                if let (Trigger::Panic { messages }, Some(line)) = (&rule.trigger, line)
                    && messages.iter().any(|m| m.contains("already"))
                    && let Some(origin) = guard_origin(learner_source, line)
                {
                    text.push('\n');
                    text.push_str(&origin);
                }
                let explanation = Explanation {
                    id: rule.id.clone(),
                    title: rule.title.clone(),
                    text,
                    section: rule.section.clone(),
                    line,
                    test,
                    anchor,
                };
                found.push((item, rule_index, explanation));
            }
        }
        found.sort_by_key(|(item, rule, _)| (*item, *rule));
        found.into_iter().map(|(_, _, e)| e).collect()
    }
}

/// Where the guard still alive at `line` (1-based) was taken: the nearest earlier line of the same
/// function that borrows from a cell, said in the learner's terms.
fn guard_origin(source: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let panic_line = lines.get(line.checked_sub(1)?)?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let borrows = |l: &str| {
        let code = l.split("//").next().unwrap_or("");
        code.contains(".borrow()") || code.contains(".borrow_mut()")
    };
    for index in (0..line - 1).rev() {
        let text = lines[index];
        let trimmed = text.trim_start();
        // The start of the function: the guard was not taken in it (it came from a caller).
        if (trimmed.starts_with("fn ") || trimmed.starts_with("pub fn ")) && indent(text) < indent(panic_line) {
            return None;
        }
        if !borrows(text) {
            continue;
        }
        let shown = trimmed.trim_end();
        let code = shown.split("//").next().unwrap_or("").trim_end();
        let why = if trimmed.starts_with("match ") {
            "a guard made in a `match`'s scrutinee lives until the whole `match` ends, arms included"
        } else if trimmed.starts_with("if let ") || trimmed.starts_with("} else if let ") {
            "a guard made in an `if let`'s condition lives through its block"
        } else if trimmed.starts_with("while let ") || trimmed.starts_with("for ") {
            "a guard made in a loop's head lives through the loop's body"
        } else if trimmed.starts_with("let ") && (code.ends_with(".borrow();") || code.ends_with(".borrow_mut();")) {
            "a guard kept in a `let` lives until the end of its block"
        } else {
            // A temporary guard, gone at the end of its statement: not the one still alive.
            continue;
        };
        return Some(format!(
            "The guard still alive at line {line} was taken at line {}, `{shown}`: {why}.",
            index + 1
        ));
    }
    None
}

fn check_rule(problems: &mut Problems<'_>, r: RawRule, id_lines: &mut Vec<(String, usize)>) -> Option<Rule> {
    let id = r.id.get_ref().clone();
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if id.is_empty() || !id.chars().all(ok_char) {
        problems.add(
            r.id.span(),
            format!("rule id {id:?} must be non-empty and use only lowercase letters, digits, `_` and `-`"),
        );
    }
    let line = problems.line_of(r.id.span().start);
    if let Some((_, first)) = id_lines.iter().find(|(seen, _)| *seen == id) {
        problems.add(r.id.span(), format!("duplicate rule id {id:?} (first defined at line {first})"));
    } else {
        id_lines.push((id.clone(), line));
    }
    for (field, value) in [("title", &r.title), ("section", &r.section), ("text", &r.text)] {
        if value.get_ref().trim().is_empty() {
            problems.add(value.span(), format!("the {field} of rule {id:?} is empty"));
        }
    }
    let section = r.section.get_ref().trim();
    if !section.is_empty() && !r.text.get_ref().contains(section) {
        problems.add(
            r.text.span(),
            format!("the text of rule {id:?} must name its section “{section}”, so the learner knows what to reread"),
        );
    }

    let kinds =
        usize::from(r.compile_error.is_some()) + usize::from(r.panic.is_some()) + usize::from(r.timeout.is_some());
    if kinds != 1 {
        let found = if kinds == 0 { "none" } else { "several" };
        problems.add(
            r.id.span(),
            format!(
                "rule {id:?} must have exactly one trigger table, [rules.compile_error], [rules.panic] or \
                 [rules.timeout]; it has {found}"
            ),
        );
        return None;
    }
    let source_avoids = r.timeout.as_ref().and_then(|t| t.source_avoids.clone());
    if let Some(words) = &source_avoids {
        check_words(problems, words, "source_avoids", &id);
    }
    let (trigger, source_uses) = if let Some(c) = r.compile_error {
        check_words(problems, &c.codes, "codes", &id);
        for code in c.codes.get_ref() {
            let well_formed = code.len() == 5 && code.starts_with('E') && code[1..].chars().all(|c| c.is_ascii_digit());
            if !well_formed {
                problems.add(c.codes.span(), format!("error code {code:?} of rule {id:?} is not like \"E0277\""));
            }
        }
        if let Some(mentions) = &c.mentions {
            if mentions.get_ref().is_empty() {
                problems.add(mentions.span(), format!("mentions of rule {id:?} is empty: leave it out instead"));
            }
            if mentions.get_ref().iter().any(|group| group.is_empty() || group.iter().any(|w| w.trim().is_empty())) {
                problems.add(mentions.span(), format!("mentions of rule {id:?} holds an empty list or an empty word"));
            }
        }
        let mentions = c.mentions.map(Spanned::into_inner).unwrap_or_default();
        (Trigger::CompileError { codes: c.codes.into_inner(), mentions }, c.source_uses)
    } else if let Some(p) = r.panic {
        check_words(problems, &p.messages, "messages", &id);
        (Trigger::Panic { messages: p.messages.into_inner() }, p.source_uses)
    } else {
        (Trigger::Timeout, r.timeout.and_then(|t| t.source_uses))
    };
    if let Some(words) = &source_uses {
        check_words(problems, words, "source_uses", &id);
    }
    Some(Rule {
        id,
        title: r.title.into_inner(),
        section: r.section.into_inner().trim().to_string(),
        text: r.text.into_inner().trim().to_string(),
        trigger,
        source_uses: source_uses.map(Spanned::into_inner).unwrap_or_default(),
        source_avoids: source_avoids.map(Spanned::into_inner).unwrap_or_default(),
    })
}

fn diagnostic_matches(d: &Diagnostic, codes: &[String], mentions: &[Vec<String>]) -> bool {
    let mentioned =
        |word: &String| find_word(&d.message, word).is_some() || d.notes.iter().any(|n| find_word(n, word).is_some());
    d.code.as_ref().is_some_and(|c| codes.contains(c)) && mentions.iter().all(|group| group.iter().any(mentioned))
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where `word` first occurs in `text` as a whole word: not inside a longer identifier.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let starts_ident = word.chars().next().is_some_and(is_ident_char);
    let ends_ident = word.chars().next_back().is_some_and(is_ident_char);
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let open = !starts_ident || !text[..i].chars().next_back().is_some_and(is_ident_char);
        let close = !ends_ident || !text[i + word.len()..].chars().next().is_some_and(is_ident_char);
        open && close
    })
}

/// The learner's line a panic points at: the `panicked at FILE:LINE:COL:` header right above byte
/// `at` of `message` (a blank line in between means the header belongs to another panic; headers
/// in hidden code were already removed by the verdict), if it names a line of the learner's file.
fn panic_line(message: &str, at: usize, learner_lines: usize) -> Option<usize> {
    for (i, line) in message[..at].rsplit('\n').enumerate() {
        if let Some(found) = panic_location(line) {
            return found.filter(|l| (1..=learner_lines).contains(l));
        }
        if i > 0 && line.trim().is_empty() {
            return None;
        }
    }
    None
}

/// `Some(line)` for a panic header in the learner's file, `Some(None)` for a header elsewhere, `None`
/// for other lines. The learner's path is not known here; the standard library's sources give
/// themselves away (`/rustc/<hash>/library/...`, `library/...` when remapped, or an installed
/// `rust-src` under `lib/rustlib`), and so do dependencies in cargo's registry.
fn panic_location(line: &str) -> Option<Option<usize>> {
    let (_, rest) = line.split_once("panicked at ")?;
    let mut parts = rest.trim_end().strip_suffix(':')?.rsplitn(3, ':');
    let (_column, line_no, path) = (parts.next()?.parse::<usize>().ok()?, parts.next()?, parts.next()?);
    let toolchain = path.contains("/rustc/")
        || path.starts_with("library/")
        || path.contains("/rustlib/")
        || path.contains("/.cargo/registry/");
    Some(line_no.parse().ok().filter(|_| path.ends_with(".rs") && !toolchain))
}

/// `code` without its `use` declarations: an import only names a type, and a starting file often
/// imports one the learner has not used (yet, or any more), so a rule about code that locks an
/// `RwLock` must find the `RwLock` in the code itself. Lines are kept, emptied, so that the rest
/// stays where it was.
fn without_imports(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut in_use = false;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let starts_use = ["use ", "pub use ", "pub(crate) use "].iter().any(|p| trimmed.starts_with(p));
        if in_use || starts_use {
            in_use = !line.contains(';');
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `source` without its comments and with its string literals emptied: only code says what the
/// learner's file uses. Character literals are skipped whole (`'"'` opens no string), and a
/// lifetime is told from a character literal by its missing closing `'`.
fn code_only(source: &str) -> String {
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(source.len(), |&(b, _)| b);
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = i;
        let raw_hashes = chars[i + 1..].iter().take_while(|&&(_, c)| c == '#').count();
        let (end, replacement) = match (c, at(i + 1)) {
            ('/', Some('/')) => {
                let newline = chars[i..].iter().position(|&(_, c)| c == '\n');
                (newline.map_or(chars.len(), |p| i + p), " ")
            }
            ('/', Some('*')) => {
                // Block comments nest in Rust.
                let mut depth = 0;
                while let Some(c) = at(i) {
                    match (c, at(i + 1)) {
                        ('/', Some('*')) => (depth, i) = (depth + 1, i + 2),
                        ('*', Some('/')) => (depth, i) = (depth - 1, i + 2),
                        _ => i += 1,
                    }
                    if depth == 0 {
                        break;
                    }
                }
                (i, " ")
            }
            ('"', _) => (end_of_string(&chars, i + 1, None), "\"\""),
            // `r#ident` is a raw identifier, not a string: it falls through to the last arm.
            ('r', Some('"' | '#')) if at(i + 1 + raw_hashes) == Some('"') => {
                (end_of_string(&chars, i + 2 + raw_hashes, Some(raw_hashes)), "\"\"")
            }
            ('\'', Some('\\')) => {
                // Past the backslash and the escaped character, which may itself be `'`.
                let close = chars.get(i + 3..).and_then(|rest| rest.iter().position(|&(_, c)| c == '\''));
                (close.map_or(chars.len(), |p| i + 3 + p + 1), "")
            }
            ('\'', Some(_)) if at(i + 2) == Some('\'') => (i + 3, ""),
            _ => (i + 1, ""),
        };
        i = end;
        out.push_str(if replacement.is_empty() { &source[byte(start)..byte(end)] } else { replacement });
    }
    out
}

/// The index just past the string literal whose contents start at `i`: a plain string (`raw_hashes`
/// is `None`) ends at an unescaped `"`, a raw one at `"` followed by its number of `#`.
fn end_of_string(chars: &[(usize, char)], mut i: usize, raw_hashes: Option<usize>) -> usize {
    while let Some(&(_, c)) = chars.get(i) {
        match (c, raw_hashes) {
            ('\\', None) => i += 2,
            ('"', None) => return i + 1,
            ('"', Some(n)) if chars[i + 1..].iter().take(n).filter(|&&(_, c)| c == '#').count() == n => {
                return i + 1 + n;
            }
            _ => i += 1,
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests;
