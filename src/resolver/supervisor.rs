//! The per-container supervisors whose command line names their container: containerd's shims,
//! conmon (Podman, CRI-O) and LXC's monitor. Pure parsing of a `cmdline`; the reads are in `scan`.

use super::engines::Engine;

/// What a supervisor's command line says about the container it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervisor {
    /// The engine the supervisor implies on its own (a shim's namespace, conmon, lxc).
    pub engine: SupervisorEngine,
    /// The container (or, for a Kubernetes pod's shared shim, the sandbox) it was started for.
    pub id: String,
    /// conmon's `-n`: Podman's container name, or CRI-O's `k8s_<container>_<pod>_...` form.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupervisorEngine {
    /// containerd-shim with `-namespace moby`: Docker.
    DockerShim,
    /// containerd-shim with `-namespace k8s.io`: Kubernetes' CRI plugin.
    KubernetesShim,
    /// containerd-shim in any other namespace: `ctr`, nerdctl, buildkit...
    ContainerdShim,
    Conmon,
    LxcMonitor,
}

impl Supervisor {
    /// The engine of a container found under this supervisor, given what its cgroup path said.
    /// The path wins when it names a runtime; the supervisor decides for Kubernetes' and the bare
    /// ID layouts, which don't ("a kubepods path under a k8s.io shim is containerd").
    pub fn refine(&self, from_path: Engine) -> Engine {
        match (from_path, self.engine) {
            (Engine::Kubernetes | Engine::Docker, SupervisorEngine::DockerShim) => Engine::Docker,
            (Engine::Kubernetes | Engine::Docker, SupervisorEngine::KubernetesShim) => Engine::Containerd,
            (Engine::Kubernetes | Engine::Docker, SupervisorEngine::ContainerdShim) => Engine::Containerd,
            (Engine::Kubernetes, SupervisorEngine::Conmon) => Engine::CriO,
            (Engine::Docker, SupervisorEngine::Conmon) => Engine::Podman,
            (engine, _) => engine,
        }
    }

    /// The engine of a container known only through this supervisor.
    pub fn engine(&self) -> Engine {
        match self.engine {
            SupervisorEngine::DockerShim => Engine::Docker,
            SupervisorEngine::KubernetesShim | SupervisorEngine::ContainerdShim => Engine::Containerd,
            SupervisorEngine::Conmon => Engine::Podman,
            SupervisorEngine::LxcMonitor => Engine::Lxc,
        }
    }
}

/// Parses a `/proc/<pid>/cmdline` (NUL-separated); `None` for anything not a known supervisor.
pub fn parse(cmdline: &[u8]) -> Option<Supervisor> {
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).filter(|a| !a.is_empty()).collect();
    let program = args.first()?;
    let base = program.rsplit(|&b| b == b'/').next().unwrap_or(program);
    // LXC rewrites its monitor's title as one string: "[lxc monitor] <lxcpath> <name>".
    if program.starts_with(b"[lxc monitor] ") {
        let title = String::from_utf8_lossy(&args.join(&b' ')).into_owned();
        let name = title.split_ascii_whitespace().nth(3)?.to_string();
        return Some(Supervisor { engine: SupervisorEngine::LxcMonitor, id: name, name: None });
    }
    if base.starts_with(b"containerd-shim") {
        let namespace = flag_value(&args, &["-namespace", "--namespace"])?;
        // shim v2 names the container (`-id`); the v1 shim only in its work dir's last component.
        let id = match flag_value(&args, &["-id", "--id"]) {
            Some(id) => id,
            None => flag_value(&args, &["-workdir", "--workdir"])?.rsplit('/').next()?.to_string(),
        };
        let engine = match namespace.as_str() {
            "moby" => SupervisorEngine::DockerShim,
            "k8s.io" => SupervisorEngine::KubernetesShim,
            _ => SupervisorEngine::ContainerdShim,
        };
        return Some(Supervisor { engine, id, name: None });
    }
    if base == b"conmon" {
        let id = flag_value(&args, &["-c", "--cid"])?;
        let name = flag_value(&args, &["-n", "--name"]);
        return Some(Supervisor { engine: SupervisorEngine::Conmon, id, name });
    }
    None
}

/// The value after `-flag value` or in `--flag=value`; never an empty one.
fn flag_value(args: &[&[u8]], names: &[&str]) -> Option<String> {
    for (i, arg) in args.iter().enumerate() {
        for name in names {
            let name = name.as_bytes();
            let value = if *arg == name {
                args.get(i + 1).copied()
            } else {
                arg.strip_prefix(name).and_then(|rest| rest.strip_prefix(b"="))
            };
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                return Some(String::from_utf8_lossy(value).into_owned());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";

    fn cmdline(args: &[&str]) -> Vec<u8> {
        args.iter().flat_map(|a| a.bytes().chain([0])).collect()
    }

    #[test]
    fn containerd_shims_by_namespace() {
        let docker = cmdline(&[
            "/usr/bin/containerd-shim-runc-v2",
            "-namespace",
            "moby",
            "-id",
            A,
            "-address",
            "/run/containerd/containerd.sock",
        ]);
        assert_eq!(
            parse(&docker),
            Some(Supervisor { engine: SupervisorEngine::DockerShim, id: A.into(), name: None })
        );
        let k8s = cmdline(&["containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", A]);
        assert_eq!(parse(&k8s).unwrap().engine, SupervisorEngine::KubernetesShim);
        let ctr = cmdline(&["/usr/bin/containerd-shim-runc-v2", "-namespace", "default", "-id", "web-1"]);
        assert_eq!(
            parse(&ctr),
            Some(Supervisor { engine: SupervisorEngine::ContainerdShim, id: "web-1".into(), name: None })
        );
        let v1 = format!("/var/lib/containerd/io.containerd.runtime.v1.linux/moby/{A}");
        let v1 = cmdline(&["containerd-shim", "-namespace", "moby", "-workdir", &v1, "-address", "/x"]);
        assert_eq!(parse(&v1).map(|s| (s.engine, s.id)), Some((SupervisorEngine::DockerShim, A.into())));
    }

    #[test]
    fn conmon_and_lxc_monitor() {
        let conmon = cmdline(&["/usr/bin/conmon", "--api-version", "1", "-c", A, "-u", A, "-n", "web"]);
        assert_eq!(
            parse(&conmon),
            Some(Supervisor { engine: SupervisorEngine::Conmon, id: A.into(), name: Some("web".into()) })
        );
        let long = cmdline(&["conmon", &format!("--cid={A}")]);
        assert_eq!(parse(&long).unwrap().id, A);
        let monitor = b"[lxc monitor] /var/lib/lxc ct-web\0\0\0";
        assert_eq!(
            parse(monitor),
            Some(Supervisor { engine: SupervisorEngine::LxcMonitor, id: "ct-web".into(), name: None })
        );
    }

    #[test]
    fn not_supervisors() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(&cmdline(&["/usr/bin/containerd", "--config", "x"])), None);
        assert_eq!(parse(&cmdline(&["containerd-shim-runc-v2", "-namespace", "moby"])), None, "no id");
        assert_eq!(parse(&cmdline(&["containerd-shim-runc-v2", "-namespace", "moby", "-id"])), None);
        assert_eq!(parse(&cmdline(&["conmon", "-c"])), None);
        assert_eq!(parse(&cmdline(&["sleep", "-c", A])), None);
        assert_eq!(parse(b"[lxc monitor] /var/lib/lxc"), None);
    }

    #[test]
    fn the_path_wins_unless_it_leaves_the_runtime_open() {
        let shim = |engine| Supervisor { engine, id: A.into(), name: None };
        assert_eq!(shim(SupervisorEngine::KubernetesShim).refine(Engine::Kubernetes), Engine::Containerd);
        assert_eq!(shim(SupervisorEngine::DockerShim).refine(Engine::Kubernetes), Engine::Docker);
        assert_eq!(shim(SupervisorEngine::ContainerdShim).refine(Engine::Docker), Engine::Containerd);
        assert_eq!(shim(SupervisorEngine::Conmon).refine(Engine::Kubernetes), Engine::CriO);
        assert_eq!(shim(SupervisorEngine::KubernetesShim).refine(Engine::CriO), Engine::CriO);
        assert_eq!(shim(SupervisorEngine::DockerShim).refine(Engine::Podman), Engine::Podman);
    }
}
