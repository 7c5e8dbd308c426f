//! The command line, as clap sees it; the doc comments are the help text.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Enter a running Linux container without its daemon.
///
/// ctenter finds containers by reading /proc/*/cgroup (no docker.sock, no containerd socket, no
/// runtime CLI), then joins the chosen namespaces of the container's init process and runs a
/// command there. It keeps working when dockerd or containerd is hung.
#[derive(Debug, Parser)]
#[command(name = "ctenter", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Scan this directory instead of /proc (a procfs mounted elsewhere, or a fixture tree); enter
    /// accepts only the procfs of ctenter's own pid namespace.
    #[arg(long, global = true, value_name = "DIR", default_value = "/proc")]
    pub proc_root: PathBuf,

    /// Prefix of every runtime state path (/var/lib/docker, /run/containerd, ...): a fixture's
    /// `root/`, or a host's root mounted elsewhere.
    #[arg(long, global = true, value_name = "DIR", default_value = "/")]
    pub state_root: PathBuf,

    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// List every container found in /proc.
    Ls(LsArgs),
    /// Print the init pid of a container.
    Pid(PidArgs),
    /// Run a command (default: the container's login shell) inside a container's namespaces.
    Enter(EnterArgs),
    /// Copy the /proc files that decide how containers resolve into a fixture directory, for a
    /// bug report or a test case (cgroup, stat, status, cmdline; never environ).
    Capture(CaptureArgs),
    /// Print a shell completion script to stdout (e.g. `ctenter completions bash >
    /// /etc/bash_completion.d/ctenter`).
    Completions(CompletionsArgs),
    /// Print a manual page (roff) to stdout: ctenter(1), or ctenter-SUBCOMMAND(1).
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: ShellArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (ctenter-SUBCOMMAND(1)). Default: ctenter(1).
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// Containers to capture (ID or unique prefix); see --all.
    #[arg(value_name = "CONTAINER", required_unless_present = "all", conflicts_with = "all")]
    pub containers: Vec<String>,
    /// Capture every container found.
    #[arg(long)]
    pub all: bool,
    /// Directory to create (must not exist, or be empty).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace command lines with the kernel's short process names (supervisors' are kept: they
    /// hold only IDs and paths, and the resolver needs them).
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Print a JSON array (id, engine, name, pid, processes, cgroup, parent, command).
    #[arg(long)]
    pub json: bool,
    /// Show full IDs and commands.
    #[arg(long)]
    pub no_trunc: bool,
    /// Print only container IDs.
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct PidArgs {
    /// Explain the resolution: how the container matched, the init chosen and why, the files
    /// read, and the equivalent nsenter command line.
    #[arg(long)]
    pub explain: bool,
    /// Print one JSON object: {"id", "engine", "name", "pid", "matched"} (matched: id, name or
    /// prefix).
    #[arg(long, conflicts_with = "explain")]
    pub json: bool,
    /// Full ID, name (Docker, Podman, LXC; Kubernetes as namespace/pod/container, pod/container
    /// or pod), or unique ID prefix (hex IDs case-insensitive).
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

#[derive(Debug, Args)]
pub struct EnterArgs {
    /// Namespaces to join, comma-separated: user, cgroup, ipc, uts, net, pid, mnt, time.
    /// Default: every namespace of the container that differs from ctenter's own.
    #[arg(long = "ns", value_name = "LIST")]
    pub namespaces: Option<String>,

    /// Working directory inside the container (absolute). Default: the container's configured
    /// one, else the init's.
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<OsString>,

    /// Set an environment variable (KEY=VAL), or pass the caller's KEY. Repeatable.
    #[arg(short = 'e', long = "env", value_name = "KEY=VAL")]
    pub env: Vec<OsString>,

    /// Read variables from a file (KEY=VAL or KEY per line, `#` comments), before -e. Repeatable.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// The environment to start from: the container's configured one (`config`, as docker exec),
    /// the init process's (`init`), or `auto`: config when state files give one, else init.
    #[arg(long = "env-from", value_enum, default_value_t = EnvFromArg::Auto)]
    pub env_from: EnvFromArg,

    /// Run as USER[:GROUP], each a name or number, looked up in the container's /etc/passwd and
    /// /etc/group. Default: the container's configured user, else root.
    #[arg(short = 'u', long = "user", value_name = "USER[:GROUP]")]
    pub user: Option<String>,

    /// Allocate a pty for the command even when stdin is not a terminal (default: when it is).
    #[arg(short = 't', long = "tty", conflicts_with = "no_tty")]
    pub tty: bool,

    /// Never allocate a pty: the command shares ctenter's stdin, stdout and stderr.
    #[arg(short = 'T', long = "no-tty")]
    pub no_tty: bool,

    /// Keep stdin attached (it always is; accepted for `docker exec -i` habits).
    #[arg(short = 'i', long = "interactive")]
    pub interactive: bool,

    /// Keep host root's full capabilities, with no seccomp filter, no cgroup and no LSM label:
    /// nsenter's behaviour, for emergencies (a paused container, a filter that can't be copied).
    /// Default: the init's capabilities, no_new_privs, seccomp filters, cgroups and LSM label,
    /// as `docker exec` gives.
    #[arg(long)]
    pub privileged: bool,

    /// How to join (for testing the fallback path): one setns on a pidfd, or /proc ns files.
    #[arg(long, value_enum, default_value_t = JoinViaArg::Auto, hide = true)]
    pub join_via: JoinViaArg,

    /// Full ID, name (Docker, Podman, LXC; Kubernetes as namespace/pod/container, pod/container
    /// or pod), or unique ID prefix (hex IDs case-insensitive).
    #[arg(value_name = "CONTAINER")]
    pub container: String,

    /// Command and arguments. Default: /bin/bash, else /bin/sh, as a login shell.
    #[arg(value_name = "CMD", trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<OsString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvFromArg {
    Auto,
    Config,
    Init,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JoinViaArg {
    Auto,
    NsFiles,
}
