//! The host-side pty of `enter`: allocated on the host's devpts before any join (never through
//! the container's /dev), made the command's controlling terminal, and relayed by ctenter, which
//! puts the caller's terminal in raw mode and always restores it.
//!
//! The command never gets the caller's terminal: a process inside that calls TIOCSTI can only
//! type into its own pty (bubblewrap CVE-2017-5226, the lxc-attach pty design).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::termios::{self, SetArg, SpecialCharacterIndices, Termios};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, read, write};

use super::supervise::FORWARDED;
use crate::{exit, sys};

/// Both ends of a new pty: ctenter keeps the master, the command gets the slave.
pub struct Pty {
    pub master: OwnedFd,
    pub slave: OwnedFd,
}

/// Opens a pty sized like the caller's terminal (when stdin is one), so the command sees the
/// right size from its first instruction.
pub fn open() -> nix::Result<Pty> {
    let size = sys::window_size(std::io::stdin().as_fd()).ok();
    let pty = nix::pty::openpty(size.as_ref(), None)?;
    Ok(Pty { master: pty.master, slave: pty.slave })
}

/// In the command child, after setsid: the slave becomes the controlling terminal and fds 0-2.
pub fn attach(slave: OwnedFd) -> std::io::Result<()> {
    sys::set_controlling_terminal(slave.as_fd())?;
    nix::unistd::dup2_stdin(&slave)?;
    nix::unistd::dup2_stdout(&slave)?;
    nix::unistd::dup2_stderr(&slave)?;
    Ok(())
}

/// The caller's terminal in raw mode for as long as this lives (keys go to the command's pty
/// unchanged, ^C included); dropping it restores the saved mode.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    pub fn enter() -> Option<Self> {
        let stdin = std::io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd()).ok()?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSADRAIN, &raw).ok()?;
        Some(Self { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSADRAIN, &self.saved);
    }
}

/// Relays between the caller and the pty until the joiner (and so the command) exits, forwarding
/// signals and window-size changes; returns the command's exit code. It returns when the command
/// exits even if a background process still holds the pty. EOF on the caller's stdin reaches the
/// command as the pty's EOF character.
pub fn relay(joiner: Pid, pty: Pty) -> i32 {
    // The line discipline's settings live on the slave side; ctenter then drops its copy so only
    // the command holds the slave.
    let eof_char = termios::tcgetattr(pty.slave.as_fd())
        .map(|t| t.control_chars[SpecialCharacterIndices::VEOF as usize])
        .unwrap_or(4);
    let Pty { master, slave } = pty;
    drop(slave);
    let mut mask = SigSet::empty();
    for signal in FORWARDED.iter().copied().chain([Signal::SIGCHLD, Signal::SIGWINCH]) {
        mask.add(signal);
    }
    // The signals are already blocked (supervise::block_signals, plus SIGWINCH here).
    let _ = mask.thread_block();
    let Ok(signals) = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC) else {
        return super::supervise::supervise(super::supervise::Supervised::Joiner(joiner));
    };
    let _ = fcntl(master.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut stdin_open = true;
    let mut master_open = true;
    let mut to_master: Vec<u8> = Vec::new();
    let mut last_sent = b'\n';
    let mut buf = vec![0u8; 16 << 10];
    loop {
        let mut fds = vec![PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
        let master_events = match (master_open, to_master.is_empty()) {
            (false, _) => PollFlags::empty(),
            (true, true) => PollFlags::POLLIN,
            (true, false) => PollFlags::POLLIN | PollFlags::POLLOUT,
        };
        fds.push(PollFd::new(master.as_fd(), master_events));
        let read_stdin = stdin_open && to_master.is_empty() && master_open;
        fds.push(PollFd::new(stdin.as_fd(), if read_stdin { PollFlags::POLLIN } else { PollFlags::empty() }));
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return exit::FAILURE,
        }
        let ready = |i: usize| fds[i].revents().unwrap_or(PollFlags::empty());
        let (signal_ready, master_ready, stdin_ready) = (ready(0), ready(1), ready(2));

        if master_ready.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR) {
            master_open = copy_out(master.as_fd(), stdout.as_fd(), &mut buf);
        }
        if master_ready.contains(PollFlags::POLLOUT) {
            match write(&master, &to_master) {
                Ok(n) => {
                    last_sent = to_master[n - 1];
                    to_master.drain(..n);
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(_) => to_master.clear(),
            }
        }
        if stdin_ready.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR) {
            match read(stdin.as_fd(), &mut buf) {
                Ok(0) | Err(Errno::EIO | Errno::EBADF) => {
                    stdin_open = false;
                    // Canonical mode ends a pending partial line with the first EOF character
                    // and reports end of file on the second (termios(3) VEOF).
                    to_master.push(eof_char);
                    if last_sent != b'\n' {
                        to_master.push(eof_char);
                    }
                }
                Ok(n) => to_master.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
        }
        if signal_ready.contains(PollFlags::POLLIN) {
            while let Ok(Some(info)) = signals.read_signal() {
                let Ok(signal) = Signal::try_from(info.ssi_signo as i32) else { continue };
                match signal {
                    Signal::SIGCHLD => {}
                    Signal::SIGWINCH => {
                        if let Ok(size) = sys::window_size(stdin.as_fd()) {
                            let _ = sys::set_window_size(master.as_fd(), &size);
                        }
                    }
                    signal => {
                        let _ = kill(joiner, signal);
                    }
                }
            }
            match waitpid(joiner, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {}
                Ok(status) => {
                    if let Some(code) = exit::code_from_wait(status) {
                        // What the command wrote just before exiting is still in the pty.
                        if master_open {
                            copy_out(master.as_fd(), stdout.as_fd(), &mut buf);
                        }
                        return code;
                    }
                }
                Err(_) => return exit::FAILURE,
            }
        }
    }
}

/// Copies what the master has now to stdout; false once the pty has no slave left (EIO) or
/// stdout is gone.
fn copy_out(master: BorrowedFd<'_>, stdout: BorrowedFd<'_>, buf: &mut [u8]) -> bool {
    loop {
        match read(master, buf) {
            Ok(0) | Err(Errno::EIO) => return false,
            Ok(n) => {
                if write_all(stdout, &buf[..n]).is_err() {
                    return false;
                }
            }
            Err(Errno::EAGAIN | Errno::EINTR) => return true,
            Err(_) => return false,
        }
    }
}

fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> nix::Result<()> {
    while !bytes.is_empty() {
        match write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => {
                let mut fds = [PollFd::new(fd, PollFlags::POLLOUT)];
                let _ = poll(&mut fds, PollTimeout::NONE);
            }
            Err(errno) => return Err(errno),
        }
    }
    Ok(())
}
