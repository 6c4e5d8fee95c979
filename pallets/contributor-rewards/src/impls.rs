//! Recording points, epoch turnover, claims, cleanup, queries and invariants.

use crate::{pallet::*, types::*, BalanceOf, WeightInfo};
use alloc::vec::Vec;
use deai_primitives::{ContributionCategory, ContributionSink, Earner, VersionPots};
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		Get,
	},
	weights::{Weight, WeightMeter},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult, Rounding,
};

impl<T: Config> Pallet<T> {
	/// Starts collecting points for `epoch`.
	pub(crate) fn open_epoch(epoch: EpochIndex, start: BlockNumberFor<T>) {
		CurrentEpoch::<T>::put(epoch);
		Epochs::<T>::insert(
			epoch,
			EpochInfo {
				start,
				totals: Default::default(),
				pot: Zero::zero(),
				weights: CategoryWeights::<T>::get(),
				payable: Zero::zero(),
				claimed: Zero::zero(),
				status: EpochStatus::Open,
			},
		);
	}

	/// The block the current epoch ends at (the next one starts).
	pub fn current_epoch_end() -> BlockNumberFor<T> {
		let start = Epochs::<T>::get(CurrentEpoch::<T>::get()).map(|e| e.start).unwrap_or_default();
		start.saturating_add(T::EpochLength::get())
	}

	/// What the pot can still promise: its balance beyond the existential deposit and what
	/// closed epochs already owe.
	pub fn pot_available() -> BalanceOf<T> {
		T::Currency::balance(&Self::pot_account())
			.saturating_sub(T::Currency::minimum_balance())
			.saturating_sub(Committed::<T>::get())
	}

	/// Closes the current epoch and opens the next when it is due, in O(1); also expires the
	/// epoch whose claim window just passed.
	pub(crate) fn maybe_roll_over(now: BlockNumberFor<T>) -> Weight {
		if now < Self::current_epoch_end() {
			return T::WeightInfo::on_initialize_idle();
		}
		let epoch = CurrentEpoch::<T>::get();
		let weights = CategoryWeights::<T>::get();
		let pot = T::RewardPerEpoch::get().min(Self::pot_available());
		Epochs::<T>::mutate(epoch, |info| {
			let Some(info) = info else { return };
			// A category owes at most its share of the pot and at most what its points may pay
			// (`MaxRewardPerPoint` each); the rest stays in the pot.
			let payable =
				PerCategory::<u128>::CATEGORIES.iter().fold(BalanceOf::<T>::zero(), |sum, c| {
					let most = Self::most_paid_for(*info.totals.get(*c));
					sum.saturating_add(weights.get(*c).mul_floor(pot).min(most))
				});
			info.pot = pot;
			info.weights = weights;
			info.payable = payable;
			info.status = EpochStatus::Claimable {
				until: epoch.saturating_add(1).saturating_add(T::ClaimEpochs::get()),
			};
			Committed::<T>::mutate(|c| *c = c.saturating_add(payable));
			Self::deposit_event(Event::EpochClosed { epoch, pot, payable });
		});
		let next = epoch.saturating_add(1);
		if let Some(old) = next.checked_sub(T::ClaimEpochs::get().saturating_add(1)) {
			Self::expire(old);
		}
		Self::open_epoch(next, now);
		T::WeightInfo::on_initialize_rollover(100_000)
	}

	/// Ends an epoch's claim window: what was not claimed is no longer owed.
	fn expire(epoch: EpochIndex) {
		Epochs::<T>::mutate(epoch, |info| {
			let Some(info) = info else { return };
			if !matches!(info.status, EpochStatus::Claimable { .. }) {
				return;
			}
			let unclaimed = info.payable.saturating_sub(info.claimed);
			Committed::<T>::mutate(|c| *c = c.saturating_sub(unclaimed));
			info.status = EpochStatus::Expired;
			Self::deposit_event(Event::EpochExpired { epoch, unclaimed });
		});
	}

	/// Removes expired epochs' points, as many as `meter` allows, oldest epoch first.
	pub(crate) fn clear_expired(meter: &mut WeightMeter) {
		let per_entry =
			T::WeightInfo::on_idle_clear(1).saturating_sub(T::WeightInfo::on_idle_clear(0));
		if meter.try_consume(T::WeightInfo::on_idle_clear(0)).is_err() {
			return;
		}
		let epoch = ClearedUpTo::<T>::get();
		let Some(info) = Epochs::<T>::get(epoch) else {
			// An epoch that never existed (the pallet was added to a running chain after its
			// genesis, L-6) has nothing to clear: move on to the next one.
			if epoch < CurrentEpoch::<T>::get() {
				ClearedUpTo::<T>::put(epoch.saturating_add(1));
			}
			return;
		};
		if info.status != EpochStatus::Expired {
			return;
		}
		let limit =
			meter.remaining().checked_div_per_component(&per_entry).unwrap_or(0).min(1_000) as u32;
		if limit.is_zero() {
			return;
		}
		// One call per block: a second call in the same block would see the same keys.
		let result = Points::<T>::clear_prefix(epoch, limit, None);
		meter.consume(per_entry.saturating_mul(result.backend.max(result.unique).into()));
		if result.maybe_cursor.is_none() {
			Epochs::<T>::remove(epoch);
			ClearedUpTo::<T>::put(epoch.saturating_add(1));
		}
	}

	/// The most `points` can ever be paid: `MaxRewardPerPoint` of a fee unit each.
	pub fn most_paid_for(points: u128) -> BalanceOf<T> {
		T::MaxRewardPerPoint::get().mul_floor(points).saturated_into()
	}

	/// An earner's reward for an epoch, per its points, the epoch's totals, pot and weights.
	pub fn reward_of(
		info: &EpochInfo<BalanceOf<T>, BlockNumberFor<T>>,
		points: &EarnerPoints,
	) -> BalanceOf<T> {
		let pot: u128 = info.pot.saturated_into();
		PerCategory::<u128>::CATEGORIES
			.iter()
			.fold(BalanceOf::<T>::zero(), |sum, category| {
				let mine = *points.points.get(*category);
				let total = *info.totals.get(*category);
				if mine < T::MinPoints::get() || mine.is_zero() || total.is_zero() {
					return sum;
				}
				let category_pot = info.weights.get(*category).mul_floor(pot);
				let share =
					multiply_by_rational_with_rounding(category_pot, mine, total, Rounding::Down)
						.unwrap_or_default();
				let capped = share
					.min(T::MaxShare::get().mul_floor(category_pot))
					.min(Self::most_paid_for(mine).saturated_into());
				sum.saturating_add(capped.saturated_into())
			})
	}

	/// Whether `who` can be paid `amount`: it ends with at least the existential deposit.
	fn can_receive(who: &T::AccountId, amount: BalanceOf<T>) -> bool {
		T::Currency::total_balance(who).saturating_add(amount) >= T::Currency::minimum_balance()
	}

	/// Where `earner`'s reward is paid: an account itself, a version into the royalty pots'
	/// account (it must still have a pot).
	fn recipient(earner: &Earner<T::AccountId>) -> Result<T::AccountId, DispatchError> {
		match earner {
			Earner::Account(who) => Ok(who.clone()),
			Earner::Version(version) => {
				ensure!(T::VersionPots::has_pot(version), Error::<T>::VersionHasNoPot);
				Ok(T::VersionPots::pot_account())
			},
		}
	}

	pub(crate) fn do_claim(epoch: EpochIndex, earner: Earner<T::AccountId>) -> DispatchResult {
		let mut info = Epochs::<T>::get(epoch).ok_or(Error::<T>::EpochNotClaimable)?;
		ensure!(
			matches!(info.status, EpochStatus::Claimable { .. }),
			Error::<T>::EpochNotClaimable
		);
		let mut points = Points::<T>::get(epoch, &earner);
		ensure!(!points.claimed, Error::<T>::AlreadyClaimed);
		let amount = Self::reward_of(&info, &points);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		let recipient = Self::recipient(&earner)?;
		ensure!(Self::can_receive(&recipient, amount), Error::<T>::BelowExistentialDeposit);
		T::Currency::transfer(&Self::pot_account(), &recipient, amount, Preservation::Preserve)
			.map_err(|_| Error::<T>::PotExhausted)?;
		if let Earner::Version(version) = &earner {
			T::VersionPots::accrue(version, amount);
		}
		points.claimed = true;
		Points::<T>::insert(epoch, &earner, points);
		info.claimed = info.claimed.saturating_add(amount);
		Epochs::<T>::insert(epoch, info);
		Committed::<T>::mutate(|c| *c = c.saturating_sub(amount));
		Self::deposit_event(Event::Claimed { epoch, earner, amount });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Queries (runtime API)
	// ---------------------------------------------------------------------------------------

	/// The current epoch, its start and its end.
	pub fn epoch_info() -> (EpochIndex, BlockNumberFor<T>, BlockNumberFor<T>) {
		let epoch = CurrentEpoch::<T>::get();
		let start = Epochs::<T>::get(epoch).map(|e| e.start).unwrap_or_default();
		(epoch, start, Self::current_epoch_end())
	}

	/// What `earner` can claim, per claimable epoch.
	pub fn claimable(earner: &Earner<T::AccountId>) -> Vec<(EpochIndex, BalanceOf<T>)> {
		let Ok(recipient) = Self::recipient(earner) else { return Vec::new() };
		let current = CurrentEpoch::<T>::get();
		let first = current.saturating_sub(T::ClaimEpochs::get());
		(first..current)
			.filter_map(|epoch| {
				let info = Epochs::<T>::get(epoch)?;
				if !matches!(info.status, EpochStatus::Claimable { .. }) {
					return None;
				}
				let points = Points::<T>::get(epoch, earner);
				let amount =
					if points.claimed { Zero::zero() } else { Self::reward_of(&info, &points) };
				(!amount.is_zero() && Self::can_receive(&recipient, amount))
					.then_some((epoch, amount))
			})
			.collect()
	}

	/// The pot: balance, what is owed, and the per-epoch reward.
	pub fn pot_info() -> PotInfo<BalanceOf<T>> {
		PotInfo {
			balance: T::Currency::balance(&Self::pot_account()),
			committed: Committed::<T>::get(),
			reward_per_epoch: T::RewardPerEpoch::get(),
		}
	}

	// ---------------------------------------------------------------------------------------
	// Invariants
	// ---------------------------------------------------------------------------------------

	/// Claimed never exceeds what an epoch can pay; what is owed is committed and covered by the
	/// pot account; totals are the sums of their points; a claimed account was paid exactly its
	/// reward once.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use sp_runtime::TryRuntimeError;
		let mut owed = BalanceOf::<T>::zero();
		let current = CurrentEpoch::<T>::get();
		for (epoch, info) in Epochs::<T>::iter() {
			ensure!(epoch <= current, TryRuntimeError::Other("an epoch from the future"));
			ensure!(
				info.claimed <= info.payable,
				TryRuntimeError::Other("claimed more than payable")
			);
			ensure!(info.payable <= info.pot, TryRuntimeError::Other("payable more than the pot"));
			let mut totals = PerCategory::<u128>::default();
			let mut paid = BalanceOf::<T>::zero();
			for (_, points) in Points::<T>::iter_prefix(epoch) {
				for c in PerCategory::<u128>::CATEGORIES {
					*totals.get_mut(c) = totals.get(c).saturating_add(*points.points.get(c));
				}
				if points.claimed {
					paid = paid.saturating_add(Self::reward_of(&info, &points));
				}
			}
			if info.status != EpochStatus::Expired {
				ensure!(
					totals == info.totals,
					TryRuntimeError::Other("totals differ from the points")
				);
			}
			// An expired epoch's points are cleared a bounded number per block: part of them may
			// be gone already (L-6), so only claimable epochs are checked against their points.
			if info.status != EpochStatus::Expired {
				ensure!(
					paid == info.claimed,
					TryRuntimeError::Other("claims differ from the rewards paid")
				);
			}
			match info.status {
				EpochStatus::Open => {
					ensure!(epoch == current, TryRuntimeError::Other("an old epoch is open"))
				},
				EpochStatus::Claimable { .. } => {
					owed = owed.saturating_add(info.payable.saturating_sub(info.claimed))
				},
				EpochStatus::Expired => {},
			}
		}
		ensure!(
			owed == Committed::<T>::get(),
			TryRuntimeError::Other("committed differs from what epochs owe")
		);
		ensure!(
			T::Currency::balance(&Self::pot_account()) >= owed,
			TryRuntimeError::Other("the pot cannot cover what is owed")
		);
		Ok(())
	}
}

impl<T: Config> ContributionSink<T::AccountId> for Pallet<T> {
	fn record(earner: &Earner<T::AccountId>, category: ContributionCategory, points: u128) {
		if points.is_zero() {
			return;
		}
		let epoch = CurrentEpoch::<T>::get();
		Points::<T>::mutate(epoch, earner, |p| {
			let mine = p.points.get_mut(category);
			*mine = mine.saturating_add(points);
		});
		Epochs::<T>::mutate(epoch, |info| {
			if let Some(info) = info {
				let total = info.totals.get_mut(category);
				*total = total.saturating_add(points);
			}
		});
	}
}
