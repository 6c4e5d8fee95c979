//! Asking: one-shot requests, feeds and their rounds, and the market jobs that answer them.

use crate::{pallet::*, types::*, BalanceOf, WeightInfo};
use codec::MaxEncodedLen;
use deai_primitives::JobId;
use frame_support::{
	ensure,
	storage::with_storage_layer,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	weights::{Weight, WeightMeter, WeightToFee},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_compute_market::{
	BoundedText, InlineResult, JobKind, JobSpec, MatchingMode, Requirements, VerificationMode,
};
use sp_runtime::{
	traits::{AccountIdConversion, One, Saturating, Zero},
	DispatchError, DispatchResult,
};

type Market<T> = pallet_compute_market::Pallet<T>;
type Currency<T> = <T as pallet_compute_market::Config>::Currency;

impl<T: Config> Pallet<T> {
	/// The oracle's account: the origin of callbacks.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The storage deposit of a one-shot request: its record, its inline input, its answer and
	/// its place in the callback queue (the market's own deposit covers its job).
	pub fn request_deposit() -> BalanceOf<T> {
		Market::<T>::deposit_for_bytes(
			Request::<T>::max_encoded_len()
				.saturating_add(BoundedVec::<u8, T::MaxInputLen>::max_encoded_len())
				.saturating_add(Answer::<T>::max_encoded_len())
				.saturating_add(Self::queue_entry_len()),
		)
	}

	/// The storage deposit of a feed: its record (with its question), its latest answer, its
	/// place in the feed queue, and `MaxRoundsInFlight` rounds' requests and callback places.
	pub fn feed_deposit() -> BalanceOf<T> {
		let round = Request::<T>::max_encoded_len().saturating_add(Self::queue_entry_len());
		Market::<T>::deposit_for_bytes(
			Feed::<T>::max_encoded_len()
				.saturating_add(Answer::<T>::max_encoded_len())
				.saturating_add(BlockNumberFor::<T>::max_encoded_len() + FeedId::max_encoded_len())
				.saturating_add(round.saturating_mul(T::MaxRoundsInFlight::get() as usize)),
		)
	}

	/// One place in the callback queue: its position, the request and the answer's value.
	fn queue_entry_len() -> usize {
		u64::max_encoded_len() + JobId::max_encoded_len() + InlineResult::<T>::max_encoded_len()
	}

	pub(crate) fn hold(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		deai_primitives::deposits::hold::<Currency<T>, _>(&reason.into(), who, amount)
	}

	pub(crate) fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
		if !deai_primitives::deposits::release::<Currency<T>, _>(&reason.into(), who, amount) {
			frame_support::defensive!("an oracle hold was smaller than its record");
		}
	}

	/// Moves `amount` of `from`'s hold for `reason` to `to`'s free balance. Returns what moved.
	pub(crate) fn pay_from_hold(
		reason: HoldReason,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let moved = <Currency<T> as MutateHold<T::AccountId>>::transfer_on_hold(
			&reason.into(),
			from,
			to,
			amount,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero());
		if moved != amount {
			frame_support::defensive!("an oracle payment exceeded its hold");
		}
		moved
	}

	/// What delivering a callback costs beyond its contract's gas: the queue, the request, the
	/// fee's payment and refund, the event.
	pub fn callback_overhead() -> Weight {
		<T as Config>::WeightInfo::deliver_callback()
	}

	/// The fee prepaid for a callback of `gas_limit`: that weight and the delivery overhead, at
	/// the runtime's price of weight.
	pub fn callback_fee(gas_limit: Weight) -> BalanceOf<T> {
		T::WeightToFee::weight_to_fee(&Self::callback_overhead().saturating_add(gas_limit))
	}

	/// Checks what the market does not: the answer's kind.
	fn check_question(question: &Question<T>) -> DispatchResult {
		match question.output {
			OutputKind::Label => {},
			OutputKind::Scalar { decimals, .. } => {
				ensure!(decimals <= 38, Error::<T>::TooManyDecimals)
			},
			OutputKind::Bytes { max_len } => ensure!(
				max_len >= 1
					&& max_len <= <T as pallet_compute_market::Config>::MaxInlineResultLen::get(),
				Error::<T>::OutputTooLong
			),
		}
		Ok(())
	}

	/// The callback as kept, with its fee, if one is asked for.
	fn prepare_callback(
		spec: Option<CallbackSpec<T>>,
	) -> Result<Option<Callback<T>>, DispatchError> {
		let Some(spec) = spec else { return Ok(None) };
		ensure!(T::MaxCallbackGas::get().all_gte(spec.gas_limit), Error::<T>::CallbackGasTooHigh);
		let fee = Self::callback_fee(spec.gas_limit);
		Ok(Some(Callback { spec, fee }))
	}

	/// The market job that answers `question`: an inference by its model version, `providers`
	/// providers claiming it at `price` each, committing and revealing their answers inline, a
	/// quorum deciding.
	fn job_spec(question: &Question<T>) -> Result<JobSpec<T>, DispatchError> {
		let input_uri: BoundedText<_> = match &question.input {
			OracleInput::Inline(_) => deai_abi::oracle::INLINE_INPUT_URI
				.to_vec()
				.try_into()
				.map_err(|_| Error::<T>::Overflow)?,
			OracleInput::Reference { uri, .. } => uri.clone(),
		};
		Ok(JobSpec {
			kind: JobKind::Inference,
			model: Some(question.model),
			datasets: BoundedVec::new(),
			input_hash: question.input.hash(),
			input_uri,
			requirements: Requirements {
				min_vram_mib: 0,
				min_ram_mib: 0,
				accelerator: None,
				region: None,
				tee_required: false,
				min_reputation: 0,
			},
			commercial: question.commercial,
			budget: question.max_budget,
			matching_blocks: T::MatchingBlocks::get(),
			execution_blocks: T::ExecutionBlocks::get(),
			matching: MatchingMode::FixedPrice { price: question.price },
			verification: VerificationMode::Redundant {
				providers: question.providers,
				quorum: question.quorum,
			},
		})
	}

	/// Posts `question`'s job for `who`, in a storage layer of its own: a refused question
	/// leaves nothing behind (hooks are not transactional).
	fn post_question(who: &T::AccountId, question: &Question<T>) -> Result<JobId, DispatchError> {
		Self::check_question(question)?;
		let spec = Self::job_spec(question)?;
		with_storage_layer(|| Market::<T>::post_job_for(who.clone(), spec))
	}

	pub(crate) fn do_request(
		who: T::AccountId,
		question: Question<T>,
		callback: Option<CallbackSpec<T>>,
	) -> Result<RequestId, DispatchError> {
		let callback = Self::prepare_callback(callback)?;
		let id = Self::post_question(&who, &question)?;
		let deposit = Self::request_deposit();
		Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
		if let Some(callback) = &callback {
			Self::hold(HoldReason::CallbackFee, &who, callback.fee)?;
		}
		if let OracleInput::Inline(bytes) = question.input {
			RequestInputs::<T>::insert(id, bytes);
		}
		Requests::<T>::insert(
			id,
			Request {
				requester: who.clone(),
				output: question.output,
				callback,
				feed: None,
				deposit,
				answered: false,
			},
		);
		Self::deposit_event(Event::Requested {
			request: id,
			requester: who,
			model: question.model,
		});
		Ok(id)
	}

	pub(crate) fn do_remove_answer(who: T::AccountId, id: RequestId) -> DispatchResult {
		let answer = Answers::<T>::get(id).ok_or(Error::<T>::AnswerNotFound)?;
		ensure!(answer.requester == who, Error::<T>::NotRequester);
		ensure!(!Requests::<T>::contains_key(id), Error::<T>::CallbackPending);
		Answers::<T>::remove(id);
		Self::release(HoldReason::StorageDeposit, &who, answer.deposit);
		Self::deposit_event(Event::AnswerRemoved { request: id });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Feeds
	// ---------------------------------------------------------------------------------------

	pub(crate) fn do_create_feed(
		who: T::AccountId,
		question: Question<T>,
		callback: Option<CallbackSpec<T>>,
		period: BlockNumberFor<T>,
		rounds: u32,
	) -> Result<FeedId, DispatchError> {
		ensure!(!period.is_zero() && period >= T::MatchingBlocks::get(), Error::<T>::InvalidPeriod);
		ensure!(rounds >= 1 && rounds <= T::MaxFeedRounds::get(), Error::<T>::InvalidRounds);
		let callback = Self::prepare_callback(callback)?;
		let id = NextFeedId::<T>::get();
		NextFeedId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let later = BalanceOf::<T>::from(rounds - 1);
		let callback_fee = callback.as_ref().map(|c| c.fee).unwrap_or_default();
		// The hook starts every later round on the owner's behalf: each pays that work at the
		// price of a transaction, so that rounds cost what the block space they take is worth.
		let round_fee = T::WeightToFee::weight_to_fee(&Self::round_weight());
		let deposit = Self::feed_deposit();
		Self::hold(HoldReason::StorageDeposit, &who, deposit)?;
		Self::hold(
			HoldReason::FeedBudget,
			&who,
			question.max_budget.saturating_add(round_fee).saturating_mul(later),
		)?;
		// Every round's callback fee: the first's is its request's from now.
		Self::hold(
			HoldReason::CallbackFee,
			&who,
			callback_fee.saturating_mul(BalanceOf::<T>::from(rounds)),
		)?;
		let now = frame_system::Pallet::<T>::block_number();
		let job = Self::post_question(&who, &question)?;
		let next_round_at = now.saturating_add(period);
		let feed = Feed {
			owner: who.clone(),
			question,
			callback,
			period,
			rounds_left: rounds - 1,
			next_round_at,
			in_flight: 1,
			parked: false,
			round_fee,
			cancelled: false,
			deposit,
		};
		Self::open_round(id, &feed, job);
		if feed.rounds_left > 0 {
			FeedQueue::<T>::insert(next_round_at, id, ());
		}
		Feeds::<T>::insert(id, feed);
		Self::deposit_event(Event::FeedCreated { feed: id, owner: who, period, rounds });
		Self::deposit_event(Event::RoundStarted { feed: id, request: job });
		Ok(id)
	}

	/// Records the request of `feed`'s round whose job is `job` (the worker reads an inline
	/// input from the feed's question: nothing is copied).
	fn open_round(id: FeedId, feed: &Feed<T>, job: JobId) {
		Requests::<T>::insert(
			job,
			Request {
				requester: feed.owner.clone(),
				output: feed.question.output,
				callback: feed.callback.clone(),
				feed: Some(id),
				deposit: Zero::zero(),
				answered: false,
			},
		);
	}

	pub(crate) fn do_cancel_feed(who: T::AccountId, id: FeedId) -> DispatchResult {
		let mut feed = Feeds::<T>::get(id).ok_or(Error::<T>::FeedNotFound)?;
		ensure!(feed.owner == who, Error::<T>::NotFeedOwner);
		ensure!(!feed.cancelled, Error::<T>::FeedCancelled);
		let refunded = Self::refund_rounds_left(id, &mut feed);
		Self::deposit_event(Event::FeedCancelled { feed: id, refunded });
		if feed.in_flight == 0 {
			Self::remove_feed(id, &feed);
		} else {
			feed.cancelled = true;
			Feeds::<T>::insert(id, feed);
		}
		Ok(())
	}

	/// Unschedules the feed's rounds not started and returns their budgets, round fees and
	/// callback fees.
	fn refund_rounds_left(id: FeedId, feed: &mut Feed<T>) -> BalanceOf<T> {
		if feed.rounds_left == 0 {
			return Zero::zero();
		}
		if !feed.parked {
			FeedQueue::<T>::remove(feed.next_round_at, id);
		}
		feed.parked = false;
		let rounds = BalanceOf::<T>::from(core::mem::take(&mut feed.rounds_left));
		let budget = feed.question.max_budget.saturating_add(feed.round_fee).saturating_mul(rounds);
		let fees = feed.callback.as_ref().map(|c| c.fee).unwrap_or_default().saturating_mul(rounds);
		Self::release(HoldReason::FeedBudget, &feed.owner, budget);
		Self::release(HoldReason::CallbackFee, &feed.owner, fees);
		budget.saturating_add(fees)
	}

	/// Removes a feed with no round in flight or left, and its latest answer; returns its deposit.
	fn remove_feed(id: FeedId, feed: &Feed<T>) {
		FeedQueue::<T>::remove(feed.next_round_at, id);
		Feeds::<T>::remove(id);
		FeedAnswers::<T>::remove(id);
		Self::release(HoldReason::StorageDeposit, &feed.owner, feed.deposit);
		Self::deposit_event(Event::FeedRemoved { feed: id });
	}

	/// A request's record is gone: a feed's round no longer in flight (a cancelled feed whose
	/// last round this was goes too).
	pub(crate) fn request_closed(request: &Request<T>) {
		let Some(id) = request.feed else { return };
		let Some(mut feed) = Feeds::<T>::get(id) else {
			frame_support::defensive!("a round outlived its feed");
			return;
		};
		feed.in_flight = feed.in_flight.saturating_sub(1);
		if feed.cancelled && feed.in_flight == 0 {
			Self::remove_feed(id, &feed);
			return;
		}
		if feed.parked {
			// Its due round waited for this one: it starts in the next block.
			feed.parked = false;
			feed.next_round_at =
				frame_system::Pallet::<T>::block_number().saturating_add(One::one());
			FeedQueue::<T>::insert(feed.next_round_at, id, ());
		}
		Feeds::<T>::insert(id, feed);
	}

	// ---------------------------------------------------------------------------------------
	// The feed hook
	// ---------------------------------------------------------------------------------------

	/// Visiting one block's feed queue: the probe for its next entry and the cursor.
	pub(crate) fn queue_visit_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// What starting one round costs: the slope of the hook's benchmark (posting its job on the
	/// market included).
	pub(crate) fn round_weight() -> Weight {
		<T as Config>::WeightInfo::on_initialize_feeds(1)
			.saturating_sub(<T as Config>::WeightInfo::on_initialize_feeds(0))
	}

	/// The hook's weight limit: its base, a queue visit and `MaxFeedRoundsPerBlock` rounds.
	pub(crate) fn feed_rounds_weight_limit() -> Weight {
		<T as Config>::WeightInfo::on_initialize_feeds(0)
			.saturating_add(Self::queue_visit_weight())
			.saturating_add(
				Self::round_weight().saturating_mul(T::MaxFeedRoundsPerBlock::get().into()),
			)
	}

	/// Starts due feed rounds, oldest block first, at most `MaxFeedRoundsPerBlock` and while
	/// `meter` allows; the rest wait (the cursor remembers where).
	pub(crate) fn start_due_rounds(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		if meter.try_consume(<T as Config>::WeightInfo::on_initialize_feeds(0)).is_err() {
			return;
		}
		let mut block = FeedCursor::<T>::get();
		if block.is_zero() {
			block = now;
		}
		let mut started = 0u32;
		while block <= now {
			if meter.try_consume(Self::queue_visit_weight()).is_err() {
				break;
			}
			let mut emptied = true;
			let due: alloc::vec::Vec<FeedId> = FeedQueue::<T>::iter_key_prefix(block)
				.take(
					(T::MaxFeedRoundsPerBlock::get().saturating_sub(started) as usize)
						.saturating_add(1),
				)
				.collect();
			for id in due {
				if started >= T::MaxFeedRoundsPerBlock::get()
					|| meter.try_consume(Self::round_weight()).is_err()
				{
					emptied = false;
					break;
				}
				FeedQueue::<T>::remove(block, id);
				Self::start_round(id, now);
				started += 1;
			}
			if !emptied {
				break;
			}
			block = block.saturating_add(One::one());
		}
		FeedCursor::<T>::put(block);
	}

	/// Starts feed `id`'s due round: its budget leaves the feed's hold for the market's escrow
	/// (in a storage layer: a refused job leaves the budget free, a refund); the next round is
	/// queued.
	fn start_round(id: FeedId, now: BlockNumberFor<T>) {
		let Some(mut feed) = Feeds::<T>::get(id) else {
			frame_support::defensive!("a queued feed does not exist");
			return;
		};
		if feed.rounds_left == 0 {
			frame_support::defensive!("a queued feed has no round left");
			return;
		}
		if feed.in_flight >= T::MaxRoundsInFlight::get() {
			// It leaves the queue until a round in flight closes (`request_closed`): a feed
			// whose rounds go unanswered takes no place in the hook meanwhile.
			feed.parked = true;
			Self::deposit_event(Event::RoundWaits { feed: id });
			Feeds::<T>::insert(id, feed);
			return;
		}
		feed.next_round_at = now.saturating_add(feed.period);
		feed.rounds_left -= 1;
		Self::release(HoldReason::FeedBudget, &feed.owner, feed.question.max_budget);
		// The hook's work for the owner, paid whether or not the job can be posted.
		Self::pay_from_hold(
			HoldReason::FeedBudget,
			&feed.owner,
			&<T as pallet_compute_market::Config>::FeeDestination::get(),
			feed.round_fee,
		);
		match Self::post_question(&feed.owner, &feed.question) {
			Ok(job) => {
				Self::open_round(id, &feed, job);
				feed.in_flight = feed.in_flight.saturating_add(1);
				Self::deposit_event(Event::RoundStarted { feed: id, request: job });
			},
			Err(error) => {
				let fee = feed.callback.as_ref().map(|c| c.fee).unwrap_or_default();
				Self::release(HoldReason::CallbackFee, &feed.owner, fee);
				Self::deposit_event(Event::RoundFailed {
					feed: id,
					request: None,
					reason: RoundFailure::NotPosted(error),
				});
			},
		}
		if feed.rounds_left > 0 {
			FeedQueue::<T>::insert(feed.next_round_at, id, ());
		}
		Feeds::<T>::insert(id, feed);
	}
}
