//! Models: registering, changing, maintainers, publishing versions, their status and removal.

use super::*;

mod register_model {
	use super::*;

	#[test]
	fn registers_and_holds_the_exact_deposit() {
		new_test_ext().execute_with(|| {
			let id = model_with(ALICE, 70, &[(ALICE, 60), (BOB, 40)]);
			assert_eq!(id, 0);
			assert_eq!(last_event(), RegistryEvent::ModelRegistered { model: 0, owner: ALICE });
			let info = Models::<Test>::get(0).unwrap();
			assert_eq!(info.deposit, Registry::item_deposit(id, &info));
			// The record and its description, kept apart.
			let about = ModelDescriptions::<Test>::get(id).unwrap();
			assert_eq!(about.name.to_vec(), b"llama-tiny".to_vec());
			let bytes = codec::Encode::encoded_size(&info) + codec::Encode::encoded_size(&about);
			assert_eq!(info.deposit, 100 + bytes as Balance);
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
			assert_eq!(info.deposit, Registry::item_deposit(id, &info));
			assert!(info.deposit > before);
			assert_eq!(
				ModelDescriptions::<Test>::get(id).unwrap().description.to_vec(),
				b"a much longer description than before".to_vec()
			);
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
			// The market pays the cut to the protocol and the rest into the royalty account, then
			// reports the use: the version's pot counts the 900.
			UsageFeeCut::set(Perbill::from_percent(10));
			assert_ok!(Balances::transfer_allow_death(
				RuntimeOrigin::signed(BOB),
				Registry::royalty_account(),
				900
			));
			assert!(!Registry::is_party_to_model(&v, &BOB));
			Registry::unpin_model(&v, Some(UsageFee { fee: 1_000, earns_points: true }));
			assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
			let vref = VersionRef::Model(v);
			assert_eq!(
				contributions(),
				vec![(Earner::Version(vref), ContributionCategory::Model, 100)]
			);
			assert_eq!(Registry::royalties_owed(&vref, &RoyaltyPayee::Account(ALICE)), Ok(900));
			let alice = free(ALICE);
			let deposit = ModelVersions::<Test>::get(id, 0).unwrap().deposit;
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), v));
			assert_eq!(free(ALICE), alice + deposit + 900);
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
