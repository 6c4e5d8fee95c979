//! `AiOracleApi`: the oracle's reads for clients (the CLI, the explorer, the worker).
//!
//! The record types are the pallet's own (`Answer<Runtime>`, ...), given by the runtime as type
//! parameters, so clients decode them from metadata alone.

use codec::{Codec, Decode, Encode};
use deai_primitives::ModelVersionRef;
use frame_support::weights::Weight;
use scale_info::TypeInfo;

/// What asking a question costs.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct OracleQuote<Balance> {
	/// The smallest `max_budget` that pays the providers, the protocol fee and the model's
	/// usage fee.
	pub budget: Balance,
	/// The callback's prepaid fee (its gas and the delivery overhead).
	pub callback_fee: Balance,
	/// The storage deposit of a one-shot request (returned when its answer is removed).
	pub deposit: Balance,
}

sp_api::decl_runtime_apis! {
	/// Queries of the AI oracle.
	pub trait AiOracleApi<Balance, Answer, RequestState>
	where
		Balance: Codec,
		Answer: Codec,
		RequestState: Codec,
	{
		/// Where a request stands, with its answer once it is in.
		fn request(request: u64) -> RequestState;

		/// A feed's latest answer.
		fn feed_latest(feed: u64) -> Option<Answer>;

		/// What a question to `model` costs with `providers` providers paid `price` each and a
		/// callback of `callback_gas` (`None`: the model is unknown or unusable).
		fn quote(
			model: ModelVersionRef,
			providers: u32,
			price: Balance,
			callback_gas: Option<Weight>,
		) -> Option<OracleQuote<Balance>>;
	}
}
