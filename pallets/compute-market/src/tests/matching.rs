//! Matching: auctions, direct jobs, fixed-price claims and redundant sets, and capacity.

use super::*;

#[test]
fn the_auction_picks_the_lowest_eligible_bid_at_its_deadline() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		register(P3);
		let job = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), job, 9_999),
			Error::<Test>::BidTooHigh
		);
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 6_000));
		assert_eq!(last_event(), MarketEvent::BidPlaced { job, provider: P1, price: 6_000 });
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P2), job, 5_000));
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P3), job, 5_500));
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P2), job, 4_000),
			Error::<Test>::AlreadyBid
		);
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P4), job, 4_000),
			Error::<Test>::NotProvider
		);
		assert_eq!(
			held(HoldReason::StorageDeposit, P2),
			Market::provider_deposit() + Market::bid_deposit()
		);
		run_to_block(11);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Assigned);
		assert_eq!(info.assignments[0].provider, P2);
		assert_eq!(info.assignments[0].price, 5_000);
		assert_eq!(Bids::<Test>::iter_prefix(job).count(), 0);
		assert_eq!(held(HoldReason::StorageDeposit, P2), Market::provider_deposit());
		assert_eq!(Providers::<Test>::get(P2).unwrap().active_jobs, 1);
		assert!(events().contains(&MarketEvent::JobAssigned {
			job,
			providers: vec![P2].try_into().unwrap(),
			deadline: 31
		}));
	});
}

#[test]
fn ineligible_providers_cannot_bid() {
	new_test_ext().execute_with(|| {
		register(P1);
		let mut s = spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.requirements.min_vram_mib = 80_000;
		let job = post(s);
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), job, 100),
			Error::<Test>::ProviderNotEligible
		);
		let mut s = spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.requirements.tee_required = true;
		let job = post(s);
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), job, 100),
			Error::<Test>::ProviderNotEligible
		);
		assert_ok!(Market::submit_attestation(RuntimeOrigin::signed(P1), TeeKind::SevSnp, [1; 32]));
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), job, 100),
			Error::<Test>::ProviderNotEligible
		);
		assert_ok!(Market::review_attestation(RuntimeOrigin::root(), P1, true));
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 100));
		assert_ok!(Market::set_paused(RuntimeOrigin::signed(P1), true));
		let open = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), open, 100),
			Error::<Test>::ProviderInactive
		);
		// A compute-to-data dataset admits only providers its owner approved.
		assert_ok!(Market::set_paused(RuntimeOrigin::signed(P1), false));
		let mut item = dataset(0);
		item.compute_to_data = true;
		set_dataset(0, item);
		let mut s = spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.datasets = vec![dataset_ref(0)].try_into().unwrap();
		let private = post(s);
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(P1), private, 100),
			DispatchError::Other("ProviderNotApproved")
		);
	});
}

#[test]
fn an_auction_without_enough_bids_fails_with_a_reason() {
	new_test_ext().execute_with(|| {
		let job = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		run_to_block(11);
		assert!(Jobs::<Test>::get(job).is_none());
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::NoProviders }
		);
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
	});
}

#[test]
fn the_requester_can_select_bids_early() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		let job = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 6_000));
		assert_noop!(
			Market::select_bids(
				RuntimeOrigin::signed(REQUESTER),
				job,
				vec![P2].try_into().unwrap()
			),
			Error::<Test>::InvalidSelection
		);
		assert_noop!(
			Market::select_bids(
				RuntimeOrigin::signed(REQUESTER),
				job,
				vec![P1, P2].try_into().unwrap()
			),
			Error::<Test>::InvalidSelection
		);
		assert_ok!(Market::select_bids(
			RuntimeOrigin::signed(REQUESTER),
			job,
			vec![P1].try_into().unwrap()
		));
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((21, DeadlineKind::Execution)));
		assert!(!DeadlineQueue::<Test>::contains_key(11, job));
	});
}

#[test]
fn direct_jobs_need_the_named_provider_in_time() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_noop!(
			Market::accept_job(RuntimeOrigin::signed(P2), job),
			Error::<Test>::ProviderNotEligible
		);
		assert_noop!(
			Market::claim_job(RuntimeOrigin::signed(P1), job),
			Error::<Test>::WrongMatchingMode
		);
		run_to_block(11);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::NoProviders }
		);
		assert_noop!(
			Market::accept_job(RuntimeOrigin::signed(P1), job),
			Error::<Test>::JobNotFound
		);
	});
}

#[test]
fn a_single_provider_fixed_price_job_goes_to_its_first_claimer() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		let job = post(spec(
			20_000,
			MatchingMode::FixedPrice { price: 3_000 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
		assert!(events().contains(&MarketEvent::JobClaimed { job, provider: P1 }));
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
		assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 1);
		assert_noop!(Market::claim_job(RuntimeOrigin::signed(P2), job), Error::<Test>::JobNotOpen);
	});
}

#[test]
fn a_redundant_fixed_price_job_takes_applications_and_draws_at_the_deadline() {
	new_test_ext().execute_with(|| {
		for p in [P1, P2, P3] {
			register(p);
		}
		let job = post(spec(
			20_000,
			MatchingMode::FixedPrice { price: 3_000 },
			VerificationMode::Redundant { providers: 2, quorum: 2 },
		));
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
		assert_eq!(last_event(), MarketEvent::JobClaimed { job, provider: P1 });
		assert_noop!(
			Market::claim_job(RuntimeOrigin::signed(P1), job),
			Error::<Test>::AlreadyClaimed
		);
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(P2), job));
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(P3), job));
		// Applications hold a bid's deposit and no capacity; the job stays open.
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Open);
		assert_eq!(Jobs::<Test>::get(job).unwrap().bids, 3);
		assert_eq!(
			held(HoldReason::StorageDeposit, P3),
			Market::provider_deposit() + Market::bid_deposit()
		);
		// The window closes at block 11: no more applications, no cancelling.
		run_to_block(11);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Drawing);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((13, DeadlineKind::Draw)));
		assert_noop!(Market::claim_job(RuntimeOrigin::signed(P4), job), Error::<Test>::JobNotOpen);
		assert_noop!(
			Market::cancel_job(RuntimeOrigin::signed(REQUESTER), job),
			Error::<Test>::JobNotOpen
		);
		run_to_block(13);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Assigned);
		assert_eq!(info.assignments.len(), 2);
		assert!(info.assignments.iter().all(|a| a.price == 3_000));
		for p in [P1, P2, P3] {
			let drawn = info.assignments.iter().any(|a| a.provider == p);
			assert_eq!(Providers::<Test>::get(p).unwrap().active_jobs, drawn as u32);
			assert_eq!(held(HoldReason::StorageDeposit, p), Market::provider_deposit());
		}
	});
}

/// H-2(a): the requester cannot pick a redundant set, and the cheapest bids (its sybils'
/// one-planck bids) do not decide it either: the set is drawn among all eligible bidders.
#[test]
fn h2_a_redundant_set_is_drawn_not_chosen() {
	let drawn_sets: Vec<Vec<AccountId>> = (0..12u64)
		.map(|seed| {
			let mut set = Vec::new();
			new_test_ext().execute_with(|| {
				RandomSeed::set(seed);
				for p in [P1, P2, P3, P4] {
					register(p);
				}
				let job = post(spec(
					30_000,
					MatchingMode::Auction,
					VerificationMode::Redundant { providers: 2, quorum: 2 },
				));
				// P1 and P2 play the requester's sybils, underbidding everyone.
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 1));
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(P2), job, 1));
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(P3), job, 9_000));
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(P4), job, 9_000));
				assert_noop!(
					Market::select_bids(
						RuntimeOrigin::signed(REQUESTER),
						job,
						vec![P1, P2].try_into().unwrap()
					),
					Error::<Test>::RedundantSetIsDrawn
				);
				run_to_block(13);
				let info = Jobs::<Test>::get(job).unwrap();
				for a in info.assignments.iter() {
					// Each is paid its own bid.
					assert_eq!(
						a.price,
						if a.provider == P1 || a.provider == P2 { 1 } else { 9_000 }
					);
					set.push(a.provider);
				}
				set.sort();
			});
			set
		})
		.collect();
	assert!(drawn_sets.iter().all(|set| set.len() == 2));
	// Across seeds, every bidder is drawn sometimes and the cheap pair is not always the set.
	for p in [P1, P2, P3, P4] {
		assert!(drawn_sets.iter().any(|set| set.contains(&p)), "{p} never drawn");
	}
	assert!(drawn_sets.iter().any(|set| set != &vec![P1, P2]));
}

#[test]
fn unfilled_fixed_price_jobs_release_their_applicants() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job = post(spec(
			20_000,
			MatchingMode::FixedPrice { price: 3_000 },
			VerificationMode::Redundant { providers: 2, quorum: 2 },
		));
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
		assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 0);
		run_to_block(11);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::NoProviders }
		);
		assert_eq!(held(HoldReason::StorageDeposit, P1), Market::provider_deposit());
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
	});
}

#[test]
fn a_provider_at_capacity_takes_no_more() {
	new_test_ext().execute_with(|| {
		register(P1);
		for _ in 0..2 {
			let job = post(spec(
				10_000,
				MatchingMode::Direct { provider: P1 },
				VerificationMode::RequesterApproval,
			));
			assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
		}
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_noop!(
			Market::accept_job(RuntimeOrigin::signed(P1), job),
			Error::<Test>::ProviderAtCapacity
		);
	});
}

/// Blocks built on one relay parent share its randomness: when the draw's seed was public while
/// applications were open, an applicant could have applied (or a requester cancelled) knowing
/// the draw. The draw then waits, block by block, for a seed made public after the close.
#[test]
fn a_draw_whose_seed_was_public_while_applications_were_open_waits() {
	new_test_ext().execute_with(|| {
		let job = redundant_job_with_three_applicants();
		// Applications close at block 11; the draw is due at 13 with a seed public since 10.
		run_to_block(11);
		RandomPublicSince::set(Some(10));
		run_to_block(13);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Drawing);
		assert_eq!(info.deadline, Some((14, DeadlineKind::Draw)));
		assert!(events().contains(&MarketEvent::DrawPostponed { job }));
		// Still public since before the close (block 11): it waits again.
		run_to_block(14);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((15, DeadlineKind::Draw)));
		// A seed public since the close (block 11, the base however long it waited): drawn.
		RandomPublicSince::set(Some(11));
		run_to_block(15);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Assigned);
		assert_eq!(info.assignments.len(), 2);
	});
}

/// A relay chain that gives no new randomness must not lock a job's escrow and bids: after
/// `MAX_DRAW_WAIT` blocks the draw happens all the same.
#[test]
fn a_draw_waits_for_a_fresh_seed_at_most_max_draw_wait_blocks() {
	use crate::deadlines::{DRAW_DELAY, MAX_DRAW_WAIT};
	new_test_ext().execute_with(|| {
		let job = redundant_job_with_three_applicants();
		RandomPublicSince::set(Some(0));
		let last_wait = 11 + u64::from(DRAW_DELAY) + u64::from(MAX_DRAW_WAIT);
		run_to_block(last_wait - 1);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Drawing);
		assert_eq!(info.deadline, Some((last_wait, DeadlineKind::Draw)));
		run_to_block(last_wait);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
		let postponed = events()
			.iter()
			.filter(|e| matches!(e, MarketEvent::DrawPostponed { .. }))
			.count();
		assert_eq!(postponed, MAX_DRAW_WAIT as usize);
	});
}
