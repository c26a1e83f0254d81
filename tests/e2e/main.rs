//! End-to-end tests: the real Claude Code CLI runs whole sessions with `handoff hook` wired to its
//! events, against a stand-in for the Messages API on 127.0.0.1. They assert on the requests the
//! model received, which is the only proof that what `handoff` prints reaches the model.
//!
//! `claude` installs each Claude Code version under test once into a cache outside the repo;
//! `stand_in` is the scripted model; `session` is the builder every test starts from
//! (`E2e::start(client, script)`, inside `on_each_version(|client| …)`). Without npm the tests skip
//! with one line on stderr; `HANDOFF_E2E=require` makes that a failure. When a test fails, its
//! message names the client and holds the CLI's output; `last_request()` is the place to look next.
#![cfg(unix)]

mod claude;
mod compact;
mod context;
mod fleet;
mod harness;
mod plugin;
mod session;
mod session_start;
mod stand_in;
mod stop;
mod toolkit;
