//! Datasets: registering, publishing, changing, removal, dependents and compute-to-data.

use super::*;

#[test]
fn register_publish_update_and_remove() {
	new_test_ext().execute_with(|| {
		let id = dataset_with(ALICE, AccessPolicy::Licensed { fee: 30 });
		assert_eq!(last_event(), RegistryEvent::DatasetRegistered { dataset: id, owner: ALICE });
		let v = publish_data(ALICE, id, 1);
		assert_eq!(
			last_event(),
			RegistryEvent::DatasetVersionPublished { version: v, hash: hash(1), publisher: ALICE }
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
		assert_eq!(last_event(), RegistryEvent::ProviderApproved { dataset: id, provider: DAVE });
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
		assert_eq!(last_event(), RegistryEvent::ProviderRevoked { dataset: id, provider: DAVE });
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
