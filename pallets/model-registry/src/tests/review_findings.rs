//! The attacks of the security review of 2026-11-30 (`shared/reviews/security-2026-11-30.md`)
//! on the registry, each played as the review describes and refused.

use super::*;
use frame_support::traits::fungible::Mutate;

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
				credited: true
			}
		);
		assert_eq!(free(EVE), INITIAL - 80);
		claim_all(VersionRef::Model(v));
		assert_eq!(free(BOB), bob + 80);
		assert_ok!(Registry::pay_usage(
			RuntimeOrigin::signed(EVE),
			VersionRef::Model(v),
			IntendedUse::default(),
			80
		));
		assert_eq!(free(EVE), INITIAL - 160);
		claim_all(VersionRef::Model(v));
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
				credited: false
			}
		);
		claim_all(VersionRef::Model(v));
		// The unit no share reaches waits in the pot for ALICE (the owner gets it on removal).
		assert_eq!(free(ALICE), INITIAL - held(ALICE) - 1);
		assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
		assert!(contributions().is_empty());

		// A contributor paying earns nothing either, although its fee reaches the payees: two
		// units make no 25% share whole yet.
		let alice = free(ALICE);
		assert_ok!(Registry::pay_usage(
			RuntimeOrigin::signed(BOB),
			VersionRef::Model(v),
			IntendedUse::default(),
			1
		));
		claim_all(VersionRef::Model(v));
		assert_eq!(free(BOB), INITIAL - 1);
		assert_eq!(free(ALICE), alice);
		assert_eq!(RoyaltyPots::<Test>::get(VersionRef::Model(v)).unwrap().accrued, 2);
		assert!(contributions().is_empty());

		// An upstream payee (CHARLIE, paid through the lineage of BOB's fine-tune) is no party
		// to the fine-tune, so its use counts as a third party's; but points are only ever the
		// protocol's cut, which no payee gets back: with no cut, none.
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
				credited: true
			}
		);
		claim_all(VersionRef::Model(tuned_v));
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
		claim_all(VersionRef::Model(tuned_v));
		assert_eq!(free(BOB), bob + 800 + 720);
		assert_eq!(free(CHARLIE), charlie - 800 + 180);
		assert_eq!(free(EVE), INITIAL - 1_000);
		assert_eq!(
			contributions(),
			vec![(Earner::Version(VersionRef::Model(tuned_v)), ContributionCategory::Model, 100)]
		);
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
				credited: true
			}
		);
		assert_eq!(free(TREASURY), treasury + 100);
		claim_all(VersionRef::Model(v));
		assert_eq!(free(BOB), bob + 450);
		assert_eq!(free(CHARLIE), charlie + 450);
		assert_eq!(free(EVE), INITIAL - 1_000);
		// Points are the cut the protocol received, credited to the version as a whole (its
		// split shares what they earn): never more than was paid to accounts no contributor
		// controls.
		assert_eq!(
			contributions(),
			vec![(Earner::Version(VersionRef::Model(v)), ContributionCategory::Model, 100)]
		);
		// The market's path credits the same, and nothing for its own requester. (The market
		// pays 900 of each fee into the royalty account before it reports the use.)
		let _ = Balances::mint_into(&Registry::royalty_account(), 1_800);
		assert_ok!(Registry::pin_model(&v));
		// (The market asks whether its requester is a party when the job is posted.)
		let bob_earns = !Registry::is_party_to_model(&v, &BOB);
		assert!(!bob_earns);
		Registry::unpin_model(&v, Some(UsageFee { fee: 1_000, earns_points: bob_earns }));
		assert_eq!(contributions().len(), 1);
		assert_ok!(Registry::pin_model(&v));
		let eve_earns = !Registry::is_party_to_model(&v, &EVE);
		assert!(eve_earns);
		Registry::unpin_model(&v, Some(UsageFee { fee: 1_000, earns_points: eve_earns }));
		assert_eq!(contributions().len(), 2);
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
		assert_eq!(
			contributions(),
			vec![(Earner::Account(DAVE), ContributionCategory::Evaluation, 50)]
		);
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
		claim_all(VersionRef::Model(v));
		assert_eq!(free(ALICE), alice + 1_000);
		assert_eq!(free(BOB), bob);
		assert_eq!(free(EVE), INITIAL - 1_000);

		// The owner may name parents and an upstream share.
		assert_ok!(publish_as(ALICE, 3, vec![own_v], Perbill::from_percent(10)));
		let routed = ModelVersionRef { model: id, version: 1 };
		assert_eq!(
			RoyaltySplits::<Test>::get(VersionRef::Model(routed)).unwrap().to_vec(),
			vec![
				(RoyaltyPayee::Account(ALICE), Perbill::from_percent(90)),
				(RoyaltyPayee::Parent(own_v), Perbill::from_percent(10))
			]
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
			RegistryEvent::ModelVersionPublished { version: v, hash: hash(7), publisher: ALICE }
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
			RegistryEvent::DatasetVersionPublished { version: dv, hash: hash(8), publisher: ALICE }
		);
		assert_eq!(Registry::version_by_hash(hash(8), &ALICE), Some(VersionRef::Dataset(dv)));
		assert_eq!(DatasetVersionByHash::<Test>::get(hash(8), ALICE), Some(dv));
	});
}
