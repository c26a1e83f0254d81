//! The handoff document: one model for every command and hook.
//!
//! [`outline`] splits a text into sections and blocks and decides which headings are the parts;
//! [`roles`] is the one table of what a section is for (its title's aliases and its packing
//! rank); [`items`] takes list items and entry times apart; [`pack`] keeps the most important
//! parts within a budget, the newest entries of a section it must cut; [`edit`] is the toolkit's
//! changes (every byte outside the edited section kept); [`view`] the structure for reading;
//! [`context`] the text SessionStart injects; [`fit`] how it fits the budget. All pure; [`file`] reads and changes the file under
//! its lock.
pub(crate) mod context;
pub mod edit;
pub(crate) mod file;
pub mod fit;
pub mod items;
pub mod outline;
pub mod pack;
pub mod roles;
pub mod view;

pub use outline::{normalize_newlines, utf16_len};
