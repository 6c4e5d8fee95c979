//! The pallet's errors: every way a call can fail, by name.

use frame_support::pallet_macros::pallet_section;

/// Imported into the pallet (`lib.rs`) by `#[import_section(errors::errors)]`.
#[pallet_section]
mod errors {
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
		/// The version has no royalty pot: it does not exist (or was removed).
		NoRoyaltyPot,
		/// The version's royalty split does not name the payee.
		NotARoyaltyPayee,
		/// The payee is owed nothing from the version's pot now.
		NothingToClaim,
		/// An id counter overflowed.
		IdOverflow,
		/// A counter overflowed.
		CounterOverflow,
		/// A taken-down item is restored only if its owner can hold its storage deposit again
		/// (a takedown may have slashed it).
		OwnerCannotPayDeposit,
	}
}
