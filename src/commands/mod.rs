//! One small file per subcommand, gluing the layers below; only output formatting lives here.

pub mod capture;
pub mod enter;
pub mod ls;
pub mod pid;

use crate::config::{Command, Config};
use crate::resolver::Scan;

/// Runs the configured command and returns the process exit code.
pub fn run(config: &Config) -> anyhow::Result<i32> {
    match &config.command {
        Command::Ls(options) => ls::run(config, options),
        Command::Pid { container, explain } => pid::run(config, container, *explain),
        Command::Enter(options) => enter::run(config, options),
        Command::Capture(options) => capture::run(config, options),
    }
}

/// Scans, warning once on stderr when some processes could not be read.
fn scan(config: &Config) -> anyhow::Result<Scan> {
    let scan = Scan::new(&config.proc_root, &config.state_root)?;
    if let Some(first) = &scan.first_unreadable {
        let hint =
            if first.is_permission() && !nix::unistd::geteuid().is_root() { " (run as root)" } else { "" };
        eprintln!(
            "ctenter: warning: cannot read the cgroup of {} of {} processes under {} (first: {first}); \
             their containers are not shown{hint}",
            scan.unreadable,
            scan.processes_scanned,
            config.proc_root.path().display()
        );
    }
    Ok(scan)
}
