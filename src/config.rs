//! From the parsed command line to a validated `Config`; no I/O here, so every rule is testable.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::capture::CaptureOptions;
use crate::cli::{Cli, CliCommand, EnvFromArg, JoinViaArg, ShellArg};
use crate::enter::user::UserSpec;
use crate::enter::{EnterOptions, EnvFrom, TtyMode, env};
use crate::namespace::{self, NsKind, join::JoinVia};
use crate::procroot::ProcRoot;
use crate::state::StateRoot;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub proc_root: ProcRoot,
    pub state_root: StateRoot,
    pub command: Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Ls(LsOptions),
    Pid {
        container: String,
        explain: bool,
        json: bool,
    },
    Enter(EnterOptions),
    Capture(CaptureOptions),
    Completions(clap_complete::Shell),
    /// `None`: ctenter(1); else the page of that subcommand.
    Man(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LsOptions {
    pub json: bool,
    pub no_trunc: bool,
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("--ns: unknown namespace {name:?} (known: {known})")]
    UnknownNamespace { name: String, known: String },
    #[error("--ns: the list is empty (known: {0})")]
    EmptyNamespaces(String),
    #[error("--workdir {0:?}: must be an absolute path inside the container")]
    RelativeWorkdir(OsString),
    #[error("--env: {0}")]
    Env(String),
    #[error("the command to run is an empty string")]
    EmptyCommand,
    #[error("--user: {0}")]
    User(String),
}

/// `caller_env` looks up the caller's variables for `-e KEY` (the only way one reaches inside).
pub fn from_cli(cli: Cli, caller_env: impl Fn(&OsStr) -> Option<OsString>) -> Result<Config, ConfigError> {
    let command = match cli.command {
        CliCommand::Ls(args) => {
            Command::Ls(LsOptions { json: args.json, no_trunc: args.no_trunc, quiet: args.quiet })
        }
        CliCommand::Pid(args) => {
            Command::Pid { container: args.container, explain: args.explain, json: args.json }
        }
        CliCommand::Capture(args) => Command::Capture(CaptureOptions {
            containers: if args.all { None } else { Some(args.containers) },
            output: args.output,
            redact: args.redact,
        }),
        CliCommand::Completions(args) => Command::Completions(match args.shell {
            ShellArg::Bash => clap_complete::Shell::Bash,
            ShellArg::Zsh => clap_complete::Shell::Zsh,
            ShellArg::Fish => clap_complete::Shell::Fish,
        }),
        CliCommand::Man(args) => Command::Man(args.subcommand),
        CliCommand::Enter(args) => {
            let namespaces = args.namespaces.as_deref().map(parse_namespaces).transpose()?;
            // As docker exec: an empty -w or -u means "not given" (scripts pass "$WORKDIR").
            let workdir = args.workdir.filter(|dir| !dir.is_empty());
            let user = args.user.filter(|user| !user.is_empty());
            if let Some(dir) = &workdir
                && dir.as_bytes().first() != Some(&b'/')
            {
                return Err(ConfigError::RelativeWorkdir(dir.clone()));
            }
            if args.command.first().is_some_and(|name| name.is_empty()) {
                return Err(ConfigError::EmptyCommand);
            }
            let mut env_settings = Vec::new();
            for arg in &args.env {
                if let Some(setting) = env::parse_setting(arg, &caller_env).map_err(ConfigError::Env)? {
                    env_settings.push(setting);
                }
            }
            Command::Enter(EnterOptions {
                container: args.container,
                namespaces,
                workdir,
                env: env_settings,
                env_files: args.env_file,
                env_from: match args.env_from {
                    EnvFromArg::Auto => EnvFrom::Auto,
                    EnvFromArg::Config => EnvFrom::Config,
                    EnvFromArg::Init => EnvFrom::Init,
                },
                user: user.as_deref().map(UserSpec::parse).transpose().map_err(ConfigError::User)?,
                command: args.command,
                join_via: match args.join_via {
                    JoinViaArg::Auto => JoinVia::Auto,
                    JoinViaArg::NsFiles => JoinVia::NsFiles,
                },
                privileged: args.privileged,
                tty: match (args.tty, args.no_tty) {
                    (true, _) => TtyMode::Always,
                    (_, true) => TtyMode::Never,
                    _ => TtyMode::Auto,
                },
            })
        }
    };
    Ok(Config {
        proc_root: ProcRoot::new(cli.proc_root),
        state_root: StateRoot::new(cli.state_root),
        command,
    })
}

fn parse_namespaces(list: &str) -> Result<Vec<&'static NsKind>, ConfigError> {
    let mut kinds: Vec<&'static NsKind> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = namespace::kind_by_name(name).ok_or_else(|| ConfigError::UnknownNamespace {
            name: name.to_string(),
            known: namespace::known_names(),
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(ConfigError::EmptyNamespaces(namespace::known_names()));
    }
    Ok(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str]) -> Result<Config, ConfigError> {
        let cli = Cli::try_parse_from(std::iter::once("ctenter").chain(args.iter().copied()))
            .expect("clap accepts");
        from_cli(cli, |key| (key == "CALLER_VAR").then(|| OsString::from("from-caller")))
    }

    fn enter_options(args: &[&str]) -> EnterOptions {
        match config(args).unwrap().command {
            Command::Enter(options) => options,
            other => panic!("not enter: {other:?}"),
        }
    }

    #[test]
    fn proc_root_is_global_before_or_after_the_subcommand() {
        assert_eq!(config(&["--proc-root", "/x", "ls"]).unwrap().proc_root, ProcRoot::new("/x"));
        assert_eq!(config(&["ls", "--proc-root", "/y"]).unwrap().proc_root, ProcRoot::new("/y"));
        assert_eq!(config(&["pid", "abc"]).unwrap().proc_root, ProcRoot::new("/proc"));
    }

    #[test]
    fn enter_takes_the_command_after_the_container_with_or_without_double_dash() {
        let options = enter_options(&["enter", "-e", "A=1", "abc", "ls", "-l", "--ns", "x"]);
        assert_eq!(options.container, "abc");
        assert_eq!(options.command, vec!["ls", "-l", "--ns", "x"]);
        assert_eq!(options.env, vec![("A".into(), "1".into())]);
        let options = enter_options(&["enter", "abc", "--", "sh", "-c", "exit 3"]);
        assert_eq!(options.command, vec!["sh", "-c", "exit 3"]);
        assert!(enter_options(&["enter", "abc"]).command.is_empty());
        assert_eq!(config(&["enter", "abc", "--", ""]).unwrap_err(), ConfigError::EmptyCommand);
    }

    #[test]
    fn capture_takes_containers_or_all() {
        let Command::Capture(options) = config(&["capture", "ab", "cd", "-o", "/tmp/x"]).unwrap().command
        else {
            panic!("not capture")
        };
        assert_eq!(options.containers, Some(vec!["ab".to_string(), "cd".to_string()]));
        assert_eq!(options.output, std::path::PathBuf::from("/tmp/x"));
        let Command::Capture(options) = config(&["capture", "--all", "-o", "d", "--redact"]).unwrap().command
        else {
            panic!("not capture")
        };
        assert_eq!((options.containers, options.redact), (None, true));
        for bad in [&["capture", "-o", "d"][..], &["capture", "--all", "ab", "-o", "d"], &["capture", "ab"]] {
            assert!(
                Cli::try_parse_from(std::iter::once("ctenter").chain(bad.iter().copied())).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn completions_and_man() {
        assert_eq!(
            config(&["completions", "zsh"]).unwrap().command,
            Command::Completions(clap_complete::Shell::Zsh)
        );
        assert_eq!(config(&["man"]).unwrap().command, Command::Man(None));
        assert_eq!(
            config(&["pid", "--json", "ab"]).unwrap().command,
            Command::Pid { container: "ab".into(), explain: false, json: true }
        );
        assert_eq!(config(&["man", "ls"]).unwrap().command, Command::Man(Some("ls".into())));
    }

    #[test]
    fn namespaces_are_validated() {
        let options = enter_options(&["enter", "--ns", "net,mount,net", "abc"]);
        let names: Vec<_> = options.namespaces.unwrap().iter().map(|k| k.name).collect();
        assert_eq!(names, vec!["net", "mnt"]);
        assert!(
            matches!(config(&["enter", "--ns", "net,bogus", "abc"]), Err(ConfigError::UnknownNamespace { name, .. }) if name == "bogus")
        );
        assert!(matches!(config(&["enter", "--ns", ",", "abc"]), Err(ConfigError::EmptyNamespaces(_))));
    }

    #[test]
    fn user_and_env_sources() {
        let options =
            enter_options(&["enter", "-u", "web:www", "--env-from", "init", "--env-file", "/e", "abc"]);
        assert_eq!(options.user, Some(UserSpec { user: "web".into(), group: Some("www".into()) }));
        assert_eq!(options.env_from, EnvFrom::Init);
        assert_eq!(options.env_files, vec![std::path::PathBuf::from("/e")]);
        assert_eq!(enter_options(&["enter", "abc"]).env_from, EnvFrom::Auto);
        assert!(matches!(config(&["enter", "-u", "web:", "abc"]), Err(ConfigError::User(_))));
    }

    #[test]
    fn workdir_must_be_absolute_and_env_names_non_empty() {
        assert_eq!(config(&["enter", "-w", "tmp", "abc"]), Err(ConfigError::RelativeWorkdir("tmp".into())));
        let unset = enter_options(&["enter", "-w", "", "-u", "", "abc"]);
        assert_eq!((unset.workdir, unset.user), (None, None));
        assert!(matches!(config(&["enter", "-e", "=1", "abc"]), Err(ConfigError::Env(_))));
        let options = enter_options(&["enter", "-e", "CALLER_VAR", "-e", "NOT_SET", "abc"]);
        assert_eq!(options.env, vec![("CALLER_VAR".into(), "from-caller".into())]);
    }
}
