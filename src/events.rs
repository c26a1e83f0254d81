//! The hook events Claude Code knows (2.1.328 and 2.1.332, read from each version's bundle), and
//! which values a matcher is tested against, so `doctor` can flag a hook that never runs (pure).

/// Every hook event of 2.1.328, in the client's order; 2.1.332 adds [`ADDED_IN_2_1_332`].
pub(crate) const EVENTS_2_1_328: [&str; 33] = [
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
    "PermissionRequest",
    "PermissionDenied",
    "Setup",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "Elicitation",
    "ElicitationResult",
    "ConfigChange",
    "WorktreeCreate",
    "WorktreeRemove",
    "InstructionsLoaded",
    "CwdChanged",
    "FileChanged",
    "DirectoryAdded",
    "MessageDisplay",
];

/// The events 2.1.332 added (gating a skill's embedded shell command).
pub(crate) const ADDED_IN_2_1_332: [&str; 1] = ["PreSkillShellCommand"];

/// Whether a supported version of Claude Code fires `event`.
pub(crate) fn is_known(event: &str) -> bool {
    EVENTS_2_1_328.contains(&event) || ADDED_IN_2_1_332.contains(&event)
}

/// The values a matcher of `event` is tested against, for the events we register whose set is
/// closed; `None` where anything goes (or the matcher is ignored).
pub(crate) fn matcher_values(event: &str) -> Option<&'static [&'static str]> {
    match event {
        "SessionStart" => Some(&["startup", "resume", "clear", "compact", "fork"]),
        "PreCompact" | "PostCompact" => Some(&["manual", "auto"]),
        "SessionEnd" => Some(&["clear", "resume", "logout", "prompt_input_exit", "other"]),
        _ => None,
    }
}

/// What is wrong with running a hook of `event` under `matcher`: an event no supported version
/// fires, or a matcher that names none of the event's values (so the hook never runs) or leaves
/// out some the handoff needs. Regular expressions (anything beyond names and `|`/`,`) aren't
/// judged.
pub(crate) fn problem(event: &str, matcher: Option<&str>) -> Option<String> {
    if !is_known(event) {
        return Some(format!(
            "{event} is not a hook event of Claude Code 2.1.328 or 2.1.332, so this hook never runs"
        ));
    }
    let matcher = matcher
        .map(str::trim)
        .filter(|m| !m.is_empty() && *m != "*")?;
    let values = matcher_values(event)?;
    let simple = matcher
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | ',' | '|'));
    if !simple {
        return None;
    }
    let named: Vec<&str> = matcher
        .split(['|', ','])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let hits: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| named.contains(v))
        .collect();
    let list = values.join(", ");
    if hits.is_empty() {
        return Some(format!(
            "{event} under matcher \"{matcher}\" never runs: it matches none of {list}; \
             remove the matcher"
        ));
    }
    let needed: &[&str] = match event {
        "SessionStart" => &["startup", "resume", "clear", "compact"],
        "PreCompact" => &["manual", "auto"],
        _ => &[],
    };
    let missed: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|v| !hits.contains(v))
        .collect();
    (!missed.is_empty()).then(|| {
        format!(
            "{event} under matcher \"{matcher}\" never runs on {}; remove the matcher",
            missed.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_both_versions_events() {
        assert_eq!(EVENTS_2_1_328.len() + ADDED_IN_2_1_332.len(), 34);
        for e in [
            "SessionStart",
            "Stop",
            "PreSkillShellCommand",
            "MessageDisplay",
        ] {
            assert!(is_known(e), "{e}");
        }
        for e in ["sessionstart", "SessionStarts", "", "PostSkillShellCommand"] {
            assert!(!is_known(e), "{e}");
        }
    }

    #[test]
    fn flags_matchers_that_never_match() {
        let cases: [(&str, Option<&str>, Option<&str>); 14] = [
            ("SessionStart", None, None),
            ("SessionStart", Some(""), None),
            ("SessionStart", Some("*"), None),
            ("SessionStart", Some("startup|resume|clear|compact"), None),
            (
                "SessionStart",
                Some("startup, resume,clear , compact,fork"),
                None,
            ),
            (
                "SessionStart",
                Some("Startup"),
                Some("never runs: it matches none"),
            ),
            ("SessionStart", Some("start.*"), None),
            (
                "SessionStart",
                Some("startup"),
                Some("never runs on resume, clear, compact"),
            ),
            ("PreCompact", Some("manual"), Some("never runs on auto")),
            ("PreCompact", Some("auto|manual"), None),
            (
                "SessionEnd",
                Some("exit"),
                Some("never runs: it matches none"),
            ),
            ("SessionEnd", Some("other"), None),
            ("Stop", Some("anything"), None),
            ("Sessionstart", None, Some("is not a hook event")),
        ];
        for (event, matcher, want) in cases {
            let got = problem(event, matcher);
            match want {
                None => assert_eq!(got, None, "{event} {matcher:?}"),
                Some(part) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(part)),
                    "{event} {matcher:?}: {got:?}"
                ),
            }
        }
    }
}
