//! Royalties, accounted lazily: the one definition of what a version's payees are owed, used by
//! the registry (which pays claims), its runtime API and the clients (which show them).
//!
//! Every use of a model or dataset version pays its usage fee, less the protocol's cut, into
//! the version's [`RoyaltyPot`]: one addition, whatever the number of payees or the depth of
//! the lineage. Who shares the pot, and how, is the version's **royalty split**, fixed when
//! the version is published: each [`RoyaltyPayee`] but the owner holds a share (a `Perbill`),
//! and the owner holds the rest. A payee is owed, at any time, its share of everything the
//! pot ever received, rounded down once ([`share_of`]); the owner likewise its own share
//! ([`owner_share`]). What the payees are owed only ever grows, so nobody can claim today
//! what a later payment would make someone else's. The units no share reaches yet (fewer than
//! the payees, counted in the smallest unit) stay in the pot, and the owner receives them when
//! the version is removed and its pot closed: nothing is rounded away. Each payee claims what
//! it is owed less what it claimed before, in one step.
//!
//! A parent version's share is not paid to an account: it is forwarded into the parent's own
//! pot, where the parent's split shares it in turn, so royalties climb the lineage one claim
//! at a time instead of in the settlement that paid them.

use crate::ModelVersionRef;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};

/// Who shares a version's royalty pot.
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum RoyaltyPayee<AccountId> {
	/// The item's owner at the time of the claim: owed what the shares leave (rounding
	/// included). It follows the item when ownership is transferred.
	Owner,
	/// A contributor named when the version was published.
	Account(AccountId),
	/// A parent model version: its share is forwarded into the parent's pot.
	Parent(ModelVersionRef),
}

/// What a version's payees have been paid into, in total, since it was published.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct RoyaltyPot<Balance> {
	/// Every usage fee (less the protocol's cut) and every forwarded parent share the version
	/// received: what the split shares.
	pub accrued: Balance,
}

/// What a payee with `share` of a pot that received `accrued` is owed in total: its share,
/// rounded down.
pub fn share_of<Balance: AtLeast32BitUnsigned + Copy>(share: Perbill, accrued: Balance) -> Balance {
	share.mul_floor(accrued)
}

/// What the owner of a pot is owed in total: its share (what the `shares` of the other payees
/// leave of 100%) of what the pot received, rounded down.
///
/// The owner's part is a share like the others, not "whatever is left": what is left after
/// the others' rounding shrinks when a later payment carries their shares over a unit, so an
/// owner paid it could be paid a unit that later becomes a contributor's.
pub fn owner_share<Balance: AtLeast32BitUnsigned + Copy>(
	shares: impl IntoIterator<Item = Perbill>,
	pot: &RoyaltyPot<Balance>,
) -> Balance {
	let others = shares.into_iter().fold(0u64, |sum, share| sum + share.deconstruct() as u64);
	let owner = Perbill::from_parts(1_000_000_000u64.saturating_sub(others) as u32);
	share_of(owner, pot.accrued)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// What each payee is owed never shrinks as the pot grows, and together never exceeds it:
	/// what no share reaches yet is less than a unit per payee.
	#[test]
	fn shares_only_grow_and_never_exceed_the_pot() {
		let shares = [Perbill::from_rational(1u32, 3u32), Perbill::from_rational(1u32, 7u32)];
		let mut last = [0u128; 3];
		for accrued in 0u128..2_000 {
			let pot = RoyaltyPot { accrued };
			let now = [
				share_of(shares[0], accrued),
				share_of(shares[1], accrued),
				owner_share(shares, &pot),
			];
			assert!(now.iter().zip(last).all(|(n, l)| *n >= l));
			let total: u128 = now.iter().sum();
			assert!(total <= accrued && accrued - total < 3);
			last = now;
		}
	}
}
