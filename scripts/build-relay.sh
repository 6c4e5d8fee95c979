#!/usr/bin/env bash
# Builds the relay-chain binaries zombienet needs (polkadot, polkadot-prepare-worker,
# polkadot-execute-worker) from crates.io: polkadot 41.0.0 is the release that goes with the
# Polkadot SDK stable2609 crates DeAI Chain uses. Installs them into $DEAI_CACHE/relay/bin, with a
# persistent target directory so an interrupted build resumes where it stopped. Skips the build
# when the cached binaries already report the right version.
#
# usage: scripts/build-relay.sh [--check]   (--check: exit 0 if the binaries are there, else 1)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"
# The relay runtimes' WASM builds must look for their packages in polkadot's own workspace, not ours.
unset WASM_BUILD_WORKSPACE_HINT
version=41.0.0
root="$DEAI_CACHE/relay"
bin="$root/bin"

have_binaries() {
  for b in polkadot polkadot-prepare-worker polkadot-execute-worker; do
    [ -x "$bin/$b" ] || return 1
  done
  "$bin/polkadot" --version >/dev/null 2>&1 || return 1
  [ "$(cat "$root/version" 2>/dev/null)" = "$version" ]
}

if [ "${1:-}" = "--check" ]; then
  have_binaries
  exit $?
fi
if have_binaries; then
  echo "relay binaries: polkadot $version in $bin (cached)"
  exit 0
fi
echo "building polkadot $version from crates.io into $bin (well over an hour on 2 cores, once)"
start=$(date +%s)
cargo install polkadot --version "=$version" --locked --root "$root" \
  --target-dir "$DEAI_CACHE/relay-target"
echo "$version" > "$root/version"
echo "relay binaries built in $(( ($(date +%s) - start) / 60 )) min"
