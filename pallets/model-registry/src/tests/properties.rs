//! Property tests: royalty splits conserve value, removal returns every deposit.

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
