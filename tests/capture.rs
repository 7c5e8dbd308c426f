//! `ctenter capture`: a captured directory replays to the same containers, holds only the files
//! the design names, redacts on request and never overwrites.

use std::path::Path;

use crate::util::docker::{TestContainer, live};
use crate::util::{ctenter, repo_path};

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap()
}

fn capture_fixture(case: &str, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("cap");
    let root = repo_path(&format!("fixtures/{case}/proc"));
    let mut args = vec!["--proc-root", root.to_str().unwrap(), "capture", "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    ctenter(args).run().expect_success();
    out
}

#[test]
fn capturing_a_fixture_replays_to_its_expected_containers() {
    let out = capture_fixture("kubernetes-systemd-v2", &["--all"]);
    let dir = out.path().join("cap");
    assert_eq!(
        json(&dir.join("expected.json")),
        json(&repo_path("fixtures/kubernetes-systemd-v2/expected.json"))
    );
    for entry in std::fs::read_dir(dir.join("proc")).unwrap() {
        let mut names: Vec<String> = std::fs::read_dir(entry.unwrap().path())
            .unwrap()
            .map(|f| f.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert!(
            names.iter().all(|n| ["cgroup", "cmdline", "stat", "status"].contains(&n.as_str())),
            "{names:?}"
        );
    }
    // The kubelet is neither a container member nor an init's ancestor.
    assert!(!dir.join("proc/500").exists());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("cgroup mode: unknown (not the live /proc)"), "{readme}");
    assert!(readme.contains("bug report"), "{readme}");
}

#[test]
fn capture_of_one_container_by_prefix() {
    let expected = json(&repo_path("fixtures/podman-systemd-v2/expected.json"));
    let first = &expected[0];
    let id = first["id"].as_str().unwrap();
    let out = capture_fixture("podman-systemd-v2", &[&id[..8]]);
    let replay = json(&out.path().join("cap/expected.json"));
    assert_eq!(replay, serde_json::json!([first]));
}

#[test]
fn redact_keeps_supervisors_and_replaces_other_command_lines() {
    let out = capture_fixture("kubernetes-systemd-v2", &["--all", "--redact"]);
    let dir = out.path().join("cap");
    let replay = json(&dir.join("expected.json"));
    let original = json(&repo_path("fixtures/kubernetes-systemd-v2/expected.json"));
    for (got, want) in replay.as_array().unwrap().iter().zip(original.as_array().unwrap()) {
        assert_eq!((&got["id"], &got["engine"], &got["pid"]), (&want["id"], &want["engine"], &want["pid"]));
    }
    assert_eq!(
        std::fs::read(dir.join("proc/1020/cmdline")).unwrap(),
        b"app\0",
        "the app's command is its comm"
    );
    let shim = std::fs::read(dir.join("proc/1000/cmdline")).unwrap();
    assert!(
        shim.starts_with(b"/usr/bin/containerd-shim-runc-v2\0-namespace\0k8s.io\0"),
        "the shim's is kept"
    );
}

#[test]
fn capture_refuses_a_non_empty_directory_and_unknown_containers() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("keep"), "x").unwrap();
    let root = repo_path("fixtures/podman-systemd-v2/proc");
    let root = root.to_str().unwrap();
    let dir = out.path().to_str().unwrap();
    ctenter(["--proc-root", root, "capture", "--all", "-o", dir])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains(&format!("capture directory {dir}: exists and is not empty"));
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1, "nothing written");
    let fresh = out.path().join("fresh");
    ctenter(["--proc-root", root, "capture", "zzz", "-o", fresh.to_str().unwrap()])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("no such container: zzz");
    assert!(!fresh.exists());
    ctenter(["--proc-root", root, "capture", "-o", fresh.to_str().unwrap()]).run().expect_code(125);
}

#[test]
fn live_capture_replays_to_dockers_pid() {
    if !live("live_capture_replays_to_dockers_pid") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "1000"]);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("cap");
    ctenter(["capture", &c.id[..12], "-o", dir.to_str().unwrap()]).run().expect_success();
    let replay = json(&dir.join("expected.json"));
    let entry = replay.as_array().unwrap().iter().find(|e| e["id"] == c.id.as_str()).expect("captured");
    assert_eq!(entry["pid"], c.pid());
    assert_eq!(entry["engine"], "docker");
    let pid_dir = dir.join(format!("proc/{}", c.pid()));
    assert!(pid_dir.join("cgroup").exists() && !pid_dir.join("environ").exists());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("- docker: Docker version"), "{readme}");
}
