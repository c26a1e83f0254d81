#!/usr/bin/env bash
# Build handoff, install it, and wire it into a project's Claude Code sessions.
#
# Usage (from the repository root):
#   ./install.sh [PROJECT]               build, install the binary, then in PROJECT (default: the
#                                        current directory) create the handoff if there is none and
#                                        add the hooks to .claude/settings.json; run bare inside this
#                                        repository, it installs the binary only
#   ./install.sh --uninstall [PROJECT]   remove the hooks and the CLAUDE.md block from PROJECT only;
#                                        the binary stays for the other projects, the handoff file too
#   ./install.sh --purge                 list every project still wired, unwire each, then remove
#                                        the binary
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
purge=false
project=""
while [ $# -gt 0 ]; do
    case "$1" in
    --uninstall) uninstall=true ;;
    --purge) purge=true ;;
    -h | --help)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
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
bare=false
[ -n "$project" ] || bare=true
project=${project:-$PWD}
[ -d "$project" ] || die "project folder '$project' does not exist"
project=$(CDPATH='' cd -- "$project" && pwd -P)

if $purge; then
    if [ ! -x "$installed" ]; then
        say "no binary at $installed; nothing to remove"
        exit 0
    fi
    wired=$("$installed" uninstall --list-wired) || die "could not list the wired projects (see above)"
    if [ -n "$wired" ]; then
        say "these still run $installed:"
        printf '%s\n' "$wired" | while IFS="$(printf '\t')" read -r s root file; do
            printf '  %s (%s scope, %s)\n' "$root" "$s" "$file"
        done
        printf '%s\n' "$wired" | while IFS="$(printf '\t')" read -r s root _; do
            (cd "$root" && "$installed" uninstall --scope "$s") ||
                die "could not unwire $root (see above); the binary was left in place"
        done || exit 1
    else
        say "no project runs $installed any more"
    fi
    rm -f -- "$installed"
    say "removed $installed; the handoff files are still in their projects"
    exit 0
fi

if $uninstall; then
    if [ -x "$installed" ]; then
        (cd "$project" && "$installed" uninstall --scope "$scope") ||
            die "could not remove the hooks from $project (see above)"
    else
        say "no binary at $installed; nothing to remove"
    fi
    say "done; $project is unwired, your handoff file (if any) is still there"
    say "the binary stays for other projects; ./install.sh --purge removes it"
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
    # The dist profile (Cargo.toml): thin LTO over 16 codegen units, built in parallel.
    say "building handoff: the first build takes a few minutes (2 to 4 on 2 cores), later ones seconds; cargo shows its progress below"
    case "$host" in
    *-linux-gnu*)
        # Statically linked, the hook skips the dynamic loader: it runs on every prompt.
        say "statically linked for $host"
        if (cd "$repo" && RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
            cargo build --profile dist --locked --target "$host"); then
            built=$target_dir/$host/dist/handoff
        else
            say "the static build failed; building a normal one instead"
        fi
        ;;
    esac
    if [ -z "$built" ]; then
        say "cargo build --profile dist --locked"
        (cd "$repo" && cargo build --profile dist --locked) || die "the build failed (see above)"
        built=$target_dir/dist/handoff
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

on_path() {
    case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "note: $bindir is not on your PATH; add it to use 'handoff' by name (the hooks don't need it)" ;;
    esac
}

# Run bare in this repository, the user means "install handoff", not "wire handoff's own clone".
if $bare && [ "$project" = "$repo" ]; then
    on_path
    say "done: the binary is installed. To wire a project: ./install.sh PATH/TO/PROJECT,"
    say "or in that project: handoff init && handoff install (or use the plugin: see README.md)"
    exit 0
fi

cd "$project"
# init writes the handoff only if there is none yet, and adds the session protocol to CLAUDE.md.
"$installed" init || die "handoff init failed in $project (see above)"
"$installed" install --scope "$scope" || die "handoff install failed in $project (see above)"

on_path
say "done: start a new Claude Code session in $project; 'handoff doctor' checks the setup"
