//! Tests of the contributor rewards. Every test ends with `do_try_state`.

use crate::{mock::*, pallet::*, types::*, Event as RewardsEvent};
use deai_primitives::{ContributionCategory::*, ContributionSink, Earner};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

/// Points worth a fee of 10 units each: enough that `MaxRewardPerPoint` (50%) does not bind in
/// the tests of shares, pots and claims.
const PT: u128 = 10_000_000;

fn last_event() -> RewardsEvent<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Rewards(e) => Some(e),
			_ => None,
		})
		.expect("a rewards event")
}

fn events() -> Vec<RewardsEvent<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn claim(epoch: EpochIndex, who: AccountId) -> sp_runtime::DispatchResult {
	Rewards::claim(RuntimeOrigin::signed(CHARLIE), epoch, Earner::Account(who))
}

/// Credits an account `points`, as the market credits a provider.
fn record(who: AccountId, category: deai_primitives::ContributionCategory, points: u128) {
	Rewards::record(&Earner::Account(who), category, points);
}

mod epochs {
	use super::*;

	#[test]
	fn an_epoch_closes_in_o1_and_freezes_pot_and_weights() {
		new_test_ext().execute_with(|| {
			record(ALICE, Compute, 3 * PT);
			record(BOB, Model, PT);
			assert_eq!(Rewards::epoch_info(), (0, 0, 10));
			run_to_block(9);
			assert_eq!(CurrentEpoch::<Test>::get(), 0);
			run_to_block(10);
			assert_eq!(CurrentEpoch::<Test>::get(), 1);
			// Two categories have points: half the pot is payable.
			assert!(events().contains(&RewardsEvent::EpochClosed {
				epoch: 0,
				pot: 1_000_000,
				payable: 500_000
			}));
			let info = Epochs::<Test>::get(0).unwrap();
			assert_eq!(info.totals.compute, 3 * PT);
			assert_eq!(info.status, EpochStatus::Claimable { until: 3 });
			assert_eq!(Committed::<Test>::get(), 500_000);
			assert_eq!(Epochs::<Test>::get(1).unwrap().start, 10);
		});
	}

	#[test]
	fn a_short_pot_pays_what_it_holds() {
		new_test_ext().execute_with(|| {
			RewardPerEpoch::set(POT * 10);
			record(ALICE, Compute, PT);
			run_to_block(10);
			// The pot keeps its existential deposit.
			assert_eq!(Epochs::<Test>::get(0).unwrap().pot, POT - 1);
			record(ALICE, Compute, PT);
			run_to_block(20);
			// Epoch 0 owes a quarter of it (one category with points): the rest is available.
			let owed = Perbill::from_percent(25).mul_floor(POT - 1);
			assert_eq!(Epochs::<Test>::get(1).unwrap().pot, POT - 1 - owed);
		});
	}

	#[test]
	fn expiry_returns_the_unclaimed_to_the_pot() {
		new_test_ext().execute_with(|| {
			record(ALICE, Compute, PT);
			record(BOB, Compute, PT);
			run_to_block(10);
			assert_ok!(claim(0, ALICE));
			assert_eq!(Committed::<Test>::get(), 125_000);
			run_to_block(30);
			assert!(events().contains(&RewardsEvent::EpochExpired { epoch: 0, unclaimed: 125_000 }));
			assert_eq!(Committed::<Test>::get(), 0);
			assert_noop!(claim(0, BOB), Error::<Test>::EpochNotClaimable);
			run_to_block(31);
			// on_idle cleared the expired epoch.
			assert!(Epochs::<Test>::get(0).is_none());
			assert_eq!(Points::<Test>::iter_prefix(0).count(), 0);
			assert_eq!(ClearedUpTo::<Test>::get(), 1);
		});
	}

	#[test]
	fn weights_are_set_by_governance_and_frozen_at_close() {
		new_test_ext().execute_with(|| {
			let weights = PerCategory {
				compute: Perbill::from_percent(70),
				model: Perbill::from_percent(10),
				dataset: Perbill::from_percent(10),
				evaluation: Perbill::from_percent(10),
			};
			assert_noop!(
				Rewards::set_category_weights(RuntimeOrigin::signed(ALICE), weights),
				DispatchError::BadOrigin
			);
			let mut bad = weights;
			bad.compute = Perbill::from_percent(69);
			assert_noop!(
				Rewards::set_category_weights(RuntimeOrigin::root(), bad),
				Error::<Test>::WeightsNotOneHundredPercent
			);
			assert_ok!(Rewards::set_category_weights(RuntimeOrigin::root(), weights));
			assert_eq!(last_event(), RewardsEvent::CategoryWeightsSet { weights });
			record(ALICE, Compute, PT);
			run_to_block(10);
			assert_eq!(Epochs::<Test>::get(0).unwrap().weights, weights);
			assert_ok!(claim(0, ALICE));
			assert_eq!(free(ALICE), 1 + 700_000);
		});
	}
}

mod claims {
	use super::*;

	#[test]
	fn a_claim_pays_the_exact_share_to_the_contributor() {
		new_test_ext().execute_with(|| {
			record(ALICE, Compute, 3 * PT);
			record(BOB, Compute, PT);
			record(ALICE, Evaluation, 7 * PT);
			assert_noop!(claim(0, ALICE), Error::<Test>::EpochNotClaimable);
			run_to_block(10);
			assert_eq!(Rewards::claimable(&Earner::Account(ALICE)), vec![(0, 187_500 + 250_000)]);
			let pot = free(Rewards::pot_account());
			assert_ok!(claim(0, ALICE));
			assert_eq!(
				last_event(),
				RewardsEvent::Claimed { epoch: 0, earner: Earner::Account(ALICE), amount: 437_500 }
			);
			assert_eq!(free(ALICE), 1 + 437_500);
			assert_eq!(free(Rewards::pot_account()), pot - 437_500);
			assert_eq!(free(CHARLIE), 1, "the caller is not paid");
			assert_noop!(claim(0, ALICE), Error::<Test>::AlreadyClaimed);
			assert_noop!(claim(0, CHARLIE), Error::<Test>::NothingToClaim);
			assert_ok!(claim(0, BOB));
			assert_eq!(free(BOB), 1 + 62_500);
			assert!(Rewards::claimable(&Earner::Account(ALICE)).is_empty());
			assert_noop!(claim(7, ALICE), Error::<Test>::EpochNotClaimable);
		});
	}

	#[test]
	fn rounding_down_leaves_the_remainder_in_the_pot() {
		new_test_ext().execute_with(|| {
			for who in [ALICE, BOB, CHARLIE] {
				record(who, Dataset, PT);
			}
			run_to_block(10);
			for who in [ALICE, BOB, CHARLIE] {
				assert_ok!(claim(0, who));
			}
			// 250_000 / 3 = 83_333 each; 1 stays in the pot.
			assert_eq!(Epochs::<Test>::get(0).unwrap().claimed, 249_999);
			assert_eq!(Committed::<Test>::get(), 1);
		});
	}

	#[test]
	fn the_cap_and_the_threshold_stop_farming() {
		new_test_ext().execute_with(|| {
			MaxShare::set(Perbill::from_percent(50));
			MinPoints::set(2 * PT);
			record(ALICE, Compute, 9 * PT);
			record(BOB, Compute, PT);
			run_to_block(10);
			// Alice's 90% of 250_000 is capped at half; Bob is below the threshold.
			assert_ok!(claim(0, ALICE));
			assert_eq!(free(ALICE), 1 + 125_000);
			assert_noop!(claim(0, BOB), Error::<Test>::NothingToClaim);
		});
	}

	/// A reward below the existential deposit cannot create an account: the claim says so by
	/// name (not `PotExhausted`), the runtime API does not offer it, and it stays claimable for
	/// when the account exists.
	#[test]
	fn a_reward_too_small_to_create_an_account_waits_for_it() {
		new_test_ext().execute_with(|| {
			ExistentialDeposit::set(1_000);
			assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), ALICE, 1_000));
			record(20, Compute, 100);
			record(ALICE, Compute, 100);
			run_to_block(10);
			assert_noop!(claim(0, 20), Error::<Test>::BelowExistentialDeposit);
			assert!(Rewards::claimable(&Earner::Account(20)).is_empty());
			// ALICE exists: its 50 arrive.
			assert_eq!(Rewards::claimable(&Earner::Account(ALICE)), vec![(0, 50)]);
			assert_ok!(claim(0, ALICE));
			assert_eq!(free(ALICE), 1_000 + 50);
			assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), 20, 1_000));
			assert_ok!(claim(0, 20));
			assert_eq!(free(20), 1_050);
		});
	}
}

mod versions {
	use super::*;

	/// A version earns as a whole: its reward goes into its royalty pot (the royalty account
	/// receives it, the pot accrues it), whoever triggers the claim.
	#[test]
	fn a_versions_reward_is_paid_into_its_royalty_pot() {
		new_test_ext().execute_with(|| {
			let version = model_version(7);
			MockPots::open(version);
			Rewards::record(&Earner::Version(version), Model, PT);
			record(ALICE, Compute, PT);
			assert_eq!(Points::<Test>::get(0, Earner::Version(version)).points.model, PT);
			run_to_block(10);
			// Alone in its category: a quarter of the 1_000_000 pot.
			assert_eq!(Rewards::claimable(&Earner::Version(version)), vec![(0, 250_000)]);
			assert_ok!(Rewards::claim(RuntimeOrigin::signed(BOB), 0, Earner::Version(version)));
			assert_eq!(free(ROYALTY_ACCOUNT), 1 + 250_000);
			assert_eq!(MockPots::accrued(version), Some(250_000));
			assert_eq!(free(BOB), 1);
			assert_eq!(
				last_event(),
				RewardsEvent::Claimed {
					epoch: 0,
					earner: Earner::Version(version),
					amount: 250_000
				}
			);
			assert_noop!(
				Rewards::claim(RuntimeOrigin::signed(BOB), 0, Earner::Version(version)),
				Error::<Test>::AlreadyClaimed
			);
			assert!(Rewards::claimable(&Earner::Version(version)).is_empty());
		});
	}

	/// A removed version has no pot to pay into: its reward is refused by name, not offered by
	/// the runtime API, and goes back to the pot when the epoch expires.
	#[test]
	fn a_removed_versions_reward_returns_to_the_pot() {
		new_test_ext().execute_with(|| {
			let version = model_version(8);
			MockPots::open(version);
			Rewards::record(&Earner::Version(version), Dataset, PT);
			run_to_block(10);
			MockPots::close(version);
			assert!(Rewards::claimable(&Earner::Version(version)).is_empty());
			assert_noop!(
				Rewards::claim(RuntimeOrigin::signed(BOB), 0, Earner::Version(version)),
				Error::<Test>::VersionHasNoPot
			);
			assert_eq!(Committed::<Test>::get(), 250_000);
			// ClaimEpochs = 2: epoch 0 expires when epoch 3 opens.
			run_to_block(30);
			assert_eq!(Committed::<Test>::get(), 0);
			assert_eq!(free(ROYALTY_ACCOUNT), 1);
			assert_eq!(free(Rewards::pot_account()), POT);
		});
	}
}

mod cleanup {
	use super::*;
	use frame_support::traits::Hooks;

	/// L-6: `on_idle` clears an expired epoch's points a few per block; the invariants hold
	/// while part of them is gone.
	#[test]
	fn l6_a_partly_cleared_epoch_keeps_the_invariants() {
		new_test_ext().execute_with(|| {
			for who in 10..15 {
				record(who, Compute, PT);
			}
			run_to_block(10);
			assert_ok!(claim(0, 10));
			// Expire epoch 0 without on_idle, then clear two of its five entries.
			for n in 11..=30 {
				System::set_block_number(n);
				Rewards::on_initialize(n);
			}
			assert_eq!(Epochs::<Test>::get(0).unwrap().status, EpochStatus::Expired);
			// What a partial clear leaves (in tests the overlay clears whole prefixes at once):
			// the claimed entry and another are gone, three remain.
			Points::<Test>::remove(0, Earner::Account(10));
			Points::<Test>::remove(0, Earner::Account(11));
			assert_eq!(Points::<Test>::iter_prefix(0).count(), 3);
			assert!(Rewards::do_try_state().is_ok());
			run_to_block(31);
			assert!(Epochs::<Test>::get(0).is_none());
		});
	}

	/// L-6: on a chain where the pallet arrived after genesis, the epochs before it never
	/// existed; clearing moves past them instead of stopping at epoch 0 for good.
	#[test]
	fn l6_epochs_that_never_existed_are_skipped() {
		new_test_ext().execute_with(|| {
			Epochs::<Test>::remove(0);
			CurrentEpoch::<Test>::put(3);
			Rewards::open_epoch(3, System::block_number());
			for n in 2..5 {
				Rewards::on_idle(n, frame_support::weights::Weight::MAX);
			}
			assert_eq!(ClearedUpTo::<Test>::get(), 3);
		});
	}
}

mod farming {
	use super::*;

	/// H-4: a point is a unit of fee paid to the protocol, and pays at most
	/// `MaxRewardPerPoint` (< 100%) of it. A farm of five sybils that pays 1,000 units of fees
	/// for 1,000 points, alone in an epoch with a pot a thousand times larger, gets back 500.
	#[test]
	fn h4_farming_points_costs_more_than_they_pay() {
		new_test_ext().execute_with(|| {
			let sybils = [10, 11, 12, 13, 14];
			let fees_paid: u128 = 1_000;
			for (i, category) in [Compute, Model, Dataset, Evaluation, Compute].iter().enumerate() {
				record(sybils[i], *category, fees_paid / 5);
			}
			run_to_block(10);
			// Each category owes no more than its points may pay, not its 250_000 share.
			assert!(events().contains(&RewardsEvent::EpochClosed {
				epoch: 0,
				pot: 1_000_000,
				payable: 500
			}));
			let before: u128 = sybils.iter().map(|s| free(*s)).sum();
			for sybil in sybils {
				assert_ok!(claim(0, sybil));
			}
			let after: u128 = sybils.iter().map(|s| free(*s)).sum();
			assert_eq!(after - before, 500);
			assert!(after - before < fees_paid);
			// What the points could not pay stays in the pot, for nobody.
			assert_eq!(Committed::<Test>::get(), 0);
		});
	}
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Action {
		Record(u8, u8, u16),
		Claim(u8, u8),
		Advance(u8),
	}

	fn category(c: u8) -> deai_primitives::ContributionCategory {
		[Compute, Model, Dataset, Evaluation][c as usize % 4]
	}

	fn action() -> impl Strategy<Value = Action> {
		prop_oneof![
			(0u8..5, 0u8..4, 0u16..1_000).prop_map(|(w, c, p)| Action::Record(w, c, p)),
			(0u8..6, 0u8..5).prop_map(|(e, w)| Action::Claim(e, w)),
			(1u8..15).prop_map(Action::Advance),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(1_000))]

		/// Whatever is recorded and claimed: no epoch pays more than its pot, nobody is
		/// paid twice for an epoch, no DEAI is created, and the pot always covers what it owes.
		#[test]
		fn claims_never_exceed_the_pot_or_repeat(actions in proptest::collection::vec(action(), 1..60)) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				let mut paid: std::collections::BTreeMap<(EpochIndex, AccountId), u32> = Default::default();
				for action in actions {
					match action {
						// Up to a million points: some epochs are bound by the pot, some by
						// what their points may pay.
						Action::Record(w, c, p) => record(10 + w as u64, category(c), p as u128 * 1_000),
						Action::Claim(e, w) => {
							let who = 10 + w as u64;
							let before = free(who);
							if claim(e as u32, who).is_ok() {
								*paid.entry((e as u32, who)).or_default() += 1;
								// No point pays back the fee it stands for (H-4).
								let p = Points::<Test>::get(e as u32, Earner::Account(who)).points;
								let points = p.compute + p.model + p.dataset + p.evaluation;
								prop_assert!(free(who) - before <= MaxRewardPerPoint::get().mul_floor(points));
								prop_assert!(free(who) - before < points);
							}
						},
						Action::Advance(n) => run_to_block(System::block_number() + n as u64),
					}
					prop_assert!(Rewards::do_try_state().is_ok());
					for info in Epochs::<Test>::iter_values() {
						prop_assert!(info.claimed <= info.pot);
					}
				}
				prop_assert!(paid.values().all(|n| *n == 1), "nobody claims an epoch twice");
				prop_assert_eq!(Balances::total_issuance(), issuance);
				Ok(())
			})?;
		}
	}
}
