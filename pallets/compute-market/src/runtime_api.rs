//! `ComputeMarketApi`: the market's queries that need more than one storage read.
//!
//! The record types are the pallet's own (`Job<Runtime>`, ...), given by the runtime as type
//! parameters, so clients decode them from metadata alone.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use deai_primitives::{DatasetVersionRef, JobId, ModelVersionRef};
use scale_info::TypeInfo;

/// What a job would cost.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct Quote<Balance> {
	/// The providers' pay.
	pub providers: Balance,
	/// The protocol fee on it.
	pub protocol_fee: Balance,
	/// The model's and datasets' usage fees.
	pub usage_fees: Balance,
	/// The budget that covers it all.
	pub total: Balance,
}

sp_api::decl_runtime_apis! {
	/// Queries of the compute market. Version 2: the `Job` that `job` returns changed its
	/// layout (its input's and results' locations moved to `JobInputUris` and `ResultUris`;
	/// each usage fee says whether it earns its version points), which a client decoding it
	/// by an older layout must not do silently.
	#[api_version(2)]
	pub trait ComputeMarketApi<AccountId, Balance, Job, Provider, Receipt>
	where
		AccountId: Codec,
		Balance: Codec,
		Job: Codec,
		Provider: Codec,
		Receipt: Codec,
	{
		/// Open jobs `provider` is eligible for, from `start` (inclusive), at most `limit`.
		fn eligible_jobs(provider: AccountId, start: JobId, limit: u32) -> Vec<JobId>;

		/// A job, with its bids.
		fn job(job: JobId) -> Option<(Job, Vec<(AccountId, Balance)>)>;

		/// A provider's record, with its reputation.
		fn provider(provider: AccountId) -> Option<Provider>;

		/// The receipt of a finished job.
		fn receipt(job: JobId) -> Option<Receipt>;

		/// What a job using `model` and `datasets` costs with `providers` providers paid
		/// `price` each, at today's fees (`None` if a version is unknown or unusable).
		fn quote(
			model: Option<ModelVersionRef>,
			datasets: Vec<DatasetVersionRef>,
			price: Balance,
			providers: u32,
		) -> Option<Quote<Balance>>;
	}
}
