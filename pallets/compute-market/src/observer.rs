//! What the market tells a pallet built on it (the AI oracle): how to decide a redundant job
//! whose results are values rather than files, and how each job ended.
//!
//! The market stays the one place where providers are paid, slashed and released; its observer
//! only chooses which revealed values agree (for outputs, such as numbers, that honest providers
//! need not produce bit for bit) and learns the outcome.

use crate::{types::Receipt, Config};
use alloc::vec::Vec;
use deai_primitives::{ContentHash, JobId};
use frame_support::{weights::Weight, BoundedVec};

/// A result revealed inline: the value itself (its hash is the result hash), at most
/// `MaxInlineResultLen` bytes.
pub type InlineResult<T> = BoundedVec<u8, <T as Config>::MaxInlineResultLen>;

/// One provider's reveal in a redundant job, as its observer sees it.
pub struct Reveal<'a, T: Config> {
	/// The revealed result's hash (`None`: the provider revealed nothing).
	pub result: Option<ContentHash>,
	/// The value, if it was revealed inline.
	pub value: Option<&'a InlineResult<T>>,
}

/// An observer's decision on a redundant job's reveals.
pub struct Aggregate<T: Config> {
	/// Whether each provider (in the order of the reveals given) agrees with `value`. A job
	/// whose agreeing providers reach its quorum completes with `value`; the others are outvoted
	/// and slashed as a different hash would be.
	pub agreeing: Vec<bool>,
	/// The agreed value (a median, for numbers: possibly no provider's own); the job's result
	/// hash is its BLAKE2-256.
	pub value: InlineResult<T>,
}

/// A pallet that posts jobs on the market and wants to hear how they end.
pub trait JobObserver<T: Config> {
	/// How to decide redundant job `job` from its reveals (one per provider, in assignment
	/// order), or `None` to decide it by the market's quorum on the result hash.
	fn aggregate(job: JobId, reveals: &[Reveal<'_, T>]) -> Option<Aggregate<T>>;

	/// Job `receipt.job` ended; `value` is its accepted result's inline value, if it was
	/// revealed inline. Returns whether the observer keeps the receipt in its own records: the
	/// market then keeps none (and returns the receipt's deposit to the requester at once).
	fn job_finished(receipt: &Receipt<T>, value: Option<&InlineResult<T>>) -> bool;

	/// The most `aggregate` and `job_finished` cost together, charged with every call or
	/// deadline that may end a job.
	fn weight() -> Weight;
}

/// No observer: every redundant job is decided by hash, and the market keeps every receipt.
impl<T: Config> JobObserver<T> for () {
	fn aggregate(_: JobId, _: &[Reveal<'_, T>]) -> Option<Aggregate<T>> {
		None
	}

	fn job_finished(_: &Receipt<T>, _: Option<&InlineResult<T>>) -> bool {
		false
	}

	fn weight() -> Weight {
		Weight::zero()
	}
}
