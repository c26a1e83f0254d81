//! How a handoff fits its budget, said the same way by `check` and `doctor`: a memory that grows
//! past the budget is the intended use (the newest entries and top priorities are kept), so only
//! the always-kept parts outgrowing it call for trimming.
use super::roles::Role;
use super::{utf16_len, view};

/// Roles whose sections are kept whole first: the queue, what failed, where things stand.
const KEPT: [Role; 3] = [Role::Next, Role::Failed, Role::State];

/// A handoff's size against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// The whole text, in UTF-16 units.
    pub units: usize,
    pub budget: usize,
    /// The always-kept sections (next, failed, state), in UTF-16 units.
    pub kept: usize,
}

impl Fit {
    /// Measure `text` against `budget`.
    pub fn of(text: &str, budget: usize) -> Self {
        let kept = view::structure(text)
            .sections
            .iter()
            .filter(|s| s.role.is_some_and(|r| KEPT.contains(&r)))
            .map(|s| utf16_len(&s.text))
            .sum();
        Self {
            units: utf16_len(text),
            budget,
            kept,
        }
    }

    /// Whether the always-kept parts alone exceed the budget: the one case to trim.
    pub fn must_trim(self) -> bool {
        self.kept > self.budget
    }

    /// One clause on what a session start leaves out, or `None` when everything fits.
    pub fn note(self) -> Option<String> {
        if self.units <= self.budget {
            return None;
        }
        let over = self.units - self.budget;
        if self.must_trim() {
            return Some(format!(
                "over the budget of {}, and What's Next, What Failed and Current State alone take {}; trim those, or sessions start without part of them",
                self.budget, self.kept
            ));
        }
        Some(format!(
            "over the budget of {} by {over}: sessions start without about {over} units of older entries and lower-priority sections, keeping the newest entries and top priorities",
            self.budget
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_always_kept_parts_call_for_trimming() {
        let log = format!(
            "# H\n\n## What's Next\n\n- a\n\n## Build Log\n\n{}",
            "- x\n".repeat(50)
        );
        for (text, budget, trim, note) in [
            (log.as_str(), 10_000, false, None),
            (log.as_str(), 100, false, Some("by ")),
            (log.as_str(), 2, true, Some("trim those")),
        ] {
            let fit = Fit::of(text, budget);
            assert_eq!(fit.must_trim(), trim, "{budget}");
            match (fit.note(), note) {
                (None, None) => {}
                (Some(n), Some(want)) => assert!(n.contains(want), "{n}"),
                (got, want) => panic!("{budget}: {got:?} vs {want:?}"),
            }
        }
    }
}
