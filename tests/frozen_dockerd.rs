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
    let prefix = c.unique_prefix(4);
    let frozen = Frozen::dockerd();

    let exec = Command::new("timeout").args(["5", "docker", "exec", &c.id, "true"]).output().unwrap();
    assert_eq!(exec.status.code(), Some(124), "docker exec should hang on a frozen dockerd: {exec:?}");

    ctenter(["enter", &prefix, "--", "true"]).run().expect_success();
    ctenter(["enter", &prefix, "--", "hostname"]).run().expect_success().expect_stdout("ct-frozen\n");
    ctenter(["ls", "-q"]).run().expect_success();
    drop(frozen);
}
