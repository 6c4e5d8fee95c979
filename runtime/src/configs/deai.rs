//! The DeAI pallets: the model registry (and, in their own issues, the compute market and
//! contributor rewards).

use super::governance::{dynamic_params, origins, Clamped, DeaiParametersOrRoot, TreasuryAccount};
use crate::{
	constants::time::{prod_or_fast, DAYS, HOURS, MINUTES},
	deposit, AccountId, Balance, Balances, BlockNumber, ContributorRewards, ModelRegistry, Runtime,
	RuntimeHoldReason, ZkVerifier, UNIT,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU128, ConstU32, EitherOf},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

parameter_types! {
	/// Every registry record holds 0.2 DEAI plus 10 micro-DEAI per byte of its encoding.
	pub const RegistryDepositBase: Balance = deposit(1, 0);
	pub const RegistryDepositPerByte: Balance = deposit(0, 1);
	/// An evaluation and a challenge each bond 10 DEAI.
	pub const EvaluationBond: Balance = 10 * UNIT;
	pub const ChallengeBond: Balance = 10 * UNIT;
	/// Evaluations are open to challenges for a day (10 blocks on a test chain).
	pub ChallengePeriod: BlockNumber = prod_or_fast(DAYS, 10);
	/// The judge has 7 days to rule on a challenge (10 blocks on a test chain); unjudged,
	/// the evaluation stands.
	pub JudgementPeriod: BlockNumber = prod_or_fast(7 * DAYS, 10);
	/// The winner of a challenge gets half the loser's bond; the treasury gets the rest.
	pub const ChallengeWinnerShare: Perbill = Perbill::from_percent(50);
	/// The protocol's cut of every usage fee: a paid use earns the item's contributors that
	/// many contribution points.
	pub const UsageFeeCut: Perbill = Perbill::from_percent(10);
	/// What submitting an evaluation costs (to the treasury); an accepted one earns that many
	/// contribution points.
	pub const EvaluationFee: Balance = UNIT;
}

/// Root, or a referendum on the market-arbiter track.
pub type ArbiterOrRoot = EitherOf<EnsureRoot<AccountId>, origins::MarketArbiter>;

impl pallet_model_registry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ModeratorOrigin = ArbiterOrRoot;
	type EvaluationJudgeOrigin = ArbiterOrRoot;
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	type ContributionSink = ContributorRewards;
	type DepositBase = RegistryDepositBase;
	type DepositPerByte = RegistryDepositPerByte;
	type EvaluationBond = EvaluationBond;
	type ChallengeBond = ChallengeBond;
	type ChallengePeriod = ChallengePeriod;
	type JudgementPeriod = JudgementPeriod;
	type ChallengeWinnerShare = ChallengeWinnerShare;
	type FeeDestination = TreasuryAccount;
	type UsageFeeCut = UsageFeeCut;
	type EvaluationFee = EvaluationFee;
	type MaxNameLen = ConstU32<64>;
	type MaxDescriptionLen = ConstU32<1024>;
	type MaxTags = ConstU32<8>;
	type MaxTagLen = ConstU32<32>;
	type MaxUriLen = ConstU32<256>;
	type MaxLabelLen = ConstU32<32>;
	type MaxSpdxLen = ConstU32<64>;
	type MaxMetricLen = ConstU32<32>;
	type MaxContributors = ConstU32<16>;
	type MaxMaintainers = ConstU32<8>;
	type MaxParents = ConstU32<4>;
	type MaxTrainingDatasets = ConstU32<8>;
	type MaxApprovedProviders = ConstU32<64>;
	type RoyaltyPalletId = RoyaltyPalletId;
	type MaxLineageDepth = ConstU32<16>;
	type MaxLineageNodes = ConstU32<256>;
	type WeightInfo = pallet_model_registry::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A provider loses 10% of its bond for a missed deadline or an outvoted result.
	pub const MissedDeadlineSlash: Perbill = Perbill::from_percent(10);
	/// ... and 20% for a lost dispute.
	pub const DisputeSlash: Perbill = Perbill::from_percent(20);
	/// A requester who loses a dispute pays half its dispute bond to the provider.
	pub const DisputeWinnerShare: Perbill = Perbill::from_percent(50);
	/// Providers wait 7 days for their bond (10 blocks on a test chain).
	pub UnbondingPeriod: BlockNumber = prod_or_fast(7 * DAYS, 10);
	/// Requesters have an hour to review a result (5 blocks on a test chain).
	pub ReviewPeriod: BlockNumber = prod_or_fast(HOURS, 5);
	/// Redundant providers have 10 minutes to reveal (10 blocks on a test chain: the e2e tests
	/// play four reveals, refused ones included, and restart a worker between commit and reveal).
	pub RevealPeriod: BlockNumber = prod_or_fast(10 * MINUTES, 10);
	/// The dispute resolver has 7 days to rule on a dispute (10 blocks on a test chain);
	/// unruled, the result stands.
	pub DisputePeriod: BlockNumber = prod_or_fast(7 * DAYS, 10);
	/// A provider gives back a job it took (`report_failure`) for 5% of its bond: less than a
	/// missed deadline, enough that winning auctions to abandon them loses money (M-4).
	pub const AbandonSlash: Perbill = Perbill::from_percent(5);
	/// Every job or open bid a provider holds at once needs 10 DEAI of its bond (M-4).
	pub const BondPerSlot: Balance = 10 * UNIT;
	/// A job counts in its provider's reputation only if it paid at least 0.01 DEAI of
	/// protocol fee on the provider's pay (M-4: no reputation from wash jobs at a tiny price).
	pub const MinReputationFee: Balance = UNIT / 100;
	pub const MaxMatchingBlocks: BlockNumber = DAYS;
	pub const MaxExecutionBlocks: BlockNumber = 7 * DAYS;
}

impl pallet_compute_market::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = ModelRegistry;
	type ContributionSink = ContributorRewards;
	// Groth16 proofs against a model version's ZK profile.
	type ResultVerifier = ZkVerifier;
	// Redundant sets are drawn from the relay parent's BABE randomness, which no collator
	// chooses (the last 81 block hashes on a dev chain, which a collator could bias).
	type Randomness = crate::RelayRandomness;
	type AttestorOrigin = ArbiterOrRoot;
	type DisputeResolverOrigin = ArbiterOrRoot;
	type FeeDestination = TreasuryAccount;
	type RewardsAccount = RewardsPotAccount;
	// Governance sets these four, each within its range (`governance::bounds`).
	type RewardsFeeShare = Clamped<dynamic_params::market::RewardsFeeShare>;
	type ProtocolFee = Clamped<dynamic_params::market::ProtocolFee>;
	type MinProviderBond = Clamped<dynamic_params::market::MinProviderBond>;
	type DisputeBond = Clamped<dynamic_params::market::DisputeBond>;
	type MissedDeadlineSlash = MissedDeadlineSlash;
	type AbandonSlash = AbandonSlash;
	type BondPerSlot = BondPerSlot;
	type MinReputationFee = MinReputationFee;
	type DisputeSlash = DisputeSlash;
	type DisputeWinnerShare = DisputeWinnerShare;
	type UnbondingPeriod = UnbondingPeriod;
	type ReviewPeriod = ReviewPeriod;
	type RevealPeriod = RevealPeriod;
	type DisputePeriod = DisputePeriod;
	type MaxMatchingBlocks = MaxMatchingBlocks;
	type MaxExecutionBlocks = MaxExecutionBlocks;
	type DepositBase = RegistryDepositBase;
	type DepositPerByte = RegistryDepositPerByte;
	type MaxRedundancy = ConstU32<5>;
	type MaxBids = ConstU32<32>;
	type MaxJobDatasets = ConstU32<4>;
	type MaxUriLen = ConstU32<256>;
	type MaxAcceleratorLen = ConstU32<32>;
	type MaxProofLen = ConstU32<4096>;
	type MaxDeadlinesPerBlock = ConstU32<64>;
	type MaxInlineResultLen = ConstU32<{ deai_abi::oracle::MAX_ANSWER_LEN }>;
	// The AI oracle decides its jobs' answers and hears how they end.
	type JobObserver = crate::AiOracle;
	type WeightInfo = pallet_compute_market::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MarketBenchmarkHelper;
}

parameter_types! {
	/// Callbacks come from this pallet's account.
	pub const OraclePalletId: PalletId = PalletId(*b"deai/orc");
	/// A callback may use 100 ms of execution and 256 KiB of proof: a tenth of a block's time.
	pub const MaxCallbackGas: frame_support::weights::Weight =
		frame_support::weights::Weight::from_parts(100_000_000_000, 256 * 1024);
	/// Providers have 5 minutes to claim an oracle job (4 blocks on a test chain).
	pub OracleMatchingBlocks: BlockNumber = prod_or_fast(5 * MINUTES, 4);
	/// ... and 10 minutes to commit once drawn (10 blocks on a test chain).
	pub OracleExecutionBlocks: BlockNumber = prod_or_fast(10 * MINUTES, 10);
}

impl pallet_ai_oracle::Config for Runtime {
	type MaxInputLen = ConstU32<{ deai_abi::oracle::MAX_INLINE_INPUT_LEN }>;
	type MaxCallbackGas = MaxCallbackGas;
	type MaxCallbacksPerBlock = ConstU32<16>;
	type MaxFeedRoundsPerBlock = ConstU32<8>;
	type MaxRoundsInFlight = ConstU32<2>;
	type MaxFeedRounds = ConstU32<10_000>;
	type MatchingBlocks = OracleMatchingBlocks;
	type ExecutionBlocks = OracleExecutionBlocks;
	// A callback's gas costs what the same weight costs in a transaction.
	type WeightToFee = super::monetary::WeightToFee;
	type Callbacks = super::contracts::ContractCallbacks;
	type PalletId = OraclePalletId;
	type WeightInfo = pallet_ai_oracle::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The federated-training pot's id.
	pub const FederatedPalletId: PalletId = PalletId(*b"deai/fed");
	/// A phase lasts at most a day.
	pub const MaxFederatedPhaseBlocks: BlockNumber = DAYS;
	/// Participants share 80% of a round's pot by score; agreeing evaluators the rest.
	pub const FederatedParticipantShare: Perbill = Perbill::from_percent(80);
	/// The trained model's participants share 70% of its royalties; the task owner, as the
	/// model's owner, keeps the rest.
	pub const FederatedContributorsShare: Perbill = Perbill::from_percent(70);
	/// A member drawn in a round who reveals nothing loses 10% of its stake (as a provider who
	/// misses a deadline loses 10% of its bond).
	pub const FederatedMissedRevealSlash: Perbill = Perbill::from_percent(10);
	/// A participant whose update poisons the model loses half its stake.
	pub const FederatedPoisonSlash: Perbill = Perbill::from_percent(50);
}

impl pallet_federated::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = ModelRegistry;
	type Publisher = ModelRegistry;
	type Providers = crate::ComputeMarket;
	// The relay parent's BABE randomness; the collators' on a dev chain.
	type Randomness = crate::RelayRandomness;
	type FeeDestination = TreasuryAccount;
	type PalletId = FederatedPalletId;
	type MaxMembers = ConstU32<64>;
	type MaxRoundParticipants = ConstU32<16>;
	type MaxRoundEvaluators = ConstU32<5>;
	type MaxRounds = ConstU32<100>;
	// The registry's own bound: the trained model's address is published there.
	type MaxUriLen = ConstU32<256>;
	type MinPhaseBlocks = frame_support::traits::ConstU32<2>;
	type MaxPhaseBlocks = MaxFederatedPhaseBlocks;
	type MaxPhaseEndsPerBlock = ConstU32<4>;
	type MinRoundPot = ConstU128<UNIT>;
	// A member's stake is at least 1 DEAI: a slash must cost something.
	type MinStake = ConstU128<UNIT>;
	type ParticipantShare = FederatedParticipantShare;
	type ContributorsShare = FederatedContributorsShare;
	type MissedRevealSlash = FederatedMissedRevealSlash;
	type PoisonSlash = FederatedPoisonSlash;
	type DepositBase = RegistryDepositBase;
	type DepositPerByte = RegistryDepositPerByte;
	type WeightInfo = pallet_federated::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = FederatedBenchmarkHelper;
}

/// Real registry items and market providers for federated training's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct FederatedBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_federated::BenchmarkHelper<AccountId> for FederatedBenchmarkHelper {
	fn task_items(
		owner: &AccountId,
	) -> (
		deai_primitives::ModelVersionRef,
		deai_primitives::DatasetVersionRef,
		deai_primitives::ModelId,
	) {
		let (base, dataset) = ModelRegistry::benchmark_federated_items(owner);
		(base, dataset, base.model)
	}
	fn make_provider(who: &AccountId, dataset: &deai_primitives::DatasetVersionRef) {
		crate::ComputeMarket::benchmark_provider(who, deai_abi::job_kind::ALL);
		ModelRegistry::benchmark_approve(dataset, who);
	}
}

/// Real registry items for the market's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct MarketBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_compute_market::BenchmarkHelper<AccountId, Balance> for MarketBenchmarkHelper {
	fn model(fee: Balance) -> deai_primitives::ModelVersionRef {
		ModelRegistry::benchmark_model(fee)
	}
	fn dataset(_index: u32, fee: Balance) -> deai_primitives::DatasetVersionRef {
		ModelRegistry::benchmark_dataset(fee)
	}
	fn approve(dataset: &deai_primitives::DatasetVersionRef, provider: &AccountId) {
		ModelRegistry::benchmark_approve(dataset, provider)
	}
	fn revoke(dataset: &deai_primitives::DatasetVersionRef, provider: &AccountId) {
		ModelRegistry::benchmark_revoke(dataset, provider)
	}
}

parameter_types! {
	/// The id of the account the registry keeps every version's royalty pot in.
	pub const RoyaltyPalletId: PalletId = PalletId(*b"py/royal");
	/// The contributor-rewards pot's id.
	pub const RewardsPalletId: PalletId = PalletId(*b"py/rewrd");
	pub RewardsPotAccount: AccountId = ContributorRewards::pot_account();
	/// An earner gets at most 20% of a category's pot in an epoch: an account, or a model or
	/// dataset version (its payees together, as they share its one points entry).
	pub const MaxRewardShare: Perbill = Perbill::from_percent(20);
	/// A point (a unit of fee paid to the protocol) pays at most half a unit: farming points
	/// loses at least half of what it pays (H-4).
	pub const MaxRewardPerPoint: Perbill = Perbill::from_percent(50);
}

impl pallet_contributor_rewards::Config for Runtime {
	type Currency = Balances;
	type PalletId = RewardsPalletId;
	// Governance sets these two, each within its range (`governance::bounds`).
	type EpochLength = Clamped<dynamic_params::rewards::EpochLength>;
	type RewardPerEpoch = Clamped<dynamic_params::rewards::RewardPerEpoch>;
	/// Rewards can be claimed for 30 epochs.
	type ClaimEpochs = ConstU32<30>;
	type MaxShare = MaxRewardShare;
	/// Below a thousand points a category pays nothing (dust from rounding, or farming).
	type MinPoints = ConstU128<1_000>;
	type MaxRewardPerPoint = MaxRewardPerPoint;
	type WeightsOrigin = DeaiParametersOrRoot;
	/// A version's rewards go into its royalty pot, shared by its split.
	type VersionPots = ModelRegistry;
	type WeightInfo = pallet_contributor_rewards::weights::SubstrateWeight<Runtime>;
}

impl pallet_zk_verifier::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = ModelRegistry;
	// A key or profile is a registry-like record: the same deposit per record and byte.
	type DepositBase = RegistryDepositBase;
	type DepositPerByte = RegistryDepositPerByte;
	type WeightInfo = pallet_zk_verifier::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ZkBenchmarkHelper;
}

/// Real registry versions for the verifier's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct ZkBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_zk_verifier::BenchmarkHelper for ZkBenchmarkHelper {
	fn model_version() -> deai_primitives::ModelVersionRef {
		ModelRegistry::benchmark_model(0)
	}
}

impl pallet_relay_randomness::Config for Runtime {
	// A dev chain's mocked relay chain gives no block randomness: the last 81 block hashes.
	type Fallback = crate::RandomnessCollectiveFlip;
	type WeightInfo = pallet_relay_randomness::weights::SubstrateWeight<Runtime>;
}

/// Notes the relay parent's BABE randomness (`CURRENT_BLOCK_RANDOMNESS`, which collators put in
/// every block's relay state proof) once parachain-system has verified the proof. A dev chain's
/// mocked proof has none: nothing is noted and the fallback serves.
pub struct NoteRelayRandomness;
impl cumulus_pallet_parachain_system::OnSystemEvent for NoteRelayRandomness {
	fn on_validation_data(_: &cumulus_primitives_core::PersistedValidationData) {}

	fn on_validation_code_applied() {}

	fn on_relay_state_proof(
		proof: &cumulus_pallet_parachain_system::RelayChainStateProof,
	) -> frame_support::weights::Weight {
		use cumulus_pallet_parachain_system::relay_state_snapshot::{Error, ReadEntryErr};
		use cumulus_primitives_core::relay_chain::well_known_keys::CURRENT_BLOCK_RANDOMNESS;
		use pallet_relay_randomness::WeightInfo;
		// BABE's `AuthorVrfRandomness`: `None` for a relay block without a VRF output (a
		// secondary plain slot), then the last value noted stays.
		match proof.read_optional_entry::<Option<[u8; 32]>>(CURRENT_BLOCK_RANDOMNESS) {
			Ok(Some(Some(value))) => {
				// Written by the same inherent just before this hook.
				let relay_block = cumulus_pallet_parachain_system::ValidationData::<Runtime>::get()
					.map_or(0, |data| data.relay_parent_number);
				crate::RelayRandomness::note(value, relay_block);
			},
			Ok(_) => {},
			// The proof leaves the key out (honest collators always prove it): a collator that
			// could keep the last value or not would choose between two seeds. Its block is
			// invalid, once the chain has relay randomness (a dev chain's mocked relay never
			// proves it).
			Err(Error::ReadOptionalEntry(ReadEntryErr::Proof)) => {
				if pallet_relay_randomness::Latest::<Runtime>::exists() {
					panic!("the relay state proof leaves out the relay parent's randomness");
				}
			},
			// A value whose type the relay chain changed (it is checked against the relay's
			// state root: no collator forged it): the last value stays rather than every block
			// failing.
			Err(_) => {},
		}
		// The proof's trie lookup is in memory, charged as a database read (far above its
		// cost), and the note as benchmarked.
		<Runtime as frame_system::Config>::DbWeight::get()
			.reads(1)
			.saturating_add(pallet_relay_randomness::weights::SubstrateWeight::<Runtime>::note())
	}
}
