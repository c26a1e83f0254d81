//! UserPromptSubmit: when the context nears the point where Claude Code compacts, ask the agent to
//! update the handoff now — once each time the threshold is crossed, and only on a prompt a person
//! typed (a loop or schedule wakeup must not take the one warning).
use std::path::Path;

use super::{Ctx, Reply};
use crate::compaction;
use crate::transcript::{self, STANDARD_WINDOW};

/// Answer a UserPromptSubmit event.
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    // A refused handoff (already reported) can't be brought up to date.
    if !typed(&ctx.input.source)
        || ctx.input.transcript_path.is_empty()
        || ctx.project.refused().is_some()
    {
        return None;
    }
    let usage = match transcript::context_usage(Path::new(&ctx.input.transcript_path)) {
        Ok(u) => u?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            ctx.warn(format!("could not read the transcript: {e}"));
            return None;
        }
    };
    let window = window(ctx, usage.model.as_deref(), usage.tokens);
    let (inputs, problem) = compaction::inputs(ctx.env, &ctx.project.root);
    if let Some(problem) = problem {
        ctx.warn(problem);
    }
    let point = compaction::point(window, &inputs);
    let percent = percent(usage.tokens, point);
    let over = over(usage.tokens, point, ctx.project.config.context_warn_percent);
    let mut s = match ctx.load_state() {
        Some(s) => s,
        // Below the threshold with nothing remembered: nothing to say, nothing to save.
        None if !over => return None,
        None => ctx.new_state(false),
    };
    if over == s.context_warned {
        return None;
    }
    s.context_warned = over;
    // Unrecorded, the warning would come back with every prompt: say it only once it is kept.
    let saved = ctx.save_state(&s);
    (over && saved).then(|| {
        Reply::context(
            "UserPromptSubmit",
            format!(
                "[handoff] Context is {percent}% of the way to compaction ({} of the {} tokens at \
                 which Claude Code compacts). Bring {} up to date now — {} — so the work carries over.",
                thousands(usage.tokens),
                thousands(point),
                ctx.project.handoff_display,
                crate::doc::roles::listing(&crate::doc::roles::KEEP_UP)
            ),
        )
    })
}

/// The context window: the config's, else 200K when 1M is disabled, else by model.
fn window(ctx: &Ctx<'_>, model: Option<&str>, tokens: u64) -> u64 {
    if let Some(w) = ctx.project.config.context_window {
        return w;
    }
    if ctx.env.flag("CLAUDE_CODE_DISABLE_1M_CONTEXT") {
        return STANDARD_WINDOW;
    }
    transcript::window_for(model, tokens)
}

/// A prompt a person typed: `source` `user`, or none (clients before the field). Wakeups, polls,
/// system and SDK prompts are not.
fn typed(source: &str) -> bool {
    matches!(source, "" | "user")
}

/// Whether `tokens` are at `warn_percent` of the compaction `point` or past it.
fn over(tokens: u64, point: u64, warn_percent: u8) -> bool {
    u128::from(tokens) * 100 >= u128::from(point) * u128::from(warn_percent)
}

/// How much of `window` `tokens` fill, in whole percent (past 100 when over).
fn percent(tokens: u64, window: u64) -> u64 {
    let p = u128::from(tokens) * 100 / u128::from(window.max(1));
    u64::try_from(p).unwrap_or(u64::MAX)
}

/// 170000 → "170,000"
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_typed_it() {
        for (source, want) in [
            ("", true),
            ("user", true),
            ("loop_wakeup", false),
            ("schedule_wakeup", false),
            ("poll_event", false),
            ("system", false),
            ("sdk", false),
            ("something new", false),
        ] {
            assert_eq!(typed(source), want, "{source:?}");
        }
    }

    #[test]
    fn warn_at_a_share_of_the_compaction_point() {
        let auto_200k = compaction::point(200_000, &compaction::Inputs::default());
        let window_100k = compaction::point(
            1_000_000,
            &compaction::Inputs {
                window: Some(100_000),
                ..Default::default()
            },
        );
        for (tokens, point, pct, want) in [
            (133_599, auto_200k, 80, false),
            (133_600, auto_200k, 80, true),
            (85_000, window_100k, 80, true),
            (53_599, window_100k, 80, false),
            (0, 0, 80, true),
            (u64::MAX, 1, 100, true),
        ] {
            assert_eq!(
                over(tokens, point, pct),
                want,
                "{tokens} of {point} at {pct}%"
            );
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(170_000, 200_000), 85);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(transcript::MAX_TOKENS, 1_000), 10_000_000);
        assert_eq!(percent(u64::MAX, 200_000), u64::MAX / 2_000);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
