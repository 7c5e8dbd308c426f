//! The entered command's environment: built from the container's side only, never the caller's.

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The PATH docker and runc give a container process that has none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An ordered KEY=VALUE list; a later set of a key replaces the earlier value in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Environment {
    /// Parses a `/proc/<pid>/environ` image: NUL-separated `KEY=VALUE` byte strings. Entries
    /// without `=` or with an empty key are dropped; bytes are kept as bytes.
    pub fn from_environ(raw: &[u8]) -> Self {
        let mut env = Self::default();
        for entry in raw.split(|&b| b == 0) {
            if let Some(eq) = entry.iter().position(|&b| b == b'=')
                && eq > 0
            {
                env.set(&entry[..eq], &entry[eq + 1..]);
            }
        }
        env
    }

    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice())
    }

    pub fn set(&mut self, key: &[u8], value: &[u8]) {
        match self.vars.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_vec(),
            None => self.vars.push((key.to_vec(), value.to_vec())),
        }
    }

    pub fn set_default(&mut self, key: &[u8], value: &[u8]) {
        if self.get(key).is_none() {
            self.set(key, value);
        }
    }

    /// `KEY=VALUE` C strings for execve; a NUL can't occur (environ is NUL-split, argv has none).
    pub fn to_cstrings(&self) -> Vec<CString> {
        self.vars
            .iter()
            .filter_map(|(k, v)| CString::new([k.as_slice(), b"=", v.as_slice()].concat()).ok())
            .collect()
    }
}

/// What `enter` runs with: the init's environment, TERM from the caller only when stdin is a
/// terminal, HOME and PATH defaults where the init has none, then the user's `-e` settings.
pub fn build(
    init_environ: &[u8],
    caller_term: Option<&OsStr>,
    overrides: &[(OsString, OsString)],
) -> Environment {
    let mut env = Environment::from_environ(init_environ);
    if let Some(term) = caller_term {
        env.set(b"TERM", term.as_bytes());
    }
    env.set_default(b"HOME", b"/root");
    env.set_default(b"PATH", DEFAULT_PATH.as_bytes());
    for (key, value) in overrides {
        env.set(key.as_bytes(), value.as_bytes());
    }
    env
}

/// Splits one `-e` argument: `KEY=VALUE`, or `KEY` alone to pass the caller's value (as
/// `docker exec -e KEY` does; nothing is passed when the caller has none).
pub fn parse_setting(
    arg: &OsStr,
    caller: impl Fn(&OsStr) -> Option<OsString>,
) -> Result<Option<(OsString, OsString)>, String> {
    let bytes = arg.as_bytes();
    let (key, value) = match bytes.iter().position(|&b| b == b'=') {
        Some(eq) => (&bytes[..eq], Some(&bytes[eq + 1..])),
        None => (bytes, None),
    };
    if key.is_empty() {
        return Err(format!("invalid environment setting {:?}: the variable name is empty", arg));
    }
    let key = OsString::from_vec(key.to_vec());
    Ok(match value {
        Some(value) => Some((key, OsString::from_vec(value.to_vec()))),
        None => caller(&key).map(|value| (key, value)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(env: &Environment) -> Vec<String> {
        env.to_cstrings().into_iter().map(|c| c.into_string().unwrap()).collect()
    }

    #[test]
    fn init_environ_then_defaults_then_overrides() {
        let raw = b"PATH=/bin\0MYVAR=a b\0junk\0=empty\0HOME=/home/app\0";
        let env = build(raw, None, &[("MYVAR".into(), "c".into()), ("NEW".into(), "1=2".into())]);
        assert_eq!(strings(&env), vec!["PATH=/bin", "MYVAR=c", "HOME=/home/app", "NEW=1=2"]);
    }

    #[test]
    fn empty_environ_gets_home_path_and_term() {
        let env = build(b"", Some(OsStr::new("xterm-256color")), &[]);
        assert_eq!(
            strings(&env),
            vec!["TERM=xterm-256color", "HOME=/root", format!("PATH={DEFAULT_PATH}").as_str()]
        );
    }

    #[test]
    fn non_utf8_bytes_are_kept() {
        let env = Environment::from_environ(b"K=\xff\xfe\0");
        assert_eq!(env.get(b"K"), Some(&b"\xff\xfe"[..]));
    }

    #[test]
    fn settings_parse_like_docker() {
        let caller = |k: &OsStr| (k == "FROM_CALLER").then(|| OsString::from("v"));
        assert_eq!(parse_setting(OsStr::new("A=1"), caller), Ok(Some(("A".into(), "1".into()))));
        assert_eq!(parse_setting(OsStr::new("A="), caller), Ok(Some(("A".into(), "".into()))));
        assert_eq!(
            parse_setting(OsStr::new("FROM_CALLER"), caller),
            Ok(Some(("FROM_CALLER".into(), "v".into())))
        );
        assert_eq!(parse_setting(OsStr::new("UNSET"), caller), Ok(None));
        assert!(parse_setting(OsStr::new("=x"), caller).is_err());
    }
}
