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

/// A NUL-separated environ without the entries of variable `key`.
pub fn without_variable(environ: &[u8], key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(environ.len());
    for entry in environ.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        if entry.strip_prefix(key).is_some_and(|rest| rest.first() == Some(&b'=')) {
            continue;
        }
        out.extend_from_slice(entry);
        out.push(0);
    }
    out
}

/// What `enter` runs with: the configured or the init's environment, TERM from the caller only
/// when stdin is a terminal, a PATH default where it has none, then the user's `-e` settings.
/// HOME, when missing, comes later from the container's passwd entry of the user (`user`).
pub fn build(
    init_environ: &[u8],
    caller_term: Option<&OsStr>,
    overrides: &[(OsString, OsString)],
) -> Environment {
    let mut env = Environment::from_environ(init_environ);
    if let Some(term) = caller_term {
        env.set(b"TERM", term.as_bytes());
    }
    env.set_default(b"PATH", DEFAULT_PATH.as_bytes());
    for (key, value) in overrides {
        env.set(key.as_bytes(), value.as_bytes());
    }
    env
}

/// The settings of an `--env-file`, as docker reads one: a `KEY=VALUE` or `KEY` per line (see
/// `parse_setting`), blank lines and `#` comments skipped, nothing unquoted or trimmed but the
/// line's leading whitespace.
pub fn parse_env_file(
    content: &[u8],
    caller: impl Fn(&OsStr) -> Option<OsString>,
) -> Result<Vec<(OsString, OsString)>, String> {
    let mut settings = Vec::new();
    for (number, line) in content.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = &line[line.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(line.len())..];
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        // As docker's env-file parser: `export X=1` or `X =1` is a mistake, not a variable named
        // "export X" or "X ".
        let key = line.split(|&b| b == b'=').next().unwrap_or_default();
        if key.iter().any(u8::is_ascii_whitespace) {
            return Err(format!(
                "line {}: variable {:?} contains whitespace",
                number + 1,
                String::from_utf8_lossy(key)
            ));
        }
        let setting = parse_setting(OsStr::from_bytes(line), &caller)
            .map_err(|e| format!("line {}: {e}", number + 1))?;
        settings.extend(setting);
    }
    Ok(settings)
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

    #[test]
    fn env_files_as_docker_reads_them() {
        let caller = |key: &OsStr| (key == "FROM_CALLER").then(|| OsString::from("c"));
        let content = b"# comment\n\nA=1\n  B= 2 \r\nFROM_CALLER\nMISSING\nC=\"q\"\n";
        let got = parse_env_file(content, caller).unwrap();
        let want: Vec<(OsString, OsString)> =
            [("A", "1"), ("B", " 2 "), ("FROM_CALLER", "c"), ("C", "\"q\"")]
                .map(|(k, v)| (k.into(), v.into()))
                .into();
        assert_eq!(got, want);
        assert!(parse_env_file(b"ok=1\n=bad\n", caller).unwrap_err().starts_with("line 2:"));
        for bad in [&b"export X=1\n"[..], b"B = 2\n", b"TAB\tX\n"] {
            let err = parse_env_file(bad, caller).unwrap_err();
            assert!(err.starts_with("line 1: variable") && err.ends_with("contains whitespace"), "{err}");
        }
    }

    #[test]
    fn without_variable_drops_only_that_variable() {
        assert_eq!(without_variable(b"HOME=/root\0HOMEDIR=x\0A=1\0", b"HOME"), b"HOMEDIR=x\0A=1\0");
        assert_eq!(without_variable(b"", b"HOME"), b"");
    }

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
    fn empty_environ_gets_path_and_term_and_home_waits_for_the_user() {
        let env = build(b"", Some(OsStr::new("xterm-256color")), &[]);
        assert_eq!(strings(&env), vec!["TERM=xterm-256color", format!("PATH={DEFAULT_PATH}").as_str()]);
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
