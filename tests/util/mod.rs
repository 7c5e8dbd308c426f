//! Shared test helpers: run the built binary with a scrubbed environment and report failures in
//! full; create and always remove real Docker containers for the live tier.
#![allow(dead_code)]

pub mod docker;
pub mod runtimes;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The live-tier gate without Docker (docker::live adds it): true with CTENTER_LIVE=1; else the
/// test passes without running, saying so, unless CI=true, where that is a failure.
pub fn live_tier(test: &str, what: &str) -> bool {
    let required = std::env::var_os("CTENTER_LIVE").is_some_and(|v| v == "1");
    if !required && std::env::var_os("CI").is_some_and(|v| v == "true") {
        panic!("CI=true but CTENTER_LIVE is not 1: live test {test} must run in CI (use scripts/test.sh)");
    }
    if !required {
        eprintln!("skipping live test {test}: set CTENTER_LIVE=1 to run it {what}");
    }
    required
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ctenter")
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A ctenter invocation; the environment holds only PATH unless a test adds more.
pub struct Cmd {
    command: Command,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
}

pub fn ctenter<I, S>(args: I) -> Cmd
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    program(bin(), args)
}

/// Like `ctenter`, for another program: the binary under another name (a `docker-enter` link),
/// or another build of it.
pub fn program<I, S>(path: impl AsRef<OsStr>, args: I) -> Cmd
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(path);
    command.env_clear().env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
    command.args(&args);
    Cmd { command, args, stdin: None }
}

impl Cmd {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.as_bytes().to_vec());
        self
    }

    pub fn run(mut self) -> Run {
        use std::io::Write;
        self.command.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.command.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        let mut child = self.command.spawn().expect("spawn ctenter");
        if let Some(input) = self.stdin.take() {
            child.stdin.take().unwrap().write_all(&input).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait for ctenter");
        Run::new(self.args, output)
    }
}

/// A finished run, with everything a failure report needs.
pub struct Run {
    pub args: Vec<OsString>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn new(args: Vec<OsString>, output: Output) -> Self {
        Self {
            args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn report(&self, what: &str) -> String {
        format!(
            "{what}\n--- args: {:?}\n--- cwd: {}\n--- exit code: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.args,
            std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.report(&format!("expected exit code {code}")));
        self
    }

    #[track_caller]
    pub fn expect_success(&self) -> &Self {
        self.expect_code(0)
    }

    #[track_caller]
    pub fn expect_stdout(&self, expected: &str) -> &Self {
        if self.stdout != expected {
            panic!(
                "{}\n--- diff (expected -> actual):\n{}",
                self.report("stdout differs"),
                diff(expected, &self.stdout)
            );
        }
        self
    }

    #[track_caller]
    pub fn expect_stdout_contains(&self, needle: &str) -> &Self {
        assert!(self.stdout.contains(needle), "{}", self.report(&format!("stdout lacks {needle:?}")));
        self
    }

    pub fn expect_stderr_contains(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "{}", self.report(&format!("stderr lacks {needle:?}")));
        self
    }

    /// ctenter's own failures are one line (`ctenter: ...`), except the candidate list of an
    /// ambiguous match.
    /// This `ls --json` run's entry for container `id`; fails with the report when it is missing.
    #[track_caller]
    pub fn listed(&self, id: &str) -> serde_json::Value {
        self.expect_success();
        let all: Vec<serde_json::Value> = serde_json::from_str(&self.stdout).expect("JSON array");
        all.into_iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{}", self.report(&format!("{id} not listed"))))
    }

    #[track_caller]
    pub fn expect_one_line_error(&self) -> &Self {
        self.expect_code(125);
        let lines: Vec<_> = self.stderr.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("ctenter: "),
            "{}",
            self.report("expected one `ctenter:` line")
        );
        self
    }
}

pub fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual).unified_diff().context_radius(3).to_string()
}
