//! Integration tests: every module here runs the real `handoff` binary.
//!
//! One test binary so the crate links once. `support` holds the builder that runs the binary in a
//! throwaway HOME and project. Snapshots live in `snapshots/` beside each module; review changes with
//! `cargo insta review`.

mod support;

mod cli;
mod corpus;
mod doctor;
mod init;
mod install;
mod install_sh;
mod plugin;
