//! A stand-in for the Anthropic Messages API on 127.0.0.1: it records every request the model would
//! have received and answers each one from a script, as server-sent events like the real API.
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use serde_json::{json, Value};

/// What the scripted model says next, decided from the request it was sent.
pub(crate) type Script = dyn Fn(&Request) -> Reply + Send + Sync;

/// The running server. Dropping it stops accepting connections.
pub(crate) struct StandIn {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stopping: Arc<AtomicBool>,
}

impl StandIn {
    /// Bind a free loopback port and serve `script` until dropped; the model's relative file paths
    /// are taken from `root`.
    pub(crate) fn start(script: Arc<Script>, root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let server = Server {
            script,
            root: root.to_path_buf(),
            requests: Arc::clone(&requests),
        };
        let stop = Arc::clone(&stopping);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let server = server.clone();
                // The client keeps several connections open at once; each gets its own thread.
                thread::spawn(move || server.serve(stream));
            }
        });
        Self {
            addr,
            requests,
            stopping,
        }
    }

    /// The base URL to hand the client as `ANTHROPIC_BASE_URL`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every `/v1/messages` request received so far, oldest first.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

#[derive(Clone)]
struct Server {
    script: Arc<Script>,
    root: PathBuf,
    requests: Arc<Mutex<Vec<Request>>>,
}

/// Numbers every reply of every stand-in in the run, so no two messages or tool calls share an id.
static REPLIES: AtomicU64 = AtomicU64::new(0);

impl Server {
    /// Answer requests on one keep-alive connection until the client closes it.
    fn serve(&self, stream: TcpStream) {
        let Ok(mut writer) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        while let Some((path, body)) = read_request(&mut reader) {
            let (status, content_type, payload) = self.answer(&path, &body);
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
                payload.len()
            );
            if writer.write_all(head.as_bytes()).is_err()
                || writer.write_all(payload.as_bytes()).is_err()
            {
                return;
            }
        }
    }

    /// The status line, content type and body that answer one request.
    fn answer(&self, path: &str, body: &[u8]) -> (&'static str, &'static str, String) {
        let route = path.split('?').next().unwrap_or_default();
        match route {
            // Only asked for sizing; any plausible count will do.
            "/v1/messages/count_tokens" => (
                "200 OK",
                "application/json",
                json!({"input_tokens": 1000}).to_string(),
            ),
            "/v1/messages" => {
                let request = Request(serde_json::from_slice(body).unwrap_or(Value::Null));
                // Recorded before the script runs, so a failing script still leaves the request to see.
                self.requests
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(request.clone());
                let reply = (self.script)(&request).resolve(&self.root);
                let model = request.0["model"].as_str().unwrap_or_default();
                let id = REPLIES.fetch_add(1, Ordering::SeqCst);
                if request.0["stream"] == true {
                    ("200 OK", "text/event-stream", reply.to_events(model, id))
                } else {
                    (
                        "200 OK",
                        "application/json",
                        reply.to_message(model, id).to_string(),
                    )
                }
            }
            _ => (
                "404 Not Found",
                "application/json",
                json!({"type": "error", "error": {"type": "not_found_error", "message": route}})
                    .to_string(),
            ),
        }
    }
}

/// Read one HTTP/1.1 request: its path and body. `None` when the connection is done.
fn read_request(reader: &mut impl BufRead) -> Option<(String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((path, body))
}

/// One reply of the scripted model: a text or one tool call, and the usage it reports.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    block: Block,
    input_tokens: u64,
}

#[derive(Debug, Clone)]
enum Block {
    Text(String),
    Tool { name: String, input: Value },
}

impl Reply {
    /// End the turn with this text.
    pub(crate) fn text(text: &str) -> Self {
        Self {
            block: Block::Text(text.to_string()),
            input_tokens: 1000,
        }
    }

    /// Call a tool; the client runs it and sends the result back in the next request.
    pub(crate) fn tool(name: &str, input: Value) -> Self {
        Self {
            block: Block::Tool {
                name: name.to_string(),
                input,
            },
            input_tokens: 1000,
        }
    }

    /// Call the Write tool on a file of the project (relative) or anywhere (absolute).
    pub(crate) fn write(path: &str, content: &str) -> Self {
        Self::tool("Write", json!({"file_path": path, "content": content}))
    }

    /// Call the Read tool, which the client requires before it lets the model overwrite a file.
    pub(crate) fn read(path: &str) -> Self {
        Self::tool("Read", json!({ "file_path": path }))
    }

    /// Call the Bash tool with `command`; the client runs it only when a rule allows it
    /// (`E2e::allow`), and sends its output back as the tool result.
    pub(crate) fn bash(command: &str) -> Self {
        Self::tool(
            "Bash",
            json!({"command": command, "description": "Run a command"}),
        )
    }

    /// Call the Edit tool: replace `old` with `new` in a file the model has read.
    pub(crate) fn edit(path: &str, old: &str, new: &str) -> Self {
        Self::tool(
            "Edit",
            json!({"file_path": path, "old_string": old, "new_string": new}),
        )
    }

    /// Make a relative `file_path` absolute: the client's Write tool only takes absolute paths.
    fn resolve(mut self, root: &Path) -> Self {
        if let Block::Tool { input, .. } = &mut self.block {
            if let Some(path) = input["file_path"].as_str().filter(|p| !p.starts_with('/')) {
                input["file_path"] = json!(root.join(path));
            }
        }
        self
    }

    /// Report this many input tokens, which is what the transcript records as the context size.
    pub(crate) fn input_tokens(mut self, tokens: u64) -> Self {
        self.input_tokens = tokens;
        self
    }

    fn stop_reason(&self) -> &'static str {
        match self.block {
            Block::Text(_) => "end_turn",
            Block::Tool { .. } => "tool_use",
        }
    }

    fn usage(&self) -> Value {
        json!({"input_tokens": self.input_tokens, "cache_creation_input_tokens": 0,
               "cache_read_input_tokens": 0, "output_tokens": 5})
    }

    /// The whole message, for the rare request that does not stream.
    fn to_message(&self, model: &str, id: u64) -> Value {
        let content = match &self.block {
            Block::Text(text) => json!({"type": "text", "text": text}),
            Block::Tool { name, input } => {
                json!({"type": "tool_use", "id": format!("toolu_e2e_{id}"), "name": name, "input": input})
            }
        };
        json!({"id": format!("msg_e2e_{id}"), "type": "message", "role": "assistant", "model": model,
               "content": [content], "stop_reason": self.stop_reason(), "stop_sequence": null,
               "usage": self.usage()})
    }

    /// The message as the server-sent events a streaming request expects.
    fn to_events(&self, model: &str, id: u64) -> String {
        let (start, delta) = match &self.block {
            Block::Text(text) => (
                json!({"type": "text", "text": ""}),
                json!({"type": "text_delta", "text": text}),
            ),
            Block::Tool { name, input } => (
                json!({"type": "tool_use", "id": format!("toolu_e2e_{id}"), "name": name, "input": {}}),
                json!({"type": "input_json_delta", "partial_json": input.to_string()}),
            ),
        };
        let mut usage = self.usage();
        usage["output_tokens"] = json!(1);
        let events = [
            json!({"type": "message_start", "message": {"id": format!("msg_e2e_{id}"), "type": "message",
                   "role": "assistant", "model": model, "content": [], "stop_reason": null,
                   "stop_sequence": null, "usage": usage}}),
            json!({"type": "content_block_start", "index": 0, "content_block": start}),
            json!({"type": "content_block_delta", "index": 0, "delta": delta}),
            json!({"type": "content_block_stop", "index": 0}),
            json!({"type": "message_delta", "delta": {"stop_reason": self.stop_reason(), "stop_sequence": null},
                   "usage": {"output_tokens": 5}}),
            json!({"type": "message_stop"}),
        ];
        let mut stream = String::new();
        for event in events {
            let name = event["type"].as_str().unwrap_or_default();
            let _ = write!(stream, "event: {name}\ndata: {event}\n\n");
        }
        stream
    }
}

/// One request body as the model would have received it, with readers for what tests look for.
#[derive(Debug, Clone)]
pub(crate) struct Request(pub Value);

impl Request {
    fn messages(&self) -> &[Value] {
        self.0["messages"].as_array().map_or(&[], Vec::as_slice)
    }

    /// What this turn added: the messages after the model's last reply (all of them before it
    /// has replied).
    fn new_messages(&self) -> &[Value] {
        let messages = self.messages();
        let replied = messages.iter().rposition(|m| m["role"] == "assistant");
        &messages[replied.map_or(0, |i| i + 1)..]
    }

    /// Every text the client sent as the user or the system, in order: prompts, reminders, hook
    /// context and feedback (not tool results).
    pub(crate) fn sent_texts(&self) -> Vec<&str> {
        sent_texts(self.messages())
    }

    /// The texts this turn added.
    pub(crate) fn new_texts(&self) -> Vec<&str> {
        sent_texts(self.new_messages())
    }

    /// The additional context each `event` hook injected anywhere in the conversation, in order.
    pub(crate) fn hook_contexts(&self, event: &str) -> Vec<&str> {
        hook_contexts(self.messages(), event)
    }

    /// The additional context `event` hooks injected in this turn.
    pub(crate) fn new_hook_contexts(&self, event: &str) -> Vec<&str> {
        hook_contexts(self.new_messages(), event)
    }

    /// The reason of each `event` hook block the model was told about, in order.
    pub(crate) fn hook_feedback(&self, event: &str) -> Vec<&str> {
        self.sent_texts()
            .into_iter()
            .filter_map(|t| hook_feedback(t, event))
            .collect()
    }

    /// Whether any text the client sent contains `needle`.
    pub(crate) fn mentions(&self, needle: &str) -> bool {
        self.sent_texts().iter().any(|t| t.contains(needle))
    }

    /// The tool calls the model already made in this conversation: (tool name, input).
    pub(crate) fn tool_calls(&self) -> Vec<(&str, &Value)> {
        self.messages()
            .iter()
            .filter(|m| m["role"] == "assistant")
            .filter_map(|m| m["content"].as_array())
            .flatten()
            .filter(|b| b["type"] == "tool_use")
            .map(|b| (b["name"].as_str().unwrap_or_default(), &b["input"]))
            .collect()
    }

    /// The results of the model's tool calls so far, in order: (output, whether the client marked it
    /// an error). The client may append a reminder to the output.
    pub(crate) fn tool_results(&self) -> Vec<(String, bool)> {
        self.messages()
            .iter()
            .filter(|m| m["role"] == "user")
            .filter_map(|m| m["content"].as_array())
            .flatten()
            .filter(|b| b["type"] == "tool_result")
            .map(|b| {
                let output = match &b["content"] {
                    Value::String(s) => s.clone(),
                    blocks => texts(&json!({ "content": blocks })).concat(),
                };
                (output, b["is_error"] == true)
            })
            .collect()
    }

    /// Whether the model already called `tool` on a path ending with `suffix`.
    pub(crate) fn called(&self, tool: &str, suffix: &str) -> bool {
        self.tool_calls().iter().any(|(name, input)| {
            *name == tool
                && input["file_path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(suffix))
        })
    }

    /// The conversation in short, one line per block, for failure messages.
    pub(crate) fn outline(&self) -> String {
        let mut out = String::new();
        for message in self.messages() {
            let role = message["role"].as_str().unwrap_or_default();
            let blocks = match &message["content"] {
                Value::Array(blocks) => blocks.clone(),
                other => vec![json!({"type": "text", "text": other})],
            };
            for block in blocks {
                let body = match block["type"].as_str().unwrap_or_default() {
                    "text" => block["text"].as_str().unwrap_or_default().to_string(),
                    "tool_use" => format!("{} {}", block["name"], block["input"]),
                    "tool_result" => block["content"].to_string(),
                    _ => block.to_string(),
                };
                let short: String = body.chars().take(160).collect();
                let _ = writeln!(
                    out,
                    "{role} {}: {}",
                    block["type"],
                    short.replace('\n', "⏎")
                );
            }
        }
        out
    }

    /// Whether this is the client asking for a compaction summary.
    pub(crate) fn is_compaction(&self) -> bool {
        self.new_texts()
            .iter()
            .any(|t| t.contains("<analysis> block followed by a <summary> block"))
    }
}

/// The text blocks of one message; a plain string content counts as one block.
fn texts(message: &Value) -> Vec<&str> {
    match &message["content"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            .collect(),
        _ => Vec::new(),
    }
}

/// The texts of the user's and the system's messages.
fn sent_texts(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .filter(|m| m["role"] == "user" || m["role"] == "system")
        .flat_map(texts)
        .collect()
}

/// The additional context `event` hooks injected in `messages`, in either place the client puts
/// it: a reminder in a user message (`MODEL`), or a section of a system message (the default model).
fn hook_contexts<'a>(messages: &'a [Value], event: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    for message in messages {
        for text in texts(message) {
            if message["role"] == "user" {
                found.extend(reminder_context(text, event));
            } else if message["role"] == "system" {
                found.extend(system_contexts(text, event));
            }
        }
    }
    found
}

/// The additional context a hook event injected, taken out of the reminder the client wraps it in:
/// `<system-reminder>\n{event} hook additional context: {context}\n</system-reminder>`.
fn reminder_context<'a>(text: &'a str, event: &str) -> Option<&'a str> {
    let rest = text.strip_prefix("<system-reminder>\n")?;
    let rest = rest.strip_prefix(event)?;
    let rest = rest.strip_prefix(" hook additional context: ")?;
    rest.trim_end_matches('\n')
        .strip_suffix("\n</system-reminder>")
}

/// How the client's own sections begin where it joins them to hook context with a blank line,
/// unwrapped, in one system text: the context runs up to the first of them.
const CLIENT_SECTIONS: [&str; 9] = [
    "# Environment\n",
    "You are powered by the model named ",
    "The following deferred tools are now available",
    "Available agent types for the Agent tool:",
    "When you launch multiple agents",
    "The following skills are available",
    "<total_tokens>",
    "Today's date is ",
    "Attribution for git commits",
];

/// The additional context `event` hooks injected into one system text:
/// `{event} hook additional context: {context}`, a section of its own among the client's.
fn system_contexts<'a>(text: &'a str, event: &str) -> Vec<&'a str> {
    let marker = format!("{event} hook additional context: ");
    text.match_indices(&marker)
        .filter(|(at, _)| text[..*at].is_empty() || text[..*at].ends_with("\n\n"))
        .map(|(at, _)| {
            let body = &text[at + marker.len()..];
            let bytes = body.as_bytes();
            // Byte by byte, as the context may end with a newline of its own before the blank line.
            let end = (0..bytes.len().saturating_sub(1))
                .find(|&i| {
                    bytes[i] == b'\n' && bytes[i + 1] == b'\n' && begins_a_section(&body[i + 2..])
                })
                .unwrap_or(body.len());
            &body[..end]
        })
        .collect()
}

/// Whether `text` starts a section of the client's own, or another hook's context.
fn begins_a_section(text: &str) -> bool {
    let another_hook = text.split_once(' ').is_some_and(|(event, rest)| {
        !event.is_empty()
            && event.bytes().all(|b| b.is_ascii_alphanumeric())
            && rest.starts_with("hook additional context: ")
    });
    another_hook || CLIENT_SECTIONS.iter().any(|s| text.starts_with(s))
}

/// The reason of a hook's block, as the client tells the model: `{event} hook feedback:\n{reason}`
/// on its own (2.1.328), or in a reminder after a line on where hook output comes from (2.1.332).
fn hook_feedback<'a>(text: &'a str, event: &str) -> Option<&'a str> {
    let heading = format!("{event} hook feedback:\n");
    if let Some(reason) = text.strip_prefix(&heading) {
        return Some(reason);
    }
    let inner = text
        .strip_prefix("<system-reminder>\n")?
        .trim_end_matches('\n')
        .strip_suffix("\n</system-reminder>")?;
    let (preamble, reason) = inner.split_once(&format!("\n{heading}"))?;
    (!preamble.contains('\n')).then_some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context as `MODEL` gets it, and in the system text the default model gets, both where a
    /// session starts (before the environment) and after a compaction (between the client's own
    /// sections); the context may end with a newline.
    #[test]
    fn hook_contexts_reads_a_reminder_and_a_system_section() {
        let context = "[handoff] the header\n\n# Handoff\n\n## Next\n1. Fix it.\n";
        let reminder = json!({"role": "user", "content": [
            {"type": "text", "text": format!("<system-reminder>\nSessionStart hook additional context: {context}\n</system-reminder>")},
            {"type": "text", "text": "hello"}]});
        let at_start = json!({"role": "system", "content": [{"type": "text", "text":
            format!("SessionStart hook additional context: {context}\n\n# Environment\nYou have been invoked")}]});
        let after_compaction = json!({"role": "system", "content": [{"type": "text", "text":
            format!("Available agent types for the Agent tool:\n- claude\n\nYou are powered by the model named \
                     Opus 5.5.\n\nSessionStart hook additional context: {context}\n\nToday's date is 2026-12-01.")}]});
        for message in [reminder, at_start, after_compaction] {
            let messages = [message];
            assert_eq!(
                hook_contexts(&messages, "SessionStart"),
                [context],
                "{messages:?}"
            );
            assert!(hook_contexts(&messages, "UserPromptSubmit").is_empty());
        }
    }

    /// The reason as 2.1.328 and 2.1.332 send it (2.1.332's preamble shortened).
    #[test]
    fn hook_feedback_reads_both_forms() {
        let plain = "Stop hook feedback:\nUpdate the handoff.\nThen stop.";
        let reminder = "<system-reminder>\nThe text below is the output of a hook that the user \
                        set up. It carries no message from the user.\nStop hook feedback:\n\
                        Update the handoff.\nThen stop.\n</system-reminder>";
        for text in [plain, reminder] {
            assert_eq!(
                hook_feedback(text, "Stop"),
                Some("Update the handoff.\nThen stop."),
                "{text}"
            );
        }
        assert_eq!(hook_feedback(plain, "SubagentStop"), None);
        let quoted = "<system-reminder>\nOne.\nTwo.\nStop hook feedback:\nx\n</system-reminder>";
        assert_eq!(
            hook_feedback(quoted, "Stop"),
            None,
            "one line before it, no more"
        );
    }
}
