//! The books: what `do_try_state` checks after every test and on a live chain.

use crate::{pallet::*, types::*, BalanceOf};
use alloc::collections::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// Checks every task's books and state, the phase-end queue, the owners' holds and that the
	/// pot can pay everything it owes.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut deposits: BTreeMap<T::AccountId, (BalanceOf<T>, BalanceOf<T>)> = BTreeMap::new();
		let mut scheduled = 0u32;
		for (id, task) in Tasks::<T>::iter() {
			let b = &task.books;
			ensure_true(
				b.escrowed.saturating_add(b.slashed) ==
					b.paid
						.saturating_add(b.refunded)
						.saturating_add(b.to_treasury)
						.saturating_add(b.treasury_due)
						.saturating_add(b.left),
				"a task's books do not balance: escrow + slashes != paid + refunded + treasury + left",
			)?;
			ensure_true(task.round <= task.last_round, "a task is past its last round")?;
			let ledger = Ledgers::<T>::get(id);
			let round = Rounds::<T>::get(id);
			let mut members: alloc::vec::Vec<&T::AccountId> =
				ledger.iter().map(|m| &m.who).collect();
			members.sort();
			members.dedup();
			ensure_true(
				members.len() == ledger.len() && !members.contains(&&task.owner),
				"a task's members are not distinct accounts other than its owner",
			)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure_true(
				ledger.iter().all(|m| m.joined_at <= now),
				"a member joined in a block to come",
			)?;
			if task.status != TaskStatus::Closed {
				// Every round still to play (the one in progress included) has its pot.
				let to_play = task.last_round.saturating_sub(task.round).saturating_add(1);
				ensure_true(
					b.left >= task.spec.round_pot.saturating_mul(to_play.into()),
					"a task's escrow left does not pay its rounds to play",
				)?;
			}
			match task.status {
				TaskStatus::Running { ends_at, .. } => {
					let round = round.ok_or("a running task has no round")?;
					ensure_true(round.index == task.round, "a task's round is not its record's")?;
					let scoring = matches!(
						task.status,
						TaskStatus::Running {
							phase: Phase::CommitScores | Phase::RevealScores,
							..
						}
					);
					ensure_true(
						round.eval_seed.is_some() == scoring,
						"the evaluation rows are drawn exactly when updates are scored",
					)?;
					ensure_true(
						PhaseEnds::<T>::contains_key(ends_at, id),
						"a running task's phase end is not queued",
					)?;
					scheduled += 1;
					let drawn = ledger.iter().filter(|m| m.drawn).count();
					ensure_true(
						drawn == round.updates.len() + round.scores.len()
							&& round.updates.iter().all(|s| {
								ledger.iter().any(|m| {
									m.who == s.who && m.drawn && m.role == Role::Participant
								})
							}) && round.scores.iter().all(|s| {
							ledger
								.iter()
								.any(|m| m.who == s.who && m.drawn && m.role == Role::Evaluator)
						}),
						"the drawn members are not the round's",
					)?;
				},
				TaskStatus::Enrolling { retry_at, .. } => {
					ensure_true(round.is_none(), "an enrolling task has a round")?;
					ensure_true(
						PhaseEnds::<T>::contains_key(retry_at, id),
						"an enrolling task's draw is not queued",
					)?;
					scheduled += 1;
					ensure_true(
						ledger.iter().all(|m| !m.drawn),
						"a member is drawn between rounds",
					)?;
				},
				TaskStatus::Closed => {
					ensure_true(round.is_none(), "a closed task has a round")?;
					ensure_true(!ledger.is_empty(), "a closed task without members stays")?;
					ensure_true(
						b.left.is_zero() && b.treasury_due.is_zero(),
						"a closed task keeps escrow or owes the treasury",
					)?;
					ensure_true(
						task.publication_deposit.is_zero(),
						"a closed task holds a publication deposit",
					)?;
					ensure_true(
						ledger.iter().all(|m| !m.drawn),
						"a member of a closed task is drawn",
					)?;
				},
			}
			let entry = deposits.entry(task.owner.clone()).or_default();
			entry.0 = entry.0.saturating_add(task.deposit);
			entry.1 = entry.1.saturating_add(task.publication_deposit);
		}
		ensure_true(
			PhaseEnds::<T>::iter().count() as u32 == scheduled
				&& ScheduledPhaseEnds::<T>::get() == scheduled,
			"the phase-end queue is not one entry per task in progress",
		)?;
		let cursor = PhaseCursor::<T>::get();
		ensure_true(
			PhaseEnds::<T>::iter_keys().all(|(at, _)| at >= cursor),
			"a phase end is queued before the hook's cursor: it would never be handled",
		)?;
		ensure_true(
			Ledgers::<T>::iter_keys().all(Tasks::<T>::contains_key),
			"a ledger outlives its task",
		)?;
		ensure_true(
			Rounds::<T>::iter_keys().all(Tasks::<T>::contains_key),
			"a round outlives its task",
		)?;
		for (owner, (storage, publication)) in deposits {
			ensure_true(
				T::Currency::balance_on_hold(&HoldReason::StorageDeposit.into(), &owner) == storage,
				"an owner's storage hold is not its tasks' deposits",
			)?;
			ensure_true(
				T::Currency::balance_on_hold(&HoldReason::PublicationDeposit.into(), &owner)
					== publication,
				"an owner's publication hold is not its tasks'",
			)?;
		}
		ensure_true(
			Self::pot_reducible() >= Self::liabilities(),
			"the pot holds less than it owes",
		)?;
		Ok(())
	}
}

fn ensure_true(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}
