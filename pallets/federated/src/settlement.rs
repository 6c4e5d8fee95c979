//! Finalizing a round: the agreed aggregate, each update's median score, pay by score, slashes.

use crate::{pallet::*, types::*, BalanceOf};
use alloc::vec::Vec;
use frame_support::{traits::Get, BoundedVec};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill, Rounding,
};

/// `amount × part / whole`, rounded down (zero when `whole` is zero).
fn pro_rata<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy>(
	amount: B,
	part: u128,
	whole: u128,
) -> B {
	if whole == 0 {
		return B::zero();
	}
	let amount: u128 = amount.unique_saturated_into();
	multiply_by_rational_with_rounding(amount, part, whole, Rounding::Down)
		.map(|v| v.unique_saturated_into())
		.unwrap_or_else(Zero::zero)
}

impl<T: Config> Pallet<T> {
	/// Finalizes `round`: pays its participants by median score and its agreeing evaluators,
	/// slashes non-revealers and poisoners, owes the treasury what nobody earned, credits the
	/// ledger (written here) and the books, and makes the agreed aggregate the task's global
	/// model. Constant storage work whatever the number of members: the round and the ledger;
	/// no transfer.
	pub(crate) fn finalize(
		id: TaskId,
		task: &mut TrainingTask<T>,
		round: Round<T>,
		ledger: &mut LedgerOf<T>,
	) {
		let spec = &task.spec;
		let cards: Vec<&ScoreCard<T>> =
			round.scores.iter().filter_map(|slot| slot.card.as_ref()).collect();

		// The aggregate a majority of the drawn evaluators computed (the same bytes: hash and
		// size), at the address of the first that reported it.
		let majority = round.scores.len() / 2 + 1;
		let same = |a: &ModelFile<T>, b: &ModelFile<T>| a.hash == b.hash && a.size == b.size;
		let aggregate = cards
			.iter()
			.find(|c| cards.iter().filter(|d| same(&c.aggregate, &d.aggregate)).count() >= majority)
			.map(|c| c.aggregate.clone());

		// Each revealed update's median score (the lower median of every revealed card).
		let medians: Vec<Option<Score>> = round
			.updates
			.iter()
			.enumerate()
			.map(|(i, slot)| {
				if slot.update.is_none() || cards.is_empty() {
					return None;
				}
				let mut scores: Vec<Score> = cards.iter().map(|c| c.scores[i]).collect();
				scores.sort_unstable();
				Some(scores[(scores.len() - 1) / 2])
			})
			.collect();

		let succeeded = aggregate.is_some();
		let missed = T::MissedRevealSlash::get();
		let poison = T::PoisonSlash::get();
		// Poisoning, judged only when the evaluators agreed on the round: a majority of the
		// drawn evaluators scored the update below minus the threshold (the lower median alone
		// would let two of four, or one of two revealed, slash an honest update).
		let poisoned = |i: usize| {
			succeeded
				&& cards.iter().filter(|c| c.scores[i] < -spec.poison_threshold).count() >= majority
		};
		let mut slashed = BalanceOf::<T>::zero();
		let mut participant_slashes: Vec<(BalanceOf<T>, u128)> = Vec::new();
		for (i, (slot, median)) in round.updates.iter().zip(&medians).enumerate() {
			let fraction = match &slot.update {
				None => missed,
				Some(_) if poisoned(i) => poison,
				Some(_) => Perbill::zero(),
			};
			// Positive scores earn.
			let positive = match median {
				Some(m) if succeeded && *m > 0 && fraction.is_zero() => *m as u128,
				_ => 0,
			};
			let cut = Self::slash(ledger, &slot.who, fraction);
			slashed = slashed.saturating_add(cut);
			participant_slashes.push((cut, positive));
		}
		let agreed: Vec<bool> = round
			.scores
			.iter()
			.map(|slot| {
				let (Some(card), Some(agg)) = (&slot.card, &aggregate) else { return false };
				same(&card.aggregate, agg)
					&& card.scores.iter().zip(&medians).all(|(score, median)| {
						median.is_none_or(|m| score.abs_diff(m) <= spec.score_tolerance as u64)
					})
			})
			.collect();
		let mut evaluator_slashes: Vec<BalanceOf<T>> = Vec::new();
		for slot in round.scores.iter() {
			let fraction = if slot.card.is_none() { missed } else { Perbill::zero() };
			let cut = Self::slash(ledger, &slot.who, fraction);
			slashed = slashed.saturating_add(cut);
			evaluator_slashes.push(cut);
		}

		// The pot of a round whose updates were revealed is spent, whatever the verdict: the
		// participants' share by positive score, the rest to the agreeing evaluators, and what
		// nobody earned to the treasury. Refunding it would let the owner's evaluators void a
		// round and keep updates anyone could already fetch. A round where nothing was revealed
		// keeps its pot for the owner.
		let anything_revealed = round.updates.iter().any(|slot| slot.update.is_some());
		let pot = if anything_revealed { spec.round_pot } else { Zero::zero() };
		let participants_pool =
			if succeeded { T::ParticipantShare::get() * pot } else { Zero::zero() };
		let evaluators_pool =
			if succeeded { pot.saturating_sub(participants_pool) } else { Zero::zero() };
		let total_positive: u128 = participant_slashes.iter().map(|(_, p)| *p).sum();
		let agreeing = agreed.iter().filter(|a| **a).count() as u128;
		let per_evaluator = pro_rata(evaluators_pool, 1, agreeing);

		let mut paid_total = BalanceOf::<T>::zero();
		let mut participants = BoundedVec::new();
		for ((slot, median), (cut, positive)) in
			round.updates.iter().zip(&medians).zip(&participant_slashes)
		{
			let paid = pro_rata(participants_pool, *positive, total_positive)
				.saturating_add(pro_rata(slashed, *positive, total_positive));
			paid_total = paid_total.saturating_add(paid);
			Self::credit(ledger, &slot.who, paid, *positive);
			let _ = participants.try_push(ParticipantOutcome {
				who: slot.who.clone(),
				median: *median,
				paid,
				slashed: *cut,
			});
		}
		let mut evaluators = BoundedVec::new();
		for ((slot, agreed), cut) in round.scores.iter().zip(&agreed).zip(&evaluator_slashes) {
			let paid = if *agreed { per_evaluator } else { Zero::zero() };
			paid_total = paid_total.saturating_add(paid);
			Self::credit(ledger, &slot.who, paid, 0);
			let _ = evaluators.try_push(EvaluatorOutcome {
				who: slot.who.clone(),
				agreed: *agreed,
				paid,
				slashed: *cut,
			});
		}
		for member in ledger.iter_mut() {
			member.drawn = false;
		}
		Ledgers::<T>::insert(id, &*ledger);

		// What came in (the pot, the slashes) and was not paid goes to the treasury, in one
		// payment when the task closes.
		let to_treasury = pot.saturating_add(slashed).saturating_sub(paid_total);
		let books = &mut task.books;
		books.left = books.left.saturating_sub(pot);
		books.slashed = books.slashed.saturating_add(slashed);
		books.paid = books.paid.saturating_add(paid_total);
		books.treasury_due = books.treasury_due.saturating_add(to_treasury);
		if let Some(aggregate) = &aggregate {
			task.global = Some(aggregate.clone());
		}
		Self::deposit_event(Event::RoundFinalized {
			task: id,
			round: round.index,
			aggregate,
			participants,
			evaluators,
			to_treasury,
		});
	}

	/// Takes `fraction` of `who`'s stake. Returns what was taken.
	fn slash(ledger: &mut LedgerOf<T>, who: &T::AccountId, fraction: Perbill) -> BalanceOf<T> {
		if fraction.is_zero() {
			return Zero::zero();
		}
		match ledger.iter_mut().find(|m| &m.who == who) {
			Some(member) => {
				let cut = fraction * member.stake;
				member.stake = member.stake.saturating_sub(cut);
				cut
			},
			None => {
				frame_support::defensive!("a drawn member left");
				Zero::zero()
			},
		}
	}

	/// Credits `who` with `amount` earned and `score` points.
	fn credit(ledger: &mut LedgerOf<T>, who: &T::AccountId, amount: BalanceOf<T>, score: u128) {
		if let Some(member) = ledger.iter_mut().find(|m| &m.who == who) {
			member.earned = member.earned.saturating_add(amount);
			member.score = member.score.saturating_add(score);
		}
	}
}
