//! Containers of the other runtimes on this machine, each removed on drop, also when the test
//! fails: Podman (rootful, cgroupfs), LXC (busybox template) and containerd through `ctr`.
//! Each runtime is only the oracle here; ctenter never talks to it.

use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::docker::{IMAGE, docker, ensure_image};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test run or test in this run uses.
pub fn unique_name(kind: &str) -> String {
    format!("ctenter-{kind}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// Runs a command and returns trimmed stdout; panics with stderr on failure.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Podman as this VM runs it: cgroupfs manager, runc, no network.
const PODMAN: [&str; 4] = ["--cgroup-manager=cgroupfs", "--runtime", "runc", "--events-backend=file"];

pub fn podman(args: &[&str]) -> String {
    run("podman", &[&PODMAN[..], args].concat())
}

pub struct PodmanContainer {
    pub id: String,
}

impl PodmanContainer {
    pub fn start(command: &[&str]) -> Self {
        static IMPORTED: OnceLock<()> = OnceLock::new();
        IMPORTED.get_or_init(|| {
            if Command::new("podman").args(["image", "exists", IMAGE]).status().is_ok_and(|s| s.success()) {
                return;
            }
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/busybox-rootfs.sh");
            run("bash", &["-c", &format!("bash {script} | podman import - {IMAGE}")]);
        });
        let name = unique_name("podman");
        let mut args = vec!["run", "-d", "--name", &name, "--network", "none"];
        args.extend(["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", IMAGE]);
        args.extend_from_slice(command);
        Self { id: podman(&args) }
    }

    pub fn pid(&self) -> u32 {
        podman(&["inspect", "--format", "{{.State.Pid}}", &self.id]).parse().expect("pid")
    }
}

impl Drop for PodmanContainer {
    fn drop(&mut self) {
        let _ = Command::new("podman").args(PODMAN).args(["rm", "-f", "-t", "0", &self.id]).output();
    }
}

pub struct LxcContainer {
    pub name: String,
}

impl LxcContainer {
    /// `lxc-create -t busybox` and `lxc-start`, with no network (no bridge on this VM).
    pub fn start() -> Self {
        let name = unique_name("lxc");
        let config = std::env::temp_dir().join(format!("{name}.conf"));
        std::fs::write(&config, "lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n").unwrap();
        let container = Self { name };
        run("lxc-create", &["-n", &container.name, "-t", "busybox", "-f", config.to_str().unwrap()]);
        let _ = std::fs::remove_file(&config);
        run("lxc-start", &["-n", &container.name, "-d"]);
        run("lxc-wait", &["-n", &container.name, "-s", "RUNNING", "-t", "30"]);
        container
    }

    pub fn pid(&self) -> u32 {
        run("lxc-info", &["-n", &self.name, "-p", "-H"]).parse().expect("pid")
    }
}

impl Drop for LxcContainer {
    fn drop(&mut self) {
        let _ = Command::new("lxc-stop").args(["-n", &self.name, "-k"]).output();
        let _ = Command::new("lxc-destroy").args(["-n", &self.name, "-f"]).output();
    }
}

/// The containerd that dockerd runs (Debian's docker.io starts its own when no system one runs).
fn containerd_address() -> &'static str {
    ["/run/containerd/containerd.sock", "/var/run/docker/containerd/containerd.sock"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .expect("no containerd socket: is dockerd running?")
}

const CTR_NAMESPACE: &str = "ctenter-test";
const CTR_IMAGE: &str = "docker.io/library/ctenter-busybox:test";

pub fn ctr(args: &[&str]) -> String {
    run("ctr", &[&["-a", containerd_address(), "-n", CTR_NAMESPACE][..], args].concat())
}

/// A task started with `ctr run -d`, killed and removed on drop.
pub struct CtrContainer {
    pub id: String,
}

impl CtrContainer {
    /// `ctr run -d [--cgroup PATH] IMAGE <id> command...`
    pub fn start(id: &str, cgroup: Option<&str>, command: &[&str]) -> Self {
        static IMPORTED: OnceLock<()> = OnceLock::new();
        IMPORTED.get_or_init(|| {
            ensure_image();
            let tar = std::env::temp_dir().join(format!("ctenter-image-{}.tar", std::process::id()));
            docker(&["save", "-o", tar.to_str().unwrap(), IMAGE]);
            ctr(&["images", "import", tar.to_str().unwrap()]);
            let _ = std::fs::remove_file(&tar);
        });
        let mut args = vec!["run", "-d"];
        if let Some(cgroup) = cgroup {
            args.extend(["--cgroup", cgroup]);
        }
        args.extend([CTR_IMAGE, id]);
        args.extend_from_slice(command);
        let container = Self { id: id.to_string() };
        ctr(&args);
        container
    }

    pub fn pid(&self) -> u32 {
        let tasks = ctr(&["task", "ls"]);
        let line = tasks.lines().find(|l| l.split_whitespace().next() == Some(self.id.as_str()));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or_else(|| panic!("no task {}: {tasks}", self.id))
    }
}

impl Drop for CtrContainer {
    fn drop(&mut self) {
        let ctr = |args: &[&str]| {
            let base = ["-a", containerd_address(), "-n", CTR_NAMESPACE];
            Command::new("ctr").args(base).args(args).output().is_ok_and(|o| o.status.success())
        };
        ctr(&["task", "kill", "-s", "SIGKILL", &self.id]);
        // The task can be removed only once it has exited.
        for _ in 0..100 {
            if ctr(&["task", "rm", &self.id]) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        ctr(&["container", "rm", &self.id]);
    }
}

fn kernel_uuid() -> String {
    String::from_utf8_lossy(&std::fs::read("/proc/sys/kernel/random/uuid").unwrap()).trim().to_string()
}

/// A random 64-hex ID, as runtimes make them.
pub fn random_id() -> String {
    format!("{}{}", kernel_uuid(), kernel_uuid()).replace('-', "")
}

/// A random pod UID as the kubelet writes it (`8-4-4-4-12`).
pub fn random_pod_uid() -> String {
    kernel_uuid()
}
