//! [`ModelRegistry`] for other pallets (the compute market): whether a version may be used,
//! what a use pays and to whom, and pins that keep versions open jobs use from being removed.
//! Each method delegates to the logic models and datasets share.

use crate::{pallet::*, types::*, BalanceOf};
use alloc::vec::Vec;
use deai_primitives::{
	DatasetVersionRef, IntendedUse, ModelRegistry, ModelVersionRef, PaidUse, Payout,
};
use frame_support::{ensure, traits::Get};
use sp_runtime::{DispatchError, DispatchResult};

impl<T: Config> ModelRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn ensure_model_usable(version: &ModelVersionRef, usage: IntendedUse) -> DispatchResult {
		Self::usable::<ModelVersionInfo<T>>(version, usage).map(|_| ())
	}

	fn ensure_dataset_usable(
		version: &DatasetVersionRef,
		usage: IntendedUse,
		provider: Option<&T::AccountId>,
	) -> DispatchResult {
		let (dataset, _) = Self::usable::<DatasetVersionInfo<T>>(version, usage)?;
		if let (AccessPolicy::ComputeToData { .. }, Some(provider)) = (&dataset.access, provider) {
			ensure!(
				ApprovedProviders::<T>::contains_key(version.dataset, provider),
				Error::<T>::ProviderNotApproved
			);
		}
		Ok(())
	}

	fn model_usage_fee(version: &ModelVersionRef) -> Result<BalanceOf<T>, DispatchError> {
		Self::usage_fee::<ModelVersionInfo<T>>(version)
	}

	fn dataset_usage_fee(version: &DatasetVersionRef) -> Result<BalanceOf<T>, DispatchError> {
		Self::usage_fee::<DatasetVersionInfo<T>>(version)
	}

	fn model_royalty_split(
		version: &ModelVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Pallet::<T>::model_royalty_split(version, fee)
	}

	fn dataset_royalty_split(
		version: &DatasetVersionRef,
		fee: BalanceOf<T>,
	) -> Result<Vec<Payout<T::AccountId, BalanceOf<T>>>, DispatchError> {
		Pallet::<T>::dataset_royalty_split(version, fee)
	}

	fn max_royalty_payees() -> u32 {
		// The protocol's cut comes on top of the item's payees.
		T::MaxRoyaltyPayees::get().saturating_add(1)
	}

	fn pin_model(version: &ModelVersionRef) -> DispatchResult {
		Self::pin::<ModelVersionInfo<T>>(version)
	}

	fn unpin_model(version: &ModelVersionRef, used: Option<PaidUse<T::AccountId, BalanceOf<T>>>) {
		Self::unpin::<ModelVersionInfo<T>>(version, used)
	}

	fn pin_dataset(version: &DatasetVersionRef) -> DispatchResult {
		Self::pin::<DatasetVersionInfo<T>>(version)
	}

	fn unpin_dataset(
		version: &DatasetVersionRef,
		used: Option<PaidUse<T::AccountId, BalanceOf<T>>>,
	) {
		Self::unpin::<DatasetVersionInfo<T>>(version, used)
	}
}
