//! Benchmarks of every call, settlement and the deadline hook, at their worst cases.

use super::*;
use crate::{commitment_of, types::*};
use alloc::{vec, vec::Vec};
use deai_primitives::{ContentHash, JobId};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::WeightMeter,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::Saturating;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn text<L: Get<u32>>() -> BoundedVec<u8, L> {
	vec![b'x'; L::get() as usize].try_into().expect("exactly the bound")
}

fn caps<T: Config>() -> Capabilities<T> {
	Capabilities {
		device: DeviceClass::Server,
		accelerator: text::<T::MaxAcceleratorLen>(),
		vram_mib: u32::MAX,
		ram_mib: u32::MAX,
		cpu_cores: u16::MAX,
		region: 1,
		job_kinds: 0b1111,
		max_concurrent_jobs: u32::MAX,
	}
}

fn bond<T: Config>() -> BalanceOf<T> {
	T::MinProviderBond::get().saturating_add(T::Currency::minimum_balance())
}

fn provider<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("provider", index);
	Pallet::<T>::do_register_provider(
		who.clone(),
		caps::<T>(),
		text::<T::MaxUriLen>(),
		bond::<T>(),
	)
	.expect("registers");
	who
}

fn fee<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(1_000u32.into())
}

/// The costliest job spec: a model, every dataset slot used, the longest URIs and every
/// requirement set.
fn spec<T: Config>(
	matching: MatchingMode<T::AccountId, BalanceOf<T>>,
	verification: VerificationMode<T::AccountId>,
) -> JobSpec<T> {
	let datasets: Vec<_> = (0..T::MaxJobDatasets::get())
		.map(|i| T::BenchmarkHelper::dataset(i, fee::<T>()))
		.collect();
	JobSpec {
		kind: JobKind::Inference,
		model: Some(T::BenchmarkHelper::model(fee::<T>())),
		datasets: datasets.try_into().expect("the bound"),
		input_hash: [1; 32],
		input_uri: text::<T::MaxUriLen>(),
		requirements: Requirements {
			min_vram_mib: 1,
			min_ram_mib: 1,
			accelerator: Some(text::<T::MaxAcceleratorLen>()),
			region: Some(1),
			tee_required: false,
			min_reputation: 0,
		},
		commercial: true,
		budget: T::Currency::minimum_balance().saturating_mul(1_000_000u32.into()),
		matching_blocks: T::MaxMatchingBlocks::get(),
		execution_blocks: T::MaxExecutionBlocks::get(),
		matching,
		verification,
	}
}

fn post<T: Config>(requester: &T::AccountId, spec: JobSpec<T>) -> JobId {
	Pallet::<T>::do_post_job(requester.clone(), spec).expect("posts")
}

/// Approves `who` for every dataset of `job`: the benchmarks' datasets are compute-to-data, the
/// costliest eligibility check (each approval is read when a provider bids, claims, accepts or
/// is chosen).
fn approve_for<T: Config>(who: &T::AccountId, job: JobId) {
	for dataset in Jobs::<T>::get(job).expect("posted").spec.datasets.iter() {
		T::BenchmarkHelper::approve(dataset, who);
	}
}

/// `who` bids `price` on `job`, approved for its datasets.
fn bid<T: Config>(who: T::AccountId, job: JobId, price: BalanceOf<T>) {
	approve_for::<T>(&who, job);
	Pallet::<T>::do_place_bid(who, job, price).expect("bids");
}

fn redundant<T: Config>() -> VerificationMode<T::AccountId> {
	let providers = T::MaxRedundancy::get().max(2) as u8;
	VerificationMode::Redundant { providers, quorum: providers / 2 + 1 }
}

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

/// A redundant job whose providers all committed and all but the last revealed (the same
/// result): the last reveal settles it.
fn nearly_revealed<T: Config>() -> (JobId, T::AccountId) {
	nearly_revealed_at::<T>(0)
}

/// `nearly_revealed` for requester `index`, with providers of its own.
fn nearly_revealed_at<T: Config>(index: u32) -> (JobId, T::AccountId) {
	let requester = funded::<T>("requester", index);
	let providers = T::MaxRedundancy::get().max(2);
	let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
	let winners: Vec<_> = (0..providers)
		.map(|i| (provider::<T>(index * providers + i), T::Currency::minimum_balance()))
		.collect();
	let job_info = Jobs::<T>::get(job).expect("posted");
	Pallet::<T>::assign(job, job_info, winners.clone()).expect("assigns");
	for (who, _) in winners.iter() {
		let commitment = commitment_of(job, who, &inline_hash::<T>(), &[3; 32]);
		Pallet::<T>::do_commit_result(who.clone(), job, commitment).expect("commits");
	}
	let (last, _) = winners.last().cloned().expect("providers");
	for (who, _) in winners.iter().take(winners.len() - 1) {
		reveal_inline::<T>(who, job);
	}
	(job, last)
}

/// The longest inline result.
fn inline_value<T: Config>() -> Vec<u8> {
	vec![7; T::MaxInlineResultLen::get() as usize]
}

/// The result hash of [`inline_value`].
fn inline_hash<T: Config>() -> ContentHash {
	sp_io::hashing::blake2_256(&inline_value::<T>())
}

/// `who` reveals the longest inline result (committed with salt `[3; 32]`): the costliest
/// reveal to store, and, for the settlement, to read back.
fn reveal_inline<T: Config>(who: &T::AccountId, job: JobId) {
	let value = inline_value::<T>().try_into().expect("bounded");
	Pallet::<T>::do_reveal_result(
		who.clone(),
		job,
		inline_hash::<T>(),
		Default::default(),
		[3; 32],
		Some(value),
	)
	.expect("reveals");
}

/// A `nearly_revealed` job whose first provider has not revealed yet (so that its reveal is
/// not the last): the job and that provider.
fn first_reveal_pending<T: Config>() -> (JobId, T::AccountId) {
	let (job, _) = nearly_revealed::<T>();
	let first = Jobs::<T>::get(job).unwrap().assignments[0].provider.clone();
	InlineResults::<T>::remove(job, &first);
	Jobs::<T>::mutate(job, |j| {
		if let Some(j) = j {
			j.assignments[0].result = None;
		}
	});
	(job, first)
}

/// A direct job (requester `index`, provider `provider_index`) its provider accepted: (the
/// provider, the job).
fn assigned<T: Config>(index: u32, provider_index: u32) -> (T::AccountId, JobId) {
	let requester = funded::<T>("requester", index);
	let who = provider::<T>(provider_index);
	let job = post::<T>(
		&requester,
		spec::<T>(
			MatchingMode::Direct { provider: who.clone() },
			VerificationMode::RequesterApproval,
		),
	);
	approve_for::<T>(&who, job);
	Pallet::<T>::do_accept_job(who.clone(), job).expect("accepts");
	(who, job)
}

/// A single-provider job with a submitted result, under review.
fn submitted<T: Config>(index: u32) -> JobId {
	let (who, job) = assigned::<T>(index, 1_000 + index);
	Pallet::<T>::do_submit_result(who, job, [5; 32], text::<T::MaxUriLen>(), BoundedVec::new())
		.expect("submits");
	job
}

/// An auction (single-provider, or redundant by `verification`) for requester `index`, with
/// `MaxBids` bids from providers of its own. Unless `eligible_at_close`, every bidder's approval
/// for the job's last dataset is then withdrawn: at the close each bidder is checked against
/// every dataset before it fails the last, and the job fails, refunded.
fn full_auction<T: Config>(
	index: u32,
	verification: VerificationMode<T::AccountId>,
	eligible_at_close: bool,
) -> JobId {
	let requester = funded::<T>("requester", index);
	let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, verification));
	let bids = T::MaxBids::get();
	let last_dataset = Jobs::<T>::get(job).expect("posted").spec.datasets.last().cloned();
	for b in 0..bids {
		let bidder = provider::<T>(100_000 + index * bids + b);
		bid::<T>(bidder.clone(), job, T::Currency::minimum_balance());
		if let (false, Some(dataset)) = (eligible_at_close, &last_dataset) {
			T::BenchmarkHelper::revoke(dataset, &bidder);
		}
	}
	job
}

/// Moves the chain (and the hook's cursor) to the block in which every one of `jobs`' pending
/// deadlines falls, all of kind `kind` (they were set in one block, with one period).
fn due_block<T: Config>(jobs: &[JobId], kind: DeadlineKind) -> BlockNumberFor<T> {
	let now = frame_system::Pallet::<T>::block_number();
	let mut due = None;
	for job in jobs {
		let (at, pending) =
			Jobs::<T>::get(job).and_then(|j| j.deadline).expect("a pending deadline");
		assert_eq!(pending, kind);
		assert!(due.is_none_or(|d| d == at), "the deadlines fall in one block");
		due = Some(at);
	}
	let due = due.unwrap_or(now);
	frame_system::Pallet::<T>::set_block_number(due);
	DeadlineCursor::<T>::put(due);
	due
}

/// The deadline hook in block `due`, with no weight limit but its own count.
fn run_hook<T: Config>(due: BlockNumberFor<T>) {
	let mut meter = WeightMeter::new();
	Pallet::<T>::process_deadlines(due, &mut meter);
}

/// Every job ended, with a receipt.
fn all_ended<T: Config>(jobs: &[JobId]) {
	for job in jobs {
		assert!(!Jobs::<T>::contains_key(job) && Receipts::<T>::contains_key(job));
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_provider() {
		let who = funded::<T>("provider", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), caps::<T>(), text::<T::MaxUriLen>(), bond::<T>());
		assert_last_event::<T>(Event::ProviderRegistered { provider: who, bond: bond::<T>() });
	}

	#[benchmark]
	fn update_provider() {
		let who = provider::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Some(caps::<T>()), Some(text::<T::MaxUriLen>()));
		assert_last_event::<T>(Event::ProviderUpdated { provider: who });
	}

	#[benchmark]
	fn submit_attestation() {
		let who = provider::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), TeeKind::Sgx, [3; 32]);
		assert_last_event::<T>(Event::AttestationSubmitted { provider: who, kind: TeeKind::Sgx });
	}

	#[benchmark]
	fn review_attestation() -> Result<(), BenchmarkError> {
		let who = provider::<T>(0);
		Pallet::<T>::do_submit_attestation(who.clone(), TeeKind::Sgx, [3; 32]).unwrap();
		let origin =
			T::AttestorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), true);
		assert_last_event::<T>(Event::AttestationReviewed { provider: who, trusted: true });
		Ok(())
	}

	#[benchmark]
	fn set_paused() {
		let who = provider::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), true);
		assert_last_event::<T>(Event::ProviderPaused { provider: who, paused: true });
	}

	#[benchmark]
	fn top_up_bond() {
		let who = provider::<T>(0);
		let amount = T::Currency::minimum_balance();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);
		assert_last_event::<T>(Event::BondToppedUp {
			provider: who,
			bond: bond::<T>().saturating_add(amount),
		});
	}

	#[benchmark]
	fn start_unbonding() {
		let who = provider::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		assert_last_event::<T>(Event::UnbondingStarted { provider: who, unlock_at });
	}

	#[benchmark]
	fn withdraw_bond() {
		let who = provider::<T>(0);
		Pallet::<T>::do_start_unbonding(who.clone()).unwrap();
		let later =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert_last_event::<T>(Event::ProviderLeft { provider: who, bond: bond::<T>() });
	}

	#[benchmark]
	fn post_job() {
		let requester = funded::<T>("requester", 0);
		let spec = spec::<T>(MatchingMode::Auction, redundant::<T>());
		let budget = spec.budget;
		#[extrinsic_call]
		_(RawOrigin::Signed(requester.clone()), spec);
		assert_last_event::<T>(Event::JobPosted { job: 0, requester, budget });
	}

	#[benchmark]
	fn cancel_job(b: Linear<0, { T::MaxBids::get() }>) {
		let requester = funded::<T>("requester", 0);
		let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
		for i in 0..b {
			bid::<T>(provider::<T>(i), job, T::Currency::minimum_balance());
		}
		let budget = Jobs::<T>::get(job).unwrap().spec.budget;
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), job);
		assert_last_event::<T>(Event::JobFailed {
			job,
			reason: FailureReason::Cancelled,
			refunded: budget,
		});
	}

	/// A bid on a full list that takes the place of the worst bid: every bid and its bidder's
	/// record are read to find it, and its deposit and slot are released.
	#[benchmark]
	fn place_bid() {
		let requester = funded::<T>("requester", 0);
		let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
		let worse = T::Currency::minimum_balance().saturating_mul(2u32.into());
		for i in 1..=T::MaxBids::get() {
			bid::<T>(provider::<T>(i), job, worse);
		}
		let who = provider::<T>(0);
		approve_for::<T>(&who, job);
		let price = T::Currency::minimum_balance();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), job, price);
		assert_last_event::<T>(Event::BidPlaced { job, provider: who, price });
		assert_eq!(Bids::<T>::iter_prefix(job).count() as u32, T::MaxBids::get());
	}

	/// Selecting the winner of a single-provider auction (redundant sets are drawn, never
	/// selected) with `b` bids to release.
	#[benchmark]
	fn select_bids(b: Linear<1, { T::MaxBids::get() }>) {
		let requester = funded::<T>("requester", 0);
		let job = post::<T>(
			&requester,
			spec::<T>(MatchingMode::Auction, VerificationMode::RequesterApproval),
		);
		let mut bidders = Vec::new();
		for i in 0..b {
			let who = provider::<T>(i);
			bid::<T>(who.clone(), job, T::Currency::minimum_balance());
			bidders.push(who);
		}
		let chosen: BoundedVec<_, _> =
			bidders.into_iter().take(1).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), job, chosen);
		assert_eq!(Jobs::<T>::get(job).unwrap().status, JobStatus::Assigned);
	}

	#[benchmark]
	fn accept_job() {
		let requester = funded::<T>("requester", 0);
		let who = provider::<T>(0);
		let job = post::<T>(
			&requester,
			spec::<T>(
				MatchingMode::Direct { provider: who.clone() },
				VerificationMode::RequesterApproval,
			),
		);
		approve_for::<T>(&who, job);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), job);
		assert_eq!(Jobs::<T>::get(job).unwrap().status, JobStatus::Assigned);
	}

	/// A claim that assigns a single-provider job (a redundant job's claim is an application,
	/// which does the work of `place_bid`).
	#[benchmark]
	fn claim_job() {
		let requester = funded::<T>("requester", 0);
		let price = T::Currency::minimum_balance();
		let job = post::<T>(
			&requester,
			spec::<T>(MatchingMode::FixedPrice { price }, VerificationMode::RequesterApproval),
		);
		let who = provider::<T>(0);
		approve_for::<T>(&who, job);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), job);
		assert_eq!(Jobs::<T>::get(job).unwrap().status, JobStatus::Assigned);
	}

	#[benchmark]
	fn submit_result() {
		let (who, job) = assigned::<T>(0, 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			job,
			[5; 32],
			text::<T::MaxUriLen>(),
			text::<T::MaxProofLen>(),
		);
		assert_last_event::<T>(Event::ResultSubmitted { job, provider: who, result_hash: [5; 32] });
	}

	#[benchmark]
	fn commit_result() {
		let requester = funded::<T>("requester", 0);
		let price = T::Currency::minimum_balance();
		let job =
			post::<T>(&requester, spec::<T>(MatchingMode::FixedPrice { price }, redundant::<T>()));
		let needed = T::MaxRedundancy::get().max(2);
		let providers: Vec<_> = (0..needed).map(|i| provider::<T>(i)).collect();
		let winners = providers.iter().map(|who| (who.clone(), price)).collect();
		Pallet::<T>::assign(job, Jobs::<T>::get(job).unwrap(), winners).unwrap();
		for who in providers.iter().skip(1) {
			let commitment = commitment_of(job, who, &[1; 32], &[1; 32]);
			Pallet::<T>::do_commit_result(who.clone(), job, commitment).unwrap();
		}
		let commitment = commitment_of(job, &providers[0], &[1; 32], &[1; 32]);
		#[extrinsic_call]
		_(RawOrigin::Signed(providers[0].clone()), job, commitment);
		assert_eq!(Jobs::<T>::get(job).unwrap().status, JobStatus::Revealing);
	}

	/// A reveal that does not yet decide the job (the deciding one is `settle`).
	#[benchmark]
	fn reveal_result() {
		let (job, first) = first_reveal_pending::<T>();
		let commitment = commitment_of(job, &first, &[9; 32], &[3; 32]);
		Jobs::<T>::mutate(job, |j| {
			if let Some(j) = j {
				j.assignments[0].commitment = Some(commitment);
			}
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(first.clone()), job, [9; 32], text::<T::MaxUriLen>(), [3; 32]);
		assert_last_event::<T>(Event::ResultRevealed {
			job,
			provider: first,
			result_hash: [9; 32],
		});
	}

	/// An inline reveal of the longest value that does not yet decide the job.
	#[benchmark]
	fn reveal_inline_result() {
		let (job, first) = first_reveal_pending::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(first.clone()), job, inline_value::<T>(), [3; 32]);
		assert!(InlineResults::<T>::contains_key(job, &first));
		assert_last_event::<T>(Event::ResultRevealed {
			job,
			provider: first,
			result_hash: inline_hash::<T>(),
		});
	}

	/// Leaving a redundant job with the most providers and a quorum that needs them all: the
	/// provider is slashed `AbandonSlash` and the job fails, refunded, releasing every other
	/// provider (giving back a single-provider job releases none).
	#[benchmark]
	fn report_failure() {
		let requester = funded::<T>("requester", 0);
		let count = T::MaxRedundancy::get().max(2);
		let everyone = VerificationMode::Redundant { providers: count as u8, quorum: count as u8 };
		let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, everyone));
		let winners: Vec<_> =
			(0..count).map(|i| (provider::<T>(i), T::Currency::minimum_balance())).collect();
		Pallet::<T>::assign(job, Jobs::<T>::get(job).expect("posted"), winners.clone())
			.expect("assigns");
		let who = winners[0].0.clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), job, u16::MAX, [4; 32]);
		assert!(Receipts::<T>::contains_key(job));
		let slash = T::AbandonSlash::get().mul_floor(bond::<T>());
		assert_eq!(Providers::<T>::get(&who).unwrap().bond, bond::<T>().saturating_sub(slash));
	}

	#[benchmark]
	fn dispute_result() {
		let job = submitted::<T>(0);
		let requester = Jobs::<T>::get(job).unwrap().requester;
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), job);
		assert_last_event::<T>(Event::JobDisputed { job, bond: T::DisputeBond::get() });
	}

	/// A receipt whose job kept the most locations: its input's and a result's for each of the
	/// most providers (all deleted with it).
	#[benchmark]
	fn remove_receipt() {
		let requester = funded::<T>("requester", 0);
		let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
		Pallet::<T>::do_cancel_job(requester.clone(), job).unwrap();
		for i in 0..T::MaxRedundancy::get() {
			ResultUris::<T>::insert(
				job,
				account::<T::AccountId>("provider", i, 0),
				text::<T::MaxUriLen>(),
			);
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), job);
		assert_last_event::<T>(Event::ReceiptRemoved { job });
		assert_eq!(ResultUris::<T>::iter_prefix(job).count(), 0);
		assert!(!JobInputUris::<T>::contains_key(job));
	}

	/// The deciding reveal of a job with the most providers, paying the usage fees of its model
	/// and every dataset slot (into their versions' royalty pots).
	#[benchmark]
	fn settle() {
		let (job, last) = nearly_revealed::<T>();
		#[extrinsic_call]
		reveal_inline_result(RawOrigin::Signed(last), job, inline_value::<T>(), [3; 32]);
		assert!(InlineResults::<T>::iter_prefix(job).next().is_none());
		assert!(matches!(
			Receipts::<T>::get(job).map(|r| r.outcome),
			Some(Outcome::Completed { .. })
		));
	}

	/// `n` review deadlines due in one block, each settling a job.
	#[benchmark]
	fn on_initialize_deadlines(n: Linear<0, { T::MaxDeadlinesPerBlock::get() }>) {
		let jobs: Vec<JobId> = (0..n).map(|i| submitted::<T>(i)).collect();
		let due = frame_system::Pallet::<T>::block_number().saturating_add(T::ReviewPeriod::get());
		frame_system::Pallet::<T>::set_block_number(due);
		DeadlineCursor::<T>::put(due);
		#[block]
		{
			let mut meter = WeightMeter::new();
			Pallet::<T>::process_deadlines(due, &mut meter);
		}
		for job in jobs {
			assert!(Receipts::<T>::contains_key(job));
		}
	}

	/// `n` (up to `MaxDeadlinesPerBlock`) single-provider auctions with `MaxBids` bids each
	/// (distinct requesters and bidders) closing in one block, every bidder found ineligible at
	/// its last dataset: every bid's checks and release, and every job failed and refunded.
	/// (A close that assigns is `deadlines_draw`; a deadline is charged the larger of the two.)
	#[benchmark]
	fn deadlines_auction_close(n: Linear<1, { T::MaxDeadlinesPerBlock::get() }>) {
		let jobs: Vec<JobId> = (0..n)
			.map(|i| full_auction::<T>(i, VerificationMode::RequesterApproval, false))
			.collect();
		let due = due_block::<T>(&jobs, DeadlineKind::Matching);
		#[block]
		{
			run_hook::<T>(due);
		}
		all_ended::<T>(&jobs);
	}

	/// `n` draws in one block, each among `MaxBids` eligible applicants of a redundant job with
	/// the most providers: every applicant's checks, the draw, and the assignment of 5.
	#[benchmark]
	fn deadlines_draw(n: Linear<1, { T::MaxDeadlinesPerBlock::get() }>) {
		let jobs: Vec<JobId> =
			(0..n).map(|i| full_auction::<T>(i, redundant::<T>(), true)).collect();
		// The matching deadline opens the draws.
		run_hook::<T>(due_block::<T>(&jobs, DeadlineKind::Matching));
		let due = due_block::<T>(&jobs, DeadlineKind::Draw);
		#[block]
		{
			run_hook::<T>(due);
		}
		for job in jobs {
			assert_eq!(Jobs::<T>::get(job).expect("assigned").status, JobStatus::Assigned);
		}
	}

	/// `n` redundant jobs whose providers (the most a job has, distinct) all
	/// missed the execution deadline, in one block: every provider slashed and released, every
	/// job failed and refunded.
	#[benchmark]
	fn deadlines_execution_missed(n: Linear<1, { T::MaxDeadlinesPerBlock::get() }>) {
		let count = T::MaxRedundancy::get().max(2);
		let jobs: Vec<JobId> = (0..n)
			.map(|i| {
				let requester = funded::<T>("requester", i);
				let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
				let winners: Vec<_> = (0..count)
					.map(|k| (provider::<T>(i * count + k), T::Currency::minimum_balance()))
					.collect();
				Pallet::<T>::assign(job, Jobs::<T>::get(job).expect("posted"), winners)
					.expect("assigns");
				job
			})
			.collect();
		let due = due_block::<T>(&jobs, DeadlineKind::Execution);
		#[block]
		{
			run_hook::<T>(due);
		}
		all_ended::<T>(&jobs);
	}

	/// `n` tallies in one block: redundant jobs with the most providers, all
	/// but one revealed (the silent one is slashed), each settling with every usage fee and
	/// contributor at its bound.
	#[benchmark]
	fn deadlines_reveal(n: Linear<1, { T::MaxDeadlinesPerBlock::get() }>) {
		let jobs: Vec<JobId> = (0..n).map(|i| nearly_revealed_at::<T>(i).0).collect();
		let due = due_block::<T>(&jobs, DeadlineKind::Reveal);
		#[block]
		{
			run_hook::<T>(due);
		}
		all_ended::<T>(&jobs);
	}

	/// `n` disputes nobody ruled on, in one block: each result stands and
	/// its job settles (the dispute bond released).
	#[benchmark]
	fn deadlines_arbitration(n: Linear<1, { T::MaxDeadlinesPerBlock::get() }>) {
		let jobs: Vec<JobId> = (0..n)
			.map(|i| {
				let job = submitted::<T>(i);
				let requester = Jobs::<T>::get(job).expect("submitted").requester;
				Pallet::<T>::do_dispute_result(requester, job).expect("disputes");
				job
			})
			.collect();
		let due = due_block::<T>(&jobs, DeadlineKind::Arbitration);
		#[block]
		{
			run_hook::<T>(due);
		}
		all_ended::<T>(&jobs);
	}

	/// A passed matching deadline of an auction without bids (the job fails, refunded), handled
	/// on a call. The call is charged this plus its deadline's benchmark handled alone
	/// (`lone_deadline_charge`), so the deadline part is counted twice: at most one refund's
	/// overcharge, for a call anyone may make.
	#[benchmark]
	fn finalize_deadline() {
		let requester = funded::<T>("requester", 0);
		let job = post::<T>(&requester, spec::<T>(MatchingMode::Auction, redundant::<T>()));
		let due = due_block::<T>(&[job], DeadlineKind::Matching);
		frame_system::Pallet::<T>::set_block_number(due.saturating_add(1u32.into()));
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), job);
		assert_last_event::<T>(Event::DeadlineFinalized {
			job,
			kind: DeadlineKind::Matching,
			caller,
		});
		all_ended::<T>(&[job]);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}

impl<T: Config> Pallet<T> {
	/// Registers `who` (funded) as a provider offering the job kinds `kinds`, for other pallets'
	/// benchmarks (federated training enrols providers).
	pub fn benchmark_provider(who: &T::AccountId, kinds: u8) {
		let mut capabilities = caps::<T>();
		capabilities.job_kinds = kinds;
		Pallet::<T>::do_register_provider(
			who.clone(),
			capabilities,
			text::<T::MaxUriLen>(),
			bond::<T>(),
		)
		.expect("registers");
	}
}
