//! Models: registering and changing a model, publishing its versions (with their lineage),
//! changing their status and removing them. What models share with datasets is generic, in
//! [`crate::ownership`] and [`crate::versions`].

use crate::{items::Version, pallet::*, types::*, BalanceOf};
use alloc::collections::BTreeSet;
use codec::{Encode, MaxEncodedLen};
use deai_primitives::{DatasetVersionRef, JobId, ModelId, ModelVersionRef};
use frame_support::{ensure, BoundedVec};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Perbill};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_model(
		owner: T::AccountId,
		name: BoundedText<T::MaxNameLen>,
		description: BoundedText<T::MaxDescriptionLen>,
		tags: TagsOf<T>,
		licence: Licence<T>,
		usage_fee: BalanceOf<T>,
		contributors: ContributorsOf<T>,
	) -> DispatchResult {
		let record = ModelInfo::<T> {
			owner: owner.clone(),
			pending_owner: None,
			maintainers: BoundedVec::new(),
			licence,
			licence_ceiling: LicenceCeiling::UNRESTRICTED,
			usage_fee,
			contributors,
			status: ItemStatus::Active,
			deposit: Zero::zero(),
			next_version: 0,
			live_versions: 0,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		let model = Self::register_item(record, ModelDescription { name, description, tags })?;
		Self::deposit_event(Event::ModelRegistered { model, owner });
		Ok(())
	}

	pub(crate) fn do_update_model(
		who: T::AccountId,
		model: ModelId,
		description: Option<BoundedText<T::MaxDescriptionLen>>,
		tags: Option<TagsOf<T>>,
		licence: Option<Licence<T>>,
		usage_fee: Option<BalanceOf<T>>,
		contributors: Option<ContributorsOf<T>>,
	) -> DispatchResult {
		Self::change_owned_described(&who, model, |info: &mut ModelInfo<T>, about| {
			if let Some(contributors) = contributors {
				Self::ensure_valid_contributors(&contributors)?;
				info.contributors = contributors;
			}
			if let Some(description) = description {
				about.description = description;
			}
			if let Some(tags) = tags {
				about.tags = tags;
			}
			if let Some(licence) = licence {
				// The ceiling keeps a model whose versions derive from restrictive parents or
				// data from being relicensed more permissively after publication (M-6).
				ensure!(
					info.licence_ceiling.allows(&licence),
					Error::<T>::LicenceMorePermissiveThanLineage
				);
				info.licence = licence;
			}
			if let Some(usage_fee) = usage_fee {
				info.usage_fee = usage_fee;
			}
			Ok(())
		})?;
		Self::deposit_event(Event::ModelUpdated { model });
		Ok(())
	}

	pub(crate) fn do_set_maintainers(
		who: T::AccountId,
		model: ModelId,
		maintainers: BoundedVec<T::AccountId, T::MaxMaintainers>,
	) -> DispatchResult {
		let count = maintainers.len() as u32;
		Self::change_owned(&who, model, |info: &mut ModelInfo<T>| {
			let distinct: BTreeSet<&T::AccountId> = maintainers.iter().collect();
			ensure!(distinct.len() == maintainers.len(), Error::<T>::DuplicateMaintainer);
			info.maintainers = maintainers;
			Ok(())
		})?;
		Self::deposit_event(Event::MaintainersSet { model, count });
		Ok(())
	}

	pub(crate) fn do_publish_model_version(
		publisher: T::AccountId,
		model: ModelId,
		artifact: Artifact<T>,
		format: ModelFormat,
		label: BoundedText<T::MaxLabelLen>,
		parents: BoundedVec<ModelVersionRef, T::MaxParents>,
		trained_on: BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
		produced_by_job: Option<JobId>,
		upstream_share: Perbill,
		contributors: Option<ContributorsOf<T>>,
	) -> Result<ModelVersionRef, DispatchError> {
		let rights = publisher.clone();
		Self::do_publish_model_version_for(
			&rights,
			publisher,
			model,
			artifact,
			format,
			label,
			parents,
			trained_on,
			produced_by_job,
			upstream_share,
			contributors,
		)
	}

	/// Publishes a version with `rights` (who must be allowed to publish it, and to name parents)
	/// and `publisher` (who is recorded, holds the deposit and may use the content hash once)
	/// apart: another pallet publishes what its user trained as itself (ModelPublisher).
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_publish_model_version_for(
		rights: &T::AccountId,
		publisher: T::AccountId,
		model: ModelId,
		artifact: Artifact<T>,
		format: ModelFormat,
		label: BoundedText<T::MaxLabelLen>,
		parents: BoundedVec<ModelVersionRef, T::MaxParents>,
		trained_on: BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
		produced_by_job: Option<JobId>,
		upstream_share: Perbill,
		contributors: Option<ContributorsOf<T>>,
	) -> Result<ModelVersionRef, DispatchError> {
		let mut info = Self::publishable::<ModelInfo<T>>(rights, model)?;
		// Parents and the upstream share decide who is paid for every use of the version: the
		// owner's terms, like the fee and the contributors (M-7).
		ensure!(
			*rights == info.owner || (parents.is_empty() && upstream_share.is_zero()),
			Error::<T>::OnlyOwnerMayRouteRoyalties
		);
		Self::ensure_new_artifact::<ModelVersionInfo<T>>(&artifact, &publisher)?;
		ensure!(
			upstream_share.is_zero() || !parents.is_empty(),
			Error::<T>::UpstreamShareWithoutParents
		);
		info.licence_ceiling = Self::lineage_ceiling(model, &info, &parents, &trained_on)?;

		let this = Self::new_version_ref::<ModelVersionInfo<T>>(model, &mut info)?;
		let hash = artifact.content_hash;
		let mut version = ModelVersionInfo::<T> {
			artifact,
			format,
			label,
			parents,
			trained_on,
			produced_by_job,
			upstream_share,
			status: VersionStatus::Published,
			publisher: publisher.clone(),
			deposit: Zero::zero(),
			published_at: frame_system::Pallet::<T>::block_number(),
			uses: 0,
			pins: 0,
			children: 0,
		};
		// The royalty split is fixed now: later changes to the contributors apply to later
		// versions. A version published on its trainers' behalf names its own contributors.
		let split = match &contributors {
			Some(contributors) => Self::model_royalty_split_with(&version, contributors),
			None => version.royalty_split(&info),
		};
		// The children index entries and the royalty split are part of what this version
		// stores.
		let index_bytes = version.parents.len() * (2 * ModelVersionRef::max_encoded_len() + 32);
		version.deposit = Self::deposit_for_bytes(
			version.encoded_size() + index_bytes + Self::royalty_pot_bytes(&split),
		);
		Self::hold(HoldReason::StorageDeposit, &publisher, version.deposit)?;
		Self::link_lineage(this, &version)?;
		Self::insert_version(this, version, info, split);
		Self::deposit_event(Event::ModelVersionPublished { version: this, hash, publisher });
		Ok(this)
	}

	pub(crate) fn do_set_model_version_status(
		who: T::AccountId,
		version: ModelVersionRef,
		status: VersionStatus,
	) -> DispatchResult {
		Self::set_version_status::<ModelVersionInfo<T>>(&who, &version, status)?;
		Self::deposit_event(Event::ModelVersionStatusChanged { version, status });
		Ok(())
	}

	pub(crate) fn do_remove_model_version(
		who: T::AccountId,
		version: ModelVersionRef,
	) -> DispatchResult {
		Self::remove_version::<ModelVersionInfo<T>>(&who, &version)?;
		Self::deposit_event(Event::ModelVersionRemoved { version });
		Ok(())
	}

	pub(crate) fn do_remove_model(who: T::AccountId, model: ModelId) -> DispatchResult {
		Self::remove_item::<ModelInfo<T>>(&who, model)?;
		Self::deposit_event(Event::ModelRemoved { model });
		Ok(())
	}
}
