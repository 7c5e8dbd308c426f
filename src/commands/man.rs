//! `ctenter man [SUBCOMMAND]`: ctenter(1) or ctenter-SUBCOMMAND(1) as roff, from the clap
//! definition (the same text as --help).

use clap::CommandFactory;

use crate::cli::Cli;

pub fn run(subcommand: Option<&str>) -> anyhow::Result<i32> {
    let mut out = Vec::new();
    page(subcommand)?.render(&mut out)?;
    super::write_stdout(&out, "the manual page")?;
    Ok(0)
}

fn page(subcommand: Option<&str>) -> anyhow::Result<clap_mangen::Man> {
    let mut cli = Cli::command();
    cli.build();
    let Some(wanted) = subcommand else { return Ok(clap_mangen::Man::new(cli)) };
    let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let Some(sub) = cli.find_subcommand(wanted) else {
        anyhow::bail!("man: no page for {wanted:?} (subcommands: {})", names.join(", "))
    };
    // After build(), a subcommand's display name is "ctenter-<name>": the page's title and NAME.
    Ok(clap_mangen::Man::new(sub.clone()))
}
