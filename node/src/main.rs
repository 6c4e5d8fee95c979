//! `deai-node`: the DeAI Chain collator.
//!
//! A real Cumulus collator built on `polkadot-omni-node-lib` (Aura, async backing, an embedded
//! relay-chain light client or RPC), which also runs a `--dev` chain without any relay chain
//! (blocks sealed every few seconds). DeAI Chain's chain specs are built in (`chain_spec.rs`).

mod chain_spec;

use polkadot_omni_node_lib::{
	extra_subcommand::NoExtraSubcommand, run_with_custom_cli, runtime::DefaultRuntimeResolver,
	CliConfig, RunConfig,
};

/// How `deai-node` introduces itself in `--help`, `--version` and its logs.
struct DeaiCli;

impl CliConfig for DeaiCli {
	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description(executable_name: String) -> String {
		format!(
			"DeAI Chain collator node: decentralized AI compute, models and rewards on Polkadot.\n\
			 \n\
			 Development chain without a relay chain: {executable_name} --dev\n\
			 Collator on a relay chain: {executable_name} --collator --chain <spec> \
			 [parachain-args] -- [relay-chain-args]"
		)
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/deai-chain/deai-chain/issues".into()
	}

	fn copyright_start_year() -> u16 {
		2026
	}
}

fn main() {
	let config =
		RunConfig::new(Box::new(DefaultRuntimeResolver), Box::new(chain_spec::DeaiChainSpecLoader));
	if let Err(error) = run_with_custom_cli::<DeaiCli, NoExtraSubcommand>(config) {
		// One line a person can act on, and a non-zero exit, rather than a debug dump.
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
