//! Deposits and holds as every DeAI pallet takes them: the price of a record's bytes, and holding
//! and releasing funds for a reason. One definition, so that the pallets cannot price or release
//! differently.

use frame_support::traits::{fungible::MutateHold, tokens::Precision};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchResult,
};

/// The storage deposit of a record of `bytes` encoded bytes: `base + per_byte × bytes`.
pub fn for_bytes<Balance: Saturating + From<u32>>(
	base: Balance,
	per_byte: Balance,
	bytes: usize,
) -> Balance {
	let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
	base.saturating_add(per_byte.saturating_mul(bytes.into()))
}

/// Holds `amount` of `who`'s balance for `reason`; a zero amount holds nothing (and writes no
/// hold entry).
pub fn hold<Currency: MutateHold<AccountId>, AccountId>(
	reason: &Currency::Reason,
	who: &AccountId,
	amount: Currency::Balance,
) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	Currency::hold(reason, who, amount)
}

/// Releases `amount` of `who`'s hold for `reason`, or as much as is held. Returns whether all of
/// it was there: a caller whose records justify the hold treats `false` as a defect.
#[must_use]
pub fn release<Currency: MutateHold<AccountId>, AccountId>(
	reason: &Currency::Reason,
	who: &AccountId,
	amount: Currency::Balance,
) -> bool {
	amount.is_zero() || Currency::release(reason, who, amount, Precision::BestEffort) == Ok(amount)
}
