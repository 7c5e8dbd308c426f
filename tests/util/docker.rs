//! Real Docker containers for live tests, made from a local busybox-static image (no registry is
//! reachable) and removed on drop, also when the test fails.

use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const IMAGE: &str = "ctenter-busybox:test";

/// The live-tier gate. With CTENTER_LIVE=1 (always in CI) a missing Docker fails the test;
/// without it, the test passes without running, saying so (shown with `-- --nocapture`). Under
/// CI=true a missing CTENTER_LIVE=1 is itself a failure: live tests never skip in CI.
pub fn live(test: &str) -> bool {
    if !super::live_tier(test, "against Docker") {
        return false;
    }
    let info = Command::new("docker").args(["info", "--format", "{{.ServerVersion}}"]).output();
    match info {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            panic!("CTENTER_LIVE=1 but `docker info` failed: {}", String::from_utf8_lossy(&out.stderr))
        }
        Err(err) => panic!("CTENTER_LIVE=1 but docker can't be run: {err}"),
    }
}

/// Runs docker and returns trimmed stdout; panics with stderr on failure.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().expect("run docker");
    assert!(out.status.success(), "docker {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Imports the test image (scripts/busybox-rootfs.sh) once per test binary when it is missing.
pub fn ensure_image() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        if Command::new("docker").args(["image", "inspect", IMAGE]).output().is_ok_and(|o| o.status.success())
        {
            return;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/busybox-rootfs.sh");
        let rootfs = Command::new("bash").arg(script).output().expect("run scripts/busybox-rootfs.sh");
        assert!(rootfs.status.success(), "busybox-rootfs.sh: {}", String::from_utf8_lossy(&rootfs.stderr));
        let mut import = Command::new("docker")
            .args(["import", "-", IMAGE])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("docker import");
        std::io::Write::write_all(&mut import.stdin.take().unwrap(), &rootfs.stdout).unwrap();
        assert!(import.wait().unwrap().success(), "docker import failed");
    });
}

/// A running container that is removed (`docker rm -f`) when dropped.
pub struct TestContainer {
    pub id: String,
    pub name: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestContainer {
    /// `docker run -d --name <unique> [options] IMAGE command...`
    pub fn start(options: &[&str], command: &[&str]) -> Self {
        Self::start_named("ctenter-test", options, command)
    }

    /// `start`, with names `<prefix>-<test pid>-<n>`.
    pub fn start_named(prefix: &str, options: &[&str], command: &[&str]) -> Self {
        ensure_image();
        let name = format!("{prefix}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut args = vec!["run", "-d", "--name", &name];
        args.extend_from_slice(options);
        args.push(IMAGE);
        args.extend_from_slice(command);
        let id = docker(&args);
        TestContainer { id, name }
    }

    pub fn pid(&self) -> u32 {
        docker(&["inspect", "-f", "{{.State.Pid}}", &self.id]).parse().expect("pid")
    }

    /// The shortest prefix of at least `min` characters that no other container shares (Docker's
    /// or Podman's, whose hex IDs share the namespace of prefixes).
    pub fn unique_prefix(&self, min: usize) -> String {
        let mut all = docker(&["ps", "-aq", "--no-trunc"]);
        if let Ok(podman) = Command::new("podman").args(["ps", "-aq", "--no-trunc"]).output() {
            all.push('\n');
            all.push_str(&String::from_utf8_lossy(&podman.stdout));
        }
        (min..=self.id.len())
            .map(|n| &self.id[..n])
            .find(|prefix| all.lines().filter(|id| id.starts_with(prefix)).count() == 1)
            .expect("full ID is unique")
            .to_string()
    }
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.id]).output();
    }
}
