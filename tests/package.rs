//! The Debian package (scripts/build-deb.sh, cargo-deb): its files, and docker-enter in it.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{Run, live_tier, program, repo_path};

#[test]
fn deb_holds_the_binary_docker_enter_man_pages_and_completions() {
    if !live_tier("deb_holds_the_binary_docker_enter_man_pages_and_completions", "with cargo-deb") {
        return;
    }
    let out = Command::new("bash").arg(repo_path("scripts/build-deb.sh")).output().expect("run build-deb.sh");
    let build = Run::new(vec!["scripts/build-deb.sh".into()], out);
    build.expect_success();
    let deb = PathBuf::from(build.stdout.lines().last().expect("the script prints the package's path"));
    let deb = deb.to_str().unwrap();

    let listing = program("dpkg-deb", ["-c", deb]).run();
    listing.expect_success();
    for path in [
        " ./usr/bin/ctenter\n",
        " ./usr/bin/docker-enter -> ctenter\n",
        " ./usr/share/man/man1/ctenter.1.gz\n",
        " ./usr/share/man/man1/ctenter-enter.1.gz\n",
        " ./usr/share/bash-completion/completions/ctenter\n",
        " ./usr/share/zsh/vendor-completions/_ctenter\n",
        " ./usr/share/fish/vendor_completions.d/ctenter.fish\n",
    ] {
        listing.expect_stdout_contains(path);
    }
    let fields = program("dpkg-deb", ["-f", deb, "Package"]).run();
    fields.expect_success().expect_stdout("ctenter\n");

    // Unpacked (not installed), the link is docker-enter.
    let root = tempfile::tempdir().unwrap();
    program("dpkg-deb", ["-x", deb, root.path().to_str().unwrap()]).run().expect_success();
    program(root.path().join("usr/bin/docker-enter"), ["--help"])
        .run()
        .expect_success()
        .expect_stdout_contains("Usage: ctenter enter");
    let man = std::fs::read(root.path().join("usr/share/man/man1/ctenter.1.gz")).unwrap();
    assert_eq!(&man[..2], [0x1f, 0x8b], "gzip");
}
