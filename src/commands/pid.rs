//! `ctenter pid <CONTAINER>`: print the init pid.

use crate::config::Config;

pub fn run(config: &Config, container: &str) -> anyhow::Result<i32> {
    let found = super::scan(config)?.resolve(container)?;
    println!("{}", found.init.pid);
    Ok(0)
}
