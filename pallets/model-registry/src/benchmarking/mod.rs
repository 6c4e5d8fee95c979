//! Benchmarks of every call at its worst case (here), the items they build (`fixtures`), and
//! the registry items other pallets' benchmarks use (`for_other_pallets`:
//! [`Pallet::benchmark_model`], [`Pallet::benchmark_dataset`]; the runtime's helper for the
//! compute market calls them).

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

mod fixtures;
mod for_other_pallets;

use fixtures::*;

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
		// The most contributors: each gets an entry in the royalty split and the index.
		let model = new_model::<T>(&owner, 0u32.into(), all_contributors::<T>());
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

	/// Removing a version pays out its pot: every contributor (the most, each a new account)
	/// and parent is owed a share, and the owner the rest.
	#[benchmark]
	fn remove_model_version(
		p: Linear<0, { T::MaxParents::get() }>,
		d: Linear<0, { T::MaxTrainingDatasets::get() }>,
	) {
		let owner = funded::<T>("owner", 0);
		let lineage = parents::<T>(&owner, p);
		let data = datasets::<T>(&owner, d);
		let model = new_model::<T>(&owner, 0u32.into(), all_contributors::<T>());
		let share = if p > 0 { Perbill::from_percent(10) } else { Perbill::zero() };
		let version = new_version::<T>(&owner, model, 1, lineage, data, share);
		// Every payee is paid and its claim record deleted.
		fill_pot_claimed_once::<T>(VersionRef::Model(version));
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
		// Its pot pays every contributor (the most, each a new account) and deletes each one's
		// claim record.
		fill_pot_claimed_once::<T>(VersionRef::Dataset(version));
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

	/// An upheld evaluation (the costlier ruling: the evaluator is credited its points too).
	#[benchmark]
	fn resolve_challenge() -> Result<(), BenchmarkError> {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let challenger = funded::<T>("challenger", 0);
		Pallet::<T>::do_challenge_evaluation(challenger, evaluation).unwrap();
		let origin = T::EvaluationJudgeOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, evaluation, true);
		let slashed = T::ChallengeBond::get();
		let to_winner = T::ChallengeWinnerShare::get().mul_floor(slashed);
		assert_last_event::<T>(Event::ChallengeResolved {
			evaluation,
			upheld: true,
			slashed,
			to_winner,
		});
		Ok(())
	}

	/// A challenged evaluation nobody ruled on in time (the costlier finalization: the
	/// challenger's bond is released as well as the evaluator's).
	#[benchmark]
	fn finalize_evaluation() {
		let evaluator = funded::<T>("evaluator", 0);
		let evaluation = new_evaluation::<T>(&evaluator);
		let challenger = funded::<T>("challenger", 0);
		Pallet::<T>::do_challenge_evaluation(challenger, evaluation).unwrap();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::JudgementPeriod::get()).saturating_add(1u32.into()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(evaluator), evaluation);
		assert_last_event::<T>(Event::EvaluationAccepted { evaluation });
		assert!(matches!(
			Evaluations::<T>::get(evaluation).map(|e| e.status),
			Some(EvaluationStatus::Accepted)
		));
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

	/// Restoring an item whose deposit was slashed at the takedown (the costlier restore: the
	/// deposit is held from its owner again).
	#[benchmark]
	fn restore() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), all_contributors::<T>());
		let item = RegistryItem::Model(model);
		Pallet::<T>::do_take_down(item, true).unwrap();
		let origin =
			T::ModeratorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, item);
		assert_last_event::<T>(Event::Restored { item });
		assert!(!Models::<T>::get(model).expect("restored").deposit.is_zero());
		Ok(())
	}

	/// One payment into a version's pot, whatever its split: the most contributors only
	/// matter to the check that the payer is no party to the model and to the points credited.
	#[benchmark]
	fn pay_usage() {
		let owner = funded::<T>("owner", 0);
		let fee = T::Currency::minimum_balance().saturating_mul(1_000u32.into());
		let model = new_model::<T>(&owner, fee, all_contributors::<T>());
		let parents = parents::<T>(&owner, T::MaxParents::get());
		let root = new_version::<T>(&owner, model, 1, parents, vec![], Perbill::from_percent(50));
		let payer = funded::<T>("payer", 0);
		let version = VersionRef::Model(root);
		#[extrinsic_call]
		_(RawOrigin::Signed(payer.clone()), version, IntendedUse::default(), fee);
		assert_last_event::<T>(Event::UsagePaid { version, payer, fee, credited: true });
	}

	/// A claim by the last payee of the fullest split (the most contributors and parents, all
	/// read to find it), paid to a new account; the item's record is read for its status.
	#[benchmark]
	fn claim_royalties() {
		let owner = funded::<T>("owner", 0);
		let model = new_model::<T>(&owner, 0u32.into(), all_contributors::<T>());
		let parents = parents::<T>(&owner, T::MaxParents::get());
		let version =
			new_version::<T>(&owner, model, 1, parents, vec![], Perbill::from_percent(10));
		let version = VersionRef::Model(version);
		fill_pot::<T>(version);
		let last = all_contributors::<T>().last().map(|(who, _)| who.clone()).expect("one");
		let payee = RoyaltyPayee::Account(last);
		let claimer = funded::<T>("claimer", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(claimer), version, payee.clone());
		assert_eq!(Pallet::<T>::royalties_owed(&version, &payee), Ok(Zero::zero()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
