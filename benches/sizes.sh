#!/usr/bin/env bash
# Hooks at size, each against `cat` of the same handoff in the same hyperfine run:
#   - SessionEnd over a session that edited 1,000 and 40,000 distinct files (cost must stay flat);
#   - Stop on a turn it has already read (no wait for the turn to be written);
#   - SessionStart with no staleness cache, 80,000 commits after the handoff's last commit.
#
#   HYPERFINE=~/.cargo/bin/hyperfine RUNS=50 benches/sizes.sh    # hyperfine >= 1.17, python3, git
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-50}
commits=${COMMITS:-80000}
hf=${HYPERFINE:-hyperfine}
"$hf" --help 2>/dev/null | grep -q -- '--input' || { echo "benches/sizes.sh: needs hyperfine >= 1.17 for --input (cargo install hyperfine@1.20.0)" >&2; exit 1; }

# The binary install.sh installs: statically linked on Linux with glibc.
host=$(rustc -vV | sed -n 's/^host: //p')
case "$host" in
*-linux-gnu*)
  RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" --target "$host"
  bin="${CARGO_TARGET_DIR:-$root/target}/$host/release/handoff" ;;
*)
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$root/target}/release/handoff" ;;
esac

work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export HOME="$work" TZ=UTC

# project <dir>: a git project whose handoff was committed once, then $commits commits of work,
# made with fast-import (seconds, not minutes).
project() {
  local dir=$1 n=$2
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  python3 - "$n" <<'PY' | git -C "$dir" fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout
handoff = "# Session Handoff\n\n## Current State\n" + "".join(f"- Module {i} is in place.\n" for i in range(40)) \
    + "\n## What's Next\n- P0: ship\n\n## Key Decisions\n- UTF-16 budget\n"
def blob(path, text):
    data = text.encode()
    out.write(f"M 100644 inline {path}\ndata {len(data)}\n{text}\n")
def commit(mark, t, files):
    out.write(f"commit refs/heads/main\nmark :{mark}\ncommitter B <b@e> {t} +0000\ndata 1\nc\n")
    if mark > 1:
        out.write(f"from :{mark - 1}\n")
    for path, text in files:
        blob(path, text)
commit(1, 1_700_000_000, [("docs/SESSION-HANDOFF.md", handoff)])
for i in range(n):
    commit(i + 2, 1_700_000_001 + i, [(f"src/f{i % 50}.rs", f"{i}\n")])
PY
  git -C "$dir" reset -q --hard main
}

# transcript <file> <edited-files> <project>: one Edit and its result per distinct file.
transcript() {
  python3 - "$@" <<'PY'
import json, sys
path, n, project = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write(json.dumps({"type": "user", "isSidechain": False, "message": {"role": "user", "content": "go"}}) + "\n")
    for i in range(n):
        f.write(json.dumps({"type": "assistant", "isSidechain": False, "message": {"model": "claude-sonnet-4-5",
            "content": [{"type": "tool_use", "id": f"t{i}", "name": "Edit", "input": {
                "file_path": f"{project}/src/d{i % 100}/f{i}.rs", "old_string": "a", "new_string": "b"}}],
            "usage": {"input_tokens": 50000, "output_tokens": 50}}}) + "\n")
        f.write(json.dumps({"type": "user", "isSidechain": False, "message": {"role": "user",
            "content": [{"type": "tool_result", "tool_use_id": f"t{i}", "content": "ok"}]}}) + "\n")
PY
}

event() { # transcript project event extra-json
  python3 -c 'import json,sys; print(json.dumps(dict(session_id="bench", transcript_path=sys.argv[1], cwd=sys.argv[2], hook_event_name=sys.argv[3], **json.loads(sys.argv[4]))))' "$@"
}

# bench <name> <event-file> <handoff> [hyperfine args...]: one markdown row.
bench() {
  local name=$1 input=$2 handoff=$3; shift 3
  "$hf" -N --warmup 5 --runs "$runs" --input "$input" --export-json "$work/run.json" "$@" \
    -n "cat handoff" "cat $handoff" -n "$name" "$bin hook" >/dev/null 2>&1
  python3 - "$work/run.json" <<'PY'
import json, statistics, sys
cat, hook = json.load(open(sys.argv[1]))["results"]
med = lambda r: statistics.median(r["times"]) * 1000
print(f"| {hook['command']} | {med(hook):.2f} | {min(hook['times'])*1000:.2f} | {med(cat):.2f} | {med(hook)/med(cat):.2f}x |")
PY
}

# restore <from> <to>: an executable that puts a state folder back as it was (hyperfine runs it
# before each run, without a shell).
restore() {
  printf '#!/bin/sh\nrm -rf "%s" && cp -a "%s" "%s"\n' "$2" "$1" "$2" > "$work/restore-$3"
  chmod +x "$work/restore-$3"
  echo "$work/restore-$3"
}

echo "| case | median ms | min ms | cat median ms | vs cat |"
echo "|:---|---:|---:|---:|---:|"

# SessionEnd: a fresh session's state each run, so every run reads the whole transcript.
small="$work/small"
project "$small" 40 >/dev/null
for n in 1000 40000; do
  export CLAUDE_PROJECT_DIR="$small" HANDOFF_STATE_DIR="$work/state-$n"
  transcript "$work/t$n.jsonl" "$n" "$small"
  event "$work/t$n.jsonl" "$small" SessionStart '{"source":"startup"}' > "$work/start$n.json"
  "$bin" hook < "$work/start$n.json" > /dev/null
  cp -a "$HANDOFF_STATE_DIR" "$work/state-$n.orig"
  event "$work/t$n.jsonl" "$small" SessionEnd '{"reason":"other"}' > "$work/end$n.json"
  bench "SessionEnd, $n edited files" "$work/end$n.json" "$small/docs/SESSION-HANDOFF.md" \
    --prepare "$(restore "$work/state-$n.orig" "$HANDOFF_STATE_DIR" "$n")"
done

# Stop on a turn already read: the first Stop reads it; the timed ones find it read.
export HANDOFF_STATE_DIR="$work/state-stop"
event "$work/t1000.jsonl" "$small" SessionStart '{"source":"startup"}' > "$work/start.json"
event "$work/t1000.jsonl" "$small" Stop '{"stop_hook_active":false}' > "$work/stop.json"
"$bin" hook < "$work/start.json" > /dev/null
"$bin" hook < "$work/stop.json" > /dev/null
bench "Stop, turn already read" "$work/stop.json" "$small/docs/SESSION-HANDOFF.md"

# SessionStart with no staleness cache, $commits commits since the handoff's commit.
big="$work/big"
project "$big" "$commits"
export CLAUDE_PROJECT_DIR="$big" HANDOFF_STATE_DIR="$work/state-big"
echo '{}' > "$work/empty.jsonl"
event "$work/empty.jsonl" "$big" SessionStart '{"source":"startup"}' > "$work/bigstart.json"
"$bin" hook < "$work/bigstart.json" > "$work/bigstart.out"
cache=$(find "$HANDOFF_STATE_DIR" -name staleness.json)
grep -o 'on main[^."]*' "$work/bigstart.out" >&2 || true
bench "SessionStart, no cache, $commits commits since" "$work/bigstart.json" "$big/docs/SESSION-HANDOFF.md" \
  --prepare "rm -f $cache"
