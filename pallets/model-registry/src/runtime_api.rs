//! `ModelRegistryApi`: the registry's queries that need more than one storage read.
//!
//! The record types are the pallet's own (`ModelInfo<Runtime>`, ...) and the runtime's
//! `AccountId`, given by the runtime as type parameters, so clients decode them from metadata
//! alone.

use crate::types::{Lineage, RoyaltyPayee, VersionRef};
use alloc::vec::Vec;
use codec::Codec;
use deai_primitives::{
	ContentHash, DatasetVersionRef, EvaluationId, ModelId, ModelVersionRef, VersionIndex,
};

sp_api::decl_runtime_apis! {
	/// Queries of the model registry. Version 2: the `Model` that `model` returns changed its
	/// layout (its name, description and tags moved to `ModelDescriptions`), which a client
	/// decoding it by the older layout must not do silently.
	#[api_version(2)]
	pub trait ModelRegistryApi<AccountId, Balance, Model, ModelVersion, Evaluation>
	where
		AccountId: Codec,
		Balance: Codec,
		Model: Codec,
		ModelVersion: Codec,
		Evaluation: Codec,
	{
		/// A model and all its versions, oldest first.
		fn model(model: ModelId) -> Option<(Model, Vec<(VersionIndex, ModelVersion)>)>;

		/// A version's lineage up to `depth` levels each way: ancestors, descendants, and
		/// whether an ancestor was recalled (yanked or taken down).
		fn lineage(version: ModelVersionRef, depth: u32) -> Option<Lineage>;

		/// The dataset versions a model version was trained on.
		fn training_datasets(version: ModelVersionRef) -> Vec<DatasetVersionRef>;

		/// The evaluations of a model version.
		fn evaluations(version: ModelVersionRef) -> Vec<(EvaluationId, Evaluation)>;

		/// The model (else dataset) version `publisher` published with a content hash.
		fn version_by_hash(hash: ContentHash, publisher: AccountId) -> Option<VersionRef>;

		/// Who published versions with a content hash, and which: at most
		/// `MAX_VERSIONS_BY_HASH` entries. Anyone can publish any hash: trust an entry for its
		/// publisher, not for being first.
		fn versions_by_hash(hash: ContentHash) -> Vec<(AccountId, VersionRef)>;

		/// What each payee of a version's royalty pot is owed now (`claim_royalties` pays it),
		/// the owner last.
		fn royalties(version: VersionRef) -> Vec<(RoyaltyPayee<AccountId>, Balance)>;

		/// The versions whose royalty splits name `account` as a contributor, and what each
		/// owes it now; not those of taken-down items, which cannot be claimed until restored.
		/// (An owner's part is in `royalties` of its items' versions.)
		fn royalties_of(account: AccountId) -> Vec<(VersionRef, Balance)>;
	}
}
