//! `client/metadata/deai.scale`, from which subxt generates the typed client of `deai-worker` and
//! `deai`, must be this runtime's metadata (V15), as the chain specs must be its genesis. When this
//! fails, regenerate it: `scripts/update-metadata.sh` (this test with `UPDATE_METADATA=1`).

mod common;

use deai_runtime::Runtime;

#[test]
fn the_client_metadata_is_the_runtimes() {
	// Some constants are read from storage (the parachain id): describe the dev chain, as the
	// node the tools talk to does.
	let metadata = common::preset_ext(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.execute_with(|| Runtime::metadata_at_version(15))
		.expect("the runtime has V15 metadata");
	let path = format!("{}/../client/metadata/deai.scale", env!("CARGO_MANIFEST_DIR"));
	if std::env::var_os("UPDATE_METADATA").is_some() {
		std::fs::write(&path, &*metadata).unwrap_or_else(|e| panic!("{path}: {e}"));
		println!("{path}: {} bytes", metadata.len());
		return;
	}
	let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
	assert!(
		committed == *metadata,
		"{path} is not this runtime's metadata ({} bytes committed, {} now): regenerate it with \
		 scripts/update-metadata.sh",
		committed.len(),
		metadata.len()
	);
}
