//! What the runtime API serves.

use crate::{pallet::*, runtime_api::OracleQuote, types::*, BalanceOf};
use deai_primitives::ModelVersionRef;
use frame_support::weights::Weight;

impl<T: Config> Pallet<T> {
	/// Where request `id` stands.
	pub fn request_state(id: RequestId) -> RequestState<T> {
		if let Some(answer) = Answers::<T>::get(id) {
			return RequestState::Answered(answer);
		}
		match Requests::<T>::get(id) {
			Some(request) if !request.answered => RequestState::Pending,
			Some(request) => request
				.feed
				.and_then(FeedAnswers::<T>::get)
				.filter(|answer| answer.job == id)
				.map_or(RequestState::Unknown, RequestState::Answered),
			None => RequestState::Unknown,
		}
	}

	/// What a question costs (see `AiOracleApi::quote`).
	pub fn quote(
		model: ModelVersionRef,
		providers: u32,
		price: BalanceOf<T>,
		callback_gas: Option<Weight>,
	) -> Option<OracleQuote<BalanceOf<T>>> {
		let job = pallet_compute_market::Pallet::<T>::quote(
			Some(model),
			alloc::vec::Vec::new(),
			price,
			providers,
		)?;
		Some(OracleQuote {
			budget: job.total,
			callback_fee: callback_gas.map(Self::callback_fee).unwrap_or_default(),
			deposit: Self::request_deposit(),
		})
	}
}
