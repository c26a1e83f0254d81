//! Packing: the most important parts of a document within a UTF-16 budget, whole lines only.
//! Sections go by the priority of their role; a section that must be cut keeps its newest
//! entries (by the time they carry, else the last ones of a log), a queue its highest priorities,
//! and the kept blocks stay in file order. Pure.
use std::cmp::Reverse;

use super::items::{entry_time, is_placeholder_block, list_line, priority_of};
use super::outline::{is_sub_heading, utf16_len, Document, Section};
use super::roles::{Priority, Role, MASTHEAD};

/// How a cut section chose what it kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The newest entries: by the time they carry, else the last ones.
    Newest,
    /// The queue's highest priorities, P0 first.
    Priority,
    /// The leading blocks, in file order.
    Leading,
}

/// What packing left out of one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omission {
    /// The section's title (or "preamble").
    pub title: String,
    /// Entries kept.
    pub kept: usize,
    /// Entries in the section.
    pub total: usize,
    /// How the kept ones were chosen.
    pub cut: Cut,
    /// The oldest and newest time ([`entry_time`]) among the entries left out, when they carry one.
    pub dates: Option<(u64, u64)>,
}

/// The result of packing a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// The kept text, in document order.
    pub text: String,
    /// Length of `text` in UTF-16 units.
    pub units: usize,
    /// Sections cut or dropped, in document order.
    pub omitted: Vec<Omission>,
}

/// How one section is cut, worked out once per document.
#[derive(Debug, Clone)]
struct Plan {
    cut: Cut,
    /// Blocks before the first entry (blank lines, an intro, a table's header): kept first.
    lead: usize,
    /// Entry blocks, the one to keep first first.
    order: Vec<usize>,
    /// Per block: the sub-heading it sits under, kept along with it.
    head: Vec<Option<usize>>,
    /// Per block: its time, or the time of the entry or dated sub-heading above it.
    time: Vec<Option<u64>>,
    /// Per block: whether it counts as an entry (not blank, not a sub-heading; but a dated
    /// sub-heading in a log is one entry with everything under it).
    entry: Vec<bool>,
    /// Per block: the end of the blocks kept or dropped with it (a dated sub-heading's body).
    end: Vec<usize>,
    /// Per block: one of the templates' placeholders, which is never counted as left out.
    placeholder: Vec<bool>,
    /// The section holds entries, all of them placeholders.
    placeholders_only: bool,
}

impl Plan {
    fn of(s: &Section<'_>) -> Self {
        let n = s.blocks.len();
        let is_entry_like = |b: &str| {
            list_line(b).is_some() || is_sub_heading(b) || (b.starts_with('|') && !is_table_head(b))
        };
        let lead = s.blocks.iter().position(|b| is_entry_like(b)).unwrap_or(n);
        let mut head = vec![None; n];
        let mut time = vec![None; n];
        let mut entry = vec![false; n];
        let mut current_head = None;
        let mut last_time = None;
        for (i, b) in s.blocks.iter().enumerate() {
            let own = entry_time(b);
            if is_sub_heading(b) {
                current_head = Some(i);
                last_time = own.or(last_time);
                time[i] = last_time;
                continue;
            }
            head[i] = current_head;
            entry[i] = !b.trim().is_empty();
            last_time = own.or(last_time);
            time[i] = last_time;
        }
        let dated = s.by_time && time.iter().any(Option::is_some);
        let cut = match s.role {
            Some(Role::Next) if s.by_time => Cut::Priority,
            Some(r) if s.by_time && r.is_log() => Cut::Newest,
            _ if dated => Cut::Newest,
            _ => Cut::Leading,
        };
        let mut end: Vec<usize> = (1..=n).collect();
        if cut == Cut::Newest {
            // A dated sub-heading and its body are one entry of a log: kept or left out whole.
            let mut i = lead;
            while i < n {
                if is_sub_heading(s.blocks[i]) && entry_time(s.blocks[i]).is_some() {
                    let stop = (i + 1..n)
                        .find(|&j| is_sub_heading(s.blocks[j]))
                        .unwrap_or(n);
                    entry[i] = true;
                    for e in &mut entry[i + 1..stop] {
                        *e = false;
                    }
                    end[i] = stop;
                    i = stop;
                } else {
                    i += 1;
                }
            }
        }
        let mut order: Vec<usize> = (lead..n).filter(|&i| entry[i]).collect();
        match cut {
            // Newest first; on the same time (or none), the later one: logs grow at the end.
            Cut::Newest => order.sort_by_key(|&i| (Reverse(time[i]), Reverse(i))),
            Cut::Priority => {
                order.sort_by_key(|&i| (priority_of(s.blocks[i]).unwrap_or(u8::MAX), i));
            }
            Cut::Leading => {}
        }
        let placeholder: Vec<bool> = s
            .blocks
            .iter()
            .zip(&entry)
            .map(|(b, &e)| e && is_placeholder_block(b))
            .collect();
        let placeholders_only =
            entry.iter().any(|&e| e) && entry.iter().zip(&placeholder).all(|(&e, &p)| !e || p);
        Self {
            cut,
            lead,
            order,
            head,
            time,
            entry,
            end,
            placeholder,
            placeholders_only,
        }
    }
}

/// Whether a block is a table's header row over its `|---|` separator.
fn is_table_head(block: &str) -> bool {
    let mut lines = block.lines();
    lines.next();
    lines.next().is_some_and(|sep| {
        let t = sep.trim();
        t.starts_with('|')
            && t.contains('-')
            && t.bytes()
                .all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t'))
    })
}

/// Which blocks of a section are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Keep {
    None,
    All,
    Some(Vec<bool>),
}

/// Packs one document under different budgets; the section order and cuts are worked out once.
#[derive(Debug, Clone)]
pub struct Packer<'d, 'a> {
    doc: &'d Document<'a>,
    /// Section indices, most important first.
    order: Vec<usize>,
    plans: Vec<Plan>,
}

impl<'d, 'a> Packer<'d, 'a> {
    /// Order the sections of `doc` by `priority`. The preamble (title, dates) ranks first.
    pub fn new(doc: &'d Document<'a>, priority: &[String]) -> Self {
        Self::with_ranks(doc, &Self::ranks(doc, priority))
    }

    /// Each section's rank, lower first: 0 for the masthead, else 1 + its group in `priority`.
    pub fn ranks(doc: &Document<'_>, priority: &[String]) -> Vec<usize> {
        let priority = Priority::new(priority);
        doc.sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // The preamble and a lone title heading above the sections are the masthead.
                let masthead = i == 0
                    && (s.heading.is_none()
                        || doc.sections.get(1).is_some_and(|next| next.level > s.level));
                if masthead {
                    MASTHEAD
                } else {
                    priority.rank(&s.title) + 1
                }
            })
            .collect()
    }

    /// Order the sections of `doc` by `ranks` (one per section, lower first; ties keep file order).
    pub fn with_ranks(doc: &'d Document<'a>, ranks: &[usize]) -> Self {
        let mut order: Vec<usize> = (0..doc.sections.len()).collect();
        order.sort_by_key(|&i| (ranks.get(i).copied().unwrap_or(usize::MAX), i));
        let plans = doc.sections.iter().map(Plan::of).collect();
        Self { doc, order, plans }
    }

    /// The blocks of section `i` kept within `left` units besides its heading, and their size.
    fn choose(&self, i: usize, left: usize) -> Option<(Vec<bool>, usize)> {
        let s = &self.doc.sections[i];
        let plan = &self.plans[i];
        let u = &s.block_units;
        let mut keep = vec![false; s.blocks.len()];
        let mut used = 0;
        let mut lead_whole = true;
        for b in 0..plan.lead {
            if used + u[b] > left {
                lead_whole = false;
                break;
            }
            keep[b] = true;
            used += u[b];
        }
        if lead_whole {
            for &b in &plan.order {
                let head = plan.head[b].filter(|&h| !keep[h] && h != b);
                let whole = b..plan.end[b];
                let cost = u[whole.clone()].iter().sum::<usize>() + head.map_or(0, |h| u[h]);
                if used + cost > left {
                    break;
                }
                keep[whole].fill(true);
                if let Some(h) = head {
                    keep[h] = true;
                }
                used += cost;
            }
        }
        // A heading over blank lines alone says nothing.
        let says_something = keep
            .iter()
            .zip(&s.blocks)
            .any(|(&k, b)| k && !b.trim().is_empty());
        says_something.then_some((keep, used))
    }

    /// Keep the most important parts within `budget` UTF-16 units.
    ///
    /// Sections are taken whole in priority order while they fit; one that doesn't fit keeps its
    /// heading, its lead, and as many entries as fit in the order its [`Cut`] gives. The kept
    /// parts are printed in document order.
    pub fn pack(&self, budget: usize) -> Packed {
        let doc = self.doc;
        let n = doc.sections.len();
        let mut kept: Vec<Keep> = vec![Keep::None; n];
        let mut left = budget;
        for &i in &self.order {
            let s = &doc.sections[i];
            // One unit per section for the newline that may separate it from the next.
            let whole = s.units() + 1;
            if whole <= left {
                kept[i] = Keep::All;
                left -= whole;
                continue;
            }
            let heading = s.heading_units() + 1;
            if heading >= left {
                continue;
            }
            if let Some((keep, used)) = self.choose(i, left - heading) {
                kept[i] = Keep::Some(keep);
                left -= heading + used;
            }
        }

        let mut text = String::new();
        // Kept in step with `text` from the measured parts, so the text is never measured again.
        let mut units = 0;
        let newline = |text: &mut String, units: &mut usize| {
            text.push('\n');
            *units += 1;
        };
        let mut omitted = Vec::new();
        for ((s, k), plan) in doc.sections.iter().zip(&kept).zip(&self.plans) {
            if *k != Keep::All {
                // A section whose only content is the template's placeholders loses nothing.
                let o = omission(s, plan, k);
                if o.total > o.kept || (o.total == 0 && !plan.placeholders_only) {
                    omitted.push(o);
                }
            }
            if *k == Keep::None {
                continue;
            }
            if !text.is_empty() && !text.ends_with("\n\n") {
                newline(&mut text, &mut units);
            }
            if let Some(h) = s.heading {
                text.push_str(h);
                units += s.heading_units();
                if !h.ends_with('\n') {
                    newline(&mut text, &mut units);
                }
            }
            for (j, (b, u)) in s.blocks.iter().zip(&s.block_units).enumerate() {
                if let Keep::Some(mask) = k {
                    if !mask[j] {
                        continue;
                    }
                }
                text.push_str(b);
                units += u;
            }
            if !text.ends_with('\n') {
                newline(&mut text, &mut units);
            }
        }
        Packed {
            text,
            units,
            omitted,
        }
    }
}

/// What a section left out: entries kept and in all, and the dates of those left out.
fn omission(s: &Section<'_>, plan: &Plan, k: &Keep) -> Omission {
    let mut kept = 0;
    let mut total = 0;
    let mut dates: Option<(u64, u64)> = None;
    for j in 0..s.blocks.len() {
        if !plan.entry[j] || plan.placeholder[j] {
            continue;
        }
        total += 1;
        let shown = match k {
            Keep::All => true,
            Keep::None => false,
            Keep::Some(mask) => mask[j],
        };
        if shown {
            kept += 1;
        } else if let Some(t) = plan.time[j] {
            dates = Some(dates.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
    }
    Omission {
        title: if s.title.is_empty() {
            "preamble".into()
        } else {
            s.title.clone()
        },
        kept,
        total,
        cut: plan.cut,
        dates,
    }
}

/// Keep the most important parts of `doc` within `budget` UTF-16 units (see [`Packer::pack`]).
pub fn pack(doc: &Document<'_>, budget: usize, priority: &[String]) -> Packed {
    Packer::new(doc, priority).pack(budget)
}

/// Cut `text` to at most `budget` UTF-16 units at a line boundary: the last resort that keeps the
/// hard limit whatever the inputs.
pub fn truncate_lines(text: &str, budget: usize) -> &str {
    if utf16_len(text) <= budget {
        return text;
    }
    let mut used = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let u = utf16_len(line);
        if used + u > budget {
            break;
        }
        used += u;
        end += line.len();
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::super::items::date_of;
    use super::super::outline::parse;
    use super::super::roles::default_priority;
    use super::*;
    use std::fmt::Write as _;

    fn prio() -> Vec<String> {
        default_priority()
    }

    const FULL: &str = "# Handoff\nLast Updated: 2026-11-21\n\n## Current State\nBuilds.\n\n## What Was Done This Session\n- a\n- b\n\n## What Failed\n- x\n\n## What's Next\n- P0 one\n- P1 two\n\n## Key Decisions\n- d\n";

    #[test]
    fn pack_keeps_everything_that_fits() {
        let doc = parse(FULL);
        let packed = pack(&doc, 10_000, &prio());
        assert_eq!(packed.text, FULL);
        assert_eq!(packed.units, utf16_len(FULL));
        assert!(packed.omitted.is_empty());
    }

    #[test]
    fn pack_drops_low_priority_sections_first_and_keeps_order() {
        let doc = parse(FULL);
        let need: usize = [
            "# Handoff\nLast Updated: 2026-11-21\n\n",
            "## What's Next\n- P0 one\n- P1 two\n\n",
            "## What Failed\n- x\n\n",
        ]
        .iter()
        .map(|s| utf16_len(s) + 1)
        .sum();
        let packed = pack(&doc, need, &prio());
        assert_eq!(
            packed.text,
            "# Handoff\nLast Updated: 2026-11-21\n\n## What Failed\n- x\n\n## What's Next\n- P0 one\n- P1 two\n\n"
        );
        let dropped: Vec<_> = packed.omitted.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(
            dropped,
            [
                "Current State",
                "What Was Done This Session",
                "Key Decisions"
            ]
        );
        assert!(utf16_len(&packed.text) <= need);
    }

    #[test]
    fn a_dropped_section_of_placeholders_is_not_named() {
        let text = "## What's Next\n- P0 ship it\n\n## Key Discoveries\n\n- (nothing yet)\n\n## What Failed\n- (nothing yet)\n- the build broke\n";
        let doc = parse(text);
        let budget = utf16_len("## What's Next\n- P0 ship it\n\n") + 1;
        let packed = pack(&doc, budget, &prio());
        assert_eq!(packed.text, "## What's Next\n- P0 ship it\n\n");
        let named: Vec<(&str, usize, usize)> = packed
            .omitted
            .iter()
            .map(|o| (o.title.as_str(), o.kept, o.total))
            .collect();
        assert_eq!(named, [("What Failed", 0, 1)]);
    }

    #[test]
    fn a_dated_sub_heading_goes_whole_with_its_body() {
        let mut text = String::from("# Campaign\n\n## Identity\n\nA tool.\n\n## Build Log\n\n");
        for day in 1..=20 {
            let _ = write!(text, "### 2026-03-{day:02}: session {day}\n\n");
            for b in 1..=5 {
                let _ = writeln!(text, "- day {day} step {b}");
            }
            text.push('\n');
        }
        let doc = parse(&text);
        let budget = utf16_len(&text) / 3;
        let packed = pack(&doc, budget, &prio());
        assert!(packed
            .text
            .starts_with("# Campaign\n\n## Identity\n\nA tool.\n\n## Build Log\n"));
        let first = packed.text.find("### ").expect("a session is kept");
        let shown = &packed.text[first..];
        // Every kept session has all five steps, and the newest ones are kept.
        let sessions = shown.matches("### ").count();
        assert_eq!(shown.matches("- day ").count(), sessions * 5, "{shown}");
        assert!(shown.contains("session 20") && !shown.contains("session 1\n"));
        let o = &packed.omitted[0];
        assert_eq!(o.title, "Build Log");
        assert_eq!((o.total, o.total - o.kept), (20, 20 - sessions));
        let newest_left_out = 20 - sessions;
        assert_eq!(
            o.dates.map(|(a, b)| (date_of(a), date_of(b))),
            Some(("2026-03-01".into(), format!("2026-03-{newest_left_out:02}")))
        );
    }

    #[test]
    fn pack_cuts_between_bullets_never_inside_one() {
        let doc = parse("## What's Next\n- first item\n- second item\n- third item\n");
        let budget = utf16_len("## What's Next\n- first item\n- second item\n") + 1;
        let packed = pack(&doc, budget, &prio());
        assert_eq!(packed.text, "## What's Next\n- first item\n- second item\n");
        assert_eq!(
            packed.omitted,
            [Omission {
                title: "What's Next".into(),
                kept: 2,
                total: 3,
                cut: Cut::Priority,
                dates: None,
            }]
        );
    }

    /// The text kept of `section` when the budget holds its heading and `keep` of its lines.
    #[track_caller]
    fn cut_to(section: &str, keep: &[&str]) -> Packed {
        // Under a title, so a section with sub-headings is still one part.
        let heading = section.lines().next().unwrap();
        let budget =
            5 + 1 + utf16_len(heading) + 2 + keep.iter().map(|l| utf16_len(l) + 1).sum::<usize>();
        let packed = pack(&parse(&format!("# T\n{section}")), budget, &prio());
        let mut want = format!("# T\n\n{heading}\n");
        for l in keep {
            want.push_str(l);
            want.push('\n');
        }
        assert_eq!(packed.text, want);
        packed
    }

    #[test]
    fn a_cut_log_keeps_its_newest_entries_in_file_order() {
        // Oldest first, as checkpoint appends.
        let packed = cut_to(
            "## Decisions Made\n- 2026-10-01 12:00 UTC — a\n- 2026-10-02 12:00 UTC — b\n- 2026-11-20 12:00 UTC — c\n- 2026-11-21 12:00 UTC — d\n",
            &["- 2026-11-20 12:00 UTC — c", "- 2026-11-21 12:00 UTC — d"],
        );
        let o = &packed.omitted[0];
        assert_eq!((o.kept, o.total, o.cut), (2, 4, Cut::Newest));
        assert_eq!(o.dates, Some((202_610_011_200, 202_610_021_200)));
        // Newest first: the same entries stay, where the file has them.
        cut_to(
            "## Decisions Made\n- 2026-11-21 — d\n- 2026-11-20 — c\n- 2026-10-02 — b\n- 2026-10-01 — a\n",
            &["- 2026-11-21 — d", "- 2026-11-20 — c"],
        );
        // Undated, a log grows at the end; a queue goes by priority; other sections by position.
        cut_to("## What Failed\n- a\n- b\n- c\n", &["- b", "- c"]);
        cut_to(
            "## What's Next\n- **P2**: c\n- **P0**: a\n- **P1**: b\n",
            &["- **P0**: a", "- **P1**: b"],
        );
        cut_to("## Current State\n- a\n- b\n- c\n", &["- a", "- b"]);
        // A table's header stays with its newest rows.
        cut_to(
            "## Decisions Log\n| Date | Decision |\n|---|---|\n| 2026-11-21 | new |\n| 2026-10-01 | old |\n",
            &["| Date | Decision |", "|---|---|", "| 2026-11-21 | new |"],
        );
    }

    #[test]
    fn dated_sub_headings_date_what_is_under_them() {
        let oldest_first =
            "## Build Log\n### 2026-11-19\n- a\n### 2026-11-20\n- b\n### 2026-11-21\n- c\n- d\n";
        let packed = cut_to(oldest_first, &["### 2026-11-21", "- c", "- d"]);
        assert_eq!(
            packed.omitted[0].dates,
            Some((202_611_190_000, 202_611_200_000))
        );
        let newest_first =
            "## Build Log\n### 2026-11-21\n- c\n- d\n### 2026-11-20\n- b\n### 2026-11-19\n- a\n";
        cut_to(newest_first, &["### 2026-11-21", "- c", "- d"]);
        // A dated sub-heading is one entry: kept with all of its body, or left out whole.
        let budget = 5 + 1 + utf16_len("## Build Log") + 2 + utf16_len("### 2026-11-21\n- d\n");
        let packed = pack(&parse(&format!("# T\n{newest_first}")), budget, &prio());
        assert_eq!(packed.text, "# T\n");
        assert_eq!((packed.omitted[0].kept, packed.omitted[0].total), (0, 3));
    }

    #[test]
    fn pack_counts_emoji_as_two_units() {
        // 100 emoji = 200 units: must not fit in a budget sized for 100 chars.
        let line = format!("- {}\n", "😀".repeat(100));
        let text = format!("## What's Next\n- short\n{line}");
        let doc = parse(&text);
        let budget = utf16_len("## What's Next\n- short\n") + 1 + 110;
        let packed = pack(&doc, budget, &prio());
        assert_eq!(packed.text, "## What's Next\n- short\n");
        let budget = utf16_len(&text) + 1;
        assert_eq!(pack(&doc, budget, &prio()).text, text);
    }

    #[test]
    fn pack_never_exceeds_the_budget() {
        let mut text = String::from("# T\n");
        for s in 0..30 {
            let _ = writeln!(text, "## Section {s}");
            for b in 0..20 {
                let _ = writeln!(text, "- item {b} 🐢 {}", "ü".repeat(s * b % 17));
            }
        }
        let doc = parse(&text);
        for budget in [0, 1, 10, 100, 999, 5_000, 9_000] {
            let packed = pack(&doc, budget, &prio());
            assert!(utf16_len(&packed.text) <= budget, "budget {budget}");
            assert_eq!(utf16_len(&packed.text), packed.units, "budget {budget}");
        }
    }

    #[test]
    fn text_without_headings_packs_by_line() {
        let text = "a: 1\nb: 2\nc: 3\n";
        let packed = pack(&parse(text), 11, &prio());
        assert_eq!(packed.text, "a: 1\nb: 2\n");
    }

    #[test]
    fn truncate_lines_stops_at_a_line_boundary() {
        assert_eq!(truncate_lines("ab\ncd\n", 5), "ab\n");
        assert_eq!(truncate_lines("ab\ncd\n", 6), "ab\ncd\n");
        assert_eq!(truncate_lines("😀\n", 2), "");
    }
}
