#!/usr/bin/env bash
# Generates the weights of DeAI Chain's pallets by running their FRAME benchmarks on the real
# runtime (WASM, built with `runtime-benchmarks`) with `deai-node benchmark pallet`.
#
#   scripts/benchmark.sh [pallet ...]     # default: every DeAI pallet
#
# The node runs the benchmarks from a WASM runtime built with `runtime-benchmarks` (see
# `deai-node benchmark pallet`), so neither the node nor a separate bencher is rebuilt with that
# feature. The benchmark runtime is built in its own target directory so that it never evicts the
# normal build; `cargo check` is enough there: it runs the runtime's build script, which builds the
# WASM, and only type-checks the native crates nobody runs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"

node="${DEAI_NODE:-$CARGO_TARGET_DIR/debug/deai-node}"
if [ -z "${DEAI_NODE:-}" ]; then
  echo "[benchmark] building deai-node"
  (cd "$here" && cargo build --locked -p deai-node)
fi

bench_target="$DEAI_CACHE/bench-target"
echo "[benchmark] building the runtime with runtime-benchmarks"
(cd "$here" && CARGO_TARGET_DIR="$bench_target" cargo check --locked -p deai-runtime --features runtime-benchmarks)
wasm="$bench_target/debug/wbuild/deai-runtime/deai_runtime.compact.compressed.wasm"

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_model_registry pallet_compute_market pallet_contributor_rewards)
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
