//! `capture`: copy the /proc files that decide a resolution into a fixture directory
//! (`<DIR>/proc/<pid>/{cgroup,stat,status,cmdline}`), never `environ`.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::procroot::{CGROUP_READ_LIMIT, ProcRoot, SMALL_READ_LIMIT};
use crate::resolver::{Found, ProcessInfo, supervisor};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureOptions {
    /// `None`: every container found.
    pub containers: Option<Vec<String>>,
    pub output: PathBuf,
    pub redact: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("capture directory {0}: exists and is not empty; choose a new one")]
    NotEmpty(PathBuf),
    #[error("capture directory {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("nothing to capture: no container found")]
    Nothing,
}

/// Containers keep at most this many members in a capture: the init, its supervisor and a few
/// others decide a resolution; thousands of workers would only bloat a bug report.
const MEMBERS_PER_CONTAINER: usize = 20;
/// How far up from each init's supervisor the ancestry is kept (the runtime daemon, pid 1).
const ANCESTRY_DEPTH: usize = 8;

/// What a capture wrote.
#[derive(Debug)]
pub struct Captured {
    pub proc_dir: PathBuf,
    pub processes: usize,
}

/// The pids worth capturing for `found`: each container's init and first members, the
/// supervisor parenting each init and its ancestors, and pid 1.
pub fn pids_to_capture(root: &ProcRoot, found: &[Found]) -> BTreeSet<u32> {
    let mut pids = BTreeSet::from([1]);
    for container in found {
        pids.insert(container.init.pid);
        pids.extend(container.container.members.iter().take(MEMBERS_PER_CONTAINER));
        let mut ancestor = container.init.ppid;
        for _ in 0..ANCESTRY_DEPTH {
            let Some(pid) = ancestor.filter(|&p| p > 0) else { break };
            pids.insert(pid);
            ancestor = ProcessInfo::read(root, pid).and_then(|p| p.ppid);
        }
    }
    pids
}

/// Copies the chosen processes' files under `output/proc`; processes that exit meanwhile are
/// left out. With `redact`, a command line becomes the process's `comm` unless it is a
/// supervisor's (IDs and paths only, and the resolver reads it).
pub fn write(
    root: &ProcRoot,
    pids: &BTreeSet<u32>,
    output: &Path,
    redact: bool,
) -> Result<Captured, CaptureError> {
    prepare(output)?;
    let proc_dir = output.join("proc");
    let mut processes = 0;
    for &pid in pids {
        // `cgroup` is what makes a fixture process: without it the process is gone.
        let Ok(cgroup) = root.read(pid, "cgroup", CGROUP_READ_LIMIT) else { continue };
        let stat = root.read_optional(pid, "stat", SMALL_READ_LIMIT);
        let status = root.read_optional(pid, "status", SMALL_READ_LIMIT);
        let mut cmdline = root.read_optional(pid, "cmdline", SMALL_READ_LIMIT);
        if redact && cmdline.as_deref().and_then(supervisor::parse).is_none() {
            let comm =
                stat.as_deref().map(|s| ProcessInfo::parse(pid, Some(s), None).comm.unwrap_or_default());
            cmdline = comm.map(|c| format!("{c}\0").into_bytes());
        }
        let dir = proc_dir.join(pid.to_string());
        create_dir(&dir)?;
        let files = [("cgroup", Some(cgroup)), ("stat", stat), ("status", status), ("cmdline", cmdline)];
        for (name, bytes) in files {
            if let Some(bytes) = bytes {
                let path = dir.join(name);
                std::fs::write(&path, bytes).map_err(|source| CaptureError::Write { path, source })?;
            }
        }
        processes += 1;
    }
    if processes == 0 {
        return Err(CaptureError::Nothing);
    }
    Ok(Captured { proc_dir, processes })
}

fn prepare(output: &Path) -> Result<(), CaptureError> {
    match std::fs::read_dir(output) {
        Ok(entries) => match entries.count() {
            0 => Ok(()),
            _ => Err(CaptureError::NotEmpty(output.to_path_buf())),
        },
        Err(err) if err.kind() == io::ErrorKind::NotFound => create_dir(output),
        Err(source) => Err(CaptureError::Write { path: output.to_path_buf(), source }),
    }
}

fn create_dir(path: &Path) -> Result<(), CaptureError> {
    std::fs::create_dir_all(path).map_err(|source| CaptureError::Write { path: path.to_path_buf(), source })
}

/// The host facts a fixture's README states: kernel release and cgroup mode.
pub fn host_facts(root: &ProcRoot) -> (String, &'static str) {
    let kernel = root.read_global("sys/kernel/osrelease").map(|k| k.trim().to_string());
    (kernel.unwrap_or_else(|| "unknown".into()), cgroup_mode(Path::new("/sys/fs/cgroup")))
}

/// cgroups(7): a cgroup2 mount at the top is v2 ("unified"); v1 controllers beside a
/// `unified` cgroup2 mount is hybrid; v1 controllers alone is legacy v1.
fn cgroup_mode(mount: &Path) -> &'static str {
    use nix::sys::statfs::{CGROUP2_SUPER_MAGIC, statfs};
    match statfs(mount) {
        Ok(fs) if fs.filesystem_type() == CGROUP2_SUPER_MAGIC => "v2 (unified)",
        Ok(_)
            if statfs(&mount.join("unified")).is_ok_and(|fs| fs.filesystem_type() == CGROUP2_SUPER_MAGIC) =>
        {
            "hybrid (v1 controllers, v2 unified mount)"
        }
        Ok(_) => "v1 (legacy)",
        Err(_) => "unknown",
    }
}
