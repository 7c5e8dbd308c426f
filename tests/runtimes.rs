//! The live tier for runtimes other than plain Docker: each container is found from /proc alone,
//! with the runtime's own answer (inspect, lxc-info, ctr task ls) as the oracle.

use crate::util::ctenter;
use crate::util::docker::{TestContainer, live};
use crate::util::runtimes::{
    CtrContainer, LxcContainer, PodmanContainer, random_id, random_pod_uid, unique_name,
};

/// `ls --json`'s entry for `id`, with the run's report when it is missing.
fn listed(id: &str) -> serde_json::Value {
    ctenter(["ls", "--json"]).run().listed(id)
}

#[test]
fn podman_container_resolves_by_prefix_and_enters() {
    if !live("podman_container_resolves_by_prefix_and_enters") {
        return;
    }
    let c = PodmanContainer::start(&["sleep", "1000"]);
    let prefix = &c.id[..12];
    ctenter(["pid", prefix]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
    let entry = listed(&c.id);
    assert_eq!(entry["engine"], "podman");
    assert_eq!(entry["pid"], c.pid());
    // Podman sets the hostname to the short ID; the host's differs.
    ctenter(["enter", prefix, "--", "hostname"]).run().expect_success().expect_stdout(&format!("{prefix}\n"));
}

#[test]
fn lxc_container_is_found_by_name_and_enters() {
    if !live("lxc_container_is_found_by_name_and_enters") {
        return;
    }
    let c = LxcContainer::start();
    ctenter(["pid", &c.name]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
    let entry = listed(&c.name);
    assert_eq!(entry["engine"], "lxc");
    ctenter(["enter", &c.name, "--", "hostname"])
        .run()
        .expect_success()
        .expect_stdout(&format!("{}\n", c.name));
}

#[test]
fn ctr_container_with_a_plain_name_is_found_through_its_shim() {
    if !live("ctr_container_with_a_plain_name_is_found_through_its_shim") {
        return;
    }
    // Its cgroup is `/<namespace>/<name>`: no layout names it, only the shim's `-id` does.
    let c = CtrContainer::start(&unique_name("ctr"), None, &["sleep", "1000"]);
    ctenter(["pid", &c.id]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
    let entry = listed(&c.id);
    assert_eq!(entry["engine"], "containerd");
    assert_eq!(entry["cgroup"], format!("/ctenter-test/{}", c.id));
    ctenter(["enter", &c.id, "--", "cat", "/proc/1/cmdline"])
        .run()
        .expect_success()
        .expect_stdout("sleep\u{0}1000\u{0}");
}

#[test]
fn ctr_container_in_a_kubelet_cgroupfs_layout_is_containerd() {
    if !live("ctr_container_in_a_kubelet_cgroupfs_layout_is_containerd") {
        return;
    }
    let id = random_id();
    let cgroup = format!("/kubepods/besteffort/pod{}/{id}", random_pod_uid());
    let c = CtrContainer::start(&id, Some(&cgroup), &["sleep", "1000"]);
    ctenter(["pid", &id[..16]]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
    let entry = listed(&id);
    assert_eq!(entry["cgroup"], cgroup);
    assert_eq!(
        entry["engine"], "containerd",
        "the path says kubernetes, the shim's namespace says containerd"
    );
    ctenter(["enter", &id[..16], "--", "cat", "/proc/1/cmdline"])
        .run()
        .expect_success()
        .expect_stdout("sleep\u{0}1000\u{0}");
}

#[test]
fn docker_with_kubernetes_shaped_cgroup_parents_is_still_docker() {
    if !live("docker_with_kubernetes_shaped_cgroup_parents_is_still_docker") {
        return;
    }
    let uid = random_pod_uid();
    let cgroupfs_parent = format!("/kubepods/besteffort/pod{uid}");
    let systemd_shaped = format!(
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{}.slice",
        uid.replace('-', "_")
    );
    for parent in [cgroupfs_parent, systemd_shaped, "/ctenter-custom-parent".to_string()] {
        let c = TestContainer::start(&[&format!("--cgroup-parent={parent}")], &["sleep", "1000"]);
        let entry = listed(&c.id);
        assert_eq!(entry["engine"], "docker", "parent {parent}");
        assert_eq!(entry["pid"], c.pid(), "parent {parent}");
        assert_eq!(entry["cgroup"], format!("{parent}/{}", c.id));
        ctenter(["pid", &c.unique_prefix(6)]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
    }
}
