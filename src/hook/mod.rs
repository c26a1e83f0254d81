//! Hook events: stdin JSON in, at most one JSON reply out.

/// What handling one event produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The JSON reply for stdout, if any.
    pub reply: Option<String>,
    /// Problems to report on stderr.
    pub warnings: Vec<String>,
}

/// Handle one hook event.
pub fn handle(_input: &[u8], _env: &crate::env::Env) -> Outcome {
    Outcome::default()
}
