//! Secrets in text: API keys and tokens of the common providers, private-key blocks, passwords in
//! URLs, `Authorization:` and `Cookie:` headers, and `*_KEY=`, `*_TOKEN=`, `*SECRET*=`, `PASSWORD=`
//! assignments. [`redact`] replaces each value by `[REDACTED <kind>]`, keeping the key name or
//! scheme so the line still reads; [`find`] says where they are (for `check` and `doctor`).
//!
//! Matching is hand-written (pure, one pass over the bytes, nothing to compile at startup), so a
//! hook that redacts every prompt stays fast.
use std::borrow::Cow;
use std::fmt;

/// What a secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Anthropic,
    OpenAi,
    GitHub,
    GitLab,
    Aws,
    GoogleApiKey,
    GoogleOauth,
    Slack,
    Stripe,
    PrivateKey,
    UrlPassword,
    Authorization,
    Cookie,
    /// `*_KEY=` assignments.
    Key,
    /// `*_TOKEN=` assignments.
    Token,
    /// `*SECRET*=` assignments.
    Secret,
    /// `PASSWORD=` assignments.
    Password,
}

impl Kind {
    /// The name shown in `[REDACTED <kind>]` and by `check`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Anthropic => "anthropic key",
            Kind::OpenAi => "openai key",
            Kind::GitHub => "github token",
            Kind::GitLab => "gitlab token",
            Kind::Aws => "aws access key",
            Kind::GoogleApiKey => "google api key",
            Kind::GoogleOauth => "google oauth token",
            Kind::Slack => "slack token",
            Kind::Stripe => "stripe key",
            Kind::PrivateKey => "private key",
            Kind::UrlPassword => "password in url",
            Kind::Authorization => "authorization header",
            Kind::Cookie => "cookie",
            Kind::Key => "key",
            Kind::Token => "token",
            Kind::Secret => "secret",
            Kind::Password => "password",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A secret in a text: its line (1-based) and kind, never its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Finding {
    pub line: usize,
    pub kind: Kind,
}

/// `text` with every secret value replaced by `[REDACTED <kind>]`; borrowed when there is none.
/// Redacting twice changes nothing more.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut last = 0;
    let mut found = false;
    for m in matches(text) {
        found = true;
        out.push_str(&text[last..m.start]);
        out.push_str("[REDACTED ");
        out.push_str(m.kind.label());
        out.push(']');
        last = m.end;
    }
    if !found {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Redact each string of a list in place.
pub(crate) fn redact_all(list: &mut [String]) {
    for s in list {
        if let Cow::Owned(r) = redact(s) {
            *s = r;
        }
    }
}

/// Every secret in `text`, in order, with the line it starts on.
pub(crate) fn find(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut counted = 0;
    matches(text)
        .map(|m| {
            line += memchr::memchr_iter(b'\n', &bytes[counted..m.start]).count();
            counted = m.start;
            Finding { line, kind: m.kind }
        })
        .collect()
}

/// A secret's value: the bytes to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    kind: Kind,
}

fn matches(text: &str) -> impl Iterator<Item = Match> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let m = (from..bytes.len()).find_map(|i| match_at(bytes, i))?;
        from = m.end.max(from + 1);
        Some(m)
    })
}

/// Longest header or quoted value looked at: bounds the work on a line that never closes one.
const MAX_VALUE: usize = 4096;

/// Token prefixes: (prefix, kind, allowed body bytes, shortest body, longest body).
type Charset = fn(u8) -> bool;
const TOKENS: &[(&str, Kind, Charset, usize, usize)] = &[
    ("sk-ant-", Kind::Anthropic, dash_word, 20, usize::MAX),
    ("sk-", Kind::OpenAi, dash_word, 20, usize::MAX),
    ("ghp_", Kind::GitHub, alnum, 20, usize::MAX),
    ("gho_", Kind::GitHub, alnum, 20, usize::MAX),
    ("ghu_", Kind::GitHub, alnum, 20, usize::MAX),
    ("ghs_", Kind::GitHub, alnum, 20, usize::MAX),
    ("ghr_", Kind::GitHub, alnum, 20, usize::MAX),
    ("github_pat_", Kind::GitHub, word, 20, usize::MAX),
    ("glpat-", Kind::GitLab, dash_word, 20, usize::MAX),
    ("gldt-", Kind::GitLab, dash_word, 20, usize::MAX),
    ("glrt-", Kind::GitLab, dash_word, 20, usize::MAX),
    ("glptt-", Kind::GitLab, dash_word, 20, usize::MAX),
    ("AKIA", Kind::Aws, upper_digit, 16, 16),
    ("ASIA", Kind::Aws, upper_digit, 16, 16),
    ("ABIA", Kind::Aws, upper_digit, 16, 16),
    ("ACCA", Kind::Aws, upper_digit, 16, 16),
    ("AIza", Kind::GoogleApiKey, dash_word, 30, usize::MAX),
    ("ya29.", Kind::GoogleOauth, dash_word, 20, usize::MAX),
    ("xoxb-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxp-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxa-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxe-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxo-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxr-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xoxs-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("xapp-", Kind::Slack, dash_alnum, 10, usize::MAX),
    ("sk_live_", Kind::Stripe, alnum, 16, usize::MAX),
    ("sk_test_", Kind::Stripe, alnum, 16, usize::MAX),
    ("rk_live_", Kind::Stripe, alnum, 16, usize::MAX),
    ("rk_test_", Kind::Stripe, alnum, 16, usize::MAX),
    ("whsec_", Kind::Stripe, alnum, 16, usize::MAX),
];

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn dash_word(b: u8) -> bool {
    word(b) || b == b'-'
}
fn dash_alnum(b: u8) -> bool {
    alnum(b) || b == b'-'
}
fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// The secret whose trigger is at `i` (a token's first byte, a header name, `://`, `=`, `-----`).
fn match_at(b: &[u8], i: usize) -> Option<Match> {
    let after_word = i > 0 && b[i - 1].is_ascii_alphanumeric();
    match b[i] {
        b'=' => assignment(b, i),
        b':' => url_password(b, i),
        b'-' => private_key(b, i).or_else(|| flag(b, i)),
        b'a' | b'A' if !after_word => {
            header(b, i, "authorization", Kind::Authorization).or_else(|| token(b, i))
        }
        b'c' | b'C' if !after_word => header(b, i, "cookie", Kind::Cookie),
        b's' | b'r' | b'g' | b'A' | b'y' | b'x' | b'w' if !after_word => token(b, i),
        _ => None,
    }
}

fn token(b: &[u8], i: usize) -> Option<Match> {
    let rest = &b[i..];
    let (prefix, kind, allowed, min, max) = TOKENS
        .iter()
        .find(|(p, ..)| rest.starts_with(p.as_bytes()))?;
    let body = rest[prefix.len()..]
        .iter()
        .take_while(|&&c| allowed(c))
        .count();
    let next = rest.get(prefix.len() + body).copied();
    // A fixed-length key must end there; `sk-` alone is common, so it needs a digit too.
    let ended = *max == usize::MAX || next.is_none_or(|c| !c.is_ascii_alphanumeric());
    let digits = *kind != Kind::OpenAi
        || rest[prefix.len()..prefix.len() + body]
            .iter()
            .any(u8::is_ascii_digit);
    (body >= *min && body <= *max && ended && digits).then_some(Match {
        start: i,
        end: i + prefix.len() + body,
        kind: *kind,
    })
}

/// `NAME=value` where the name says it holds a secret; the value (inside its quotes) is replaced.
fn assignment(b: &[u8], eq: usize) -> Option<Match> {
    if matches!(b.get(eq + 1), Some(b'=' | b'>' | b'~')) {
        return None;
    }
    let mut name_end = eq;
    while name_end > 0 && matches!(b[name_end - 1], b' ' | b'\t') {
        name_end -= 1;
    }
    let name_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let mut name_start = name_end;
    while name_start > 0 && name_char(b[name_start - 1]) {
        name_start -= 1;
    }
    // A comparison (`a != b`, `x <= y`) is not an assignment.
    if name_end < eq && name_end == name_start {
        return None;
    }
    let name: String = b[name_start..name_end]
        .iter()
        .map(|&c| {
            if c == b'-' {
                '_'
            } else {
                c.to_ascii_uppercase() as char
            }
        })
        .collect();
    let name = name.trim_start_matches('_');
    let kind = if name.contains("SECRET") {
        Kind::Secret
    } else if name.ends_with("PASSWORD") || name.ends_with("PASSWD") {
        Kind::Password
    } else if name.ends_with("TOKEN") {
        Kind::Token
    } else if name == "KEY" || name.ends_with("_KEY") || name.ends_with("APIKEY") {
        Kind::Key
    } else {
        return None;
    };
    let mut at = eq + 1;
    while matches!(b.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    // Checked before the value is read, so `$A_TOKEN=$A_TOKEN=…` costs one pass.
    if stands_for_one(&b[at.min(b.len())..]) {
        return None;
    }
    value_at(b, at, kind)
}

/// The value starting at `at`: inside its quotes, or up to a space or shell punctuation.
fn value_at(b: &[u8], at: usize, kind: Kind) -> Option<Match> {
    let (start, end) = span_at(b, at);
    value(b, start, end, kind)
}

/// Where the value starting at `at` lies: inside its quotes, or up to a space or shell punctuation.
fn span_at(b: &[u8], at: usize) -> (usize, usize) {
    if let Some(&q @ (b'"' | b'\'')) = b.get(at) {
        {
            let start = at + 1;
            let len = b[start..]
                .iter()
                .take(MAX_VALUE)
                .take_while(|&&c| c != q && c != b'\n' && c != b'\r')
                .count();
            (start, start + len)
        }
    } else {
        {
            let len = b[at..]
                .iter()
                .take_while(|&&c| {
                    !c.is_ascii_whitespace()
                        && !matches!(
                            c,
                            b';' | b'&' | b'|' | b')' | b'<' | b'>' | b'"' | b'\'' | b'`' | b','
                        )
                })
                .count();
            (at, at + len)
        }
    }
}

/// Command-line clients that take a password glued to `-p` (`mysql -uroot -pSECRET`).
const DB_CLIENTS: &[&str] = &[
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlcheck",
    "mysqlshow",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
];

/// A secret given as a command-line option: curl's `-u user:pass`, `--user user:pass` (the password
/// after the first colon), `-pPASS` after a database client, `--password VALUE`, `--token VALUE`,
/// `--secret… VALUE`, `--…-key VALUE`. The `--flag=VALUE` forms are assignments.
fn flag(b: &[u8], i: usize) -> Option<Match> {
    if i > 0 && !b[i - 1].is_ascii_whitespace() {
        return None;
    }
    let name_len = b[i..]
        .iter()
        .take_while(|&&c| c == b'-' || c.is_ascii_alphanumeric() || c == b'_')
        .count();
    let name = &b[i..i + name_len];
    let sep = b.get(i + name_len).copied();
    let spaced = matches!(sep, Some(b' ' | b'\t'));
    let mut next = i + name_len;
    while matches!(b.get(next), Some(b' ' | b'\t')) {
        next += 1;
    }
    // `-u user:pass` / `-uuser:pass` / `--user user:pass` / `--user=user:pass`.
    let user_at = match name {
        b"--user" if spaced || sep == Some(b'=') => Some(if spaced { next } else { next + 1 }),
        b"-u" if spaced && client_before(b, i, &["curl"]) => Some(next),
        _ if name.starts_with(b"-u")
            && name.len() > 2
            && !name.starts_with(b"--")
            && client_before(b, i, &["curl"]) =>
        {
            Some(i + 2)
        }
        _ => None,
    };
    if let Some(at) = user_at {
        let (start, end) = span_at(b, at);
        let colon = memchr::memchr(b':', &b[start..end])?;
        return value(b, start + colon + 1, end, Kind::Password);
    }
    if name.starts_with(b"-p")
        && !name.starts_with(b"--")
        && name.len() > 2
        && client_before(b, i, DB_CLIENTS)
    {
        let (start, end) = span_at(b, i + 2);
        return value(b, start, end, Kind::Password);
    }
    if !name.starts_with(b"--") || !spaced {
        return None;
    }
    let upper: String = name[2..]
        .iter()
        .map(|&c| {
            if c == b'-' {
                '_'
            } else {
                c.to_ascii_uppercase() as char
            }
        })
        .collect();
    // `--no-password`, `--no-token`: a switch that takes no value.
    let kind = if upper.starts_with("NO_") {
        return None;
    } else if upper.starts_with("SECRET") {
        Kind::Secret
    } else if upper == "PASSWORD" || upper == "PASSWD" || upper.ends_with("_PASSWORD") {
        Kind::Password
    } else if upper == "TOKEN" || upper.ends_with("_TOKEN") {
        Kind::Token
    } else if upper.ends_with("_KEY") {
        Kind::Key
    } else {
        return None;
    };
    // `--token --verbose`: the next word is another option, not a value.
    if b.get(next) == Some(&b'-') {
        return None;
    }
    value_at(b, next, kind)
}

/// Whether one of `clients` is a word (by its file name) of the shell command that `i` is in.
fn client_before(b: &[u8], i: usize, clients: &[&str]) -> bool {
    let start = b[..i]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b';' | b'|' | b'&' | b'(' | b'`'))
        .map_or(0, |p| p + 1);
    b[start..i]
        .split(u8::is_ascii_whitespace)
        .filter_map(|w| w.rsplit(|&c| c == b'/').next())
        .any(|w| clients.iter().any(|c| c.as_bytes() == w))
}

/// `scheme://user:password@host`: the password is replaced, the user kept.
fn url_password(b: &[u8], colon: usize) -> Option<Match> {
    if !b[colon..].starts_with(b"://") || colon == 0 || !b[colon - 1].is_ascii_alphanumeric() {
        return None;
    }
    let host = colon + 3;
    let authority = b[host..]
        .iter()
        .take_while(|&&c| {
            !c.is_ascii_whitespace()
                && !matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>')
        })
        .count();
    let authority = &b[host..host + authority];
    let at = memchr::memrchr(b'@', authority)?;
    let sep = memchr::memchr(b':', &authority[..at])?;
    value(b, host + sep + 1, host + at, Kind::UrlPassword)
}

/// `Name: value` (or `"Name": "value"`), the name matched without regard to case. An
/// authorization keeps its scheme (`Bearer`, `Basic`); a cookie is a `name=value` list.
fn header(b: &[u8], i: usize, name: &str, kind: Kind) -> Option<Match> {
    let rest = &b[i..];
    if rest.len() < name.len() || !rest[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
        return None;
    }
    let mut at = i + name.len();
    if matches!(b.get(at), Some(b'"' | b'\'')) {
        at += 1;
    }
    if b.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    while matches!(b.get(at), Some(b' ' | b'\t' | b'"' | b'\'')) {
        at += 1;
    }
    let stop = |c: &u8| matches!(c, b'"' | b'\'' | b'`' | b'\n' | b'\r' | b'\\');
    if kind == Kind::Cookie {
        // A cookie starts with `name=`: prose after "Cookie:" is passed over without reading on.
        let name = b[at..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
            .count();
        if name == 0 || b.get(at + name) != Some(&b'=') {
            return None;
        }
        let len = b[at..]
            .iter()
            .take(MAX_VALUE)
            .take_while(|c| !stop(c))
            .count();
        let len = b[at..at + len].trim_ascii_end().len();
        return value(b, at, at + len, kind);
    }
    let line = &b[at..];
    // `Bearer <token>`: the scheme stays.
    let scheme = line.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let start = if scheme > 0 && line.get(scheme) == Some(&b' ') {
        at + scheme + 1
    } else {
        at
    };
    let len = b[start..]
        .iter()
        .take_while(|&&c| !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b'`' | b'\\'))
        .count();
    let credential = &b[start..start + len];
    // Prose ("Authorization: header missing") is not a credential: those are long, and mixed.
    if len < 8 || credential.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    value(b, start, start + len, kind)
}

/// `-----BEGIN … PRIVATE KEY-----` to its `-----END …-----`, or to the end of the text.
fn private_key(b: &[u8], i: usize) -> Option<Match> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    if !b[i..].starts_with(BEGIN) {
        return None;
    }
    let header = &b[i + BEGIN.len()..];
    let close = memchr::memmem::find(&header[..header.len().min(64)], b"-----")?;
    memchr::memmem::find(&header[..close], b"PRIVATE KEY")?;
    let body = i + BEGIN.len() + close + 5;
    let end = memchr::memmem::find(&b[body..], b"-----END ")
        .and_then(|e| {
            let after = body + e + 9;
            memchr::memmem::find(&b[after..], b"-----").map(|c| after + c + 5)
        })
        .unwrap_or(b.len());
    Some(Match {
        start: i,
        end,
        kind: Kind::PrivateKey,
    })
}

/// Whether a value starts as one that stands for a secret: `$VAR`, `<token>`, `{{ var }}`, an
/// earlier redaction, an ellipsis.
fn stands_for_one(v: &[u8]) -> bool {
    [&b"$"[..], b"<", b"{{", b"[REDAC", "…".as_bytes()]
        .iter()
        .any(|p| v.starts_with(p))
}

/// A match of `start..end`, unless the value is empty or stands for one (`$VAR`, `<token>`, `***`,
/// an earlier redaction); a value that is a known token is named as one.
fn value(b: &[u8], start: usize, end: usize, kind: Kind) -> Option<Match> {
    let v = &b[start..end];
    if v.is_empty() || stands_for_one(v) || v.iter().all(|c| matches!(c, b'*' | b'.' | b'x' | b'X'))
    {
        return None;
    }
    let kind = token(b, start)
        .filter(|t| t.end == end)
        .map_or(kind, |t| t.kind);
    Some(Match { start, end, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake secret body: `n` characters that look random enough, built at run time so the
    /// repository holds nothing a secret scanner would flag.
    fn body(n: usize) -> String {
        "a1B2c3D4e5F6g7H8".chars().cycle().take(n).collect()
    }

    fn upper(n: usize) -> String {
        "Q7W3E9R2T5Y8U4I6".chars().cycle().take(n).collect()
    }

    #[track_caller]
    fn each_is_redacted(cases: Vec<(String, String, Kind)>) {
        for (text, want, kind) in cases {
            assert_eq!(redact(&text), want, "{text}");
            assert_eq!(find(&text), [Finding { line: 1, kind }], "{text}");
            // Redacting again changes nothing, and finds nothing.
            assert_eq!(redact(&want), want);
            assert_eq!(find(&want), []);
        }
    }

    #[test]
    fn provider_tokens_are_redacted_and_the_rest_kept() {
        let b40 = body(40);
        each_is_redacted(vec![
            (
                format!("curl -H \"x-api-key: sk-ant-api03-{b40}\" url"),
                "curl -H \"x-api-key: [REDACTED anthropic key]\" url".into(),
                Kind::Anthropic,
            ),
            (
                format!("use sk-proj-{b40} now"),
                "use [REDACTED openai key] now".into(),
                Kind::OpenAi,
            ),
            (
                format!("gh auth ghp_{}", body(36)),
                "gh auth [REDACTED github token]".into(),
                Kind::GitHub,
            ),
            (
                format!("x github_pat_{}_{}", body(22), body(59)),
                "x [REDACTED github token]".into(),
                Kind::GitHub,
            ),
            (
                format!("glab glpat-{}", body(20)),
                "glab [REDACTED gitlab token]".into(),
                Kind::GitLab,
            ),
            (
                format!("aws AKIA{} s3 ls", upper(16)),
                "aws [REDACTED aws access key] s3 ls".into(),
                Kind::Aws,
            ),
            (
                format!("maps?key=AIza{}", body(35)),
                "maps?key=[REDACTED google api key]".into(),
                Kind::GoogleApiKey,
            ),
            (
                format!("t ya29.{}", body(60)),
                "t [REDACTED google oauth token]".into(),
                Kind::GoogleOauth,
            ),
            (
                format!("slack xoxb-{}-{}", upper(12), body(24)),
                "slack [REDACTED slack token]".into(),
                Kind::Slack,
            ),
            (
                format!("stripe sk_live_{}", body(24)),
                "stripe [REDACTED stripe key]".into(),
                Kind::Stripe,
            ),
        ]);
    }

    #[test]
    fn keys_headers_urls_and_assignments_are_redacted_and_the_name_kept() {
        let b40 = body(40);
        each_is_redacted(vec![
            (
                format!(
                    "k -----BEGIN RSA PRIVATE KEY-----\n{b40}\n-----END RSA PRIVATE KEY----- after"
                ),
                "k [REDACTED private key] after".into(),
                Kind::PrivateKey,
            ),
            (
                format!("echo '-----BEGIN OPENSSH PRIVATE KEY-----{b40}"),
                "echo '[REDACTED private key]".into(),
                Kind::PrivateKey,
            ),
            (
                format!("git push https://bot:{}@github.com/o/r", body(12)),
                "git push https://bot:[REDACTED password in url]@github.com/o/r".into(),
                Kind::UrlPassword,
            ),
            (
                format!("curl -H \"Authorization: Bearer {}\" https://api", body(30)),
                "curl -H \"Authorization: Bearer [REDACTED authorization header]\" https://api"
                    .into(),
                Kind::Authorization,
            ),
            (
                format!("{{\"authorization\": \"Basic {}\"}}", body(16)),
                "{\"authorization\": \"Basic [REDACTED authorization header]\"}".into(),
                Kind::Authorization,
            ),
            (
                format!("curl -H 'Cookie: session={}; theme=dark' url", body(20)),
                "curl -H 'Cookie: [REDACTED cookie]' url".into(),
                Kind::Cookie,
            ),
            (
                format!("OPENAI_API_KEY={} python run.py", body(10)),
                "OPENAI_API_KEY=[REDACTED key] python run.py".into(),
                Kind::Key,
            ),
            (
                format!("export GH_TOKEN=\"{} x\"; make", body(10)),
                "export GH_TOKEN=\"[REDACTED token]\"; make".into(),
                Kind::Token,
            ),
            (
                format!("aws_secret_access_key = {}", body(40)),
                "aws_secret_access_key = [REDACTED secret]".into(),
                Kind::Secret,
            ),
            (
                format!("PASSWORD={} ./deploy", body(8)),
                "PASSWORD=[REDACTED password] ./deploy".into(),
                Kind::Password,
            ),
            (
                format!("mysql --db-password='{}'", body(8)),
                "mysql --db-password='[REDACTED password]'".into(),
                Kind::Password,
            ),
        ]);
    }

    #[test]
    fn a_token_in_a_header_or_url_is_redacted_once() {
        let token = format!("ghp_{}", body(36));
        assert_eq!(
            redact(&format!(
                "git push https://x-access-token:{token}@github.com/o/r"
            )),
            "git push https://x-access-token:[REDACTED github token]@github.com/o/r"
        );
        assert_eq!(
            redact(&format!("git clone https://{token}@github.com/o/r")),
            "git clone https://[REDACTED github token]@github.com/o/r"
        );
        assert_eq!(
            redact(&format!("curl -H \"Authorization: token {token}\"")),
            "curl -H \"Authorization: token [REDACTED github token]\""
        );
        assert_eq!(
            redact(&format!("GITHUB_TOKEN={token} gh pr list")),
            "GITHUB_TOKEN=[REDACTED github token] gh pr list"
        );
    }

    #[test]
    fn passwords_and_tokens_given_as_options_are_redacted() {
        for (text, want) in [
            (
                "curl -u admin:hunter22 https://x",
                "curl -u admin:[REDACTED password] https://x",
            ),
            (
                "curl -uadmin:hunter22 https://x",
                "curl -uadmin:[REDACTED password] https://x",
            ),
            (
                "curl --user 'admin:hunter 22' x",
                "curl --user 'admin:[REDACTED password]' x",
            ),
            (
                "curl --user=admin:pw x",
                "curl --user=admin:[REDACTED password] x",
            ),
            (
                "mysql -uroot -pMyS3cretPw db",
                "mysql -uroot -p[REDACTED password] db",
            ),
            (
                "docker exec db /usr/bin/mysqldump -pS3cret x",
                "docker exec db /usr/bin/mysqldump -p[REDACTED password] x",
            ),
            (
                "aws s3 ls --secret-access-key wJalrXUtnFEMI",
                "aws s3 ls --secret-access-key [REDACTED secret]",
            ),
            ("x --password hunter22", "x --password [REDACTED password]"),
            ("x --password=hunter22", "x --password=[REDACTED password]"),
            (
                "x --db-password \"a b\"",
                "x --db-password \"[REDACTED password]\"",
            ),
            ("gh --token abc123 y", "gh --token [REDACTED token] y"),
            ("x --api-key abc123", "x --api-key [REDACTED key]"),
            ("x --api-key=abc123", "x --api-key=[REDACTED key]"),
            ("x --access-token abc", "x --access-token [REDACTED token]"),
        ] {
            assert_eq!(redact(text), want, "{text}");
            assert_eq!(find(text).len(), 1, "{text}");
            assert_eq!(redact(want), want, "{want}");
        }
    }

    #[test]
    fn options_that_hold_no_secret_are_left_alone() {
        for text in [
            "mkdir -p some/dir",
            "cargo test -p handoff",
            "ssh -p 2222 host",
            "mysql -p db",
            "echo mysql; mkdir -pthing",
            "git push -u origin main",
            "sort -u file:1",
            "curl -u admin https://x",
            "psql -U admin db",
            "docker login --password-stdin",
            "x --token $TOKEN",
            "x --password \"$PW\"",
            "x --token --verbose",
            "x --sort-keys y",
            "x --no-password y",
            "x --token-file path",
            "a--password b",
        ] {
            assert_eq!(redact(text), text);
            assert_eq!(find(text), [], "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "cargo test --all",
            "fix the task-runner-and-the-risk-assessment-module",
            "sk-learn is a typo for scikit-learn-with-a-long-name",
            "https://github.com/o/r and ssh://git@github.com/o/r",
            "http://localhost:8080/path",
            "the Authorization: header is missing",
            "Authorization: Bearer $TOKEN",
            "curl -H \"Authorization: Bearer ${API_TOKEN}\"",
            "Cookie: none were sent",
            "GITHUB_TOKEN=$(gh auth token) make",
            "API_KEY=<your key here>",
            "if [ \"$X\" == \"y\" ]; then SORT=name; fi",
            "a_key == b_key, MY_TOKEN => x",
            "PASSWORD=",
            "SECRET=***",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----",
            "AKIA is a prefix; AKIA12345 is too short",
            "ünïcödé 🐢 = ok",
        ] {
            assert_eq!(redact(text), text);
            assert!(matches!(redact(text), Cow::Borrowed(_)));
            assert_eq!(find(text), []);
        }
    }

    #[test]
    fn findings_name_their_lines() {
        let text = format!(
            "# Handoff\n\nkey AKIA{}\n\nnothing\nDB_PASSWORD={} and SECRET_X={}\n",
            upper(16),
            body(9),
            body(9)
        );
        assert_eq!(
            find(&text),
            [
                Finding {
                    line: 3,
                    kind: Kind::Aws
                },
                Finding {
                    line: 6,
                    kind: Kind::Password
                },
                Finding {
                    line: 6,
                    kind: Kind::Secret
                },
            ]
        );
        assert!(!redact(&text).contains(&body(9)));
    }

    #[test]
    fn unclosed_values_and_odd_input_stay_bounded() {
        // A quote never closed: the value runs to the end of the line.
        assert_eq!(
            redact("X_TOKEN=\"abc def\nnext"),
            "X_TOKEN=\"[REDACTED token]\nnext"
        );
        // Each is linear: a quadratic scan of these would not finish.
        for text in [
            "=".repeat(200_000),
            ":".repeat(200_000) + "//",
            "://".repeat(200_000),
            "-----BEGIN ".repeat(100_000),
            "cookie:".repeat(200_000),
            "Authorization:".repeat(100_000),
            "$A_TOKEN=".repeat(100_000),
            "A_KEY=\"".repeat(100_000),
            "é".repeat(100_000) + "=x",
        ] {
            let _ = find(&text);
            let _ = redact(&text);
        }
    }
}
