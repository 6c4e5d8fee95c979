#!/usr/bin/env bash
# Generates the weights of DeAI Chain's pallets by running their FRAME benchmarks on the real
# runtime (WASM, built with `runtime-benchmarks`) with frame-omni-bencher.
#
#   scripts/benchmark.sh [pallet ...]     # default: every DeAI pallet
#
# frame-omni-bencher is installed once into $DEAI_CACHE/tools; the benchmark runtime is built in
# its own target directory so that it never evicts the normal build.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"

bencher_version=0.28.0   # frame-omni-bencher of polkadot-sdk stable2609
tools="$DEAI_CACHE/tools"
bencher="$tools/bin/frame-omni-bencher"
if ! "$bencher" --version 2>/dev/null | grep -q "$bencher_version"; then
  echo "[benchmark] installing frame-omni-bencher $bencher_version into $tools"
  CARGO_TARGET_DIR="$DEAI_CACHE/bench-target" \
    cargo install frame-omni-bencher --version "$bencher_version" --locked --root "$tools"
fi

bench_target="$DEAI_CACHE/bench-target"
echo "[benchmark] building the runtime with runtime-benchmarks"
(cd "$here" && CARGO_TARGET_DIR="$bench_target" cargo build --locked -p deai-runtime --features runtime-benchmarks)
wasm="$bench_target/debug/wbuild/deai-runtime/deai_runtime.compact.compressed.wasm"

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_model_registry pallet_compute_market pallet_contributor_rewards)
steps="${BENCH_STEPS:-50}"
repeat="${BENCH_REPEAT:-20}"
for pallet in "${pallets[@]}"; do
  dir="$here/pallets/$(echo "${pallet#pallet_}" | tr _ -)/src"
  echo "[benchmark] $pallet -> $dir/weights.rs"
  "$bencher" v1 benchmark pallet --runtime "$wasm" --pallet "$pallet" --extrinsic '*' \
    --steps "$steps" --repeat "$repeat" --heap-pages 4096 \
    --template "$here/scripts/pallet-weight-template.hbs" --output "$dir/weights.rs"
done

# The reference the DeAI weight goals are stated against: pallet_balances::transfer_keep_alive.
"$bencher" v1 benchmark pallet --runtime "$wasm" --pallet pallet_balances \
  --extrinsic transfer_keep_alive --steps "$steps" --repeat "$repeat" --heap-pages 4096 \
  --output "$DEAI_CACHE/balances-reference-weights.rs" >/dev/null
grep -A8 'fn transfer_keep_alive' "$DEAI_CACHE/balances-reference-weights.rs" | grep from_parts || true
