//! Providers: registration, bonds, capabilities, attestations, eligibility, slashing.

use crate::{pallet::*, types::*, BalanceOf};
use codec::MaxEncodedLen;
use deai_primitives::ModelRegistry;
use frame_support::{
	ensure,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchResult, Perbill,
};

impl<T: Config> Pallet<T> {
	/// The storage deposit of a record that encodes to at most `bytes` bytes.
	pub fn deposit_for_bytes(bytes: usize) -> BalanceOf<T> {
		deai_primitives::deposits::for_bytes(T::DepositBase::get(), T::DepositPerByte::get(), bytes)
	}

	/// The storage deposit of a provider: its record and its endpoint.
	pub fn provider_deposit() -> BalanceOf<T> {
		Self::deposit_for_bytes(
			ProviderInfo::<T>::max_encoded_len()
				.saturating_add(BoundedText::<T::MaxUriLen>::max_encoded_len()),
		)
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
			frame_support::defensive!("a market hold was smaller than its record");
		}
	}

	/// Moves `amount` of `from`'s hold for `reason` to `to`'s free balance (a release when they
	/// are the same account). Returns what moved.
	pub(crate) fn pay_from_hold(
		reason: HoldReason,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let moved = if from == to {
			T::Currency::release(&reason.into(), from, amount, Precision::BestEffort)
		} else {
			T::Currency::transfer_on_hold(
				&reason.into(),
				from,
				to,
				amount,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)
		};
		let moved = moved.unwrap_or_else(|_| Zero::zero());
		if moved != amount && reason != HoldReason::ProviderBond {
			frame_support::defensive!("a market payment exceeded its hold");
		}
		moved
	}

	/// Slashes `fraction` of a provider's bond to the fee destination (the treasury). Never to
	/// the requester: whoever can bring about a verdict against a provider (by naming the
	/// verifier, placing sybils in a redundant set, or disputing) must not profit from it.
	/// Emits `ProviderSlashed`.
	pub(crate) fn slash_provider(
		provider: &T::AccountId,
		fraction: Perbill,
		job: deai_primitives::JobId,
	) {
		let to = T::FeeDestination::get();
		Providers::<T>::mutate(provider, |info| {
			let Some(info) = info else {
				frame_support::defensive!("an assigned provider left");
				return;
			};
			let amount = fraction.mul_floor(info.bond);
			let moved = Self::pay_from_hold(HoldReason::ProviderBond, provider, &to, amount);
			info.bond = info.bond.saturating_sub(moved);
			if !moved.is_zero() {
				Self::deposit_event(Event::ProviderSlashed {
					provider: provider.clone(),
					job,
					amount: moved,
				});
			}
		});
	}

	/// How many jobs and open bids `info` may hold at once: its declared `max_concurrent_jobs`,
	/// and no more than its bond backs at `BondPerSlot` a slot (at least one: the minimum bond
	/// backs a job).
	pub fn slots(info: &ProviderInfo<T>) -> u32 {
		let per_slot = T::BondPerSlot::get();
		let backed = if per_slot.is_zero() {
			u32::MAX
		} else {
			(info.bond / per_slot).saturated_into::<u32>().max(1)
		};
		info.capabilities.max_concurrent_jobs.min(backed)
	}

	/// Whether a provider takes new work: active, and bonded at least `MinProviderBond`.
	pub(crate) fn takes_work(info: &ProviderInfo<T>) -> bool {
		info.status == ProviderStatus::Active && info.bond >= T::MinProviderBond::get()
	}

	/// Whether a completed job counts in a provider's reputation, given the protocol fee its
	/// requester paid on that provider's pay: at least `MinReputationFee`, so that reputation
	/// costs fees paid to others and wash jobs through one's own provider at a price of a few
	/// planck (a fee of zero) earn none.
	pub(crate) fn counts_for_reputation(fee_paid: BalanceOf<T>) -> bool {
		fee_paid >= T::MinReputationFee::get()
	}

	/// Gives one of `bidder`'s slots to a new bid.
	pub(crate) fn take_bid_slot(bidder: &T::AccountId) -> DispatchResult {
		Self::mutate_provider(bidder, |info| {
			info.open_bids = info.open_bids.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})
	}

	/// Ends a bid (removed from storage by the caller): releases its deposit and its slot.
	pub(crate) fn drop_bid(bidder: &T::AccountId, deposit: BalanceOf<T>) {
		Self::release(HoldReason::StorageDeposit, bidder, deposit);
		Providers::<T>::mutate(bidder, |info| match info {
			Some(info) => info.open_bids = info.open_bids.saturating_sub(1),
			// Unbonding waits for a provider's bids to end.
			None => {
				frame_support::defensive!("a bidder left");
			},
		});
	}

	/// Updates a provider's record after a job ends for it.
	pub(crate) fn release_provider(
		provider: &T::AccountId,
		update: impl FnOnce(&mut Reputation<BalanceOf<T>>),
	) {
		Providers::<T>::mutate(provider, |info| match info {
			Some(info) => {
				info.active_jobs = info.active_jobs.saturating_sub(1);
				update(&mut info.reputation);
			},
			None => {
				frame_support::defensive!("an assigned provider left");
			},
		});
	}

	/// `Ok` when `provider` may take `job`: active, bonded, with a free slot (its jobs and open
	/// bids count), meeting the requirements, and allowed to use the job's datasets.
	pub(crate) fn ensure_eligible(
		provider: &T::AccountId,
		info: &ProviderInfo<T>,
		job: &Job<T>,
	) -> DispatchResult {
		ensure!(Self::takes_work(info), Error::<T>::ProviderInactive);
		ensure!(
			info.active_jobs.saturating_add(info.open_bids) < Self::slots(info),
			Error::<T>::ProviderAtCapacity
		);
		let spec = &job.spec;
		let need = &spec.requirements;
		let have = &info.capabilities;
		// Neither the requester nor the job's verifier may work on it.
		let verifier = match &spec.verification {
			VerificationMode::Verifier { verifier } => Some(verifier),
			_ => None,
		};
		let meets = provider != &job.requester
			&& Some(provider) != verifier
			&& have.job_kinds & spec.kind.bit() != 0
			&& have.vram_mib >= need.min_vram_mib
			&& have.ram_mib >= need.min_ram_mib
			&& need.accelerator.as_ref().is_none_or(|a| a == &have.accelerator)
			&& need.region.is_none_or(|r| r == have.region)
			&& (!need.tee_required || info.tee.is_some_and(|t| t.trusted))
			&& info.reputation.score() >= need.min_reputation;
		ensure!(meets, Error::<T>::ProviderNotEligible);
		let usage = Self::intended_use(spec);
		for dataset in spec.datasets.iter() {
			T::Registry::ensure_dataset_usable(dataset, usage, Some(provider))?;
		}
		Ok(())
	}

	fn ensure_valid_capabilities(capabilities: &Capabilities<T>) -> DispatchResult {
		ensure!(
			capabilities.job_kinds & deai_abi::job_kind::ALL != 0
				&& capabilities.max_concurrent_jobs > 0,
			Error::<T>::InvalidCapabilities
		);
		Ok(())
	}

	pub(crate) fn do_register_provider(
		who: T::AccountId,
		capabilities: Capabilities<T>,
		endpoint: BoundedText<T::MaxUriLen>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!Providers::<T>::contains_key(&who), Error::<T>::AlreadyProvider);
		ensure!(bond >= T::MinProviderBond::get(), Error::<T>::BondTooLow);
		Self::ensure_valid_capabilities(&capabilities)?;
		let deposit = Self::provider_deposit();
		Self::hold(HoldReason::ProviderBond, &who, bond)?;
		Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
		Providers::<T>::insert(
			&who,
			ProviderInfo {
				bond,
				capabilities,
				tee: None,
				status: ProviderStatus::Active,
				active_jobs: 0,
				open_bids: 0,
				reputation: Default::default(),
				deposit,
			},
		);
		ProviderEndpoints::<T>::insert(&who, endpoint);
		Self::deposit_event(Event::ProviderRegistered { provider: who, bond });
		Ok(())
	}

	/// Runs `update` on the provider record of `who`.
	fn mutate_provider(
		who: &T::AccountId,
		update: impl FnOnce(&mut ProviderInfo<T>) -> DispatchResult,
	) -> DispatchResult {
		Providers::<T>::try_mutate(who, |info| {
			update(info.as_mut().ok_or(Error::<T>::NotProvider)?)
		})
	}

	pub(crate) fn do_update_provider(
		who: T::AccountId,
		capabilities: Option<Capabilities<T>>,
		endpoint: Option<BoundedText<T::MaxUriLen>>,
	) -> DispatchResult {
		Self::mutate_provider(&who, |info| {
			if let Some(capabilities) = capabilities {
				Self::ensure_valid_capabilities(&capabilities)?;
				info.capabilities = capabilities;
			}
			Ok(())
		})?;
		if let Some(endpoint) = endpoint {
			ProviderEndpoints::<T>::insert(&who, endpoint);
		}
		Self::deposit_event(Event::ProviderUpdated { provider: who });
		Ok(())
	}

	pub(crate) fn do_submit_attestation(
		who: T::AccountId,
		kind: TeeKind,
		report_hash: deai_primitives::ContentHash,
	) -> DispatchResult {
		Self::mutate_provider(&who, |info| {
			info.tee = Some(TeeAttestation { kind, report_hash, trusted: false });
			Ok(())
		})?;
		Self::deposit_event(Event::AttestationSubmitted { provider: who, kind });
		Ok(())
	}

	pub(crate) fn do_review_attestation(provider: T::AccountId, trusted: bool) -> DispatchResult {
		Self::mutate_provider(&provider, |info| {
			let tee = info.tee.as_mut().ok_or(Error::<T>::NoAttestation)?;
			tee.trusted = trusted;
			Ok(())
		})?;
		Self::deposit_event(Event::AttestationReviewed { provider, trusted });
		Ok(())
	}

	pub(crate) fn do_set_paused(who: T::AccountId, paused: bool) -> DispatchResult {
		Self::mutate_provider(&who, |info| {
			info.status = match (&info.status, paused) {
				(ProviderStatus::Unbonding { .. }, _) => {
					return Err(Error::<T>::ProviderUnbonding.into())
				},
				(ProviderStatus::Active, true) => ProviderStatus::Paused,
				(ProviderStatus::Paused, false) => ProviderStatus::Active,
				_ => return Err(Error::<T>::PausedUnchanged.into()),
			};
			Ok(())
		})?;
		Self::deposit_event(Event::ProviderPaused { provider: who, paused });
		Ok(())
	}

	pub(crate) fn do_top_up_bond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let mut bond = Zero::zero();
		Self::mutate_provider(&who, |info| {
			ensure!(
				!matches!(info.status, ProviderStatus::Unbonding { .. }),
				Error::<T>::ProviderUnbonding
			);
			Self::hold(HoldReason::ProviderBond, &who, amount)?;
			info.bond = info.bond.saturating_add(amount);
			bond = info.bond;
			Ok(())
		})?;
		Self::deposit_event(Event::BondToppedUp { provider: who, bond });
		Ok(())
	}

	pub(crate) fn do_start_unbonding(who: T::AccountId) -> DispatchResult {
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Self::mutate_provider(&who, |info| {
			ensure!(
				!matches!(info.status, ProviderStatus::Unbonding { .. }),
				Error::<T>::ProviderUnbonding
			);
			ensure!(info.active_jobs.is_zero(), Error::<T>::HasActiveJobs);
			// Bids bind their bidder until their auctions end.
			ensure!(info.open_bids.is_zero(), Error::<T>::HasOpenBids);
			info.status = ProviderStatus::Unbonding { unlock_at };
			Ok(())
		})?;
		Self::deposit_event(Event::UnbondingStarted { provider: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(who: T::AccountId) -> DispatchResult {
		let info = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
		let ProviderStatus::Unbonding { unlock_at } = info.status else {
			return Err(Error::<T>::NotUnbonding.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillUnbonding);
		Providers::<T>::remove(&who);
		ProviderEndpoints::<T>::remove(&who);
		Self::release(HoldReason::ProviderBond, &who, info.bond);
		Self::release(HoldReason::StorageDeposit, &who, info.deposit);
		Self::deposit_event(Event::ProviderLeft { provider: who, bond: info.bond });
		Ok(())
	}
}

/// Other pallets (federated training) enrol only providers taking work.
impl<T: Config> deai_primitives::ProviderDirectory<T::AccountId> for Pallet<T> {
	fn takes_work(who: &T::AccountId, kinds: u8) -> bool {
		Providers::<T>::get(who).is_some_and(|info| {
			Self::takes_work(&info) && info.capabilities.job_kinds & kinds == kinds
		})
	}

	fn takes_work_weight() -> frame_support::weights::Weight {
		// One read of the provider's record.
		T::DbWeight::get().reads(1)
	}
}
