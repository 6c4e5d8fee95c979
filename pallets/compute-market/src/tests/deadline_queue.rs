//! The deadline queue: bounded processing per block, carry-over and late calls.

use super::*;

fn queued(at: u64) -> usize {
	DeadlineQueue::<Test>::iter_prefix(at).count()
}

/// A direct job (budget 10_000) its registered `provider` accepted.
fn accepted_direct_job(provider: AccountId) -> u64 {
	let job =
		post(spec(10_000, MatchingMode::Direct { provider }, VerificationMode::RequesterApproval));
	assert_ok!(Market::accept_job(RuntimeOrigin::signed(provider), job));
	job
}

#[test]
fn a_block_takes_any_number_of_deadlines_and_processing_is_bounded() {
	new_test_ext().execute_with(|| {
		// Six deadlines at block 11; the hook handles four a block (MaxDeadlinesPerBlock).
		for _ in 0..6 {
			post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		}
		assert_eq!(queued(11), 6);
		run_to_block(11);
		assert_eq!(Jobs::<Test>::iter().count(), 2);
		assert_eq!(DeadlineCursor::<Test>::get(), 11);
		run_to_block(12);
		assert_eq!(Jobs::<Test>::iter().count(), 0);
		assert_eq!(queued(11), 0);
		assert_eq!(DeadlineCursor::<Test>::get(), 13);
	});
}

#[test]
fn work_that_does_not_fit_carries_over() {
	new_test_ext().execute_with(|| {
		for _ in 0..3 {
			post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		}
		System::set_block_number(11);
		let per = Market::deadline_weight();
		let base = <() as crate::WeightInfo>::on_initialize_deadlines(0);
		let visit = Market::queue_visit_weight();
		let mut meter = frame_support::weights::WeightMeter::with_limit(base + visit + per);
		Market::process_deadlines(11, &mut meter);
		assert_eq!(Jobs::<Test>::iter().count(), 2);
		assert_eq!(queued(11), 2);
		assert_eq!(DeadlineCursor::<Test>::get(), 11);
		run_to_block(12);
		assert_eq!(Jobs::<Test>::iter().count(), 0);
	});
}

/// L-1: a block's full share of deadlines is handled in that block, not one fewer.
#[test]
fn l1_the_hook_handles_a_full_share_in_one_block() {
	new_test_ext().execute_with(|| {
		for _ in 0..4 {
			post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		}
		run_to_block(11);
		assert_eq!(Jobs::<Test>::iter().count(), 0);
		assert_eq!(DeadlineCursor::<Test>::get(), 12);
	});
}

/// M-b (review of the fixes): while the hook catches up with a backlog, calls whose window
/// has closed are refused by the deadline's block, not by the hook's progress.
#[test]
fn late_calls_are_refused_while_the_hook_catches_up() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		let job = accepted_direct_job(P1);
		let fixed = post(spec(
			10_000,
			MatchingMode::FixedPrice { price: 1_000 },
			VerificationMode::RequesterApproval,
		));
		run_to_block(2);
		// Block 12 without the hook (a backlog it has not reached): the fixed-price job's
		// window closed at block 11.
		System::set_block_number(12);
		assert_noop!(
			Market::claim_job(RuntimeOrigin::signed(P2), fixed),
			Error::<Test>::DeadlinePassed
		);
		// Block 22: P1 missed its execution deadline (21) and can no longer leave unslashed.
		System::set_block_number(22);
		assert_noop!(
			Market::report_failure(RuntimeOrigin::signed(P1), job, 1, [0; 32]),
			Error::<Test>::DeadlinePassed
		);
		run_to_block(23);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::MissedDeadline }
		);
		assert_eq!(held(HoldReason::ProviderBond, P1), 1_800);
	});
}

/// H-3: an attacker who fills the block of a provider's next deadline cannot make its
/// submission fail; the provider is paid, and the filler is handled over later blocks.
#[test]
fn h3_a_filled_deadline_queue_never_blocks_a_provider() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job = accepted_direct_job(P1);
		// The review deadline of a submission in block 1 is block 6: fill it (and more).
		let mut filler = spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		filler.matching_blocks = 5;
		for _ in 0..12 {
			assert_ok!(Market::post_job(RuntimeOrigin::signed(P2), filler.clone()));
		}
		assert_eq!(queued(6), 12);
		submit(P1, job, 9);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((6, DeadlineKind::Review)));
		let p1 = free(P1);
		run_to_block(9);
		// 13 deadlines at block 6, four a block: all handled by block 9.
		assert_eq!(Jobs::<Test>::iter().count(), 0);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(9) }
		);
		assert_eq!(free(P1), p1 + 9_428);
		assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
	});
}

/// Issue 16, item 2: a passed deadline the hook has not reached (a backlog) can be handled by
/// anyone, at its own cost, exactly as the hook would have; the caller gains nothing, and the
/// hook does not handle it again.
#[test]
fn anyone_can_finalize_a_passed_deadline_the_hook_has_not_reached() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job = accepted_direct_job(P1);
		submit(P1, job, 42);
		let (due, kind) = Jobs::<Test>::get(job).unwrap().deadline.unwrap();
		assert_eq!(kind, DeadlineKind::Review);
		// The hook is behind (it has not run since block 1).
		System::set_block_number(due);
		assert_noop!(
			Market::finalize_deadline(RuntimeOrigin::signed(VERIFIER), job),
			Error::<Test>::DeadlineNotPassed
		);
		System::set_block_number(due + 1);
		let before = [REQUESTER, P1, VERIFIER, TREASURY, ROYALTY_POT].map(free);
		let info = Market::finalize_deadline(RuntimeOrigin::signed(VERIFIER), job).unwrap();
		// Refunded to what a review deadline is charged.
		assert_eq!(
			info.actual_weight,
			Some(
				<() as crate::WeightInfo>::finalize_deadline()
					+ Market::lone_deadline_charge(DeadlineKind::Review, 0)
			)
		);
		assert_eq!(
			last_event(),
			MarketEvent::DeadlineFinalized { job, kind: DeadlineKind::Review, caller: VERIFIER }
		);
		// Silence accepted the result: the job settled, the caller got nothing.
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(42) }
		);
		let after = [REQUESTER, P1, VERIFIER, TREASURY, ROYALTY_POT].map(free);
		assert_eq!(after[2], before[2]);
		assert!(after[1] > before[1]);
		assert_eq!(queued(due), 0);
		// The hook catches up without meeting it again.
		run_to_block(due + 2);
		assert_noop!(
			Market::finalize_deadline(RuntimeOrigin::signed(VERIFIER), job),
			Error::<Test>::JobNotFound
		);
	});
}

/// A missed execution deadline finalized by a competitor slashes exactly as the hook would.
#[test]
fn a_finalized_missed_deadline_slashes_as_the_hook_would() {
	let run = |by_call: bool| {
		let mut outcome = None;
		new_test_ext().execute_with(|| {
			register(P1);
			let job = accepted_direct_job(P1);
			let (due, _) = Jobs::<Test>::get(job).unwrap().deadline.unwrap();
			if by_call {
				System::set_block_number(due + 1);
				assert_ok!(Market::finalize_deadline(RuntimeOrigin::signed(P2), job));
			} else {
				run_to_block(due + 1);
			}
			outcome = Some((
				Receipts::<Test>::get(job).unwrap().outcome,
				[REQUESTER, P1, TREASURY].map(free),
				held(HoldReason::ProviderBond, P1),
			));
		});
		outcome.unwrap()
	};
	let by_call = run(true);
	assert_eq!(by_call, run(false));
	assert_eq!(by_call.0, Outcome::Failed { reason: FailureReason::MissedDeadline });
	assert_eq!(by_call.2, 1_800);
}

/// A draw's randomness is the block's the hook reaches it in: no caller may pick that block.
#[test]
fn a_draw_cannot_be_finalized_by_a_call() {
	new_test_ext().execute_with(|| {
		let job = redundant_job_with_three_applicants();
		run_to_block(11);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((13, DeadlineKind::Draw)));
		System::set_block_number(14);
		assert_noop!(
			Market::finalize_deadline(RuntimeOrigin::signed(P1), job),
			Error::<Test>::DrawAwaitsTheHook
		);
		assert_noop!(
			Market::finalize_deadline(RuntimeOrigin::signed(P1), job + 1),
			Error::<Test>::JobNotFound
		);
		// A job with no pending deadline (unreachable in practice) is refused by name.
		Jobs::<Test>::mutate(job, |j| j.as_mut().unwrap().deadline = None);
		assert_noop!(
			Market::finalize_deadline(RuntimeOrigin::signed(P1), job),
			Error::<Test>::NoPendingDeadline
		);
		Jobs::<Test>::mutate(job, |j| {
			j.as_mut().unwrap().deadline = Some((13, DeadlineKind::Draw))
		});
		run_to_block(15);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
	});
}

/// While the hook is behind, a passed deadline's outcome is still the one its rules give: the
/// requester can no longer cancel or pick a winner once matching closed, nor the dispute
/// resolver rule once its period ended (so nobody can race `finalize_deadline` to another
/// outcome).
#[test]
fn calls_after_a_deadline_do_not_race_its_close() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		let auction =
			post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), auction, 1_000));
		let disputed = accepted_direct_job(P2);
		submit(P2, disputed, 7);
		assert_ok!(Market::dispute_result(RuntimeOrigin::signed(REQUESTER), disputed));
		let (closes, _) = Jobs::<Test>::get(auction).unwrap().deadline.unwrap();
		let (ruling_ends, _) = Jobs::<Test>::get(disputed).unwrap().deadline.unwrap();
		// The hook has not run since block 1.
		System::set_block_number(closes.max(ruling_ends) + 1);
		let chosen: BoundedVec<_, _> = vec![P1].try_into().unwrap();
		assert_noop!(
			Market::select_bids(RuntimeOrigin::signed(REQUESTER), auction, chosen),
			Error::<Test>::DeadlinePassed
		);
		assert_noop!(
			Market::cancel_job(RuntimeOrigin::signed(REQUESTER), auction),
			Error::<Test>::DeadlinePassed
		);
		assert_noop!(
			Market::resolve_dispute(RuntimeOrigin::root(), disputed, true),
			Error::<Test>::DeadlinePassed
		);
		// Their closes: the best bid wins, the unruled result stands.
		assert_ok!(Market::finalize_deadline(RuntimeOrigin::signed(P2), auction));
		assert_eq!(Jobs::<Test>::get(auction).unwrap().assignments[0].provider, P1);
		assert_ok!(Market::finalize_deadline(RuntimeOrigin::signed(P1), disputed));
		assert_eq!(
			Receipts::<Test>::get(disputed).unwrap().outcome,
			Outcome::Completed { result_hash: result(7) }
		);
	});
}

/// An auction nobody bid on is charged its refund, not a close of `MaxBids` bids: cheap posts
/// cannot fill the hook's share of a block at the price of its worst case.
#[test]
fn a_close_is_charged_by_its_bids() {
	new_test_ext().execute_with(|| {
		let max_bids = <Test as crate::Config>::MaxBids::get();
		let empty = Market::deadline_charge(DeadlineKind::Matching, 0);
		assert!(empty.all_lt(Market::deadline_charge(DeadlineKind::Matching, max_bids)));
		assert_eq!(Market::deadline_weight(), {
			let full = Market::deadline_charge(DeadlineKind::Matching, max_bids);
			full.max(Market::deadline_charge(DeadlineKind::Reveal, 0))
				.max(Market::deadline_charge(DeadlineKind::Review, 0))
				.max(Market::deadline_charge(DeadlineKind::Arbitration, 0))
				.max(Market::deadline_charge(DeadlineKind::Execution, 0))
		});
		let job = post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		let (due, _) = Jobs::<Test>::get(job).unwrap().deadline.unwrap();
		System::set_block_number(due);
		DeadlineCursor::<Test>::put(due);
		let mut meter = frame_support::weights::WeightMeter::new();
		Market::process_deadlines(due, &mut meter);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::NoProviders }
		);
		let base = <() as crate::WeightInfo>::on_initialize_deadlines(0);
		assert_eq!(meter.consumed(), base + Market::queue_visit_weight() + empty);
	});
}
