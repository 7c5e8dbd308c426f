//! `ProcRoot`: the one door to a /proc-shaped tree (the live /proc or a fixture); nothing else names /proc.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Files ctenter reads from a process directory are small; these caps keep a hostile process
/// (a huge `environ` or `cmdline`) from making ctenter allocate without bound.
pub const CGROUP_READ_LIMIT: u64 = 1 << 20;
pub const SMALL_READ_LIMIT: u64 = 64 << 10;
/// execve(2) caps argv+envp at a quarter of the stack limit (2 MiB with the usual 8 MiB stack).
/// An environ beyond this is refused rather than cut: a cut one would drop variables silently.
pub const ENVIRON_READ_LIMIT: u64 = 32 << 20;

#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct ProcError {
    pub path: PathBuf,
    pub pid: Option<u32>,
    #[source]
    pub source: io::Error,
}

impl ProcError {
    /// The process exited between listing and reading: skip it silently (ENOENT/ESRCH).
    pub fn is_vanished(&self) -> bool {
        is_vanished(&self.source)
    }

    /// The caller may not read this process (EACCES/EPERM): count it, warn once.
    pub fn is_permission(&self) -> bool {
        matches!(self.source.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM))
    }
}

/// The vanished-process policy, decided once: a pid directory that disappears mid-read shows up as
/// ENOENT on open, or ESRCH on read of an already-opened file (proc(5)).
pub fn is_vanished(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ENOENT) | Some(libc::ESRCH))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcRoot {
    path: PathBuf,
}

impl ProcRoot {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The procfs of ctenter's own mount namespace, used for ctenter's own identity (`self`).
    pub fn live() -> Self {
        Self::new("/proc")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether pids under this root are pids in ctenter's own pid namespace: the root is a procfs
    /// (statfs(2) PROC_SUPER_MAGIC, so not a fixture) whose `self` names our own pid (so not the
    /// procfs of another pid namespace, where `self` is our pid there, or absent).
    pub fn is_own_pid_namespace(&self) -> bool {
        let is_procfs = nix::sys::statfs::statfs(&self.path)
            .is_ok_and(|fs| fs.filesystem_type() == nix::sys::statfs::PROC_SUPER_MAGIC);
        let self_pid = std::fs::read_link(self.path.join("self")).ok();
        is_procfs && self_pid.is_some_and(|link| link.as_os_str() == std::process::id().to_string().as_str())
    }

    /// Every numeric entry: processes only, since /proc lists thread groups, not threads.
    pub fn pids(&self) -> Result<impl Iterator<Item = u32> + '_, ProcError> {
        let entries = std::fs::read_dir(&self.path).map_err(|source| ProcError {
            path: self.path.clone(),
            pid: None,
            source,
        })?;
        Ok(entries.filter_map(|entry| parse_pid(entry.ok()?.file_name().as_os_str())))
    }

    pub fn process_file(&self, pid: u32, name: &str) -> PathBuf {
        let mut path = self.path.clone();
        path.push(pid.to_string());
        path.push(name);
        path
    }

    /// Reads `<root>/<pid>/<name>` into `buf` (cleared first), at most `limit` bytes.
    pub fn read_into(&self, pid: u32, name: &str, limit: u64, buf: &mut Vec<u8>) -> Result<(), ProcError> {
        buf.clear();
        let path = self.process_file(pid, name);
        // O_NONBLOCK: in a --proc-root tree a FIFO named `cgroup` must not hang the scan.
        let open = File::options().read(true).custom_flags(libc::O_NONBLOCK).open(&path);
        let result = open.and_then(|file| file.take(limit).read_to_end(buf));
        result.map(|_| ()).map_err(|source| ProcError { path, pid: Some(pid), source })
    }

    pub fn read(&self, pid: u32, name: &str, limit: u64) -> Result<Vec<u8>, ProcError> {
        let mut buf = Vec::new();
        self.read_into(pid, name, limit, &mut buf)?;
        Ok(buf)
    }

    /// Like `read`, but a missing optional file (common in fixtures) is `None`.
    pub fn read_optional(&self, pid: u32, name: &str, limit: u64) -> Option<Vec<u8>> {
        self.read(pid, name, limit).ok()
    }

    pub fn read_link(&self, pid: u32, name: &str) -> Result<PathBuf, ProcError> {
        let path = self.process_file(pid, name);
        std::fs::read_link(&path).map_err(|source| ProcError { path, pid: Some(pid), source })
    }

    /// A file outside the process directories (`stat`, `sys/kernel/osrelease`), as lossy text.
    /// `stat`'s `intr` line grows with the interrupt count: the cgroup limit covers it.
    pub fn read_global(&self, name: &str) -> Option<String> {
        let mut buf = Vec::new();
        File::open(self.path.join(name))
            .and_then(|f| f.take(CGROUP_READ_LIMIT).read_to_end(&mut buf))
            .ok()?;
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    /// `<root>/self/<name>`, for ctenter's own identity.
    pub fn self_file(&self, name: &str) -> PathBuf {
        self.path.join("self").join(name)
    }

    pub fn read_optional_self(&self, name: &str, limit: u64) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        File::open(self.self_file(name)).and_then(|f| f.take(limit).read_to_end(&mut buf)).ok()?;
        Some(buf)
    }
}

fn parse_pid(name: &OsStr) -> Option<u32> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_entries_are_pids() {
        assert_eq!(parse_pid(OsStr::new("123")), Some(123));
        assert_eq!(parse_pid(OsStr::new("self")), None);
        assert_eq!(parse_pid(OsStr::new("12a")), None);
        assert_eq!(parse_pid(OsStr::new("")), None);
        assert_eq!(parse_pid(OsStr::new("99999999999999")), None);
    }

    #[test]
    fn only_the_live_procfs_is_our_pid_namespace() {
        assert!(ProcRoot::live().is_own_pid_namespace());
        let fixture = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(std::process::id().to_string(), fixture.path().join("self")).unwrap();
        assert!(!ProcRoot::new(fixture.path()).is_own_pid_namespace(), "not a procfs");
        assert!(!ProcRoot::new("/nonexistent").is_own_pid_namespace());
    }

    #[test]
    fn a_fifo_in_a_proc_tree_does_not_hang_the_read() {
        let tree = tempfile::tempdir().unwrap();
        std::fs::create_dir(tree.path().join("7")).unwrap();
        nix::unistd::mkfifo(&tree.path().join("7/cgroup"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert_eq!(ProcRoot::new(tree.path()).read(7, "cgroup", CGROUP_READ_LIMIT).unwrap(), b"");
    }

    #[test]
    fn vanished_and_permission_are_told_apart() {
        let err = |errno| ProcError {
            path: "/proc/1/cgroup".into(),
            pid: Some(1),
            source: io::Error::from_raw_os_error(errno),
        };
        assert!(err(libc::ENOENT).is_vanished());
        assert!(err(libc::ESRCH).is_vanished());
        assert!(!err(libc::EACCES).is_vanished());
        assert!(err(libc::EACCES).is_permission());
        assert!(!err(libc::EIO).is_permission());
    }
}
