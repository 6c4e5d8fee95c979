#!/usr/bin/env bash
# Builds DeAI Chain's example ink! contracts (contracts/*) without cargo-contract: the contract's
# WASM for wasm32v1-none (the toolchain scripts/setup.sh chose for the runtime), post-processed as
# pallet-contracts expects (scripts/wasm-contract-post.py), and its ink! metadata from a native
# build, with the code hash added. Output: $DEAI_CACHE/contracts/<name>.wasm and <name>.json.
# The same sources, lockfile and toolchain give the same code hash.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/env.sh"
export CARGO_TARGET_DIR="$DEAI_CACHE/contracts-target"
out="$DEAI_CACHE/contracts"
mkdir -p "$out"
cargo_wasm=(cargo)
if [ -n "${WASM_BUILD_TOOLCHAIN:-}" ]; then cargo_wasm=(cargo "+$WASM_BUILD_TOOLCHAIN"); fi

for dir in "$here"/contracts/*/; do
  name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$dir/Cargo.toml" | head -1)
  lib=${name//-/_}
  (
    cd "$dir"
    # The contract: no std, imported memory of at most 16 pages (1 MiB), a 64 KiB stack.
    RUSTFLAGS="-C link-arg=-zstack-size=65536 -C link-arg=--import-memory -C link-arg=--max-memory=1048576 -C target-cpu=mvp" \
      "${cargo_wasm[@]}" build --locked --quiet --release --lib --target wasm32v1-none --no-default-features
    cargo build --locked --quiet --bin "$name-metadata"
  )
  python3 "$here/scripts/wasm-contract-post.py" \
    "$CARGO_TARGET_DIR/wasm32v1-none/release/$lib.wasm" "$out/$lib.wasm" >/dev/null
  "$CARGO_TARGET_DIR/debug/$name-metadata" > "$out/$lib.abi.json"
  python3 - "$out/$lib.wasm" "$out/$lib.abi.json" "$out/$lib.json" "$dir/Cargo.toml" <<'PY'
import hashlib, json, re, subprocess, sys
wasm, abi, dst, manifest = sys.argv[1:]
code = open(wasm, 'rb').read()
toml = open(manifest).read()
field = lambda key: re.search(rf'^{key} = "(.*)"', toml, re.M).group(1)
ink = re.search(r'^ink = \{ version = "=?([^"]+)"', toml, re.M).group(1)
rustc = subprocess.run(['rustc', '--version'], capture_output=True, text=True).stdout.split()[1]
metadata = {
    'source': {
        'hash': '0x' + hashlib.blake2b(code, digest_size=32).hexdigest(),
        'language': f'ink! {ink}',
        'compiler': f'rustc {rustc}',
        'build_info': {'build_mode': 'Release', 'target': 'wasm32v1-none'},
    },
    'contract': {
        'name': field('name'),
        'version': field('version'),
        'authors': re.findall(r'"([^"]+)"', re.search(r'^authors = \[(.*)\]', toml, re.M).group(1)),
    },
}
metadata.update(json.load(open(abi)))
json.dump(metadata, open(dst, 'w'), indent=2)
print(f"{dst}: code hash {metadata['source']['hash']}, {len(code)} bytes of WASM")
PY
  rm -f "$out/$lib.abi.json"
done
