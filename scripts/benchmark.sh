#!/usr/bin/env bash
# Generates the weights of DeAI Chain's pallets by running their FRAME benchmarks on the real
# runtime (WASM, built with `runtime-benchmarks`) with `deai-node benchmark pallet`.
#
#   scripts/benchmark.sh [pallet ...]     # default: every DeAI pallet
#   BENCH_NODE=<path> skips building the node; BENCH_STEPS / BENCH_REPEAT set the sampling.
#
# The node runs the benchmarks from a WASM runtime built with `runtime-benchmarks` (see
# `deai-node benchmark pallet`), so neither the node nor a separate bencher is built with that
# feature. Both are built in their own target directory, so that they never evict the normal
# build: the node in release, because the benchmarks time the runtime together with the host
# functions it calls (storage, hashing), and a debug node's host code measured 15x too slow
# (`transfer_keep_alive`: 689 us of execution against 46 us in release, 2026-11-30); the
# runtime with `cargo check`, which runs its build script (the WASM, built in release anyway)
# and only type-checks the native crates nobody runs. The first run builds the release node
# (about as long as a node build from scratch); later runs rebuild what changed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"

bench_target="$DEAI_CACHE/bench-target"
node="${BENCH_NODE:-$bench_target/release/deai-node}"
if [ -z "${BENCH_NODE:-}" ]; then
  echo "[benchmark] building deai-node in release"
  # The node runs the runtime given with --runtime: it needs no WASM of its own.
  (cd "$here" && SKIP_WASM_BUILD=1 CARGO_TARGET_DIR="$bench_target" cargo build --locked --release -p deai-node)
fi

echo "[benchmark] building the runtime with runtime-benchmarks"
(cd "$here" && CARGO_TARGET_DIR="$bench_target" cargo check --locked -p deai-runtime --features runtime-benchmarks)
wasm="$bench_target/debug/wbuild/deai-runtime/deai_runtime.compact.compressed.wasm"

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_model_registry pallet_compute_market pallet_contributor_rewards pallet_zk_verifier pallet_ai_oracle pallet_federated pallet_relay_randomness)
steps="${BENCH_STEPS:-50}"
repeat="${BENCH_REPEAT:-20}"
for pallet in "${pallets[@]}"; do
  dir="$here/pallets/$(echo "${pallet#pallet_}" | tr _ -)/src"
  echo "[benchmark] $pallet -> $dir/weights.rs"
  "$node" benchmark pallet --runtime "$wasm" --pallet "$pallet" --extrinsic '*' \
    --steps "$steps" --repeat "$repeat" --heap-pages 4096 \
    --template "$here/scripts/pallet-weight-template.hbs" --output "$dir/weights.rs"
done

# The reference the DeAI weight goals are stated against: pallet_balances::transfer_keep_alive.
"$node" benchmark pallet --runtime "$wasm" --pallet pallet_balances \
  --extrinsic transfer_keep_alive --steps "$steps" --repeat "$repeat" --heap-pages 4096 \
  --output "$DEAI_CACHE/balances-reference-weights.rs" >/dev/null
grep -A8 'fn transfer_keep_alive' "$DEAI_CACHE/balances-reference-weights.rs" | grep from_parts || true
