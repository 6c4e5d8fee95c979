//! DeAI Chain's built-in chain specs, made from the runtime this node is built with and its
//! genesis presets, so that `--dev` and `--chain local` need no file. `scripts/chain-specs.sh`
//! writes the same specs to `chain-specs/`.

use polkadot_omni_node_lib::chain_spec::{Extensions, GenericChainSpec, LoadSpec};
use sc_chain_spec::{ChainSpec, ChainType};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// The relay chain a local DeAI Chain testnet runs on.
pub const LOCAL_RELAY_CHAIN: &str = "rococo-local";

/// The token and address format wallets show.
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), deai_runtime::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), deai_runtime::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn runtime_code() -> Result<&'static [u8], String> {
	deai_runtime::WASM_BINARY.ok_or_else(|| {
		"this deai-node was built without the runtime's WASM (SKIP_WASM_BUILD); rebuild it, \
		 or pass a chain spec file with --chain"
			.to_string()
	})
}

/// The development chain: `deai-node --dev`.
pub fn development() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(
		runtime_code()?,
		Extensions::new(LOCAL_RELAY_CHAIN.into(), deai_runtime::PARACHAIN_ID),
	)
	.with_name("DeAI Chain Development")
	.with_id("deai_dev")
	.with_chain_type(ChainType::Development)
	.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
	.with_properties(properties())
	.build())
}

/// The local testnet, para 2000 on a `rococo-local` relay chain: `deai-node --chain local`.
pub fn local_testnet() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(
		runtime_code()?,
		Extensions::new(LOCAL_RELAY_CHAIN.into(), deai_runtime::PARACHAIN_ID),
	)
	.with_name("DeAI Chain Local Testnet")
	.with_id("deai_local")
	.with_chain_type(ChainType::Local)
	.with_protocol_id("deai-local")
	.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
	.with_properties(properties())
	.build())
}

/// Resolves `--chain`: `dev` and `local` are built in; anything else is a chain spec file.
pub struct DeaiChainSpecLoader;

impl LoadSpec for DeaiChainSpecLoader {
	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		Ok(match id {
			"" | "dev" | "deai-dev" => Box::new(development()?),
			"local" | "deai-local" => Box::new(local_testnet()?),
			path => Box::new(GenericChainSpec::from_json_file(path.into()).map_err(|e| {
				format!("cannot load the chain spec `{path}`: {e} (built-in chains: dev, local)")
			})?),
		})
	}
}
