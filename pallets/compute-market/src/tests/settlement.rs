//! Settlement: accepting results, review, missed deadlines, reported failures and disputes.

use super::*;

/// A direct job: budget 10_140 with a model (fee 100) and a dataset (fee 40).
fn direct_job() -> u64 {
	register(P1);
	let mut s =
		spec(10_140, MatchingMode::Direct { provider: P1 }, VerificationMode::RequesterApproval);
	s.datasets = vec![dataset_ref(0)].try_into().unwrap();
	let job = post(s);
	assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
	job
}

#[test]
fn accepting_a_result_pays_everyone_exactly() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		// price cap: (10_140 - 140) / 1.05 = 9_523
		assert_eq!(Jobs::<Test>::get(job).unwrap().assignments[0].price, 9_523);
		submit(P1, job, 42);
		assert_eq!(
			last_event(),
			MarketEvent::ResultSubmitted { job, provider: P1, result_hash: result(42) }
		);
		let before = [REQUESTER, P1, TREASURY, ROYALTY_POT].map(free);
		assert_noop!(
			Market::accept_result(RuntimeOrigin::signed(P1), job),
			Error::<Test>::NotRequester
		);
		assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
		// fee: 5% of 9_523 = 476.15 -> 476; usage: 100 + 40; refund: 10_140 - 9_523 - 476 - 140 = 1.
		// The registry's 10% cut of the usage fees (10 + 4) goes with the protocol fee, the rest
		// (90 + 36) into the royalty pots in one payment.
		assert_eq!(
			last_event(),
			MarketEvent::JobSettled {
				job,
				result_hash: result(42),
				paid_to_providers: 9_523,
				protocol_fee: 476,
				usage_fees: 140,
				refunded: 1,
			}
		);
		let after = [REQUESTER, P1, TREASURY, ROYALTY_POT].map(free);
		assert_eq!(after[0] - before[0], 1);
		assert_eq!(after[1] - before[1], 9_523);
		assert_eq!(after[2] - before[2], 476 + 14);
		assert_eq!(after[3] - before[3], 126);
		assert_eq!((model(0).accrued, dataset(0).accrued), (90, 36));
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Completed { result_hash: result(42) });
		assert_eq!(receipt.providers.to_vec(), vec![(P1, 9_523)]);
		assert_eq!(receipt.model, Some(model_ref(0)));
		assert_eq!(receipt.input_hash, [1; 32]);
		assert_eq!(model(0).uses, 1);
		assert_eq!(dataset(0).uses, 1);
		let provider = Providers::<Test>::get(P1).unwrap();
		assert_eq!(provider.reputation.completed, 1);
		assert_eq!(provider.reputation.total_paid, 9_523);
		assert_eq!(provider.active_jobs, 0);
		// Compute points are the protocol fee the work made the requester pay (H-4).
		assert_eq!(contributions(), vec![(P1, ContributionCategory::Compute, 476)]);
	});
}

/// Whether a use earns its version points is decided when the job is posted, by whether the
/// requester is a party to the item then (the settlement reads no item record): a requester
/// that contributes to the dataset pays itself there and earns that version nothing, while the
/// model's use still earns. Becoming a party later changes nothing for a job already posted.
#[test]
fn a_requester_party_to_an_item_earns_its_version_no_points() {
	new_test_ext().execute_with(|| {
		DATASETS
			.with(|m| m.borrow_mut().get_mut(&dataset_ref(0)).unwrap().parties = vec![REQUESTER]);
		let job = direct_job();
		let posted = Jobs::<Test>::get(job).unwrap();
		assert_eq!(posted.model_fee, UsageFee { fee: 100, earns_points: true });
		assert_eq!(posted.dataset_fees.to_vec(), vec![UsageFee { fee: 40, earns_points: false }]);
		MODELS.with(|m| m.borrow_mut().get_mut(&model_ref(0)).unwrap().parties = vec![REQUESTER]);
		submit(P1, job, 42);
		assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
		// Both uses are counted and paid into the pots all the same.
		assert_eq!((model(0).uses, dataset(0).uses), (1, 1));
		assert_eq!((model(0).accrued, dataset(0).accrued), (90, 36));
		assert_eq!((model(0).uses_earning_points, dataset(0).uses_earning_points), (1, 0));
	});
}

#[test]
fn locations_stay_out_of_the_job_record_and_go_with_the_receipt() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		// The input's location is kept beside the record, for providers' clients.
		assert_eq!(JobInputUris::<Test>::get(job).unwrap().to_vec(), b"ipfs://input".to_vec());
		submit(P1, job, 42);
		assert_eq!(ResultUris::<Test>::get(job, P1).unwrap().to_vec(), b"ipfs://out".to_vec());
		assert_eq!(Jobs::<Test>::get(job).unwrap().assignments[0].result, Some(result(42)));
		assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
		// Settled, the requester still finds where the result is, as long as the receipt.
		assert!(JobInputUris::<Test>::contains_key(job));
		assert!(ResultUris::<Test>::contains_key(job, P1));
		let deposit = Receipts::<Test>::get(job).unwrap().deposit;
		assert_eq!(deposit, Market::job_deposit());
		let held_before = held(HoldReason::StorageDeposit, REQUESTER);
		assert_ok!(Market::remove_receipt(RuntimeOrigin::signed(REQUESTER), job));
		assert!(!JobInputUris::<Test>::contains_key(job));
		assert_eq!(ResultUris::<Test>::iter_prefix(job).count(), 0);
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), held_before - deposit);
	});
}

#[test]
fn the_job_deposit_pays_for_the_record_and_every_location() {
	use codec::MaxEncodedLen;
	let uri = BoundedText::<<Test as Config>::MaxUriLen>::max_encoded_len();
	let per_result = AccountId::max_encoded_len() + uri;
	let max_redundancy = <<Test as Config>::MaxRedundancy as Get<u32>>::get() as usize;
	let bytes = Job::<Test>::max_encoded_len().max(Receipt::<Test>::max_encoded_len())
		+ uri + max_redundancy * per_result;
	assert_eq!(Market::job_deposit(), Market::deposit_for_bytes(bytes));
}

#[test]
fn a_share_of_the_protocol_fee_funds_the_rewards_pot() {
	new_test_ext().execute_with(|| {
		RewardsFeeShare::set(sp_runtime::Perbill::from_percent(40));
		let job = direct_job();
		submit(P1, job, 42);
		let (treasury, pot) = (free(TREASURY), free(REWARDS_POT));
		assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
		// 40% of the 476 fee is 190 (rounded down); the treasury gets the other 286, and the
		// registry's 10% cut of the usage fees (14).
		assert_eq!(free(REWARDS_POT), pot + 190);
		assert_eq!(free(TREASURY), treasury + 286 + 14);
		assert_eq!(Receipts::<Test>::get(job).unwrap().protocol_fee, 476);
	});
}

#[test]
fn silence_accepts_at_the_end_of_review() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		submit(P1, job, 42);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((6, DeadlineKind::Review)));
		run_to_block(6);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(42) }
		);
	});
}

/// H-5: the hook takes a deadline only if its worst case fits, and charges what its kind
/// costs: a review deadline is charged the slope of its benchmark, a settlement (the same
/// whatever the royalty splits).
#[test]
fn h5_a_deadline_is_charged_what_its_kind_and_size_cost() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		submit(P1, job, 42);
		run_to_block(5);
		System::set_block_number(6);
		let mut meter = frame_support::weights::WeightMeter::new();
		Market::process_deadlines(6, &mut meter);
		assert!(Receipts::<Test>::contains_key(job));
		let base = <() as crate::WeightInfo>::on_initialize_deadlines(0);
		let visit = Market::queue_visit_weight();
		let review = <() as crate::WeightInfo>::on_initialize_deadlines(1) - base;
		assert_eq!(Market::deadline_charge(DeadlineKind::Review, 0), review);
		assert_eq!(meter.consumed(), base + visit + review);
		assert!(Market::deadline_weight().all_gte(review));
	});
}

#[test]
fn a_missed_deadline_slashes_the_provider_and_refunds_the_requester() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		let (requester, treasury) = (free(REQUESTER), free(TREASURY));
		run_to_block(21);
		assert!(events().contains(&MarketEvent::ProviderSlashed {
			provider: P1,
			job,
			amount: 200
		}));
		assert_eq!(held(HoldReason::ProviderBond, P1), 1_800);
		// The slash goes to the treasury, never to the requester.
		assert_eq!(free(REQUESTER), requester + 10_140);
		assert_eq!(free(TREASURY), treasury + 200);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::MissedDeadline }
		);
		assert_eq!(Providers::<Test>::get(P1).unwrap().reputation.failed, 1);
		assert_noop!(
			Market::submit_result(
				RuntimeOrigin::signed(P1),
				job,
				result(1),
				text("u"),
				BoundedVec::new()
			),
			Error::<Test>::JobNotFound
		);
	});
}

/// M-4: giving a job back refunds the requester in full and costs the provider
/// `AbandonSlash` (5%) of its bond, to the treasury — half what missing the deadline costs.
#[test]
fn a_reported_failure_refunds_in_full_and_costs_the_abandon_slash() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		assert_noop!(
			Market::report_failure(RuntimeOrigin::signed(P2), job, 3, [0; 32]),
			Error::<Test>::NotAssignedProvider
		);
		let (requester, treasury, p1) = (free(REQUESTER), free(TREASURY), free(P1));
		assert_ok!(Market::report_failure(RuntimeOrigin::signed(P1), job, 3, [9; 32]));
		let events = events();
		let n = events.len();
		assert_eq!(
			events[n - 3..],
			[
				MarketEvent::FailureReported { job, provider: P1, code: 3, message_hash: [9; 32] },
				MarketEvent::ProviderSlashed { provider: P1, job, amount: 100 },
				MarketEvent::JobFailed {
					job,
					reason: FailureReason::ProviderFailure { code: 3 },
					refunded: 10_140
				},
			]
		);
		assert_eq!(held(HoldReason::ProviderBond, P1), 1_900);
		assert_eq!(Providers::<Test>::get(P1).unwrap().bond, 1_900);
		assert_eq!(free(P1), p1);
		// The slash goes to the treasury, never to the requester, who gets its budget back.
		assert_eq!(free(TREASURY), treasury + 100);
		assert_eq!(free(REQUESTER), requester + 10_140);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::ProviderFailure { code: 3 } }
		);
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
		let info = Providers::<Test>::get(P1).unwrap();
		assert_eq!(info.reputation.failed, 1);
		assert_eq!(info.active_jobs, 0);
	});
}

#[test]
fn a_dispute_the_provider_loses() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		submit(P1, job, 42);
		assert_noop!(
			Market::resolve_dispute(RuntimeOrigin::root(), job, true),
			Error::<Test>::NotDisputed
		);
		assert_ok!(Market::dispute_result(RuntimeOrigin::signed(REQUESTER), job));
		assert_eq!(last_event(), MarketEvent::JobDisputed { job, bond: 300 });
		assert_eq!(held(HoldReason::DisputeBond, REQUESTER), 300);
		// The resolver has until block 1 + 8.
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((9, DeadlineKind::Arbitration)));
		run_to_block(8);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Disputed);
		assert_noop!(
			Market::resolve_dispute(RuntimeOrigin::signed(REQUESTER), job, true),
			DispatchError::BadOrigin
		);
		let (requester, treasury) = (free(REQUESTER), free(TREASURY));
		assert_ok!(Market::resolve_dispute(RuntimeOrigin::root(), job, true));
		// 20% of the 2_000 bond to the treasury; budget and dispute bond back.
		assert_eq!(free(REQUESTER), requester + 10_140 + 300);
		assert_eq!(free(TREASURY), treasury + 400);
		assert_eq!(held(HoldReason::ProviderBond, P1), 1_600);
		assert_eq!(Providers::<Test>::get(P1).unwrap().reputation.disputes_lost, 1);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::DisputeLost }
		);
	});
}

#[test]
fn a_dispute_the_requester_loses() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		submit(P1, job, 42);
		assert_ok!(Market::dispute_result(RuntimeOrigin::signed(REQUESTER), job));
		let p1 = free(P1);
		let treasury = free(TREASURY);
		assert_ok!(Market::resolve_dispute(RuntimeOrigin::root(), job, false));
		assert!(events().contains(&MarketEvent::DisputeResolved { job, provider_at_fault: false }));
		assert_eq!(free(P1), p1 + 150 + 9_523);
		// The bond's half, the protocol fee, and the registry's 10% cut of the usage fees.
		assert_eq!(free(TREASURY), treasury + 150 + 476 + 14);
		assert_eq!(held(HoldReason::DisputeBond, REQUESTER), 0);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(42) }
		);
	});
}

#[test]
fn disputes_only_during_review() {
	new_test_ext().execute_with(|| {
		let job = direct_job();
		assert_noop!(
			Market::dispute_result(RuntimeOrigin::signed(REQUESTER), job),
			Error::<Test>::NotSubmitted
		);
		submit(P1, job, 1);
		assert_noop!(
			Market::dispute_result(RuntimeOrigin::signed(P1), job),
			Error::<Test>::NotRequester
		);
		DisputeBond::set(INITIAL * 2);
		assert_noop!(
			Market::dispute_result(RuntimeOrigin::signed(REQUESTER), job),
			TokenError::FundsUnavailable
		);
	});
}
