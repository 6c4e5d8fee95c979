//! Versions of models and datasets alike (see [`crate::items`]): checking and numbering a new
//! version, storing it with its by-hash index entry, status changes, removal, whether it may be
//! used, and pins. What only model versions have (lineage) is [`Version::unlink`] and
//! [`crate::lineage`].

use crate::{
	items::{IdOf, Item, Version},
	pallet::*,
	types::*,
	BalanceOf,
};
use deai_primitives::{IntendedUse, UsageFee};
use frame_support::{
	defensive, ensure,
	storage::{StorageDoubleMap, StorageMap},
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult};

impl<T: Config> Pallet<T> {
	/// A new version's artifact is not empty, and `publisher` has no version of this kind with
	/// its content hash yet.
	pub(crate) fn ensure_new_artifact<V: Version<T>>(
		artifact: &Artifact<T>,
		publisher: &T::AccountId,
	) -> DispatchResult {
		ensure!(artifact.size_bytes > 0, Error::<T>::EmptyArtifact);
		// One entry per (hash, publisher): someone else's copy of the hash blocks nothing (M-8).
		ensure!(
			!V::ByHash::contains_key(artifact.content_hash, publisher),
			Error::<T>::ContentHashAlreadyRegistered
		);
		Ok(())
	}

	/// Numbers a new version of item `id` (`item`, which now counts it as live).
	pub(crate) fn new_version_ref<V: Version<T>>(
		id: IdOf<T, V>,
		item: &mut V::Item,
	) -> Result<V::Ref, DispatchError> {
		let index = item.next_version();
		*item.next_version_mut() = Self::next_id(index)?;
		Self::increment(item.live_versions_mut())?;
		Ok(V::version_ref(id, index))
	}

	/// Stores a new version, its by-hash index entry, its royalty pot with `split`, and its
	/// item (which counts it).
	pub(crate) fn insert_version<V: Version<T>>(
		this: V::Ref,
		version: V,
		item: V::Item,
		split: RoyaltySplitOf<T>,
	) {
		let (id, index) = V::key(&this);
		V::Records::insert(id, index, &version);
		V::ByHash::insert(version.content_hash(), version.publisher(), this);
		<V::Item as Item<T>>::Records::insert(id, item);
		Self::open_royalty_pot(V::any(&this), split);
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

	/// Changes a version's status, if `who` may publish versions of its item.
	pub(crate) fn set_version_status<V: Version<T>>(
		who: &T::AccountId,
		version: &V::Ref,
		status: VersionStatus,
	) -> DispatchResult {
		let (id, index) = V::key(version);
		Self::publishable::<V::Item>(who, id)?;
		V::Records::try_mutate(id, index, |v| {
			let v = v.as_mut().ok_or(V::NOT_FOUND)?;
			*v.status_mut() = Self::next_status(v.status(), status)?;
			Ok(())
		})
	}

	/// Removes a version no open job uses and no record depends on, if `who` may publish
	/// versions of its item: pays out its royalty pot and returns the publisher's deposit.
	pub(crate) fn remove_version<V: Version<T>>(
		who: &T::AccountId,
		version: &V::Ref,
	) -> DispatchResult {
		let (id, index) = V::key(version);
		let mut item = Self::publishable::<V::Item>(who, id)?;
		let info = V::find(version)?;
		ensure!(info.pins().is_zero(), Error::<T>::InUseByOpenJobs);
		ensure!(info.dependents().is_zero(), V::HAS_DEPENDENTS);
		// Counted out first: a model lifts its licence ceiling when no version is left.
		Self::decrement(item.live_versions_mut());
		info.unlink(version, &mut item);
		<V::Item as Item<T>>::Records::insert(id, item);
		V::ByHash::remove(info.content_hash(), info.publisher());
		V::Records::remove(id, index);
		Self::close_royalty_pot(V::any(version));
		Self::release(HoldReason::StorageDeposit, info.publisher(), info.deposit());
		Ok(())
	}

	/// A version that may be used for `usage`, and its item: both exist, the item is not taken
	/// down, the version is not yanked, and the item's licence allows the use.
	pub(crate) fn usable<V: Version<T>>(
		version: &V::Ref,
		usage: IntendedUse,
	) -> Result<(V::Item, V), DispatchError> {
		let info = V::find(version)?;
		let item = V::Item::find(V::key(version).0)?;
		ensure!(item.status() == ItemStatus::Active, Error::<T>::ItemTakenDown);
		ensure!(info.status() != VersionStatus::Yanked, Error::<T>::VersionYanked);
		Self::ensure_licence_allows(item.licence(), usage)?;
		Ok((item, info))
	}

	/// Counts an open job using the version: it cannot be removed until unpinned.
	pub(crate) fn pin<V: Version<T>>(version: &V::Ref) -> DispatchResult {
		let (id, index) = V::key(version);
		V::Records::try_mutate(id, index, |v| {
			let v = v.as_mut().ok_or(V::NOT_FOUND)?;
			Self::increment(v.pins_mut())
		})
	}

	/// Releases a job's pin; a job that used the version paid `used`, which counts the use.
	pub(crate) fn unpin<V: Version<T>>(version: &V::Ref, used: Option<UsageFee<BalanceOf<T>>>) {
		let (id, index) = V::key(version);
		let found = V::Records::mutate(id, index, |v| match v {
			Some(v) => {
				Self::decrement(v.pins_mut());
				if used.is_some() {
					let uses = v.uses_mut();
					*uses = uses.saturating_add(1);
				}
				true
			},
			None => {
				defensive!("a pinned version was removed");
				false
			},
		});
		if let Some(mut used) = used {
			// A version that is gone earns nothing.
			used.earns_points &= found;
			Self::count_job_use::<V>(version, used);
		}
	}
}
