//! Which files make up a course, in one place for everything that carries a course somewhere else:
//! the build, which embeds the course into `learn` (`build.rs` includes this file), `learn init`,
//! which copies the learner's share into a workspace, and `learn dev pack`, which packs a course
//! into one file. Known wrong answers (`wrong/`) stay behind: only `learn dev check` reads them.

/// Files at the course root (the explanations are optional).
pub const ROOT_FILES: &[&str] = &["info.toml", "explanations.toml"];

/// The course's folders, each with the extensions of the files it carries. `hidden_tests_dir` is
/// the folder the manifest names for the hidden tests (`checks` unless it says otherwise).
///
/// Markdown next to the exercises (a topic's `exercises/<topic>/README.md`, or an
/// `exercises/README.md` over all topics) is the reading that goes with them, so it travels too.
pub fn dirs(hidden_tests_dir: &str) -> [(&str, &'static [&'static str]); 4] {
    [("exercises", &["rs", "md"]), ("solutions", &["rs"]), (hidden_tests_dir, &["rs"]), ("lesson", &["md"])]
}

/// Whether the file `rel` (relative to the course root, `/`-separated) is carried with a course
/// whose hidden tests are in `hidden_tests_dir`.
pub fn carries(rel: &str, hidden_tests_dir: &str) -> bool {
    if ROOT_FILES.contains(&rel) {
        return true;
    }
    dirs(hidden_tests_dir).iter().any(|(dir, exts)| {
        rel.strip_prefix(dir).and_then(|r| r.strip_prefix('/')).is_some_and(|inner| {
            let name = inner.rsplit('/').next().unwrap_or(inner);
            // Hidden files (an editor's `.name.rs.swp`, `.DS_Store`) are never part of a course.
            !name.starts_with('.') && exts.iter().any(|ext| name.strip_suffix(ext).is_some_and(|s| s.ends_with('.')))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::carries;

    #[test]
    fn the_learners_files_and_readings_travel_and_wrong_answers_stay() {
        for rel in [
            "info.toml",
            "explanations.toml",
            "exercises/intro/first.rs",
            "exercises/intro/README.md",
            "exercises/README.md",
            "solutions/intro/first.rs",
            "checks/intro/first.rs",
            "lesson/intro.md",
            "lesson/README.md",
        ] {
            assert!(carries(rel, "checks"), "{rel} travels");
        }
        for rel in [
            "wrong/intro/first/by_one.rs",
            "solutions/intro/notes.md",
            "checks/intro/first.txt",
            "exercises/intro/.first.rs.swp",
            "exercises/intro/first.rs~",
            "README.md",
            "Cargo.toml",
            "exercisesx/intro/first.rs",
        ] {
            assert!(!carries(rel, "checks"), "{rel} stays");
        }
        assert!(carries("tests/intro/first.rs", "tests"));
        assert!(!carries("checks/intro/first.rs", "tests"));
    }
}
