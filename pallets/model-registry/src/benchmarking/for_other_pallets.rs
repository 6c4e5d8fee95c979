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
	/// A usable model version whose usage fee `fee` is paid to about `payees` accounts (its
	/// contributors, and those of parent models it passes an upstream share to).
	pub fn benchmark_model(payees: u32, fee: BalanceOf<T>) -> ModelVersionRef {
		let owner = funded::<T>("registry-owner", 0);
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
				benchmark_licence::<T>(),
				Zero::zero(),
				benchmark_payees::<T>(count, offset),
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
			benchmark_licence::<T>(),
			fee,
			benchmark_payees::<T>(payees.min(per_model), 0),
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
		let owner = funded::<T>("registry-owner", 1);
		let dataset = NextDatasetId::<T>::get();
		let _ = Self::do_register_dataset(
			owner.clone(),
			BoundedVec::new(),
			BoundedVec::new(),
			benchmark_licence::<T>(),
			AccessPolicy::Licensed { fee },
			benchmark_payees::<T>(1, 10_000 + index),
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
