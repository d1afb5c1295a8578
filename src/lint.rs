//! The hidden-test lint of `learn dev check`: hidden tests are compiled after the learner's file,
//! in the same crate, so they must be written so that the learner's file cannot change what they
//! mean. Pure: the checks file's text in, problems out.
//!
//! - **Imports explicit**: `use super::{Logger, Subsystem};`, never `use super::*;` (a glob would
//!   let the learner's file inject any name, even one shadowing `u32` or `String`).
//! - **Macros by absolute path**: `::std::assert_eq!`, not `assert_eq!`, which the learner's file
//!   can redefine with `macro_rules!` (macros defined in the checks file itself may be called by name).
//! - **Values pinned before they are compared**: an operand of `assert!`, `assert_eq!` or `assert_ne!`
//!   is a literal, a local declared with a type that names none of the exercise's own types
//!   (`let got: u32 = logger.count();`), a method call, field or index on such a value, a
//!   comparison of those, or `::std::matches!(value, Pattern)`. Otherwise the learner could return a
//!   type whose `==` (or `!`) always says yes.
//! - **Fields pinned before their methods are used**: `alice.balance.try_lock()` calls a method of a
//!   field whose type the learner declares; a look-alike type could answer as it likes. The file
//!   must pin that field's type with `crate::__learn::exact::<Mutex<i64>, _>(&alice.balance);`.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// One problem, at a line of the checks file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintProblem {
    pub line: usize,
    pub message: String,
}

/// Lints a checks file; a file that does not parse is one problem.
pub fn lint_hidden_tests(text: &str) -> Vec<LintProblem> {
    let file = match syn::parse_file(text) {
        Ok(f) => f,
        Err(e) => return vec![LintProblem { line: e.span().start().line, message: format!("does not parse: {e}") }],
    };
    let mut lint = Lint::default();
    for item in &file.items {
        lint.collect_names(item);
    }
    let mut pins = FieldPins::default();
    pins.visit_file(&file);
    lint.pinned_fields = pins.0;
    lint.visit_file(&file);
    lint.problems.sort_by_key(|p| p.line);
    lint.problems
}

#[derive(Default)]
struct Lint {
    /// Names imported from the exercise (`use super::{..}`).
    exercise_names: BTreeSet<String>,
    /// Names imported from the standard library (`use std::sync::Arc;`).
    std_names: BTreeSet<String>,
    /// Constants and statics the checks file defines itself.
    own_values: BTreeSet<String>,
    /// Macros the checks file defines itself.
    own_macros: BTreeSet<String>,
    /// Locals of the function being read: `true` when declared with a pinning type.
    locals: BTreeMap<String, bool>,
    /// Locals whose type is a standard container of the exercise's types (`Option<Rc<Folder>>`):
    /// comparing them is up to the exercise, but methods such as `is_none()` are the standard's.
    std_shaped: BTreeSet<String>,
    /// Fields whose type the file pins with `exact` somewhere (`crate::__learn::exact::<T, _>(&x.f)`).
    pinned_fields: BTreeSet<String>,
    /// Types the checks file defines itself (a barrier of its own, a recorder): their fields are its own.
    own_types: BTreeSet<String>,
    /// Locals of the function being read that hold one of those types.
    own_locals: BTreeSet<String>,
    problems: Vec<LintProblem>,
}

/// Types and values every Rust file can name without importing them.
const STD_PRELUDE: &[&str] = &[
    "String", "Vec", "Box", "Option", "Result", "Some", "None", "Ok", "Err", "bool", "char", "str", "u8", "u16", "u32",
    "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
];

/// Standard containers whose shape methods do not depend on what they hold.
const STD_CONTAINERS: &[&str] = &["Option", "Result", "Vec", "VecDeque", "HashMap", "HashSet", "BTreeMap", "BTreeSet"];
/// Methods of those containers whose result never depends on the element type.
const SHAPE_METHODS: &[&str] = &["is_none", "is_some", "is_ok", "is_err", "is_empty", "len", "contains_key"];

const ASSERTIONS: &[&str] = &["assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne"];

impl Lint {
    fn problem(&mut self, span: proc_macro2::Span, message: String) {
        self.problems.push(LintProblem { line: span.start().line, message });
    }

    fn collect_names(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Use(u) => {
                collect_imports(&u.tree, &["super", "crate"], false, &mut self.exercise_names);
                collect_imports(&u.tree, &["std", "core", "alloc"], false, &mut self.std_names);
            }
            syn::Item::Const(c) => {
                self.own_values.insert(c.ident.to_string());
            }
            syn::Item::Static(c) => {
                self.own_values.insert(c.ident.to_string());
            }
            syn::Item::Struct(t) => {
                self.own_types.insert(t.ident.to_string());
            }
            syn::Item::Enum(t) => {
                self.own_types.insert(t.ident.to_string());
            }
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                if let Some(ident) = &m.ident {
                    self.own_macros.insert(ident.to_string());
                }
            }
            _ => {}
        }
    }

    fn type_pins(&self, ty: &syn::Type) -> bool {
        let mut names = TypeNames::default();
        names.visit_type(ty);
        !matches!(ty, syn::Type::Infer(_)) && names.0.iter().all(|n| !self.exercise_names.contains(n))
    }

    fn bind(&mut self, pat: &syn::Pat, pinned: bool) {
        match pat {
            syn::Pat::Ident(p) => {
                self.locals.insert(p.ident.to_string(), pinned);
            }
            syn::Pat::Type(t) => {
                let pins = self.type_pins(&t.ty);
                if !pins
                    && let (syn::Pat::Ident(p), syn::Type::Path(tp)) = (&*t.pat, &*t.ty)
                    && tp.path.segments.last().is_some_and(|s| STD_CONTAINERS.contains(&s.ident.to_string().as_str()))
                {
                    self.std_shaped.insert(p.ident.to_string());
                }
                self.bind(&t.pat, pins);
            }
            syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| self.bind(p, pinned)),
            syn::Pat::Reference(r) => self.bind(&r.pat, pinned),
            _ => {}
        }
    }

    /// Records whether the names bound by `pat` hold one of the file's own types (`names`: the
    /// paths in their type or initializer).
    fn bind_own(&mut self, pat: &syn::Pat, names: &BTreeSet<String>) {
        // `Arc::clone(&meeting)` of an own value is own too.
        let own = names.iter().any(|n| self.own_types.contains(n) || self.own_locals.contains(n));
        let mut bound = Vec::new();
        collect_bindings(pat, &mut bound);
        for name in bound {
            if own {
                self.own_locals.insert(name);
            } else {
                self.own_locals.remove(&name);
            }
        }
    }

    /// Whether `expr` (the base of a field access) is the checks file's own: `self` in its impls,
    /// or a local of its own type.
    fn of_own_type(&self, expr: &syn::Expr) -> bool {
        match expr {
            syn::Expr::Path(p) => {
                p.path.get_ident().is_some_and(|i| i == "self" || self.own_locals.contains(&i.to_string()))
            }
            syn::Expr::Field(f) => self.of_own_type(&f.base),
            syn::Expr::Index(i) => self.of_own_type(&i.expr),
            syn::Expr::Paren(p) => self.of_own_type(&p.expr),
            syn::Expr::Reference(r) => self.of_own_type(&r.expr),
            syn::Expr::Unary(u) => self.of_own_type(&u.expr),
            _ => false,
        }
    }

    fn pinned(&self, expr: &syn::Expr) -> bool {
        use syn::Expr as E;
        match expr {
            E::Lit(_) => true,
            E::Path(p) => {
                let first = p.path.segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
                if p.path.segments.len() == 1 && p.path.leading_colon.is_none() {
                    match self.locals.get(&first) {
                        Some(pinned) => *pinned,
                        // Not a local: a constant of the checks file, or `None`.
                        None => self.own_values.contains(&first) || first == "None",
                    }
                } else {
                    self.is_std_path(&p.path)
                }
            }
            E::Reference(r) => self.pinned(&r.expr),
            E::Paren(p) => self.pinned(&p.expr),
            E::Group(g) => self.pinned(&g.expr),
            E::Unary(u) => self.pinned(&u.expr),
            E::Binary(b) => self.pinned(&b.left) && self.pinned(&b.right),
            E::MethodCall(m) => {
                self.pinned(&m.receiver)
                    || (SHAPE_METHODS.contains(&m.method.to_string().as_str())
                        && matches!(&*m.receiver, E::Path(p) if p.path.get_ident()
                            .is_some_and(|i| self.std_shaped.contains(&i.to_string()))))
            }
            E::Field(f) => self.pinned(&f.base),
            E::Index(i) => self.pinned(&i.expr),
            E::Cast(_) => true,
            E::Tuple(t) => t.elems.iter().all(|e| self.pinned(e)),
            E::Array(a) => a.elems.iter().all(|e| self.pinned(e)),
            E::Call(c) => {
                let callee_ok = match &*c.func {
                    E::Path(p) if p.path.segments.len() == 1 && p.path.leading_colon.is_none() => {
                        is_constructor(&p.path.segments[0].ident.to_string())
                    }
                    E::Path(p) => self.is_std_path(&p.path),
                    _ => false,
                };
                callee_ok && c.args.iter().all(|a| self.pinned(a))
            }
            E::Macro(m) => {
                let name = m.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                match name.as_str() {
                    "matches" | "format" => true,
                    "vec" => m
                        .mac
                        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                        .is_ok_and(|args| args.iter().all(|a| self.pinned(a))),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether `path` names something of the standard library: absolute, imported from it, or a
    /// prelude or primitive type (`String::from`, `u32::MAX`, `Arc::new`).
    fn is_std_path(&self, path: &syn::Path) -> bool {
        let first = path.segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
        path.leading_colon.is_some()
            || self.std_names.contains(&first)
            || matches!(first.as_str(), "std" | "core" | "alloc")
            || STD_PRELUDE.contains(&first.as_str())
    }

    fn check_macro(&mut self, mac: &syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let absolute = mac.path.leading_colon.is_some();
        let own = mac.path.segments.len() == 1 && self.own_macros.contains(&name);
        if !absolute && !own && name != "macro_rules" {
            self.problem(
                mac.path.span(),
                format!(
                    "`{name}!` must be called by absolute path, e.g. `::std::{name}!`: the exercise's file comes \
                     first in the crate and could define its own `{name}!`"
                ),
            );
        }
        if !ASSERTIONS.contains(&name.as_str()) {
            return;
        }
        let Ok(args) = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) else {
            return;
        };
        let operands = if name.ends_with("assert") { 1 } else { 2 };
        for operand in args.iter().take(operands) {
            if !self.pinned(operand) {
                let shown = quote_expr(operand);
                self.problem(
                    operand.span(),
                    format!(
                        "`{name}!` uses `{shown}` as it comes from the exercise's code, whose type the learner \
                         chooses (its `==` could always say yes): bind it first to a local with a concrete type, \
                         e.g. `let got: u32 = {shown};`, or compare with `::std::matches!`"
                    ),
                );
            }
        }
    }
}

/// Tuple-struct and enum constructors from the prelude that keep their argument's type.
fn is_constructor(name: &str) -> bool {
    matches!(name, "Some" | "Ok" | "Err")
}

fn quote_expr(expr: &syn::Expr) -> String {
    let text = quote::ToTokens::to_token_stream(expr).to_string();
    tidy(&text)
}

/// `logger . count ()` -> `logger.count()`: token spacing made readable for a message.
fn tidy(text: &str) -> String {
    text.replace(" , ", ", ")
        .replace(" . ", ".")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" :: ", "::")
        .replace("& ", "&")
        .replace(" [", "[")
        .replace("[ ", "[")
        .replace(" ]", "]")
}

/// Names a `use` tree imports from paths that start at one of `roots` (`super` and `crate`: the
/// exercise; `std`, `core` and `alloc`: the standard library).
fn collect_imports(tree: &syn::UseTree, roots: &[&str], inside: bool, names: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => {
            let inside = inside || roots.contains(&p.ident.to_string().as_str());
            collect_imports(&p.tree, roots, inside, names);
        }
        syn::UseTree::Name(n) if inside => {
            names.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) if inside => {
            names.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect_imports(t, roots, inside, names)),
        _ => {}
    }
}

/// Whether a `use` tree globs from the exercise (`use super::*`).
fn globs_exercise(tree: &syn::UseTree, from_exercise: bool) -> bool {
    match tree {
        syn::UseTree::Path(p) => globs_exercise(&p.tree, from_exercise || p.ident == "super" || p.ident == "crate"),
        syn::UseTree::Glob(_) => from_exercise,
        syn::UseTree::Group(g) => g.items.iter().any(|t| globs_exercise(t, from_exercise)),
        _ => false,
    }
}

/// The fields a file pins: the `x.f` in every `…::exact::<T, _>(&x.f)` call.
#[derive(Default)]
struct FieldPins(BTreeSet<String>);

impl<'ast> Visit<'ast> for FieldPins {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func
            && p.path.segments.last().is_some_and(|s| s.ident == "exact")
            && let Some(syn::Expr::Reference(r)) = call.args.first()
            && let syn::Expr::Field(f) = &*r.expr
        {
            self.0.insert(member_name(&f.member));
        }
        visit::visit_expr_call(self, call);
    }
}

/// The names a pattern binds.
fn collect_bindings(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(p) => out.push(p.ident.to_string()),
        syn::Pat::Type(t) => collect_bindings(&t.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| collect_bindings(p, out)),
        syn::Pat::Reference(r) => collect_bindings(&r.pat, out),
        _ => {}
    }
}

fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

#[derive(Default)]
struct TypeNames(BTreeSet<String>);

impl<'ast> Visit<'ast> for TypeNames {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        for segment in &path.segments {
            self.0.insert(segment.ident.to_string());
        }
        visit::visit_path(self, path);
    }
}

impl<'ast> Visit<'ast> for Lint {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let mut receiver = &*call.receiver;
        while let syn::Expr::Paren(p) = receiver {
            receiver = &p.expr;
        }
        if let syn::Expr::Field(field) = receiver
            && !self.pinned(&field.base)
            && !self.of_own_type(&field.base)
            && !self.pinned_fields.contains(&member_name(&field.member))
        {
            let shown = quote_expr(receiver);
            self.problem(
                call.method.span(),
                format!(
                    "`{shown}.{}()` calls a method of a field whose type the exercise's file declares (a look-alike \
                     type could answer as it likes): pin the field's type first, \
                     `crate::__learn::exact::<T, _>(&{shown});` with `T` the type the exercise gives it",
                    call.method
                ),
            );
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if globs_exercise(&u.tree, false) {
            self.problem(
                u.span(),
                "imports from the exercise must name each item (`use super::{Logger, Subsystem};`), not `*`: \
                 a glob would let the exercise's file shadow any name the tests use"
                    .to_string(),
            );
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved = std::mem::take(&mut self.locals);
        let saved_shaped = std::mem::take(&mut self.std_shaped);
        let saved_own = std::mem::take(&mut self.own_locals);
        for input in &f.sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                let pins = self.type_pins(&t.ty);
                self.bind(&t.pat, pins);
                let mut names = TypeNames::default();
                names.visit_type(&t.ty);
                self.bind_own(&t.pat, &names.0);
            }
        }
        visit::visit_item_fn(self, f);
        self.locals = saved;
        self.std_shaped = saved_shaped;
        self.own_locals = saved_own;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // The initializer is read before the new name exists.
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        // `let _: &RefCell<u32> = &x.count;` reads as a check of the field's type, but a `let` with
        // a type is a coercion site: a field of a type that dereferences to a `RefCell<u32>` passes.
        if let syn::Pat::Type(t) = &local.pat
            && matches!(*t.pat, syn::Pat::Wild(_))
            && let syn::Type::Reference(r) = &*t.ty
        {
            let ty =
                tidy(&quote::ToTokens::to_token_stream(&*r.elem).to_string()).replace(" < ", "<").replace(" >", ">");
            self.problem(
                local.span(),
                format!(
                    "`let _: &{ty} = …` also accepts a type that dereferences to `{ty}`; check the type \
                     exactly with `crate::__learn::exact::<{ty}, _>(&…);`"
                ),
            );
        }
        // `let done = false;`: a name whose type comes from a pinned value is pinned too.
        let pinned = local.init.as_ref().is_some_and(|init| self.pinned(&init.expr));
        self.bind(&local.pat, pinned);
        // `let meeting = Meeting::new(2);` (or `: Arc<Meeting>`): a value of the file's own type.
        let mut names = TypeNames::default();
        if let syn::Pat::Type(t) = &local.pat {
            names.visit_type(&t.ty);
        }
        if let Some(init) = &local.init {
            names.visit_expr(&init.expr);
        }
        self.bind_own(&local.pat, &names.0);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        // `for i in 1..=5`: numbers from literals.
        let pinned = matches!(&*f.expr, syn::Expr::Range(r)
            if r.start.as_deref().is_none_or(|e| self.pinned(e)) && r.end.as_deref().is_none_or(|e| self.pinned(e)));
        self.bind(&f.pat, pinned);
        self.visit_block(&f.body);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        for input in &c.inputs {
            self.bind(input, false);
        }
        visit::visit_expr_closure(self, c);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.check_macro(mac);
        // Macro bodies that are expressions (format arguments, vec elements) may hold macros too.
        if let Ok(args) = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &str) -> Vec<(usize, String)> {
        lint_hidden_tests(text).into_iter().map(|p| (p.line, p.message)).collect()
    }

    #[test]
    fn a_well_written_checks_file_has_no_problems() {
        let text = "use super::{Logger, count};\nuse std::sync::Arc;\n\nmacro_rules! check { ($e:expr) => { $e } }\n\n\
                    /// Counts.\n#[test]\nfn counts() {\n    let logger = Logger::new();\n    let got: u32 = logger.count();\n    \
                    ::std::assert_eq!(got, 2, \"two {}\", got);\n    let names: Vec<String> = logger.names();\n    \
                    ::std::assert!(names.is_empty() && got > 0);\n    ::std::assert!(::std::matches!(logger.state(), State::On));\n    \
                    for expected in 1..=5u32 { ::std::assert_eq!(got, expected); }\n    ::std::assert_eq!(Some(got), None);\n    \
                    let shared: Arc<u32> = Arc::new(1);\n    ::std::assert_eq!(*shared, 1);\n    check!(1);\n}\n";
        assert_eq!(lint(text), []);
    }

    #[test]
    fn globs_bare_macros_and_unpinned_values_are_named_with_their_lines() {
        let text = "use super::*;\n\n#[test]\nfn t() {\n    let logger = Logger::new();\n    assert_eq!(logger.count(), 2);\n    \
                    let n = logger.count();\n    ::std::assert_eq!(n, 2);\n    let l: Logger = Logger::new();\n    ::std::assert!(l.ok());\n}\n";
        let found = lint(text);
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 6, 6, 8], "{found:?}");
        assert!(found[0].1.starts_with("imports from the exercise must name each item"));
        assert!(found[1].1.starts_with("`assert_eq!` must be called by absolute path, e.g. `::std::assert_eq!`"));
        assert!(found[2].1.starts_with("`assert_eq!` uses `logger.count()` as it comes"), "{}", found[2].1);
        assert!(found[3].1.starts_with("`assert_eq!` uses `n` as it comes from the exercise's code"), "{}", found[3].1);
    }

    #[test]
    fn values_of_the_exercises_own_types_are_not_pinned() {
        let text = "use super::{Track, tracks};\n#[test]\nfn t() {\n    let got: Vec<Track> = tracks();\n    \
                    ::std::assert_eq!(got, ::std::vec![]);\n    ::std::assert_eq!(tracks().len(), 0);\n    \
                    ::std::assert!(got.is_empty());\n    let first: Option<Track> = None;\n    ::std::assert!(first.is_none());\n    \
                    let done = false;\n    ::std::assert!(done);\n}\n";
        let lines: Vec<usize> = lint(text).iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [5, 6]);
    }

    #[test]
    fn a_type_check_by_coercion_is_named_with_the_exact_form() {
        let text = "use super::Logger;\nuse std::cell::RefCell;\n#[test]\nfn t() {\n    let logger = Logger::new();\n    \
                    let _: &RefCell<u32> = &logger.count;\n    crate::__learn::exact::<RefCell<u32>, _>(&logger.count);\n}\n";
        let found = lint(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 6);
        assert!(found[0].1.contains("`crate::__learn::exact::<RefCell<u32>, _>(&…);`"), "{}", found[0].1);
    }

    #[test]
    fn a_method_of_an_unpinned_field_is_named_and_a_pinned_one_is_not() {
        let text = "use super::Account;\nuse std::sync::Mutex;\n#[test]\nfn t() {\n    let a = Account::new(1, 100);\n    \
                    let held = a.balance.try_lock().is_err();\n    let n: usize = a.name.len();\n    \
                    crate::__learn::exact::<String, _>(&a.name);\n    let got: u32 = (a.id).count_ones();\n}\n";
        let found = lint(text);
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [6, 9], "{found:?}");
        assert!(found[0].1.starts_with("`a.balance.try_lock()` calls a method of a field"), "{}", found[0].1);
        let pinned = text.replace("let held", "crate::__learn::exact::<Mutex<i64>, _>(&a.balance);\n    let held");
        assert_eq!(lint(&pinned).len(), 1, "{:?}", lint(&pinned));
    }

    #[test]
    fn a_file_that_does_not_parse_is_one_problem() {
        let found = lint("#[test]\nfn broken( {\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("does not parse"));
    }
}
