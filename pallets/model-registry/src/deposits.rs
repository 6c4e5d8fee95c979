//! Deposits and holds: the price of storing a record, and holding, releasing and slashing funds
//! for the registry's hold reasons.

use crate::{pallet::*, BalanceOf, CreditOf};
use codec::Encode;
use frame_support::{
	defensive,
	traits::{fungible::BalancedHold, Get, Imbalance, OnUnbalanced},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// The storage deposit of a record of `bytes` encoded bytes.
	pub fn deposit_for_bytes(bytes: usize) -> BalanceOf<T> {
		deai_primitives::deposits::for_bytes(T::DepositBase::get(), T::DepositPerByte::get(), bytes)
	}

	/// The storage deposit of `record`.
	pub fn deposit_for(record: &impl Encode) -> BalanceOf<T> {
		Self::deposit_for_bytes(record.encoded_size())
	}

	pub(crate) fn hold(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		deai_primitives::deposits::hold::<T::Currency, _>(&reason.into(), who, amount)
	}

	pub(crate) fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
		if !deai_primitives::deposits::release::<T::Currency, _>(&reason.into(), who, amount) {
			defensive!("a registry hold was smaller than the record says");
		}
	}

	/// Moves `who`'s storage deposit from `old` to `new` (holding more or releasing some).
	pub(crate) fn adjust_deposit(
		who: &T::AccountId,
		old: BalanceOf<T>,
		new: BalanceOf<T>,
	) -> DispatchResult {
		if new > old {
			Self::hold(HoldReason::StorageDeposit, who, new.saturating_sub(old))
		} else {
			Self::release(HoldReason::StorageDeposit, who, old.saturating_sub(new));
			Ok(())
		}
	}

	/// Slashes `amount` of `who`'s hold for `reason` to [`Config::Slash`].
	pub(crate) fn slash_hold(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let (credit, _missing): (CreditOf<T>, _) =
			<T::Currency as BalancedHold<T::AccountId>>::slash(&reason.into(), who, amount);
		let slashed = credit.peek();
		T::Slash::on_unbalanced(credit);
		slashed
	}
}
