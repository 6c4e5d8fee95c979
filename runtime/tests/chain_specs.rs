//! The committed chain specs in `chain-specs/` must describe the genesis the current runtime
//! builds from its presets. When this fails, regenerate them: `make chain-specs`.

mod common;

use codec::Decode;
use sp_core::bytes::from_hex;
use std::collections::BTreeMap;

fn committed_raw_spec(file: &str) -> serde_json::Value {
	let path = format!("{}/../chain-specs/{file}", env!("CARGO_MANIFEST_DIR"));
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("{path}: {e}; generate it with `make chain-specs`"));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn raw_top(spec: &serde_json::Value) -> BTreeMap<Vec<u8>, Vec<u8>> {
	spec["genesis"]["raw"]["top"]
		.as_object()
		.expect("a raw chain spec")
		.iter()
		.map(|(k, v)| {
			(from_hex(k).expect("hex key"), from_hex(v.as_str().expect("string")).expect("hex"))
		})
		.collect()
}

/// Finds a custom section of a WASM module (after decompression).
fn wasm_custom_section<'a>(wasm: &'a [u8], name: &str) -> Option<&'a [u8]> {
	fn leb128(bytes: &[u8], pos: &mut usize) -> Option<usize> {
		let (mut value, mut shift) = (0usize, 0);
		loop {
			let byte = *bytes.get(*pos)?;
			*pos += 1;
			value |= ((byte & 0x7f) as usize) << shift;
			if byte & 0x80 == 0 {
				return Some(value);
			}
			shift += 7;
		}
	}
	let mut pos = 8; // magic and version
	while pos < wasm.len() {
		let id = wasm[pos];
		pos += 1;
		let size = leb128(wasm, &mut pos)?;
		let end = pos + size;
		if id == 0 {
			let mut name_pos = pos;
			let name_len = leb128(wasm, &mut name_pos)?;
			if wasm.get(name_pos..name_pos + name_len)? == name.as_bytes() {
				return wasm.get(name_pos + name_len..end);
			}
		}
		pos = end;
	}
	None
}

fn assert_spec_matches_preset(file: &str, preset: &str, chain_type: &str) {
	let spec = committed_raw_spec(file);
	assert_eq!(spec["chainType"], chain_type, "{file}: chain type");
	assert_eq!(spec["para_id"].as_u64().or(spec["paraId"].as_u64()), Some(2000), "{file}: para id");
	assert_eq!(spec["properties"]["tokenSymbol"], "DEAI", "{file}");
	assert_eq!(spec["properties"]["tokenDecimals"], 12, "{file}");
	assert_eq!(spec["properties"]["ss58Format"], 42, "{file}");

	let mut committed = raw_top(&spec);
	let code = committed.remove(sp_core::storage::well_known_keys::CODE).expect("genesis code");
	let expected: BTreeMap<Vec<u8>, Vec<u8>> =
		common::preset_storage(preset).top.into_iter().collect();

	// Every key the runtime writes at genesis, with the same value, and nothing else.
	let missing: Vec<String> = expected
		.keys()
		.filter(|k| !committed.contains_key(*k))
		.map(hex::encode)
		.collect();
	let extra: Vec<String> = committed
		.keys()
		.filter(|k| !expected.contains_key(*k))
		.map(hex::encode)
		.collect();
	let differing: Vec<String> = expected
		.iter()
		.filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v))
		.map(|(k, _)| hex::encode(k))
		.collect();
	assert!(
		missing.is_empty() && extra.is_empty() && differing.is_empty(),
		"{file} does not match the `{preset}` preset of this runtime (run `make chain-specs`):\n\
		 missing keys {missing:?}\n extra keys {extra:?}\n differing values {differing:?}"
	);

	// The genesis code is this runtime's version. (The blob's bytes depend on the compiler that
	// built it, so the version it declares is compared, not its hash.)
	let wasm = sp_maybe_compressed_blob::decompress(&code, 64 * 1024 * 1024)
		.expect("a valid compressed runtime");
	let mut section = wasm_custom_section(&wasm, "runtime_version")
		.expect("the genesis code declares its runtime version");
	let spec_name = String::decode(&mut section).expect("spec_name");
	let _impl_name = String::decode(&mut section).expect("impl_name");
	let _authoring = u32::decode(&mut section).expect("authoring_version");
	let spec_version = u32::decode(&mut section).expect("spec_version");
	assert_eq!(spec_name, deai_runtime::VERSION.spec_name, "{file}: genesis runtime");
	assert_eq!(
		spec_version,
		deai_runtime::VERSION.spec_version,
		"{file}: the genesis runtime is an older spec version (run `make chain-specs`)"
	);
}

#[test]
fn committed_dev_spec_matches_the_development_preset() {
	assert_spec_matches_preset("deai-dev-raw.json", "development", "Development");
}

#[test]
fn committed_local_spec_matches_the_local_testnet_preset() {
	assert_spec_matches_preset("deai-local-raw.json", "local_testnet", "Local");
}
