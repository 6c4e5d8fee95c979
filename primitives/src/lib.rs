//! # DeAI Chain primitives
//!
//! The ids every DeAI pallet and client shares, and the small "glue" traits through which the
//! pallets see each other. A pallet never depends on another pallet's crate: it names one of
//! these traits in its `Config`, tests against a mock, and the runtime wires the real one.
//!
//! - [`ModelRegistry`]: implemented by `pallet-model-registry`, used by the compute market.
//! - [`ContributionSink`]: implemented by `pallet-contributor-rewards`, fed by the registry and
//!   the market; `()` discards contributions.
//! - [`VersionPots`]: implemented by `pallet-model-registry`, paid by the rewards pallet what a
//!   version earned.
//! - [`ResultVerifier`]: implemented by `pallet-zk-verifier`, asked by the market whether a
//!   `Proof` job's result is proven.
//! - [`ModelOwnership`]: implemented by `pallet-model-registry`, asked who may bind things (a ZK
//!   profile) to a model version.
//! - [`ModelPublisher`]: implemented by `pallet-model-registry`, through which federated
//!   training publishes the model its participants trained, with them as contributors.
//! - [`ProviderDirectory`]: implemented by `pallet-compute-market`, asked whether an account is
//!   a bonded provider taking work (federated training enrols only those).
//! - [`contracts`]: the ABI of the chain extension through which smart contracts use DeAI Chain.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod contracts;
pub mod deposits;
pub mod royalties;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::weights::Weight;
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult};

/// A registered model.
pub type ModelId = u64;
/// A registered dataset.
pub type DatasetId = u64;
/// A version of a model or dataset: 0, 1, 2, ... within its model or dataset.
pub type VersionIndex = u32;
/// A registered benchmark (a dataset version plus a metric).
pub type BenchmarkId = u32;
/// A posted evaluation.
pub type EvaluationId = u64;
/// A compute-market job.
pub type JobId = u64;
/// The 32-byte content hash of an artifact (e.g. its BLAKE2b-256 or SHA-256 digest).
pub type ContentHash = [u8; 32];

/// One published version of one model.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct ModelVersionRef {
	/// The model.
	pub model: ModelId,
	/// The version within it.
	pub version: VersionIndex,
}

/// One published version of one dataset.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct DatasetVersionRef {
	/// The dataset.
	pub dataset: DatasetId,
	/// The version within it.
	pub version: VersionIndex,
}

/// What a contributor is credited for.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ContributionCategory {
	/// Compute delivered for a settled job.
	Compute,
	/// A model (version) used by a job.
	Model,
	/// A dataset (version) used by a job.
	Dataset,
	/// An evaluation that was accepted.
	Evaluation,
}

/// A model version or a dataset version.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum VersionRef {
	/// A model version.
	Model(ModelVersionRef),
	/// A dataset version.
	Dataset(DatasetVersionRef),
}

/// Who earns contribution points.
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Earner<AccountId> {
	/// An account, paid its reward itself: a job's provider, an evaluator.
	Account(AccountId),
	/// A model or dataset version, credited as a whole when a job uses it (one entry per
	/// version, however many contributors it has, so that settlement does not grow with them).
	/// Its reward is paid into its royalty pot ([`VersionPots`]) and shared by the split fixed
	/// when it was published, exactly as its royalties are: its contributors, parents and owner
	/// claim it with them.
	Version(VersionRef),
}

/// Receives contribution points (the rewards pallet). Only other pallets call it: no extrinsic
/// adds points directly. **A point is one unit (planck) of fee that the contribution made
/// somebody pay to the protocol** (the treasury or the rewards pot, accounts no contributor
/// controls): the rewards pallet pays less than a unit per point, so earning points always
/// costs a sybil more than they pay (H-4).
pub trait ContributionSink<AccountId> {
	/// Credits `points` in `category` to `earner` for the current epoch.
	///
	/// Points are final: the market credits a job's only when it settles (after any dispute),
	/// the registry a use when it is paid, an evaluation when its challenge period ends.
	fn record(earner: &Earner<AccountId>, category: ContributionCategory, points: u128);
}

/// Discards contributions: for runtimes and tests without a rewards pallet.
impl<AccountId> ContributionSink<AccountId> for () {
	fn record(_: &Earner<AccountId>, _: ContributionCategory, _: u128) {}
}

/// The versions' royalty pots (the registry), into which the rewards pallet pays what a
/// version earned; the pots' split shares it among the version's payees.
pub trait VersionPots<AccountId, Balance> {
	/// The account every pot is kept in.
	fn pot_account() -> AccountId;
	/// Whether `version` has a pot that can be paid into (it is published and not removed).
	fn has_pot(version: &VersionRef) -> bool;
	/// Adds `amount`, already paid into [`Self::pot_account`], to `version`'s pot.
	fn accrue(version: &VersionRef, amount: Balance);
	/// The most [`Self::has_pot`] and [`Self::accrue`] together cost, for the weight of the
	/// call that pays a version.
	fn accrue_weight() -> frame_support::weights::Weight;
}

/// How a job means to use a model or dataset; checked against the item's licence.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct IntendedUse {
	/// The use is commercial (e.g. a paid service built on the result).
	pub commercial: bool,
	/// The use creates a derivative work (training or fine-tuning on it).
	pub derivative: bool,
}

/// A job's use of a model or dataset version, fixed when the job is posted: the usage fee it
/// pays, and whether that earns the version contribution points. It does not when the
/// requester is a party to the item (its owner, the version's publisher or a contributor: it
/// would pay itself); deciding it at posting spares the settlement reading the item.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct UsageFee<Balance> {
	/// The usage fee.
	pub fee: Balance,
	/// Whether paying it credits the version the protocol's cut as contribution points.
	pub earns_points: bool,
}

/// What other pallets (the compute market) may ask of the model registry.
pub trait ModelRegistry<AccountId, Balance> {
	/// `Ok` when the model version exists, is usable (published, not yanked, its model not taken
	/// down) and its licence allows `usage`; otherwise the registry's named error.
	fn ensure_model_usable(version: &ModelVersionRef, usage: IntendedUse) -> DispatchResult;

	/// `Ok` when the dataset version is usable for `usage`; when `provider` is named, also that
	/// it may run jobs on it (for a compute-to-data dataset, the owner must have approved it).
	fn ensure_dataset_usable(
		version: &DatasetVersionRef,
		usage: IntendedUse,
		provider: Option<&AccountId>,
	) -> DispatchResult;

	/// The fee one job pays for using the model version.
	fn model_usage_fee(version: &ModelVersionRef) -> Result<Balance, DispatchError>;

	/// The fee one job pays for using the dataset version.
	fn dataset_usage_fee(version: &DatasetVersionRef) -> Result<Balance, DispatchError>;

	/// Whether `who` is a party to the model version: its model's owner or a contributor, or
	/// the version's publisher. A party's use pays itself, and earns no contribution points.
	fn is_party_to_model(version: &ModelVersionRef, who: &AccountId) -> bool;

	/// Whether `who` is a party to the dataset version (as [`Self::is_party_to_model`]).
	fn is_party_to_dataset(version: &DatasetVersionRef, who: &AccountId) -> bool;

	/// The account every version's royalty pot is kept in. Who pays a usage fee pays it here,
	/// less [`Self::usage_fee_cut`] (which goes to the protocol), and then reports the use
	/// with [`Self::unpin_model`] or [`Self::unpin_dataset`], which adds it to the version's
	/// pot: one payment, whatever the number of payees (see [`crate::royalties`]).
	fn royalty_account() -> AccountId;

	/// The protocol's cut of a usage fee: paid to the fee destination, not into the pot.
	fn usage_fee_cut(fee: Balance) -> Balance;

	/// Pins a model version while a job that uses it is open: a pinned version cannot be
	/// removed.
	fn pin_model(version: &ModelVersionRef) -> DispatchResult;

	/// Releases a pin taken with [`Self::pin_model`]. With `used`, whose fee the caller has
	/// paid (the cut to the protocol, the rest to [`Self::royalty_account`]): adds the fee less
	/// the cut to the version's royalty pot, counts one use and, if it `earns_points`, credits
	/// the version the protocol's cut as contribution points. It reads no item record.
	fn unpin_model(version: &ModelVersionRef, used: Option<UsageFee<Balance>>);

	/// Pins a dataset version while a job that uses it is open.
	fn pin_dataset(version: &DatasetVersionRef) -> DispatchResult;

	/// Releases a pin taken with [`Self::pin_dataset`]; with `used`, as
	/// [`Self::unpin_model`].
	fn unpin_dataset(version: &DatasetVersionRef, used: Option<UsageFee<Balance>>);
}

/// The compute market's providers, as other pallets see them.
pub trait ProviderDirectory<AccountId> {
	/// Whether `who` is a provider taking new work (active, bonded at least the market's
	/// minimum) whose machine offers every job kind in `kinds` (bits of `deai_abi::job_kind`).
	fn takes_work(who: &AccountId, kinds: u8) -> bool;
	/// The most [`Self::takes_work`] weighs.
	fn takes_work_weight() -> Weight;
}

/// A model version another pallet publishes on its user's behalf: the artifact and who shares
/// its royalties.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ContributedVersion<AccountId> {
	/// The model the version is published in.
	pub model: ModelId,
	/// The content hash of the artifact.
	pub hash: ContentHash,
	/// Its size in bytes.
	pub size: u64,
	/// Where to fetch it.
	pub uri: alloc::vec::Vec<u8>,
	/// Its label.
	pub label: alloc::vec::Vec<u8>,
	/// The version it derives from (its only parent).
	pub parent: ModelVersionRef,
	/// Who shares the version's royalties and how much of them each gets (adding up to at
	/// most 100%): the model's owner is owed what the shares leave. They replace the model's
	/// own contributors for this version only.
	pub contributors: alloc::vec::Vec<(AccountId, sp_runtime::Perbill)>,
}

/// Publishing model versions on a user's behalf (implemented by `pallet-model-registry`).
pub trait ModelPublisher<AccountId, Balance> {
	/// `Ok` when `who` may publish versions of `model` naming a parent (its owner), else the
	/// registry's named error.
	fn ensure_may_publish(model: ModelId, who: &AccountId) -> DispatchResult;
	/// The most storage deposit a [`ContributedVersion`] can take (held from its publisher).
	fn max_deposit() -> Balance;
	/// The most contributors a version may name.
	fn max_contributors() -> u32;
	/// Publishes `version` as `publish_model_version` would (same checks, licence and
	/// lineage) for `on_behalf_of`, who must be allowed to (the model's owner), with `publisher`
	/// recorded as its publisher and holding its deposit, and `version.contributors` sharing its
	/// royalties. A pallet publishes as itself what its users made: the owner it publishes for
	/// cannot take the content hash first. Returns the new version and the deposit held.
	fn publish(
		on_behalf_of: &AccountId,
		publisher: &AccountId,
		version: ContributedVersion<AccountId>,
	) -> Result<(ModelVersionRef, Balance), DispatchError>;
	/// The most [`Self::publish`] weighs.
	fn publish_weight() -> Weight;
}

/// What a [`ResultVerifier`] is shown of the job whose result it checks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ProofContext<'a, AccountId> {
	/// The job.
	pub job: JobId,
	/// The provider submitting the result.
	pub provider: &'a AccountId,
	/// The model version the job runs, if any.
	pub model: Option<&'a ModelVersionRef>,
	/// The job's input hash, as its requester posted it.
	pub input_hash: &'a ContentHash,
	/// The result hash the provider submits.
	pub result_hash: &'a ContentHash,
}

/// Decides whether a result with a proof settles a compute-market job: the seam for verification
/// modes beyond requester approval, redundancy and designated verifiers (a TEE signature, a ZK
/// proof). `()` verifies nothing: jobs cannot ask for proof verification.
pub trait ResultVerifier<AccountId> {
	/// Whether this runtime can verify proofs at all.
	fn is_available() -> bool;
	/// `Ok` when a job on `model` can have its result proven; the verifier's named error
	/// otherwise. Called when a `Proof` job is posted (which pins the model version: what the
	/// verification depends on must not change while the version is pinned).
	fn ensure_verifiable(model: Option<&ModelVersionRef>) -> DispatchResult;
	/// The most [`Self::ensure_verifiable`] weighs (charged by `post_job` for a `Proof` job).
	fn ensure_verifiable_weight() -> Weight;
	/// The most [`Self::verify`] weighs (charged by `submit_result` before dispatch).
	fn max_verify_weight() -> Weight;
	/// The weight used when `proof` shows that the provider computed the result for the job's
	/// input; the verifier's named error when it does not.
	fn verify(context: &ProofContext<'_, AccountId>, proof: &[u8])
		-> Result<Weight, DispatchError>;
}

/// The owners of model versions, as a pallet binding something to a version sees them.
pub trait ModelOwnership<AccountId> {
	/// The owner of the model a version belongs to, if the version exists.
	fn model_owner(version: &ModelVersionRef) -> Option<AccountId>;
	/// Whether open jobs use the version (the market pins it while they run).
	fn in_use(version: &ModelVersionRef) -> bool;
}

impl<AccountId> ResultVerifier<AccountId> for () {
	fn is_available() -> bool {
		false
	}
	fn ensure_verifiable(_: Option<&ModelVersionRef>) -> DispatchResult {
		Err(DispatchError::Other("NoResultVerifier"))
	}
	fn ensure_verifiable_weight() -> Weight {
		Weight::zero()
	}
	fn max_verify_weight() -> Weight {
		Weight::zero()
	}
	fn verify(_: &ProofContext<'_, AccountId>, _: &[u8]) -> Result<Weight, DispatchError> {
		Err(DispatchError::Other("NoResultVerifier"))
	}
}
