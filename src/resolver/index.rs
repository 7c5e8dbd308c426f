//! The containers found by a scan, each with its member pids.

use std::collections::HashMap;

use super::engines::{ContainerRef, Engine};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub engine: Engine,
    pub id: String,
    pub cgroup: String,
    /// The enclosing container's ID for nested containers.
    pub parent: Option<String>,
    /// Processes whose innermost container this is, in scan order.
    pub members: Vec<u32>,
}

#[derive(Debug, Default)]
pub struct Index {
    containers: Vec<Container>,
    /// Keyed by cgroup path, not by ID: a process that makes a cgroup named like another
    /// container (`/docker/<own>/docker/<victim>` below its own, or `docker-<victim>.scope` in
    /// a delegated user subtree) gets a second entry with the victim's ID, so a query for that ID
    /// is ambiguous; it never gets a share of the victim's members.
    by_cgroup: HashMap<String, usize>,
    /// Process directories listed in the proc root.
    pub processes_scanned: usize,
    /// Processes whose cgroup file could not be read for a reason other than their exit.
    pub unreadable: usize,
    /// The first of those errors, to show what went wrong.
    pub first_unreadable: Option<crate::procroot::ProcError>,
}

impl Index {
    /// Records `pid` as a member of the innermost container of `chain` (outermost first).
    pub fn add(&mut self, pid: u32, chain: Vec<ContainerRef>) {
        let mut parent: Option<String> = None;
        let innermost = chain.len().saturating_sub(1);
        for (depth, found) in chain.into_iter().enumerate() {
            let slot = match self.by_cgroup.get(&found.cgroup) {
                Some(&slot) => slot,
                None => {
                    self.by_cgroup.insert(found.cgroup.clone(), self.containers.len());
                    self.containers.push(Container {
                        engine: found.engine,
                        id: found.id.clone(),
                        cgroup: found.cgroup,
                        parent: parent.clone(),
                        members: Vec::new(),
                    });
                    self.containers.len() - 1
                }
            };
            if depth == innermost {
                self.containers[slot].members.push(pid);
            }
            parent = Some(found.id);
        }
    }

    /// Containers that have at least one process of their own, sorted by ID.
    pub fn into_containers(self) -> Vec<Container> {
        let mut containers: Vec<_> = self.containers.into_iter().filter(|c| !c.members.is_empty()).collect();
        containers.sort_by(|a, b| (&a.id, &a.cgroup).cmp(&(&b.id, &b.cgroup)));
        containers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolver::scan::classify_file as classify;

    const OUTER: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";
    const VICTIM: &str = "9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d";

    #[test]
    fn nested_members_go_to_the_innermost_level_and_link_their_parent() {
        let mut index = Index::default();
        index.add(10, classify(format!("0::/docker/{OUTER}\n").as_bytes()));
        index.add(20, classify(format!("0::/docker/{OUTER}/docker/{VICTIM}\n").as_bytes()));
        let containers = index.into_containers();
        let summary: Vec<_> =
            containers.iter().map(|c| (c.id.as_str(), c.parent.as_deref(), c.members.clone())).collect();
        assert_eq!(summary, vec![(OUTER, None, vec![10]), (VICTIM, Some(OUTER), vec![20])]);
    }

    #[test]
    fn a_same_named_scope_elsewhere_is_another_container() {
        let mut index = Index::default();
        index.add(10, classify(format!("0::/system.slice/docker-{VICTIM}.scope\n").as_bytes()));
        let spoof = format!("0::/user.slice/user-1000.slice/user@1000.service/docker-{VICTIM}.scope\n");
        index.add(20, classify(spoof.as_bytes()));
        let containers = index.into_containers();
        let members: Vec<_> = containers.iter().map(|c| c.members.clone()).collect();
        assert_eq!(members, vec![vec![10], vec![20]]);
    }

    #[test]
    fn a_container_cannot_join_another_by_naming_its_id_below_itself() {
        let mut index = Index::default();
        index.add(10, classify(format!("0::/docker/{VICTIM}\n").as_bytes()));
        index.add(20, classify(format!("0::/docker/{OUTER}\n").as_bytes()));
        index.add(30, classify(format!("0::/docker/{OUTER}/docker/{VICTIM}\n").as_bytes()));
        let containers = index.into_containers();
        let mut victims: Vec<_> = containers
            .iter()
            .filter(|c| c.id == VICTIM)
            .map(|c| (c.parent.as_deref(), c.members.as_slice()))
            .collect();
        victims.sort();
        assert_eq!(victims, vec![(None, &[10][..]), (Some(OUTER), &[30][..])]);
    }
}
