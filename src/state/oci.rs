//! OCI runtime bundles: containerd's task dirs (`config.json`, `init.pid`) and the
//! containers/storage of Podman and CRI-O (`userdata/config.json`, `containers.json` for names).
//! The bundle's `config.json` (runtime-spec) gives `process.env`, `.user`, `.cwd` and the
//! Kubernetes annotations that name a CRI container.

use super::{ContainerState, Lookup, StateRoot, home_of, rootless_uid};
use crate::resolver::Engine;

/// containerd's v2 task dirs: the system containerd's and the one dockerd runs itself.
const TASK_DIRS: [&str; 2] = [
    "/run/containerd/io.containerd.runtime.v2.task",
    "/run/docker/containerd/daemon/io.containerd.runtime.v2.task",
];

/// Reads the container's bundle; returns whose containerd it was in: dockerd's own (or the `moby`
/// namespace) is Docker's, any other containerd's.
pub(super) fn read_bundle(
    root: &StateRoot,
    container: &Lookup<'_>,
    state: &mut ContainerState,
) -> Option<Engine> {
    for task_dir in TASK_DIRS {
        let Ok(namespaces) = std::fs::read_dir(root.path(task_dir)) else { continue };
        for namespace in namespaces.flatten() {
            let Some(namespace) = namespace.file_name().to_str().map(str::to_string) else { continue };
            let bundle = format!("{task_dir}/{namespace}/{}", container.id);
            if !root.exists(&bundle) {
                continue;
            }
            if let Some(config) = root.json(&format!("{bundle}/config.json"), &mut state.sources) {
                apply_spec(&config, state);
                let annotations = &config["annotations"];
                if let Some(name) = annotations["io.kubernetes.cri.container-name"].as_str() {
                    state.name = Some(name.to_string());
                    state.pod = annotations["io.kubernetes.cri.sandbox-name"].as_str().map(str::to_string);
                    state.namespace =
                        annotations["io.kubernetes.cri.sandbox-namespace"].as_str().map(str::to_string);
                }
                if annotations["io.kubernetes.cri.container-type"].as_str() == Some("sandbox") {
                    state.sandbox = true;
                    state.pod = annotations["io.kubernetes.cri.sandbox-name"].as_str().map(str::to_string);
                    state.namespace =
                        annotations["io.kubernetes.cri.sandbox-namespace"].as_str().map(str::to_string);
                }
            }
            let dockers = task_dir == TASK_DIRS[1] || namespace == "moby";
            return Some(if dockers { Engine::Docker } else { Engine::Containerd });
        }
    }
    None
}

pub(super) fn read_storage(root: &StateRoot, container: &Lookup<'_>, state: &mut ContainerState) {
    let mut stores = vec!["/var/lib/containers/storage".to_string(), "/run/containers/storage".to_string()];
    if let Some(home) = rootless_uid(container.cgroup).and_then(|uid| home_of(root, uid)) {
        stores.insert(0, format!("{}/.local/share/containers/storage", home.trim_end_matches('/')));
    }
    for store in &stores {
        let userdata = format!("{store}/overlay-containers/{}/userdata/config.json", container.id);
        let Some(config) = root.json(&userdata, &mut state.sources) else { continue };
        apply_spec(&config, state);
        let annotations = &config["annotations"];
        if let Some(name) = annotations["io.kubernetes.container.name"].as_str() {
            state.name = Some(name.to_string());
            state.pod = annotations["io.kubernetes.pod.name"].as_str().map(str::to_string);
            state.namespace = annotations["io.kubernetes.pod.namespace"].as_str().map(str::to_string);
        }
        state.sandbox = annotations["io.kubernetes.cri-o.ContainerType"].as_str() == Some("sandbox");
        if state.name.is_none() {
            state.name = storage_name(root, store, container.id, &mut state.sources);
        }
        return;
    }
}

/// Podman's name: `names[0]` of this ID's entry in the store's `containers.json`.
fn storage_name(root: &StateRoot, store: &str, id: &str, sources: &mut Vec<String>) -> Option<String> {
    let path = format!("{store}/overlay-containers/containers.json");
    let mut read = Vec::new();
    let list = root.json(&path, &mut read)?;
    let entry = list.as_array()?.iter().find(|c| c["id"].as_str() == Some(id))?;
    let name = entry["names"].as_array()?.first()?.as_str()?.to_string();
    sources.extend(read);
    Some(name)
}

/// runtime-spec `process`: env, cwd and the numeric user (`uid:gid`).
fn apply_spec(config: &serde_json::Value, state: &mut ContainerState) {
    let process = &config["process"];
    state.exec.env = process["env"]
        .as_array()
        .map(|env| env.iter().filter_map(|e| e.as_str()).map(|e| e.as_bytes().to_vec()).collect());
    state.exec.workdir = process["cwd"].as_str().filter(|c| !c.is_empty()).map(str::to_string);
    let user = &process["user"];
    if let (Some(uid), Some(gid)) = (user["uid"].as_u64(), user["gid"].as_u64()) {
        state.exec.user = Some(format!("{uid}:{gid}"));
    }
}
