//! The only unsafe code in ctenter: syscalls that neither std nor nix wraps safely.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// pidfd_open(2) (Linux 5.3): an fd that names one process for as long as it is held, so a
/// reused pid can never be mistaken for it.
pub fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| io::Error::from_raw_os_error(libc::ESRCH))?;
    // SAFETY: pidfd_open takes two integers and shares no memory with us.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0 as libc::c_uint) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this fd to us; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// pidfd_send_signal(2) with signal 0: Ok while the process has not exited (ESRCH once it has).
pub fn pidfd_check_alive(pidfd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: signal 0 sends nothing; a null siginfo is allowed (pidfd_send_signal(2)).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            0,
            std::ptr::null::<libc::siginfo_t>(),
            0 as libc::c_uint,
        )
    };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

pub enum Forked {
    Parent(libc::pid_t),
    Child,
}

/// fork(2). ctenter never starts a thread, so the child is a copy of a single-threaded process
/// and may allocate and use std freely.
pub fn fork() -> io::Result<Forked> {
    // SAFETY: no other thread exists (see above), so no lock can be held by a thread that the
    // child would lack; the child only runs ctenter's own code until execve or _exit.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid)),
    }
}

/// struct clone_args of clone3(2), up to `cgroup` (CLONE_ARGS_SIZE_VER2, Linux 5.7).
#[repr(C)]
#[derive(Default)]
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

/// linux/sched.h; the libc crate does not define it for every target.
const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;

/// fork(2) with the child born in the cgroup v2 directory `cgroup` (clone3(2) CLONE_INTO_CGROUP,
/// Linux 5.7). Unlike a write to `cgroup.procs`, this never takes the kernel's global
/// cgroup_threadgroup_rwsem for writing, whose RCU grace period costs milliseconds (see
/// `enter::cgroups`). Any error (ENOSYS before 5.3, E2BIG before 5.7, EPERM from a seccomp
/// filter, ...) is the caller's to fall back from.
pub fn fork_into_cgroup(cgroup: BorrowedFd<'_>) -> io::Result<Forked> {
    let args = CloneArgs {
        flags: CLONE_INTO_CGROUP,
        exit_signal: libc::SIGCHLD as u64,
        cgroup: cgroup.as_raw_fd() as u64,
        ..CloneArgs::default()
    };
    // SAFETY: with no stack given the child runs on a copy of ours, exactly as after fork(2); as
    // for `fork`, no other thread exists, so the child holds no lock it cannot release. glibc's
    // fork bookkeeping is skipped: the child's cached tid is stale, which glibc (2.25+: no pid
    // cache; raise(3) asks gettid) and Rust's std never rely on, and the joiner's own fork(2)
    // renews it for the command (musl's raise(3) would use the stale tid). The kernel reads
    // `args` (whose size we pass) and nothing else of ours.
    let rc = unsafe { libc::syscall(libc::SYS_clone3, &args, std::mem::size_of::<CloneArgs>()) };
    match rc {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid as libc::pid_t)),
    }
}

/// Ends a forked child at once: no atexit handlers, no flush of stdio buffers copied from the
/// parent (which would print the parent's pending output twice).
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit(2) has no preconditions.
    unsafe { libc::_exit(code) }
}

/// Closes every fd above 2, whatever the caller leaked to us and whatever lacks CLOEXEC
/// (CVE-2016-9962, CVE-2024-21626): close_range(2) (Linux 5.9), else one close per possible fd.
/// It never reads /proc/self/fd, which after joining a mount namespace is the container's.
pub fn close_fds_above_stderr() {
    // SAFETY: close_range takes integers; closing fds we do not own is the point here, and no
    // Rust object in this process uses them afterwards (the caller is about to exec).
    let rc = unsafe {
        libc::syscall(libc::SYS_close_range, 3 as libc::c_uint, libc::c_uint::MAX, 0 as libc::c_uint)
    };
    if rc == 0 {
        return;
    }
    let max = match nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) => soft.max(hard).min(1 << 20),
        Err(_) => 1 << 16,
    };
    for fd in 3..max as libc::c_int {
        // SAFETY: as above; EBADF for unused numbers is expected and ignored.
        unsafe { libc::close(fd) };
    }
}

/// Sets SIGPIPE back to its default action (Rust's runtime ignores it, and an ignored signal
/// stays ignored across execve(2), which would change how the entered command behaves).
pub fn default_sigpipe() {
    // SAFETY: SIG_DFL installs no handler, so no async-signal-safety requirement applies.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

/// PTRACE_SECCOMP_GET_FILTER (linux/ptrace.h; Linux 4.4), which the libc crate does not name.
const PTRACE_SECCOMP_GET_FILTER: libc::c_uint = 0x420c;

/// The `index`th seccomp filter of a ptrace-stopped tracee (0 is the most recently installed),
/// as its BPF instructions (ptrace(2) PTRACE_SECCOMP_GET_FILTER).
pub fn seccomp_filter_of(pid: libc::pid_t, index: usize) -> io::Result<Vec<libc::sock_filter>> {
    // SAFETY: with a null data pointer the kernel only returns the filter's length.
    let len = unsafe {
        libc::ptrace(
            PTRACE_SECCOMP_GET_FILTER,
            pid,
            index as *mut libc::c_void,
            std::ptr::null_mut::<libc::c_void>(),
        )
    };
    if len < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut program = vec![libc::sock_filter { code: 0, jt: 0, jf: 0, k: 0 }; len as usize];
    // SAFETY: the buffer holds `len` instructions, the size the kernel just reported for this
    // filter; the kernel writes at most that many.
    let got = unsafe {
        libc::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index as *mut libc::c_void, program.as_mut_ptr())
    };
    if got < 0 {
        return Err(io::Error::last_os_error());
    }
    program.truncate(got as usize);
    Ok(program)
}

/// Installs one seccomp filter on this thread (seccomp(2) SECCOMP_SET_MODE_FILTER); needs
/// no_new_privs or CAP_SYS_ADMIN.
pub fn install_seccomp_filter(program: &[libc::sock_filter]) -> io::Result<()> {
    let fprog = libc::sock_fprog { len: program.len() as libc::c_ushort, filter: program.as_ptr() as *mut _ };
    // SAFETY: `fprog` points at `program`, which outlives the call; the kernel copies it.
    let rc =
        unsafe { libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0 as libc::c_uint, &fprog) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Removes capability `cap` from this thread's bounding set (PR_CAPBSET_DROP, needs
/// CAP_SETPCAP); EINVAL means the kernel has no such capability.
pub fn drop_bounding_capability(cap: u32) -> io::Result<()> {
    // SAFETY: prctl with integer arguments only.
    let rc = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Empties the ambient capability set (PR_CAP_AMBIENT_CLEAR_ALL, Linux 4.3; EINVAL before).
pub fn clear_ambient_capabilities() -> io::Result<()> {
    // SAFETY: prctl with integer arguments only.
    let rc = unsafe {
        libc::prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong, 0, 0, 0)
    };
    if rc < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINVAL) {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// _LINUX_CAPABILITY_VERSION_3 (linux/capability.h): two 32-bit words per set.
const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// Sets this thread's effective, permitted and inheritable capability sets (capset(2)).
pub fn set_capabilities(effective: u64, permitted: u64, inheritable: u64) -> io::Result<()> {
    let header = CapHeader { version: CAPABILITY_VERSION_3, pid: 0 };
    let word = |set: u64, i: u32| (set >> (32 * i)) as u32;
    let data = [0, 1].map(|i| CapData {
        effective: word(effective, i),
        permitted: word(permitted, i),
        inheritable: word(inheritable, i),
    });
    // SAFETY: version 3 takes one header and an array of two data structs, which we pass.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// The window size of a terminal (TIOCGWINSZ, ioctl_tty(2)).
pub fn window_size(tty: BorrowedFd<'_>) -> io::Result<libc::winsize> {
    let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one winsize into the struct we pass.
    let rc = unsafe { libc::ioctl(tty.as_raw_fd(), libc::TIOCGWINSZ, &mut size) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(size) }
}

/// Sets a terminal's window size (TIOCSWINSZ); the kernel sends SIGWINCH to its foreground group.
pub fn set_window_size(tty: BorrowedFd<'_>, size: &libc::winsize) -> io::Result<()> {
    // SAFETY: TIOCSWINSZ reads one winsize from the struct we pass.
    let rc = unsafe { libc::ioctl(tty.as_raw_fd(), libc::TIOCSWINSZ, size) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Makes `tty` the controlling terminal of this session's leader (TIOCSCTTY, ioctl_tty(2)).
pub fn set_controlling_terminal(tty: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: TIOCSCTTY takes an integer argument (0: do not steal it from another session).
    let rc = unsafe { libc::ioctl(tty.as_raw_fd(), libc::TIOCSCTTY, 0) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}
