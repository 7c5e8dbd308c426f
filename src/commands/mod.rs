//! One small file per subcommand, gluing the layers below; only output formatting lives here.

pub mod capture;
pub mod completions;
pub mod enter;
pub mod ls;
pub mod man;
pub mod pid;

use crate::config::{Command, Config};
use crate::resolver::Scan;

/// Runs the configured command and returns the process exit code.
pub fn run(config: &Config) -> anyhow::Result<i32> {
    match &config.command {
        Command::Ls(options) => ls::run(config, options),
        Command::Pid { container, explain, json } => pid::run(config, container, *explain, *json),
        Command::Enter(options) => enter::run(config, options),
        Command::Capture(options) => capture::run(config, options),
        Command::Completions(shell) => completions::run(*shell),
        Command::Man(subcommand) => man::run(subcommand.as_deref()),
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

/// Writes generated text to stdout; a closed pipe (`ctenter man | head`) is not an error.
fn write_stdout(bytes: &[u8], what: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write {what} to standard output: {err}"))
        }
        _ => Ok(()),
    }
}
