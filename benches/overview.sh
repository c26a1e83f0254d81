#!/usr/bin/env bash
# `handoff overview` over 100 git projects, cold (git runs for each) and warm (staleness cached).
#
#   benches/overview.sh              # needs hyperfine
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
hf=${HYPERFINE:-hyperfine}
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/handoff"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HANDOFF_STATE_DIR="$work/state" HOME="$work"
for i in $(seq -w 1 100); do
  p="$work/projects/p$i"
  mkdir -p "$p/docs"
  printf '# P%s\n\n## What'"'"'s Next\n- **P0**: task %s\n\n## What Failed\n- attempt %s\n' "$i" "$i" "$i" > "$p/docs/SESSION-HANDOFF.md"
  git -C "$p" init -q -b main
  git -C "$p" -c user.name=b -c user.email=b@e -c commit.gpgsign=false add -A
  git -C "$p" -c user.name=b -c user.email=b@e -c commit.gpgsign=false commit -qm handoff
done

# Two runs: one --prepare would apply to every command of a run.
"$hf" -N --warmup 3 --runs 30 -n "overview, 100 projects, staleness cached" "$bin overview $work/projects"
"$hf" -N --runs 10 --prepare "rm -rf $work/state" -n "overview, 100 projects, git for each" "$bin overview $work/projects"
