//! Docker's per-container state: `<data-root>/containers/<id>/config.v2.json`, rootful or
//! rootless (`~/.local/share/docker` of the user whose `user@<uid>.service` holds the container).

use super::{ContainerState, Lookup, StateRoot, apply_name, home_of, rootless_uid};

pub(super) fn read(root: &StateRoot, container: &Lookup<'_>, state: &mut ContainerState) {
    let mut data_roots = vec!["/var/lib/docker".to_string()];
    if let Some(home) = rootless_uid(container.cgroup).and_then(|uid| home_of(root, uid)) {
        data_roots.insert(0, format!("{}/.local/share/docker", home.trim_end_matches('/')));
    }
    for data_root in data_roots {
        let path = format!("{data_root}/containers/{}/config.v2.json", container.id);
        let mut sources = Vec::new();
        let Some(config) = root.json(&path, &mut sources) else { continue };
        // A config whose ID is not the one asked for was moved or forged: not this container's.
        if config["ID"].as_str() != Some(container.id) {
            continue;
        }
        state.sources.extend(sources);
        if let Some(name) = config["Name"].as_str() {
            apply_name(state, name.trim_start_matches('/'));
        }
        state.started = config["State"]["StartedAt"].as_str().map(str::to_string);
        let config = &config["Config"];
        state.exec.env = config["Env"].as_array().map(|env| {
            let env = env.iter().filter_map(|e| e.as_str()).map(|e| e.as_bytes().to_vec()).collect();
            exec_env(config["Hostname"].as_str(), env)
        });
        state.exec.user = config["User"].as_str().filter(|u| !u.is_empty()).map(str::to_string);
        state.exec.workdir = config["WorkingDir"].as_str().filter(|w| !w.is_empty()).map(str::to_string);
        return;
    }
}

/// At most this many container directories are looked at for the not-found hint.
const ON_DISK_LIMIT: usize = 4096;

/// A Docker container on disk that `needle` names (name, full ID or ID prefix) although /proc has
/// no process of it: `(name, id)`. Only for the error message, never a match (its files may
/// even still say "Running" after a crash).
pub(super) fn on_disk(root: &StateRoot, needle: &str) -> Option<(String, String)> {
    let dir = "/var/lib/docker/containers";
    let needle_id = needle.to_ascii_lowercase();
    let hex = !needle.is_empty() && needle.bytes().all(|b| b.is_ascii_hexdigit());
    let name = needle.trim_start_matches('/');
    let entries = std::fs::read_dir(root.path(dir)).ok()?;
    for entry in entries.flatten().take(ON_DISK_LIMIT) {
        let Some(id) = entry.file_name().to_str().map(str::to_string) else { continue };
        let Some(config) = root.json(&format!("{dir}/{id}/config.v2.json"), &mut Vec::new()) else {
            continue;
        };
        if config["ID"].as_str() != Some(id.as_str()) {
            continue;
        }
        let its_name = config["Name"].as_str().unwrap_or_default().trim_start_matches('/').to_string();
        if its_name == name || (hex && id.starts_with(&needle_id)) {
            return Some((its_name, id));
        }
    }
    None
}

/// The environment `docker exec` gives: HOSTNAME from the container's configured hostname, then
/// the configured `Env`, which may replace it (moby's `CreateDaemonEnvironment`; PATH and TERM
/// are added later, for every engine).
fn exec_env(hostname: Option<&str>, env: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let Some(hostname) = hostname.filter(|h| !h.is_empty()) else { return env };
    if env.iter().any(|e| e.starts_with(b"HOSTNAME=")) {
        return env;
    }
    std::iter::once(format!("HOSTNAME={hostname}").into_bytes()).chain(env).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_env_has_the_hostname_unless_the_config_sets_it() {
        let env = |items: &[&str]| items.iter().map(|e| e.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(exec_env(Some("3f2a9c04e1b7"), env(&["A=1"])), env(&["HOSTNAME=3f2a9c04e1b7", "A=1"]));
        assert_eq!(exec_env(Some("h"), env(&["HOSTNAME=mine"])), env(&["HOSTNAME=mine"]));
        assert_eq!(exec_env(None, env(&["A=1"])), env(&["A=1"]));
        assert_eq!(exec_env(Some(""), env(&[])), env(&[]));
    }
}
