//! Counters: the next id of each kind of record, and the reference counts records keep (live
//! versions, pins, children, dependents, approvals, evaluations), which `do_try_state` checks
//! against what they count.

use crate::pallet::*;
use frame_support::defensive;
use sp_runtime::{
	traits::{CheckedAdd, Zero},
	DispatchError, DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// The id after `current`.
	pub(crate) fn next_id<Id: CheckedAdd + From<u8> + Copy>(
		current: Id,
	) -> Result<Id, DispatchError> {
		current.checked_add(&Id::from(1u8)).ok_or_else(|| Error::<T>::IdOverflow.into())
	}

	pub(crate) fn increment(counter: &mut u32) -> DispatchResult {
		*counter = counter.checked_add(1).ok_or(Error::<T>::CounterOverflow)?;
		Ok(())
	}

	pub(crate) fn decrement(counter: &mut u32) {
		if counter.is_zero() {
			defensive!("a registry counter would go below zero");
		}
		*counter = counter.saturating_sub(1);
	}
}
