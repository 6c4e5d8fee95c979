//! The pallets benchmarked in this runtime (`deai-node benchmark pallet --runtime ...`).

use crate::*;
use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::StorageInfo;

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[cumulus_pallet_parachain_system, ParachainSystem]
	[cumulus_pallet_weight_reclaim, WeightReclaim]
	[pallet_timestamp, Timestamp]
	[pallet_balances, Balances]
	[pallet_collator_selection, CollatorSelection]
	[pallet_session, SessionBench::<Runtime>]
	[cumulus_pallet_xcmp_queue, XcmpQueue]
	[pallet_message_queue, MessageQueue]
	[pallet_utility, Utility]
	[pallet_multisig, Multisig]
	[pallet_proxy, Proxy]
	[pallet_preimage, Preimage]
	[pallet_scheduler, Scheduler]
	[pallet_treasury, Treasury]
	[pallet_conviction_voting, ConvictionVoting]
	[pallet_referenda, Referenda]
	[pallet_whitelist, Whitelist]
	[pallet_parameters, Parameters]
	[pallet_contracts, Contracts]
	[pallet_model_registry, ModelRegistry]
	[pallet_compute_market, ComputeMarket]
	[pallet_ai_oracle, AiOracle]
	[pallet_federated, Federated]
	[pallet_contributor_rewards, ContributorRewards]
	[pallet_zk_verifier, ZkVerifier]
	[pallet_relay_randomness, RelayRandomness]
	[pallet_sudo, Sudo]
);

use cumulus_pallet_session_benchmarking::Pallet as SessionBench;
use frame_system_benchmarking::{
	extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
};

impl frame_system_benchmarking::Config for Runtime {}

impl cumulus_pallet_session_benchmarking::Config for Runtime {
	fn generate_session_keys_and_proof(owner: Self::AccountId) -> (Self::Keys, Vec<u8>) {
		use codec::Encode;
		let keys = SessionKeys::generate(&owner.encode(), None);
		(keys.keys, keys.proof.encode())
	}
}

/// The benchmarks this runtime has, and the storage they touch.
pub fn benchmark_metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	use frame_support::traits::StorageInfoTrait;
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch_benchmark(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	use frame_support::traits::WhitelistedStorageKeys;
	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
