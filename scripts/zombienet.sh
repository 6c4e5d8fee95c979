#!/usr/bin/env bash
# DeAI Chain's local testnet with zombienet (native provider): a rococo-local relay chain with two
# validators, DeAI Chain as parachain 2000 with collators Alice and Bob (zombienet/deai-local.toml).
#
#   scripts/zombienet.sh spawn   start the network and keep it running (Ctrl-C stops everything)
#   scripts/zombienet.sh test    run zombienet/deai-local.zndsl against a fresh network, then stop
#
# The relay binaries come from scripts/build-relay.sh. `spawn` builds them when missing (once, over
# an hour on 2 cores); `test` skips with one line instead, so CI stays inside its time limit.
# Ports: relay RPC 9800, parachain RPC 9810 (Alice) and 9811 (Bob), so the network runs beside a
# dev node on 9944 and the e2e suite's free ports. Every process runs in this script's own process
# group and is killed on exit, failure or Ctrl-C.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"
mode=${1:-spawn}
case "$mode" in spawn|test) ;; *) echo "usage: $0 spawn|test" >&2; exit 2 ;; esac

if ! bash "$here/scripts/build-relay.sh" --check; then
  if [ "$mode" = test ]; then
    echo "zombienet test skipped: no relay binaries in $DEAI_CACHE/relay/bin (scripts/build-relay.sh builds polkadot 41.0.0 once; it takes over an hour on 2 cores, more than CI's time limit allows)"
    exit 0
  fi
  bash "$here/scripts/build-relay.sh"
fi

export RELAY_BIN="$DEAI_CACHE/relay/bin"
export DEAI_NODE="${DEAI_NODE:-$CARGO_TARGET_DIR/debug/deai-node}"
export DEAI_SPEC="$here/chain-specs/deai-local-raw.json"
export RELAY_RPC_PORT="${RELAY_RPC_PORT:-9800}"
export PARA_RPC_PORT="${PARA_RPC_PORT:-9810}"
export PARA_RPC_PORT_BOB="${PARA_RPC_PORT_BOB:-9811}"
export PATH="$RELAY_BIN:$PATH"  # polkadot finds its PVF workers next to it or on PATH
[ -x "$DEAI_NODE" ] || { echo "$DEAI_NODE does not exist: build it with \`make node\`" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/deai-zombienet.XXXXXX")
export DEAI_ZOMBIE_STATE="$work"
cleanup() {
  trap - EXIT INT TERM
  # zombienet and every node it started share this process group (setsid below).
  if [ -n "${zombie_pid:-}" ]; then kill -TERM -- "-$zombie_pid" 2>/dev/null || true; sleep 2; kill -KILL -- "-$zombie_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$here/zombienet"
zombienet=("$here/zombienet/node_modules/.bin/zombienet" -p native -l text -d "$work/network" -f)
if [ "$mode" = spawn ]; then
  echo "relay chain RPC:  ws://127.0.0.1:$RELAY_RPC_PORT  (https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RELAY_RPC_PORT)"
  echo "DeAI Chain RPC:   ws://127.0.0.1:$PARA_RPC_PORT  (https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$PARA_RPC_PORT)"
  setsid "${zombienet[@]}" spawn deai-local.toml &
else
  start=$(date +%s)
  setsid "${zombienet[@]}" test deai-local.zndsl &
fi
zombie_pid=$!
status=0
wait "$zombie_pid" || status=$?
[ "$mode" = test ] && echo "zombienet test: exit $status after $(( $(date +%s) - start )) s"
exit "$status"
