//! Which compiler grades the exercises, and how to make it fast. Resolved once and cached in the
//! workspace (`.learn/toolchain.toml`), because asking `rustc` takes ~25 ms through the rustup proxy,
//! a fifth of a whole grading.
//!
//! Measured on a 2-core machine, a one-line edit of an exercise, compile + run (medians):
//! incremental alone 130 ms; adding `-C prefer-dynamic` 108 ms; `-C strip=debuginfo` 114 ms; both,
//! calling the toolchain's own `rustc` rather than the rustup proxy, 92 ms. So `learn` calls the real
//! `rustc` and links the standard library dynamically (found at run time through an rpath) when the
//! toolchain ships it as a shared library; otherwise it links statically, as rustc does by default.
//!
//! The cache is keyed on everything that decides which toolchain the `rustc` on `PATH` runs:
//! `$RUSTC`, `$RUSTUP_TOOLCHAIN`, the `rustc` found on `PATH` (and its modification time), rustup's
//! settings file (default toolchain and directory overrides) and `rust-toolchain` files above the
//! workspace. Change any of them and the next grading asks `rustc` again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// How to call the compiler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// The program to run.
    pub rustc: PathBuf,
    /// Where the shared standard library is, when the toolchain has one (then exercises link it
    /// dynamically).
    pub dynamic_std: Option<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct Cached {
    fingerprint: String,
    #[serde(flatten)]
    toolchain: Toolchain,
}

/// The compiler named by `$RUSTC`, or `rustc`.
pub fn program() -> String {
    std::env::var("RUSTC").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "rustc".to_string())
}

impl Toolchain {
    /// The toolchain for grading in `workspace_root` (or, without a workspace, for `cwd`), from
    /// the cache file `cache` when it is still valid.
    pub fn resolve(dir: &Path, cache: Option<&Path>) -> Result<Toolchain, Error> {
        let program = program();
        let fingerprint = fingerprint(&program, dir);
        if let Some(cache) = cache
            && let Ok(text) = fs::read_to_string(cache)
            && let Ok(cached) = toml::from_str::<Cached>(&text)
            && cached.fingerprint == fingerprint
            && cached.toolchain.rustc.is_file()
        {
            return Ok(cached.toolchain);
        }
        let toolchain = ask(&program, dir)?;
        if let Some(cache) = cache {
            let cached = Cached { fingerprint, toolchain: toolchain.clone() };
            // Best effort: without the cache the next grading asks again, nothing worse.
            if let Ok(text) = toml::to_string(&cached) {
                let _ = crate::workspace::write_atomic(cache, text.as_bytes());
            }
        }
        Ok(toolchain)
    }

    /// The compiler arguments that make the compiled tests fast to build (see the module docs).
    pub fn fast_build_args(&self) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec!["-C".into(), "strip=debuginfo".into()];
        if let Some(libdir) = &self.dynamic_std {
            args.extend(["-C".into(), "prefer-dynamic".into(), "-C".into()]);
            let mut rpath = std::ffi::OsString::from("link-arg=-Wl,-rpath,");
            rpath.push(libdir);
            args.push(rpath);
        }
        args
    }
}

/// Asks `program` where its toolchain lives.
fn ask(program: &str, dir: &Path) -> Result<Toolchain, Error> {
    let output = Command::new(program)
        .args(["--print", "sysroot", "--print", "target-libdir"])
        .current_dir(dir)
        .output()
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::RustcMissing { program: program.to_string() },
            _ => Error::Spawn { program: program.to_string(), source },
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let (Some(sysroot), Some(libdir), true) = (lines.next(), lines.next(), output.status.success()) else {
        // A compiler that cannot say (a wrapper, a very old rustc): call it as it is; compiling
        // will show what is wrong with it.
        return Ok(Toolchain { rustc: PathBuf::from(program), dynamic_std: None });
    };
    let real = Path::new(sysroot).join("bin").join(format!("rustc{}", std::env::consts::EXE_SUFFIX));
    let rustc = if real.is_file() { real } else { PathBuf::from(program) };
    let libdir = PathBuf::from(libdir);
    let has_dylib_std = fs::read_dir(&libdir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(std::env::consts::DLL_SUFFIX)
        })
    });
    Ok(Toolchain { rustc, dynamic_std: has_dylib_std.then_some(libdir) })
}

/// What decides which toolchain `program` runs, as one string.
fn fingerprint(program: &str, dir: &Path) -> String {
    let mut parts = vec![format!("program={program}")];
    parts.push(format!("RUSTUP_TOOLCHAIN={}", std::env::var("RUSTUP_TOOLCHAIN").unwrap_or_default()));
    let on_path = if program.contains(std::path::MAIN_SEPARATOR) {
        Some(PathBuf::from(program))
    } else {
        std::env::var_os("PATH")
            .and_then(|path| std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file()))
    };
    parts.push(format!("found={}", on_path.as_deref().map(stamp).unwrap_or_default()));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".rustup")));
    if let Some(home) = rustup_home {
        parts.push(format!("settings={}", stamp(&home.join("settings.toml"))));
    }
    for ancestor in dir.ancestors() {
        for name in ["rust-toolchain", "rust-toolchain.toml"] {
            let file = ancestor.join(name);
            if file.is_file() {
                parts.push(format!("override={}", stamp(&file)));
            }
        }
    }
    parts.join(";")
}

/// `path@mtime` (nanoseconds), or `path@-` when it does not exist.
fn stamp(path: &Path) -> String {
    let mtime = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or("-".to_string(), |d| d.as_nanos().to_string());
    format!("{}@{mtime}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_std_adds_an_rpath_and_static_only_strips() {
        let dynamic = Toolchain { rustc: "rustc".into(), dynamic_std: Some("/tc/lib".into()) };
        assert_eq!(
            dynamic.fast_build_args(),
            ["-C", "strip=debuginfo", "-C", "prefer-dynamic", "-C", "link-arg=-Wl,-rpath,/tc/lib"]
        );
        let fixed = Toolchain { rustc: "rustc".into(), dynamic_std: None };
        assert_eq!(fixed.fast_build_args(), ["-C", "strip=debuginfo"]);
    }

    #[test]
    fn the_fingerprint_changes_with_a_toolchain_file() {
        let dir = std::env::temp_dir().join(format!("learn-fp-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let before = fingerprint("rustc", &dir);
        fs::write(dir.join("rust-toolchain.toml"), "[toolchain]\nchannel = \"nightly\"\n").unwrap();
        let after = fingerprint("rustc", &dir);
        fs::remove_dir_all(&dir).unwrap();
        assert_ne!(before, after);
    }
}
