//! Version 1 → 2: the job record sheds its locations. A job's input URI moves into
//! [`JobInputUris`](crate::JobInputUris) and each provider's result URI into
//! [`ResultUris`](crate::ResultUris); the record keeps the hashes.
//!
//! Every call on a job reads its record, and none reads a location, which only clients need:
//! out of the record, they no longer weigh on those calls' proofs (the input's and up to
//! `MaxRedundancy` results' `MaxUriLen` + 2 bytes each). The job's storage deposit covers the
//! locations as it covered the record; the held amount does not change for the jobs migrated.
//!
//! The migration visits every unfinished job in one block: one read (up to its old record's size
//! of proof), and two writes plus one per result each. The chains it runs on are test chains
//! with a few jobs; a chain with thousands of unfinished jobs would need it as a multi-block
//! migration (`pallet-migrations`), since one block's proof holds only a few thousand old records.
//!
//! It also decides, for each job, whether each of its usage fees earns its version points
//! ([`deai_primitives::UsageFee`]; version 1 decided it at settlement): it asks the registry
//! whether the requester is a party to the model and each dataset, so it runs after the
//! registry's own migrations (two reads per version, counted; their proof is the registry's
//! records', which this pallet does not know the size of).

use crate::{pallet::*, types::*, BalanceOf};
use codec::{Decode, Encode, MaxEncodedLen};
use deai_primitives::{ContentHash, JobId, ModelRegistry, UsageFee};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Permill;
#[cfg(feature = "try-runtime")]
use sp_runtime::TryRuntimeError;

/// The records as version 1 stored them.
#[allow(missing_docs)]
pub mod v1 {
	use super::*;
	use frame_support::{storage_alias, Twox64Concat};

	/// An assignment of version 1: the same fields, with the result's location last.
	#[derive(Encode, Decode)]
	pub struct Assignment<T: Config> {
		pub provider: T::AccountId,
		pub price: BalanceOf<T>,
		pub commitment: Option<ContentHash>,
		pub result: Option<ContentHash>,
		pub result_uri: Option<BoundedText<T::MaxUriLen>>,
	}

	/// A job of version 1: the same fields, with the whole [`JobSpec`] (input location included).
	#[derive(Encode, Decode)]
	pub struct Job<T: Config> {
		pub requester: T::AccountId,
		pub spec: JobSpec<T>,
		pub status: JobStatus,
		pub assignments: BoundedVec<Assignment<T>, T::MaxRedundancy>,
		pub bids: u32,
		pub price_cap: BalanceOf<T>,
		pub protocol_fee: Permill,
		pub model_fee: BalanceOf<T>,
		pub dataset_fees: BoundedVec<BalanceOf<T>, T::MaxJobDatasets>,
		pub deadline: Option<(BlockNumberFor<T>, DeadlineKind)>,
		pub dispute_bond: BalanceOf<T>,
		pub deposit: BalanceOf<T>,
		pub posted_at: BlockNumberFor<T>,
	}

	/// `Jobs` at version 1.
	#[storage_alias]
	pub type Jobs<T: Config> = StorageMap<Pallet<T>, Twox64Concat, JobId, Job<T>>;
}

/// A version-1 job as version 2 keeps it, with its input's location and its results' apart.
#[allow(clippy::type_complexity)]
fn split<T: Config>(
	old: v1::Job<T>,
) -> (Job<T>, BoundedText<T::MaxUriLen>, alloc::vec::Vec<(T::AccountId, BoundedText<T::MaxUriLen>)>)
{
	let (spec, input_uri) = old.spec.into_terms();
	let mut results = alloc::vec::Vec::new();
	let assignments = old
		.assignments
		.into_iter()
		.map(|a| {
			if let Some(uri) = a.result_uri {
				results.push((a.provider.clone(), uri));
			}
			Assignment {
				provider: a.provider,
				price: a.price,
				commitment: a.commitment,
				result: a.result,
			}
		})
		.collect::<alloc::vec::Vec<_>>();
	// Whether each use earns points was decided at settlement before: decide it now.
	let model_fee = UsageFee {
		fee: old.model_fee,
		earns_points: spec
			.model
			.as_ref()
			.is_some_and(|m| !T::Registry::is_party_to_model(m, &old.requester)),
	};
	let dataset_fees = BoundedVec::truncate_from(
		spec.datasets
			.iter()
			.zip(old.dataset_fees.iter())
			.map(|(dataset, fee)| UsageFee {
				fee: *fee,
				earns_points: !T::Registry::is_party_to_dataset(dataset, &old.requester),
			})
			.collect::<alloc::vec::Vec<_>>(),
	);
	let job = Job {
		requester: old.requester,
		spec,
		status: old.status,
		// As many as before: the bound is the same.
		assignments: BoundedVec::truncate_from(assignments),
		bids: old.bids,
		price_cap: old.price_cap,
		protocol_fee: old.protocol_fee,
		model_fee,
		dataset_fees,
		deadline: old.deadline,
		dispute_bond: old.dispute_bond,
		deposit: old.deposit,
		posted_at: old.posted_at,
	};
	(job, input_uri, results)
}

/// The migration's work, without the version check: use [`MigrateV1ToV2`].
pub struct MoveLocations<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for MoveLocations<T> {
	fn on_runtime_upgrade() -> Weight {
		let (mut jobs, mut writes, mut registry_reads) = (0u64, 0u64, 0u64);
		Jobs::<T>::translate::<v1::Job<T>, _>(|id, old| {
			// Asking whether the requester is a party reads a version and its item, for the
			// model and each dataset.
			let uses = u64::from(old.spec.model.is_some()) + old.spec.datasets.len() as u64;
			registry_reads = registry_reads.saturating_add(uses.saturating_mul(2));
			let (job, input_uri, results) = split(old);
			jobs += 1;
			writes = writes.saturating_add(2 + results.len() as u64);
			JobInputUris::<T>::insert(id, input_uri);
			for (provider, uri) in results {
				ResultUris::<T>::insert(id, provider, uri);
			}
			Some(job)
		});
		log::info!(target: "runtime::compute-market", "v2: moved the locations of {jobs} jobs");
		// Each old record read is in the block's proof: at most the new record, its input's
		// location and one result's location per provider.
		let uri = BoundedText::<T::MaxUriLen>::max_encoded_len() as u64;
		let old_record = (Job::<T>::max_encoded_len() as u64)
			.saturating_add(uri.saturating_mul(1 + u64::from(T::MaxRedundancy::get())));
		T::DbWeight::get()
			.reads_writes(jobs.saturating_add(registry_reads), writes)
			.saturating_add(Weight::from_parts(0, old_record.saturating_mul(jobs)))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, TryRuntimeError> {
		let old: alloc::vec::Vec<_> = v1::Jobs::<T>::iter().collect();
		frame_support::ensure!(
			JobInputUris::<T>::iter_keys().next().is_none()
				&& ResultUris::<T>::iter_keys().next().is_none(),
			TryRuntimeError::Other("locations exist before the migration that creates them")
		);
		Ok(old.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), TryRuntimeError> {
		let old = alloc::vec::Vec::<(JobId, v1::Job<T>)>::decode(&mut &state[..])
			.map_err(|_| TryRuntimeError::Other("pre_upgrade's state does not decode"))?;
		frame_support::ensure!(
			Jobs::<T>::iter_keys().count() == old.len(),
			TryRuntimeError::Other("the migration lost or added jobs")
		);
		for (id, before) in old {
			let (expected, input_uri, results) = split(before);
			let after =
				Jobs::<T>::get(id).ok_or(TryRuntimeError::Other("a job did not survive"))?;
			frame_support::ensure!(after == expected, TryRuntimeError::Other("a job changed"));
			frame_support::ensure!(
				JobInputUris::<T>::get(id).as_ref() == Some(&input_uri),
				TryRuntimeError::Other("a job's input location was not moved as it was")
			);
			frame_support::ensure!(
				ResultUris::<T>::iter_prefix(id).count() == results.len(),
				TryRuntimeError::Other("a job's result locations were not all moved")
			);
			for (provider, uri) in results {
				frame_support::ensure!(
					ResultUris::<T>::get(id, &provider).as_ref() == Some(&uri),
					TryRuntimeError::Other("a result location was not moved as it was")
				);
			}
		}
		// The pallet's own checks (`do_try_state`) know only the latest layout: the runtime runs
		// them after every migration.
		Ok(())
	}
}

/// Version 1 → 2, run only on a chain at version 1, which it leaves at version 2.
pub type MigrateV1ToV2<T> =
	VersionedMigration<1, 2, MoveLocations<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
