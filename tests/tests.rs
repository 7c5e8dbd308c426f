//! The integration tests, one binary: `mod` per area. The dockerd-freezing test has its own
//! binary (tests/frozen_dockerd.rs) so nothing else talks to Docker while it is stopped.

mod util;

mod capture;
mod cli;
mod corpus;
mod docker_enter;
mod fixtures;
mod generated;
mod live;
mod package;
mod runtimes;
mod security;
mod static_build;
