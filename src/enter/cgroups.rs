//! The init's cgroups as host directories: finding them under ctenter's own cgroup mounts, telling
//! whether the container is frozen, and moving a process into every one of them (as `docker exec`
//! does: runc joins each v1 hierarchy and the v2 tree). All files are opened on the host side.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

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
            if v2 { "unified".to_string() } else { String::from_utf8_lossy(line.controllers).into_owned() };
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

/// `cgroup.procs` of every dir, opened for writing now (on the host, before any join).
pub fn open_procs(dirs: &[CgroupDir]) -> Result<Vec<(PathBuf, File)>, CgroupError> {
    dirs.iter()
        .map(|dir| {
            let path = dir.path.join("cgroup.procs");
            OpenOptions::new().write(true).open(&path).map(|file| (path.clone(), file)).map_err(|err| {
                CgroupError::Join { path: path.display().to_string(), reason: err.to_string() }
            })
        })
        .collect()
}

/// Moves the calling process into every cgroup (writing 0 to cgroup.procs means "the writer",
/// cgroups(7)); its children are born there.
pub fn join(procs: &mut [(PathBuf, File)]) -> Result<(), CgroupError> {
    for (path, file) in procs {
        file.write_all(b"0")
            .map_err(|err| CgroupError::Join { path: path.display().to_string(), reason: err.to_string() })?;
    }
    Ok(())
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
