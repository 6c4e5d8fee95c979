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

/// `deai-node benchmark pallet --runtime <wasm> ...`: the FRAME benchmarks of a runtime built with
/// `runtime-benchmarks`, executed in WASM as on a collator (the flags are `frame-omni-bencher`'s).
///
/// `polkadot-omni-node-lib` offers this command only in a node built with `runtime-benchmarks`,
/// which recompiles the whole node (about 40 minutes here). Nothing in the command needs that:
/// the benchmarked code and its genesis come from the WASM given with `--runtime`, so the node
/// runs it itself and `scripts/benchmark.sh` needs only a benchmark build of the runtime.
fn benchmark_pallet(args: &[String]) -> Option<Result<(), String>> {
	use clap::Parser;
	use cumulus_primitives_proof_size_hostfunction::storage_proof_size::HostFunctions as ProofSize;
	use sp_runtime::traits::BlakeTwo256;
	if args.get(1..3) != Some(&["benchmark".to_string(), "pallet".to_string()][..]) {
		return None;
	}
	let command = frame_benchmarking_cli::PalletCmd::parse_from(
		std::iter::once(format!("{} benchmark pallet", args[0])).chain(args[3..].iter().cloned()),
	);
	if command.runtime.is_none() {
		return Some(Err(
			"this node runs benchmarks only from a runtime WASM built with `runtime-benchmarks`: \
			 pass it with --runtime (scripts/benchmark.sh does)"
				.into(),
		));
	}
	// As a collator: the parachain's proof-size host function is there for storage-weight reclaim.
	Some(
		command
			.run_with_spec::<BlakeTwo256, ProofSize>(None)
			.map_err(|error| error.to_string()),
	)
}

fn main() {
	let args: Vec<String> = std::env::args().collect();
	if let Some(result) = benchmark_pallet(&args) {
		if let Err(error) = result {
			eprintln!("Error: {error}");
			std::process::exit(1);
		}
		return;
	}
	let config =
		RunConfig::new(Box::new(DefaultRuntimeResolver), Box::new(chain_spec::DeaiChainSpecLoader));
	if let Err(error) = run_with_custom_cli::<DeaiCli, NoExtraSubcommand>(config) {
		// One line a person can act on, and a non-zero exit, rather than a debug dump.
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
