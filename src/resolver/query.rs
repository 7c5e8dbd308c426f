//! Matching a user's `<CONTAINER>` argument: full ID, name, or unique ID prefix.

use super::index::Container;
use crate::state::ContainerState;

/// Containers whose ID is exactly `needle` (hex IDs case-insensitively). More than one means
/// one ID at two places (see `Index`): the caller reports them all.
pub fn exact_ids<'a>(containers: &'a [Container], needle: &str) -> Vec<&'a Container> {
    containers.iter().filter(|c| id_eq(&c.id, needle)).collect()
}

/// Containers whose ID starts with `needle`.
pub fn id_prefix<'a>(containers: &'a [Container], needle: &str) -> Vec<&'a Container> {
    containers.iter().filter(|c| id_has_prefix(&c.id, needle)).collect()
}

/// The indices of the containers `needle` names: a runtime's name (Docker's with or without its
/// leading `/`), or for Kubernetes `namespace/pod/container`, `pod/container`, or `pod` alone
/// when the pod has exactly one container besides its sandbox. Names compare exactly.
pub fn by_name(states: &[ContainerState], needle: &str) -> Vec<usize> {
    let plain = needle.strip_prefix('/').unwrap_or(needle);
    let named = |state: &ContainerState| {
        let name = state.name.as_deref();
        let kubernetes = match (state.namespace.as_deref(), state.pod.as_deref(), name) {
            (Some(namespace), Some(pod), Some(name)) if !state.sandbox => {
                needle == format!("{namespace}/{pod}/{name}") || needle == format!("{pod}/{name}")
            }
            _ => false,
        };
        kubernetes || (state.pod.is_none() && name == Some(plain))
    };
    let matches: Vec<usize> = (0..states.len()).filter(|&i| named(&states[i])).collect();
    if !matches.is_empty() {
        return matches;
    }
    // `pod` alone: one match is the pod's only container; a pod of several containers, or pods
    // of one name in several namespaces, give several, which the caller lists as ambiguous.
    (0..states.len()).filter(|&i| states[i].pod.as_deref() == Some(needle) && !states[i].sandbox).collect()
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
    use crate::resolver::engines::Engine;

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

    fn state(name: &str, pod: Option<(&str, &str)>, sandbox: bool) -> ContainerState {
        ContainerState {
            name: Some(name.into()),
            namespace: pod.map(|(ns, _)| ns.into()),
            pod: pod.map(|(_, p)| p.into()),
            sandbox,
            ..Default::default()
        }
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
        let all = [state("web", None, false), state("db", None, false)];
        assert_eq!(by_name(&all, "web"), vec![0]);
        assert_eq!(by_name(&all, "/web"), vec![0]);
        assert!(by_name(&all, "WEB").is_empty());
        assert!(by_name(&all, "we").is_empty(), "names are never prefixes");
    }

    #[test]
    fn kubernetes_names() {
        let all = [
            state("POD", Some(("prod", "api-7d9f")), true),
            state("app", Some(("prod", "api-7d9f")), false),
            state("app", Some(("dev", "api-7d9f")), false),
            state("POD", Some(("prod", "multi")), true),
            state("a", Some(("prod", "multi")), false),
            state("b", Some(("prod", "multi")), false),
            state("solo", Some(("prod", "single")), false),
        ];
        assert_eq!(by_name(&all, "prod/api-7d9f/app"), vec![1]);
        assert_eq!(by_name(&all, "api-7d9f/app"), vec![1, 2], "two namespaces: ambiguous");
        assert_eq!(by_name(&all, "single"), vec![6], "a pod with one container");
        assert_eq!(by_name(&all, "multi"), vec![4, 5], "a pod with two: ambiguous");
        assert!(by_name(&all, "app").is_empty(), "a Kubernetes container's bare name is not enough");
        assert!(by_name(&all, "prod/api-7d9f/POD").is_empty(), "the sandbox is never named");
    }
}
