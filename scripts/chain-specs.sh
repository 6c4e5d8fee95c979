#!/usr/bin/env bash
# Writes DeAI Chain's chain specs (plain and raw) into chain-specs/, from the genesis presets of
# the runtime that deai-node is built with. The runtime test `chain_specs` fails when a
# committed spec no longer matches the current runtime's genesis.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"
if [ -z "${DEAI_NODE:-}" ]; then
  # Build the node if it is not up to date.
  (cd "$here" && cargo build --locked -q -p deai-node)
fi
node="${DEAI_NODE:-$CARGO_TARGET_DIR/debug/deai-node}"
out="$here/chain-specs"
mkdir -p "$out"
for chain in dev local; do
  "$node" build-spec --chain "$chain" --disable-default-bootnode > "$out/deai-$chain-plain.json" 2>/dev/null
  "$node" build-spec --chain "$chain" --disable-default-bootnode --raw > "$out/deai-$chain-raw.json" 2>/dev/null
  echo "chain-specs/deai-$chain-plain.json, chain-specs/deai-$chain-raw.json"
done
