//! `init --template pipeline`: the folders, queue files and config of a pipeline of sessions.
use std::path::Path;

use super::FleetError;
use crate::confine::{self, Named};
use crate::templates::PIPELINE_FILES;

/// Create each pipeline file that is missing, never replacing one; a line per file saying which.
pub(crate) fn lay_out(root: &Path) -> Result<Vec<String>, FleetError> {
    let mut lines = Vec::new();
    for (rel, text) in PIPELINE_FILES {
        let named = if *rel == crate::config::CONFIG_PATH {
            Named::Config
        } else {
            Named::Fleet
        };
        let path = confine::file(root, Path::new(rel), named)?;
        if crate::fs_atomic::create_new(&path, text.as_bytes())? {
            lines.push(format!("Wrote {rel}."));
        } else {
            lines.push(format!("{rel} already exists; left as it is."));
        }
    }
    Ok(lines)
}
