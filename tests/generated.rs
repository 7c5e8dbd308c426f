//! Text generated from the clap definition: shell completions and manual pages.

use std::process::{Command, Stdio};

use crate::util::ctenter;

const SUBCOMMANDS: [&str; 6] = ["ls", "pid", "enter", "capture", "completions", "man"];

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let run = ctenter(["completions", shell]).run();
        run.expect_success();
        assert!(run.stdout.len() > 200, "{}", run.report("completion script too short"));
        for sub in SUBCOMMANDS {
            run.expect_stdout_contains(sub);
        }
        run.expect_stdout_contains("proc-root");
    }
    ctenter(["completions", "tcsh"]).run().expect_code(125);
}

#[test]
fn bash_accepts_the_bash_script() {
    let script = ctenter(["completions", "bash"]).run();
    script.expect_success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctenter.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).stdin(Stdio::null()).output().expect("run bash");
    assert!(check.status.success(), "bash -n: {}", String::from_utf8_lossy(&check.stderr));
    // Sourced, it registers a completion function for ctenter.
    let registered = Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p ctenter", path.display()))
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    assert!(registered.status.success(), "complete -p: {}", String::from_utf8_lossy(&registered.stderr));
}

#[test]
fn man_pages_are_roff_with_every_subcommand() {
    let page = ctenter(["man"]).run();
    page.expect_success().expect_stdout_contains(".TH ctenter 1").expect_stdout_contains(".SH SYNOPSIS");
    for sub in SUBCOMMANDS {
        page.expect_stdout_contains(&format!("ctenter\\-{}(1)", sub.replace('-', "\\-")));
        ctenter(["man", sub])
            .run()
            .expect_success()
            .expect_stdout_contains(&format!(".TH ctenter-{sub} 1"))
            .expect_stdout_contains(&format!("\\fBctenter {sub}\\fR"));
    }
    ctenter(["man", "enter"]).run().expect_stdout_contains("\\-\\-env\\-file");
    for page in [&["man"][..], &["man", "enter"]] {
        ctenter(page)
            .run()
            .expect_stdout_contains(".SH \"EXIT STATUS\"")
            .expect_stdout_contains("\\fB125\\fR");
    }
    // clap's own `help` subcommand has a page too (scripts/build-deb.sh packages it).
    ctenter(["man", "help"]).run().expect_success().expect_stdout_contains(".TH ctenter-help 1");
    ctenter(["man", "bogus"]).run().expect_one_line_error().expect_stderr_contains("subcommands: ls, pid");
}
