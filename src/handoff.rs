//! The handoff document: sections and blocks, packed by priority under a UTF-16 budget. Pure: no I/O.

/// Default section priority, highest first; `*` is every section not named.
pub const DEFAULT_PRIORITY: &[&str] = &[
    "next session start|what's next|next steps|next actions|next up|next|todo|remaining work",
    "what failed|failed|failures|dead ends|what didn't work|blockers|blocked|known issues|pitfalls",
    "current state|state|status|active session|active context|current focus",
    "key decisions|decisions|decisions made|decisions log|decision log|constraints",
    "*",
    "what was done|done|completed|build log|session log|changelog|history",
];
