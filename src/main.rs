//! The binary: rewrite argv (docker-enter), parse, run, map every failure to exit code 125 with a one-line `ctenter: ...`.

use clap::Parser;

use ctenter::{argv, cli::Cli, commands, config, exit};

fn main() {
    std::process::exit(run());
}

fn run() -> i32 {
    let cli = match Cli::try_parse_from(argv::rewrite(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { exit::FAILURE } else { 0 };
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
