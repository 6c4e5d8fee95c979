//! Benchmarks of every call and every hook transition, at their worst cases: full ledgers, the
//! most participants and evaluators a round draws, distinct accounts.

use super::*;
use crate::types::*;
use alloc::{vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Bounded, One, Saturating};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// Plenty, and room for a hundred such accounts in the total issuance.
	let amount = BalanceOf::<T>::max_value() / 1_000_000_000u32.into();
	T::Currency::set_balance(&who, amount);
	who
}

fn stake<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(1u32.into()).saturating_mul(1_000u32.into())
}

fn uri<T: Config>(fill: u8) -> UriOf<T> {
	vec![fill; T::MaxUriLen::get() as usize].try_into().expect("the bound")
}

fn file<T: Config>(fill: u8) -> ModelFile<T> {
	ModelFile { hash: [fill; 32], size: u64::MAX, uri: uri::<T>(fill) }
}

/// The costliest task: the most participants and evaluators a round draws, the most rounds.
fn spec<T: Config>(owner: &T::AccountId) -> TaskSpec<T> {
	let (base, eval_dataset, target_model) = T::BenchmarkHelper::task_items(owner);
	TaskSpec {
		base,
		target_model,
		rounds: T::MaxRounds::get(),
		round_pot: T::MinRoundPot::get().saturating_mul(1_000u32.into()),
		participants: T::MaxRoundParticipants::get(),
		evaluators: T::MaxRoundEvaluators::get(),
		aggregation: Aggregation::TrimmedMean { trim: sp_runtime::Percent::from_percent(10) },
		eval_dataset,
		eval_rows: 150,
		dp: Some(DpSetting { clip_norm_milli: 1_000, noise_multiplier_milli: 1_000 }),
		min_stake: stake::<T>(),
		// Long phases: a phase ending early moves its queue entry (the dearer path).
		phase_blocks: T::MaxPhaseBlocks::get(),
		score_tolerance: 10,
		poison_threshold: 1_000,
	}
}

/// A task with a full ledger: the most participants it can hold beside the most evaluators a
/// round draws (all providers). Returns the task and its owner.
fn task_with_members<T: Config>(members: u32) -> (TaskId, T::AccountId) {
	let owner = funded::<T>("owner", 0);
	let spec = spec::<T>(&owner);
	let dataset = spec.eval_dataset;
	let id = NextTaskId::<T>::get();
	Pallet::<T>::do_create_task(owner.clone(), spec).expect("creates");
	let evaluators = T::MaxRoundEvaluators::get().min(members);
	for i in 0..members {
		let who = funded::<T>("member", i);
		T::BenchmarkHelper::make_provider(&who, &dataset);
		let role = if i < evaluators { Role::Evaluator } else { Role::Participant };
		Pallet::<T>::do_join(who, id, role, stake::<T>()).expect("joins");
	}
	(id, owner)
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

/// Moves the task on to its next phase (as the hook would).
/// When the task's phase (or wait) ends.
fn phase_end<T: Config>(id: TaskId) -> BlockNumberFor<T> {
	match Tasks::<T>::get(id).expect("task").status {
		TaskStatus::Running { ends_at, .. } => ends_at,
		TaskStatus::Enrolling { retry_at, .. } => retry_at,
		TaskStatus::Closed => panic!("closed"),
	}
}

fn advance<T: Config>(id: TaskId) {
	let at = phase_end::<T>(id).max(now::<T>());
	frame_system::Pallet::<T>::set_block_number(at);
	Pallet::<T>::unschedule(at, id);
	Pallet::<T>::end_phase(id, at);
}

fn drawn<T: Config>(id: TaskId) -> (Vec<T::AccountId>, Vec<T::AccountId>) {
	let round = Rounds::<T>::get(id).expect("a round");
	(
		round.updates.iter().map(|s| s.who.clone()).collect(),
		round.scores.iter().map(|s| s.who.clone()).collect(),
	)
}

fn update_commitment<T: Config>(id: TaskId, who: &T::AccountId, fill: u8) -> [u8; 32] {
	let round = Tasks::<T>::get(id).expect("task").round;
	deai_abi::federated::update_commitment(id, round, &who.encode(), &[fill; 32], 10, &[fill; 32])
}

fn scores<T: Config>() -> BoundedVec<Score, T::MaxRoundParticipants> {
	(0..T::MaxRoundParticipants::get())
		.map(|i| 1_000 + i as Score)
		.collect::<Vec<_>>()
		.try_into()
		.expect("the bound")
}

fn scores_commitment<T: Config>(id: TaskId, who: &T::AccountId) -> [u8; 32] {
	let round = Tasks::<T>::get(id).expect("task").round;
	deai_abi::federated::scores_commitment(
		id,
		round,
		&who.encode(),
		&scores::<T>(),
		&[0xA0; 32],
		&[7; 32],
	)
}

/// A task with a full ledger whose first round is drawn.
fn running_task<T: Config>() -> TaskId {
	let (id, _) = task_with_members::<T>(T::MaxMembers::get());
	advance::<T>(id);
	id
}

/// Plays the round in progress up to its score reveals: every drawn participant but one commits
/// and reveals (`silent` of them reveal nothing), every evaluator commits.
fn to_reveal_scores<T: Config>(id: TaskId, silent: usize) -> Vec<T::AccountId> {
	let (ps, es) = drawn::<T>(id);
	let speaking = ps.len().saturating_sub(silent);
	for (i, p) in ps.iter().take(speaking).enumerate() {
		let c = update_commitment::<T>(id, p, i as u8);
		Pallet::<T>::do_commit_update(p.clone(), id, c).expect("commits");
	}
	advance::<T>(id);
	for (i, p) in ps.iter().take(speaking).enumerate() {
		Pallet::<T>::do_reveal_update(p.clone(), id, file::<T>(i as u8), 10, [i as u8; 32])
			.expect("reveals");
	}
	advance::<T>(id);
	for e in &es {
		Pallet::<T>::do_commit_scores(e.clone(), id, scores_commitment::<T>(id, e))
			.expect("commits");
	}
	advance::<T>(id);
	es
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_task() {
		let owner = funded::<T>("owner", 0);
		let spec = spec::<T>(&owner);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), spec);
		assert!(Tasks::<T>::contains_key(0));
	}

	/// Ending a running task (ending an enrolling one closes it: `close_task` is charged too).
	#[benchmark]
	fn end_task() {
		let (id, owner) = task_with_members::<T>(T::MaxMembers::get());
		advance::<T>(id);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		let task = Tasks::<T>::get(id).expect("task");
		assert_eq!(task.last_round, task.round);
	}

	/// An evaluator (its dataset checked) joining the last free place of a ledger.
	#[benchmark]
	fn join() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get() - 1);
		let who = funded::<T>("joiner", 0);
		let dataset = Tasks::<T>::get(id).expect("task").spec.eval_dataset;
		T::BenchmarkHelper::make_provider(&who, &dataset);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, Role::Evaluator, stake::<T>());
		assert_eq!(Ledgers::<T>::get(id).len() as u32, T::MaxMembers::get());
	}

	/// Leaving a full ledger with earnings.
	#[benchmark]
	fn leave() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get());
		let who: T::AccountId = account("member", T::MaxMembers::get() - 1, 0);
		Ledgers::<T>::mutate(id, |l| l.last_mut().expect("member").earned = stake::<T>());
		Tasks::<T>::mutate(id, |t| {
			let b = &mut t.as_mut().expect("task").books;
			b.left = b.left.saturating_sub(stake::<T>());
			b.paid = stake::<T>();
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert_eq!(Ledgers::<T>::get(id).len() as u32, T::MaxMembers::get() - 1);
	}

	/// The last member leaving a closed task, which removes it.
	#[benchmark]
	fn leave_last() {
		let (id, owner) = task_with_members::<T>(1);
		Pallet::<T>::do_end_task(owner, id).expect("ends");
		let who: T::AccountId = account("member", 0, 0);
		#[extrinsic_call]
		leave(RawOrigin::Signed(who), id);
		assert!(!Tasks::<T>::contains_key(id));
	}

	#[benchmark]
	fn withdraw() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get());
		let who: T::AccountId = account("member", T::MaxMembers::get() - 1, 0);
		Ledgers::<T>::mutate(id, |l| l.last_mut().expect("member").earned = stake::<T>());
		Tasks::<T>::mutate(id, |t| {
			let b = &mut t.as_mut().expect("task").books;
			b.left = b.left.saturating_sub(stake::<T>());
			b.paid = stake::<T>();
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
	}

	/// The last participant to commit (the phase ends early).
	#[benchmark]
	fn commit_update() {
		let id = running_task::<T>();
		let (ps, _) = drawn::<T>(id);
		let (last, others) = ps.split_last().expect("participants");
		for (i, p) in others.iter().enumerate() {
			let c = update_commitment::<T>(id, p, i as u8);
			Pallet::<T>::do_commit_update(p.clone(), id, c).expect("commits");
		}
		let c = update_commitment::<T>(id, last, 200);
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), id, c);
		assert!(matches!(
			Tasks::<T>::get(id).expect("task").status,
			TaskStatus::Running { ends_at, .. } if ends_at == now::<T>() + One::one()
		));
	}

	/// The last participant to reveal (every other update compared with its, the phase ends
	/// early).
	#[benchmark]
	fn reveal_update() {
		let id = running_task::<T>();
		let (ps, _) = drawn::<T>(id);
		for (i, p) in ps.iter().enumerate() {
			let c = update_commitment::<T>(id, p, i as u8);
			Pallet::<T>::do_commit_update(p.clone(), id, c).expect("commits");
		}
		advance::<T>(id);
		let (last, others) = ps.split_last().expect("participants");
		for (i, p) in others.iter().enumerate() {
			Pallet::<T>::do_reveal_update(p.clone(), id, file::<T>(i as u8), 10, [i as u8; 32])
				.expect("reveals");
		}
		let i = others.len() as u8;
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), id, file::<T>(i), 10, [i; 32]);
	}

	/// The last evaluator to commit.
	#[benchmark]
	fn commit_scores() {
		let id = running_task::<T>();
		let es = {
			let (ps, es) = drawn::<T>(id);
			for (i, p) in ps.iter().enumerate() {
				let c = update_commitment::<T>(id, p, i as u8);
				Pallet::<T>::do_commit_update(p.clone(), id, c).expect("commits");
			}
			advance::<T>(id);
			advance::<T>(id);
			es
		};
		let (last, others) = es.split_last().expect("evaluators");
		for e in others {
			Pallet::<T>::do_commit_scores(e.clone(), id, scores_commitment::<T>(id, e))
				.expect("commits");
		}
		let c = scores_commitment::<T>(id, last);
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), id, c);
	}

	/// The last evaluator to reveal the most scores.
	#[benchmark]
	fn reveal_scores() {
		let id = running_task::<T>();
		let es = to_reveal_scores::<T>(id, 0);
		let (last, others) = es.split_last().expect("evaluators");
		for e in others {
			Pallet::<T>::do_reveal_scores(e.clone(), id, scores::<T>(), file::<T>(0xA0), [7; 32])
				.expect("reveals");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), id, scores::<T>(), file::<T>(0xA0), [7; 32]);
	}

	/// Drawing a round among a full ledger.
	#[benchmark]
	fn start_round() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get());
		let at = phase_end::<T>(id);
		frame_system::Pallet::<T>::set_block_number(at);
		Pallet::<T>::unschedule(at, id);
		#[block]
		{
			Pallet::<T>::end_phase(id, at);
		}
		assert!(Rounds::<T>::contains_key(id));
	}

	/// The dearest of the phase changes that neither draw nor finalize: drawing the evaluation
	/// rows' seed.
	#[benchmark]
	fn next_phase() {
		let id = running_task::<T>();
		let (ps, _) = drawn::<T>(id);
		for (i, p) in ps.iter().enumerate() {
			let c = update_commitment::<T>(id, p, i as u8);
			Pallet::<T>::do_commit_update(p.clone(), id, c).expect("commits");
		}
		advance::<T>(id);
		let at = phase_end::<T>(id);
		frame_system::Pallet::<T>::set_block_number(at);
		Pallet::<T>::unschedule(at, id);
		#[block]
		{
			Pallet::<T>::end_phase(id, at);
		}
		assert!(Rounds::<T>::get(id).expect("round").eval_seed.is_some());
	}

	/// Finalizing a round of the most participants (one silent: a slash shared out, its
	/// rounding to the treasury) and evaluators, every score compared, and drawing the next
	/// round among a full ledger.
	#[benchmark]
	fn finalize_round() {
		let id = running_task::<T>();
		let es = to_reveal_scores::<T>(id, 1);
		for e in &es {
			Pallet::<T>::do_reveal_scores(e.clone(), id, scores::<T>(), file::<T>(0xA0), [7; 32])
				.expect("reveals");
		}
		let at = match Tasks::<T>::get(id).expect("task").status {
			TaskStatus::Running { ends_at, .. } => ends_at,
			_ => panic!("running"),
		};
		frame_system::Pallet::<T>::set_block_number(at);
		Pallet::<T>::unschedule(at, id);
		#[block]
		{
			Pallet::<T>::end_phase(id, at);
		}
		let task = Tasks::<T>::get(id).expect("task");
		assert_eq!(task.round, 1);
		assert!(task.global.is_some());
	}

	/// Closing a task: refunding, and publishing its model with the most contributors ranked
	/// among a full ledger of scored participants.
	#[benchmark]
	fn close_task() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get());
		Ledgers::<T>::mutate(id, |l| {
			for (i, m) in l.iter_mut().enumerate() {
				m.score = 1_000 + i as u128;
			}
		});
		let mut task = Tasks::<T>::get(id).expect("task");
		task.global = Some(file::<T>(0xC0));
		if let TaskStatus::Enrolling { retry_at, .. } = task.status {
			Pallet::<T>::unschedule(retry_at, id);
		}
		#[block]
		{
			Pallet::<T>::close(id, task);
		}
		assert!(Tasks::<T>::get(id).expect("task").published.is_some());
	}

	/// Closing a task that trained no model.
	#[benchmark]
	fn close_task_unpublished() {
		let (id, _) = task_with_members::<T>(T::MaxMembers::get());
		let task = Tasks::<T>::get(id).expect("task");
		if let TaskStatus::Enrolling { retry_at, .. } = task.status {
			Pallet::<T>::unschedule(retry_at, id);
		}
		#[block]
		{
			Pallet::<T>::close(id, task);
		}
		assert_eq!(Tasks::<T>::get(id).expect("task").status, TaskStatus::Closed);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
