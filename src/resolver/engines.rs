//! The table of runtime cgroup layouts: one row per layout.
//!
//! A layout recognises one path segment, in a context (anywhere, right after a given segment,
//! below a given segment, right after a Kubernetes pod segment), as a container and captures its
//! ID. Adding a runtime = one row here + one fixture directory. The segment patterns are plain
//! prefix/ID/suffix shapes rather than regexes: compiling a dozen regexes cost more than the
//! whole scan of a small host (`cargo bench`, docs/PERFORMANCE.md).

use super::cgroup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Docker,
    Podman,
    Containerd,
    CriO,
    /// A kubelet-made path that doesn't say which CRI runtime; the supervisor usually tells.
    Kubernetes,
    Lxc,
    SystemdNspawn,
    Ecs,
}

impl Engine {
    /// The `engine` field of `ls --json` and the ENGINE column.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman => "podman",
            Engine::Containerd => "containerd",
            Engine::CriO => "cri-o",
            Engine::Kubernetes => "kubernetes",
            Engine::Lxc => "lxc",
            Engine::SystemdNspawn => "systemd-nspawn",
            Engine::Ecs => "ecs",
        }
    }
}

/// Where a layout's segment may stand.
enum Context {
    Anywhere,
    /// Directly below this segment (`/docker/<id>`).
    After(&'static [u8]),
    /// Anywhere below this segment (`/ecs/<task>/<id>`).
    Under(&'static [u8]),
    /// Directly below a kubelet pod segment (`pod<uid>`, never itself a container).
    AfterPod,
}

/// The shape of the ID part of a segment.
#[derive(Clone, Copy)]
enum IdShape {
    /// 64 lowercase hex digits: Docker, Podman, containerd, CRI-O.
    Hex64,
    /// `<32 hex>-<digits>`: ECS task containers.
    Ecs,
    /// Any non-empty name: LXC, nspawn.
    Name,
}

/// A whole segment: `<prefix><id><suffix>`.
enum Pattern {
    /// `suffix` must be there; `optional_suffix` may be.
    Plain { prefix: &'static str, id: IdShape, suffix: &'static str, optional_suffix: &'static str },
    /// containerd's colon form, `<pod>.slice:<runtime>:<id>`.
    Colon { runtime: &'static str },
}

struct Layout {
    engine: Engine,
    context: Context,
    pattern: Pattern,
    /// systemd escapes `-` in unit names as `\x2d` (systemd.unit(5)); machine names need it back.
    unescape: bool,
}

const fn row(
    engine: Engine,
    context: Context,
    prefix: &'static str,
    id: IdShape,
    suffix: &'static str,
) -> Layout {
    Layout {
        engine,
        context,
        pattern: Pattern::Plain { prefix, id, suffix, optional_suffix: "" },
        unescape: false,
    }
}

/// `<prefix><64 hex>` with an optional `.scope`.
const fn scope_optional(engine: Engine, context: Context, prefix: &'static str) -> Layout {
    let pattern = Pattern::Plain { prefix, id: IdShape::Hex64, suffix: "", optional_suffix: ".scope" };
    Layout { engine, context, pattern, unescape: false }
}

const fn colon(engine: Engine, runtime: &'static str) -> Layout {
    Layout { engine, context: Context::Anywhere, pattern: Pattern::Colon { runtime }, unescape: false }
}

/// First matching row wins, so the specific rows stand before the bare-ID catch-all.
const LAYOUTS: &[Layout] = &[
    // Docker, systemd driver, rootful (`system.slice`), rootless (`user@<uid>.service/...`) and
    // Kubernetes' systemd driver on dockershim (`kubepods-...-pod<uid>.slice/`).
    row(Engine::Docker, Context::Anywhere, "docker-", IdShape::Hex64, ".scope"),
    // Podman: cgroupfs `/libpod_parent/libpod-<id>`, systemd `libpod-<id>.scope` (rootful
    // `machine.slice`, rootless `user.slice`); `libpod-conmon-<id>.scope` does not match.
    scope_optional(Engine::Podman, Context::Anywhere, "libpod-"),
    // containerd's CRI plugin, systemd driver; the `.scope` is absent on some static pods.
    scope_optional(Engine::Containerd, Context::Anywhere, "cri-containerd-"),
    // CRI-O, systemd driver; `crio-conmon-<id>.scope` does not match.
    scope_optional(Engine::CriO, Context::Anywhere, "crio-"),
    // The colon form `<pod slice>:<runtime>:<id>` (cgroup v1 with systemd, containerd 1.4+).
    colon(Engine::Containerd, "cri-containerd"),
    colon(Engine::CriO, "crio"),
    colon(Engine::Docker, "docker"),
    // Kubelet cgroupfs driver: `/kubepods[/<qos>]/pod<uid>/<id>`, runtime not named.
    row(Engine::Kubernetes, Context::AfterPod, "", IdShape::Hex64, ""),
    // ECS/Fargate task containers: `/ecs/<task>/<32 hex>-<digits>`.
    row(Engine::Ecs, Context::Under(b"ecs"), "", IdShape::Ecs, ""),
    // LXC/LXD/Incus: `/lxc/<name>`, `/lxc.payload/<name>`, `/lxc.payload.<name>`; the
    // `lxc.monitor.<name>` cgroup holds LXC's monitor, not the container.
    row(Engine::Lxc, Context::After(b"lxc"), "", IdShape::Name, ""),
    row(Engine::Lxc, Context::After(b"lxc.payload"), "", IdShape::Name, ""),
    row(Engine::Lxc, Context::Anywhere, "lxc.payload.", IdShape::Name, ""),
    // systemd-nspawn (and machinectl): `machine.slice/machine-<escaped name>.scope`.
    Layout {
        engine: Engine::SystemdNspawn,
        context: Context::After(b"machine.slice"),
        pattern: Pattern::Plain {
            prefix: "machine-",
            id: IdShape::Name,
            suffix: ".scope",
            optional_suffix: "",
        },
        unescape: true,
    },
    // A bare ID: Docker's cgroupfs `/docker/<id>`, old Debian's `/<id>`, any `--cgroup-parent`
    // (`/custom/<id>`, `/ecs/<task>/<id>`), `<id>.scope`. The supervisor check corrects the
    // engine when a plain containerd made it.
    scope_optional(Engine::Docker, Context::Anywhere, ""),
];

impl IdShape {
    fn matches(self, id: &[u8]) -> bool {
        let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        match self {
            IdShape::Hex64 => id.len() == 64 && id.iter().all(hex),
            IdShape::Ecs => match id.split_at_checked(32) {
                Some((task, rest)) => {
                    task.iter().all(hex)
                        && rest
                            .strip_prefix(b"-")
                            .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit))
                }
                None => false,
            },
            IdShape::Name => !id.is_empty(),
        }
    }
}

impl Pattern {
    /// The ID part of `segment`, when the whole segment has this shape.
    fn id<'s>(&self, segment: &'s [u8]) -> Option<&'s [u8]> {
        match self {
            Pattern::Plain { prefix, id, suffix, optional_suffix } => {
                let rest = segment.strip_prefix(prefix.as_bytes())?.strip_suffix(suffix.as_bytes())?;
                let candidates = [
                    rest.strip_suffix(optional_suffix.as_bytes()).filter(|_| !optional_suffix.is_empty()),
                    Some(rest),
                ];
                candidates.into_iter().flatten().find(|candidate| id.matches(candidate))
            }
            Pattern::Colon { runtime } => {
                let (head, id) = segment.rsplit_once_byte(b':')?;
                let slice = head.strip_suffix(runtime.as_bytes())?.strip_suffix(b":")?;
                (slice.ends_with(b".slice") && !slice.contains(&b':') && IdShape::Hex64.matches(id))
                    .then_some(id)
            }
        }
    }
}

trait SplitOnce {
    fn rsplit_once_byte(&self, byte: u8) -> Option<(&[u8], &[u8])>;
}

impl SplitOnce for [u8] {
    fn rsplit_once_byte(&self, byte: u8) -> Option<(&[u8], &[u8])> {
        let at = self.iter().rposition(|&b| b == byte)?;
        Some((&self[..at], &self[at + 1..]))
    }
}

/// `pod<uid>`: the kubelet's pod cgroup, its UID as 32 hex digits, dashed (`8-4-4-4-12`) or with
/// systemd's underscores.
fn is_pod_segment(segment: &[u8]) -> bool {
    let Some(uid) = segment.strip_prefix(b"pod") else { return false };
    let hex = uid.iter().filter(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)).count();
    let separators: Vec<usize> =
        uid.iter().enumerate().filter(|(_, b)| **b == b'-' || **b == b'_').map(|(i, _)| i).collect();
    hex == 32
        && (separators.is_empty() || separators == [8, 13, 18, 23])
        && hex + separators.len() == uid.len()
}

/// One container level named by a cgroup path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRef {
    pub engine: Engine,
    pub id: String,
    /// The cgroup path up to and including the container's own segment.
    pub cgroup: String,
}

/// Every container a cgroup path passes through, outermost first; empty for a host cgroup.
pub fn classify_path(path: &[u8]) -> Vec<ContainerRef> {
    let mut chain = Vec::new();
    let mut ancestors: Vec<&[u8]> = Vec::new();
    for (segment, end) in cgroup::segments(path) {
        if let Some(found) = classify_segment(&ancestors, segment, &path[..end]) {
            chain.push(found);
        }
        ancestors.push(segment);
    }
    chain
}

fn classify_segment(ancestors: &[&[u8]], segment: &[u8], prefix: &[u8]) -> Option<ContainerRef> {
    let previous = ancestors.last().copied().unwrap_or(b"");
    LAYOUTS.iter().find_map(|layout| {
        let in_context = match layout.context {
            Context::Anywhere => true,
            Context::After(parent) => previous == parent,
            Context::Under(ancestor) => ancestors.contains(&ancestor),
            Context::AfterPod => is_pod_segment(previous),
        };
        if !in_context {
            return None;
        }
        let id = layout.pattern.id(segment)?;
        let id =
            if layout.unescape { unescape_unit_name(id) } else { String::from_utf8_lossy(id).into_owned() };
        Some(ContainerRef { engine: layout.engine, id, cgroup: String::from_utf8_lossy(prefix).into_owned() })
    })
}

/// Reverses systemd's `\xNN` escaping of unit names (systemd-escape(1)); malformed escapes stay.
fn unescape_unit_name(name: &[u8]) -> String {
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        let escaped = name.get(i..i + 4).filter(|e| e.starts_with(b"\\x"));
        match escaped.and_then(|e| u8::from_str_radix(std::str::from_utf8(&e[2..]).ok()?, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(name[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";
    const B: &str = "9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d";

    fn found(path: &str) -> Vec<(&'static str, String)> {
        classify_path(path.as_bytes()).into_iter().map(|c| (c.engine.as_str(), c.id)).collect()
    }

    fn one(engine: &'static str, id: &str) -> Vec<(&'static str, String)> {
        vec![(engine, id.to_string())]
    }

    #[test]
    fn docker_layouts() {
        assert_eq!(found(&format!("/docker/{A}")), one("docker", A));
        assert_eq!(found(&format!("/system.slice/docker-{A}.scope")), one("docker", A));
        assert_eq!(found(&format!("/{A}")), one("docker", A), "old Debian: no /docker parent");
        assert_eq!(found(&format!("/custom-parent/{A}")), one("docker", A), "--cgroup-parent");
        assert_eq!(found(&format!("/ecs/5a0d5ceddf6c44c1928d367a58b0e5ef/{A}")), one("docker", A));
        let rootless = format!("/user.slice/user-1000.slice/user@1000.service/app.slice/docker-{A}.scope");
        assert_eq!(found(&rootless), one("docker", A));
        let chain = classify_path(format!("/system.slice/docker-{A}.scope").as_bytes());
        assert_eq!(chain[0].cgroup, format!("/system.slice/docker-{A}.scope"));
    }

    #[test]
    fn podman_layouts_and_their_conmon_scope() {
        assert_eq!(found(&format!("/libpod_parent/libpod-{A}")), one("podman", A));
        assert_eq!(found(&format!("/machine.slice/libpod-{A}.scope/container")), one("podman", A));
        let rootless = format!("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{A}.scope");
        assert_eq!(found(&rootless), one("podman", A));
        assert!(found(&format!("/machine.slice/libpod-conmon-{A}.scope")).is_empty());
        assert!(
            found("/user.slice/user-1000.slice/user@1000.service/user.slice/podman-4242.scope").is_empty()
        );
    }

    #[test]
    fn kubernetes_layouts_never_take_the_pod_uid() {
        let qos = "/kubepods/besteffort/pod74ba62da-1a3d-11e7-bb11-080027cb0e22";
        assert_eq!(found(&format!("{qos}/{A}")), one("kubernetes", A));
        assert_eq!(
            found(&format!("/kubepods/pod74ba62da-1a3d-11e7-bb11-080027cb0e22/{A}")),
            one("kubernetes", A)
        );
        assert_eq!(
            found(&format!("/kubepods/burstable/pod9729a196c4723b60ab401eaff722982d/{A}")),
            one("kubernetes", A)
        );
        assert!(found(qos).is_empty(), "a pod is not a container");
        let slice = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2105e389_7471_476e_a50f_6074cef29bbd.slice";
        assert_eq!(found(&format!("{slice}/cri-containerd-{A}.scope")), one("containerd", A));
        assert_eq!(found(&format!("{slice}/crio-{A}.scope/container")), one("cri-o", A));
        assert_eq!(found(&format!("{slice}/docker-{A}.scope")), one("docker", A));
        assert!(found(&format!("{slice}/crio-conmon-{A}.scope")).is_empty());
        assert!(found(slice).is_empty());
        let colon = "/system.slice/containerd.service/kubepods-besteffort-pod2105e389_7471_476e_a50f_6074cef29bbd.slice";
        assert_eq!(found(&format!("{colon}:cri-containerd:{A}")), one("containerd", A));
        assert_eq!(found(&format!("{colon}:crio:{A}")), one("cri-o", A));
    }

    #[test]
    fn lxc_nspawn_and_ecs_layouts() {
        assert_eq!(found("/lxc/mysql-primary-db"), one("lxc", "mysql-primary-db"));
        assert_eq!(found("/lxc.payload.first/system.slice/systemd-logind.service"), one("lxc", "first"));
        assert_eq!(found("/lxc.payload/web/init.scope"), one("lxc", "web"));
        assert!(found("/lxc.monitor.first").is_empty());
        assert!(found("/lxc.monitor/first").is_empty());
        assert_eq!(found(r"/machine.slice/machine-my\x2dbox.scope"), one("systemd-nspawn", "my-box"));
        assert_eq!(found(r"/machine.slice/machine-x\x2.scope"), one("systemd-nspawn", r"x\x2"));
        let fargate = "/ecs/5a0d5ceddf6c44c1928d367a58b0e5ef/5a0d5ceddf6c44c1928d367a58b0e5ef-3421442466";
        assert_eq!(found(fargate), one("ecs", "5a0d5ceddf6c44c1928d367a58b0e5ef-3421442466"));
        assert!(found("/other/5a0d5ceddf6c44c1928d367a58b0e5ef-3421442466").is_empty());
    }

    #[test]
    fn nesting_gives_every_level_outermost_first() {
        let chain = classify_path(format!("/docker/{A}/docker/{B}").as_bytes());
        assert_eq!(chain.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![A, B]);
        assert_eq!(chain[0].cgroup, format!("/docker/{A}"));
        assert_eq!(chain[1].cgroup, format!("/docker/{A}/docker/{B}"));
        let kind_node =
            format!("/docker/{A}/kubepods/besteffort/pod74ba62da-1a3d-11e7-bb11-080027cb0e22/{B}");
        assert_eq!(found(&kind_node), vec![("docker", A.to_string()), ("kubernetes", B.to_string())]);
    }

    #[test]
    fn paths_relative_to_a_cgroup_namespace() {
        assert_eq!(found(&format!("/../../system.slice/docker-{A}.scope")), one("docker", A));
        assert!(found("/../../init.scope").is_empty());
        assert!(found("/../..").is_empty());
    }

    #[test]
    fn pod_segments() {
        assert!(is_pod_segment(b"pod74ba62da-1a3d-11e7-bb11-080027cb0e22"));
        assert!(is_pod_segment(b"pod9729a196c4723b60ab401eaff722982d"));
        assert!(!is_pod_segment(b"pod74ba62da-1a3d-11e7-bb11-080027cb0e2"));
        assert!(!is_pod_segment(b"pod74ba62da1-a3d-11e7-bb11-080027cb0e22"));
        assert!(!is_pod_segment(b"kubepods"));
    }

    #[test]
    fn not_containers() {
        for path in [
            "/",
            "/system.slice/docker.service",
            "/system.slice/containerd.service",
            "/user.slice/user-1000.slice/session-2.scope",
            "/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service",
            "/system.slice/run-ra2ddf9594bbf4a1986439b594f89eb0f.scope",
            "/init.scope",
            "/podruntime/runtime",
        ] {
            assert!(found(path).is_empty(), "{path}");
        }
        assert!(found(&format!("/docker/{}", &A[..63])).is_empty(), "63 hex chars is not an ID");
        assert!(found(&format!("/docker/{A}1")).is_empty(), "65 hex chars is not an ID");
        assert!(found(&format!("/docker/{}", A.to_uppercase())).is_empty());
        assert!(found(&format!("/system.slice/docker-{A}.scopex")).is_empty());
    }
}
