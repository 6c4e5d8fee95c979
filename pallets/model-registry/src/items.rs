//! What models and datasets share, written once.
//!
//! A model and a dataset are both an [`Item`]: an owned record with contributors, a licence, a
//! status governance may change, a storage deposit and numbered versions, each a [`Version`]
//! with a publisher, a deposit, pins and an entry in a by-hash index. Each keeps its own storage
//! maps, ids, events and errors (the contract ABI, the client and the runtime API name them), so
//! the logic is generic over these two traits rather than over one merged record. This file
//! holds the traits and their implementations for both kinds; the generic logic is in
//! [`crate::ownership`] (registering, changing, transferring, taking down and removing an item)
//! and [`crate::versions`] (publishing, status, removal, pins).

use crate::{pallet::*, types::*, BalanceOf};
use codec::FullCodec;
use deai_primitives::{
	ContentHash, ContributionCategory, DatasetId, DatasetVersionRef, ModelId, ModelVersionRef,
	VersionIndex,
};
use frame_support::{
	ensure,
	storage::{
		IterableStorageDoubleMap, IterableStorageMap, StorageDoubleMap, StorageMap, StorageValue,
	},
};
use sp_runtime::{
	traits::{CheckedAdd, Zero},
	DispatchResult, Perbill,
};

/// A model or a dataset record.
pub(crate) trait Item<T: Config>: FullCodec {
	/// `ModelId` or `DatasetId`.
	type Id: FullCodec + Copy + PartialOrd + CheckedAdd + From<u8>;
	/// Where the records are: `Models` or `Datasets`.
	type Records: IterableStorageMap<Self::Id, Self>
		+ StorageMap<Self::Id, Self, Query = Option<Self>>;
	/// The id the next record gets: `NextModelId` or `NextDatasetId`.
	type NextId: StorageValue<Self::Id, Query = Self::Id>;
	/// What it says about itself, for people: `ModelDescription` or `DatasetDescription`.
	type Description: FullCodec;
	/// Where the descriptions are, apart from the records jobs read: `ModelDescriptions` or
	/// `DatasetDescriptions`.
	type Descriptions: IterableStorageMap<Self::Id, Self::Description>
		+ StorageMap<Self::Id, Self::Description, Query = Option<Self::Description>>;

	/// No record has the id.
	const NOT_FOUND: Error<T>;
	/// The signer does not own it.
	const NOT_OWNER: Error<T>;
	/// The signer may not publish its versions or change their status.
	const NOT_PUBLISHER: Error<T>;

	/// The record with this id.
	fn find(id: Self::Id) -> Result<Self, Error<T>> {
		Self::Records::get(id).ok_or(Self::NOT_FOUND)
	}

	/// Whether `who` may publish versions and change their status: a model's owner and
	/// maintainers, a dataset's owner.
	fn may_publish(&self, who: &T::AccountId) -> bool;

	/// What must hold, besides having no versions, before it is removed.
	fn ensure_removable(&self) -> DispatchResult {
		Ok(())
	}

	/// Whether a version may be paid for and used directly (`pay_usage`), not only in jobs.
	fn ensure_payable_directly(&self) -> DispatchResult {
		Ok(())
	}

	/// The fee one use of a version pays.
	fn usage_fee(&self) -> BalanceOf<T>;

	// The fields both records name alike (`item_fields!`).
	fn owner(&self) -> &T::AccountId;
	fn owner_mut(&mut self) -> &mut T::AccountId;
	fn pending_owner(&self) -> Option<&T::AccountId>;
	fn pending_owner_mut(&mut self) -> &mut Option<T::AccountId>;
	fn contributors(&self) -> &ContributorsOf<T>;
	fn licence(&self) -> &Licence<T>;
	fn status(&self) -> ItemStatus;
	fn status_mut(&mut self) -> &mut ItemStatus;
	fn deposit(&self) -> BalanceOf<T>;
	fn deposit_mut(&mut self) -> &mut BalanceOf<T>;
	fn next_version(&self) -> VersionIndex;
	fn next_version_mut(&mut self) -> &mut VersionIndex;
	fn live_versions(&self) -> u32;
	fn live_versions_mut(&mut self) -> &mut u32;
}

/// The id of the item `V` is a version of.
pub(crate) type IdOf<T, V> = <<V as Version<T>>::Item as Item<T>>::Id;

/// A model version or a dataset version record.
pub(crate) trait Version<T: Config>: FullCodec {
	/// The model or dataset it is a version of.
	type Item: Item<T>;
	/// `ModelVersionRef` or `DatasetVersionRef`.
	type Ref: FullCodec + Copy + PartialEq;
	/// Where the records are: `ModelVersions` or `DatasetVersions`.
	type Records: IterableStorageDoubleMap<IdOf<T, Self>, VersionIndex, Self>
		+ StorageDoubleMap<IdOf<T, Self>, VersionIndex, Self, Query = Option<Self>>;
	/// Each publisher's version of each content hash: `ModelVersionByHash` or
	/// `DatasetVersionByHash`.
	type ByHash: IterableStorageDoubleMap<ContentHash, T::AccountId, Self::Ref>
		+ StorageDoubleMap<ContentHash, T::AccountId, Self::Ref, Query = Option<Self::Ref>>;

	/// No version has the reference.
	const NOT_FOUND: Error<T>;
	/// Other records depend on it, so it stays.
	const HAS_DEPENDENTS: Error<T>;
	/// What a use of it earns its contributors.
	const CATEGORY: ContributionCategory;

	/// The record with this reference.
	fn find(version: &Self::Ref) -> Result<Self, Error<T>> {
		let (item, index) = Self::key(version);
		Self::Records::get(item, index).ok_or(Self::NOT_FOUND)
	}

	/// The reference of version `index` of `item`.
	fn version_ref(item: IdOf<T, Self>, index: VersionIndex) -> Self::Ref;
	/// The storage keys of a reference: its item and its index.
	fn key(version: &Self::Ref) -> (IdOf<T, Self>, VersionIndex);

	/// How many records depend on it: versions naming a model version as a parent; model
	/// versions trained on a dataset version and benchmarks built on it.
	fn dependents(&self) -> u32;

	/// Undoes what publishing `version` linked outside its own records, once `item` (already
	/// changed, not yet stored) no longer counts it.
	fn unlink(&self, _version: &Self::Ref, _item: &mut Self::Item) {}

	/// The royalty split of this version of `item` (see [`crate::royalties`]): fixed when it
	/// is published.
	fn royalty_split(&self, item: &Self::Item) -> RoyaltySplitOf<T>;

	/// The reference as a reference to either kind of version.
	fn any(version: &Self::Ref) -> VersionRef;

	// The fields both records name alike (`version_fields!`).
	fn publisher(&self) -> &T::AccountId;
	fn content_hash(&self) -> ContentHash;
	fn deposit(&self) -> BalanceOf<T>;
	fn status(&self) -> VersionStatus;
	fn status_mut(&mut self) -> &mut VersionStatus;
	fn pins(&self) -> u32;
	fn pins_mut(&mut self) -> &mut u32;
	fn uses_mut(&mut self) -> &mut u64;
}

/// The accessors of the fields `ModelInfo` and `DatasetInfo` name alike.
macro_rules! item_fields {
	() => {
		fn owner(&self) -> &T::AccountId {
			&self.owner
		}
		fn owner_mut(&mut self) -> &mut T::AccountId {
			&mut self.owner
		}
		fn pending_owner(&self) -> Option<&T::AccountId> {
			self.pending_owner.as_ref()
		}
		fn pending_owner_mut(&mut self) -> &mut Option<T::AccountId> {
			&mut self.pending_owner
		}
		fn contributors(&self) -> &ContributorsOf<T> {
			&self.contributors
		}
		fn licence(&self) -> &Licence<T> {
			&self.licence
		}
		fn status(&self) -> ItemStatus {
			self.status
		}
		fn status_mut(&mut self) -> &mut ItemStatus {
			&mut self.status
		}
		fn deposit(&self) -> BalanceOf<T> {
			self.deposit
		}
		fn deposit_mut(&mut self) -> &mut BalanceOf<T> {
			&mut self.deposit
		}
		fn next_version(&self) -> VersionIndex {
			self.next_version
		}
		fn next_version_mut(&mut self) -> &mut VersionIndex {
			&mut self.next_version
		}
		fn live_versions(&self) -> u32 {
			self.live_versions
		}
		fn live_versions_mut(&mut self) -> &mut u32 {
			&mut self.live_versions
		}
	};
}

/// The accessors of the fields `ModelVersionInfo` and `DatasetVersionInfo` name alike.
macro_rules! version_fields {
	() => {
		fn publisher(&self) -> &T::AccountId {
			&self.publisher
		}
		fn content_hash(&self) -> ContentHash {
			self.artifact.content_hash
		}
		fn deposit(&self) -> BalanceOf<T> {
			self.deposit
		}
		fn status(&self) -> VersionStatus {
			self.status
		}
		fn status_mut(&mut self) -> &mut VersionStatus {
			&mut self.status
		}
		fn pins(&self) -> u32 {
			self.pins
		}
		fn pins_mut(&mut self) -> &mut u32 {
			&mut self.pins
		}
		fn uses_mut(&mut self) -> &mut u64 {
			&mut self.uses
		}
	};
}

impl<T: Config> Item<T> for ModelInfo<T> {
	type Id = ModelId;
	type Records = Models<T>;
	type NextId = NextModelId<T>;
	type Description = ModelDescription<T>;
	type Descriptions = ModelDescriptions<T>;

	const NOT_FOUND: Error<T> = Error::<T>::ModelNotFound;
	const NOT_OWNER: Error<T> = Error::<T>::NotModelOwner;
	const NOT_PUBLISHER: Error<T> = Error::<T>::NotModelMaintainer;

	fn may_publish(&self, who: &T::AccountId) -> bool {
		&self.owner == who || self.maintainers.contains(who)
	}

	fn usage_fee(&self) -> BalanceOf<T> {
		self.usage_fee
	}

	item_fields!();
}

impl<T: Config> Item<T> for DatasetInfo<T> {
	type Id = DatasetId;
	type Records = Datasets<T>;
	type NextId = NextDatasetId<T>;
	type Description = DatasetDescription<T>;
	type Descriptions = DatasetDescriptions<T>;

	const NOT_FOUND: Error<T> = Error::<T>::DatasetNotFound;
	const NOT_OWNER: Error<T> = Error::<T>::NotDatasetOwner;
	const NOT_PUBLISHER: Error<T> = Error::<T>::NotDatasetOwner;

	fn may_publish(&self, who: &T::AccountId) -> bool {
		&self.owner == who
	}

	fn ensure_removable(&self) -> DispatchResult {
		ensure!(self.approved_providers.is_zero(), Error::<T>::HasApprovedProviders);
		Ok(())
	}

	fn ensure_payable_directly(&self) -> DispatchResult {
		// Compute-to-data is only ever used by approved providers' jobs, never paid for and
		// used directly.
		ensure!(
			!matches!(self.access, AccessPolicy::ComputeToData { .. }),
			Error::<T>::ProviderNotApproved
		);
		Ok(())
	}

	fn usage_fee(&self) -> BalanceOf<T> {
		self.access.fee()
	}

	item_fields!();
}

impl<T: Config> Version<T> for ModelVersionInfo<T> {
	type Item = ModelInfo<T>;
	type Ref = ModelVersionRef;
	type Records = ModelVersions<T>;
	type ByHash = ModelVersionByHash<T>;

	const NOT_FOUND: Error<T> = Error::<T>::ModelVersionNotFound;
	const HAS_DEPENDENTS: Error<T> = Error::<T>::HasChildren;
	const CATEGORY: ContributionCategory = ContributionCategory::Model;

	fn version_ref(model: ModelId, version: VersionIndex) -> ModelVersionRef {
		ModelVersionRef { model, version }
	}

	fn key(version: &ModelVersionRef) -> (ModelId, VersionIndex) {
		(version.model, version.version)
	}

	fn dependents(&self) -> u32 {
		self.children
	}

	fn unlink(&self, version: &ModelVersionRef, model: &mut ModelInfo<T>) {
		Pallet::<T>::unlink_lineage(version, self, model)
	}

	fn royalty_split(&self, model: &ModelInfo<T>) -> RoyaltySplitOf<T> {
		Pallet::<T>::model_royalty_split(self, model)
	}

	fn any(version: &ModelVersionRef) -> VersionRef {
		VersionRef::Model(*version)
	}

	version_fields!();
}

impl<T: Config> Version<T> for DatasetVersionInfo<T> {
	type Item = DatasetInfo<T>;
	type Ref = DatasetVersionRef;
	type Records = DatasetVersions<T>;
	type ByHash = DatasetVersionByHash<T>;

	const NOT_FOUND: Error<T> = Error::<T>::DatasetVersionNotFound;
	const HAS_DEPENDENTS: Error<T> = Error::<T>::HasDependents;
	const CATEGORY: ContributionCategory = ContributionCategory::Dataset;

	fn version_ref(dataset: DatasetId, version: VersionIndex) -> DatasetVersionRef {
		DatasetVersionRef { dataset, version }
	}

	fn key(version: &DatasetVersionRef) -> (DatasetId, VersionIndex) {
		(version.dataset, version.version)
	}

	fn dependents(&self) -> u32 {
		self.dependents
	}

	fn royalty_split(&self, dataset: &DatasetInfo<T>) -> RoyaltySplitOf<T> {
		Pallet::<T>::shares_split(&dataset.contributors, Perbill::one(), [])
	}

	fn any(version: &DatasetVersionRef) -> VersionRef {
		VersionRef::Dataset(*version)
	}

	version_fields!();
}
