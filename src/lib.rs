//! ctenter: enter a running Linux container without asking its daemon.
#![deny(unsafe_code)]

pub mod argv;
pub mod capture;
pub mod cli;
pub mod commands;
pub mod config;
pub mod enter;
pub mod exit;
pub mod namespace;
pub mod procroot;
pub mod resolver;
pub mod state;
pub mod sys;
pub mod time;
