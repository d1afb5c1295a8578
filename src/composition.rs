//! The composed crate: the learner's file, the hidden tests and `learn`'s test harness, put together
//! so that the learner's file cannot change what the tests mean. Pure: text in, text out.
//!
//! ```text
//! pub(crate) mod exercise { <the learner's file, byte for byte>
//! pub(crate) mod __learn_hidden {
//! <the hidden tests, with `#[test]` and `#[should_panic]` blanked out>
//! pub(crate) static __LEARN_TESTS: &[..] = &[("name", name, None), ..];
//! }
//! }
//! <the harness: `fn main` and `mod __learn_harness`, see src/harness/template.rs>
//! ```
//!
//! The learner's file is a module, not the crate root: crate-level attributes (`#![no_main]`,
//! `#![no_std]`, …) cannot reshape the crate, and the entry point is always the harness. Its lines
//! keep their numbers (the module opens on line 1), so a diagnostic or panic is mapped back by line:
//! past [`Composition::learner_lines`] it is hidden code, named by test rather than shown. The text
//! is given to rustc through a pipe and never written to disk: an `include_str!` of the pipe's name
//! finds it already read. Hidden
//! tests are read with `syn`: their names, in file order, are the tests that must report back.
//!
//! The exercise's kind adds entries to the table ahead of the hidden tests. A *run* exercise gets
//! `main`: a child that calls the file's `main` and exits with its status (a pass is exit status 0,
//! as the harness observed it). A *visible tests* exercise gets the `#[test]` functions of the
//! learner's own file (at its top level, or in a module there such as `mod tests`): their `#[test]`
//! and `#[should_panic]` attributes are blanked like the hidden tests', and a function without a
//! visibility gets `pub` where its last attribute stood, so the table can name it, without moving a
//! line or a column. Their table names start with `yours::` (a hidden test's is a bare identifier),
//! so the learner's tests can never stand for hidden ones.

use std::fmt::Write as _;
use std::str::FromStr;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

use crate::course::ExerciseKind;

/// The module the hidden tests are wrapped in.
pub const HIDDEN_MODULE: &str = "__learn_hidden";
/// How the crate is named in diagnostics and panic locations (rustc's name for a crate read from
/// stdin; learn remaps the pipe's path to it).
pub const STDIN_NAME: &str = "<anon>";
/// What opens the learner's module, on the learner's first line.
pub const PREFIX: &str = "pub(crate) mod exercise { ";
/// The harness appended after the exercise module.
/// The harness's modules (`__learn_harness`, `__learn`): the library `learn_harness`.
pub const HARNESS: &str = include_str!("harness/template.rs");
/// The program's entry point: the harness, given the tests.
const MAIN: &str =
    "\nfn main() {\n    ::std::process::exit(__learn_harness::main(exercise::__learn_hidden::__LEARN_TESTS))\n}\n";
/// What stands for the harness's modules when the compiled library is linked instead.
const LINKED: &str = "#[doc(hidden)]\n#[allow(unused_imports)]\nuse ::learn_harness::{__learn, __learn_harness};\n";

/// One hidden test, as found in the checks file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenTest {
    pub name: String,
    /// The line (in the checks file) of its first attribute.
    pub line: usize,
    /// The line (in the checks file) of its closing brace.
    pub end_line: usize,
    /// `Some(expected text)` for `#[should_panic]` (empty: any panic).
    pub should_panic: Option<String>,
    /// Its doc comment, joined into one paragraph.
    pub doc: Option<String>,
}

impl HiddenTest {
    /// What the test checks, for people: its doc comment, or its name in words.
    pub fn description(&self) -> String {
        self.doc.clone().unwrap_or_else(|| self.name.replace('_', " "))
    }
}

/// Where a test of the composed program comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A hidden test of the checks file.
    Hidden,
    /// A `#[test]` function of the learner's own file.
    Yours,
    /// The file's `main`, run as a program.
    Main,
}

/// The table name of the `main` entry of a run exercise.
pub const MAIN_ENTRY: &str = "yours::main";
/// What the table names of the learner's own tests start with.
const YOURS: &str = "yours::";

/// A `#[test]` function of the learner's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerTest {
    /// Its path in the file: `tests::adds_up`, or `adds_up` at the top level.
    pub name: String,
    /// The learner's line of its first attribute.
    pub line: usize,
    pub should_panic: Option<String>,
    /// Whether it returns a value (a `Result`) that says whether it passed.
    pub returns: bool,
}

/// One test the harness must report on, in the order they are judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name in the harness's table and report.
    pub key: String,
    /// The name shown to the learner.
    pub name: String,
    pub origin: Origin,
    pub description: String,
}

/// How the learner's file and the hidden tests were put together.
#[derive(Debug, Clone)]
pub struct Composition {
    /// The learner's file as the learner should see it named in messages.
    pub display_path: String,
    /// The learner's file's text.
    pub learner_source: String,
    /// The number of lines of the composed file that belong to the learner.
    pub learner_lines: usize,
    /// The composed line number of the hidden tests' first line.
    pub hidden_first_line: usize,
    /// The number of lines of the checks file (after them come `learn`'s own table and harness).
    pub hidden_lines: usize,
    /// The `#[test]` functions, in file order.
    pub hidden_tests: Vec<HiddenTest>,
    /// Why the hidden tests could not be read, if they could not (a course problem).
    pub hidden_problem: Option<String>,
    /// What a pass is.
    pub kind: ExerciseKind,
    /// The `#[test]` functions of the learner's file (visible-tests exercises only), in file order.
    pub learner_tests: Vec<LearnerTest>,
    /// Why the learner's tests cannot be run as they are written (a `#[test]` learn cannot reach).
    pub learner_problems: Vec<ShapeProblem>,
}

/// `composed` (from [`Composition::compose_as`]) with the harness's modules taken from the
/// library `learn_harness` instead of compiled again: the same program, without compiling the
/// harness on every save (it costs more than the exercise). Line numbers are unchanged.
pub fn with_linked_harness(composed: &str) -> String {
    match composed.strip_suffix(HARNESS) {
        Some(head) => format!("{head}{LINKED}"),
        None => composed.to_string(),
    }
}

impl Composition {
    /// Composes `learner` with `hidden`; returns the composed source and the map of its lines.
    pub fn compose(display_path: &str, learner: &str, hidden: &str) -> (String, Composition) {
        Composition::compose_as(display_path, learner, hidden, ExerciseKind::Tests)
    }

    /// Composes `learner` with `hidden` for an exercise of `kind` (see the module's documentation).
    pub fn compose_as(display_path: &str, learner: &str, hidden: &str, kind: ExerciseKind) -> (String, Composition) {
        let (tests, rewritten, hidden_problem) = match read_hidden_tests(hidden) {
            Ok((tests, rewritten)) => (tests, rewritten, None),
            Err(problem) => (Vec::new(), hidden.to_string(), Some(problem)),
        };
        let (learner_tests, learner_text, learner_problems) = match kind {
            ExerciseKind::VisibleTests => read_learner_tests(learner),
            _ => (Vec::new(), learner.to_string(), Vec::new()),
        };
        let mut text = String::with_capacity(learner.len() + hidden.len() + HARNESS.len() + 256);
        text.push_str(PREFIX);
        text.push_str(&learner_text);
        // The learner's file may end without a newline, or inside a line comment: start afresh.
        text.push_str("\n#[allow(dead_code, unused_imports, clippy::empty_line_after_doc_comments)]\npub(crate) mod ");
        text.push_str(HIDDEN_MODULE);
        text.push_str(" {\n");
        let hidden_first_line = text.matches('\n').count() + 1;
        text.push_str(&rewritten);
        if kind == ExerciseKind::Run {
            // The file's `main` as a test: its status becomes the child's exit status, which the
            // harness reports (`Termination` prints a returned error, as a program's `main` would).
            text.push_str(
                "\npub(crate) fn __learn_main() {\n    let code = ::std::process::Termination::report(super::main());\n    \
                 ::std::process::exit(if code == ::std::process::ExitCode::SUCCESS { 0 } else { 1 })\n}\n",
            );
        }
        text.push_str("\npub(crate) static __LEARN_TESTS: &[crate::__learn_harness::Test] = &[\n");
        if kind == ExerciseKind::Run {
            let _ = writeln!(text, "    ({MAIN_ENTRY:?}, __learn_main, ::std::option::Option::None),");
        }
        for t in &learner_tests {
            let expected = match &t.should_panic {
                Some(e) => format!("::std::option::Option::Some({e:?})"),
                None => "::std::option::Option::None".to_string(),
            };
            let path = format!("super::{}", t.name);
            let call = if t.returns {
                format!(
                    "|| if ::std::process::Termination::report({path}()) != ::std::process::ExitCode::SUCCESS {{ \
                     ::std::panic!(\"the test returned an error\") }}"
                )
            } else {
                path
            };
            let _ = writeln!(text, "    (\"{YOURS}{}\", {call}, {expected}),", t.name);
        }
        for t in &tests {
            let expected = match &t.should_panic {
                Some(e) => format!("::std::option::Option::Some({e:?})"),
                None => "::std::option::Option::None".to_string(),
            };
            let _ = writeln!(text, "    ({:?}, {}, {expected}),", t.name, t.name);
        }
        text.push_str("];\n}\n}\n");
        text.push_str(MAIN);
        text.push_str(HARNESS);
        let learner_lines = learner.matches('\n').count() + usize::from(!learner.ends_with('\n'));
        let composition = Composition {
            display_path: display_path.to_string(),
            learner_source: learner.to_string(),
            learner_lines,
            hidden_first_line,
            hidden_lines: hidden.lines().count(),
            hidden_tests: tests,
            hidden_problem,
            kind,
            learner_tests,
            learner_problems,
        };
        (text, composition)
    }

    /// Whether composed `line` belongs to the hidden tests or the harness.
    pub fn is_hidden(&self, line: usize) -> bool {
        line > self.learner_lines
    }

    /// The hidden test whose function (attributes to closing brace) holds composed `line`, if any:
    /// a line in a helper, an import or a constant of the checks file belongs to no test.
    pub fn hidden_test_at(&self, line: usize) -> Option<&str> {
        let checks_line = self.checks_line(line)?;
        self.hidden_tests.iter().find(|t| (t.line..=t.end_line).contains(&checks_line)).map(|t| t.name.as_str())
    }

    /// The line of the checks file that composed `line` is, if it is one (not the learner's file,
    /// nor `learn`'s table of tests and harness after the checks file).
    pub fn checks_line(&self, line: usize) -> Option<usize> {
        let checks_line = line.checked_sub(self.hidden_first_line)? + 1;
        (checks_line <= self.hidden_lines).then_some(checks_line)
    }

    /// Every test the harness must report on, in the order they are judged and shown: `main`, the
    /// learner's own tests, then the hidden tests.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        if self.kind == ExerciseKind::Run {
            entries.push(Entry {
                key: MAIN_ENTRY.to_string(),
                name: "main".to_string(),
                origin: Origin::Main,
                description: "the program runs and exits successfully".to_string(),
            });
        }
        for t in &self.learner_tests {
            entries.push(Entry {
                key: format!("{YOURS}{}", t.name),
                name: t.name.clone(),
                origin: Origin::Yours,
                description: format!("your test {}", t.name),
            });
        }
        for t in &self.hidden_tests {
            entries.push(Entry {
                key: t.name.clone(),
                name: t.name.clone(),
                origin: Origin::Hidden,
                description: t.description(),
            });
        }
        entries
    }

    /// The hidden tests' full names (`__learn_hidden::name`), in file order.
    pub fn expected(&self) -> Vec<String> {
        self.hidden_tests.iter().map(|t| format!("{HIDDEN_MODULE}::{}", t.name)).collect()
    }

    /// `path:line:col` as the learner should read it: the learner's own path for their lines.
    pub fn location(&self, file: &str, line: usize, column: usize) -> String {
        let column = if line == 1 { column.saturating_sub(PREFIX.chars().count()).max(1) } else { column };
        let file = if file == STDIN_NAME { self.display_path.as_str() } else { file };
        format!("{file}:{line}:{column}")
    }

    /// `text` with each `<anon>:LINE:COL` the compiler wrote in a message named as the learner
    /// reads it: the learner's path for their lines, "the hidden tests" for the tests' own.
    pub fn name_places(&self, text: &str) -> String {
        let marker = format!("{STDIN_NAME}:");
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(&marker) {
            out.push_str(&rest[..at]);
            let after = &rest[at + marker.len()..];
            let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let line_len = digits(after);
            let line: Option<usize> = after[..line_len].parse().ok();
            let col_len = after[line_len..].strip_prefix(':').map_or(0, |c| 1 + digits(c));
            match line {
                Some(line) if self.is_hidden(line) => out.push_str("the hidden tests"),
                Some(line) => {
                    let column = after[line_len..][..col_len].trim_start_matches(':').parse().unwrap_or(1);
                    out.push_str(&self.location(STDIN_NAME, line, column));
                }
                None => out.push_str(&marker),
            }
            rest = if line.is_some() { &after[line_len + col_len..] } else { after };
        }
        out.push_str(rest);
        out
    }

    /// rustc's rendering of a diagnostic about the learner's lines, with the learner's path.
    /// (In colour, an escape sequence stands between `-->` and the path.)
    pub fn fix_rendered(&self, rendered: &str) -> String {
        rendered.replace(&format!("{STDIN_NAME}:"), &format!("{}:", self.display_path)).replace(PREFIX, "")
    }
}

/// The names of the `#[test]` functions in a learner's file (a visible-tests exercise's starting
/// file), as the verdict names them.
pub fn learner_test_names(learner: &str) -> Vec<String> {
    read_learner_tests(learner).0.into_iter().map(|t| t.name).collect()
}

/// The `#[test]` functions of a hidden test file, as `(line of the first attribute, name)`.
pub fn hidden_test_functions(hidden: &str) -> Vec<(usize, String)> {
    read_hidden_tests(hidden)
        .map(|(tests, _)| tests.into_iter().map(|t| (t.line, t.name)).collect())
        .unwrap_or_default()
}

/// The `#[test]` functions of the learner's file, its text with their attributes blanked (and `pub`
/// where a function needs it to be named from the table), and why a test cannot be run where it is.
/// A file that does not parse has no tests here: the compiler says what is wrong with it.
fn read_learner_tests(learner: &str) -> (Vec<LearnerTest>, String, Vec<ShapeProblem>) {
    let Ok(file) = syn::parse_file(learner) else { return (Vec::new(), learner.to_string(), Vec::new()) };
    let mut tests = Vec::new();
    let mut blank = Vec::new();
    let mut public = Vec::new();
    let mut problems = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => learner_test(f, "", &mut tests, &mut blank, &mut public, &mut problems),
            syn::Item::Mod(m) => {
                let Some((_, items)) = &m.content else { continue };
                let prefix = format!("{}::", m.ident);
                for inner in items {
                    match inner {
                        syn::Item::Fn(f) => {
                            learner_test(f, &prefix, &mut tests, &mut blank, &mut public, &mut problems)
                        }
                        syn::Item::Mod(deeper) if contains_test(deeper) => problems.push(ShapeProblem::spanning(
                            deeper.mod_token.span.start(),
                            deeper.ident.span().end(),
                            format!(
                                "learn runs the `#[test]` functions at the top of your file or in a module there \
                                 (such as `mod {}`), not in `mod {}` inside it: move them up a level",
                                m.ident, deeper.ident
                            ),
                        )),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let mut text = blank_out(learner, &blank);
    for at in public {
        text = overwrite(&text, at, "pub");
    }
    (tests, text, problems)
}

/// Records `f` if it is a `#[test]` function, with the attributes to blank and where `pub` goes.
fn learner_test(
    f: &syn::ItemFn,
    prefix: &str,
    tests: &mut Vec<LearnerTest>,
    blank: &mut Vec<(proc_macro2::LineColumn, proc_macro2::LineColumn)>,
    public: &mut Vec<proc_macro2::LineColumn>,
    problems: &mut Vec<ShapeProblem>,
) {
    let outer: Vec<&syn::Attribute> = f.attrs.iter().filter(|a| matches!(a.style, syn::AttrStyle::Outer)).collect();
    let is_ours = |a: &syn::Attribute| a.path().is_ident("test") || a.path().is_ident("should_panic");
    let Some(test) = outer.iter().find(|a| a.path().is_ident("test")) else { return };
    let name = format!("{prefix}{}", f.sig.ident);
    let last = outer.last().expect("has the test attribute");
    if !is_ours(last) {
        let (start, end) = span_of(last);
        problems.push(ShapeProblem::spanning(
            start,
            end,
            format!(
                "put `#[test]` (and `#[should_panic]`) last, directly above `fn {}`: learn runs the test from there",
                f.sig.ident
            ),
        ));
        return;
    }
    let mut should_panic = None;
    for attr in outer.iter().filter(|a| is_ours(a)) {
        blank.push(span_of(attr));
        if attr.path().is_ident("should_panic") {
            should_panic = Some(expected_panic(attr));
        }
    }
    if matches!(f.vis, syn::Visibility::Inherited) {
        public.push(span_of(last).0);
    }
    tests.push(LearnerTest {
        name,
        line: span_of(test).0.line,
        should_panic,
        returns: !matches!(f.sig.output, syn::ReturnType::Default),
    });
}

/// Whether a module holds a `#[test]` function, at any depth.
fn contains_test(m: &syn::ItemMod) -> bool {
    m.content.as_ref().is_some_and(|(_, items)| {
        items.iter().any(|item| match item {
            syn::Item::Fn(f) => f.attrs.iter().any(|a| a.path().is_ident("test")),
            syn::Item::Mod(inner) => contains_test(inner),
            _ => false,
        })
    })
}

/// `text` with `word` written over the characters from `at` (1-based line, column in characters).
fn overwrite(text: &str, at: proc_macro2::LineColumn, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 != at.line {
            out.push_str(line);
            continue;
        }
        let mut replacement = word.chars();
        for (col, ch) in line.chars().enumerate() {
            match (col >= at.column).then(|| replacement.next()).flatten() {
                Some(r) => out.push(r),
                None => out.push(ch),
            }
        }
    }
    out
}

/// Reads the hidden tests and returns them with the source rewritten for the harness: `#[test]`
/// and `#[should_panic]` replaced by spaces (so every line keeps its number and columns).
fn read_hidden_tests(hidden: &str) -> Result<(Vec<HiddenTest>, String), String> {
    let file = syn::parse_file(hidden).map_err(|e| {
        let at = e.span().start();
        format!("line {}:{}: {e}", at.line, at.column + 1)
    })?;
    let mut tests = Vec::new();
    let mut blank: Vec<(proc_macro2::LineColumn, proc_macro2::LineColumn)> = Vec::new();
    for item in &file.items {
        let syn::Item::Fn(f) = item else { continue };
        if !f.attrs.iter().any(|a| a.path().is_ident("test")) {
            continue;
        }
        let mut should_panic = None;
        let mut doc = Vec::new();
        for attr in &f.attrs {
            let path = attr.path();
            if path.is_ident("test") {
                blank.push(span_of(attr));
            } else if path.is_ident("should_panic") {
                blank.push(span_of(attr));
                should_panic = Some(expected_panic(attr));
            } else if path.is_ident("doc")
                && let syn::Meta::NameValue(nv) = &attr.meta
                && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
            {
                doc.push(s.value().trim().to_string());
            }
        }
        let line = f.attrs.iter().map(|a| span_of(a).0.line).min().unwrap_or(1);
        let end_line = f.block.brace_token.span.close().end().line;
        let doc = doc.join(" ").trim().to_string();
        tests.push(HiddenTest {
            name: f.sig.ident.to_string(),
            line,
            end_line,
            should_panic,
            doc: (!doc.is_empty()).then_some(doc),
        });
    }
    Ok((tests, blank_out(hidden, &blank)))
}

fn span_of(attr: &syn::Attribute) -> (proc_macro2::LineColumn, proc_macro2::LineColumn) {
    use syn::spanned::Spanned;
    let span = attr.span();
    (span.start(), span.end())
}

/// The text a `#[should_panic]` expects in the panic message (empty: any panic).
fn expected_panic(attr: &syn::Attribute) -> String {
    let mut expected = String::new();
    match &attr.meta {
        syn::Meta::NameValue(nv) => {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                expected = s.value();
            }
        }
        syn::Meta::List(_) => {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("expected") {
                    let s: syn::LitStr = meta.value()?.parse()?;
                    expected = s.value();
                }
                Ok(())
            });
        }
        syn::Meta::Path(_) => {}
    }
    expected
}

/// `text` with each `(start, end)` range (lines 1-based, columns in characters) turned into spaces.
fn blank_out(text: &str, ranges: &[(proc_macro2::LineColumn, proc_macro2::LineColumn)]) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        for (col, ch) in line.chars().enumerate() {
            let inside = ranges.iter().any(|(s, e)| {
                let after_start = (n, col) >= (s.line, s.column);
                let before_end = (n, col) < (e.line, e.column);
                after_start && before_end
            });
            out.push(if inside && ch != '\n' { ' ' } else { ch });
        }
    }
    out
}

/// Crate-level attributes that would reshape the crate the tests are compiled into.
const SHAPE_ATTRIBUTES: &[&str] = &[
    "no_main",
    "no_std",
    "no_core",
    "no_implicit_prelude",
    "cfg",
    "crate_type",
    "crate_name",
    "feature",
    "test_runner",
    "reexport_test_harness_main",
    "no_builtins",
    "windows_subsystem",
    "panic_runtime",
    "needs_panic_runtime",
];

/// A problem with the learner's file that stops it from being graded, found before compiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeProblem {
    /// 1-based line of the learner's file.
    pub line: usize,
    /// 0-based column, in characters, where the offending code starts on that line.
    pub column: usize,
    /// How many characters of the line to underline (at least one).
    pub width: usize,
    pub message: String,
}

impl ShapeProblem {
    /// A problem with the code from `start` to `end`; code that runs past its first line is marked
    /// by its first character only.
    fn spanning(start: proc_macro2::LineColumn, end: proc_macro2::LineColumn, message: String) -> Self {
        let width = if end.line == start.line { end.column.saturating_sub(start.column).max(1) } else { 1 };
        ShapeProblem { line: start.line, column: start.column, width, message }
    }

    /// A problem with the file as a whole, marked at its first character.
    pub fn whole_file(message: String) -> Self {
        ShapeProblem { line: 1, column: 0, width: 1, message }
    }
}

/// Inner attributes at the top of the learner's file that change the crate's shape (`#![no_main]`,
/// `#![no_std]`, `#![cfg(..)]`, …, also inside `#![cfg_attr(..)]`). `None` when the file does not
/// tokenize (rustc will say why).
pub fn crate_shape_problems(learner: &str) -> Option<Vec<ShapeProblem>> {
    let tokens = TokenStream::from_str(learner).ok()?;
    let mut problems = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(TokenTree::Punct(hash)) = iter.peek().cloned() {
        if hash.as_char() != '#' {
            break;
        }
        iter.next();
        match iter.next() {
            Some(TokenTree::Punct(bang)) if bang.as_char() == '!' => {}
            _ => break,
        }
        let Some(TokenTree::Group(group)) = iter.next() else { break };
        if group.delimiter() != Delimiter::Bracket {
            break;
        }
        for name in attribute_names(group.stream()) {
            if SHAPE_ATTRIBUTES.contains(&name.as_str()) {
                problems.push(ShapeProblem::spanning(
                    hash.span().start(),
                    group.span().end(),
                    format!(
                        "`#![{name}]` changes the shape of the program the hidden tests are compiled into, \
                         so learn does not grade files that use it: remove it"
                    ),
                ));
            }
        }
    }
    Some(problems)
}

/// The `static` items (and `thread_local!` declarations, which hold `static` items) of the learner's
/// file, for exercises whose state must live in the fields they give: a static is one value for the
/// whole program, shared by every instance of the learner's types, so it would let two instances
/// share what the tests check each keeps apart, or hide a lock the tests cannot see. One problem per
/// line; `'static` lifetimes and `r#static` identifiers are not items. Empty when the file does not
/// tokenize (rustc will say why).
pub fn static_items(learner: &str) -> Vec<ShapeProblem> {
    one_problem_per_line(
        learner,
        collect_statics,
        "learn does not grade a `static` (or a `thread_local!`) in this exercise: keep the state in the fields the \
         exercise gives (state outside them is shared by every instance of your types, on one thread or on all)",
    )
}

/// One problem with `message` for each line where `collect` finds something in the learner's file
/// (it pushes the found tokens' spans in order), marking the first such token of the line. Empty
/// when the file does not tokenize (rustc will say why).
fn one_problem_per_line(learner: &str, collect: fn(TokenStream, &mut Vec<Span>), message: &str) -> Vec<ShapeProblem> {
    let Ok(tokens) = TokenStream::from_str(learner) else { return Vec::new() };
    let mut found = Vec::new();
    collect(tokens, &mut found);
    found.dedup_by_key(|span| span.start().line);
    found.into_iter().map(|span| ShapeProblem::spanning(span.start(), span.end(), message.to_string())).collect()
}

fn collect_statics(tokens: TokenStream, found: &mut Vec<Span>) {
    // A lifetime is a `'` joined to an identifier: `'static` names no item.
    let mut after_quote = false;
    for token in tokens {
        match &token {
            TokenTree::Ident(ident) if ident == "static" && !after_quote => found.push(ident.span()),
            TokenTree::Group(group) => collect_statics(group.stream(), found),
            _ => {}
        }
        after_quote = matches!(&token, TokenTree::Punct(p) if p.as_char() == '\'');
    }
}

/// Code of the learner's file that runs only in a build with debug assertions: `debug_assert!`
/// (and its `_eq`/`_ne` twins) and anything under `cfg(debug_assertions)`. learn grades such a
/// build, so an effect hidden there (a count kept inside a `debug_assert!`, say) would be graded
/// while a release build of the same file skips it: what passed would not be what runs. One
/// problem per line. Empty when the file does not tokenize (rustc will say why).
pub fn debug_only_code(learner: &str) -> Vec<ShapeProblem> {
    one_problem_per_line(
        learner,
        collect_debug_only,
        "learn does not grade code that only a debug build runs (`debug_assert!`, `cfg(debug_assertions)`): the \
         tests would see it, and a release build of your file would skip it. Use `assert!` for a check that must \
         always hold, and keep every effect (a count, a store) outside assertions",
    )
}

fn collect_debug_only(tokens: TokenStream, found: &mut Vec<Span>) {
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        match &token {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.trim_start_matches("r#");
                let bang = matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let asserts = bang && matches!(name, "debug_assert" | "debug_assert_eq" | "debug_assert_ne");
                if asserts || name == "debug_assertions" {
                    found.push(ident.span());
                }
            }
            TokenTree::Group(group) => collect_debug_only(group.stream(), found),
            _ => {}
        }
    }
}

/// The attribute names in an attribute's tokens, looking inside `cfg_attr(predicate, attr, ..)`.
fn attribute_names(stream: TokenStream) -> Vec<String> {
    let mut iter = stream.into_iter();
    let Some(TokenTree::Ident(name)) = iter.next() else { return Vec::new() };
    // `r#no_main` is `no_main` to the compiler.
    let name = name.to_string().trim_start_matches("r#").to_string();
    if name != "cfg_attr" {
        return vec![name];
    }
    let Some(TokenTree::Group(args)) = iter.next() else { return vec![name] };
    // Split the arguments at top-level commas; the first is the predicate.
    let mut parts: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for t in args.stream() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(Vec::new()),
            _ => parts.last_mut().expect("never empty").push(t),
        }
    }
    parts.into_iter().skip(1).flat_map(|p| attribute_names(p.into_iter().collect())).collect()
}

/// Whether the learner's file is a balanced sequence of tokens on its own: otherwise its brackets
/// could close the exercise module early and move the hidden tests.
pub fn tokenizes(learner: &str) -> bool {
    TokenStream::from_str(learner).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_linked_harness_replaces_the_inline_one_and_keeps_every_line() {
        let (text, _) = Composition::compose("x.rs", LEARNER, HIDDEN);
        let linked = with_linked_harness(&text);
        assert!(!linked.contains("fn supervise") && linked.ends_with(LINKED), "{linked}");
        assert_eq!(linked.strip_suffix(LINKED), text.strip_suffix(HARNESS));
        assert!(linked.contains(MAIN));
    }

    #[test]
    fn places_in_messages_are_the_learners_lines_or_the_hidden_tests() {
        let (_, c) =
            Composition::compose("exercises/t/x.rs", "fn a() {}\nfn b() {}\n", "use super::a;\n#[test]\nfn t() {}\n");
        let hidden = c.hidden_first_line + 1;
        let text = format!("defined at <anon>:2:4, called at <anon>:{hidden}:9; <anon>:x stays");
        assert_eq!(c.name_places(&text), "defined at exercises/t/x.rs:2:4, called at the hidden tests; <anon>:x stays");
    }

    const LEARNER: &str = "use std::cell::RefCell;\n\nfn f() -> u32 {\n    1\n}\n";
    const HIDDEN: &str = "use super::f;\n\n/// f gives one.\n#[test]\nfn first_test() {\n    ::std::assert_eq!(f(), 1);\n}\n\n#[test]\n#[should_panic(expected = \"boom\")]\nfn second_test() {\n    f();\n}\n";

    #[test]
    fn composition_keeps_learner_lines_and_maps_hidden_lines_to_tests() {
        let (text, c) = Composition::compose("exercises/t/x.rs", LEARNER, HIDDEN);
        assert!(text.starts_with(&format!("{PREFIX}{LEARNER}")));
        assert_eq!(c.learner_lines, 5);
        assert_eq!(c.hidden_first_line, 9);
        assert_eq!(text.lines().nth(c.hidden_first_line - 1), Some("use super::f;"));
        let names: Vec<(usize, &str)> = c.hidden_tests.iter().map(|t| (t.line, t.name.as_str())).collect();
        assert_eq!(names, [(3, "first_test"), (9, "second_test")]);
        assert_eq!(c.hidden_tests[0].doc.as_deref(), Some("f gives one."));
        assert_eq!(c.hidden_tests[1].should_panic.as_deref(), Some("boom"));
        assert_eq!(c.hidden_tests[1].description(), "second test");
        assert!(!c.is_hidden(5));
        assert!(c.is_hidden(6));
        assert_eq!(c.hidden_test_at(9 + 4), Some("first_test"));
        assert_eq!(c.hidden_test_at(9 + 10), Some("second_test"));
        assert_eq!(c.hidden_test_at(3), None);
        // The blank line between the two tests, and the table after the checks file, are no test's.
        assert_eq!(c.hidden_test_at(9 + 7), None);
        assert_eq!((c.checks_line(9 + 12), c.checks_line(9 + 13)), (Some(13), None));
        assert_eq!(c.expected(), ["__learn_hidden::first_test", "__learn_hidden::second_test"]);
    }

    #[test]
    fn test_attributes_are_blanked_and_the_table_lists_tests_in_file_order() {
        let (text, _) = Composition::compose("x.rs", LEARNER, HIDDEN);
        assert!(!text.contains("#[test]"));
        assert!(!text.contains("#[should_panic"));
        assert!(text.contains("(\"first_test\", first_test, ::std::option::Option::None),\n"));
        assert!(text.contains("(\"second_test\", second_test, ::std::option::Option::Some(\"boom\")),\n"));
        // Blanking keeps every line where it was.
        assert_eq!(text.lines().nth(8 + 9).map(str::trim), Some(""));
        assert_eq!(text.lines().nth(8 + 10).map(str::trim), Some("fn second_test() {"));
    }

    #[test]
    fn a_file_without_final_newline_still_counts_its_last_line() {
        let (text, c) = Composition::compose("x.rs", "fn a() {} // end", "use super::a;");
        assert_eq!(c.learner_lines, 1);
        assert!(text.starts_with(&format!("{PREFIX}fn a() {{}} // end\n")));
    }

    #[test]
    fn unparsable_hidden_tests_are_a_course_problem() {
        let (_, c) = Composition::compose("x.rs", LEARNER, "#[test]\nfn broken( {\n");
        assert!(c.hidden_problem.is_some());
        assert!(c.hidden_tests.is_empty());
    }

    #[test]
    fn crate_shaping_attributes_are_found_also_inside_cfg_attr() {
        let file =
            "//! docs\n#![allow(dead_code)]\n#![no_main]\n#![cfg_attr(all(), no_std, allow(unused))]\nfn main() {}\n";
        let problems = crate_shape_problems(file).unwrap();
        let found: Vec<(usize, usize, usize, bool)> =
            problems.iter().map(|p| (p.line, p.column, p.width, p.message.starts_with("`#![no_main]`"))).collect();
        // The whole attribute is marked, from `#` to `]`.
        assert_eq!(found, [(3, 0, 11, true), (4, 0, 42, false)]);
        assert!(problems[1].message.starts_with("`#![no_std]`"));
        assert_eq!(crate_shape_problems("fn main() {}\n#[cfg(test)]\nmod t {}\n"), Some(Vec::new()));
    }

    #[test]
    fn code_only_a_debug_build_runs_is_found_wherever_it_is() {
        let file = "fn f(n: &AtomicU64) {\n    debug_assert!(n.fetch_add(1, Relaxed) < u64::MAX);\n}\n\
                    #[cfg(debug_assertions)]\nfn g() {}\n\
                    fn h() -> bool { cfg!(debug_assertions) }\n\
                    fn k() { let v = vec![debug_assert_eq!(1, 1)]; }\n";
        let found: Vec<(usize, usize, usize)> =
            debug_only_code(file).iter().map(|p| (p.line, p.column, p.width)).collect();
        // The name is marked where it stands: `debug_assert`, `debug_assertions`, `debug_assert_eq`.
        assert_eq!(found, [(2, 4, 12), (4, 6, 16), (6, 22, 16), (7, 22, 15)]);
        assert!(debug_only_code(file)[0].message.contains("Use `assert!` for a check that must always hold"));
        // Names that only look alike are not code: a function called `debug_assert`, an `assert!`.
        assert!(debug_only_code("fn debug_assert() {}\nfn main() { debug_assert(); assert!(true); }\n").is_empty());
    }

    #[test]
    fn static_items_are_found_in_macros_and_thread_locals_but_not_in_lifetimes() {
        let file = "fn name() -> &'static str { \"static\" }\n\
                    static HITS: AtomicU64 = AtomicU64::new(0);\n\
                    fn f<T: 'static>(r#static: u8) {}\n\
                    thread_local! { static SEEN: Cell<u32> = Cell::new(0); }\n\
                    macro_rules! global { () => { pub static mut X: u8 = 0; static Y: u8 = 0; } }\n\
                    struct S { name: &'static str }\n";
        let found: Vec<(usize, usize)> = static_items(file).iter().map(|p| (p.line, p.column)).collect();
        // One problem per line, at the line's first `static`.
        assert_eq!(found, [(2, 0), (4, 16), (5, 34)]);
        assert!(static_items(file)[0].message.contains("keep the state in the fields the exercise gives"));
        assert!(static_items("fn main() {}\nconst LIMIT: u32 = 3;\n").is_empty());
    }

    #[test]
    fn unbalanced_files_are_noticed() {
        assert!(tokenizes("fn a() {}\n"));
        assert!(!tokenizes("fn a() {} } mod other {\n"));
        assert!(!tokenizes("fn a() {} /* open"));
    }

    #[test]
    fn locations_and_renderings_name_the_learners_file() {
        let (_, c) = Composition::compose("exercises/t/x.rs", LEARNER, HIDDEN);
        assert_eq!(c.location(STDIN_NAME, 3, 5), "exercises/t/x.rs:3:5");
        assert_eq!(c.location(STDIN_NAME, 1, 30), "exercises/t/x.rs:1:4");
        assert_eq!(c.fix_rendered(" --> <anon>:3:5\n"), " --> exercises/t/x.rs:3:5\n");
        assert_eq!(c.fix_rendered("\x1b[94m--> \x1b[0m<anon>:3:5\n"), "\x1b[94m--> \x1b[0mexercises/t/x.rs:3:5\n");
    }

    #[test]
    fn a_run_exercise_runs_main_first() {
        let (text, c) = Composition::compose_as("x.rs", "fn main() {}\n", HIDDEN, ExerciseKind::Run);
        assert!(text.contains("::std::process::Termination::report(super::main())"));
        assert!(text.contains("(\"yours::main\", __learn_main, ::std::option::Option::None),\n"));
        let entries: Vec<(String, Origin)> = c.entries().into_iter().map(|e| (e.name, e.origin)).collect();
        assert_eq!(
            entries,
            [
                ("main".to_string(), Origin::Main),
                ("first_test".to_string(), Origin::Hidden),
                ("second_test".to_string(), Origin::Hidden)
            ]
        );
    }

    #[test]
    fn visible_tests_are_blanked_made_reachable_and_listed_without_moving_a_column() {
        let learner = "fn f() -> u32 { 1 }\n\n#[test]\nfn top() {}\n\n#[cfg(test)]\nmod tests {\n    /// Doc.\n    #[test]\n    #[should_panic(expected = \"x\")]\n    fn inner() {}\n\n    #[test]\n    pub fn open() -> Result<(), String> { Ok(()) }\n}\n";
        let (text, c) = Composition::compose_as("x.rs", learner, "", ExerciseKind::VisibleTests);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "pub    ");
        assert_eq!(lines[8], "           ");
        assert_eq!(lines[9], format!("    pub{}", " ".repeat(28)));
        assert_eq!(lines[12], "           ");
        let names: Vec<(&str, usize, bool)> =
            c.learner_tests.iter().map(|t| (t.name.as_str(), t.line, t.returns)).collect();
        assert_eq!(names, [("top", 3, false), ("tests::inner", 9, false), ("tests::open", 13, true)]);
        assert_eq!(c.learner_tests[1].should_panic.as_deref(), Some("x"));
        assert!(text.contains("(\"yours::top\", super::top, ::std::option::Option::None),"));
        assert!(text.contains("(\"yours::tests::inner\", super::tests::inner, ::std::option::Option::Some(\"x\")),"));
        assert!(text.contains("if ::std::process::Termination::report(super::tests::open())"));
        // The learner's own text is kept for showing lines in messages.
        assert_eq!(c.learner_source, learner);
        assert_eq!(learner_test_names(learner), ["top", "tests::inner", "tests::open"]);
    }

    #[test]
    fn visible_tests_learn_cannot_reach_are_problems_with_their_line() {
        let learner = "mod tests {\n    mod deeper {\n        #[test]\n        fn a() {}\n    }\n    #[test]\n    #[inline]\n    fn b() {}\n}\n";
        let (_, c) = Composition::compose_as("x.rs", learner, "", ExerciseKind::VisibleTests);
        let found: Vec<(usize, usize, usize)> =
            c.learner_problems.iter().map(|p| (p.line, p.column, p.width)).collect();
        // `mod deeper` and `#[inline]` are marked.
        assert_eq!(found, [(2, 4, 10), (7, 4, 9)]);
        assert!(c.learner_problems[1].message.starts_with("put `#[test]` (and `#[should_panic]`) last"));
        assert!(c.learner_tests.is_empty());
    }
}
