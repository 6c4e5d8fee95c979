//! Callbacks: queued when an answer is in, delivered in `on_idle` within the block's spare
//! weight, their prepaid fee charged for the gas used and the rest refunded.

use crate::{pallet::*, types::*};
use codec::Encode;
use frame_support::{
	traits::Get,
	weights::{Weight, WeightMeter, WeightToFee},
};
use pallet_compute_market::InlineResult;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Queues request `id`'s callback with its answer's value. Never fails: the queue takes any
	/// number (each place is paid for by its request's or feed's deposit).
	pub(crate) fn enqueue_callback(id: RequestId, value: InlineResult<T>) {
		CallbackQueueBounds::<T>::mutate(|(_, next)| {
			CallbackQueue::<T>::insert(*next, (id, value));
			*next = next.saturating_add(1);
		});
	}

	/// What looking at the queue's head costs when its callback does not fit: the bounds, the
	/// entry and its request.
	fn peek_weight() -> Weight {
		T::DbWeight::get().reads(3)
	}

	/// Delivers queued callbacks in order, at most `MaxCallbacksPerBlock`, each only if its
	/// declared gas and the overhead fit in `meter` (the first that does not waits for the
	/// next block: order is kept, and a callback's gas is at most `MaxCallbackGas`, so it
	/// fits in an idle block).
	pub(crate) fn deliver_callbacks(meter: &mut WeightMeter) {
		let (mut head, next) = CallbackQueueBounds::<T>::get();
		if head == next || meter.try_consume(T::DbWeight::get().reads(1)).is_err() {
			return;
		}
		let overhead = Self::callback_overhead();
		let mut delivered = 0;
		while head < next && delivered < T::MaxCallbacksPerBlock::get() {
			let Some((id, value)) = CallbackQueue::<T>::get(head) else {
				frame_support::defensive!("a hole in the callback queue");
				head = head.saturating_add(1);
				continue;
			};
			let Some(request) = Requests::<T>::get(id) else {
				frame_support::defensive!("a queued callback without its request");
				CallbackQueue::<T>::remove(head);
				head = head.saturating_add(1);
				continue;
			};
			let Some(callback) = request.callback.clone() else {
				frame_support::defensive!("a queued request without a callback");
				CallbackQueue::<T>::remove(head);
				head = head.saturating_add(1);
				continue;
			};
			if !meter.can_consume(overhead.saturating_add(callback.spec.gas_limit)) {
				meter.consume(Self::peek_weight().min(meter.remaining()));
				break;
			}
			CallbackQueue::<T>::remove(head);
			head = head.saturating_add(1);
			let gas_used = Self::deliver(id, request, callback, value);
			meter.consume(overhead.saturating_add(gas_used));
			delivered += 1;
		}
		// Only the head: a contract called back may have queued callbacks behind `next`.
		CallbackQueueBounds::<T>::mutate(|(first, _)| *first = head);
	}

	/// Calls the contract with `(id, requester, feed, value)`, charges the fee for the gas used and the
	/// overhead, refunds the rest of the prepaid fee, and closes the request. Returns the gas
	/// used.
	fn deliver(
		id: RequestId,
		request: Request<T>,
		callback: Callback<T>,
		value: InlineResult<T>,
	) -> Weight {
		// Whose question it answers (anyone may name any contract): the contract checks it.
		let mut input = callback.spec.selector.to_vec();
		(id, &request.requester, request.feed, value.into_inner()).encode_to(&mut input);
		let outcome = T::Callbacks::call(
			&Self::account_id(),
			&callback.spec.contract,
			input,
			callback.spec.gas_limit,
		);
		let gas_used = outcome.gas_used.min(callback.spec.gas_limit);
		let fee =
			T::WeightToFee::weight_to_fee(&Self::callback_overhead().saturating_add(gas_used))
				.min(callback.fee);
		let fee = Self::pay_from_hold(
			HoldReason::CallbackFee,
			&request.requester,
			&<T as pallet_compute_market::Config>::FeeDestination::get(),
			fee,
		);
		Self::release(
			HoldReason::CallbackFee,
			&request.requester,
			callback.fee.saturating_sub(fee),
		);
		Requests::<T>::remove(id);
		Self::request_closed(&request);
		match outcome.result {
			Ok(()) => Self::deposit_event(Event::CallbackDelivered { request: id, gas_used, fee }),
			Err(reason) => {
				Self::deposit_event(Event::CallbackFailed { request: id, reason, gas_used, fee })
			},
		}
		gas_used
	}
}
