//! Who the command runs as: `-u` or the container's configured user, looked up in the container's
//! own `/etc/passwd` and `/etc/group`, read as data inside the container (never NSS, never a
//! host path). Parsing is pure; `read_container_file` is the only I/O.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;

/// `/etc/passwd` and `/etc/group` are small; a bigger (or endless) one is cut here.
const ACCOUNT_FILE_LIMIT: u64 = 4 << 20;

/// `user[:group]`, each a name or a number, as `docker exec -u` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    pub user: String,
    pub group: Option<String>,
}

impl UserSpec {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (user, group) = match spec.split_once(':') {
            Some((user, group)) => (user, Some(group)),
            None => (spec, None),
        };
        if user.is_empty() || group.is_some_and(str::is_empty) {
            return Err(format!("user {spec:?}: expected user[:group], each a name or a number"));
        }
        Ok(Self { user: user.to_string(), group: group.map(str::to_string) })
    }
}

/// The identity the command gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups: the container's, never the host's.
    pub groups: Vec<u32>,
    /// HOME when the environment has none: the passwd entry's, else `/`.
    pub home: String,
    /// The passwd entry's login shell, when it has one.
    pub shell: Option<String>,
}

struct PasswdEntry<'a> {
    name: &'a str,
    uid: u32,
    gid: u32,
    home: &'a str,
    shell: &'a str,
}

fn passwd_entries(passwd: &str) -> impl Iterator<Item = PasswdEntry<'_>> {
    passwd.lines().filter_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 7).then_some(())?;
        Some(PasswdEntry {
            name: f[0],
            uid: f[2].parse().ok()?,
            gid: f[3].parse().ok()?,
            home: f[5],
            shell: f[6],
        })
    })
}

/// (name, gid, members) of each well-formed `/etc/group` line.
fn group_entries(group: &str) -> impl Iterator<Item = (&str, u32, Vec<&str>)> {
    group.lines().filter_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 4).then_some(())?;
        Some((f[0], f[2].parse().ok()?, f[3].split(',').filter(|m| !m.is_empty()).collect()))
    })
}

fn is_id(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Pure: resolves a spec against the container's passwd and group files (as `docker exec`
/// and runc's `GetExecUser` do). Digits are always IDs; an ID with no entry is still valid
/// (group 0, HOME `/`); a name with no entry is an error.
pub fn resolve(spec: &UserSpec, passwd: &[u8], group: &[u8]) -> Result<Credentials, String> {
    let passwd = String::from_utf8_lossy(passwd);
    let group = String::from_utf8_lossy(group);
    let entry = if is_id(&spec.user) {
        let uid: u32 = spec.user.parse().map_err(|_| format!("user {}: not a valid uid", spec.user))?;
        passwd_entries(&passwd).find(|e| e.uid == uid)
    } else {
        Some(
            passwd_entries(&passwd)
                .find(|e| e.name == spec.user)
                .ok_or_else(|| format!("user {}: no such user in the container's /etc/passwd", spec.user))?,
        )
    };
    let uid = match &entry {
        Some(e) => e.uid,
        None => spec.user.parse().map_err(|_| format!("user {}: not a valid uid", spec.user))?,
    };
    let mut gid = entry.as_ref().map_or(0, |e| e.gid);
    let mut groups: Vec<u32> = Vec::new();
    if let Some(name) = entry.as_ref().map(|e| e.name) {
        groups.extend(
            group_entries(&group).filter(|(_, _, members)| members.contains(&name)).map(|(_, g, _)| g),
        );
    }
    if let Some(wanted) = &spec.group {
        gid = if is_id(wanted) {
            wanted.parse().map_err(|_| format!("group {wanted}: not a valid gid"))?
        } else {
            group_entries(&group)
                .find(|(name, _, _)| name == wanted)
                .map(|(_, g, _)| g)
                .ok_or_else(|| format!("group {wanted}: no such group in the container's /etc/group"))?
        };
        // An explicit group replaces the user's supplementary groups, as in docker.
        groups.clear();
    }
    if !groups.contains(&gid) {
        groups.insert(0, gid);
    }
    let home = entry.as_ref().map_or("/", |e| if e.home.is_empty() { "/" } else { e.home }).to_string();
    let shell = entry.map(|e| e.shell).filter(|shell| !shell.is_empty()).map(str::to_string);
    Ok(Credentials { uid, gid, groups, home, shell })
}

/// Reads a file of the container after its mount namespace was joined, so the path resolves
/// inside it (an absolute symlink there points into the container, not the host). Missing or
/// unreadable is empty: numeric IDs need no files. O_NONBLOCK: a FIFO must not hang the entry.
pub fn read_container_file(path: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Ok(file) = std::fs::File::options().read(true).custom_flags(libc::O_NONBLOCK).open(path) {
        let _ = file.take(ACCOUNT_FILE_LIMIT).read_to_end(&mut bytes);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nweb:x:1000:1000::/srv/web:/bin/sh\nbroken line\n";
    const GROUP: &[u8] = b"root:x:0:\nwww:x:33:web,other\nadm:x:4:web\nnogroup:x:65534:\n";

    fn creds(spec: &str) -> Result<Credentials, String> {
        resolve(&UserSpec::parse(spec)?, PASSWD, GROUP)
    }

    #[test]
    fn names_and_ids() {
        let web = creds("web").unwrap();
        assert_eq!(
            (web.uid, web.gid, web.groups, web.home.as_str()),
            (1000, 1000, vec![1000, 33, 4], "/srv/web")
        );
        assert_eq!(creds("1000").unwrap().uid, 1000);
        let nobody = creds("65534").unwrap();
        assert_eq!((nobody.gid, nobody.home.as_str()), (65534, "/nonexistent"));
        let unknown = creds("4242").unwrap();
        assert_eq!(
            (unknown.uid, unknown.gid, unknown.groups, unknown.home.as_str()),
            (4242, 0, vec![0], "/")
        );
        assert_eq!(
            (creds("web").unwrap().shell, nobody.shell, unknown.shell),
            (Some("/bin/sh".to_string()), Some("/bin/false".to_string()), None)
        );
    }

    #[test]
    fn explicit_groups_replace_supplementary_ones() {
        let web = creds("web:www").unwrap();
        assert_eq!((web.gid, web.groups), (33, vec![33]));
        assert_eq!(creds("0:4242").unwrap().groups, vec![4242]);
    }

    #[test]
    fn bad_specs_and_unknown_names_are_errors() {
        assert!(creds("ghost").unwrap_err().contains("no such user"));
        assert!(creds("web:ghosts").unwrap_err().contains("no such group"));
        assert!(UserSpec::parse("").is_err());
        assert!(UserSpec::parse("web:").is_err());
        assert!(creds("99999999999").unwrap_err().contains("not a valid uid"));
    }

    #[test]
    fn garbage_files_never_panic() {
        let spec = UserSpec::parse("0").unwrap();
        assert_eq!(resolve(&spec, b"\xff\xfe::::::\n:", b"::::\n").unwrap().uid, 0);
    }
}
