//! Builds the runtime's WASM blob (compressed) with `substrate-wasm-builder`.
//! `SKIP_WASM_BUILD=1` skips it for native-only iterations.
#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

#[cfg(not(feature = "std"))]
fn main() {}
