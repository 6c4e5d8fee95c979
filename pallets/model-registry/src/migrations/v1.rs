//! Version 0 → 1: royalties are accounted lazily (see [`deai_primitives::royalties`]).
//!
//! Version 0 split every usage fee among a version's payees when it was paid, so nothing was
//! owed afterwards. Version 1 pays fees into per-version pots shared by splits fixed at
//! publication. The migration opens the royalty account (its existential deposit, minted once)
//! and gives every existing version its split, computed from its item's contributors and its
//! parents as they are now, and an empty pot.
//!
//! It visits every version in one block: two reads and two writes (plus one per contributor)
//! each. Before genesis, and while versions number in the hundreds, that is a small part of a
//! block; a later migration of maps this size must be a multi-block one (`pallet-migrations`).
//! The splits of these versions are not covered by their publishers' deposits, which were
//! fixed before splits were stored: the chain carries them.

use crate::{items::Version, pallet::*, types::*};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
#[cfg(feature = "try-runtime")]
use sp_runtime::TryRuntimeError;

/// The migration's work, without the version check: use [`MigrateV0ToV1`].
pub struct OpenRoyaltyPots<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for OpenRoyaltyPots<T> {
	fn on_runtime_upgrade() -> Weight {
		Pallet::<T>::open_royalty_account();
		let mut versions = 0u64;
		let mut index_entries = 0u64;
		let mut open = |version: VersionRef, split: RoyaltySplitOf<T>| {
			versions += 1;
			index_entries += split.len() as u64;
			Pallet::<T>::open_royalty_pot(version, split);
		};
		// Items as versions 0 and 1 stored them (this runs before the v2 migration splits them).
		for (model, index, version) in ModelVersions::<T>::iter() {
			if let Some(info) = super::v2::v1::Models::<T>::get(model).map(|old| old.split().0) {
				let this =
					VersionRef::Model(deai_primitives::ModelVersionRef { model, version: index });
				open(this, version.royalty_split(&info));
			}
		}
		for (dataset, index, version) in DatasetVersions::<T>::iter() {
			if let Some(info) = super::v2::v1::Datasets::<T>::get(dataset).map(|old| old.split().0)
			{
				let this = VersionRef::Dataset(deai_primitives::DatasetVersionRef {
					dataset,
					version: index,
				});
				open(this, version.royalty_split(&info));
			}
		}
		log::info!(target: "runtime::model-registry", "v1: opened {versions} royalty pots");
		T::DbWeight::get().reads_writes(
			versions.saturating_mul(2).saturating_add(2),
			versions.saturating_mul(2).saturating_add(index_entries).saturating_add(2),
		)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, TryRuntimeError> {
		use codec::Encode;
		frame_support::ensure!(
			RoyaltyPots::<T>::iter_keys().next().is_none(),
			TryRuntimeError::Other("royalty pots exist before the migration that opens them")
		);
		let versions = ModelVersions::<T>::iter_keys().count() as u64
			+ DatasetVersions::<T>::iter_keys().count() as u64;
		Ok(versions.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), TryRuntimeError> {
		use codec::Decode;
		let versions = u64::decode(&mut &state[..])
			.map_err(|_| TryRuntimeError::Other("pre_upgrade's state does not decode"))?;
		frame_support::ensure!(
			RoyaltyPots::<T>::iter_keys().count() as u64 == versions
				&& RoyaltySplits::<T>::iter_keys().count() as u64 == versions,
			TryRuntimeError::Other("not every version got exactly one royalty pot and split")
		);
		// The pallet's own checks (`do_try_state`) know only the latest layout, which v2 brings
		// after this: the runtime runs them after every migration.
		Ok(())
	}
}

/// Version 0 → 1, run only on a chain at version 0, which it leaves at version 1.
pub type MigrateV0ToV1<T> =
	VersionedMigration<0, 1, OpenRoyaltyPots<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
