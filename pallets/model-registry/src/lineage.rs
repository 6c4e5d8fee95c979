//! Lineage and licences: what a model version derives from (parent versions and training
//! dataset versions), the licence ceiling those narrow, the links publishing adds (children
//! index, dependents counts) and removal undoes, and checking a licence against a use.

use crate::{pallet::*, types::*};
use alloc::collections::BTreeSet;
use deai_primitives::{DatasetVersionRef, IntendedUse, ModelId, ModelVersionRef};
use frame_support::{defensive, ensure, BoundedVec};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult};

impl<T: Config> Pallet<T> {
	/// Whether `licence` allows `usage`.
	pub(crate) fn ensure_licence_allows(
		licence: &Licence<T>,
		usage: IntendedUse,
	) -> DispatchResult {
		ensure!(
			!usage.commercial || licence.commercial_use,
			Error::<T>::LicenceForbidsCommercialUse
		);
		ensure!(!usage.derivative || licence.derivatives, Error::<T>::LicenceForbidsDerivatives);
		Ok(())
	}

	/// Checks the parents and training data of a new version of `model` (`info`) and returns
	/// the model's licence ceiling narrowed by their terms.
	///
	/// The model's licence may grant nothing its parents or training data withhold, so a
	/// derivative cannot launder a licence (M-6). Their terms narrow the model's ceiling, which
	/// `update_model` keeps the licence within. A parent of this same model is already bound by
	/// the same licence and ceiling, so it narrows nothing.
	pub(crate) fn lineage_ceiling(
		model: ModelId,
		info: &ModelInfo<T>,
		parents: &BoundedVec<ModelVersionRef, T::MaxParents>,
		trained_on: &BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
	) -> Result<LicenceCeiling, DispatchError> {
		let distinct: BTreeSet<&ModelVersionRef> = parents.iter().collect();
		ensure!(distinct.len() == parents.len(), Error::<T>::DuplicateParent);
		let mut ceiling = info.licence_ceiling;
		for parent in parents.iter() {
			ensure!(
				ModelVersions::<T>::contains_key(parent.model, parent.version),
				Error::<T>::ParentVersionUnknown
			);
			let parent_model =
				Models::<T>::get(parent.model).ok_or(Error::<T>::ParentVersionUnknown)?;
			ensure!(parent_model.licence.derivatives, Error::<T>::ParentLicenceForbidsDerivatives);
			if parent.model != model {
				let terms = parent_model.licence.terms();
				ensure!(terms.allows(&info.licence), Error::<T>::LicenceMorePermissiveThanParent);
				ceiling = ceiling.meet(terms);
			}
		}
		let distinct: BTreeSet<&DatasetVersionRef> = trained_on.iter().collect();
		ensure!(distinct.len() == trained_on.len(), Error::<T>::DuplicateTrainingDataset);
		for data in trained_on.iter() {
			ensure!(
				DatasetVersions::<T>::contains_key(data.dataset, data.version),
				Error::<T>::TrainingDatasetUnknown
			);
			let dataset =
				Datasets::<T>::get(data.dataset).ok_or(Error::<T>::TrainingDatasetUnknown)?;
			ensure!(dataset.licence.derivatives, Error::<T>::DatasetLicenceForbidsDerivatives);
			let terms = dataset.licence.terms();
			ensure!(terms.allows(&info.licence), Error::<T>::LicenceMorePermissiveThanTrainingData);
			ceiling = ceiling.meet(terms);
		}
		Ok(ceiling)
	}

	/// Records a new version `this` as a child of its parents and a dependent of its training
	/// data, so that neither can be removed while it exists.
	pub(crate) fn link_lineage(
		this: ModelVersionRef,
		version: &ModelVersionInfo<T>,
	) -> DispatchResult {
		for parent in version.parents.iter() {
			ModelVersions::<T>::try_mutate(parent.model, parent.version, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::ParentVersionUnknown)?;
				Self::increment(&mut p.children)
			})?;
			ModelVersionChildren::<T>::insert(parent, this, ());
		}
		for data in version.trained_on.iter() {
			DatasetVersions::<T>::try_mutate(data.dataset, data.version, |d| -> DispatchResult {
				let d = d.as_mut().ok_or(Error::<T>::TrainingDatasetUnknown)?;
				Self::increment(&mut d.dependents)
			})?;
		}
		Ok(())
	}

	/// Undoes [`Self::link_lineage`] for a removed version of `model`, and lifts the model's
	/// licence ceiling once no version is left.
	pub(crate) fn unlink_lineage(
		this: &ModelVersionRef,
		version: &ModelVersionInfo<T>,
		model: &mut ModelInfo<T>,
	) {
		for parent in version.parents.iter() {
			ModelVersions::<T>::mutate(parent.model, parent.version, |p| match p {
				Some(p) => Self::decrement(&mut p.children),
				None => {
					defensive!("a parent was removed before its child");
				},
			});
			ModelVersionChildren::<T>::remove(parent, this);
		}
		for data in version.trained_on.iter() {
			DatasetVersions::<T>::mutate(data.dataset, data.version, |d| match d {
				Some(d) => Self::decrement(&mut d.dependents),
				None => {
					defensive!("a training dataset was removed before its dependent");
				},
			});
		}
		if model.live_versions.is_zero() {
			// No version derives from anything any more: the licence is the owner's to choose.
			model.licence_ceiling = LicenceCeiling::UNRESTRICTED;
		}
	}
}
