//! Matching a user's `<CONTAINER>` argument: full ID, name, or unique ID prefix.

use super::Found;
use super::index::Container;

/// Containers whose ID is exactly `needle` (hex IDs case-insensitively). More than one means
/// one ID at two places (see `Index`): the caller reports them all.
pub fn exact_ids<'a>(containers: &'a [Container], needle: &str) -> Vec<&'a Container> {
    containers.iter().filter(|c| id_eq(&c.id, needle)).collect()
}

/// Containers whose ID starts with `needle`.
pub fn id_prefix<'a>(containers: &'a [Container], needle: &str) -> Vec<&'a Container> {
    containers.iter().filter(|c| id_has_prefix(&c.id, needle)).collect()
}

/// Containers `needle` names: a runtime's name (Docker's with or without its leading `/`), or
/// for Kubernetes `namespace/pod/container`, `pod/container`, or `pod` alone when the pod has
/// exactly one container besides its sandbox. Names compare exactly.
pub fn by_name<'a>(found: &'a [Found], needle: &str) -> Vec<&'a Found> {
    let plain = needle.strip_prefix('/').unwrap_or(needle);
    let named = |f: &&Found| {
        let state = &f.state;
        let name = state.name.as_deref();
        let kubernetes = match (state.namespace.as_deref(), state.pod.as_deref(), name) {
            (Some(namespace), Some(pod), Some(name)) if !state.sandbox => {
                needle == format!("{namespace}/{pod}/{name}") || needle == format!("{pod}/{name}")
            }
            _ => false,
        };
        kubernetes || (state.pod.is_none() && name == Some(plain))
    };
    let matches: Vec<&Found> = found.iter().filter(named).collect();
    if !matches.is_empty() {
        return matches;
    }
    // `pod` alone: one match is the pod's only container; a pod of several containers, or pods
    // of one name in several namespaces, give several, which the caller lists as ambiguous.
    found.iter().filter(|f| f.state.pod.as_deref() == Some(needle) && !f.state.sandbox).collect()
}

fn is_hex(id: &str) -> bool {
    id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn id_eq(id: &str, needle: &str) -> bool {
    if is_hex(id) { id.eq_ignore_ascii_case(needle) } else { id == needle }
}

fn id_has_prefix(id: &str, needle: &str) -> bool {
    match id.as_bytes().get(..needle.len()) {
        Some(head) if is_hex(id) => head.eq_ignore_ascii_case(needle.as_bytes()),
        Some(head) => head == needle.as_bytes(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolver::ProcessInfo;
    use crate::resolver::engines::Engine;
    use crate::state::ContainerState;

    fn container(id: &str) -> Container {
        Container {
            engine: Engine::Docker,
            id: id.into(),
            cgroup: String::new(),
            parent: None,
            members: vec![1],
        }
    }

    /// Exact ID, else prefix: what `Scan::resolve` does when no name matches.
    fn find<'a>(cs: &'a [Container], needle: &str) -> Vec<&'a str> {
        let exact = exact_ids(cs, needle);
        let hits = if exact.is_empty() { id_prefix(cs, needle) } else { exact };
        hits.into_iter().map(|c| c.id.as_str()).collect()
    }

    fn found(id: &str, name: &str, pod: Option<(&str, &str)>, sandbox: bool) -> Found {
        Found {
            container: container(id),
            init: ProcessInfo::default(),
            command: String::new(),
            state: ContainerState {
                name: Some(name.into()),
                namespace: pod.map(|(ns, _)| ns.into()),
                pod: pod.map(|(_, p)| p.into()),
                sandbox,
                ..Default::default()
            },
            started_unix: None,
        }
    }

    fn names(hits: Vec<&Found>) -> Vec<&str> {
        hits.into_iter().map(|f| f.container.id.as_str()).collect()
    }

    #[test]
    fn prefix_full_and_case() {
        let cs = [container("3f2a00"), container("3f9b11"), container("abcdef")];
        assert_eq!(find(&cs, "3f2"), vec!["3f2a00"]);
        assert_eq!(find(&cs, "3F2A"), vec!["3f2a00"]);
        assert_eq!(find(&cs, "ABCDEF"), vec!["abcdef"]);
        assert_eq!(find(&cs, "3f"), vec!["3f2a00", "3f9b11"]);
        assert!(find(&cs, "3f2a00ff").is_empty());
        assert!(find(&cs, "zz").is_empty());
    }

    #[test]
    fn exact_name_like_id_wins_over_prefix_and_names_are_case_sensitive() {
        let cs = [container("web"), container("web2")];
        assert_eq!(find(&cs, "web"), vec!["web"]);
        assert!(find(&cs, "WEB").is_empty());
        assert_eq!(find(&cs, "we"), vec!["web", "web2"]);
    }

    #[test]
    fn one_id_at_two_places_is_ambiguous_even_when_exact() {
        let mut impostor = container("3f2a00");
        impostor.parent = Some("abcdef".into());
        let cs = [container("3f2a00"), impostor];
        assert_eq!(find(&cs, "3f2a00"), vec!["3f2a00", "3f2a00"]);
        assert_eq!(find(&cs, "3f"), vec!["3f2a00", "3f2a00"]);
    }

    #[test]
    fn multibyte_needle_never_panics() {
        let cs = [container("abc")];
        assert!(find(&cs, "é").is_empty());
        assert!(find(&cs, "aé").is_empty());
    }

    #[test]
    fn docker_names_with_or_without_the_slash() {
        let all = [found("aa", "web", None, false), found("bb", "db", None, false)];
        assert_eq!(names(by_name(&all, "web")), vec!["aa"]);
        assert_eq!(names(by_name(&all, "/web")), vec!["aa"]);
        assert!(by_name(&all, "WEB").is_empty());
        assert!(by_name(&all, "we").is_empty(), "names are never prefixes");
    }

    #[test]
    fn kubernetes_names() {
        let all = [
            found("p1", "POD", Some(("prod", "api-7d9f")), true),
            found("c1", "app", Some(("prod", "api-7d9f")), false),
            found("c2", "app", Some(("dev", "api-7d9f")), false),
            found("p2", "POD", Some(("prod", "multi")), true),
            found("c3", "a", Some(("prod", "multi")), false),
            found("c4", "b", Some(("prod", "multi")), false),
            found("c5", "solo", Some(("prod", "single")), false),
        ];
        assert_eq!(names(by_name(&all, "prod/api-7d9f/app")), vec!["c1"]);
        assert_eq!(names(by_name(&all, "api-7d9f/app")), vec!["c1", "c2"], "two namespaces: ambiguous");
        assert_eq!(names(by_name(&all, "single")), vec!["c5"], "a pod with one container");
        assert_eq!(names(by_name(&all, "multi")), vec!["c3", "c4"], "a pod with two: ambiguous");
        assert!(by_name(&all, "app").is_empty(), "a Kubernetes container's bare name is not enough");
        assert!(by_name(&all, "prod/api-7d9f/POD").is_empty(), "the sandbox is never named");
    }
}
