//! The ordered table of namespace kinds, and choosing which of a target's namespaces to join.
//!
//! One table drives the `--ns` names, the `/proc/<pid>/ns/*` files, the setns flags and the join
//! order, as in util-linux nsenter.c ("careful, the order is significant"): the user namespace
//! first, so that later joins are checked against the capabilities it grants, mnt late, since
//! after it every path resolves inside the container.

pub mod join;

use std::fmt;
use std::os::unix::fs::MetadataExt;

use crate::procroot::{ProcError, ProcRoot};

/// CLONE_NEWTIME (linux/sched.h); libc only exports it for some targets.
const CLONE_NEWTIME: libc::c_int = 0x0000_0080;

#[derive(Debug, PartialEq, Eq)]
pub struct NsKind {
    /// The `--ns` name and the file in `/proc/<pid>/ns/`.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub flag: libc::c_int,
    /// The file that shows which namespace *this* process joined: setns(2) on a pid or time
    /// namespace changes only the namespace of children, shown as `*_for_children`.
    pub joined_file: &'static str,
    /// nsenter(1)'s option for this kind, for `pid --explain`.
    pub nsenter: &'static str,
}

pub static NAMESPACES: [NsKind; 8] = [
    NsKind { name: "user", aliases: &[], flag: libc::CLONE_NEWUSER, joined_file: "user", nsenter: "--user" },
    NsKind {
        name: "cgroup",
        aliases: &[],
        flag: libc::CLONE_NEWCGROUP,
        joined_file: "cgroup",
        nsenter: "--cgroup",
    },
    NsKind { name: "ipc", aliases: &[], flag: libc::CLONE_NEWIPC, joined_file: "ipc", nsenter: "--ipc" },
    NsKind { name: "uts", aliases: &[], flag: libc::CLONE_NEWUTS, joined_file: "uts", nsenter: "--uts" },
    NsKind {
        name: "net",
        aliases: &["network"],
        flag: libc::CLONE_NEWNET,
        joined_file: "net",
        nsenter: "--net",
    },
    NsKind {
        name: "pid",
        aliases: &[],
        flag: libc::CLONE_NEWPID,
        joined_file: "pid_for_children",
        nsenter: "--pid",
    },
    NsKind {
        name: "mnt",
        aliases: &["mount"],
        flag: libc::CLONE_NEWNS,
        joined_file: "mnt",
        nsenter: "--mount",
    },
    NsKind {
        name: "time",
        aliases: &[],
        flag: CLONE_NEWTIME,
        joined_file: "time_for_children",
        nsenter: "--time",
    },
];

pub fn kind_by_name(name: &str) -> Option<&'static NsKind> {
    NAMESPACES.iter().find(|k| k.name == name || k.aliases.contains(&name))
}

pub fn known_names() -> String {
    NAMESPACES.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// A namespace's identity: the nsfs device and inode behind `/proc/<pid>/ns/<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsId {
    pub dev: u64,
    pub ino: u64,
}

impl fmt::Display for NsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.ino)
    }
}

impl NsId {
    pub fn from_metadata(meta: &std::fs::Metadata) -> Self {
        Self { dev: meta.dev(), ino: meta.ino() }
    }
}

/// Each kind's namespace for one process, in table order; `None` where the kernel lacks the kind.
pub type NsIds = Vec<(&'static NsKind, Option<NsId>)>;

/// Reads the namespaces of `pid` under `root` (`ns/<name>`, what the process itself is in).
pub fn read_target(root: &ProcRoot, pid: u32) -> Result<NsIds, ProcError> {
    read_ns(|name| root.process_file(pid, name), Some(pid))
}

/// Reads ctenter's own namespaces from the live /proc.
pub fn read_own() -> Result<NsIds, ProcError> {
    let root = ProcRoot::live();
    read_ns(|name| root.self_file(name), None)
}

fn read_ns(file: impl Fn(&str) -> std::path::PathBuf, pid: Option<u32>) -> Result<NsIds, ProcError> {
    // A missing `ns/<name>` means the kernel lacks that kind only while the `ns` dir exists.
    let kernel_lacks = |err: &std::io::Error| err.raw_os_error() == Some(libc::ENOENT) && file("ns").exists();
    NAMESPACES
        .iter()
        .map(|kind| {
            let path = file(&format!("ns/{}", kind.name));
            match std::fs::metadata(&path) {
                Ok(meta) => Ok((kind, Some(NsId::from_metadata(&meta)))),
                Err(err) if kernel_lacks(&err) => Ok((kind, None)),
                Err(source) => Err(ProcError { path, pid, source }),
            }
        })
        .collect()
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("namespace {0}: not supported by this kernel (no /proc/<pid>/ns/{0})")]
    Unsupported(&'static str),
    /// Every container runtime gives a container its own mount namespace; an init that shares
    /// ours is `runc init` before it unshared (container starting) or not a container process at
    /// all. Joining "what differs" would then join nothing and run the command on the host.
    #[error(
        "container not running: its init shares ctenter's mount namespace (the container is starting or stopping)"
    )]
    HostMountNamespace,
    #[error(
        "namespace user: the container shares ctenter's user namespace, which cannot be re-joined; nothing to join"
    )]
    NothingToJoin,
}

/// One namespace to join, with the identity the target has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    pub kind: &'static NsKind,
    pub target: NsId,
}

/// Pure: which namespaces to join, in table order.
///
/// Default (`requested` is `None`): every kind whose target namespace differs from ours; kinds the
/// kernel lacks are skipped. Requested: each named kind, an error if the kernel lacks it. Our own
/// user namespace is never re-joined: setns(2) fails with EINVAL on it. A target in our own mount
/// namespace is refused whatever was asked: it is not (yet, or any more) a container.
pub fn plan(
    requested: Option<&[&'static NsKind]>,
    target: &NsIds,
    own: &NsIds,
) -> Result<Vec<Join>, PlanError> {
    let own_id = |kind: &NsKind| own.iter().find(|(k, _)| *k == kind).and_then(|(_, id)| *id);
    let target_id = |kind: &NsKind| target.iter().find(|(k, _)| *k == kind).and_then(|(_, id)| *id);
    let mnt = kind_by_name("mnt").expect("mnt is in the table");
    if own_id(mnt).is_some() && target_id(mnt) == own_id(mnt) {
        return Err(PlanError::HostMountNamespace);
    }
    let mut joins = Vec::new();
    for (kind, target_id) in target {
        let wanted = requested.is_none_or(|set| set.contains(kind));
        if !wanted {
            continue;
        }
        let Some(target_id) = *target_id else {
            if requested.is_some() {
                return Err(PlanError::Unsupported(kind.name));
            }
            continue;
        };
        let same = own_id(kind) == Some(target_id);
        if same && (requested.is_none() || kind.flag == libc::CLONE_NEWUSER) {
            continue;
        }
        joins.push(Join { kind, target: target_id });
    }
    if joins.is_empty() {
        return Err(PlanError::NothingToJoin);
    }
    Ok(joins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: [Option<u64>; 8]) -> NsIds {
        NAMESPACES.iter().zip(values).map(|(k, v)| (k, v.map(|ino| NsId { dev: 4, ino }))).collect()
    }

    fn names(joins: &[Join]) -> Vec<&str> {
        joins.iter().map(|j| j.kind.name).collect()
    }

    const OWN: [Option<u64>; 8] = [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(7), Some(8)];

    #[test]
    fn default_joins_what_differs_in_table_order() {
        let target = ids([Some(1), Some(2), Some(33), Some(44), Some(55), Some(66), Some(77), Some(8)]);
        let joins = plan(None, &target, &ids(OWN)).unwrap();
        assert_eq!(names(&joins), vec!["ipc", "uts", "net", "pid", "mnt"]);
        assert_eq!(joins[4].target, NsId { dev: 4, ino: 77 });
    }

    #[test]
    fn missing_kind_is_skipped_by_default_and_an_error_when_asked() {
        let target = ids([Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(77), None]);
        assert_eq!(names(&plan(None, &target, &ids(OWN)).unwrap()), vec!["mnt"]);
        let time = kind_by_name("time").unwrap();
        assert_eq!(plan(Some(&[time]), &target, &ids(OWN)), Err(PlanError::Unsupported("time")));
    }

    #[test]
    fn a_target_in_our_mount_namespace_is_refused() {
        let runc_init = ids(OWN);
        assert_eq!(plan(None, &runc_init, &ids(OWN)), Err(PlanError::HostMountNamespace));
        let host_net = [kind_by_name("net").unwrap()];
        assert_eq!(plan(Some(&host_net), &runc_init, &ids(OWN)), Err(PlanError::HostMountNamespace));
        let only_net_differs = ids([Some(1), Some(2), Some(3), Some(4), Some(55), Some(6), Some(7), Some(8)]);
        assert_eq!(plan(None, &only_net_differs, &ids(OWN)), Err(PlanError::HostMountNamespace));
    }

    #[test]
    fn asking_only_for_our_own_user_namespace_joins_nothing_and_is_refused() {
        let target = ids([Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(77), Some(8)]);
        let user = [kind_by_name("user").unwrap()];
        assert_eq!(plan(Some(&user), &target, &ids(OWN)), Err(PlanError::NothingToJoin));
    }

    #[test]
    fn requested_kinds_are_joined_even_when_equal_except_our_user_namespace() {
        let target = ids([Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(77), Some(8)]);
        let asked =
            [kind_by_name("mount").unwrap(), kind_by_name("user").unwrap(), kind_by_name("network").unwrap()];
        assert_eq!(names(&plan(Some(&asked), &target, &ids(OWN)).unwrap()), vec!["net", "mnt"]);
        let other_user = ids([Some(91), Some(2), Some(3), Some(4), Some(5), Some(6), Some(77), Some(8)]);
        assert_eq!(names(&plan(Some(&asked), &other_user, &ids(OWN)).unwrap()), vec!["user", "net", "mnt"]);
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(kind_by_name("mount").unwrap().name, "mnt");
        assert!(kind_by_name("bogus").is_none());
        assert_eq!(known_names(), "user, cgroup, ipc, uts, net, pid, mnt, time");
    }
}
