//! The market's stored and call-argument types.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deai_primitives::{ContentHash, DatasetVersionRef, JobId, ModelVersionRef, UsageFee};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::Permill;

/// A bounded byte string (UTF-8 by convention).
pub type BoundedText<L> = BoundedVec<u8, L>;

/// What kind of machine a provider is.
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
pub enum DeviceClass {
	/// A data-centre server.
	Server,
	/// A workstation or desktop.
	Desktop,
	/// A phone or tablet.
	Mobile,
	/// An edge or embedded device.
	Edge,
}

/// The kinds of AI work the market runs.
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
pub enum JobKind {
	/// Running a model on inputs.
	Inference,
	/// Fine-tuning a model (a derivative work).
	FineTune,
	/// Training a model (a derivative work of its data).
	Training,
	/// Evaluating a model on a benchmark.
	Evaluation,
}

impl JobKind {
	/// The bit of this kind in [`Capabilities::job_kinds`] (`deai_abi::job_kind`, which the
	/// worker reads too).
	pub const fn bit(self) -> u8 {
		use deai_abi::job_kind;
		match self {
			JobKind::Inference => job_kind::INFERENCE,
			JobKind::FineTune => job_kind::FINE_TUNE,
			JobKind::Training => job_kind::TRAINING,
			JobKind::Evaluation => job_kind::EVALUATION,
		}
	}

	/// Whether the work creates a derivative of the model or data it uses.
	pub const fn is_derivative(self) -> bool {
		matches!(self, JobKind::FineTune | JobKind::Training)
	}
}

/// What a provider's machine offers.
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
pub struct Capabilities<T: Config> {
	/// The device class.
	pub device: DeviceClass,
	/// The accelerator model, e.g. `nvidia-a100`, `apple-m3`, `none`.
	pub accelerator: BoundedText<T::MaxAcceleratorLen>,
	/// Accelerator memory, MiB.
	pub vram_mib: u32,
	/// System memory, MiB.
	pub ram_mib: u32,
	/// CPU cores.
	pub cpu_cores: u16,
	/// A region code (e.g. an ISO 3166-1 numeric country code).
	pub region: u16,
	/// The job kinds supported, as [`JobKind::bit`]s.
	pub job_kinds: u8,
	/// How many jobs it runs at once.
	pub max_concurrent_jobs: u32,
}

/// Trusted-execution hardware.
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
pub enum TeeKind {
	/// Intel SGX (DCAP).
	Sgx,
	/// Intel TDX.
	Tdx,
	/// AMD SEV-SNP.
	SevSnp,
	/// AWS Nitro Enclaves.
	Nitro,
	/// NVIDIA confidential computing.
	NvidiaCc,
}

/// A provider's TEE attestation: trusted only once the attestor origin confirms it.
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
pub struct TeeAttestation {
	/// The hardware.
	pub kind: TeeKind,
	/// The hash of the attestation report.
	pub report_hash: ContentHash,
	/// Confirmed by `AttestorOrigin`.
	pub trusted: bool,
}

/// A provider's track record, kept on chain and used in matching.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Reputation<Balance> {
	/// Jobs completed and paid.
	pub completed: u32,
	/// Jobs failed (reported failures, missed deadlines, outvoted results).
	pub failed: u32,
	/// Disputes lost.
	pub disputes_lost: u32,
	/// Everything it was paid.
	pub total_paid: Balance,
}

impl<Balance> Reputation<Balance> {
	/// The score matching uses: completed jobs, less failures, less three per lost dispute.
	pub fn score(&self) -> u32 {
		self.completed
			.saturating_sub(self.failed)
			.saturating_sub(self.disputes_lost.saturating_mul(3))
	}
}

/// Whether a provider takes work.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum ProviderStatus<BlockNumber> {
	/// Takes work.
	Active,
	/// Takes no new work; finishes what it has.
	Paused,
	/// Leaving: the bond is released at `unlock_at`.
	Unbonding {
		/// When `withdraw_bond` may be called.
		unlock_at: BlockNumber,
	},
}

/// A registered provider.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ProviderInfo<T: Config> {
	/// The bond held on the provider (slashable).
	pub bond: BalanceOf<T>,
	/// What its machine offers.
	pub capabilities: Capabilities<T>,
	/// Its TEE attestation, if any.
	pub tee: Option<TeeAttestation>,
	/// Active, paused or unbonding.
	pub status: ProviderStatus<BlockNumberFor<T>>,
	/// Jobs assigned to it and not finished.
	pub active_jobs: u32,
	/// Its open bids and applications: each holds one of its slots (as a job does) until its
	/// auction ends.
	pub open_bids: u32,
	/// Its record.
	pub reputation: Reputation<BalanceOf<T>>,
	/// The storage deposit of this record.
	pub deposit: BalanceOf<T>,
}

/// What a job needs of its providers.
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
pub struct Requirements<T: Config> {
	/// Minimum accelerator memory, MiB.
	pub min_vram_mib: u32,
	/// Minimum system memory, MiB.
	pub min_ram_mib: u32,
	/// A specific accelerator model.
	pub accelerator: Option<BoundedText<T::MaxAcceleratorLen>>,
	/// A specific region.
	pub region: Option<u16>,
	/// Only providers with a trusted TEE attestation.
	pub tee_required: bool,
	/// Minimum [`Reputation::score`].
	pub min_reputation: u32,
}

/// How providers are matched to a job.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum MatchingMode<AccountId, Balance> {
	/// Eligible providers bid until the window closes; the best bid wins (lowest price, then
	/// reputation), or the requester selects earlier. A redundant job's providers are drawn at
	/// random among the bidders instead.
	Auction,
	/// The named provider must accept before the window closes.
	Direct {
		/// The provider.
		provider: AccountId,
	},
	/// The first eligible provider to claim it gets it at this price; a redundant job's
	/// providers are drawn among its claimers when the window closes.
	FixedPrice {
		/// The price per provider.
		price: Balance,
	},
}

/// How a job's result is verified.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum VerificationMode<AccountId> {
	/// The requester accepts or disputes within the review period; silence accepts.
	RequesterApproval,
	/// `providers` providers commit and reveal; a result at least `quorum` of them agree on
	/// wins; providers outside the quorum are slashed.
	Redundant {
		/// How many providers run the job.
		providers: u8,
		/// How many must agree.
		quorum: u8,
	},
	/// The named verifier attests the result (or the requester disputes). A rejection is a
	/// dispute for the dispute resolver, not a verdict: the requester chose the verifier.
	Verifier {
		/// The verifier account (a person, a committee's multisig, ...): never the requester,
		/// and never one of the job's providers.
		verifier: AccountId,
	},
	/// The runtime's [`deai_primitives::ResultVerifier`] checks a proof submitted with the
	/// result (TEE signature, ZK proof).
	Proof,
}

impl<AccountId> VerificationMode<AccountId> {
	/// How many providers the job needs.
	pub fn providers(&self) -> u32 {
		match self {
			VerificationMode::Redundant { providers, .. } => *providers as u32,
			_ => 1,
		}
	}

	/// Whether several providers run the job and a quorum decides.
	pub fn is_redundant(&self) -> bool {
		matches!(self, VerificationMode::Redundant { .. })
	}
}

/// Why a job ended without success.
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
pub enum FailureReason {
	/// The requester cancelled it before it was assigned.
	Cancelled,
	/// Too few eligible providers bid, claimed or accepted in time.
	NoProviders,
	/// A provider missed the execution deadline.
	MissedDeadline,
	/// The provider reported that it could not run the job.
	ProviderFailure {
		/// The provider's reason code.
		code: u16,
	},
	/// The redundant providers did not reach a quorum.
	NoQuorum,
	/// The provider lost a dispute (raised by the requester, or by the verifier's rejection),
	/// as the dispute resolver ruled.
	DisputeLost,
}

/// One provider's part in a job.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Assignment<T: Config> {
	/// The provider.
	pub provider: T::AccountId,
	/// Its price.
	pub price: BalanceOf<T>,
	/// Its commitment in a redundant job ([`crate::commitment_of`]: job, provider, result and
	/// salt).
	pub commitment: Option<ContentHash>,
	/// The result hash it submitted or revealed (where the result is: `ResultUris`).
	pub result: Option<ContentHash>,
}

/// Where a job stands.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum JobStatus {
	/// Open for bids, claims or the direct provider's acceptance.
	Open,
	/// A redundant job's applications are closed; its providers are drawn at the next
	/// deadline, from randomness produced after the close (no applicant could predict it).
	Drawing,
	/// Assigned: the providers are working (and, in redundant jobs, committing).
	Assigned,
	/// Redundant: every provider committed (or the deadline passed); they reveal now.
	Revealing,
	/// A result was submitted and awaits acceptance, attestation or the end of review.
	Submitted,
	/// The requester disputed the result, or the verifier rejected it; the dispute resolver
	/// decides within the dispute period, or the result stands.
	Disputed,
}

/// What the next deadline of a job means.
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
pub enum DeadlineKind {
	/// Bidding, claiming or accepting ends.
	Matching,
	/// A redundant job's providers are drawn.
	Draw,
	/// The providers must have submitted (or committed).
	Execution,
	/// Redundant providers must have revealed.
	Reveal,
	/// The review (or attestation) period ends: silence accepts.
	Review,
	/// The dispute resolver's time ends: unruled, the result stands.
	Arbitration,
}

/// The description of a job, as its requester posts it.
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
pub struct JobSpec<T: Config> {
	/// The kind of work.
	pub kind: JobKind,
	/// The model version to run, if any (must be registered and usable).
	pub model: Option<ModelVersionRef>,
	/// Dataset versions the job uses.
	pub datasets: BoundedVec<DatasetVersionRef, T::MaxJobDatasets>,
	/// The hash of the input.
	pub input_hash: ContentHash,
	/// Where the input is (possibly encrypted to the chosen provider).
	pub input_uri: BoundedText<T::MaxUriLen>,
	/// What providers need.
	pub requirements: Requirements<T>,
	/// Whether the use is commercial (checked against the model's and datasets' licences).
	pub commercial: bool,
	/// Everything the job may cost: provider prices, protocol fee and usage fees. Held in
	/// escrow; the unspent rest is returned.
	pub budget: BalanceOf<T>,
	/// Blocks the matching window lasts.
	pub matching_blocks: BlockNumberFor<T>,
	/// Blocks providers have to deliver once assigned.
	pub execution_blocks: BlockNumberFor<T>,
	/// How providers are matched.
	pub matching: MatchingMode<T::AccountId, BalanceOf<T>>,
	/// How the result is verified.
	pub verification: VerificationMode<T::AccountId>,
}

/// What a job asks, as the market keeps it: its [`JobSpec`] without the input's location, which
/// no market call reads (it is in `JobInputUris`, for providers' clients).
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct JobTerms<T: Config> {
	/// The kind of work.
	pub kind: JobKind,
	/// The model version to run, if any.
	pub model: Option<ModelVersionRef>,
	/// Dataset versions the job uses.
	pub datasets: BoundedVec<DatasetVersionRef, T::MaxJobDatasets>,
	/// The hash of the input.
	pub input_hash: ContentHash,
	/// What providers need.
	pub requirements: Requirements<T>,
	/// Whether the use is commercial.
	pub commercial: bool,
	/// Everything the job may cost, held in escrow.
	pub budget: BalanceOf<T>,
	/// Blocks the matching window lasts.
	pub matching_blocks: BlockNumberFor<T>,
	/// Blocks providers have to deliver once assigned.
	pub execution_blocks: BlockNumberFor<T>,
	/// How providers are matched.
	pub matching: MatchingMode<T::AccountId, BalanceOf<T>>,
	/// How the result is verified.
	pub verification: VerificationMode<T::AccountId>,
}

impl<T: Config> JobSpec<T> {
	/// The terms the market keeps in the job's record, and the input's location, which it keeps
	/// apart.
	pub fn into_terms(self) -> (JobTerms<T>, BoundedText<T::MaxUriLen>) {
		let JobSpec {
			kind,
			model,
			datasets,
			input_hash,
			input_uri,
			requirements,
			commercial,
			budget,
			matching_blocks,
			execution_blocks,
			matching,
			verification,
		} = self;
		let terms = JobTerms {
			kind,
			model,
			datasets,
			input_hash,
			requirements,
			commercial,
			budget,
			matching_blocks,
			execution_blocks,
			matching,
			verification,
		};
		(terms, input_uri)
	}
}

/// A job in the market.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Job<T: Config> {
	/// Who posted (and pays for) it.
	pub requester: T::AccountId,
	/// What was asked (where the input is: `JobInputUris`).
	pub spec: JobTerms<T>,
	/// Where it stands.
	pub status: JobStatus,
	/// Its providers, once assigned (claimers, in fixed-price jobs, while it fills).
	pub assignments: BoundedVec<Assignment<T>, T::MaxRedundancy>,
	/// Bids placed (auction).
	pub bids: u32,
	/// The most one provider may be paid.
	pub price_cap: BalanceOf<T>,
	/// The protocol fee rate, fixed when posted.
	pub protocol_fee: Permill,
	/// The model's usage fee, and whether it earns the version points, fixed when posted.
	pub model_fee: UsageFee<BalanceOf<T>>,
	/// Each dataset's usage fee (in the order of `spec.datasets`), as `model_fee`.
	pub dataset_fees: BoundedVec<UsageFee<BalanceOf<T>>, T::MaxJobDatasets>,
	/// The pending deadline and what it means.
	pub deadline: Option<(BlockNumberFor<T>, DeadlineKind)>,
	/// The requester's dispute bond, while disputed.
	pub dispute_bond: BalanceOf<T>,
	/// The storage deposit of the job (and later its receipt).
	pub deposit: BalanceOf<T>,
	/// When it was posted.
	pub posted_at: BlockNumberFor<T>,
}

/// How a job ended.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum Outcome {
	/// Completed and paid: the accepted result.
	Completed {
		/// The result's hash.
		result_hash: ContentHash,
	},
	/// Ended without success.
	Failed {
		/// Why.
		reason: FailureReason,
	},
}

/// The permanent record of a finished job: which providers produced which output from which
/// model and data, and who was paid what. Proves "output O came from model M version V".
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Receipt<T: Config> {
	/// The job's id.
	pub job: JobId,
	/// Who posted it.
	pub requester: T::AccountId,
	/// The kind of work.
	pub kind: JobKind,
	/// The model version used.
	pub model: Option<ModelVersionRef>,
	/// The dataset versions used.
	pub datasets: BoundedVec<DatasetVersionRef, T::MaxJobDatasets>,
	/// The input's hash.
	pub input_hash: ContentHash,
	/// How it was verified.
	pub verification: VerificationMode<T::AccountId>,
	/// How it ended.
	pub outcome: Outcome,
	/// The providers paid, and how much each.
	pub providers: BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxRedundancy>,
	/// The protocol fee paid.
	pub protocol_fee: BalanceOf<T>,
	/// The usage fees paid to model and dataset contributors.
	pub usage_fees: BalanceOf<T>,
	/// What went back to the requester.
	pub refunded: BalanceOf<T>,
	/// When it ended.
	pub finished_at: BlockNumberFor<T>,
	/// The storage deposit the receipt holds until its requester removes it.
	pub deposit: BalanceOf<T>,
}
