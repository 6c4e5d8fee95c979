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
//! period decides them. Usage fees are split exactly among the payees: rounding remainders go to
//! the owner, nothing is created or lost.
//!
//! ## For other pallets
//! [`deai_primitives::ModelRegistry`] (usability, licences, fees, royalty splits, pins) is
//! implemented by [`Pallet`]; contributions (uses, accepted evaluations) go to
//! [`Config::ContributionSink`].
//!
//! ## Code layout
//! This file declares the pallet (config, storage, events, errors, calls); each call delegates
//! to a `do_*` function in the module of its concern: `models`, `datasets`, `evaluations`
//! (benchmarks, evaluations, challenges), `royalties` (`pay_usage`, splits, use counting) and
//! `ownership` (transfers and takedowns). Models and datasets share their logic through the
//! traits in `items`, written once in `ownership` and `versions`; `lineage` holds licence
//! ceilings and lineage links, `deposits` and `counters` the money and counter helpers,
//! `registry_trait` the [`deai_primitives::ModelRegistry`] implementation, `queries` the runtime
//! API and `invariants` `do_try_state`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod counters;
mod datasets;
mod deposits;
mod evaluations;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod items;
mod lineage;
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
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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
		/// party's paid use credits the item's contributors this cut, by share, as contribution
		/// points: a point is a unit of fee paid to the protocol, so self-use cannot farm them.
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
		/// How many lineage levels an upstream royalty climbs.
		#[pallet::constant]
		type MaxRoyaltyDepth: Get<u32>;
		/// The most distinct accounts one royalty split pays; beyond it, shares fall back to the
		/// owner of the version being paid for.
		#[pallet::constant]
		type MaxRoyaltyPayees: Get<u32>;
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

	/// The evaluations of each model version.
	#[pallet::storage]
	pub type EvaluationsOf<T> =
		StorageDoubleMap<_, Blake2_128Concat, ModelVersionRef, Twox64Concat, EvaluationId, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A model was registered.
		ModelRegistered {
			/// Its id.
			model: ModelId,
			/// Its owner.
			owner: T::AccountId,
		},
		/// A model's description, tags, licence, fee or contributors changed (for future uses).
		ModelUpdated {
			/// The model.
			model: ModelId,
		},
		/// A model's maintainers were replaced.
		MaintainersSet {
			/// The model.
			model: ModelId,
			/// How many it has now.
			count: u32,
		},
		/// A model version was published.
		ModelVersionPublished {
			/// The version.
			version: ModelVersionRef,
			/// Its content hash.
			hash: ContentHash,
			/// Who published it.
			publisher: T::AccountId,
		},
		/// A model version was deprecated, un-deprecated or yanked.
		ModelVersionStatusChanged {
			/// The version.
			version: ModelVersionRef,
			/// Its new status.
			status: VersionStatus,
		},
		/// A model version was removed and its deposit returned.
		ModelVersionRemoved {
			/// The version.
			version: ModelVersionRef,
		},
		/// A model was removed and its deposit returned.
		ModelRemoved {
			/// The model.
			model: ModelId,
		},
		/// A dataset was registered.
		DatasetRegistered {
			/// Its id.
			dataset: DatasetId,
			/// Its owner.
			owner: T::AccountId,
		},
		/// A dataset's description, licence, access policy or contributors changed.
		DatasetUpdated {
			/// The dataset.
			dataset: DatasetId,
		},
		/// A dataset version was published.
		DatasetVersionPublished {
			/// The version.
			version: DatasetVersionRef,
			/// Its content hash.
			hash: ContentHash,
			/// Who published it.
			publisher: T::AccountId,
		},
		/// A dataset version was deprecated, un-deprecated or yanked.
		DatasetVersionStatusChanged {
			/// The version.
			version: DatasetVersionRef,
			/// Its new status.
			status: VersionStatus,
		},
		/// A dataset version was removed and its deposit returned.
		DatasetVersionRemoved {
			/// The version.
			version: DatasetVersionRef,
		},
		/// A dataset was removed and its deposit returned.
		DatasetRemoved {
			/// The dataset.
			dataset: DatasetId,
		},
		/// A provider may now run compute-to-data jobs on a dataset.
		ProviderApproved {
			/// The dataset.
			dataset: DatasetId,
			/// The provider.
			provider: T::AccountId,
		},
		/// A provider may no longer run compute-to-data jobs on a dataset.
		ProviderRevoked {
			/// The dataset.
			dataset: DatasetId,
			/// The provider.
			provider: T::AccountId,
		},
		/// The owner offered the item to another account (or withdrew the offer: `to` is `None`).
		OwnershipOffered {
			/// The model or dataset.
			item: RegistryItem,
			/// Who may accept it.
			to: Option<T::AccountId>,
		},
		/// An item changed owner; its deposit moved with it.
		OwnershipTransferred {
			/// The model or dataset.
			item: RegistryItem,
			/// The previous owner.
			from: T::AccountId,
			/// The new owner.
			to: T::AccountId,
		},
		/// A benchmark was registered.
		BenchmarkRegistered {
			/// Its id.
			benchmark: BenchmarkId,
			/// Its test data.
			dataset_version: DatasetVersionRef,
		},
		/// A benchmark was removed and its deposit returned.
		BenchmarkRemoved {
			/// The benchmark.
			benchmark: BenchmarkId,
		},
		/// An evaluation was submitted and is open to challenges.
		EvaluationSubmitted {
			/// Its id.
			evaluation: EvaluationId,
			/// The model version evaluated.
			model_version: ModelVersionRef,
			/// The benchmark.
			benchmark: BenchmarkId,
			/// The evaluator.
			evaluator: T::AccountId,
			/// The score.
			score: FixedI64,
		},
		/// An evaluation was challenged.
		EvaluationChallenged {
			/// The evaluation.
			evaluation: EvaluationId,
			/// The challenger.
			challenger: T::AccountId,
		},
		/// The judge decided a challenge: the loser's bond was slashed.
		ChallengeResolved {
			/// The evaluation.
			evaluation: EvaluationId,
			/// The evaluation stands (the challenger lost).
			upheld: bool,
			/// The loser's slashed bond.
			slashed: BalanceOf<T>,
			/// The part of it paid to the winner.
			to_winner: BalanceOf<T>,
		},
		/// An unchallenged evaluation became final and its bond was released.
		EvaluationAccepted {
			/// The evaluation.
			evaluation: EvaluationId,
		},
		/// A final evaluation was removed and its deposit returned.
		EvaluationRemoved {
			/// The evaluation.
			evaluation: EvaluationId,
		},
		/// Governance took an item down.
		TakenDown {
			/// The model or dataset.
			item: RegistryItem,
			/// The owner's slashed deposit.
			slashed: BalanceOf<T>,
		},
		/// Governance restored a taken-down item.
		Restored {
			/// The model or dataset.
			item: RegistryItem,
		},
		/// A usage fee was paid to a version's payees.
		UsagePaid {
			/// The version used.
			version: VersionRef,
			/// Who paid.
			payer: T::AccountId,
			/// The fee, split among the payees.
			fee: BalanceOf<T>,
			/// How many accounts were paid.
			payees: u32,
			/// The contributors were credited for the use: false when the payer is the item's
			/// owner, the version's publisher, one of its contributors or one of the payees.
			credited: bool,
		},
		/// The judge did not rule on a challenge within `JudgementPeriod`: the evaluation
		/// stands and the challenger's bond was returned.
		ChallengeTimedOut {
			/// The evaluation, which stands.
			evaluation: EvaluationId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No model with this id.
		ModelNotFound,
		/// No such version of this model.
		ModelVersionNotFound,
		/// No dataset with this id.
		DatasetNotFound,
		/// No such version of this dataset.
		DatasetVersionNotFound,
		/// No benchmark with this id.
		BenchmarkNotFound,
		/// No evaluation with this id.
		EvaluationNotFound,
		/// Only the model's owner may do this.
		NotModelOwner,
		/// Only the model's owner or a maintainer may do this.
		NotModelMaintainer,
		/// Only the dataset's owner may do this.
		NotDatasetOwner,
		/// Only the benchmark's creator may do this.
		NotBenchmarkCreator,
		/// Only the evaluator may do this.
		NotEvaluator,
		/// No ownership offer to this account is pending.
		NotPendingOwner,
		/// Contributor shares must add up to exactly 100%.
		SharesNotOneHundredPercent,
		/// An account appears twice among the contributors.
		DuplicateContributor,
		/// More contributors than `MaxContributors`.
		TooManyContributors,
		/// More maintainers than `MaxMaintainers`.
		TooManyMaintainers,
		/// An account appears twice among the maintainers.
		DuplicateMaintainer,
		/// More parents than `MaxParents`.
		TooManyParents,
		/// The same parent is named twice.
		DuplicateParent,
		/// The same training dataset version is named twice.
		DuplicateTrainingDataset,
		/// More training datasets than `MaxTrainingDatasets`.
		TooManyTrainingDatasets,
		/// A parent version does not exist.
		ParentVersionUnknown,
		/// A training dataset version does not exist.
		TrainingDatasetUnknown,
		/// A parent's licence does not allow derivative works.
		ParentLicenceForbidsDerivatives,
		/// A training dataset's licence does not allow derivative works.
		DatasetLicenceForbidsDerivatives,
		/// An upstream share was given to a version without parents.
		UpstreamShareWithoutParents,
		/// Only the model's owner may publish a version with parents or an upstream share: they
		/// decide where its usage fees go.
		OnlyOwnerMayRouteRoyalties,
		/// The model's licence allows something a parent version's licence forbids (commercial
		/// use or derivative works), or omits an attribution it requires.
		LicenceMorePermissiveThanParent,
		/// The model's licence allows something a training dataset's licence forbids, or omits
		/// an attribution it requires.
		LicenceMorePermissiveThanTrainingData,
		/// The new licence would allow something the licences of the parents or training data of
		/// the model's versions forbid (see `ModelInfo::licence_ceiling`).
		LicenceMorePermissiveThanLineage,
		/// A name, description, tag, URI, label, licence id or metric is too long.
		TextTooLong,
		/// More tags than `MaxTags`.
		TooManyTags,
		/// An artifact of zero bytes.
		EmptyArtifact,
		/// This account already published a version with this content hash.
		ContentHashAlreadyRegistered,
		/// The version was yanked: it cannot be used, and yanking is final.
		VersionYanked,
		/// The version already has this status.
		StatusUnchanged,
		/// The model or dataset was taken down by governance.
		ItemTakenDown,
		/// The item is not taken down.
		ItemNotTakenDown,
		/// The item still has versions: remove them first.
		HasLiveVersions,
		/// Other versions name this version as a parent.
		HasChildren,
		/// Model versions or benchmarks depend on this dataset version.
		HasDependents,
		/// Open jobs use this version.
		InUseByOpenJobs,
		/// Evaluations name this benchmark.
		BenchmarkInUse,
		/// The compute-to-data dataset still approves providers: revoke them first.
		HasApprovedProviders,
		/// The licence does not allow commercial use.
		LicenceForbidsCommercialUse,
		/// The licence does not allow derivative works.
		LicenceForbidsDerivatives,
		/// The dataset is compute-to-data and this provider is not approved.
		ProviderNotApproved,
		/// Providers are only approved for compute-to-data datasets.
		NotComputeToData,
		/// The provider is already approved.
		ProviderAlreadyApproved,
		/// More approved providers than `MaxApprovedProviders`.
		TooManyApprovedProviders,
		/// The evaluation is past its challenge period or already final.
		ChallengePeriodOver,
		/// The evaluation's challenge period has not ended yet.
		ChallengePeriodNotOver,
		/// The evaluation is not challenged.
		NotChallenged,
		/// The evaluation is not final yet.
		EvaluationNotFinal,
		/// The evaluation is challenged: the judge decides it.
		AwaitingJudgement,
		/// The evaluation is already final.
		AlreadyFinal,
		/// Evaluators cannot challenge their own evaluation.
		CannotChallengeOwnEvaluation,
		/// The version has no usage fee to pay.
		NothingToPay,
		/// The usage fee is above the most the payer agreed to pay.
		FeeAboveMaximum,
		/// An id counter overflowed.
		IdOverflow,
		/// A counter overflowed.
		CounterOverflow,
		/// A taken-down item is restored only if its owner can hold its storage deposit again
		/// (a takedown may have slashed it).
		OwnerCannotPayDeposit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxContributors::get() > 0, "a model needs room for one contributor");
			assert!(
				T::MaxRoyaltyPayees::get() > T::MaxContributors::get(),
				"a royalty split must be able to pay every contributor and the owner"
			);
			assert!(T::MaxLineageNodes::get() > 0 && T::MaxLineageDepth::get() > 0);
			assert!(!T::ChallengePeriod::get().is_zero(), "evaluations need a challenge period");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Registers a model owned by the signer, holding its storage deposit.
		///
		/// `contributors` share each usage fee and must add up to exactly 100%.
		/// Emits `ModelRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model(contributors.len() as u32))]
		pub fn register_model(
			origin: OriginFor<T>,
			name: BoundedText<T::MaxNameLen>,
			description: BoundedText<T::MaxDescriptionLen>,
			tags: TagsOf<T>,
			licence: Licence<T>,
			usage_fee: BalanceOf<T>,
			contributors: ContributorsOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_model(
				owner,
				name,
				description,
				tags,
				licence,
				usage_fee,
				contributors,
			)
		}

		/// Changes a model's description, tags, licence, usage fee or contributors (each when
		/// given), for future uses; published versions stay as they are. A licence may not allow
		/// more than the model's `licence_ceiling` (what its versions' parents and training data
		/// allowed). Owner only; the deposit follows the record's size. Emits `ModelUpdated`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_model(T::MaxContributors::get()))]
		pub fn update_model(
			origin: OriginFor<T>,
			model: ModelId,
			description: Option<BoundedText<T::MaxDescriptionLen>>,
			tags: Option<TagsOf<T>>,
			licence: Option<Licence<T>>,
			usage_fee: Option<BalanceOf<T>>,
			contributors: Option<ContributorsOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_model(who, model, description, tags, licence, usage_fee, contributors)
		}

		/// Replaces a model's maintainers (who may publish, deprecate and yank versions). Owner
		/// only. Emits `MaintainersSet`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_maintainers(maintainers.len() as u32))]
		pub fn set_maintainers(
			origin: OriginFor<T>,
			model: ModelId,
			maintainers: BoundedVec<T::AccountId, T::MaxMaintainers>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_maintainers(who, model, maintainers)
		}

		/// Publishes an immutable model version: its artifact (content hash, size, format, URI),
		/// a label, its lineage (`parents`, which must exist and allow derivatives), the dataset
		/// versions it was trained on, the job that produced it, and the share of each usage fee
		/// passed to its parents' contributors. The model's licence may allow nothing a parent's
		/// or a training dataset's licence forbids; their terms narrow the model's
		/// `licence_ceiling`. Owner or maintainer, but only the owner may name parents or an
		/// upstream share; the publisher holds the version's deposit and may use a content hash
		/// once. Emits `ModelVersionPublished`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::publish_model_version(parents.len() as u32, trained_on.len() as u32))]
		pub fn publish_model_version(
			origin: OriginFor<T>,
			model: ModelId,
			hash: ContentHash,
			size: u64,
			format: ModelFormat,
			uri: BoundedText<T::MaxUriLen>,
			label: BoundedText<T::MaxLabelLen>,
			parents: BoundedVec<ModelVersionRef, T::MaxParents>,
			trained_on: BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
			produced_by_job: Option<JobId>,
			upstream_share: Perbill,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_publish_model_version(
				who,
				model,
				Artifact { content_hash: hash, size_bytes: size, uri },
				format,
				label,
				parents,
				trained_on,
				produced_by_job,
				upstream_share,
			)
		}

		/// Deprecates, un-deprecates (`Published`) or yanks a model version. Yanking is final:
		/// the version stays for history but new jobs cannot use it, and lineage queries flag
		/// its descendants. Owner or maintainer. Emits `ModelVersionStatusChanged`.
		#[pallet::call_index(4)]
		pub fn set_model_version_status(
			origin: OriginFor<T>,
			version: ModelVersionRef,
			status: VersionStatus,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_model_version_status(who, version, status)
		}

		/// Removes a model version no open job uses and no other version descends from, and
		/// returns its deposit to the publisher. Owner or maintainer. Emits
		/// `ModelVersionRemoved`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_model_version(
			T::MaxParents::get(),
			T::MaxTrainingDatasets::get()
		))]
		pub fn remove_model_version(
			origin: OriginFor<T>,
			version: ModelVersionRef,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_model_version(who, version)
		}

		/// Removes a model without versions and returns its deposit. Owner only. Emits
		/// `ModelRemoved`.
		#[pallet::call_index(6)]
		pub fn remove_model(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_model(who, model)
		}

		/// Registers a dataset owned by the signer, with its licence, access policy and
		/// contributors (adding up to exactly 100%). Emits `DatasetRegistered`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::register_dataset(contributors.len() as u32))]
		pub fn register_dataset(
			origin: OriginFor<T>,
			name: BoundedText<T::MaxNameLen>,
			description: BoundedText<T::MaxDescriptionLen>,
			licence: Licence<T>,
			access: AccessPolicy<BalanceOf<T>>,
			contributors: ContributorsOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_dataset(owner, name, description, licence, access, contributors)
		}

		/// Changes a dataset's description, licence, access policy or contributors (each when
		/// given), for future uses. A compute-to-data dataset keeps that policy while it
		/// approves providers. Owner only. Emits `DatasetUpdated`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::update_dataset(T::MaxContributors::get()))]
		pub fn update_dataset(
			origin: OriginFor<T>,
			dataset: DatasetId,
			description: Option<BoundedText<T::MaxDescriptionLen>>,
			licence: Option<Licence<T>>,
			access: Option<AccessPolicy<BalanceOf<T>>>,
			contributors: Option<ContributorsOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_dataset(who, dataset, description, licence, access, contributors)
		}

		/// Publishes an immutable dataset version (content hash, size, URI, label). Owner only;
		/// the owner holds the version's deposit and may use a content hash once. Emits
		/// `DatasetVersionPublished`.
		#[pallet::call_index(9)]
		pub fn publish_dataset_version(
			origin: OriginFor<T>,
			dataset: DatasetId,
			hash: ContentHash,
			size: u64,
			uri: BoundedText<T::MaxUriLen>,
			label: BoundedText<T::MaxLabelLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_publish_dataset_version(
				who,
				dataset,
				Artifact { content_hash: hash, size_bytes: size, uri },
				label,
			)
		}

		/// Deprecates, un-deprecates or yanks (finally) a dataset version. Owner only. Emits
		/// `DatasetVersionStatusChanged`.
		#[pallet::call_index(10)]
		pub fn set_dataset_version_status(
			origin: OriginFor<T>,
			version: DatasetVersionRef,
			status: VersionStatus,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_dataset_version_status(who, version, status)
		}

		/// Removes a dataset version no open job, model version or benchmark depends on, and
		/// returns its deposit. Owner only. Emits `DatasetVersionRemoved`.
		#[pallet::call_index(11)]
		pub fn remove_dataset_version(
			origin: OriginFor<T>,
			version: DatasetVersionRef,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_dataset_version(who, version)
		}

		/// Removes a dataset without versions or approved providers and returns its deposit.
		/// Owner only. Emits `DatasetRemoved`.
		#[pallet::call_index(12)]
		pub fn remove_dataset(origin: OriginFor<T>, dataset: DatasetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_dataset(who, dataset)
		}

		/// Approves a provider to run compute-to-data jobs on the dataset; the owner holds the
		/// entry's deposit. Owner only. Emits `ProviderApproved`.
		#[pallet::call_index(13)]
		pub fn approve_provider(
			origin: OriginFor<T>,
			dataset: DatasetId,
			provider: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_approve_provider(who, dataset, provider)
		}

		/// Withdraws a provider's approval and returns the entry's deposit. Owner only. Emits
		/// `ProviderRevoked`.
		#[pallet::call_index(14)]
		pub fn revoke_provider(
			origin: OriginFor<T>,
			dataset: DatasetId,
			provider: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_provider(who, dataset, provider)
		}

		/// Offers a model or dataset to `new_owner`, who becomes the owner on
		/// `accept_ownership`; `None` withdraws the offer. Owner only. Emits `OwnershipOffered`.
		#[pallet::call_index(15)]
		pub fn offer_ownership(
			origin: OriginFor<T>,
			item: RegistryItem,
			new_owner: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_offer_ownership(who, item, new_owner)
		}

		/// Accepts an ownership offer: the item's deposit moves from the old owner to the signer.
		/// Emits `OwnershipTransferred`.
		#[pallet::call_index(16)]
		pub fn accept_ownership(origin: OriginFor<T>, item: RegistryItem) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_ownership(who, item)
		}

		/// Registers a benchmark: a dataset version and the metric evaluations on it report.
		/// Anyone; the creator holds its deposit. Emits `BenchmarkRegistered`.
		#[pallet::call_index(17)]
		pub fn register_benchmark(
			origin: OriginFor<T>,
			dataset_version: DatasetVersionRef,
			metric: BoundedText<T::MaxMetricLen>,
			higher_is_better: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_benchmark(who, dataset_version, metric, higher_is_better)
		}

		/// Removes a benchmark no evaluation names and returns its deposit. Creator only. Emits
		/// `BenchmarkRemoved`.
		#[pallet::call_index(18)]
		pub fn remove_benchmark(origin: OriginFor<T>, benchmark: BenchmarkId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_benchmark(who, benchmark)
		}

		/// Submits an evaluation of a model version on a benchmark: pays `EvaluationFee` (at most
		/// `max_fee`) to the fee destination and holds `EvaluationBond` and a storage deposit.
		/// It is open to challenges for `ChallengePeriod` blocks. Emits `EvaluationSubmitted`.
		#[pallet::call_index(19)]
		pub fn submit_evaluation(
			origin: OriginFor<T>,
			model_version: ModelVersionRef,
			benchmark: BenchmarkId,
			score: FixedI64,
			evidence_hash: ContentHash,
			evidence_uri: BoundedText<T::MaxUriLen>,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_evaluation(
				who,
				model_version,
				benchmark,
				score,
				evidence_hash,
				evidence_uri,
				max_fee,
			)
		}

		/// Challenges a pending evaluation, holding `ChallengeBond`; the evaluation judge
		/// decides. Anyone but the evaluator. Emits `EvaluationChallenged`.
		#[pallet::call_index(20)]
		pub fn challenge_evaluation(
			origin: OriginFor<T>,
			evaluation: EvaluationId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_challenge_evaluation(who, evaluation)
		}

		/// Decides a challenge (`EvaluationJudgeOrigin`): the loser's bond is slashed, a
		/// `ChallengeWinnerShare` of it paid to the winner and the rest to `Slash`; the winner's
		/// bond is released. An upheld evaluation is accepted and credited. Emits
		/// `ChallengeResolved`.
		#[pallet::call_index(21)]
		pub fn resolve_challenge(
			origin: OriginFor<T>,
			evaluation: EvaluationId,
			upheld: bool,
		) -> DispatchResult {
			T::EvaluationJudgeOrigin::ensure_origin(origin)?;
			Self::do_resolve_challenge(evaluation, upheld)
		}

		/// Accepts an unchallenged evaluation after its challenge period, or a challenged one the
		/// judge did not rule on within `JudgementPeriod` (the challenger's bond comes back,
		/// `ChallengeTimedOut`), releasing its bond and crediting the evaluator. Anyone. Emits
		/// `EvaluationAccepted`.
		#[pallet::call_index(22)]
		pub fn finalize_evaluation(
			origin: OriginFor<T>,
			evaluation: EvaluationId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_finalize_evaluation(evaluation)
		}

		/// Removes a final evaluation and returns its deposit. Evaluator only. Emits
		/// `EvaluationRemoved`.
		#[pallet::call_index(23)]
		pub fn remove_evaluation(origin: OriginFor<T>, evaluation: EvaluationId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_evaluation(who, evaluation)
		}

		/// Takes a model or dataset down (`ModeratorOrigin`): it stays on chain, marked and
		/// unusable; with `slash_deposit` the owner's deposit for it goes to `Slash`. Emits
		/// `TakenDown`.
		#[pallet::call_index(24)]
		pub fn take_down(
			origin: OriginFor<T>,
			item: RegistryItem,
			slash_deposit: bool,
		) -> DispatchResult {
			T::ModeratorOrigin::ensure_origin(origin)?;
			Self::do_take_down(item, slash_deposit)
		}

		/// Restores a taken-down model or dataset (`ModeratorOrigin`). Emits `Restored`.
		#[pallet::call_index(25)]
		pub fn restore(origin: OriginFor<T>, item: RegistryItem) -> DispatchResult {
			T::ModeratorOrigin::ensure_origin(origin)?;
			Self::do_restore(item)
		}

		/// Pays one use of a model or dataset version outside the compute market (e.g. a
		/// licensed download): the licence is checked for `usage`, the fee (at most `max_fee`,
		/// else `FeeAboveMaximum`, so a fee raised before the call is included cannot take more)
		/// is split exactly among the version's payees, and the use is counted. Its contributors
		/// are credited unless the payer is the item's owner, the version's publisher, a
		/// contributor or a payee. Emits `UsagePaid`.
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::pay_usage(T::MaxRoyaltyPayees::get()))]
		pub fn pay_usage(
			origin: OriginFor<T>,
			version: VersionRef,
			usage: IntendedUse,
			max_fee: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let payer = ensure_signed(origin)?;
			let payees = Self::do_pay_usage(payer, version, usage, max_fee)?;
			Ok(Some(T::WeightInfo::pay_usage(payees)).into())
		}
	}
}
