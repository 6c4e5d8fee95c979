//! Tests of the model registry, grouped by call. Every test ends with `do_try_state`.

use crate::{mock::*, pallet::*, types::*, Event as RegistryEvent};
use deai_primitives::{
	ContributionCategory, DatasetVersionRef, IntendedUse, ModelRegistry as _, ModelVersionRef,
	PaidUse, Payout,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	BoundedVec,
};
use sp_runtime::{DispatchError, FixedI64, Perbill, TokenError};

type Registry = crate::Pallet<Test>;

fn text<L: Get<u32>>(s: &str) -> BoundedVec<u8, L> {
	s.as_bytes().to_vec().try_into().expect("test text fits")
}

fn licence(commercial_use: bool, derivatives: bool) -> Licence<Test> {
	Licence { spdx: text("Apache-2.0"), commercial_use, derivatives, attribution: true }
}

fn shares(list: &[(AccountId, u32)]) -> ContributorsOf<Test> {
	list.iter()
		.map(|(who, percent)| (*who, Perbill::from_percent(*percent)))
		.collect::<Vec<_>>()
		.try_into()
		.expect("few contributors")
}

fn hash(n: u8) -> [u8; 32] {
	[n; 32]
}

fn last_event() -> RegistryEvent<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::ModelRegistry(e) => Some(e),
			_ => None,
		})
		.expect("a registry event")
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::StorageDeposit.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// Registers a model by `owner` with fee `fee`, licence allowing everything.
fn model_with(owner: AccountId, fee: Balance, contributors: &[(AccountId, u32)]) -> u64 {
	let id = NextModelId::<Test>::get();
	assert_ok!(Registry::register_model(
		RuntimeOrigin::signed(owner),
		text("llama-tiny"),
		text("a tiny model"),
		vec![text("text"), text("llm")].try_into().unwrap(),
		licence(true, true),
		fee,
		shares(contributors),
	));
	id
}

fn model(owner: AccountId) -> u64 {
	model_with(owner, 100, &[(owner, 100)])
}

fn publish(
	who: AccountId,
	model: u64,
	n: u8,
	parents: Vec<ModelVersionRef>,
	upstream: Perbill,
) -> ModelVersionRef {
	let version = Models::<Test>::get(model).unwrap().next_version;
	assert_ok!(Registry::publish_model_version(
		RuntimeOrigin::signed(who),
		model,
		hash(n),
		1_000,
		ModelFormat::Onnx,
		text("ipfs://model"),
		text("v1"),
		parents.try_into().unwrap(),
		BoundedVec::new(),
		None,
		upstream,
	));
	ModelVersionRef { model, version }
}

fn dataset_with(owner: AccountId, access: AccessPolicy<Balance>) -> u64 {
	let id = NextDatasetId::<Test>::get();
	assert_ok!(Registry::register_dataset(
		RuntimeOrigin::signed(owner),
		text("mnist"),
		text("digits"),
		licence(true, true),
		access,
		shares(&[(owner, 100)]),
	));
	id
}

fn publish_data(owner: AccountId, dataset: u64, n: u8) -> DatasetVersionRef {
	let version = Datasets::<Test>::get(dataset).unwrap().next_version;
	assert_ok!(Registry::publish_dataset_version(
		RuntimeOrigin::signed(owner),
		dataset,
		hash(n),
		10_000,
		text("ipfs://data"),
		text("2026-11"),
	));
	DatasetVersionRef { dataset, version }
}

mod register_model {
	use super::*;

	#[test]
	fn registers_and_holds_the_exact_deposit() {
		new_test_ext().execute_with(|| {
			let id = model_with(ALICE, 70, &[(ALICE, 60), (BOB, 40)]);
			assert_eq!(id, 0);
			assert_eq!(last_event(), RegistryEvent::ModelRegistered { model: 0, owner: ALICE });
			let info = Models::<Test>::get(0).unwrap();
			assert_eq!(info.deposit, Registry::deposit_for(&info));
			assert_eq!(info.deposit, 100 + codec::Encode::encoded_size(&info) as Balance);
			assert_eq!(held(ALICE), info.deposit);
			assert_eq!(free(ALICE), INITIAL - info.deposit);
			assert_eq!(NextModelId::<Test>::get(), 1);
		});
	}

	#[test]
	fn shares_must_add_up_to_exactly_100_percent() {
		new_test_ext().execute_with(|| {
			for bad in [vec![(ALICE, 60), (BOB, 30)], vec![(ALICE, 60), (BOB, 50)], vec![]] {
				assert_noop!(
					Registry::register_model(
						RuntimeOrigin::signed(ALICE),
						text("m"),
						text("d"),
						BoundedVec::new(),
						licence(true, true),
						1,
						shares(&bad),
					),
					Error::<Test>::SharesNotOneHundredPercent
				);
			}
		});
	}

	#[test]
	fn a_contributor_appears_once() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Registry::register_model(
					RuntimeOrigin::signed(ALICE),
					text("m"),
					text("d"),
					BoundedVec::new(),
					licence(true, true),
					1,
					shares(&[(BOB, 50), (BOB, 50)]),
				),
				Error::<Test>::DuplicateContributor
			);
		});
	}

	#[test]
	fn needs_funds_for_the_deposit() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Registry::register_model(
					RuntimeOrigin::signed(77),
					text("m"),
					text("d"),
					BoundedVec::new(),
					licence(true, true),
					1,
					shares(&[(77, 100)]),
				),
				TokenError::FundsUnavailable
			);
		});
	}
}

mod update_model {
	use super::*;

	#[test]
	fn changes_terms_and_adjusts_the_deposit() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let before = held(ALICE);
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				Some(text("a much longer description than before")),
				None,
				Some(licence(false, true)),
				Some(500),
				Some(shares(&[(ALICE, 50), (BOB, 25), (CHARLIE, 25)])),
			));
			assert_eq!(last_event(), RegistryEvent::ModelUpdated { model: id });
			let info = Models::<Test>::get(id).unwrap();
			assert_eq!(info.usage_fee, 500);
			assert!(!info.licence.commercial_use);
			assert_eq!(info.deposit, Registry::deposit_for(&info));
			assert!(info.deposit > before);
			assert_eq!(held(ALICE), info.deposit);

			// Shrinking the record releases part of the deposit.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				Some(text("short")),
				None,
				None,
				None,
				Some(shares(&[(ALICE, 100)])),
			));
			let info = Models::<Test>::get(id).unwrap();
			assert_eq!(held(ALICE), info.deposit);
			assert_eq!(free(ALICE), INITIAL - info.deposit);
		});
	}

	#[test]
	fn only_the_owner_with_valid_shares() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(BOB),
					id,
					None,
					None,
					None,
					Some(1),
					None
				),
				Error::<Test>::NotModelOwner
			);
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(ALICE),
					9,
					None,
					None,
					None,
					Some(1),
					None
				),
				Error::<Test>::ModelNotFound
			);
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(ALICE),
					id,
					None,
					None,
					None,
					None,
					Some(shares(&[(ALICE, 99)]))
				),
				Error::<Test>::SharesNotOneHundredPercent
			);
		});
	}
}

mod set_maintainers {
	use super::*;

	#[test]
	fn maintainers_may_publish_but_not_change_terms() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			assert_ok!(Registry::set_maintainers(
				RuntimeOrigin::signed(ALICE),
				id,
				vec![BOB].try_into().unwrap()
			));
			assert_eq!(last_event(), RegistryEvent::MaintainersSet { model: id, count: 1 });
			let v = publish(BOB, id, 1, vec![], Perbill::zero());
			assert_eq!(ModelVersions::<Test>::get(id, v.version).unwrap().publisher, BOB);
			let version_deposit = ModelVersions::<Test>::get(id, v.version).unwrap().deposit;
			assert_eq!(held(BOB), version_deposit);
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(BOB),
					id,
					None,
					None,
					None,
					Some(1),
					None
				),
				Error::<Test>::NotModelOwner
			);
			assert_eq!(held(ALICE), Models::<Test>::get(id).unwrap().deposit);
		});
	}

	#[test]
	fn rejects_duplicates_and_strangers() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			assert_noop!(
				Registry::set_maintainers(
					RuntimeOrigin::signed(ALICE),
					id,
					vec![BOB, BOB].try_into().unwrap()
				),
				Error::<Test>::DuplicateMaintainer
			);
			assert_noop!(
				Registry::set_maintainers(
					RuntimeOrigin::signed(BOB),
					id,
					vec![BOB].try_into().unwrap()
				),
				Error::<Test>::NotModelOwner
			);
		});
	}
}

mod publish_model_version {
	use super::*;

	#[test]
	fn publishes_with_lineage_and_training_data() {
		new_test_ext().execute_with(|| {
			let base = model(ALICE);
			let base_v = publish(ALICE, base, 1, vec![], Perbill::zero());
			let data = dataset_with(CHARLIE, AccessPolicy::Open);
			let data_v = publish_data(CHARLIE, data, 2);
			let tuned = model(BOB);
			assert_ok!(Registry::publish_model_version(
				RuntimeOrigin::signed(BOB),
				tuned,
				hash(3),
				2_000,
				ModelFormat::Safetensors,
				text("ipfs://tuned"),
				text("v1-ft"),
				vec![base_v].try_into().unwrap(),
				vec![data_v].try_into().unwrap(),
				Some(42),
				Perbill::from_percent(10),
			));
			let this = ModelVersionRef { model: tuned, version: 0 };
			assert_eq!(
				last_event(),
				RegistryEvent::ModelVersionPublished {
					version: this,
					hash: hash(3),
					publisher: BOB
				}
			);
			let info = ModelVersions::<Test>::get(tuned, 0).unwrap();
			assert_eq!(info.produced_by_job, Some(42));
			assert_eq!(ModelVersions::<Test>::get(base, 0).unwrap().children, 1);
			assert_eq!(DatasetVersions::<Test>::get(data, 0).unwrap().dependents, 1);
			assert!(ModelVersionChildren::<Test>::contains_key(base_v, this));
			assert_eq!(ModelVersionByHash::<Test>::get(hash(3), BOB), Some(this));
			assert_eq!(Models::<Test>::get(tuned).unwrap().live_versions, 1);
			assert_eq!(held(BOB), Models::<Test>::get(tuned).unwrap().deposit + info.deposit);
		});
	}

	#[test]
	fn rejects_bad_input() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v0 = publish(ALICE, id, 1, vec![], Perbill::zero());
			let publish_as = |who,
			                  n: u8,
			                  size,
			                  parents: Vec<ModelVersionRef>,
			                  data: Vec<DatasetVersionRef>,
			                  up| {
				Registry::publish_model_version(
					RuntimeOrigin::signed(who),
					id,
					hash(n),
					size,
					ModelFormat::Gguf,
					text("u"),
					text("l"),
					parents.try_into().unwrap(),
					data.try_into().unwrap(),
					None,
					up,
				)
			};
			assert_noop!(
				publish_as(BOB, 2, 1, vec![], vec![], Perbill::zero()),
				Error::<Test>::NotModelMaintainer
			);
			assert_noop!(
				publish_as(ALICE, 2, 0, vec![], vec![], Perbill::zero()),
				Error::<Test>::EmptyArtifact
			);
			assert_noop!(
				publish_as(ALICE, 1, 1, vec![], vec![], Perbill::zero()),
				Error::<Test>::ContentHashAlreadyRegistered
			);
			assert_noop!(
				publish_as(ALICE, 2, 1, vec![], vec![], Perbill::from_percent(5)),
				Error::<Test>::UpstreamShareWithoutParents
			);
			assert_noop!(
				publish_as(
					ALICE,
					2,
					1,
					vec![ModelVersionRef { model: id, version: 7 }],
					vec![],
					Perbill::zero()
				),
				Error::<Test>::ParentVersionUnknown
			);
			assert_noop!(
				publish_as(ALICE, 2, 1, vec![v0, v0], vec![], Perbill::zero()),
				Error::<Test>::DuplicateParent
			);
			assert_noop!(
				publish_as(
					ALICE,
					2,
					1,
					vec![],
					vec![DatasetVersionRef { dataset: 0, version: 0 }],
					Perbill::zero()
				),
				Error::<Test>::TrainingDatasetUnknown
			);
			let data = dataset_with(ALICE, AccessPolicy::Open);
			let dv = publish_data(ALICE, data, 9);
			assert_noop!(
				publish_as(ALICE, 2, 1, vec![], vec![dv, dv], Perbill::zero()),
				Error::<Test>::DuplicateTrainingDataset
			);
			assert_ok!(Registry::update_dataset(
				RuntimeOrigin::signed(ALICE),
				data,
				None,
				Some(licence(true, false)),
				None,
				None
			));
			assert_noop!(
				publish_as(ALICE, 2, 1, vec![], vec![dv], Perbill::zero()),
				Error::<Test>::DatasetLicenceForbidsDerivatives
			);
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				None,
				Some(licence(true, false)),
				None,
				None
			));
			assert_noop!(
				publish_as(ALICE, 2, 1, vec![v0], vec![], Perbill::zero()),
				Error::<Test>::ParentLicenceForbidsDerivatives
			);
		});
	}
}

mod set_model_version_status {
	use super::*;

	#[test]
	fn deprecate_undeprecate_and_yank_for_good() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			for status in
				[VersionStatus::Deprecated, VersionStatus::Published, VersionStatus::Yanked]
			{
				assert_ok!(Registry::set_model_version_status(
					RuntimeOrigin::signed(ALICE),
					v,
					status
				));
				assert_eq!(
					last_event(),
					RegistryEvent::ModelVersionStatusChanged { version: v, status }
				);
			}
			assert_noop!(
				Registry::set_model_version_status(
					RuntimeOrigin::signed(ALICE),
					v,
					VersionStatus::Published
				),
				Error::<Test>::VersionYanked
			);
			assert_noop!(
				Registry::ensure_model_usable(&v, IntendedUse::default()),
				Error::<Test>::VersionYanked
			);
		});
	}

	#[test]
	fn rejects_no_op_and_strangers() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			assert_noop!(
				Registry::set_model_version_status(
					RuntimeOrigin::signed(ALICE),
					v,
					VersionStatus::Published
				),
				Error::<Test>::StatusUnchanged
			);
			assert_noop!(
				Registry::set_model_version_status(
					RuntimeOrigin::signed(BOB),
					v,
					VersionStatus::Yanked
				),
				Error::<Test>::NotModelMaintainer
			);
			assert_noop!(
				Registry::set_model_version_status(
					RuntimeOrigin::signed(ALICE),
					ModelVersionRef { model: id, version: 5 },
					VersionStatus::Yanked
				),
				Error::<Test>::ModelVersionNotFound
			);
		});
	}
}

mod remove_model_version_and_model {
	use super::*;

	#[test]
	fn removal_returns_every_deposit() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v0 = publish(ALICE, id, 1, vec![], Perbill::zero());
			let v1 = publish(ALICE, id, 2, vec![v0], Perbill::from_percent(10));
			assert_noop!(
				Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v0),
				Error::<Test>::HasChildren
			);
			assert_noop!(
				Registry::remove_model(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::HasLiveVersions
			);
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v1));
			assert_eq!(last_event(), RegistryEvent::ModelVersionRemoved { version: v1 });
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().children, 0);
			assert!(!ModelVersionChildren::<Test>::contains_key(v0, v1));
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v0));
			assert_ok!(Registry::remove_model(RuntimeOrigin::signed(ALICE), id));
			assert_eq!(last_event(), RegistryEvent::ModelRemoved { model: id });
			assert_eq!(held(ALICE), 0);
			assert_eq!(free(ALICE), INITIAL);
			assert!(ModelVersionByHash::<Test>::get(hash(1), ALICE).is_none());
		});
	}

	#[test]
	fn a_pinned_version_cannot_be_removed() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			assert_ok!(Registry::pin_model(&v));
			assert_noop!(
				Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v),
				Error::<Test>::InUseByOpenJobs
			);
			// A third party's use credits the protocol's cut of its fee (10%) as points.
			UsageFeeCut::set(Perbill::from_percent(10));
			Registry::unpin_model(&v, Some(PaidUse { payer: BOB, fee: 1_000 }));
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
			assert_eq!(contributions(), vec![(ALICE, ContributionCategory::Model, 100)]);
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v));
		});
	}

	#[test]
	fn only_the_owner_removes_a_model() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			assert_noop!(
				Registry::remove_model(RuntimeOrigin::signed(BOB), id),
				Error::<Test>::NotModelOwner
			);
			assert_noop!(
				Registry::remove_model(RuntimeOrigin::signed(BOB), 8),
				Error::<Test>::ModelNotFound
			);
		});
	}
}

mod datasets {
	use super::*;

	#[test]
	fn register_publish_update_and_remove() {
		new_test_ext().execute_with(|| {
			let id = dataset_with(ALICE, AccessPolicy::Licensed { fee: 30 });
			assert_eq!(
				last_event(),
				RegistryEvent::DatasetRegistered { dataset: id, owner: ALICE }
			);
			let v = publish_data(ALICE, id, 1);
			assert_eq!(
				last_event(),
				RegistryEvent::DatasetVersionPublished {
					version: v,
					hash: hash(1),
					publisher: ALICE
				}
			);
			assert_eq!(Registry::dataset_usage_fee(&v), Ok(30));
			assert_ok!(Registry::update_dataset(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				None,
				Some(AccessPolicy::Open),
				None
			));
			assert_eq!(last_event(), RegistryEvent::DatasetUpdated { dataset: id });
			assert_eq!(Registry::dataset_usage_fee(&v), Ok(0));
			assert_ok!(Registry::set_dataset_version_status(
				RuntimeOrigin::signed(ALICE),
				v,
				VersionStatus::Deprecated
			));
			assert_eq!(
				last_event(),
				RegistryEvent::DatasetVersionStatusChanged {
					version: v,
					status: VersionStatus::Deprecated
				}
			);
			assert_noop!(
				Registry::remove_dataset(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::HasLiveVersions
			);
			assert_ok!(Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), v));
			assert_eq!(last_event(), RegistryEvent::DatasetVersionRemoved { version: v });
			assert_ok!(Registry::remove_dataset(RuntimeOrigin::signed(ALICE), id));
			assert_eq!(last_event(), RegistryEvent::DatasetRemoved { dataset: id });
			assert_eq!(free(ALICE), INITIAL);
		});
	}

	#[test]
	fn a_version_others_depend_on_stays() {
		new_test_ext().execute_with(|| {
			let data = dataset_with(ALICE, AccessPolicy::Open);
			let dv = publish_data(ALICE, data, 1);
			let m = model(BOB);
			assert_ok!(Registry::publish_model_version(
				RuntimeOrigin::signed(BOB),
				m,
				hash(2),
				1,
				ModelFormat::Other,
				text("u"),
				text("l"),
				BoundedVec::new(),
				vec![dv].try_into().unwrap(),
				None,
				Perbill::zero(),
			));
			assert_noop!(
				Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), dv),
				Error::<Test>::HasDependents
			);
			assert_noop!(
				Registry::remove_dataset_version(RuntimeOrigin::signed(BOB), dv),
				Error::<Test>::NotDatasetOwner
			);
			assert_ok!(Registry::pin_dataset(&dv));
			assert_ok!(Registry::remove_model_version(
				RuntimeOrigin::signed(BOB),
				ModelVersionRef { model: m, version: 0 }
			));
			assert_noop!(
				Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), dv),
				Error::<Test>::InUseByOpenJobs
			);
			Registry::unpin_dataset(&dv, None);
			assert_ok!(Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), dv));
		});
	}

	#[test]
	fn compute_to_data_needs_an_approved_provider() {
		new_test_ext().execute_with(|| {
			let open = dataset_with(ALICE, AccessPolicy::Open);
			assert_noop!(
				Registry::approve_provider(RuntimeOrigin::signed(ALICE), open, DAVE),
				Error::<Test>::NotComputeToData
			);
			let id = dataset_with(ALICE, AccessPolicy::ComputeToData { fee: 10 });
			let v = publish_data(ALICE, id, 1);
			assert_noop!(
				Registry::ensure_dataset_usable(&v, IntendedUse::default(), Some(&DAVE)),
				Error::<Test>::ProviderNotApproved
			);
			let before = held(ALICE);
			assert_ok!(Registry::approve_provider(RuntimeOrigin::signed(ALICE), id, DAVE));
			assert_eq!(
				last_event(),
				RegistryEvent::ProviderApproved { dataset: id, provider: DAVE }
			);
			let (_, deposit) = ApprovedProviders::<Test>::get(id, DAVE).unwrap();
			assert_eq!(held(ALICE), before + deposit);
			assert_ok!(Registry::ensure_dataset_usable(&v, IntendedUse::default(), Some(&DAVE)));
			// Without a provider only the dataset itself is checked.
			assert_ok!(Registry::ensure_dataset_usable(&v, IntendedUse::default(), None));
			assert_noop!(
				Registry::ensure_dataset_usable(&v, IntendedUse::default(), Some(&CHARLIE)),
				Error::<Test>::ProviderNotApproved
			);
			assert_noop!(
				Registry::approve_provider(RuntimeOrigin::signed(ALICE), id, DAVE),
				Error::<Test>::ProviderAlreadyApproved
			);
			assert_ok!(Registry::approve_provider(RuntimeOrigin::signed(ALICE), id, EVE));
			assert_noop!(
				Registry::approve_provider(RuntimeOrigin::signed(ALICE), id, CHARLIE),
				Error::<Test>::TooManyApprovedProviders
			);
			assert_noop!(
				Registry::update_dataset(
					RuntimeOrigin::signed(ALICE),
					id,
					None,
					None,
					Some(AccessPolicy::Open),
					None
				),
				Error::<Test>::HasApprovedProviders
			);
			let version_deposit = DatasetVersions::<Test>::get(id, v.version).unwrap().deposit;
			assert_ok!(Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), v));
			assert_noop!(
				Registry::remove_dataset(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::HasApprovedProviders
			);
			assert_ok!(Registry::revoke_provider(RuntimeOrigin::signed(ALICE), id, DAVE));
			assert_eq!(
				last_event(),
				RegistryEvent::ProviderRevoked { dataset: id, provider: DAVE }
			);
			assert_noop!(
				Registry::revoke_provider(RuntimeOrigin::signed(ALICE), id, DAVE),
				Error::<Test>::ProviderNotApproved
			);
			assert_eq!(
				held(ALICE),
				before + ApprovedProviders::<Test>::get(id, EVE).unwrap().1 - version_deposit
			);
		});
	}
}

mod ownership {
	use super::*;

	#[test]
	fn the_deposit_moves_with_the_model() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let item = RegistryItem::Model(id);
			assert_noop!(
				Registry::accept_ownership(RuntimeOrigin::signed(BOB), item),
				Error::<Test>::NotPendingOwner
			);
			assert_ok!(Registry::offer_ownership(RuntimeOrigin::signed(ALICE), item, Some(BOB)));
			assert_eq!(last_event(), RegistryEvent::OwnershipOffered { item, to: Some(BOB) });
			assert_noop!(
				Registry::accept_ownership(RuntimeOrigin::signed(CHARLIE), item),
				Error::<Test>::NotPendingOwner
			);
			assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(BOB), item));
			assert_eq!(
				last_event(),
				RegistryEvent::OwnershipTransferred { item, from: ALICE, to: BOB }
			);
			let info = Models::<Test>::get(id).unwrap();
			assert_eq!(info.owner, BOB);
			assert_eq!(info.pending_owner, None);
			assert_eq!(held(ALICE), 0);
			assert_eq!(free(ALICE), INITIAL);
			assert_eq!(held(BOB), info.deposit);
		});
	}

	#[test]
	fn an_offer_can_be_withdrawn_and_datasets_move_too() {
		new_test_ext().execute_with(|| {
			let id = dataset_with(ALICE, AccessPolicy::Open);
			let item = RegistryItem::Dataset(id);
			assert_noop!(
				Registry::offer_ownership(RuntimeOrigin::signed(BOB), item, Some(BOB)),
				Error::<Test>::NotDatasetOwner
			);
			assert_ok!(Registry::offer_ownership(RuntimeOrigin::signed(ALICE), item, Some(BOB)));
			assert_ok!(Registry::offer_ownership(RuntimeOrigin::signed(ALICE), item, None));
			assert_noop!(
				Registry::accept_ownership(RuntimeOrigin::signed(BOB), item),
				Error::<Test>::NotPendingOwner
			);
			assert_ok!(Registry::offer_ownership(
				RuntimeOrigin::signed(ALICE),
				item,
				Some(CHARLIE)
			));
			assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(CHARLIE), item));
			assert_eq!(Datasets::<Test>::get(id).unwrap().owner, CHARLIE);
			assert_eq!(held(ALICE), 0);
		});
	}
}

mod benchmarks_and_evaluations {
	use super::*;

	/// A model version, a benchmark on a dataset version, and an evaluation by DAVE.
	fn setup() -> (ModelVersionRef, u32, u64) {
		let m = model(ALICE);
		let v = publish(ALICE, m, 1, vec![], Perbill::zero());
		let data = dataset_with(BOB, AccessPolicy::Open);
		let dv = publish_data(BOB, data, 2);
		assert_ok!(Registry::register_benchmark(
			RuntimeOrigin::signed(CHARLIE),
			dv,
			text("accuracy"),
			true
		));
		assert_eq!(
			last_event(),
			RegistryEvent::BenchmarkRegistered { benchmark: 0, dataset_version: dv }
		);
		assert_ok!(Registry::submit_evaluation(
			RuntimeOrigin::signed(DAVE),
			v,
			0,
			FixedI64::from_rational(9_123, 10_000),
			hash(9),
			text("ipfs://evidence"),
			50,
		));
		(v, 0, 0)
	}

	fn eval_bond(who: AccountId) -> Balance {
		Balances::balance_on_hold(&HoldReason::EvaluationBond.into(), &who)
	}

	#[test]
	fn an_unchallenged_evaluation_is_accepted_after_its_period() {
		new_test_ext().execute_with(|| {
			let (v, bench, eval) = setup();
			assert_eq!(
				last_event(),
				RegistryEvent::EvaluationSubmitted {
					evaluation: eval,
					model_version: v,
					benchmark: bench,
					evaluator: DAVE,
					score: FixedI64::from_rational(9_123, 10_000),
				}
			);
			let info = Evaluations::<Test>::get(eval).unwrap();
			assert_eq!(eval_bond(DAVE), 1_000);
			assert_eq!(held(DAVE), info.deposit);
			// The evaluation fee (50) went to the treasury.
			assert_eq!(free(DAVE), INITIAL - 1_000 - info.deposit - 50);
			assert_eq!(info.fee, 50);
			assert_noop!(
				Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
				Error::<Test>::ChallengePeriodNotOver
			);
			assert_noop!(
				Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval),
				Error::<Test>::EvaluationNotFinal
			);
			System::set_block_number(12);
			assert_ok!(Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval));
			assert_eq!(last_event(), RegistryEvent::EvaluationAccepted { evaluation: eval });
			assert_eq!(eval_bond(DAVE), 0);
			assert!(contributions().contains(&(DAVE, ContributionCategory::Evaluation, 50)));
			assert_noop!(
				Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
				Error::<Test>::AlreadyFinal
			);
			assert_noop!(
				Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval),
				Error::<Test>::ChallengePeriodOver
			);
			assert_eq!(Registry::evaluations_of(v).len(), 1);
			assert_noop!(
				Registry::remove_evaluation(RuntimeOrigin::signed(EVE), eval),
				Error::<Test>::NotEvaluator
			);
			assert_ok!(Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval));
			assert_eq!(last_event(), RegistryEvent::EvaluationRemoved { evaluation: eval });
			// Everything but the evaluation fee comes back.
			assert_eq!(free(DAVE), INITIAL - 50);
			assert_ok!(Registry::remove_benchmark(RuntimeOrigin::signed(CHARLIE), bench));
			assert_eq!(last_event(), RegistryEvent::BenchmarkRemoved { benchmark: bench });
			assert_eq!(free(CHARLIE), INITIAL);
		});
	}

	#[test]
	fn an_upheld_evaluation_wins_half_the_challengers_bond() {
		new_test_ext().execute_with(|| {
			let (_, _, eval) = setup();
			assert_noop!(
				Registry::challenge_evaluation(RuntimeOrigin::signed(DAVE), eval),
				Error::<Test>::CannotChallengeOwnEvaluation
			);
			assert_noop!(
				Registry::resolve_challenge(RuntimeOrigin::root(), eval, true),
				Error::<Test>::NotChallenged
			);
			assert_ok!(Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval));
			assert_eq!(
				last_event(),
				RegistryEvent::EvaluationChallenged { evaluation: eval, challenger: EVE }
			);
			assert_eq!(free(EVE), INITIAL - 500);
			assert_noop!(
				Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
				Error::<Test>::AwaitingJudgement
			);
			assert_noop!(
				Registry::resolve_challenge(RuntimeOrigin::signed(ALICE), eval, true),
				DispatchError::BadOrigin
			);
			let dave_free = free(DAVE);
			let treasury = free(TREASURY);
			assert_ok!(Registry::resolve_challenge(RuntimeOrigin::root(), eval, true));
			assert_eq!(
				last_event(),
				RegistryEvent::ChallengeResolved {
					evaluation: eval,
					upheld: true,
					slashed: 500,
					to_winner: 250
				}
			);
			assert_eq!(free(EVE), INITIAL - 500);
			assert_eq!(free(DAVE), dave_free + 1_000 + 250);
			assert_eq!(free(TREASURY), treasury + 250);
			assert!(matches!(
				Evaluations::<Test>::get(eval).unwrap().status,
				EvaluationStatus::Accepted
			));
			assert!(contributions().contains(&(DAVE, ContributionCategory::Evaluation, 50)));
		});
	}

	#[test]
	fn a_rejected_evaluation_loses_its_bond() {
		new_test_ext().execute_with(|| {
			let (_, bench, eval) = setup();
			assert_ok!(Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval));
			let treasury = free(TREASURY);
			assert_ok!(Registry::resolve_challenge(RuntimeOrigin::root(), eval, false));
			assert_eq!(
				last_event(),
				RegistryEvent::ChallengeResolved {
					evaluation: eval,
					upheld: false,
					slashed: 1_000,
					to_winner: 500
				}
			);
			assert_eq!(free(EVE), INITIAL + 500);
			assert_eq!(free(TREASURY), treasury + 500);
			let deposit = Evaluations::<Test>::get(eval).unwrap().deposit;
			assert_eq!(free(DAVE), INITIAL - 50 - 1_000 - deposit);
			assert!(contributions().iter().all(|(_, c, _)| *c != ContributionCategory::Evaluation));
			assert_noop!(
				Registry::remove_benchmark(RuntimeOrigin::signed(CHARLIE), bench),
				Error::<Test>::BenchmarkInUse
			);
			assert_noop!(
				Registry::remove_benchmark(RuntimeOrigin::signed(DAVE), bench),
				Error::<Test>::NotBenchmarkCreator
			);
			assert_ok!(Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval));
		});
	}

	#[test]
	fn evaluations_need_a_usable_version_and_a_benchmark() {
		new_test_ext().execute_with(|| {
			let (v, _, _) = setup();
			assert_noop!(
				Registry::submit_evaluation(
					RuntimeOrigin::signed(EVE),
					v,
					7,
					FixedI64::from_u32(1),
					hash(1),
					text("u"),
					50
				),
				Error::<Test>::BenchmarkNotFound
			);
			assert_noop!(
				Registry::submit_evaluation(
					RuntimeOrigin::signed(EVE),
					ModelVersionRef { model: 0, version: 9 },
					0,
					FixedI64::from_u32(1),
					hash(1),
					text("u"),
					50
				),
				Error::<Test>::ModelVersionNotFound
			);
			assert_ok!(Registry::set_model_version_status(
				RuntimeOrigin::signed(ALICE),
				v,
				VersionStatus::Yanked
			));
			assert_noop!(
				Registry::submit_evaluation(
					RuntimeOrigin::signed(EVE),
					v,
					0,
					FixedI64::from_u32(1),
					hash(1),
					text("u"),
					50
				),
				Error::<Test>::VersionYanked
			);
			assert_noop!(
				Registry::register_benchmark(
					RuntimeOrigin::signed(EVE),
					DatasetVersionRef { dataset: 5, version: 0 },
					text("f1"),
					true
				),
				Error::<Test>::DatasetVersionNotFound
			);
		});
	}
}

mod moderation {
	use super::*;

	#[test]
	fn a_taken_down_model_is_unusable_and_its_deposit_slashed() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			let deposit = Models::<Test>::get(id).unwrap().deposit;
			let treasury = free(TREASURY);
			assert_noop!(
				Registry::take_down(RuntimeOrigin::signed(BOB), RegistryItem::Model(id), true),
				DispatchError::BadOrigin
			);
			assert_ok!(Registry::take_down(RuntimeOrigin::root(), RegistryItem::Model(id), true));
			assert_eq!(
				last_event(),
				RegistryEvent::TakenDown { item: RegistryItem::Model(id), slashed: deposit }
			);
			assert_eq!(free(TREASURY), treasury + deposit);
			assert_eq!(Models::<Test>::get(id).unwrap().deposit, 0);
			assert_noop!(
				Registry::ensure_model_usable(&v, IntendedUse::default()),
				Error::<Test>::ItemTakenDown
			);
			assert_noop!(
				Registry::take_down(RuntimeOrigin::root(), RegistryItem::Model(id), false),
				Error::<Test>::ItemTakenDown
			);
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(ALICE),
					id,
					None,
					None,
					None,
					Some(1),
					None
				),
				Error::<Test>::ItemTakenDown
			);
			assert!(Registry::lineage(v, 2).is_some());
			assert_ok!(Registry::restore(RuntimeOrigin::root(), RegistryItem::Model(id)));
			assert_eq!(last_event(), RegistryEvent::Restored { item: RegistryItem::Model(id) });
			assert_ok!(Registry::ensure_model_usable(&v, IntendedUse::default()));
			assert_noop!(
				Registry::restore(RuntimeOrigin::root(), RegistryItem::Model(id)),
				Error::<Test>::ItemNotTakenDown
			);
		});
	}

	#[test]
	fn a_dataset_taken_down_without_slashing_keeps_its_deposit() {
		new_test_ext().execute_with(|| {
			let id = dataset_with(ALICE, AccessPolicy::Open);
			let v = publish_data(ALICE, id, 1);
			let held_before = held(ALICE);
			assert_ok!(Registry::take_down(
				RuntimeOrigin::root(),
				RegistryItem::Dataset(id),
				false
			));
			assert_eq!(
				last_event(),
				RegistryEvent::TakenDown { item: RegistryItem::Dataset(id), slashed: 0 }
			);
			assert_eq!(held(ALICE), held_before);
			assert_noop!(
				Registry::ensure_dataset_usable(&v, IntendedUse::default(), None),
				Error::<Test>::ItemTakenDown
			);
			assert_noop!(
				Registry::take_down(RuntimeOrigin::root(), RegistryItem::Dataset(9), false),
				Error::<Test>::DatasetNotFound
			);
		});
	}
}

mod pay_usage {
	use super::*;

	#[test]
	fn splits_the_fee_exactly_with_the_remainder_to_the_owner() {
		new_test_ext().execute_with(|| {
			// 101 split 1/3 each: 33 + 33 + 33, remainder 2 to the owner (ALICE).
			let id = model_with(ALICE, 101, &[(BOB, 33), (CHARLIE, 33), (DAVE, 34)]);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			let before = [ALICE, BOB, CHARLIE, DAVE, EVE].map(free);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				101
			));
			assert_eq!(
				last_event(),
				RegistryEvent::UsagePaid {
					version: VersionRef::Model(v),
					payer: EVE,
					fee: 101,
					payees: 4,
					credited: true
				}
			);
			let after = [ALICE, BOB, CHARLIE, DAVE, EVE].map(free);
			assert_eq!(after[1] - before[1], 33);
			assert_eq!(after[2] - before[2], 33);
			assert_eq!(after[3] - before[3], 34);
			assert_eq!(after[0] - before[0], 1);
			assert_eq!(before[4] - after[4], 101);
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
			// Without a protocol cut nobody paid the protocol: no points (see the H-4 tests).
			assert!(contributions().is_empty());
		});
	}

	#[test]
	fn upstream_royalties_reach_the_base_models_contributors() {
		new_test_ext().execute_with(|| {
			let base = model_with(ALICE, 0, &[(CHARLIE, 100)]);
			let base_v = publish(ALICE, base, 1, vec![], Perbill::zero());
			let tuned = model_with(BOB, 1_000, &[(BOB, 100)]);
			let tuned_v = publish(BOB, tuned, 2, vec![base_v], Perbill::from_percent(20));
			assert_eq!(
				Registry::model_royalty_split(&tuned_v, 1_000).unwrap(),
				vec![Payout { who: BOB, amount: 800 }, Payout { who: CHARLIE, amount: 200 }]
			);
			let charlie = free(CHARLIE);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(tuned_v),
				IntendedUse::default(),
				1_000
			));
			assert_eq!(free(CHARLIE), charlie + 200);

			// A taken-down base model gets nothing: its part stays with the fine-tune's owner.
			assert_ok!(Registry::take_down(
				RuntimeOrigin::root(),
				RegistryItem::Model(base),
				false
			));
			assert_eq!(
				Registry::model_royalty_split(&tuned_v, 1_000).unwrap(),
				vec![Payout { who: BOB, amount: 1_000 }]
			);
		});
	}

	#[test]
	fn the_licence_is_enforced() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				None,
				Some(licence(false, false)),
				None,
				None
			));
			let commercial = IntendedUse { commercial: true, derivative: false };
			let derivative = IntendedUse { commercial: false, derivative: true };
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Model(v),
					commercial,
					100
				),
				Error::<Test>::LicenceForbidsCommercialUse
			);
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Model(v),
					derivative,
					100
				),
				Error::<Test>::LicenceForbidsDerivatives
			);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				100
			));
		});
	}

	#[test]
	fn nothing_to_pay_and_compute_to_data_stay_refused() {
		new_test_ext().execute_with(|| {
			let id = model_with(ALICE, 0, &[(ALICE, 100)]);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Model(v),
					IntendedUse::default(),
					100
				),
				Error::<Test>::NothingToPay
			);
			let data = dataset_with(BOB, AccessPolicy::ComputeToData { fee: 5 });
			let dv = publish_data(BOB, data, 2);
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Dataset(dv),
					IntendedUse::default(),
					5
				),
				Error::<Test>::ProviderNotApproved
			);
			let licensed = dataset_with(BOB, AccessPolicy::Licensed { fee: 5 });
			let lv = publish_data(BOB, licensed, 3);
			let bob = free(BOB);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Dataset(lv),
				IntendedUse::default(),
				5
			));
			assert_eq!(free(BOB), bob + 5);
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn lineage_flags_a_recalled_ancestor_in_descendants() {
		new_test_ext().execute_with(|| {
			let id = model(ALICE);
			let a = publish(ALICE, id, 1, vec![], Perbill::zero());
			let b = publish(ALICE, id, 2, vec![a], Perbill::zero());
			let c = publish(ALICE, id, 3, vec![b], Perbill::zero());
			let lineage = Registry::lineage(c, 4).unwrap();
			assert_eq!(
				lineage.ancestors.iter().map(|n| n.version).collect::<Vec<_>>(),
				vec![c, b, a]
			);
			assert!(!lineage.recalled_ancestor);
			assert_ok!(Registry::set_model_version_status(
				RuntimeOrigin::signed(ALICE),
				a,
				VersionStatus::Yanked
			));
			assert!(Registry::lineage(c, 4).unwrap().recalled_ancestor);
			assert!(!Registry::lineage(c, 1).unwrap().recalled_ancestor, "depth-bounded");
			let from_a = Registry::lineage(a, 4).unwrap();
			assert_eq!(
				from_a.descendants.iter().map(|n| (n.version, n.distance)).collect::<Vec<_>>(),
				vec![(b, 1), (c, 2)]
			);
			assert_eq!(Registry::version_by_hash(hash(2), &ALICE), Some(VersionRef::Model(b)));
			assert_eq!(Registry::version_by_hash(hash(2), &BOB), None);
			assert_eq!(Registry::version_by_hash(hash(200), &ALICE), None);
			assert_eq!(Registry::versions_by_hash(hash(2)), vec![(ALICE, VersionRef::Model(b))]);
			let (info, versions) = Registry::model_with_versions(id).unwrap();
			assert_eq!(info.live_versions, 3);
			assert_eq!(versions.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![0, 1, 2]);
		});
	}
}

/// The attacks of the security review of 2026-11-30 (`shared/reviews/security-2026-11-30.md`)
/// on the registry, each played as the review describes and refused.
mod review_findings {
	use super::*;

	/// A model's licence with every flag given.
	fn terms(commercial_use: bool, derivatives: bool, attribution: bool) -> Licence<Test> {
		Licence { spdx: text("LicenseRef-x"), commercial_use, derivatives, attribution }
	}

	#[test]
	fn h6_pay_usage_refuses_a_fee_raised_above_the_payers_maximum() {
		new_test_ext().execute_with(|| {
			let id = model_with(ALICE, 100, &[(BOB, 100)]);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			// EVE sends `pay_usage` for the advertised fee of 100; the owner front-runs it by
			// raising the fee to nearly all of EVE's balance.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				None,
				None,
				Some(INITIAL - 1),
				None
			));
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Model(v),
					IntendedUse::default(),
					100
				),
				Error::<Test>::FeeAboveMaximum
			);
			assert_eq!(free(EVE), INITIAL);

			// At or below the maximum, the payer pays the current fee, not the maximum.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				None,
				None,
				Some(80),
				None
			));
			let bob = free(BOB);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				100
			));
			assert_eq!(
				last_event(),
				RegistryEvent::UsagePaid {
					version: VersionRef::Model(v),
					payer: EVE,
					fee: 80,
					payees: 1,
					credited: true
				}
			);
			assert_eq!(free(EVE), INITIAL - 80);
			assert_eq!(free(BOB), bob + 80);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				80
			));
			assert_eq!(free(EVE), INITIAL - 160);
			assert_eq!(free(BOB), bob + 160);

			// The same holds for a licensed dataset whose owner raises its access fee.
			let data = dataset_with(CHARLIE, AccessPolicy::Licensed { fee: 5 });
			let dv = publish_data(CHARLIE, data, 2);
			assert_ok!(Registry::update_dataset(
				RuntimeOrigin::signed(CHARLIE),
				data,
				None,
				None,
				Some(AccessPolicy::Licensed { fee: 500 }),
				None
			));
			assert_noop!(
				Registry::pay_usage(
					RuntimeOrigin::signed(EVE),
					VersionRef::Dataset(dv),
					IntendedUse::default(),
					5
				),
				Error::<Test>::FeeAboveMaximum
			);
		});
	}

	#[test]
	fn h4_self_payment_earns_no_points() {
		new_test_ext().execute_with(|| {
			// The review's farm: a fee of 1 and four sybil contributors. Each share of 1 rounds
			// to 0, so the whole fee is the owner's remainder: paying it moves nothing.
			let id = model_with(ALICE, 1, &[(BOB, 25), (CHARLIE, 25), (DAVE, 25), (EVE, 25)]);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(ALICE),
				VersionRef::Model(v),
				IntendedUse::default(),
				1
			));
			assert_eq!(
				last_event(),
				RegistryEvent::UsagePaid {
					version: VersionRef::Model(v),
					payer: ALICE,
					fee: 1,
					payees: 1,
					credited: false
				}
			);
			assert_eq!(free(ALICE), INITIAL - held(ALICE));
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
			assert!(contributions().is_empty());

			// A contributor paying earns nothing either, although its fee reaches the owner.
			let alice = free(ALICE);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(BOB),
				VersionRef::Model(v),
				IntendedUse::default(),
				1
			));
			assert_eq!(free(BOB), INITIAL - 1);
			assert_eq!(free(ALICE), alice + 1);
			assert!(contributions().is_empty());

			// Nor does an upstream payee: CHARLIE is paid through the lineage of BOB's fine-tune.
			let base = model_with(DAVE, 0, &[(CHARLIE, 100)]);
			let base_v = publish(DAVE, base, 2, vec![], Perbill::zero());
			let tuned = model_with(BOB, 1_000, &[(BOB, 100)]);
			let tuned_v = publish(BOB, tuned, 3, vec![base_v], Perbill::from_percent(20));
			let (bob, charlie) = (free(BOB), free(CHARLIE));
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(CHARLIE),
				VersionRef::Model(tuned_v),
				IntendedUse::default(),
				1_000
			));
			assert_eq!(
				last_event(),
				RegistryEvent::UsagePaid {
					version: VersionRef::Model(tuned_v),
					payer: CHARLIE,
					fee: 1_000,
					payees: 2,
					credited: false
				}
			);
			assert_eq!(free(BOB), bob + 800);
			assert_eq!(free(CHARLIE), charlie - 800);
			assert!(contributions().is_empty());

			// A third party's payment is credited: the protocol's 10% cut, as points.
			UsageFeeCut::set(Perbill::from_percent(10));
			let treasury = free(TREASURY);
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(tuned_v),
				IntendedUse::default(),
				1_000
			));
			assert_eq!(free(TREASURY), treasury + 100);
			assert_eq!(free(BOB), bob + 800 + 720);
			assert_eq!(free(CHARLIE), charlie - 800 + 180);
			assert_eq!(free(EVE), INITIAL - 1_000);
			assert_eq!(contributions(), vec![(BOB, ContributionCategory::Model, 100)]);
		});
	}

	#[test]
	fn h4_a_paid_use_earns_the_protocols_cut_as_points() {
		new_test_ext().execute_with(|| {
			UsageFeeCut::set(Perbill::from_percent(10));
			let id = model_with(ALICE, 1_000, &[(BOB, 50), (CHARLIE, 50)]);
			let v = publish(ALICE, id, 1, vec![], Perbill::zero());
			let (treasury, bob, charlie) = (free(TREASURY), free(BOB), free(CHARLIE));
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				1_000
			));
			assert_eq!(
				last_event(),
				RegistryEvent::UsagePaid {
					version: VersionRef::Model(v),
					payer: EVE,
					fee: 1_000,
					payees: 3,
					credited: true
				}
			);
			assert_eq!(free(TREASURY), treasury + 100);
			assert_eq!(free(BOB), bob + 450);
			assert_eq!(free(CHARLIE), charlie + 450);
			assert_eq!(free(EVE), INITIAL - 1_000);
			// Points are the cut the protocol received, by share: never more than was paid to
			// accounts no contributor controls.
			assert_eq!(
				contributions(),
				vec![
					(BOB, ContributionCategory::Model, 50),
					(CHARLIE, ContributionCategory::Model, 50)
				]
			);
			// The market's path credits the same, and nothing for its own requester.
			assert_ok!(Registry::pin_model(&v));
			Registry::unpin_model(&v, Some(PaidUse { payer: BOB, fee: 1_000 }));
			assert_eq!(contributions().len(), 2);
			assert_ok!(Registry::pin_model(&v));
			Registry::unpin_model(&v, Some(PaidUse { payer: EVE, fee: 1_000 }));
			assert_eq!(contributions().len(), 4);
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 3);
		});
	}

	#[test]
	fn h4_an_evaluation_earns_only_the_fee_it_paid() {
		new_test_ext().execute_with(|| {
			let m = model(ALICE);
			let v = publish(ALICE, m, 1, vec![], Perbill::zero());
			let data = dataset_with(BOB, AccessPolicy::Open);
			let dv = publish_data(BOB, data, 2);
			assert_ok!(Registry::register_benchmark(
				RuntimeOrigin::signed(DAVE),
				dv,
				text("accuracy"),
				true
			));
			// The evaluator states the most it pays.
			assert_noop!(
				Registry::submit_evaluation(
					RuntimeOrigin::signed(DAVE),
					v,
					0,
					FixedI64::from_u32(1),
					hash(1),
					text("u"),
					49
				),
				Error::<Test>::FeeAboveMaximum
			);
			let treasury = free(TREASURY);
			assert_ok!(Registry::submit_evaluation(
				RuntimeOrigin::signed(DAVE),
				v,
				0,
				FixedI64::from_u32(1),
				hash(1),
				text("u"),
				50
			));
			assert_eq!(free(TREASURY), treasury + 50);
			System::set_block_number(12);
			assert_ok!(Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), 0));
			assert_eq!(contributions(), vec![(DAVE, ContributionCategory::Evaluation, 50)]);
		});
	}

	#[test]
	fn m6_licence_cannot_be_laundered_through_lineage() {
		new_test_ext().execute_with(|| {
			// ALICE's base model and CHARLIE's dataset forbid commercial use.
			let base = model_with(ALICE, 0, &[(ALICE, 100)]);
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				base,
				None,
				None,
				Some(terms(false, true, true)),
				None,
				None
			));
			let base_v = publish(ALICE, base, 1, vec![], Perbill::zero());
			let data = dataset_with(CHARLIE, AccessPolicy::Open);
			assert_ok!(Registry::update_dataset(
				RuntimeOrigin::signed(CHARLIE),
				data,
				None,
				Some(terms(false, true, true)),
				None,
				None
			));
			let dv = publish_data(CHARLIE, data, 2);

			// BOB fine-tunes them into a model licensed for commercial use.
			let tuned = model_with(BOB, 10, &[(BOB, 100)]);
			let publish_tuned = |parents: Vec<ModelVersionRef>, data: Vec<DatasetVersionRef>| {
				Registry::publish_model_version(
					RuntimeOrigin::signed(BOB),
					tuned,
					hash(3),
					1_000,
					ModelFormat::Onnx,
					text("ipfs://tuned"),
					text("v1"),
					parents.try_into().unwrap(),
					data.try_into().unwrap(),
					None,
					Perbill::zero(),
				)
			};
			assert_noop!(
				publish_tuned(vec![base_v], vec![]),
				Error::<Test>::LicenceMorePermissiveThanParent
			);
			assert_noop!(
				publish_tuned(vec![], vec![dv]),
				Error::<Test>::LicenceMorePermissiveThanTrainingData
			);
			// Dropping the attribution the parent requires is more permissive too.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(BOB),
				tuned,
				None,
				None,
				Some(terms(false, true, false)),
				None,
				None
			));
			assert_noop!(
				publish_tuned(vec![base_v], vec![]),
				Error::<Test>::LicenceMorePermissiveThanParent
			);

			// Within the upstream terms, it publishes, and the terms become its ceiling.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(BOB),
				tuned,
				None,
				None,
				Some(terms(false, true, true)),
				None,
				None
			));
			assert_ok!(publish_tuned(vec![base_v], vec![dv]));
			let tuned_v = ModelVersionRef { model: tuned, version: 0 };
			assert_eq!(
				last_event(),
				RegistryEvent::ModelVersionPublished {
					version: tuned_v,
					hash: hash(3),
					publisher: BOB
				}
			);
			let info = Models::<Test>::get(tuned).unwrap();
			assert_eq!(
				info.licence_ceiling,
				LicenceCeiling { commercial_use: false, derivatives: true, attribution: true }
			);
			let version_deposit = ModelVersions::<Test>::get(tuned, 0).unwrap().deposit;
			assert_eq!(held(BOB), info.deposit + version_deposit);
			assert_eq!(free(BOB), INITIAL - info.deposit - version_deposit);

			// Relicensing it for commercial use afterwards is refused, so a commercial job
			// cannot use it.
			assert_noop!(
				Registry::update_model(
					RuntimeOrigin::signed(BOB),
					tuned,
					None,
					None,
					Some(terms(true, true, true)),
					None,
					None
				),
				Error::<Test>::LicenceMorePermissiveThanLineage
			);
			assert_noop!(
				Registry::ensure_model_usable(
					&tuned_v,
					IntendedUse { commercial: true, derivative: false }
				),
				Error::<Test>::LicenceForbidsCommercialUse
			);
			// Narrowing stays possible; a root model's owner may still widen its own licence.
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(BOB),
				tuned,
				None,
				None,
				Some(terms(false, false, true)),
				None,
				None
			));
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(ALICE),
				base,
				None,
				None,
				Some(terms(true, true, true)),
				None,
				None
			));

			// Once its last version is removed, nothing derives from anything: the ceiling lifts.
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(BOB), tuned_v));
			assert_eq!(
				Models::<Test>::get(tuned).unwrap().licence_ceiling,
				LicenceCeiling::UNRESTRICTED
			);
			assert_ok!(Registry::update_model(
				RuntimeOrigin::signed(BOB),
				tuned,
				None,
				None,
				Some(terms(true, true, false)),
				None,
				None
			));
		});
	}

	#[test]
	fn m7_maintainer_cannot_redirect_royalties() {
		new_test_ext().execute_with(|| {
			let id = model_with(ALICE, 1_000, &[(ALICE, 100)]);
			assert_ok!(Registry::set_maintainers(
				RuntimeOrigin::signed(ALICE),
				id,
				vec![BOB].try_into().unwrap()
			));
			// BOB, a maintainer, owns a model of its own to route ALICE's fees to.
			let own = model_with(BOB, 0, &[(BOB, 100)]);
			let own_v = publish(BOB, own, 1, vec![], Perbill::zero());
			let publish_as = |who, n: u8, parents: Vec<ModelVersionRef>, upstream| {
				Registry::publish_model_version(
					RuntimeOrigin::signed(who),
					id,
					hash(n),
					1_000,
					ModelFormat::Onnx,
					text("ipfs://m"),
					text("v"),
					parents.try_into().unwrap(),
					BoundedVec::new(),
					None,
					upstream,
				)
			};
			assert_noop!(
				publish_as(BOB, 2, vec![own_v], Perbill::from_percent(100)),
				Error::<Test>::OnlyOwnerMayRouteRoyalties
			);
			assert_noop!(
				publish_as(BOB, 2, vec![own_v], Perbill::zero()),
				Error::<Test>::OnlyOwnerMayRouteRoyalties
			);

			// The maintainer still publishes plain versions, and their fees stay the owner's.
			assert_ok!(publish_as(BOB, 2, vec![], Perbill::zero()));
			let v = ModelVersionRef { model: id, version: 0 };
			assert_eq!(
				last_event(),
				RegistryEvent::ModelVersionPublished { version: v, hash: hash(2), publisher: BOB }
			);
			let (alice, bob) = (free(ALICE), free(BOB));
			assert_ok!(Registry::pay_usage(
				RuntimeOrigin::signed(EVE),
				VersionRef::Model(v),
				IntendedUse::default(),
				1_000
			));
			assert_eq!(free(ALICE), alice + 1_000);
			assert_eq!(free(BOB), bob);
			assert_eq!(free(EVE), INITIAL - 1_000);

			// The owner may name parents and an upstream share.
			assert_ok!(publish_as(ALICE, 3, vec![own_v], Perbill::from_percent(10)));
			let routed = ModelVersionRef { model: id, version: 1 };
			assert_eq!(
				Registry::model_royalty_split(&routed, 1_000).unwrap(),
				vec![Payout { who: ALICE, amount: 900 }, Payout { who: BOB, amount: 100 }]
			);
		});
	}

	#[test]
	fn m8_content_hash_cannot_be_squatted() {
		new_test_ext().execute_with(|| {
			// EVE copies the hash of ALICE's pending publication into a model of its own.
			let squat = model(EVE);
			let squat_v = publish(EVE, squat, 7, vec![], Perbill::zero());

			// ALICE's publication is not blocked, and a lookup by ALICE finds ALICE's version.
			let id = model(ALICE);
			let v = publish(ALICE, id, 7, vec![], Perbill::zero());
			assert_eq!(
				last_event(),
				RegistryEvent::ModelVersionPublished {
					version: v,
					hash: hash(7),
					publisher: ALICE
				}
			);
			let deposits = Models::<Test>::get(id).unwrap().deposit
				+ ModelVersions::<Test>::get(id, 0).unwrap().deposit;
			assert_eq!(held(ALICE), deposits);
			assert_eq!(free(ALICE), INITIAL - deposits);
			assert_eq!(Registry::version_by_hash(hash(7), &ALICE), Some(VersionRef::Model(v)));
			assert_eq!(Registry::version_by_hash(hash(7), &EVE), Some(VersionRef::Model(squat_v)));
			let all = Registry::versions_by_hash(hash(7));
			assert_eq!(all.len(), 2);
			assert!(all.contains(&(ALICE, VersionRef::Model(v))));
			assert!(all.contains(&(EVE, VersionRef::Model(squat_v))));
			// A publisher still registers a hash once.
			assert_noop!(
				Registry::publish_model_version(
					RuntimeOrigin::signed(ALICE),
					id,
					hash(7),
					1_000,
					ModelFormat::Onnx,
					text("ipfs://again"),
					text("v2"),
					BoundedVec::new(),
					BoundedVec::new(),
					None,
					Perbill::zero(),
				),
				Error::<Test>::ContentHashAlreadyRegistered
			);
			// Removing the squatter's version leaves ALICE's entry alone.
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(EVE), squat_v));
			assert_eq!(Registry::version_by_hash(hash(7), &EVE), None);
			assert_eq!(Registry::version_by_hash(hash(7), &ALICE), Some(VersionRef::Model(v)));

			// Datasets alike.
			let squat_data = dataset_with(EVE, AccessPolicy::Open);
			publish_data(EVE, squat_data, 8);
			let data = dataset_with(ALICE, AccessPolicy::Open);
			let dv = publish_data(ALICE, data, 8);
			assert_eq!(
				last_event(),
				RegistryEvent::DatasetVersionPublished {
					version: dv,
					hash: hash(8),
					publisher: ALICE
				}
			);
			assert_eq!(Registry::version_by_hash(hash(8), &ALICE), Some(VersionRef::Dataset(dv)));
			assert_eq!(DatasetVersionByHash::<Test>::get(hash(8), ALICE), Some(dv));
		});
	}
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(1_000))]

		/// A royalty split pays out exactly the fee, to at most `MaxRoyaltyPayees` accounts,
		/// whatever the shares, the fee and the lineage.
		#[test]
		fn royalty_splits_conserve_value(
			fee in 0u128..1_000_000_000_000,
			cuts in proptest::collection::vec(1u32..1_000_000_000, 1..4),
			upstream in 0u32..=1_000_000_000,
			parent_count in 0usize..3,
		) {
			new_test_ext().execute_with(|| {
				// Contributor shares from random cut points, summing to exactly 100%.
				let mut points: Vec<u32> = cuts.clone();
				points.sort();
				points.dedup();
				let mut contributors = Vec::new();
				let mut last = 0u32;
				for (i, p) in points.iter().chain(core::iter::once(&1_000_000_000)).enumerate() {
					if *p > last {
						contributors.push((10 + i as u64, Perbill::from_parts(p - last)));
						last = *p;
					}
				}
				let mut parents = Vec::new();
				for i in 0..parent_count {
					let base = model_with(ALICE, 0, &[(20 + i as u64, 50), (30 + i as u64, 50)]);
					parents.push(publish(ALICE, base, 100 + i as u8, vec![], Perbill::zero()));
				}
				let id = NextModelId::<Test>::get();
				assert_ok!(Registry::register_model(
					RuntimeOrigin::signed(BOB), text("m"), text("d"), BoundedVec::new(),
					licence(true, true), fee, contributors.try_into().unwrap(),
				));
				let share = if parents.is_empty() { Perbill::zero() } else { Perbill::from_parts(upstream) };
				let v = publish(BOB, id, 1, parents, share);
				let split = Registry::model_royalty_split(&v, fee).unwrap();
				let total: u128 = split.iter().map(|p| p.amount).sum();
				prop_assert_eq!(total, fee);
				prop_assert!(split.len() <= <<Test as crate::Config>::MaxRoyaltyPayees as Get<u32>>::get() as usize);
				Ok(())
			})?;
		}

		/// Whatever is registered and published, removing it all returns every deposit.
		#[test]
		fn deposits_are_always_returned_on_removal(
			models in 1usize..4,
			versions in 0usize..4,
			desc_len in 0usize..200,
			with_dataset in any::<bool>(),
		) {
			new_test_ext().execute_with(|| {
				let mut made = Vec::new();
				for m in 0..models {
					let id = model_with(ALICE, 1, &[(ALICE, 100)]);
					assert_ok!(Registry::update_model(
						RuntimeOrigin::signed(ALICE), id, Some(vec![b'x'; desc_len].try_into().unwrap()),
						None, None, None, None
					));
					let mut previous = Vec::new();
					for v in 0..versions {
						let n = (m * 10 + v) as u8;
						previous = vec![publish(ALICE, id, n, previous, Perbill::from_percent(5 * (v as u32 % 2)))];
					}
					made.push((id, previous));
				}
				if with_dataset {
					let d = dataset_with(ALICE, AccessPolicy::ComputeToData { fee: 3 });
					let dv = publish_data(ALICE, d, 250);
					assert_ok!(Registry::approve_provider(RuntimeOrigin::signed(ALICE), d, BOB));
					assert_ok!(Registry::revoke_provider(RuntimeOrigin::signed(ALICE), d, BOB));
					assert_ok!(Registry::remove_dataset_version(RuntimeOrigin::signed(ALICE), dv));
					assert_ok!(Registry::remove_dataset(RuntimeOrigin::signed(ALICE), d));
				}
				for (id, _) in made {
					// Newest first: children before parents.
					let mut indices: Vec<u32> = ModelVersions::<Test>::iter_key_prefix(id).collect();
					indices.sort();
					for version in indices.into_iter().rev() {
						assert_ok!(Registry::remove_model_version(
							RuntimeOrigin::signed(ALICE), ModelVersionRef { model: id, version }
						));
					}
					assert_ok!(Registry::remove_model(RuntimeOrigin::signed(ALICE), id));
				}
				prop_assert_eq!(held(ALICE), 0);
				prop_assert_eq!(free(ALICE), INITIAL);
				Ok(())
			})?;
		}
	}
}
