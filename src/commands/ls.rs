//! `ctenter ls`: a table, IDs only (`-q`), or the JSON array scripts rely on.

use std::io::Write;

use serde::Serialize;

use crate::config::{Config, LsOptions};
use crate::resolver::{Found, printable, short_id};

/// One element of `ls --json`; the field set is a contract (README "JSON output").
#[derive(Debug, Serialize)]
struct ContainerJson<'a> {
    id: &'a str,
    engine: &'static str,
    name: Option<&'a str>,
    pid: u32,
    processes: usize,
    cgroup: &'a str,
    parent: Option<&'a str>,
    command: &'a str,
    pod: Option<&'a str>,
    namespace: Option<&'a str>,
    started: Option<String>,
    sources: &'a [String],
}

const COMMAND_WIDTH: usize = 40;

pub fn run(config: &Config, options: &LsOptions) -> anyhow::Result<i32> {
    let found = super::scan(config)?.list();
    match write(&found, options) {
        Ok(()) => Ok(0),
        // `ctenter ls | head`: the reader has what it wanted.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(err) => Err(anyhow::anyhow!("cannot write the container list to standard output: {err}")),
    }
}

fn write(found: &[Found], options: &LsOptions) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if options.json {
        write_json(&mut out, found)?;
    } else if options.quiet {
        for f in found {
            writeln!(out, "{}", id_column(&f.container.id, options.no_trunc))?;
        }
    } else {
        write_table(&mut out, found, options.no_trunc)?;
    }
    out.flush()
}

/// The `--json` array, also written as a capture's expected.json.
pub(super) fn write_json(out: &mut impl Write, found: &[Found]) -> std::io::Result<()> {
    let items: Vec<_> = found.iter().map(to_json).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

fn to_json(found: &Found) -> ContainerJson<'_> {
    ContainerJson {
        id: &found.container.id,
        engine: found.container.engine.as_str(),
        name: found.state.name.as_deref(),
        pid: found.init.pid,
        processes: found.container.members.len(),
        cgroup: &found.container.cgroup,
        parent: found.container.parent.as_deref(),
        command: &found.command,
        pod: found.state.pod.as_deref(),
        namespace: found.state.namespace.as_deref(),
        started: found.started(),
        sources: &found.state.sources,
    }
}

fn id_column(id: &str, no_trunc: bool) -> &str {
    if no_trunc { id } else { short_id(id) }
}

fn write_table(out: &mut impl Write, found: &[Found], no_trunc: bool) -> std::io::Result<()> {
    let kubernetes = found.iter().any(|f| f.state.pod.is_some());
    let now = crate::time::now_unix();
    let optional = |value: Option<&str>| value.map(printable).unwrap_or_else(|| "-".into());
    let mut header = vec!["CONTAINER ID", "NAME", "ENGINE", "PID", "PROCS", "UPTIME"];
    if kubernetes {
        header.extend(["POD", "NAMESPACE"]);
    }
    header.push("COMMAND");
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            let uptime = f.started_unix.map(|start| crate::time::short_duration(now.saturating_sub(start)));
            let mut row = vec![
                id_column(&f.container.id, no_trunc).to_string(),
                optional(f.state.name.as_deref()),
                f.container.engine.as_str().to_string(),
                f.init.pid.to_string(),
                f.container.members.len().to_string(),
                optional(uptime.as_deref()),
            ];
            if kubernetes {
                row.extend([optional(f.state.pod.as_deref()), optional(f.state.namespace.as_deref())]);
            }
            row.push(command_column(&f.command, no_trunc));
            row
        })
        .collect();
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}   ", width = widths[i]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Escaped (see `printable`) and cut unless --no-trunc.
fn command_column(command: &str, no_trunc: bool) -> String {
    let clean = printable(command);
    if no_trunc || clean.chars().count() <= COMMAND_WIDTH {
        return clean;
    }
    let mut cut: String = clean.chars().take(COMMAND_WIDTH - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped_and_cut() {
        assert_eq!(command_column("sleep 10", false), "sleep 10");
        let long = "x".repeat(50);
        assert_eq!(command_column(&long, false).chars().count(), COMMAND_WIDTH);
        assert_eq!(command_column(&long, true), long);
    }
}
