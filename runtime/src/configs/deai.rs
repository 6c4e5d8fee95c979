//! The DeAI pallets: the model registry (and, in their own issues, the compute market and
//! contributor rewards).

use super::governance::{origins, TreasuryAccount};
use crate::{
	constants::time::{prod_or_fast, DAYS},
	deposit, AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeHoldReason, UNIT,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU128, ConstU32, EitherOf},
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
	/// Evaluations are open to challenges for a day (10 blocks with `fast-runtime`).
	pub const ChallengePeriod: BlockNumber = prod_or_fast(DAYS, 10);
	/// The winner of a challenge gets half the loser's bond; the treasury gets the rest.
	pub const ChallengeWinnerShare: Perbill = Perbill::from_percent(50);
}

/// Root, or a referendum on the market-arbiter track.
pub type ArbiterOrRoot = EitherOf<EnsureRoot<AccountId>, origins::MarketArbiter>;

impl pallet_model_registry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ModeratorOrigin = ArbiterOrRoot;
	type EvaluationJudgeOrigin = ArbiterOrRoot;
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	// Contributions are discarded until the contributor-rewards pallet exists.
	type ContributionSink = ();
	type DepositBase = RegistryDepositBase;
	type DepositPerByte = RegistryDepositPerByte;
	type EvaluationBond = EvaluationBond;
	type ChallengeBond = ChallengeBond;
	type ChallengePeriod = ChallengePeriod;
	type ChallengeWinnerShare = ChallengeWinnerShare;
	type UsePoints = ConstU128<1_000_000>;
	type EvaluationPoints = ConstU128<1_000_000>;
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
	type MaxRoyaltyDepth = ConstU32<2>;
	type MaxRoyaltyPayees = ConstU32<32>;
	type MaxLineageDepth = ConstU32<16>;
	type MaxLineageNodes = ConstU32<256>;
	type WeightInfo = ();
}
