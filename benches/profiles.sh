#!/usr/bin/env bash
# Build time and hook latency of candidate profiles for the binary install.sh builds, each built
# from an empty target folder (crates already downloaded) the way install.sh builds it.
#
#   benches/profiles.sh              # needs python3, GNU time; valgrind for instruction counts
#   RUNS=800 benches/profiles.sh
#
# Latency is whole-process time per event, interleaved across the candidates so machine load hits
# them alike; the minimum is the figure to compare on a busy machine, the median on a quiet one.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-300}
host=$(rustc -vV | sed -n 's/^host: //p')
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# name:lto:codegen-units; `release` is the release profile as Cargo.toml has it.
candidates=${CANDIDATES:-"release:fat:1 dist:thin:16 fat16:fat:16 nolto16:false:16"}
names=()
for cand in $candidates; do
  IFS=: read -r name lto cgu <<<"$cand"
  names+=("$name")
  if [ "$lto" = false ]; then lto_arg='profile.release.lto=false'; else lto_arg="profile.release.lto=\"$lto\""; fi
  /usr/bin/time -f "build $name (lto=$lto, codegen-units=$cgu): %e s wall, %U s user, %S s sys" \
    env CARGO_TARGET_DIR="$work/target-$name" RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --quiet --release --locked --manifest-path "$root/Cargo.toml" --target "$host" \
    --config "$lto_arg" --config "profile.release.codegen-units=$cgu"
  cp "$work/target-$name/$host/release/handoff" "$work/handoff-$name"
  rm -rf "$work/target-$name"
done

# A project with a committed handoff and a 20 MB transcript, as in benches/hooks.sh.
project="$work/project"
export HANDOFF_STATE_DIR="$work/state" CLAUDE_PROJECT_DIR="$project" HOME="$work"
mkdir -p "$project/docs"
git -C "$project" init -q -b main
python3 - "$project/docs/SESSION-HANDOFF.md" <<'PY'
import sys
parts = ["# Session Handoff\n\n## Current State\n"]
parts += [f"- Module {i} is in place and tested; next step is wiring it up.\n" for i in range(40)]
parts += ["\n## What Was Done This Session\n"]
parts += [f"- Did task {i}: refactored the parser and added fixtures\n" for i in range(200)]
parts += ["\n## What's Next\n- P0: ship\n"]
open(sys.argv[1], "w").write("".join(parts))
PY
git -C "$project" -c user.name=b -c user.email=b@e -c commit.gpgsign=false add -A
git -C "$project" -c user.name=b -c user.email=b@e -c commit.gpgsign=false commit -qm handoff
python3 - "$work" "$project" <<'PY'
import json, sys
work, project = sys.argv[1], sys.argv[2]
line = json.dumps({"type": "user", "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "x" * 20000}]}})
with open(f"{work}/transcript.jsonl", "w") as f:
    while f.tell() < 20 * 1024 * 1024:
        f.write(line + "\n")
for name, extra in [("start", {"hook_event_name": "SessionStart", "source": "resume"}),
                    ("stop", {"hook_event_name": "Stop", "stop_hook_active": False}),
                    ("prompt", {"hook_event_name": "UserPromptSubmit", "prompt": "go on"})]:
    event = dict(session_id="bench", transcript_path=f"{work}/transcript.jsonl", cwd=project, **extra)
    open(f"{work}/{name}.json", "w").write(json.dumps(event))
PY
for name in "${names[@]}"; do
  "$work/handoff-$name" hook < "$work/start.json" > /dev/null
  "$work/handoff-$name" hook < "$work/stop.json" > /dev/null
done

if command -v valgrind > /dev/null; then
  for name in "${names[@]}"; do
    for event in start stop prompt; do
      ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/handoff-$name" hook \
        < "$work/$event.json" 2>&1 > /dev/null | sed -n 's/.*Collected : //p')
      echo "instructions $name $event: $ir"
    done
  done
fi

python3 - "$work" "$runs" "${names[@]}" <<'PY'
import statistics, subprocess, sys, time
work, runs, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
events = ["start", "stop", "prompt"]
data = {e: open(f"{work}/{e}.json", "rb").read() for e in events}
times = {(n, e): [] for n in names for e in events}
for i in range(runs):
    for e in events:
        for n in (names if i % 2 == 0 else names[::-1]):
            t = time.perf_counter_ns()
            subprocess.run([f"{work}/handoff-{n}", "hook"], input=data[e], stdout=subprocess.DEVNULL)
            times[(n, e)].append((time.perf_counter_ns() - t) / 1e6)
print("| event | profile | min ms | median ms | min vs first |")
print("|:---|:---|---:|---:|---:|")
for e in events:
    base = min(times[(names[0], e)])
    for n in names:
        t = times[(n, e)]
        print(f"| {e} | {n} | {min(t):.3f} | {statistics.median(t):.3f} | {100 * (min(t) / base - 1):+.1f} % |")
PY
