//! Benchmarks, evaluations, challenges and their bonds.

use super::*;

/// A model version, a benchmark on a dataset version, and an evaluation by DAVE.
fn setup() -> (ModelVersionRef, u32, u64) {
	let m = model(ALICE);
	let v = publish(ALICE, m, 1, vec![], Perbill::zero());
	let data = dataset_with(BOB, AccessPolicy::Open);
	let dv = publish_data(BOB, data, 2);
	assert_ok!(Registry::register_benchmark(
		RuntimeOrigin::signed(CHARLIE),
		dv,
		text("accuracy"),
		true
	));
	assert_eq!(
		last_event(),
		RegistryEvent::BenchmarkRegistered { benchmark: 0, dataset_version: dv }
	);
	assert_ok!(Registry::submit_evaluation(
		RuntimeOrigin::signed(DAVE),
		v,
		0,
		FixedI64::from_rational(9_123, 10_000),
		hash(9),
		text("ipfs://evidence"),
		50,
	));
	(v, 0, 0)
}

fn eval_bond(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::EvaluationBond.into(), &who)
}

#[test]
fn an_unchallenged_evaluation_is_accepted_after_its_period() {
	new_test_ext().execute_with(|| {
		let (v, bench, eval) = setup();
		assert_eq!(
			last_event(),
			RegistryEvent::EvaluationSubmitted {
				evaluation: eval,
				model_version: v,
				benchmark: bench,
				evaluator: DAVE,
				score: FixedI64::from_rational(9_123, 10_000),
			}
		);
		let info = Evaluations::<Test>::get(eval).unwrap();
		assert_eq!(eval_bond(DAVE), 1_000);
		assert_eq!(held(DAVE), info.deposit);
		// The evaluation fee (50) went to the treasury.
		assert_eq!(free(DAVE), INITIAL - 1_000 - info.deposit - 50);
		assert_eq!(info.fee, 50);
		assert_noop!(
			Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
			Error::<Test>::ChallengePeriodNotOver
		);
		assert_noop!(
			Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval),
			Error::<Test>::EvaluationNotFinal
		);
		System::set_block_number(12);
		assert_ok!(Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval));
		assert_eq!(last_event(), RegistryEvent::EvaluationAccepted { evaluation: eval });
		assert_eq!(eval_bond(DAVE), 0);
		assert!(contributions().contains(&(
			Earner::Account(DAVE),
			ContributionCategory::Evaluation,
			50
		)));
		assert_noop!(
			Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
			Error::<Test>::AlreadyFinal
		);
		assert_noop!(
			Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval),
			Error::<Test>::ChallengePeriodOver
		);
		assert_eq!(Registry::evaluations_of(v).len(), 1);
		assert_noop!(
			Registry::remove_evaluation(RuntimeOrigin::signed(EVE), eval),
			Error::<Test>::NotEvaluator
		);
		assert_ok!(Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval));
		assert_eq!(last_event(), RegistryEvent::EvaluationRemoved { evaluation: eval });
		// Everything but the evaluation fee comes back.
		assert_eq!(free(DAVE), INITIAL - 50);
		assert_ok!(Registry::remove_benchmark(RuntimeOrigin::signed(CHARLIE), bench));
		assert_eq!(last_event(), RegistryEvent::BenchmarkRemoved { benchmark: bench });
		assert_eq!(free(CHARLIE), INITIAL);
	});
}

#[test]
fn an_upheld_evaluation_wins_half_the_challengers_bond() {
	new_test_ext().execute_with(|| {
		let (_, _, eval) = setup();
		assert_noop!(
			Registry::challenge_evaluation(RuntimeOrigin::signed(DAVE), eval),
			Error::<Test>::CannotChallengeOwnEvaluation
		);
		assert_noop!(
			Registry::resolve_challenge(RuntimeOrigin::root(), eval, true),
			Error::<Test>::NotChallenged
		);
		assert_ok!(Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval));
		assert_eq!(
			last_event(),
			RegistryEvent::EvaluationChallenged { evaluation: eval, challenger: EVE }
		);
		assert_eq!(free(EVE), INITIAL - 500);
		assert_noop!(
			Registry::finalize_evaluation(RuntimeOrigin::signed(EVE), eval),
			Error::<Test>::AwaitingJudgement
		);
		assert_noop!(
			Registry::resolve_challenge(RuntimeOrigin::signed(ALICE), eval, true),
			DispatchError::BadOrigin
		);
		let dave_free = free(DAVE);
		let treasury = free(TREASURY);
		assert_ok!(Registry::resolve_challenge(RuntimeOrigin::root(), eval, true));
		assert_eq!(
			last_event(),
			RegistryEvent::ChallengeResolved {
				evaluation: eval,
				upheld: true,
				slashed: 500,
				to_winner: 250
			}
		);
		assert_eq!(free(EVE), INITIAL - 500);
		assert_eq!(free(DAVE), dave_free + 1_000 + 250);
		assert_eq!(free(TREASURY), treasury + 250);
		assert!(matches!(
			Evaluations::<Test>::get(eval).unwrap().status,
			EvaluationStatus::Accepted
		));
		assert!(contributions().contains(&(
			Earner::Account(DAVE),
			ContributionCategory::Evaluation,
			50
		)));
	});
}

#[test]
fn a_rejected_evaluation_loses_its_bond() {
	new_test_ext().execute_with(|| {
		let (_, bench, eval) = setup();
		assert_ok!(Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval));
		let treasury = free(TREASURY);
		assert_ok!(Registry::resolve_challenge(RuntimeOrigin::root(), eval, false));
		assert_eq!(
			last_event(),
			RegistryEvent::ChallengeResolved {
				evaluation: eval,
				upheld: false,
				slashed: 1_000,
				to_winner: 500
			}
		);
		assert_eq!(free(EVE), INITIAL + 500);
		assert_eq!(free(TREASURY), treasury + 500);
		let deposit = Evaluations::<Test>::get(eval).unwrap().deposit;
		assert_eq!(free(DAVE), INITIAL - 50 - 1_000 - deposit);
		assert!(contributions().iter().all(|(_, c, _)| *c != ContributionCategory::Evaluation));
		assert_noop!(
			Registry::remove_benchmark(RuntimeOrigin::signed(CHARLIE), bench),
			Error::<Test>::BenchmarkInUse
		);
		assert_noop!(
			Registry::remove_benchmark(RuntimeOrigin::signed(DAVE), bench),
			Error::<Test>::NotBenchmarkCreator
		);
		assert_ok!(Registry::remove_evaluation(RuntimeOrigin::signed(DAVE), eval));
	});
}

#[test]
fn evaluations_need_a_usable_version_and_a_benchmark() {
	new_test_ext().execute_with(|| {
		let (v, _, _) = setup();
		assert_noop!(
			Registry::submit_evaluation(
				RuntimeOrigin::signed(EVE),
				v,
				7,
				FixedI64::from_u32(1),
				hash(1),
				text("u"),
				50
			),
			Error::<Test>::BenchmarkNotFound
		);
		assert_noop!(
			Registry::submit_evaluation(
				RuntimeOrigin::signed(EVE),
				ModelVersionRef { model: 0, version: 9 },
				0,
				FixedI64::from_u32(1),
				hash(1),
				text("u"),
				50
			),
			Error::<Test>::ModelVersionNotFound
		);
		assert_ok!(Registry::set_model_version_status(
			RuntimeOrigin::signed(ALICE),
			v,
			VersionStatus::Yanked
		));
		assert_noop!(
			Registry::submit_evaluation(
				RuntimeOrigin::signed(EVE),
				v,
				0,
				FixedI64::from_u32(1),
				hash(1),
				text("u"),
				50
			),
			Error::<Test>::VersionYanked
		);
		assert_noop!(
			Registry::register_benchmark(
				RuntimeOrigin::signed(EVE),
				DatasetVersionRef { dataset: 5, version: 0 },
				text("f1"),
				true
			),
			Error::<Test>::DatasetVersionNotFound
		);
	});
}

/// L-7 (and "every wait has a timeout"): a challenge the judge never rules on ends at its
/// judgement deadline; the evaluation stands, both bonds come back, and the evaluator is credited
/// the fee it paid.
#[test]
fn l7_an_unjudged_challenge_times_out_and_the_evaluation_stands() {
	new_test_ext().execute_with(|| {
		let (_, _, eval) = setup();
		let eve = free(EVE);
		assert_ok!(Registry::challenge_evaluation(RuntimeOrigin::signed(EVE), eval));
		assert_eq!(free(EVE), eve - 500);
		// Challenged at block 1: the judge has until block 21.
		System::set_block_number(21);
		assert_noop!(
			Registry::finalize_evaluation(RuntimeOrigin::signed(CHARLIE), eval),
			Error::<Test>::AwaitingJudgement
		);
		System::set_block_number(22);
		let dave = free(DAVE);
		assert_ok!(Registry::finalize_evaluation(RuntimeOrigin::signed(CHARLIE), eval));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::ModelRegistry(RegistryEvent::ChallengeTimedOut { evaluation: eval })));
		assert_eq!(last_event(), RegistryEvent::EvaluationAccepted { evaluation: eval });
		assert_eq!(free(EVE), eve);
		assert_eq!(free(DAVE), dave + 1_000);
		assert_eq!(eval_bond(DAVE), 0);
		assert!(contributions().contains(&(
			Earner::Account(DAVE),
			ContributionCategory::Evaluation,
			50
		)));
		// The judge can no longer rule.
		assert_noop!(
			Registry::resolve_challenge(RuntimeOrigin::root(), eval, false),
			Error::<Test>::NotChallenged
		);
	});
}
