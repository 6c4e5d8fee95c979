//! Rounds: drawing members, moving phases on, and members' commitments and reveals.

use crate::{pallet::*, types::*, weights::WeightInfo};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	traits::{Get, Randomness},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, DispatchResult};

/// How many draws in a row may find too few members before the task closes (with doubling
/// waits of 1, 2, 4, ... 32 phases: 127 phases in all).
pub const MAX_ENROLLING_WAITS: u8 = 8;

impl<T: Config> Pallet<T> {
	/// Ends the phase `id` is in (its queue entry is already removed). Returns the weight used.
	pub(crate) fn end_phase(id: TaskId, now: BlockNumberFor<T>) -> Weight {
		let Some(mut task) = Tasks::<T>::get(id) else {
			frame_support::defensive!("a queued task is gone");
			return T::DbWeight::get().reads(1);
		};
		let ends_at = now.saturating_add(task.spec.phase_blocks);
		let next = |phase| TaskStatus::Running { phase, ends_at };
		match task.status {
			TaskStatus::Enrolling { waits, .. } => {
				if Self::start_round(id, &mut task, &mut Ledgers::<T>::get(id), now, waits) {
					Tasks::<T>::insert(id, task);
					return T::WeightInfo::start_round();
				}
				// Still too few members after the last wait: the escrow of the rounds not played
				// goes back.
				task.last_round = task.round;
				Self::deposit_event(Event::TaskEnding { task: id, last_round: task.round });
				let close = if Self::close(id, task) {
					T::WeightInfo::close_task()
				} else {
					T::WeightInfo::close_task_unpublished()
				};
				T::WeightInfo::start_round().saturating_add(close)
			},
			TaskStatus::Running { phase: Phase::CommitUpdates, .. } => {
				task.status = next(Phase::RevealUpdates);
				Self::schedule_phase_end(id, &task);
				Tasks::<T>::insert(id, task);
				T::WeightInfo::next_phase()
			},
			TaskStatus::Running { phase: Phase::RevealUpdates, .. } => {
				// The evaluation rows are drawn only now that every update is fixed: nobody
				// could fit them.
				let round = task.round;
				let seed = Self::seed(b"deai/fl/rows", id, round);
				Rounds::<T>::mutate(id, |r| {
					if let Some(r) = r {
						r.eval_seed = Some(seed);
					}
				});
				Self::deposit_event(Event::EvalRowsDrawn { task: id, round, seed });
				task.status = next(Phase::CommitScores);
				Self::schedule_phase_end(id, &task);
				Tasks::<T>::insert(id, task);
				T::WeightInfo::next_phase()
			},
			TaskStatus::Running { phase: Phase::CommitScores, .. } => {
				task.status = next(Phase::RevealScores);
				Self::schedule_phase_end(id, &task);
				Tasks::<T>::insert(id, task);
				T::WeightInfo::next_phase()
			},
			TaskStatus::Running { phase: Phase::RevealScores, .. } => {
				let mut ledger = Ledgers::<T>::get(id);
				if let Some(round) = Rounds::<T>::take(id) {
					Self::finalize(id, &mut task, round, &mut ledger);
				} else {
					frame_support::defensive!("a running task has no round");
				}
				if task.round >= task.last_round {
					Ledgers::<T>::insert(id, ledger);
					let published = Self::close(id, task);
					let close = if published {
						T::WeightInfo::close_task()
					} else {
						T::WeightInfo::close_task_unpublished()
					};
					T::WeightInfo::finalize_round().saturating_add(close)
				} else {
					task.round += 1;
					// The first wait after a round is never the last.
					let _ = Self::start_round(id, &mut task, &mut ledger, now, 0);
					Tasks::<T>::insert(id, task);
					T::WeightInfo::finalize_round()
				}
			},
			TaskStatus::Closed => {
				frame_support::defensive!("a closed task was queued");
				T::DbWeight::get().reads(1)
			},
		}
	}

	fn schedule_phase_end(id: TaskId, task: &TrainingTask<T>) {
		match task.status {
			TaskStatus::Running { ends_at, .. }
			| TaskStatus::Enrolling { retry_at: ends_at, .. } => Self::schedule(ends_at, id),
			TaskStatus::Closed => {},
		}
	}

	/// A seed for `purpose` in `task`'s `round`, from the runtime's randomness of this block
	/// (the hook's: nobody chooses the block).
	pub(crate) fn seed(purpose: &[u8], task: TaskId, round: RoundIndex) -> [u8; 32] {
		Self::seed_public_since(purpose, task, round).0
	}

	/// [`Self::seed`], and the first block in which it was public.
	fn seed_public_since(
		purpose: &[u8],
		task: TaskId,
		round: RoundIndex,
	) -> ([u8; 32], BlockNumberFor<T>) {
		let (random, public_since) = T::Randomness::random(&(purpose, task, round).encode());
		(sp_io::hashing::blake2_256(random.as_ref()), public_since)
	}

	/// Draws round `task.round`'s participants and evaluators among the members staked at least
	/// the minimum (a partial Fisher–Yates shuffle of each role), and starts its first phase;
	/// too few members (`waits` times already), and the draw is tried again after twice as long
	/// a wait as the last (from a phase), unless it has waited `MAX_ENROLLING_WAITS` times:
	/// then it returns `false` and the caller closes the task. Writes the ledger.
	pub(crate) fn start_round(
		id: TaskId,
		task: &mut TrainingTask<T>,
		ledger: &mut LedgerOf<T>,
		now: BlockNumberFor<T>,
		waits: u8,
	) -> bool {
		let spec = &task.spec;
		// Only members that joined before the randomness was public: nobody joins (or comes
		// back) knowing whether it would be drawn.
		let (seed, public_since) = Self::seed_public_since(b"deai/fl/draw", id, task.round);
		let eligible = |role: Role| -> Vec<usize> {
			ledger
				.iter()
				.enumerate()
				.filter(|(_, m)| {
					m.role == role && m.stake >= spec.min_stake && m.joined_at < public_since
				})
				.map(|(i, _)| i)
				.collect()
		};
		let mut participants = eligible(Role::Participant);
		let mut evaluators = eligible(Role::Evaluator);
		let phase_end = now.saturating_add(spec.phase_blocks);
		if participants.len() < spec.participants as usize
			|| evaluators.len() < spec.evaluators as usize
		{
			if waits >= MAX_ENROLLING_WAITS {
				return false;
			}
			// Waiting tasks must not crowd the hook: each wait doubles (up to 32 phases).
			let wait = spec.phase_blocks.saturating_mul((1u32 << waits.min(5)).into());
			let retry_at = now.saturating_add(wait);
			task.status = TaskStatus::Enrolling { retry_at, waits: waits.saturating_add(1) };
			Self::schedule(retry_at, id);
			Self::deposit_event(Event::RoundWaiting { task: id, round: task.round, retry_at });
			return true;
		}
		lowest_tickets(ledger, &mut participants, spec.participants as usize, &seed, 0);
		lowest_tickets(ledger, &mut evaluators, spec.evaluators as usize, &seed, 1);

		let mut updates = BoundedVec::new();
		let mut drawn_participants = BoundedVec::new();
		for &i in &participants {
			ledger[i].drawn = true;
			let who = ledger[i].who.clone();
			// At most `MaxRoundParticipants` (checked at creation).
			let _ = updates.try_push(UpdateSlot {
				who: who.clone(),
				commitment: None,
				update: None,
				samples: 0,
			});
			let _ = drawn_participants.try_push(who);
		}
		let mut scores = BoundedVec::new();
		let mut drawn_evaluators = BoundedVec::new();
		for &i in &evaluators {
			ledger[i].drawn = true;
			let who = ledger[i].who.clone();
			let _ = scores.try_push(ScoreSlot { who: who.clone(), commitment: None, card: None });
			let _ = drawn_evaluators.try_push(who);
		}
		Ledgers::<T>::insert(id, &*ledger);
		Rounds::<T>::insert(id, Round { index: task.round, updates, scores, eval_seed: None });
		task.status = TaskStatus::Running { phase: Phase::CommitUpdates, ends_at: phase_end };
		Self::schedule(phase_end, id);
		Self::deposit_event(Event::RoundStarted {
			task: id,
			round: task.round,
			participants: drawn_participants,
			evaluators: drawn_evaluators,
			global: task.global.clone(),
		});
		true
	}

	/// The task and its round, when the round is in `phase`.
	fn in_phase(id: TaskId, phase: Phase) -> Result<(TrainingTask<T>, Round<T>), Error<T>> {
		let task = Tasks::<T>::get(id).ok_or(Error::<T>::TaskNotFound)?;
		match task.status {
			TaskStatus::Running { phase: now, .. } if now == phase => {},
			TaskStatus::Closed => return Err(Error::<T>::TaskClosed),
			_ => return Err(Error::<T>::WrongPhase),
		}
		let round = Rounds::<T>::get(id).ok_or(Error::<T>::WrongPhase)?;
		Ok((task, round))
	}

	/// Stores the round, and the task with its phase ending in the next block when everyone
	/// drawn has acted.
	fn store(id: TaskId, mut task: TrainingTask<T>, round: Round<T>, everyone_acted: bool) {
		Rounds::<T>::insert(id, round);
		if everyone_acted {
			Self::end_phase_early(id, &mut task);
			Tasks::<T>::insert(id, task);
		}
	}

	pub(crate) fn do_commit_update(
		who: T::AccountId,
		id: TaskId,
		commitment: [u8; 32],
	) -> DispatchResult {
		let (task, mut round) = Self::in_phase(id, Phase::CommitUpdates)?;
		let slot = round.updates.iter_mut().find(|s| s.who == who).ok_or(Error::<T>::NotDrawn)?;
		ensure!(slot.commitment.is_none(), Error::<T>::AlreadyCommitted);
		slot.commitment = Some(commitment);
		let everyone = round.updates.iter().all(|s| s.commitment.is_some());
		Self::store(id, task, round, everyone);
		Self::deposit_event(Event::UpdateCommitted { task: id, who });
		Ok(())
	}

	pub(crate) fn do_reveal_update(
		who: T::AccountId,
		id: TaskId,
		update: ModelFile<T>,
		samples: u32,
		salt: [u8; 32],
	) -> DispatchResult {
		let (task, mut round) = Self::in_phase(id, Phase::RevealUpdates)?;
		ensure!(samples > 0, Error::<T>::NoSamples);
		ensure!(
			!round
				.updates
				.iter()
				.any(|s| s.update.as_ref().is_some_and(|u| u.hash == update.hash)),
			Error::<T>::DuplicateUpdate
		);
		let index = round.index;
		let slot = round.updates.iter_mut().find(|s| s.who == who).ok_or(Error::<T>::NotDrawn)?;
		let commitment = slot.commitment.ok_or(Error::<T>::NotCommitted)?;
		ensure!(slot.update.is_none(), Error::<T>::AlreadyRevealed);
		let opened = deai_abi::federated::update_commitment(
			id,
			index,
			&who.encode(),
			&update.hash,
			samples,
			&salt,
		);
		ensure!(opened == commitment, Error::<T>::CommitmentMismatch);
		slot.update = Some(update.clone());
		slot.samples = samples;
		let everyone = round.updates.iter().all(|s| s.commitment.is_none() || s.update.is_some());
		Self::store(id, task, round, everyone);
		Self::deposit_event(Event::UpdateRevealed { task: id, who, update, samples });
		Ok(())
	}

	pub(crate) fn do_commit_scores(
		who: T::AccountId,
		id: TaskId,
		commitment: [u8; 32],
	) -> DispatchResult {
		let (task, mut round) = Self::in_phase(id, Phase::CommitScores)?;
		let slot = round.scores.iter_mut().find(|s| s.who == who).ok_or(Error::<T>::NotDrawn)?;
		ensure!(slot.commitment.is_none(), Error::<T>::AlreadyCommitted);
		slot.commitment = Some(commitment);
		let everyone = round.scores.iter().all(|s| s.commitment.is_some());
		Self::store(id, task, round, everyone);
		Self::deposit_event(Event::ScoresCommitted { task: id, who });
		Ok(())
	}

	pub(crate) fn do_reveal_scores(
		who: T::AccountId,
		id: TaskId,
		scores: BoundedVec<Score, T::MaxRoundParticipants>,
		aggregate: ModelFile<T>,
		salt: [u8; 32],
	) -> DispatchResult {
		let (task, mut round) = Self::in_phase(id, Phase::RevealScores)?;
		ensure!(scores.len() == round.updates.len(), Error::<T>::WrongScoreCount);
		let index = round.index;
		let slot = round.scores.iter_mut().find(|s| s.who == who).ok_or(Error::<T>::NotDrawn)?;
		let commitment = slot.commitment.ok_or(Error::<T>::NotCommitted)?;
		ensure!(slot.card.is_none(), Error::<T>::AlreadyRevealed);
		let opened = deai_abi::federated::scores_commitment(
			id,
			index,
			&who.encode(),
			&scores,
			&aggregate.hash,
			&salt,
		);
		ensure!(opened == commitment, Error::<T>::CommitmentMismatch);
		slot.card = Some(ScoreCard { scores: scores.clone(), aggregate: aggregate.clone() });
		let everyone = round.scores.iter().all(|s| s.commitment.is_none() || s.card.is_some());
		Self::store(id, task, round, everyone);
		Self::deposit_event(Event::ScoresRevealed { task: id, who, scores, aggregate });
		Ok(())
	}
}

/// Keeps in `eligible` (indices into `ledger`) the `count` members with the lowest tickets,
/// `blake2_128(seed ‖ stream ‖ account)`, in ticket order: a uniformly random choice in which
/// each member's chance depends only on its own ticket. Unlike a shuffle of the list, nobody
/// changes who else is drawn by leaving (or by where it sits in the ledger); and nobody could
/// choose an account for its ticket, having joined before the seed was public.
pub(crate) fn lowest_tickets<T: Config>(
	ledger: &LedgerOf<T>,
	eligible: &mut Vec<usize>,
	count: usize,
	seed: &[u8; 32],
	stream: u8,
) {
	let mut ticketed: Vec<(u128, usize)> = eligible
		.iter()
		.map(|&i| {
			let ticket = sp_io::hashing::blake2_128(&(seed, stream, &ledger[i].who).encode());
			(u128::from_le_bytes(ticket), i)
		})
		.collect();
	ticketed.sort_unstable();
	*eligible = ticketed.into_iter().take(count).map(|(_, i)| i).collect();
}
