//! The registry's logic: what each call does, the royalty split, deposits, the
//! [`ModelRegistry`] trait for other pallets, queries and invariants.

use crate::{pallet::*, types::*, BalanceOf, CreditOf};
use alloc::{collections::BTreeSet, vec, vec::Vec};
use codec::Encode;
use deai_primitives::{
	BenchmarkId, ContentHash, ContributionCategory, ContributionSink, DatasetId, DatasetVersionRef,
	EvaluationId, IntendedUse, JobId, ModelId, ModelRegistry, ModelVersionRef, PaidUse, Payout,
};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get, OnUnbalanced,
	},
	BoundedVec,
};
use sp_runtime::{
	traits::{CheckedAdd, SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult, FixedI64, Perbill,
};

impl<T: Config> Pallet<T> {
	// ---------------------------------------------------------------------------------------
	// Deposits
	// ---------------------------------------------------------------------------------------

	/// The storage deposit of a record of `bytes` encoded bytes.
	pub fn deposit_for_bytes(bytes: usize) -> BalanceOf<T> {
		let bytes: BalanceOf<T> = (bytes as u32).into();
		T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes))
	}

	/// The storage deposit of `record`.
	pub fn deposit_for(record: &impl Encode) -> BalanceOf<T> {
		Self::deposit_for_bytes(record.encoded_size())
	}

	fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&reason.into(), who, amount)
	}

	fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		let released = T::Currency::release(&reason.into(), who, amount, Precision::BestEffort);
		if released != Ok(amount) {
			defensive!("a registry hold was smaller than the record says");
		}
	}

	/// Moves `who`'s storage deposit from `old` to `new` (holding more or releasing some).
	fn adjust_deposit(who: &T::AccountId, old: BalanceOf<T>, new: BalanceOf<T>) -> DispatchResult {
		if new > old {
			Self::hold(HoldReason::StorageDeposit, who, new.saturating_sub(old))
		} else {
			Self::release(HoldReason::StorageDeposit, who, old.saturating_sub(new));
			Ok(())
		}
	}

	/// Slashes `amount` of `who`'s hold for `reason` to [`Config::Slash`].
	fn slash_hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let (credit, _missing): (CreditOf<T>, _) =
			<T::Currency as BalancedHold<T::AccountId>>::slash(&reason.into(), who, amount);
		let slashed = frame_support::traits::Imbalance::peek(&credit);
		T::Slash::on_unbalanced(credit);
		slashed
	}

	// ---------------------------------------------------------------------------------------
	// Checks
	// ---------------------------------------------------------------------------------------

	/// Contributor shares add up to exactly 100%, each account once.
	fn ensure_valid_contributors(contributors: &ContributorsOf<T>) -> DispatchResult {
		let total: u64 = contributors.iter().map(|(_, share)| share.deconstruct() as u64).sum();
		ensure!(
			total == Perbill::one().deconstruct() as u64,
			Error::<T>::SharesNotOneHundredPercent
		);
		let distinct: BTreeSet<&T::AccountId> = contributors.iter().map(|(who, _)| who).collect();
		ensure!(distinct.len() == contributors.len(), Error::<T>::DuplicateContributor);
		Ok(())
	}

	fn ensure_licence_allows(licence: &Licence<T>, usage: IntendedUse) -> DispatchResult {
		ensure!(
			!usage.commercial || licence.commercial_use,
			Error::<T>::LicenceForbidsCommercialUse
		);
		ensure!(!usage.derivative || licence.derivatives, Error::<T>::LicenceForbidsDerivatives);
		Ok(())
	}

	fn is_maintainer(model: &ModelInfo<T>, who: &T::AccountId) -> bool {
		&model.owner == who || model.maintainers.contains(who)
	}

	fn next_id<Id: CheckedAdd + From<u8> + Copy>(current: Id) -> Result<Id, DispatchError> {
		current.checked_add(&Id::from(1u8)).ok_or_else(|| Error::<T>::IdOverflow.into())
	}

	fn increment(counter: &mut u32) -> DispatchResult {
		*counter = counter.checked_add(1).ok_or(Error::<T>::CounterOverflow)?;
		Ok(())
	}

	fn decrement(counter: &mut u32) {
		if counter.is_zero() {
			defensive!("a registry counter would go below zero");
		}
		*counter = counter.saturating_sub(1);
	}

	// ---------------------------------------------------------------------------------------
	// Models
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_register_model(
		owner: T::AccountId,
		name: BoundedText<T::MaxNameLen>,
		description: BoundedText<T::MaxDescriptionLen>,
		tags: TagsOf<T>,
		licence: Licence<T>,
		usage_fee: BalanceOf<T>,
		contributors: ContributorsOf<T>,
	) -> DispatchResult {
		Self::ensure_valid_contributors(&contributors)?;
		let model = NextModelId::<T>::get();
		let next = Self::next_id(model)?;
		let mut info = ModelInfo::<T> {
			owner: owner.clone(),
			pending_owner: None,
			maintainers: BoundedVec::new(),
			name,
			description,
			tags,
			licence,
			licence_ceiling: LicenceCeiling::UNRESTRICTED,
			usage_fee,
			contributors,
			status: ItemStatus::Active,
			deposit: Zero::zero(),
			next_version: 0,
			live_versions: 0,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &owner, info.deposit)?;
		Models::<T>::insert(model, info);
		NextModelId::<T>::put(next);
		Self::deposit_event(Event::ModelRegistered { model, owner });
		Ok(())
	}

	/// The model, if `who` owns it and it is not taken down.
	fn owned_model(who: &T::AccountId, model: ModelId) -> Result<ModelInfo<T>, DispatchError> {
		let info = Models::<T>::get(model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(&info.owner == who, Error::<T>::NotModelOwner);
		ensure!(info.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		Ok(info)
	}

	/// The model, if `who` owns or maintains it and it is not taken down.
	fn maintained_model(who: &T::AccountId, model: ModelId) -> Result<ModelInfo<T>, DispatchError> {
		let info = Models::<T>::get(model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(Self::is_maintainer(&info, who), Error::<T>::NotModelMaintainer);
		ensure!(info.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		Ok(info)
	}

	/// Stores a changed model record, adjusting the owner's deposit to its new size.
	fn store_model(model: ModelId, mut info: ModelInfo<T>) -> DispatchResult {
		let deposit = Self::deposit_for(&info);
		Self::adjust_deposit(&info.owner, info.deposit, deposit)?;
		info.deposit = deposit;
		Models::<T>::insert(model, info);
		Ok(())
	}

	pub(crate) fn do_update_model(
		who: T::AccountId,
		model: ModelId,
		description: Option<BoundedText<T::MaxDescriptionLen>>,
		tags: Option<TagsOf<T>>,
		licence: Option<Licence<T>>,
		usage_fee: Option<BalanceOf<T>>,
		contributors: Option<ContributorsOf<T>>,
	) -> DispatchResult {
		let mut info = Self::owned_model(&who, model)?;
		if let Some(contributors) = contributors {
			Self::ensure_valid_contributors(&contributors)?;
			info.contributors = contributors;
		}
		if let Some(description) = description {
			info.description = description;
		}
		if let Some(tags) = tags {
			info.tags = tags;
		}
		if let Some(licence) = licence {
			// The ceiling keeps a model whose versions derive from restrictive parents or data
			// from being relicensed more permissively after publication (M-6).
			ensure!(
				info.licence_ceiling.allows(&licence),
				Error::<T>::LicenceMorePermissiveThanLineage
			);
			info.licence = licence;
		}
		if let Some(usage_fee) = usage_fee {
			info.usage_fee = usage_fee;
		}
		Self::store_model(model, info)?;
		Self::deposit_event(Event::ModelUpdated { model });
		Ok(())
	}

	pub(crate) fn do_set_maintainers(
		who: T::AccountId,
		model: ModelId,
		maintainers: BoundedVec<T::AccountId, T::MaxMaintainers>,
	) -> DispatchResult {
		let mut info = Self::owned_model(&who, model)?;
		let distinct: BTreeSet<&T::AccountId> = maintainers.iter().collect();
		ensure!(distinct.len() == maintainers.len(), Error::<T>::DuplicateMaintainer);
		let count = maintainers.len() as u32;
		info.maintainers = maintainers;
		Self::store_model(model, info)?;
		Self::deposit_event(Event::MaintainersSet { model, count });
		Ok(())
	}

	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_publish_model_version(
		publisher: T::AccountId,
		model: ModelId,
		artifact: Artifact<T>,
		format: ModelFormat,
		label: BoundedText<T::MaxLabelLen>,
		parents: BoundedVec<ModelVersionRef, T::MaxParents>,
		trained_on: BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
		produced_by_job: Option<JobId>,
		upstream_share: Perbill,
	) -> DispatchResult {
		let mut info = Self::maintained_model(&publisher, model)?;
		// Parents and the upstream share decide who is paid for every use of the version: the
		// owner's terms, like the fee and the contributors (M-7).
		ensure!(
			publisher == info.owner || (parents.is_empty() && upstream_share.is_zero()),
			Error::<T>::OnlyOwnerMayRouteRoyalties
		);
		ensure!(artifact.size_bytes > 0, Error::<T>::EmptyArtifact);
		// One entry per (hash, publisher): someone else's copy of the hash blocks nothing (M-8).
		ensure!(
			!ModelVersionByHash::<T>::contains_key(artifact.content_hash, &publisher),
			Error::<T>::ContentHashAlreadyRegistered
		);
		ensure!(
			upstream_share.is_zero() || !parents.is_empty(),
			Error::<T>::UpstreamShareWithoutParents
		);
		let distinct: BTreeSet<&ModelVersionRef> = parents.iter().collect();
		ensure!(distinct.len() == parents.len(), Error::<T>::DuplicateParent);
		// The model's licence may grant nothing its parents or training data withhold, so a
		// derivative cannot launder a licence (M-6). Their terms narrow the model's ceiling,
		// which `update_model` keeps the licence within. A parent of this same model is already
		// bound by the same licence and ceiling, so it narrows nothing.
		let mut ceiling = info.licence_ceiling;
		for parent in parents.iter() {
			ensure!(
				ModelVersions::<T>::contains_key(parent.model, parent.version),
				Error::<T>::ParentVersionUnknown
			);
			let parent_model =
				Models::<T>::get(parent.model).ok_or(Error::<T>::ParentVersionUnknown)?;
			ensure!(parent_model.licence.derivatives, Error::<T>::ParentLicenceForbidsDerivatives);
			if parent.model != model {
				let terms = parent_model.licence.terms();
				ensure!(terms.allows(&info.licence), Error::<T>::LicenceMorePermissiveThanParent);
				ceiling = ceiling.meet(terms);
			}
		}
		let distinct: BTreeSet<&DatasetVersionRef> = trained_on.iter().collect();
		ensure!(distinct.len() == trained_on.len(), Error::<T>::DuplicateTrainingDataset);
		for data in trained_on.iter() {
			ensure!(
				DatasetVersions::<T>::contains_key(data.dataset, data.version),
				Error::<T>::TrainingDatasetUnknown
			);
			let dataset =
				Datasets::<T>::get(data.dataset).ok_or(Error::<T>::TrainingDatasetUnknown)?;
			ensure!(dataset.licence.derivatives, Error::<T>::DatasetLicenceForbidsDerivatives);
			let terms = dataset.licence.terms();
			ensure!(terms.allows(&info.licence), Error::<T>::LicenceMorePermissiveThanTrainingData);
			ceiling = ceiling.meet(terms);
		}
		info.licence_ceiling = ceiling;

		let index = info.next_version;
		info.next_version = Self::next_id(index)?;
		Self::increment(&mut info.live_versions)?;
		let this = ModelVersionRef { model, version: index };
		let hash = artifact.content_hash;
		let mut version = ModelVersionInfo::<T> {
			artifact,
			format,
			label,
			parents,
			trained_on,
			produced_by_job,
			upstream_share,
			status: VersionStatus::Published,
			publisher: publisher.clone(),
			deposit: Zero::zero(),
			published_at: frame_system::Pallet::<T>::block_number(),
			uses: 0,
			pins: 0,
			children: 0,
		};
		// The children index entries are part of what this version stores.
		let index_bytes = version.parents.len() * (2 * ModelVersionRef::max_encoded_len() + 32);
		version.deposit = Self::deposit_for_bytes(version.encoded_size() + index_bytes);
		Self::hold(HoldReason::StorageDeposit, &publisher, version.deposit)?;

		for parent in version.parents.iter() {
			ModelVersions::<T>::try_mutate(parent.model, parent.version, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::ParentVersionUnknown)?;
				Self::increment(&mut p.children)
			})?;
			ModelVersionChildren::<T>::insert(parent, this, ());
		}
		for data in version.trained_on.iter() {
			DatasetVersions::<T>::try_mutate(data.dataset, data.version, |d| -> DispatchResult {
				let d = d.as_mut().ok_or(Error::<T>::TrainingDatasetUnknown)?;
				Self::increment(&mut d.dependents)
			})?;
		}
		ModelVersions::<T>::insert(model, index, version);
		ModelVersionByHash::<T>::insert(hash, &publisher, this);
		Models::<T>::insert(model, info);
		Self::deposit_event(Event::ModelVersionPublished { version: this, hash, publisher });
		Ok(())
	}

	/// The allowed status changes: Published <-> Deprecated, and either -> Yanked (final).
	fn next_status(
		current: VersionStatus,
		wanted: VersionStatus,
	) -> Result<VersionStatus, DispatchError> {
		ensure!(current != VersionStatus::Yanked, Error::<T>::VersionYanked);
		ensure!(current != wanted, Error::<T>::StatusUnchanged);
		Ok(wanted)
	}

	pub(crate) fn do_set_model_version_status(
		who: T::AccountId,
		version: ModelVersionRef,
		status: VersionStatus,
	) -> DispatchResult {
		Self::maintained_model(&who, version.model)?;
		ModelVersions::<T>::try_mutate(version.model, version.version, |v| -> DispatchResult {
			let v = v.as_mut().ok_or(Error::<T>::ModelVersionNotFound)?;
			v.status = Self::next_status(v.status, status)?;
			Ok(())
		})?;
		Self::deposit_event(Event::ModelVersionStatusChanged { version, status });
		Ok(())
	}

	pub(crate) fn do_remove_model_version(
		who: T::AccountId,
		version: ModelVersionRef,
	) -> DispatchResult {
		let mut model = Self::maintained_model(&who, version.model)?;
		let info = ModelVersions::<T>::get(version.model, version.version)
			.ok_or(Error::<T>::ModelVersionNotFound)?;
		ensure!(info.pins.is_zero(), Error::<T>::InUseByOpenJobs);
		ensure!(info.children.is_zero(), Error::<T>::HasChildren);

		for parent in info.parents.iter() {
			ModelVersions::<T>::mutate(parent.model, parent.version, |p| match p {
				Some(p) => Self::decrement(&mut p.children),
				None => {
					defensive!("a parent was removed before its child");
				},
			});
			ModelVersionChildren::<T>::remove(parent, version);
		}
		for data in info.trained_on.iter() {
			DatasetVersions::<T>::mutate(data.dataset, data.version, |d| match d {
				Some(d) => Self::decrement(&mut d.dependents),
				None => {
					defensive!("a training dataset was removed before its dependent");
				},
			});
		}
		Self::decrement(&mut model.live_versions);
		if model.live_versions.is_zero() {
			// No version derives from anything any more: the licence is the owner's to choose.
			model.licence_ceiling = LicenceCeiling::UNRESTRICTED;
		}
		Models::<T>::insert(version.model, model);
		ModelVersionByHash::<T>::remove(info.artifact.content_hash, &info.publisher);
		ModelVersions::<T>::remove(version.model, version.version);
		Self::release(HoldReason::StorageDeposit, &info.publisher, info.deposit);
		Self::deposit_event(Event::ModelVersionRemoved { version });
		Ok(())
	}

	pub(crate) fn do_remove_model(who: T::AccountId, model: ModelId) -> DispatchResult {
		let info = Self::owned_model(&who, model)?;
		ensure!(info.live_versions.is_zero(), Error::<T>::HasLiveVersions);
		Models::<T>::remove(model);
		Self::release(HoldReason::StorageDeposit, &info.owner, info.deposit);
		Self::deposit_event(Event::ModelRemoved { model });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Datasets
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_register_dataset(
		owner: T::AccountId,
		name: BoundedText<T::MaxNameLen>,
		description: BoundedText<T::MaxDescriptionLen>,
		licence: Licence<T>,
		access: AccessPolicy<BalanceOf<T>>,
		contributors: ContributorsOf<T>,
	) -> DispatchResult {
		Self::ensure_valid_contributors(&contributors)?;
		let dataset = NextDatasetId::<T>::get();
		let next = Self::next_id(dataset)?;
		let mut info = DatasetInfo::<T> {
			owner: owner.clone(),
			pending_owner: None,
			name,
			description,
			licence,
			access,
			contributors,
			status: ItemStatus::Active,
			deposit: Zero::zero(),
			next_version: 0,
			live_versions: 0,
			approved_providers: 0,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &owner, info.deposit)?;
		Datasets::<T>::insert(dataset, info);
		NextDatasetId::<T>::put(next);
		Self::deposit_event(Event::DatasetRegistered { dataset, owner });
		Ok(())
	}

	/// The dataset, if `who` owns it and it is not taken down.
	fn owned_dataset(
		who: &T::AccountId,
		dataset: DatasetId,
	) -> Result<DatasetInfo<T>, DispatchError> {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::DatasetNotFound)?;
		ensure!(&info.owner == who, Error::<T>::NotDatasetOwner);
		ensure!(info.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		Ok(info)
	}

	/// Stores a changed dataset record, adjusting the owner's deposit to its new size.
	fn store_dataset(dataset: DatasetId, mut info: DatasetInfo<T>) -> DispatchResult {
		let deposit = Self::deposit_for(&info);
		Self::adjust_deposit(&info.owner, info.deposit, deposit)?;
		info.deposit = deposit;
		Datasets::<T>::insert(dataset, info);
		Ok(())
	}

	pub(crate) fn do_update_dataset(
		who: T::AccountId,
		dataset: DatasetId,
		description: Option<BoundedText<T::MaxDescriptionLen>>,
		licence: Option<Licence<T>>,
		access: Option<AccessPolicy<BalanceOf<T>>>,
		contributors: Option<ContributorsOf<T>>,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		if let Some(contributors) = contributors {
			Self::ensure_valid_contributors(&contributors)?;
			info.contributors = contributors;
		}
		if let Some(access) = access {
			ensure!(
				info.approved_providers.is_zero()
					|| matches!(access, AccessPolicy::ComputeToData { .. }),
				Error::<T>::HasApprovedProviders
			);
			info.access = access;
		}
		if let Some(description) = description {
			info.description = description;
		}
		if let Some(licence) = licence {
			info.licence = licence;
		}
		Self::store_dataset(dataset, info)?;
		Self::deposit_event(Event::DatasetUpdated { dataset });
		Ok(())
	}

	pub(crate) fn do_publish_dataset_version(
		publisher: T::AccountId,
		dataset: DatasetId,
		artifact: Artifact<T>,
		label: BoundedText<T::MaxLabelLen>,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&publisher, dataset)?;
		ensure!(artifact.size_bytes > 0, Error::<T>::EmptyArtifact);
		ensure!(
			!DatasetVersionByHash::<T>::contains_key(artifact.content_hash, &publisher),
			Error::<T>::ContentHashAlreadyRegistered
		);
		let index = info.next_version;
		info.next_version = Self::next_id(index)?;
		Self::increment(&mut info.live_versions)?;
		let this = DatasetVersionRef { dataset, version: index };
		let hash = artifact.content_hash;
		let mut version = DatasetVersionInfo::<T> {
			artifact,
			label,
			status: VersionStatus::Published,
			publisher: publisher.clone(),
			deposit: Zero::zero(),
			published_at: frame_system::Pallet::<T>::block_number(),
			uses: 0,
			pins: 0,
			dependents: 0,
		};
		version.deposit = Self::deposit_for(&version);
		Self::hold(HoldReason::StorageDeposit, &publisher, version.deposit)?;
		DatasetVersions::<T>::insert(dataset, index, version);
		DatasetVersionByHash::<T>::insert(hash, &publisher, this);
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::DatasetVersionPublished { version: this, hash, publisher });
		Ok(())
	}

	pub(crate) fn do_set_dataset_version_status(
		who: T::AccountId,
		version: DatasetVersionRef,
		status: VersionStatus,
	) -> DispatchResult {
		Self::owned_dataset(&who, version.dataset)?;
		DatasetVersions::<T>::try_mutate(
			version.dataset,
			version.version,
			|v| -> DispatchResult {
				let v = v.as_mut().ok_or(Error::<T>::DatasetVersionNotFound)?;
				v.status = Self::next_status(v.status, status)?;
				Ok(())
			},
		)?;
		Self::deposit_event(Event::DatasetVersionStatusChanged { version, status });
		Ok(())
	}

	pub(crate) fn do_remove_dataset_version(
		who: T::AccountId,
		version: DatasetVersionRef,
	) -> DispatchResult {
		let mut dataset = Self::owned_dataset(&who, version.dataset)?;
		let info = DatasetVersions::<T>::get(version.dataset, version.version)
			.ok_or(Error::<T>::DatasetVersionNotFound)?;
		ensure!(info.pins.is_zero(), Error::<T>::InUseByOpenJobs);
		ensure!(info.dependents.is_zero(), Error::<T>::HasDependents);
		Self::decrement(&mut dataset.live_versions);
		Datasets::<T>::insert(version.dataset, dataset);
		DatasetVersionByHash::<T>::remove(info.artifact.content_hash, &info.publisher);
		DatasetVersions::<T>::remove(version.dataset, version.version);
		Self::release(HoldReason::StorageDeposit, &info.publisher, info.deposit);
		Self::deposit_event(Event::DatasetVersionRemoved { version });
		Ok(())
	}

	pub(crate) fn do_remove_dataset(who: T::AccountId, dataset: DatasetId) -> DispatchResult {
		let info = Self::owned_dataset(&who, dataset)?;
		ensure!(info.live_versions.is_zero(), Error::<T>::HasLiveVersions);
		ensure!(info.approved_providers.is_zero(), Error::<T>::HasApprovedProviders);
		Datasets::<T>::remove(dataset);
		Self::release(HoldReason::StorageDeposit, &info.owner, info.deposit);
		Self::deposit_event(Event::DatasetRemoved { dataset });
		Ok(())
	}

	pub(crate) fn do_approve_provider(
		who: T::AccountId,
		dataset: DatasetId,
		provider: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(
			matches!(info.access, AccessPolicy::ComputeToData { .. }),
			Error::<T>::NotComputeToData
		);
		ensure!(
			!ApprovedProviders::<T>::contains_key(dataset, &provider),
			Error::<T>::ProviderAlreadyApproved
		);
		ensure!(
			info.approved_providers < T::MaxApprovedProviders::get(),
			Error::<T>::TooManyApprovedProviders
		);
		Self::increment(&mut info.approved_providers)?;
		let deposit = Self::deposit_for(&(dataset, &provider, &who, BalanceOf::<T>::zero()));
		Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
		ApprovedProviders::<T>::insert(dataset, &provider, (who, deposit));
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::ProviderApproved { dataset, provider });
		Ok(())
	}

	pub(crate) fn do_revoke_provider(
		who: T::AccountId,
		dataset: DatasetId,
		provider: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		let (depositor, deposit) = ApprovedProviders::<T>::take(dataset, &provider)
			.ok_or(Error::<T>::ProviderNotApproved)?;
		Self::decrement(&mut info.approved_providers);
		Datasets::<T>::insert(dataset, info);
		Self::release(HoldReason::StorageDeposit, &depositor, deposit);
		Self::deposit_event(Event::ProviderRevoked { dataset, provider });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Ownership and moderation (models and datasets alike)
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_offer_ownership(
		who: T::AccountId,
		item: RegistryItem,
		to: Option<T::AccountId>,
	) -> DispatchResult {
		match item {
			RegistryItem::Model(id) => {
				let mut info = Self::owned_model(&who, id)?;
				info.pending_owner = to.clone();
				Self::store_model(id, info)?;
			},
			RegistryItem::Dataset(id) => {
				let mut info = Self::owned_dataset(&who, id)?;
				info.pending_owner = to.clone();
				Self::store_dataset(id, info)?;
			},
		}
		Self::deposit_event(Event::OwnershipOffered { item, to });
		Ok(())
	}

	pub(crate) fn do_accept_ownership(who: T::AccountId, item: RegistryItem) -> DispatchResult {
		let from = match item {
			RegistryItem::Model(id) => {
				let mut info = Models::<T>::get(id).ok_or(Error::<T>::ModelNotFound)?;
				ensure!(info.pending_owner.as_ref() == Some(&who), Error::<T>::NotPendingOwner);
				ensure!(info.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
				let from = core::mem::replace(&mut info.owner, who.clone());
				info.pending_owner = None;
				// The new owner holds the deposit of the record as it is now.
				let deposit = Self::deposit_for(&info);
				Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
				Self::release(HoldReason::StorageDeposit, &from, info.deposit);
				info.deposit = deposit;
				Models::<T>::insert(id, info);
				from
			},
			RegistryItem::Dataset(id) => {
				let mut info = Datasets::<T>::get(id).ok_or(Error::<T>::DatasetNotFound)?;
				ensure!(info.pending_owner.as_ref() == Some(&who), Error::<T>::NotPendingOwner);
				ensure!(info.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
				let from = core::mem::replace(&mut info.owner, who.clone());
				info.pending_owner = None;
				let deposit = Self::deposit_for(&info);
				Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
				Self::release(HoldReason::StorageDeposit, &from, info.deposit);
				info.deposit = deposit;
				Datasets::<T>::insert(id, info);
				from
			},
		};
		Self::deposit_event(Event::OwnershipTransferred { item, from, to: who });
		Ok(())
	}

	pub(crate) fn do_take_down(item: RegistryItem, slash_deposit: bool) -> DispatchResult {
		let slashed = match item {
			RegistryItem::Model(id) => Models::<T>::try_mutate(id, |m| {
				let m = m.as_mut().ok_or(Error::<T>::ModelNotFound)?;
				ensure!(m.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
				m.status = ItemStatus::TakenDown;
				Ok::<_, DispatchError>(if slash_deposit {
					let slashed = Self::slash_hold(HoldReason::StorageDeposit, &m.owner, m.deposit);
					m.deposit = Zero::zero();
					slashed
				} else {
					Zero::zero()
				})
			})?,
			RegistryItem::Dataset(id) => Datasets::<T>::try_mutate(id, |d| {
				let d = d.as_mut().ok_or(Error::<T>::DatasetNotFound)?;
				ensure!(d.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
				d.status = ItemStatus::TakenDown;
				Ok::<_, DispatchError>(if slash_deposit {
					let slashed = Self::slash_hold(HoldReason::StorageDeposit, &d.owner, d.deposit);
					d.deposit = Zero::zero();
					slashed
				} else {
					Zero::zero()
				})
			})?,
		};
		Self::deposit_event(Event::TakenDown { item, slashed });
		Ok(())
	}

	pub(crate) fn do_restore(item: RegistryItem) -> DispatchResult {
		let restore = |status: &mut ItemStatus| -> DispatchResult {
			ensure!(*status == ItemStatus::TakenDown, Error::<T>::ItemNotTakenDown);
			*status = ItemStatus::Active;
			Ok(())
		};
		match item {
			RegistryItem::Model(id) => Models::<T>::try_mutate(id, |m| {
				restore(&mut m.as_mut().ok_or(Error::<T>::ModelNotFound)?.status)
			})?,
			RegistryItem::Dataset(id) => Datasets::<T>::try_mutate(id, |d| {
				restore(&mut d.as_mut().ok_or(Error::<T>::DatasetNotFound)?.status)
			})?,
		}
		Self::deposit_event(Event::Restored { item });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Benchmarks and evaluations
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_register_benchmark(
		creator: T::AccountId,
		dataset_version: DatasetVersionRef,
		metric: BoundedText<T::MaxMetricLen>,
		higher_is_better: bool,
	) -> DispatchResult {
		let data = DatasetVersions::<T>::get(dataset_version.dataset, dataset_version.version)
			.ok_or(Error::<T>::DatasetVersionNotFound)?;
		ensure!(data.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		let dataset =
			Datasets::<T>::get(dataset_version.dataset).ok_or(Error::<T>::DatasetNotFound)?;
		ensure!(dataset.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		let benchmark = NextBenchmarkId::<T>::get();
		let next = Self::next_id(benchmark)?;
		let mut info = BenchmarkInfo::<T> {
			creator: creator.clone(),
			dataset_version,
			metric,
			higher_is_better,
			deposit: Zero::zero(),
			evaluations: 0,
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &creator, info.deposit)?;
		DatasetVersions::<T>::try_mutate(
			dataset_version.dataset,
			dataset_version.version,
			|d| -> DispatchResult {
				let d = d.as_mut().ok_or(Error::<T>::DatasetVersionNotFound)?;
				Self::increment(&mut d.dependents)
			},
		)?;
		Benchmarks::<T>::insert(benchmark, info);
		NextBenchmarkId::<T>::put(next);
		Self::deposit_event(Event::BenchmarkRegistered { benchmark, dataset_version });
		Ok(())
	}

	pub(crate) fn do_remove_benchmark(who: T::AccountId, benchmark: BenchmarkId) -> DispatchResult {
		let info = Benchmarks::<T>::get(benchmark).ok_or(Error::<T>::BenchmarkNotFound)?;
		ensure!(info.creator == who, Error::<T>::NotBenchmarkCreator);
		ensure!(info.evaluations.is_zero(), Error::<T>::BenchmarkInUse);
		let data = info.dataset_version;
		DatasetVersions::<T>::mutate(data.dataset, data.version, |d| match d {
			Some(d) => Self::decrement(&mut d.dependents),
			None => {
				defensive!("a benchmark's dataset version was removed before it");
			},
		});
		Benchmarks::<T>::remove(benchmark);
		Self::release(HoldReason::StorageDeposit, &info.creator, info.deposit);
		Self::deposit_event(Event::BenchmarkRemoved { benchmark });
		Ok(())
	}

	pub(crate) fn do_submit_evaluation(
		evaluator: T::AccountId,
		model_version: ModelVersionRef,
		benchmark: BenchmarkId,
		score: FixedI64,
		evidence_hash: ContentHash,
		evidence_uri: BoundedText<T::MaxUriLen>,
		max_fee: BalanceOf<T>,
	) -> DispatchResult {
		let fee = T::EvaluationFee::get();
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
		let version = ModelVersions::<T>::get(model_version.model, model_version.version)
			.ok_or(Error::<T>::ModelVersionNotFound)?;
		ensure!(version.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		let model = Models::<T>::get(model_version.model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(model.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		let mut bench = Benchmarks::<T>::get(benchmark).ok_or(Error::<T>::BenchmarkNotFound)?;
		let evaluation = NextEvaluationId::<T>::get();
		let next = Self::next_id(evaluation)?;
		Self::increment(&mut bench.evaluations)?;

		let now = frame_system::Pallet::<T>::block_number();
		let mut info = EvaluationInfo::<T> {
			evaluator: evaluator.clone(),
			model_version,
			benchmark,
			score,
			evidence_hash,
			evidence_uri,
			bond: T::EvaluationBond::get(),
			deposit: Zero::zero(),
			fee,
			status: EvaluationStatus::Pending {
				challenge_deadline: now.saturating_add(T::ChallengePeriod::get()),
			},
			submitted_at: now,
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &evaluator, info.deposit)?;
		Self::hold(HoldReason::EvaluationBond, &evaluator, info.bond)?;
		// The fee is what makes evaluation points cost more than they pay (H-4): points equal
		// it, and a point pays less than a unit.
		T::Currency::transfer(&evaluator, &T::FeeDestination::get(), fee, Preservation::Preserve)?;
		Benchmarks::<T>::insert(benchmark, bench);
		Evaluations::<T>::insert(evaluation, info);
		EvaluationsOf::<T>::insert(model_version, evaluation, ());
		NextEvaluationId::<T>::put(next);
		Self::deposit_event(Event::EvaluationSubmitted {
			evaluation,
			model_version,
			benchmark,
			evaluator,
			score,
		});
		Ok(())
	}

	pub(crate) fn do_challenge_evaluation(
		challenger: T::AccountId,
		evaluation: EvaluationId,
	) -> DispatchResult {
		Evaluations::<T>::try_mutate(evaluation, |e| -> DispatchResult {
			let e = e.as_mut().ok_or(Error::<T>::EvaluationNotFound)?;
			ensure!(e.evaluator != challenger, Error::<T>::CannotChallengeOwnEvaluation);
			let now = frame_system::Pallet::<T>::block_number();
			match e.status {
				EvaluationStatus::Pending { challenge_deadline } if now <= challenge_deadline => {},
				_ => return Err(Error::<T>::ChallengePeriodOver.into()),
			}
			let bond = T::ChallengeBond::get();
			Self::hold(HoldReason::ChallengeBond, &challenger, bond)?;
			e.status = EvaluationStatus::Challenged { challenger: challenger.clone(), bond };
			Ok(())
		})?;
		Self::deposit_event(Event::EvaluationChallenged { evaluation, challenger });
		Ok(())
	}

	pub(crate) fn do_resolve_challenge(evaluation: EvaluationId, upheld: bool) -> DispatchResult {
		let mut info = Evaluations::<T>::get(evaluation).ok_or(Error::<T>::EvaluationNotFound)?;
		let EvaluationStatus::Challenged { challenger, bond: challenge_bond } = info.status.clone()
		else {
			return Err(Error::<T>::NotChallenged.into());
		};
		let (loser, loser_reason, loser_bond, winner, winner_reason, winner_bond) = if upheld {
			(
				challenger,
				HoldReason::ChallengeBond,
				challenge_bond,
				info.evaluator.clone(),
				HoldReason::EvaluationBond,
				info.bond,
			)
		} else {
			(
				info.evaluator.clone(),
				HoldReason::EvaluationBond,
				info.bond,
				challenger,
				HoldReason::ChallengeBond,
				challenge_bond,
			)
		};
		Self::release(winner_reason, &winner, winner_bond);
		let to_winner = T::ChallengeWinnerShare::get().mul_floor(loser_bond);
		if !to_winner.is_zero() {
			T::Currency::transfer_on_hold(
				&loser_reason.into(),
				&loser,
				&winner,
				to_winner,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
		}
		let slashed = Self::slash_hold(loser_reason, &loser, loser_bond.saturating_sub(to_winner))
			.saturating_add(to_winner);
		info.bond = Zero::zero();
		info.status = if upheld { EvaluationStatus::Accepted } else { EvaluationStatus::Rejected };
		if upheld {
			T::ContributionSink::record(
				&info.evaluator,
				ContributionCategory::Evaluation,
				info.fee.saturated_into(),
			);
		}
		Evaluations::<T>::insert(evaluation, info);
		Self::deposit_event(Event::ChallengeResolved { evaluation, upheld, slashed, to_winner });
		Ok(())
	}

	pub(crate) fn do_finalize_evaluation(evaluation: EvaluationId) -> DispatchResult {
		Evaluations::<T>::try_mutate(evaluation, |e| -> DispatchResult {
			let e = e.as_mut().ok_or(Error::<T>::EvaluationNotFound)?;
			match e.status {
				EvaluationStatus::Pending { challenge_deadline } => ensure!(
					frame_system::Pallet::<T>::block_number() > challenge_deadline,
					Error::<T>::ChallengePeriodNotOver
				),
				EvaluationStatus::Challenged { .. } => {
					return Err(Error::<T>::AwaitingJudgement.into())
				},
				EvaluationStatus::Accepted | EvaluationStatus::Rejected => {
					return Err(Error::<T>::AlreadyFinal.into())
				},
			}
			Self::release(HoldReason::EvaluationBond, &e.evaluator, e.bond);
			e.bond = Zero::zero();
			e.status = EvaluationStatus::Accepted;
			T::ContributionSink::record(
				&e.evaluator,
				ContributionCategory::Evaluation,
				e.fee.saturated_into(),
			);
			Ok(())
		})?;
		Self::deposit_event(Event::EvaluationAccepted { evaluation });
		Ok(())
	}

	pub(crate) fn do_remove_evaluation(
		who: T::AccountId,
		evaluation: EvaluationId,
	) -> DispatchResult {
		let info = Evaluations::<T>::get(evaluation).ok_or(Error::<T>::EvaluationNotFound)?;
		ensure!(info.evaluator == who, Error::<T>::NotEvaluator);
		ensure!(
			matches!(info.status, EvaluationStatus::Accepted | EvaluationStatus::Rejected),
			Error::<T>::EvaluationNotFinal
		);
		Benchmarks::<T>::mutate(info.benchmark, |b| match b {
			Some(b) => Self::decrement(&mut b.evaluations),
			None => {
				defensive!("a benchmark was removed before its evaluation");
			},
		});
		EvaluationsOf::<T>::remove(info.model_version, evaluation);
		Evaluations::<T>::remove(evaluation);
		Self::release(HoldReason::StorageDeposit, &info.evaluator, info.deposit);
		Self::deposit_event(Event::EvaluationRemoved { evaluation });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Usage and royalties
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_pay_usage(
		payer: T::AccountId,
		version: VersionRef,
		usage: IntendedUse,
		max_fee: BalanceOf<T>,
	) -> Result<u32, DispatchError> {
		// Whether the payer is a party to the item: its owner, the version's publisher or one
		// of its contributors (a payee is checked below).
		let (fee, payouts, party) = match version {
			VersionRef::Model(v) => {
				<Self as ModelRegistry<_, _>>::ensure_model_usable(&v, usage)?;
				let model = Models::<T>::get(v.model).ok_or(Error::<T>::ModelNotFound)?;
				let info = ModelVersions::<T>::get(v.model, v.version)
					.ok_or(Error::<T>::ModelVersionNotFound)?;
				let fee = model.usage_fee;
				ensure!(!fee.is_zero(), Error::<T>::NothingToPay);
				ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
				let party =
					Self::is_party(&payer, &model.owner, &info.publisher, &model.contributors);
				(fee, Self::model_royalty_split(&v, fee)?, party)
			},
			VersionRef::Dataset(v) => {
				<Self as ModelRegistry<_, _>>::ensure_dataset_usable(&v, usage, None)?;
				// Compute-to-data is only ever used by approved providers' jobs, never paid for
				// and used directly.
				let dataset = Datasets::<T>::get(v.dataset).ok_or(Error::<T>::DatasetNotFound)?;
				ensure!(
					!matches!(dataset.access, AccessPolicy::ComputeToData { .. }),
					Error::<T>::ProviderNotApproved
				);
				let info = DatasetVersions::<T>::get(v.dataset, v.version)
					.ok_or(Error::<T>::DatasetVersionNotFound)?;
				let fee = dataset.access.fee();
				ensure!(!fee.is_zero(), Error::<T>::NothingToPay);
				ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
				let party =
					Self::is_party(&payer, &dataset.owner, &info.publisher, &dataset.contributors);
				(fee, Self::dataset_royalty_split(&v, fee)?, party)
			},
		};
		for payout in payouts.iter().filter(|p| p.who != payer) {
			T::Currency::transfer(&payer, &payout.who, payout.amount, Preservation::Preserve)?;
		}
		// Paying oneself (or an item one shares in) earns no contribution points; a third
		// party's use credits the contributors the protocol's cut it paid (H-4).
		let credited = !party && payouts.iter().all(|p| p.who != payer);
		let cut = if credited { T::UsageFeeCut::get().mul_floor(fee) } else { Zero::zero() };
		match version {
			VersionRef::Model(v) => Self::count_model_use(&v, cut),
			VersionRef::Dataset(v) => Self::count_dataset_use(&v, cut),
		}
		let payees = payouts.len() as u32;
		Self::deposit_event(Event::UsagePaid { version, payer, fee, payees, credited });
		Ok(payees)
	}

	/// Whether `who` is the owner, the publisher or a contributor of what is being paid for.
	fn is_party(
		who: &T::AccountId,
		owner: &T::AccountId,
		publisher: &T::AccountId,
		contributors: &ContributorsOf<T>,
	) -> bool {
		who == owner || who == publisher || contributors.iter().any(|(c, _)| c == who)
	}

	/// Splits `fee` among a model version's payees: the contributors by share of what the
	/// version keeps, the owner the rounding remainder, and an `upstream_share` of it divided
	/// equally among the parents, each split the same way, up to `MaxRoyaltyDepth` levels. A
	/// taken-down ancestor's part stays with its child's owner. At most `MaxRoyaltyPayees`
	/// distinct accounts are paid: beyond that, shares fall back to this version's owner. The
	/// amounts add up to `fee` exactly.
	pub fn model_royalty_split(
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		let model = Models::<T>::get(version.model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(
			ModelVersions::<T>::contains_key(version.model, version.version),
			Error::<T>::ModelVersionNotFound
		);
		// The owner comes first so that the fallback always has a place.
		let mut split = RoyaltySplit::<T>::new(model.owner.clone());
		let cut = T::UsageFeeCut::get().mul_floor(fee);
		Self::split_model_fee(&mut split, version, fee.saturating_sub(cut), 0);
		Ok(split.finish_with_cut(cut))
	}

	fn split_model_fee(
		split: &mut RoyaltySplit<T>,
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
		depth: u32,
	) {
		let (Some(model), Some(info)) = (
			Models::<T>::get(version.model),
			ModelVersions::<T>::get(version.model, version.version),
		) else {
			// Versions cannot be removed while children name them; only a defensive path.
			defensive!("a royalty split reached a missing version");
			split.add_fallback(fee);
			return;
		};
		let climbs = depth < T::MaxRoyaltyDepth::get() && !info.parents.is_empty();
		let upstream = if climbs { info.upstream_share.mul_floor(fee) } else { Zero::zero() };
		split.add_shares(&model.owner, &model.contributors, fee.saturating_sub(upstream));
		if upstream.is_zero() {
			return;
		}
		let count: BalanceOf<T> = (info.parents.len() as u32).into();
		let per_parent = upstream / count;
		let mut passed_up = BalanceOf::<T>::zero();
		for parent in info.parents.iter() {
			let taken_down =
				Models::<T>::get(parent.model).is_none_or(|m| m.status == ItemStatus::TakenDown);
			if taken_down {
				continue;
			}
			Self::split_model_fee(split, parent, per_parent, depth.saturating_add(1));
			passed_up = passed_up.saturating_add(per_parent);
		}
		split.add(&model.owner, upstream.saturating_sub(passed_up));
	}

	/// Splits `fee` among a dataset's contributors by share; the owner gets the remainder.
	pub fn dataset_royalty_split(
		version: &DatasetVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		let dataset = Datasets::<T>::get(version.dataset).ok_or(Error::<T>::DatasetNotFound)?;
		ensure!(
			DatasetVersions::<T>::contains_key(version.dataset, version.version),
			Error::<T>::DatasetVersionNotFound
		);
		let mut split = RoyaltySplit::<T>::new(dataset.owner.clone());
		let cut = T::UsageFeeCut::get().mul_floor(fee);
		split.add_shares(&dataset.owner, &dataset.contributors, fee.saturating_sub(cut));
		Ok(split.finish_with_cut(cut))
	}

	/// Counts one use of a model version and credits its contributors `points` by share.
	fn count_model_use(version: &ModelVersionRef, points: BalanceOf<T>) {
		ModelVersions::<T>::mutate(version.model, version.version, |v| {
			if let Some(v) = v {
				v.uses = v.uses.saturating_add(1);
			}
		});
		if points.is_zero() {
			return;
		}
		if let Some(model) = Models::<T>::get(version.model) {
			Self::credit(&model.contributors, ContributionCategory::Model, points);
		}
	}

	/// Counts one use of a dataset version and credits its contributors `points` by share.
	fn count_dataset_use(version: &DatasetVersionRef, points: BalanceOf<T>) {
		DatasetVersions::<T>::mutate(version.dataset, version.version, |v| {
			if let Some(v) = v {
				v.uses = v.uses.saturating_add(1);
			}
		});
		if points.is_zero() {
			return;
		}
		if let Some(dataset) = Datasets::<T>::get(version.dataset) {
			Self::credit(&dataset.contributors, ContributionCategory::Dataset, points);
		}
	}

	fn credit(
		contributors: &ContributorsOf<T>,
		category: ContributionCategory,
		points: BalanceOf<T>,
	) {
		let points: u128 = points.saturated_into();
		for (who, share) in contributors.iter() {
			let earned = share.mul_floor(points);
			if !earned.is_zero() {
				T::ContributionSink::record(who, category, earned);
			}
		}
	}

	// ---------------------------------------------------------------------------------------
	// Queries (runtime API)
	// ---------------------------------------------------------------------------------------

	/// A model and its versions.
	pub fn model_with_versions(
		model: ModelId,
	) -> Option<(ModelInfo<T>, Vec<(deai_primitives::VersionIndex, ModelVersionInfo<T>)>)> {
		let info = Models::<T>::get(model)?;
		let mut versions: Vec<_> = ModelVersions::<T>::iter_prefix(model).collect();
		versions.sort_by_key(|(index, _)| *index);
		Some((info, versions))
	}

	fn lineage_node(version: ModelVersionRef, distance: u32) -> Option<LineageNode> {
		let info = ModelVersions::<T>::get(version.model, version.version)?;
		let model_taken_down =
			Models::<T>::get(version.model).is_none_or(|m| m.status == ItemStatus::TakenDown);
		Some(LineageNode {
			version,
			distance,
			parents: info.parents.into_inner(),
			status: info.status,
			model_taken_down,
		})
	}

	/// A version's lineage up to `depth` levels (capped by `MaxLineageDepth`) each way, visiting
	/// at most `MaxLineageNodes` versions; flags a recalled (yanked or taken-down) ancestor.
	pub fn lineage(version: ModelVersionRef, depth: u32) -> Option<Lineage> {
		let root = Self::lineage_node(version, 0)?;
		let depth = depth.min(T::MaxLineageDepth::get());
		let max_nodes = T::MaxLineageNodes::get() as usize;
		let mut lineage = Lineage::default();
		let mut seen = BTreeSet::from([version]);

		// Ancestors, breadth first.
		let mut frontier = root.parents.clone();
		lineage.ancestors.push(root);
		for distance in 1..=depth {
			let mut next = Vec::new();
			for parent in frontier {
				if !seen.insert(parent) {
					continue;
				}
				if seen.len() > max_nodes {
					lineage.truncated = true;
					break;
				}
				if let Some(node) = Self::lineage_node(parent, distance) {
					lineage.recalled_ancestor |=
						node.status == VersionStatus::Yanked || node.model_taken_down;
					next.extend(node.parents.iter().copied());
					lineage.ancestors.push(node);
				}
			}
			frontier = next;
		}

		// Descendants, breadth first, through the children index.
		let mut frontier = vec![version];
		for distance in 1..=depth {
			let mut next = Vec::new();
			for parent in frontier {
				for child in ModelVersionChildren::<T>::iter_key_prefix(parent) {
					if !seen.insert(child) {
						continue;
					}
					if seen.len() > max_nodes {
						lineage.truncated = true;
						break;
					}
					if let Some(node) = Self::lineage_node(child, distance) {
						next.push(child);
						lineage.descendants.push(node);
					}
				}
			}
			frontier = next;
		}
		Some(lineage)
	}

	/// The evaluations of a model version.
	pub fn evaluations_of(version: ModelVersionRef) -> Vec<(EvaluationId, EvaluationInfo<T>)> {
		EvaluationsOf::<T>::iter_key_prefix(version)
			.filter_map(|id| Evaluations::<T>::get(id).map(|e| (id, e)))
			.collect()
	}

	/// The version (model, else dataset) `publisher` published with a content hash.
	pub fn version_by_hash(hash: ContentHash, publisher: &T::AccountId) -> Option<VersionRef> {
		ModelVersionByHash::<T>::get(hash, publisher)
			.map(VersionRef::Model)
			.or_else(|| DatasetVersionByHash::<T>::get(hash, publisher).map(VersionRef::Dataset))
	}

	/// Who published versions with a content hash, and which (model versions first): at most
	/// [`crate::MAX_VERSIONS_BY_HASH`] entries, in no meaningful order. Anyone can publish any
	/// hash, so an entry says who claims the file, not who made it.
	pub fn versions_by_hash(hash: ContentHash) -> Vec<(T::AccountId, VersionRef)> {
		ModelVersionByHash::<T>::iter_prefix(hash)
			.map(|(who, v)| (who, VersionRef::Model(v)))
			.chain(
				DatasetVersionByHash::<T>::iter_prefix(hash)
					.map(|(who, v)| (who, VersionRef::Dataset(v))),
			)
			.take(crate::MAX_VERSIONS_BY_HASH)
			.collect()
	}

	// ---------------------------------------------------------------------------------------
	// Invariants
	// ---------------------------------------------------------------------------------------

	/// The registry's invariants: holds match the records that justify them, lineage and
	/// index references are valid, counters match what they count and are ahead of every id.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		use sp_runtime::TryRuntimeError;
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let add = |map: &mut BTreeMap<T::AccountId, BalanceOf<T>>, who: &T::AccountId, amount| {
			let entry = map.entry(who.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(amount);
		};
		let mut eval_bonds = BTreeMap::new();
		let mut challenge_bonds = BTreeMap::new();

		let next_model = NextModelId::<T>::get();
		for (id, model) in Models::<T>::iter() {
			ensure!(id < next_model, TryRuntimeError::Other("model id not below NextModelId"));
			add(&mut deposits, &model.owner, model.deposit);
			ensure!(
				model.licence_ceiling.allows(&model.licence),
				TryRuntimeError::Other("a model's licence allows more than its lineage")
			);
			ensure!(
				model.live_versions != 0 || model.licence_ceiling == LicenceCeiling::UNRESTRICTED,
				TryRuntimeError::Other("a model without versions has a licence ceiling")
			);
			let versions: Vec<_> = ModelVersions::<T>::iter_prefix(id).collect();
			ensure!(
				versions.len() as u32 == model.live_versions,
				TryRuntimeError::Other("live_versions does not count the model's versions")
			);
			for (index, version) in versions {
				ensure!(
					index < model.next_version,
					TryRuntimeError::Other("version index not below next_version")
				);
				add(&mut deposits, &version.publisher, version.deposit);
				let this = ModelVersionRef { model: id, version: index };
				ensure!(
					ModelVersionByHash::<T>::get(version.artifact.content_hash, &version.publisher)
						== Some(this),
					TryRuntimeError::Other("content hash index out of date")
				);
				for parent in version.parents.iter() {
					ensure!(
						ModelVersions::<T>::contains_key(parent.model, parent.version),
						TryRuntimeError::Other("a version's parent does not exist")
					);
					ensure!(
						ModelVersionChildren::<T>::contains_key(parent, this),
						TryRuntimeError::Other("children index misses an edge")
					);
				}
				ensure!(
					ModelVersionChildren::<T>::iter_key_prefix(this).count() as u32
						== version.children,
					TryRuntimeError::Other("children does not count the version's children")
				);
				for data in version.trained_on.iter() {
					ensure!(
						DatasetVersions::<T>::contains_key(data.dataset, data.version),
						TryRuntimeError::Other("a training dataset version does not exist")
					);
				}
			}
		}
		ensure!(
			ModelVersionByHash::<T>::iter().count() == ModelVersions::<T>::iter().count(),
			TryRuntimeError::Other("content hash index has stale entries")
		);

		let next_dataset = NextDatasetId::<T>::get();
		for (id, dataset) in Datasets::<T>::iter() {
			ensure!(
				id < next_dataset,
				TryRuntimeError::Other("dataset id not below NextDatasetId")
			);
			add(&mut deposits, &dataset.owner, dataset.deposit);
			let providers: Vec<_> = ApprovedProviders::<T>::iter_prefix(id).collect();
			ensure!(
				providers.len() as u32 == dataset.approved_providers,
				TryRuntimeError::Other("approved_providers does not count the approvals")
			);
			for (_, (depositor, deposit)) in providers {
				add(&mut deposits, &depositor, deposit);
			}
			let versions: Vec<_> = DatasetVersions::<T>::iter_prefix(id).collect();
			ensure!(
				versions.len() as u32 == dataset.live_versions,
				TryRuntimeError::Other("live_versions does not count the dataset's versions")
			);
			for (index, version) in versions {
				ensure!(
					index < dataset.next_version,
					TryRuntimeError::Other("version index not below next_version")
				);
				add(&mut deposits, &version.publisher, version.deposit);
				let this = DatasetVersionRef { dataset: id, version: index };
				let hash = version.artifact.content_hash;
				ensure!(
					DatasetVersionByHash::<T>::get(hash, &version.publisher) == Some(this),
					TryRuntimeError::Other("dataset content hash index out of date")
				);
				let dependents = ModelVersions::<T>::iter_values()
					.filter(|v| v.trained_on.contains(&this))
					.count() + Benchmarks::<T>::iter_values()
					.filter(|b| b.dataset_version == this)
					.count();
				ensure!(
					dependents as u32 == version.dependents,
					TryRuntimeError::Other(
						"dependents does not count the dataset version's dependents"
					)
				);
			}
		}
		ensure!(
			DatasetVersionByHash::<T>::iter().all(|(hash, publisher, v)| {
				DatasetVersions::<T>::get(v.dataset, v.version).is_some_and(|info| {
					info.artifact.content_hash == hash && info.publisher == publisher
				})
			}),
			TryRuntimeError::Other("dataset content hash index has stale entries")
		);
		ensure!(
			ApprovedProviders::<T>::iter_keys().all(|(d, _)| Datasets::<T>::contains_key(d)),
			TryRuntimeError::Other("an approval outlived its dataset")
		);

		let next_benchmark = NextBenchmarkId::<T>::get();
		for (id, bench) in Benchmarks::<T>::iter() {
			ensure!(
				id < next_benchmark,
				TryRuntimeError::Other("benchmark id not below NextBenchmarkId")
			);
			add(&mut deposits, &bench.creator, bench.deposit);
			let count = Evaluations::<T>::iter_values().filter(|e| e.benchmark == id).count();
			ensure!(
				count as u32 == bench.evaluations,
				TryRuntimeError::Other("evaluations does not count the benchmark's evaluations")
			);
		}

		let next_evaluation = NextEvaluationId::<T>::get();
		for (id, eval) in Evaluations::<T>::iter() {
			ensure!(
				id < next_evaluation,
				TryRuntimeError::Other("evaluation id not below NextEvaluationId")
			);
			add(&mut deposits, &eval.evaluator, eval.deposit);
			ensure!(
				EvaluationsOf::<T>::contains_key(eval.model_version, id),
				TryRuntimeError::Other("evaluation index misses an evaluation")
			);
			match &eval.status {
				EvaluationStatus::Pending { .. } => {
					add(&mut eval_bonds, &eval.evaluator, eval.bond)
				},
				EvaluationStatus::Challenged { challenger, bond } => {
					add(&mut eval_bonds, &eval.evaluator, eval.bond);
					add(&mut challenge_bonds, challenger, *bond);
				},
				EvaluationStatus::Accepted | EvaluationStatus::Rejected => ensure!(
					eval.bond.is_zero(),
					TryRuntimeError::Other("a final evaluation still records a bond")
				),
			}
		}
		ensure!(
			EvaluationsOf::<T>::iter_keys().all(|(_, id)| Evaluations::<T>::contains_key(id)),
			TryRuntimeError::Other("evaluation index has stale entries")
		);

		for (reason, expected) in [
			(HoldReason::StorageDeposit, deposits),
			(HoldReason::EvaluationBond, eval_bonds),
			(HoldReason::ChallengeBond, challenge_bonds),
		] {
			for (who, amount) in expected {
				ensure!(
					T::Currency::balance_on_hold(&reason.into(), &who) == amount,
					TryRuntimeError::Other("an account's hold differs from its records")
				);
			}
		}
		Ok(())
	}
}

/// Builds a royalty split: merges payments to the same account and caps the payees.
struct RoyaltySplit<T: Config> {
	payouts: Vec<Payout<T::AccountId, BalanceOf<T>>>,
}

impl<T: Config> RoyaltySplit<T> {
	/// A split whose fallback payee (index 0) is `owner`.
	fn new(owner: T::AccountId) -> Self {
		Self { payouts: vec![Payout { who: owner, amount: Zero::zero() }] }
	}

	fn add(&mut self, who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		if let Some(payout) = self.payouts.iter_mut().find(|p| &p.who == who) {
			payout.amount = payout.amount.saturating_add(amount);
		} else if self.payouts.len() < T::MaxRoyaltyPayees::get() as usize {
			self.payouts.push(Payout { who: who.clone(), amount });
		} else {
			self.add_fallback(amount);
		}
	}

	fn add_fallback(&mut self, amount: BalanceOf<T>) {
		if let Some(owner) = self.payouts.first_mut() {
			owner.amount = owner.amount.saturating_add(amount);
		}
	}

	/// Pays `amount` to `contributors` by share; `owner` gets the rounding remainder.
	fn add_shares(
		&mut self,
		owner: &T::AccountId,
		contributors: &ContributorsOf<T>,
		amount: BalanceOf<T>,
	) {
		let mut paid = BalanceOf::<T>::zero();
		for (who, share) in contributors.iter() {
			let part = share.mul_floor(amount);
			self.add(who, part);
			paid = paid.saturating_add(part);
		}
		self.add(owner, amount.saturating_sub(paid));
	}

	/// The payouts, the protocol's `cut` (to the fee destination) first.
	fn finish_with_cut(mut self, cut: BalanceOf<T>) -> Vec<Payout<T::AccountId, BalanceOf<T>>> {
		if !cut.is_zero() {
			self.payouts.insert(0, Payout { who: T::FeeDestination::get(), amount: cut });
		}
		self.payouts.retain(|p| !p.amount.is_zero());
		self.payouts
	}
}

impl<T: Config> ModelRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn ensure_model_usable(version: &ModelVersionRef, usage: IntendedUse) -> DispatchResult {
		let info = ModelVersions::<T>::get(version.model, version.version)
			.ok_or(Error::<T>::ModelVersionNotFound)?;
		let model = Models::<T>::get(version.model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(model.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		ensure!(info.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		Self::ensure_licence_allows(&model.licence, usage)
	}

	fn ensure_dataset_usable(
		version: &DatasetVersionRef,
		usage: IntendedUse,
		provider: Option<&T::AccountId>,
	) -> DispatchResult {
		let info = DatasetVersions::<T>::get(version.dataset, version.version)
			.ok_or(Error::<T>::DatasetVersionNotFound)?;
		let dataset = Datasets::<T>::get(version.dataset).ok_or(Error::<T>::DatasetNotFound)?;
		ensure!(dataset.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		ensure!(info.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		Self::ensure_licence_allows(&dataset.licence, usage)?;
		if let (AccessPolicy::ComputeToData { .. }, Some(provider)) = (&dataset.access, provider) {
			ensure!(
				ApprovedProviders::<T>::contains_key(version.dataset, provider),
				Error::<T>::ProviderNotApproved
			);
		}
		Ok(())
	}

	fn model_usage_fee(version: &ModelVersionRef) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(
			ModelVersions::<T>::contains_key(version.model, version.version),
			Error::<T>::ModelVersionNotFound
		);
		Ok(Models::<T>::get(version.model).ok_or(Error::<T>::ModelNotFound)?.usage_fee)
	}

	fn dataset_usage_fee(version: &DatasetVersionRef) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(
			DatasetVersions::<T>::contains_key(version.dataset, version.version),
			Error::<T>::DatasetVersionNotFound
		);
		Ok(Datasets::<T>::get(version.dataset)
			.ok_or(Error::<T>::DatasetNotFound)?
			.access
			.fee())
	}

	fn model_royalty_split(
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Pallet::<T>::model_royalty_split(version, fee)
	}

	fn dataset_royalty_split(
		version: &DatasetVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Pallet::<T>::dataset_royalty_split(version, fee)
	}

	fn max_royalty_payees() -> u32 {
		// The protocol's cut comes on top of the item's payees.
		T::MaxRoyaltyPayees::get().saturating_add(1)
	}

	fn pin_model(version: &ModelVersionRef) -> DispatchResult {
		ModelVersions::<T>::try_mutate(version.model, version.version, |v| {
			let v = v.as_mut().ok_or(Error::<T>::ModelVersionNotFound)?;
			Self::increment(&mut v.pins)
		})
	}

	fn unpin_model(version: &ModelVersionRef, used: Option<PaidUse<T::AccountId, BalanceOf<T>>>) {
		let publisher = ModelVersions::<T>::mutate(version.model, version.version, |v| match v {
			Some(v) => {
				Self::decrement(&mut v.pins);
				Some(v.publisher.clone())
			},
			None => {
				defensive!("a pinned model version was removed");
				None
			},
		});
		let Some(used) = used else { return };
		let party = match (Models::<T>::get(version.model), publisher) {
			(Some(model), Some(publisher)) => {
				Self::is_party(&used.payer, &model.owner, &publisher, &model.contributors)
			},
			_ => true,
		};
		let cut = if party { Zero::zero() } else { T::UsageFeeCut::get().mul_floor(used.fee) };
		Self::count_model_use(version, cut);
	}

	fn pin_dataset(version: &DatasetVersionRef) -> DispatchResult {
		DatasetVersions::<T>::try_mutate(version.dataset, version.version, |v| {
			let v = v.as_mut().ok_or(Error::<T>::DatasetVersionNotFound)?;
			Self::increment(&mut v.pins)
		})
	}

	fn unpin_dataset(
		version: &DatasetVersionRef,
		used: Option<PaidUse<T::AccountId, BalanceOf<T>>>,
	) {
		let publisher =
			DatasetVersions::<T>::mutate(version.dataset, version.version, |v| match v {
				Some(v) => {
					Self::decrement(&mut v.pins);
					Some(v.publisher.clone())
				},
				None => {
					defensive!("a pinned dataset version was removed");
					None
				},
			});
		let Some(used) = used else { return };
		let party = match (Datasets::<T>::get(version.dataset), publisher) {
			(Some(dataset), Some(publisher)) => {
				Self::is_party(&used.payer, &dataset.owner, &publisher, &dataset.contributors)
			},
			_ => true,
		};
		let cut = if party { Zero::zero() } else { T::UsageFeeCut::get().mul_floor(used.fee) };
		Self::count_dataset_use(version, cut);
	}
}

/// Registry items for other pallets' benchmarks (the compute market's).
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> Pallet<T> {
	fn benchmark_owner(index: u32) -> T::AccountId {
		use frame_support::traits::fungible::{Inspect, Mutate};
		let owner: T::AccountId = frame_benchmarking::account("registry-owner", index, 0);
		let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
		T::Currency::set_balance(&owner, amount);
		owner
	}

	fn benchmark_contributors(count: u32, offset: u32) -> ContributorsOf<T> {
		let count = count.clamp(1, T::MaxContributors::get());
		let mut left = Perbill::one();
		let mut list = Vec::new();
		for i in 0..count {
			let share = if i + 1 == count { left } else { Perbill::from_rational(1u32, count) };
			left = left.saturating_sub(share);
			list.push((frame_benchmarking::account("registry-payee", offset + i, 0), share));
		}
		list.try_into().unwrap_or_default()
	}

	fn benchmark_licence() -> Licence<T> {
		Licence {
			spdx: BoundedVec::new(),
			commercial_use: true,
			derivatives: true,
			attribution: false,
		}
	}

	/// A usable model version whose usage fee `fee` is paid to about `payees` accounts (its
	/// contributors, and those of parent models it passes an upstream share to).
	pub fn benchmark_model(payees: u32, fee: BalanceOf<T>) -> ModelVersionRef {
		let owner = Self::benchmark_owner(0);
		let per_model = T::MaxContributors::get();
		let mut parents = Vec::new();
		let mut left = payees.saturating_sub(per_model);
		let mut offset = per_model;
		while left > 0 && (parents.len() as u32) < T::MaxParents::get() {
			let count = left.min(per_model);
			let parent = NextModelId::<T>::get();
			let _ = Self::do_register_model(
				owner.clone(),
				BoundedVec::new(),
				BoundedVec::new(),
				BoundedVec::new(),
				Self::benchmark_licence(),
				Zero::zero(),
				Self::benchmark_contributors(count, offset),
			);
			let _ = Self::do_publish_model_version(
				owner.clone(),
				parent,
				Artifact {
					content_hash: [parent as u8; 32].map(|b| b ^ 0x55),
					size_bytes: 1,
					uri: BoundedVec::new(),
				},
				ModelFormat::Onnx,
				BoundedVec::new(),
				BoundedVec::new(),
				BoundedVec::new(),
				None,
				Perbill::zero(),
			);
			parents.push(ModelVersionRef { model: parent, version: 0 });
			left = left.saturating_sub(count);
			offset = offset.saturating_add(count);
		}
		let model = NextModelId::<T>::get();
		let _ = Self::do_register_model(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			BoundedVec::new(),
			Self::benchmark_licence(),
			fee,
			Self::benchmark_contributors(payees.min(per_model), 0),
		);
		let upstream = if parents.is_empty() { Perbill::zero() } else { Perbill::from_percent(50) };
		let mut hash = [0xAA; 32];
		hash[..8].copy_from_slice(&model.to_le_bytes());
		let _ = Self::do_publish_model_version(
			owner,
			model,
			Artifact { content_hash: hash, size_bytes: 1, uri: BoundedVec::new() },
			ModelFormat::Onnx,
			BoundedVec::new(),
			parents.try_into().unwrap_or_default(),
			BoundedVec::new(),
			None,
			upstream,
		);
		ModelVersionRef { model, version: 0 }
	}

	/// A usable open dataset version with usage fee `fee`.
	pub fn benchmark_dataset(index: u32, fee: BalanceOf<T>) -> DatasetVersionRef {
		let owner = Self::benchmark_owner(1);
		let dataset = NextDatasetId::<T>::get();
		let _ = Self::do_register_dataset(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			Self::benchmark_licence(),
			AccessPolicy::Licensed { fee },
			Self::benchmark_contributors(1, 10_000 + index),
		);
		let mut hash = [0xBB; 32];
		hash[..8].copy_from_slice(&dataset.to_le_bytes());
		let _ = Self::do_publish_dataset_version(
			owner,
			dataset,
			Artifact { content_hash: hash, size_bytes: 1, uri: BoundedVec::new() },
			BoundedVec::new(),
		);
		DatasetVersionRef { dataset, version: 0 }
	}
}
