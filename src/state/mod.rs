//! Names and `docker exec` defaults from the runtimes' root-owned state files on disk: never a
//! socket. Every read is bounded; a missing, unreadable or malformed file only means "nothing
//! known from it". Files are looked up by the ID the /proc scan found, so a stale file of a
//! stopped container can never name a running one.

mod docker;
mod oci;

use std::path::{Path, PathBuf};

use crate::resolver::Engine;

/// Config files are small; a bigger one is not read (a hostile or corrupt state dir must not make
/// ctenter allocate without bound).
const STATE_READ_LIMIT: u64 = 4 << 20;

/// The prefix of every state path: `/` on a live host, a fixture's `root/` in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRoot {
    prefix: PathBuf,
}

impl Default for StateRoot {
    fn default() -> Self {
        Self::new("/")
    }
}

impl StateRoot {
    pub fn new(prefix: impl Into<PathBuf>) -> Self {
        Self { prefix: prefix.into() }
    }

    pub fn prefix(&self) -> &Path {
        &self.prefix
    }

    /// `absolute` (a host path like `/var/lib/docker`) below the prefix.
    fn path(&self, absolute: &str) -> PathBuf {
        self.prefix.join(absolute.trim_start_matches('/'))
    }

    /// Reads and parses a JSON file, recording it in `sources` when it parsed.
    fn json(&self, absolute: &str, sources: &mut Vec<String>) -> Option<serde_json::Value> {
        let bytes = self.read(absolute)?;
        let value = serde_json::from_slice(&bytes).ok()?;
        sources.push(absolute.to_string());
        Some(value)
    }

    fn read(&self, absolute: &str) -> Option<Vec<u8>> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        let file =
            std::fs::File::options().read(true).custom_flags(libc::O_NONBLOCK).open(self.path(absolute)).ok();
        let mut buf = Vec::new();
        file?.take(STATE_READ_LIMIT + 1).read_to_end(&mut buf).ok()?;
        (buf.len() as u64 <= STATE_READ_LIMIT).then_some(buf)
    }

    fn exists(&self, absolute: &str) -> bool {
        self.path(absolute).exists()
    }
}

/// What the state files say of one running container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerState {
    pub name: Option<String>,
    /// Kubernetes: the pod's name and namespace.
    pub pod: Option<String>,
    pub namespace: Option<String>,
    /// A Kubernetes pod's sandbox ("pause") container: never what `<pod>` alone names.
    pub sandbox: bool,
    /// RFC 3339, as the runtime recorded it.
    pub started: Option<String>,
    pub exec: ExecDefaults,
    /// The state files that were read and used, as host paths.
    pub sources: Vec<String>,
    /// The runtime whose files these are, when the cgroup path only said `kubernetes`.
    pub engine: Option<Engine>,
}

/// What `docker exec` would give the command, from the container's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecDefaults {
    /// `KEY=VALUE` entries, as configured.
    pub env: Option<Vec<Vec<u8>>>,
    /// `user`, `uid`, `user:group` or `uid:gid`, as docker's `-u` takes it.
    pub user: Option<String>,
    pub workdir: Option<String>,
}

/// What ctenter knows of a container before reading state: enough to know where to look.
pub struct Lookup<'a> {
    pub engine: Engine,
    pub id: &'a str,
    pub cgroup: &'a str,
    /// conmon's `-n`: Podman's name, or CRI-O's `k8s_<container>_<pod>_<namespace>_<uid>_<n>`.
    pub supervisor_name: Option<&'a str>,
}

pub fn lookup(root: &StateRoot, container: &Lookup<'_>) -> ContainerState {
    let mut state = ContainerState::default();
    match container.engine {
        Engine::Docker => docker::read(root, container, &mut state),
        Engine::Podman | Engine::CriO => oci::read_storage(root, container, &mut state),
        Engine::Containerd => {
            oci::read_bundle(root, container, &mut state);
        }
        Engine::Kubernetes => {
            // Whose files name the container says which runtime made it (issue: "the engine is
            // `kubernetes` until on-disk state says more").
            state.engine =
                oci::read_bundle(root, container, &mut state).filter(|_| !state.sources.is_empty());
            // cri-dockerd: a bundle in dockerd's containerd; the names (`k8s_...`) are Docker's.
            if state.engine == Some(Engine::Docker) {
                docker::read(root, container, &mut state);
            }
            if state.sources.is_empty() {
                oci::read_storage(root, container, &mut state);
                state.engine = (!state.sources.is_empty()).then_some(Engine::CriO);
            }
            if state.sources.is_empty() {
                docker::read(root, container, &mut state);
                state.engine = (!state.sources.is_empty()).then_some(Engine::Docker);
            }
        }
        // Their names are their IDs, from the cgroup path.
        Engine::Lxc | Engine::SystemdNspawn => state.name = Some(container.id.to_string()),
        Engine::Ecs => {}
    }
    if state.name.is_none()
        && let Some(name) = container.supervisor_name
    {
        apply_name(&mut state, name);
    }
    state
}

/// For a container /proc has no process of: a line saying that Docker has one of that name or ID
/// on disk, which is then not running.
pub fn stopped_hint(root: &StateRoot, needle: &str) -> Option<String> {
    let (name, id) = docker::on_disk(root, needle)?;
    let short = id.get(..12).unwrap_or(&id);
    Some(format!("docker container {name} ({short}) exists on disk but has no process: it is not running"))
}

/// Sets the name, reading Kubernetes' `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>` form
/// (dockershim's container names, CRI-O's conmon `-n`) into its parts.
fn apply_name(state: &mut ContainerState, name: &str) {
    let parts: Vec<&str> = name.split('_').collect();
    if parts.len() == 6 && parts[0] == "k8s" && parts[1..4].iter().all(|p| !p.is_empty()) {
        state.sandbox = parts[1] == "POD";
        state.name = Some(parts[1].to_string());
        state.pod = Some(parts[2].to_string());
        state.namespace = Some(parts[3].to_string());
    } else if !name.is_empty() {
        state.name = Some(name.to_string());
    }
}

/// The home directory of `uid` in the host's passwd (for rootless runtimes' data roots).
fn home_of(root: &StateRoot, uid: u32) -> Option<String> {
    let passwd = root.read("/etc/passwd")?;
    String::from_utf8_lossy(&passwd).lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 7 && fields[2].parse() == Ok(uid)).then(|| fields[5].to_string())
    })
}

/// The uid of a rootless runtime's container, from `.../user@<uid>.service/...` in its path.
fn rootless_uid(cgroup: &str) -> Option<u32> {
    cgroup.split('/').find_map(|seg| seg.strip_prefix("user@")?.strip_suffix(".service")?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_names_split_into_container_pod_and_namespace() {
        let mut state = ContainerState::default();
        apply_name(&mut state, "k8s_app_web-0_default_6f1b3a51-0bd5-4c6b-9f2e-1a1d0c7c0f0e_0");
        assert_eq!(
            (state.name.as_deref(), state.pod.as_deref(), state.namespace.as_deref(), state.sandbox),
            (Some("app"), Some("web-0"), Some("default"), false)
        );
        let mut pause = ContainerState::default();
        apply_name(&mut pause, "k8s_POD_web-0_default_6f1b3a51-0bd5-4c6b-9f2e-1a1d0c7c0f0e_0");
        assert!(pause.sandbox);
        let mut plain = ContainerState::default();
        apply_name(&mut plain, "my_web_app");
        assert_eq!((plain.name.as_deref(), plain.pod), (Some("my_web_app"), None));
    }

    #[test]
    fn rootless_uid_comes_from_the_user_service() {
        assert_eq!(
            rootless_uid("/user.slice/user-1000.slice/user@1000.service/app.slice/docker-x.scope"),
            Some(1000)
        );
        assert_eq!(rootless_uid("/system.slice/docker-x.scope"), None);
    }
}
