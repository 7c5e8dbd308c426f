//! `ctenter completions <bash|zsh|fish>`: the shell completion script, generated from the clap
//! definition so it never lags behind the options.

use clap::CommandFactory;

use crate::cli::Cli;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ctenter", &mut out);
    super::write_stdout(&out, "the completion script")?;
    Ok(0)
}
