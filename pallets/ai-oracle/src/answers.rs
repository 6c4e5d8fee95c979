//! Answering: the market's observer. It decides which revealed answers agree, and records the
//! answer (or the failure) when an oracle job ends.

use crate::{pallet::*, types::*, WeightInfo};
use alloc::vec::Vec;
use deai_primitives::JobId;
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use pallet_compute_market::{
	Aggregate, FailureReason, InlineResult, JobObserver, Outcome, Receipt, Reveal,
};

impl<T: Config> Pallet<T> {
	/// Whether `value` is an answer of kind `output`.
	pub fn is_valid_answer(output: &OutputKind, value: &[u8]) -> bool {
		match output {
			OutputKind::Label => deai_abi::oracle::decode_label(value).is_some(),
			OutputKind::Scalar { .. } => deai_abi::oracle::decode_scalar(value).is_some(),
			OutputKind::Bytes { max_len } => value.len() as u32 <= *max_len,
		}
	}

	/// Decides which answers agree. Answers that are not of the question's kind (or were not
	/// revealed inline) agree with nothing.
	/// - Labels and bytes: the value most providers gave (ties: the smallest, so that the
	///   decision does not depend on the order of reveals) is the answer; the providers that
	///   gave it agree.
	/// - Numbers: the lower median of the valid answers is the answer (always one of them, and
	///   with more honest providers than liars, within the honest ones' range); the providers
	///   within `tolerance` of it agree.
	pub fn aggregate_answers(output: &OutputKind, reveals: &[Reveal<'_, T>]) -> Aggregate<T> {
		let values: Vec<Option<&InlineResult<T>>> = reveals
			.iter()
			.map(|r| r.value.filter(|v| Self::is_valid_answer(output, v)))
			.collect();
		let (agreeing, value) = match output {
			OutputKind::Scalar { tolerance, .. } => {
				let numbers: Vec<Option<i128>> = values
					.iter()
					.map(|v| v.and_then(|v| deai_abi::oracle::decode_scalar(v)))
					.collect();
				let mut sorted: Vec<i128> = numbers.iter().flatten().copied().collect();
				sorted.sort_unstable();
				match sorted.get(sorted.len().saturating_sub(1) / 2).copied() {
					Some(median) => (
						numbers
							.iter()
							.map(|n| n.is_some_and(|n| n.abs_diff(median) <= *tolerance))
							.collect(),
						deai_abi::oracle::encode_scalar(median).to_vec(),
					),
					None => (alloc::vec![false; reveals.len()], Vec::new()),
				}
			},
			OutputKind::Label | OutputKind::Bytes { .. } => {
				let count = |value: &InlineResult<T>| {
					values.iter().filter(|v| v.is_some_and(|v| v == value)).count()
				};
				let best = values
					.iter()
					.flatten()
					.max_by(|a, b| count(a).cmp(&count(b)).then(b.cmp(a)))
					.map(|v| (*v).clone());
				match best {
					Some(best) => (
						values.iter().map(|v| v.is_some_and(|v| *v == best)).collect(),
						best.into_inner(),
					),
					None => (alloc::vec![false; reveals.len()], Vec::new()),
				}
			},
		};
		// Every valid answer fits the bound (it was revealed within it).
		let value = BoundedVec::truncate_from(value);
		Aggregate { agreeing, value }
	}

	/// Records how an oracle job ended: its answer (queuing its callback), or its failure
	/// (refunding the callback fee and, for a one-shot request, the deposit).
	fn record_outcome(request: Request<T>, receipt: &Receipt<T>, value: Option<&InlineResult<T>>) {
		let id = receipt.job;
		RequestInputs::<T>::remove(id);
		let answered = match (&receipt.outcome, value) {
			(Outcome::Completed { .. }, Some(value)) => Some(value),
			_ => None,
		};
		let Some(value) = answered else {
			let reason = match receipt.outcome {
				Outcome::Failed { reason } => reason,
				Outcome::Completed { .. } => {
					frame_support::defensive!("an oracle job completed without a value");
					FailureReason::NoQuorum
				},
			};
			Self::close_unanswered(id, request, reason);
			return;
		};
		let answer = Answer {
			value: value.clone(),
			job: id,
			model: receipt.model,
			input_hash: receipt.input_hash,
			providers: BoundedVec::truncate_from(
				receipt.providers.iter().map(|(who, _)| who.clone()).collect(),
			),
			verification: receipt.verification.clone(),
			royalties: receipt.usage_fees,
			answered_at: frame_system::Pallet::<T>::block_number(),
			requester: request.requester.clone(),
			// The request's deposit covers its answer from now on.
			deposit: request.deposit,
		};
		match request.feed {
			Some(feed) => {
				// Rounds may be decided out of order: the latest is the latest round's.
				if FeedAnswers::<T>::get(feed).is_none_or(|latest| latest.job < id) {
					FeedAnswers::<T>::insert(feed, answer);
				}
				Self::deposit_event(Event::FeedAnswered {
					feed,
					request: id,
					value: value.clone(),
				});
			},
			None => {
				Answers::<T>::insert(id, answer);
				Self::deposit_event(Event::Answered { request: id, value: value.clone() });
			},
		}
		if request.callback.is_some() {
			Self::enqueue_callback(id, value.clone());
			Requests::<T>::insert(
				id,
				Request { answered: true, deposit: Default::default(), ..request },
			);
		} else {
			Requests::<T>::remove(id);
			Self::request_closed(&request);
		}
	}

	/// A request ended without an answer: its record and callback fee go (and a one-shot
	/// request's deposit comes back).
	fn close_unanswered(id: JobId, request: Request<T>, reason: FailureReason) {
		Requests::<T>::remove(id);
		if let Some(callback) = &request.callback {
			Self::release(HoldReason::CallbackFee, &request.requester, callback.fee);
		}
		Self::release(HoldReason::StorageDeposit, &request.requester, request.deposit);
		match request.feed {
			Some(feed) => Self::deposit_event(Event::RoundFailed {
				feed,
				request: Some(id),
				reason: RoundFailure::Job(reason),
			}),
			None => Self::deposit_event(Event::RequestFailed { request: id, reason }),
		}
		Self::request_closed(&request);
	}
}

impl<T: Config> JobObserver<T> for Pallet<T> {
	fn aggregate(job: JobId, reveals: &[Reveal<'_, T>]) -> Option<Aggregate<T>> {
		let request = Requests::<T>::get(job)?;
		Some(Self::aggregate_answers(&request.output, reveals))
	}

	fn job_finished(receipt: &Receipt<T>, value: Option<&InlineResult<T>>) -> bool {
		let Some(request) = Requests::<T>::get(receipt.job) else { return false };
		if request.answered {
			frame_support::defensive!("a job ended twice");
			return false;
		}
		Self::record_outcome(request, receipt, value);
		true
	}

	fn weight() -> Weight {
		// Both are benchmarked at their worst: the most providers, the longest values; an answer
		// with a callback to queue, or a cancelled feed's last round removing the feed.
		<T as Config>::WeightInfo::aggregate(
			<T as pallet_compute_market::Config>::MaxRedundancy::get(),
		)
		.saturating_add(
			<T as Config>::WeightInfo::job_finished()
				.max(<T as Config>::WeightInfo::job_finished_feed_end()),
		)
	}
}
