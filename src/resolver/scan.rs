//! The /proc walk: the only resolver code that reads process files for every process.

use super::engines;
use super::index::Index;
use crate::procroot::{CGROUP_READ_LIMIT, ProcError, ProcRoot};

/// Reads every process's `cgroup` file (and nothing else) and indexes the containers found.
/// Vanished processes are skipped; unreadable ones are counted in `Index::unreadable`.
pub fn scan(root: &ProcRoot) -> Result<Index, ProcError> {
    let mut index = Index::default();
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
        let chain = engines::classify(&buf);
        if !chain.is_empty() {
            index.add(pid, chain);
        }
    }
    Ok(index)
}
