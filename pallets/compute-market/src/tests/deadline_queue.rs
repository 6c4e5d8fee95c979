//! The deadline queue: bounded processing per block, carry-over and late calls.

use super::*;

fn queued(at: u64) -> usize {
	DeadlineQueue::<Test>::iter_prefix(at).count()
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
		let visit = <<Test as frame_system::Config>::DbWeight as Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get()
		.reads_writes(1, 1);
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
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
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
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
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
