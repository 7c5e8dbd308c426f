//! `enter`: pin the target, plan, fork; the forked children join and exec (see `child`), while
//! ctenter itself stays in the host's namespaces, forwards signals and returns the exit status.

pub mod cgroups;
mod child;
pub mod confine;
pub mod env;
pub mod exec;
pub mod plan;
pub mod privileges;
pub mod sealed;
pub mod supervise;
pub mod user;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;
use nix::unistd::{Pid, getpid};

use crate::namespace::join::{JoinError, JoinVia};
use crate::namespace::{self, NsKind, PlanError};
use crate::procroot::{ENVIRON_READ_LIMIT, ProcError, ProcRoot};
use crate::resolver::{Found, ProcessInfo, cgroup};
use crate::sys::{self, Forked};
use confine::{ConfineError, Confinement};
use plan::{EnterPlan, PlanInputs};

/// `enter`'s validated options (built by `config`, never by clap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterOptions {
    pub container: String,
    /// `--ns`: `None` joins every namespace that differs from ctenter's.
    pub namespaces: Option<Vec<&'static NsKind>>,
    pub workdir: Option<OsString>,
    /// `-e` settings, after those of the `--env-file`s (read by the caller, see `env_files`).
    pub env: Vec<(OsString, OsString)>,
    /// `--env-file`s, read on the host by the command layer and put before `env`.
    pub env_files: Vec<std::path::PathBuf>,
    pub env_from: EnvFrom,
    /// `-u`; `None` takes the container's configured user, else root.
    pub user: Option<user::UserSpec>,
    pub command: Vec<OsString>,
    pub join_via: JoinVia,
    /// `--privileged`: keep host root's capabilities, no seccomp, no cgroups, no LSM label.
    pub privileged: bool,
}

/// Which environment the command starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvFrom {
    /// The configured one when state files give it, else the init's.
    Auto,
    Config,
    Init,
}

#[derive(Debug, thiserror::Error)]
pub enum EnterError {
    #[error(
        "--proc-root {0}: enter needs the procfs of ctenter's own pid namespace (its pids are joined); ls and pid accept any proc tree"
    )]
    ForeignProcRoot(String),
    #[error("{0}")]
    Privileges(String),
    #[error("container not running: its init (pid {pid}) exited")]
    Gone { pid: u32 },
    #[error("container not running: pid {pid} is no longer its init (the container exited or restarted)")]
    Restarted { pid: u32 },
    #[error("cannot pin pid {pid} with pidfd_open: {source}")]
    Pin { pid: u32, source: std::io::Error },
    #[error("cannot read the namespaces of the container's init: {0}")]
    Namespaces(ProcError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("cannot read the environment of the container's init: {0}")]
    Environ(ProcError),
    #[error("--env-from config: no configured environment found in the runtime's state files")]
    NoConfiguredEnv,
    #[error("the container's configured user: {0}")]
    ConfiguredUser(String),
    #[error("{0}")]
    User(String),
    #[error(
        "the environment of the container's init (pid {pid}) is larger than {limit_mib} MiB; refusing to run the command with part of it"
    )]
    EnvironTooLarge { pid: u32, limit_mib: u64 },
    #[error(transparent)]
    Join(#[from] JoinError),
    #[error(transparent)]
    Confine(#[from] ConfineError),
    #[error("cannot open the root directory of pid {pid}: {source}")]
    Root { pid: u32, source: std::io::Error },
    #[error("{0}: {1}")]
    Setup(&'static str, std::io::Error),
    #[error("cannot fork: {0}")]
    Fork(std::io::Error),
    #[error("cannot change to working directory {dir} inside the container: {source}")]
    Workdir { dir: String, source: std::io::Error },
    #[error("working directory {dir} is not inside the container's root ({detail})")]
    Unreachable { dir: String, detail: String },
}

/// Runs the command in `found`'s namespaces and returns its exit code; `Err` only for failures
/// before the fork (after it, the children print their own errors and exit 125).
pub fn run(root: &ProcRoot, found: &Found, options: &EnterOptions) -> Result<i32, EnterError> {
    if !root.is_own_pid_namespace() {
        return Err(EnterError::ForeignProcRoot(root.path().display().to_string()));
    }
    privileges::check().map_err(EnterError::Privileges)?;
    let pid = found.init.pid;
    let pidfd = pin(pid)?;
    let gone = |err: ProcError, wrap: fn(ProcError) -> EnterError| {
        if err.is_vanished() {
            EnterError::Gone { pid }
        } else if err.is_permission() {
            // Capabilities in a user namespace other than the init's pass `check` but not ptrace
            // access to the init (ptrace(2) "Ptrace access mode checking").
            EnterError::Privileges(format!("{err}: run ctenter as root in the host's user namespace"))
        } else {
            wrap(err)
        }
    };

    let target_ns = namespace::read_target(root, pid).map_err(|e| gone(e, EnterError::Namespaces))?;
    let own_ns = namespace::read_own().map_err(EnterError::Namespaces)?;
    let joins = namespace::plan(options.namespaces.as_deref(), &target_ns, &own_ns)?;
    let configured = &found.state.exec;
    let environ = match (options.env_from, &configured.env) {
        (EnvFrom::Config | EnvFrom::Auto, Some(env)) => env.join(&0u8),
        (EnvFrom::Config, None) => return Err(EnterError::NoConfiguredEnv),
        (EnvFrom::Init | EnvFrom::Auto, _) => {
            let environ = root
                .read(pid, "environ", ENVIRON_READ_LIMIT + 1)
                .map_err(|e| gone(e, EnterError::Environ))?;
            if environ.len() as u64 > ENVIRON_READ_LIMIT {
                return Err(EnterError::EnvironTooLarge { pid, limit_mib: ENVIRON_READ_LIMIT >> 20 });
            }
            environ
        }
    };
    let user = match (&options.user, &configured.user) {
        (Some(spec), _) => spec.clone(),
        (None, Some(configured)) => user::UserSpec::parse(configured).map_err(EnterError::ConfiguredUser)?,
        (None, None) => user::UserSpec { user: "0".into(), group: None },
    };
    let workdir = options.workdir.clone().or_else(|| configured.workdir.clone().map(OsString::from));
    let init_cwd = root.read_link(pid, "cwd").ok().map(OsString::from);
    // The init's own root, which is not its mount namespace's when it was chrooted: opened here
    // on the host, entered by fd after the mount namespace is joined (nsenter --root does this).
    let init_root = if joins.iter().any(|j| j.kind.flag == libc::CLONE_NEWNS) {
        let path = root.process_file(pid, "root");
        let flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let fd = nix::fcntl::open(&path, flags, Mode::empty()).map_err(|errno| match errno {
            Errno::ENOENT | Errno::ESRCH => EnterError::Gone { pid },
            errno => EnterError::Root { pid, source: errno.into() },
        })?;
        Some(fd)
    } else {
        None
    };
    let confinement = match options.privileged {
        true => None,
        false => Some(Confinement::of_init(root, pid).map_err(|err| match err {
            ConfineError::Status(e) => gone(e, |e| EnterError::Confine(ConfineError::Status(e))),
            err => EnterError::Confine(err),
        })?),
    };
    // Everything above was read by pid: make sure it was still this container's init throughout.
    recheck_identity(root, found, pidfd.as_ref())?;

    let caller_term = std::io::stdin().is_terminal().then(|| std::env::var_os("TERM")).flatten();
    let plan = EnterPlan::new(PlanInputs {
        container_id: &found.container.id,
        target_pid: pid,
        joins,
        join_via: options.join_via,
        command: &options.command,
        init_environ: &environ,
        caller_term: caller_term.as_deref(),
        env_overrides: &options.env,
        user,
        workdir: workdir.as_deref(),
        init_cwd: init_cwd.as_deref(),
    });

    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    supervise::block_signals().map_err(|e| EnterError::Setup("sigprocmask", e.into()))?;
    let ctenter = getpid();
    match sys::fork().map_err(EnterError::Fork)? {
        Forked::Child => {
            let handles =
                child::Handles { pidfd: pidfd.as_ref().map(|fd| fd.as_fd()), init_root, confinement };
            child::run_joiner(&plan, root, handles, ctenter)
        }
        Forked::Parent(joiner) => {
            drop((pidfd, init_root, confinement));
            Ok(supervise::supervise(supervise::Supervised::Joiner(Pid::from_raw(joiner))))
        }
    }
}

/// pidfd_open on the init; kernels before 5.3 have none, and then the ns-file join's identity
/// checks are the only pin.
fn pin(pid: u32) -> Result<Option<OwnedFd>, EnterError> {
    match sys::pidfd_open(pid) {
        Ok(fd) => Ok(Some(fd)),
        Err(err) if err.raw_os_error() == Some(libc::ENOSYS) => Ok(None),
        Err(err) if err.raw_os_error() == Some(libc::ESRCH) => Err(EnterError::Gone { pid }),
        Err(source) => Err(EnterError::Pin { pid, source }),
    }
}

/// The pinned pid must still be the process the scan chose: same start time (a reused pid has a
/// later one), still in the container's cgroup, and (through the pidfd) not exited.
fn recheck_identity(root: &ProcRoot, found: &Found, pidfd: Option<&OwnedFd>) -> Result<(), EnterError> {
    let pid = found.init.pid;
    let now = ProcessInfo::read(root, pid).ok_or(EnterError::Gone { pid })?;
    if now.start_time != found.init.start_time {
        return Err(EnterError::Restarted { pid });
    }
    let cgroup =
        root.read(pid, "cgroup", crate::procroot::CGROUP_READ_LIMIT).map_err(|_| EnterError::Gone { pid })?;
    if !cgroup::file_is_within(&cgroup, &found.container.cgroup) {
        return Err(EnterError::Restarted { pid });
    }
    if let Some(pidfd) = pidfd {
        sys::pidfd_check_alive(pidfd.as_fd()).map_err(|_| EnterError::Gone { pid })?;
    }
    Ok(())
}
