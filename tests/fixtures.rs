//! The fixture tier: every `fixtures/<case>/` through `--proc-root`, compared with its
//! expected.json (written from Docker's own answers or by the script that built the case).

use std::path::Path;

use crate::util::{ctenter, diff, repo_path};

fn cases() -> Vec<std::path::PathBuf> {
    let mut cases: Vec<_> = std::fs::read_dir(repo_path("fixtures"))
        .expect("fixtures/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("proc").is_dir())
        .collect();
    cases.sort();
    cases
}

/// `--proc-root <case>/proc --state-root <case>/root ARGS`: the state root is always the case's
/// own (absent for most), so the host's /var/lib/docker never leaks into a fixture's answer.
fn case_args(case: &Path, args: &[&str]) -> Vec<std::ffi::OsString> {
    let mut all = vec!["--proc-root".into(), case.join("proc").into_os_string()];
    all.extend(["--state-root".into(), case.join("root").into_os_string()]);
    all.extend(args.iter().map(Into::into));
    all
}

fn expected(case: &Path) -> Vec<serde_json::Value> {
    let text =
        std::fs::read(case.join("expected.json")).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}/expected.json: {e}", case.display()))
}

#[test]
fn every_fixture_lists_exactly_its_expected_containers() {
    let cases = cases();
    assert!(cases.len() >= 19, "fixtures/ lost cases: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let run = ctenter(case_args(case, &["ls", "--json"])).run();
        let want = expected(case);
        let got: Result<Vec<serde_json::Value>, _> = serde_json::from_str(&run.stdout);
        match got {
            Ok(got) if got == want && run.code == Some(0) => {}
            _ => {
                let want_text = serde_json::to_string_pretty(&want).unwrap() + "\n";
                failures.push(format!(
                    "{}\n--- diff (expected -> actual):\n{}",
                    run.report(&case.display().to_string()),
                    diff(&want_text, &run.stdout)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_container_resolves_to_its_init_by_id_and_prefix() {
    for case in cases() {
        for container in expected(&case) {
            let id = container["id"].as_str().unwrap();
            let pid = format!("{}\n", container["pid"]);
            ctenter(case_args(&case, &["pid", id])).run().expect_success().expect_stdout(&pid);
        }
    }
}
