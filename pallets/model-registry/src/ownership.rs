//! The life of a model or dataset record, for both kinds at once (see [`crate::items`]): looking
//! it up for its owner or a publisher, registering it, storing a change with the deposit
//! following its size, removing it, transferring its ownership, and governance takedowns.

use crate::{items::Item, pallet::*, types::*, BalanceOf};
use alloc::collections::BTreeSet;
use codec::Encode;
use frame_support::{
	ensure,
	storage::{StorageMap, StorageValue},
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Perbill};

impl<T: Config> Pallet<T> {
	/// The item, if `who` owns it and it is not taken down.
	pub(crate) fn owned<I: Item<T>>(who: &T::AccountId, id: I::Id) -> Result<I, DispatchError> {
		let info = I::find(id)?;
		ensure!(info.owner() == who, I::NOT_OWNER);
		ensure!(info.status() == ItemStatus::Active, Error::<T>::ItemTakenDown);
		Ok(info)
	}

	/// The item, if `who` may publish its versions and it is not taken down.
	pub(crate) fn publishable<I: Item<T>>(
		who: &T::AccountId,
		id: I::Id,
	) -> Result<I, DispatchError> {
		let info = I::find(id)?;
		ensure!(info.may_publish(who), I::NOT_PUBLISHER);
		ensure!(info.status() == ItemStatus::Active, Error::<T>::ItemTakenDown);
		Ok(info)
	}

	/// Contributor shares add up to exactly 100%, each account once.
	pub(crate) fn ensure_valid_contributors(contributors: &ContributorsOf<T>) -> DispatchResult {
		let total: u64 = contributors.iter().map(|(_, share)| share.deconstruct() as u64).sum();
		ensure!(
			total == Perbill::one().deconstruct() as u64,
			Error::<T>::SharesNotOneHundredPercent
		);
		let distinct: BTreeSet<&T::AccountId> = contributors.iter().map(|(who, _)| who).collect();
		ensure!(distinct.len() == contributors.len(), Error::<T>::DuplicateContributor);
		Ok(())
	}

	/// The deposit an item's storage takes: its record and its (stored) description.
	pub(crate) fn item_deposit<I: Item<T>>(id: I::Id, info: &I) -> BalanceOf<T> {
		let description = I::Descriptions::get(id).map_or(0, |d| d.encoded_size());
		Self::deposit_for_bytes(info.encoded_size().saturating_add(description))
	}

	/// Stores a new item and its description under the next id, its owner holding its deposit.
	pub(crate) fn register_item<I: Item<T>>(
		mut info: I,
		description: I::Description,
	) -> Result<I::Id, DispatchError> {
		Self::ensure_valid_contributors(info.contributors())?;
		let id = I::NextId::get();
		let next = Self::next_id(id)?;
		// Held before anything is written (callers outside a transaction leave nothing behind).
		let deposit =
			Self::deposit_for_bytes(info.encoded_size().saturating_add(description.encoded_size()));
		*info.deposit_mut() = deposit;
		Self::hold(HoldReason::StorageDeposit, info.owner(), deposit)?;
		I::Descriptions::insert(id, description);
		I::Records::insert(id, info);
		I::NextId::put(next);
		Ok(id)
	}

	/// Applies `change` to an item `who` owns and stores it.
	pub(crate) fn change_owned<I: Item<T>>(
		who: &T::AccountId,
		id: I::Id,
		change: impl FnOnce(&mut I) -> DispatchResult,
	) -> DispatchResult {
		let mut info = Self::owned::<I>(who, id)?;
		change(&mut info)?;
		Self::store_item(id, info)
	}

	/// Applies `change` to an item `who` owns and to its description, and stores both.
	pub(crate) fn change_owned_described<I: Item<T>>(
		who: &T::AccountId,
		id: I::Id,
		change: impl FnOnce(&mut I, &mut I::Description) -> DispatchResult,
	) -> DispatchResult {
		let mut info = Self::owned::<I>(who, id)?;
		// Every item is registered with its description (`do_try_state` checks it).
		let mut description = I::Descriptions::get(id).ok_or(I::NOT_FOUND)?;
		change(&mut info, &mut description)?;
		I::Descriptions::insert(id, description);
		Self::store_item(id, info)
	}

	/// Stores a changed item, adjusting the owner's deposit to its new size (with its
	/// description's).
	fn store_item<I: Item<T>>(id: I::Id, mut info: I) -> DispatchResult {
		let deposit = Self::item_deposit(id, &info);
		Self::adjust_deposit(info.owner(), info.deposit(), deposit)?;
		*info.deposit_mut() = deposit;
		I::Records::insert(id, info);
		Ok(())
	}

	/// Removes an item `who` owns that has no versions, and returns its deposit.
	pub(crate) fn remove_item<I: Item<T>>(who: &T::AccountId, id: I::Id) -> DispatchResult {
		let info = Self::owned::<I>(who, id)?;
		ensure!(info.live_versions().is_zero(), Error::<T>::HasLiveVersions);
		info.ensure_removable()?;
		I::Records::remove(id);
		I::Descriptions::remove(id);
		Self::release(HoldReason::StorageDeposit, info.owner(), info.deposit());
		Ok(())
	}

	pub(crate) fn do_offer_ownership(
		who: T::AccountId,
		item: RegistryItem,
		to: Option<T::AccountId>,
	) -> DispatchResult {
		match item {
			RegistryItem::Model(id) => Self::offer_item::<ModelInfo<T>>(&who, id, to.clone()),
			RegistryItem::Dataset(id) => Self::offer_item::<DatasetInfo<T>>(&who, id, to.clone()),
		}?;
		Self::deposit_event(Event::OwnershipOffered { item, to });
		Ok(())
	}

	fn offer_item<I: Item<T>>(
		who: &T::AccountId,
		id: I::Id,
		to: Option<T::AccountId>,
	) -> DispatchResult {
		Self::change_owned::<I>(who, id, |info| {
			*info.pending_owner_mut() = to;
			Ok(())
		})
	}

	pub(crate) fn do_accept_ownership(who: T::AccountId, item: RegistryItem) -> DispatchResult {
		let from = match item {
			RegistryItem::Model(id) => Self::accept_item::<ModelInfo<T>>(&who, id),
			RegistryItem::Dataset(id) => Self::accept_item::<DatasetInfo<T>>(&who, id),
		}?;
		Self::deposit_event(Event::OwnershipTransferred { item, from, to: who });
		Ok(())
	}

	/// Makes `who`, to whom the item was offered, its owner; returns the previous owner.
	fn accept_item<I: Item<T>>(
		who: &T::AccountId,
		id: I::Id,
	) -> Result<T::AccountId, DispatchError> {
		let mut info = I::find(id)?;
		ensure!(info.pending_owner() == Some(who), Error::<T>::NotPendingOwner);
		ensure!(info.status() == ItemStatus::Active, Error::<T>::ItemTakenDown);
		let from = core::mem::replace(info.owner_mut(), who.clone());
		*info.pending_owner_mut() = None;
		// The new owner holds the deposit of the record as it is now.
		let deposit = Self::item_deposit(id, &info);
		Self::hold(HoldReason::StorageDeposit, who, deposit)?;
		Self::release(HoldReason::StorageDeposit, &from, info.deposit());
		*info.deposit_mut() = deposit;
		I::Records::insert(id, info);
		Ok(from)
	}

	pub(crate) fn do_take_down(item: RegistryItem, slash_deposit: bool) -> DispatchResult {
		let slashed = match item {
			RegistryItem::Model(id) => Self::take_down_item::<ModelInfo<T>>(id, slash_deposit),
			RegistryItem::Dataset(id) => Self::take_down_item::<DatasetInfo<T>>(id, slash_deposit),
		}?;
		Self::deposit_event(Event::TakenDown { item, slashed });
		Ok(())
	}

	/// Marks an active item taken down; returns what was slashed of its owner's deposit.
	fn take_down_item<I: Item<T>>(
		id: I::Id,
		slash_deposit: bool,
	) -> Result<BalanceOf<T>, DispatchError> {
		I::Records::try_mutate(id, |info| {
			let info = info.as_mut().ok_or(I::NOT_FOUND)?;
			ensure!(info.status() == ItemStatus::Active, Error::<T>::ItemTakenDown);
			*info.status_mut() = ItemStatus::TakenDown;
			if !slash_deposit {
				return Ok(Zero::zero());
			}
			let slashed =
				Self::slash_hold(HoldReason::StorageDeposit, info.owner(), info.deposit());
			*info.deposit_mut() = Zero::zero();
			Ok(slashed)
		})
	}

	pub(crate) fn do_restore(item: RegistryItem) -> DispatchResult {
		match item {
			RegistryItem::Model(id) => Self::restore_item::<ModelInfo<T>>(id),
			RegistryItem::Dataset(id) => Self::restore_item::<DatasetInfo<T>>(id),
		}?;
		Self::deposit_event(Event::Restored { item });
		Ok(())
	}

	/// Marks a taken-down item active again. A deposit slashed at the takedown is held again
	/// from the owner, so that no live record is stored for free.
	fn restore_item<I: Item<T>>(id: I::Id) -> DispatchResult {
		I::Records::try_mutate(id, |info| {
			let info = info.as_mut().ok_or(I::NOT_FOUND)?;
			ensure!(info.status() == ItemStatus::TakenDown, Error::<T>::ItemNotTakenDown);
			*info.status_mut() = ItemStatus::Active;
			if info.deposit().is_zero() {
				let deposit = Self::item_deposit(id, &*info);
				Self::hold(HoldReason::StorageDeposit, info.owner(), deposit)
					.map_err(|_| Error::<T>::OwnerCannotPayDeposit)?;
				*info.deposit_mut() = deposit;
			}
			Ok(())
		})
	}
}
