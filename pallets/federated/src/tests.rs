//! Tests of federated training: every call's success (events, exact balances) and errors, every
//! round outcome, the attacks the design answers, and a property test of the books.

use crate::{mock::*, pallet::*, types::*, Event as FedEvent};
use codec::Encode;
use deai_abi::federated::{scores_commitment, update_commitment};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Hooks,
	},
	BoundedVec,
};
use sp_runtime::{DispatchError, Perbill};

const POT: Balance = 1_000;
const STAKE: Balance = 1_000;
const PHASE: u64 = 2;
/// What the first payment into the pot adds: its existential deposit.
const POT_ED: Balance = 5;
const DEPOSIT: Balance = 10;

fn spec() -> TaskSpec<Test> {
	TaskSpec {
		base: base(),
		target_model: MODEL,
		rounds: 2,
		round_pot: POT,
		participants: 3,
		evaluators: 3,
		aggregation: Aggregation::FedAvg,
		eval_dataset: eval_dataset(),
		eval_rows: 50,
		dp: Some(DpSetting { clip_norm_milli: 1_000, noise_multiplier_milli: 500 }),
		min_stake: 100,
		phase_blocks: PHASE,
		score_tolerance: 10,
		poison_threshold: 1_000,
	}
}

fn balance(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn events() -> Vec<FedEvent<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Federated(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn last_event() -> FedEvent<Test> {
	events().pop().expect("an event")
}

fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Federated::on_initialize(next);
	}
}

/// Runs blocks until the task's current phase (or wait) ends.
fn end_phase(task: TaskId) {
	match Tasks::<Test>::get(task).expect("task").status {
		TaskStatus::Running { ends_at, .. } | TaskStatus::Enrolling { retry_at: ends_at, .. } => {
			run_to(ends_at)
		},
		TaskStatus::Closed => panic!("closed"),
	}
}

fn phase(task: TaskId) -> Option<Phase> {
	match Tasks::<Test>::get(task)?.status {
		TaskStatus::Running { phase, .. } => Some(phase),
		_ => None,
	}
}

fn file(byte: u8) -> ModelFile<Test> {
	ModelFile {
		hash: [byte; 32],
		size: 1_000 + byte as u64,
		uri: BoundedVec::truncate_from(b"ipfs://file".to_vec()),
	}
}

fn salt(who: AccountId) -> [u8; 32] {
	[who as u8; 32]
}

fn participants(n: u64) -> Vec<AccountId> {
	(0..n).map(|i| P0 + i).collect()
}

fn evaluators(n: u64) -> Vec<AccountId> {
	(0..n).map(|i| E0 + i).collect()
}

/// Creates the task of `spec` and enrols `p` participants and `e` evaluators.
fn create_with(spec: TaskSpec<Test>, p: u64, e: u64) -> TaskId {
	let id = NextTaskId::<Test>::get();
	assert_ok!(Federated::create_task(RuntimeOrigin::signed(OWNER), spec));
	for who in participants(p) {
		make_provider(who, deai_abi::job_kind::TRAINING);
		assert_ok!(Federated::join(RuntimeOrigin::signed(who), id, Role::Participant, STAKE));
	}
	for who in evaluators(e) {
		make_provider(who, deai_abi::job_kind::EVALUATION);
		assert_ok!(Federated::join(RuntimeOrigin::signed(who), id, Role::Evaluator, STAKE));
	}
	id
}

fn create(p: u64, e: u64) -> TaskId {
	create_with(spec(), p, e)
}

fn drawn(task: TaskId) -> (Vec<AccountId>, Vec<AccountId>) {
	let round = Rounds::<Test>::get(task).expect("a round");
	(round.updates.iter().map(|s| s.who).collect(), round.scores.iter().map(|s| s.who).collect())
}

fn commit_update(who: AccountId, task: TaskId, byte: u8) {
	let round = Tasks::<Test>::get(task).unwrap().round;
	let c = update_commitment(task, round, &who.encode(), &[byte; 32], 10, &salt(who));
	assert_ok!(Federated::commit_update(RuntimeOrigin::signed(who), task, c));
}

fn reveal_update(who: AccountId, task: TaskId, byte: u8) {
	assert_ok!(Federated::reveal_update(
		RuntimeOrigin::signed(who),
		task,
		file(byte),
		10,
		salt(who)
	));
}

fn commit_scores(who: AccountId, task: TaskId, scores: &[Score], agg: u8) {
	let round = Tasks::<Test>::get(task).unwrap().round;
	let c = scores_commitment(task, round, &who.encode(), scores, &[agg; 32], &salt(who));
	assert_ok!(Federated::commit_scores(RuntimeOrigin::signed(who), task, c));
}

fn reveal_scores(who: AccountId, task: TaskId, scores: &[Score], agg: u8) {
	assert_ok!(Federated::reveal_scores(
		RuntimeOrigin::signed(who),
		task,
		BoundedVec::truncate_from(scores.to_vec()),
		file(agg),
		salt(who)
	));
}

/// Plays the round in progress from its draw to its finalization: `updates` says what each
/// participant submits (its update's byte, or nothing), `scores` what each evaluator reports
/// given the drawn participants (its scores and aggregate byte, or nothing).
fn play_round(
	task: TaskId,
	updates: &impl Fn(AccountId) -> Option<u8>,
	scores: &impl Fn(AccountId, &[AccountId]) -> Option<(Vec<Score>, u8)>,
) {
	assert_eq!(phase(task), Some(Phase::CommitUpdates));
	let (ps, es) = drawn(task);
	let plans: Vec<_> = ps.iter().map(|p| (*p, updates(*p))).collect();
	for (p, plan) in &plans {
		if let Some(b) = plan {
			commit_update(*p, task, *b);
		}
	}
	end_phase(task);
	for (p, plan) in &plans {
		if let Some(b) = plan {
			reveal_update(*p, task, *b);
		}
	}
	end_phase(task);
	assert_eq!(phase(task), Some(Phase::CommitScores));
	let cards: Vec<_> = es.iter().map(|e| (*e, scores(*e, &ps))).collect();
	for (e, card) in &cards {
		if let Some((s, agg)) = card {
			commit_scores(*e, task, s, *agg);
		}
	}
	end_phase(task);
	for (e, card) in &cards {
		if let Some((s, agg)) = card {
			reveal_scores(*e, task, s, *agg);
		}
	}
	end_phase(task);
}

/// The honest score of each participant's update in these tests: 10 → 600, 11 → 400, 12 → 0
/// (a free-rider), 14 → -5,000 (a poisoner), others 100.
fn true_score(p: AccountId) -> Score {
	match p {
		10 => 600,
		11 => 400,
		12 => 0,
		14 => -5_000,
		_ => 100,
	}
}

fn honest_updates(p: AccountId) -> Option<u8> {
	Some(p as u8)
}

fn honest_scores(_: AccountId, ps: &[AccountId]) -> Option<(Vec<Score>, u8)> {
	Some((ps.iter().map(|p| true_score(*p)).collect(), 0xA0))
}

fn member(task: TaskId, who: AccountId) -> Member<Test> {
	Ledgers::<Test>::get(task).into_iter().find(|m| m.who == who).expect("member")
}

fn outcome(task: TaskId, round: RoundIndex) -> FedEvent<Test> {
	events()
		.into_iter()
		.find(
			|e| matches!(e, FedEvent::RoundFinalized { task: t, round: r, .. } if *t == task && *r == round),
		)
		.expect("finalized")
}

// ---------------------------------------------------------------------------------------------
// Creating a task
// ---------------------------------------------------------------------------------------------

#[test]
fn create_task_pays_the_escrow_into_the_pot_and_holds_deposits() {
	new_test_ext().execute_with(|| {
		assert_ok!(Federated::create_task(RuntimeOrigin::signed(OWNER), spec()));
		// The publication deposit also keeps the task's publishing account alive.
		assert_eq!(balance(OWNER), FUNDS - 2 * POT - 2 * POT_ED - DEPOSIT - PUBLICATION_DEPOSIT);
		assert_eq!(balance(Federated::pot()), 2 * POT + POT_ED);
		assert_eq!(Balances::balance_on_hold(&HoldReason::StorageDeposit.into(), &OWNER), DEPOSIT);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::PublicationDeposit.into(), &OWNER),
			PUBLICATION_DEPOSIT + POT_ED
		);
		assert_eq!(pins(base()), 1);
		let task = Tasks::<Test>::get(0).unwrap();
		assert_eq!(task.status, TaskStatus::Enrolling { retry_at: 1 + PHASE, waits: 0 });
		assert_eq!(task.books.left, 2 * POT);
		assert_eq!(task.last_round, 1);
		assert_eq!(
			last_event(),
			FedEvent::TaskCreated {
				task: 0,
				owner: OWNER,
				base: base(),
				rounds: 2,
				round_pot: POT
			}
		);
		// A second task does not pay the pot's existential deposit again.
		assert_ok!(Federated::create_task(RuntimeOrigin::signed(OWNER), spec()));
		assert_eq!(balance(Federated::pot()), 4 * POT + POT_ED);
	});
}

#[test]
fn create_task_refuses_bad_specs_by_name() {
	new_test_ext().execute_with(|| {
		let refused = |change: &dyn Fn(&mut TaskSpec<Test>), error: Error<Test>| {
			let mut s = spec();
			change(&mut s);
			assert_noop!(Federated::create_task(RuntimeOrigin::signed(OWNER), s), error);
		};
		refused(&|s| s.rounds = 0, Error::RoundsOutOfRange);
		refused(&|s| s.rounds = 101, Error::RoundsOutOfRange);
		refused(&|s| s.participants = 0, Error::ParticipantsOutOfRange);
		refused(&|s| s.participants = 17, Error::ParticipantsOutOfRange);
		refused(&|s| s.evaluators = 1, Error::EvaluatorsOutOfRange);
		refused(&|s| s.evaluators = 4, Error::EvaluatorsOutOfRange);
		refused(&|s| s.evaluators = 7, Error::EvaluatorsOutOfRange);
		refused(&|s| s.min_stake = 99, Error::StakeTooLow);
		refused(&|s| s.phase_blocks = 1, Error::PhaseOutOfRange);
		refused(&|s| s.phase_blocks = 1001, Error::PhaseOutOfRange);
		refused(&|s| s.round_pot = 99, Error::RoundPotTooSmall);
		refused(&|s| s.eval_rows = 0, Error::NoEvalRows);
		refused(
			&|s| {
				s.aggregation =
					Aggregation::TrimmedMean { trim: sp_runtime::Percent::from_percent(50) }
			},
			Error::TrimTooLarge,
		);
		refused(&|s| s.score_tolerance = -1, Error::NegativeTolerance);
		refused(&|s| s.poison_threshold = -1, Error::NegativeTolerance);
		refused(
			&|s| s.dp = Some(DpSetting { clip_norm_milli: 0, noise_multiplier_milli: 1 }),
			Error::InvalidDpSetting,
		);
		refused(&|s| s.round_pot = Balance::MAX, Error::Overflow);
		// The registry's own errors: an unusable base or dataset, a model not the owner's.
		let mut s = spec();
		s.base.version = 9;
		assert_noop!(
			Federated::create_task(RuntimeOrigin::signed(OWNER), s),
			DispatchError::Other("unusable model")
		);
		let mut s = spec();
		s.eval_dataset.version = 9;
		assert_noop!(
			Federated::create_task(RuntimeOrigin::signed(OWNER), s),
			DispatchError::Other("unusable dataset")
		);
		assert_noop!(
			Federated::create_task(RuntimeOrigin::signed(STRANGER), spec()),
			DispatchError::Other("not the model's owner")
		);
		// An owner who cannot pay the escrow.
		let mut s = spec();
		s.round_pot = FUNDS;
		assert!(Federated::create_task(RuntimeOrigin::signed(OWNER), s).is_err());
		assert!(Tasks::<Test>::iter().next().is_none());
	});
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

#[test]
fn join_pays_the_stake_in_and_refuses_by_name() {
	new_test_ext().execute_with(|| {
		let task = create(0, 0);
		let join =
			|who, role, stake| Federated::join(RuntimeOrigin::signed(who), task, role, stake);
		assert_noop!(join(P0, Role::Participant, STAKE), Error::<Test>::NotAProvider);
		// A provider offering evaluation only may not train.
		make_provider(P0, deai_abi::job_kind::EVALUATION);
		assert_noop!(join(P0, Role::Participant, STAKE), Error::<Test>::NotAProvider);
		make_provider(P0, deai_abi::job_kind::TRAINING);
		assert_noop!(join(P0, Role::Participant, 99), Error::<Test>::StakeTooLow);
		make_provider(OWNER, deai_abi::job_kind::ALL);
		assert_noop!(join(OWNER, Role::Participant, STAKE), Error::<Test>::OwnerMayNotJoin);
		assert_noop!(
			Federated::join(RuntimeOrigin::signed(P0), 9, Role::Participant, STAKE),
			Error::<Test>::TaskNotFound
		);
		let pot = balance(Federated::pot());
		assert_ok!(join(P0, Role::Participant, STAKE));
		assert_eq!(balance(P0), FUNDS - STAKE);
		assert_eq!(balance(Federated::pot()), pot + STAKE);
		assert_eq!(
			last_event(),
			FedEvent::Joined { task, who: P0, role: Role::Participant, stake: STAKE }
		);
		assert_noop!(join(P0, Role::Participant, STAKE), Error::<Test>::AlreadyMember);
		// An evaluator must be allowed to use the evaluation dataset.
		make_provider(E0, deai_abi::job_kind::EVALUATION);
		DATASET_REFUSED.with(|r| r.borrow_mut().insert(E0));
		assert_noop!(
			join(E0, Role::Evaluator, STAKE),
			DispatchError::Other("provider not approved")
		);
		// The ledger is bounded: `MaxMembers` (24) members.
		for who in 100..123 {
			let _ = Balances::force_set_balance(RuntimeOrigin::root(), who, FUNDS);
			make_provider(who, deai_abi::job_kind::TRAINING);
			assert_ok!(join(who, Role::Participant, STAKE));
		}
		make_provider(P0 + 1, deai_abi::job_kind::TRAINING);
		assert_noop!(join(P0 + 1, Role::Participant, STAKE), Error::<Test>::TaskFull);
	});
}

#[test]
fn withdraw_and_leave_pay_out_exactly() {
	new_test_ext().execute_with(|| {
		let task = create(3, 3);
		assert_noop!(
			Federated::withdraw(RuntimeOrigin::signed(P0), task),
			Error::<Test>::NothingToWithdraw
		);
		assert_noop!(
			Federated::withdraw(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::NotMember
		);
		assert_noop!(
			Federated::leave(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::NotMember
		);
		end_phase(task);
		// Drawn members stay until the round ends.
		assert_noop!(
			Federated::leave(RuntimeOrigin::signed(P0), task),
			Error::<Test>::DrawnThisRound
		);
		play_round(task, &honest_updates, &honest_scores);
		let earned = member(task, P0).earned;
		assert_eq!(earned, 480);
		assert_ok!(Federated::withdraw(RuntimeOrigin::signed(P0), task));
		assert_eq!(balance(P0), FUNDS - STAKE + 480);
		assert_eq!(last_event(), FedEvent::Withdrawn { task, who: P0, amount: 480 });
		assert_eq!(member(task, P0).earned, 0);
		// Round 1 is drawn at once: P0 is in it again.
		assert_noop!(
			Federated::leave(RuntimeOrigin::signed(P0), task),
			Error::<Test>::DrawnThisRound
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Rounds
// ---------------------------------------------------------------------------------------------

#[test]
fn an_honest_round_pays_by_median_score_and_moves_the_global_model() {
	new_test_ext().execute_with(|| {
		let task = create(3, 3);
		end_phase(task);
		let (ps, es) = drawn(task);
		let mut sorted = ps.clone();
		sorted.sort();
		assert_eq!(sorted, participants(3));
		assert_eq!(es.len(), 3);
		assert!(events()
			.iter()
			.any(|e| matches!(e, FedEvent::RoundStarted { round: 0, global: None, .. })));
		// Evaluators differ by a few micro-loss (within tolerance): the median decides.
		let scores = |e: AccountId, ps: &[AccountId]| {
			let noise = (e - E0) as Score * 3;
			Some((ps.iter().map(|p| true_score(*p) + noise).collect::<Vec<_>>(), 0xA0))
		};
		play_round(task, &honest_updates, &scores);
		// Medians: 603, 403, 3 (the free-rider's zero update scores the noise).
		let FedEvent::RoundFinalized {
			aggregate,
			participants: outcomes,
			evaluators,
			to_treasury,
			..
		} = outcome(task, 0)
		else {
			unreachable!()
		};
		assert_eq!(aggregate, Some(file(0xA0)));
		let paid = |who| outcomes.iter().find(|o| o.who == who).unwrap().paid;
		// 800 by score 603 : 403 : 3 (of 1,009).
		assert_eq!(paid(10), 800 * 603 / 1009);
		assert_eq!(paid(11), 800 * 403 / 1009);
		assert_eq!(paid(12), 800 * 3 / 1009);
		assert!(evaluators.iter().all(|o| o.agreed && o.paid == 66 && o.slashed == 0));
		let task_info = Tasks::<Test>::get(task).unwrap();
		assert_eq!(task_info.global, Some(file(0xA0)));
		let spent = paid(10) + paid(11) + paid(12) + 3 * 66;
		// The whole pot is spent: what rounding left goes to the treasury, not back.
		assert_eq!(to_treasury, POT - spent);
		assert_eq!(task_info.books.left, POT);
		assert_eq!(task_info.books.paid, spent);
		assert_eq!(task_info.books.treasury_due, POT - spent);
		assert_eq!(member(task, 10).score, 603);
		// The next round is drawn in the same block and trains the new global model.
		assert_eq!(task_info.round, 1);
		assert_eq!(phase(task), Some(Phase::CommitUpdates));
		assert!(events()
			.iter()
			.any(|e| matches!(e, FedEvent::RoundStarted { round: 1, global: Some(_), .. })));
	});
}

#[test]
fn free_riders_earn_nothing_and_poisoners_and_silent_members_are_slashed_to_the_honest() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.participants = 5;
		let task = create_with(s, 5, 3);
		end_phase(task);
		// 10 and 11 honest, 12 a free-rider (score 0), 13 reveals nothing, 14 a poisoner;
		// evaluator 22 reveals nothing.
		let updates = |p: AccountId| if p == 13 { None } else { Some(p as u8) };
		let scores = |e: AccountId, ps: &[AccountId]| {
			(e != 22).then(|| (ps.iter().map(|p| true_score(*p)).collect(), 0xA0))
		};
		let treasury = balance(TREASURY);
		play_round(task, &updates, &scores);
		let FedEvent::RoundFinalized { participants: outcomes, evaluators, to_treasury, .. } =
			outcome(task, 0)
		else {
			unreachable!()
		};
		let of = |who| outcomes.iter().find(|o| o.who == who).unwrap().clone();
		// Slashes: the poisoner 50% (500), the silent participant and evaluator 10% (100 each).
		assert_eq!(of(14).slashed, 500);
		assert_eq!(of(14).paid, 0);
		assert_eq!(of(14).median, Some(-5_000));
		assert_eq!(of(13).slashed, 100);
		assert_eq!(of(13).median, None);
		assert_eq!(of(12).paid, 0);
		assert_eq!(of(12).median, Some(0));
		let slashed = 700;
		// The honest share the pool and the slashes 600 : 400.
		assert_eq!(of(10).paid, 800 * 600 / 1000 + slashed * 600 / 1000);
		assert_eq!(of(11).paid, 800 * 400 / 1000 + slashed * 400 / 1000);
		assert_eq!(to_treasury, 0);
		assert_eq!(balance(TREASURY), treasury);
		let silent = evaluators.iter().find(|o| o.who == 22).unwrap();
		assert!(!silent.agreed && silent.paid == 0 && silent.slashed == 100);
		// The two others share the evaluators' 200.
		assert!(evaluators.iter().filter(|o| o.who != 22).all(|o| o.agreed && o.paid == 100));
		assert_eq!(member(task, 14).stake, STAKE - 500);
		assert_eq!(member(task, 22).stake, STAKE - 100);
		// Nothing of the slashes reached the owner.
		let books = Tasks::<Test>::get(task).unwrap().books;
		assert_eq!(books.slashed, slashed);
		assert_eq!(books.left, 2 * POT - 800 - 200);
	});
}

#[test]
fn evaluators_off_the_median_or_the_aggregate_are_not_paid() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.evaluators = 5;
		let task = create_with(s, 3, 5);
		end_phase(task);
		let (_, es) = drawn(task);
		let (liar, forger) = (es[0], es[1]);
		let scores = move |e: AccountId, ps: &[AccountId]| {
			let honest: Vec<Score> = ps.iter().map(|p| true_score(*p)).collect();
			Some(if e == liar {
				// Inflates one participant's score far beyond the tolerance.
				(honest.iter().map(|s| s + 5_000).collect(), 0xA0)
			} else if e == forger {
				(honest, 0xB0)
			} else {
				(honest, 0xA0)
			})
		};
		play_round(task, &honest_updates, &scores);
		let FedEvent::RoundFinalized { aggregate, evaluators, participants: outcomes, .. } =
			outcome(task, 0)
		else {
			unreachable!()
		};
		assert_eq!(aggregate, Some(file(0xA0)));
		for o in &evaluators {
			let honest = o.who != liar && o.who != forger;
			assert_eq!(o.agreed, honest);
			assert_eq!(o.paid, if honest { 200 / 3 } else { 0 });
			assert_eq!(o.slashed, 0);
		}
		// The liar did not move the medians.
		assert_eq!(outcomes.iter().find(|o| o.who == 10).unwrap().median, Some(600));
	});
}

#[test]
fn a_round_without_a_majority_aggregate_pays_nobody() {
	new_test_ext().execute_with(|| {
		let task = create(3, 3);
		end_phase(task);
		let scores = |e: AccountId, ps: &[AccountId]| {
			Some((ps.iter().map(|p| true_score(*p)).collect(), e as u8))
		};
		let updates = |p: AccountId| (p != 12).then_some(p as u8);
		let treasury = balance(TREASURY);
		play_round(task, &updates, &scores);
		let FedEvent::RoundFinalized {
			aggregate,
			participants: outcomes,
			evaluators,
			to_treasury,
			..
		} = outcome(task, 0)
		else {
			unreachable!()
		};
		assert_eq!(aggregate, None);
		assert!(outcomes.iter().all(|o| o.paid == 0));
		assert!(evaluators.iter().all(|o| !o.agreed && o.paid == 0));
		// Updates were revealed (anyone could fetch them): the pot is spent, and with the silent
		// participant's slash it goes to the treasury, not back to the owner (whose evaluators
		// could otherwise void rounds for free).
		assert_eq!(to_treasury, POT + 100);
		// Owed now, paid when the task closes.
		assert_eq!(balance(TREASURY), treasury);
		let t = Tasks::<Test>::get(task).unwrap();
		assert_eq!(t.global, None);
		assert_eq!(t.books.left, POT);
		assert_eq!(t.books.treasury_due, POT + 100);
		play_round(task, &updates, &scores);
		let t = Tasks::<Test>::get(task).unwrap();
		assert_eq!(t.status, TaskStatus::Closed);
		// The second round's slash is 10% of the 900 left.
		assert_eq!(t.books.to_treasury, 2 * POT + 100 + 90);
		assert_eq!(balance(TREASURY), treasury + 2 * POT + 100 + 90);
	});
}

#[test]
fn the_last_round_closes_the_task_refunds_and_publishes_with_the_participants() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.participants = 4;
		let task = create_with(s, 4, 3);
		end_phase(task);
		play_round(task, &honest_updates, &honest_scores);
		play_round(task, &honest_updates, &honest_scores);
		let t = Tasks::<Test>::get(task).unwrap();
		assert_eq!(t.status, TaskStatus::Closed);
		// Each round paid 800 · (600 + 400 + 100) / 1,100 (the free-rider nothing) plus 3 × 66;
		// the rounding went to the treasury. Both rounds were played: nothing is refunded.
		let per_round = 800 * 600 / 1100 + 800 * 400 / 1100 + 800 * 100 / 1100 + 3 * 66;
		let refunded = 0;
		assert_eq!(t.books.paid, 2 * per_round);
		assert_eq!(t.books.to_treasury, 2 * (POT - per_round));
		assert_eq!(t.books.refunded, refunded);
		assert_eq!(t.books.left, 0);
		assert!(events().contains(&FedEvent::TaskClosed {
			task,
			model: Some(file(0xA0)),
			refunded
		}));
		assert_eq!(pins(base()), 0);
		// Published by the task's account for the owner (who could not take the hash first), with the
		// participants by cumulative score (at most 3 in this mock), sharing 70%: 1,200 : 800 :
		// 200.
		let (publisher, version) = published().pop().expect("published");
		assert_eq!(publisher, Federated::publishing_account(task));
		assert_ne!(publisher, Federated::pot());
		assert_eq!(version.model, MODEL);
		assert_eq!(version.parent, base());
		assert_eq!(version.hash, [0xA0; 32]);
		assert_eq!(version.size, 1_000 + 0xA0);
		let share = |part: u128| Perbill::from_rational(part, 2_200) * Perbill::from_percent(70);
		assert_eq!(
			version.contributors,
			vec![(10, share(1_200)), (11, share(800)), (13, share(200))]
		);
		assert_eq!(
			t.published,
			Some(deai_primitives::ModelVersionRef { model: MODEL, version: 100 })
		);
		// The deposits: the version's (250 of the 300 held) is held on the task's account now,
		// with the existential deposit keeping it alive; the rest came back.
		assert_eq!(Balances::balance_on_hold(&HoldReason::PublicationDeposit.into(), &OWNER), 0);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::StorageDeposit.into(), &publisher),
			VERSION_DEPOSIT
		);
		assert_eq!(balance(publisher), POT_ED);
		assert_eq!(
			balance(OWNER),
			FUNDS - 2 * POT - 2 * POT_ED - DEPOSIT - VERSION_DEPOSIT + refunded
		);
		// Members leave with stake and earnings; the last one removes the task.
		for who in participants(4).into_iter().chain(evaluators(3)) {
			let m = member(task, who);
			let before = balance(who);
			assert_ok!(Federated::leave(RuntimeOrigin::signed(who), task));
			assert_eq!(balance(who), before + m.stake + m.earned);
		}
		assert!(Tasks::<Test>::get(task).is_none());
		assert_eq!(balance(OWNER), FUNDS - 2 * POT - 2 * POT_ED - VERSION_DEPOSIT + refunded);
		assert_eq!(balance(Federated::pot()), POT_ED);
	});
}

#[test]
fn a_failed_publication_closes_the_task_all_the_same() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.rounds = 1;
		let task = create_with(s, 3, 3);
		PUBLISH_FAILS.with(|f| *f.borrow_mut() = true);
		end_phase(task);
		play_round(task, &honest_updates, &honest_scores);
		// (An `Other` error's text is not kept in events.)
		assert!(events()
			.iter()
			.any(|e| matches!(e, FedEvent::PublishFailed { task: t, .. } if *t == task)));
		let t = Tasks::<Test>::get(task).unwrap();
		assert_eq!(t.status, TaskStatus::Closed);
		assert_eq!(t.published, None);
		assert_eq!(t.global, Some(file(0xA0)));
		assert_eq!(Balances::balance_on_hold(&HoldReason::PublicationDeposit.into(), &OWNER), 0);
	});
}

#[test]
fn no_task_can_take_the_hash_another_task_publishes() {
	new_test_ext().execute_with(|| {
		// Two tasks agree on the same aggregate (a sybil task's evaluators can report another
		// task's, which anyone can compute once its updates are revealed): each task publishes
		// by its own account, so the first to close blocks nothing.
		let mut s = spec();
		s.rounds = 1;
		let first = create_with(s.clone(), 3, 3);
		end_phase(first);
		play_round(first, &honest_updates, &honest_scores);
		let second = create_with(s, 3, 3);
		end_phase(second);
		play_round(second, &honest_updates, &honest_scores);
		let published = published();
		assert_eq!(published.len(), 2);
		assert_eq!(published[0].0, Federated::publishing_account(first));
		assert_eq!(published[1].0, Federated::publishing_account(second));
		assert_eq!(published[0].1.hash, published[1].1.hash);
		assert!(Tasks::<Test>::get(second).unwrap().published.is_some());
	});
}

#[test]
fn a_version_deposit_priced_above_the_held_one_is_refused() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.rounds = 1;
		// Exactly what the owner holds: published, nothing comes back but the refund.
		VERSION_DEPOSIT_NOW.with(|d| *d.borrow_mut() = PUBLICATION_DEPOSIT);
		let task = create_with(s.clone(), 3, 3);
		end_phase(task);
		play_round(task, &honest_updates, &honest_scores);
		let publisher = Federated::publishing_account(task);
		assert!(Tasks::<Test>::get(task).unwrap().published.is_some());
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::StorageDeposit.into(), &publisher),
			PUBLICATION_DEPOSIT
		);
		assert_eq!(balance(publisher), POT_ED);
		// Priced higher by an upgrade since the task was created: the pot and the publishing
		// account pay nothing; the owner gets its publication deposit back.
		let task = create_with(s.clone(), 3, 3);
		VERSION_DEPOSIT_NOW.with(|d| *d.borrow_mut() = PUBLICATION_DEPOSIT + 1);
		end_phase(task);
		let owner_before = Balances::total_balance(&OWNER);
		play_round(task, &honest_updates, &honest_scores);
		// (The publishing account cannot hold it: the registry's hold fails first.)
		assert!(events()
			.iter()
			.any(|e| matches!(e, FedEvent::PublishFailed { task: t, .. } if *t == task)));
		assert_eq!(Tasks::<Test>::get(task).unwrap().published, None);
		assert_eq!(Balances::balance_on_hold(&HoldReason::PublicationDeposit.into(), &OWNER), 0);
		assert_eq!(Balances::total_balance(&Federated::publishing_account(task)), 0);
		// Nothing of the owner's was kept (its escrow was paid before).
		assert_eq!(Balances::total_balance(&OWNER), owner_before);
		// Even when someone gave the publishing account enough to hold it.
		let task = create_with(s, 3, 3);
		let publisher = Federated::publishing_account(task);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(STRANGER), publisher, 100));
		end_phase(task);
		play_round(task, &honest_updates, &honest_scores);
		assert!(events().contains(&FedEvent::PublishFailed {
			task,
			error: Error::<Test>::PublicationDepositTooSmall.into()
		}));
		assert_eq!(balance(publisher), 100);
	});
}

#[test]
fn end_task_stops_after_the_current_round_or_at_once() {
	new_test_ext().execute_with(|| {
		// While enrolling: closes at once, everything refunded, nothing published.
		let task = create(0, 0);
		assert_noop!(
			Federated::end_task(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::NotOwner
		);
		assert_ok!(Federated::end_task(RuntimeOrigin::signed(OWNER), task));
		assert!(Tasks::<Test>::get(task).is_none(), "no members: removed");
		assert_eq!(balance(OWNER), FUNDS - POT_ED);
		assert!(published().is_empty());
		assert_noop!(
			Federated::end_task(RuntimeOrigin::signed(OWNER), task),
			Error::<Test>::TaskNotFound
		);

		// While running: round 0 is the last.
		let mut s = spec();
		s.rounds = 5;
		let task = create_with(s, 3, 3);
		end_phase(task);
		assert_ok!(Federated::end_task(RuntimeOrigin::signed(OWNER), task));
		assert_eq!(last_event(), FedEvent::TaskEnding { task, last_round: 0 });
		assert_noop!(
			Federated::end_task(RuntimeOrigin::signed(OWNER), task),
			Error::<Test>::AlreadyEnding
		);
		play_round(task, &honest_updates, &honest_scores);
		let t = Tasks::<Test>::get(task).unwrap();
		assert_eq!(t.status, TaskStatus::Closed);
		// Round 0's pot was spent (its rounding to the treasury); the four not played come back.
		assert_eq!(t.books.refunded, 4 * POT);
		assert_noop!(
			Federated::end_task(RuntimeOrigin::signed(OWNER), task),
			Error::<Test>::TaskClosed
		);
		make_provider(STRANGER, deai_abi::job_kind::ALL);
		assert_noop!(
			Federated::join(RuntimeOrigin::signed(STRANGER), task, Role::Participant, STAKE),
			Error::<Test>::TaskClosed
		);
	});
}

#[test]
fn a_round_waits_for_enough_members() {
	new_test_ext().execute_with(|| {
		let task = create(2, 3);
		end_phase(task);
		assert_eq!(
			last_event(),
			FedEvent::RoundWaiting { task, round: 0, retry_at: 1 + 2 * PHASE }
		);
		assert_eq!(phase(task), None);
		make_provider(P0 + 2, deai_abi::job_kind::TRAINING);
		assert_ok!(Federated::join(RuntimeOrigin::signed(P0 + 2), task, Role::Participant, STAKE));
		end_phase(task);
		assert_eq!(phase(task), Some(Phase::CommitUpdates));
	});
}

#[test]
fn members_staked_below_the_minimum_are_not_drawn() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.min_stake = STAKE;
		s.participants = 2;
		let task = create_with(s, 3, 3);
		end_phase(task);
		// A participant reveals nothing and loses 10%: below the minimum, it is not drawn again.
		let (ps, _) = drawn(task);
		let silent = ps[0];
		play_round(task, &|p| (p != silent).then_some(p as u8), &honest_scores);
		assert!(member(task, silent).stake < STAKE);
		let (ps, _) = drawn(task);
		assert!(!ps.contains(&silent));
	});
}

#[test]
fn commitments_and_reveals_refuse_by_name() {
	new_test_ext().execute_with(|| {
		let task = create(3, 3);
		let c = [1u8; 32];
		assert_noop!(
			Federated::commit_update(RuntimeOrigin::signed(P0), task, c),
			Error::<Test>::WrongPhase
		);
		assert_noop!(
			Federated::commit_update(RuntimeOrigin::signed(P0), 9, c),
			Error::<Test>::TaskNotFound
		);
		end_phase(task);
		let (ps, es) = drawn(task);
		assert_noop!(
			Federated::commit_update(RuntimeOrigin::signed(es[0]), task, c),
			Error::<Test>::NotDrawn
		);
		assert_noop!(
			Federated::commit_scores(RuntimeOrigin::signed(es[0]), task, c),
			Error::<Test>::WrongPhase
		);
		commit_update(ps[0], task, 1);
		assert_eq!(last_event(), FedEvent::UpdateCommitted { task, who: ps[0] });
		assert_noop!(
			Federated::commit_update(RuntimeOrigin::signed(ps[0]), task, c),
			Error::<Test>::AlreadyCommitted
		);
		commit_update(ps[1], task, 2);
		// ps[2] commits to the same update as ps[1] (a copy): its reveal is refused.
		commit_update(ps[2], task, 2);
		end_phase(task);
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[0]), task, file(1), 0, salt(ps[0])),
			Error::<Test>::NoSamples
		);
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[0]), task, file(9), 10, salt(ps[0])),
			Error::<Test>::CommitmentMismatch
		);
		// A commitment copied from another account does not open for the copier.
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[0]), task, file(1), 10, salt(ps[1])),
			Error::<Test>::CommitmentMismatch
		);
		reveal_update(ps[0], task, 1);
		assert_eq!(
			last_event(),
			FedEvent::UpdateRevealed { task, who: ps[0], update: file(1), samples: 10 }
		);
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[0]), task, file(1), 10, salt(ps[0])),
			Error::<Test>::DuplicateUpdate
		);
		reveal_update(ps[1], task, 2);
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[2]), task, file(2), 10, salt(ps[2])),
			Error::<Test>::DuplicateUpdate
		);
		assert_noop!(
			Federated::reveal_update(RuntimeOrigin::signed(ps[0]), task, file(3), 10, salt(ps[0])),
			Error::<Test>::AlreadyRevealed
		);
		end_phase(task);
		assert!(events()
			.iter()
			.any(|e| matches!(e, FedEvent::EvalRowsDrawn { task: t, round: 0, .. } if *t == task)));
		assert!(Rounds::<Test>::get(task).unwrap().eval_seed.is_some());
		commit_scores(es[0], task, &[1, 2, 3], 0xA0);
		assert_eq!(last_event(), FedEvent::ScoresCommitted { task, who: es[0] });
		assert_noop!(
			Federated::commit_scores(RuntimeOrigin::signed(es[0]), task, c),
			Error::<Test>::AlreadyCommitted
		);
		end_phase(task);
		let reveal = |who, scores: Vec<Score>, agg, salt| {
			Federated::reveal_scores(
				RuntimeOrigin::signed(who),
				task,
				BoundedVec::truncate_from(scores),
				file(agg),
				salt,
			)
		};
		assert_noop!(reveal(es[0], vec![1, 2], 0xA0, salt(es[0])), Error::<Test>::WrongScoreCount);
		assert_noop!(
			reveal(es[0], vec![1, 2, 4], 0xA0, salt(es[0])),
			Error::<Test>::CommitmentMismatch
		);
		assert_noop!(reveal(es[1], vec![1, 2, 3], 0xA0, salt(es[1])), Error::<Test>::NotCommitted);
		assert_noop!(reveal(ps[0], vec![1, 2, 3], 0xA0, salt(ps[0])), Error::<Test>::NotDrawn);
		assert_ok!(reveal(es[0], vec![1, 2, 3], 0xA0, salt(es[0])));
		assert_noop!(
			reveal(es[0], vec![1, 2, 3], 0xA0, salt(es[0])),
			Error::<Test>::AlreadyRevealed
		);
	});
}

#[test]
fn a_phase_ends_in_the_next_block_once_everyone_acted() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.phase_blocks = 50;
		let task = create_with(s, 3, 3);
		end_phase(task);
		let (ps, _) = drawn(task);
		let start = System::block_number();
		for p in &ps {
			commit_update(*p, task, *p as u8);
		}
		assert_eq!(
			Tasks::<Test>::get(task).unwrap().status,
			TaskStatus::Running { phase: Phase::CommitUpdates, ends_at: start + 1 }
		);
		run_to(start + 1);
		assert_eq!(phase(task), Some(Phase::RevealUpdates));
	});
}

#[test]
fn the_hook_handles_a_bounded_number_of_phase_ends_a_block_and_carries_the_rest() {
	new_test_ext().execute_with(|| {
		// Three tasks waiting in the same block; `MaxPhaseEndsPerBlock` is 2.
		for _ in 0..3 {
			assert_ok!(Federated::create_task(RuntimeOrigin::signed(OWNER), spec()));
		}
		run_to(1 + PHASE);
		let waiting =
			|n| events().iter().filter(|e| matches!(e, FedEvent::RoundWaiting { .. })).count() == n;
		assert!(waiting(2));
		run_to(2 + PHASE);
		assert!(waiting(3));
		// The third retries one block later than the others, and the queue stays one entry each.
		assert_eq!(ScheduledPhaseEnds::<Test>::get(), 3);
	});
}

#[test]
fn the_draw_is_disjoint_and_follows_the_randomness() {
	new_test_ext().execute_with(|| {
		let mut s = spec();
		s.participants = 4;
		s.evaluators = 3;
		let task = create_with(s.clone(), 8, 4);
		end_phase(task);
		let (ps, es) = drawn(task);
		assert_eq!(ps.len(), 4);
		assert_eq!(es.len(), 3);
		assert!(ps.iter().all(|p| !es.contains(p)));
		let marked: Vec<_> =
			Ledgers::<Test>::get(task).iter().filter(|m| m.drawn).map(|m| m.who).collect();
		assert_eq!(marked.len(), 7);
		// Another seed, another draw (for some task among a few).
		SEED.with(|x| *x.borrow_mut() = 1);
		let mut differs = false;
		for _ in 0..4 {
			let other = NextTaskId::<Test>::get();
			assert_ok!(Federated::create_task(RuntimeOrigin::signed(OWNER), s.clone()));
			for who in participants(8) {
				assert_ok!(Federated::join(
					RuntimeOrigin::signed(who),
					other,
					Role::Participant,
					STAKE
				));
			}
			for who in evaluators(4) {
				assert_ok!(Federated::join(
					RuntimeOrigin::signed(who),
					other,
					Role::Evaluator,
					STAKE
				));
			}
			end_phase(other);
			differs |= drawn(other).0 != ps;
		}
		assert!(differs);
	});
}

// ---------------------------------------------------------------------------------------------
// The books under any behaviour
// ---------------------------------------------------------------------------------------------

mod properties {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		/// Whatever members do (commit or not, reveal or not, score anything, agree or not) and
		/// whenever the owner ends the task: no money is created or lost, every task's books
		/// balance (`do_try_state`), nobody is paid more than the rounds' pots and slashes, and
		/// a participant whose update the evaluators agree helps is always paid.
		#[test]
		fn money_is_conserved_and_honest_participants_are_paid(
			rounds in 1u32..4,
			p in 1u32..6,
			e in proptest::sample::select(vec![3u32, 5]),
			behaviour in proptest::collection::vec((0u8..4, -3_000i64..3_000, 0u8..4), 40),
			end_after in proptest::option::of(0u32..3),
		) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				let mut s = spec();
				s.rounds = rounds;
				s.participants = p;
				s.evaluators = e;
				let task = create_with(s, p as u64 + 1, e as u64);
				end_phase(task);
				let mut round = 0u32;
				while phase(task).is_some() {
					if end_after == Some(round) {
						let _ = Federated::end_task(RuntimeOrigin::signed(OWNER), task);
					}
					let pick = |who: AccountId| behaviour[(who as usize + round as usize) % behaviour.len()];
					let updates = |who: AccountId| (pick(who).0 != 0).then_some(who as u8 + 16 * round as u8);
					let scores = |ev: AccountId, ps: &[AccountId]| {
						let (mode, noise, agg) = pick(ev);
						(mode != 0).then(|| {
							(ps.iter().map(|x| pick(*x).1 + if mode == 3 { noise } else { 0 }).collect(), 0xA0 + agg % 2)
						})
					};
					play_round(task, &updates, &scores);
					let FedEvent::RoundFinalized { participants: outcomes, aggregate, .. } = outcome(task, round) else { unreachable!() };
					// Whoever the evaluators agree helped gets at least its share of the pool.
					let helped = |o: &ParticipantOutcome<Test>| {
						aggregate.is_some() && o.slashed == 0 && o.median.is_some_and(|m| m > 0)
					};
					let total: u128 = outcomes.iter().filter(|o| helped(o)).map(|o| o.median.unwrap() as u128).sum();
					for o in outcomes.iter().filter(|o| helped(o)) {
						prop_assert!(o.paid >= POT * 8 / 10 * o.median.unwrap() as u128 / total);
					}
					round += 1;
				}
				let t = Tasks::<Test>::get(task).unwrap();
				prop_assert_eq!(t.status, TaskStatus::Closed);
				prop_assert_eq!(t.books.left, 0);
				prop_assert!(t.books.paid <= t.books.escrowed + t.books.slashed);
				prop_assert_eq!(Balances::total_issuance(), issuance);
				Federated::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
				Ok(())
			})?;
		}
	}
}

#[test]
fn a_minority_of_evaluators_cannot_slash_an_honest_update() {
	new_test_ext().execute_with(|| {
		let task = create(3, 3);
		end_phase(task);
		let (_, es) = drawn(task);
		let (liar, silent) = (es[0], es[2]);
		// The liar scores every update as poison; another evaluator reveals nothing, so that the
		// lower median of the two cards revealed is the liar's.
		let scores = move |e: AccountId, ps: &[AccountId]| {
			if e == silent {
				None
			} else if e == liar {
				Some((vec![-5_000; ps.len()], 0xA0))
			} else {
				Some((ps.iter().map(|p| true_score(*p)).collect(), 0xA0))
			}
		};
		play_round(task, &honest_updates, &scores);
		let FedEvent::RoundFinalized { participants: outcomes, .. } = outcome(task, 0) else {
			unreachable!()
		};
		// One of three drawn evaluators is not a majority: nobody is slashed for poisoning.
		assert!(outcomes.iter().all(|o| o.slashed == 0), "{outcomes:?}");
		assert!(member(task, 10).stake == STAKE && member(task, 11).stake == STAKE);
	});
}

#[test]
fn a_participant_that_leaves_keeps_its_share_of_the_trained_model() {
	new_test_ext().execute_with(|| {
		// Two participants, and a minimum stake a silent evaluator falls below: round 1 waits
		// for members, and a participant of round 0 leaves meanwhile.
		let mut s = spec();
		s.participants = 2;
		s.min_stake = STAKE;
		let task = create_with(s, 2, 3);
		end_phase(task);
		let (_, es) = drawn(task);
		let silent = es[0];
		let helpful = move |e: AccountId, ps: &[AccountId]| {
			(e != silent).then(|| (vec![500; ps.len()], 0xA0))
		};
		play_round(task, &honest_updates, &helpful);
		assert!(matches!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Enrolling { .. }));
		let leaver = P0;
		let score = member(task, leaver).score;
		assert_eq!(score, 500);
		let before = balance(leaver);
		let earned = member(task, leaver).earned;
		assert_ok!(Federated::leave(RuntimeOrigin::signed(leaver), task));
		assert_eq!(balance(leaver), before + STAKE + earned);
		// Its entry stays, without stake, for its score; it is not a member for anything else.
		let former = member(task, leaver);
		assert_eq!((former.stake, former.earned, former.score), (0, 0, score));
		assert_noop!(
			Federated::leave(RuntimeOrigin::signed(leaver), task),
			Error::<Test>::NotMember
		);
		for (who, role, kind) in [
			(P0 + 5, Role::Participant, deai_abi::job_kind::TRAINING),
			(E0 + 3, Role::Evaluator, deai_abi::job_kind::EVALUATION),
		] {
			make_provider(who, kind);
			assert_ok!(Federated::join(RuntimeOrigin::signed(who), task, role, STAKE));
		}
		end_phase(task);
		play_round(task, &honest_updates, &|_: AccountId, ps: &[AccountId]| {
			Some((vec![500; ps.len()], 0xA0))
		});
		let (_, version) = published().pop().expect("published");
		assert!(version.contributors.iter().any(|(who, _)| *who == leaver));
		// The closed task keeps only members with something to withdraw.
		assert!(Ledgers::<Test>::get(task).iter().all(|m| m.who != leaver));
	});
}

#[test]
fn members_joining_once_the_draws_randomness_is_public_wait_for_the_next_draw() {
	new_test_ext().execute_with(|| {
		// The draw at block 3 uses randomness public since block 2: a sybil joining in block 2
		// could compute whether it would be drawn, and join only if so.
		let task = create(3, 2);
		let draw_at = 1 + PHASE;
		System::set_block_number(draw_at - 1);
		make_provider(E0 + 2, deai_abi::job_kind::EVALUATION);
		assert_ok!(Federated::join(RuntimeOrigin::signed(E0 + 2), task, Role::Evaluator, STAKE));
		assert_eq!(member(task, E0 + 2).joined_at, draw_at - 1);
		end_phase(task);
		// Two evaluators joined in time, three are needed: the late one does not count.
		assert_eq!(phase(task), None);
		assert!(events().iter().any(|e| matches!(e, FedEvent::RoundWaiting { .. })));
		// At the next draw it does.
		end_phase(task);
		assert_eq!(phase(task), Some(Phase::CommitUpdates));
		assert!(drawn(task).1.contains(&(E0 + 2)));
	});
}

#[test]
fn leaving_never_changes_who_else_is_drawn() {
	new_test_ext().execute_with(|| {
		// A sybil knowing the seed might leave to steer a shuffle of the list: with tickets,
		// whoever stays keeps its chance, and the others drawn stay drawn.
		let ledger = |whos: &[AccountId]| -> LedgerOf<Test> {
			BoundedVec::truncate_from(
				whos.iter()
					.map(|&who| Member {
						who,
						role: Role::Participant,
						stake: STAKE,
						earned: 0,
						score: 0,
						drawn: false,
						joined_at: 0,
					})
					.collect::<Vec<_>>(),
			)
		};
		let draw = |whos: &[AccountId]| -> Vec<AccountId> {
			let ledger = ledger(whos);
			let mut eligible: Vec<usize> = (0..ledger.len()).collect();
			crate::rounds::lowest_tickets::<Test>(&ledger, &mut eligible, 3, &[7; 32], 0);
			let mut drawn: Vec<_> = eligible.iter().map(|&i| ledger[i].who).collect();
			drawn.sort();
			drawn
		};
		let all = participants(8);
		let drawn = draw(&all);
		assert_eq!(drawn.len(), 3);
		// Any member not drawn leaves: the same draw.
		for leaver in all.iter().filter(|w| !drawn.contains(w)) {
			let rest: Vec<_> = all.iter().copied().filter(|w| w != leaver).collect();
			assert_eq!(draw(&rest), drawn);
		}
		// A drawn member leaves: the two others stay drawn.
		let rest: Vec<_> = all.iter().copied().filter(|w| *w != drawn[0]).collect();
		let redrawn = draw(&rest);
		assert!(redrawn.contains(&drawn[1]) && redrawn.contains(&drawn[2]));
		// The ledger's order does not matter.
		let reversed: Vec<_> = all.iter().rev().copied().collect();
		assert_eq!(draw(&reversed), drawn);
	});
}

#[test]
fn a_task_nobody_joins_closes_after_its_waits_and_refunds() {
	new_test_ext().execute_with(|| {
		let task = create(0, 0);
		for _ in 0..=crate::rounds::MAX_ENROLLING_WAITS {
			end_phase(task);
			if Tasks::<Test>::get(task).is_none() {
				break;
			}
		}
		assert!(Tasks::<Test>::get(task).is_none(), "closed and removed (no members)");
		assert!(events().contains(&FedEvent::TaskEnding { task, last_round: 0 }));
		// Everything back but the pot's existential deposit.
		assert_eq!(balance(OWNER), FUNDS - POT_ED);
		// The waits doubled: eight of them, then the ninth draw gave up.
		let waits = events().iter().filter(|e| matches!(e, FedEvent::RoundWaiting { .. })).count();
		assert_eq!(waits, crate::rounds::MAX_ENROLLING_WAITS as usize);
	});
}

#[test]
fn members_who_come_during_the_last_wait_are_drawn() {
	new_test_ext().execute_with(|| {
		let task = create(0, 0);
		for _ in 0..crate::rounds::MAX_ENROLLING_WAITS {
			end_phase(task);
		}
		// The last wait: enough members join before it ends; the draw happens.
		for who in participants(3) {
			make_provider(who, deai_abi::job_kind::TRAINING);
			assert_ok!(Federated::join(RuntimeOrigin::signed(who), task, Role::Participant, STAKE));
		}
		for who in evaluators(3) {
			make_provider(who, deai_abi::job_kind::EVALUATION);
			assert_ok!(Federated::join(RuntimeOrigin::signed(who), task, Role::Evaluator, STAKE));
		}
		end_phase(task);
		assert_eq!(phase(task), Some(Phase::CommitUpdates));
	});
}
