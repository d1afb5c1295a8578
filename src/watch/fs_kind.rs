//! Whether file-system events can be trusted for a folder. On some file systems a file can change
//! without the watching machine's kernel knowing: the change was made by another machine or another
//! operating system (an NFS or SMB share, WSL's Windows drives edited from a Windows editor, a 9p or
//! virtiofs share of a virtual machine), or by the process behind a FUSE mount (sshfs, bindfs). No
//! event comes then, so watch mode polls those folders from the start.
//!
//! The decision is a pure function of what was found: the file system's type, the folder's path and
//! whether this is WSL ([`why_poll`]); [`detect`] gathers those facts for a real folder.

use std::path::{Component, Path};

/// A file system's type as the kernel names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsType {
    /// Linux's `statfs` magic number.
    Magic(u32),
    /// The type's name (macOS and the BSDs: `nfs`, `smbfs`, `macfuse`, ...).
    #[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
    Name(String),
    /// Not known (`statfs` failed, or another system).
    Unknown,
}

/// What is known of the system `learn` runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// Running under WSL (Windows Subsystem for Linux).
    pub wsl: bool,
}

impl Env {
    /// Reads the environment: WSL sets `WSL_DISTRO_NAME` and `WSL_INTEROP` in every shell it
    /// starts, and its kernel's release string names Microsoft (which also holds under `sudo` or a
    /// service, where those variables are gone).
    pub fn detect() -> Env {
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        Env::from_facts(|name| std::env::var_os(name).is_some(), &kernel)
    }

    /// [`Env::detect`] over given facts: `is_set` says whether an environment variable is set.
    pub fn from_facts(is_set: impl Fn(&str) -> bool, kernel_release: &str) -> Env {
        let kernel = kernel_release.to_ascii_lowercase();
        Env { wsl: is_set("WSL_DISTRO_NAME") || is_set("WSL_INTEROP") || kernel.contains("microsoft") }
    }
}

/// The file systems whose changes may come without an event, with how to say their name.
const REMOTE_MAGIC: &[(u32, &str)] = &[
    (0x0102_1997, "a 9p file system (a share of a virtual machine's host, or WSL's Windows drives)"),
    (0x0000_6969, "an NFS network share"),
    (0x0000_517B, "an SMB network share"),
    (0xFF53_4D42, "a CIFS network share"),
    (0xFE53_4D42, "an SMB network share"),
    (0x6573_5546, "a FUSE file system (sshfs, bindfs, virtiofs, ...)"),
    (0x786F_4256, "a VirtualBox shared folder"),
    (0x7375_7245, "a Coda network file system"),
    (0x5346_414F, "an AFS network file system"),
    (0x00C3_6400, "a Ceph network file system"),
];

/// The same, by the names macOS and the BSDs give (`statfs`'s `f_fstypename`).
const REMOTE_NAMES: &[(&str, &str)] = &[
    ("nfs", "an NFS network share"),
    ("smbfs", "an SMB network share"),
    ("afpfs", "an AFP network share"),
    ("webdav", "a WebDAV share"),
    ("9p", "a 9p file system"),
    ("virtiofs", "a virtiofs share"),
];

/// Why events may not report changes in `dir`, as the end of the sentence "watching by polling:
/// this folder is on ...", or `None` when events can be trusted. `dir` should be canonical (links
/// resolved), so a link from the Linux side to a Windows drive is seen for what it is.
pub fn why_poll(fs: &FsType, dir: &Path, env: &Env) -> Option<String> {
    if env.wsl
        && let Some(drive) = windows_drive(dir)
    {
        return Some(format!(
            "the Windows drive {drive}:, where saves from Windows editors may send no event \
             (keep the workspace in the Linux file system, e.g. under ~, for instant updates)"
        ));
    }
    let what = match fs {
        FsType::Magic(magic) => REMOTE_MAGIC.iter().find(|(m, _)| m == magic).map(|(_, what)| *what),
        FsType::Name(name) => {
            let name = name.to_ascii_lowercase();
            let fuse = name.contains("fuse");
            REMOTE_NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, what)| *what)
                .or(fuse.then_some("a FUSE file system"))
        }
        FsType::Unknown => None,
    }?;
    Some(format!("{what}, which may not report changes"))
}

/// The drive letter of a path under WSL's default mount point for Windows drives (`/mnt/c/...`).
fn windows_drive(dir: &Path) -> Option<char> {
    let mut parts = dir.components();
    if parts.next() != Some(Component::RootDir) || parts.next() != Some(Component::Normal("mnt".as_ref())) {
        return None;
    }
    let drive = parts.next()?.as_os_str().to_str()?;
    let mut chars = drive.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None) if letter.is_ascii_alphabetic() => Some(letter.to_ascii_uppercase()),
        _ => None,
    }
}

/// The type of the file system that holds `dir`.
pub fn fs_type(dir: &Path) -> FsType {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // Every magic number is 32 bits wide; the field's width differs between architectures.
        nix::sys::statfs::statfs(dir).map_or(FsType::Unknown, |s| FsType::Magic(s.filesystem_type().0 as u32))
    }
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd", target_os = "openbsd"))]
    {
        nix::sys::statfs::statfs(dir).map_or(FsType::Unknown, |s| FsType::Name(s.filesystem_type_name().to_string()))
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd"
    )))]
    {
        let _ = dir;
        FsType::Unknown
    }
}

/// [`why_poll`] for a real folder on this machine.
pub fn detect(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    why_poll(&fs_type(&dir), &dir, &Env::detect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXT4: FsType = FsType::Magic(0xEF53);
    const V9FS: FsType = FsType::Magic(0x0102_1997);
    const FUSE: FsType = FsType::Magic(0x6573_5546);

    fn wsl() -> Env {
        Env { wsl: true }
    }

    #[test]
    fn local_file_systems_are_trusted() {
        assert_eq!(why_poll(&EXT4, Path::new("/home/ada/course"), &Env::default()), None);
        assert_eq!(why_poll(&FsType::Magic(0x0102_1994), Path::new("/tmp/course"), &Env::default()), None); // tmpfs
        assert_eq!(why_poll(&FsType::Name("apfs".into()), Path::new("/Users/ada/course"), &Env::default()), None);
        assert_eq!(why_poll(&FsType::Unknown, Path::new("/home/ada/course"), &Env::default()), None);
    }

    #[test]
    fn network_and_fuse_file_systems_are_polled() {
        let home = Path::new("/home/ada/course");
        let says = |fs: FsType| why_poll(&fs, home, &Env::default()).unwrap();
        assert_eq!(says(FUSE), "a FUSE file system (sshfs, bindfs, virtiofs, ...), which may not report changes");
        assert!(says(V9FS).starts_with("a 9p file system"));
        assert!(says(FsType::Magic(0x6969)).starts_with("an NFS network share"));
        assert!(says(FsType::Magic(0xFF53_4D42)).starts_with("a CIFS network share"));
        assert!(says(FsType::Magic(0xFE53_4D42)).starts_with("an SMB network share"));
        assert!(says(FsType::Magic(0x517B)).starts_with("an SMB network share"));
        assert!(says(FsType::Name("smbfs".into())).starts_with("an SMB network share"));
        assert!(says(FsType::Name("nfs".into())).starts_with("an NFS network share"));
        assert!(says(FsType::Name("macfuse".into())).starts_with("a FUSE file system"));
    }

    #[test]
    fn windows_drives_under_wsl_are_polled_whatever_their_type_says() {
        let on_c = why_poll(&EXT4, Path::new("/mnt/c/Users/ada/course"), &wsl()).unwrap();
        assert!(on_c.starts_with("the Windows drive C:, where saves from Windows editors may send no event"), "{on_c}");
        assert!(on_c.contains("keep the workspace in the Linux file system"), "{on_c}");
        assert!(why_poll(&V9FS, Path::new("/mnt/d"), &wsl()).unwrap().starts_with("the Windows drive D:"));
        // The Linux side of WSL has events.
        assert_eq!(why_poll(&EXT4, Path::new("/home/ada/course"), &wsl()), None);
        assert_eq!(why_poll(&EXT4, Path::new("/mnt/wsl/course"), &wsl()), None);
        // Outside WSL, /mnt/c is just a folder: its type decides.
        assert_eq!(why_poll(&EXT4, Path::new("/mnt/c/course"), &Env::default()), None);
        assert!(why_poll(&V9FS, Path::new("/mnt/c/course"), &Env::default()).is_some());
    }

    #[test]
    fn wsl_is_known_by_its_variables_or_its_kernel() {
        let none = |_: &str| false;
        assert!(!Env::from_facts(none, "6.8.0-45-generic\n").wsl);
        assert!(Env::from_facts(none, "5.15.167.4-microsoft-standard-WSL2\n").wsl);
        assert!(Env::from_facts(none, "4.4.0-19041-Microsoft\n").wsl);
        assert!(Env::from_facts(|v| v == "WSL_DISTRO_NAME", "6.8.0").wsl);
        assert!(Env::from_facts(|v| v == "WSL_INTEROP", "6.8.0").wsl);
    }
}
