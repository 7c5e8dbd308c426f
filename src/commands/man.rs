//! `ctenter man [SUBCOMMAND]`: ctenter(1) or ctenter-SUBCOMMAND(1) as roff, from the clap
//! definition (the same text as --help).

use clap::CommandFactory;

use crate::cli::Cli;

/// ctenter(1) and ctenter-enter(1) say what the exit codes mean (README "Exit codes"); clap has
/// no section for it, so it goes in after the options.
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success (\fBls\fR, \fBpid\fR and the others).
.TP
\fBthe command's\fR
\fBenter\fR returns the status of the command it ran.
.TP
\fB125\fR
ctenter itself failed: bad option, no such container, ambiguous prefix, no permission, container stopped or restarted, a namespace that could not be joined.
.TP
\fB126\fR
The command was found but could not be executed.
.TP
\fB127\fR
The command was not found.
.TP
\fB128+N\fR
The command was killed by signal N.
.SH "SEE ALSO"
\fBdocker\-enter\fR: ctenter invoked through a link of that name takes \fBdocker\-enter CONTAINER [CMD [ARG...]]\fR, as \fBctenter enter CONTAINER \-\- [CMD [ARG...]]\fR.
\fBnsenter\fR(1), \fBdocker\-exec\fR(1).
"#;

pub fn run(subcommand: Option<&str>) -> anyhow::Result<i32> {
    let cmd = page_command(subcommand)?;
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    // clap's `help` lists `help <SUBCOMMAND>` forms, which have no pages of their own.
    if cmd.has_subcommands() && subcommand != Some("help") {
        man.render_subcommands_section(&mut out)?;
    }
    if matches!(subcommand, None | Some("enter")) {
        out.extend_from_slice(EXIT_STATUS.as_bytes());
    }
    // clap_mangen unwraps the version: `help` has none.
    if cmd.get_version().is_some() || cmd.get_long_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    super::write_stdout(&out, "the manual page")?;
    Ok(0)
}

/// The command a page is about: ctenter itself, or one subcommand (whose display name after
/// build() is "ctenter-<name>": the page's title and NAME).
fn page_command(subcommand: Option<&str>) -> anyhow::Result<clap::Command> {
    let mut cli = Cli::command();
    cli.build();
    let Some(wanted) = subcommand else { return Ok(cli) };
    let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let Some(sub) = cli.find_subcommand(wanted) else {
        anyhow::bail!("man: no page for {wanted:?} (subcommands: {})", names.join(", "))
    };
    Ok(sub.clone())
}
