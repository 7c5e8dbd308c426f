//! `ctenter capture`: write a fixture directory (proc files, expected.json, README.md).

use anyhow::Context;

use crate::capture::{self, CaptureError, CaptureOptions};
use crate::config::Config;
use crate::procroot::ProcRoot;
use crate::resolver::{Found, Scan, short_id};
use crate::state::StateRoot;

pub fn run(config: &Config, options: &CaptureOptions) -> anyhow::Result<i32> {
    let scan = super::scan(config)?;
    let selected: Vec<Found> = match &options.containers {
        None => scan.list(),
        Some(queries) => queries.iter().map(|q| scan.resolve(q)).collect::<Result<_, _>>()?,
    };
    if selected.is_empty() {
        return Err(CaptureError::Nothing.into());
    }
    let root = &config.proc_root;
    let pids = capture::pids_to_capture(root, &selected);
    let captured = capture::write(root, &pids, &options.output, options.redact)?;

    // Replayed from the captured files alone: state files are not captured (their configured
    // environment may hold secrets).
    let replay =
        Scan::new(&ProcRoot::new(&captured.proc_dir), &StateRoot::new(options.output.join("root")))?.list();
    let expected = options.output.join("expected.json");
    let mut file = std::fs::File::create(&expected).with_context(|| expected.display().to_string())?;
    super::ls::write_json(&mut file, &replay).with_context(|| expected.display().to_string())?;

    for live in &selected {
        let same = replay.iter().any(|r| r.container.id == live.container.id && r.init.pid == live.init.pid);
        if !same {
            eprintln!(
                "ctenter: warning: container {} (pid {}) does not resolve the same from the captured files; \
                 expected.json shows what the resolver makes of them",
                short_id(&live.container.id),
                live.init.pid
            );
        }
    }
    let readme = options.output.join("README.md");
    std::fs::write(&readme, readme_text(root, &selected, options))
        .with_context(|| readme.display().to_string())?;
    println!(
        "captured {} processes of {} container(s) into {}",
        captured.processes,
        selected.len(),
        options.output.display()
    );
    Ok(0)
}

fn readme_text(root: &ProcRoot, selected: &[Found], options: &CaptureOptions) -> String {
    let (kernel, cgroup_mode) = capture::host_facts(root);
    let cgroup_mode = if root.is_own_pid_namespace() { cgroup_mode } else { "unknown (not the live /proc)" };
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(&l);
        text.push('\n');
    };
    line("# ctenter capture".into());
    line(String::new());
    line(format!(
        "Made by `ctenter {}` capture from `{}`.",
        env!("CARGO_PKG_VERSION"),
        root.path().display()
    ));
    line(String::new());
    line(format!("- kernel: {kernel}"));
    line(format!("- cgroup mode: {cgroup_mode}"));
    for (engine, version) in runtime_versions(selected) {
        line(format!("- {engine}: {version}"));
    }
    line(format!(
        "- command lines: {}",
        if options.redact { "redacted (process names only)" } else { "as captured" }
    ));
    line(String::new());
    line("Containers captured (ID, engine, init pid, cgroup):".into());
    line(String::new());
    for found in selected {
        let c = &found.container;
        line(format!("- `{}` {} pid {} `{}`", c.id, c.engine.as_str(), found.init.pid, c.cgroup));
    }
    line(String::new());
    line("`proc/<pid>/` holds each process's cgroup, stat, status and cmdline (never environ);".into());
    line(
        "`expected.json` is what ctenter resolves from them: edit it to what it should be and attach".into(),
    );
    line("this directory (`tar czf capture.tgz <dir>`) to a bug report. To replay:".into());
    line(String::new());
    line(format!("    ctenter --proc-root {}/proc ls --json", options.output.display()));
    text
}

/// The version each engine's command-line tool reports (`--version` asks no daemon).
fn runtime_versions(selected: &[Found]) -> Vec<(&'static str, String)> {
    let mut engines: Vec<&'static str> = selected.iter().map(|f| f.container.engine.as_str()).collect();
    engines.sort_unstable();
    engines.dedup();
    engines
        .into_iter()
        .map(|engine| {
            let program = match engine {
                "docker" => "dockerd",
                "podman" => "podman",
                "containerd" | "kubernetes" => "containerd",
                "cri-o" => "crio",
                "lxc" => "lxc-start",
                "systemd-nspawn" => "systemd-nspawn",
                other => other,
            };
            (engine, tool_version(program))
        })
        .collect()
}

fn tool_version(program: &str) -> String {
    let out = std::process::Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            text.lines().next().unwrap_or("").trim().to_string()
        }
        _ => format!("`{program} --version` not available"),
    }
}
