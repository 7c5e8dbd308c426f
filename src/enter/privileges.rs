//! Whether ctenter holds what joining needs, checked up front for a clear message.

use crate::procroot::{ProcRoot, SMALL_READ_LIMIT};

const CAP_SYS_CHROOT: u32 = 18;
const CAP_SYS_PTRACE: u32 = 19;
const CAP_SYS_ADMIN: u32 = 21;

/// setns(2) needs CAP_SYS_ADMIN (and CAP_SYS_CHROOT for a mount namespace); reading another
/// process's `ns/*` and `environ` needs ptrace read access, i.e. CAP_SYS_PTRACE for other users.
const NEEDED: [(u32, &str); 3] = [
    (CAP_SYS_ADMIN, "CAP_SYS_ADMIN"),
    (CAP_SYS_PTRACE, "CAP_SYS_PTRACE"),
    (CAP_SYS_CHROOT, "CAP_SYS_CHROOT"),
];

/// Pure: the names of the needed capabilities missing from a `status` file's CapEff mask.
pub fn missing_capabilities(status: &[u8]) -> Vec<&'static str> {
    let effective = status
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"CapEff:"))
        .and_then(|hex| u64::from_str_radix(std::str::from_utf8(hex).ok()?.trim(), 16).ok())
        .unwrap_or(0);
    NEEDED.iter().filter(|(bit, _)| effective & (1 << bit) == 0).map(|(_, name)| *name).collect()
}

pub fn check() -> Result<(), String> {
    let status = ProcRoot::live().read_optional_self("status", SMALL_READ_LIMIT).unwrap_or_default();
    let missing = missing_capabilities(&status);
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "entering a container needs root: ctenter runs as uid {} without {} (run it with sudo, as root)",
        nix::unistd::geteuid(),
        missing.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_effective_mask() {
        assert!(missing_capabilities(b"Name:\tx\nCapEff:\t000001ffffffffff\n").is_empty());
        assert_eq!(
            missing_capabilities(b"CapEff:\t0000000000000000\n"),
            vec!["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_CHROOT"]
        );
        assert_eq!(
            missing_capabilities(b"CapEff:\t0000000000200000\n"),
            vec!["CAP_SYS_PTRACE", "CAP_SYS_CHROOT"]
        );
        assert_eq!(
            missing_capabilities(b"garbage"),
            vec!["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_CHROOT"]
        );
    }
}
