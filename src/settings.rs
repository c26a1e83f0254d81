//! Claude Code's settings.json: add, update and remove `handoff`'s hook entries and keep everything
//! else — other keys, other tools' hooks, matchers, order and formatting. Pure: text in, text out.
//!
//! The registration comes from `hooks/hooks.json`, the plugin's hook file, so a plugin install and a
//! settings install are the same hooks. Edits go through [`crate::json_text`], which changes only the
//! bytes it must.
use serde_json::{Map, Value};

use crate::json_text::{self, Item, Kind, Node, Step, Style};

/// The plugin's hook file, the one source of the registration.
pub(crate) const PLUGIN_HOOKS_JSON: &str = include_str!("../hooks/hooks.json");
/// The command the plugin's hook file runs; `install` puts the binary's own path in its place.
pub(crate) const PLUGIN_COMMAND: &str = "${CLAUDE_PLUGIN_ROOT}/bin/handoff";

/// What goes wrong when editing a settings file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettingsError {
    /// The file is not valid JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is valid but not shaped like settings (e.g. `hooks` is a list).
    #[error("{0}")]
    Shape(String),
    /// A key repeats within one object: readers keep the last, so an edit could bring the hidden
    /// one back into force.
    #[error("line {line}, column {column}: the key \"{key}\" appears again (first on line {first_line})")]
    DuplicateKey {
        key: String,
        line: usize,
        column: usize,
        first_line: usize,
    },
}

/// `handoff`'s hooks: for each event, in order, the matcher group to register.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Registration {
    events: Vec<(String, Value)>,
}

impl Registration {
    /// The registration exactly as the plugin ships it.
    pub(crate) fn plugin() -> Self {
        let doc: Value = serde_json::from_str(PLUGIN_HOOKS_JSON).unwrap_or_default();
        let events = doc
            .get("hooks")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .flat_map(|(event, groups)| {
                        groups
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(move |g| (event.clone(), g.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { events }
    }

    /// The plugin's registration with `command` (an absolute path) as the program to run.
    pub(crate) fn with_command(command: &str) -> Self {
        let mut reg = Self::plugin();
        for (_, group) in &mut reg.events {
            for handler in handlers_mut(group) {
                if handler.get("command").and_then(Value::as_str) == Some(PLUGIN_COMMAND) {
                    handler["command"] = Value::String(command.to_string());
                }
            }
        }
        reg
    }

    /// The events registered, in order.
    pub(crate) fn events(&self) -> impl Iterator<Item = &str> {
        self.events.iter().map(|(e, _)| e.as_str())
    }

    /// The `hooks` object this registration amounts to (the plugin's file is checked against it).
    #[cfg(test)]
    pub(crate) fn to_hooks_value(&self) -> Value {
        let mut map = Map::new();
        for (event, group) in &self.events {
            let list = map
                .entry(event.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = list {
                a.push(group.clone());
            }
        }
        Value::Object(map)
    }
}

fn handlers_mut(group: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    group
        .get_mut("hooks")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// One of our handlers found in a settings file.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The event it is registered for.
    pub event: String,
    /// Index of its matcher group in the event's list.
    pub group: usize,
    /// Index of the handler in the group's `hooks`.
    pub handler: usize,
    /// The handler as written.
    pub value: Value,
}

impl Found {
    fn path(&self) -> Vec<Step> {
        vec![
            Step::Key("hooks".into()),
            Step::Key(self.event.clone()),
            Step::Index(self.group),
            Step::Key("hooks".into()),
            Step::Index(self.handler),
        ]
    }

    /// The program it runs.
    pub fn command(&self) -> &str {
        self.value
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The whole command line, `args` included, as the user would recognise it.
    pub fn command_line(&self) -> String {
        let args = self.value.get("args").and_then(Value::as_array);
        std::iter::once(self.command())
            .chain(args.into_iter().flatten().filter_map(Value::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The result of an edit: the new text, and one line per change (empty when nothing changed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Edit {
    /// The whole file after the edit.
    pub text: String,
    /// What changed, e.g. `SessionStart: added`.
    pub changes: Vec<String>,
}

/// Whether a hook handler is one of ours: exactly what `install` writes, and has always written —
/// a `command` handler whose program is named `handoff` (or `handoff.exe`) and whose `args` are
/// `["hook"]`. A shell command that starts with `handoff hook` is the user's, whatever follows it.
pub fn is_ours(handler: &Value) -> bool {
    handler.get("type").and_then(Value::as_str) == Some("command")
        && handler
            .get("command")
            .and_then(Value::as_str)
            .is_some_and(is_handoff_program)
        && handler
            .get("args")
            .and_then(Value::as_array)
            .is_some_and(|args| args.len() == 1 && args[0].as_str() == Some("hook"))
}

/// Whether a handler that isn't ours still runs `handoff hook`, e.g. `handoff hook && notify-send
/// done` or `handoff hook --verbose`: `install` leaves it alone, so the event would run twice.
pub(crate) fn runs_handoff_hook(handler: &Value) -> bool {
    if is_ours(handler) || handler.get("type").and_then(Value::as_str) != Some("command") {
        return false;
    }
    let Some(command) = handler.get("command").and_then(Value::as_str) else {
        return false;
    };
    if let Some(args) = handler.get("args").and_then(Value::as_array) {
        is_handoff_program(command) && args.first().and_then(Value::as_str) == Some("hook")
    } else {
        let words = shell_words(command, 2);
        words.len() == 2 && is_handoff_program(&words[0]) && words[1] == "hook"
    }
}

fn is_handoff_program(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name == "handoff" || name.eq_ignore_ascii_case("handoff.exe")
}

/// The first `max` words of a shell command, with quotes and backslashes resolved.
fn shell_words(command: &str, max: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                    if words.len() == max {
                        return words;
                    }
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|c| *c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words.truncate(max);
    words
}

/// What `enabledPlugins` in one settings file says of the handoff plugin: on, off, or nothing
/// (so a wider scope decides).
pub(crate) fn plugin_setting(settings: &Value) -> Option<bool> {
    let plugins = settings.get("enabledPlugins")?.as_object()?;
    let mut said = None;
    for (k, v) in plugins {
        if let (true, Some(on)) = (k.starts_with("handoff@"), v.as_bool()) {
            said = Some(said.unwrap_or(false) || on);
        }
    }
    said
}

/// Our handlers in `text`, in file order. Text that is not valid JSON has none.
pub fn find_ours(text: &str) -> Vec<Found> {
    find_valid(text, is_ours)
}

/// Handlers in `text` that run `handoff hook` but aren't ours ([`runs_handoff_hook`]).
pub(crate) fn find_lookalikes(text: &str) -> Vec<Found> {
    find_valid(text, runs_handoff_hook)
}

fn find_valid(text: &str, wanted: fn(&Value) -> bool) -> Vec<Found> {
    if serde_json::from_str::<Value>(text).is_err() {
        return Vec::new();
    }
    json_text::parse(text).map_or_else(Vec::new, |root| find_where(text, &root, wanted))
}

fn find_in(text: &str, root: &Node) -> Vec<Found> {
    find_where(text, root, is_ours)
}

fn find_where(text: &str, root: &Node, wanted: fn(&Value) -> bool) -> Vec<Found> {
    let mut found = Vec::new();
    let Some(hooks) = root.member("hooks") else {
        return found;
    };
    let Kind::Object(events) = &hooks.value.kind else {
        return found;
    };
    for event in events {
        // A repeated event key: JSON parsers keep the last one, so do we.
        if hooks.value.member(&event.key).map(|m| m.start) != Some(event.start) {
            continue;
        }
        let Kind::Array(groups) = &event.value.kind else {
            continue;
        };
        for (g, group) in groups.iter().enumerate() {
            let Some(Kind::Array(handlers)) = group.member("hooks").map(|m| &m.value.kind) else {
                continue;
            };
            for (h, handler) in handlers.iter().enumerate() {
                let value = handler.value(text);
                if wanted(&value) {
                    found.push(Found {
                        event: event.key.clone(),
                        group: g,
                        handler: h,
                        value,
                    });
                }
            }
        }
    }
    found
}

/// Whether `install` and `uninstall` could edit `text`: one JSON object, no key twice in one object.
pub(crate) fn check(text: &str) -> Result<(), SettingsError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    parse_object(text).map(drop)
}

fn parse_object(text: &str) -> Result<(Node, Style), SettingsError> {
    serde_json::from_str::<Value>(text)?;
    let root = json_text::parse(text)
        .ok_or_else(|| SettingsError::Shape("could not be read as JSON".into()))?;
    if !matches!(root.kind, Kind::Object(_)) {
        return Err(SettingsError::Shape(
            "the top level is not a JSON object".into(),
        ));
    }
    if let Some(dup) = json_text::duplicate_key(&root) {
        let (line, column) = json_text::line_column(text, dup.again);
        return Err(SettingsError::DuplicateKey {
            key: dup.key,
            line,
            column,
            first_line: json_text::line_column(text, dup.first).0,
        });
    }
    let style = Style::detect(text, &root);
    Ok((root, style))
}

/// Whether `value` is a timeout Claude Code can use: a positive number of seconds.
fn is_timeout(value: &Value) -> bool {
    value.as_f64().is_some_and(|t| t > 0.0)
}

fn is_null(text: &str, node: &Node) -> bool {
    &text[node.start..node.end] == "null"
}

/// Add our hooks to `text`, or update ours in place (e.g. a new binary path), keeping the rest.
/// An empty file counts as `{}`. Running it on its own output changes nothing.
pub(crate) fn install(text: &str, registration: &Registration) -> Result<Edit, SettingsError> {
    let mut text = if text.trim().is_empty() {
        "{}\n".to_string()
    } else {
        text.to_string()
    };
    parse_object(&text)?;
    let mut changes = Vec::new();
    for (event, group) in &registration.events {
        let desired: Vec<&Map<String, Value>> = group
            .get("hooks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .collect();
        loop {
            let (root, style) = parse_object(&text)?;
            let ours: Vec<Found> = find_in(&text, &root)
                .into_iter()
                .filter(|f| &f.event == event)
                .collect();
            match ours.as_slice() {
                [] => {
                    text = add_group(&text, &root, &style, event, group)?;
                    changes.push(format!("{event}: added"));
                }
                [one] => {
                    let Some(handler) = desired.first() else {
                        break;
                    };
                    let mut fields = Vec::new();
                    for (key, value) in *handler {
                        // A timeout the user set on our entry is theirs to keep.
                        if key == "timeout" && one.value.get("timeout").is_some_and(is_timeout) {
                            continue;
                        }
                        let (root, style) = parse_object(&text)?;
                        let Some(node) = root.at(&one.path()) else {
                            break;
                        };
                        if let Some(new) = json_text::set_member(&text, node, key, value, &style) {
                            text = new;
                            fields.push(key.as_str());
                        }
                    }
                    if !fields.is_empty() {
                        changes.push(format!("{event}: updated {}", fields.join(", ")));
                    }
                }
                [.., last] => {
                    text = remove_found(&text, &root, last);
                    changes.push(format!("{event}: removed a duplicate"));
                    continue;
                }
            }
            break;
        }
    }
    Ok(Edit { text, changes })
}

fn add_group(
    text: &str,
    root: &Node,
    style: &Style,
    event: &str,
    group: &Value,
) -> Result<String, SettingsError> {
    let list = Value::Array(vec![group.clone()]);
    let Some(hooks) = root.member("hooks") else {
        let mut map = Map::new();
        map.insert(event.to_string(), list);
        let hooks = Value::Object(map);
        return Ok(json_text::append(
            text,
            root,
            Item::Member("hooks", &hooks),
            style,
        ));
    };
    if is_null(text, &hooks.value) {
        let mut map = Map::new();
        map.insert(event.to_string(), list);
        return Ok(json_text::replace(
            text,
            &hooks.value,
            &Value::Object(map),
            style,
        ));
    }
    if !matches!(hooks.value.kind, Kind::Object(_)) {
        return Err(SettingsError::Shape(
            "\"hooks\" is not an object of event names".into(),
        ));
    }
    let Some(existing) = hooks.value.member(event) else {
        return Ok(json_text::append(
            text,
            &hooks.value,
            Item::Member(event, &list),
            style,
        ));
    };
    if is_null(text, &existing.value) {
        return Ok(json_text::replace(text, &existing.value, &list, style));
    }
    if !matches!(existing.value.kind, Kind::Array(_)) {
        return Err(SettingsError::Shape(format!(
            "\"hooks\".\"{event}\" is not a list of matcher groups"
        )));
    }
    Ok(json_text::append(
        text,
        &existing.value,
        Item::Element(group),
        style,
    ))
}

/// Remove one of our handlers, and the group, event list and `hooks` object it leaves empty.
fn remove_found(text: &str, root: &Node, found: &Found) -> String {
    let hooks_at = [Step::Key("hooks".into())];
    let event_at = [Step::Key("hooks".into()), Step::Key(found.event.clone())];
    let path = found.path();
    let (Some(hooks), Some(event), Some(group_hooks)) =
        (root.at(&hooks_at), root.at(&event_at), root.at(&path[..4]))
    else {
        return text.to_string();
    };
    if group_hooks.len() > 1 {
        json_text::remove(text, group_hooks, found.handler)
    } else if event.len() > 1 {
        json_text::remove(text, event, found.group)
    } else if hooks.len() > 1 {
        let index = json_text::member_index(hooks, &found.event).unwrap_or_default();
        json_text::remove(text, hooks, index)
    } else {
        let index = json_text::member_index(root, "hooks").unwrap_or_default();
        json_text::remove(text, root, index)
    }
}

/// Remove every one of our handlers from `text`, and whatever that leaves empty; keep the rest.
pub(crate) fn uninstall(text: &str) -> Result<Edit, SettingsError> {
    let mut text = text.to_string();
    let mut changes = Vec::new();
    if text.trim().is_empty() {
        return Ok(Edit { text, changes });
    }
    loop {
        let (root, _) = parse_object(&text)?;
        let Some(last) = find_in(&text, &root).pop() else {
            break;
        };
        text = remove_found(&text, &root, &last);
        changes.push(format!("{}: removed", last.event));
    }
    changes.reverse();
    Ok(Edit { text, changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BIN: &str = "/opt/my tools/handoff";

    fn install_text(text: &str) -> String {
        install(text, &Registration::with_command(BIN))
            .unwrap()
            .text
    }

    #[test]
    fn ours_is_exactly_what_install_writes() {
        let cases = [
            (
                json!({"type": "command", "command": "/x/handoff", "args": ["hook"], "timeout": 10}),
                true,
            ),
            (
                json!({"type": "command", "command": "C:\\bin\\handoff.exe", "args": ["hook"]}),
                true,
            ),
            (
                json!({"type": "command", "command": "C:\\bin\\HANDOFF.EXE", "args": ["hook"]}),
                true,
            ),
            (
                json!({"type": "command", "command": PLUGIN_COMMAND, "args": ["hook"]}),
                true,
            ),
            // A user's own timeout, or a field Claude Code adds later, doesn't make it theirs.
            (
                json!({"type": "command", "command": "/x/handoff", "args": ["hook"], "timeout": 45, "async": false}),
                true,
            ),
            (
                json!({"type": "command", "command": "/x/handoff", "args": ["hook", "-v"]}),
                false,
            ),
            (
                json!({"type": "command", "command": "/x/handoff", "args": []}),
                false,
            ),
            (json!({"command": "/x/handoff", "args": ["hook"]}), false),
            (
                json!({"type": "prompt", "command": "/x/handoff", "args": ["hook"]}),
                false,
            ),
            (json!({"type": "command", "command": "handoff hook"}), false),
            (
                json!({"type": "command", "command": "handoff hook && notify-send done"}),
                false,
            ),
            (
                json!({"type": "command", "command": "/opt/acme/bin/handoff hook --to slack"}),
                false,
            ),
            (
                json!({"type": "command", "command": "/x/handoff-helper", "args": ["hook"]}),
                false,
            ),
            (
                json!({"type": "command", "command": "handoff", "args": ["status"]}),
                false,
            ),
            (json!({"type": "command", "args": ["hook"]}), false),
        ];
        for (handler, want) in cases {
            assert_eq!(is_ours(&handler), want, "{handler}");
        }
    }

    #[test]
    fn lookalikes_run_handoff_hook_but_are_not_ours() {
        let cases = [
            (json!({"type": "command", "command": "handoff hook"}), true),
            (
                json!({"type": "command", "command": "handoff hook && notify-send done"}),
                true,
            ),
            (
                json!({"type": "command", "command": "/opt/acme/bin/handoff hook --to slack"}),
                true,
            ),
            (
                json!({"type": "command", "command": "\"/my dir/handoff\" hook"}),
                true,
            ),
            (
                json!({"type": "command", "command": "'$HOME'/bin/handoff hook --x"}),
                true,
            ),
            (
                json!({"type": "command", "command": "/x/handoff", "args": ["hook", "-v"]}),
                true,
            ),
            (
                json!({"type": "command", "command": "/x/handoff", "args": ["hook"]}),
                false,
            ),
            (
                json!({"type": "command", "command": "echo handoff hook"}),
                false,
            ),
            (
                json!({"type": "command", "command": "handoff status"}),
                false,
            ),
            (json!({"type": "prompt", "command": "handoff hook"}), false),
            (json!({"type": "command", "command": "handoff"}), false),
        ];
        for (handler, want) in cases {
            assert_eq!(runs_handoff_hook(&handler), want, "{handler}");
        }
    }

    #[test]
    fn install_and_uninstall_leave_lookalikes_alone() {
        let text = json!({"hooks": {
            "SessionStart": [{"hooks": [{"type": "command", "command": "handoff hook && notify-send done"}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "/opt/acme/bin/handoff hook --to slack"}]}]
        }})
        .to_string();
        let once = install_text(&text);
        assert_eq!(find_ours(&once).len(), 5);
        assert_eq!(find_lookalikes(&once).len(), 2);
        let v: Value = serde_json::from_str(&once).unwrap();
        assert_eq!(
            v["hooks"]["SessionStart"][0]["hooks"][0]["command"],
            "handoff hook && notify-send done"
        );
        assert_eq!(uninstall(&once).unwrap().text, text);
        assert_eq!(uninstall(&text).unwrap().changes, Vec::<String>::new());
    }

    #[test]
    fn install_keeps_a_timeout_set_on_our_entry() {
        let ours = |timeout: Value| {
            json!({"hooks": {"Stop": [{"hooks": [
                {"type": "command", "command": "/old/handoff", "args": ["hook"], "timeout": timeout}
            ]}]}})
            .to_string()
        };
        for (timeout, kept) in [
            (json!(45), json!(45)),
            (json!(1.5), json!(1.5)),
            (json!(0), json!(10)),
            (json!("45"), json!(10)),
            (Value::Null, json!(10)),
        ] {
            let edit = install(&ours(timeout.clone()), &Registration::with_command(BIN)).unwrap();
            let v: Value = serde_json::from_str(&edit.text).unwrap();
            let handler = &v["hooks"]["Stop"][0]["hooks"][0];
            assert_eq!(handler["timeout"], kept, "{timeout}");
            assert_eq!(handler["command"], BIN);
        }
        let edit = install(&ours(json!(45)), &Registration::with_command(BIN)).unwrap();
        assert!(
            edit.changes.contains(&"Stop: updated command".to_string()),
            "{:?}",
            edit.changes
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let reg = Registration::with_command(BIN);
        let shadowed = "{\n  \"hooks\": {\"PreToolUse\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"rm -rf ./build\"}]}]},\n  \"hooks\": {}\n}\n";
        let once = install_text("{}");
        let nested = once.replacen("\"timeout\": 10", "\"timeout\": 10, \"timeout\": 5", 1);
        for text in [shadowed, nested.as_str()] {
            for result in [install(text, &reg), uninstall(text)] {
                assert!(
                    matches!(result, Err(SettingsError::DuplicateKey { .. })),
                    "{text}"
                );
            }
        }
        let Err(SettingsError::DuplicateKey {
            key,
            line,
            column,
            first_line,
        }) = uninstall(shadowed)
        else {
            panic!("a duplicate key");
        };
        assert_eq!((key.as_str(), line, column, first_line), ("hooks", 3, 3, 2));
    }

    #[test]
    fn shell_words_resolve_quotes() {
        let cases: &[(&str, &[&str])] = &[
            ("a b c", &["a", "b"]),
            ("  a  ", &["a"]),
            ("\"a b\"'c d' e", &["a bc d", "e"]),
            ("a\\ b c", &["a b", "c"]),
            ("\"a\\\"b\" c", &["a\"b", "c"]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(shell_words(text, 2), *want, "{text}");
        }
    }

    #[test]
    fn registration_comes_from_the_plugin_hook_file() {
        let plugin = Registration::plugin();
        let events: Vec<_> = plugin.events().collect();
        assert_eq!(
            events,
            [
                "SessionStart",
                "UserPromptSubmit",
                "Stop",
                "PreCompact",
                "SessionEnd"
            ]
        );
        let doc: Value = serde_json::from_str(PLUGIN_HOOKS_JSON).unwrap();
        assert_eq!(plugin.to_hooks_value(), doc["hooks"]);
        for (event, group) in &plugin.events {
            let handlers = group["hooks"].as_array().unwrap();
            assert_eq!(handlers.len(), 1, "{event}: one handler per event");
            assert!(is_ours(&handlers[0]), "{event}");
            let timeout = handlers[0]["timeout"].as_u64().unwrap();
            assert!((1..=10).contains(&timeout), "{event}: timeout in seconds");
        }
        // `install` writes the same thing with the binary's path.
        let installed: Value = serde_json::from_str(&install_text("")).unwrap();
        let mut want = doc["hooks"].clone();
        for groups in want.as_object_mut().unwrap().values_mut() {
            groups[0]["hooks"][0]["command"] = json!(BIN);
        }
        assert_eq!(installed["hooks"], want);
    }

    #[test]
    fn install_is_idempotent_and_uninstall_reverses_it() {
        let cases = [
            "{}",
            "{}\n",
            "{\n  \"model\": \"opus\"\n}\n",
            "{\n    \"hooks\": {\n        \"Stop\": [\n            {\n                \"hooks\": [{\"type\": \"command\", \"command\": \"say done\"}]\n            }\n        ]\n    }\n}",
            "{\"a\":[1,2],\"hooks\":{\"Stop\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"x\"}]}]}}",
            "{\r\n\t\"hooks\": {\r\n\t\t\"SessionStart\": []\r\n\t}\r\n}\r\n",
        ];
        for text in cases {
            let once = install_text(text);
            assert_eq!(install_text(&once), once, "second install of {text:?}");
            let back = uninstall(&once).unwrap().text;
            let original: Value = serde_json::from_str(text).unwrap();
            let mut expected = original.clone();
            // An event list that was empty before is emptied by us, so it goes; so does `hooks`.
            if expected["hooks"]["SessionStart"] == json!([]) {
                expected.as_object_mut().unwrap().remove("hooks");
            }
            assert_eq!(
                serde_json::from_str::<Value>(&back).unwrap(),
                expected,
                "{text:?}"
            );
            if expected == original {
                assert_eq!(back, text, "byte-identical round trip of {text:?}");
            }
        }
    }

    #[test]
    fn windows_paths_are_escaped_and_recognised() {
        let reg = Registration::with_command(r"C:\Program Files\handoff\handoff.exe");
        let once = install("{}", &reg).unwrap().text;
        assert!(
            once.contains(r#""command": "C:\\Program Files\\handoff\\handoff.exe""#),
            "{once}"
        );
        assert_eq!(find_ours(&once).len(), 5);
        assert_eq!(install(&once, &reg).unwrap().changes, Vec::<String>::new());
        assert_eq!(uninstall(&once).unwrap().text, "{}");
    }

    #[test]
    fn empty_file_becomes_a_fresh_document() {
        let out = install_text("  \n");
        assert!(
            out.starts_with("{\n  \"hooks\": {\n    \"SessionStart\": [\n"),
            "{out}"
        );
        assert!(out.ends_with("}\n"));
        assert!(out.contains("\"args\": [\"hook\"]"), "{out}");
        assert_eq!(uninstall(&out).unwrap().text, "{}\n");
    }

    #[test]
    fn updates_our_entry_in_place() {
        let text = "{\"hooks\": {\"Stop\": [{\"matcher\": \"\", \"hooks\": [{\"type\": \"command\", \"command\": \"/old/handoff\", \"args\": [\"hook\"]}]}]}}";
        let edit = install(text, &Registration::with_command(BIN)).unwrap();
        assert!(
            edit.changes
                .contains(&"Stop: updated command, timeout".to_string()),
            "{:?}",
            edit.changes
        );
        let v: Value = serde_json::from_str(&edit.text).unwrap();
        assert_eq!(v["hooks"]["Stop"].as_array().unwrap().len(), 1);
        assert_eq!(v["hooks"]["Stop"][0]["matcher"], "");
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["command"], BIN);
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["args"], json!(["hook"]));
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["timeout"], 10);
    }

    #[test]
    fn duplicates_in_one_file_are_folded() {
        let one = json!({"hooks": [{"type": "command", "command": BIN, "args": ["hook"], "timeout": 10}]});
        let text = json!({"hooks": {"Stop": [one.clone(), {"hooks": [{"type":"command","command":"x"}]}, one]}}).to_string();
        let edit = install(&text, &Registration::with_command(BIN)).unwrap();
        assert!(edit
            .changes
            .contains(&"Stop: removed a duplicate".to_string()));
        let found: Vec<_> = find_ours(&edit.text)
            .into_iter()
            .filter(|f| f.event == "Stop")
            .collect();
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn uninstall_keeps_other_handlers_in_a_shared_group() {
        let text = "{\"hooks\":{\"Stop\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"x\"},{\"type\":\"command\",\"command\":\"handoff\",\"args\":[\"hook\"]}]}]}}";
        let edit = uninstall(text).unwrap();
        assert_eq!(
            edit.text,
            "{\"hooks\":{\"Stop\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"x\"}]}]}}"
        );
        assert_eq!(edit.changes, ["Stop: removed"]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let reg = Registration::with_command(BIN);
        for text in [
            "[]",
            "{\"hooks\": []}",
            "{\"hooks\": {\"Stop\": {}}}",
            "{,}",
        ] {
            assert!(install(text, &reg).is_err(), "{text}");
        }
        // `null` is taken as absent.
        let out = install("{\"hooks\": null}", &reg).unwrap().text;
        assert_eq!(find_ours(&out).len(), 5);
    }

    #[test]
    fn plugin_detection() {
        let on = |v: serde_json::Value| plugin_setting(&v);
        assert_eq!(
            on(json!({"enabledPlugins": {"handoff@handoff": true}})),
            Some(true)
        );
        assert_eq!(on(json!({"enabledPlugins": {"handoffs@x": true}})), None);
        assert_eq!(on(json!({})), None);
        assert_eq!(
            plugin_setting(&json!({"enabledPlugins": {"handoff@handoff": false}})),
            Some(false)
        );
        assert_eq!(plugin_setting(&json!({"enabledPlugins": {}})), None);
    }
}
