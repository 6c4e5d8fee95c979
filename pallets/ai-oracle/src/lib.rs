//! # AI oracle
//!
//! Contracts and accounts ask a registered model a question and get a verified answer: a label,
//! a number or bytes (up to 1 KiB), pushed to a contract's callback and kept readable on chain.
//! One-shot requests, and feeds that ask the same question every `period` blocks.
//!
//! ## How an answer is made
//! A request posts a compute-market job on the requester's behalf: an inference on the model
//! version, fixed price per provider, several providers committing and then revealing their
//! answers inline (`reveal_inline_result`). The market runs the job as any other (bonds,
//! deadlines, slashes, settlement paying the model's contributors their usage fee) and asks
//! this pallet, its [`pallet_compute_market::JobObserver`], which answers agree:
//! - labels and bytes agree when they are equal, and a quorum of equal answers wins;
//! - numbers agree when they are within the question's tolerance of the median of the valid
//!   answers, and the median is the answer.
//!
//! Providers outside the winning answer are outvoted: the market slashes them (to the fee
//! destination, never to the requester) and they are not paid. A job without a quorum ends with
//! a named reason (`RequestFailed` / `RoundFailed`) and its budget comes back.
//!
//! ## What an answer carries
//! Its value, and a receipt: the model version, the input's hash, the providers that agreed,
//! the verification, and the royalties it paid the model's contributors. One-shot answers stay
//! in [`Answers`] until their requester removes them (getting the deposit back); a feed's latest
//! answer is in [`FeedAnswers`].
//!
//! ## Callbacks
//! A request may name a contract and a message selector: once answered, the contract is called
//! with `(request id, requester, feed, answer bytes)` from the oracle's account, with the gas
//! the requester declared (anyone may name any contract: the requester and feed tell it whose
//! question was answered). The fee for that gas and the oracle's delivery overhead is prepaid (held) at the
//! request; what the call did not use comes back exactly. A callback that fails leaves
//! `CallbackFailed { reason }` on chain, and the answer stays readable (storage, runtime API,
//! chain extension). Callbacks wait in a queue and are delivered in `on_idle`, at most
//! `MaxCallbacksPerBlock` a block and only within the block's spare weight, so they can never
//! stall a block. A callback cannot grow the contract's storage (nobody would pay the deposit):
//! a consumer keeps room for the answer when it asks.
//!
//! ## Money
//! The job's budget is the market's escrow on the requester; callback fees, feeds' budgets for
//! rounds not yet started and storage deposits are this pallet's holds on the requester. Nothing
//! is minted or burnt; every hold is justified by a record (`do_try_state`).
//!
//! ## Code layout
//! This file declares the pallet (config, storage, hooks, calls, events, errors). `requests`
//! posts questions and runs feeds; `answers` is the market's observer (aggregation, answers);
//! `callbacks` queues and delivers them; `invariants` checks the books; `queries` serves the
//! runtime API.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod answers;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod callbacks;
mod invariants;
#[cfg(test)]
mod mock;
mod queries;
mod requests;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

/// A balance of the market's currency, which the oracle holds too.
pub type BalanceOf<T> = pallet_compute_market::BalanceOf<T>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		weights::{WeightMeter, WeightToFee},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use pallet_compute_market::{FailureReason, InlineResult};
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the oracle holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Fees prepaid for callbacks not yet delivered (and for a feed's rounds not yet
		/// started).
		CallbackFee,
		/// A feed's budget for its rounds not yet started.
		FeedBudget,
		/// Storage deposits of requests, answers and feeds.
		StorageDeposit,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_compute_market::Config<RuntimeHoldReason: From<HoldReason>>
	{
		/// The most bytes a question's inline input may have.
		#[pallet::constant]
		type MaxInputLen: Get<u32>;

		/// The most gas a callback may declare: a callback always fits in an idle block.
		#[pallet::constant]
		type MaxCallbackGas: Get<Weight>;

		/// The most callbacks delivered in a block.
		#[pallet::constant]
		type MaxCallbacksPerBlock: Get<u32>;

		/// The most feed rounds started in a block (the rest wait for the next).
		#[pallet::constant]
		type MaxFeedRoundsPerBlock: Get<u32>;

		/// The most rounds of one feed in flight at once: a round due while as many are waits
		/// until one closes (the feed's deposit covers this many requests).
		#[pallet::constant]
		type MaxRoundsInFlight: Get<u32>;

		/// The most rounds a feed may have.
		#[pallet::constant]
		type MaxFeedRounds: Get<u32>;

		/// Blocks an oracle job's providers have to claim it.
		#[pallet::constant]
		type MatchingBlocks: Get<BlockNumberFor<Self>>;

		/// Blocks an oracle job's providers have to commit once drawn.
		#[pallet::constant]
		type ExecutionBlocks: Get<BlockNumberFor<Self>>;

		/// Prices a callback's gas (the runtime's transaction fee for that weight).
		type WeightToFee: WeightToFee<Balance = BalanceOf<Self>>;

		/// Calls contracts back.
		type Callbacks: CallbackDispatcher<Self::AccountId>;

		/// The oracle's id: its account is the origin of callbacks.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Requests not yet answered, and answered requests whose callback is queued.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, Request<T>>;

	/// The inline inputs of one-shot requests not yet answered (the worker reads them; a feed's
	/// input is in its question).
	#[pallet::storage]
	pub type RequestInputs<T: Config> =
		StorageMap<_, Twox64Concat, RequestId, BoundedVec<u8, T::MaxInputLen>>;

	/// Answers of one-shot requests, until their requesters remove them.
	#[pallet::storage]
	pub type Answers<T: Config> = StorageMap<_, Twox64Concat, RequestId, Answer<T>>;

	/// The id the next feed gets.
	#[pallet::storage]
	pub type NextFeedId<T> = StorageValue<_, FeedId, ValueQuery>;

	/// Feeds, until their owners cancel them.
	#[pallet::storage]
	pub type Feeds<T: Config> = StorageMap<_, Twox64Concat, FeedId, Feed<T>>;

	/// Each feed's latest answer.
	#[pallet::storage]
	pub type FeedAnswers<T: Config> = StorageMap<_, Twox64Concat, FeedId, Answer<T>>;

	/// Feeds whose next round is due in each block (any number; paid for by the feeds'
	/// deposits). `on_initialize` starts at most `MaxFeedRoundsPerBlock` a block and carries the
	/// rest over.
	#[pallet::storage]
	pub type FeedQueue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, FeedId, ()>;

	/// The first block whose due feed rounds have not all been started.
	#[pallet::storage]
	pub type FeedCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Callbacks waiting for delivery, in order: the request and its answer's value.
	#[pallet::storage]
	pub type CallbackQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (RequestId, InlineResult<T>)>;

	/// The callback queue's first waiting position and the next free one.
	#[pallet::storage]
	pub type CallbackQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A question was asked: its market job is `request`.
		Requested {
			/// The request (its job's id).
			request: RequestId,
			/// Who asked.
			requester: T::AccountId,
			/// The model version asked.
			model: deai_primitives::ModelVersionRef,
		},
		/// A request was answered.
		Answered {
			/// The request.
			request: RequestId,
			/// The answer.
			value: InlineResult<T>,
		},
		/// A request ended without an answer; its budget and callback fee came back.
		RequestFailed {
			/// The request.
			request: RequestId,
			/// Why.
			reason: FailureReason,
		},
		/// A feed was created.
		FeedCreated {
			/// The feed.
			feed: FeedId,
			/// Its owner.
			owner: T::AccountId,
			/// Blocks between rounds.
			period: BlockNumberFor<T>,
			/// Its rounds.
			rounds: u32,
		},
		/// A feed's round started.
		RoundStarted {
			/// The feed.
			feed: FeedId,
			/// The round's request.
			request: RequestId,
		},
		/// A feed's round was answered.
		FeedAnswered {
			/// The feed.
			feed: FeedId,
			/// The round's request.
			request: RequestId,
			/// The answer.
			value: InlineResult<T>,
		},
		/// A feed's round gave no answer; its share of the budget and its callback fee came
		/// back.
		RoundFailed {
			/// The feed.
			feed: FeedId,
			/// The round's request, if its job was posted.
			request: Option<RequestId>,
			/// Why.
			reason: RoundFailure,
		},
		/// A feed's round was due while `MaxRoundsInFlight` were in flight: it starts in the
		/// block after one of them closes.
		RoundWaits {
			/// The feed.
			feed: FeedId,
		},
		/// A feed was cancelled: its rounds not started were refunded.
		FeedCancelled {
			/// The feed.
			feed: FeedId,
			/// The budgets and callback fees refunded.
			refunded: BalanceOf<T>,
		},
		/// A feed and its latest answer were removed; its deposit came back.
		FeedRemoved {
			/// The feed.
			feed: FeedId,
		},
		/// A callback completed.
		CallbackDelivered {
			/// The request.
			request: RequestId,
			/// The gas it used.
			gas_used: Weight,
			/// The fee charged (the rest of the prepaid fee came back).
			fee: BalanceOf<T>,
		},
		/// A callback failed; the answer stays readable.
		CallbackFailed {
			/// The request.
			request: RequestId,
			/// Why.
			reason: CallbackFailure,
			/// The gas it used.
			gas_used: Weight,
			/// The fee charged (the rest of the prepaid fee came back).
			fee: BalanceOf<T>,
		},
		/// An answer was removed; its deposit came back.
		AnswerRemoved {
			/// The request.
			request: RequestId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A bytes answer's `max_len` is zero or longer than the market's `MaxInlineResultLen`.
		OutputTooLong,
		/// A number answer has more than 38 decimal places.
		TooManyDecimals,
		/// The callback declares more gas than `MaxCallbackGas`.
		CallbackGasTooHigh,
		/// A feed's period must be at least the oracle's matching window (`MatchingBlocks`): a
		/// round cannot be answered sooner.
		InvalidPeriod,
		/// A feed needs between one and `MaxFeedRounds` rounds.
		InvalidRounds,
		/// No such answer.
		AnswerNotFound,
		/// No such feed.
		FeedNotFound,
		/// Only the requester may do this.
		NotRequester,
		/// Only the feed's owner may do this.
		NotFeedOwner,
		/// The answer's callback has not been delivered yet.
		CallbackPending,
		/// The feed was cancelled already.
		FeedCancelled,
		/// An id or amount overflowed.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// At most `MaxFeedRoundsPerBlock` rounds, and never more than a tenth of a block.
			let tenth = Perbill::from_percent(10)
				* <T as frame_system::Config>::BlockWeights::get().max_block;
			let mut meter = WeightMeter::with_limit(Self::feed_rounds_weight_limit().min(tenth));
			Self::start_due_rounds(now, &mut meter);
			meter.consumed()
		}

		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let mut meter = WeightMeter::with_limit(remaining);
			Self::deliver_callbacks(&mut meter);
			meter.consumed()
		}

		fn integrity_test() {
			let max_block = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				(Perbill::from_percent(50) * max_block)
					.all_gte(Self::callback_overhead().saturating_add(T::MaxCallbackGas::get())),
				"a callback with the most gas must fit in half a block"
			);
			assert!(
				(Perbill::from_percent(10) * max_block).all_gte(
					<T as Config>::WeightInfo::on_initialize_feeds(1)
						.saturating_add(Self::queue_visit_weight())
				),
				"a feed round must fit in the hook's tenth of a block"
			);
			assert!(T::MaxRoundsInFlight::get() >= 1, "a feed needs a round in flight");
			assert!(T::MaxCallbacksPerBlock::get() >= 1, "callbacks must be delivered");
			assert!(
				deai_abi::oracle::INLINE_INPUT_URI.len() as u32
					<= <T as pallet_compute_market::Config>::MaxUriLen::get(),
				"the inline input's location must fit the market's URIs"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Asks `question` once: posts its market job (the requester holds its `max_budget` in
		/// escrow, as any job's requester), holds the callback's fee (its gas and the delivery
		/// overhead, priced by `WeightToFee`) and a storage deposit for the request, its input
		/// and its answer. The request's id is its job's. The requester may cancel the job in
		/// the market while it is open (`cancel_job`), ending the request. Emits `Requested`.
		#[pallet::call_index(0)]
		pub fn request(
			origin: OriginFor<T>,
			question: Question<T>,
			callback: Option<CallbackSpec<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request(who, question, callback).map(|_| ())
		}

		/// Removes an answer whose callback (if any) was delivered, returning its deposit.
		/// Requester only. Emits `AnswerRemoved`.
		#[pallet::call_index(1)]
		pub fn remove_answer(origin: OriginFor<T>, request: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_answer(who, request)
		}

		/// Creates a feed asking `question` `rounds` times, every `period` blocks (at least
		/// `MatchingBlocks`), from this block: the first round's job is posted now (so a question
		/// the market would refuse is refused here); the budgets, callback fees and round fees
		/// (each later round pays the hook's work of starting it at the transaction price) of the
		/// other rounds are held until they start (or the feed is cancelled), with a deposit for
		/// the feed, its latest answer and its rounds in flight. Emits `FeedCreated` and
		/// `RoundStarted`.
		#[pallet::call_index(2)]
		pub fn create_feed(
			origin: OriginFor<T>,
			question: Question<T>,
			callback: Option<CallbackSpec<T>>,
			period: BlockNumberFor<T>,
			rounds: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_feed(who, question, callback, period, rounds).map(|_| ())
		}

		/// Cancels a feed: the budgets and callback fees of its rounds not started come back at
		/// once; the feed (with its latest answer) is removed, and its deposit returned, when
		/// its rounds in flight have ended (at once if none is). Also removes a feed whose
		/// rounds are all done. Owner only. Emits `FeedCancelled` (and `FeedRemoved`).
		#[pallet::call_index(3)]
		pub fn cancel_feed(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_feed(who, feed)
		}
	}
}
