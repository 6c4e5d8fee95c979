//! Registry items for other pallets' benchmarks (the compute market's, through the runtime).

use super::*;

/// `count` payees (at least one, at most `MaxContributors`) with shares adding up to 100%,
/// accounts from `offset`.
fn benchmark_payees<T: Config>(count: u32, offset: u32) -> ContributorsOf<T> {
	let count = count.clamp(1, T::MaxContributors::get());
	let mut left = Perbill::one();
	let mut list = Vec::new();
	for i in 0..count {
		let share = if i + 1 == count { left } else { Perbill::from_rational(1u32, count) };
		left = left.saturating_sub(share);
		list.push((account("registry-payee", offset + i, 0), share));
	}
	list.try_into().unwrap_or_default()
}

/// A licence that allows every use.
fn benchmark_licence<T: Config>() -> Licence<T> {
	Licence { spdx: BoundedVec::new(), commercial_use: true, derivatives: true, attribution: false }
}

impl<T: Config> Pallet<T> {
	/// A usable model version with usage fee `fee` and the most contributors. (The fee goes into
	/// the version's pot in one step, whatever the split; a paid use credits the version its
	/// points, in one entry.)
	pub fn benchmark_model(fee: BalanceOf<T>) -> ModelVersionRef {
		let owner = funded::<T>("registry-owner", 0);
		let model = NextModelId::<T>::get();
		let _ = Self::do_register_model(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			BoundedVec::new(),
			benchmark_licence::<T>(),
			fee,
			// Distinct contributors for every model: a block of settlements writes distinct
			// points, as on a live chain.
			benchmark_payees::<T>(
				T::MaxContributors::get(),
				(model as u32).saturating_mul(T::MaxContributors::get()),
			),
		);
		let mut hash = [0xAA; 32];
		hash[..8].copy_from_slice(&model.to_le_bytes());
		let _ = Self::do_publish_model_version(
			owner,
			model,
			Artifact { content_hash: hash, size_bytes: 1, uri: BoundedVec::new() },
			ModelFormat::Onnx,
			BoundedVec::new(),
			BoundedVec::new(),
			BoundedVec::new(),
			None,
			Perbill::zero(),
			None,
		);
		ModelVersionRef { model, version: 0 }
	}

	/// A usable compute-to-data dataset version with usage fee `fee` and the most contributors
	/// (the largest split): a new dataset every call, whose providers the
	/// market's benchmarks approve with [`Self::benchmark_approve`].
	pub fn benchmark_dataset(fee: BalanceOf<T>) -> DatasetVersionRef {
		let owner = funded::<T>("registry-owner", 1);
		let dataset = NextDatasetId::<T>::get();
		let _ = Self::do_register_dataset(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			benchmark_licence::<T>(),
			AccessPolicy::ComputeToData { fee },
			// Distinct from every model's and every other dataset's.
			benchmark_payees::<T>(
				T::MaxContributors::get(),
				(dataset as u32)
					.saturating_mul(T::MaxContributors::get())
					.saturating_add(1 << 30),
			),
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

	/// Approves `provider` for the compute-to-data `dataset` made by [`Self::benchmark_dataset`].
	pub fn benchmark_approve(dataset: &DatasetVersionRef, provider: &T::AccountId) {
		// Funded when it registered the dataset.
		let owner: T::AccountId = account("registry-owner", 1, 0);
		let _ = Self::do_approve_provider(owner, dataset.dataset, provider.clone());
	}

	/// Withdraws `provider`'s approval for `dataset` (see [`Self::benchmark_approve`]).
	pub fn benchmark_revoke(dataset: &DatasetVersionRef, provider: &T::AccountId) {
		let owner: T::AccountId = account("registry-owner", 1, 0);
		let _ = Self::do_revoke_provider(owner, dataset.dataset, provider.clone());
	}
}

impl<T: Config> Pallet<T> {
	/// For federated training's benchmarks: a model owned by `owner` (funded) with a version
	/// allowing derivatives, the most contributors and the longest texts, and a compute-to-data
	/// dataset version to evaluate on. Returns `(base version, dataset version)`.
	pub fn benchmark_federated_items(owner: &T::AccountId) -> (ModelVersionRef, DatasetVersionRef) {
		let model = NextModelId::<T>::get();
		Self::do_register_model(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			BoundedVec::new(),
			benchmark_licence::<T>(),
			Zero::zero(),
			benchmark_payees::<T>(T::MaxContributors::get(), 1 << 29),
		)
		.expect("registers");
		let base = new_version::<T>(owner, model, 1 << 20, Vec::new(), Vec::new(), Perbill::zero());
		(base, Self::benchmark_dataset(Zero::zero()))
	}
}
