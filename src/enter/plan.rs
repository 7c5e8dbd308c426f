//! Everything `enter` will do, decided before the fork: pure, testable, printable.

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::env;
use super::exec::CommandSpec;
use super::user::UserSpec;
use crate::namespace::Join;
use crate::namespace::join::JoinVia;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Workdir {
    /// `-w DIR` or the container's configured working directory: entering it must succeed.
    Explicit(CString),
    /// The init's working directory as the kernel reports it; `/` when it can't be entered.
    InitCwd(CString),
}

#[derive(Debug, Clone)]
pub struct EnterPlan {
    pub container_id: String,
    pub target_pid: u32,
    pub joins: Vec<Join>,
    pub join_via: JoinVia,
    pub command: CommandSpec,
    pub env: Vec<CString>,
    /// The PATH the command is looked up on: the container's, not ctenter's.
    pub path_var: Vec<u8>,
    pub workdir: Workdir,
    /// Resolved inside the container (its /etc/passwd), after the joins.
    pub user: UserSpec,
}

/// The inputs of a plan, gathered by the caller from /proc and the command line.
pub struct PlanInputs<'a> {
    pub container_id: &'a str,
    pub target_pid: u32,
    pub joins: Vec<Join>,
    pub join_via: JoinVia,
    pub command: &'a [OsString],
    pub init_environ: &'a [u8],
    pub caller_term: Option<&'a OsStr>,
    pub env_overrides: &'a [(OsString, OsString)],
    pub user: UserSpec,
    pub workdir: Option<&'a OsStr>,
    pub init_cwd: Option<&'a OsStr>,
}

impl EnterPlan {
    pub fn new(inputs: PlanInputs<'_>) -> Self {
        let environment = env::build(inputs.init_environ, inputs.caller_term, inputs.env_overrides);
        let path_var = environment.get(b"PATH").unwrap_or(env::DEFAULT_PATH.as_bytes()).to_vec();
        let command = if inputs.command.is_empty() {
            CommandSpec::LoginShell
        } else {
            CommandSpec::Argv(inputs.command.iter().map(|a| cstring(a)).collect())
        };
        let workdir = match (inputs.workdir, inputs.init_cwd) {
            (Some(dir), _) => Workdir::Explicit(cstring(dir)),
            (None, Some(cwd)) => Workdir::InitCwd(cstring(cwd)),
            (None, None) => Workdir::InitCwd(cstring(OsStr::new("/"))),
        };
        Self {
            container_id: inputs.container_id.to_string(),
            target_pid: inputs.target_pid,
            joins: inputs.joins,
            join_via: inputs.join_via,
            command,
            env: environment.to_cstrings(),
            path_var,
            workdir,
            user: inputs.user,
        }
    }

    pub fn short_id(&self) -> &str {
        crate::resolver::short_id(&self.container_id)
    }

    pub fn joins_pid(&self) -> bool {
        self.joins.iter().any(|j| j.kind.flag == libc::CLONE_NEWPID)
    }
}

/// Arguments come from argv and paths from the kernel, neither of which can hold a NUL; an
/// embedded NUL is cut there rather than failing.
fn cstring(value: &OsStr) -> CString {
    let bytes = value.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("NUL removed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(
        command: &'a [OsString],
        workdir: Option<&'a OsStr>,
        init_cwd: Option<&'a OsStr>,
    ) -> PlanInputs<'a> {
        PlanInputs {
            container_id: "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005",
            target_pid: 42,
            joins: vec![],
            join_via: JoinVia::Auto,
            command,
            init_environ: b"PATH=/opt/bin:/bin\0",
            caller_term: None,
            env_overrides: &[],
            user: UserSpec { user: "0".into(), group: None },
            workdir,
            init_cwd,
        }
    }

    #[test]
    fn no_command_is_a_login_shell_and_path_comes_from_the_container() {
        let plan = EnterPlan::new(inputs(&[], None, None));
        assert_eq!(plan.command, CommandSpec::LoginShell);
        assert_eq!(plan.path_var, b"/opt/bin:/bin");
        assert_eq!(plan.workdir, Workdir::InitCwd(c"/".into()));
        assert_eq!(plan.short_id(), "1be257b8ff05");
    }

    #[test]
    fn explicit_workdir_wins_over_the_init_cwd() {
        let cmd = [OsString::from("ls"), OsString::from("-l")];
        let plan = EnterPlan::new(inputs(&cmd, Some(OsStr::new("/tmp")), Some(OsStr::new("/app"))));
        assert_eq!(plan.command, CommandSpec::Argv(vec![c"ls".into(), c"-l".into()]));
        assert_eq!(plan.workdir, Workdir::Explicit(c"/tmp".into()));
        let plan = EnterPlan::new(inputs(&cmd, None, Some(OsStr::new("/app"))));
        assert_eq!(plan.workdir, Workdir::InitCwd(c"/app".into()));
    }
}
