//! [`ModelRegistry`] for other pallets (the compute market): whether a version may be used,
//! what a use pays and where, and pins that keep versions open jobs use from being removed.
//! Each method delegates to the logic models and datasets share.

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf};
use codec::MaxEncodedLen;
use deai_primitives::{
	ContributedVersion, DatasetVersionRef, IntendedUse, ModelId, ModelOwnership, ModelPublisher,
	ModelRegistry, ModelVersionRef, UsageFee,
};
use frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use sp_runtime::{DispatchError, DispatchResult, Perbill};

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

impl<T: Config> ModelPublisher<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn ensure_may_publish(model: ModelId, who: &T::AccountId) -> DispatchResult {
		let info = Self::publishable::<ModelInfo<T>>(who, model)?;
		// Naming a parent routes royalties: the owner's decision (M-7).
		ensure!(&info.owner == who, Error::<T>::OnlyOwnerMayRouteRoyalties);
		Ok(())
	}

	fn max_deposit() -> BalanceOf<T> {
		// The version record, its one parent's children index entries, its split and pot.
		Self::deposit_for_bytes(
			ModelVersionInfo::<T>::max_encoded_len()
				+ 2 * ModelVersionRef::max_encoded_len()
				+ 32 + Self::max_royalty_pot_bytes(),
		)
	}

	fn max_contributors() -> u32 {
		T::MaxContributors::get()
	}

	fn publish(
		on_behalf_of: &T::AccountId,
		publisher: &T::AccountId,
		version: ContributedVersion<T::AccountId>,
	) -> Result<(ModelVersionRef, BalanceOf<T>), DispatchError> {
		let total: u64 =
			version.contributors.iter().map(|(_, share)| share.deconstruct() as u64).sum();
		ensure!(
			total <= Perbill::one().deconstruct() as u64,
			Error::<T>::SharesNotOneHundredPercent
		);
		let distinct: alloc::collections::BTreeSet<&T::AccountId> =
			version.contributors.iter().map(|(who, _)| who).collect();
		ensure!(distinct.len() == version.contributors.len(), Error::<T>::DuplicateContributor);
		let contributors: ContributorsOf<T> =
			version.contributors.try_into().map_err(|_| Error::<T>::TooManyContributors)?;
		let uri = version.uri.try_into().map_err(|_| Error::<T>::TextTooLong)?;
		let label = version.label.try_into().map_err(|_| Error::<T>::TextTooLong)?;
		let parents = BoundedVec::try_from(alloc::vec![version.parent])
			.map_err(|_| Error::<T>::TooManyParents)?;
		let published = Self::do_publish_model_version_for(
			on_behalf_of,
			publisher.clone(),
			version.model,
			Artifact { content_hash: version.hash, size_bytes: version.size, uri },
			ModelFormat::Onnx,
			label,
			parents,
			BoundedVec::new(),
			None,
			Perbill::zero(),
			Some(contributors),
		)?;
		let deposit = ModelVersions::<T>::get(published.model, published.version)
			.map(|v| v.deposit)
			.unwrap_or_default();
		Ok((published, deposit))
	}

	fn publish_weight() -> Weight {
		T::WeightInfo::publish_model_version(1, 0)
	}
}
