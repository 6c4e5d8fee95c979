//! # Contributor rewards
//!
//! Every epoch of `EpochLength` blocks pays a reward pot to the people who contributed compute,
//! models, data and evaluations. Other pallets report contributions through
//! [`deai_primitives::ContributionSink`] (no extrinsic adds points); at the epoch's end its
//! totals, its pot (`RewardPerEpoch`, or what the pot account can cover) and the category weights
//! are frozen in O(1). An earner then claims `pot × weight × own points / category total` per
//! category, rounded down, in O(1); anyone may trigger the claim, the earner is paid. Earners are
//! accounts (providers, evaluators) and model or dataset versions: a version's reward is paid
//! into its royalty pot ([`deai_primitives::VersionPots`]), whose split, fixed when the version
//! was published, shares it among its contributors, parents and owner, who claim it with their
//! royalties. Crediting a version as a whole keeps a settlement's cost independent of how many
//! contributors its model and datasets have.
//! Unclaimed rewards return to the pot after `ClaimEpochs` epochs; the expired epochs' points are
//! cleared in `on_idle`, a bounded number per block.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

pub use deai_primitives::Earner;
use deai_primitives::VersionPots;
use frame_support::traits::fungible::Inspect;

/// A balance of the rewards' currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*, traits::fungible::Mutate, weights::WeightMeter, PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::AccountIdConversion, Perbill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency rewards are paid in.
		type Currency: Mutate<Self::AccountId>;

		/// The pot account's id (the treasury and a share of protocol fees fund it).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Blocks per epoch (governance may change it; it applies from the current epoch).
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// What one epoch pays at most (governance sets it).
		type RewardPerEpoch: Get<BalanceOf<Self>>;

		/// For how many epochs after its end an epoch's rewards can be claimed.
		#[pallet::constant]
		type ClaimEpochs: Get<EpochIndex>;

		/// The most one account receives from one category's pot in one epoch.
		#[pallet::constant]
		type MaxShare: Get<Perbill>;

		/// Fewer points than this in a category earn nothing from it.
		#[pallet::constant]
		type MinPoints: Get<u128>;

		/// The most one point pays, as a fraction of the fee unit it stands for; below 100%. A
		/// point is one unit of fee somebody paid the protocol (see
		/// [`deai_primitives::ContributionSink`]), so whoever earns points by paying those fees
		/// itself (a sybil farm) gets back less than it paid.
		#[pallet::constant]
		type MaxRewardPerPoint: Get<Perbill>;

		/// May change the category weights.
		type WeightsOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The versions' royalty pots (the registry), into which what a version earned is paid.
		type VersionPots: VersionPots<Self::AccountId, BalanceOf<Self>>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::type_value]
	/// The default weights: a quarter each.
	pub fn EqualWeights() -> PerCategory<Perbill> {
		PerCategory::equal()
	}

	/// The epoch collecting points now.
	#[pallet::storage]
	pub type CurrentEpoch<T> = StorageValue<_, EpochIndex, ValueQuery>;

	/// Epochs not yet cleared: totals, pot, claims.
	#[pallet::storage]
	pub type Epochs<T: Config> =
		StorageMap<_, Twox64Concat, EpochIndex, EpochInfo<BalanceOf<T>, BlockNumberFor<T>>>;

	/// Each earner's points per epoch: accounts, and versions as a whole (one entry per version
	/// whatever its number of contributors).
	#[pallet::storage]
	pub type Points<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EpochIndex,
		Blake2_128Concat,
		Earner<T::AccountId>,
		EarnerPoints,
		ValueQuery,
	>;

	/// How the pot is split among the categories (adding up to 100%).
	#[pallet::storage]
	pub type CategoryWeights<T> = StorageValue<_, PerCategory<Perbill>, ValueQuery, EqualWeights>;

	/// What closed, unexpired epochs still owe their claimants (held back in the pot account).
	#[pallet::storage]
	pub type Committed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Epochs below this one have been cleared from storage.
	#[pallet::storage]
	pub type ClearedUpTo<T> = StorageValue<_, EpochIndex, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch closed: its pot and weights are fixed and its rewards claimable.
		EpochClosed {
			/// The epoch.
			epoch: EpochIndex,
			/// Its pot.
			pot: BalanceOf<T>,
			/// What its claimants can be paid at most.
			payable: BalanceOf<T>,
		},
		/// An epoch's claim window passed; unclaimed rewards went back to the pot.
		EpochExpired {
			/// The epoch.
			epoch: EpochIndex,
			/// What went back.
			unclaimed: BalanceOf<T>,
		},
		/// An earner was paid its reward for an epoch (a version's into its royalty pot).
		Claimed {
			/// The epoch.
			epoch: EpochIndex,
			/// The account or version.
			earner: Earner<T::AccountId>,
			/// What it was paid.
			amount: BalanceOf<T>,
		},
		/// Governance changed the category weights (from the current epoch on).
		CategoryWeightsSet {
			/// The new weights.
			weights: PerCategory<Perbill>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The epoch is open, expired or unknown.
		EpochNotClaimable,
		/// The earner has no reward in this epoch.
		NothingToClaim,
		/// The earner already claimed this epoch.
		AlreadyClaimed,
		/// Category weights must add up to exactly 100%.
		WeightsNotOneHundredPercent,
		/// The pot account cannot pay (defensive: it always holds what claims are owed).
		PotExhausted,
		/// The reward is below the existential deposit and the account does not exist: it
		/// cannot receive it until it holds the existential deposit.
		BelowExistentialDeposit,
		/// The version has no royalty pot to be paid into (it was removed): its reward is not
		/// paid, and goes back to the pot when the epoch expires.
		VersionHasNoPot,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first category weights (adding up to 100%).
		pub weights: Option<PerCategory<Perbill>>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(weights) = self.weights {
				assert!(weights.is_whole(), "category weights must add up to 100%");
				CategoryWeights::<T>::put(weights);
			}
			Pallet::<T>::open_epoch(0, frame_system::Pallet::<T>::block_number());
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::maybe_roll_over(now)
		}

		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let mut meter = WeightMeter::with_limit(remaining);
			Self::clear_expired(&mut meter);
			meter.consumed()
		}

		fn integrity_test() {
			assert!(T::ClaimEpochs::get() >= 1, "rewards must be claimable for an epoch at least");
			assert!(!T::EpochLength::get().is_zero(), "epochs need blocks");
			assert!(
				T::MaxRewardPerPoint::get() < Perbill::one(),
				"a point must pay less than the fee it stands for, or rewards can be farmed"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Pays `earner` its reward for a closed, unexpired epoch: per category,
		/// `min(pot × weight × points / total, MaxShare × pot × weight, MaxRewardPerPoint ×
		/// points)`, rounded down, nothing below `MinPoints`. Any signed origin may trigger it:
		/// an account earner is paid itself, a version's reward goes into its royalty pot, where
		/// its split shares it. Emits `Claimed`.
		#[pallet::call_index(0)]
		// The benchmark pays an account; paying a version adds its pot's part, which the
		// registry states.
		#[pallet::weight(T::WeightInfo::claim(100_000).saturating_add(T::VersionPots::accrue_weight()))]
		pub fn claim(
			origin: OriginFor<T>,
			epoch: EpochIndex,
			earner: Earner<T::AccountId>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_claim(epoch, earner)
		}

		/// Sets the category weights (`WeightsOrigin`); they must add up to 100%. The current
		/// epoch closes with them. Emits `CategoryWeightsSet`.
		#[pallet::call_index(1)]
		pub fn set_category_weights(
			origin: OriginFor<T>,
			weights: PerCategory<Perbill>,
		) -> DispatchResult {
			T::WeightsOrigin::ensure_origin(origin)?;
			ensure!(weights.is_whole(), Error::<T>::WeightsNotOneHundredPercent);
			CategoryWeights::<T>::put(weights);
			Self::deposit_event(Event::CategoryWeightsSet { weights });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The account the rewards are paid from.
		pub fn pot_account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}
	}
}
