//! The watch screen in real terminals of 80×24 and 60×20 (tmux): it never draws a line wider than
//! the terminal nor more lines than it has; the header, the verdict and the first error stay in
//! view whatever the output's length; the rest is reached by keys; a resize redraws; and nothing
//! transient (a note, the list, a hint) outlives the next verdict.

use std::fs;
use std::time::{Duration, Instant};

use crate::harness::{BIN, PATIENCE, Sandbox};
use crate::terminal::{has_tmux, tmux};

const TITLE: &str = "A basic test course";
const FAILING: &str = "✗ first: 1 of 2 hidden tests failed.";
const PASSING: &str = "✓ first passes: all 2 hidden tests passed.";

/// A file of `first` with as many different compile errors as `n` says (up to 12), the first one
/// about `missing_value_number_0`.
fn many_errors(n: usize) -> String {
    let lines = [
        "let _a: u32 = missing_value_number_0;",
        "let _b: u32 = \"text\";",
        "let _c = 1u32.no_such_method();",
        "let _d = 1u32 + \"a\";",
        "let _e = 1u32[0];",
        "let _f = *1u32;",
        "let _g = !\"a\";",
        "let _h = answer(1);",
        "let _i = nosuch::value;",
        "let _j: NoSuchType = 1;",
        "let _k: u8 = 300u32;",
        "let _l = (1u32).0;",
    ];
    let mut text = String::from("fn answer() -> u32 {\n");
    for line in lines.iter().take(n) {
        text.push_str(&format!("    {line}\n"));
    }
    text.push_str("    42\n}\n\nfn main() {}\n");
    text
}

/// `learn watch` in a detached tmux session of `columns`×`rows`.
struct Screen {
    session: String,
    columns: usize,
    rows: usize,
}

impl Screen {
    fn start(sb: &Sandbox, name: &str, columns: usize, rows: usize) -> Screen {
        let session = format!("learn-screen-{name}-{columns}-{}", std::process::id());
        let script = format!("cd '{}' && '{BIN}' watch; sleep 30", sb.ws().display());
        tmux(&["new-session", "-d", "-s", &session, "-x", &columns.to_string(), "-y", &rows.to_string(), &script]);
        Screen { session, columns, rows }
    }

    /// Waits for `text` on screen, then checks the screen fits: returns its lines.
    fn wait(&self, text: &str) -> Vec<String> {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits until the screen satisfies `done` and fits. A capture can catch a frame half
    /// drawn (the terminal receives one write in several reads), so a screen that does not fit
    /// yet is read again; only one that still does not fit at the deadline fails.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", &self.session]);
            let fits = self.fits(&screen);
            match (done(&screen), fits) {
                (true, Ok(lines)) => return lines,
                (true, Err(problem)) if Instant::now() >= deadline => panic!("{problem}"),
                _ => assert!(Instant::now() < deadline, "the screen never showed {what}:\n{screen}"),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn fits(&self, screen: &str) -> Result<Vec<String>, String> {
        let mut lines: Vec<String> = screen.lines().map(str::to_string).collect();
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop(); // tmux pads the pane with empty lines
        }
        if lines.len() > self.rows {
            return Err(format!("{} lines on {} rows:\n{screen}", lines.len(), self.rows));
        }
        if let Some(line) = lines.iter().find(|l| l.chars().count() > self.columns) {
            return Err(format!("a line wider than {}: {line:?}\n{screen}", self.columns));
        }
        // The header is always the first line; the keys are always on screen.
        if !lines.first().is_some_and(|l| l.starts_with(TITLE)) || !screen.contains("keys: ") {
            return Err(format!("no header or no keys:\n{screen}"));
        }
        Ok(lines)
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            tmux(&["send-keys", "-t", &self.session, key]);
        }
    }

    fn resize(&mut self, columns: usize, rows: usize) {
        tmux(&["resize-window", "-t", &self.session, "-x", &columns.to_string(), "-y", &rows.to_string()]);
        (self.columns, self.rows) = (columns, rows);
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.session]);
    }
}

fn first(sb: &Sandbox) -> std::path::PathBuf {
    sb.ws().join("exercises/intro/first.rs")
}

fn solution(sb: &Sandbox) -> String {
    fs::read_to_string(sb.course().join("solutions/intro/first.rs")).unwrap()
}

/// The headline and the first error stay on top of long output; the rest is reached by keys.
fn long_output_at(columns: usize, rows: usize) {
    let sb = Sandbox::basic();
    let screen = Screen::start(&sb, "long", columns, rows);
    screen.wait(FAILING);
    fs::write(first(&sb), many_errors(12)).unwrap();
    let top = screen.wait("✗ first does not compile yet:");
    let text = top.join("\n");
    assert!(text.contains("Exercise 1 of 3: first"), "{text}");
    assert!(text.contains("error[E0425]"), "the first error is not in view:\n{text}");
    assert!(text.contains("missing_value_number_0`"), "the first error is not the one in view:\n{text}");
    assert!(text.contains("exercises/intro/first.rs:2:"), "{text}");
    assert!(text.contains("more lines"), "nothing says there is more:\n{text}");
    // The end of the output is reached with G, and g returns to the top.
    screen.keys(&["G"]);
    let bottom = screen.wait("lines above");
    let text = bottom.join("\n");
    assert!(text.contains("✗ first does not compile yet:"), "the headline scrolled away:\n{text}");
    assert!(!text.contains("more lines"), "{text}");
    screen.keys(&["g"]);
    screen.wait_until("the top again", |s| s.contains("missing_value_number_0`") && !s.contains("lines above"));
    // A page down, then a new verdict: back at the top.
    screen.keys(&["NPage"]);
    screen.wait("lines above");
    fs::write(first(&sb), many_errors(10)).unwrap();
    screen.wait_until("the new verdict from its top", |s| {
        s.contains("does not compile yet") && s.contains("missing_value_number_0`") && !s.contains("lines above")
    });
}

#[test]
fn long_output_keeps_the_verdict_and_first_error_in_view_at_80x24() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    long_output_at(80, 24);
}

#[test]
fn long_output_keeps_the_verdict_and_first_error_in_view_at_60x20() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    long_output_at(60, 20);
}

#[test]
fn a_resize_redraws_at_the_new_size() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    fs::write(first(&sb), many_errors(3)).unwrap();
    let mut screen = Screen::start(&sb, "resize", 80, 24);
    let wide = screen.wait("✗ first does not compile yet:");
    // The keys fit on one line at 80 columns; at 60 they take two.
    assert!(wide.last().unwrap().starts_with("keys: ") && wide.last().unwrap().ends_with("q quit"), "{wide:?}");
    screen.resize(60, 20);
    let narrow = screen.wait_until("a redraw at 60 columns", |s| {
        s.lines().all(|l| l.chars().count() <= 60) && s.lines().filter(|l| l.contains("keys:")).count() == 1
    });
    assert!(narrow.join("\n").contains("✗ first does not compile yet:"), "{narrow:?}");
    assert!(narrow.len() <= 20);
}

#[test]
fn hints_and_the_list_close_on_a_new_verdict_and_notes_clear_on_the_next_save() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    let screen = Screen::start(&sb, "stale", 60, 20);
    let lines = screen.wait(FAILING);
    // No `n` before a pass; `l` says it toggles.
    let keys = lines.iter().skip_while(|l| !l.starts_with("keys:")).cloned().collect::<Vec<_>>().join(" ");
    assert!(!keys.contains("n next") && keys.contains("l list (toggle)"), "{keys}");
    screen.keys(&["n"]);
    screen.wait("n moves on once this exercise passes.");
    screen.keys(&["h", "h"]);
    let hints = screen.wait("Hint 2 of 2 for first:");
    let text = hints.join("\n");
    // The headline stays in view above the hints, and the last hint says it was the last.
    assert!(text.contains(FAILING), "{text}");
    assert!(text.contains("(that was the last of 2 hints)"), "{text}");
    assert!(!text.contains("h hint"), "h is offered after the last hint:\n{text}");
    screen.keys(&["l"]);
    screen.wait("Enter open");
    fs::write(first(&sb), solution(&sb)).unwrap();
    let passed = screen.wait(PASSING).join("\n");
    for stale in ["n moves on", "Hint 1 of 2", "Hint 2 of 2", "Enter open", "(on screen)"] {
        assert!(!passed.contains(stale), "{stale:?} outlived the new verdict:\n{passed}");
    }
    assert!(passed.contains("n next"), "{passed}");
    // The list marks the exercise on screen, whatever comes next.
    screen.keys(&["l"]);
    let list = screen.wait("(on screen)").join("\n");
    assert!(list.contains("›  1  done    first   (on screen)"), "{list}");
    assert!(list.contains("   2  next    second"), "{list}");
    // Moving in the list and opening an exercise.
    screen.keys(&["Down", "Enter"]);
    screen.wait_until("the second exercise", |s| s.contains("Exercise 2 of 3: second") && !s.contains("Enter open"));
}

#[test]
fn a_locked_exercise_names_what_to_finish_first_and_an_unchanged_save_keeps_the_view() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    let screen = Screen::start(&sb, "locked", 80, 24);
    screen.wait(FAILING);
    let third = sb.ws().join("exercises/intro/third.rs");
    fs::write(&third, "fn count(_: &[u32]) -> usize { 3 }\nfn main() {}\n").unwrap();
    screen.wait("You saved third, which is still locked: finish first first, then second.");
    // Saving the second exercise as it is (an editor's save of an untouched buffer) changes nothing.
    let second = sb.ws().join("exercises/intro/second.rs");
    fs::write(&second, fs::read(&second).unwrap()).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let text = screen.wait(FAILING).join("\n");
    assert!(text.contains("Exercise 1 of 3: first"), "{text}");
}

#[test]
fn a_long_run_shows_its_time_and_a_sleep_past_the_limit_blames_no_lock() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    let screen = Screen::start(&sb, "timeout", 80, 24);
    screen.wait(FAILING);
    // Holds a lock taken once, then sleeps far past the limit of 5 s.
    fs::write(
        first(&sb),
        "use std::sync::Mutex;\nstatic M: Mutex<u32> = Mutex::new(42);\n\
         fn answer() -> u32 { let g = M.lock().unwrap(); std::thread::sleep(std::time::Duration::from_secs(60)); *g }\n\
         fn main() {}\n",
    )
    .unwrap();
    screen.wait("Grading first… 2 s");
    let text = screen.wait("did not finish within its time limit").join("\n");
    assert!(text.contains("Something waits forever, sleeps past the limit or loops without end."), "{text}");
    assert!(!text.contains("lock"), "a lock was blamed:\n{text}");
}
