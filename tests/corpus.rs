//! The resolver against published `/proc/<pid>/cgroup` files from many runtimes
//! (`../shared/corpus/cgroup-cases-public.json`, read in place when present, never copied here).

use ctenter::resolver::scan::classify_file;

use crate::util::repo_path;

/// Engines as the corpus names them, mapped to ours; anything else is not one of ours.
fn our_engine(corpus_name: &str) -> Option<&'static str> {
    Some(match corpus_name {
        "docker" => "docker",
        "podman" => "podman",
        "containerd" => "containerd",
        "cri-o" => "cri-o",
        "kubernetes-cri-unknown" => "kubernetes",
        "lxc" => "lxc",
        "systemd-nspawn" => "systemd-nspawn",
        "ecs" => "ecs",
        _ => return None,
    })
}

#[test]
fn corpus_cases_give_the_expected_container_and_never_an_alternate() {
    let path = repo_path("../shared/corpus/cgroup-cases-public.json");
    let Ok(text) = std::fs::read(&path) else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "CI=true but {} is missing: the corpus test must run in CI",
            path.display()
        );
        println!("corpus test skipped: {} not present", path.display());
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_slice(&text).expect("corpus JSON");
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in &cases {
        if case["disputed"] == true {
            continue;
        }
        // The raw file when the case has one, else the single path some sources give.
        let content = match (case["cgroup"].as_str(), case["cgroup_path"].as_str()) {
            (Some(cgroup), _) => cgroup.to_string(),
            (None, Some(path)) => format!("0::{path}\n"),
            (None, None) => continue,
        };
        checked += 1;
        let innermost = classify_file(content.as_bytes()).pop();
        let got_id = innermost.as_ref().map(|c| c.id.as_str());
        let want_id = case["expected_container_id"].as_str();
        let recoverable = case["id_recoverable_from_input"] == true;
        let alternates: Vec<&str> =
            case["alternate_ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
        let name = case["id"].as_str().unwrap_or("?");

        let id_ok = if recoverable { got_id == want_id } else { got_id.is_none() || got_id == want_id };
        if !id_ok || got_id.is_some_and(|id| alternates.contains(&id)) {
            failures
                .push(format!("{name}: expected {want_id:?}, got {got_id:?} (alternates {alternates:?})"));
            continue;
        }
        if let Some(found) = &innermost {
            let acceptable: Vec<&str> = case["acceptable_engines"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| our_engine(v.as_str()?))
                .collect();
            if !acceptable.is_empty() && !acceptable.contains(&found.engine.as_str()) {
                failures.push(format!("{name}: engine {} not in {acceptable:?}", found.engine.as_str()));
            }
        }
    }
    assert!(checked >= 50, "only {checked} corpus cases had cgroup input");
    assert!(
        failures.is_empty(),
        "{} of {checked} corpus cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
