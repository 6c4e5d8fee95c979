//! The registry's stored types.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use deai_primitives::{
	royalties::{RoyaltyPayee, RoyaltyPot},
	VersionRef,
};
use deai_primitives::{
	BenchmarkId, ContentHash, DatasetVersionRef, JobId, ModelVersionRef, VersionIndex,
};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{FixedI64, Perbill};

/// A bounded string (UTF-8 by convention; the chain does not check it).
pub type BoundedText<L> = BoundedVec<u8, L>;
/// A model's or dataset's royalty recipients and their shares (summing to 100%).
pub type ContributorsOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, Perbill), <T as Config>::MaxContributors>;
/// The most payees a royalty split names besides the owner: every contributor and every parent.
pub struct MaxSplitPayees<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxSplitPayees<T> {
	fn get() -> u32 {
		T::MaxContributors::get().saturating_add(T::MaxParents::get())
	}
}
/// A version's royalty split: each payee but the owner, with its share of the version's pot.
pub type RoyaltySplitOf<T> =
	BoundedVec<(RoyaltyPayee<<T as frame_system::Config>::AccountId>, Perbill), MaxSplitPayees<T>>;
/// A model's tags (task, modality, ...).
pub type TagsOf<T> = BoundedVec<BoundedText<<T as Config>::MaxTagLen>, <T as Config>::MaxTags>;

/// A machine-readable licence: an SPDX-style identifier plus the permissions the chain enforces.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Licence<T: Config> {
	/// SPDX-style identifier, e.g. `Apache-2.0`, `CC-BY-NC-4.0`, `LicenseRef-custom`.
	pub spdx: BoundedText<T::MaxSpdxLen>,
	/// Commercial use is allowed.
	pub commercial_use: bool,
	/// Derivative works (fine-tuning, training on it, merging) are allowed.
	pub derivatives: bool,
	/// Users must credit the authors.
	pub attribution: bool,
}

impl<T: Config> Licence<T> {
	/// The permissions this licence grants, without its identifier.
	pub fn terms(&self) -> LicenceCeiling {
		LicenceCeiling {
			commercial_use: self.commercial_use,
			derivatives: self.derivatives,
			attribution: self.attribution,
		}
	}
}

/// The most a model's licence may permit, because of what its versions derive from: the
/// combined terms of the other models' versions and the dataset versions they name as parents
/// and training data. A licence within it grants no permission any of those withheld.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct LicenceCeiling {
	/// Commercial use may be allowed.
	pub commercial_use: bool,
	/// Derivative works may be allowed.
	pub derivatives: bool,
	/// Attribution must be required.
	pub attribution: bool,
}

impl LicenceCeiling {
	/// No limit: any licence is within it.
	pub const UNRESTRICTED: Self =
		Self { commercial_use: true, derivatives: true, attribution: false };

	/// Whether `licence` grants nothing this ceiling withholds: no commercial use or derivative
	/// works it forbids, and attribution whenever it requires it.
	pub fn allows<T: Config>(&self, licence: &Licence<T>) -> bool {
		(self.commercial_use || !licence.commercial_use)
			&& (self.derivatives || !licence.derivatives)
			&& (!self.attribution || licence.attribution)
	}

	/// The ceiling that keeps within both `self` and `other`.
	pub fn meet(self, other: Self) -> Self {
		Self {
			commercial_use: self.commercial_use && other.commercial_use,
			derivatives: self.derivatives && other.derivatives,
			attribution: self.attribution || other.attribution,
		}
	}
}

/// Whether governance has taken an item down.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ItemStatus {
	/// Usable.
	Active,
	/// Taken down by the moderator origin: kept for history, unusable.
	TakenDown,
}

/// The state of a published version.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum VersionStatus {
	/// Usable.
	Published,
	/// Still usable, but its maintainers advise against it.
	Deprecated,
	/// Withdrawn: kept for history, not usable by new jobs. Final.
	Yanked,
}

/// The serialisation format of a model artifact.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ModelFormat {
	/// ONNX.
	Onnx,
	/// safetensors.
	Safetensors,
	/// GGUF.
	Gguf,
	/// Anything else.
	Other,
}

/// Who may use a dataset, and for what fee.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum AccessPolicy<Balance> {
	/// Anyone, free of charge.
	Open,
	/// Anyone, for a fee per use.
	Licensed {
		/// The fee per use.
		fee: Balance,
	},
	/// The raw data never leaves its holder: only jobs run by providers the owner approved may
	/// use it, for a fee per use.
	ComputeToData {
		/// The fee per use.
		fee: Balance,
	},
}

impl<Balance: Copy + Default> AccessPolicy<Balance> {
	/// The fee one use pays.
	pub fn fee(&self) -> Balance {
		match self {
			AccessPolicy::Open => Balance::default(),
			AccessPolicy::Licensed { fee } | AccessPolicy::ComputeToData { fee } => *fee,
		}
	}
}

/// A content-addressed artifact (model weights or dataset files).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Artifact<T: Config> {
	/// The content hash of the artifact's bytes.
	pub content_hash: ContentHash,
	/// Its size in bytes.
	pub size_bytes: u64,
	/// Where to fetch it (IPFS CID, https, ...).
	pub uri: BoundedText<T::MaxUriLen>,
}

/// What a model says about itself, for people and clients. No job reads it, so it is kept
/// apart from the [`ModelInfo`] every job on the model reads (`ModelDescriptions`), and that
/// record stays small; its storage is part of the model's deposit.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelDescription<T: Config> {
	/// A short name.
	pub name: BoundedText<T::MaxNameLen>,
	/// A description.
	pub description: BoundedText<T::MaxDescriptionLen>,
	/// Task and modality tags.
	pub tags: TagsOf<T>,
}

/// What a dataset says about itself, kept apart from the [`DatasetInfo`] every job using it
/// reads (`DatasetDescriptions`), like a model's.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct DatasetDescription<T: Config> {
	/// A short name.
	pub name: BoundedText<T::MaxNameLen>,
	/// A description.
	pub description: BoundedText<T::MaxDescriptionLen>,
}

/// A registered model.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelInfo<T: Config> {
	/// The owner: changes terms, maintainers and ownership; receives rounding remainders.
	pub owner: T::AccountId,
	/// The account an ownership transfer was offered to, until it accepts.
	pub pending_owner: Option<T::AccountId>,
	/// Accounts that may publish, deprecate and yank versions besides the owner.
	pub maintainers: BoundedVec<T::AccountId, T::MaxMaintainers>,
	/// The licence every use is checked against.
	pub licence: Licence<T>,
	/// The most `licence` may permit: the terms of the other models and the datasets its
	/// versions were derived from and trained on, as they were when each version was published.
	/// It only narrows while the model has versions, and is lifted when the last one is removed.
	pub licence_ceiling: LicenceCeiling,
	/// The fee a job pays per use of one of its versions.
	pub usage_fee: BalanceOf<T>,
	/// Who shares the fee, and how (summing to 100%).
	pub contributors: ContributorsOf<T>,
	/// Active or taken down.
	pub status: ItemStatus,
	/// The storage deposit held on the owner for this record.
	pub deposit: BalanceOf<T>,
	/// The index the next published version gets.
	pub next_version: VersionIndex,
	/// Versions not yet removed.
	pub live_versions: u32,
	/// When it was registered.
	pub registered_at: BlockNumberFor<T>,
}

/// One immutable published version of a model.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelVersionInfo<T: Config> {
	/// The weights.
	pub artifact: Artifact<T>,
	/// Their format.
	pub format: ModelFormat,
	/// A label such as `v1.2.0`.
	pub label: BoundedText<T::MaxLabelLen>,
	/// The versions it was fine-tuned or merged from (of this or other models).
	pub parents: BoundedVec<ModelVersionRef, T::MaxParents>,
	/// The dataset versions it was trained on.
	pub trained_on: BoundedVec<DatasetVersionRef, T::MaxTrainingDatasets>,
	/// The compute-market job that produced it, if any.
	pub produced_by_job: Option<JobId>,
	/// The share of each usage fee passed up into the parents' royalty pots.
	pub upstream_share: Perbill,
	/// Published, deprecated or yanked.
	pub status: VersionStatus,
	/// Who published it (and paid its deposit).
	pub publisher: T::AccountId,
	/// The storage deposit held on the publisher.
	pub deposit: BalanceOf<T>,
	/// When it was published.
	pub published_at: BlockNumberFor<T>,
	/// How many jobs used it.
	pub uses: u64,
	/// Open jobs using it right now (it cannot be removed while any is open).
	pub pins: u32,
	/// Versions naming it as a parent (it cannot be removed while any exists).
	pub children: u32,
}

/// A registered dataset.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct DatasetInfo<T: Config> {
	/// The owner.
	pub owner: T::AccountId,
	/// The account an ownership transfer was offered to, until it accepts.
	pub pending_owner: Option<T::AccountId>,
	/// The licence every use is checked against.
	pub licence: Licence<T>,
	/// Who may use it, and for what fee.
	pub access: AccessPolicy<BalanceOf<T>>,
	/// Who shares the fee, and how (summing to 100%).
	pub contributors: ContributorsOf<T>,
	/// Active or taken down.
	pub status: ItemStatus,
	/// The storage deposit held on the owner for this record.
	pub deposit: BalanceOf<T>,
	/// The index the next published version gets.
	pub next_version: VersionIndex,
	/// Versions not yet removed.
	pub live_versions: u32,
	/// Providers approved for compute-to-data use.
	pub approved_providers: u32,
	/// When it was registered.
	pub registered_at: BlockNumberFor<T>,
}

/// One immutable published version of a dataset.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct DatasetVersionInfo<T: Config> {
	/// The data.
	pub artifact: Artifact<T>,
	/// A label such as `2026-11`.
	pub label: BoundedText<T::MaxLabelLen>,
	/// Published, deprecated or yanked.
	pub status: VersionStatus,
	/// Who published it (and paid its deposit).
	pub publisher: T::AccountId,
	/// The storage deposit held on the publisher.
	pub deposit: BalanceOf<T>,
	/// When it was published.
	pub published_at: BlockNumberFor<T>,
	/// How many jobs used it.
	pub uses: u64,
	/// Open jobs using it right now.
	pub pins: u32,
	/// Model versions trained on it and benchmarks built on it (it cannot be removed while any
	/// exists).
	pub dependents: u32,
}

/// A benchmark: a dataset version and a metric evaluations report.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct BenchmarkInfo<T: Config> {
	/// Who registered it (and paid its deposit).
	pub creator: T::AccountId,
	/// The test data.
	pub dataset_version: DatasetVersionRef,
	/// The metric's name, e.g. `accuracy`, `bleu`, `perplexity`.
	pub metric: BoundedText<T::MaxMetricLen>,
	/// Whether a higher score is better.
	pub higher_is_better: bool,
	/// The storage deposit held on the creator.
	pub deposit: BalanceOf<T>,
	/// Evaluations that name it (it cannot be removed while any exists).
	pub evaluations: u32,
}

/// Where an evaluation stands.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub enum EvaluationStatus<T: Config> {
	/// Open to challenges until `challenge_deadline`.
	Pending {
		/// The last block a challenge is accepted in.
		challenge_deadline: BlockNumberFor<T>,
	},
	/// Challenged: the evaluation judge decides, until `judgement_deadline`; unjudged, the
	/// evaluation stands and both bonds are returned.
	Challenged {
		/// Who challenged it.
		challenger: T::AccountId,
		/// The challenger's bond, held.
		bond: BalanceOf<T>,
		/// The last block the judge may rule in.
		judgement_deadline: BlockNumberFor<T>,
	},
	/// Accepted (unchallenged, or upheld by the judge).
	Accepted,
	/// Rejected by the judge; the evaluator's bond was slashed.
	Rejected,
}

/// A bonded evaluation of a model version on a benchmark.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct EvaluationInfo<T: Config> {
	/// Who evaluated.
	pub evaluator: T::AccountId,
	/// What was evaluated.
	pub model_version: ModelVersionRef,
	/// On which benchmark.
	pub benchmark: BenchmarkId,
	/// The score, fixed-point with 9 decimals.
	pub score: FixedI64,
	/// The hash of the evidence (logs, predictions).
	pub evidence_hash: ContentHash,
	/// Where the evidence is.
	pub evidence_uri: BoundedText<T::MaxUriLen>,
	/// The evaluator's bond, held until the evaluation is final.
	pub bond: BalanceOf<T>,
	/// The storage deposit held on the evaluator.
	pub deposit: BalanceOf<T>,
	/// The evaluation fee it paid: its contribution points if it is accepted.
	pub fee: BalanceOf<T>,
	/// Where it stands.
	pub status: EvaluationStatus<T>,
	/// When it was submitted.
	pub submitted_at: BlockNumberFor<T>,
}

/// What the registry can say about one version in a lineage graph.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct LineageNode {
	/// The version.
	pub version: ModelVersionRef,
	/// Its distance from the queried version (0 for the version itself).
	pub distance: u32,
	/// Its parents.
	pub parents: alloc::vec::Vec<ModelVersionRef>,
	/// Its own status.
	pub status: VersionStatus,
	/// Its model was taken down.
	pub model_taken_down: bool,
}

/// A version's lineage up to a depth: the provenance graph.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, Default)]
pub struct Lineage {
	/// The version and its ancestors, nearest first.
	pub ancestors: alloc::vec::Vec<LineageNode>,
	/// Its descendants, nearest first (as many as the query bound allows).
	pub descendants: alloc::vec::Vec<LineageNode>,
	/// Some ancestor within the depth was yanked or taken down: the version should be treated
	/// as recalled.
	pub recalled_ancestor: bool,
	/// The node bound cut the graph short.
	pub truncated: bool,
}

/// A model or a dataset, for the calls that treat both alike.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RegistryItem {
	/// A model.
	Model(deai_primitives::ModelId),
	/// A dataset.
	Dataset(deai_primitives::DatasetId),
}

/// Where a royalty claim was paid.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum RoyaltyDestination<AccountId> {
	/// To an account: the contributor, or the item's owner at the time of the claim.
	Account(AccountId),
	/// Into a parent version's pot.
	Pot(VersionRef),
}
