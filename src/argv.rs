//! argv before clap: the `docker-enter` personality (ctenter invoked through a link of that name).

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// The name that turns ctenter into the 2014 docker-enter script (jpetazzo/nsenter).
pub const DOCKER_ENTER: &str = "docker-enter";

/// Rewrites `docker-enter <CONTAINER> [CMD [ARG...]]` into `ctenter enter <CONTAINER> -- [CMD...]`
/// when argv[0]'s basename is `docker-enter`; any other argv is returned unchanged.
///
/// Everything after CONTAINER is the command, as in the script (one leading `--` is dropped, so
/// `docker-enter web -- ls -l` works too). Arguments starting with `-` before CONTAINER are
/// enter's own options, passed through as they are (`docker-enter -u nobody web id`,
/// `docker-enter --help`); then clap finds CONTAINER and the command itself.
pub fn rewrite(argv: Vec<OsString>) -> Vec<OsString> {
    let mut args = argv.into_iter();
    let Some(argv0) = args.next() else { return Vec::new() };
    if Path::new(&argv0).file_name() != Some(OsStr::new(DOCKER_ENTER)) {
        return std::iter::once(argv0).chain(args).collect();
    }
    let rest: Vec<OsString> = args.collect();
    let mut out: Vec<OsString> = vec!["ctenter".into(), "enter".into()];
    match rest.split_first() {
        Some((first, _)) if first.as_encoded_bytes().starts_with(b"-") => out.extend(rest),
        Some((container, command)) => {
            out.push(container.clone());
            let command = match command.split_first() {
                Some((dashes, after)) if dashes == "--" => after,
                _ => command,
            };
            if !command.is_empty() {
                out.push("--".into());
                out.extend(command.iter().cloned());
            }
        }
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(argv: &[&str]) -> Vec<String> {
        rewrite(argv.iter().map(OsString::from).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn ctenter_by_any_other_name_is_untouched() {
        for argv in
            [&["ctenter", "ls"][..], &["/usr/bin/ctenter", "enter", "x"], &["docker-enter-x", "web"], &[]]
        {
            assert_eq!(rewritten(argv), argv);
        }
    }

    #[test]
    fn container_then_command() {
        assert_eq!(rewritten(&["docker-enter", "web"]), ["ctenter", "enter", "web"]);
        assert_eq!(
            rewritten(&["/usr/local/bin/docker-enter", "3f2a", "ls", "-l", "--ns", "x"]),
            ["ctenter", "enter", "3f2a", "--", "ls", "-l", "--ns", "x"]
        );
        assert_eq!(rewritten(&["docker-enter", "web", "--", "ls"]), ["ctenter", "enter", "web", "--", "ls"]);
        assert_eq!(rewritten(&["docker-enter", "web", "--"]), ["ctenter", "enter", "web"]);
        assert_eq!(
            rewritten(&["docker-enter", "web", "--", "--", "x"]),
            ["ctenter", "enter", "web", "--", "--", "x"]
        );
    }

    #[test]
    fn no_arguments_or_leading_options_go_to_enter_as_they_are() {
        assert_eq!(rewritten(&["docker-enter"]), ["ctenter", "enter"]);
        assert_eq!(rewritten(&["docker-enter", "--help"]), ["ctenter", "enter", "--help"]);
        assert_eq!(
            rewritten(&["docker-enter", "-u", "nobody", "web", "id"]),
            ["ctenter", "enter", "-u", "nobody", "web", "id"]
        );
    }
}
