//! Governance takedowns and restores.

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
		// Restored, the record holds its deposit again (the takedown slashed it).
		let alice = free(ALICE);
		assert_ok!(Registry::restore(RuntimeOrigin::root(), RegistryItem::Model(id)));
		assert_eq!(last_event(), RegistryEvent::Restored { item: RegistryItem::Model(id) });
		assert_eq!(Models::<Test>::get(id).unwrap().deposit, deposit);
		assert_eq!(free(ALICE), alice - deposit);
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
		assert_ok!(Registry::take_down(RuntimeOrigin::root(), RegistryItem::Dataset(id), false));
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
