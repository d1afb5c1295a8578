//! `learn watch` and `learn lesson` in a real terminal (tmux): single keys work, the lesson's section
//! is drawn at the terminal's width, the terminal is restored after quitting with `q` and after
//! Ctrl-C, and a lesson taller than the screen goes through the pager (only then, and only if it
//! starts).

use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{BIN, PATIENCE, Sandbox};

pub(crate) fn tmux(args: &[&str]) -> String {
    let run = || Command::new("tmux").args(args).output().expect("tmux runs");
    let mut out = run();
    if args.first() == Some(&"new-session") {
        // Two tests starting the first session at once can race to start tmux's server, and the
        // loser is refused; a session that never started would otherwise look like a learn that
        // never ended.
        for _ in 0..3 {
            if out.status.success() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
            out = run();
        }
        assert!(out.status.success(), "tmux could not start a session: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn has_tmux() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

/// Runs `learn watch` in a detached tmux session; the shell records the terminal settings before
/// and after, and learn's exit code.
fn session(sb: &Sandbox, name: &str) -> String {
    let session = format!("learn-{name}-{}", std::process::id());
    let script = format!(
        "cd '{}' && stty -a > ../before.txt && '{BIN}' watch; echo $? > ../code.txt; stty -a > ../after.txt; sleep 30",
        sb.ws().display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "110", "-y", "45", &script]);
    session
}

pub(crate) fn wait_for_file(path: &std::path::Path) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn wait_for_screen(session: &str, text: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(text) {
            return screen;
        }
        assert!(Instant::now() < deadline, "the screen never showed {text:?}:\n{screen}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn keys_work_and_q_restores_the_terminal() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    let s = session(&sb, "q");
    let screen = wait_for_screen(&s, "✗ first: 1 of 2 hidden tests failed.");
    assert!(screen.starts_with("A basic test course  [------------------------------] 0/3\n"), "{screen}");
    tmux(&["send-keys", "-t", &s, "h"]);
    wait_for_screen(&s, "Hint 1 of 2 for first:");
    let during = fs::read_to_string(sb.path("before.txt")).unwrap();
    tmux(&["send-keys", "-t", &s, "q"]);
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "0");
    let after = wait_for_file(&sb.path("after.txt"));
    tmux(&["kill-session", "-t", &s]);
    assert_eq!(after, during, "the terminal settings were not restored");
    assert!(after.contains(" icanon") && after.contains(" echo"), "{after}");
}

#[test]
fn ctrl_c_restores_the_terminal_and_exits_130() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::basic();
    let s = session(&sb, "ctrl-c");
    wait_for_screen(&s, "✗ first: 1 of 2 hidden tests failed.");
    let before = fs::read_to_string(sb.path("before.txt")).unwrap();
    tmux(&["send-keys", "-t", &s, "C-c"]);
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "130");
    let after = wait_for_file(&sb.path("after.txt"));
    tmux(&["kill-session", "-t", &s]);
    assert_eq!(after, before, "the terminal settings were not restored");
}

#[test]
fn s_shows_the_lesson_section_at_the_terminal_width_and_s_returns() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::with_course("lesson");
    sb.init();
    let s = session(&sb, "section");
    let screen = wait_for_screen(&s, "✗ first: 1 of 2 hidden tests failed.");
    assert!(screen.contains("keys: h hint · s section (toggle) · l list (toggle)"), "{screen}");
    tmux(&["send-keys", "-t", &s, "s"]);
    // 110 columns: the paragraph that a pipe wraps at 80 is one line here.
    let screen = wait_for_screen(&s, "keys: s back to the verdict");
    assert!(
        screen.contains(
            "Returning a value\n-----------------\n\n\
             The last expression of a body, without a semicolon, is what the function returns:\n"
        ),
        "{screen}"
    );
    assert!(!screen.contains("hidden tests failed"), "{screen}");
    tmux(&["send-keys", "-t", &s, "s"]);
    let screen = wait_for_screen(&s, "✗ first: 1 of 2 hidden tests failed.");
    assert!(!screen.contains("Returning a value\n---"), "{screen}");
    tmux(&["send-keys", "-t", &s, "q"]);
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "0");
    tmux(&["kill-session", "-t", &s]);
}

/// Runs `learn lesson` in a tmux pane `rows` high with `PAGER` set to `pager`; returns the session.
fn lesson_session(sb: &Sandbox, name: &str, rows: &str, pager: &str) -> String {
    let session = format!("learn-{name}-{}", std::process::id());
    let script = format!(
        "cd '{}' && PAGER=\"{pager}\" '{BIN}' lesson --color never; echo $? > ../code.txt; sleep 30",
        sb.ws().display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "90", "-y", rows, &script]);
    session
}

#[test]
fn a_lesson_taller_than_the_terminal_goes_through_the_pager() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::with_course("lesson");
    sb.init();
    let s = lesson_session(&sb, "pager", "10", "cat > ../paged.txt");
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "0");
    tmux(&["kill-session", "-t", &s]);
    let paged = wait_for_file(&sb.path("paged.txt"));
    assert!(paged.starts_with("Functions that answer\n=====================\n\nReturning a value\n"), "{paged}");
}

#[test]
fn a_pager_that_cannot_start_or_a_short_text_means_printing_directly() {
    if !has_tmux() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return;
    }
    let sb = Sandbox::with_course("lesson");
    sb.init();
    let s = lesson_session(&sb, "no-pager", "10", "/nonexistent/pager");
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "0");
    let screen = tmux(&["capture-pane", "-p", "-S", "-100", "-t", &s]);
    tmux(&["kill-session", "-t", &s]);
    assert!(screen.contains("Bytes are not characters.\n"), "{screen}");
    fs::remove_file(sb.path("code.txt")).unwrap();
    let s = lesson_session(&sb, "short", "60", "touch ../paged.txt; cat");
    assert_eq!(wait_for_file(&sb.path("code.txt")).trim(), "0");
    tmux(&["kill-session", "-t", &s]);
    assert!(!sb.path("paged.txt").exists(), "a text shorter than the screen was paged");
}
