//! `pay_usage`: royalty splits, upstream shares, licences and what may not be paid for.

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
		assert_ok!(Registry::take_down(RuntimeOrigin::root(), RegistryItem::Model(base), false));
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
			Registry::pay_usage(RuntimeOrigin::signed(EVE), VersionRef::Model(v), commercial, 100),
			Error::<Test>::LicenceForbidsCommercialUse
		);
		assert_noop!(
			Registry::pay_usage(RuntimeOrigin::signed(EVE), VersionRef::Model(v), derivative, 100),
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

/// L-4: a share below the existential deposit to an account that does not exist cannot be paid;
/// it goes to the owner, and the payment succeeds (it used to fail with `BelowMinimum`).
#[test]
fn l4_a_dust_share_goes_to_the_owner() {
	new_test_ext().execute_with(|| {
		ExistentialDeposit::set(100);
		let newcomer = 77;
		let id = model_with(ALICE, 1_000, &[(BOB, 95), (newcomer, 5)]);
		let v = publish(ALICE, id, 1, vec![], Perbill::zero());
		assert_eq!(
			Registry::model_royalty_split(&v, 1_000).unwrap(),
			vec![Payout { who: ALICE, amount: 50 }, Payout { who: BOB, amount: 950 }]
		);
		let (alice, bob) = (free(ALICE), free(BOB));
		assert_ok!(Registry::pay_usage(
			RuntimeOrigin::signed(EVE),
			VersionRef::Model(v),
			IntendedUse::default(),
			1_000
		));
		assert_eq!(free(ALICE), alice + 50);
		assert_eq!(free(BOB), bob + 950);
		assert_eq!(free(newcomer), 0);
		// Once the account exists, it is paid its share.
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), newcomer, 100));
		assert_ok!(Registry::pay_usage(
			RuntimeOrigin::signed(EVE),
			VersionRef::Model(v),
			IntendedUse::default(),
			1_000
		));
		assert_eq!(free(newcomer), 150);
	});
}
