//! Version 0 → 1: contribution points are kept per [`Earner`] instead of per account, so that a
//! model or dataset version can earn as a whole (its reward paid into its royalty pot).
//!
//! Every point earned before stays its earner's: an entry of account `who` becomes the entry of
//! `Earner::Account(who)`, with the same points and claim flag, in the same epoch. The keys
//! change (the earner's encoding is hashed), so every entry is read, removed and written again.
//!
//! The migration visits every entry in one block: one read and two writes each. Points live only
//! for the epochs still claimable and are cleared after; before genesis, and while contributors
//! number in the hundreds, that is a small part of a block. A later migration of a map this size
//! must be a multi-block one (`pallet-migrations`).

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use deai_primitives::Earner;
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
#[cfg(feature = "try-runtime")]
use {
	codec::{Decode, Encode},
	sp_runtime::TryRuntimeError,
};

/// The points as version 0 stored them.
#[allow(missing_docs)]
pub mod v0 {
	use super::*;
	use frame_support::{storage_alias, Blake2_128Concat, Twox64Concat};

	/// `Points` at version 0: keyed by account.
	#[storage_alias]
	pub type Points<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		EpochIndex,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		EarnerPoints,
	>;
}

/// The migration's work, without the version check: use [`MigrateV0ToV1`].
pub struct KeyPointsByEarner<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for KeyPointsByEarner<T> {
	fn on_runtime_upgrade() -> Weight {
		// Every old entry is taken out before any new one is written: both live under the same
		// prefix, and a new key must never be read back as an old one.
		let old: Vec<_> = v0::Points::<T>::drain().collect();
		let moved = old.len() as u64;
		for (epoch, who, points) in old {
			Points::<T>::insert(epoch, Earner::Account(who), points);
		}
		log::info!(target: "runtime::contributor-rewards", "v1: keyed {moved} points entries by earner");
		T::DbWeight::get().reads_writes(moved, moved.saturating_mul(2))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
		let old: Vec<_> = v0::Points::<T>::iter().collect();
		Ok(old.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
		let old = Vec::<(EpochIndex, T::AccountId, EarnerPoints)>::decode(&mut &state[..])
			.map_err(|_| TryRuntimeError::Other("pre_upgrade's state does not decode"))?;
		frame_support::ensure!(
			Points::<T>::iter_keys().count() == old.len(),
			TryRuntimeError::Other("the migration lost or added points entries")
		);
		for (epoch, who, before) in old {
			frame_support::ensure!(
				Points::<T>::get(epoch, Earner::Account(who)) == before,
				TryRuntimeError::Other("an account's points did not survive as they were")
			);
		}
		Pallet::<T>::do_try_state()
	}
}

/// Version 0 → 1, run only on a chain at version 0, which it leaves at version 1.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	KeyPointsByEarner<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::*;
	use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};

	/// Points written by version 0 are their accounts' after the migration, claim flags and all,
	/// and the storage version moves to 1; a second run does nothing.
	#[test]
	fn points_are_keyed_by_earner() {
		new_test_ext().execute_with(|| {
			StorageVersion::new(0).put::<Pallet<Test>>();
			let mut claimed = EarnerPoints::default();
			claimed.points.compute = 7;
			claimed.claimed = true;
			let mut open = EarnerPoints::default();
			open.points.model = 5;
			v0::Points::<Test>::insert(0, ALICE, claimed);
			v0::Points::<Test>::insert(1, BOB, open);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Points::<Test>::get(0, Earner::Account(ALICE)), claimed);
			assert_eq!(Points::<Test>::get(1, Earner::Account(BOB)), open);
			assert_eq!(Points::<Test>::iter().count(), 2);
			assert_eq!(StorageVersion::get::<Pallet<Test>>(), 1);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Points::<Test>::iter().count(), 2);
			// The test's epochs carry no totals for these points: leave nothing for try_state.
			let _ = Points::<Test>::clear(u32::MAX, None);
		});
	}
}
