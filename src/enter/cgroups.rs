//! The init's cgroups as host directories: finding them under ctenter's own cgroup mounts, telling
//! whether the container is frozen, and moving a process into every one of them (as `docker exec`
//! does: runc joins each v1 hierarchy and the v2 tree). All files are opened on the host side.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use crate::procroot::SMALL_READ_LIMIT;
use crate::resolver::cgroup;

/// One cgroup filesystem mount of ctenter's mount namespace (proc_pid_mountinfo(5)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupMount {
    /// The cgroup that is the mount's root (`/` unless a subtree was mounted).
    pub root: Vec<u8>,
    pub mount_point: PathBuf,
    /// The v1 hierarchy's super options (controllers, `name=...`); `None` for cgroup2.
    pub v1_options: Option<Vec<Vec<u8>>>,
}

/// The cgroup mounts listed in a mountinfo file; other lines and malformed ones are skipped.
pub fn parse_mountinfo(content: &[u8]) -> Vec<CgroupMount> {
    content.split(|&b| b == b'\n').filter_map(parse_mount_line).collect()
}

fn parse_mount_line(line: &[u8]) -> Option<CgroupMount> {
    let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let separator = fields.iter().position(|f| *f == b"-")?;
    let (root, mount_point) = (fields.get(3)?, fields.get(4)?);
    let (fs_type, super_options) = (fields.get(separator + 1)?, fields.get(separator + 3)?);
    let v1_options = match *fs_type {
        b"cgroup2" => None,
        b"cgroup" => Some(super_options.split(|&b| b == b',').map(<[u8]>::to_vec).collect()),
        _ => return None,
    };
    Some(CgroupMount {
        root: unescape(root),
        mount_point: PathBuf::from(OsStr::from_bytes(&unescape(mount_point))),
        v1_options,
    })
}

/// mountinfo writes space, tab, newline and backslash in paths as `\ooo` octal escapes.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field
            .get(i + 1..i + 4)
            .filter(|d| field[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                out.push((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0'));
                i += 4;
            }
            None => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    out
}

/// The `hierarchy` of the v2 line.
const UNIFIED: &str = "unified";

/// Where one line of the init's cgroup file lives on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupDir {
    /// `memory`, `cpu,cpuacct`, `name=systemd`, or `unified` for the v2 line.
    pub hierarchy: String,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CgroupError {
    #[error("cgroup {hierarchy}:{path} of the container's init is not under any cgroup mount of ctenter's")]
    NotMounted { hierarchy: String, path: String },
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot join cgroup {path}: {reason}")]
    Join { path: String, reason: String },
}

/// Pure: the host directory of every cgroup in the init's `cgroup` file. A path that leaves
/// ctenter's cgroup namespace (`/..`) or a hierarchy ctenter has not mounted is an error.
pub fn dirs(init_cgroup: &[u8], mounts: &[CgroupMount]) -> Result<Vec<CgroupDir>, CgroupError> {
    let mut dirs = Vec::new();
    for line in cgroup::lines(init_cgroup) {
        let v2 = line.hierarchy == b"0" && line.controllers.is_empty();
        let hierarchy =
            if v2 { UNIFIED.to_string() } else { String::from_utf8_lossy(line.controllers).into_owned() };
        let wanted: Vec<&[u8]> = line.controllers.split(|&b| b == b',').collect();
        let relative = mounts.iter().find_map(|mount| {
            let matches = match &mount.v1_options {
                None => v2,
                Some(options) => !v2 && wanted.iter().all(|c| options.iter().any(|o| o == c)),
            };
            let rest = line.path.strip_prefix(mount.root.strip_suffix(b"/").unwrap_or(&mount.root))?;
            (matches && (rest.is_empty() || rest[0] == b'/')).then_some((mount, rest))
        });
        let escapes = cgroup::segments(line.path).any(|(segment, _)| segment == b"..");
        let Some((mount, rest)) = relative.filter(|_| !escapes) else {
            return Err(CgroupError::NotMounted {
                hierarchy,
                path: String::from_utf8_lossy(line.path).into_owned(),
            });
        };
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        dirs.push(CgroupDir { hierarchy, path: mount.mount_point.join(OsStr::from_bytes(rest)) });
    }
    Ok(dirs)
}

/// Pure: whether a freezer file says the cgroup is frozen or being frozen (v1 `freezer.state`:
/// FREEZING or FROZEN; v2 `cgroup.events`: `frozen 1`, or `cgroup.freeze`: 1).
pub fn says_frozen(file_name: &str, content: &[u8]) -> bool {
    let text = String::from_utf8_lossy(content);
    match file_name {
        "freezer.state" => matches!(text.trim(), "FREEZING" | "FROZEN"),
        "cgroup.events" => text.lines().any(|line| line.trim() == "frozen 1"),
        "cgroup.freeze" => text.trim() == "1",
        _ => false,
    }
}

/// Whether any of the init's cgroups is frozen (`docker pause`, `podman pause`, `lxc-freeze`).
/// Joining it would freeze the command, and copying the init's seccomp filter would wait forever.
pub fn frozen(dirs: &[CgroupDir]) -> Result<bool, CgroupError> {
    for dir in dirs {
        for name in ["freezer.state", "cgroup.events", "cgroup.freeze"] {
            let path = dir.path.join(name);
            match read_small(&path) {
                Ok(content) if says_frozen(name, &content) => return Ok(true),
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(CgroupError::Read {
                        path: path.display().to_string(),
                        reason: err.to_string(),
                    });
                }
            }
        }
    }
    Ok(false)
}

fn read_small(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)?.take(SMALL_READ_LIMIT).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The init's cgroups, opened on the host before any join, for the joiner to be moved into.
///
/// Writing a pid (or 0, "the writer") to `cgroup.procs` makes the kernel take the global
/// cgroup_threadgroup_rwsem for writing, and that waits for an RCU grace period: 7 to 20 ms on
/// the test machine, the largest cost of `enter` (docs/PERFORMANCE.md). A thread that moves only
/// itself skips that lock (kernel/cgroup/cgroup.c, cgroup_procs_write_start(); 0.1 ms for every
/// v1 hierarchy together on the same machine), and the joiner is a single thread, so the v1
/// hierarchies get a 0 written to their `tasks` file. The v2 tree has no such per-thread move
/// across domains; there the joiner is born in the cgroup instead (CLONE_INTO_CGROUP), and
/// `cgroup.procs` is only the fallback for kernels before 5.7.
#[derive(Debug, Default)]
pub struct CgroupJoin {
    /// Each v1 hierarchy's `tasks` file.
    v1_tasks: Vec<(PathBuf, File)>,
    unified: Option<UnifiedCgroup>,
}

#[derive(Debug)]
struct UnifiedCgroup {
    path: PathBuf,
    /// The directory itself, for clone3(2) CLONE_INTO_CGROUP.
    dir: OwnedFd,
    procs: File,
    /// Set in the child of a successful CLONE_INTO_CGROUP: it was born there.
    born_in: bool,
}

impl CgroupJoin {
    pub fn open(dirs: &[CgroupDir]) -> Result<Self, CgroupError> {
        let open_write = |path: PathBuf| match OpenOptions::new().write(true).open(&path) {
            Ok(file) => Ok((path, file)),
            Err(err) => Err(CgroupError::Join { path: path.display().to_string(), reason: err.to_string() }),
        };
        let mut join = Self::default();
        for dir in dirs {
            if dir.hierarchy != UNIFIED {
                join.v1_tasks.push(open_write(dir.path.join("tasks"))?);
                continue;
            }
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
            let dir_fd =
                nix::fcntl::open(&dir.path, flags, Mode::empty()).map_err(|errno| CgroupError::Join {
                    path: dir.path.display().to_string(),
                    reason: std::io::Error::from(errno).to_string(),
                })?;
            let (_, procs) = open_write(dir.path.join("cgroup.procs"))?;
            join.unified = Some(UnifiedCgroup { path: dir.path.clone(), dir: dir_fd, procs, born_in: false });
        }
        Ok(join)
    }

    /// The v2 cgroup's directory, for the parent to fork the joiner into (`sys::fork_into_cgroup`).
    pub fn unified_dir(&self) -> Option<BorrowedFd<'_>> {
        self.unified.as_ref().map(|unified| unified.dir.as_fd())
    }

    /// In the child of a successful `fork_into_cgroup`: the v2 cgroup needs no write.
    pub fn born_in_unified(&mut self) {
        if let Some(unified) = &mut self.unified {
            unified.born_in = true;
        }
    }

    /// In the (single-threaded) joiner: moves it into every cgroup; its children are born there.
    pub fn join(self) -> Result<(), CgroupError> {
        let write_zero = |path: &PathBuf, mut file: File| {
            file.write_all(b"0").map_err(|err| CgroupError::Join {
                path: path.display().to_string(),
                reason: err.to_string(),
            })
        };
        if let Some(unified) = self.unified.filter(|unified| !unified.born_in) {
            write_zero(&unified.path.join("cgroup.procs"), unified.procs)?;
        }
        for (path, file) in self.v1_tasks {
            write_zero(&path, file)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &[u8] = b"22 1 0:21 / /proc rw,nosuid - proc proc rw\n\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n\
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n\
33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n\
34 31 0:31 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n\
35 31 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n\
36 31 0:33 /docker /mnt/odd\\040dir rw - cgroup cgroup rw,pids\n\
garbage line\n";

    #[test]
    fn mountinfo_keeps_cgroup_mounts_with_their_roots_and_options() {
        let mounts = parse_mountinfo(MOUNTINFO);
        assert_eq!(mounts.len(), 5);
        assert_eq!(mounts[0].mount_point, PathBuf::from("/sys/fs/cgroup/cpu,cpuacct"));
        assert_eq!(mounts[0].v1_options.as_ref().unwrap()[1], b"cpu");
        assert_eq!(mounts[3].v1_options, None);
        assert_eq!(mounts[4].root, b"/docker");
        assert_eq!(mounts[4].mount_point, PathBuf::from("/mnt/odd dir"));
    }

    #[test]
    fn every_init_cgroup_maps_to_its_mount() {
        let mounts = parse_mountinfo(MOUNTINFO);
        let init = b"4:pids:/docker/abc\n3:name=systemd:/docker/abc\n2:memory:/docker/abc\n\
1:cpu,cpuacct:/docker/abc\n0::/system.slice/docker-abc.scope\n";
        let got: Vec<_> = dirs(init, &mounts).unwrap().into_iter().map(|d| (d.hierarchy, d.path)).collect();
        let want = [
            ("pids", "/mnt/odd dir/abc"),
            ("name=systemd", "/sys/fs/cgroup/systemd/docker/abc"),
            ("memory", "/sys/fs/cgroup/memory/docker/abc"),
            ("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/docker/abc"),
            ("unified", "/sys/fs/cgroup/unified/system.slice/docker-abc.scope"),
        ];
        let want: Vec<_> = want.iter().map(|(h, p)| (h.to_string(), PathBuf::from(p))).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn unreachable_cgroups_are_errors() {
        let mounts = parse_mountinfo(MOUNTINFO);
        for init in [&b"0::/../../docker/abc\n"[..], b"7:blkio:/docker/abc\n", b"4:pids:/other/abc\n"] {
            assert!(matches!(dirs(init, &mounts), Err(CgroupError::NotMounted { .. })), "{init:?}");
        }
    }

    #[test]
    fn freezer_states() {
        assert!(says_frozen("freezer.state", b"FROZEN\n"));
        assert!(says_frozen("freezer.state", b"FREEZING\n"));
        assert!(!says_frozen("freezer.state", b"THAWED\n"));
        assert!(says_frozen("cgroup.events", b"populated 1\nfrozen 1\n"));
        assert!(!says_frozen("cgroup.events", b"populated 1\nfrozen 0\n"));
        assert!(says_frozen("cgroup.freeze", b"1\n"));
        assert!(!says_frozen("cgroup.freeze", b"0\n"));
    }
}
