//! Embeds the course (manifest, starting files, hidden tests, solutions, explanations, lesson) into the
//! binary, so an installed `learn` needs nothing from this repository.
//!
//! The generated `embedded_course.rs` holds one `(relative path, contents)` pair per file. The build
//! only collects files; checking that they form a valid course is `learn dev check`'s job.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const ROOT_FILES: &[&str] = &["info.toml", "explanations.toml"];
/// Course folders, each with the extension of the files it holds.
const DIRS: &[(&str, &str)] = &[("exercises", "rs"), ("solutions", "rs"), ("checks", "rs"), ("lesson", "md")];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for name in ROOT_FILES {
        let path = root.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_file() {
            files.push(name.to_string());
        }
    }
    for (dir, ext) in DIRS {
        let path = root.join(dir);
        // Cargo walks a directory given to rerun-if-changed, so new and removed files count too. A
        // folder that does not exist is not named: cargo would rerun this script on every build.
        // (A course that gains its first lesson/ folder changes info.toml too, which reruns it.)
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        collect(&root, &path, ext, &mut files);
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

fn collect(root: &Path, dir: &Path, ext: &str, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, ext, files);
        } else if path.extension().is_some_and(|e| e == ext) {
            let rel = path.strip_prefix(root).expect("inside root");
            let rel: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            files.push(rel.join("/"));
        }
    }
}
