#!/usr/bin/env bash
# Regenerates client/metadata/deai.scale (the runtime metadata, V15, from which subxt generates
# the typed client of deai-worker and the deai CLI) from a dev node of the current runtime.
# Run it after a runtime change that touches calls, storage, events, errors or runtime APIs; a
# stale file shows up as subxt's "incompatible with the node's metadata" error in the worker e2e.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
NODE="${DEAI_NODE:-$CARGO_TARGET_DIR/debug/deai-node}"
[ -x "$NODE" ] || { echo "no node at $NODE: run \`make node\` first" >&2; exit 1; }
PORT="${METADATA_RPC_PORT:-9977}"
"$NODE" --dev --tmp --rpc-port "$PORT" --port 0 --no-prometheus --no-telemetry --no-mdns \
  --no-hardware-benchmarks >/tmp/deai-metadata-node.log 2>&1 &
NODE_PID=$!
trap 'kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  if curl -sf -H 'Content-Type: application/json' \
      -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
      "http://127.0.0.1:$PORT" >/dev/null; then break; fi
  sleep 1
done
# Metadata_metadata_at_version(15) returns Option<OpaqueMetadata>: 0x01, a compact length, then the
# prefixed metadata that subxt reads.
curl -sf -H 'Content-Type: application/json' \
  -d '{"id":1,"jsonrpc":"2.0","method":"state_call","params":["Metadata_metadata_at_version","0x0f000000"]}' \
  "http://127.0.0.1:$PORT" | python3 -c '
import json, sys
raw = bytes.fromhex(json.load(sys.stdin)["result"][2:])
assert raw[0] == 1, "the runtime has no V15 metadata"
b = raw[1]; mode = b & 3
if mode == 0: n, off = b >> 2, 2
elif mode == 1: n, off = int.from_bytes(raw[1:3], "little") >> 2, 3
elif mode == 2: n, off = int.from_bytes(raw[1:5], "little") >> 2, 5
else: raise SystemExit("metadata too large")
body = raw[off:off + n]
assert len(body) == n and body[:4] == b"meta", "unexpected metadata encoding"
open("client/metadata/deai.scale", "wb").write(body)
print(f"client/metadata/deai.scale: {n} bytes, metadata V{body[4]}")
'
