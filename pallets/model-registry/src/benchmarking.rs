//! Benchmarks of every call at its worst case, and the registry items other pallets'
//! benchmarks use ([`Pallet::benchmark_model`], [`Pallet::benchmark_dataset`]: the runtime's
//! helper for the compute market calls them).

use super::*;
use crate::types::*;
use alloc::{vec, vec::Vec};
use deai_primitives::{
	DatasetId, DatasetVersionRef, EvaluationId, IntendedUse, ModelId, ModelVersionRef,
};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::{
	traits::{Bounded, Zero},
	FixedI64, Perbill, Saturating,
};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn text<L: Get<u32>>() -> BoundedVec<u8, L> {
	vec![b'x'; L::get() as usize].try_into().expect("exactly the bound")
}

fn full_licence<T: Config>() -> Licence<T> {
	Licence {
		spdx: text::<T::MaxSpdxLen>(),
		commercial_use: true,
		derivatives: true,
		attribution: true,
	}
}

fn full_tags<T: Config>() -> TagsOf<T> {
	vec![text::<T::MaxTagLen>(); T::MaxTags::get() as usize]
		.try_into()
		.expect("the bound")
}

/// `count` contributors with shares adding up to 100%, drawn from `pool` accounts from `offset`.
fn contributors<T: Config>(count: u32, pool: u32, offset: u32) -> ContributorsOf<T> {
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

fn content_hash(seed: u32, salt: u8) -> [u8; 32] {
	let mut hash = [salt; 32];
	hash[..4].copy_from_slice(&seed.to_le_bytes());
	hash
}

fn new_model<T: Config>(
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

fn new_version<T: Config>(
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
	)
	.expect("publishes");
	ModelVersionRef { model, version }
}

fn new_dataset<T: Config>(owner: &T::AccountId, access: AccessPolicy<BalanceOf<T>>) -> DatasetId {
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

fn new_dataset_version<T: Config>(
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
fn parents<T: Config>(owner: &T::AccountId, count: u32) -> Vec<ModelVersionRef> {
	(0..count)
		.map(|i| {
			let model = new_model::<T>(owner, 0u32.into(), contributors::<T>(1, 1, 0));
			new_version::<T>(owner, model, 10_000 + i, vec![], vec![], Perbill::zero())
		})
		.collect()
}

/// `count` training dataset versions, each of its own dataset.
fn datasets<T: Config>(owner: &T::AccountId, count: u32) -> Vec<DatasetVersionRef> {
	(0..count)
		.map(|i| {
			let dataset = new_dataset::<T>(owner, AccessPolicy::Open);
			new_dataset_version::<T>(owner, dataset, 20_000 + i)
		})
		.collect()
}

/// An evaluation of a fresh model version on a fresh benchmark, by `evaluator`.
fn new_evaluation<T: Config>(evaluator: &T::AccountId) -> EvaluationId {
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

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model(c: Linear<1, { T::MaxContributors::get() }>) {
		let owner = funded::<T>("owner", 0);
		let shares = contributors::<T>(c, c, 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			text::<T::MaxNameLen>(),
			text::<T::MaxDescriptionLen>(),
			full_tags::<T>(),
			full_licence::<T>(),
			BalanceOf::<T>::max_value(),
			shares,
		);
		assert_last_event::<T>(Event::ModelRegistered { model: 0, owner });
	}

	#[benchmark]
	fn update_model(c: Linear<1, { T::MaxContributors::get() }>) {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			model,
			Some(text::<T::MaxDescriptionLen>()),
			Some(full_tags::<T>()),
			Some(full_licence::<T>()),
			Some(1u32.into()),
			Some(contributors::<T>(c, c, 1)),
		);
		assert_last_event::<T>(Event::ModelUpdated { model });
	}

	#[benchmark]
	fn set_maintainers(m: Linear<0, { T::MaxMaintainers::get() }>) {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let maintainers: BoundedVec<_, _> = (0..m)
			.map(|i| account("maintainer", i, 0))
			.collect::<Vec<_>>()
			.try_into()
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, maintainers);
		assert_last_event::<T>(Event::MaintainersSet { model, count: m });
	}

	#[benchmark]
	fn publish_model_version(
		p: Linear<0, { T::MaxParents::get() }>,
		d: Linear<0, { T::MaxTrainingDatasets::get() }>,
	) {
		let owner = funded::<T>("owner", 0);
		let lineage = parents::<T>(&owner, p);
		let data = datasets::<T>(&owner, d);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let share = if p > 0 { Perbill::from_percent(10) } else { Perbill::zero() };
		let hash = content_hash(1, 1);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			model,
			hash,
			u64::MAX,
			ModelFormat::Onnx,
			text::<T::MaxUriLen>(),
			text::<T::MaxLabelLen>(),
			lineage.try_into().unwrap(),
			data.try_into().unwrap(),
			Some(u64::MAX),
			share,
		);
		assert_last_event::<T>(Event::ModelVersionPublished {
			version: ModelVersionRef { model, version: 0 },
			hash,
			publisher: owner,
		});
	}

	#[benchmark]
	fn set_model_version_status() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let version = new_version::<T>(&owner, model, 1, vec![], vec![], Perbill::zero());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version, VersionStatus::Yanked);
		assert_last_event::<T>(Event::ModelVersionStatusChanged {
			version,
			status: VersionStatus::Yanked,
		});
	}

	#[benchmark]
	fn remove_model_version(
		p: Linear<0, { T::MaxParents::get() }>,
		d: Linear<0, { T::MaxTrainingDatasets::get() }>,
	) {
		let owner = funded::<T>("owner", 0);
		let lineage = parents::<T>(&owner, p);
		let data = datasets::<T>(&owner, d);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let version = new_version::<T>(&owner, model, 1, lineage, data, Perbill::zero());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version);
		assert_last_event::<T>(Event::ModelVersionRemoved { version });
	}

	#[benchmark]
	fn remove_model() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(
			&owner,
			0u32.into(),
			contributors::<T>(T::MaxContributors::get(), T::MaxContributors::get(), 0),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model);
		assert_last_event::<T>(Event::ModelRemoved { model });
	}

	#[benchmark]
	fn register_dataset(c: Linear<1, { T::MaxContributors::get() }>) {
		let owner = funded::<T>("owner", 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			text::<T::MaxNameLen>(),
			text::<T::MaxDescriptionLen>(),
			full_licence::<T>(),
			AccessPolicy::ComputeToData { fee: BalanceOf::<T>::max_value() },
			contributors::<T>(c, c, 0),
		);
		assert_last_event::<T>(Event::DatasetRegistered { dataset: 0, owner });
	}

	#[benchmark]
	fn update_dataset(c: Linear<1, { T::MaxContributors::get() }>) {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			dataset,
			Some(text::<T::MaxDescriptionLen>()),
			Some(full_licence::<T>()),
			Some(AccessPolicy::Licensed { fee: BalanceOf::<T>::max_value() }),
			Some(contributors::<T>(c, c, 1)),
		);
		assert_last_event::<T>(Event::DatasetUpdated { dataset });
	}

	#[benchmark]
	fn publish_dataset_version() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let hash = content_hash(1, 2);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			dataset,
			hash,
			u64::MAX,
			text::<T::MaxUriLen>(),
			text::<T::MaxLabelLen>(),
		);
		assert_last_event::<T>(Event::DatasetVersionPublished {
			version: DatasetVersionRef { dataset, version: 0 },
			hash,
			publisher: owner,
		});
	}

	#[benchmark]
	fn set_dataset_version_status() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let version = new_dataset_version::<T>(&owner, dataset, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version, VersionStatus::Yanked);
		assert_last_event::<T>(Event::DatasetVersionStatusChanged {
			version,
			status: VersionStatus::Yanked,
		});
	}

	#[benchmark]
	fn remove_dataset_version() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let version = new_dataset_version::<T>(&owner, dataset, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version);
		assert_last_event::<T>(Event::DatasetVersionRemoved { version });
	}

	#[benchmark]
	fn remove_dataset() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset);
		assert_last_event::<T>(Event::DatasetRemoved { dataset });
	}

	#[benchmark]
	fn approve_provider() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::ComputeToData { fee: 1u32.into() });
		let provider: T::AccountId = account("provider", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, provider.clone());
		assert_last_event::<T>(Event::ProviderApproved { dataset, provider });
	}

	#[benchmark]
	fn revoke_provider() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::ComputeToData { fee: 1u32.into() });
		let provider: T::AccountId = account("provider", 0, 0);
		Pallet::<T>::do_approve_provider(owner.clone(), dataset, provider.clone()).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, provider.clone());
		assert_last_event::<T>(Event::ProviderRevoked { dataset, provider });
	}

	#[benchmark]
	fn offer_ownership() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let to: T::AccountId = account("new-owner", 0, 0);
		let item = RegistryItem::Model(model);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), item, Some(to.clone()));
		assert_last_event::<T>(Event::OwnershipOffered { item, to: Some(to) });
	}

	#[benchmark]
	fn accept_ownership() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let to = funded::<T>("new-owner", 0);
		let item = RegistryItem::Model(model);
		Pallet::<T>::do_offer_ownership(owner.clone(), item, Some(to.clone())).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), item);
		assert_last_event::<T>(Event::OwnershipTransferred { item, from: owner, to });
	}

	#[benchmark]
	fn register_benchmark() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let data = new_dataset_version::<T>(&owner, dataset, 1);
		let creator = funded::<T>("creator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(creator), data, text::<T::MaxMetricLen>(), true);
		assert_last_event::<T>(Event::BenchmarkRegistered { benchmark: 0, dataset_version: data });
	}

	#[benchmark]
	fn remove_benchmark() {
		let owner = funded::<T>("owner", 0);
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let data = new_dataset_version::<T>(&owner, dataset, 1);
		Pallet::<T>::do_register_benchmark(owner.clone(), data, text::<T::MaxMetricLen>(), true)
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0);
		assert_last_event::<T>(Event::BenchmarkRemoved { benchmark: 0 });
	}

	#[benchmark]
	fn submit_evaluation() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let version = new_version::<T>(&owner, model, 1, vec![], vec![], Perbill::zero());
		let dataset = new_dataset::<T>(&owner, AccessPolicy::Open);
		let data = new_dataset_version::<T>(&owner, dataset, 2);
		Pallet::<T>::do_register_benchmark(owner, data, text::<T::MaxMetricLen>(), true).unwrap();
		let evaluator = funded::<T>("evaluator", 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(evaluator.clone()),
			version,
			0,
			FixedI64::max_value(),
			[7; 32],
			text::<T::MaxUriLen>(),
			T::EvaluationFee::get(),
		);
		assert_last_event::<T>(Event::EvaluationSubmitted {
			evaluation: 0,
			model_version: version,
			benchmark: 0,
			evaluator,
			score: FixedI64::max_value(),
		});
	}

	#[benchmark]
	fn challenge_evaluation() {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let challenger = funded::<T>("challenger", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), evaluation);
		assert_last_event::<T>(Event::EvaluationChallenged { evaluation, challenger });
	}

	#[benchmark]
	fn resolve_challenge() -> Result<(), BenchmarkError> {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let challenger = funded::<T>("challenger", 0);
		Pallet::<T>::do_challenge_evaluation(challenger, evaluation).unwrap();
		let origin = T::EvaluationJudgeOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, evaluation, false);
		let slashed = T::EvaluationBond::get();
		let to_winner = T::ChallengeWinnerShare::get().mul_floor(slashed);
		assert_last_event::<T>(Event::ChallengeResolved {
			evaluation,
			upheld: false,
			slashed,
			to_winner,
		});
		Ok(())
	}

	#[benchmark]
	fn finalize_evaluation() {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::ChallengePeriod::get()).saturating_add(1u32.into()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(evaluator), evaluation);
		assert_last_event::<T>(Event::EvaluationAccepted { evaluation });
	}

	#[benchmark]
	fn remove_evaluation() {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::ChallengePeriod::get()).saturating_add(1u32.into()),
		);
		Pallet::<T>::do_finalize_evaluation(evaluation).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(evaluator), evaluation);
		assert_last_event::<T>(Event::EvaluationRemoved { evaluation });
	}

	#[benchmark]
	fn take_down() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let deposit = Models::<T>::get(model).unwrap().deposit;
		let origin =
			T::ModeratorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let item = RegistryItem::Model(model);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, item, true);
		assert_last_event::<T>(Event::TakenDown { item, slashed: deposit });
		Ok(())
	}

	#[benchmark]
	fn restore() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), contributors::<T>(1, 1, 0));
		let item = RegistryItem::Model(model);
		Pallet::<T>::do_take_down(item, false).unwrap();
		let origin =
			T::ModeratorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, item);
		assert_last_event::<T>(Event::Restored { item });
		Ok(())
	}

	/// The widest, deepest royalty tree: every model has `MaxParents` parents up to
	/// `MaxRoyaltyDepth` levels, and `MaxContributors` contributors drawn from `p` accounts.
	#[benchmark]
	fn pay_usage(p: Linear<1, { T::MaxRoyaltyPayees::get() }>) {
		let owner = funded::<T>("owner", 0);
		let fee = T::Currency::minimum_balance().saturating_mul(1_000u32.into());
		let width = T::MaxParents::get();
		let max_c = T::MaxContributors::get();
		let mut seed = 0u32;
		let mut node = |parents: Vec<ModelVersionRef>| {
			seed += 1;
			let model = new_model::<T>(&owner, fee, contributors::<T>(max_c, p, seed * max_c));
			let share =
				if parents.is_empty() { Perbill::zero() } else { Perbill::from_percent(50) };
			new_version::<T>(&owner, model, seed, parents, vec![], share)
		};
		// Leaves first, then each level groups `width` versions under one child, up to the root.
		let width = width.max(1);
		let leaves = width.saturating_pow(T::MaxRoyaltyDepth::get());
		let mut level: Vec<ModelVersionRef> = (0..leaves).map(|_| node(vec![])).collect();
		while level.len() > 1 {
			level = level.chunks(width as usize).map(|chunk| node(chunk.to_vec())).collect();
		}
		let root = level[0];
		let payer = funded::<T>("payer", 0);
		let version = VersionRef::Model(root);
		let payees = Pallet::<T>::model_royalty_split(&root, fee).unwrap().len() as u32;
		#[extrinsic_call]
		_(RawOrigin::Signed(payer.clone()), version, IntendedUse::default(), fee);
		assert_last_event::<T>(Event::UsagePaid { version, payer, fee, payees, credited: true });
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}

// ---------------------------------------------------------------------------------------------
// Registry items for other pallets' benchmarks (the compute market's, through the runtime)
// ---------------------------------------------------------------------------------------------

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
