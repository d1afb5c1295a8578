//! Which compiler grades the exercises, and how to make it fast. Resolved once and cached in the
//! user's cache folder (`~/.cache/learn/toolchain.toml`, or `$XDG_CACHE_HOME/learn`; on macOS
//! `~/Library/Caches/learn`), because asking `rustc` takes ~25 ms through the rustup proxy, a fifth
//! of a whole grading.
//!
//! Nothing in a learner's workspace chooses the compiler: the cache is outside it (a graded program
//! cannot write it either), and `rustc` is asked from a neutral folder (the cache folder), so a
//! `rust-toolchain.toml` or a rustup directory override in the learner's tree is never used.
//!
//! Measured on a 2-core machine, a one-line edit of an exercise, compile + run (medians):
//! incremental alone 130 ms; adding `-C prefer-dynamic` 108 ms; `-C strip=debuginfo` 114 ms; both,
//! calling the toolchain's own `rustc` rather than the rustup proxy, 92 ms. So `learn` calls the real
//! `rustc` and links the standard library dynamically (found at run time through an rpath) when the
//! toolchain ships it as a shared library; otherwise it links statically, as rustc does by default.
//!
//! The cache is keyed on everything that decides which toolchain the `rustc` on `PATH` runs from a
//! neutral folder: `$RUSTC`, `$RUSTUP_TOOLCHAIN`, the `rustc` found on `PATH` (and its modification
//! time) and rustup's settings file (the default toolchain). Change any of them and the next
//! grading asks `rustc` again; a cached compiler that no longer exists is asked about again too.

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
    /// The toolchain's folder (what `rustc --print sysroot` says), when known: the confined
    /// compiler may read and execute in it.
    #[serde(default)]
    pub sysroot: Option<PathBuf>,
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

/// Where `learn` keeps its per-user cache, outside every workspace (`None` without a home folder).
pub fn user_cache_dir() -> Option<PathBuf> {
    let non_empty = |v: std::ffi::OsString| (!v.is_empty()).then(|| PathBuf::from(v));
    let home = std::env::var_os("HOME").and_then(non_empty);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Caches"))
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .and_then(non_empty)
            .filter(|p| p.is_absolute())
            .or(home.map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("learn"))
}

/// A folder of this user's own in the system's temporary folder, for what `learn` would keep in
/// [`user_cache_dir`] where that cannot be written (a read-only home, as in some containers).
/// The temporary folder is shared, so another user could have made the folder first, or made it
/// open to others: it is used only if it is a real folder of this user's that nobody else can
/// enter.
#[cfg(unix)]
pub fn private_temp_dir() -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _};
    let uid = nix::unistd::geteuid().as_raw();
    let dir = std::env::temp_dir().join(format!("learn-{uid}"));
    let _ = fs::DirBuilder::new().mode(0o700).create(&dir);
    let meta = fs::symlink_metadata(&dir).ok()?;
    (meta.is_dir() && meta.uid() == uid && meta.mode() & 0o077 == 0).then_some(dir)
}

/// Elsewhere the temporary folder is not used for this.
#[cfg(not(unix))]
pub fn private_temp_dir() -> Option<PathBuf> {
    None
}

impl Toolchain {
    /// The toolchain for grading, from the cache in the user's cache folder when it is still valid.
    pub fn resolve() -> Result<Toolchain, Error> {
        let cache_dir = user_cache_dir().filter(|d| fs::create_dir_all(d).is_ok());
        Toolchain::resolve_with(cache_dir.as_deref())
    }

    /// The toolchain, asked from `cache_dir` (or the system's temporary folder) and cached there.
    pub fn resolve_with(cache_dir: Option<&Path>) -> Result<Toolchain, Error> {
        let program = program();
        let fingerprint = fingerprint(&program);
        let cache = cache_dir.map(|d| d.join("toolchain.toml"));
        if let Some(cache) = &cache
            && let Ok(text) = fs::read_to_string(cache)
            && let Ok(cached) = toml::from_str::<Cached>(&text)
            && cached.fingerprint == fingerprint
            && cached.toolchain.rustc.is_file()
        {
            return Ok(cached.toolchain);
        }
        let neutral = cache_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let toolchain = ask(&program, &neutral)?;
        if let Some(cache) = &cache {
            let cached = Cached { fingerprint, toolchain: toolchain.clone() };
            // Best effort: without the cache the next grading asks again, nothing worse.
            if let Ok(text) = toml::to_string(&cached) {
                let _ = crate::workspace::write_atomic(cache, text.as_bytes());
            }
        }
        Ok(toolchain)
    }

    /// What the confined compiler may execute (and read): its toolchain, and the system's programs
    /// (the linker `cc`, and what it calls).
    pub fn confinement_exec(&self, rustc: &Path) -> Vec<PathBuf> {
        let mut exec: Vec<PathBuf> = crate::sandbox::SYSTEM_PROGRAMS.iter().map(PathBuf::from).collect();
        match &self.sysroot {
            Some(sysroot) => exec.push(sysroot.clone()),
            None => exec.extend(rustc.parent().map(Path::to_path_buf)),
        }
        exec
    }

    /// Clippy's compiler (`clippy-driver`, which takes rustc's arguments), from the same toolchain
    /// as the compiler: never from the learner's files. `None` when the toolchain has no Clippy.
    pub fn clippy_driver(&self) -> Option<PathBuf> {
        let rustc = find_program(&self.rustc)?;
        let driver = rustc.parent()?.join(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
        driver.is_file().then_some(driver)
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
        return Ok(Toolchain { rustc: PathBuf::from(program), dynamic_std: None, sysroot: None });
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
    let sysroot = rustc.starts_with(sysroot).then(|| PathBuf::from(sysroot));
    Ok(Toolchain { rustc, dynamic_std: has_dylib_std.then_some(libdir), sysroot })
}

/// What decides which toolchain `program` runs from a neutral folder, as one string.
fn fingerprint(program: &str) -> String {
    let mut parts = vec![format!("program={program}")];
    parts.push(format!("RUSTUP_TOOLCHAIN={}", std::env::var("RUSTUP_TOOLCHAIN").unwrap_or_default()));
    parts.push(format!("found={}", find_program(Path::new(program)).as_deref().map(stamp).unwrap_or_default()));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".rustup")));
    if let Some(home) = rustup_home {
        parts.push(format!("settings={}", stamp(&home.join("settings.toml"))));
    }
    parts.join(";")
}

/// `program` as a path to an existing file: itself when it names a path, else found on `PATH`.
pub fn find_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file()))
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
        let dynamic = Toolchain { rustc: "rustc".into(), dynamic_std: Some("/tc/lib".into()), sysroot: None };
        assert_eq!(
            dynamic.fast_build_args(),
            ["-C", "strip=debuginfo", "-C", "prefer-dynamic", "-C", "link-arg=-Wl,-rpath,/tc/lib"]
        );
        let fixed = Toolchain { rustc: "rustc".into(), dynamic_std: None, sysroot: None };
        assert_eq!(fixed.fast_build_args(), ["-C", "strip=debuginfo"]);
    }

    #[test]
    fn a_toolchain_file_in_the_current_folder_does_not_change_the_fingerprint() {
        let before = fingerprint("rustc");
        let dir = std::env::temp_dir().join(format!("learn-fp-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("rust-toolchain.toml"), "[toolchain]\nchannel = \"nightly\"\n").unwrap();
        let after = fingerprint("rustc");
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(before, after);
    }
}
