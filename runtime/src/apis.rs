//! The runtime APIs the node and clients call.

use crate::{
	configs::{xcm_config, ConsensusHook, RuntimeBlockWeights},
	constants::consensus::RELAY_PARENT_OFFSET,
	genesis_config_presets, AccountId, AuraId, Balance, Block, BlockNumber, ComputeMarket,
	Contracts, ContributorRewards, Executive, Hash, InherentDataExt, ModelRegistry, Nonce,
	OriginCaller, ParachainInfo, ParachainSystem, PolkadotXcm, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeGenesisConfig, SessionKeys, System, TransactionPayment, SLOT_DURATION, VERSION,
};
use alloc::vec::Vec;
use cumulus_primitives_core::VerifySchedulingSignature;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

/// The event records contract dry runs return.
type ContractsEventRecord = frame_system::EventRecord<RuntimeEvent, Hash>;
use xcm::{
	latest::prelude::AssetId, Version as XcmVersion, VersionedAsset, VersionedAssetId,
	VersionedAssets, VersionedLocation, VersionedXcm,
};
use xcm_runtime_apis::{
	dry_run::{CallDryRunEffects, Error as XcmDryRunApiError, XcmDryRunEffects},
	fees::Error as XcmPaymentApiError,
};

impl_runtime_apis! {
	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		fn relay_parent_offset() -> u32 {
			RELAY_PARENT_OFFSET
		}

		fn max_claim_queue_offset() -> u8 {
			cumulus_pallet_parachain_system::Pallet::<Runtime>::max_claim_queue_offset()
		}
	}

	impl cumulus_primitives_core::SchedulingV3EnabledApi<Block> for Runtime {
		fn scheduling_v3_enabled() -> bool {
			<Runtime as cumulus_pallet_parachain_system::Config>::SchedulingSignatureVerifier::V3_SCHEDULING_ENABLED
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl xcm_runtime_apis::fees::XcmPaymentApi<Block> for Runtime {
		fn query_acceptable_payment_assets(xcm_version: XcmVersion) -> Result<Vec<VersionedAssetId>, XcmPaymentApiError> {
			let acceptable_assets = alloc::vec![AssetId(xcm_config::HereLocation::get())];
			PolkadotXcm::query_acceptable_payment_assets(xcm_version, acceptable_assets)
		}

		fn query_weight_to_asset_fee(weight: Weight, asset: VersionedAssetId) -> Result<u128, XcmPaymentApiError> {
			type Trader = <xcm_config::XcmConfig as xcm_executor::Config>::Trader;
			PolkadotXcm::query_weight_to_asset_fee::<Trader>(weight, asset)
		}

		fn query_xcm_weight(message: VersionedXcm<()>) -> Result<Weight, XcmPaymentApiError> {
			PolkadotXcm::query_xcm_weight(message)
		}

		fn query_delivery_fees(destination: VersionedLocation, message: VersionedXcm<()>, asset_id: VersionedAssetId) -> Result<VersionedAssets, XcmPaymentApiError> {
			type AssetExchanger = <xcm_config::XcmConfig as xcm_executor::Config>::AssetExchanger;
			PolkadotXcm::query_delivery_fees::<AssetExchanger>(destination, message, asset_id)
		}
	}

	impl xcm_runtime_apis::dry_run::DryRunApi<Block, RuntimeCall, RuntimeEvent, OriginCaller> for Runtime {
		fn dry_run_call(origin: OriginCaller, call: RuntimeCall, result_xcms_version: XcmVersion) -> Result<CallDryRunEffects<RuntimeEvent>, XcmDryRunApiError> {
			PolkadotXcm::dry_run_call::<Runtime, xcm_config::XcmRouter, OriginCaller, RuntimeCall>(origin, call, result_xcms_version)
		}

		fn dry_run_xcm(origin_location: VersionedLocation, xcm: VersionedXcm<RuntimeCall>) -> Result<XcmDryRunEffects<RuntimeEvent>, XcmDryRunApiError> {
			PolkadotXcm::dry_run_xcm::<xcm_config::XcmRouter>(origin_location, xcm)
		}
	}

	impl xcm_runtime_apis::conversions::LocationToAccountApi<Block, AccountId> for Runtime {
		fn convert_location(location: VersionedLocation) -> Result<
			AccountId,
			xcm_runtime_apis::conversions::Error
		> {
			xcm_runtime_apis::conversions::LocationToAccountHelper::<
				AccountId,
				xcm_config::LocationToAccountId,
			>::convert_location(location)
		}
	}

	impl xcm_runtime_apis::trusted_query::TrustedQueryApi<Block> for Runtime {
		fn is_trusted_reserve(asset: VersionedAsset, location: VersionedLocation) -> xcm_runtime_apis::trusted_query::XcmTrustedQueryResult {
			PolkadotXcm::is_trusted_reserve(asset, location)
		}
		fn is_trusted_teleporter(asset: VersionedAsset, location: VersionedLocation) -> xcm_runtime_apis::trusted_query::XcmTrustedQueryResult {
			PolkadotXcm::is_trusted_teleporter(asset, location)
		}
	}

	impl pallet_model_registry::runtime_api::ModelRegistryApi<
		Block,
		AccountId,
		Balance,
		pallet_model_registry::ModelInfo<Runtime>,
		pallet_model_registry::ModelVersionInfo<Runtime>,
		pallet_model_registry::EvaluationInfo<Runtime>,
	> for Runtime {
		fn model(model: deai_primitives::ModelId) -> Option<(
			pallet_model_registry::ModelInfo<Runtime>,
			Vec<(deai_primitives::VersionIndex, pallet_model_registry::ModelVersionInfo<Runtime>)>,
		)> {
			ModelRegistry::model_with_versions(model)
		}

		fn lineage(
			version: deai_primitives::ModelVersionRef,
			depth: u32,
		) -> Option<pallet_model_registry::Lineage> {
			ModelRegistry::lineage(version, depth)
		}

		fn training_datasets(
			version: deai_primitives::ModelVersionRef,
		) -> Vec<deai_primitives::DatasetVersionRef> {
			pallet_model_registry::ModelVersions::<Runtime>::get(version.model, version.version)
				.map(|v| v.trained_on.into_inner())
				.unwrap_or_default()
		}

		fn evaluations(
			version: deai_primitives::ModelVersionRef,
		) -> Vec<(deai_primitives::EvaluationId, pallet_model_registry::EvaluationInfo<Runtime>)> {
			ModelRegistry::evaluations_of(version)
		}

		fn version_by_hash(
			hash: deai_primitives::ContentHash,
			publisher: AccountId,
		) -> Option<pallet_model_registry::VersionRef> {
			ModelRegistry::version_by_hash(hash, &publisher)
		}

		fn versions_by_hash(
			hash: deai_primitives::ContentHash,
		) -> Vec<(AccountId, pallet_model_registry::VersionRef)> {
			ModelRegistry::versions_by_hash(hash)
		}

		fn royalties(
			version: pallet_model_registry::VersionRef,
		) -> Vec<(pallet_model_registry::RoyaltyPayee<AccountId>, Balance)> {
			ModelRegistry::royalties(version)
		}

		fn royalties_of(account: AccountId) -> Vec<(pallet_model_registry::VersionRef, Balance)> {
			ModelRegistry::royalties_of(&account)
		}
	}

	impl pallet_contracts::ContractsApi<Block, AccountId, Balance, BlockNumber, Hash, ContractsEventRecord>
		for Runtime
	{
		// Dry runs for clients (polkadot.js' api-contract estimates gas and deposits with them).
		// Debug output and events are collected: these are never executed on chain.
		fn call(
			origin: AccountId,
			dest: AccountId,
			value: Balance,
			gas_limit: Option<Weight>,
			storage_deposit_limit: Option<Balance>,
			input_data: Vec<u8>,
		) -> pallet_contracts::ContractExecResult<Balance, ContractsEventRecord> {
			let gas_limit = gas_limit.unwrap_or(RuntimeBlockWeights::get().max_block);
			Contracts::bare_call(
				origin,
				dest,
				value,
				gas_limit,
				storage_deposit_limit,
				input_data,
				pallet_contracts::DebugInfo::UnsafeDebug,
				pallet_contracts::CollectEvents::UnsafeCollect,
				pallet_contracts::Determinism::Enforced,
			)
		}

		fn instantiate(
			origin: AccountId,
			value: Balance,
			gas_limit: Option<Weight>,
			storage_deposit_limit: Option<Balance>,
			code: pallet_contracts::Code<Hash>,
			data: Vec<u8>,
			salt: Vec<u8>,
		) -> pallet_contracts::ContractInstantiateResult<AccountId, Balance, ContractsEventRecord> {
			let gas_limit = gas_limit.unwrap_or(RuntimeBlockWeights::get().max_block);
			Contracts::bare_instantiate(
				origin,
				value,
				gas_limit,
				storage_deposit_limit,
				code,
				data,
				salt,
				pallet_contracts::DebugInfo::UnsafeDebug,
				pallet_contracts::CollectEvents::UnsafeCollect,
			)
		}

		fn upload_code(
			origin: AccountId,
			code: Vec<u8>,
			storage_deposit_limit: Option<Balance>,
			determinism: pallet_contracts::Determinism,
		) -> pallet_contracts::CodeUploadResult<Hash, Balance> {
			Contracts::bare_upload_code(origin, code, storage_deposit_limit, determinism)
		}

		fn get_storage(address: AccountId, key: Vec<u8>) -> pallet_contracts::GetStorageResult {
			Contracts::get_storage(address, key)
		}
	}

	impl pallet_ai_oracle::runtime_api::AiOracleApi<
		Block,
		Balance,
		pallet_ai_oracle::Answer<Runtime>,
		pallet_ai_oracle::RequestState<Runtime>,
	> for Runtime {
		fn request(request: u64) -> pallet_ai_oracle::RequestState<Runtime> {
			crate::AiOracle::request_state(request)
		}

		fn feed_latest(feed: u64) -> Option<pallet_ai_oracle::Answer<Runtime>> {
			pallet_ai_oracle::FeedAnswers::<Runtime>::get(feed)
		}

		fn quote(
			model: deai_primitives::ModelVersionRef,
			providers: u32,
			price: Balance,
			callback_gas: Option<Weight>,
		) -> Option<pallet_ai_oracle::runtime_api::OracleQuote<Balance>> {
			crate::AiOracle::quote(model, providers, price, callback_gas)
		}
	}

	impl pallet_compute_market::runtime_api::ComputeMarketApi<
		Block,
		AccountId,
		Balance,
		pallet_compute_market::Job<Runtime>,
		pallet_compute_market::ProviderInfo<Runtime>,
		pallet_compute_market::Receipt<Runtime>,
	> for Runtime {
		fn eligible_jobs(provider: AccountId, start: deai_primitives::JobId, limit: u32) -> Vec<deai_primitives::JobId> {
			ComputeMarket::eligible_jobs(&provider, start, limit)
		}

		fn job(job: deai_primitives::JobId) -> Option<(pallet_compute_market::Job<Runtime>, Vec<(AccountId, Balance)>)> {
			ComputeMarket::job_with_bids(job)
		}

		fn provider(provider: AccountId) -> Option<pallet_compute_market::ProviderInfo<Runtime>> {
			pallet_compute_market::Providers::<Runtime>::get(provider)
		}

		fn receipt(job: deai_primitives::JobId) -> Option<pallet_compute_market::Receipt<Runtime>> {
			pallet_compute_market::Receipts::<Runtime>::get(job)
		}

		fn quote(
			model: Option<deai_primitives::ModelVersionRef>,
			datasets: Vec<deai_primitives::DatasetVersionRef>,
			price: Balance,
			providers: u32,
		) -> Option<pallet_compute_market::runtime_api::Quote<Balance>> {
			ComputeMarket::quote(model, datasets, price, providers)
		}
	}

	impl pallet_contributor_rewards::runtime_api::ContributorRewardsApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn current_epoch() -> (pallet_contributor_rewards::EpochIndex, BlockNumber, BlockNumber) {
			ContributorRewards::epoch_info()
		}

		fn points(earner: deai_primitives::Earner<AccountId>) -> pallet_contributor_rewards::PerCategory<u128> {
			let epoch = pallet_contributor_rewards::CurrentEpoch::<Runtime>::get();
			pallet_contributor_rewards::Points::<Runtime>::get(epoch, earner).points
		}

		fn claimable(earner: deai_primitives::Earner<AccountId>) -> Vec<(pallet_contributor_rewards::EpochIndex, Balance)> {
			ContributorRewards::claimable(&earner)
		}

		fn category_weights() -> pallet_contributor_rewards::PerCategory<sp_runtime::Perbill> {
			pallet_contributor_rewards::CategoryWeights::<Runtime>::get()
		}

		fn pot() -> pallet_contributor_rewards::PotInfo<Balance> {
			ContributorRewards::pot_info()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis_config_presets::preset_names()
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// An upgrade that fails its checks must stop the try-runtime run loudly.
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, crate::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			// try-runtime is an offline tool: a failed check should abort with a backtrace.
			Executive::try_execute_block(block, state_root_check, signature_check, select).unwrap()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::benchmark_metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch_benchmark(config)
		}
	}
}
