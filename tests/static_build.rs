//! The static binary (scripts/build-static.sh): no dynamic dependencies, runs in a bare busybox
//! container, and works from a debug container with the host's pids and its own cgroup
//! namespace, the node's / at /host (the `kubectl debug node` pattern, docs/KUBERNETES.md).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::util::docker::{TestContainer, live};
use crate::util::{Run, program, repo_path};

/// `CTENTER_STATIC_BIN`, else what scripts/build-static.sh builds (once per test binary; it
/// uses its own target dir, so it never waits on this build's lock).
fn static_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("CTENTER_STATIC_BIN") {
            return PathBuf::from(path);
        }
        let out = Command::new("bash")
            .arg(repo_path("scripts/build-static.sh"))
            .output()
            .expect("run scripts/build-static.sh");
        let run = Run::new(vec!["scripts/build-static.sh".into()], out);
        run.expect_success();
        PathBuf::from(run.stdout.lines().last().expect("the script prints the binary's path"))
    })
    .clone()
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("run {name}: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn docker_exec(container: &TestContainer, args: &[&str]) -> Run {
    program("docker", ["exec", &container.id].iter().chain(args)).run()
}

#[test]
fn static_binary_has_no_dynamic_dependencies_and_runs_in_busybox() {
    if !live("static_binary_has_no_dynamic_dependencies_and_runs_in_busybox") {
        return;
    }
    let bin = static_bin();
    let path = bin.to_str().unwrap();
    let file = tool("file", &["-L", path]);
    assert!(file.contains("statically linked") || file.contains("static-pie linked"), "file: {file}");
    assert!(!tool("readelf", &["-d", path]).contains("(NEEDED)"), "needs shared libraries");
    assert!(!tool("readelf", &["-lW", path]).contains("INTERP"), "has a program interpreter");
    let volume = format!("{path}:/ctenter:ro");
    let c = TestContainer::start_named("ctenter-i7-static", &["-v", &volume], &["sleep", "586"]);
    docker_exec(&c, &["/ctenter", "--version"])
        .expect_success()
        .expect_stdout(&format!("ctenter {}\n", env!("CARGO_PKG_VERSION")));
}

/// `docker run --privileged --pid=host --cgroupns=private`. Where dockerd itself runs without
/// some capability (in a container whose bounding set lacks CAP_SYS_RESOURCE, say),
/// --privileged cannot start; then every capability dockerd has, unconfined, which is what
/// ctenter needs of --privileged.
fn start_debug_container(volume: &str) -> TestContainer {
    // The node's / at /host, as `kubectl debug node` mounts it.
    let common = ["--pid=host", "--cgroupns=private", "-v", volume, "-v", "/:/host:ro"];
    let privileged = Command::new("docker")
        .args(["run", "--rm", "--privileged", "--name", &format!("ctenter-i7-probe-{}", std::process::id())])
        .arg(crate::util::docker::IMAGE)
        .arg("true")
        .output()
        .expect("run docker");
    if privileged.status.success() {
        return TestContainer::start_named(
            "ctenter-i7-debug",
            &[&["--privileged"][..], &common].concat(),
            &["sleep", "585"],
        );
    }
    let stderr = String::from_utf8_lossy(&privileged.stderr);
    assert!(stderr.contains("apply caps"), "docker run --privileged: {stderr}");
    let bounding = std::fs::read_to_string("/proc/self/status").unwrap();
    let bounding = bounding.lines().find(|l| l.starts_with("CapBnd")).unwrap_or("CapBnd: ?");
    eprintln!("--privileged cannot start here ({bounding}): using --cap-add ALL --cap-drop SYS_RESOURCE");
    let unconfined = [
        "--cap-add",
        "ALL",
        "--cap-drop",
        "SYS_RESOURCE",
        "--security-opt",
        "seccomp=unconfined",
        "--security-opt",
        "apparmor=unconfined",
    ];
    TestContainer::start_named("ctenter-i7-debug", &[&unconfined[..], &common].concat(), &["sleep", "585"])
}

#[test]
fn debug_container_with_host_pids_and_its_own_cgroupns_lists_and_enters() {
    if !live("debug_container_with_host_pids_and_its_own_cgroupns_lists_and_enters") {
        return;
    }
    let bin = static_bin();
    let target =
        TestContainer::start_named("ctenter-i7-target", &["--hostname", "ct-i7-target"], &["sleep", "584"]);
    let debug = start_debug_container(&format!("{}:/ctenter:ro", bin.display()));
    // Its own cgroup namespace: the debug container sees itself at the root.
    docker_exec(&debug, &["cat", "/proc/self/cgroup"]).expect_success().expect_stdout_contains(":/\n");

    let ls = docker_exec(&debug, &["/ctenter", "ls", "--json"]);
    let seen = ls.listed(&target.id);
    assert_eq!(seen["engine"], "docker");
    assert_eq!(seen["pid"], target.pid(), "same pid namespace as the host");
    let cgroup = seen["cgroup"].as_str().unwrap();
    assert!(cgroup.starts_with("/..") && cgroup.ends_with(&target.id), "cgroup {cgroup}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&ls.stdout).expect("JSON array");
    assert!(
        all.iter().all(|c| c["id"] != debug.id.as_str()),
        "{}",
        ls.report("the debug container at its root")
    );

    let prefix = target.unique_prefix(4);
    docker_exec(&debug, &["/ctenter", "pid", &prefix])
        .expect_success()
        .expect_stdout(&format!("{}\n", target.pid()));
    docker_exec(&debug, &["/ctenter", "enter", &prefix, "--", "hostname"])
        .expect_success()
        .expect_stdout("ct-i7-target\n");
    // Users are looked up in the container's /etc/passwd, never through the static libc's NSS.
    docker_exec(&debug, &["/ctenter", "enter", "-u", "nobody", &prefix, "--", "id", "-u"])
        .expect_success()
        .expect_stdout("65534\n");

    // Names from the host's state files: through --state-root, or from a chroot into the host.
    let named = docker_exec(&debug, &["/ctenter", "--state-root", "/host", "ls", "--json"]);
    named.expect_success();
    let named: Vec<serde_json::Value> = serde_json::from_str(&named.stdout).expect("JSON array");
    assert!(named.iter().any(|c| c["id"] == target.id.as_str() && c["name"] == target.name.as_str()));
    let host_bin = bin.to_str().unwrap();
    docker_exec(&debug, &["chroot", "/host", host_bin, "enter", &target.name, "--", "hostname"])
        .expect_success()
        .expect_stdout("ct-i7-target\n");
}
