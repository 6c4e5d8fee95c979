//! Accounts and registry items at the sizes the benchmarks need, each with distinct accounts.

use super::*;

pub(super) fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

pub(super) fn text<L: Get<u32>>() -> BoundedVec<u8, L> {
	vec![b'x'; L::get() as usize].try_into().expect("exactly the bound")
}

pub(super) fn full_licence<T: Config>() -> Licence<T> {
	Licence {
		spdx: text::<T::MaxSpdxLen>(),
		commercial_use: true,
		derivatives: true,
		attribution: true,
	}
}

pub(super) fn full_tags<T: Config>() -> TagsOf<T> {
	vec![text::<T::MaxTagLen>(); T::MaxTags::get() as usize]
		.try_into()
		.expect("the bound")
}

/// `count` contributors with shares adding up to 100%, drawn from `pool` accounts from `offset`.
pub(super) fn contributors<T: Config>(count: u32, pool: u32, offset: u32) -> ContributorsOf<T> {
	let count = count.max(1).min(pool.max(1));
	let mut list = Vec::new();
	let mut left = Perbill::one();
	for i in 0..count {
		let share = if i + 1 == count { left } else { Perbill::from_rational(1u32, count) };
		left = left.saturating_sub(share);
		list.push((account("contributor", (offset + i) % pool.max(1), 0), share));
	}
	list.try_into().expect("at most MaxContributors")
}

/// The most contributors, each a distinct account.
pub(super) fn all_contributors<T: Config>() -> ContributorsOf<T> {
	contributors::<T>(T::MaxContributors::get(), T::MaxContributors::get(), 0)
}

/// Pays a large amount into a version's pot (and the royalty account), so that each payee of
/// its split is owed more than the existential deposit. Returns the amount.
pub(super) fn fill_pot<T: Config>(version: VersionRef) -> BalanceOf<T> {
	Pallet::<T>::open_royalty_account();
	let amount = T::Currency::minimum_balance().saturating_mul(1_000_000u32.into());
	let _ = T::Currency::mint_into(&Pallet::<T>::royalty_account(), amount);
	Pallet::<T>::accrue(version, amount);
	amount
}

/// A pot at its costliest to close: every payee of its split claimed once, so each has a claim
/// record to delete, then spent everything (its account is gone, so paying it creates it
/// again), and the pot received as much again since, so each is owed and paid. (The owner is
/// owed only what the shares leave, nothing when they add up to 100%.)
pub(super) fn fill_pot_claimed_once<T: Config>(version: VersionRef) {
	fill_pot::<T>(version);
	let split = RoyaltySplits::<T>::get(version).unwrap_or_default();
	for (payee, _) in split.iter() {
		Pallet::<T>::do_claim_royalties(version, payee.clone()).expect("every payee is owed");
		if let RoyaltyPayee::Account(who) = payee {
			let _ = T::Currency::set_balance(who, Zero::zero());
		}
	}
	let _ = Pallet::<T>::do_claim_royalties(version, RoyaltyPayee::Owner);
	fill_pot::<T>(version);
}

pub(super) fn content_hash(seed: u32, salt: u8) -> [u8; 32] {
	let mut hash = [salt; 32];
	hash[..4].copy_from_slice(&seed.to_le_bytes());
	hash
}

pub(super) fn new_model<T: Config>(
	owner: &T::AccountId,
	fee: BalanceOf<T>,
	contributors: ContributorsOf<T>,
) -> ModelId {
	let id = NextModelId::<T>::get();
	Pallet::<T>::do_register_model(
		owner.clone(),
		text::<T::MaxNameLen>(),
		text::<T::MaxDescriptionLen>(),
		full_tags::<T>(),
		full_licence::<T>(),
		fee,
		contributors,
	)
	.expect("registers");
	id
}

pub(super) fn new_version<T: Config>(
	owner: &T::AccountId,
	model: ModelId,
	seed: u32,
	parents: Vec<ModelVersionRef>,
	trained_on: Vec<DatasetVersionRef>,
	upstream_share: Perbill,
) -> ModelVersionRef {
	let version = Models::<T>::get(model).expect("exists").next_version;
	Pallet::<T>::do_publish_model_version(
		owner.clone(),
		model,
		Artifact {
			content_hash: content_hash(seed, 1),
			size_bytes: u64::MAX,
			uri: text::<T::MaxUriLen>(),
		},
		ModelFormat::Safetensors,
		text::<T::MaxLabelLen>(),
		parents.try_into().expect("bounded"),
		trained_on.try_into().expect("bounded"),
		Some(u64::MAX),
		upstream_share,
		None,
	)
	.expect("publishes");
	ModelVersionRef { model, version }
}

pub(super) fn new_dataset<T: Config>(
	owner: &T::AccountId,
	access: AccessPolicy<BalanceOf<T>>,
) -> DatasetId {
	let id = NextDatasetId::<T>::get();
	Pallet::<T>::do_register_dataset(
		owner.clone(),
		text::<T::MaxNameLen>(),
		text::<T::MaxDescriptionLen>(),
		full_licence::<T>(),
		access,
		contributors::<T>(T::MaxContributors::get(), T::MaxContributors::get(), 0),
	)
	.expect("registers");
	id
}

pub(super) fn new_dataset_version<T: Config>(
	owner: &T::AccountId,
	dataset: DatasetId,
	seed: u32,
) -> DatasetVersionRef {
	let version = Datasets::<T>::get(dataset).expect("exists").next_version;
	Pallet::<T>::do_publish_dataset_version(
		owner.clone(),
		dataset,
		Artifact {
			content_hash: content_hash(seed, 2),
			size_bytes: u64::MAX,
			uri: text::<T::MaxUriLen>(),
		},
		text::<T::MaxLabelLen>(),
	)
	.expect("publishes");
	DatasetVersionRef { dataset, version }
}

/// `count` parent versions, each of its own model.
pub(super) fn parents<T: Config>(owner: &T::AccountId, count: u32) -> Vec<ModelVersionRef> {
	(0..count)
		.map(|i| {
			let model = new_model::<T>(owner, 0u32.into(), contributors::<T>(1, 1, 0));
			new_version::<T>(owner, model, 10_000 + i, vec![], vec![], Perbill::zero())
		})
		.collect()
}

/// `count` training dataset versions, each of its own dataset.
pub(super) fn datasets<T: Config>(owner: &T::AccountId, count: u32) -> Vec<DatasetVersionRef> {
	(0..count)
		.map(|i| {
			let dataset = new_dataset::<T>(owner, AccessPolicy::Open);
			new_dataset_version::<T>(owner, dataset, 20_000 + i)
		})
		.collect()
}

/// An evaluation of a fresh model version on a fresh benchmark, by `evaluator`.
pub(super) fn new_evaluation<T: Config>(evaluator: &T::AccountId) -> EvaluationId {
	let owner = funded::<T>("owner", 0);
	let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
	let version = new_version::<T>(&owner, model, 1, vec![], vec![], Perbill::zero());
	let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
	let data = new_dataset_version::<T>(&owner, dataset, 2);
	let benchmark = NextBenchmarkId::<T>::get();
	Pallet::<T>::do_register_benchmark(owner, data, text::<T::MaxMetricLen>(), true)
		.expect("registers");
	let evaluation = NextEvaluationId::<T>::get();
	Pallet::<T>::do_submit_evaluation(
		evaluator.clone(),
		version,
		benchmark,
		FixedI64::max_value(),
		[7; 32],
		text::<T::MaxUriLen>(),
		T::EvaluationFee::get(),
	)
	.expect("submits");
	evaluation
}

pub(super) fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}
