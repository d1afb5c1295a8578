//! Embeds the course (manifest, starting files and the readings next to them, hidden tests,
//! solutions, explanations, lesson) into the binary, so an installed `learn` needs nothing from this
//! repository. Which files those are is `src/course_layout.rs`'s to say, shared with `learn`.
//!
//! The generated `embedded_course.rs` holds one `(relative path, contents)` pair per file. The build
//! only collects files; checking that they form a valid course is `learn dev check`'s job.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/course_layout.rs"]
mod course_layout;

/// The built-in course keeps its hidden tests in the default folder.
const HIDDEN_TESTS_DIR: &str = "checks";

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for name in course_layout::ROOT_FILES {
        let path = root.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_file() {
            files.push(name.to_string());
        }
    }
    for (dir, _) in course_layout::dirs(HIDDEN_TESTS_DIR) {
        let path = root.join(dir);
        // Cargo walks a directory given to rerun-if-changed, so new and removed files count too. A
        // folder that does not exist is not named: cargo would rerun this script on every build.
        // (A course that gains its first lesson/ folder changes info.toml too, which reruns it.)
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        collect(&root, &path, &mut files);
    }
    files.sort();

    let mut out = String::from("/// Every course file, as (path relative to the course root, contents).\n");
    out.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    for rel in &files {
        let abs = root.join(rel);
        writeln!(out, "    ({rel:?}, include_str!({:?})),", abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("embedded_course.rs");
    fs::write(dest, out).expect("write embedded_course.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
            continue;
        }
        let rel = path.strip_prefix(root).expect("inside root");
        let rel: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        if course_layout::carries(&rel, HIDDEN_TESTS_DIR) {
            files.push(rel);
        }
    }
}
