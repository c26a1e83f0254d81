//! The files `handoff` writes, compiled in from `templates/` so the repository holds the one copy.

/// A handoff template, chosen with `handoff init --template`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Template {
    /// Current state, what was done, what failed and why, what's next (P0/P1/P2), key decisions.
    #[default]
    Handoff,
    /// Decisions made, progress markers (COMPLETED / IN_PROGRESS / PENDING), discoveries, next start.
    Memory,
    /// Identity, active session, dated build log, remaining work, decisions table, handoff notes.
    Campaign,
}

impl Template {
    /// The name used on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Template::Handoff => "handoff",
            Template::Memory => "memory",
            Template::Campaign => "campaign",
        }
    }

    /// The template's text, with `{{project}}` and `{{date}}` placeholders.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Template::Handoff => HANDOFF,
            Template::Memory => MEMORY,
            Template::Campaign => CAMPAIGN,
        }
    }
}

/// The default handoff: state, done, failed, next, decisions.
pub(crate) const HANDOFF: &str = include_str!("../templates/handoff.md");
/// A session-memory file: decisions, progress markers, discoveries, next start.
pub(crate) const MEMORY: &str = include_str!("../templates/memory.md");
/// A long-running campaign file with a build log and a decisions table.
pub(crate) const CAMPAIGN: &str = include_str!("../templates/campaign.md");
/// A postmortem: what went wrong, how it was fixed, prevention. Placeholders `{{title}}`, `{{date}}`.
pub(crate) const POSTMORTEM: &str = include_str!("../templates/postmortem.md");
/// The session protocol added to CLAUDE.md; placeholder `{{handoff}}`.
pub(crate) const CLAUDE_MD: &str = include_str!("../templates/claude-md.md");

/// Template text that stands in for real entries: the first real entry in a section replaces it,
/// and queues don't list it. Compared as written, without a final full stop.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "(nothing yet)",
    "(to do)",
    "What works, what is half-done, what is broken right now",
    "the one thing to do first",
    "Decision — why, and what it rules out",
    "Facts about the code, the tools or the domain that took effort to learn",
    "What the next session must know before it touches anything",
    "The check, test or habit that stops it happening again",
];

/// Whether a list item's text (markers removed) is one of the templates' [`PLACEHOLDERS`].
pub(crate) fn is_placeholder(item_text: &str) -> bool {
    let t = item_text.trim().trim_end_matches('.');
    PLACEHOLDERS.contains(&t)
}

/// Replace each `{{name}}` with its value; unknown placeholders stay as they are.
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str) -> Vec<&str> {
        text.lines().filter_map(|l| l.strip_prefix("## ")).collect()
    }

    #[test]
    fn templates_have_a_title_and_their_sections() {
        let cases: &[(&str, &[&str])] = &[
            (
                HANDOFF,
                &[
                    "Last Updated",
                    "Current State",
                    "What Was Done This Session",
                    "What Failed",
                    "What's Next",
                    "Key Decisions",
                ],
            ),
            (
                MEMORY,
                &[
                    "Decisions Made",
                    "Progress Markers",
                    "Key Discoveries",
                    "Next Session Start",
                ],
            ),
            (
                CAMPAIGN,
                &[
                    "Identity",
                    "Active Session",
                    "Build Log",
                    "Remaining Work",
                    "Decisions Log",
                    "Constraints",
                    "Handoff Notes",
                ],
            ),
            (
                POSTMORTEM,
                &[
                    "Summary",
                    "What Went Wrong",
                    "How It Was Fixed",
                    "Prevention",
                ],
            ),
        ];
        for (text, want) in cases {
            assert!(text.starts_with("# "), "{text}");
            assert_eq!(text.lines().filter(|l| l.starts_with("# ")).count(), 1);
            assert_eq!(headings(text), *want);
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
        }
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(
            fill("{{a}} {{b}} {{a}}", &[("a", "1")]),
            "1 {{b}} 1".to_string()
        );
        assert!(!fill(HANDOFF, &[("project", "p"), ("date", "d")]).contains("{{"));
        assert!(!fill(CLAUDE_MD, &[("handoff", "h.md")]).contains("{{"));
    }
}
