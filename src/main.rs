//! The binary: rewrite argv (docker-enter), parse, run, map every failure to exit code 125 with a one-line `ctenter: ...`.

use clap::Parser;

use ctenter::{argv, cli::Cli, commands, config, exit};

fn main() {
    std::process::exit(run());
}

fn run() -> i32 {
    let cli = match Cli::try_parse_from(argv::rewrite(std::env::args_os().collect())) {
        Ok(cli) => cli,
        // `ctenter` alone: the whole help, on stderr, as clap prints it.
        Err(err) if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return exit::FAILURE;
        }
        Err(err) if err.use_stderr() => {
            eprintln!("ctenter: {}", usage_error_line(&err.render().to_string()));
            return exit::FAILURE;
        }
        Err(help_or_version) => {
            let _ = help_or_version.print();
            return 0;
        }
    };
    let result = config::from_cli(cli, |key| std::env::var_os(key))
        .map_err(anyhow::Error::from)
        .and_then(|config| commands::run(&config));
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("ctenter: {}", one_line(&err));
            exit::FAILURE
        }
    }
}

/// The error and its causes on one line. Our error messages already quote their io cause, so a
/// cause whose text is already in the line is not repeated.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// clap's usage error on one line: its message and tips, then the usage, without the blank lines
/// and the "For more information" footer.
fn usage_error_line(rendered: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for line in rendered.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if line.starts_with("For more information") {
            break;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line).to_string());
    }
    parts.join("; ").replace(":;", ":").replace("Usage:", "usage:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_fit_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  <CONTAINER>\n\n\
Usage: ctenter pid <CONTAINER>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "the following required arguments were not provided: <CONTAINER>; usage: ctenter pid <CONTAINER>"
        );
        let rendered = "error: invalid value 'x' for '--env-from <ENV_FROM>'\n  [possible values: auto, config, init]\n\n\
For more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "invalid value 'x' for '--env-from <ENV_FROM>'; [possible values: auto, config, init]"
        );
    }
}
