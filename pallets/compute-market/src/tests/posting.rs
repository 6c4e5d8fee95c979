//! Posting jobs: held budget and fees, rejected specs and licences, and cancelling.

use super::*;

#[test]
fn post_job_holds_the_budget_and_fixes_the_fees() {
	new_test_ext().execute_with(|| {
		let mut s = spec(10_100, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.datasets = vec![dataset_ref(0)].try_into().unwrap();
		let job = post(s);
		assert_eq!(
			last_event(),
			MarketEvent::JobPosted { job, requester: REQUESTER, budget: 10_100 }
		);
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 10_100);
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), Market::job_deposit());
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.model_fee, UsageFee { fee: 100, earns_points: true });
		assert_eq!(info.dataset_fees.to_vec(), vec![UsageFee { fee: 40, earns_points: true }]);
		// (10_100 - 140) / 1.05 = 9_485.71..., rounded down.
		assert_eq!(info.price_cap, 9_485);
		assert_eq!(info.protocol_fee, Permill::from_percent(5));
		assert_eq!(model(0).pins, 1);
		assert_eq!(dataset(0).pins, 1);
		assert_eq!(info.deadline, Some((11, DeadlineKind::Matching)));
		assert!(DeadlineQueue::<Test>::contains_key(11, job));
	});
}

#[test]
fn post_job_rejects_bad_specs() {
	new_test_ext().execute_with(|| {
		let post_as = |s: JobSpec<Test>| Market::post_job(RuntimeOrigin::signed(REQUESTER), s);
		let base = || spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		let mut s = base();
		s.matching_blocks = 0;
		assert_noop!(post_as(s), Error::<Test>::InvalidWindow);
		let mut s = base();
		s.execution_blocks = 101;
		assert_noop!(post_as(s), Error::<Test>::InvalidWindow);
		let mut s = base();
		s.verification = VerificationMode::Redundant { providers: 3, quorum: 1 };
		assert_noop!(post_as(s), Error::<Test>::InvalidRedundancy);
		let mut s = base();
		s.verification = VerificationMode::Redundant { providers: 4, quorum: 3 };
		assert_noop!(post_as(s), Error::<Test>::InvalidRedundancy);
		let mut s = base();
		s.model = None;
		assert_noop!(post_as(s), Error::<Test>::ModelRequired);
		let mut s = base();
		s.budget = 100;
		assert_noop!(post_as(s), Error::<Test>::BudgetTooLow);
		let mut s = base();
		s.matching = MatchingMode::FixedPrice { price: 9_600 };
		assert_noop!(post_as(s), Error::<Test>::BidTooHigh);
		let mut s = base();
		s.matching = MatchingMode::Direct { provider: P4 };
		assert_noop!(post_as(s), Error::<Test>::NotProvider);
		let mut s = base();
		s.budget = INITIAL * 2;
		assert_noop!(post_as(s), TokenError::FundsUnavailable);
	});
}

#[test]
fn a_use_the_licence_forbids_is_refused_at_posting() {
	new_test_ext().execute_with(|| {
		let mut item = model(0);
		item.commercial = false;
		item.derivatives = false;
		set_model(0, item);
		let mut s = spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.commercial = true;
		assert_noop!(
			Market::post_job(RuntimeOrigin::signed(REQUESTER), s),
			DispatchError::Other("LicenceForbidsCommercialUse")
		);
		let mut s = spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
		s.kind = JobKind::FineTune;
		assert_noop!(
			Market::post_job(RuntimeOrigin::signed(REQUESTER), s),
			DispatchError::Other("LicenceForbidsDerivatives")
		);
		// A non-commercial inference is fine.
		post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
	});
}

#[test]
fn cancel_returns_everything_before_assignment() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
		assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 5_000));
		assert_noop!(
			Market::cancel_job(RuntimeOrigin::signed(P1), job),
			Error::<Test>::NotRequester
		);
		assert_ok!(Market::cancel_job(RuntimeOrigin::signed(REQUESTER), job));
		assert_eq!(
			last_event(),
			MarketEvent::JobFailed { job, reason: FailureReason::Cancelled, refunded: 10_000 }
		);
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
		assert_eq!(held(HoldReason::StorageDeposit, P1), Market::provider_deposit());
		assert_eq!(model(0).pins, 0);
		assert_eq!(model(0).uses, 0);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Failed { reason: FailureReason::Cancelled });
		assert_ok!(Market::remove_receipt(RuntimeOrigin::signed(REQUESTER), job));
		assert_eq!(last_event(), MarketEvent::ReceiptRemoved { job });
		assert_eq!(free(REQUESTER), INITIAL);
		assert_noop!(
			Market::remove_receipt(RuntimeOrigin::signed(REQUESTER), job),
			Error::<Test>::ReceiptNotFound
		);
	});
}
