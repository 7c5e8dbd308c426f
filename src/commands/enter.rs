//! `ctenter enter`: resolve, then hand over to the entering core.

use anyhow::Context;

use crate::config::Config;
use crate::enter::{self, EnterOptions, env};
use crate::resolver::short_id;

pub fn run(config: &Config, options: &EnterOptions) -> anyhow::Result<i32> {
    // First, before any file is read: what follows runs from a sealed copy (CVE-2019-5736).
    enter::sealed::ensure_sealed()?;
    // --env-file settings come first, so -e overrides them (docker's order).
    let mut from_files = Vec::new();
    for file in &options.env_files {
        let content = std::fs::read(file).with_context(|| format!("--env-file {}", file.display()))?;
        let settings = env::parse_env_file(&content, |key| std::env::var_os(key))
            .map_err(|e| anyhow::anyhow!("--env-file {}: {e}", file.display()))?;
        from_files.extend(settings);
    }
    let options = EnterOptions { env: [from_files, options.env.clone()].concat(), ..options.clone() };
    let found = super::scan(config)?.resolve(&options.container)?;
    enter::run(&config.proc_root, &found, &options)
        .with_context(|| format!("container {}", short_id(&found.container.id)))
}
