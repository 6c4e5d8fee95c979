//! Datasets: registering and changing a dataset, publishing its versions, changing their status
//! and removing them, and the providers approved for compute-to-data. What datasets share with
//! models is generic, in [`crate::ownership`] and [`crate::versions`].

use crate::{items::Version, pallet::*, types::*, BalanceOf};
use codec::Encode;
use deai_primitives::{DatasetId, DatasetVersionRef};
use frame_support::{ensure, traits::Get};
use sp_runtime::{traits::Zero, DispatchResult};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_dataset(
		owner: T::AccountId,
		name: BoundedText<T::MaxNameLen>,
		description: BoundedText<T::MaxDescriptionLen>,
		licence: Licence<T>,
		access: AccessPolicy<BalanceOf<T>>,
		contributors: ContributorsOf<T>,
	) -> DispatchResult {
		let record = DatasetInfo::<T> {
			owner: owner.clone(),
			pending_owner: None,
			licence,
			access,
			contributors,
			status: ItemStatus::Active,
			deposit: Zero::zero(),
			next_version: 0,
			live_versions: 0,
			approved_providers: 0,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		let dataset = Self::register_item(record, DatasetDescription { name, description })?;
		Self::deposit_event(Event::DatasetRegistered { dataset, owner });
		Ok(())
	}

	pub(crate) fn do_update_dataset(
		who: T::AccountId,
		dataset: DatasetId,
		description: Option<BoundedText<T::MaxDescriptionLen>>,
		licence: Option<Licence<T>>,
		access: Option<AccessPolicy<BalanceOf<T>>>,
		contributors: Option<ContributorsOf<T>>,
	) -> DispatchResult {
		Self::change_owned_described(&who, dataset, |info: &mut DatasetInfo<T>, about| {
			if let Some(contributors) = contributors {
				Self::ensure_valid_contributors(&contributors)?;
				info.contributors = contributors;
			}
			if let Some(access) = access {
				ensure!(
					info.approved_providers.is_zero()
						|| matches!(access, AccessPolicy::ComputeToData { .. }),
					Error::<T>::HasApprovedProviders
				);
				info.access = access;
			}
			if let Some(description) = description {
				about.description = description;
			}
			if let Some(licence) = licence {
				info.licence = licence;
			}
			Ok(())
		})?;
		Self::deposit_event(Event::DatasetUpdated { dataset });
		Ok(())
	}

	pub(crate) fn do_publish_dataset_version(
		publisher: T::AccountId,
		dataset: DatasetId,
		artifact: Artifact<T>,
		label: BoundedText<T::MaxLabelLen>,
	) -> DispatchResult {
		let mut info = Self::publishable::<DatasetInfo<T>>(&publisher, dataset)?;
		Self::ensure_new_artifact::<DatasetVersionInfo<T>>(&artifact, &publisher)?;
		let this = Self::new_version_ref::<DatasetVersionInfo<T>>(dataset, &mut info)?;
		let hash = artifact.content_hash;
		let mut version = DatasetVersionInfo::<T> {
			artifact,
			label,
			status: VersionStatus::Published,
			publisher: publisher.clone(),
			deposit: Zero::zero(),
			published_at: frame_system::Pallet::<T>::block_number(),
			uses: 0,
			pins: 0,
			dependents: 0,
		};
		// The royalty split is fixed now: later changes to the contributors apply to later
		// versions.
		let split = version.royalty_split(&info);
		version.deposit =
			Self::deposit_for_bytes(version.encoded_size() + Self::royalty_pot_bytes(&split));
		Self::hold(HoldReason::StorageDeposit, &publisher, version.deposit)?;
		Self::insert_version(this, version, info, split);
		Self::deposit_event(Event::DatasetVersionPublished { version: this, hash, publisher });
		Ok(())
	}

	pub(crate) fn do_set_dataset_version_status(
		who: T::AccountId,
		version: DatasetVersionRef,
		status: VersionStatus,
	) -> DispatchResult {
		Self::set_version_status::<DatasetVersionInfo<T>>(&who, &version, status)?;
		Self::deposit_event(Event::DatasetVersionStatusChanged { version, status });
		Ok(())
	}

	pub(crate) fn do_remove_dataset_version(
		who: T::AccountId,
		version: DatasetVersionRef,
	) -> DispatchResult {
		Self::remove_version::<DatasetVersionInfo<T>>(&who, &version)?;
		Self::deposit_event(Event::DatasetVersionRemoved { version });
		Ok(())
	}

	pub(crate) fn do_remove_dataset(who: T::AccountId, dataset: DatasetId) -> DispatchResult {
		Self::remove_item::<DatasetInfo<T>>(&who, dataset)?;
		Self::deposit_event(Event::DatasetRemoved { dataset });
		Ok(())
	}

	pub(crate) fn do_approve_provider(
		who: T::AccountId,
		dataset: DatasetId,
		provider: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned::<DatasetInfo<T>>(&who, dataset)?;
		ensure!(
			matches!(info.access, AccessPolicy::ComputeToData { .. }),
			Error::<T>::NotComputeToData
		);
		ensure!(
			!ApprovedProviders::<T>::contains_key(dataset, &provider),
			Error::<T>::ProviderAlreadyApproved
		);
		ensure!(
			info.approved_providers < T::MaxApprovedProviders::get(),
			Error::<T>::TooManyApprovedProviders
		);
		Self::increment(&mut info.approved_providers)?;
		let deposit = Self::deposit_for(&(dataset, &provider, &who, BalanceOf::<T>::zero()));
		Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
		ApprovedProviders::<T>::insert(dataset, &provider, (who, deposit));
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::ProviderApproved { dataset, provider });
		Ok(())
	}

	pub(crate) fn do_revoke_provider(
		who: T::AccountId,
		dataset: DatasetId,
		provider: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned::<DatasetInfo<T>>(&who, dataset)?;
		let (depositor, deposit) = ApprovedProviders::<T>::take(dataset, &provider)
			.ok_or(Error::<T>::ProviderNotApproved)?;
		Self::decrement(&mut info.approved_providers);
		Datasets::<T>::insert(dataset, info);
		Self::release(HoldReason::StorageDeposit, &depositor, deposit);
		Self::deposit_event(Event::ProviderRevoked { dataset, provider });
		Ok(())
	}
}
