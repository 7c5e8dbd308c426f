//! What `docker exec` gives the entered process besides namespaces and cgroups: the init's
//! capability sets, no_new_privs, seccomp filters and LSM label. `Confinement::of_init` reads them
//! on the host before the fork; the command child applies them right before its exec.
//! `--privileged` skips all of it (nsenter's behaviour: host root's full capabilities).

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::ptrace;
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::cgroups::{self, CgroupError, CgroupJoin};
use crate::procroot::{CGROUP_READ_LIMIT, ProcError, ProcRoot, SMALL_READ_LIMIT};
use crate::sys;

/// The capability sets of a `status` file (proc_pid_status(5)), as 64-bit masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub bounding: u64,
    pub effective: u64,
    pub permitted: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeccompMode {
    Disabled,
    Strict,
    /// With the number of filters when the kernel says it (`Seccomp_filters`, Linux 5.9).
    Filter(Option<usize>),
}

/// What the init's `status` says about its confinement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitSecurity {
    pub caps: Capabilities,
    pub no_new_privs: bool,
    pub seccomp: SeccompMode,
}

/// Pure: parses a `status` file; the capability lines are required, the others default to off.
pub fn parse_status(status: &[u8]) -> Option<InitSecurity> {
    let field = |name: &str| {
        status.split(|&b| b == b'\n').find_map(|line| {
            let rest = line.strip_prefix(name.as_bytes())?.strip_prefix(b":")?;
            Some(String::from_utf8_lossy(rest).trim().to_string())
        })
    };
    let mask = |name| field(name).and_then(|hex| u64::from_str_radix(&hex, 16).ok());
    let caps =
        Capabilities { bounding: mask("CapBnd")?, effective: mask("CapEff")?, permitted: mask("CapPrm")? };
    let seccomp = match field("Seccomp").as_deref() {
        Some("1") => SeccompMode::Strict,
        Some("2") => SeccompMode::Filter(field("Seccomp_filters").and_then(|n| n.parse().ok())),
        _ => SeccompMode::Disabled,
    };
    Some(InitSecurity { caps, no_new_privs: field("NoNewPrivs").as_deref() == Some("1"), seccomp })
}

/// An LSM label to take at exec: the attr file (under the process's own `attr/`) and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsmExec {
    pub attr: &'static str,
    pub value: Vec<u8>,
}

/// Pure: the label to give the command, from the init's AppArmor label (`attr/apparmor/current`,
/// `profile (mode)`) or its generic `attr/current` (an SELinux context); none when unconfined.
pub fn lsm_exec(apparmor_current: Option<&[u8]>, current: Option<&[u8]>) -> Option<LsmExec> {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim_end_matches(['\n', '\0']).to_string();
    if let Some(label) = apparmor_current.map(text).filter(|l| !l.is_empty()) {
        let profile = label.rsplit_once(" (").map_or(label.as_str(), |(profile, _)| profile);
        return (profile != "unconfined")
            .then(|| LsmExec { attr: "apparmor/exec", value: format!("exec {profile}").into_bytes() });
    }
    let label = current.map(text).filter(|l| l.contains(':') && !l.contains(" ("))?;
    Some(LsmExec { attr: "exec", value: label.into_bytes() })
}

#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
    #[error("cannot read the confinement of the container's init: {0}")]
    Status(ProcError),
    #[error("{0}: no capability lines")]
    BadStatus(String),
    #[error("{0} (--privileged enters without joining the container's cgroups)")]
    Cgroup(CgroupError),
    #[error(
        "container is paused (its cgroup is frozen): unpause it, or enter with --privileged, which does not join its cgroups"
    )]
    Frozen,
    #[error("the init (pid {0}) runs in strict seccomp mode; only --privileged can enter")]
    StrictSeccomp(u32),
    #[error(
        "cannot copy the seccomp filter of the init (pid {pid}): {reason}; refusing to run the command unfiltered (--privileged enters without it)"
    )]
    Seccomp { pid: u32, reason: String },
    #[error("{0}: {1}")]
    Apply(&'static str, std::io::Error),
}

/// Everything taken from the init, ready to apply in the command child.
#[derive(Debug)]
pub struct Confinement {
    pub caps: Capabilities,
    pub no_new_privs: bool,
    /// Oldest first: the order to install them in, so they run newest first as in the init.
    pub seccomp_filters: Vec<Vec<libc::sock_filter>>,
    /// The init's cgroups, opened on the host.
    pub cgroups: CgroupJoin,
    pub lsm: Option<LsmExec>,
    /// The host's procfs, through which the command child writes its own LSM attr (never the
    /// container's /proc, runc CVE-2019-16884).
    pub host_proc: Option<File>,
}

impl Confinement {
    /// Reads the init's confinement. Fails when any of it can't be reproduced: the caller then
    /// never runs the command.
    pub fn of_init(root: &ProcRoot, pid: u32) -> Result<Self, ConfineError> {
        let status = root.read(pid, "status", SMALL_READ_LIMIT).map_err(ConfineError::Status)?;
        let security = parse_status(&status)
            .ok_or_else(|| ConfineError::BadStatus(root.process_file(pid, "status").display().to_string()))?;

        let init_cgroup = root.read(pid, "cgroup", CGROUP_READ_LIMIT).map_err(ConfineError::Status)?;
        let mountinfo =
            ProcRoot::live().read_optional_self("mountinfo", CGROUP_READ_LIMIT).unwrap_or_default();
        let dirs = match cgroups::dirs(&init_cgroup, &cgroups::parse_mountinfo(&mountinfo)) {
            Ok(dirs) => dirs,
            // From inside a container with its own cgroup namespace (a Kubernetes node-debug pod)
            // the target's cgroups are outside every mount ctenter has: go on without them.
            Err(err @ CgroupError::NotMounted { .. }) => {
                eprintln!("ctenter: warning: {err}; the command stays in ctenter's own cgroups");
                Vec::new()
            }
            Err(err) => return Err(ConfineError::Cgroup(err)),
        };
        if cgroups::frozen(&dirs).map_err(ConfineError::Cgroup)? {
            return Err(ConfineError::Frozen);
        }
        let cgroups = CgroupJoin::open(&dirs).map_err(ConfineError::Cgroup)?;

        let seccomp_filters = match security.seccomp {
            SeccompMode::Disabled => Vec::new(),
            SeccompMode::Strict => return Err(ConfineError::StrictSeccomp(pid)),
            SeccompMode::Filter(count) => {
                copy_seccomp_filters(pid, count).map_err(|reason| ConfineError::Seccomp { pid, reason })?
            }
        };

        let apparmor = root.read_optional(pid, "attr/apparmor/current", SMALL_READ_LIMIT);
        let current = root.read_optional(pid, "attr/current", SMALL_READ_LIMIT);
        let lsm = lsm_exec(apparmor.as_deref(), current.as_deref());
        let host_proc = match lsm {
            Some(_) => {
                Some(File::open(root.path()).map_err(|e| ConfineError::Apply("open the host's procfs", e))?)
            }
            None => None,
        };
        Ok(Self {
            caps: security.caps,
            no_new_privs: security.no_new_privs,
            seccomp_filters,
            cgroups,
            lsm,
            host_proc,
        })
    }

    /// In the joiner, before its first setns: into the init's cgroups, so the command is born there.
    pub fn join_cgroups(&mut self) -> Result<(), ConfineError> {
        std::mem::take(&mut self.cgroups).join().map_err(ConfineError::Cgroup)
    }

    /// In the command child, while still host root and before the user change: the LSM label for
    /// the coming exec, the init's bounding set, no ambient set, no_new_privs, the seccomp filters.
    /// The filters go on before setuid and capset, as runc does without no_new_privs: installing
    /// one then needs CAP_SYS_ADMIN (seccomp(2)), and what follows must pass them anyway.
    pub fn apply_before_user(&mut self) -> Result<(), ConfineError> {
        if let (Some(lsm), Some(proc_dir)) = (&self.lsm, self.host_proc.take()) {
            write_own_attr(proc_dir.as_fd(), lsm).map_err(|e| ConfineError::Apply("set the LSM label", e))?;
        }
        for cap in 0..64 {
            if self.caps.bounding & (1 << cap) != 0 {
                continue;
            }
            match sys::drop_bounding_capability(cap) {
                Ok(()) => {}
                Err(err) if err.raw_os_error() == Some(libc::EINVAL) => break,
                Err(err) => return Err(ConfineError::Apply("PR_CAPBSET_DROP", err)),
            }
        }
        sys::clear_ambient_capabilities().map_err(|e| ConfineError::Apply("PR_CAP_AMBIENT_CLEAR_ALL", e))?;
        if self.no_new_privs {
            nix::sys::prctl::set_no_new_privs()
                .map_err(|e| ConfineError::Apply("PR_SET_NO_NEW_PRIVS", e.into()))?;
        }
        for filter in &self.seccomp_filters {
            sys::install_seccomp_filter(filter).map_err(|e| ConfineError::Apply("seccomp", e))?;
        }
        Ok(())
    }

    /// After the user change: root gets the init's effective and permitted sets; any other user
    /// none (setuid(2) already cleared them); inheritable is always empty (CVE-2022-24769).
    pub fn apply_after_user(&self, uid: u32) -> Result<(), ConfineError> {
        let (effective, permitted) =
            if uid == 0 { (self.caps.effective, self.caps.permitted) } else { (0, 0) };
        sys::set_capabilities(effective, permitted, 0).map_err(|e| ConfineError::Apply("capset", e))
    }
}

/// Writes the label through the host's procfs: `thread-self` there names this thread by its
/// host tid, whatever pid namespace it has joined.
fn write_own_attr(proc_dir: BorrowedFd<'_>, lsm: &LsmExec) -> std::io::Result<()> {
    let path = format!("thread-self/attr/{}", lsm.attr);
    let fd = nix::fcntl::openat(
        proc_dir,
        path.as_str(),
        nix::fcntl::OFlag::O_WRONLY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )?;
    File::from(fd).write_all(&lsm.value)
}

/// How long the init may take to reach a ptrace stop before ctenter gives up (a task frozen
/// after the freezer check never stops).
const STOP_TIMEOUT: Duration = Duration::from_secs(2);

/// Copies the init's seccomp filters with PTRACE_SECCOMP_GET_FILTER (the only interface that
/// returns them): seize, interrupt, read each filter, detach. The init is stopped for as long
/// as the reads take; a signal that arrived meanwhile is delivered at the detach.
fn copy_seccomp_filters(pid: u32, count: Option<usize>) -> Result<Vec<Vec<libc::sock_filter>>, String> {
    let target = Pid::from_raw(pid as i32);
    ptrace::seize(target, ptrace::Options::empty()).map_err(|e| format!("PTRACE_SEIZE: {}", e.desc()))?;
    let stopped = ptrace::interrupt(target)
        .map_err(|e| format!("PTRACE_INTERRUPT: {}", e.desc()))
        .and_then(|()| wait_for_stop(target));
    // When the init never stopped, the tracer's exit (ours, soon) detaches it (ptrace(2)).
    let pending = stopped?;
    let mut filters = Vec::new();
    let mut failure = None;
    for index in 0..count.unwrap_or(usize::MAX) {
        match sys::seccomp_filter_of(target.as_raw(), index) {
            Ok(filter) => filters.push(filter),
            Err(err) if count.is_none() && err.raw_os_error() == Some(libc::ENOENT) => break,
            Err(err) => {
                failure = Some(format!("PTRACE_SECCOMP_GET_FILTER {index}: {err}"));
                break;
            }
        }
    }
    let detached = ptrace::detach(target, pending);
    if let Some(reason) = failure {
        return Err(reason);
    }
    detached.map_err(|e| format!("PTRACE_DETACH: {}", e.desc()))?;
    filters.reverse();
    Ok(filters)
}

/// Waits for the seized init's stop; returns the signal to re-inject when the stop was the
/// delivery of a signal rather than our interrupt.
fn wait_for_stop(target: Pid) -> Result<Option<Signal>, String> {
    let started = Instant::now();
    // The stop usually comes within a few hundred microseconds: poll from 10 µs up, so that a
    // fixed 1 ms nap does not add most of a millisecond to every `enter`.
    let mut nap = Duration::from_micros(10);
    loop {
        match waitpid(target, Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL)) {
            Ok(WaitStatus::PtraceEvent(..)) => return Ok(None),
            Ok(WaitStatus::Stopped(_, signal)) => return Ok(Some(signal)),
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {}
            Ok(WaitStatus::Exited(..) | WaitStatus::Signaled(..)) => return Err("the init exited".into()),
            Ok(other) => return Err(format!("unexpected wait status {other:?}")),
            Err(errno) => return Err(format!("waitpid: {}", errno.desc())),
        }
        if started.elapsed() > STOP_TIMEOUT {
            return Err(format!("the init did not stop within {}s (frozen?)", STOP_TIMEOUT.as_secs()));
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_gives_caps_no_new_privs_and_seccomp() {
        let status = b"Name:\tsleep\nCapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n\
CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n\
NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        let security = parse_status(status).unwrap();
        assert_eq!(
            security.caps,
            Capabilities { bounding: 0xa80425fb, effective: 0xa80425fb, permitted: 0xa80425fb }
        );
        assert!(security.no_new_privs);
        assert_eq!(security.seccomp, SeccompMode::Filter(Some(1)));
        let old_kernel = b"CapPrm:\t0\nCapEff:\t0\nCapBnd:\t3fffffffff\nSeccomp:\t2\n";
        assert_eq!(parse_status(old_kernel).unwrap().seccomp, SeccompMode::Filter(None));
        assert_eq!(
            parse_status(b"CapPrm:\t0\nCapEff:\t0\nCapBnd:\t0\n").unwrap().seccomp,
            SeccompMode::Disabled
        );
        assert_eq!(parse_status(b"Name:\tx\nCapEff:\tzz\n"), None);
    }

    #[test]
    fn lsm_labels() {
        let apparmor = lsm_exec(Some(b"docker-default (enforce)\n"), Some(b"docker-default (enforce)\n"));
        assert_eq!(apparmor, Some(LsmExec { attr: "apparmor/exec", value: b"exec docker-default".to_vec() }));
        assert_eq!(lsm_exec(Some(b"unconfined\n"), None), None);
        let selinux = lsm_exec(None, Some(b"system_u:system_r:container_t:s0:c1,c2\0"));
        assert_eq!(
            selinux,
            Some(LsmExec { attr: "exec", value: b"system_u:system_r:container_t:s0:c1,c2".to_vec() })
        );
        assert_eq!(lsm_exec(None, None), None);
        assert_eq!(lsm_exec(None, Some(b"kernel\0")), None);
    }
}
