//! [`ModelRegistry`] for other pallets (the compute market): whether a version may be used,
//! what a use pays and where, and pins that keep versions open jobs use from being removed.
//! Each method delegates to the logic models and datasets share.

use crate::{pallet::*, types::*, BalanceOf};
use deai_primitives::{
	DatasetVersionRef, IntendedUse, ModelOwnership, ModelRegistry, ModelVersionRef, UsageFee,
};
use frame_support::ensure;
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

	fn is_party_to_model(version: &ModelVersionRef, who: &T::AccountId) -> bool {
		Self::is_party_to::<ModelVersionInfo<T>>(version, who)
	}

	fn is_party_to_dataset(version: &DatasetVersionRef, who: &T::AccountId) -> bool {
		Self::is_party_to::<DatasetVersionInfo<T>>(version, who)
	}

	fn royalty_account() -> T::AccountId {
		Self::royalty_account()
	}

	fn usage_fee_cut(fee: BalanceOf<T>) -> BalanceOf<T> {
		Self::usage_fee_cut(fee)
	}

	fn pin_model(version: &ModelVersionRef) -> DispatchResult {
		Self::pin::<ModelVersionInfo<T>>(version)
	}

	fn unpin_model(version: &ModelVersionRef, used: Option<UsageFee<BalanceOf<T>>>) {
		Self::unpin::<ModelVersionInfo<T>>(version, used)
	}

	fn pin_dataset(version: &DatasetVersionRef) -> DispatchResult {
		Self::pin::<DatasetVersionInfo<T>>(version)
	}

	fn unpin_dataset(version: &DatasetVersionRef, used: Option<UsageFee<BalanceOf<T>>>) {
		Self::unpin::<DatasetVersionInfo<T>>(version, used)
	}
}

/// Who may bind things to a version (a ZK profile): its model's owner, while the version exists
/// (yanked or taken down included: what is bound stays with the version).
impl<T: Config> ModelOwnership<T::AccountId> for Pallet<T> {
	fn model_owner(version: &ModelVersionRef) -> Option<T::AccountId> {
		if !ModelVersions::<T>::contains_key(version.model, version.version) {
			return None;
		}
		Models::<T>::get(version.model).map(|model| model.owner)
	}

	fn in_use(version: &ModelVersionRef) -> bool {
		ModelVersions::<T>::get(version.model, version.version).is_some_and(|v| v.pins > 0)
	}
}
