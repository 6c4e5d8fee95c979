//! The pallet's dispatchables: each checks its origin and arguments, then calls the module of its concern.

use frame_support::pallet_macros::pallet_section;

/// Imported into the pallet (`lib.rs`) by `#[import_section(calls::calls)]`.
#[pallet_section]
mod calls {
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
		/// passed up into its parents' royalty pots. The model's licence may allow nothing a parent's
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
				None,
			)
			.map(|_| ())
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

		/// Removes a model version no open job uses and no other version descends from, pays
		/// every payee what its royalty pot owes it (a parent's share into the parent's pot),
		/// and returns its deposit to the publisher. Owner or maintainer. Emits
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

		/// Removes a dataset version no open job, model version or benchmark depends on, pays
		/// every payee what its royalty pot owes it, and returns its deposit. Owner only. Emits
		/// `DatasetVersionRemoved`.
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
		/// licensed download): the licence is checked for `usage`, and the fee (at most
		/// `max_fee`, else `FeeAboveMaximum`, so a fee raised before the call is included cannot
		/// take more) is paid in one step: the protocol's cut to the fee destination, the rest
		/// into the version's royalty pot, where each payee claims its share
		/// (`claim_royalties`). The use is counted; its contributors are credited unless the
		/// payer is the item's owner, the version's publisher or a contributor. Emits
		/// `UsagePaid`.
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::pay_usage())]
		pub fn pay_usage(
			origin: OriginFor<T>,
			version: VersionRef,
			usage: IntendedUse,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			Self::do_pay_usage(payer, version, usage, max_fee)
		}

		/// Pays `payee` what it is owed from `version`'s royalty pot: its share of every fee
		/// the pot received since the version was published, less what it claimed before (the
		/// owner: its share, what the others leave). A parent's share is forwarded into the
		/// parent version's pot. Anyone may claim for any payee: the amount only ever goes to the
		/// payee. While the item is taken down its owner and contributors cannot claim
		/// (`ItemTakenDown`). Emits `RoyaltiesClaimed`.
		#[pallet::call_index(27)]
		#[pallet::weight(T::WeightInfo::claim_royalties())]
		pub fn claim_royalties(
			origin: OriginFor<T>,
			version: VersionRef,
			payee: RoyaltyPayee<T::AccountId>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_claim_royalties(version, payee)
		}
	}
}
