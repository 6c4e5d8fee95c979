//! The oracle's stored and call-argument types.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deai_primitives::{ContentHash, JobId, ModelVersionRef};
use frame_support::{
	pallet_prelude::*, weights::Weight, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound,
	PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_compute_market::{BoundedText, FailureReason, InlineResult, VerificationMode};
use scale_info::TypeInfo;

/// A one-shot request is known by the id of the market job that answers it; so is each round
/// of a feed.
pub type RequestId = JobId;

/// A feed's id.
pub type FeedId = u64;

/// What kind of value the question's answer is, and so how providers' answers are compared.
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
pub enum OutputKind {
	/// A class index ([`deai_abi::oracle::encode_label`]): a classifier's label. The answer is
	/// the label a quorum of providers gave.
	Label,
	/// A number times `10^decimals` ([`deai_abi::oracle::encode_scalar`]). The answer is the
	/// median of the providers' numbers; a provider further than `tolerance` (in the same
	/// scaled units) from it is outvoted, as a provider with another label would be.
	Scalar {
		/// The number's decimal places.
		decimals: u8,
		/// How far from the median an honest answer may be, in scaled units.
		tolerance: u128,
	},
	/// Raw bytes, at most `max_len` (no more than the market's `MaxInlineResultLen`). The
	/// answer is the bytes a quorum of providers gave.
	Bytes {
		/// The most bytes an answer may have.
		max_len: u32,
	},
}

/// Where the question's input is.
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
pub enum OracleInput<T: Config> {
	/// The input itself, kept on chain until the answer (the worker reads it there).
	Inline(BoundedVec<u8, T::MaxInputLen>),
	/// The input's hash and where to fetch it.
	Reference {
		/// Its BLAKE2-256.
		hash: ContentHash,
		/// Its location.
		uri: BoundedText<<T as pallet_compute_market::Config>::MaxUriLen>,
	},
}

impl<T: Config> OracleInput<T> {
	/// The input's hash: what the market job fixes and the worker checks.
	pub fn hash(&self) -> ContentHash {
		match self {
			OracleInput::Inline(bytes) => sp_io::hashing::blake2_256(bytes),
			OracleInput::Reference { hash, .. } => *hash,
		}
	}
}

/// A question to a model, as a requester asks it.
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
pub struct Question<T: Config> {
	/// The model version that answers (registered, usable, its licence allowing the use).
	pub model: ModelVersionRef,
	/// The input.
	pub input: OracleInput<T>,
	/// What the answer is.
	pub output: OutputKind,
	/// How many providers answer, each independently (commit, then reveal).
	pub providers: u8,
	/// How many must agree (more than half of `providers`).
	pub quorum: u8,
	/// What each provider is paid (the first eligible providers to claim get it).
	pub price: BalanceOf<T>,
	/// The most the answer may cost: providers' pay, the protocol fee and the model's usage fee
	/// (held; the unspent rest comes back). Per round, for a feed.
	pub max_budget: BalanceOf<T>,
	/// Whether the use is commercial (the model's licence decides).
	pub commercial: bool,
}

/// Where and how to deliver the answer, as a requester asks for it.
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
pub struct CallbackSpec<T: Config> {
	/// The contract called.
	pub contract: T::AccountId,
	/// The selector of the message called, whose arguments are the request id (`u64`) and the
	/// answer's bytes (`Vec<u8>`), SCALE-encoded.
	pub selector: [u8; 4],
	/// The gas the call may use (at most `MaxCallbackGas`): prepaid, the unused part refunded.
	pub gas_limit: Weight,
}

/// A callback as the oracle keeps it: what was asked, and the fee prepaid for it.
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
pub struct Callback<T: Config> {
	/// Where and how.
	pub spec: CallbackSpec<T>,
	/// The fee prepaid (held): the call's declared gas and the oracle's delivery overhead.
	pub fee: BalanceOf<T>,
}

/// A pending request: what the market job answering it needs the oracle to remember.
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
pub struct Request<T: Config> {
	/// Who asked (and pays): the market job's requester.
	pub requester: T::AccountId,
	/// What the answer is.
	pub output: OutputKind,
	/// Where to deliver the answer, if anywhere.
	pub callback: Option<Callback<T>>,
	/// The feed this request is a round of.
	pub feed: Option<FeedId>,
	/// The storage deposit of the request, its input and its answer (none for a feed's round:
	/// the feed's deposit covers it).
	pub deposit: BalanceOf<T>,
	/// Whether the answer is in and the request waits only for its callback.
	pub answered: bool,
}

/// A verified answer and its receipt: which model version answered which input, which
/// providers agreed, how it was verified, and the royalties it paid the model's contributors.
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
pub struct Answer<T: Config> {
	/// The answer.
	pub value: InlineResult<T>,
	/// The market job that produced it.
	pub job: JobId,
	/// The model version that answered.
	pub model: Option<ModelVersionRef>,
	/// The input's hash.
	pub input_hash: ContentHash,
	/// The providers whose answers agreed (and who were paid).
	pub providers: BoundedVec<T::AccountId, <T as pallet_compute_market::Config>::MaxRedundancy>,
	/// How the answer was verified.
	pub verification: VerificationMode<T::AccountId>,
	/// The usage fee paid to the model's contributors (into its version's royalty pot).
	pub royalties: BalanceOf<T>,
	/// When it was decided.
	pub answered_at: BlockNumberFor<T>,
	/// Who asked.
	pub requester: T::AccountId,
	/// The storage deposit held for it until its requester removes it (nothing for a feed's
	/// latest answer: the feed's deposit covers it).
	pub deposit: BalanceOf<T>,
}

/// A recurring question: asked every `period` blocks, `rounds` times.
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
pub struct Feed<T: Config> {
	/// Who created it (and pays for every round).
	pub owner: T::AccountId,
	/// The question, asked each round (its `max_budget` is per round).
	pub question: Question<T>,
	/// Where each answer is delivered; its fee is per round.
	pub callback: Option<Callback<T>>,
	/// Blocks between rounds.
	pub period: BlockNumberFor<T>,
	/// Rounds not yet started (their budgets and callback fees are held).
	pub rounds_left: u32,
	/// When the next round starts (while the feed is parked: when it came due).
	pub next_round_at: BlockNumberFor<T>,
	/// Rounds started whose requests are not closed yet (unanswered, or waiting for their
	/// callback).
	pub in_flight: u32,
	/// A round came due while `MaxRoundsInFlight` were in flight: the feed left the queue, and
	/// the next round starts in the block after one of them closes.
	pub parked: bool,
	/// The fee each later round pays for the hook's work of starting it (its benchmark at the
	/// transaction price), fixed at creation and held with the rounds' budgets.
	pub round_fee: BalanceOf<T>,
	/// Cancelled by its owner: removed once its rounds in flight end.
	pub cancelled: bool,
	/// The storage deposit of the feed, its latest answer and its rounds in flight.
	pub deposit: BalanceOf<T>,
}

/// Why a feed's round gave no answer.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub enum RoundFailure {
	/// Its job could not be posted (the model was withdrawn, the owner cannot pay the job's
	/// storage deposit, ...).
	NotPosted(DispatchError),
	/// Its job ended without an answer.
	Job(FailureReason),
}

/// Why a callback did not complete.
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
pub enum CallbackFailure {
	/// It used all the gas its requester declared.
	OutOfGas,
	/// The contract reverted.
	Reverted,
	/// There is no contract at the address.
	ContractGone,
	/// The contract tried to grow its storage (a callback cannot: whoever would pay the deposit
	/// is not there; a consumer keeps room for the answer when it asks).
	StorageDepositLimit,
	/// The contract trapped, or the call failed otherwise.
	Trapped,
}

/// What calling a contract came to.
pub struct CallbackOutcome {
	/// The gas it used (never more than its limit).
	pub gas_used: Weight,
	/// Whether it completed.
	pub result: Result<(), CallbackFailure>,
}

/// How the runtime calls contracts back (pallet-contracts' `bare_call` in DeAI Chain).
pub trait CallbackDispatcher<AccountId> {
	/// Calls `contract` from `origin` with `input`, within `gas_limit`, transferring nothing and
	/// paying no storage deposit.
	fn call(
		origin: &AccountId,
		contract: &AccountId,
		input: alloc::vec::Vec<u8>,
		gas_limit: Weight,
	) -> CallbackOutcome;
}

/// A state of a request, as clients read it (runtime API and chain extension).
#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub enum RequestState<T: Config> {
	/// Not answered yet.
	Pending,
	/// Answered (its callback may still be queued).
	Answered(Answer<T>),
	/// No such request, or it failed (the event `RequestFailed` says why), or its answer was
	/// removed.
	Unknown,
}
