//! Exit codes: the contract with scripts (see README "Exit codes").

use nix::sys::wait::WaitStatus;

/// Every failure of ctenter itself: bad option, no such container, ambiguous, no permission,
/// container gone, a namespace that could not be joined.
pub const FAILURE: i32 = 125;
/// The command was found but could not be executed.
pub const NOT_EXECUTABLE: i32 = 126;
/// The command was not found.
pub const NOT_FOUND: i32 = 127;

/// The shell convention for a child's end: its exit status, or 128+N for death by signal N.
/// `None` for statuses that are not an end (stopped, continued).
pub fn code_from_wait(status: WaitStatus) -> Option<i32> {
    match status {
        WaitStatus::Exited(_, code) => Some(code),
        WaitStatus::Signaled(_, signal, _) => Some(128 + signal as i32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;

    #[test]
    fn wait_statuses_map_to_shell_codes() {
        let pid = Pid::from_raw(5);
        assert_eq!(code_from_wait(WaitStatus::Exited(pid, 42)), Some(42));
        assert_eq!(code_from_wait(WaitStatus::Signaled(pid, Signal::SIGTERM, false)), Some(143));
        assert_eq!(code_from_wait(WaitStatus::Signaled(pid, Signal::SIGKILL, true)), Some(137));
        assert_eq!(code_from_wait(WaitStatus::Stopped(pid, Signal::SIGSTOP)), None);
    }
}
