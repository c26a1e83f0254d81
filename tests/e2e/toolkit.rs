//! The toolkit through the client: what one session records with `handoff` (run by the model's Bash
//! tool) or leaves unrecorded reaches the next session's start.
use crate::session::{on_each_version, E2e, HANDOFF};
use crate::session_start::SMALL;
use crate::stand_in::{Reply, Request};

/// What the model may run without a prompt: the `handoff` under test, and nothing else.
const HANDOFF_COMMANDS: &str = "Bash(handoff:*)";

/// The one SessionStart context of a new session's request.
#[track_caller]
fn start_context(request: &Request) -> &str {
    let contexts = request.hook_contexts("SessionStart");
    assert_eq!(
        contexts.len(),
        1,
        "one SessionStart context: {contexts:#?}\n{}",
        request.outline()
    );
    contexts[0]
}

/// The body of the `## title` section in `text`, up to the next heading of any level.
fn section<'a>(text: &'a str, title: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(&format!("\n## {title}\n"))?;
    Some(rest.split("\n#").next().unwrap_or(rest))
}

/// The output of the only tool call in `request`, which must have succeeded.
#[track_caller]
fn the_tool_output(request: &Request) -> String {
    let results = request.tool_results();
    assert_eq!(
        results.len(),
        1,
        "one tool call: {results:#?}\n{}",
        request.outline()
    );
    let (output, is_error) = results.into_iter().next().unwrap_or_default();
    assert!(
        !is_error,
        "the tool call failed: {output}\n{}",
        request.outline()
    );
    output
}

const DECISION: &str = "Keep the lexer hand-written: a parser generator doubles the build time";
const RECORD: &str = "record the lexer decision";

#[test]
fn a_checkpoint_run_through_bash_reaches_the_next_session() {
    on_each_version(|client| {
        let e2e = E2e::start(client, |req| {
            if !req.mentions(RECORD) {
                Reply::text("ok")
            } else if req.tool_calls().is_empty() {
                Reply::bash(&format!("handoff checkpoint --decision \"{DECISION}\""))
            } else {
                Reply::text("Recorded.")
            }
        });
        e2e.write(HANDOFF, SMALL).allow(HANDOFF_COMMANDS);

        let run = e2e.prompt(RECORD);

        let recorded = e2e.last_request();
        let output = the_tool_output(&recorded);
        assert!(
            output.starts_with(&format!("Added to Key Decisions in {HANDOFF}.")),
            "handoff says where the entry went: {output}"
        );
        assert_eq!(run.result["result"], "Recorded.");
        assert!(
            !start_context(&e2e.requests()[0]).contains(DECISION),
            "the decision is new in this session"
        );

        e2e.prompt("what did we decide?");

        let next = e2e.last_request();
        let context = start_context(&next);
        let decisions = section(context, "Key Decisions").unwrap_or_else(|| {
            panic!(
                "no Key Decisions in the next start:\n{context}\n{}",
                next.outline()
            )
        });
        assert!(
            decisions
                .lines()
                .any(|l| l.ends_with(&format!(" — {DECISION}"))),
            "the decision is an entry of Key Decisions:\n{decisions}"
        );
        assert!(
            decisions.contains("- Std only: no parser generator."),
            "next to the decisions already there:\n{decisions}"
        );
    });
}

const INCIDENT: &str = "Release builds served a stale cache";
const PREVENTION: &str = "Key the build cache by content hash, not mtime.";
const WRITE_UP: &str = "write up the stale cache incident";

/// The line under `## Prevention` in the postmortem template, which the model replaces.
fn prevention_placeholder() -> &'static str {
    include_str!("../../templates/postmortem.md")
        .split_once("## Prevention\n")
        .and_then(|(_, rest)| rest.lines().find(|l| !l.trim().is_empty()))
        .expect("the postmortem template has a Prevention line")
}

/// A model that creates a postmortem with `handoff postmortem`, reads the file it printed, and
/// fills in the prevention.
fn postmortem_model(req: &Request) -> Reply {
    if !req.mentions(WRITE_UP) {
        return Reply::text("ok");
    }
    let calls = req.tool_calls();
    let last_result = req.tool_results().pop();
    match (calls.last(), last_result) {
        (None, _) => Reply::bash(&format!("handoff postmortem \"{INCIDENT}\"")),
        (_, Some((_, true))) => Reply::text("A tool call failed."),
        // `handoff postmortem` prints only the new file's path.
        (Some(("Bash", _)), Some((output, false))) => {
            Reply::read(output.lines().next().unwrap_or_default().trim())
        }
        (Some(("Read", input)), _) => Reply::edit(
            input["file_path"].as_str().unwrap_or_default(),
            prevention_placeholder(),
            &format!("- {PREVENTION}"),
        ),
        _ => Reply::text("Written up."),
    }
}

#[test]
fn a_postmortem_written_in_one_session_is_listed_at_the_next_start() {
    on_each_version(|client| {
        let e2e = E2e::start(client, postmortem_model);
        e2e.write(HANDOFF, SMALL).allow(HANDOFF_COMMANDS);

        let run = e2e.prompt(WRITE_UP);

        let written = e2e.last_request();
        assert_eq!(
            run.result["result"],
            "Written up.",
            "created, read and edited\n{}",
            written.outline()
        );
        let files: Vec<String> = std::fs::read_dir(e2e.path("docs/postmortems"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        assert_eq!(files.len(), 1, "one postmortem: {files:#?}");
        let file = &files[0];
        assert!(
            e2e.read(&format!("docs/postmortems/{file}"))
                .contains(&format!("## Prevention\n\n- {PREVENTION}\n")),
            "the prevention is filled in\n{}",
            written.outline()
        );

        e2e.prompt("hello");

        let next = e2e.last_request();
        let context = start_context(&next);
        let (_, index) = context
            .split_once("[handoff] Postmortems in docs/postmortems/, newest first:\n")
            .unwrap_or_else(|| {
                panic!(
                    "no postmortem index in the next start:\n{context}\n{}",
                    next.outline()
                )
            });
        let date = &file[..10];
        assert_eq!(
            index.lines().next(),
            Some(format!("- {date} {INCIDENT} — prevention: {PREVENTION}").as_str()),
            "the postmortem, with its prevention:\n{context}"
        );
    });
}

const FORGOTTEN: &str = "make answer() return 42";

/// A model that edits a source file and stops, leaving the handoff alone.
fn forgetful_model(req: &Request) -> Reply {
    if !req.mentions(FORGOTTEN) {
        Reply::text("ok")
    } else if req.called("Write", "src/lib.rs") {
        Reply::text("Done.")
    } else {
        Reply::write("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
    }
}

#[test]
fn a_session_that_left_the_handoff_alone_is_summed_up_at_the_next_start() {
    on_each_version(|client| {
        let e2e = E2e::start(client, forgetful_model);
        e2e.write(HANDOFF, SMALL);

        let run = e2e.prompt(FORGOTTEN);

        assert_eq!(run.result["result"], "Done.");
        assert_eq!(e2e.read(HANDOFF), SMALL, "nobody touched the handoff");

        e2e.prompt("carry on");

        let next = e2e.last_request();
        let context = start_context(&next);
        let heading = "[handoff] The last session (1 prompt";
        let (_, digest) = context.split_once(heading).unwrap_or_else(|| {
            panic!(
                "no digest in the next start:\n{context}\n{}",
                next.outline()
            )
        });
        let mut lines = digest.lines();
        let rest_of_heading = lines.next().unwrap_or_default();
        assert!(
            rest_of_heading.ends_with(&format!(") did not update {HANDOFF}. From its transcript:")),
            "{heading}{rest_of_heading}"
        );
        let items: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
        assert_eq!(
            items,
            ["- Changed: src/lib.rs", &format!("- Asked: {FORGOTTEN}")],
            "the changed file and the prompt:\n{context}"
        );
    });
}
