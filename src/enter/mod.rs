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
pub mod tty;
pub mod user;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;

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
    pub tty: TtyMode,
}

/// Whether the command gets a pty of its own, relayed by ctenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtyMode {
    /// When stdin is a terminal.
    Auto,
    /// `-t`: always.
    Always,
    /// `-T`: never; the command shares ctenter's stdio (it still starts a new session).
    Never,
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
    #[error("container not running: its init (pid {pid}) {why} (the container is starting or stopping)")]
    NotStarted { pid: u32, why: String },
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
    let pidfd = pin(found.init.pid)?;
    // A container that stops while ctenter prepares fails its steps in many ways (EPERM from
    // ptrace, ENODEV from a cgroup being removed, namespaces that read as gone): say what it is.
    prepare_and_fork(root, found, options, pidfd).map_err(|err| match err {
        EnterError::Gone { .. } | EnterError::Restarted { .. } => err,
        err => match recheck_identity(root, found, None) {
            Err(gone) => gone,
            Ok(()) => err,
        },
    })
}

fn prepare_and_fork(
    root: &ProcRoot,
    found: &Found,
    options: &EnterOptions,
    pidfd: Option<OwnedFd>,
) -> Result<i32, EnterError> {
    let pid = found.init.pid;
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
    check_started(root, found)?;
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
            // The init's HOME is its own user's: another user given with -u gets the one from
            // the container's passwd, as with docker exec -u.
            match options.user {
                Some(_) => env::without_variable(&environ, b"HOME"),
                None => environ,
            }
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
    let mut confinement = match options.privileged {
        true => None,
        false => Some(Confinement::of_init(root, pid).map_err(|err| match err {
            ConfineError::Status(e) => gone(e, |e| EnterError::Confine(ConfineError::Status(e))),
            err => EnterError::Confine(err),
        })?),
    };
    // Everything above was read by pid: make sure it was still this container's init throughout.
    recheck_identity(root, found, pidfd.as_ref())?;

    let stdin_is_terminal = std::io::stdin().is_terminal();
    let with_pty = match options.tty {
        TtyMode::Auto => stdin_is_terminal,
        TtyMode::Always => true,
        TtyMode::Never => false,
    };
    // A pty's user needs TERM; docker exec -t sets xterm when the caller has none.
    let caller_term = match (with_pty, std::env::var_os("TERM")) {
        (true, Some(term)) => Some(term),
        (true, None) => Some(OsString::from("xterm")),
        (false, term) => term.filter(|_| stdin_is_terminal),
    };
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

    let pty = match with_pty {
        true => Some(tty::open().map_err(|e| EnterError::Setup("cannot allocate a pty", e.into()))?),
        false => None,
    };

    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    supervise::block_signals().map_err(|e| EnterError::Setup("sigprocmask", e.into()))?;
    let ctenter = getpid();
    match fork_joiner(confinement.as_mut())? {
        Forked::Child => {
            let (master, pty_slave) = pty.map(|pty| (pty.master, pty.slave)).unzip();
            drop(master);
            let pidfd = pidfd.as_ref().map(|fd| fd.as_fd());
            let handles = child::Handles { pidfd, init_root, confinement, pty_slave };
            child::run_joiner(&plan, root, handles, ctenter)
        }
        Forked::Parent(joiner) => {
            drop((pidfd, init_root, confinement));
            let joiner = Pid::from_raw(joiner);
            Ok(match pty {
                Some(pty) => {
                    let _raw_mode = stdin_is_terminal.then(tty::RawMode::enter).flatten();
                    tty::relay(joiner, pty)
                }
                None => supervise::supervise(supervise::Supervised::Joiner(joiner)),
            })
        }
    }
}

/// Forks the joiner, born in the init's cgroup v2 directory when there is one to join (see
/// `cgroups::CgroupJoin`), else a plain fork; the joiner moves itself into the rest. When clone3
/// can't do it (an old kernel, a seccomp filter refusing clone3), a plain fork, and the joiner
/// writes `cgroup.procs`, whose own error then names the cgroup.
fn fork_joiner(confinement: Option<&mut Confinement>) -> Result<Forked, EnterError> {
    if let Some(confinement) = confinement
        && let Some(dir) = confinement.cgroups.unified_dir()
    {
        match sys::fork_into_cgroup(dir) {
            Ok(Forked::Child) => {
                confinement.cgroups.born_in_unified();
                return Ok(Forked::Child);
            }
            Ok(parent) => return Ok(parent),
            Err(err) if matches!(err.raw_os_error(), Some(libc::ENOMEM | libc::EAGAIN)) => {
                return Err(EnterError::Fork(err));
            }
            Err(_) => {}
        }
    }
    sys::fork().map_err(EnterError::Fork)
}

/// Runtimes name their init's stages before it execs the container's process (runc's nsexec
/// `runc:[0:PARENT]` to `runc:[2:INIT]`, youki's likewise): then its namespaces exist but are not
/// set up yet (no pivot_root, no hostname, all capabilities), so entering would mean the host.
const RUNTIME_INIT_STAGES: [&str; 2] = ["runc:[", "youki:["];

/// Refuses an init that is not yet (or no longer) the container's own process: one still in a
/// runtime's init stage, or one whose root directory is still the host's.
fn check_started(root: &ProcRoot, found: &Found) -> Result<(), EnterError> {
    let pid = found.init.pid;
    if let Some(comm) =
        found.init.comm.as_deref().filter(|c| RUNTIME_INIT_STAGES.iter().any(|s| c.starts_with(s)))
    {
        return Err(EnterError::NotStarted { pid, why: format!("is still the runtime's {comm}") });
    }
    let identity = |path: &std::path::Path| std::fs::metadata(path).map(|m| (m.dev(), m.ino()));
    let init_root = identity(&root.process_file(pid, "root")).map_err(|_| EnterError::Gone { pid })?;
    if identity(&ProcRoot::live().self_file("root")).is_ok_and(|own| own == init_root) {
        return Err(EnterError::NotStarted { pid, why: "has the host's root directory".into() });
    }
    Ok(())
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
/// later one), not exiting, still in the container's cgroup, and (through the pidfd) not exited.
pub(crate) fn recheck_identity(
    root: &ProcRoot,
    found: &Found,
    pidfd: Option<&OwnedFd>,
) -> Result<(), EnterError> {
    let pid = found.init.pid;
    let now = ProcessInfo::read(root, pid).ok_or(EnterError::Gone { pid })?;
    if now.start_time != found.init.start_time {
        return Err(EnterError::Restarted { pid });
    }
    if now.dying {
        return Err(EnterError::Gone { pid });
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
