//! The process environment, passed in rather than read deep inside, so tests never mutate globals.
use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// What `handoff` knows of the outside world: variables, the clock and the working directory.
#[derive(Debug, Clone)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// The current time; `HANDOFF_NOW` (RFC 3339) pins it for reproducible output.
    pub now: DateTime<Utc>,
    /// The current directory.
    pub cwd: PathBuf,
}

impl Env {
    /// Capture the real process environment.
    #[allow(clippy::disallowed_methods)] // the one place that reads the process environment
    pub fn from_process() -> Self {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::new(vars, Utc::now(), cwd)
    }

    /// An environment made of the given parts; `HANDOFF_NOW` in `vars` overrides `now`.
    pub fn new(vars: BTreeMap<String, String>, now: DateTime<Utc>, cwd: PathBuf) -> Self {
        let now = vars
            .get("HANDOFF_NOW")
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map_or(now, |t| t.with_timezone(&Utc));
        Self { vars, now, cwd }
    }

    /// The same environment with one variable set (a command-line option that overrides one).
    #[must_use]
    pub fn with_var(&self, key: &str, value: &str) -> Self {
        let mut env = self.clone();
        env.vars.insert(key.to_string(), value.to_string());
        env
    }

    /// The same environment with one variable removed.
    #[must_use]
    pub fn without_var(&self, key: &str) -> Self {
        let mut env = self.clone();
        env.vars.remove(key);
        env
    }

    /// A variable's value, treating an empty value as unset.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether a variable is set to a true-ish value (`1`, `true`, `yes`, `on`).
    pub fn flag(&self, key: &str) -> bool {
        self.var(key)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
    }

    /// An environment of just these variables, for tests: the clock at the epoch unless
    /// `HANDOFF_NOW` says otherwise, the current directory `cwd`.
    #[cfg(test)]
    pub fn for_test(pairs: &[(&str, &str)], cwd: &str) -> Self {
        let vars = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        Self::new(vars, DateTime::<Utc>::UNIX_EPOCH, PathBuf::from(cwd))
    }

    /// The user's home directory.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .or_else(|| self.var("USERPROFILE"))
            .map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::for_test(pairs, "/")
    }

    #[test]
    fn empty_values_are_unset() {
        assert_eq!(env(&[("A", "")]).var("A"), None);
        assert_eq!(env(&[("A", "x")]).var("A"), Some("x"));
    }

    #[test]
    fn flags() {
        assert!(env(&[("S", "1")]).flag("S"));
        assert!(env(&[("S", "TRUE")]).flag("S"));
        assert!(!env(&[("S", "0")]).flag("S"));
        assert!(!env(&[]).flag("S"));
    }

    #[test]
    fn with_and_without_a_variable() {
        let e = env(&[("A", "1")]);
        assert_eq!(e.with_var("B", "2").var("B"), Some("2"));
        assert_eq!(e.without_var("A").var("A"), None);
        assert_eq!(e.var("A"), Some("1"));
    }

    #[test]
    fn handoff_now_pins_the_clock() {
        let e = env(&[("HANDOFF_NOW", "2026-01-02T03:04:05Z")]);
        assert_eq!(e.now.to_rfc3339(), "2026-01-02T03:04:05+00:00");
    }
}
