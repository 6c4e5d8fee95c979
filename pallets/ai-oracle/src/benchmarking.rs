//! Benchmarks of every call, the feed hook, callback delivery and the market's observer, at
//! their worst cases.

use super::*;
use crate::types::*;
use alloc::{vec, vec::Vec};
use deai_primitives::JobId;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	weights::WeightMeter,
	BoundedVec,
};
use frame_system::RawOrigin;
use pallet_compute_market::{
	BenchmarkHelper as _, InlineResult, JobObserver, Outcome, Receipt, Reveal, VerificationMode,
};
use sp_runtime::{traits::Zero, Saturating};

type Currency<T> = <T as pallet_compute_market::Config>::Currency;

fn unit<T: Config>() -> BalanceOf<T> {
	<Currency<T> as frame_support::traits::fungible::Inspect<T::AccountId>>::minimum_balance()
		.max(1u32.into())
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// Enough for a feed of `MaxFeedRounds` rounds of the costliest question.
	let rounds: BalanceOf<T> = T::MaxFeedRounds::get().into();
	let per_round = unit::<T>().saturating_mul(1_000_000u32.into());
	Currency::<T>::set_balance(&who, per_round.saturating_mul(rounds).saturating_mul(10u32.into()));
	who
}

fn max_providers<T: Config>() -> u8 {
	<T as pallet_compute_market::Config>::MaxRedundancy::get().clamp(2, u8::MAX.into()) as u8
}

/// The costliest question: the longest inline input, the most providers, a model with a usage
/// fee (from the market's benchmark helper: the real registry in the runtime).
fn question<T: Config>(output: OutputKind) -> Question<T> {
	let providers = max_providers::<T>();
	let price = unit::<T>().saturating_mul(1_000u32.into());
	Question {
		model: <T as pallet_compute_market::Config>::BenchmarkHelper::model(price),
		input: OracleInput::Inline(
			vec![7u8; T::MaxInputLen::get() as usize].try_into().expect("the bound"),
		),
		output,
		providers,
		quorum: providers / 2 + 1,
		price,
		max_budget: price.saturating_mul(100u32.into()),
		commercial: true,
	}
}

fn longest_bytes<T: Config>() -> OutputKind {
	OutputKind::Bytes { max_len: <T as pallet_compute_market::Config>::MaxInlineResultLen::get() }
}

/// The most gas a callback may declare, at a contract that does not exist.
fn callback<T: Config>() -> CallbackSpec<T> {
	CallbackSpec {
		contract: account("contract", 0, 0),
		selector: [1, 2, 3, 4],
		gas_limit: T::MaxCallbackGas::get(),
	}
}

/// The longest answer.
fn value<T: Config>(fill: u8) -> InlineResult<T> {
	vec![fill; <T as pallet_compute_market::Config>::MaxInlineResultLen::get() as usize]
		.try_into()
		.expect("the bound")
}

/// The receipt of a completed oracle job, paid to the most providers.
fn receipt<T: Config>(job: JobId, requester: T::AccountId) -> Receipt<T> {
	let providers = (0..u32::from(max_providers::<T>()))
		.map(|i| (account("provider", i, 0), unit::<T>()))
		.collect::<Vec<_>>();
	Receipt {
		job,
		requester,
		kind: pallet_compute_market::JobKind::Inference,
		model: None,
		datasets: BoundedVec::new(),
		input_hash: [1; 32],
		verification: VerificationMode::Redundant { providers: 3, quorum: 2 },
		outcome: Outcome::Completed { result_hash: [2; 32] },
		providers: BoundedVec::truncate_from(providers),
		protocol_fee: Zero::zero(),
		usage_fees: Zero::zero(),
		refunded: Zero::zero(),
		finished_at: Zero::zero(),
		deposit: Zero::zero(),
	}
}

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

/// Feed `index` of owner `index`, with the most rounds and a callback.
fn feed<T: Config>(index: u32) -> (T::AccountId, FeedId) {
	let owner = funded::<T>("owner", index);
	let id = Pallet::<T>::do_create_feed(
		owner.clone(),
		question::<T>(longest_bytes::<T>()),
		Some(callback::<T>()),
		T::MatchingBlocks::get().max(1u32.into()),
		T::MaxFeedRounds::get(),
	)
	.expect("creates");
	(owner, id)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A question with the longest inline input and a callback: its market job is posted (the
	/// market's worst case for a model's job).
	#[benchmark]
	fn request() {
		let who = funded::<T>("requester", 0);
		let job = pallet_compute_market::NextJobId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), question::<T>(longest_bytes::<T>()), Some(callback::<T>()));
		assert!(Requests::<T>::contains_key(job));
	}

	#[benchmark]
	fn remove_answer() {
		let who = funded::<T>("requester", 0);
		let job = Pallet::<T>::do_request(who.clone(), question::<T>(longest_bytes::<T>()), None)
			.expect("asks");
		assert!(<Pallet<T> as JobObserver<T>>::job_finished(
			&receipt::<T>(job, who.clone()),
			Some(&value::<T>(1))
		));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), job);
		assert_last_event::<T>(Event::AnswerRemoved { request: job });
	}

	/// A feed with the most rounds, the longest inline input and a callback: its first round's
	/// job is posted.
	#[benchmark]
	fn create_feed() {
		let who = funded::<T>("owner", 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			question::<T>(longest_bytes::<T>()),
			Some(callback::<T>()),
			T::MatchingBlocks::get().max(1u32.into()),
			T::MaxFeedRounds::get(),
		);
		assert!(Feeds::<T>::contains_key(0));
	}

	/// Cancelling a feed with rounds left and its latest answer, none in flight: it is
	/// refunded and removed at once.
	#[benchmark]
	fn cancel_feed() {
		let (owner, id) = feed::<T>(0);
		// Its first round was answered, with its callback delivered.
		let job = pallet_compute_market::NextJobId::<T>::get().saturating_sub(1);
		assert!(<Pallet<T> as JobObserver<T>>::job_finished(
			&receipt::<T>(job, owner.clone()),
			Some(&value::<T>(1))
		));
		CallbackQueue::<T>::remove(0);
		CallbackQueueBounds::<T>::put((1, 1));
		let round = Requests::<T>::take(job).expect("queued");
		if let Some(callback) = &round.callback {
			Pallet::<T>::release(HoldReason::CallbackFee, &owner, callback.fee);
		}
		Pallet::<T>::request_closed(&round);
		assert!(FeedAnswers::<T>::contains_key(id));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		assert_last_event::<T>(Event::FeedRemoved { feed: id });
	}

	/// `n` feeds' rounds due in one block, each posting its market job (the longest input, the
	/// most providers) and queuing its next round.
	#[benchmark]
	fn on_initialize_feeds(n: Linear<0, { T::MaxFeedRoundsPerBlock::get() }>) {
		let feeds: Vec<FeedId> = (0..n).map(|i| feed::<T>(i).1).collect();
		// Each feed's second round is due a period (the matching window) after its first.
		let period = T::MatchingBlocks::get().max(1u32.into());
		let due = frame_system::Pallet::<T>::block_number().saturating_add(period);
		frame_system::Pallet::<T>::set_block_number(due);
		FeedCursor::<T>::put(due);
		#[block]
		{
			let mut meter = WeightMeter::new();
			Pallet::<T>::start_due_rounds(due, &mut meter);
		}
		for id in feeds {
			assert_eq!(Feeds::<T>::get(id).expect("feed").in_flight, 2);
		}
	}

	/// Delivering one callback (to an address without a contract: the contract's own work,
	/// code loading included, is metered by its gas), charging its fee and refunding the rest:
	/// the last round of a cancelled feed, whose closing removes the feed.
	#[benchmark]
	fn deliver_callback() {
		let (owner, id) = feed::<T>(0);
		let job = pallet_compute_market::NextJobId::<T>::get().saturating_sub(1);
		Pallet::<T>::do_cancel_feed(owner.clone(), id).expect("cancels");
		assert!(<Pallet<T> as JobObserver<T>>::job_finished(
			&receipt::<T>(job, owner),
			Some(&value::<T>(1))
		));
		#[block]
		{
			let mut meter = WeightMeter::new();
			Pallet::<T>::deliver_callbacks(&mut meter);
		}
		assert!(!Requests::<T>::contains_key(job));
		assert!(!Feeds::<T>::contains_key(id));
	}

	/// Deciding `n` reveals of the longest bytes, all different (the most comparisons).
	#[benchmark]
	fn aggregate(n: Linear<1, { <T as pallet_compute_market::Config>::MaxRedundancy::get() }>) {
		let who = funded::<T>("requester", 0);
		let job =
			Pallet::<T>::do_request(who, question::<T>(longest_bytes::<T>()), None).expect("asks");
		let values: Vec<InlineResult<T>> = (0..n).map(|i| value::<T>(i as u8)).collect();
		let reveals: Vec<Reveal<'_, T>> = values
			.iter()
			.map(|v| Reveal { result: Some([0; 32]), value: Some(v) })
			.collect();
		let decided;
		#[block]
		{
			decided = <Pallet<T> as JobObserver<T>>::aggregate(job, &reveals);
		}
		assert!(decided.is_some());
	}

	/// A one-shot answer with the longest value and a callback: the answer, its place in the
	/// callback queue and the request written.
	#[benchmark]
	fn job_finished() {
		let who = funded::<T>("requester", 0);
		let job = Pallet::<T>::do_request(
			who.clone(),
			question::<T>(longest_bytes::<T>()),
			Some(callback::<T>()),
		)
		.expect("asks");
		let receipt = receipt::<T>(job, who);
		let value = value::<T>(1);
		#[block]
		{
			assert!(<Pallet<T> as JobObserver<T>>::job_finished(&receipt, Some(&value)));
		}
		assert!(Answers::<T>::contains_key(job));
	}

	/// The last round of a cancelled feed without a callback is answered: its latest answer
	/// written, its request closed and the feed removed (with that answer).
	#[benchmark]
	fn job_finished_feed_end() {
		let owner = funded::<T>("owner", 0);
		let id = Pallet::<T>::do_create_feed(
			owner.clone(),
			question::<T>(longest_bytes::<T>()),
			None,
			T::MatchingBlocks::get().max(1u32.into()),
			T::MaxFeedRounds::get(),
		)
		.expect("creates");
		let job = pallet_compute_market::NextJobId::<T>::get().saturating_sub(1);
		Pallet::<T>::do_cancel_feed(owner.clone(), id).expect("cancels");
		let receipt = receipt::<T>(job, owner);
		let value = value::<T>(1);
		#[block]
		{
			assert!(<Pallet<T> as JobObserver<T>>::job_finished(&receipt, Some(&value)));
		}
		assert!(!Feeds::<T>::contains_key(id));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
