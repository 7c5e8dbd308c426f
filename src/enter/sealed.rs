//! Running `enter` from a sealed in-memory copy of ctenter, so that no process in the container
//! can reach the host binary through `/proc/<pid>/exe` (CVE-2019-5736: a `#!/proc/self/exe`
//! command made runc execute itself inside the container, and the container rewrote it).
//!
//! The fix is runc's and LXC's: copy the binary into a memfd, seal it against writes, and
//! re-execute from it before anything joins the container. Every later process (the joiner, the
//! command before its exec, any `/proc/self/exe` interpreter) then has the sealed copy as its exe.

use std::ffi::{CString, OsString};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStringExt;

use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::sys::memfd::{MFdFlags, memfd_create};

use crate::procroot::ProcRoot;

/// Set in the environment of the re-executed copy: a copy that finds itself unsealed stops
/// instead of re-executing again. The command's environment never comes from ours.
const MARKER: &str = "CTENTER_SEALED_COPY";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot make a sealed copy of ctenter's binary ({step}): {source}")]
    Copy { step: &'static str, source: std::io::Error },
    #[error("cannot execute ctenter's sealed copy: {0} (is vm.memfd_noexec set to 2?)")]
    Exec(nix::errno::Errno),
    #[error("ctenter was re-executed from a sealed copy but {MARKER} is set and it does not run from one")]
    NotSealed,
}

/// Seals a memfd must carry before ctenter trusts it as its own binary.
fn required_seals() -> SealFlag {
    SealFlag::F_SEAL_SEAL | SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW | SealFlag::F_SEAL_WRITE
}

/// Whether this process already runs from a sealed copy: its exe answers F_GET_SEALS (only
/// memfds do) with every seal in `required_seals`.
fn running_sealed(exe: &File) -> bool {
    fcntl(exe.as_fd(), FcntlArg::F_GET_SEALS)
        .is_ok_and(|seals| SealFlag::from_bits_truncate(seals).contains(required_seals()))
}

/// Returns when ctenter runs from a sealed copy; otherwise makes one and re-executes from it
/// with the same arguments and environment (and returns only on failure).
pub fn ensure_sealed() -> Result<(), SealError> {
    let copy = |step| move |source| SealError::Copy { step, source };
    let mut exe = File::open(ProcRoot::live().self_file("exe")).map_err(copy("open /proc/self/exe"))?;
    if running_sealed(&exe) {
        return Ok(());
    }
    if std::env::var_os(MARKER).is_some() {
        return Err(SealError::NotSealed);
    }
    let flags = MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING;
    // MFD_EXEC (Linux 6.3) keeps the copy executable under vm.memfd_noexec=1; older kernels
    // reject the flag with EINVAL, and their memfds are always executable.
    let memfd = memfd_create("ctenter", flags | MFdFlags::from_bits_retain(libc::MFD_EXEC))
        .or_else(|_| memfd_create("ctenter", flags))
        .map_err(|e| copy("memfd_create")(e.into()))?;
    let mut memfd = File::from(memfd);
    std::io::copy(&mut exe, &mut memfd).map_err(copy("copy")).map(drop)?;
    fcntl(memfd.as_fd(), FcntlArg::F_ADD_SEALS(required_seals()))
        .map_err(|e| copy("F_ADD_SEALS")(e.into()))?;
    drop(exe);

    let argv: Vec<CString> = std::env::args_os().map(cstring).collect();
    let mut env: Vec<CString> = std::env::vars_os()
        .filter(|(key, _)| key != MARKER)
        .map(|(key, value)| {
            let mut entry = key;
            entry.push("=");
            entry.push(value);
            cstring(entry)
        })
        .collect();
    env.push(cstring(format!("{MARKER}=1").into()));
    let errno = nix::unistd::fexecve(memfd.as_fd(), &argv, &env).unwrap_err();
    Err(SealError::Exec(errno))
}

/// argv and environ entries come from the kernel, which cannot hold a NUL inside one.
fn cstring(value: OsString) -> CString {
    CString::new(value.into_vec()).unwrap_or_default()
}
