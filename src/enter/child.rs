//! The two forked processes of `enter`: the joiner (joins, verifies, forks, waits) and the command
//! (chdir, close fds, exec). Both end with `_exit`; neither ever returns to ctenter's main.
//!
//! setns(2) into a pid namespace moves only the children of the caller, so the joiner forks the
//! command after joining, as nsenter does. The joiner is outside the container's pid namespace,
//! so nothing inside can see or signal it; the command is inside from birth.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::{
    Gid, Pid, Uid, chdir, chroot, fchdir, getcwd, getpid, getppid, setgid, setgroups, setsid, setuid,
};

use super::EnterError;
use super::confine::Confinement;
use super::exec;
use super::plan::{EnterPlan, Workdir};
use super::supervise::{self, Supervised};
use super::tty;
use super::user;
use crate::exit;
use crate::namespace::join::{self, Target};
use crate::procroot::ProcRoot;
use crate::sys::{self, Forked};

fn fail(plan: &EnterPlan, message: impl std::fmt::Display, code: i32) -> ! {
    eprintln!("ctenter: container {}: {message}", plan.short_id());
    sys::exit_now(code)
}

/// The first child. Dies with ctenter (PR_SET_PDEATHSIG), leaves ctenter's session so terminal
/// signals reach only ctenter (which forwards them), and is non-dumpable before its first setns
/// so no process in the container can ptrace it or open its fds (CVE-2016-9962).
/// What the parent opened on the host for the children: the pidfd pinning the init, the init's
/// root directory (when the mount namespace is joined), and the confinement to take on.
pub struct Handles<'a> {
    pub pidfd: Option<BorrowedFd<'a>>,
    pub init_root: Option<OwnedFd>,
    pub confinement: Option<Confinement>,
    /// The pty the command gets as its controlling terminal and stdio (see `tty`).
    pub pty_slave: Option<OwnedFd>,
}

pub fn run_joiner(plan: &EnterPlan, root: &ProcRoot, handles: Handles<'_>, ctenter: Pid) -> ! {
    let pidfd = handles.pidfd;
    match joiner(plan, root, handles, ctenter) {
        Ok(code) => sys::exit_now(code),
        // As before the fork: a failure while the init exits is reported as the exit.
        Err(_) if pidfd.is_some_and(init_exited) => {
            fail(plan, EnterError::Gone { pid: plan.target_pid }, exit::FAILURE)
        }
        Err(err) => fail(plan, err, exit::FAILURE),
    }
}

/// Through the pidfd only: after the mount join no /proc path may be built. A pidfd polls
/// readable once its process has exited, zombie or not (pidfd_open(2)).
fn init_exited(pidfd: BorrowedFd<'_>) -> bool {
    let mut fds = [nix::poll::PollFd::new(pidfd, nix::poll::PollFlags::POLLIN)];
    nix::poll::poll(&mut fds, nix::poll::PollTimeout::ZERO).is_ok_and(|ready| ready > 0)
}

fn joiner(plan: &EnterPlan, root: &ProcRoot, handles: Handles<'_>, ctenter: Pid) -> Result<i32, EnterError> {
    let Handles { pidfd, init_root, mut confinement, pty_slave } = handles;
    // SIGHUP, not SIGKILL: the joiner outlives ctenter just long enough to kill the command's
    // process group (see `supervise`). It is blocked, so it waits for the supervise loop.
    prctl::set_pdeathsig(Signal::SIGHUP).map_err(|e| EnterError::Setup("PR_SET_PDEATHSIG", e.into()))?;
    if getppid() != ctenter {
        sys::exit_now(exit::FAILURE);
    }
    setsid().map_err(|e| EnterError::Setup("setsid", e.into()))?;
    prctl::set_dumpable(false).map_err(|e| EnterError::Setup("PR_SET_DUMPABLE", e.into()))?;
    // Into the init's cgroups while still on the host side, so the command is born in them (and
    // counts against the container's limits, as a `docker exec` process does).
    if let Some(confinement) = &mut confinement {
        confinement.join_cgroups()?;
    }
    // Opened on the host before any join: the only way to check the result without building a
    // /proc path inside the container.
    let own_ns = File::open(ProcRoot::live().self_file("ns"))
        .map_err(|e| EnterError::Setup("open /proc/self/ns", e))?;

    let target = Target { root, pid: plan.target_pid, pidfd };
    join::join_namespaces(&target, &plan.joins, plan.join_via)?;
    join::verify(&own_ns, &plan.joins)?;
    drop(own_ns);
    if let Some(init_root) = init_root {
        fchdir(init_root.as_fd()).map_err(|e| EnterError::Setup("fchdir to the init's root", e.into()))?;
        chroot(".").map_err(|e| EnterError::Setup("chroot to the init's root", e.into()))?;
    }

    let joiner_pid = getpid();
    match sys::fork() {
        Ok(Forked::Child) => run_command(plan, joiner_pid, confinement, pty_slave),
        Ok(Forked::Parent(child)) => {
            drop((confinement, pty_slave));
            Ok(supervise::supervise(Supervised::Command { command: Pid::from_raw(child), ctenter }))
        }
        // fork after setns(CLONE_NEWPID) fails with ENOMEM once the namespace's init has exited
        // (pid_namespace.c; moby#23342): say what it means.
        Err(err) if err.raw_os_error() == Some(libc::ENOMEM) && plan.joins_pid() => {
            Err(EnterError::Gone { pid: plan.target_pid })
        }
        Err(err) => Err(EnterError::Fork(err)),
    }
}

/// The second child, inside the container's pid namespace when that one is joined.
fn run_command(plan: &EnterPlan, joiner: Pid, confinement: Option<Confinement>, pty: Option<OwnedFd>) -> ! {
    if let Err(err) = prctl::set_pdeathsig(Signal::SIGKILL) {
        fail(plan, format!("PR_SET_PDEATHSIG: {err}"), exit::FAILURE);
    }
    // If the joiner died before PR_SET_PDEATHSIG took effect we were reparented: stop. A joiner
    // outside our (newly joined) pid namespace shows as parent 0 (getppid(2)).
    let expected_parent = if plan.joins_pid() { Pid::from_raw(0) } else { joiner };
    if getppid() != expected_parent {
        sys::exit_now(exit::FAILURE);
    }
    // A new session: the caller's terminal is never our controlling terminal, so without
    // CAP_SYS_ADMIN TIOCSTI from inside can't push keystrokes into the caller's shell
    // (CVE-2017-5226). With it (still kept: README "Known limits") tty_ioctl(4) allows it anyway.
    if let Err(err) = setsid() {
        fail(plan, format!("setsid: {err}"), exit::FAILURE);
    }
    if let Some(pty) = pty
        && let Err(err) = tty::attach(pty)
    {
        fail(plan, format!("cannot attach the pty: {err}"), exit::FAILURE);
    }
    let (home, login_shell) = match become_user(plan, confinement) {
        Ok(creds) => (creds.home, creds.shell),
        Err(err) => fail(plan, err, exit::FAILURE),
    };
    let mut env = plan.env.clone();
    if !env.iter().any(|e| e.as_bytes().starts_with(b"HOME=")) {
        env.extend(CString::new(format!("HOME={home}")));
    }
    if let Err(err) = enter_workdir(&plan.workdir) {
        fail(plan, err, exit::FAILURE);
    }
    supervise::restore_signals_for_exec();
    sys::close_fds_above_stderr();
    let failure = exec::exec(&plan.command, &env, &plan.path_var, login_shell.as_deref());
    fail(plan, failure.message, failure.code)
}

/// Takes the user's identity from the container's own account files (read now, inside its mount
/// namespace): supplementary groups first (the host's are dropped even for root), then gid, then
/// uid, which for a non-root uid also clears every capability (capabilities(7)). The init's
/// confinement goes on around the switch (see `Confinement`). Returns the credentials, whose
/// HOME is for an environment that has none and whose shell is the login shell.
fn become_user(plan: &EnterPlan, confinement: Option<Confinement>) -> Result<user::Credentials, EnterError> {
    let passwd = user::read_container_file("/etc/passwd");
    let group = user::read_container_file("/etc/group");
    let creds = user::resolve(&plan.user, &passwd, &group).map_err(EnterError::User)?;
    let mut confinement = confinement;
    if let Some(confinement) = &mut confinement {
        confinement.apply_before_user()?;
    }
    let groups: Vec<Gid> = creds.groups.iter().map(|&g| Gid::from_raw(g)).collect();
    setgroups(&groups).map_err(|e| EnterError::Setup("setgroups", e.into()))?;
    setgid(Gid::from_raw(creds.gid)).map_err(|e| EnterError::Setup("setgid", e.into()))?;
    setuid(Uid::from_raw(creds.uid)).map_err(|e| EnterError::Setup("setuid", e.into()))?;
    if let Some(confinement) = &confinement {
        confinement.apply_after_user(creds.uid)?;
    }
    Ok(creds)
}

/// chdir only after joining the mount namespace, by path, so the directory is the container's
/// (CVE-2024-21626), and getcwd(3) must then succeed ("(unreachable)" means outside our root).
fn enter_workdir(workdir: &Workdir) -> Result<(), EnterError> {
    let dir = match workdir {
        Workdir::Explicit(dir) | Workdir::InitCwd(dir) => dir.to_string_lossy().into_owned(),
    };
    match workdir {
        Workdir::Explicit(dir) => chdir(dir.as_c_str()).map_err(|errno| EnterError::Workdir {
            dir: dir.to_string_lossy().into_owned(),
            source: errno.into(),
        })?,
        Workdir::InitCwd(dir) => {
            if chdir(dir.as_c_str()).is_err() {
                chdir("/").map_err(|errno| EnterError::Workdir { dir: "/".into(), source: errno.into() })?;
            }
        }
    }
    match getcwd() {
        Ok(cwd) if !cwd.as_os_str().as_encoded_bytes().starts_with(b"(unreachable)") => Ok(()),
        Ok(cwd) => Err(EnterError::Unreachable { dir, detail: format!("getcwd says {}", cwd.display()) }),
        Err(errno) => Err(EnterError::Unreachable { dir, detail: format!("getcwd: {}", errno.desc()) }),
    }
}
