//! Matching a user's `<CONTAINER>` argument against the index: full ID, then unique prefix.

use super::index::Container;

#[derive(Debug, PartialEq, Eq)]
pub enum Match<'a> {
    One(&'a Container),
    None,
    Many(Vec<&'a Container>),
}

/// An exact ID wins over prefixes (an LXC `web` beside `web2`); otherwise every container whose ID
/// starts with `needle`. Hex IDs compare case-insensitively, names exactly.
pub fn find<'a>(containers: &'a [Container], needle: &str) -> Match<'a> {
    let mut found: Vec<_> = containers.iter().filter(|c| id_eq(&c.id, needle)).collect();
    if found.is_empty() {
        found = containers.iter().filter(|c| id_has_prefix(&c.id, needle)).collect();
    }
    match found.len() {
        0 => Match::None,
        1 => Match::One(found.remove(0)),
        _ => Match::Many(found),
    }
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

    fn ids(m: Match<'_>) -> Vec<&str> {
        match m {
            Match::One(c) => vec![c.id.as_str()],
            Match::None => vec![],
            Match::Many(cs) => cs.into_iter().map(|c| c.id.as_str()).collect(),
        }
    }

    #[test]
    fn prefix_full_and_case() {
        let cs = [container("3f2a00"), container("3f9b11"), container("abcdef")];
        assert_eq!(ids(find(&cs, "3f2")), vec!["3f2a00"]);
        assert_eq!(ids(find(&cs, "3F2A")), vec!["3f2a00"]);
        assert_eq!(ids(find(&cs, "ABCDEF")), vec!["abcdef"]);
        assert_eq!(ids(find(&cs, "3f")), vec!["3f2a00", "3f9b11"]);
        assert_eq!(ids(find(&cs, "3f2a00ff")), Vec::<&str>::new());
        assert_eq!(ids(find(&cs, "zz")), Vec::<&str>::new());
    }

    #[test]
    fn exact_name_wins_over_prefix_and_names_are_case_sensitive() {
        let cs = [container("web"), container("web2")];
        assert_eq!(ids(find(&cs, "web")), vec!["web"]);
        assert_eq!(ids(find(&cs, "WEB")), Vec::<&str>::new());
        assert_eq!(ids(find(&cs, "we")), vec!["web", "web2"]);
    }

    #[test]
    fn one_id_at_two_places_is_ambiguous_even_when_exact() {
        let mut impostor = container("3f2a00");
        impostor.parent = Some("abcdef".into());
        let cs = [container("3f2a00"), impostor];
        assert_eq!(ids(find(&cs, "3f2a00")), vec!["3f2a00", "3f2a00"]);
        assert_eq!(ids(find(&cs, "3f")), vec!["3f2a00", "3f2a00"]);
    }

    #[test]
    fn multibyte_needle_never_panics() {
        let cs = [container("abc")];
        assert_eq!(ids(find(&cs, "é")), Vec::<&str>::new());
        assert_eq!(ids(find(&cs, "aé")), Vec::<&str>::new());
    }
}
