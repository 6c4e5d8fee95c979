# Sourced by the project's scripts: one persistent cache outside the clone, so every build
# (the session's, `make`'s, CI's) reuses the same cargo target directory.
export DEAI_CACHE="${DEAI_CACHE:-$HOME/.cache/deai-chain}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$DEAI_CACHE/target}"
if [ -z "${WASM_BUILD_TOOLCHAIN:-}" ] && [ -f "$DEAI_CACHE/wasm-toolchain" ]; then
  _deai_wasm_toolchain=$(cat "$DEAI_CACHE/wasm-toolchain")
  if [ "$_deai_wasm_toolchain" != default ]; then export WASM_BUILD_TOOLCHAIN="$_deai_wasm_toolchain"; fi
  unset _deai_wasm_toolchain
fi
