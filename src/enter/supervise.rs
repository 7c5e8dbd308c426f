//! The waiting side of a fork: forward signals to the child, return its status as an exit code.

use nix::errno::Errno;
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

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

/// Waits for `child`, forwarding every signal in `FORWARDED` to it, and returns its exit code
/// (128+N for death by signal N).
pub fn supervise(child: Pid) -> i32 {
    let set = handled();
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
            Ok(signal) => {
                let _ = kill(child, signal);
            }
            Err(_) => {}
        }
    }
}
