//! Results: submission, commit-reveal, verification, disputes, and settlement.

use crate::observer::{Aggregate, InlineResult, Reveal};
use crate::{pallet::*, types::*, BalanceOf, JobObserver, WeightInfo};
use alloc::{collections::BTreeMap, vec::Vec};
use codec::Encode;
use deai_primitives::{
	ContentHash, ContributionCategory, ContributionSink, Earner, JobId, ModelRegistry,
	ProofContext, ResultVerifier,
};
use frame_support::{
	dispatch::DispatchResultWithPostInfo, ensure, traits::Get, weights::Weight, BoundedVec,
};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult,
};

/// A provider's commitment to a result in a redundant job ([`deai_abi::result_commitment`]): it
/// binds the job and the provider, so a commitment copied from another provider cannot be
/// revealed by the copier.
pub fn commitment_of<AccountId: Encode>(
	job: JobId,
	provider: &AccountId,
	result: &ContentHash,
	salt: &ContentHash,
) -> ContentHash {
	deai_abi::result_commitment(job, &provider.encode(), result, salt)
}

impl<T: Config> Pallet<T> {
	/// What one settlement costs: the same whatever the model's and datasets' royalty splits
	/// (their usage fees go into the versions' pots in one payment), benchmarked with every
	/// dataset slot used and the most providers. Every call that may settle is charged it.
	pub fn max_settlement_weight() -> Weight {
		T::WeightInfo::settle().saturating_add(T::JobObserver::weight())
	}

	/// The job and the index of `who` among its providers.
	fn assigned_job(who: &T::AccountId, id: JobId) -> Result<(Job<T>, usize), DispatchError> {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		let index = job
			.assignments
			.iter()
			.position(|a| &a.provider == who)
			.ok_or(Error::<T>::NotAssignedProvider)?;
		Ok((job, index))
	}

	pub(crate) fn ensure_before_deadline(job: &Job<T>) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(job.deadline.is_none_or(|(at, _)| now <= at), Error::<T>::DeadlinePassed);
		Ok(())
	}

	pub(crate) fn do_submit_result(
		who: T::AccountId,
		id: JobId,
		result_hash: ContentHash,
		result_uri: BoundedText<T::MaxUriLen>,
		proof: BoundedVec<u8, T::MaxProofLen>,
	) -> DispatchResultWithPostInfo {
		let (mut job, index) = Self::assigned_job(&who, id)?;
		ensure!(job.status == JobStatus::Assigned, Error::<T>::JobNotAssigned);
		ensure!(
			!matches!(job.spec.verification, VerificationMode::Redundant { .. }),
			Error::<T>::WrongVerificationMode
		);
		Self::ensure_before_deadline(&job)?;
		let verified = if job.spec.verification == VerificationMode::Proof {
			let context = ProofContext {
				job: id,
				provider: &who,
				model: job.spec.model.as_ref(),
				input_hash: &job.spec.input_hash,
				result_hash: &result_hash,
			};
			T::ResultVerifier::verify(&context, &proof)?
		} else {
			Weight::zero()
		};
		job.assignments[index].result = Some(result_hash);
		ResultUris::<T>::insert(id, &who, result_uri);
		Self::deposit_event(Event::ResultSubmitted { job: id, provider: who, result_hash });
		if job.spec.verification == VerificationMode::Proof {
			Self::settle(id, job, Outcome::Completed { result_hash }, None);
			return Ok(Some(
				T::WeightInfo::submit_result()
					.saturating_add(verified)
					.saturating_add(Self::max_settlement_weight()),
			)
			.into());
		}
		job.status = JobStatus::Submitted;
		Self::set_deadline(id, &mut job, T::ReviewPeriod::get(), DeadlineKind::Review);
		Jobs::<T>::insert(id, job);
		Ok(Some(T::WeightInfo::submit_result()).into())
	}

	pub(crate) fn do_commit_result(
		who: T::AccountId,
		id: JobId,
		commitment: ContentHash,
	) -> DispatchResult {
		let (mut job, index) = Self::assigned_job(&who, id)?;
		ensure!(job.status == JobStatus::Assigned, Error::<T>::JobNotAssigned);
		ensure!(
			matches!(job.spec.verification, VerificationMode::Redundant { .. }),
			Error::<T>::WrongVerificationMode
		);
		Self::ensure_before_deadline(&job)?;
		ensure!(job.assignments[index].commitment.is_none(), Error::<T>::AlreadySubmitted);
		// A commitment copied from another provider is accepted but can never be opened (it binds
		// that provider): the copier is slashed at the reveal deadline. Refusing equal values
		// instead would let a copier front-run an honest commitment and make it fail.
		job.assignments[index].commitment = Some(commitment);
		if job.assignments.iter().all(|a| a.commitment.is_some()) {
			job.status = JobStatus::Revealing;
			Self::set_deadline(id, &mut job, T::RevealPeriod::get(), DeadlineKind::Reveal);
		}
		Jobs::<T>::insert(id, job);
		Self::deposit_event(Event::ResultCommitted { job: id, provider: who });
		Ok(())
	}

	pub(crate) fn do_reveal_result(
		who: T::AccountId,
		id: JobId,
		result_hash: ContentHash,
		result_uri: BoundedText<T::MaxUriLen>,
		salt: ContentHash,
		inline: Option<InlineResult<T>>,
	) -> DispatchResultWithPostInfo {
		let (mut job, index) = Self::assigned_job(&who, id)?;
		ensure!(job.status == JobStatus::Revealing, Error::<T>::NotRevealing);
		Self::ensure_before_deadline(&job)?;
		let assignment = &mut job.assignments[index];
		let commitment = assignment.commitment.ok_or(Error::<T>::NotCommitted)?;
		ensure!(assignment.result.is_none(), Error::<T>::AlreadySubmitted);
		ensure!(
			commitment_of(id, &who, &result_hash, &salt) == commitment,
			Error::<T>::RevealMismatch
		);
		assignment.result = Some(result_hash);
		// An inline value is the result itself: it needs no location.
		let revealed = match inline {
			Some(value) => {
				InlineResults::<T>::insert(id, &who, value);
				T::WeightInfo::reveal_inline_result()
			},
			None => {
				ResultUris::<T>::insert(id, &who, result_uri);
				T::WeightInfo::reveal_result()
			},
		};
		Self::deposit_event(Event::ResultRevealed { job: id, provider: who, result_hash });
		if job.assignments.iter().all(|a| a.result.is_some()) {
			Self::tally(id, job);
			return Ok(Some(revealed.saturating_add(Self::max_settlement_weight())).into());
		}
		Jobs::<T>::insert(id, job);
		Ok(Some(revealed).into())
	}

	/// Decides a redundant job from its revealed results. A result at least `quorum` providers
	/// revealed wins: they are paid and the job settles; providers that revealed another result
	/// are outvoted and slashed. Without a quorum:
	/// - if every provider that revealed revealed the same result (the shortfall is silence), they
	///   are paid — a colluding provider walking away cannot cost them their pay — but the result
	///   is not verified: no reputation or compute points, and the job ends `NoQuorum`;
	/// - if the revealed results disagree, nobody can tell who is right: nobody is paid or
	///   slashed for what they revealed (a lazy provider revealing junk earns nothing), and the
	///   requester is refunded.
	///
	/// Which results agree is decided by their hashes, unless the job's observer aggregates its
	/// inline values (an oracle's numbers: the median, and who is within its tolerance band).
	/// Providers that revealed nothing are always slashed. Slashes go to the fee destination,
	/// never to the requester.
	pub(crate) fn tally(id: JobId, mut job: Job<T>) {
		let VerificationMode::Redundant { quorum, .. } = job.spec.verification else {
			frame_support::defensive!("tally of a job that is not redundant");
			return;
		};
		let inline: BTreeMap<T::AccountId, InlineResult<T>> =
			InlineResults::<T>::iter_prefix(id).collect();
		let reveals: Vec<Reveal<'_, T>> = job
			.assignments
			.iter()
			.map(|a| Reveal { result: a.result, value: inline.get(&a.provider) })
			.collect();
		let (agreeing, candidate) = match T::JobObserver::aggregate(id, &reveals) {
			Some(Aggregate { agreeing, value }) => {
				let hash = sp_io::hashing::blake2_256(&value);
				(agreeing, Some((hash, Some(value))))
			},
			None => {
				let mut counts: BTreeMap<ContentHash, u32> = BTreeMap::new();
				for result in reveals.iter().filter_map(|r| r.result) {
					*counts.entry(result).or_default() += 1;
				}
				let best = counts
					.into_iter()
					.max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
					.map(|(hash, _)| hash);
				let agreeing: Vec<bool> =
					reveals.iter().map(|r| best.is_some() && r.result == best).collect();
				// Equal hashes, equal values: any agreeing provider's inline value is the value.
				let value = reveals
					.iter()
					.zip(agreeing.iter())
					.find_map(|(r, agrees)| agrees.then_some(r.value).flatten().cloned());
				(agreeing, best.map(|hash| (hash, value)))
			},
		};
		drop(reveals);
		let agreeing_count = agreeing.iter().filter(|a| **a).count() as u32;
		let revealed_count = job.assignments.iter().filter(|a| a.result.is_some()).count() as u32;
		let unanimous = revealed_count > 0 && agreeing_count == revealed_count;
		let winner = candidate.filter(|_| agreeing_count >= u32::from(quorum));
		let agrees = |i: usize| agreeing.get(i).copied().unwrap_or(false);
		let mut paid = BoundedVec::new();
		for (i, assignment) in core::mem::take(&mut job.assignments).into_iter().enumerate() {
			let punished = match winner {
				Some(_) => !agrees(i),
				None => assignment.result.is_none(),
			};
			let delivered = match winner {
				Some(_) => agrees(i),
				None => unanimous && agrees(i),
			};
			if punished {
				Self::slash_provider(&assignment.provider, T::MissedDeadlineSlash::get(), id);
				Self::release_provider(&assignment.provider, |r| {
					r.failed = r.failed.saturating_add(1)
				});
			} else if delivered {
				if paid.try_push(assignment).is_err() {
					frame_support::defensive!("more paid providers than the job's assignments");
				}
			} else {
				Self::release_provider(&assignment.provider, |_| {});
			}
		}
		job.assignments = paid;
		match winner {
			Some((result_hash, value)) => {
				Self::settle(id, job, Outcome::Completed { result_hash }, value.as_ref())
			},
			None if !job.assignments.is_empty() => {
				Self::settle(id, job, Outcome::Failed { reason: FailureReason::NoQuorum }, None)
			},
			None => Self::fail(id, job, FailureReason::NoQuorum),
		}
	}

	pub(crate) fn do_report_failure(
		who: T::AccountId,
		id: JobId,
		code: u16,
		message_hash: ContentHash,
	) -> DispatchResult {
		let (mut job, index) = Self::assigned_job(&who, id)?;
		ensure!(job.status == JobStatus::Assigned, Error::<T>::JobNotAssigned);
		// Past the execution deadline the provider has missed it: leaving now would escape the
		// slash while the hook catches up.
		Self::ensure_before_deadline(&job)?;
		// A commitment is a promise to reveal: leaving after it would let a provider escape an
		// outvote, or break a quorum after the others revealed. It reveals, or is slashed at the
		// reveal deadline.
		ensure!(job.assignments[index].commitment.is_none(), Error::<T>::AlreadyCommitted);
		Self::deposit_event(Event::FailureReported {
			job: id,
			provider: who.clone(),
			code,
			message_hash,
		});
		job.assignments.remove(index);
		// Giving a job back is honest but not free: a provider that won jobs (at a planck, say)
		// only to give them back would otherwise shut out real offers at no cost (M-4).
		Self::slash_provider(&who, T::AbandonSlash::get(), id);
		Self::release_provider(&who, |r| r.failed = r.failed.saturating_add(1));
		match job.spec.verification {
			VerificationMode::Redundant { quorum, .. } => {
				if (job.assignments.len() as u32) < u32::from(quorum) {
					Self::fail(id, job, FailureReason::NoQuorum);
				} else if job.assignments.iter().all(|a| a.commitment.is_some()) {
					// The one who left was the last without a commitment: reveals start.
					job.status = JobStatus::Revealing;
					Self::set_deadline(id, &mut job, T::RevealPeriod::get(), DeadlineKind::Reveal);
					Jobs::<T>::insert(id, job);
				} else {
					Jobs::<T>::insert(id, job);
				}
			},
			_ => Self::fail(id, job, FailureReason::ProviderFailure { code }),
		}
		Ok(())
	}

	/// The submitted result of a single-provider job awaiting review.
	fn submitted_result(job: &Job<T>) -> Result<ContentHash, DispatchError> {
		ensure!(job.status == JobStatus::Submitted, Error::<T>::NotSubmitted);
		job.assignments
			.first()
			.and_then(|a| a.result)
			.ok_or_else(|| Error::<T>::NotSubmitted.into())
	}

	pub(crate) fn do_accept_result(who: T::AccountId, id: JobId) -> DispatchResultWithPostInfo {
		let job = Self::requested_job(&who, id)?;
		let result = Self::submitted_result(&job)?;
		Self::settle(id, job, Outcome::Completed { result_hash: result }, None);
		Ok(Some(Self::max_settlement_weight()).into())
	}

	pub(crate) fn do_dispute_result(who: T::AccountId, id: JobId) -> DispatchResult {
		let mut job = Self::requested_job(&who, id)?;
		Self::submitted_result(&job)?;
		Self::ensure_before_deadline(&job)?;
		let bond = T::DisputeBond::get();
		Self::hold(HoldReason::DisputeBond, &who, bond)?;
		job.dispute_bond = bond;
		Self::open_dispute(id, job);
		Self::deposit_event(Event::JobDisputed { job: id, bond });
		Ok(())
	}

	/// Hands a submitted job to the dispute resolver, who has `DisputePeriod` blocks to rule;
	/// if it does not, the result stands (see [`Self::dispute_timed_out`]).
	fn open_dispute(id: JobId, mut job: Job<T>) {
		job.status = JobStatus::Disputed;
		Self::set_deadline(id, &mut job, T::DisputePeriod::get(), DeadlineKind::Arbitration);
		Jobs::<T>::insert(id, job);
	}

	/// Nobody ruled within `DisputePeriod`: the result stands, the provider is paid, and the
	/// requester's dispute bond (if it raised the dispute) comes back in full, since nobody
	/// judged it wrong. Emits `DisputeTimedOut`.
	pub(crate) fn dispute_timed_out(id: JobId, job: Job<T>) {
		Self::deposit_event(Event::DisputeTimedOut { job: id });
		match job.assignments.first().and_then(|a| a.result) {
			Some(result_hash) => Self::settle(id, job, Outcome::Completed { result_hash }, None),
			None => {
				frame_support::defensive!("a disputed job without a result");
				Self::fail(id, job, FailureReason::MissedDeadline);
			},
		}
	}

	pub(crate) fn do_attest_result(
		who: T::AccountId,
		id: JobId,
		valid: bool,
	) -> DispatchResultWithPostInfo {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		let VerificationMode::Verifier { verifier } = &job.spec.verification else {
			return Err(Error::<T>::WrongVerificationMode.into());
		};
		ensure!(verifier == &who, Error::<T>::NotVerifier);
		let result = Self::submitted_result(&job)?;
		Self::ensure_before_deadline(&job)?;
		if valid {
			Self::settle(id, job, Outcome::Completed { result_hash: result }, None);
			return Ok(Some(Self::max_settlement_weight()).into());
		}
		// The requester chose the verifier, so a rejection alone decides nothing: it becomes a
		// dispute, bonded by the requester as if it had disputed (an overruled rejection pays the
		// provider part of that bond), and the provider is slashed only if the dispute resolver
		// agrees. Unruled, the result stands when `DisputePeriod` ends.
		let bond = T::DisputeBond::get();
		Self::hold(HoldReason::DisputeBond, &job.requester, bond)
			.map_err(|_| Error::<T>::RequesterCannotBondDispute)?;
		job.dispute_bond = bond;
		Self::open_dispute(id, job);
		Self::deposit_event(Event::ResultRejected { job: id, verifier: who });
		Ok(Some(Self::max_settlement_weight()).into())
	}

	/// Slashes a single-provider job's provider (`DisputeSlash`, to the fee destination),
	/// counts a lost dispute, and fails the job (the requester gets its budget back).
	fn punish_and_fail(id: JobId, mut job: Job<T>, reason: FailureReason) {
		for assignment in core::mem::take(&mut job.assignments) {
			Self::slash_provider(&assignment.provider, T::DisputeSlash::get(), id);
			Self::release_provider(&assignment.provider, |r| {
				r.disputes_lost = r.disputes_lost.saturating_add(1)
			});
		}
		Self::fail(id, job, reason);
	}

	pub(crate) fn do_resolve_dispute(
		id: JobId,
		provider_at_fault: bool,
	) -> DispatchResultWithPostInfo {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::JobNotFound)?;
		ensure!(job.status == JobStatus::Disputed, Error::<T>::NotDisputed);
		// Unruled within `DisputePeriod`, the result stands, even while the hook catches up.
		Self::ensure_before_deadline(&job)?;
		let result =
			job.assignments.first().and_then(|a| a.result).ok_or(Error::<T>::NotSubmitted)?;
		Self::deposit_event(Event::DisputeResolved { job: id, provider_at_fault });
		if provider_at_fault {
			Self::punish_and_fail(id, job, FailureReason::DisputeLost);
			return Ok(Some(Self::max_settlement_weight()).into());
		}
		// The requester was wrong: its bond goes to the provider and the fee destination; what
		// could not be paid is released (never left held without a record).
		let bond = core::mem::take(&mut job.dispute_bond);
		if let Some(provider) = job.assignments.first().map(|a| a.provider.clone()) {
			let to_provider = T::DisputeWinnerShare::get().mul_floor(bond);
			let paid = Self::pay_from_hold(
				HoldReason::DisputeBond,
				&job.requester,
				&provider,
				to_provider,
			)
			.saturating_add(Self::pay_from_hold(
				HoldReason::DisputeBond,
				&job.requester,
				&T::FeeDestination::get(),
				bond.saturating_sub(to_provider),
			));
			Self::release(HoldReason::DisputeBond, &job.requester, bond.saturating_sub(paid));
		}
		Self::settle(id, job, Outcome::Completed { result_hash: result }, None);
		Ok(Some(Self::max_settlement_weight()).into())
	}

	/// Pays for a job's delivered work from its escrow, in one step: each remaining provider its
	/// price; the protocol fee, with the protocol's cut of the usage fees, to the fee destination
	/// (and the rewards pot); the rest of the usage fees, in one payment, into the royalty
	/// account, where the model's and datasets' versions' pots count them (their payees claim
	/// later: settlement costs the same whatever the splits); and the rest back to the
	/// requester. Writes the receipt with `outcome`: `Completed` for an accepted result, or a
	/// failure whose delivering providers are still owed (a redundant job without a quorum).
	/// Emits `JobSettled` or `JobFailed`.
	pub(crate) fn settle(
		id: JobId,
		job: Job<T>,
		outcome: Outcome,
		value: Option<&InlineResult<T>>,
	) {
		let requester = job.requester.clone();
		let escrow = HoldReason::JobEscrow;
		let mut paid_to_providers = BalanceOf::<T>::zero();
		let mut providers = BoundedVec::new();
		// Only a verified (completed) job earns reputation and compute points; pay for unverified
		// work (a redundant job without a quorum) is still recorded.
		let verified = matches!(outcome, Outcome::Completed { .. });
		for assignment in job.assignments.iter() {
			let paid =
				Self::pay_from_hold(escrow, &requester, &assignment.provider, assignment.price);
			paid_to_providers = paid_to_providers.saturating_add(paid);
			Self::release_provider(&assignment.provider, |r| {
				if verified && Self::counts_for_reputation(job.protocol_fee.mul_floor(paid)) {
					r.completed = r.completed.saturating_add(1);
				}
				r.total_paid = r.total_paid.saturating_add(paid);
			});
			if verified {
				// Compute points are the protocol fee this provider's work made the requester
				// pay: a unit of fee per point, never the price (which a provider's own
				// requester could pay itself back), so they cannot be farmed (H-4).
				T::ContributionSink::record(
					&Earner::Account(assignment.provider.clone()),
					ContributionCategory::Compute,
					job.protocol_fee.mul_floor(paid).saturated_into::<u128>(),
				);
			}
			if providers.try_push((assignment.provider.clone(), paid)).is_err() {
				frame_support::defensive!("more receipt lines than the job's assignments");
			}
		}
		let fee = job.protocol_fee.mul_floor(paid_to_providers);
		let to_rewards = T::RewardsFeeShare::get().mul_floor(fee);
		// The usage fees, fixed when the job was posted: the protocol's cut of each goes with
		// the protocol fee, the rest into the royalty account (`finish` tells the registry which
		// versions it paid for).
		let usage_fees = job
			.dataset_fees
			.iter()
			.fold(job.model_fee.fee, |sum, used| sum.saturating_add(used.fee));
		let usage_cut = job
			.dataset_fees
			.iter()
			.fold(T::Registry::usage_fee_cut(job.model_fee.fee), |sum, used| {
				sum.saturating_add(T::Registry::usage_fee_cut(used.fee))
			});
		// One payment to the fee destination: its part of the protocol fee and the usage cut.
		let to_rewards =
			Self::pay_from_hold(escrow, &requester, &T::RewardsAccount::get(), to_rewards);
		let to_destination = fee.saturating_sub(to_rewards).saturating_add(usage_cut);
		let to_destination =
			Self::pay_from_hold(escrow, &requester, &T::FeeDestination::get(), to_destination);
		let protocol_fee = to_rewards.saturating_add(to_destination.saturating_sub(usage_cut));
		let owed_to_pots = usage_fees.saturating_sub(usage_cut);
		// All or nothing: the pots count the use only if the royalty account received all of it,
		// so that they never owe more than the account holds, and a part paid without a pot
		// counting it would be stranded there; unpaid, it is refunded below. (The job's escrow
		// always covers the fees: this is defensive. The requester's hold is one for all its
		// jobs, so what is left of this job's is computed, not read.)
		let left_in_escrow = job
			.spec
			.budget
			.saturating_sub(paid_to_providers)
			.saturating_sub(to_rewards)
			.saturating_sub(to_destination);
		let usage_to_pots = if left_in_escrow >= owed_to_pots {
			Self::pay_from_hold(escrow, &requester, &T::Registry::royalty_account(), owed_to_pots)
		} else {
			frame_support::defensive!("the escrow does not cover the usage fees");
			Zero::zero()
		};
		let pots_paid = usage_to_pots == owed_to_pots;
		let usage_fees = usage_to_pots.saturating_add(to_destination.min(usage_cut));

		let refunded = job
			.spec
			.budget
			.saturating_sub(paid_to_providers)
			.saturating_sub(protocol_fee)
			.saturating_sub(usage_fees);
		Self::release(escrow, &requester, refunded);
		Self::release(HoldReason::DisputeBond, &requester, job.dispute_bond);
		Self::finish(
			id,
			job,
			outcome.clone(),
			value,
			pots_paid,
			providers,
			protocol_fee,
			usage_fees,
			refunded,
		);
		match outcome {
			Outcome::Completed { result_hash } => Self::deposit_event(Event::JobSettled {
				job: id,
				result_hash,
				paid_to_providers,
				protocol_fee,
				usage_fees,
				refunded,
			}),
			Outcome::Failed { reason } => {
				Self::deposit_event(Event::JobFailed { job: id, reason, refunded })
			},
		}
	}
}
