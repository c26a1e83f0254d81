//! Times as people read them: "3 hours ago", "2026-11-21 19:04 UTC".
use std::time::SystemTime;

use chrono::{DateTime, Utc};

/// How long ago `then` was, in the largest whole unit.
pub(crate) fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    if secs < 0 {
        return "just now".into();
    }
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3_600 => (secs / 60, "minute"),
        3_600..86_400 => (secs / 3_600, "hour"),
        86_400..1_209_600 => (secs / 86_400, "day"),
        1_209_600..5_184_000 => (secs / 604_800, "week"),
        _ => (secs / 2_592_000, "month"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A UTC timestamp to the minute.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A UTC timestamp to the second, RFC 3339 with `Z`.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A file time as UTC.
pub(crate) fn from_system(t: SystemTime) -> DateTime<Utc> {
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[track_caller]
    fn case(secs: i64, want: &str) {
        let now = DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(age(now - TimeDelta::seconds(secs), now), want);
    }

    #[test]
    fn ages() {
        case(-5, "just now");
        case(0, "just now");
        case(59, "just now");
        case(60, "1 minute ago");
        case(3_599, "59 minutes ago");
        case(3_600, "1 hour ago");
        case(7_200, "2 hours ago");
        case(86_400, "1 day ago");
        case(13 * 86_400, "13 days ago");
        case(14 * 86_400, "2 weeks ago");
        case(90 * 86_400, "3 months ago");
    }

    #[test]
    fn stamps() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T19:04:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(stamp(t), "2026-11-21 19:04 UTC");
        assert_eq!(rfc3339(t), "2026-11-21T19:04:59Z");
    }
}
