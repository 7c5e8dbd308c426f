//! Choosing a container's init process among its members, from `stat` and `status`.

use crate::procroot::{ProcRoot, SMALL_READ_LIMIT};

/// What ctenter knows of one member process; every field but `pid` may be missing in a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessInfo {
    pub pid: u32,
    pub ppid: Option<u32>,
    /// Clock ticks after boot (proc(5) `starttime`): with the pid, it names one process.
    pub start_time: Option<u64>,
    /// The pid in each pid namespace, from the proc mount's namespace down (`NSpid`).
    pub nspid: Option<Vec<u32>>,
    pub comm: Option<String>,
    /// State Z (zombie) or X (dead): the process has exited and only waits to be reaped.
    pub dying: bool,
}

impl ProcessInfo {
    /// Reads `stat` and `status`; `None` when the process vanished (no `stat` and no `status`
    /// where the pid directory itself is gone).
    pub fn read(root: &ProcRoot, pid: u32) -> Option<Self> {
        let stat = root.read(pid, "stat", SMALL_READ_LIMIT);
        if let Err(err) = &stat
            && err.is_vanished()
            && !root.process_file(pid, "").exists()
        {
            return None;
        }
        let status = root.read_optional(pid, "status", SMALL_READ_LIMIT);
        Some(Self::parse(pid, stat.ok().as_deref(), status.as_deref()))
    }

    /// Pure: builds the record from the raw bytes of `stat` and `status`.
    pub fn parse(pid: u32, stat: Option<&[u8]>, status: Option<&[u8]>) -> Self {
        let stat = stat.and_then(StatFields::parse);
        let status = status.map(StatusFields::parse).unwrap_or_default();
        Self {
            pid,
            ppid: stat.as_ref().map(|s| s.ppid).or(status.ppid),
            start_time: stat.as_ref().map(|s| s.start_time),
            nspid: status.nspid,
            dying: stat.as_ref().is_some_and(|s| matches!(s.state, 'Z' | 'X')),
            comm: stat.map(|s| s.comm),
        }
    }

    /// Pid 1 of a pid namespace nested below the proc mount's one.
    fn is_namespace_init(&self) -> bool {
        matches!(&self.nspid, Some(ids) if ids.len() >= 2 && ids.last() == Some(&1))
    }
}

/// The `stat` fields ctenter uses. Parsed by hand, as bytes: procfs-core 0.18's `Stat::from_read`
/// panics on malformed input such as `"(x)"` (found by the property test below), and `comm`
/// may hold spaces, `)` and invalid UTF-8, so fields are counted after the *last* `)` (proc(5)).
struct StatFields {
    comm: String,
    state: char,
    ppid: u32,
    start_time: u64,
}

impl StatFields {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let open = bytes.iter().position(|&b| b == b'(')?;
        let close = bytes.iter().rposition(|&b| b == b')')?;
        let comm = String::from_utf8_lossy(bytes.get(open + 1..close)?).into_owned();
        let rest = std::str::from_utf8(bytes.get(close + 1..)?).ok()?;
        // Fields 3.. of proc(5): state(3) ppid(4) ... starttime(22).
        let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
        Some(Self {
            comm,
            state: fields.first()?.chars().next()?,
            ppid: fields.get(1)?.parse().ok()?,
            start_time: fields.get(19)?.parse().ok()?,
        })
    }
}

#[derive(Debug, Default)]
struct StatusFields {
    ppid: Option<u32>,
    nspid: Option<Vec<u32>>,
}

impl StatusFields {
    fn parse(bytes: &[u8]) -> Self {
        let mut fields = Self::default();
        for line in bytes.split(|&b| b == b'\n') {
            if let Some(value) = line.strip_prefix(b"PPid:") {
                fields.ppid = parse_numbers(value).and_then(|ids| ids.first().copied());
            } else if let Some(value) = line.strip_prefix(b"NSpid:") {
                fields.nspid = parse_numbers(value);
            }
        }
        fields
    }
}

fn parse_numbers(value: &[u8]) -> Option<Vec<u32>> {
    let text = std::str::from_utf8(value).ok()?;
    let ids: Option<Vec<u32>> = text.split_ascii_whitespace().map(|n| n.parse().ok()).collect();
    ids.filter(|ids| !ids.is_empty())
}

/// The container's init among `members`:
/// 1. a process that is pid 1 of a nested pid namespace (shallowest first): the runtime's init;
/// 2. otherwise (`--pid=host`, shared pid namespaces) a member whose parent is not a member, so a
///    `docker exec`'d process (child of the shim, outside) competes only on start time, and the
///    init, started first, wins;
///
/// Ties go by earliest start time, then lowest pid. Unknown start times sort last.
pub fn choose_init(members: &[ProcessInfo]) -> Option<&ProcessInfo> {
    let by_start = |p: &&ProcessInfo| (p.start_time.is_none(), p.start_time, p.pid);
    let namespace_init = members
        .iter()
        .filter(|p| p.is_namespace_init())
        .min_by_key(|p| (p.nspid.as_ref().map_or(usize::MAX, Vec::len), by_start(p)));
    namespace_init.or_else(|| {
        let is_member = |pid: u32| members.iter().any(|m| m.pid == pid);
        let roots = members.iter().filter(|p| p.ppid.is_none_or(|ppid| !is_member(ppid)));
        roots.min_by_key(by_start).or_else(|| members.iter().min_by_key(by_start))
    })
}

/// Why `choose_init` chose `init`, in words for `pid --explain`.
pub fn init_reason(init: &ProcessInfo) -> String {
    match &init.nspid {
        Some(ids) if init.is_namespace_init() => {
            let ids: Vec<String> = ids.iter().map(u32::to_string).collect();
            format!("pid 1 of its own pid namespace (NSpid {})", ids.join(" "))
        }
        _ => "no member is pid 1 of a pid namespace of its own: the earliest member whose parent is outside the container".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat_line(pid: u32, comm: &str, ppid: u32, start: u64) -> Vec<u8> {
        format!("{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 {start} 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n").into_bytes()
    }

    fn member(pid: u32, ppid: u32, start: u64, nspid: &[u32]) -> ProcessInfo {
        ProcessInfo {
            pid,
            ppid: Some(ppid),
            start_time: Some(start),
            nspid: Some(nspid.to_vec()),
            comm: None,
            dying: false,
        }
    }

    #[test]
    fn parses_stat_with_a_hostile_comm() {
        let info = ProcessInfo::parse(7, Some(&stat_line(7, ") (x) S 99 (", 42, 1234)), None);
        assert_eq!(info.ppid, Some(42));
        assert_eq!(info.start_time, Some(1234));
        assert_eq!(info.comm.as_deref(), Some(") (x) S 99 ("));
        let invalid_utf8 = b"7 (\xff\xfe) S 42 7 7 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 55 1000 10 1 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
        assert_eq!(ProcessInfo::parse(7, Some(invalid_utf8), None).start_time, Some(55));
    }

    #[test]
    fn garbage_stat_and_status_give_unknowns_not_panics() {
        for junk in [&b""[..], b"(", b")", b"1 (a", b"\xff\xff\xff", b"1 (a) S x y z"] {
            let info = ProcessInfo::parse(3, Some(junk), Some(junk));
            assert_eq!(info.start_time, None);
            assert_eq!(info.nspid, None);
        }
    }

    #[test]
    fn parses_status_nspid_and_ppid() {
        let info = ProcessInfo::parse(9, None, Some(b"Name:\tsh\nPPid:\t8\nNSpid:\t9\t4\t1\n"));
        assert_eq!(info.nspid, Some(vec![9, 4, 1]));
        assert_eq!(info.ppid, Some(8));
    }

    #[test]
    fn namespace_init_beats_an_earlier_exec_process() {
        let members = [member(20, 5, 10, &[20, 7]), member(10, 4, 50, &[10, 1])];
        assert_eq!(choose_init(&members).unwrap().pid, 10);
    }

    #[test]
    fn host_pid_namespace_uses_the_earliest_member_without_a_member_parent() {
        // init 100 (parent: the shim), its child 101, and a `docker exec`'d 200 started later.
        let members =
            [member(200, 90, 900, &[200]), member(101, 100, 501, &[101]), member(100, 90, 500, &[100])];
        assert_eq!(choose_init(&members).unwrap().pid, 100);
    }

    #[test]
    fn host_init_is_not_a_namespace_init() {
        let members = [member(1, 0, 5, &[1]), member(50, 1, 9, &[50])];
        assert_eq!(choose_init(&members).unwrap().pid, 1);
        assert!(choose_init(&[]).is_none());
    }

    #[test]
    fn missing_files_fall_back_to_lowest_pid() {
        let members =
            [ProcessInfo { pid: 30, ..Default::default() }, ProcessInfo { pid: 12, ..Default::default() }];
        assert_eq!(choose_init(&members).unwrap().pid, 12);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn parse_never_panics(stat in proptest::collection::vec(any::<u8>(), 0..512), status in proptest::collection::vec(any::<u8>(), 0..512)) {
            let info = ProcessInfo::parse(1, Some(&stat), Some(&status));
            let _ = choose_init(std::slice::from_ref(&info));
        }
    }
}
