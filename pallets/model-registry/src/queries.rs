//! Queries for the runtime API (`ModelRegistryApi`): answers a client cannot get from one
//! storage read (a model with its versions, a lineage graph, evaluations, versions by hash,
//! royalties owed).

use crate::{pallet::*, types::*, BalanceOf};
use alloc::{collections::BTreeSet, vec, vec::Vec};
use deai_primitives::{ContentHash, EvaluationId, ModelId, ModelVersionRef, VersionIndex};
use frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// A model and its versions.
	pub fn model_with_versions(
		model: ModelId,
	) -> Option<(ModelInfo<T>, Vec<(VersionIndex, ModelVersionInfo<T>)>)> {
		let info = Models::<T>::get(model)?;
		let mut versions: Vec<_> = ModelVersions::<T>::iter_prefix(model).collect();
		versions.sort_by_key(|(index, _)| *index);
		Some((info, versions))
	}

	fn lineage_node(version: ModelVersionRef, distance: u32) -> Option<LineageNode> {
		let info = ModelVersions::<T>::get(version.model, version.version)?;
		let model_taken_down =
			Models::<T>::get(version.model).is_none_or(|m| m.status == ItemStatus::TakenDown);
		Some(LineageNode {
			version,
			distance,
			parents: info.parents.into_inner(),
			status: info.status,
			model_taken_down,
		})
	}

	/// A version's lineage up to `depth` levels (capped by `MaxLineageDepth`) each way, visiting
	/// at most `MaxLineageNodes` versions; flags a recalled (yanked or taken-down) ancestor.
	pub fn lineage(version: ModelVersionRef, depth: u32) -> Option<Lineage> {
		let root = Self::lineage_node(version, 0)?;
		let depth = depth.min(T::MaxLineageDepth::get());
		let max_nodes = T::MaxLineageNodes::get() as usize;
		let mut lineage = Lineage::default();
		let mut seen = BTreeSet::from([version]);

		// Ancestors, breadth first.
		let mut frontier = root.parents.clone();
		lineage.ancestors.push(root);
		for distance in 1..=depth {
			let mut next = Vec::new();
			for parent in frontier {
				if !seen.insert(parent) {
					continue;
				}
				if seen.len() > max_nodes {
					lineage.truncated = true;
					break;
				}
				if let Some(node) = Self::lineage_node(parent, distance) {
					lineage.recalled_ancestor |=
						node.status == VersionStatus::Yanked || node.model_taken_down;
					next.extend(node.parents.iter().copied());
					lineage.ancestors.push(node);
				}
			}
			frontier = next;
		}

		// Descendants, breadth first, through the children index.
		let mut frontier = vec![version];
		for distance in 1..=depth {
			let mut next = Vec::new();
			for parent in frontier {
				for child in ModelVersionChildren::<T>::iter_key_prefix(parent) {
					if !seen.insert(child) {
						continue;
					}
					if seen.len() > max_nodes {
						lineage.truncated = true;
						break;
					}
					if let Some(node) = Self::lineage_node(child, distance) {
						next.push(child);
						lineage.descendants.push(node);
					}
				}
			}
			frontier = next;
		}
		Some(lineage)
	}

	/// The evaluations of a model version.
	pub fn evaluations_of(version: ModelVersionRef) -> Vec<(EvaluationId, EvaluationInfo<T>)> {
		EvaluationsOf::<T>::iter_key_prefix(version)
			.filter_map(|id| Evaluations::<T>::get(id).map(|e| (id, e)))
			.collect()
	}

	/// The version (model, else dataset) `publisher` published with a content hash.
	pub fn version_by_hash(hash: ContentHash, publisher: &T::AccountId) -> Option<VersionRef> {
		ModelVersionByHash::<T>::get(hash, publisher)
			.map(VersionRef::Model)
			.or_else(|| DatasetVersionByHash::<T>::get(hash, publisher).map(VersionRef::Dataset))
	}

	/// Who published versions with a content hash, and which (model versions first): at most
	/// [`crate::MAX_VERSIONS_BY_HASH`] entries, in no meaningful order. Anyone can publish any
	/// hash, so an entry says who claims the file, not who made it.
	pub fn versions_by_hash(hash: ContentHash) -> Vec<(T::AccountId, VersionRef)> {
		ModelVersionByHash::<T>::iter_prefix(hash)
			.map(|(who, v)| (who, VersionRef::Model(v)))
			.chain(
				DatasetVersionByHash::<T>::iter_prefix(hash)
					.map(|(who, v)| (who, VersionRef::Dataset(v))),
			)
			.take(crate::MAX_VERSIONS_BY_HASH)
			.collect()
	}

	/// What each payee of a version's royalty pot is owed now (the owner last); empty if the
	/// version does not exist.
	pub fn royalties(version: VersionRef) -> Vec<(RoyaltyPayee<T::AccountId>, BalanceOf<T>)> {
		let Some(split) = RoyaltySplits::<T>::get(version) else { return Vec::new() };
		split
			.into_iter()
			.map(|(payee, _)| payee)
			.chain([RoyaltyPayee::Owner])
			.filter_map(|payee| {
				Self::royalties_owed(&version, &payee).ok().map(|owed| (payee, owed))
			})
			.collect()
	}

	/// The versions whose royalty splits name `who`, and what each owes it now, leaving out the
	/// versions of taken-down items (nothing of theirs can be claimed until governance restores
	/// them). (What `who` is owed as an item's owner is in [`Self::royalties`] of that item's
	/// versions.)
	pub fn royalties_of(who: &T::AccountId) -> Vec<(VersionRef, BalanceOf<T>)> {
		let payee = RoyaltyPayee::Account(who.clone());
		RoyaltyShares::<T>::iter_key_prefix(who)
			// A taken-down item's payees cannot claim until it is restored.
			.filter(Self::item_active)
			.filter_map(|version| {
				Self::royalties_owed(&version, &payee).ok().map(|owed| (version, owed))
			})
			.collect()
	}
}
