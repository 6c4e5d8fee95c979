//! # Model registry
//!
//! Knowing what a model is, where it came from and who made it: models and datasets with
//! immutable, content-hashed versions, lineage (fine-tuned-from / merged-from and trained-on),
//! machine-readable licences the chain enforces, royalty shares that flow upstream through the
//! lineage, bonded evaluations on registered benchmarks, and governance takedowns.
//!
//! ## Money
//! Every record (model, version, dataset, approved provider, benchmark, evaluation) holds a
//! storage deposit on whoever created it (`HoldReason::StorageDeposit`), returned when the record
//! is removed. Evaluations and challenges also hold bonds until the judge or the challenge
//! period decides them. Royalties are accounted lazily (see [`deai_primitives::royalties`]), so
//! that paying for a use costs the same whatever the number of payees or the depth of the
//! lineage: a usage fee, less the protocol's cut, is one payment into the royalty account
//! (`RoyaltyPalletId`) credited to the version's pot (`RoyaltyPots`); each version's split is
//! fixed when it is published (`RoyaltySplits`); each payee is paid its share when it, or
//! anyone, calls `claim_royalties`, and a parent's share is forwarded into the parent's pot
//! (while an item is taken down, its owner and contributors cannot claim). Removing a version
//! pays out its pot. Shares are rounded down once, on what a pot received in all: what no
//! share reaches yet stays in the pot and goes to the owner when the version is removed, so
//! nothing is created or lost.
//!
//! ## For other pallets
//! [`deai_primitives::ModelRegistry`] (usability, licences, fees, the royalty account, pins and
//! paid uses) is implemented by [`Pallet`]; contributions (uses, accepted evaluations) go to
//! [`Config::ContributionSink`].
//!
//! ## Code layout
//! This file declares the pallet's config and storage; its events, errors and calls are pallet
//! sections in `events`, `errors` and `calls` (imported with `#[import_section]`). Each call
//! delegates to a `do_*` function in the module of its concern: `models`, `datasets`, `evaluations`
//! (benchmarks, evaluations, challenges), `royalties` (splits, pots, `pay_usage`, claims, use
//! counting) and `ownership` (transfers and takedowns). Models and datasets share their logic
//! through the traits in `items`, written once in `ownership` and `versions`; `lineage` holds
//! licence ceilings and lineage links, `deposits` and `counters` the money and counter helpers,
//! `registry_trait` the [`deai_primitives::ModelRegistry`] implementation, `queries` the runtime
//! API, `invariants` `do_try_state` and `migrations` the storage migrations.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod counters;
mod datasets;
mod deposits;
mod errors;
mod evaluations;
mod events;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod items;
mod lineage;
pub mod migrations;
#[cfg(test)]
mod mock;
mod models;
mod ownership;
mod queries;
mod registry_trait;
mod royalties;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
mod versions;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{Credit, Inspect};

/// A balance of the registry's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds slashed by the registry, on their way to [`Config::Slash`].
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The most entries the `versions_by_hash` query returns: anyone may publish any hash, so a
/// client looks a hash up by the publisher it trusts (`version_by_hash`) and uses the list only
/// to discover publishers.
pub const MAX_VERSIONS_BY_HASH: usize = 32;

use frame_support::pallet_macros::import_section;

#[import_section(events::events)]
#[import_section(errors::errors)]
#[import_section(calls::calls)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deai_primitives::{
		BenchmarkId, ContentHash, ContributionSink, DatasetId, DatasetVersionRef, EvaluationId,
		IntendedUse, JobId, ModelId, ModelVersionRef, VersionIndex,
	};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{BalancedHold, Mutate, MutateHold},
			OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{FixedI64, Perbill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the registry holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a record the account created.
		#[codec(index = 0)]
		StorageDeposit,
		/// The bond of an evaluation, until it is final.
		#[codec(index = 1)]
		EvaluationBond,
		/// The bond of a challenge, until the judge decides.
		#[codec(index = 2)]
		ChallengeBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits, bonds and fees are paid in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// May take down and restore models and datasets.
		type ModeratorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Resolves challenged evaluations.
		type EvaluationJudgeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives slashed deposits and the judge's share of slashed bonds (the treasury).
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// Receives "model used", "dataset used" and "evaluation accepted" contributions.
		type ContributionSink: ContributionSink<Self::AccountId>;

		/// The deposit of any record, before its size.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// The deposit per byte of a record's encoding.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The bond an evaluator holds until the evaluation is final.
		#[pallet::constant]
		type EvaluationBond: Get<BalanceOf<Self>>;

		/// The bond a challenger holds until the judge decides.
		#[pallet::constant]
		type ChallengeBond: Get<BalanceOf<Self>>;

		/// How long an evaluation is open to challenges, in blocks.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// How long the evaluation judge has to rule on a challenge, in blocks. Unjudged, the
		/// evaluation stands and both bonds come back (`finalize_evaluation`).
		#[pallet::constant]
		type JudgementPeriod: Get<BlockNumberFor<Self>>;

		/// The share of the loser's bond paid to the winner of a challenge; the rest goes to
		/// [`Config::Slash`].
		#[pallet::constant]
		type ChallengeWinnerShare: Get<Perbill>;

		/// Receives the protocol's cut of every usage fee and every evaluation fee (the
		/// treasury).
		type FeeDestination: Get<Self::AccountId>;

		/// The protocol's cut of every usage fee, paid to [`Config::FeeDestination`]. A third
		/// party's paid use credits the version this cut as contribution points (what they earn
		/// is paid into its royalty pot and shared by its split): a point is a unit of fee paid
		/// to the protocol, so self-use cannot farm them.
		#[pallet::constant]
		type UsageFeeCut: Get<Perbill>;

		/// What an evaluator pays [`Config::FeeDestination`] to submit an evaluation (not
		/// refunded). An accepted evaluation earns that many contribution points.
		#[pallet::constant]
		type EvaluationFee: Get<BalanceOf<Self>>;

		/// The longest name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;
		/// The longest description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;
		/// The most tags of a model.
		#[pallet::constant]
		type MaxTags: Get<u32>;
		/// The longest tag, in bytes.
		#[pallet::constant]
		type MaxTagLen: Get<u32>;
		/// The longest URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;
		/// The longest version label, in bytes.
		#[pallet::constant]
		type MaxLabelLen: Get<u32>;
		/// The longest licence identifier, in bytes.
		#[pallet::constant]
		type MaxSpdxLen: Get<u32>;
		/// The longest metric name, in bytes.
		#[pallet::constant]
		type MaxMetricLen: Get<u32>;
		/// The most contributors of a model or dataset.
		#[pallet::constant]
		type MaxContributors: Get<u32>;
		/// The most maintainers of a model.
		#[pallet::constant]
		type MaxMaintainers: Get<u32>;
		/// The most parents of a model version.
		#[pallet::constant]
		type MaxParents: Get<u32>;
		/// The most dataset versions a model version names as training data.
		#[pallet::constant]
		type MaxTrainingDatasets: Get<u32>;
		/// The most providers approved for one compute-to-data dataset.
		#[pallet::constant]
		type MaxApprovedProviders: Get<u32>;
		/// Names the account every version's royalty pot is kept in (see
		/// [`deai_primitives::royalties`]).
		#[pallet::constant]
		type RoyaltyPalletId: Get<frame_support::PalletId>;
		/// The deepest lineage query.
		#[pallet::constant]
		type MaxLineageDepth: Get<u32>;
		/// The most versions one lineage query visits.
		#[pallet::constant]
		type MaxLineageNodes: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The id the next model gets.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// Registered models.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Blake2_128Concat, ModelId, ModelInfo<T>>;

	/// Each model's name, description and tags (cold: no job reads them).
	#[pallet::storage]
	pub type ModelDescriptions<T: Config> =
		StorageMap<_, Blake2_128Concat, ModelId, ModelDescription<T>>;

	/// Published model versions.
	#[pallet::storage]
	pub type ModelVersions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ModelId,
		Twox64Concat,
		VersionIndex,
		ModelVersionInfo<T>,
	>;

	/// The children of each model version (the reverse of `parents`), for descendant queries.
	#[pallet::storage]
	pub type ModelVersionChildren<T> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ModelVersionRef,
		Blake2_128Concat,
		ModelVersionRef,
		(),
	>;

	/// The model version each publisher published with each content hash. Keyed by publisher
	/// too, so that someone else publishing the same hash first neither blocks a publication nor
	/// answers "which model is this file" for the publisher a client trusts.
	#[pallet::storage]
	pub type ModelVersionByHash<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ContentHash,
		Blake2_128Concat,
		T::AccountId,
		ModelVersionRef,
	>;

	/// The id the next dataset gets.
	#[pallet::storage]
	pub type NextDatasetId<T> = StorageValue<_, DatasetId, ValueQuery>;

	/// Registered datasets.
	#[pallet::storage]
	pub type Datasets<T: Config> = StorageMap<_, Blake2_128Concat, DatasetId, DatasetInfo<T>>;

	/// Each dataset's name and description (cold: no job reads them).
	#[pallet::storage]
	pub type DatasetDescriptions<T: Config> =
		StorageMap<_, Blake2_128Concat, DatasetId, DatasetDescription<T>>;

	/// Published dataset versions.
	#[pallet::storage]
	pub type DatasetVersions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		DatasetId,
		Twox64Concat,
		VersionIndex,
		DatasetVersionInfo<T>,
	>;

	/// The dataset version each publisher published with each content hash (keyed like
	/// [`ModelVersionByHash`]).
	#[pallet::storage]
	pub type DatasetVersionByHash<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ContentHash,
		Blake2_128Concat,
		T::AccountId,
		DatasetVersionRef,
	>;

	/// Providers approved for compute-to-data datasets, with who holds the entry's deposit (the
	/// owner who approved it) and how much.
	#[pallet::storage]
	pub type ApprovedProviders<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		DatasetId,
		Blake2_128Concat,
		T::AccountId,
		(T::AccountId, BalanceOf<T>),
	>;

	/// The id the next benchmark gets.
	#[pallet::storage]
	pub type NextBenchmarkId<T> = StorageValue<_, BenchmarkId, ValueQuery>;

	/// Registered benchmarks.
	#[pallet::storage]
	pub type Benchmarks<T: Config> = StorageMap<_, Blake2_128Concat, BenchmarkId, BenchmarkInfo<T>>;

	/// The id the next evaluation gets.
	#[pallet::storage]
	pub type NextEvaluationId<T> = StorageValue<_, EvaluationId, ValueQuery>;

	/// Submitted evaluations.
	#[pallet::storage]
	pub type Evaluations<T: Config> =
		StorageMap<_, Blake2_128Concat, EvaluationId, EvaluationInfo<T>>;

	/// Each version's royalty split, fixed when it was published: every payee but the owner
	/// with its share of the version's pot (the owner is owed the rest). Read only by claims.
	#[pallet::storage]
	pub type RoyaltySplits<T: Config> =
		StorageMap<_, Blake2_128Concat, VersionRef, RoyaltySplitOf<T>, OptionQuery>;

	/// What each version's pot has received: the hot record a paid use adds to.
	#[pallet::storage]
	pub type RoyaltyPots<T: Config> =
		StorageMap<_, Blake2_128Concat, VersionRef, RoyaltyPot<BalanceOf<T>>, OptionQuery>;

	/// What each payee of each version has claimed so far.
	#[pallet::storage]
	pub type RoyaltiesClaimed<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		VersionRef,
		Blake2_128Concat,
		RoyaltyPayee<T::AccountId>,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// The versions whose splits name each account: for finding what an account is owed.
	#[pallet::storage]
	pub type RoyaltyShares<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, VersionRef, ()>;

	/// The evaluations of each model version.
	#[pallet::storage]
	pub type EvaluationsOf<T> =
		StorageDoubleMap<_, Blake2_128Concat, ModelVersionRef, Twox64Concat, EvaluationId, ()>;

	/// Opens the royalty account at genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::open_royalty_account();
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxContributors::get() > 0, "a model needs room for one contributor");
			assert!(T::MaxLineageNodes::get() > 0 && T::MaxLineageDepth::get() > 0);
			assert!(!T::ChallengePeriod::get().is_zero(), "evaluations need a challenge period");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}
