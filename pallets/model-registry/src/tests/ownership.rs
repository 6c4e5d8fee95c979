//! Ownership transfer of models and datasets.

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
		assert_ok!(Registry::offer_ownership(RuntimeOrigin::signed(ALICE), item, Some(CHARLIE)));
		assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(CHARLIE), item));
		assert_eq!(Datasets::<Test>::get(id).unwrap().owner, CHARLIE);
		assert_eq!(held(ALICE), 0);
	});
}

#[test]
fn a_versions_owner_is_its_models_owner_while_the_version_exists() {
	use deai_primitives::ModelOwnership;
	new_test_ext().execute_with(|| {
		let id = model(ALICE);
		let version = publish(ALICE, id, 1, vec![], Perbill::zero());
		assert_eq!(<Registry as ModelOwnership<AccountId>>::model_owner(&version), Some(ALICE));
		// A version not published yet, and a model that does not exist, have no owner.
		let next = ModelVersionRef { model: id, version: version.version + 1 };
		assert_eq!(<Registry as ModelOwnership<AccountId>>::model_owner(&next), None);
		let unknown = ModelVersionRef { model: id + 1, version: 0 };
		assert_eq!(<Registry as ModelOwnership<AccountId>>::model_owner(&unknown), None);
		// The owner follows the model's ownership.
		let item = RegistryItem::Model(id);
		assert_ok!(Registry::offer_ownership(RuntimeOrigin::signed(ALICE), item, Some(BOB)));
		assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(BOB), item));
		assert_eq!(<Registry as ModelOwnership<AccountId>>::model_owner(&version), Some(BOB));
		// In use while a job pins it.
		assert!(!<Registry as ModelOwnership<AccountId>>::in_use(&version));
		assert_ok!(<Registry as deai_primitives::ModelRegistry<AccountId, Balance>>::pin_model(
			&version
		));
		assert!(<Registry as ModelOwnership<AccountId>>::in_use(&version));
		<Registry as deai_primitives::ModelRegistry<AccountId, Balance>>::unpin_model(
			&version, None,
		);
		assert!(!<Registry as ModelOwnership<AccountId>>::in_use(&version));
		assert!(!<Registry as ModelOwnership<AccountId>>::in_use(&next));
	});
}
