#!/usr/bin/env bash
# Whole-process latency of `handoff hook` per event, against `cat` of the same handoff in the same
# run: the floor of starting a process and reading one file.
#
#   benches/hooks.sh                 # needs hyperfine (apt-get install hyperfine) and python3
#   TRANSCRIPT_MB=100 RUNS=200 benches/hooks.sh
#
# Targets: SessionStart (with git staleness) <= 2x cat; Stop and UserPromptSubmit <= 1.5x cat on a
# 100 MB transcript.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mb=${TRANSCRIPT_MB:-100}
runs=${RUNS:-300}
command -v hyperfine >/dev/null || { echo "benches/hooks.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

# Build the binary install.sh installs (PROFILE=release for the other one): statically linked on
# Linux with glibc.
profile=${PROFILE:-dist}
host=$(rustc -vV | sed -n 's/^host: //p')
case "$host" in
*-linux-gnu*)
  RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --profile "$profile" --quiet --manifest-path "$root/Cargo.toml" --target "$host"
  bin="${CARGO_TARGET_DIR:-$root/target}/$host/$profile/handoff" ;;
*)
  cargo build --profile "$profile" --quiet --manifest-path "$root/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$root/target}/$profile/handoff" ;;
esac

work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
project="$work/project"
export HANDOFF_STATE_DIR="$work/state" CLAUDE_PROJECT_DIR="$project" HOME="$work"
mkdir -p "$project/docs"

# A project with history: the handoff committed, then 40 commits of work.
git -C "$project" init -q -b main
g() { git -C "$project" -c user.name=bench -c user.email=b@e -c commit.gpgsign=false "$@"; }
python3 - "$project/docs/SESSION-HANDOFF.md" <<'PY'
import sys
parts = ["# Session Handoff\n\nLast Updated: 2026-11-21\n\n## Current State\n"]
parts += [f"- Module {i} is in place and tested; next step is wiring it up.\n" for i in range(40)]
parts += ["\n## What Was Done This Session\n"]
parts += [f"- Did task {i}: refactored the parser and added fixtures 🐢\n" for i in range(200)]
parts += ["\n## What Failed\n- Regex parsing: broke on nested fences\n\n## What's Next\n- P0: ship\n- P1: docs\n\n## Key Decisions\n- UTF-16 budget\n"]
open(sys.argv[1], "w").write("".join(parts))
PY
g add -A && g commit -qm handoff
for i in $(seq 1 40); do echo "$i" > "$project/f$((i % 7)).rs"; g add -A; g commit -qm "work $i"; done

# A transcript of about $mb MB: realistic lines, big tool results.
transcript="$work/transcript.jsonl"
python3 - "$transcript" "$mb" "$project" <<'PY'
import json, sys
path, mb, project = sys.argv[1], int(sys.argv[2]), sys.argv[3]
edit = json.dumps({"type": "assistant", "isSidechain": False, "message": {"model": "claude-sonnet-4-5",
    "content": [{"type": "tool_use", "id": "t", "name": "Edit", "input": {"file_path": project + "/f1.rs", "old_string": "a", "new_string": "b"}}],
    "usage": {"input_tokens": 120000, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 50}}})
result = json.dumps({"type": "user", "isSidechain": False, "message": {"role": "user",
    "content": [{"type": "tool_result", "tool_use_id": "t", "content": "x" * 20000}]}})
block = (edit + "\n" + result + "\n") * 50
with open(path, "w") as f:
    while f.tell() < mb * 1024 * 1024:
        f.write(block)
PY
ls -la "$transcript" | awk '{printf "transcript: %.0f MB\n", $5/1048576}'

event() { python3 -c 'import json,sys; print(json.dumps(dict(session_id="bench", transcript_path=sys.argv[1], cwd=sys.argv[2], hook_event_name=sys.argv[3], **json.loads(sys.argv[4]))))' "$transcript" "$project" "$1" "$2"; }
event SessionStart '{"source":"resume"}' > "$work/start.json"
event Stop '{"stop_hook_active":false,"prompt_id":"p1"}' > "$work/stop.json"
event UserPromptSubmit '{"prompt":"go on"}' > "$work/prompt.json"

# Start the session at the transcript's end (as a resume does), then warm the staleness cache.
"$bin" hook < "$work/start.json" > /dev/null
"$bin" hook < "$work/stop.json" > /dev/null
handoff="$project/docs/SESSION-HANDOFF.md"
ls -la "$handoff" | awk '{printf "handoff: %.1f KB\n", $5/1024}'


# One hyperfine run per event, each against `cat` of the same handoff in the same run. No shell in
# between (-N), the event on stdin (--input, hyperfine >= 1.17).
hf=${HYPERFINE:-hyperfine}
"$hf" --help | grep -q -- '--input' || { echo "benches/hooks.sh: needs hyperfine >= 1.17 for --input (cargo install hyperfine@1.20.0)" >&2; exit 1; }
bench() { # name event-file [extra hyperfine args...]
  local name=$1 input=$2; shift 2
  "$hf" -N --warmup 20 --runs "$runs" --input "$input" --export-json "$work/run.json" "$@" \
    -n "cat handoff" "cat $handoff" -n "$name" "$bin hook" >/dev/null 2>&1
  python3 - "$work/run.json" <<'PY'
import json, statistics, sys
cat, hook = json.load(open(sys.argv[1]))["results"]
med = lambda r: statistics.median(r["times"]) * 1000
print(f"| {hook['command']} | {med(hook):.2f} | {min(hook['times'])*1000:.2f} | {med(cat):.2f} | {med(hook)/med(cat):.2f}x |")
PY
}
echo "| event | median ms | min ms | cat median ms | vs cat |"
echo "|:---|---:|---:|---:|---:|"
bench "SessionStart, staleness cached" "$work/start.json"
bench "SessionStart, staleness from git" "$work/start.json" --prepare "rm -f $(echo "$HANDOFF_STATE_DIR"/projects/*/staleness.json)"
bench "Stop, ${mb} MB transcript" "$work/stop.json"
bench "UserPromptSubmit, ${mb} MB transcript" "$work/prompt.json"
