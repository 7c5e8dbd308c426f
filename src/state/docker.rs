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

/// A Docker container on disk that `needle` names although /proc has no process of it:
/// `(name, id)`, by exact ID, else exact name, else unique ID prefix. Only for the error message,
/// never a match (its files may even still say "Running" after a crash).
pub(super) fn on_disk(root: &StateRoot, needle: &str) -> Option<(String, String)> {
    let dir = "/var/lib/docker/containers";
    let needle_id = needle.to_ascii_lowercase();
    let hex = !needle.is_empty() && needle.bytes().all(|b| b.is_ascii_hexdigit());
    let name = needle.trim_start_matches('/');
    let mut by_name = None;
    let mut by_prefix = Vec::new();
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
        if hex && id == needle_id {
            return Some((its_name, id));
        }
        if !its_name.is_empty() && its_name == name {
            by_name = Some((its_name, id));
        } else if hex && id.starts_with(&needle_id) {
            by_prefix.push((its_name, id));
        }
    }
    by_name.or_else(|| (by_prefix.len() == 1).then(|| by_prefix.remove(0)))
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
    fn on_disk_prefers_an_exact_id_then_a_name_then_a_unique_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = StateRoot::new(dir.path());
        let ids = ["aa11", "aa22", "bb33", "cc44"];
        for (id, name) in ids.iter().zip(["/web", "/bb3", "/db", ""]) {
            let path = dir.path().join(format!("var/lib/docker/containers/{id}"));
            std::fs::create_dir_all(&path).unwrap();
            let config = serde_json::json!({"ID": id, "Name": name});
            std::fs::write(path.join("config.v2.json"), config.to_string()).unwrap();
        }
        let found = |needle| on_disk(&root, needle).map(|(name, id)| format!("{name} {id}"));
        assert_eq!(found("web").as_deref(), Some("web aa11"));
        assert_eq!(found("/db").as_deref(), Some("db bb33"));
        assert_eq!(found("BB33").as_deref(), Some("db bb33"), "an exact ID, any case");
        assert_eq!(found("bb3").as_deref(), Some("bb3 aa22"), "a name beats a prefix");
        assert_eq!(found("cc").as_deref(), Some(" cc44"));
        assert_eq!(found("aa"), None, "an ambiguous prefix names nothing");
        assert_eq!(found("/"), None, "an empty name is no name");
        assert_eq!(found("zz"), None);
    }

    #[test]
    fn exec_env_has_the_hostname_unless_the_config_sets_it() {
        let env = |items: &[&str]| items.iter().map(|e| e.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(exec_env(Some("3f2a9c04e1b7"), env(&["A=1"])), env(&["HOSTNAME=3f2a9c04e1b7", "A=1"]));
        assert_eq!(exec_env(Some("h"), env(&["HOSTNAME=mine"])), env(&["HOSTNAME=mine"]));
        assert_eq!(exec_env(None, env(&["A=1"])), env(&["A=1"]));
        assert_eq!(exec_env(Some(""), env(&[])), env(&[]));
    }
}
