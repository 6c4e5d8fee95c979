//! The pallet's events: what happened, for indexers, clients and the worker.

use frame_support::pallet_macros::pallet_section;

/// Imported into the pallet (`lib.rs`) by `#[import_section(events::events)]`.
#[pallet_section]
mod events {
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
		/// A usage fee was paid: the protocol's cut to the fee destination, the rest into the
		/// version's royalty pot, where its payees claim their shares.
		UsagePaid {
			/// The version used.
			version: VersionRef,
			/// Who paid.
			payer: T::AccountId,
			/// The fee.
			fee: BalanceOf<T>,
			/// The contributors were credited for the use: false when the payer is the item's
			/// owner, the version's publisher or one of its contributors.
			credited: bool,
		},
		/// A payee of a version's royalty pot was paid what it was owed (by a claim, or because
		/// the version was removed).
		RoyaltiesClaimed {
			/// The version whose pot paid.
			version: VersionRef,
			/// The payee.
			payee: RoyaltyPayee<T::AccountId>,
			/// Where the amount went: an account, or a pot (a parent's share).
			paid_to: RoyaltyDestination<T::AccountId>,
			/// How much.
			amount: BalanceOf<T>,
		},
		/// The judge did not rule on a challenge within `JudgementPeriod`: the evaluation
		/// stands and the challenger's bond was returned.
		ChallengeTimedOut {
			/// The evaluation, which stands.
			evaluation: EvaluationId,
		},
	}
}
