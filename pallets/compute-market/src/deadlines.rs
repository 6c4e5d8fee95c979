//! The deadline queue's processing in `on_initialize`, and the market's invariants.

use crate::{pallet::*, types::*, JobObserver, WeightInfo};
use deai_primitives::JobId;
use frame_support::{
	ensure,
	pallet_prelude::DispatchError,
	traits::{Defensive, Get},
	weights::{Weight, WeightMeter},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating, Zero};

/// Blocks between the close of a redundant job's applications and its draw. The runtime's
/// relay randomness used at block `n` was noted in block `n - 1` and was public from `n - 2`
/// (the collective flip of a dev chain mixes block hashes up to `n - 2`): two blocks make it
/// unknown while applications were open. A seed public earlier (blocks built on one relay
/// parent share it) postpones the draw block by block.
pub const DRAW_DELAY: u32 = 2;

/// The most blocks a draw waits (after `DRAW_DELAY`) for a seed made public after its
/// applications closed.
pub const MAX_DRAW_WAIT: u32 = 10;

/// Every kind of deadline.
const DEADLINE_KINDS: [DeadlineKind; 6] = [
	DeadlineKind::Matching,
	DeadlineKind::Draw,
	DeadlineKind::Execution,
	DeadlineKind::Reveal,
	DeadlineKind::Review,
	DeadlineKind::Arbitration,
];

impl<T: Config> Pallet<T> {
	/// What one deadline of `kind` costs at most, everything included (the job's read and
	/// write, the queue entry, the events, and the work of its kind): the slope of a benchmark
	/// that puts up to `MaxDeadlinesPerBlock` worst-case deadlines of that kind in one block,
	/// with distinct accounts, the most providers, and every royalty payee at its bound. A
	/// matching or draw deadline closes a job with `bids` bids (`close_charge`).
	/// Every kind may end its job, which the job's observer hears (its `weight`, not in the
	/// market's own benchmarks, is added).
	pub fn deadline_charge(kind: DeadlineKind, bids: u32) -> Weight {
		let own = match kind {
			DeadlineKind::Matching | DeadlineKind::Draw => Self::close_charge(bids),
			_ => Self::stress_slope(kind).saturating_add(Self::intercept_excess(kind)),
		};
		own.saturating_add(T::JobObserver::weight())
	}

	/// What the stress benchmarks of `kind` measure once per block beyond the hook's own base
	/// and queue visit (which every block of deadlines is charged once): charged with each
	/// deadline, so that a block of any number of them, one included, is charged at least what
	/// the benchmark measured. Usually nothing, or a few reads' worth.
	fn intercept_excess(kind: DeadlineKind) -> Weight {
		Self::shared_charge(kind).saturating_sub(
			T::WeightInfo::on_initialize_deadlines(0).saturating_add(Self::queue_visit_weight()),
		)
	}

	/// The stress benchmarks of `kind`: a matching or draw deadline closes a matching, which
	/// either fails (`deadlines_auction_close`) or assigns (`deadlines_draw`); the other kinds
	/// have one each (a review's is `on_initialize_deadlines`).
	fn stress_benchmarks(kind: DeadlineKind) -> [fn(u32) -> Weight; 2] {
		let one = |stress: fn(u32) -> Weight| [stress, stress];
		match kind {
			DeadlineKind::Matching | DeadlineKind::Draw => {
				[T::WeightInfo::deadlines_auction_close, T::WeightInfo::deadlines_draw]
			},
			DeadlineKind::Execution => one(T::WeightInfo::deadlines_execution_missed),
			DeadlineKind::Reveal => one(T::WeightInfo::deadlines_reveal),
			DeadlineKind::Review => one(T::WeightInfo::on_initialize_deadlines),
			DeadlineKind::Arbitration => one(T::WeightInfo::deadlines_arbitration),
		}
	}

	/// What one more deadline of `kind` adds to a block of them: the largest slope of its
	/// stress benchmarks.
	fn stress_slope(kind: DeadlineKind) -> Weight {
		Self::stress_benchmarks(kind)
			.into_iter()
			.map(|stress| stress(1).saturating_sub(stress(0)))
			.fold(Weight::zero(), |worst, slope| worst.max(slope))
	}

	/// Closing a matching with `bids` bids. A close fails (every bidder checked, the job
	/// refunded) or assigns (every bidder checked, the providers drawn or chosen and assigned):
	/// its cost is a fixed part and a part per bid. The larger of the two closes' stress
	/// benchmarks at `MaxBids` bids, per bid, bounds the part per bid (it includes a share of
	/// the fixed part); a close with no bids, a refund (`cancel_job(0)`) and one assignment
	/// (`select_bids(1)`), bounds the fixed part (a redundant set's further assignments, at most
	/// one per bid, are each cheaper than a bid's check and release). So an auction nobody
	/// bid on is charged a refund, not 32 bids.
	fn close_charge(bids: u32) -> Weight {
		let full = Self::stress_slope(DeadlineKind::Matching);
		let max_bids = u64::from(T::MaxBids::get().max(1));
		let bids = u64::from(bids.min(T::MaxBids::get()));
		let per_bids = Weight::from_parts(
			full.ref_time().saturating_mul(bids).div_ceil(max_bids),
			full.proof_size().saturating_mul(bids).div_ceil(max_bids),
		);
		T::WeightInfo::cancel_job(0)
			.saturating_add(T::WeightInfo::select_bids(1))
			.saturating_add(per_bids)
	}

	/// What a block of deadlines of `kind` shares, which a lone one pays alone (the hook's
	/// base, the accounts every settlement pays, read cold): the benchmark's intercept.
	fn shared_charge(kind: DeadlineKind) -> Weight {
		Self::stress_benchmarks(kind)
			.into_iter()
			.map(|stress| stress(0))
			.fold(Weight::zero(), |worst, intercept| worst.max(intercept))
	}

	/// What one deadline of `kind` costs handled alone, on a call (`finalize_deadline`): its
	/// charge in a block of them plus what such a block shares.
	pub fn lone_deadline_charge(kind: DeadlineKind, bids: u32) -> Weight {
		Self::deadline_charge(kind, bids).saturating_add(Self::shared_charge(kind))
	}

	/// The most `lone_deadline_charge` can be, whatever the kind.
	pub fn max_lone_deadline_charge() -> Weight {
		Self::worst_kind(Self::lone_deadline_charge)
	}

	/// What one deadline can cost at most, whatever its kind (H-5).
	pub fn deadline_weight() -> Weight {
		Self::worst_kind(Self::deadline_charge)
	}

	/// The largest of `charge` over every kind of deadline, at the most bids.
	fn worst_kind(charge: fn(DeadlineKind, u32) -> Weight) -> Weight {
		DEADLINE_KINDS
			.into_iter()
			.map(|kind| charge(kind, T::MaxBids::get()))
			.fold(Weight::zero(), |worst, charge| worst.max(charge))
	}

	/// Opening a redundant job's draw at its matching deadline: the job's status and its next
	/// queue entry, charged a close with no bids (a refund and an assignment), which does more.
	fn draw_opening_charge() -> Weight {
		Self::close_charge(0)
	}

	/// The hook's weight limit: its base, one visit of the current block's queue, and
	/// `MaxDeadlinesPerBlock` worst-case deadlines (the runtime caps it at a quarter block).
	pub(crate) fn deadlines_weight_limit() -> Weight {
		T::WeightInfo::on_initialize_deadlines(0)
			.saturating_add(Self::queue_visit_weight())
			.saturating_add(
				Self::deadline_weight().saturating_mul(T::MaxDeadlinesPerBlock::get().into()),
			)
	}

	/// Visiting one block's queue: the probe for its next entry (a `DeadlineQueue` read, whose
	/// proof the benchmarks estimate at 2,503 bytes: its 28-byte entry and the trie path), and
	/// the cursor. Charged to every visit, an empty one included, so that a cursor far behind
	/// (queues emptied by `finalize_deadline`) catches up over several blocks, its proof paid.
	pub(crate) fn queue_visit_weight() -> frame_support::weights::Weight {
		T::DbWeight::get()
			.reads_writes(1, 1)
			.saturating_add(Weight::from_parts(0, 2_503))
	}

	/// Handles due deadlines, oldest block first, while `meter` allows; what does not fit waits
	/// for the next block (the cursor remembers where to resume).
	pub(crate) fn process_deadlines(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let base = T::WeightInfo::on_initialize_deadlines(0);
		if meter.try_consume(base).is_err() {
			return;
		}
		// A deadline is taken only if the worst case of any kind fits; it is then charged what
		// its kind costs at worst, so cheap deadlines leave room for more and an expensive one
		// is never undercharged.
		let worst = Self::deadline_weight();
		let mut handled = 0u32;
		let mut cursor = DeadlineCursor::<T>::get();
		if cursor.is_zero() {
			cursor = now;
		}
		// Visiting a block's queue costs a read and a write even when it is empty: after a long
		// pause the cursor catches up over several blocks rather than in one.
		while cursor <= now {
			if meter.try_consume(Self::queue_visit_weight()).is_err() {
				break;
			}
			// Each probe for the next entry is a read: the one that finds the queue empty (or
			// the weight spent) is the visit's, the others are their deadlines'.
			while let Some(job) = DeadlineQueue::<T>::iter_key_prefix(cursor).next() {
				if handled >= T::MaxDeadlinesPerBlock::get() || !meter.can_consume(worst) {
					// Out of weight: the rest waits for the next block.
					DeadlineCursor::<T>::put(cursor);
					return;
				}
				DeadlineQueue::<T>::remove(cursor, job);
				let (_, charge) = Self::handle_deadline(job, cursor);
				meter.consume(charge.min(worst));
				handled = handled.saturating_add(1);
			}
			cursor = cursor.saturating_add(One::one());
		}
		DeadlineCursor::<T>::put(cursor);
	}

	/// What happens when a job's deadline at `at` passes. Returns the deadline's kind and what
	/// handling it is charged in a block of deadlines (`deadline_charge`).
	fn handle_deadline(id: JobId, at: BlockNumberFor<T>) -> (DeadlineKind, Weight) {
		// The unreachable paths below are charged a settlement, more than what they do.
		let unreachable = (DeadlineKind::Review, Self::deadline_charge(DeadlineKind::Review, 0));
		let Some(mut job) = Jobs::<T>::get(id) else {
			frame_support::defensive!("a deadline outlived its job");
			return unreachable;
		};
		let Some((due, kind)) = job.deadline.take() else {
			frame_support::defensive!("a queued job has no deadline");
			return unreachable;
		};
		if due != at {
			frame_support::defensive!("a job was queued at another block than its deadline");
		}
		let charge = Self::deadline_charge(kind, job.bids);
		match (kind, &job.status) {
			(DeadlineKind::Matching, JobStatus::Open) => {
				if job.bids < job.spec.verification.providers() {
					Self::fail(id, job, FailureReason::NoProviders)
				} else if job.spec.verification.is_redundant() {
					// Applications are closed now; the draw waits for randomness produced after
					// this block, which no applicant (nor the requester) could know in time.
					job.status = JobStatus::Drawing;
					Self::set_deadline(id, &mut job, DRAW_DELAY.into(), DeadlineKind::Draw);
					Jobs::<T>::insert(id, job);
					return (kind, Self::draw_opening_charge());
				} else {
					Self::close_matching(id, job)
				}
			},
			(DeadlineKind::Draw, JobStatus::Drawing) => {
				// Applications closed with the matching window: the seed must not have been
				// public while they were open. Blocks built on one relay parent share its
				// randomness, so it may have been (`public_since` says): then the draw waits a
				// block, at most `MAX_DRAW_WAIT` (a relay chain giving no new randomness must
				// not lock the job's escrow and bids: then it draws all the same).
				let closed_at = job.posted_at.saturating_add(job.spec.matching_blocks);
				let waited_until = closed_at.saturating_add((DRAW_DELAY + MAX_DRAW_WAIT).into());
				if Self::draw_seed_public_since(id) < closed_at && at < waited_until {
					Self::set_deadline(id, &mut job, One::one(), DeadlineKind::Draw);
					Jobs::<T>::insert(id, job);
					Self::deposit_event(Event::DrawPostponed { job: id });
					return (kind, Self::draw_opening_charge());
				}
				Self::close_matching(id, job)
			},
			// Slashes and the refund.
			(DeadlineKind::Execution, JobStatus::Assigned) => Self::execution_missed(id, job),
			(DeadlineKind::Reveal, JobStatus::Revealing) => Self::tally(id, job),
			(DeadlineKind::Review, JobStatus::Submitted) => {
				// Silence accepts.
				match job.assignments.first().and_then(|a| a.result) {
					Some(result_hash) => {
						Self::settle(id, job, Outcome::Completed { result_hash }, None)
					},
					None => Self::fail(id, job, FailureReason::MissedDeadline),
				}
			},
			(DeadlineKind::Arbitration, JobStatus::Disputed) => Self::dispute_timed_out(id, job),
			_ => {
				// Unreachable: a job without a pending deadline would wait for good, so it ends
				// here, refunded, rather than being stored again.
				frame_support::defensive!("a deadline does not match its job's status");
				Self::fail(id, job, FailureReason::MissedDeadline);
				return unreachable;
			},
		}
		(kind, charge)
	}

	/// Handles `id`'s deadline for `caller` (`finalize_deadline`): only once it has passed, so
	/// that no call a provider or requester may still make in time is pre-empted, and never a
	/// draw, whose randomness is the block's the hook reaches it in (a caller choosing the block
	/// would choose among draws). Returns what the deadline is charged handled alone.
	pub(crate) fn do_finalize_deadline(
		caller: T::AccountId,
		id: JobId,
	) -> Result<Weight, DispatchError> {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		let (at, kind) = job.deadline.ok_or(Error::<T>::NoPendingDeadline)?;
		// In block `at` itself the window is still open (`ensure_before_deadline`).
		ensure!(at < frame_system::Pallet::<T>::block_number(), Error::<T>::DeadlineNotPassed);
		ensure!(kind != DeadlineKind::Draw, Error::<T>::DrawAwaitsTheHook);
		DeadlineQueue::<T>::remove(at, id);
		let (handled, charge) = Self::handle_deadline(id, at);
		Self::deposit_event(Event::DeadlineFinalized { job: id, kind, caller });
		Ok(charge.saturating_add(Self::shared_charge(handled)))
	}

	/// The execution window closed. A single provider that did not deliver is slashed and the
	/// requester refunded. In a redundant job, providers that did not commit are slashed and
	/// dropped; if a quorum committed, they go on to reveal, otherwise the job fails.
	fn execution_missed(id: JobId, mut job: Job<T>) {
		let missed = |provider: &T::AccountId| {
			Self::slash_provider(provider, T::MissedDeadlineSlash::get(), id);
			Self::release_provider(provider, |r| r.failed = r.failed.saturating_add(1));
		};
		match job.spec.verification {
			VerificationMode::Redundant { quorum, .. } => {
				let (committed, silent): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) =
					core::mem::take(&mut job.assignments)
						.into_iter()
						.partition(|a| a.commitment.is_some());
				for assignment in silent {
					missed(&assignment.provider);
				}
				// Fewer than it had: they fit.
				job.assignments = committed.try_into().defensive_unwrap_or_default();
				if (job.assignments.len() as u32) < u32::from(quorum) {
					return Self::fail(id, job, FailureReason::NoQuorum);
				}
				job.status = JobStatus::Revealing;
				Self::set_deadline(id, &mut job, T::RevealPeriod::get(), DeadlineKind::Reveal);
				Jobs::<T>::insert(id, job);
			},
			_ => {
				for assignment in core::mem::take(&mut job.assignments) {
					missed(&assignment.provider);
				}
				Self::fail(id, job, FailureReason::MissedDeadline);
			},
		}
	}

	/// The market's invariants: escrow, bonds, dispute bonds and deposits held equal what the
	/// records justify; provider job and bid counts match the assignments and bids (every bidder
	/// a provider); every pending deadline is queued exactly where its job says and every queue
	/// entry is a live job's.
	/// (Built with `std` too: the pallets built on the market check it in their tests.)
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use crate::BalanceOf;
		use alloc::collections::BTreeMap;
		use frame_support::{ensure, traits::fungible::InspectHold};
		use sp_runtime::TryRuntimeError;

		let mut expected: BTreeMap<(u8, T::AccountId), BalanceOf<T>> = BTreeMap::new();
		let mut add = |reason: u8, who: &T::AccountId, amount: BalanceOf<T>| {
			let entry = expected.entry((reason, who.clone())).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(amount);
		};
		let mut active: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let next = NextJobId::<T>::get();
		for (id, job) in Jobs::<T>::iter() {
			ensure!(id < next, TryRuntimeError::Other("job id not below NextJobId"));
			add(1, &job.requester, job.spec.budget);
			add(3, &job.requester, job.deposit);
			add(2, &job.requester, job.dispute_bond);
			// A verifier's rejection is a dispute without a bond; a bond always has a dispute.
			ensure!(
				job.dispute_bond.is_zero() || job.status == JobStatus::Disputed,
				TryRuntimeError::Other("a dispute bond without a dispute")
			);
			for assignment in job.assignments.iter() {
				*active.entry(assignment.provider.clone()).or_default() += 1;
			}
			let bids = Bids::<T>::iter_prefix(id).count() as u32;
			ensure!(bids == job.bids, TryRuntimeError::Other("bid count out of date"));
			match job.deadline {
				Some((at, _)) => ensure!(
					DeadlineQueue::<T>::contains_key(at, id),
					TryRuntimeError::Other("a job's deadline is not queued")
				),
				None => return Err(TryRuntimeError::Other("a job waits without a deadline")),
			}
		}
		let mut bidding: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, bidder, (_, deposit)) in Bids::<T>::iter() {
			ensure!(Jobs::<T>::contains_key(id), TryRuntimeError::Other("a bid outlived its job"));
			ensure!(
				Providers::<T>::contains_key(&bidder),
				TryRuntimeError::Other("a bidder is not a provider")
			);
			add(3, &bidder, deposit);
			*bidding.entry(bidder).or_default() += 1;
		}
		let cursor = DeadlineCursor::<T>::get();
		for (at, id, ()) in DeadlineQueue::<T>::iter() {
			let job =
				Jobs::<T>::get(id).ok_or(TryRuntimeError::Other("a queued job does not exist"))?;
			ensure!(
				job.deadline.map(|(due, _)| due) == Some(at),
				TryRuntimeError::Other("a queue entry disagrees with its job")
			);
			ensure!(
				cursor.is_zero() || at >= cursor,
				TryRuntimeError::Other("a deadline behind the cursor would never be handled")
			);
		}
		for (id, receipt) in Receipts::<T>::iter() {
			ensure!(id < next, TryRuntimeError::Other("receipt id not below NextJobId"));
			add(3, &receipt.requester, receipt.deposit);
		}
		for (who, info) in Providers::<T>::iter() {
			add(0, &who, info.bond);
			add(3, &who, info.deposit);
			ensure!(
				active.get(&who).copied().unwrap_or_default() == info.active_jobs,
				TryRuntimeError::Other("a provider's active_jobs does not count its assignments")
			);
			ensure!(
				bidding.get(&who).copied().unwrap_or_default() == info.open_bids,
				TryRuntimeError::Other("a provider's open_bids does not count its bids")
			);
			ensure!(
				ProviderEndpoints::<T>::contains_key(&who),
				TryRuntimeError::Other("a provider has no endpoint")
			);
		}
		ensure!(
			ProviderEndpoints::<T>::iter_keys().all(Providers::<T>::contains_key),
			TryRuntimeError::Other("an endpoint outlived its provider")
		);
		// The locations kept beside jobs live as long as the job or its receipt (whose deposit
		// pays for them): every live job has its input's; a result's is its provider's.
		let kept = |id: &JobId| Jobs::<T>::contains_key(id) || Receipts::<T>::contains_key(id);
		ensure!(
			Jobs::<T>::iter_keys().all(JobInputUris::<T>::contains_key),
			TryRuntimeError::Other("a job has no input location")
		);
		ensure!(
			JobInputUris::<T>::iter_keys().all(|id| kept(&id)),
			TryRuntimeError::Other("an input location outlived its job and receipt")
		);
		for (id, provider) in ResultUris::<T>::iter_keys() {
			ensure!(
				kept(&id),
				TryRuntimeError::Other("a result location outlived its job and receipt")
			);
			let named = match (Jobs::<T>::get(id), Receipts::<T>::get(id)) {
				(Some(job), _) => job.assignments.iter().any(|a| a.provider == provider),
				(None, Some(_)) => true,
				(None, None) => false,
			};
			ensure!(
				named,
				TryRuntimeError::Other("a result location of a provider the job does not have")
			);
		}
		// Inline values wait for their job's tally: none outlives its job, and each is a
		// provider's the job has.
		for (id, provider) in InlineResults::<T>::iter_keys() {
			let job = Jobs::<T>::get(id)
				.ok_or(TryRuntimeError::Other("an inline result outlived its job"))?;
			ensure!(
				job.assignments.iter().any(|a| a.provider == provider && a.result.is_some()),
				TryRuntimeError::Other("an inline result of a provider that did not reveal")
			);
		}
		for ((reason, who), amount) in expected {
			let reason = match reason {
				0 => HoldReason::ProviderBond,
				1 => HoldReason::JobEscrow,
				2 => HoldReason::DisputeBond,
				_ => HoldReason::StorageDeposit,
			};
			ensure!(
				T::Currency::balance_on_hold(&reason.into(), &who) == amount,
				TryRuntimeError::Other("an account's hold differs from the market's records")
			);
		}
		Ok(())
	}
}
