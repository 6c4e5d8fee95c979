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
//!
//! The functions that change state (`POST_JOB`, `ACCEPT_RESULT`, `REMOVE_RECEIPT`, `CANCEL_JOB`,
//! `DISPUTE_RESULT`) are the compute market's calls of the same names, made by the contract's own
//! account: it is the job's requester, holds its budget, deposit and dispute bond, and receives
//! the refunds. They are refused in a read-only call.

use crate::{ContentHash, ModelVersionRef};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// DeAI Chain's extension id (the high 16 bits of the id a contract passes).
pub const EXTENSION_ID: u16 = 1;

/// The functions of the extension (the low 16 bits of the id).
pub mod func {
	/// A model version's usability and usage fee.
	pub const MODEL_VERSION: u16 = 1;
	/// Posts a compute job, funded by the contract.
	pub const POST_JOB: u16 = 2;
	/// A job's status and result hash.
	pub const JOB_STATUS: u16 = 3;
	/// Accepts a job's result (the contract must be its requester).
	pub const ACCEPT_RESULT: u16 = 4;
	/// Removes an ended job's receipt, releasing its storage deposit to the contract (its
	/// requester).
	pub const REMOVE_RECEIPT: u16 = 5;
	/// Cancels an open job the contract posted: its budget comes back (its storage deposit stays
	/// held for the receipt, until [`REMOVE_RECEIPT`]).
	pub const CANCEL_JOB: u16 = 6;
	/// Disputes the submitted result of a job the contract posted, holding the market's
	/// `DisputeBond` from the contract.
	pub const DISPUTE_RESULT: u16 = 7;
}

/// The largest input the extension reads, in bytes.
pub const MAX_INPUT_LEN: u32 = 4096;

/// What a function call came to, as the status code the contract receives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum Status {
	/// Done; the output buffer holds the result.
	Success = 0,
	/// No such function in this extension.
	UnknownFunction = 1,
	/// The input is not the SCALE encoding of the function's input type (or is too long).
	InvalidInput = 2,
	/// The model version or job does not exist.
	NotFound = 3,
	/// The function changes state and the contract was called read-only.
	ReadOnly = 4,
	/// The call failed with an error that is not a pallet's named error.
	DispatchFailed = 5,
}

/// Module errors are `MODULE_ERROR | pallet index << 8 | error index`: e.g. the compute market's
/// (pallet 61) third error is `0x0001_3d02`. Clients name it from the runtime's metadata.
pub const MODULE_ERROR: u32 = 0x0001_0000;

/// The status code of a pallet's named error.
pub const fn module_error_code(pallet_index: u8, error_index: u8) -> u32 {
	MODULE_ERROR | (pallet_index as u32) << 8 | error_index as u32
}

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
