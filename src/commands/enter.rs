//! `ctenter enter`: resolve, then hand over to the entering core.

use anyhow::Context;

use crate::config::Config;
use crate::enter::{self, EnterOptions};
use crate::resolver::short_id;

pub fn run(config: &Config, options: &EnterOptions) -> anyhow::Result<i32> {
    let found = super::scan(config)?.resolve(&options.container)?;
    enter::run(&config.proc_root, &found, options)
        .with_context(|| format!("container {}", short_id(&found.container.id)))
}
