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
    by_id: HashMap<String, usize>,
    /// Process directories listed in the proc root.
    pub processes_scanned: usize,
    /// Processes whose cgroup file the caller may not read.
    pub unreadable: usize,
}

impl Index {
    /// Records `pid` as a member of the innermost container of `chain` (outermost first).
    pub fn add(&mut self, pid: u32, chain: Vec<ContainerRef>) {
        let mut parent: Option<String> = None;
        let innermost = chain.len().saturating_sub(1);
        for (depth, found) in chain.into_iter().enumerate() {
            let slot = match self.by_id.get(&found.id) {
                Some(&slot) => slot,
                None => {
                    self.by_id.insert(found.id.clone(), self.containers.len());
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
        containers.sort_by(|a, b| a.id.cmp(&b.id));
        containers
    }
}
