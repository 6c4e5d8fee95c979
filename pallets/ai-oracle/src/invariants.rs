//! The oracle's books: every hold is what its records justify, every record has what it needs.

use crate::pallet::*;

impl<T: Config> Pallet<T> {
	/// The oracle's invariants:
	/// - deposits held equal the requests', answers' and feeds' deposits; callback fees held equal
	///   the pending requests' fees and the feeds' rounds not started; feed budgets held equal the
	///   feeds' rounds not started;
	/// - an unanswered request's job is open in the market (its observer will hear how it
	///   ends); an answered request waits in the callback queue, exactly once;
	/// - a feed counts its rounds in flight; one with rounds left is queued where it says; a
	///   cancelled one still has a round in flight; a latest answer is a live feed's;
	/// - the callback queue is contiguous between its bounds.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use crate::{types::*, BalanceOf};
		use alloc::collections::{BTreeMap, BTreeSet};
		use frame_support::{
			ensure,
			traits::{fungible::InspectHold, Get},
		};
		use sp_runtime::{
			traits::{Saturating, Zero},
			TryRuntimeError,
		};

		let mut expected: BTreeMap<(u8, T::AccountId), BalanceOf<T>> = BTreeMap::new();
		let mut add = |reason: u8, who: &T::AccountId, amount: BalanceOf<T>| {
			let entry = expected.entry((reason, who.clone())).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(amount);
		};
		let (head, next) = CallbackQueueBounds::<T>::get();
		ensure!(head <= next, TryRuntimeError::Other("the callback queue's bounds are crossed"));
		let mut queued: BTreeSet<RequestId> = BTreeSet::new();
		for (position, (id, _)) in CallbackQueue::<T>::iter() {
			ensure!(
				position >= head && position < next,
				TryRuntimeError::Other("a callback outside the queue's bounds")
			);
			ensure!(queued.insert(id), TryRuntimeError::Other("a callback queued twice"));
		}
		ensure!(
			queued.len() as u64 == next - head,
			TryRuntimeError::Other("a hole in the callback queue")
		);
		let mut in_flight: BTreeMap<FeedId, u32> = BTreeMap::new();
		for (id, request) in Requests::<T>::iter() {
			add(2, &request.requester, request.deposit);
			if let Some(callback) = &request.callback {
				add(0, &request.requester, callback.fee);
			}
			if request.answered {
				ensure!(
					request.callback.is_some(),
					TryRuntimeError::Other("an answered request kept without a callback")
				);
				ensure!(
					queued.remove(&id),
					TryRuntimeError::Other("an answered request's callback is not queued")
				);
			} else {
				ensure!(
					pallet_compute_market::Jobs::<T>::contains_key(id),
					TryRuntimeError::Other("an unanswered request's job is not open")
				);
			}
			if let Some(feed) = request.feed {
				ensure!(
					request.deposit.is_zero(),
					TryRuntimeError::Other("a round holds a deposit of its own")
				);
				*in_flight.entry(feed).or_default() += 1;
			}
		}
		ensure!(queued.is_empty(), TryRuntimeError::Other("a queued callback without its request"));
		ensure!(
			RequestInputs::<T>::iter_keys().all(|id| {
				Requests::<T>::get(id).is_some_and(|r| !r.answered && r.feed.is_none())
			}),
			TryRuntimeError::Other("an input outlived its request")
		);
		for (_, answer) in Answers::<T>::iter() {
			add(2, &answer.requester, answer.deposit);
		}
		let cursor = FeedCursor::<T>::get();
		for (id, feed) in Feeds::<T>::iter() {
			ensure!(
				id < NextFeedId::<T>::get(),
				TryRuntimeError::Other("feed id not below NextFeedId")
			);
			add(2, &feed.owner, feed.deposit);
			let rounds = BalanceOf::<T>::from(feed.rounds_left);
			let per_round = feed.question.max_budget.saturating_add(feed.round_fee);
			add(1, &feed.owner, per_round.saturating_mul(rounds));
			if let Some(callback) = &feed.callback {
				add(0, &feed.owner, callback.fee.saturating_mul(rounds));
			}
			ensure!(
				in_flight.remove(&id).unwrap_or_default() == feed.in_flight,
				TryRuntimeError::Other("a feed miscounts its rounds in flight")
			);
			ensure!(
				feed.in_flight <= T::MaxRoundsInFlight::get(),
				TryRuntimeError::Other("a feed has more rounds in flight than allowed")
			);
			ensure!(
				(feed.rounds_left > 0 && !feed.parked)
					== FeedQueue::<T>::contains_key(feed.next_round_at, id),
				TryRuntimeError::Other("a feed with rounds left is not queued where it says")
			);
			ensure!(
				!feed.parked
					|| (feed.rounds_left > 0 && feed.in_flight >= T::MaxRoundsInFlight::get()),
				TryRuntimeError::Other("a parked feed does not wait for a round in flight")
			);
			ensure!(
				!feed.cancelled || (feed.in_flight > 0 && feed.rounds_left == 0),
				TryRuntimeError::Other("a cancelled feed lingers")
			);
		}
		ensure!(in_flight.is_empty(), TryRuntimeError::Other("a round of a feed that is gone"));
		for (at, id, ()) in FeedQueue::<T>::iter() {
			let feed =
				Feeds::<T>::get(id).ok_or(TryRuntimeError::Other("a queued feed is gone"))?;
			ensure!(feed.next_round_at == at, TryRuntimeError::Other("a feed queued twice"));
			ensure!(
				cursor.is_zero() || at >= cursor,
				TryRuntimeError::Other("a feed round behind the cursor would never start")
			);
		}
		ensure!(
			FeedAnswers::<T>::iter_keys().all(Feeds::<T>::contains_key),
			TryRuntimeError::Other("a latest answer outlived its feed")
		);
		for ((reason, who), amount) in expected {
			let reason = match reason {
				0 => HoldReason::CallbackFee,
				1 => HoldReason::FeedBudget,
				_ => HoldReason::StorageDeposit,
			};
			let held = <T as pallet_compute_market::Config>::Currency::balance_on_hold(
				&reason.into(),
				&who,
			);
			ensure!(
				held == amount,
				TryRuntimeError::Other("an account's hold differs from the oracle's records")
			);
		}
		Ok(())
	}
}
