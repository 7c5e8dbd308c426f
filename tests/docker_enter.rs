//! `docker-enter <CONTAINER> [CMD...]`: ctenter through a link of that name is `ctenter enter`.

use std::path::PathBuf;

use crate::util::docker::{TestContainer, live};
use crate::util::{Run, bin, ctenter, program, repo_path};

/// A temporary directory holding `docker-enter -> <the built ctenter>`.
struct Link {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn docker_enter_link() -> Link {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker-enter");
    std::os::unix::fs::symlink(bin(), &path).unwrap();
    Link { _dir: dir, path }
}

fn docker_enter(link: &Link, args: &[&str]) -> Run {
    program(&link.path, args).run()
}

#[test]
fn no_arguments_is_a_usage_error() {
    let link = docker_enter_link();
    docker_enter(&link, &[]).expect_code(125).expect_stderr_contains("<CONTAINER>");
    docker_enter(&link, &["--help"]).expect_success().expect_stdout_contains("Usage: ctenter enter");
}

#[test]
fn resolves_as_enter_does() {
    let link = docker_enter_link();
    let root = repo_path("fixtures/docker-systemd-v2/proc").display().to_string();
    // Ambiguous (both IDs start with 3f2a), unknown, and found (then refused: a fixture's pids
    // are not live processes): the same answer, byte for byte, as `ctenter enter`.
    for (args, enter_args) in [
        (vec!["--proc-root", &root, "3f2a"], vec!["--proc-root", &root, "3f2a"]),
        (vec!["--proc-root", &root, "zzz", "ls", "-l"], vec!["--proc-root", &root, "zzz", "--", "ls", "-l"]),
        (vec!["--proc-root", &root, "3f2a1", "true"], vec!["--proc-root", &root, "3f2a1", "--", "true"]),
    ] {
        let through_link = docker_enter(&link, &args);
        let enter = ctenter(std::iter::once("enter").chain(enter_args)).run();
        enter.expect_code(125);
        through_link.expect_code(125);
        assert_eq!(through_link.stderr, enter.stderr, "{}", through_link.report("differs from enter"));
    }
    docker_enter(&link, &["--proc-root", &root, "3f2a"]).expect_stderr_contains("is ambiguous");
    docker_enter(&link, &["--proc-root", &root, "3f2a1", "true"])
        .expect_stderr_contains("enter needs the procfs of ctenter's own pid namespace");
}

#[test]
fn docker_enter_prefix_runs_the_command_inside() {
    if !live("docker_enter_prefix_runs_the_command_inside") {
        return;
    }
    let c = TestContainer::start_named("ctenter-i7", &["--hostname", "ct-i7-denter"], &["sleep", "587"]);
    let link = docker_enter_link();
    let prefix = c.unique_prefix(4);
    docker_enter(&link, &[&prefix, "hostname"]).expect_success().expect_stdout("ct-i7-denter\n");
    // Arguments that look like options belong to the command, as in the 2014 script.
    docker_enter(&link, &[&c.name, "sh", "-c", "echo $0 \"$@\"", "x", "-l"])
        .expect_success()
        .expect_stdout("x -l\n");
    // No command: the container's login shell, as `ctenter enter` gives.
    program(&link.path, [&prefix]).stdin("echo \"$0\"; exit 3\n").run().expect_code(3).expect_stdout("-sh\n");
}
