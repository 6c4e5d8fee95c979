//! Shared helpers of the runtime's integration tests.

use deai_runtime::{genesis_config_presets, RuntimeGenesisConfig};
use frame_support::genesis_builder_helper::build_state;
use sp_runtime::Storage;
use sp_state_machine::BasicExternalities;

/// Merges a genesis patch into a full config, as the node does (objects key by key, anything
/// else replaced).
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The genesis storage the runtime builds natively from one of its presets.
pub fn preset_storage(preset: &str) -> Storage {
	let patch = genesis_config_presets::get_preset(&preset.into())
		.unwrap_or_else(|| panic!("the runtime has no `{preset}` preset"));
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, serde_json::from_slice(&patch).expect("a JSON preset"));
	let json = serde_json::to_vec(&config).expect("serializes");
	let mut ext = BasicExternalities::new_empty();
	ext.execute_with(|| build_state::<RuntimeGenesisConfig>(json))
		.unwrap_or_else(|e| panic!("the `{preset}` preset does not build: {e}"));
	ext.into_storages()
}

/// Externalities holding the genesis state of a preset.
#[allow(dead_code)] // Not every test binary uses it.
pub fn preset_ext(preset: &str) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(preset_storage(preset));
	ext.execute_with(|| frame_system::Pallet::<deai_runtime::Runtime>::set_block_number(0));
	ext
}
