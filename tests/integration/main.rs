//! Integration tests: every module here runs the real `handoff` binary.
//!
//! One test binary so the crate links once. `support` holds the builder that runs the binary in a
//! throwaway HOME, state folder and project, with the clock pinned (`HANDOFF_NOW`). Snapshots live
//! in `snapshots/`; after a deliberate change, review them with `cargo insta review`.
#![allow(clippy::disallowed_methods)] // tests set up their fixtures with plain std calls
#![allow(unreachable_pub)] // a test crate has no public API

mod checkpoint;
mod cli;
mod confined;
mod corpus;
mod digest;
mod doctor;
mod errors;
mod fleet;
mod fleet_hooks;
mod forgery;
mod fuzz;
mod hook;
mod hook_flows;
mod init;
mod inspect;
mod install;
mod install_sh;
mod interrupted;
mod newest;
mod overview;
mod plugin;
mod postmortem;
mod queue;
mod robustness;
mod root;
mod settings_corpus;
mod support;
mod tasks;
