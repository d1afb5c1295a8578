//! The `learn` binary: everything lives in the library; see `learn::run`.

// One clear error instead of a wall of them from Unix-only code (README.md, "Platforms").
#[cfg(not(unix))]
compile_error!(
    "learn runs on Linux and macOS. On Windows, use it through WSL 2 (Windows Subsystem for Linux): \
     install WSL 2 (`wsl --install` in PowerShell), then install Rust and learn inside your Linux \
     distribution, and keep your workspace in its file system (e.g. under ~). A native Windows port is \
     planned but not promised: see README.md, section \"Platforms\"."
);

#[cfg(unix)]
fn main() {
    std::process::exit(learn::run(std::env::args_os().collect()));
}

#[cfg(not(unix))]
fn main() {}
