//! Pure parsing of `/proc/<pid>/cgroup` content: bytes in, never a panic, no I/O.
//!
//! Each line is `hierarchy-ID:controller-list:cgroup-path` (cgroups(7)); a v2 line has ID 0 and an
//! empty controller list. The path may itself contain `:`, so only the first two split a line.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CgroupLine<'a> {
    pub hierarchy: &'a [u8],
    pub controllers: &'a [u8],
    pub path: &'a [u8],
}

/// The well-formed lines of a cgroup file; malformed lines (no two colons, a path that is not
/// absolute) are skipped rather than failing the whole file.
pub fn lines(content: &[u8]) -> impl Iterator<Item = CgroupLine<'_>> {
    content.split(|&b| b == b'\n').filter_map(parse_line)
}

fn parse_line(line: &[u8]) -> Option<CgroupLine<'_>> {
    let mut parts = line.splitn(3, |&b| b == b':');
    let hierarchy = parts.next()?;
    let controllers = parts.next()?;
    let path = parts.next()?;
    if hierarchy.is_empty() || !hierarchy.iter().all(u8::is_ascii_digit) || path.first() != Some(&b'/') {
        return None;
    }
    Some(CgroupLine { hierarchy, controllers, path })
}

/// The non-empty segments of a cgroup path, with the byte offset where each ends.
pub fn segments(path: &[u8]) -> impl Iterator<Item = (&[u8], usize)> {
    let mut start = 0;
    path.split(|&b| b == b'/').filter_map(move |segment| {
        let end = start + segment.len();
        start = end + 1;
        (!segment.is_empty()).then_some((segment, end))
    })
}

/// Whether any line of a cgroup file puts the process at or below `cgroup`.
pub fn file_is_within(content: &[u8], cgroup: &str) -> bool {
    lines(content).any(|line| {
        line.path.strip_prefix(cgroup.as_bytes()).is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_the_first_two_colons_only() {
        let parsed: Vec<_> = lines(b"0::/a:b:c\n").collect();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].hierarchy, b"0");
        assert_eq!(parsed[0].controllers, b"");
        assert_eq!(parsed[0].path, b"/a:b:c");
    }

    #[test]
    fn skips_garbage_and_keeps_good_lines() {
        let content =
            b"garbage\n\n12:cpu\nx:cpu:/nope\n3:cpu,cpuacct:relative\n4:memory:/docker/x\n\xff\xfe:\x00:/\n";
        let parsed: Vec<_> = lines(content).map(|l| l.path).collect();
        assert_eq!(parsed, vec![&b"/docker/x"[..]]);
    }

    #[test]
    fn within_means_at_or_below_on_any_line() {
        assert!(file_is_within(b"4:memory:/docker/abc\n0::/\n", "/docker/abc"));
        assert!(file_is_within(b"0::/docker/abc/sub\n", "/docker/abc"));
        assert!(!file_is_within(b"0::/docker/abcd\n", "/docker/abc"));
        assert!(!file_is_within(b"0::/\n", "/docker/abc"));
    }

    #[test]
    fn segments_carry_their_end_offsets() {
        let path = b"/docker//abc/";
        let got: Vec<_> = segments(path).collect();
        assert_eq!(got, vec![(&b"docker"[..], 7), (&b"abc"[..], 12)]);
        assert_eq!(&path[..12], b"/docker//abc");
    }
}
