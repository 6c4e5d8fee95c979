//! Governance: the treasury and OpenGov (conviction voting, referenda on custom tracks, the
//! whitelist), plus pallet-parameters for the runtime parameters governance may change.

pub mod bounds;
pub mod origins;
pub mod tracks;

pub use bounds::{Clamped, ParametersInBounds};
pub use origins::{pallet_custom_origins, Spender};

use crate::{
	constants::time::*, AccountId, Balance, Balances, BlockNumber, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, Scheduler, System, Treasury, UNIT,
};
use frame_support::{
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		ConstU32, EitherOf, EitherOfDiverse, EnsureOriginWithArg,
	},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned};
use sp_runtime::traits::IdentityLookup;

/// Root, or the origin of a referendum on the treasurer track.
pub type TreasurerOrRoot = EitherOfDiverse<EnsureRoot<AccountId>, origins::Treasurer>;
/// Root, or the origin of a referendum on the DeAI parameters track.
pub type DeaiParametersOrRoot = EitherOfDiverse<EnsureRoot<AccountId>, origins::DeaiParameters>;

/// Runtime parameters that governance changes with `Parameters::set_parameter`. Each DeAI
/// parameter has a range ([`bounds`]): a value out of it is refused at the call and clamped at use.
#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// Treasury parameters.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod treasury {
		/// The share of unspent treasury funds burned at the end of each spend period.
		#[codec(index = 0)]
		pub static Burn: sp_runtime::Permill = sp_runtime::Permill::zero();
	}

	/// Compute-market parameters (the `deai_parameters` track).
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod market {
		/// The protocol fee on what providers are paid, to the treasury.
		#[codec(index = 0)]
		pub static ProtocolFee: sp_runtime::Permill = sp_runtime::Permill::from_percent(2);

		/// The least bond an active provider holds.
		#[codec(index = 1)]
		pub static MinProviderBond: crate::Balance = 100 * crate::UNIT;

		/// The bond a requester holds to dispute a result.
		#[codec(index = 2)]
		pub static DisputeBond: crate::Balance = 10 * crate::UNIT;

		/// The share of each protocol fee paid to the contributor-rewards pot (the rest goes to
		/// the treasury).
		#[codec(index = 3)]
		pub static RewardsFeeShare: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(50);
	}

	/// Contributor-rewards parameters (the `deai_parameters` track).
	#[dynamic_pallet_params]
	#[codec(index = 2)]
	pub mod rewards {
		/// Blocks per reward epoch: a day (it applies from the current epoch on).
		#[codec(index = 0)]
		pub static EpochLength: crate::BlockNumber = crate::DAYS;

		/// What one epoch pays at most, from the rewards pot.
		#[codec(index = 1)]
		pub static RewardPerEpoch: crate::Balance = 10_000 * crate::UNIT;
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Treasury(dynamic_params::treasury::Parameters::Burn(
			dynamic_params::treasury::Burn,
			Some(sp_runtime::Permill::zero()),
		))
	}
}

/// Which origin may change which runtime parameter.
pub struct ParameterAdminOrigin;
impl EnsureOriginWithArg<RuntimeOrigin, RuntimeParametersKey> for ParameterAdminOrigin {
	type Success = ();

	fn try_origin(
		origin: RuntimeOrigin,
		key: &RuntimeParametersKey,
	) -> Result<Self::Success, RuntimeOrigin> {
		use frame_support::traits::EnsureOrigin;
		match key {
			RuntimeParametersKey::Treasury(_) => {
				<TreasurerOrRoot as EnsureOrigin<_>>::try_origin(origin).map(|_| ())
			},
			RuntimeParametersKey::Market(_) | RuntimeParametersKey::Rewards(_) => {
				<DeaiParametersOrRoot as EnsureOrigin<_>>::try_origin(origin).map(|_| ())
			},
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(_key: &RuntimeParametersKey) -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::root())
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = ParameterAdminOrigin;
	// The pallet publishes only its reference weights (`()`); they are used until DeAI Chain's
	// own runtime benchmarks replace them.
	type WeightInfo = ();
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
	/// Approved spends are paid every 6 days (20 blocks on a test chain).
	pub SpendPeriod: BlockNumber = prod_or_fast(6 * DAYS, 20);
	/// A spend must be claimed within 30 days of becoming payable.
	pub PayoutPeriod: BlockNumber = prod_or_fast(30 * DAYS, 100);
	pub TreasuryAccount: AccountId = Treasury::account_id();
	pub const MaxBalance: Balance = Balance::MAX;
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = TreasurerOrRoot;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = dynamic_params::treasury::Burn;
	type PalletId = TreasuryPalletId;
	// Burned funds leave the supply.
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EitherOf<EnsureRootWithSuccess<AccountId, MaxBalance>, Spender>;
	// Only DEAI is paid out.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	type BlockNumberProvider = System;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

parameter_types! {
	/// Votes stay locked 7 days per conviction multiplier (10 blocks on a test chain).
	pub VoteLockingPeriod: BlockNumber = prod_or_fast(7 * DAYS, 10);
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

parameter_types! {
	/// Submitting a referendum holds 10 DEAI until it is decided.
	pub const SubmissionDeposit: Balance = 10 * UNIT;
	/// A referendum that never gets a decision deposit times out after 14 days.
	pub UndecidingTimeout: BlockNumber = prod_or_fast(14 * DAYS, 50);
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EitherOf<EnsureRoot<AccountId>, origins::ReferendumCanceller>;
	type KillOrigin = EitherOf<EnsureRoot<AccountId>, origins::ReferendumKiller>;
	// Slashed deposits go to the treasury.
	type Slash = Treasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = frame_support::traits::ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_custom_origins::Config for Runtime {}

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
	// Until DeAI Chain has a technical fellowship, whitelisting itself needs root.
	type WhitelistOrigin = EnsureRoot<AccountId>;
	type DispatchWhitelistedOrigin = EitherOf<EnsureRoot<AccountId>, origins::WhitelistedCaller>;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = ConstU32<{ 30 * DAYS }>;
	type BlockNumberProvider = System;
}
