//! Joining a target's namespaces (the only setns(2) call site) and checking the result.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::PathBuf;

use nix::fcntl::AtFlags;
use nix::sched::{CloneFlags, setns};
use nix::sys::stat::fstatat;

use super::{Join, NsId};
use crate::procroot::ProcRoot;
use crate::sys;

/// How to join: one atomic setns(pidfd, flags) (Linux 5.8), or one setns per `/proc/<pid>/ns/*`
/// fd, all opened before the first join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinVia {
    /// The pidfd when the kernel takes one, else the ns files.
    Auto,
    NsFiles,
}

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot open namespace {ns} at {path}: {source}")]
    Open { ns: &'static str, path: PathBuf, source: io::Error },
    #[error("namespace {ns} of pid {pid} changed while ctenter opened it (the container restarted)")]
    Changed { ns: &'static str, pid: u32 },
    #[error("container not running: its init (pid {pid}) exited")]
    TargetGone { pid: u32 },
    #[error("cannot join namespace {ns} of pid {pid}: {source}")]
    Join { ns: String, pid: u32, source: io::Error },
    #[error("after joining, namespace {ns} is {got} but the target's is {expected}")]
    Verify { ns: &'static str, expected: NsId, got: NsId },
    #[error("cannot check joined namespace {ns}: {source}")]
    VerifyRead { ns: &'static str, source: io::Error },
}

/// The target process: its pid under `root` and, when the kernel has pidfds, the pidfd pinning it.
pub struct Target<'a> {
    pub root: &'a ProcRoot,
    pub pid: u32,
    pub pidfd: Option<BorrowedFd<'a>>,
}

/// Joins every namespace in `joins` or fails; on failure the caller must never exec (it runs in a
/// throwaway forked child, so a half-joined state dies with it).
pub fn join_namespaces(target: &Target<'_>, joins: &[Join], via: JoinVia) -> Result<(), JoinError> {
    if joins.is_empty() {
        return Ok(());
    }
    if let (JoinVia::Auto, Some(pidfd)) = (via, target.pidfd) {
        let flags = joins.iter().fold(0, |acc, j| acc | j.kind.flag);
        match setns(pidfd, CloneFlags::from_bits_retain(flags)) {
            Ok(()) => return Ok(()),
            // setns(2) took pidfds in 5.8; before that a pidfd is "not a namespace fd". The
            // pidfd form is all-or-nothing, so EINVAL means nothing was joined.
            Err(nix::errno::Errno::EINVAL) => {}
            Err(errno) => return Err(join_error(target.pid, names(joins), errno)),
        }
    }
    let files = open_namespace_files(target, joins)?;
    for (join, file) in joins.iter().zip(&files) {
        setns(file.as_fd(), CloneFlags::from_bits_retain(join.kind.flag))
            .map_err(|errno| join_error(target.pid, join.kind.name.to_string(), errno))?;
    }
    Ok(())
}

fn names(joins: &[Join]) -> String {
    joins.iter().map(|j| j.kind.name).collect::<Vec<_>>().join(",")
}

fn join_error(pid: u32, ns: String, errno: nix::errno::Errno) -> JoinError {
    match errno {
        nix::errno::Errno::ESRCH => JoinError::TargetGone { pid },
        _ => JoinError::Join { ns, pid, source: io::Error::from(errno) },
    }
}

/// Opens every ns file first, then checks each is the namespace the plan saw and that the target
/// is still alive, so a pid reused in between can't hand us someone else's namespaces.
fn open_namespace_files(target: &Target<'_>, joins: &[Join]) -> Result<Vec<File>, JoinError> {
    let mut files = Vec::with_capacity(joins.len());
    for join in joins {
        let path = target.root.process_file(target.pid, &format!("ns/{}", join.kind.name));
        let file = File::open(&path).map_err(|source| match source.raw_os_error() {
            Some(libc::ENOENT) | Some(libc::ESRCH) => JoinError::TargetGone { pid: target.pid },
            _ => JoinError::Open { ns: join.kind.name, path: path.clone(), source },
        })?;
        let meta = file.metadata().map_err(|source| JoinError::Open { ns: join.kind.name, path, source })?;
        if NsId::from_metadata(&meta) != join.target {
            return Err(JoinError::Changed { ns: join.kind.name, pid: target.pid });
        }
        files.push(file);
    }
    if let Some(pidfd) = target.pidfd {
        sys::pidfd_check_alive(pidfd).map_err(|_| JoinError::TargetGone { pid: target.pid })?;
    }
    Ok(files)
}

/// Checks, through a directory fd on our own host-side `/proc/<self>/ns` opened before joining
/// (no container /proc path is ever built), that each joined namespace is the target's.
pub fn verify(own_ns_dir: &File, joins: &[Join]) -> Result<(), JoinError> {
    for join in joins {
        let stat = fstatat(own_ns_dir.as_fd(), join.kind.joined_file, AtFlags::empty())
            .map_err(|errno| JoinError::VerifyRead { ns: join.kind.name, source: io::Error::from(errno) })?;
        let got = NsId { dev: stat.st_dev, ino: stat.st_ino };
        if got != join.target {
            return Err(JoinError::Verify { ns: join.kind.name, expected: join.target, got });
        }
    }
    Ok(())
}
