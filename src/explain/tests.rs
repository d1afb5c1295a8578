//! Tests of the explanation engine. Every diagnostic and panic text here is real rustc 1.95 output:
//! from the fixtures in `tests/fixtures/explain` (composed with their hidden tests, compiled and run
//! by the grader) or from the small programs quoted next to them.

use std::time::Duration;

use super::*;
use crate::harness::{Ending, Record, Report};
use crate::verdict::{Composition, Exit, Level, TestOutcome, TestRun, judge, parse_compiler_output};

const COURSE_RULES: &str = include_str!("../../explanations.toml");

fn course() -> Explanations {
    Explanations::parse(COURSE_RULES, "explanations.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn error(code: &str, message: &str, line: usize, notes: &[&str]) -> Diagnostic {
    Diagnostic {
        level: Level::Error,
        code: Some(code.to_string()),
        message: message.to_string(),
        rendered: String::new(),
        line: Some(line),
        hidden_test: None,
        notes: notes.iter().map(|n| n.to_string()).collect(),
        hidden_sites: Vec::new(),
    }
}

fn compile_error(errors: Vec<Diagnostic>) -> Verdict {
    Verdict::CompileError { errors }
}

fn failed(name: &str, message: &str) -> TestOutcome {
    TestOutcome {
        name: name.to_string(),
        status: TestStatus::Failed,
        message: Some(message.to_string()),
        output: None,
        description: String::new(),
        origin: crate::verdict::Origin::Hidden,
    }
}

/// `(id, line, test)` of each explanation, in order.
fn explained(verdict: &Verdict, source: &str) -> Vec<(String, Option<usize>, Option<String>)> {
    course().explain(verdict, source).into_iter().map(|e| (e.id, e.line, e.test)).collect()
}

fn ids(verdict: &Verdict, source: &str) -> Vec<String> {
    course().explain(verdict, source).into_iter().map(|e| e.id).collect()
}

const SOURCE: &str = "use std::sync::{Arc, Mutex};\nfn main() {\n    let _shared = Arc::new(Mutex::new(0));\n}\n";

// ---------------------------------------------------------------------------------------------
// The course's rules

#[test]
fn the_course_rules_parse_and_read_as_short_notes() {
    let rules = course();
    // Every rule of the file is read (none dropped), whatever the course adds.
    assert_eq!(rules.len(), COURSE_RULES.matches("[[rules]]").count());
    assert!(rules.len() >= 20);
    for rule in &rules.rules {
        let lines = rule.text.lines().count();
        assert!((2..=3).contains(&lines), "{}: {lines} lines", rule.id);
        assert!(rule.text.contains(&format!("“{}”", rule.section)), "{}", rule.id);
        assert!(!rule.title.contains('\n'), "{}", rule.id);
    }
}

#[test]
fn assigning_or_borrowing_mutably_through_self_is_explained_once() {
    // tests/fixtures/explain/mutation_through_shared_reference.rs
    let v = compile_error(vec![
        error(
            "E0594",
            "cannot assign to `self.count`, which is behind a `&` reference",
            14,
            &["consider changing this to be a mutable reference"],
        ),
        error(
            "E0596",
            "cannot borrow `self.pages` as mutable, as it is behind a `&` reference",
            15,
            &["consider changing this to be a mutable reference"],
        ),
    ]);
    assert_eq!(explained(&v, SOURCE), [("mutation_through_shared_reference".to_string(), Some(14), None)]);

    // `rc.n += 1` and `arc.push(2)` on an `Rc<C>` and an `Arc<Vec<i32>>`.
    let v = compile_error(vec![error(
        "E0594",
        "cannot assign to data in an `Rc`",
        11,
        &["trait `DerefMut` is required to modify through a dereference, but it is not implemented for `Rc<C>`"],
    )]);
    assert_eq!(ids(&v, SOURCE), ["mutation_through_shared_reference"]);
    let v = compile_error(vec![error(
        "E0596",
        "cannot borrow data in an `Arc` as mutable",
        13,
        &[
            "trait `DerefMut` is required to modify through a dereference, but it is not implemented for `Arc<Vec<i32>>`",
        ],
    )]);
    assert_eq!(ids(&v, SOURCE), ["mutation_through_shared_reference"]);
}

#[test]
fn a_local_not_declared_mut_is_not_about_shared_references() {
    // tests/fixtures/explain/mutation_through_shared_reference_unrelated.rs and
    // read_guard_written_unrelated.rs
    let v = compile_error(vec![
        error(
            "E0596",
            "cannot borrow `seen` as mutable, as it is not declared as mutable",
            28,
            &["consider changing this to be mutable"],
        ),
        error(
            "E0594",
            "cannot assign to `summary.count`, as `summary` is not declared as mutable",
            30,
            &["consider changing this to be mutable"],
        ),
    ]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn writing_through_a_read_guard_is_explained() {
    // tests/fixtures/explain/read_guard_written.rs
    let v = compile_error(vec![error(
        "E0596",
        "cannot borrow data in dereference of `Ref<'_, Vec<String>>` as mutable",
        14,
        &["trait `DerefMut` is required to modify through a dereference, but it is not implemented for \
             `Ref<'_, Vec<String>>`"],
    )]);
    assert_eq!(explained(&v, SOURCE), [("read_guard_written".to_string(), Some(14), None)]);
    // `*l.read().unwrap() += 1;`
    let v = compile_error(vec![error(
        "E0594",
        "cannot assign to data in dereference of `std::sync::RwLockReadGuard<'_, i32>`",
        19,
        &["trait `DerefMut` is required to modify through a dereference, but it is not implemented for \
             `std::sync::RwLockReadGuard<'_, i32>`"],
    )]);
    assert_eq!(ids(&v, SOURCE), ["read_guard_written"]);
}

#[test]
fn refcell_cell_or_rc_crossing_threads_is_explained() {
    // tests/fixtures/explain/not_thread_safe.rs
    let v = compile_error(vec![error(
        "E0277",
        "`RefCell<Vec<u64>>` cannot be shared between threads safely",
        11,
        &[
            "the trait `Sync` is not implemented for `RefCell<Vec<u64>>`",
            "if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock` instead",
            "required for `Arc<RefCell<Vec<u64>>>` to implement `Send`",
            "required because it's used within this closure",
            "required by a bound in `spawn`",
        ],
    )]);
    assert_eq!(explained(&v, SOURCE), [("not_thread_safe".to_string(), Some(11), None)]);

    // An `Rc<Mutex<i32>>` moved into `thread::spawn`.
    let v = compile_error(vec![error(
        "E0277",
        "`Rc<std::sync::Mutex<i32>>` cannot be sent between threads safely",
        8,
        &[
            "within `{closure@x.rs:8:32: 8:39}`, the trait `Send` is not implemented for `Rc<std::sync::Mutex<i32>>`",
            "required because it's used within this closure",
            "required by a bound in `spawn`",
        ],
    )]);
    assert_eq!(ids(&v, SOURCE), ["not_thread_safe"]);

    // An `Arc<Stats>` whose `Stats` holds a `Cell<u32>`.
    let v = compile_error(vec![error(
        "E0277",
        "`Cell<u32>` cannot be shared between threads safely",
        12,
        &[
            "within `Stats`, the trait `Sync` is not implemented for `Cell<u32>`",
            "if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock` or \
             `std::sync::atomic::AtomicU32` instead",
            "required because it appears within the type `Stats`",
            "required for `Arc<Stats>` to implement `Send`",
            "required because it's used within this closure",
            "required by a bound in `spawn`",
        ],
    )]);
    assert_eq!(ids(&v, SOURCE), ["not_thread_safe"]);
}

#[test]
fn other_trait_errors_are_not_about_cells_crossing_threads() {
    // tests/fixtures/explain/not_thread_safe_unrelated.rs: `Send` is missing, but on a `MutexGuard`.
    let guard = error(
        "E0277",
        "`std::sync::MutexGuard<'_, u64>` cannot be sent between threads safely",
        10,
        &[
            "within `{closure@exercises/explain/not_thread_safe_unrelated.rs:10:34: 10:41}`, the trait `Send` is \
             not implemented for `std::sync::MutexGuard<'_, u64>`",
            "required because it's used within this closure",
            "required by a bound in `spawn`",
        ],
    );
    // `1u64 + 1u32`: no thread in sight.
    let add = error(
        "E0277",
        "cannot add `u32` to `u64`",
        6,
        &["the trait `Add<u32>` is not implemented for `u64`", "the following other types implement trait `Add<Rhs>`"],
    );
    assert!(ids(&compile_error(vec![guard, add]), SOURCE).is_empty());
}

#[test]
fn overlapping_borrows_are_explained() {
    // tests/fixtures/explain/overlapping_borrows.rs
    let v = compile_error(vec![error(
        "E0502",
        "cannot borrow `*jobs` as mutable because it is also borrowed as immutable",
        17,
        &[],
    )]);
    assert_eq!(explained(&v, SOURCE), [("overlapping_borrows".to_string(), Some(17), None)]);
    // Two `get_mut()` on one `Mutex`, both alive.
    let v = compile_error(vec![error("E0499", "cannot borrow `jobs` as mutable more than once at a time", 6, &[])]);
    assert_eq!(ids(&v, SOURCE), ["overlapping_borrows"]);
    // tests/fixtures/explain/overlapping_borrows_unrelated.rs
    let v = compile_error(vec![error(
        "E0308",
        "mismatched types",
        21,
        &["you can convert a `u32` to a `usize` and panic if the converted value doesn't fit"],
    )]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn a_shared_handle_moved_into_a_closure_is_explained_when_the_code_shares_with_arc_or_rc() {
    // tests/fixtures/explain/moved_into_closure.rs
    let moved = error(
        "E0382",
        "borrow of moved value: `counter`",
        16,
        &[
            "borrow occurs due to deref coercion to `std::sync::Mutex<u32>`",
            "consider cloning the value before moving it into the closure",
        ],
    );
    let v = compile_error(vec![moved.clone()]);
    assert_eq!(explained(&v, SOURCE), [("moved_into_closure".to_string(), Some(16), None)]);
    let rc = "use std::rc::Rc;\nuse std::cell::RefCell;\nfn f(shared: Rc<RefCell<u32>>) {}\n";
    assert_eq!(ids(&v, rc), ["moved_into_closure"]);
    // The same error in code that shares nothing (`Arc` only in a comment) gets no advice on handles.
    assert!(ids(&v, "// no Arc here\nfn main() {}\n").is_empty());

    // tests/fixtures/explain/moved_into_closure_unrelated.rs: a `String` moved into another variable.
    let v = compile_error(vec![error(
        "E0382",
        "borrow of moved value: `label`",
        19,
        &["consider cloning the value if the performance cost is acceptable"],
    )]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn a_thread_closure_borrowing_a_local_is_explained() {
    // tests/fixtures/explain/closure_borrows_local.rs
    let v = compile_error(vec![error(
        "E0373",
        "closure may outlive the current function, but it borrows `counter`, which is owned by the current function",
        7,
        &[
            "function requires argument type to outlive `'static`",
            "to force the closure to take ownership of `counter` (and any other referenced variables), use the \
             `move` keyword",
        ],
    )]);
    assert_eq!(explained(&v, SOURCE), [("closure_borrows_local".to_string(), Some(7), None)]);
    // tests/fixtures/explain/closure_borrows_local_unrelated.rs
    let v = compile_error(vec![error("E0308", "mismatched types", 12, &["try using a conversion method"])]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn references_outliving_their_guard_are_explained() {
    // tests/fixtures/explain/reference_outlives_guard.rs
    let v = compile_error(vec![error("E0597", "`titles` does not live long enough", 16, &[])]);
    assert_eq!(explained(&v, SOURCE), [("reference_outlives_guard".to_string(), Some(16), None)]);
    // `let s: &str = c.borrow().as_str();` then using `s`.
    let v = compile_error(vec![error(
        "E0716",
        "temporary value dropped while borrowed",
        9,
        &["consider using a `let` binding to create a longer lived value"],
    )]);
    assert_eq!(ids(&v, SOURCE), ["reference_outlives_guard"]);
    // `fn lines(&self) -> &Vec<String> { &self.lines.borrow() }`
    let v = compile_error(vec![error("E0515", "cannot return reference to temporary value", 9, &[])]);
    assert_eq!(ids(&v, SOURCE), ["reference_outlives_guard"]);
    // tests/fixtures/explain/reference_outlives_guard_unrelated.rs
    let v = compile_error(vec![error(
        "E0106",
        "missing lifetime specifier",
        18,
        &[
            "this function's return type contains a borrowed value, but the signature does not say whether it is \
             borrowed from `a` or `b`",
            "consider introducing a named lifetime parameter",
        ],
    )]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn a_guard_used_as_its_value_is_explained() {
    // tests/fixtures/explain/guard_is_not_the_value.rs
    let v = compile_error(vec![error(
        "E0308",
        "mismatched types",
        18,
        &["expected type `u32`\n found struct `std::sync::MutexGuard<'_, u32>`", "consider dereferencing the type"],
    )]);
    assert_eq!(explained(&v, SOURCE), [("guard_is_not_the_value".to_string(), Some(18), None)]);
    // `let y = cell.borrow() + 1;`
    let v = compile_error(vec![error(
        "E0369",
        "cannot add `{integer}` to `Ref<'_, u32>`",
        10,
        &["`Ref<'_, u32>` does not implement `Add<{integer}>`"],
    )]);
    assert_eq!(ids(&v, SOURCE), ["guard_is_not_the_value"]);
    // tests/fixtures/explain/guard_is_not_the_value_unrelated.rs
    let v = compile_error(vec![error(
        "E0308",
        "mismatched types",
        18,
        &["you can convert a `u64` to a `u32` and panic if the converted value doesn't fit"],
    )]);
    assert!(ids(&v, SOURCE).is_empty());
}

#[test]
fn a_method_of_the_data_called_on_its_container_is_explained() {
    // tests/fixtures/explain/method_on_the_container.rs
    let v = compile_error(vec![error(
        "E0599",
        "no method named `push` found for struct `RefCell<T>` in the current scope",
        14,
        &[
            "the method `push` exists on the type `Vec<String>`",
            "use `.borrow_mut()` to mutably borrow the `Vec<String>`, panicking if any borrows exist",
        ],
    )]);
    assert_eq!(explained(&v, SOURCE), [("method_on_the_container".to_string(), Some(14), None)]);
    let v = compile_error(vec![error(
        "E0599",
        "no method named `push` found for struct `std::sync::Mutex<T>` in the current scope",
        27,
        &[
            "the method `push` exists on the type `Vec<u32>`",
            "use `.lock().unwrap()` to borrow the `Vec<u32>`, blocking the current thread until it can be acquired",
        ],
    )]);
    assert_eq!(ids(&v, SOURCE), ["method_on_the_container"]);

    // tests/fixtures/explain/method_on_the_container_unrelated.rs, a typo on a guard, and `get` on a
    // `Cell<String>`: none of them is about reaching through a container.
    let v = compile_error(vec![
        error(
            "E0599",
            "no method named `frist` found for struct `Vec<usize>` in the current scope",
            26,
            &["there is a method `first` with a similar name"],
        ),
        error(
            "E0599",
            "no method named `puhs` found for struct `RefMut<'_, Vec<{integer}>>` in the current scope",
            11,
            &["there is a method `push` with a similar name"],
        ),
        error(
            "E0599",
            "the method `get` exists for struct `Cell<String>`, but its trait bounds were not satisfied",
            23,
            &["the following trait bounds were not satisfied:\n`String: Copy`"],
        ),
    ]);
    assert!(ids(&v, SOURCE).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Real compiler output through the verdict's parser

/// The lesson's Pitfall 2 program, as a learner's file.
const PITFALL_2: &str = "use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

fn main() {
    let shared = Arc::new(RefCell::new(0));
    let s = Arc::clone(&shared);
    let handle = thread::spawn(move || {
        *s.borrow_mut() += 1;
    });
    handle.join().unwrap();
}
";

/// What rustc 1.95 printed for `PITFALL_2` composed with a hidden test (`code.explanation`, the
/// long text of `rustc --explain`, left out).
const PITFALL_2_JSON: &str = r#"{"$message_type":"diagnostic","message":"`RefCell<i32>` cannot be shared between threads safely","code":{"code":"E0277","explanation":null},"level":"error","spans":[{"file_name":"<anon>","byte_start":182,"byte_end":227,"line_start":8,"line_end":10,"column_start":32,"column_end":6,"is_primary":true,"text":[{"text":"    let handle = thread::spawn(move || {","highlight_start":32,"highlight_end":41},{"text":"        *s.borrow_mut() += 1;","highlight_start":1,"highlight_end":30},{"text":"    });","highlight_start":1,"highlight_end":6}],"label":"`RefCell<i32>` cannot be shared between threads safely","suggested_replacement":null,"suggestion_applicability":null,"expansion":null},{"file_name":"<anon>","byte_start":168,"byte_end":181,"line_start":8,"line_end":8,"column_start":18,"column_end":31,"is_primary":false,"text":[{"text":"    let handle = thread::spawn(move || {","highlight_start":18,"highlight_end":31}],"label":"required by a bound introduced by this call","suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"the trait `Sync` is not implemented for `RefCell<i32>`","code":null,"level":"help","spans":[],"children":[],"rendered":null},{"message":"if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock` instead","code":null,"level":"note","spans":[],"children":[],"rendered":null},{"message":"required for `Arc<RefCell<i32>>` to implement `Send`","code":null,"level":"note","spans":[],"children":[],"rendered":null},{"message":"required because it's used within this closure","code":null,"level":"note","spans":[{"file_name":"<anon>","byte_start":182,"byte_end":189,"line_start":8,"line_end":8,"column_start":32,"column_end":39,"is_primary":true,"text":[{"text":"    let handle = thread::spawn(move || {","highlight_start":32,"highlight_end":39}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":null},{"message":"required by a bound in `spawn`","code":null,"level":"note","spans":[{"file_name":"/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/functions.rs","byte_start":4571,"byte_end":4686,"line_start":125,"line_end":129,"column_start":1,"column_end":23,"is_primary":true,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":null}],"rendered":"error[E0277]: `RefCell<i32>` cannot be shared between threads safely\n  --> exercises/t/x.rs:8:32\n   |\n 8 |       let handle = thread::spawn(move || {\n   |  __________________-------------_^\n   | |                  |\n   | |                  required by a bound introduced by this call\n 9 | |         *s.borrow_mut() += 1;\n10 | |     });\n   | |_____^ `RefCell<i32>` cannot be shared between threads safely\n   |\n   = help: the trait `Sync` is not implemented for `RefCell<i32>`\n   = note: if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock` instead\n   = note: required for `Arc<RefCell<i32>>` to implement `Send`\nnote: required because it's used within this closure\n  --> exercises/t/x.rs:8:32\n   |\n 8 |     let handle = thread::spawn(move || {\n   |                                ^^^^^^^\nnote: required by a bound in `spawn`\n  --> /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/functions.rs:125:0\n\n"}"#;

/// Four threads sharing one `Arc` that is never cloned.
const MOVED_ARC: &str = "use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0));
    let mut handles = Vec::new();
    for _ in 0..4 {
        handles.push(thread::spawn(move || {
            *counter.lock().unwrap() += 1;
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
}
";

/// What rustc 1.95 printed for `MOVED_ARC` composed with a hidden test (explanation left out).
const MOVED_ARC_JSON: &str = r#"{"$message_type":"diagnostic","message":"use of moved value: `counter`","code":{"code":"E0382","explanation":null},"level":"error","spans":[{"file_name":"<anon>","byte_start":140,"byte_end":153,"line_start":7,"line_end":7,"column_start":5,"column_end":18,"is_primary":false,"text":[{"text":"    for _ in 0..4 {","highlight_start":5,"highlight_end":18}],"label":"inside of this loop","suggested_replacement":null,"suggestion_applicability":null,"expansion":{"span":{"file_name":"<anon>","byte_start":140,"byte_end":262,"line_start":7,"line_end":11,"column_start":5,"column_end":6,"is_primary":false,"text":[{"text":"    for _ in 0..4 {","highlight_start":5,"highlight_end":20},{"text":"        handles.push(thread::spawn(move || {","highlight_start":1,"highlight_end":45},{"text":"            *counter.lock().unwrap() += 1;","highlight_start":1,"highlight_end":43},{"text":"        }));","highlight_start":1,"highlight_end":13},{"text":"    }","highlight_start":1,"highlight_end":6}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null},"macro_decl_name":"desugaring of `for` loop","def_site_span":{"file_name":"<anon>","byte_start":0,"byte_end":0,"line_start":1,"line_end":1,"column_start":1,"column_end":1,"is_primary":false,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}}},{"file_name":"<anon>","byte_start":191,"byte_end":198,"line_start":8,"line_end":8,"column_start":36,"column_end":43,"is_primary":true,"text":[{"text":"        handles.push(thread::spawn(move || {","highlight_start":36,"highlight_end":43}],"label":"value moved into closure here, in previous iteration of loop","suggested_replacement":null,"suggestion_applicability":null,"expansion":null},{"file_name":"<anon>","byte_start":214,"byte_end":221,"line_start":9,"line_end":9,"column_start":14,"column_end":21,"is_primary":false,"text":[{"text":"            *counter.lock().unwrap() += 1;","highlight_start":14,"highlight_end":21}],"label":"use occurs due to use in closure","suggested_replacement":null,"suggestion_applicability":null,"expansion":null},{"file_name":"<anon>","byte_start":67,"byte_end":74,"line_start":5,"line_end":5,"column_start":9,"column_end":16,"is_primary":false,"text":[{"text":"    let counter = Arc::new(Mutex::new(0));","highlight_start":9,"highlight_end":16}],"label":"move occurs because `counter` has type `Arc<std::sync::Mutex<i32>>`, which does not implement the `Copy` trait","suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"consider cloning the value before moving it into the closure","code":null,"level":"help","spans":[{"file_name":"<anon>","byte_start":164,"byte_end":164,"line_start":8,"line_end":8,"column_start":9,"column_end":9,"is_primary":true,"text":[{"text":"        handles.push(thread::spawn(move || {","highlight_start":9,"highlight_end":9}],"label":null,"suggested_replacement":"let value = counter.clone();\n        ","suggestion_applicability":"MachineApplicable","expansion":null},{"file_name":"<anon>","byte_start":214,"byte_end":221,"line_start":9,"line_end":9,"column_start":14,"column_end":21,"is_primary":true,"text":[{"text":"            *counter.lock().unwrap() += 1;","highlight_start":14,"highlight_end":21}],"label":null,"suggested_replacement":"value","suggestion_applicability":"MachineApplicable","expansion":null}],"children":[],"rendered":null}],"rendered":"error[E0382]: use of moved value: `counter`\n  --> exercises/t/x.rs:8:36\n   |\n 5 |     let counter = Arc::new(Mutex::new(0));\n   |         ------- move occurs because `counter` has type `Arc<std::sync::Mutex<i32>>`, which does not implement the `Copy` trait\n 6 |     let mut handles = Vec::new();\n 7 |     for _ in 0..4 {\n   |     ------------- inside of this loop\n 8 |         handles.push(thread::spawn(move || {\n   |                                    ^^^^^^^ value moved into closure here, in previous iteration of loop\n 9 |             *counter.lock().unwrap() += 1;\n   |              ------- use occurs due to use in closure\n   |\nhelp: consider cloning the value before moving it into the closure\n   |\n 8 ~         let value = counter.clone();\n 9 ~         handles.push(thread::spawn(move || {\n10 ~             *value.lock().unwrap() += 1;\n   |\n\n"}"#;

const HIDDEN: &str = "use super::*;\n\n#[test]\nfn runs() {\n    main();\n}\n";

#[test]
fn real_json_diagnostics_are_explained_at_the_learners_line() {
    for (source, json, id, line) in
        [(PITFALL_2, PITFALL_2_JSON, "not_thread_safe", 8), (MOVED_ARC, MOVED_ARC_JSON, "moved_into_closure", 8)]
    {
        let (_, comp) = Composition::compose("exercises/t/x.rs", source, HIDDEN);
        let out = parse_compiler_output(json, &comp);
        let v = compile_error(out.errors);
        let found = course().explain(&v, source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].id.as_str(), found[0].line, found[0].test.as_deref()), (id, Some(line), None));
    }
}

#[test]
fn an_error_inside_a_hidden_test_names_the_test() {
    let mut e = error(
        "E0277",
        "`Rc<u32>` cannot be sent between threads safely",
        1,
        &["the trait `Send` is not implemented for `Rc<u32>`"],
    );
    e.line = None;
    e.hidden_test = Some("shares_between_threads".to_string());
    let found = course().explain(&compile_error(vec![e]), SOURCE);
    assert_eq!(found[0].line, None);
    assert_eq!(found[0].test.as_deref(), Some("shares_between_threads"));
}

#[test]
fn explanations_follow_the_errors_order_one_per_rule() {
    let v = compile_error(vec![
        error("E0502", "cannot borrow `v` as mutable because it is also borrowed as immutable", 3, &[]),
        error("E0596", "cannot borrow `self.a` as mutable, as it is behind a `&` reference", 5, &[]),
        error("E0499", "cannot borrow `jobs` as mutable more than once at a time", 7, &[]),
        error("E0594", "cannot assign to `self.b`, which is behind a `&` reference", 9, &[]),
    ]);
    assert_eq!(
        explained(&v, SOURCE),
        [
            ("overlapping_borrows".to_string(), Some(3), None),
            ("mutation_through_shared_reference".to_string(), Some(5), None),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Panics

/// tests/fixtures/explain/refcell_already_borrowed.rs, lines 1 to 16 (enough for the line check).
const TAGS: &str = "// A set of tags shared by reference; `add` skips tags already present.
use std::cell::RefCell;

pub struct Tags {
    items: RefCell<Vec<String>>,
}

impl Tags {
    pub fn new() -> Self {
        Tags { items: RefCell::new(Vec::new()) }
    }

    pub fn add(&self, tag: &str) {
        let items = self.items.borrow();
        if !items.iter().any(|t| t == tag) {
            self.items.borrow_mut().push(tag.to_string());
";

/// A harness report: each `(test, ending, stderr)` in the order they finished.
fn test_run(records: &[(&str, Ending, &str)], exit: Exit) -> TestRun {
    TestRun {
        report: Report {
            records: records
                .iter()
                .map(|(name, ending, stderr)| Record {
                    name: name.to_string(),
                    ending: ending.clone(),
                    stdout: String::new(),
                    stderr: stderr.to_string(),
                    dropped: 0,
                })
                .collect(),
            done: exit != Exit::TimedOut,
        },
        exit,
        stderr: String::new(),
        limit: Duration::from_secs(3),
        memory_limit: None,
    }
}

#[test]
fn a_refcell_borrow_panic_points_at_the_learners_line() {
    // The test's real stderr for the fixture (the thread id varies from run to run).
    let stderr = "thread '__learn_hidden::adds_each_tag_once' (19634) panicked at <anon>:16:24:
RefCell already borrowed
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
";
    let run = test_run(&[("adds_each_tag_once", Ending::Exited(101), stderr)], Exit::Code(0));
    let (_, comp) = Composition::compose(
        "exercises/explain/refcell_already_borrowed.rs",
        TAGS,
        "#[test]\nfn adds_each_tag_once() {}\n",
    );
    let v = judge(&run, &comp);
    assert!(matches!(v, Verdict::TestsFailed { .. }), "{v:?}");
    assert_eq!(
        explained(&v, TAGS),
        [("refcell_already_borrowed".to_string(), Some(16), Some("adds_each_tag_once".to_string()))]
    );

    // The opposite order of guards panics with the other message (real text from a `borrow()` made
    // while a `borrow_mut()` guard lives).
    let v = Verdict::TestsFailed {
        tests: vec![failed(
            "counts",
            "panicked at exercises/01_refcell/rt.rs:12:20:\nRefCell already mutably borrowed",
        )],
    };
    assert_eq!(explained(&v, TAGS), [("refcell_already_borrowed".to_string(), Some(12), Some("counts".to_string()))]);
}

#[test]
fn a_panic_with_another_message_is_not_a_borrow_conflict() {
    // tests/fixtures/explain/refcell_already_borrowed_unrelated.rs
    let v = Verdict::TestsFailed {
        tests: vec![failed(
            "adds_each_tag_once",
            "panicked at exercises/explain/refcell_already_borrowed_unrelated.rs:18:37:\n\
             insertion index (is 1) should be <= len (is 0)",
        )],
    };
    assert!(ids(&v, TAGS).is_empty());
}

#[test]
fn advice_that_names_poison_error_is_no_poisoned_lock_panic() {
    // A hidden test that poisons the lock itself and finds the learner's code skipped its work
    // says so, naming `PoisonError::into_inner` as a way out: no unwrap met the poison, so the
    // card about one would misfit.
    let message = "panicked at exercises/t/x.rs:3:5:\n`set` returned, but the change was dropped: let `write().unwrap()` \
                   panic, or write anyway with `unwrap_or_else(PoisonError::into_inner)`";
    let v = Verdict::TestsFailed { tests: vec![failed("set_on_a_poisoned_store_never_drops_the_change", message)] };
    assert!(ids(&v, SOURCE).is_empty(), "{:?}", ids(&v, SOURCE));
}

#[test]
fn a_poisoned_lock_points_at_the_first_unwrap_that_met_it() {
    // tests/fixtures/explain/poisoned_lock.rs, as the verdict cleaned it.
    let message = "panicked at exercises/explain/poisoned_lock.rs:12:17:\na job has no name\n\n\
                   panicked at exercises/explain/poisoned_lock.rs:10:40:\n\
                   called `Result::unwrap()` on an `Err` value: PoisonError { .. }\n\n\
                   panicked at exercises/explain/poisoned_lock.rs:18:28:\n\
                   called `Result::unwrap()` on an `Err` value: PoisonError { .. }";
    let source = "\n".repeat(24);
    let v = Verdict::TestsFailed { tests: vec![failed("a_failed_job_does_not_stop_the_others", message)] };
    assert_eq!(
        explained(&v, &source),
        [("poisoned_lock".to_string(), Some(10), Some("a_failed_job_does_not_stop_the_others".to_string()))]
    );

    // tests/fixtures/explain/poisoned_lock_unrelated.rs: a worker panicked, but held no lock.
    let message = "panicked at exercises/explain/poisoned_lock_unrelated.rs:11:17:\na job has no name\n\n\
                   panicked at exercises/explain/poisoned_lock_unrelated.rs:16:10:\n\
                   called `Result::unwrap()` on an `Err` value: Any { .. }";
    let v = Verdict::TestsFailed { tests: vec![failed("a_failed_job_does_not_stop_the_others", message)] };
    assert!(ids(&v, &source).is_empty());
}

#[test]
fn a_panic_whose_header_was_hidden_or_elsewhere_has_no_line() {
    // The hidden test's own `borrow_mut()` panicked: the verdict dropped its header, and the header
    // above belongs to the panic before the blank line.
    let message = "panicked at exercises/t/x.rs:3:5:\nworker failed\n\nRefCell already borrowed";
    let v = Verdict::Crashed { reason: "r".into(), tests: vec![failed("t", message)] };
    assert_eq!(explained(&v, SOURCE), [("refcell_already_borrowed".to_string(), None, Some("t".to_string()))]);
    // A location in the standard library, or past the learner's last line, is not the learner's.
    for header in [
        "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/cell.rs:9:5",
        "library/core/src/cell.rs:1:1",
        "/home/a/.rustup/toolchains/stable/lib/rustlib/src/rust/library/core/src/cell.rs:2:1",
        "exercises/t/x.rs:99:1",
    ] {
        let v = Verdict::TestsFailed {
            tests: vec![failed("t", &format!("panicked at {header}:\nRefCell already borrowed"))],
        };
        assert_eq!(course().explain(&v, SOURCE)[0].line, None, "{header}");
    }
}

#[test]
fn passing_tests_and_unfinished_ones_are_not_panics() {
    let mut outcome = failed("t", "RefCell already borrowed");
    outcome.status = TestStatus::Passed;
    assert!(ids(&Verdict::Passed { tests: vec![outcome.clone()] }, SOURCE).is_empty());
    outcome.status = TestStatus::Unfinished;
    assert!(ids(&Verdict::TestsFailed { tests: vec![outcome] }, SOURCE).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Timeouts

/// tests/fixtures/explain/lock_taken_twice.rs, the part that matters.
const BANK: &str = "// Bank balances behind one lock.
use std::sync::Mutex;
pub struct Bank {
    balances: Mutex<HashMap<String, i64>>,
}
";

#[test]
fn a_timeout_in_code_with_locks_names_the_tests_still_running() {
    // As the grader saw the fixture: `deposits_add_up` passed, `transfer_moves_money` hung.
    let run = test_run(
        &[("deposits_add_up", Ending::Passed, ""), ("transfer_moves_money", Ending::TimedOut, "")],
        Exit::Code(0),
    );
    let hidden = "#[test]\nfn deposits_add_up() {}\n#[test]\nfn transfer_moves_money() {}\n";
    let (_, comp) = Composition::compose("exercises/explain/lock_taken_twice.rs", BANK, hidden);
    let v = judge(&run, &comp);
    assert_eq!(explained(&v, BANK), [("lock_taken_twice".to_string(), None, Some("transfer_moves_money".to_string()))]);

    let v = Verdict::TimedOut {
        limit: Duration::from_secs(3),
        tests: vec![
            TestOutcome {
                name: "a".into(),
                status: TestStatus::Unfinished,
                message: None,
                output: None,
                description: String::new(),
                origin: crate::verdict::Origin::Hidden,
            },
            TestOutcome {
                name: "b".into(),
                status: TestStatus::Unfinished,
                message: None,
                output: None,
                description: String::new(),
                origin: crate::verdict::Origin::Hidden,
            },
        ],
    };
    let rwlock = "use std::sync::RwLock;\nstruct Store(RwLock<u32>);\n";
    assert_eq!(course().explain(&v, rwlock)[0].test.as_deref(), Some("a, b"));
}

#[test]
fn a_timeout_without_locks_in_the_code_is_not_a_deadlock() {
    let v = Verdict::TimedOut {
        limit: Duration::from_secs(3),
        tests: vec![TestOutcome {
            name: "a".into(),
            status: TestStatus::Unfinished,
            message: None,
            output: None,
            description: String::new(),
            origin: crate::verdict::Origin::Hidden,
        }],
    };
    // tests/fixtures/explain/lock_taken_twice_unrelated.rs waits on a flag; locks named only in
    // comments (an exercise's instructions) or in longer names do not count.
    let sources = [
        "use std::cell::RefCell;\nfn transfer() { while !open { sleep(ms) } }\n",
        "// Unlike a Mutex, this needs no lock.\n/* RwLock /* nested */ Mutex */\nfn main() {}\n",
        "struct MutexFree;\nfn main() { let s = \"a Mutex\"; }\n",
    ];
    for source in sources {
        assert!(ids(&v, source).is_empty(), "{source}");
    }
}

#[test]
fn a_timeout_in_code_that_sleeps_blames_no_lock() {
    let v = Verdict::TimedOut {
        limit: Duration::from_secs(3),
        tests: vec![TestOutcome {
            name: "a".into(),
            status: TestStatus::Unfinished,
            message: None,
            output: None,
            description: String::new(),
            origin: crate::verdict::Origin::Hidden,
        }],
    };
    // tests/fixtures/explain/lock_sleeps_past_limit_unrelated.rs: one lock, then a long sleep.
    let sleeps = "use std::sync::Mutex;\nfn f(m: &Mutex<u32>) { let _g = m.lock(); std::thread::sleep(d); }\n";
    assert!(ids(&v, sleeps).is_empty(), "{:?}", ids(&v, sleeps));
    let rwlock_sleeps = "use std::sync::RwLock;\nuse std::thread::sleep;\n";
    assert!(ids(&v, rwlock_sleeps).is_empty());
    // `sleep` only in a comment, or in a longer name, does not count.
    let locks = "use std::sync::Mutex;\n// no sleep here\nfn sleepy(m: &Mutex<u32>) {}\n";
    assert_eq!(ids(&v, locks), ["lock_taken_twice"]);
    // A lock that is only imported, and used nowhere, is no lock the code takes.
    let imported = "use std::sync::{Mutex,\n    RwLock};\nfn sleepy(m: &Mutex<u32>) {}\n";
    assert_eq!(ids(&v, imported), ["lock_taken_twice"]);
    let only_imported = "use std::sync::RwLock;\nuse std::sync::Mutex;\nfn main() {}\n";
    assert!(ids(&v, only_imported).is_empty(), "{:?}", ids(&v, only_imported));
}

#[test]
fn a_timeout_explanation_comes_before_panics_of_the_same_run() {
    let v = Verdict::TimedOut {
        limit: Duration::from_secs(3),
        tests: vec![
            failed("first", "panicked at x.rs:1:1:\ncalled `Result::unwrap()` on an `Err` value: PoisonError { .. }"),
            TestOutcome {
                name: "second".into(),
                status: TestStatus::Unfinished,
                message: None,
                output: None,
                description: String::new(),
                origin: crate::verdict::Origin::Hidden,
            },
        ],
    };
    assert_eq!(
        explained(&v, SOURCE),
        [
            ("lock_taken_twice".to_string(), None, Some("second".to_string())),
            ("poisoned_lock".to_string(), Some(1), Some("first".to_string())),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Rules of another course

const OTHER_COURSE: &str = r#"format_version = 1

[[rules]]
id = "overflow"
title = "Arithmetic overflow"
section = "Integers"
text = "A number went past its type's range. Reread “Integers”."

[rules.panic]
messages = ["attempt to subtract with overflow"]
source_uses = ["u32", "usize"]

[[rules]]
id = "unknown-name"
title = "A name the compiler does not know"
section = "Modules"
text = "The name is not in scope.\nBring it in with `use`. Reread “Modules”."

[rules.compile_error]
codes = ["E0425", "E0433"]

[[rules]]
id = "any-timeout"
title = "Too slow"
section = "Loops"
text = "Something loops forever. Reread “Loops”."

[rules.timeout]
"#;

#[test]
fn another_course_brings_its_own_rules() {
    let rules = Explanations::parse(OTHER_COURSE, "other.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rules.len(), 3);
    let v = Verdict::TestsFailed {
        tests: vec![failed("sums", "panicked at src/x.rs:2:5:\nattempt to subtract with overflow")],
    };
    let found = rules.explain(&v, "fn f(a: u32) -> u32 {\n    a - 1\n}\n");
    assert_eq!((found[0].id.as_str(), found[0].line), ("overflow", Some(2)));
    assert!(rules.explain(&v, "fn f(a: i8) -> i8 { a - 1 }\n").is_empty());

    let v = compile_error(vec![error("E0425", "cannot find value `x` in this scope", 1, &[])]);
    assert_eq!(rules.explain(&v, "")[0].id, "unknown-name");
    let v = Verdict::TimedOut { limit: Duration::from_secs(1), tests: Vec::new() };
    let found = rules.explain(&v, "");
    assert_eq!((found[0].id.as_str(), found[0].test.as_deref()), ("any-timeout", None));
    assert!(Explanations::default().explain(&v, "").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Validation

fn err(text: &str) -> String {
    Explanations::parse(text, "explanations.toml").unwrap_err().to_string()
}

const ONE_RULE: &str = r#"format_version = 1

[[rules]]
id = "a"
title = "A"
section = "S"
text = "Reread “S”."

[rules.compile_error]
codes = ["E0594"]
"#;

#[test]
fn a_file_without_rules_is_valid_and_explains_nothing() {
    let rules = Explanations::parse("format_version = 1\n", "explanations.toml").unwrap();
    assert!(rules.is_empty());
}

#[test]
fn unknown_fields_are_reported_with_line_and_column() {
    assert_eq!(
        err(&ONE_RULE.replace("codes = [\"E0594\"]", "codes = [\"E0594\"]\nmention = [[\"x\"]]")),
        "explanations.toml:11:1: unknown field `mention`, expected one of `codes`, `mentions`, `source_uses`"
    );
    assert!(err(&ONE_RULE.replace("title =", "titel =")).starts_with("explanations.toml:5:1: unknown field `titel`"));
}

#[test]
fn syntax_errors_are_reported_with_line_and_column() {
    assert!(err(&ONE_RULE.replace("title = \"A\"", "title = \"A")).starts_with("explanations.toml:5:"));
}

#[test]
fn duplicate_ids_point_at_the_second_rule() {
    let text = format!("{ONE_RULE}{}", ONE_RULE.replace("format_version = 1\n", ""));
    assert_eq!(err(&text), "explanations.toml:13:6: duplicate rule id \"a\" (first defined at line 4)");
}

#[test]
fn a_rule_needs_exactly_one_trigger() {
    let none = ONE_RULE.replace("[rules.compile_error]\ncodes = [\"E0594\"]\n", "");
    assert_eq!(
        err(&none),
        "explanations.toml:4:6: rule \"a\" must have exactly one trigger table, [rules.compile_error], \
         [rules.panic] or [rules.timeout]; it has none"
    );
    let two = format!("{ONE_RULE}\n[rules.timeout]\n");
    assert!(err(&two).ends_with("it has several"), "{}", err(&two));
}

#[test]
fn every_validation_problem_is_listed() {
    let text = ONE_RULE
        .replace("format_version = 1", "format_version = 2")
        .replace("id = \"a\"", "id = \"Bad Id\"")
        .replace("title = \"A\"", "title = \" \"")
        .replace("codes = [\"E0594\"]", "codes = [\"e594\"]\nmentions = [[\"x\"], []]\nsource_uses = []");
    assert_eq!(
        err(&text),
        "explanations.toml:1:18: format_version 2 is newer than this learn understands (1); upgrade learn \
         (`cargo install --path .` in an up-to-date checkout)\n\
         explanations.toml:4:6: rule id \"Bad Id\" must be non-empty and use only lowercase letters, digits, `_` and `-`\n\
         explanations.toml:5:9: the title of rule \"Bad Id\" is empty\n\
         explanations.toml:10:9: error code \"e594\" of rule \"Bad Id\" is not like \"E0277\"\n\
         explanations.toml:11:12: mentions of rule \"Bad Id\" holds an empty list or an empty word\n\
         explanations.toml:12:15: source_uses of rule \"Bad Id\" is empty: give at least one word, or leave it out"
    );
}

#[test]
fn panic_rules_need_messages_and_texts_name_their_section() {
    let text = ONE_RULE
        .replace("[rules.compile_error]\ncodes = [\"E0594\"]", "[rules.panic]\nmessages = [\"\"]")
        .replace("Reread “S”.", "Reread the lesson.");
    assert_eq!(
        err(&text),
        "explanations.toml:7:8: the text of rule \"a\" must name its section “S”, so the learner knows what to reread\n\
         explanations.toml:10:12: messages of rule \"a\" holds an empty word"
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers

#[test]
fn words_match_whole() {
    assert_eq!(find_word("`RefCell<u8>`", "Cell"), None);
    assert_eq!(find_word("`Arc<u8>`", "Rc"), None);
    assert_eq!(find_word("`Arc<Rc<u8>>`", "Rc"), Some(5));
    assert_eq!(find_word("for `Cell<u32>`", "Cell"), Some(5));
    assert_eq!(find_word("RefCell already mutably borrowed", "already borrowed"), None);
    assert_eq!(find_word("RefCell already borrowed", "already borrowed"), Some(8));
    assert_eq!(find_word("value: PoisonError { .. }", "PoisonError"), Some(7));
    // A word with punctuation at its edge needs no boundary there.
    assert_eq!(find_word("behind a `&` reference", "`&`"), Some(9));
    assert_eq!(find_word("SyncSync Sync", "Sync"), Some(9));
}

#[test]
fn code_only_drops_comments_and_string_contents() {
    assert_eq!(code_only("a // Mutex\nb"), "a  \nb");
    assert_eq!(code_only("a /* x /* y */ Mutex */ b"), "a   b");
    assert_eq!(code_only("let s = \"// Mutex\"; // gone"), "let s = \"\";  ");
    assert_eq!(code_only("let s = \"a \\\" // b\"; c"), "let s = \"\"; c");
    assert_eq!(code_only("let q = '\"'; // Mutex"), "let q = '\"';  ");
    assert_eq!(code_only("let q = '\\''; /* x */"), "let q = '\\'';  ");
    assert_eq!(code_only("fn f<'a>(x: &'a str) {} // y"), "fn f<'a>(x: &'a str) {}  ");
    assert_eq!(code_only("r#\"a \" // b\"# // c"), "\"\"  ");
    assert_eq!(code_only("br\"Mutex\" b\"x\""), "b\"\" b\"\"");
    assert_eq!(code_only("let r#type = 1; // c"), "let r#type = 1;  ");
    assert_eq!(code_only("é /* unterminated"), "é  ");
}

#[test]
fn panic_lines_come_from_the_header_right_above() {
    let message = "printed\n\npanicked at exercises/a/b.rs:7:3:\nRefCell already borrowed";
    let at = message.find("RefCell").unwrap();
    assert_eq!(panic_line(message, at, 10), Some(7));
    assert_eq!(panic_line(message, at, 6), None);
    assert_eq!(panic_line("RefCell already borrowed", 0, 10), None);
    // The raw form, before the verdict cleaned it, reads the same.
    let raw = "thread 'x' (7) panicked at src/main.rs:8:10:\nRefCell already borrowed";
    assert_eq!(panic_line(raw, raw.find("RefCell").unwrap(), 10), Some(8));
    // Windows paths keep their drive's colon.
    let windows = "panicked at C:\\w\\x.rs:4:1:\nboom";
    assert_eq!(panic_line(windows, windows.find("boom").unwrap(), 10), Some(4));
}

#[test]
fn a_borrow_clash_names_where_the_live_guard_was_taken() {
    let source = "impl S {\n    fn get(&self) -> u64 {\n        match self.known.borrow().get(&1) {\n            \
                  Some(v) => *v,\n            None => { self.known.borrow_mut().insert(1, 1); 1 }\n        }\n    }\n}\n";
    let v = Verdict::TestsFailed {
        tests: vec![failed("t", "panicked at exercises/t/x.rs:5:23:\nRefCell already borrowed")],
    };
    let found = course().explain(&v, source);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].text.ends_with(
            "The guard still alive at line 5 was taken at line 3, `match self.known.borrow().get(&1) {`: a guard made \
             in a `match`'s scrutinee lives until the whole `match` ends, arms included."
        ),
        "{}",
        found[0].text
    );

    // A temporary guard ended with its statement: the one still alive is the `let` above it.
    let source = "fn add(&self) {\n    let items = self.items.borrow();\n    let n = self.items.borrow().len();\n    \
                  self.items.borrow_mut().push(n);\n}\n";
    let v = Verdict::TestsFailed {
        tests: vec![failed("t", "panicked at exercises/t/x.rs:4:16:\nRefCell already borrowed")],
    };
    let found = course().explain(&v, source);
    assert!(
        found[0].text.ends_with(
            "The guard still alive at line 4 was taken at line 2, `let items = self.items.borrow();`: a guard kept in a \
             `let` lives until the end of its block."
        ),
        "{}",
        found[0].text
    );
}
