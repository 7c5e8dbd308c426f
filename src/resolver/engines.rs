//! The table of runtime cgroup layouts: one row per layout, regexes compiled once.
//!
//! A layout recognises one path segment (optionally only right after a fixed parent segment) as a
//! container and captures its ID. Adding a runtime = one row here + one fixture directory.

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::cgroup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Docker,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
        }
    }
}

struct Layout {
    engine: Engine,
    /// The segment must directly follow this one (`/docker/<id>`), or may stand anywhere.
    after: Option<&'static [u8]>,
    /// Anchored pattern for the whole segment; group `id` is the container ID.
    segment: &'static str,
}

const LAYOUTS: &[Layout] = &[
    // Docker, cgroupfs driver: /docker/<id>, nested as /docker/<outer>/docker/<inner>.
    Layout { engine: Engine::Docker, after: Some(b"docker"), segment: r"^(?P<id>[0-9a-f]{64})$" },
    // Docker, systemd driver: /system.slice/docker-<id>.scope.
    Layout { engine: Engine::Docker, after: None, segment: r"^docker-(?P<id>[0-9a-f]{64})\.scope$" },
];

static COMPILED: LazyLock<Vec<(&'static Layout, Regex)>> = LazyLock::new(|| {
    LAYOUTS
        .iter()
        .map(|layout| (layout, Regex::new(layout.segment).expect("engine table regex is valid")))
        .collect()
});

/// One container level named by a cgroup path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRef {
    pub engine: Engine,
    pub id: String,
    /// The cgroup path up to and including the container's own segment.
    pub cgroup: String,
}

/// Every container a cgroup path passes through, outermost first; empty for a host cgroup.
pub fn classify_path(path: &[u8]) -> Vec<ContainerRef> {
    let mut chain = Vec::new();
    let mut previous: &[u8] = b"";
    for (segment, end) in cgroup::segments(path) {
        if let Some(found) = classify_segment(previous, segment, &path[..end]) {
            chain.push(found);
        }
        previous = segment;
    }
    chain
}

fn classify_segment(previous: &[u8], segment: &[u8], prefix: &[u8]) -> Option<ContainerRef> {
    COMPILED.iter().find_map(|(layout, regex)| {
        if layout.after.is_some_and(|after| after != previous) {
            return None;
        }
        let id = regex.captures(segment)?.name("id")?;
        Some(ContainerRef {
            engine: layout.engine,
            id: String::from_utf8_lossy(id.as_bytes()).into_owned(),
            cgroup: String::from_utf8_lossy(prefix).into_owned(),
        })
    })
}

/// The container chain a process's whole cgroup file names.
///
/// On hybrid hosts the v1 lines and the `0::` line can disagree (one says `/`, the other names the
/// container); any line that names a container counts, and the deepest chain wins, first line
/// first on a tie.
pub fn classify(content: &[u8]) -> Vec<ContainerRef> {
    let mut best: Vec<ContainerRef> = Vec::new();
    let mut last_path: &[u8] = b"";
    for line in cgroup::lines(content) {
        // v1 files repeat one path on every hierarchy: classify each distinct path once.
        if line.path == last_path || line.path == b"/" {
            continue;
        }
        last_path = line.path;
        let chain = classify_path(line.path);
        if chain.len() > best.len() {
            best = chain;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";
    const B: &str = "9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d";

    fn ids(content: &str) -> Vec<String> {
        classify(content.as_bytes()).into_iter().map(|c| c.id).collect()
    }

    #[test]
    fn docker_cgroupfs_and_systemd_layouts() {
        assert_eq!(ids(&format!("4:memory:/docker/{A}\n")), vec![A]);
        assert_eq!(ids(&format!("0::/system.slice/docker-{A}.scope\n")), vec![A]);
        let chain = classify(format!("0::/system.slice/docker-{A}.scope\n").as_bytes());
        assert_eq!(chain[0].cgroup, format!("/system.slice/docker-{A}.scope"));
        assert_eq!(chain[0].engine, Engine::Docker);
    }

    #[test]
    fn nested_docker_yields_outer_then_inner() {
        let chain = classify(format!("0::/docker/{A}/docker/{B}\n").as_bytes());
        assert_eq!(chain.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![A, B]);
        assert_eq!(chain[0].cgroup, format!("/docker/{A}"));
        assert_eq!(chain[1].cgroup, format!("/docker/{A}/docker/{B}"));
    }

    #[test]
    fn hybrid_lines_that_disagree_still_name_the_container() {
        assert_eq!(ids(&format!("4:memory:/docker/{A}\n0::/\n")), vec![A]);
        assert_eq!(
            ids(&format!(
                "4:memory:/\n1:name=systemd:/system.slice/docker-{A}.scope\n0::/system.slice/docker-{A}.scope\n"
            )),
            vec![A]
        );
    }

    #[test]
    fn not_containers() {
        assert!(ids("0::/\n").is_empty());
        assert!(ids("0::/system.slice/docker.service\n").is_empty());
        assert!(ids(&format!("0::/{A}\n")).is_empty(), "a bare ID needs its runtime's parent");
        assert!(ids(&format!("0::/docker/{}\n", &A[..63])).is_empty(), "63 hex chars is not an ID");
        assert!(ids(&format!("0::/docker/{}\n", A.to_uppercase())).is_empty());
        assert!(ids(&format!("0::/system.slice/docker-{A}.scopex\n")).is_empty());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Arbitrary bytes never panic, and whatever is found is a real ID from the table's shapes.
        #[test]
        fn classify_never_panics_on_arbitrary_bytes(content in proptest::collection::vec(any::<u8>(), 0..2048)) {
            for found in classify(&content) {
                prop_assert_eq!(found.id.len(), 64);
                prop_assert!(found.cgroup.contains(&found.id));
            }
        }

        /// Cgroup-shaped noise around a real container path still finds exactly that container.
        #[test]
        fn a_container_line_survives_noise(noise in "[ -~\n]{0,300}", id in "[0-9a-f]{64}") {
            let content = format!("{noise}\n4:memory:/docker/{id}\n{noise}");
            let chain = classify(content.as_bytes());
            prop_assert!(chain.iter().any(|c| c.id == id));
        }
    }
}
