//! A small builder that runs the real binary with its own HOME, state folder and project.
