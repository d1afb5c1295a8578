//! The `learn` binary: everything lives in the library; see `learn::run`.

fn main() {
    std::process::exit(learn::run(std::env::args_os().collect()));
}
