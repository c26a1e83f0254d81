#!/usr/bin/env bash
# Build handoff, install it, and wire it into a project's Claude Code sessions.
#
# Usage (from the repository root):
#   ./install.sh [PROJECT]               build, install the binary, then in PROJECT (default: the
#                                        current directory) create the handoff if there is none and
#                                        add the hooks to .claude/settings.json
#   ./install.sh --uninstall [PROJECT]   remove the hooks and the CLAUDE.md block from PROJECT, then
#                                        the binary; the handoff file itself is kept
#
# Environment:
#   PREFIX       install the binary into $PREFIX/bin (default: ${CARGO_HOME:-~/.cargo})
#   SCOPE        settings scope for the hooks: project (default), local or user
#   HANDOFF_BIN  use this already-built binary instead of running cargo build
#
# Running it again changes nothing that is already in place.
set -euo pipefail

say() { printf 'install.sh: %s\n' "$*"; }
die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

uninstall=false
project=""
while [ $# -gt 0 ]; do
    case "$1" in
    --uninstall) uninstall=true ;;
    -h | --help)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option $1 (try --help)" ;;
    *)
        [ -z "$project" ] || die "only one project folder, please (got '$project' and '$1')"
        project=$1
        ;;
    esac
    shift
done

repo=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
prefix=${PREFIX:-${CARGO_HOME:-$HOME/.cargo}}
bindir=$prefix/bin
installed=$bindir/handoff
scope=${SCOPE:-project}
project=${project:-$PWD}
[ -d "$project" ] || die "project folder '$project' does not exist"
project=$(CDPATH='' cd -- "$project" && pwd -P)

if $uninstall; then
    if [ -x "$installed" ]; then
        (cd "$project" && "$installed" uninstall --scope "$scope") ||
            die "could not remove the hooks from $project (see above); the binary was left in place"
        rm -f -- "$installed"
        say "removed $installed"
    else
        say "no binary at $installed; nothing to remove"
    fi
    say "done; your handoff file (if any) is still in $project"
    exit 0
fi

if [ -n "${HANDOFF_BIN:-}" ]; then
    [ -x "$HANDOFF_BIN" ] || die "HANDOFF_BIN=$HANDOFF_BIN is not an executable file"
    built=$HANDOFF_BIN
    say "using the binary in HANDOFF_BIN: $built"
else
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found: install the Rust toolchain (https://rustup.rs), then run this again"
    target_dir=${CARGO_TARGET_DIR:-$repo/target}
    built=""
    host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p') || host=""
    case "$host" in
    *-linux-gnu*)
        # Statically linked, the hook skips the dynamic loader: it runs on every prompt.
        say "building the release binary, statically linked for $host"
        if (cd "$repo" && RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
            cargo build --release --locked --target "$host"); then
            built=$target_dir/$host/release/handoff
        else
            say "the static build failed; building a normal one instead"
        fi
        ;;
    esac
    if [ -z "$built" ]; then
        say "building the release binary (cargo build --release --locked)"
        (cd "$repo" && cargo build --release --locked) || die "the build failed (see above)"
        built=$target_dir/release/handoff
    fi
    [ -x "$built" ] || die "the build did not produce $built"
fi

mkdir -p -- "$bindir" || die "cannot create $bindir; set PREFIX to a folder you can write"
if [ -x "$installed" ] && cmp -s -- "$built" "$installed"; then
    say "$installed is already up to date"
else
    # Copy then rename, so a running copy of the old binary is never overwritten in place.
    cp -- "$built" "$installed.tmp.$$" || die "cannot write to $bindir; set PREFIX to a folder you can write"
    chmod 755 -- "$installed.tmp.$$"
    mv -f -- "$installed.tmp.$$" "$installed"
    say "installed $installed"
fi

cd "$project"
# init writes the handoff only if there is none yet, and adds the session protocol to CLAUDE.md.
"$installed" init || die "handoff init failed in $project (see above)"
"$installed" install --scope "$scope" || die "handoff install failed in $project (see above)"

case ":$PATH:" in
*":$bindir:"*) ;;
*) say "note: $bindir is not on your PATH; add it to use 'handoff' by name (the hooks don't need it)" ;;
esac
say "done: start a new Claude Code session in $project; 'handoff doctor' checks the setup"
