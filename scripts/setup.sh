#!/usr/bin/env bash
# Installs everything DeAI Chain needs on a Debian 12 machine with rustup, idempotently:
#   1. Debian packages (protobuf-compiler, clang, libclang-dev, lld, ...),
#   2. a `wasm32v1-none` standard library for the WASM runtime: rustup's own target when rustup
#      can download it, otherwise Debian's rustc-web toolchain plus a sysroot built from its sources,
#   3. the Node.js packages of the end-to-end tests, of zombienet and of the explorer (npm ci, from
#      the committed lockfiles), and Debian's chromium for the explorer's browser test.
# Running it twice changes nothing. It writes the chosen WASM toolchain to $DEAI_CACHE/wasm-toolchain,
# which scripts/env.sh reads.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$here/scripts/env.sh"

log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- 1. System packages -------------------------------------------------------------------------
apt_install build-essential pkg-config libssl-dev protobuf-compiler clang libclang-dev lld make git curl ca-certificates
# The explorer's browser test drives Debian's Chromium (playwright-core's own download would fail).
apt_install chromium

# --- 2. The wasm32v1-none standard library ------------------------------------------------------
stable_sysroot=$(rustc --print sysroot)
have_rustup_target() { [ -d "$stable_sysroot/lib/rustlib/wasm32v1-none/lib" ] && [ -d "$stable_sysroot/lib/rustlib/src/rust/library" ]; }

wasm_toolchain=""
if have_rustup_target; then
  wasm_toolchain=default
elif command -v rustup >/dev/null \
  && timeout 45 rustup target add wasm32v1-none >/dev/null 2>&1 \
  && timeout 45 rustup component add rust-src >/dev/null 2>&1 \
  && have_rustup_target; then
  log "installed rustup's wasm32v1-none target"
  wasm_toolchain=default
else
  log "rustup cannot fetch wasm32v1-none here: using Debian's rustc-web toolchain"
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  if ! rustup toolchain list | grep -q '^debian-web'; then
    rustup toolchain link debian-web /usr
  fi
  sysroot_lib=/usr/lib/rustlib/wasm32v1-none/lib
  if ! ls "$sysroot_lib"/libcore-*.rlib >/dev/null 2>&1 \
    || ! ls "$sysroot_lib"/liballoc-*.rlib >/dev/null 2>&1 \
    || ! ls "$sysroot_lib"/libcompiler_builtins-*.rlib >/dev/null 2>&1; then
    log "building the wasm32v1-none sysroot (core, alloc, compiler_builtins) from Debian's rust sources"
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/src"
    cat > "$scratch/Cargo.toml" <<'TOML'
[package]
name = "sysroot-seed"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
[profile.release]
panic = "abort"
TOML
    cat > "$scratch/src/lib.rs" <<'RS'
#![no_std]
extern crate alloc;
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
RS
    (cd "$scratch" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C embed-bitcode=yes" CARGO_TARGET_DIR="$scratch/target" \
      rustup run debian-web cargo build -q --release --target wasm32v1-none -Zbuild-std=core,alloc)
    as_root mkdir -p "$sysroot_lib"
    for lib in core alloc compiler_builtins; do
      as_root cp "$scratch"/target/wasm32v1-none/release/deps/lib"$lib"-*.rlib "$sysroot_lib"/
    done
    # Cargo does not notice a new sysroot: stale WASM artifacts would fail with "can't find crate".
    rm -rf "$CARGO_TARGET_DIR"/*/wbuild
  fi
  wasm_toolchain=debian-web
fi
mkdir -p "$DEAI_CACHE"
if [ "$(cat "$DEAI_CACHE/wasm-toolchain" 2>/dev/null)" != "$wasm_toolchain" ]; then
  echo "$wasm_toolchain" > "$DEAI_CACHE/wasm-toolchain"
fi
log "WASM toolchain: $wasm_toolchain"

# --- 3. Node.js packages: the end-to-end tests, zombienet and the explorer --------------------------
# Node.js (with npm) may come from Debian or from NodeSource; only install it when missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
# The explorer's build (Vite 7) needs Node.js 20.19 or later; Debian 12's own is 18.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  log "Node.js $(node --version) is too old: the explorer needs 20.19 or later (e.g. from NodeSource)"
  exit 1
fi
for dir in tests/e2e zombienet explorer; do
  [ -f "$here/$dir/package-lock.json" ] || continue
  lock_sum=$(sha256sum "$here/$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$here/$dir/node_modules/.deai-lock" 2>/dev/null)" != "$lock_sum" ]; then
    log "npm ci ($dir)"
    (cd "$here/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$here/$dir/node_modules/.deai-lock"
  fi
done
log "done"
