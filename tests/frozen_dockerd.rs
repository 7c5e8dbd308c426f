//! dockerd frozen with SIGSTOP: `docker exec` hangs, `ctenter enter` still works. Its own test
//! binary, so no other test talks to Docker while dockerd is stopped; dockerd is resumed on
//! every path out of the test (and `.ci/run` resumes it again on exit).

mod util;

use std::process::Command;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use util::ctenter;
use util::docker::{TestContainer, live};

/// Sends SIGCONT to dockerd when dropped, also when the test panics.
struct Frozen(Pid);

impl Frozen {
    fn dockerd() -> Self {
        let out = Command::new("pgrep").args(["-x", "dockerd"]).output().expect("pgrep");
        let pid: i32 =
            String::from_utf8_lossy(&out.stdout).lines().next().expect("dockerd is running").parse().unwrap();
        let pid = Pid::from_raw(pid);
        let frozen = Frozen(pid);
        kill(pid, Signal::SIGSTOP).expect("SIGSTOP dockerd");
        frozen
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        let _ = kill(self.0, Signal::SIGCONT);
    }
}

#[test]
fn enter_works_while_dockerd_is_frozen() {
    if !live("enter_works_while_dockerd_is_frozen") {
        return;
    }
    // Declared before the freeze: dropped after dockerd is resumed, so `docker rm` can work.
    let c = TestContainer::start(&["--hostname", "ct-frozen"], &["sleep", "600"]);
    // Configured env, user and working directory, and an init whose own environ is empty: only
    // the state files on disk can give the command what `docker exec` would.
    let configured =
        TestContainer::start(&["-e", "CFG=1", "-u", "65534", "-w", "/tmp"], &["env", "-i", "sleep", "600"]);
    let prefix = c.unique_prefix(4);
    let frozen = Frozen::dockerd();

    let exec = Command::new("timeout").args(["5", "docker", "exec", &c.id, "true"]).output().unwrap();
    assert_eq!(exec.status.code(), Some(124), "docker exec should hang on a frozen dockerd: {exec:?}");

    ctenter(["enter", &prefix, "--", "true"]).run().expect_success();
    ctenter(["enter", &prefix, "--", "hostname"]).run().expect_success().expect_stdout("ct-frozen\n");
    ctenter(["enter", &c.name, "--", "hostname"]).run().expect_success().expect_stdout("ct-frozen\n");
    ctenter(["enter", &format!("/{}", c.name), "--", "hostname"])
        .run()
        .expect_success()
        .expect_stdout("ct-frozen\n");

    let ls = ctenter(["ls"]).run();
    ls.expect_success();
    for container in [&c, &configured] {
        let row = ls.stdout.lines().find(|l| l.starts_with(&container.id[..12]));
        let row = row.unwrap_or_else(|| panic!("{}", ls.report("container missing")));
        assert_eq!(
            row.split_whitespace().nth(1),
            Some(container.name.as_str()),
            "{}",
            ls.report("NAME column")
        );
    }

    let script = "echo CFG=$CFG; id -u; pwd; echo HOME=$HOME";
    ctenter(["enter", &configured.name, "--", "sh", "-c", script])
        .run()
        .expect_success()
        .expect_stdout("CFG=1\n65534\n/tmp\nHOME=/\n");
    // The init's own (empty) environment on request; -u and -w still win over the configuration.
    ctenter([
        "enter",
        "--env-from",
        "init",
        "-u",
        "0",
        "-w",
        "/",
        &configured.name,
        "--",
        "sh",
        "-c",
        script,
    ])
    .run()
    .expect_success()
    .expect_stdout("CFG=\n0\n/\nHOME=/root\n");
    drop(frozen);
}
