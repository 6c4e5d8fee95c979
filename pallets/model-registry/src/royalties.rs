//! Usage and royalties, accounted lazily (see [`deai_primitives::royalties`]): each version's
//! split, fixed when it is published; `pay_usage` and the market's settlements, which pay a
//! version's pot in one step; claims, which pay one payee what it is owed (or forward a parent's
//! share into the parent's pot); closing a removed version's pot; counting uses and crediting
//! the version contribution points; and receiving what those points earn ([`VersionPots`]).

use crate::{
	items::{Item, Version},
	pallet::*,
	types::*,
	BalanceOf,
};
use deai_primitives::{
	royalties::{owner_share, share_of},
	ContributionSink, Earner, IntendedUse, UsageFee, VersionPots,
};
use frame_support::{
	defensive, ensure,
	storage::StorageDoubleMap,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		Get,
	},
};
use sp_runtime::{
	traits::{AccountIdConversion, SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult, Perbill,
};

impl<T: Config> Pallet<T> {
	/// The account every version's royalty pot is kept in. It always keeps the existential
	/// deposit it was opened with, so that it never dusts what the pots are owed.
	pub fn royalty_account() -> T::AccountId {
		T::RoyaltyPalletId::get().into_account_truncating()
	}

	/// Gives the royalty account its existential deposit (at genesis, or in the migration that
	/// introduced it), so that fees of any size can be paid into it and claims paid out of it.
	pub(crate) fn open_royalty_account() {
		let account = Self::royalty_account();
		let minimum = T::Currency::minimum_balance();
		if T::Currency::balance(&account) < minimum {
			if let Err(e) = T::Currency::mint_into(&account, minimum) {
				defensive!("cannot open the royalty account", e);
			}
		}
	}

	/// The protocol's cut of a usage fee (`UsageFeeCut`), paid to `FeeDestination`.
	pub(crate) fn usage_fee_cut(fee: BalanceOf<T>) -> BalanceOf<T> {
		T::UsageFeeCut::get().mul_floor(fee)
	}

	// ---------------------------------------------------------------------------------------
	// Splits, fixed at publication
	// ---------------------------------------------------------------------------------------

	/// A model version's split: its model's contributors by share of what the version keeps,
	/// and its `upstream_share` divided equally among its parents (each forwarded into the
	/// parent's own pot, which splits it in turn). The owner is owed what the shares leave.
	pub(crate) fn model_royalty_split(
		version: &ModelVersionInfo<T>,
		model: &ModelInfo<T>,
	) -> RoyaltySplitOf<T> {
		Self::model_royalty_split_with(version, &model.contributors)
	}

	/// A model version's split with `contributors` sharing what the version keeps (its model's
	/// contributors, or those named for this version alone).
	pub(crate) fn model_royalty_split_with(
		version: &ModelVersionInfo<T>,
		contributors: &ContributorsOf<T>,
	) -> RoyaltySplitOf<T> {
		let parents = version.parents.len() as u32;
		// No parents, no upstream share to divide (publication refuses a share without parents).
		let per_parent = Perbill::from_parts(
			version.upstream_share.deconstruct().checked_div(parents).unwrap_or_default(),
		);
		let kept = Perbill::one().saturating_sub(version.upstream_share);
		Self::shares_split(
			contributors,
			kept,
			version.parents.iter().map(|p| (RoyaltyPayee::Parent(*p), per_parent)),
		)
	}

	/// A split giving each of `contributors` its share of `kept`, then each of `others`; payees
	/// with a zero share are left out (they are never owed anything).
	pub(crate) fn shares_split(
		contributors: &ContributorsOf<T>,
		kept: Perbill,
		others: impl IntoIterator<Item = (RoyaltyPayee<T::AccountId>, Perbill)>,
	) -> RoyaltySplitOf<T> {
		let mut split = RoyaltySplitOf::<T>::new();
		let entries = contributors
			.iter()
			.map(|(who, share)| (RoyaltyPayee::Account(who.clone()), *share * kept))
			.chain(others)
			.filter(|(_, share)| !share.is_zero());
		for entry in entries {
			// `MaxSplitPayees` counts every contributor and every parent.
			if split.try_push(entry).is_err() {
				defensive!("a royalty split has more payees than MaxSplitPayees");
			}
		}
		split
	}

	/// Opens the royalty pot of a version being published, with its split.
	pub(crate) fn open_royalty_pot(version: VersionRef, split: RoyaltySplitOf<T>) {
		for (payee, _) in split.iter() {
			if let RoyaltyPayee::Account(who) = payee {
				RoyaltyShares::<T>::insert(who, version, ());
			}
		}
		RoyaltySplits::<T>::insert(version, split);
		RoyaltyPots::<T>::insert(version, RoyaltyPot::default());
	}

	/// The most storage a version's royalty split and pot can take ([`Self::royalty_pot_bytes`]
	/// of a split naming `MaxSplitPayees` accounts).
	pub fn max_royalty_pot_bytes() -> usize {
		use codec::MaxEncodedLen;
		let key = 16 + VersionRef::max_encoded_len();
		key + RoyaltySplitOf::<T>::max_encoded_len()
			+ key + RoyaltyPot::<BalanceOf<T>>::max_encoded_len()
			+ MaxSplitPayees::<T>::get() as usize * (key + 16 + T::AccountId::max_encoded_len())
	}

	/// The storage a version's royalty split and pot take, for its deposit: the split, the pot
	/// and one index entry per account it names.
	pub fn royalty_pot_bytes(split: &RoyaltySplitOf<T>) -> usize {
		use codec::{Encode, MaxEncodedLen};
		let key = 16 + VersionRef::max_encoded_len();
		let accounts = split
			.iter()
			.filter(|(payee, _)| matches!(payee, RoyaltyPayee::Account(_)))
			.count();
		key + split.encoded_size()
			+ key + RoyaltyPot::<BalanceOf<T>>::max_encoded_len()
			+ accounts * (key + 16 + T::AccountId::max_encoded_len())
	}

	// ---------------------------------------------------------------------------------------
	// Paying in
	// ---------------------------------------------------------------------------------------

	/// Adds `amount`, already paid into the royalty account, to a version's pot.
	pub(crate) fn accrue(version: VersionRef, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		RoyaltyPots::<T>::mutate(version, |pot| match pot {
			Some(pot) => pot.accrued = pot.accrued.saturating_add(amount),
			None => {
				defensive!("a paid version has no royalty pot");
			},
		});
	}

	pub(crate) fn do_pay_usage(
		payer: T::AccountId,
		version: VersionRef,
		usage: IntendedUse,
		max_fee: BalanceOf<T>,
	) -> DispatchResult {
		let (fee, credited) = match version {
			VersionRef::Model(v) => {
				Self::pay_usage_of::<ModelVersionInfo<T>>(&payer, &v, usage, max_fee)
			},
			VersionRef::Dataset(v) => {
				Self::pay_usage_of::<DatasetVersionInfo<T>>(&payer, &v, usage, max_fee)
			},
		}?;
		Self::deposit_event(Event::UsagePaid { version, payer, fee, credited });
		Ok(())
	}

	/// Pays one use of a version for `usage`: its fee (at most `max_fee`), the protocol's cut
	/// to the fee destination and the rest into the version's pot. Returns the fee and whether
	/// the contributors were credited.
	fn pay_usage_of<V: Version<T>>(
		payer: &T::AccountId,
		version: &V::Ref,
		usage: IntendedUse,
		max_fee: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, bool), DispatchError> {
		let (item, info) = Self::usable::<V>(version, usage)?;
		item.ensure_payable_directly()?;
		let fee = item.usage_fee();
		ensure!(!fee.is_zero(), Error::<T>::NothingToPay);
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
		let cut = Self::usage_fee_cut(fee);
		if !cut.is_zero() {
			T::Currency::transfer(payer, &T::FeeDestination::get(), cut, Preservation::Preserve)?;
		}
		let to_pot = fee.saturating_sub(cut);
		T::Currency::transfer(payer, &Self::royalty_account(), to_pot, Preservation::Preserve)?;
		Self::accrue(V::any(version), to_pot);
		// Paying oneself (or an item one shares in) earns no contribution points; a third
		// party's use credits the version the protocol's cut it paid (H-4).
		let credited = !Self::is_party(payer, &item, info.publisher());
		Self::count_use::<V>(version, if credited { cut } else { Zero::zero() });
		Ok((fee, credited))
	}

	/// Whether `who` is the owner, the publisher or a contributor of what is being paid for.
	fn is_party<I: Item<T>>(who: &T::AccountId, item: &I, publisher: &T::AccountId) -> bool {
		who == item.owner() || who == publisher || item.contributors().iter().any(|(c, _)| c == who)
	}

	/// The fee one use of a version pays.
	pub(crate) fn usage_fee<V: Version<T>>(
		version: &V::Ref,
	) -> Result<BalanceOf<T>, DispatchError> {
		let (id, index) = V::key(version);
		ensure!(V::Records::contains_key(id, index), V::NOT_FOUND);
		Ok(V::Item::find(id)?.usage_fee())
	}

	/// Whether `who` is a party to `version`: its item's owner or a contributor, or the
	/// version's publisher (a version that does not exist counts as a party: nothing to earn).
	pub(crate) fn is_party_to<V: Version<T>>(version: &V::Ref, who: &T::AccountId) -> bool {
		let (Ok(info), Ok(item)) = (V::find(version), V::Item::find(V::key(version).0)) else {
			return true;
		};
		Self::is_party(who, &item, info.publisher())
	}

	/// Counts a job's paid use of a version (its use counter is the caller's), whose fee less
	/// the protocol's cut the market paid into the royalty account: adds that to the version's
	/// pot, and credits the version the cut as points if the use `earns_points` (decided when
	/// the job was posted, so that this reads no item record).
	pub(crate) fn count_job_use<V: Version<T>>(version: &V::Ref, used: UsageFee<BalanceOf<T>>) {
		let cut = Self::usage_fee_cut(used.fee);
		Self::accrue(V::any(version), used.fee.saturating_sub(cut));
		if used.earns_points {
			Self::credit_points::<V>(version, cut);
		}
	}

	/// Counts one use of a version and credits the version `points` (see
	/// [`Self::credit_points`]).
	fn count_use<V: Version<T>>(version: &V::Ref, points: BalanceOf<T>) {
		let (id, index) = V::key(version);
		V::Records::mutate(id, index, |v| {
			if let Some(v) = v {
				let uses = v.uses_mut();
				*uses = uses.saturating_add(1);
			}
		});
		Self::credit_points::<V>(version, points);
	}

	/// Credits a version `points` as a whole: the rewards they earn are paid into its royalty
	/// pot, and its split (fixed when it was published) shares them among its contributors,
	/// parents and owner. One entry whatever the number of contributors, so that a
	/// settlement's cost does not grow with them.
	fn credit_points<V: Version<T>>(version: &V::Ref, points: BalanceOf<T>) {
		if points.is_zero() {
			return;
		}
		T::ContributionSink::record(
			&Earner::Version(V::any(version)),
			V::CATEGORY,
			points.saturated_into(),
		);
	}

	// ---------------------------------------------------------------------------------------
	// Claiming
	// ---------------------------------------------------------------------------------------

	/// What `payee` of `version` is owed now: its share of everything the pot received (the
	/// owner: what the others' shares leave), less what it claimed before.
	pub fn royalties_owed(
		version: &VersionRef,
		payee: &RoyaltyPayee<T::AccountId>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let pot = RoyaltyPots::<T>::get(version).ok_or(Error::<T>::NoRoyaltyPot)?;
		let split = RoyaltySplits::<T>::get(version).unwrap_or_default();
		let named = matches!(payee, RoyaltyPayee::Owner) || split.iter().any(|(p, _)| p == payee);
		ensure!(named, Error::<T>::NotARoyaltyPayee);
		Ok(Self::royalties_owed_from(&split, &pot, version, payee))
	}

	/// Pays `payee` of `version` what it is owed. Anyone may, for any payee: the money only
	/// ever goes to the payee (or, for a parent, into its pot). While governance has taken the
	/// item down, its owner and contributors cannot claim (its pot keeps what it is owed until
	/// the item is restored); its parents' shares are still forwarded.
	pub(crate) fn do_claim_royalties(
		version: VersionRef,
		payee: RoyaltyPayee<T::AccountId>,
	) -> DispatchResult {
		let owed = Self::royalties_owed(&version, &payee)?;
		ensure!(!owed.is_zero(), Error::<T>::NothingToClaim);
		if !matches!(payee, RoyaltyPayee::Parent(_)) {
			ensure!(Self::item_active(&version), Error::<T>::ItemTakenDown);
		}
		let paid_to = Self::pay_royalty(&version, &payee, owed)?;
		RoyaltiesClaimed::<T>::mutate(version, &payee, |claimed| {
			*claimed = claimed.saturating_add(owed)
		});
		Self::deposit_event(Event::RoyaltiesClaimed { version, payee, paid_to, amount: owed });
		Ok(())
	}

	/// Whether the item `version` is a version of exists and is not taken down.
	pub(crate) fn item_active(version: &VersionRef) -> bool {
		match version {
			VersionRef::Model(v) => {
				Models::<T>::get(v.model).is_some_and(|m| m.status == ItemStatus::Active)
			},
			VersionRef::Dataset(v) => {
				Datasets::<T>::get(v.dataset).is_some_and(|d| d.status == ItemStatus::Active)
			},
		}
	}

	/// Pays `amount` to `payee` of `version` out of the royalty account: to the contributor, to
	/// the item's current owner, or into a parent's pot (whatever the parent's status: a
	/// taken-down parent's payees claim it if governance restores it). Returns where it went.
	fn pay_royalty(
		version: &VersionRef,
		payee: &RoyaltyPayee<T::AccountId>,
		amount: BalanceOf<T>,
	) -> Result<RoyaltyDestination<T::AccountId>, DispatchError> {
		let to_account = |who: T::AccountId| -> Result<_, DispatchError> {
			T::Currency::transfer(&Self::royalty_account(), &who, amount, Preservation::Preserve)?;
			Ok(RoyaltyDestination::Account(who))
		};
		match payee {
			RoyaltyPayee::Account(who) => to_account(who.clone()),
			RoyaltyPayee::Owner => to_account(Self::owner_of(version)?),
			RoyaltyPayee::Parent(parent) => {
				let parent = VersionRef::Model(*parent);
				Self::accrue(parent, amount);
				Ok(RoyaltyDestination::Pot(parent))
			},
		}
	}

	/// The current owner of the item `version` is a version of.
	fn owner_of(version: &VersionRef) -> Result<T::AccountId, DispatchError> {
		Ok(match version {
			VersionRef::Model(v) => ModelInfo::<T>::find(v.model)?.owner,
			VersionRef::Dataset(v) => DatasetInfo::<T>::find(v.dataset)?.owner,
		})
	}

	/// Closes the pot of a version being removed: pays every payee what it is owed (a payment
	/// that cannot be made, such as less than the existential deposit to an account that does
	/// not exist, goes to the owner instead) and the owner, last, everything else the pot
	/// holds (the units no share reached included); then removes the split, the pot, the claims
	/// and the index entries. Nobody can keep a version from being removed by not claiming, and
	/// nothing is left behind.
	pub(crate) fn close_royalty_pot(version: VersionRef) {
		let split = RoyaltySplits::<T>::take(version).unwrap_or_default();
		let Some(pot) = RoyaltyPots::<T>::get(version) else {
			defensive!("a version has no royalty pot");
			return;
		};
		// What the split's payees were owed in all, paid now or before.
		let mut settled = BalanceOf::<T>::zero();
		let mut unpaid = BalanceOf::<T>::zero();
		for (payee, share) in split.iter() {
			if let RoyaltyPayee::Account(who) = payee {
				RoyaltyShares::<T>::remove(who, version);
			}
			let entitled = share_of(*share, pot.accrued);
			settled = settled.saturating_add(entitled);
			let owed = entitled.saturating_sub(RoyaltiesClaimed::<T>::get(version, payee));
			if owed.is_zero() {
				continue;
			}
			match Self::pay_royalty(&version, payee, owed) {
				Ok(paid_to) => Self::deposit_event(Event::RoyaltiesClaimed {
					version,
					payee: payee.clone(),
					paid_to,
					amount: owed,
				}),
				Err(_) => unpaid = unpaid.saturating_add(owed),
			}
		}
		RoyaltyPots::<T>::remove(version);
		let owner = RoyaltyPayee::Owner;
		let rest = pot
			.accrued
			.saturating_sub(settled)
			.saturating_sub(RoyaltiesClaimed::<T>::get(version, &owner))
			.saturating_add(unpaid);
		if !rest.is_zero() {
			match Self::pay_royalty(&version, &owner, rest) {
				Ok(paid_to) => Self::deposit_event(Event::RoyaltiesClaimed {
					version,
					payee: owner,
					paid_to,
					amount: rest,
				}),
				Err(e) => {
					defensive!("cannot pay a removed version's owner", e);
				},
			}
		}
		let _ = RoyaltiesClaimed::<T>::clear_prefix(version, split.len() as u32 + 1, None);
	}

	/// What `payee` is owed from `pot` shared by `split` (both already read).
	fn royalties_owed_from(
		split: &RoyaltySplitOf<T>,
		pot: &RoyaltyPot<BalanceOf<T>>,
		version: &VersionRef,
		payee: &RoyaltyPayee<T::AccountId>,
	) -> BalanceOf<T> {
		let entitled = match payee {
			RoyaltyPayee::Owner => owner_share(split.iter().map(|(_, share)| *share), pot),
			named => split
				.iter()
				.find(|(p, _)| p == named)
				.map(|(_, share)| share_of(*share, pot.accrued))
				.unwrap_or_default(),
		};
		entitled.saturating_sub(RoyaltiesClaimed::<T>::get(version, payee))
	}
}

/// The rewards pallet pays what a version earned into its pot.
impl<T: Config> VersionPots<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn pot_account() -> T::AccountId {
		Self::royalty_account()
	}

	fn has_pot(version: &VersionRef) -> bool {
		RoyaltyPots::<T>::contains_key(version)
	}

	fn accrue(version: &VersionRef, amount: BalanceOf<T>) {
		Self::accrue(*version, amount)
	}

	/// Two reads and a write of one pot (`has_pot`, then `accrue`'s read and write), and the
	/// proof of one pot entry as the benchmarks estimate it (its trie path, 2,475 bytes, plus
	/// its largest key and value; the second read of the same key adds no proof).
	fn accrue_weight() -> frame_support::weights::Weight {
		use codec::MaxEncodedLen;
		let entry =
			16 + VersionRef::max_encoded_len() + RoyaltyPot::<BalanceOf<T>>::max_encoded_len();
		T::DbWeight::get()
			.reads_writes(2, 1)
			.saturating_add(frame_support::weights::Weight::from_parts(0, 2_475 + entry as u64))
	}
}
