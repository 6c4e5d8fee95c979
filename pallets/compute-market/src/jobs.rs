//! Jobs: posting, matching (auction, direct, fixed price), deadlines, and how a job ends.

use crate::{observer::InlineResult, pallet::*, types::*, BalanceOf, JobObserver};
use alloc::vec::Vec;
use codec::{Encode, MaxEncodedLen};
use core::cmp::Reverse;
use deai_primitives::{IntendedUse, JobId, ModelRegistry, ResultVerifier, UsageFee};
use frame_support::{
	ensure,
	traits::{Defensive, Get, Randomness},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, CheckedSub, SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult, Rounding,
};

/// Where a bid stands on a full list, the greatest worst: whether its bidder takes no more
/// work, its price, and its bidder's reputation score reversed.
type BidRank<Balance> = (bool, Balance, Reverse<u32>);

impl<T: Config> Pallet<T> {
	/// The licence use a job declares: commercial or not; derivative when it trains or
	/// fine-tunes.
	pub(crate) fn intended_use(spec: &JobTerms<T>) -> IntendedUse {
		IntendedUse { commercial: spec.commercial, derivative: spec.kind.is_derivative() }
	}

	/// The storage deposit of a job: enough for its largest encoding and for its receipt, and
	/// for the locations kept beside them until the receipt is removed (the input's, and each
	/// provider's result's).
	pub fn job_deposit() -> BalanceOf<T> {
		let uri = BoundedText::<T::MaxUriLen>::max_encoded_len();
		let result_uri = T::AccountId::max_encoded_len().saturating_add(uri);
		Self::deposit_for_bytes(
			Job::<T>::max_encoded_len()
				.max(Receipt::<T>::max_encoded_len())
				.saturating_add(uri)
				.saturating_add(result_uri.saturating_mul(T::MaxRedundancy::get() as usize)),
		)
	}

	/// The storage deposit of a bid.
	pub fn bid_deposit() -> BalanceOf<T> {
		Self::deposit_for_bytes(
			JobId::max_encoded_len()
				+ T::AccountId::max_encoded_len()
				+ 2 * BalanceOf::<T>::max_encoded_len(),
		)
	}

	/// What one provider may be paid from `budget` once the usage fees and the protocol fee on
	/// the providers' pay are covered.
	pub fn price_cap(
		budget: BalanceOf<T>,
		usage_fees: BalanceOf<T>,
		protocol_fee: sp_runtime::Permill,
		providers: u32,
	) -> Option<BalanceOf<T>> {
		let available: u128 = budget.checked_sub(&usage_fees)?.saturated_into();
		// Exact integer arithmetic: pool × (1 + fee) never exceeds what is available.
		let pool = multiply_by_rational_with_rounding(
			available,
			1_000_000,
			1_000_000u128.saturating_add(protocol_fee.deconstruct().into()),
			Rounding::Down,
		)?;
		Some((pool / u128::from(providers.max(1))).saturated_into())
	}

	// ---------------------------------------------------------------------------------------
	// The deadline queue
	// ---------------------------------------------------------------------------------------

	/// Queues `job`'s deadline at `at`. Never fails: a block takes any number of deadlines, so
	/// nobody can make a provider's submission, commitment or reveal fail by filling the queue;
	/// `on_initialize` handles at most `MaxDeadlinesPerBlock` a block and carries the rest over.
	pub(crate) fn schedule(job: JobId, at: BlockNumberFor<T>) {
		DeadlineQueue::<T>::insert(at, job, ());
	}

	/// Takes `job` out of the queue at `at`.
	pub(crate) fn unschedule(job: JobId, at: BlockNumberFor<T>) {
		DeadlineQueue::<T>::remove(at, job);
	}

	/// Replaces a job's pending deadline with `kind` in `blocks` blocks.
	pub(crate) fn set_deadline(
		id: JobId,
		job: &mut Job<T>,
		blocks: BlockNumberFor<T>,
		kind: DeadlineKind,
	) {
		if let Some((at, _)) = job.deadline.take() {
			Self::unschedule(id, at);
		}
		let at = frame_system::Pallet::<T>::block_number().saturating_add(blocks);
		Self::schedule(id, at);
		job.deadline = Some((at, kind));
	}

	/// Removes a job's pending deadline.
	pub(crate) fn clear_deadline(id: JobId, job: &mut Job<T>) {
		if let Some((at, _)) = job.deadline.take() {
			Self::unschedule(id, at);
		}
	}

	// ---------------------------------------------------------------------------------------
	// Posting and matching
	// ---------------------------------------------------------------------------------------

	/// Posts a job for `requester`, exactly as its own `post_job` would (the pallets built on the
	/// market, such as the AI oracle, post their users' jobs this way). The caller runs it in a
	/// storage layer of its own if it must not keep a failed attempt's writes. Returns the job's
	/// id.
	pub fn post_job_for(requester: T::AccountId, spec: JobSpec<T>) -> Result<JobId, DispatchError> {
		Self::do_post_job(requester, spec)
	}

	pub(crate) fn do_post_job(
		requester: T::AccountId,
		spec: JobSpec<T>,
	) -> Result<JobId, DispatchError> {
		let (spec, input_uri) = spec.into_terms();
		ensure!(
			!spec.matching_blocks.is_zero() && spec.matching_blocks <= T::MaxMatchingBlocks::get(),
			Error::<T>::InvalidWindow
		);
		ensure!(
			!spec.execution_blocks.is_zero()
				&& spec.execution_blocks <= T::MaxExecutionBlocks::get(),
			Error::<T>::InvalidWindow
		);
		let providers = spec.verification.providers();
		match &spec.verification {
			VerificationMode::Redundant { providers, quorum } => ensure!(
				*providers >= 2
					&& u32::from(*providers) <= T::MaxRedundancy::get()
					&& *quorum <= *providers
					&& u32::from(*quorum) * 2 > u32::from(*providers)
					&& !matches!(spec.matching, MatchingMode::Direct { .. }),
				Error::<T>::InvalidRedundancy
			),
			VerificationMode::Verifier { verifier } => {
				ensure!(verifier != &requester, Error::<T>::VerifierIsRequester)
			},
			VerificationMode::Proof => {
				ensure!(
					T::ResultVerifier::is_available(),
					Error::<T>::ProofVerificationUnavailable
				);
				// Fixes what the proof will be checked against (a ZK profile) for this job's life.
				T::ResultVerifier::ensure_verifiable(spec.model.as_ref())?;
			},
			_ => {},
		}
		ensure!(spec.model.is_some() || spec.kind == JobKind::Training, Error::<T>::ModelRequired);
		if let MatchingMode::Direct { provider } = &spec.matching {
			ensure!(Providers::<T>::contains_key(provider), Error::<T>::NotProvider);
		}

		// Licences are checked now: a use the licence forbids is refused at posting.
		let usage = Self::intended_use(&spec);
		// So are the usage fees, and whether each earns its version points (not when the
		// requester is a party to the item, who would pay itself): the settlement reads no
		// item record.
		let model_fee = match &spec.model {
			Some(model) => {
				T::Registry::ensure_model_usable(model, usage)?;
				UsageFee {
					fee: T::Registry::model_usage_fee(model)?,
					earns_points: !T::Registry::is_party_to_model(model, &requester),
				}
			},
			None => UsageFee::default(),
		};
		let mut dataset_fees = BoundedVec::<_, T::MaxJobDatasets>::new();
		let mut usage_fees = model_fee.fee;
		for dataset in spec.datasets.iter() {
			T::Registry::ensure_dataset_usable(dataset, usage, None)?;
			let fee = T::Registry::dataset_usage_fee(dataset)?;
			usage_fees = usage_fees.checked_add(&fee).ok_or(Error::<T>::BudgetTooLow)?;
			let earns_points = !T::Registry::is_party_to_dataset(dataset, &requester);
			dataset_fees
				.try_push(UsageFee { fee, earns_points })
				.map_err(|_| Error::<T>::Overflow)?;
		}
		let protocol_fee = T::ProtocolFee::get();
		let price_cap = Self::price_cap(spec.budget, usage_fees, protocol_fee, providers)
			.filter(|cap| !cap.is_zero())
			.ok_or(Error::<T>::BudgetTooLow)?;
		if let MatchingMode::FixedPrice { price } = &spec.matching {
			ensure!(!price.is_zero(), Error::<T>::BudgetTooLow);
			ensure!(*price <= price_cap, Error::<T>::BidTooHigh);
		}

		let id = NextJobId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let deposit = Self::job_deposit();
		Self::hold(HoldReason::JobEscrow, &requester, spec.budget)?;
		Self::hold(HoldReason::StorageDeposit, &requester, deposit)?;
		if let Some(model) = &spec.model {
			T::Registry::pin_model(model)?;
		}
		for dataset in spec.datasets.iter() {
			T::Registry::pin_dataset(dataset)?;
		}
		let budget = spec.budget;
		let matching_blocks = spec.matching_blocks;
		let mut job = Job {
			requester: requester.clone(),
			spec,
			status: JobStatus::Open,
			assignments: BoundedVec::new(),
			bids: 0,
			price_cap,
			protocol_fee,
			model_fee,
			dataset_fees,
			deadline: None,
			dispute_bond: Zero::zero(),
			deposit,
			posted_at: frame_system::Pallet::<T>::block_number(),
		};
		Self::set_deadline(id, &mut job, matching_blocks, DeadlineKind::Matching);
		Jobs::<T>::insert(id, job);
		JobInputUris::<T>::insert(id, input_uri);
		NextJobId::<T>::put(next);
		Self::deposit_event(Event::JobPosted { job: id, requester, budget });
		Ok(id)
	}

	/// The job, if it exists and `who` posted it.
	pub(crate) fn requested_job(who: &T::AccountId, id: JobId) -> Result<Job<T>, DispatchError> {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		ensure!(&job.requester == who, Error::<T>::NotRequester);
		Ok(job)
	}

	/// The job, if it is open, and the eligible provider record of `who`.
	fn open_job_for(
		who: &T::AccountId,
		id: JobId,
	) -> Result<(Job<T>, ProviderInfo<T>), DispatchError> {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		ensure!(job.status == JobStatus::Open, Error::<T>::JobNotOpen);
		// The hook may handle a deadline blocks late (a full block carries over): the window is
		// closed when its block has come, not when the hook gets to it.
		Self::ensure_before_deadline(&job)?;
		let info = Providers::<T>::get(who).ok_or(Error::<T>::NotProvider)?;
		Self::ensure_eligible(who, &info, &job)?;
		Ok((job, info))
	}

	pub(crate) fn do_cancel_job(who: T::AccountId, id: JobId) -> DispatchResult {
		let job = Self::requested_job(&who, id)?;
		ensure!(job.status == JobStatus::Open, Error::<T>::JobNotOpen);
		// Once matching has closed the bidders are owed the close (the hook's, or anyone's
		// `finalize_deadline`), even while the hook catches up.
		Self::ensure_before_deadline(&job)?;
		Self::fail(id, job, FailureReason::Cancelled);
		Ok(())
	}

	pub(crate) fn do_place_bid(
		who: T::AccountId,
		id: JobId,
		price: BalanceOf<T>,
	) -> DispatchResult {
		let (mut job, info) = Self::open_job_for(&who, id)?;
		ensure!(matches!(job.spec.matching, MatchingMode::Auction), Error::<T>::WrongMatchingMode);
		ensure!(!price.is_zero() && price <= job.price_cap, Error::<T>::BidTooHigh);
		ensure!(!Bids::<T>::contains_key(id, &who), Error::<T>::AlreadyBid);
		Self::record_bid(id, &mut job, &who, info.reputation.score(), price)?;
		Jobs::<T>::insert(id, job);
		Self::deposit_event(Event::BidPlaced { job: id, provider: who, price });
		Ok(())
	}

	/// Where a bid of `bidder` at `price` stands in a full list (the greatest is the worst):
	/// bids of providers that take no more work (paused, unbonding, under-bonded) last, then
	/// higher prices, then lower reputation scores — the auction's own order.
	fn bid_rank(bidder: &T::AccountId, price: BalanceOf<T>) -> BidRank<BalanceOf<T>> {
		match Providers::<T>::get(bidder) {
			Some(info) => (!Self::takes_work(&info), price, Reverse(info.reputation.score())),
			None => (true, price, Reverse(0)),
		}
	}

	/// The worst bid on a job, by [`Self::bid_rank`] (between equals, the higher account, which
	/// the auction would take last): its rank, bidder, price and deposit.
	fn worst_bid(
		id: JobId,
	) -> Option<(BidRank<BalanceOf<T>>, T::AccountId, BalanceOf<T>, BalanceOf<T>)> {
		Bids::<T>::iter_prefix(id)
			.map(|(bidder, (price, deposit))| {
				(Self::bid_rank(&bidder, price), bidder, price, deposit)
			})
			.max_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
	}

	/// Records a bid (or a redundant job's application) of an eligible provider whose
	/// reputation score is `score`, with its storage deposit, in one of its slots. On a full
	/// list it takes the place of the worst bid if it is strictly better (a lower price, or the
	/// same price and a higher score; that bid's deposit and slot are released), so that filling
	/// the list shuts out no better offer; otherwise it fails with `TooManyBids`.
	fn record_bid(
		id: JobId,
		job: &mut Job<T>,
		who: &T::AccountId,
		score: u32,
		price: BalanceOf<T>,
	) -> DispatchResult {
		let evicted = if job.bids >= T::MaxBids::get() {
			let (rank, bidder, price_of_worst, deposit) =
				Self::worst_bid(id).ok_or(Error::<T>::TooManyBids)?;
			ensure!((false, price, Reverse(score)) < rank, Error::<T>::TooManyBids);
			Some((bidder, price_of_worst, deposit))
		} else {
			None
		};
		let deposit = Self::bid_deposit();
		Self::hold(HoldReason::StorageDeposit, who, deposit)?;
		Self::take_bid_slot(who)?;
		match evicted {
			Some((bidder, price, deposit)) => {
				Bids::<T>::remove(id, &bidder);
				Self::drop_bid(&bidder, deposit);
				Self::deposit_event(Event::BidEvicted { job: id, provider: bidder, price });
			},
			None => job.bids = job.bids.saturating_add(1),
		}
		Bids::<T>::insert(id, who, (price, deposit));
		Ok(())
	}

	/// Removes every bid on a job, returning the bidders' deposits and slots; returns the bids.
	pub(crate) fn clear_bids(id: JobId, job: &mut Job<T>) -> Vec<(T::AccountId, BalanceOf<T>)> {
		let bids: Vec<_> = Bids::<T>::drain_prefix(id)
			.map(|(bidder, (price, deposit))| {
				Self::drop_bid(&bidder, deposit);
				(bidder, price)
			})
			.collect();
		job.bids = 0;
		bids
	}

	pub(crate) fn do_select_bids(
		who: T::AccountId,
		id: JobId,
		chosen: BoundedVec<T::AccountId, T::MaxRedundancy>,
	) -> DispatchResult {
		let mut job = Self::requested_job(&who, id)?;
		ensure!(job.status == JobStatus::Open, Error::<T>::JobNotOpen);
		ensure!(matches!(job.spec.matching, MatchingMode::Auction), Error::<T>::WrongMatchingMode);
		// After the deadline the auction closes on its rules (the best eligible bid).
		Self::ensure_before_deadline(&job)?;
		// A requester choosing who checks whom could fill the set with its own providers.
		ensure!(!job.spec.verification.is_redundant(), Error::<T>::RedundantSetIsDrawn);
		ensure!(
			chosen.len() as u32 == job.spec.verification.providers(),
			Error::<T>::InvalidSelection
		);
		let mut winners = Vec::new();
		for provider in chosen.iter() {
			ensure!(!winners.iter().any(|(p, _)| p == provider), Error::<T>::InvalidSelection);
			let (price, _) = Bids::<T>::get(id, provider).ok_or(Error::<T>::InvalidSelection)?;
			let mut info = Providers::<T>::get(provider).ok_or(Error::<T>::NotProvider)?;
			// Its bid holds the slot the job takes over.
			info.open_bids = info.open_bids.saturating_sub(1);
			Self::ensure_eligible(provider, &info, &job)?;
			winners.push((provider.clone(), price));
		}
		Self::clear_bids(id, &mut job);
		Self::assign(id, job, winners)
	}

	/// Ends the matching of a job with applicants at its deadline (their bids' slots are released
	/// first, so that a bid's own slot never makes its bidder ineligible). A single-provider
	/// auction goes to the best eligible bid (lowest price, then highest reputation); a redundant
	/// job's providers are drawn at random among its eligible applicants, each paid its own price,
	/// so that neither the requester nor the cheapest sybils decide who checks whom. The job
	/// fails when too few are eligible.
	pub(crate) fn close_matching(id: JobId, mut job: Job<T>) {
		let needed = job.spec.verification.providers() as usize;
		let mut eligible: Vec<(BalanceOf<T>, u32, T::AccountId)> = Self::clear_bids(id, &mut job)
			.into_iter()
			.filter_map(|(bidder, price)| {
				let info = Providers::<T>::get(&bidder)?;
				Self::ensure_eligible(&bidder, &info, &job).ok()?;
				Some((price, info.reputation.score(), bidder))
			})
			.collect();
		if eligible.len() < needed {
			return Self::fail(id, job, FailureReason::NoProviders);
		}
		// Bids are read in storage order: sort them so that the draw (or the auction) depends
		// only on the bids and the random seed.
		eligible.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
		let winners: Vec<_> = if job.spec.verification.is_redundant() {
			Self::draw(id, eligible, needed)
		} else {
			eligible.into_iter().take(needed).collect()
		}
		.into_iter()
		.map(|(price, _, who)| (who, price))
		.collect();
		// Hooks are not transactional: a failed assignment must leave nothing half-done.
		let assigned =
			frame_support::storage::with_storage_layer(|| Self::assign(id, job.clone(), winners));
		if assigned.is_err() {
			Self::fail(id, job, FailureReason::NoProviders);
		}
	}

	/// The first block in which job `id`'s draw seed was public.
	pub(crate) fn draw_seed_public_since(id: JobId) -> BlockNumberFor<T> {
		T::Randomness::random(&(b"deai/draw", id).encode()).1
	}

	/// Draws `needed` of `candidates` uniformly at random (without replacement), seeded by
	/// `T::Randomness` for this job.
	fn draw<C>(id: JobId, mut candidates: Vec<C>, needed: usize) -> Vec<C> {
		let (seed, _) = T::Randomness::random(&(b"deai/draw", id).encode());
		let seed = seed.encode();
		let mut drawn = Vec::with_capacity(needed);
		for round in 0..needed as u32 {
			if candidates.is_empty() {
				break;
			}
			let digest = sp_io::hashing::blake2_256(&(&seed, round).encode());
			let mut word = [0u8; 8];
			word.copy_from_slice(&digest[..8]);
			let index = (u64::from_le_bytes(word) % candidates.len() as u64) as usize;
			drawn.push(candidates.swap_remove(index));
		}
		drawn
	}

	pub(crate) fn do_accept_job(who: T::AccountId, id: JobId) -> DispatchResult {
		let (job, _) = Self::open_job_for(&who, id)?;
		let MatchingMode::Direct { provider } = &job.spec.matching else {
			return Err(Error::<T>::WrongMatchingMode.into());
		};
		ensure!(provider == &who, Error::<T>::ProviderNotEligible);
		let price = job.price_cap;
		Self::assign(id, job, alloc::vec![(who, price)])
	}

	pub(crate) fn do_claim_job(who: T::AccountId, id: JobId) -> DispatchResult {
		let (mut job, info) = Self::open_job_for(&who, id)?;
		let MatchingMode::FixedPrice { price } = job.spec.matching else {
			return Err(Error::<T>::WrongMatchingMode.into());
		};
		if job.spec.verification.is_redundant() {
			// An application: the providers are drawn when the matching window closes.
			ensure!(!Bids::<T>::contains_key(id, &who), Error::<T>::AlreadyClaimed);
			Self::record_bid(id, &mut job, &who, info.reputation.score(), price)?;
			Jobs::<T>::insert(id, job);
			Self::deposit_event(Event::JobClaimed { job: id, provider: who });
			return Ok(());
		}
		ensure!(!job.assignments.iter().any(|a| a.provider == who), Error::<T>::AlreadyClaimed);
		job.assignments
			.try_push(Assignment { provider: who.clone(), price, commitment: None, result: None })
			.map_err(|_| Error::<T>::Overflow)?;
		Self::take_on(&who)?;
		Self::deposit_event(Event::JobClaimed { job: id, provider: who });
		if job.assignments.len() as u32 == job.spec.verification.providers() {
			let claimed = core::mem::take(&mut job.assignments);
			return Self::start_execution(id, job, claimed);
		}
		Jobs::<T>::insert(id, job);
		Ok(())
	}

	/// Counts a job against a provider's capacity.
	fn take_on(provider: &T::AccountId) -> DispatchResult {
		Providers::<T>::try_mutate(provider, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotProvider)?;
			info.active_jobs = info.active_jobs.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})
	}

	/// Assigns a job to `winners` (provider, price) and starts its execution window.
	pub(crate) fn assign(
		id: JobId,
		job: Job<T>,
		winners: Vec<(T::AccountId, BalanceOf<T>)>,
	) -> DispatchResult {
		let mut assignments = BoundedVec::new();
		for (provider, price) in winners {
			Self::take_on(&provider)?;
			assignments
				.try_push(Assignment { provider, price, commitment: None, result: None })
				.map_err(|_| Error::<T>::Overflow)?;
		}
		Self::start_execution(id, job, assignments)
	}

	fn start_execution(
		id: JobId,
		mut job: Job<T>,
		assignments: BoundedVec<Assignment<T>, T::MaxRedundancy>,
	) -> DispatchResult {
		job.assignments = assignments;
		job.status = JobStatus::Assigned;
		let execution = job.spec.execution_blocks;
		Self::set_deadline(id, &mut job, execution, DeadlineKind::Execution);
		let providers: BoundedVec<_, _> = job
			.assignments
			.iter()
			.map(|a| a.provider.clone())
			.collect::<Vec<_>>()
			.try_into()
			.map_err(|_| Error::<T>::Overflow)?;
		let deadline = job.deadline.map(|(at, _)| at).defensive_unwrap_or_default();
		Jobs::<T>::insert(id, job);
		Self::deposit_event(Event::JobAssigned { job: id, providers, deadline });
		Ok(())
	}

	// ---------------------------------------------------------------------------------------
	// Ending a job
	// ---------------------------------------------------------------------------------------

	/// Removes a finished job and writes its receipt; the job's deposit stays held for the
	/// receipt. Unpins the model and datasets (`used` when providers were paid for running
	/// them).
	pub(crate) fn finish(
		id: JobId,
		mut job: Job<T>,
		outcome: Outcome,
		value: Option<&InlineResult<T>>,
		used: bool,
		providers: BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxRedundancy>,
		protocol_fee: BalanceOf<T>,
		usage_fees: BalanceOf<T>,
		refunded: BalanceOf<T>,
	) {
		Self::clear_deadline(id, &mut job);
		Self::clear_bids(id, &mut job);
		// A paid use counts, and credits the version the protocol's cut of the fee the requester
		// paid as contribution points (nothing when the requester is a party to the item).
		if let Some(model) = &job.spec.model {
			T::Registry::unpin_model(model, used.then_some(job.model_fee));
		}
		for (i, dataset) in job.spec.datasets.iter().enumerate() {
			// One fee per dataset, recorded at posting.
			let fee = job.dataset_fees.get(i).copied().defensive_unwrap_or_default();
			T::Registry::unpin_dataset(dataset, used.then_some(fee));
		}
		Jobs::<T>::remove(id);
		let _ = InlineResults::<T>::clear_prefix(id, u32::MAX, None);
		let receipt = Receipt {
			job: id,
			requester: job.requester,
			kind: job.spec.kind,
			model: job.spec.model,
			datasets: job.spec.datasets,
			input_hash: job.spec.input_hash,
			verification: job.spec.verification,
			outcome,
			providers,
			protocol_fee,
			usage_fees,
			refunded,
			finished_at: frame_system::Pallet::<T>::block_number(),
			deposit: job.deposit,
		};
		if T::JobObserver::job_finished(&receipt, value) {
			// The observer keeps the record: the market's goes, with the locations its deposit
			// paid for.
			Self::forget_receipt(id, &receipt.requester, receipt.deposit);
		} else {
			Receipts::<T>::insert(id, receipt);
		}
	}

	/// Ends a job without success: the whole budget (and any dispute bond) goes back to the
	/// requester; its providers are released. Emits `JobFailed`.
	pub(crate) fn fail(id: JobId, job: Job<T>, reason: FailureReason) {
		let refunded = job.spec.budget;
		Self::release(HoldReason::JobEscrow, &job.requester, refunded);
		Self::release(HoldReason::DisputeBond, &job.requester, job.dispute_bond);
		for assignment in job.assignments.iter() {
			Self::release_provider(&assignment.provider, |_| {});
		}
		Self::finish(
			id,
			job,
			Outcome::Failed { reason },
			None,
			false,
			BoundedVec::new(),
			Zero::zero(),
			Zero::zero(),
			refunded,
		);
		Self::deposit_event(Event::JobFailed { job: id, reason, refunded });
	}

	pub(crate) fn do_remove_receipt(who: T::AccountId, id: JobId) -> DispatchResult {
		let receipt = Receipts::<T>::get(id).ok_or(Error::<T>::ReceiptNotFound)?;
		ensure!(receipt.requester == who, Error::<T>::NotRequester);
		Receipts::<T>::remove(id);
		Self::forget_receipt(id, &who, receipt.deposit);
		Self::deposit_event(Event::ReceiptRemoved { job: id });
		Ok(())
	}

	/// Deletes what a finished job's deposit paid for beside its receipt, and returns the
	/// deposit: the locations kept beside the job (one input, at most one result per provider
	/// the job was ever assigned: `MaxRedundancy` when it was posted; no limit here, so that a
	/// lower bound set later leaves none behind).
	fn forget_receipt(id: JobId, requester: &T::AccountId, deposit: BalanceOf<T>) {
		JobInputUris::<T>::remove(id);
		let _ = ResultUris::<T>::clear_prefix(id, u32::MAX, None);
		Self::release(HoldReason::StorageDeposit, requester, deposit);
	}
}
