//! `pay_usage` and `claim_royalties`: each version's pot and split, exact shares, upstream
//! shares through parents' pots, removal paying everyone out, licences and what may not be paid
//! for.

use super::*;

fn pot() -> AccountId {
	Registry::royalty_account()
}

fn pay(payer: AccountId, version: VersionRef, fee: Balance) {
	assert_ok!(Registry::pay_usage(
		RuntimeOrigin::signed(payer),
		version,
		IntendedUse::default(),
		fee
	));
}

fn claim(version: VersionRef, payee: RoyaltyPayee<AccountId>) {
	assert_ok!(Registry::claim_royalties(RuntimeOrigin::signed(EVE), version, payee));
}

fn owed(version: VersionRef, payee: RoyaltyPayee<AccountId>) -> Balance {
	Registry::royalties_owed(&version, &payee).unwrap()
}

use RoyaltyPayee::{Account, Owner, Parent};

#[test]
fn a_use_pays_the_pot_once_and_each_payee_claims_its_exact_share() {
	new_test_ext().execute_with(|| {
		// 101 split 33% / 33% / 34%: 33 + 33 + 34, and the owner (ALICE) the 1 left.
		let id = model_with(ALICE, 101, &[(BOB, 33), (CHARLIE, 33), (DAVE, 34)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		let (eve, in_pot) = (free(EVE), free(pot()));
		pay(EVE, v, 101);
		assert_eq!(
			last_event(),
			RegistryEvent::UsagePaid { version: v, payer: EVE, fee: 101, credited: true }
		);
		assert_eq!(eve - free(EVE), 101);
		assert_eq!(free(pot()) - in_pot, 101);
		assert_eq!(RoyaltyPots::<Test>::get(v).unwrap().accrued, 101);
		assert_eq!(ModelVersions::<Test>::get(id, 0).unwrap().uses, 1);
		// Without a protocol cut nobody paid the protocol: no points (see the H-4 tests).
		assert!(contributions().is_empty());

		let before = [ALICE, BOB, CHARLIE, DAVE].map(free);
		for payee in [Account(BOB), Account(CHARLIE), Account(DAVE)] {
			claim(v, payee);
		}
		assert_eq!(
			last_event(),
			RegistryEvent::RoyaltiesClaimed {
				version: v,
				payee: Account(DAVE),
				paid_to: RoyaltyDestination::Account(DAVE),
				amount: 34
			}
		);
		let after = [ALICE, BOB, CHARLIE, DAVE].map(free);
		assert_eq!(
			[after[1] - before[1], after[2] - before[2], after[3] - before[3]],
			[33, 33, 34]
		);
		// The contributors share 100%: the owner's share is nothing, and the unit no share
		// reached stays in the pot until the version is removed, when the owner receives it.
		assert_eq!(owed(v, Owner), 0);
		assert_eq!(free(pot()), in_pot + 1);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(BOB), v, Account(BOB)),
			Error::<Test>::NothingToClaim
		);
	});
}

/// Shares are of everything a pot ever received, rounded down once: many small fees lose the
/// contributors nothing to per-payment rounding, and the owner is owed exactly what is left.
#[test]
fn shares_are_of_the_total_so_small_fees_round_nothing_away() {
	new_test_ext().execute_with(|| {
		let id = model_with(ALICE, 1, &[(BOB, 50), (CHARLIE, 50)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		pay(EVE, v, 1);
		// Half of 1 is owed to nobody yet: it waits in the pot for the next payment.
		assert_eq!([owed(v, Account(BOB)), owed(v, Account(CHARLIE)), owed(v, Owner)], [0, 0, 0]);
		pay(EVE, v, 1);
		assert_eq!([owed(v, Account(BOB)), owed(v, Account(CHARLIE)), owed(v, Owner)], [1, 1, 0]);
		claim(v, Account(BOB));
		for _ in 0..5 {
			pay(EVE, v, 1);
		}
		// 7 paid: 3 each (3.5 rounded down); BOB claimed 1 already; 1 waits in the pot.
		assert_eq!([owed(v, Account(BOB)), owed(v, Account(CHARLIE)), owed(v, Owner)], [2, 3, 0]);
		// Removal pays everyone, the waiting unit to the owner: all 7 reach someone.
		let (alice, bob, charlie) = (free(ALICE), free(BOB), free(CHARLIE));
		let deposit = ModelVersions::<Test>::get(id, 0).unwrap().deposit;
		let VersionRef::Model(version) = v else { unreachable!() };
		assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), version));
		assert_eq!(free(ALICE) - alice - deposit, 1);
		assert_eq!((free(BOB) - bob, free(CHARLIE) - charlie), (2, 3));
	});
}

#[test]
fn the_protocol_cut_goes_to_the_fee_destination_and_the_rest_to_the_pot() {
	new_test_ext().execute_with(|| {
		UsageFeeCut::set(Perbill::from_percent(10));
		let id = model_with(ALICE, 1_000, &[(BOB, 100)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		let (treasury, in_pot) = (free(TREASURY), free(pot()));
		pay(EVE, v, 1_000);
		assert_eq!(free(TREASURY) - treasury, 100);
		assert_eq!(free(pot()) - in_pot, 900);
		assert_eq!(owed(v, Account(BOB)), 900);
		// EVE is no party to the model: the version is credited the 100 the protocol received
		// (what they earn reaches BOB through the pot).
		assert_eq!(contributions(), vec![(Earner::Version(v), ContributionCategory::Model, 100)]);
	});
}

#[test]
fn upstream_royalties_reach_the_base_models_contributors_through_its_pot() {
	new_test_ext().execute_with(|| {
		let base = model_with(ALICE, 0, &[(CHARLIE, 100)]);
		let base_v = publish(ALICE, base, 1, vec![], Perbill::zero());
		let tuned = model_with(BOB, 1_000, &[(BOB, 100)]);
		let tuned_v =
			VersionRef::Model(publish(BOB, tuned, 2, vec![base_v], Perbill::from_percent(20)));
		assert_eq!(
			RoyaltySplits::<Test>::get(tuned_v).unwrap().to_vec(),
			vec![
				(Account(BOB), Perbill::from_percent(80)),
				(Parent(base_v), Perbill::from_percent(20))
			]
		);
		pay(EVE, tuned_v, 1_000);
		assert_eq!(owed(tuned_v, Account(BOB)), 800);
		// The parent's share is forwarded into the base version's pot, where CHARLIE claims it.
		claim(tuned_v, Parent(base_v));
		assert_eq!(
			last_event(),
			RegistryEvent::RoyaltiesClaimed {
				version: tuned_v,
				payee: Parent(base_v),
				paid_to: RoyaltyDestination::Pot(VersionRef::Model(base_v)),
				amount: 200
			}
		);
		let charlie = free(CHARLIE);
		claim(VersionRef::Model(base_v), Account(CHARLIE));
		assert_eq!(free(CHARLIE), charlie + 200);

		// While governance has taken the base model down, its share is still forwarded (the
		// fine-tune's use of it was paid for), but its payees cannot claim until it is restored.
		pay(EVE, tuned_v, 1_000);
		assert_ok!(Registry::take_down(RuntimeOrigin::root(), RegistryItem::Model(base), false));
		claim(tuned_v, Parent(base_v));
		let base_pot = VersionRef::Model(base_v);
		assert_eq!(RoyaltyPots::<Test>::get(base_pot).unwrap().accrued, 400);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), base_pot, Account(CHARLIE)),
			Error::<Test>::ItemTakenDown
		);
		// The query lists only what can be claimed: the base model's version comes back with it.
		assert!(!Registry::royalties_of(&CHARLIE).iter().any(|(v, _)| *v == base_pot));
		assert_ok!(Registry::restore(RuntimeOrigin::root(), RegistryItem::Model(base)));
		assert!(Registry::royalties_of(&CHARLIE).contains(&(base_pot, 200)));
		claim(base_pot, Account(CHARLIE));
		assert_eq!(free(CHARLIE), charlie + 400);
		let bob = free(BOB);
		claim(tuned_v, Account(BOB));
		assert_eq!(free(BOB), bob + 1_600);
	});
}

/// The split is fixed when a version is published: later changes to the contributors apply to
/// later versions only. The owner's part follows the item when its ownership moves.
#[test]
fn the_split_is_fixed_at_publication_and_the_owners_part_follows_the_item() {
	new_test_ext().execute_with(|| {
		let id = model_with(ALICE, 100, &[(BOB, 50), (CHARLIE, 50)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		assert_ok!(Registry::update_model(
			RuntimeOrigin::signed(ALICE),
			id,
			None,
			None,
			None,
			None,
			Some(shares(&[(DAVE, 100)]))
		));
		pay(EVE, v, 100);
		assert_eq!([owed(v, Account(BOB)), owed(v, Account(CHARLIE))], [50, 50]);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(DAVE), v, Account(DAVE)),
			Error::<Test>::NotARoyaltyPayee
		);
		let w = VersionRef::Model(publish(ALICE, id, 2, vec![], Perbill::zero()));
		pay(EVE, w, 100);
		assert_eq!(owed(w, Account(DAVE)), 100);

		// The owner's part (here what three parents' equal parts of 100_000_001 parts per
		// billion leave: 2 per billion) goes to whoever owns the model now.
		let parents: Vec<_> = (4..7)
			.map(|n| publish(BOB, model_with(BOB, 0, &[(BOB, 100)]), n, vec![], Perbill::zero()))
			.collect();
		let odd = model_with(ALICE, 500_000_000, &[(BOB, 100)]);
		let upstream = Perbill::from_parts(100_000_001);
		let x = VersionRef::Model(publish(ALICE, odd, 3, parents, upstream));
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), EVE, 10_000_000_000));
		pay(EVE, x, 500_000_000);
		assert_eq!(owed(x, Owner), 1);
		assert_ok!(Registry::offer_ownership(
			RuntimeOrigin::signed(ALICE),
			RegistryItem::Model(odd),
			Some(EVE)
		));
		assert_ok!(Registry::accept_ownership(
			RuntimeOrigin::signed(EVE),
			RegistryItem::Model(odd)
		));
		let eve = free(EVE);
		claim(x, Owner);
		assert_eq!(free(EVE), eve + 1);
	});
}

/// Anyone may claim for anyone (as a payout is pushed in pallet-staking): the claimer pays the
/// fee and gains nothing; the amount goes only to the payee.
#[test]
fn claiming_for_someone_else_pays_only_them() {
	new_test_ext().execute_with(|| {
		let id = model_with(ALICE, 100, &[(BOB, 100)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		pay(DAVE, v, 100);
		let (bob, eve) = (free(BOB), free(EVE));
		claim(v, Account(BOB));
		assert_eq!((free(BOB), free(EVE)), (bob + 100, eve));
	});
}

#[test]
fn claims_name_a_pot_and_one_of_its_payees() {
	new_test_ext().execute_with(|| {
		let missing = VersionRef::Model(ModelVersionRef { model: 9, version: 0 });
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), missing, Owner),
			Error::<Test>::NoRoyaltyPot
		);
		let id = model_with(ALICE, 100, &[(BOB, 100)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, Account(EVE)),
			Error::<Test>::NotARoyaltyPayee
		);
		let stranger = Parent(ModelVersionRef { model: 5, version: 5 });
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, stranger),
			Error::<Test>::NotARoyaltyPayee
		);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, Owner),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::none(), v, Owner),
			DispatchError::BadOrigin
		);
	});
}

/// Removing a version pays every payee what it is owed (a parent's share into the parent's
/// pot) and removes its pot: nobody can block the removal by not claiming, and nothing owed
/// is left behind.
#[test]
fn removing_a_version_pays_out_its_pot() {
	new_test_ext().execute_with(|| {
		let base = model_with(ALICE, 0, &[(CHARLIE, 100)]);
		let base_v = publish(ALICE, base, 1, vec![], Perbill::zero());
		let tuned = model_with(BOB, 1_000, &[(BOB, 60), (DAVE, 40)]);
		let tuned_v = publish(BOB, tuned, 2, vec![base_v], Perbill::from_percent(10));
		let v = VersionRef::Model(tuned_v);
		pay(EVE, v, 1_000);
		claim(v, Account(DAVE));
		let (bob, dave) = (free(BOB), free(DAVE));
		let deposit = ModelVersions::<Test>::get(tuned, 0).unwrap().deposit;
		assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(BOB), tuned_v));
		// BOB: 60% of 90% = 540 (the owner's share is 0); DAVE claimed his 360 before.
		assert_eq!((free(BOB) - bob - deposit, free(DAVE) - dave), (540, 0));
		assert_eq!(RoyaltyPots::<Test>::get(VersionRef::Model(base_v)).unwrap().accrued, 100);
		assert!(RoyaltyPots::<Test>::get(v).is_none());
		assert!(RoyaltySplits::<Test>::get(v).is_none());
		assert_eq!(RoyaltiesClaimed::<Test>::iter_prefix(v).count(), 0);
		assert_eq!(RoyaltyShares::<Test>::iter_prefix(BOB).count(), 0);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, Owner),
			Error::<Test>::NoRoyaltyPot
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
		pay(EVE, VersionRef::Dataset(lv), 5);
		assert_eq!(owed(VersionRef::Dataset(lv), Account(BOB)), 5);
	});
}

/// L-4: a share below the existential deposit to an account that does not exist cannot be paid
/// by a claim (`BelowMinimum`): it stays owed, and is paid once the account exists. Nothing
/// else waits on it: others claim their shares, and removing the version pays it to the owner.
#[test]
fn l4_a_dust_share_stays_owed_and_never_blocks_anyone() {
	new_test_ext().execute_with(|| {
		ExistentialDeposit::set(100);
		// The royalty account keeps the (new) existential deposit, as at genesis.
		Registry::open_royalty_account();
		let newcomer = 77;
		let id = model_with(ALICE, 1_000, &[(BOB, 95), (newcomer, 5)]);
		let version = publish(ALICE, id, 1, vec![], Perbill::zero());
		let v = VersionRef::Model(version);
		pay(EVE, v, 1_000);
		assert_noop!(
			Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, Account(newcomer)),
			TokenError::BelowMinimum
		);
		claim(v, Account(BOB));
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), newcomer, 100));
		claim(v, Account(newcomer));
		assert_eq!(free(newcomer), 150);

		let other = 78;
		let id = model_with(ALICE, 1_000, &[(BOB, 95), (other, 5)]);
		let version = publish(ALICE, id, 2, vec![], Perbill::zero());
		pay(EVE, VersionRef::Model(version), 1_000);
		let alice = free(ALICE);
		let deposit = ModelVersions::<Test>::get(version.model, version.version).unwrap().deposit;
		assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), version));
		// ALICE's deposit comes back too: count only the share.
		assert_eq!(free(ALICE) - alice - deposit, 50);
		assert_eq!(free(other), 0);
	});
}

/// What a version earns in contribution rewards is paid into its pot (the rewards pallet's
/// `VersionPots`) and shared exactly as its fees are, each contributor its share; a removed
/// version has no pot to pay into.
#[test]
fn a_versions_rewards_are_shared_by_its_split() {
	use deai_primitives::VersionPots;
	new_test_ext().execute_with(|| {
		let id = model_with(ALICE, 0, &[(ALICE, 50), (BOB, 30), (CHARLIE, 20)]);
		let v = VersionRef::Model(publish(ALICE, id, 1, vec![], Perbill::zero()));
		assert_eq!(<Registry as VersionPots<_, _>>::pot_account(), Registry::royalty_account());
		assert!(<Registry as VersionPots<_, _>>::has_pot(&v));
		// The rewards pallet pays 1_001 into the royalty account, then accrues it.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(DAVE),
			Registry::royalty_account(),
			1_001
		));
		<Registry as VersionPots<_, _>>::accrue(&v, 1_001);
		assert_eq!(Registry::royalties_owed(&v, &Account(BOB)), Ok(300));
		assert_eq!(Registry::royalties_owed(&v, &Account(CHARLIE)), Ok(200));
		assert_eq!(Registry::royalties_owed(&v, &Account(ALICE)), Ok(500));
		let before = [ALICE, BOB, CHARLIE].map(free);
		claim_all(v);
		assert_eq!(
			[ALICE, BOB, CHARLIE].map(free),
			[before[0] + 500, before[1] + 300, before[2] + 200]
		);
		// The unit no share reaches yet stays in the pot for the next payment.
		assert_eq!(RoyaltyPots::<Test>::get(v).unwrap().accrued, 1_001);
		let VersionRef::Model(mv) = v else { unreachable!() };
		assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), mv));
		assert!(!<Registry as VersionPots<_, _>>::has_pot(&v));
	});
}
