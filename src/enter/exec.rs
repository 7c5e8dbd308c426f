//! The last step, inside the container: find the command on the container's PATH and execve it.

use std::ffi::{CStr, CString};

use nix::errno::Errno;
use nix::unistd::{AccessFlags, access, execve};

use crate::exit;

/// What to run once inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSpec {
    /// The user's shell from the container's passwd, else its `/bin/bash`, else `/bin/sh`, as a
    /// login shell.
    LoginShell,
    Argv(Vec<CString>),
}

#[derive(Debug)]
pub struct ExecFailure {
    pub code: i32,
    pub message: String,
}

/// Pure: whether a passwd shell field can be the login shell ctenter starts. A shell that only
/// refuses logins (`nologin`, `false`) is passed over for the container's own `/bin/bash` or
/// `/bin/sh`: entering a container is not a login through that account, and docker exec has
/// no such refusal either.
pub fn login_shell_candidate(shell: &str) -> bool {
    let name = shell.rsplit('/').next().unwrap_or(shell);
    shell.starts_with('/')
        && !matches!(name, "" | "nologin" | "false" | "true" | "sync" | "halt" | "shutdown")
}

/// Replaces this process with the command; returns only on failure, with the exit code the shell
/// convention gives it (127 not found, 126 not executable).
pub fn exec(spec: &CommandSpec, env: &[CString], path_var: &[u8], passwd_shell: Option<&str>) -> ExecFailure {
    let argv = match spec {
        CommandSpec::LoginShell => {
            // A regular, executable file: access(2) says X_OK for directories too.
            let usable = |shell: &&str| {
                login_shell_candidate(shell)
                    && std::fs::metadata(shell).is_ok_and(|m| m.is_file())
                    && access(*shell, AccessFlags::X_OK).is_ok()
            };
            let path =
                passwd_shell.filter(usable).or_else(|| Some("/bin/bash").filter(usable)).unwrap_or("/bin/sh");
            let name = path.rsplit('/').next().unwrap_or(path);
            // A leading '-' in argv[0] asks for a login shell (bash(1), busybox ash).
            let (Ok(path), Ok(argv0)) = (CString::new(path), CString::new(format!("-{name}"))) else {
                return ExecFailure { code: exit::FAILURE, message: format!("bad login shell {path:?}") };
            };
            let errno = execve(&path, &[argv0], env).unwrap_err();
            return failure(&path, errno);
        }
        CommandSpec::Argv(argv) => argv,
    };
    let Some(command) = argv.first() else {
        return ExecFailure { code: exit::FAILURE, message: "empty command".into() };
    };
    if command.as_bytes().contains(&b'/') {
        let errno = execve(command, argv, env).unwrap_err();
        return failure(command, errno);
    }
    let mut denied = None;
    for dir in path_var.split(|&b| b == b':') {
        let dir = if dir.is_empty() { &b"."[..] } else { dir };
        let Ok(candidate) = CString::new([dir, b"/", command.as_bytes()].concat()) else { continue };
        match execve(&candidate, argv, env).unwrap_err() {
            Errno::ENOENT | Errno::ENOTDIR | Errno::ELOOP | Errno::ENAMETOOLONG => {}
            Errno::EACCES | Errno::EPERM => denied = Some(candidate),
            errno => return failure(&candidate, errno),
        }
    }
    match denied {
        Some(candidate) => failure(&candidate, Errno::EACCES),
        None => ExecFailure {
            code: exit::NOT_FOUND,
            message: format!("exec {:?}: executable file not found in $PATH", command.to_string_lossy()),
        },
    }
}

fn failure(path: &CStr, errno: Errno) -> ExecFailure {
    let code = match errno {
        Errno::ENOENT | Errno::ENOTDIR => exit::NOT_FOUND,
        _ => exit::NOT_EXECUTABLE,
    };
    ExecFailure {
        code,
        message: format!("exec {:?}: {}", path.to_string_lossy(), std::io::Error::from(errno)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_shells_are_absolute_and_not_refusals() {
        for shell in ["/bin/bash", "/bin/ash", "/usr/bin/zsh"] {
            assert!(login_shell_candidate(shell), "{shell}");
        }
        for shell in
            ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/bin/sync", "bash", "", "/", "/bin/"]
        {
            assert!(!login_shell_candidate(shell), "{shell}");
        }
    }
}
