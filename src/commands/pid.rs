//! `ctenter pid <CONTAINER>`: print the init pid, as JSON with `--json`, or with `--explain` how
//! it was found.

use serde::Serialize;

use crate::config::Config;
use crate::namespace;
use crate::resolver::{Found, MatchedBy, init::init_reason, printable, read_command};

/// `pid --json`; the field set is a contract (README "JSON output").
#[derive(Debug, Serialize)]
struct PidJson<'a> {
    id: &'a str,
    engine: &'static str,
    name: Option<&'a str>,
    pid: u32,
    matched: &'static str,
}

pub fn run(config: &Config, container: &str, explain: bool, json: bool) -> anyhow::Result<i32> {
    let scan = super::scan(config)?;
    let (found, matched_by) = scan.resolve_how(container)?;
    if json {
        let object = PidJson {
            id: &found.container.id,
            engine: found.container.engine.as_str(),
            name: found.state.name.as_deref(),
            pid: found.init.pid,
            matched: match matched_by {
                MatchedBy::Id => "id",
                MatchedBy::Name => "name",
                MatchedBy::Prefix => "prefix",
            },
        };
        let mut line = serde_json::to_vec(&object)?;
        line.push(b'\n');
        super::write_stdout(&line, "the JSON object")?;
        return Ok(0);
    }
    if !explain {
        println!("{}", found.init.pid);
        return Ok(0);
    }
    print!("{}", explanation(config, &scan, &found, container, matched_by));
    Ok(0)
}

fn explanation(
    config: &Config,
    scan: &crate::resolver::Scan,
    found: &Found,
    needle: &str,
    matched_by: MatchedBy,
) -> String {
    let c = &found.container;
    let root = &config.proc_root;
    let proc = root.path().display();
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("container:  {} ({})", c.id, c.engine.as_str()));
    line(format!("matched:    {needle:?} by {}", matched_by.describe()));
    if let Some(name) = &found.state.name {
        line(format!("name:       {}", printable(name)));
    }
    if let Some(pod) = found.pod_label() {
        line(format!("pod:        {}", printable(&pod)));
    }
    line(format!("cgroup:     {}", printable(&c.cgroup)));
    if let Some(parent) = &c.parent {
        line(format!("inside:     container {parent}"));
    }
    line(format!("init:       pid {}: {}", found.init.pid, printable(&found.command)));
    line(format!("why:        {}", init_reason(&found.init)));
    let members: Vec<String> = c.members.iter().take(10).map(u32::to_string).collect();
    let more =
        if c.members.len() > 10 { format!(" and {} more", c.members.len() - 10) } else { String::new() };
    line(format!("members:    {} process(es): {}{more}", c.members.len(), members.join(" ")));
    if let Some(ppid) = found.init.ppid {
        let parent = crate::resolver::ProcessInfo { pid: ppid, ..Default::default() };
        line(format!("parent:     pid {ppid}: {}", printable(&read_command(root, &parent))));
    }
    line(format!(
        "read:       {proc}/<pid>/cgroup of {} processes; stat and status of the {} members; the init's parent's cmdline",
        scan.processes_scanned,
        c.members.len()
    ));
    for source in &found.state.sources {
        line(format!("state:      {}{source}", state_prefix(config)));
    }
    line(format!("nsenter:    {}", nsenter_line(config, found)));
    out
}

fn state_prefix(config: &Config) -> String {
    let prefix = config.state_root.prefix().display().to_string();
    if prefix == "/" { String::new() } else { prefix.trim_end_matches('/').to_string() }
}

/// What `enter`'s default namespaces would be as an nsenter(1) command line. Off the live /proc,
/// namespaces can't be compared; then it is the classic docker-enter set.
fn nsenter_line(config: &Config, found: &Found) -> String {
    let pid = found.init.pid;
    let flags = if config.proc_root.is_own_pid_namespace() {
        let target = namespace::read_target(&config.proc_root, pid).ok();
        let own = namespace::read_own().ok();
        match (target, own) {
            (Some(target), Some(own)) => match namespace::plan(None, &target, &own) {
                Ok(joins) => joins.iter().map(|j| j.kind.nsenter).collect::<Vec<_>>().join(" "),
                Err(err) => return format!("none: {err}"),
            },
            _ => "--mount --uts --ipc --net --pid".to_string(),
        }
    } else {
        "--mount --uts --ipc --net --pid".to_string()
    };
    format!("nsenter --target {pid} {flags}")
}
