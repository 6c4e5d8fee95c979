//! Version 1 → 2: models' and datasets' names, descriptions and tags leave their records.
//!
//! Every job on a model or dataset reads its record (`Models`, `Datasets`), and none reads what
//! the item says about itself, which only people and clients need: kept in
//! [`ModelDescriptions`] and [`DatasetDescriptions`], it no longer weighs on those jobs' proofs
//! (up to 1.3 KB per item read). The two parts together encode to exactly the bytes the old
//! record did, so the deposit held for it does not change.
//!
//! The migration visits every model and dataset in one block: one read (the old record) and two
//! writes each. The chains it runs on are test chains with a few items; a chain with thousands
//! would need it as a multi-block migration (`pallet-migrations`).

use crate::{pallet::*, types::*, BalanceOf};
use codec::{Decode, Encode, MaxEncodedLen};
use deai_primitives::VersionIndex;
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
#[cfg(feature = "try-runtime")]
use sp_runtime::TryRuntimeError;

/// The records as versions 0 and 1 stored them.
#[allow(missing_docs)]
pub mod v1 {
	use super::*;
	use deai_primitives::{DatasetId, ModelId};
	use frame_support::{storage_alias, Blake2_128Concat};

	/// A model of version 1: its description's fields inline.
	#[derive(Encode, Decode, MaxEncodedLen)]
	#[codec(mel_bound())]
	pub struct ModelInfo<T: Config> {
		pub owner: T::AccountId,
		pub pending_owner: Option<T::AccountId>,
		pub maintainers: BoundedVec<T::AccountId, T::MaxMaintainers>,
		pub name: BoundedText<T::MaxNameLen>,
		pub description: BoundedText<T::MaxDescriptionLen>,
		pub tags: TagsOf<T>,
		pub licence: Licence<T>,
		pub licence_ceiling: LicenceCeiling,
		pub usage_fee: BalanceOf<T>,
		pub contributors: ContributorsOf<T>,
		pub status: ItemStatus,
		pub deposit: BalanceOf<T>,
		pub next_version: VersionIndex,
		pub live_versions: u32,
		pub registered_at: BlockNumberFor<T>,
	}

	/// A dataset of version 1: its description's fields inline.
	#[derive(Encode, Decode, MaxEncodedLen)]
	#[codec(mel_bound())]
	pub struct DatasetInfo<T: Config> {
		pub owner: T::AccountId,
		pub pending_owner: Option<T::AccountId>,
		pub name: BoundedText<T::MaxNameLen>,
		pub description: BoundedText<T::MaxDescriptionLen>,
		pub licence: Licence<T>,
		pub access: AccessPolicy<BalanceOf<T>>,
		pub contributors: ContributorsOf<T>,
		pub status: ItemStatus,
		pub deposit: BalanceOf<T>,
		pub next_version: VersionIndex,
		pub live_versions: u32,
		pub approved_providers: u32,
		pub registered_at: BlockNumberFor<T>,
	}

	#[storage_alias]
	pub type Models<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, ModelId, ModelInfo<T>>;

	#[storage_alias]
	pub type Datasets<T: Config> =
		StorageMap<Pallet<T>, Blake2_128Concat, DatasetId, DatasetInfo<T>>;

	impl<T: Config> ModelInfo<T> {
		/// The record as version 2 keeps it, and its description.
		pub fn split(self) -> (crate::ModelInfo<T>, ModelDescription<T>) {
			let record = crate::ModelInfo {
				owner: self.owner,
				pending_owner: self.pending_owner,
				maintainers: self.maintainers,
				licence: self.licence,
				licence_ceiling: self.licence_ceiling,
				usage_fee: self.usage_fee,
				contributors: self.contributors,
				status: self.status,
				deposit: self.deposit,
				next_version: self.next_version,
				live_versions: self.live_versions,
				registered_at: self.registered_at,
			};
			let about = ModelDescription {
				name: self.name,
				description: self.description,
				tags: self.tags,
			};
			(record, about)
		}

		/// The record as version 1 stored it, from the two parts version 2 keeps (the inverse
		/// of [`Self::split`]).
		pub fn join(record: crate::ModelInfo<T>, about: ModelDescription<T>) -> Self {
			Self {
				owner: record.owner,
				pending_owner: record.pending_owner,
				maintainers: record.maintainers,
				name: about.name,
				description: about.description,
				tags: about.tags,
				licence: record.licence,
				licence_ceiling: record.licence_ceiling,
				usage_fee: record.usage_fee,
				contributors: record.contributors,
				status: record.status,
				deposit: record.deposit,
				next_version: record.next_version,
				live_versions: record.live_versions,
				registered_at: record.registered_at,
			}
		}
	}

	impl<T: Config> DatasetInfo<T> {
		/// The record as version 2 keeps it, and its description.
		pub fn split(self) -> (crate::DatasetInfo<T>, DatasetDescription<T>) {
			let record = crate::DatasetInfo {
				owner: self.owner,
				pending_owner: self.pending_owner,
				licence: self.licence,
				access: self.access,
				contributors: self.contributors,
				status: self.status,
				deposit: self.deposit,
				next_version: self.next_version,
				live_versions: self.live_versions,
				approved_providers: self.approved_providers,
				registered_at: self.registered_at,
			};
			(record, DatasetDescription { name: self.name, description: self.description })
		}

		/// The record as version 1 stored it, from the two parts version 2 keeps (the inverse
		/// of [`Self::split`]).
		pub fn join(record: crate::DatasetInfo<T>, about: DatasetDescription<T>) -> Self {
			Self {
				owner: record.owner,
				pending_owner: record.pending_owner,
				name: about.name,
				description: about.description,
				licence: record.licence,
				access: record.access,
				contributors: record.contributors,
				status: record.status,
				deposit: record.deposit,
				next_version: record.next_version,
				live_versions: record.live_versions,
				approved_providers: record.approved_providers,
				registered_at: record.registered_at,
			}
		}
	}
}

/// The migration's work, without the version check: use [`MigrateV1ToV2`].
pub struct SplitDescriptions<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for SplitDescriptions<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut models = 0u64;
		Models::<T>::translate::<v1::ModelInfo<T>, _>(|id, old| {
			models += 1;
			let (record, about) = old.split();
			ModelDescriptions::<T>::insert(id, about);
			Some(record)
		});
		let mut datasets = 0u64;
		Datasets::<T>::translate::<v1::DatasetInfo<T>, _>(|id, old| {
			datasets += 1;
			let (record, about) = old.split();
			DatasetDescriptions::<T>::insert(id, about);
			Some(record)
		});
		log::info!(
			target: "runtime::model-registry",
			"v2: moved the descriptions of {models} models and {datasets} datasets"
		);
		// Each old record read is in the block's proof.
		let proof = (v1::ModelInfo::<T>::max_encoded_len() as u64)
			.saturating_mul(models)
			.saturating_add(
				(v1::DatasetInfo::<T>::max_encoded_len() as u64).saturating_mul(datasets),
			);
		let items = models.saturating_add(datasets);
		T::DbWeight::get()
			.reads_writes(items, items.saturating_mul(2))
			.saturating_add(Weight::from_parts(0, proof))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, TryRuntimeError> {
		frame_support::ensure!(
			ModelDescriptions::<T>::iter_keys().next().is_none()
				&& DatasetDescriptions::<T>::iter_keys().next().is_none(),
			TryRuntimeError::Other("descriptions exist before the migration that creates them")
		);
		let models: alloc::vec::Vec<_> =
			v1::Models::<T>::iter().map(|(id, old)| (id, old.encode())).collect();
		let datasets: alloc::vec::Vec<_> =
			v1::Datasets::<T>::iter().map(|(id, old)| (id, old.encode())).collect();
		Ok((models, datasets).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), TryRuntimeError> {
		type Old = alloc::vec::Vec<(u64, alloc::vec::Vec<u8>)>;
		let (models, datasets) = <(Old, Old)>::decode(&mut &state[..])
			.map_err(|_| TryRuntimeError::Other("pre_upgrade's state does not decode"))?;
		frame_support::ensure!(
			Models::<T>::iter_keys().count() == models.len()
				&& Datasets::<T>::iter_keys().count() == datasets.len(),
			TryRuntimeError::Other("the migration lost or added items")
		);
		// Record and description together are the old record, byte for byte, field for field.
		for (id, old) in models {
			let record = Models::<T>::get(id).ok_or(TryRuntimeError::Other("a model is gone"))?;
			let about = ModelDescriptions::<T>::get(id)
				.ok_or(TryRuntimeError::Other("a model has no description"))?;
			let rebuilt = v1::ModelInfo::<T>::join(record, about);
			frame_support::ensure!(
				rebuilt.encode() == old,
				TryRuntimeError::Other("a model changed")
			);
		}
		for (id, old) in datasets {
			let record =
				Datasets::<T>::get(id).ok_or(TryRuntimeError::Other("a dataset is gone"))?;
			let about = DatasetDescriptions::<T>::get(id)
				.ok_or(TryRuntimeError::Other("a dataset has no description"))?;
			let rebuilt = v1::DatasetInfo::<T>::join(record, about);
			frame_support::ensure!(
				rebuilt.encode() == old,
				TryRuntimeError::Other("a dataset changed")
			);
		}
		Ok(())
	}
}

/// Version 1 → 2, run only on a chain at version 1, which it leaves at version 2.
pub type MigrateV1ToV2<T> = VersionedMigration<
	1,
	2,
	SplitDescriptions<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;
