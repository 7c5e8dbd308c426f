//! The waiting side of a fork: forward signals to the child, return its status as an exit code.

use nix::errno::Errno;
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getppid};

use crate::exit;

/// What a user or a supervisor (systemd, a CI runner, `timeout`) sends to stop or poke a command.
pub const FORWARDED: [Signal; 6] =
    [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP, Signal::SIGQUIT, Signal::SIGUSR1, Signal::SIGUSR2];

fn handled() -> SigSet {
    let mut set = SigSet::empty();
    for signal in FORWARDED {
        set.add(signal);
    }
    set.add(Signal::SIGCHLD);
    set
}

/// Blocks the forwarded signals and SIGCHLD before forking, so none is lost between fork and
/// the first wait; they are then taken synchronously with sigwait(3).
pub fn block_signals() -> nix::Result<()> {
    handled().thread_block()
}

/// Restores an empty signal mask and default SIGPIPE (std ignores it, and an ignored signal
/// stays ignored across execve) right before exec.
pub fn restore_signals_for_exec() {
    let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
    crate::sys::default_sigpipe();
}

/// Who `supervise` forwards to, and what it watches.
#[derive(Debug, Clone, Copy)]
pub enum Supervised {
    /// ctenter's joiner: a single process.
    Joiner(Pid),
    /// The command, which leads its own process group (it called setsid), forked by the joiner
    /// of ctenter `ctenter`.
    Command { command: Pid, ctenter: Pid },
}

/// Waits for the child, forwarding every signal in `FORWARDED` to it, and returns its exit code
/// (128+N for death by signal N).
///
/// The joiner's death signal (PR_SET_PDEATHSIG) is SIGHUP, taken here like any other: when it
/// finds ctenter gone it SIGKILLs the command's whole process group, so a `kill -9` of ctenter
/// takes the command's children with it, not only the command (whose own death signal is SIGKILL).
pub fn supervise(supervised: Supervised) -> i32 {
    let set = handled();
    let child = match supervised {
        Supervised::Joiner(pid) => pid,
        Supervised::Command { command, .. } => command,
    };
    loop {
        match set.wait() {
            Ok(Signal::SIGCHLD) => match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => {}
                Ok(status) => {
                    if let Some(code) = exit::code_from_wait(status) {
                        return code;
                    }
                }
                Err(Errno::EINTR) => {}
                Err(_) => return exit::FAILURE,
            },
            Ok(signal) => match supervised {
                Supervised::Joiner(joiner) => {
                    let _ = kill(joiner, signal);
                }
                Supervised::Command { command, ctenter } => {
                    if getppid() != ctenter {
                        let _ = killpg(command, Signal::SIGKILL);
                        let _ = kill(command, Signal::SIGKILL);
                        crate::sys::exit_now(exit::FAILURE);
                    }
                    // Before its setsid the command has no group of its own yet (ESRCH).
                    if killpg(command, signal) == Err(Errno::ESRCH) {
                        let _ = kill(command, signal);
                    }
                }
            },
            Err(_) => {}
        }
    }
}
