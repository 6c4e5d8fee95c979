//! The ABI of DeAI Chain's chain extension for smart contracts (pallet-contracts).
//!
//! A contract calls `seal_call_chain_extension(id, input, output)` with
//! `id = (EXTENSION_ID << 16) | function`, a SCALE-encoded input, and gets back a status code
//! (a [`Status`], or a module error, see [`module_error_code`]); on [`Status::Success`] the output
//! buffer holds the SCALE-encoded result. Bad input is answered with a status code, never with a
//! trap of the contract or the runtime.
//!
//! | Function | Input | Output on success |
//! |---|---|---|
//! | [`func::MODEL_VERSION`] | [`ModelVersionQuery`] | [`ModelVersionInfo`] |
//! | [`func::POST_JOB`] | the compute market's `JobSpec` | the new job's [`JobId`](crate::JobId) |
//! | [`func::JOB_STATUS`] | [`JobId`](crate::JobId) | [`JobState`] |
//! | [`func::ACCEPT_RESULT`] | [`JobId`](crate::JobId) | `()` |
//! | [`func::REMOVE_RECEIPT`] | [`JobId`](crate::JobId) | `()` |
//! | [`func::CANCEL_JOB`] | [`JobId`](crate::JobId) | `()` |
//! | [`func::DISPUTE_RESULT`] | [`JobId`](crate::JobId) | `()` |
//! | [`func::ORACLE_REQUEST`] | the AI oracle's `(Question, Option<CallbackSpec>)` | the request's id (`u64`) |
//! | [`func::ORACLE_ANSWER`] | a request's id (`u64`) | [`OracleState`] |
//! | [`func::FEED_LATEST`] | a feed's id (`u64`) | `Option<`[`OracleAnswer`]`>` |
//!
//! The functions that change state (`POST_JOB`, `ACCEPT_RESULT`, `REMOVE_RECEIPT`, `CANCEL_JOB`,
//! `DISPUTE_RESULT`) are the compute market's calls of the same names, made by the contract's own
//! account: it is the job's requester, holds its budget, deposit and dispute bond, and receives
//! the refunds. `ORACLE_REQUEST` is the AI oracle's `request`, made the same way. They are
//! refused in a read-only call.

use crate::{ContentHash, ModelVersionRef};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

// The extension's id, functions, status codes and limits: defined once in `deai-abi`, which the
// ink! contracts use too.
pub use deai_abi::contract::{
	call_id, func, module_error_code, module_error_of, vectors, Status, EXTENSION_ID,
	MAX_INPUT_LEN, MODULE_ERROR,
};

/// Input of [`func::MODEL_VERSION`].
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
pub struct ModelVersionQuery {
	/// The model version.
	pub version: ModelVersionRef,
	/// Whether the contract would use it commercially (the licence decides).
	pub commercial: bool,
}

/// Output of [`func::MODEL_VERSION`].
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
pub struct ModelVersionInfo {
	/// A new inference job may use it (published, not yet yanked or taken down, licence allows
	/// the use).
	pub usable: bool,
	/// What each job using it pays the model's contributors.
	pub usage_fee: u128,
}

/// Output of [`func::JOB_STATUS`].
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
pub enum JobState {
	/// Open for bids, claims or the named provider's acceptance.
	Open,
	/// Providers are working on it.
	Assigned,
	/// Redundant providers are revealing their results.
	Revealing,
	/// A result awaits acceptance.
	Submitted {
		/// The submitted result's hash.
		result_hash: ContentHash,
	},
	/// The requester disputed the result.
	Disputed,
	/// Settled: the accepted result.
	Completed {
		/// The accepted result's hash.
		result_hash: ContentHash,
	},
	/// Ended without a result (cancelled, missed deadlines, lost dispute).
	Failed,
}

/// An oracle answer, as a contract reads it ([`func::ORACLE_ANSWER`], [`func::FEED_LATEST`]).
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct OracleAnswer {
	/// The answer (a label: [`deai_abi::oracle::decode_label`]; a number:
	/// [`deai_abi::oracle::decode_scalar`]; or bytes).
	pub value: alloc::vec::Vec<u8>,
	/// The block it was decided in.
	pub answered_at: u32,
	/// The usage fee it paid the model's contributors.
	pub royalties: u128,
	/// How many providers agreed on it.
	pub providers: u8,
}

/// Output of [`func::ORACLE_ANSWER`].
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub enum OracleState {
	/// Not answered yet.
	Pending,
	/// Answered.
	Answered(OracleAnswer),
	/// No such request, or it failed, or its answer was removed.
	Unknown,
}
