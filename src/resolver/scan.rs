//! The /proc walk: the only resolver code that reads process files for every process.
//!
//! Each process's `cgroup` file is reduced to one path, interned, so the layout table runs once
//! per distinct path rather than once per process. Paths no layout names are then checked
//! against their supervisor: when the parent of a path's first member is a containerd shim,
//! conmon or LXC monitor whose command line names an ID that is a segment of the path, that
//! segment is a container too (`ctr run`'s `/<namespace>/<id>`, any `--cgroup-parent`).

use std::collections::HashMap;

use super::engines::{self, ContainerRef};
use super::index::Index;
use super::init::ProcessInfo;
use super::supervisor;
use crate::procroot::{CGROUP_READ_LIMIT, ProcError, ProcRoot, SMALL_READ_LIMIT};

/// Reads every process's `cgroup` file (and, for paths no layout names, the `stat` of one member
/// and its parent's `cmdline`), and indexes the containers found. Vanished processes are
/// skipped; unreadable ones are counted in `Index::unreadable`.
pub fn scan(root: &ProcRoot) -> Result<Index, ProcError> {
    let mut index = Index::default();
    let mut paths = PathTable::default();
    // (pid, path) for every process outside the root cgroup, in pid order.
    let mut processes: Vec<(u32, usize)> = Vec::new();
    let mut buf = Vec::with_capacity(4096);
    for pid in root.pids()? {
        index.processes_scanned += 1;
        match root.read_into(pid, "cgroup", CGROUP_READ_LIMIT, &mut buf) {
            Ok(()) => {}
            Err(err) if err.is_vanished() => continue,
            Err(err) => {
                index.unreadable += 1;
                index.first_unreadable.get_or_insert(err);
                continue;
            }
        }
        if let Some(path) = paths.representative(&buf) {
            processes.push((pid, path));
        }
    }
    processes.sort_unstable();

    let supervised = supervised_containers(root, &paths, &processes);
    let chains: Vec<Vec<ContainerRef>> = paths.entries.iter().map(|e| e.chain_with(&supervised)).collect();
    for &(pid, path) in &processes {
        if !chains[path].is_empty() {
            index.add(pid, chains[path].clone());
        }
    }
    Ok(index)
}

/// The container chain a whole cgroup file names, outermost first, by the layout table alone:
/// the chain of its representative path (see `PathTable::representative`).
pub fn classify_file(content: &[u8]) -> Vec<ContainerRef> {
    let mut table = PathTable::default();
    table.representative(content).map(|entry| table.entries[entry].chain.clone()).unwrap_or_default()
}

#[derive(Default)]
struct PathTable {
    entries: Vec<PathEntry>,
    by_path: HashMap<Vec<u8>, usize>,
}

struct PathEntry {
    path: Vec<u8>,
    /// What the layout table says, outermost first.
    chain: Vec<ContainerRef>,
}

impl PathTable {
    fn intern(&mut self, path: &[u8]) -> usize {
        if let Some(&index) = self.by_path.get(path) {
            return index;
        }
        let chain = engines::classify_path(path);
        self.entries.push(PathEntry { path: path.to_vec(), chain });
        self.by_path.insert(path.to_vec(), self.entries.len() - 1);
        self.entries.len() - 1
    }

    /// The one path that stands for a whole cgroup file: the line whose path names the deepest
    /// container chain (hybrid files: v1 and v2 lines may disagree, they are taken together),
    /// else the longest path; `None` when every line says `/`.
    fn representative(&mut self, content: &[u8]) -> Option<usize> {
        let mut best: Option<(usize, usize, usize)> = None; // (chain depth, path length, entry)
        let mut last_path: &[u8] = b"";
        for line in super::cgroup::lines(content) {
            if line.path == last_path || line.path == b"/" {
                continue;
            }
            last_path = line.path;
            let entry = self.intern(line.path);
            let rank = (self.entries[entry].chain.len(), line.path.len());
            if best.is_none_or(|(depth, len, _)| rank > (depth, len)) {
                best = Some((rank.0, rank.1, entry));
            }
        }
        best.map(|(_, _, entry)| entry)
    }
}

impl PathEntry {
    /// The table's chain plus the supervisor-found containers at or above this path.
    fn chain_with(&self, supervised: &[ContainerRef]) -> Vec<ContainerRef> {
        let mut chain = self.chain.clone();
        for found in supervised {
            let cgroup = found.cgroup.as_bytes();
            let at_or_below =
                self.path.strip_prefix(cgroup).is_some_and(|rest| rest.is_empty() || rest[0] == b'/');
            if at_or_below && !chain.iter().any(|c| c.cgroup == found.cgroup) {
                chain.push(found.clone());
            }
        }
        chain.sort_by_key(|c| c.cgroup.len());
        chain
    }
}

/// Containers of paths no layout names, found through the supervisor that parents their first
/// member. Reads one `stat` per such path and one `cmdline` per distinct parent.
fn supervised_containers(
    root: &ProcRoot,
    paths: &PathTable,
    processes: &[(u32, usize)],
) -> Vec<ContainerRef> {
    let path_of = |pid: u32| processes.binary_search_by_key(&pid, |&(p, _)| p).ok().map(|i| processes[i].1);
    let mut first_member: Vec<Option<u32>> = vec![None; paths.entries.len()];
    for &(pid, path) in processes {
        first_member[path].get_or_insert(pid);
    }
    let mut cmdlines: HashMap<u32, Option<supervisor::Supervisor>> = HashMap::new();
    let mut found = Vec::new();
    for (path, entry) in paths.entries.iter().enumerate() {
        let Some(member) = first_member[path] else { continue };
        if !entry.chain.is_empty() {
            continue;
        }
        // `stat` alone: `status` costs the kernel more and only its NSpid matters, for inits.
        let stat = root.read_optional(member, "stat", SMALL_READ_LIMIT);
        let Some(ppid) = stat.and_then(|stat| ProcessInfo::parse(member, Some(&stat), None).ppid) else {
            continue;
        };
        if path_of(ppid) == Some(path) {
            continue;
        }
        let supervisor = cmdlines.entry(ppid).or_insert_with(|| {
            let cmdline = root.read_optional(ppid, "cmdline", SMALL_READ_LIMIT)?;
            supervisor::parse(&cmdline)
        });
        if let Some(supervisor) = supervisor
            && let Some(cgroup) = segment_prefix(&entry.path, supervisor.id.as_bytes())
        {
            found.push(ContainerRef {
                engine: supervisor.engine(),
                id: supervisor.id.clone(),
                cgroup: String::from_utf8_lossy(cgroup).into_owned(),
            });
        }
    }
    found.sort_by(|a, b| a.cgroup.cmp(&b.cgroup));
    found.dedup_by(|a, b| a.cgroup == b.cgroup);
    found
}

/// The part of `path` up to and including the last segment equal to `id`.
fn segment_prefix<'p>(path: &'p [u8], id: &[u8]) -> Option<&'p [u8]> {
    let end =
        super::cgroup::segments(path).filter(|(segment, _)| *segment == id).map(|(_, end)| end).last()?;
    Some(&path[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_prefix_matches_whole_segments_only() {
        assert_eq!(segment_prefix(b"/default/web/sub", b"web"), Some(&b"/default/web"[..]));
        assert_eq!(segment_prefix(b"/default/web2", b"web"), None);
        assert_eq!(segment_prefix(b"/default", b""), None);
    }

    #[test]
    fn one_path_stands_for_a_hybrid_file() {
        let mut table = PathTable::default();
        let a = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";
        let content = format!("5:pids:/docker/{a}\n1:name=systemd:/system.slice/x.service\n0::/\n");
        let entry = table.representative(content.as_bytes()).unwrap();
        assert_eq!(table.entries[entry].path, format!("/docker/{a}").into_bytes());
        let host =
            table.representative(b"2:cpu:/\n1:name=systemd:/user.slice/a\n0::/user.slice/a/b\n").unwrap();
        assert_eq!(table.entries[host].path, b"/user.slice/a/b");
        assert_eq!(table.representative(b"0::/\n"), None);
        assert_eq!(table.representative(b""), None);
    }

    #[test]
    fn hybrid_lines_that_disagree_still_name_the_container() {
        let a = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";
        let ids =
            |content: String| classify_file(content.as_bytes()).into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(format!("4:memory:/docker/{a}\n0::/\n")), vec![a]);
        assert_eq!(ids(format!("1:name=systemd:/\n0::/system.slice/docker-{a}.scope\n")), vec![a]);
        assert_eq!(ids(format!("1:name=systemd:/system.slice/docker-{a}.scope\n0::/\n")), vec![a]);
        assert!(
            ids("1:name=systemd:/system.slice/ssh.service\n0::/system.slice/ssh.service\n".into()).is_empty()
        );
    }

    #[test]
    fn supervised_containers_join_the_chain_at_their_depth() {
        let entry = PathEntry { path: b"/default/web/inner".to_vec(), chain: vec![] };
        let web = ContainerRef {
            engine: engines::Engine::Containerd,
            id: "web".into(),
            cgroup: "/default/web".into(),
        };
        let other = ContainerRef {
            engine: engines::Engine::Containerd,
            id: "we".into(),
            cgroup: "/default/we".into(),
        };
        assert_eq!(entry.chain_with(&[other, web.clone()]), vec![web]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Arbitrary bytes never panic, and whatever is found has an ID and its own cgroup path.
        #[test]
        fn classify_never_panics_on_arbitrary_bytes(content in proptest::collection::vec(any::<u8>(), 0..2048)) {
            for found in classify_file(&content) {
                prop_assert!(!found.id.is_empty());
                prop_assert!(found.cgroup.starts_with('/'));
            }
        }

        /// Cgroup-shaped noise around a real container path still finds exactly that container.
        #[test]
        fn a_container_line_survives_noise(noise in "[ -~\n]{0,300}", id in "[0-9a-f]{64}") {
            let content = format!("{noise}\n4:memory:/docker/{id}\n{noise}");
            let chain = classify_file(content.as_bytes());
            prop_assert!(chain.iter().any(|c| c.id == id));
        }
    }
}
