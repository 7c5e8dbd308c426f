//! From a proc root to containers: scan cgroups, index, match a query, choose each init.

pub mod cgroup;
pub mod engines;
pub mod index;
pub mod init;
pub mod query;
pub mod scan;
pub mod supervisor;

use std::fmt;

pub use engines::Engine;
pub use index::Container;
pub use init::ProcessInfo;

use crate::procroot::{ProcError, ProcRoot, SMALL_READ_LIMIT};
use crate::state::{self, ContainerState, StateRoot};

/// A container with its chosen init process and what the runtime's state files say of it.
#[derive(Debug, Clone)]
pub struct Found {
    pub container: Container,
    pub init: ProcessInfo,
    /// The init's command line, lossy UTF-8, arguments joined by spaces.
    pub command: String,
    pub state: ContainerState,
    /// When the init started (seconds since the epoch), from /proc: the source of truth.
    pub started_unix: Option<u64>,
}

impl Found {
    /// RFC 3339: the init's start from /proc, else the runtime's record.
    pub fn started(&self) -> Option<String> {
        self.started_unix.map(crate::time::rfc3339).or_else(|| self.state.started.clone())
    }
}

impl Found {
    /// `namespace/pod` for Kubernetes containers.
    pub fn pod_label(&self) -> Option<String> {
        let pod = self.state.pod.as_deref()?;
        Some(match self.state.namespace.as_deref() {
            Some(namespace) => format!("{namespace}/{pod}"),
            None => pod.to_string(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("cannot scan processes: {0}")]
    Scan(#[from] ProcError),
    #[error("container name or ID must not be empty")]
    EmptyQuery,
    #[error(
        "no such container: {needle} ({} found among {} processes; see 'ctenter ls'){hint}",
        count(*containers, "container"), processes
    )]
    NotFound { needle: String, containers: usize, processes: usize, hint: String },
    #[error("container {needle:?} is ambiguous: it matches {} containers:{}", candidates.len(), CandidateList(candidates))]
    Ambiguous { needle: String, candidates: Vec<Found> },
    #[error("container {id}: its processes exited while ctenter read them (container not running)")]
    Gone { id: String },
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

struct CandidateList<'a>(&'a [Found]);

impl fmt::Display for CandidateList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for found in self.0 {
            let c = &found.container;
            // Two candidates with one ID are told apart by where they are.
            let id_shared = self.0.iter().filter(|other| other.container.id == c.id).count() > 1;
            let name = found.state.name.as_deref().map(printable).unwrap_or_else(|| "-".into());
            write!(f, "\n  {}  {}  {name}", c.id, c.engine.as_str())?;
            if let Some(pod) = found.pod_label() {
                write!(f, "  pod {}", printable(&pod))?;
            }
            write!(f, "  pid {}  {}", found.init.pid, printable(&found.command))?;
            if let Some(parent) = &c.parent {
                write!(f, "  (inside container {})", short_id(parent))?;
            }
            if id_shared {
                write!(f, "  cgroup {}", printable(&c.cgroup))?;
            }
        }
        Ok(())
    }
}

/// Which rule of `Scan::resolve` matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    Id,
    Name,
    Prefix,
}

impl MatchedBy {
    pub fn describe(self) -> &'static str {
        match self {
            MatchedBy::Id => "its full ID",
            MatchedBy::Name => "its name",
            MatchedBy::Prefix => "a unique ID prefix",
        }
    }
}

/// The result of one scan of a proc root.
pub struct Scan {
    root: ProcRoot,
    state_root: StateRoot,
    boot_time: std::sync::OnceLock<Option<(u64, u64)>>,
    pub containers: Vec<Container>,
    pub processes_scanned: usize,
    pub unreadable: usize,
    pub first_unreadable: Option<ProcError>,
}

impl Scan {
    pub fn new(root: &ProcRoot, state_root: &StateRoot) -> Result<Self, ResolveError> {
        let mut index = scan::scan(root)?;
        Ok(Self {
            root: root.clone(),
            state_root: state_root.clone(),
            boot_time: std::sync::OnceLock::new(),
            processes_scanned: index.processes_scanned,
            unreadable: index.unreadable,
            first_unreadable: index.first_unreadable.take(),
            containers: index.into_containers(),
        })
    }

    /// Every container with its init; containers whose processes all vanished are left out.
    pub fn list(&self) -> Vec<Found> {
        self.containers.iter().filter_map(|c| self.found(c)).collect()
    }

    /// The one container `needle` names, or an error that lists every candidate. Never guesses.
    /// Order: an exact full ID, then an exact name (see `query::by_name`), then a unique prefix.
    pub fn resolve(&self, needle: &str) -> Result<Found, ResolveError> {
        self.resolve_how(needle).map(|(found, _)| found)
    }

    /// `resolve`, also saying which rule matched.
    pub fn resolve_how(&self, needle: &str) -> Result<(Found, MatchedBy), ResolveError> {
        if needle.is_empty() {
            return Err(ResolveError::EmptyQuery);
        }
        let exact = query::exact_ids(&self.containers, needle);
        if !exact.is_empty() {
            let candidates = exact.into_iter().filter_map(|c| self.found(c)).collect();
            return Ok((self.one_of(needle, candidates)?, MatchedBy::Id));
        }
        let states: Vec<ContainerState> = self.containers.iter().map(|c| self.naming_state(c)).collect();
        let named = query::by_name(&states, needle);
        if !named.is_empty() {
            let candidates = named.into_iter().filter_map(|i| self.found(&self.containers[i])).collect();
            return Ok((self.one_of(needle, candidates)?, MatchedBy::Name));
        }
        let prefixed = query::id_prefix(&self.containers, needle);
        let candidates = prefixed.into_iter().filter_map(|c| self.found(c)).collect();
        Ok((self.one_of(needle, candidates)?, MatchedBy::Prefix))
    }

    fn one_of(&self, needle: &str, mut candidates: Vec<Found>) -> Result<Found, ResolveError> {
        match candidates.len() {
            0 => Err(ResolveError::NotFound {
                needle: needle.to_string(),
                containers: self.containers.len(),
                processes: self.processes_scanned,
                hint: match state::stopped_hint(&self.state_root, needle) {
                    Some(stopped) => format!("; {stopped}"),
                    // Names come from the runtimes' state files, which only root can read.
                    None if !nix::unistd::geteuid().is_root() => "; names need root: run as root".into(),
                    None => String::new(),
                },
            }),
            1 => Ok(candidates.remove(0)),
            _ => Err(ResolveError::Ambiguous { needle: needle.to_string(), candidates }),
        }
    }

    /// What names a container, read cheaply: its state files, without choosing its init. Only
    /// where those give no name and conmon may (Podman, CRI-O) is the init's supervisor read.
    fn naming_state(&self, container: &Container) -> ContainerState {
        let lookup = state::Lookup {
            engine: container.engine,
            id: &container.id,
            cgroup: &container.cgroup,
            supervisor_name: None,
        };
        let state = state::lookup(&self.state_root, &lookup);
        let conmon_may_name = matches!(container.engine, Engine::Podman | Engine::CriO | Engine::Kubernetes);
        if state.name.is_none() && conmon_may_name {
            return self.found(container).map(|f| f.state).unwrap_or(state);
        }
        state
    }

    fn found(&self, container: &Container) -> Option<Found> {
        let members: Vec<ProcessInfo> =
            container.members.iter().filter_map(|&pid| ProcessInfo::read(&self.root, pid)).collect();
        let init = init::choose_init(&members)?.clone();
        let command = read_command(&self.root, &init);
        let mut container = container.clone();
        // The supervisor parenting the init says which runtime made a path that doesn't.
        let parent_cmdline =
            init.ppid.and_then(|ppid| self.root.read_optional(ppid, "cmdline", SMALL_READ_LIMIT));
        let supervisor = parent_cmdline.as_deref().and_then(supervisor::parse);
        if let Some(supervisor) = &supervisor {
            container.engine = supervisor.refine(container.engine);
        }
        let lookup = state::Lookup {
            engine: container.engine,
            id: &container.id,
            cgroup: &container.cgroup,
            supervisor_name: supervisor.as_ref().and_then(|s| s.name.as_deref()),
        };
        let state = state::lookup(&self.state_root, &lookup);
        if let Some(engine) = state.engine.filter(|_| container.engine == Engine::Kubernetes) {
            container.engine = engine;
        }
        let ticks = init.start_time.zip(*self.boot_time.get_or_init(|| boot_time(&self.root)));
        let started_unix = ticks.map(|(start, (btime, hz))| btime + start / hz);
        Some(Found { container, init, command, state, started_unix })
    }
}

/// Boot time (`btime` of `<root>/stat`, seconds since the epoch) and clock ticks per second:
/// a process started `starttime / ticks` seconds after boot (proc(5)). `None` for a proc tree
/// without a `stat` file (fixtures).
fn boot_time(root: &ProcRoot) -> Option<(u64, u64)> {
    let stat = root.read_global("stat")?;
    let btime: u64 = stat.lines().find_map(|l| l.strip_prefix("btime "))?.trim().parse().ok()?;
    let ticks = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK).ok()??.max(1) as u64;
    Some((btime, ticks))
}

/// `cmdline` with NULs as spaces; a process with an empty one (a zombie) shows its `[comm]`.
pub fn read_command(root: &ProcRoot, process: &ProcessInfo) -> String {
    let raw = root.read_optional(process.pid, "cmdline", SMALL_READ_LIMIT).unwrap_or_default();
    let args: Vec<_> =
        raw.split(|&b| b == 0).filter(|a| !a.is_empty()).map(String::from_utf8_lossy).collect();
    if args.is_empty() {
        return process.comm.as_ref().map(|c| format!("[{c}]")).unwrap_or_default();
    }
    args.join(" ")
}

/// A container's cmdline with its control characters escaped: written raw, a hostile one could
/// drive the caller's terminal (escape sequences, fake newlines in `ls` or an error message).
pub fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect()
}

/// The 12-character form `ls` shows, as docker does; names shorter than that stay whole.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(12) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("sleep 10 é"), "sleep 10 é");
        assert_eq!(printable("a\x1b[2Jb\nc\u{9b}"), "a\\u{1b}[2Jb\\nc\\u{9b}");
    }
}
