//! Usage and royalties: who a use of a version pays ([`RoyaltySplit`], upstream through the
//! lineage for models), `pay_usage`, and counting uses and crediting contributors.

use crate::{
	items::{Item, Version},
	pallet::*,
	types::*,
	BalanceOf,
};
use alloc::{vec, vec::Vec};
use deai_primitives::{
	ContributionCategory, ContributionSink, DatasetVersionRef, IntendedUse, ModelVersionRef,
	PaidUse, Payout,
};
use frame_support::{
	defensive, ensure,
	storage::{StorageDoubleMap, StorageMap},
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		Get,
	},
};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchError,
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_pay_usage(
		payer: T::AccountId,
		version: VersionRef,
		usage: IntendedUse,
		max_fee: BalanceOf<T>,
	) -> Result<u32, DispatchError> {
		let (fee, payees, credited) = match version {
			VersionRef::Model(v) => {
				Self::pay_usage_of::<ModelVersionInfo<T>>(&payer, &v, usage, max_fee)
			},
			VersionRef::Dataset(v) => {
				Self::pay_usage_of::<DatasetVersionInfo<T>>(&payer, &v, usage, max_fee)
			},
		}?;
		Self::deposit_event(Event::UsagePaid { version, payer, fee, payees, credited });
		Ok(payees)
	}

	/// Pays one use of a version for `usage`: its fee (at most `max_fee`) split among its
	/// payees. Returns the fee, how many were paid and whether the contributors were credited.
	fn pay_usage_of<V: Version<T>>(
		payer: &T::AccountId,
		version: &V::Ref,
		usage: IntendedUse,
		max_fee: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, u32, bool), DispatchError> {
		let (item, info) = Self::usable::<V>(version, usage)?;
		item.ensure_payable_directly()?;
		let fee = item.usage_fee();
		ensure!(!fee.is_zero(), Error::<T>::NothingToPay);
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
		// Whether the payer is a party to the item: its owner, the version's publisher or one
		// of its contributors (a payee is checked below).
		let party = Self::is_party(payer, &item, info.publisher());
		let payouts = Self::royalty_split::<V>(version, fee)?;
		for payout in payouts.iter().filter(|p| &p.who != payer) {
			T::Currency::transfer(payer, &payout.who, payout.amount, Preservation::Preserve)?;
		}
		// Paying oneself (or an item one shares in) earns no contribution points; a third
		// party's use credits the contributors the protocol's cut it paid (H-4).
		let credited = !party && payouts.iter().all(|p| &p.who != payer);
		Self::count_use::<V>(version, Self::credited_cut(credited, fee));
		Ok((fee, payouts.len() as u32, credited))
	}

	/// The protocol's cut of a usage fee (`UsageFeeCut`), paid to `FeeDestination` first.
	fn protocol_cut(fee: BalanceOf<T>) -> BalanceOf<T> {
		T::UsageFeeCut::get().mul_floor(fee)
	}

	/// The contribution points a use of `fee` credits: the protocol's cut the payer paid, when
	/// the use is `credited` (a third party's), else none (H-4).
	fn credited_cut(credited: bool, fee: BalanceOf<T>) -> BalanceOf<T> {
		if credited {
			Self::protocol_cut(fee)
		} else {
			Zero::zero()
		}
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

	/// Splits `fee` among a version's payees, the protocol's cut first; the amounts add up to
	/// `fee` exactly.
	fn royalty_split<V: Version<T>>(
		version: &V::Ref,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		let (id, index) = V::key(version);
		let item = V::Item::find(id)?;
		ensure!(V::Records::contains_key(id, index), V::NOT_FOUND);
		// The owner comes first so that the fallback always has a place.
		let mut split = RoyaltySplit::<T>::new(item.owner().clone());
		let cut = Self::protocol_cut(fee);
		V::split_fee(&mut split, version, &item, fee.saturating_sub(cut));
		Ok(split.finish_with_cut(cut))
	}

	/// Splits `fee` among a model version's payees: the contributors by share of what the
	/// version keeps, the owner the rounding remainder, and an `upstream_share` of it divided
	/// equally among the parents, each split the same way, up to `MaxRoyaltyDepth` levels. A
	/// taken-down ancestor's part stays with its child's owner. At most `MaxRoyaltyPayees`
	/// distinct accounts are paid: beyond that, shares fall back to this version's owner. The
	/// amounts add up to `fee` exactly.
	pub fn model_royalty_split(
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Self::royalty_split::<ModelVersionInfo<T>>(version, fee)
	}

	/// Splits `fee` among a dataset's contributors by share; the owner gets the remainder.
	pub fn dataset_royalty_split(
		version: &DatasetVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Self::royalty_split::<DatasetVersionInfo<T>>(version, fee)
	}

	/// Adds a model version's payees of `fee` to `split`, climbing `depth` levels so far.
	pub(crate) fn split_model_fee(
		split: &mut RoyaltySplit<T>,
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
		depth: u32,
	) {
		let (Some(model), Some(info)) = (
			Models::<T>::get(version.model),
			ModelVersions::<T>::get(version.model, version.version),
		) else {
			// Versions cannot be removed while children name them; only a defensive path.
			defensive!("a royalty split reached a missing version");
			split.add_fallback(fee);
			return;
		};
		let climbs = depth < T::MaxRoyaltyDepth::get() && !info.parents.is_empty();
		let upstream = if climbs { info.upstream_share.mul_floor(fee) } else { Zero::zero() };
		split.add_shares(&model.owner, &model.contributors, fee.saturating_sub(upstream));
		if upstream.is_zero() {
			return;
		}
		let count: BalanceOf<T> = (info.parents.len() as u32).into();
		let per_parent = upstream / count;
		let mut passed_up = BalanceOf::<T>::zero();
		for parent in info.parents.iter() {
			let taken_down =
				Models::<T>::get(parent.model).is_none_or(|m| m.status == ItemStatus::TakenDown);
			if taken_down {
				continue;
			}
			Self::split_model_fee(split, parent, per_parent, depth.saturating_add(1));
			passed_up = passed_up.saturating_add(per_parent);
		}
		split.add(&model.owner, upstream.saturating_sub(passed_up));
	}

	/// Counts a job's paid use of a version (`publisher` is `None` if it is missing): its
	/// contributors are credited the protocol's cut unless the payer is a party to the item.
	pub(crate) fn count_job_use<V: Version<T>>(
		version: &V::Ref,
		publisher: Option<T::AccountId>,
		used: PaidUse<T::AccountId, BalanceOf<T>>,
	) {
		let item = <V::Item as Item<T>>::Records::get(V::key(version).0);
		let party = match (item, publisher) {
			(Some(item), Some(publisher)) => Self::is_party(&used.payer, &item, &publisher),
			_ => true,
		};
		Self::count_use::<V>(version, Self::credited_cut(!party, used.fee));
	}

	/// Counts one use of a version and credits its contributors `points` by share.
	fn count_use<V: Version<T>>(version: &V::Ref, points: BalanceOf<T>) {
		let (id, index) = V::key(version);
		V::Records::mutate(id, index, |v| {
			if let Some(v) = v {
				let uses = v.uses_mut();
				*uses = uses.saturating_add(1);
			}
		});
		if points.is_zero() {
			return;
		}
		if let Some(item) = <V::Item as Item<T>>::Records::get(id) {
			Self::credit(item.contributors(), V::CATEGORY, points);
		}
	}

	/// Credits `contributors` `points` by share.
	fn credit(
		contributors: &ContributorsOf<T>,
		category: ContributionCategory,
		points: BalanceOf<T>,
	) {
		let points: u128 = points.saturated_into();
		for (who, share) in contributors.iter() {
			let earned = share.mul_floor(points);
			if !earned.is_zero() {
				T::ContributionSink::record(who, category, earned);
			}
		}
	}
}

/// Builds a royalty split: merges payments to the same account and caps the payees.
pub(crate) struct RoyaltySplit<T: Config> {
	payouts: Vec<Payout<T::AccountId, BalanceOf<T>>>,
}

impl<T: Config> RoyaltySplit<T> {
	/// A split whose fallback payee (index 0) is `owner`.
	fn new(owner: T::AccountId) -> Self {
		Self { payouts: vec![Payout { who: owner, amount: Zero::zero() }] }
	}

	fn add(&mut self, who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		if let Some(payout) = self.payouts.iter_mut().find(|p| &p.who == who) {
			payout.amount = payout.amount.saturating_add(amount);
		} else if self.payouts.len() < T::MaxRoyaltyPayees::get() as usize {
			self.payouts.push(Payout { who: who.clone(), amount });
		} else {
			self.add_fallback(amount);
		}
	}

	fn add_fallback(&mut self, amount: BalanceOf<T>) {
		if let Some(owner) = self.payouts.first_mut() {
			owner.amount = owner.amount.saturating_add(amount);
		}
	}

	/// Pays `amount` to `contributors` by share; `owner` gets the rounding remainder.
	pub(crate) fn add_shares(
		&mut self,
		owner: &T::AccountId,
		contributors: &ContributorsOf<T>,
		amount: BalanceOf<T>,
	) {
		let mut paid = BalanceOf::<T>::zero();
		for (who, share) in contributors.iter() {
			let part = share.mul_floor(amount);
			self.add(who, part);
			paid = paid.saturating_add(part);
		}
		self.add(owner, amount.saturating_sub(paid));
	}

	/// The payouts, the protocol's `cut` (to the fee destination) first. A share that could
	/// not be paid (below the existential deposit, to an account that does not exist) goes to
	/// the owner instead, so that paying for an item never fails, nor leaves part of a fee
	/// unpaid, because of a dust share (L-4).
	fn finish_with_cut(mut self, cut: BalanceOf<T>) -> Vec<Payout<T::AccountId, BalanceOf<T>>> {
		let minimum = T::Currency::minimum_balance();
		let mut dust = BalanceOf::<T>::zero();
		for payout in self.payouts.iter_mut().skip(1) {
			if payout.amount < minimum && T::Currency::total_balance(&payout.who).is_zero() {
				dust = dust.saturating_add(core::mem::take(&mut payout.amount));
			}
		}
		self.add_fallback(dust);
		if !cut.is_zero() {
			self.payouts.insert(0, Payout { who: T::FeeDestination::get(), amount: cut });
		}
		self.payouts.retain(|p| !p.amount.is_zero());
		self.payouts
	}
}
