# Sourced by the project's scripts: one persistent cache outside the clone, so every build
# (the session's, `make`'s, CI's) reuses the same cargo target directory.
export DEAI_CACHE="${DEAI_CACHE:-$HOME/.cache/deai-chain}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$DEAI_CACHE/target}"
if [ -z "${WASM_BUILD_TOOLCHAIN:-}" ] && [ -f "$DEAI_CACHE/wasm-toolchain" ]; then
  _deai_wasm_toolchain=$(cat "$DEAI_CACHE/wasm-toolchain")
  if [ "$_deai_wasm_toolchain" != default ]; then export WASM_BUILD_TOOLCHAIN="$_deai_wasm_toolchain"; fi
  unset _deai_wasm_toolchain
fi
# The WASM builder looks for the workspace's Cargo.lock next to the target directory; ours is
# outside the clone, so tell it where the workspace is (else it resolves dependencies afresh).
export WASM_BUILD_WORKSPACE_HINT="${WASM_BUILD_WORKSPACE_HINT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# Compact and compress the runtime blob even in debug builds: the chain specs and the dev node
# then carry the same small blob a release build would.
export WASM_BUILD_TYPE="${WASM_BUILD_TYPE:-release}"
