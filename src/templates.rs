//! The files `handoff` writes, compiled in from `templates/` so the repository holds the one copy.

/// A handoff template, chosen with `handoff init --template`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Template {
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
    pub fn name(self) -> &'static str {
        match self {
            Template::Handoff => "handoff",
            Template::Memory => "memory",
            Template::Campaign => "campaign",
        }
    }

    /// The template's text, with `{{project}}` and `{{date}}` placeholders.
    pub fn text(self) -> &'static str {
        match self {
            Template::Handoff => HANDOFF,
            Template::Memory => MEMORY,
            Template::Campaign => CAMPAIGN,
        }
    }
}

/// The default handoff: state, done, failed, next, decisions.
pub const HANDOFF: &str = include_str!("../templates/handoff.md");
/// A session-memory file: decisions, progress markers, discoveries, next start.
pub const MEMORY: &str = include_str!("../templates/memory.md");
/// A long-running campaign file with a build log and a decisions table.
pub const CAMPAIGN: &str = include_str!("../templates/campaign.md");
/// A postmortem: what went wrong, how it was fixed, prevention. Placeholders `{{title}}`, `{{date}}`.
pub const POSTMORTEM: &str = include_str!("../templates/postmortem.md");
/// The session protocol added to CLAUDE.md; placeholder `{{handoff}}`.
pub const CLAUDE_MD: &str = include_str!("../templates/claude-md.md");

/// Replace each `{{name}}` with its value; unknown placeholders stay as they are.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
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
