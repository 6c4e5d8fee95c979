//! Property tests: royalties are paid exactly once, removal returns every deposit.

use super::*;
use frame_support::traits::fungible::Mutate;
use proptest::prelude::*;

proptest! {
	#![proptest_config(ProptestConfig::with_cases(1_000))]

	/// Whatever the shares, the lineage, the fees and the order and timing of claims: each
	/// payee is paid exactly its share of all its version received (rounded down once), the
	/// owner exactly the rest, nobody twice, and the royalty account ends holding only its
	/// existential deposit.
	#[test]
	fn royalties_are_paid_exactly_once_whatever_the_order(
		fees in proptest::collection::vec(0u128..1_000_000, 1..8),
		cuts in proptest::collection::vec(1u32..1_000_000_000, 1..4),
		upstream in 0u32..=1_000_000_000,
		has_parent in any::<bool>(),
		claim_order in proptest::collection::vec(0usize..16, 0..24),
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
			let base = model_with(ALICE, 0, &[(20, 50), (21, 50)]);
			let base_v = publish(ALICE, base, 100, vec![], Perbill::zero());
			let id = NextModelId::<Test>::get();
			assert_ok!(Registry::register_model(
				RuntimeOrigin::signed(BOB), text("m"), text("d"), BoundedVec::new(),
				licence(true, true), 1, contributors.clone().try_into().unwrap(),
			));
			let (parents, share) = if has_parent {
				(vec![base_v], Perbill::from_parts(upstream))
			} else {
				(vec![], Perbill::zero())
			};
			let v = VersionRef::Model(publish(BOB, id, 1, parents, share));
			let split = RoyaltySplits::<Test>::get(v).unwrap();
			let mut payees: Vec<RoyaltyPayee<AccountId>> = split.iter().map(|(p, _)| p.clone()).collect();
			payees.push(RoyaltyPayee::Owner);
			let mut total = 0u128;
			for (i, fee) in fees.iter().enumerate() {
				Registry::accrue(v, *fee);
				let _ = Balances::mint_into(&Registry::royalty_account(), *fee);
				total += fee;
				// Claims at random moments, some repeated, some for nothing.
				if let Some(pick) = claim_order.get(i) {
					let _ = Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, payees[pick % payees.len()].clone());
				}
			}
			for payee in payees.iter() {
				let _ = Registry::claim_royalties(RuntimeOrigin::signed(EVE), v, payee.clone());
			}
			let base_pot = VersionRef::Model(base_v);
			for payee in [RoyaltyPayee::Account(20), RoyaltyPayee::Account(21), RoyaltyPayee::Owner] {
				let _ = Registry::claim_royalties(RuntimeOrigin::signed(EVE), base_pot, payee);
			}
			let mut paid = 0u128;
			for (payee, share) in split.iter() {
				let claimed = RoyaltiesClaimed::<Test>::get(v, payee);
				prop_assert_eq!(claimed, share.mul_floor(total));
				paid += claimed;
			}
			let shared: u32 = split.iter().map(|(_, s)| s.deconstruct()).sum();
			let owner = Perbill::from_parts(1_000_000_000 - shared).mul_floor(total);
			prop_assert_eq!(RoyaltiesClaimed::<Test>::get(v, RoyaltyPayee::Owner), owner);
			// Fewer units than payees wait for the owner, who receives them on removal.
			let waiting = total - paid - owner;
			prop_assert!(waiting < payees.len() as u128);
			let bob = Balances::free_balance(BOB);
			let VersionRef::Model(version) = v else { unreachable!() };
			let deposit = ModelVersions::<Test>::get(version.model, version.version).unwrap().deposit;
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(BOB), version));
			prop_assert_eq!(Balances::free_balance(BOB), bob + deposit + waiting);
			assert_ok!(Registry::remove_model_version(RuntimeOrigin::signed(ALICE), base_v));
			prop_assert_eq!(Balances::free_balance(Registry::royalty_account()), ExistentialDeposit::get());
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
