//! Version 0 → 1: providers' endpoints move out of their records into
//! [`ProviderEndpoints`](crate::ProviderEndpoints).
//!
//! Every call that matches, takes or settles a job reads the provider record; none reads the
//! endpoint, which only clients need. Moved out, it no longer weighs on those calls' proofs
//! (up to `MaxUriLen` + 2 bytes each). The provider's storage deposit covers both, as before:
//! the record keeps its `deposit`, and the held amount does not change.
//!
//! The migration visits every provider in one block: one read and two writes each. Before
//! genesis, and while providers number in the hundreds, that is a small part of a block; a later
//! migration of a map this size must be a multi-block one (`pallet-migrations`).

use crate::{pallet::*, types::*, BalanceOf};
use codec::{Decode, Encode};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
#[cfg(feature = "try-runtime")]
use sp_runtime::TryRuntimeError;

/// The records as version 0 stored them.
#[allow(missing_docs)]
pub mod v0 {
	use super::*;
	use frame_support::{storage_alias, Blake2_128Concat};

	/// A provider record of version 0: the same fields, with the endpoint third.
	#[derive(Encode, Decode)]
	pub struct ProviderInfo<T: Config> {
		/// The bond held on the provider.
		pub bond: BalanceOf<T>,
		/// What its machine offers.
		pub capabilities: Capabilities<T>,
		/// Where to reach it.
		pub endpoint: BoundedText<T::MaxUriLen>,
		/// Its TEE attestation, if any.
		pub tee: Option<TeeAttestation>,
		/// Active, paused or unbonding.
		pub status: ProviderStatus<BlockNumberFor<T>>,
		/// Jobs assigned to it and not finished.
		pub active_jobs: u32,
		/// Its open bids and applications.
		pub open_bids: u32,
		/// Its record.
		pub reputation: Reputation<BalanceOf<T>>,
		/// The storage deposit of this record.
		pub deposit: BalanceOf<T>,
	}

	/// `Providers` at version 0.
	#[storage_alias]
	pub type Providers<T: Config> = StorageMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		ProviderInfo<T>,
	>;
}

/// The migration's work, without the version check: use [`MigrateV0ToV1`].
pub struct MoveEndpoints<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for MoveEndpoints<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut moved = 0u64;
		Providers::<T>::translate::<v0::ProviderInfo<T>, _>(|who, old| {
			moved += 1;
			ProviderEndpoints::<T>::insert(&who, old.endpoint);
			Some(ProviderInfo {
				bond: old.bond,
				capabilities: old.capabilities,
				tee: old.tee,
				status: old.status,
				active_jobs: old.active_jobs,
				open_bids: old.open_bids,
				reputation: old.reputation,
				deposit: old.deposit,
			})
		});
		log::info!(target: "runtime::compute-market", "v1: moved {moved} provider endpoints");
		T::DbWeight::get().reads_writes(moved, moved.saturating_mul(2))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, TryRuntimeError> {
		let old: alloc::vec::Vec<_> = v0::Providers::<T>::iter().collect();
		frame_support::ensure!(
			ProviderEndpoints::<T>::iter_keys().next().is_none(),
			TryRuntimeError::Other("endpoints exist before the migration that creates them")
		);
		Ok(old.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), TryRuntimeError> {
		let old = alloc::vec::Vec::<(T::AccountId, v0::ProviderInfo<T>)>::decode(&mut &state[..])
			.map_err(|_| TryRuntimeError::Other("pre_upgrade's state does not decode"))?;
		frame_support::ensure!(
			Providers::<T>::iter_keys().count() == old.len(),
			TryRuntimeError::Other("the migration lost or added providers")
		);
		for (who, before) in old {
			let after = Providers::<T>::get(&who)
				.ok_or(TryRuntimeError::Other("a provider's record did not survive"))?;
			let kept = after.bond == before.bond
				&& after.capabilities == before.capabilities
				&& after.tee == before.tee
				&& after.status == before.status
				&& after.active_jobs == before.active_jobs
				&& after.open_bids == before.open_bids
				&& after.reputation == before.reputation
				&& after.deposit == before.deposit;
			frame_support::ensure!(kept, TryRuntimeError::Other("a provider's record changed"));
			frame_support::ensure!(
				ProviderEndpoints::<T>::get(&who).as_ref() == Some(&before.endpoint),
				TryRuntimeError::Other("a provider's endpoint was not moved as it was")
			);
		}
		// The pallet's own checks (`do_try_state`) know only the latest layout, which later
		// migrations may not have reached yet: the runtime runs them after every migration.
		Ok(())
	}
}

/// Version 0 → 1, run only on a chain at version 0, which it leaves at version 1.
pub type MigrateV0ToV1<T> =
	VersionedMigration<0, 1, MoveEndpoints<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
