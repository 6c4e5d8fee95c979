//! Verification: redundant commit-reveal quorums, designated verifiers and proofs.

use super::*;

fn redundant_job(providers: u8, quorum: u8) -> u64 {
	for p in [P1, P2, P3] {
		register(p);
	}
	let job = post(spec(
		30_000,
		MatchingMode::FixedPrice { price: 5_000 },
		VerificationMode::Redundant { providers, quorum },
	));
	for p in [P1, P2, P3].into_iter().take(providers as usize) {
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(p), job));
	}
	// Applications close with the matching window (block 11) and the draw follows two blocks
	// later; as many applied as the job needs, so all are drawn.
	run_to_block(11);
	assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Drawing);
	run_to_block(13);
	assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
	job
}

/// The receipt's providers, in account order (a redundant set is drawn in random order).
fn paid(job: u64) -> Vec<(AccountId, Balance)> {
	let mut providers = Receipts::<Test>::get(job).unwrap().providers.to_vec();
	providers.sort();
	providers
}

fn commitment(job: u64, who: AccountId) -> [u8; 32] {
	let info = Jobs::<Test>::get(job).unwrap();
	info.assignments.iter().find(|a| a.provider == who).unwrap().commitment.unwrap()
}

fn commit(who: AccountId, job: u64, n: u8) {
	assert_ok!(Market::commit_result(
		RuntimeOrigin::signed(who),
		job,
		commitment_of(job, &who, &result(n), &[who as u8; 32])
	));
}

fn reveal(who: AccountId, job: u64, n: u8) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Market::reveal_result(
		RuntimeOrigin::signed(who),
		job,
		result(n),
		text("ipfs://r"),
		[who as u8; 32],
	)
}

#[test]
fn the_quorum_is_paid_and_the_outlier_slashed() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(3, 2);
		assert_noop!(
			Market::submit_result(
				RuntimeOrigin::signed(P1),
				job,
				result(1),
				text("u"),
				BoundedVec::new()
			),
			Error::<Test>::WrongVerificationMode
		);
		commit(P1, job, 7);
		assert_eq!(last_event(), MarketEvent::ResultCommitted { job, provider: P1 });
		assert_noop!(reveal(P1, job, 7), Error::<Test>::NotRevealing);
		commit(P2, job, 7);
		commit(P3, job, 8);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Revealing);
		assert_noop!(reveal(P1, job, 8), Error::<Test>::RevealMismatch);
		assert_ok!(reveal(P1, job, 7));
		assert_ok!(reveal(P2, job, 7));
		let requester = free(REQUESTER);
		let p1 = free(P1);
		assert_ok!(reveal(P3, job, 8));
		assert_eq!(free(P1), p1 + 5_000);
		assert_eq!(held(HoldReason::ProviderBond, P3), 1_800);
		assert_eq!(Providers::<Test>::get(P3).unwrap().reputation.failed, 1);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Completed { result_hash: result(7) });
		assert_eq!(paid(job), vec![(P1, 5_000), (P2, 5_000)]);
		// Refund: 30_000 - 10_000 - 500 - 100; P3's slash (200) went to the treasury.
		assert_eq!(free(REQUESTER), requester + 19_400);
	});
}

#[test]
fn without_a_quorum_disagreeing_revealers_are_not_paid_and_the_silent_are_slashed() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(3, 2);
		commit(P1, job, 1);
		commit(P2, job, 2);
		// P3 never commits: at the execution deadline (13 + 20) it is slashed and dropped.
		run_to_block(33);
		assert_eq!(held(HoldReason::ProviderBond, P3), 1_800);
		assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Revealing);
		assert_ok!(reveal(P1, job, 1));
		let (requester, p1, p2) = (free(REQUESTER), free(P1), free(P2));
		assert_ok!(reveal(P2, job, 2));
		// Two different results and no quorum: nobody can tell who is right, so neither is
		// paid (junk earns nothing) nor slashed, and the requester is refunded in full.
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Failed { reason: FailureReason::NoQuorum });
		assert!(receipt.providers.is_empty());
		assert_eq!(receipt.refunded, 30_000);
		assert_eq!((free(P1), free(P2)), (p1, p2));
		assert_eq!(free(REQUESTER), requester + 30_000);
		assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
		assert_eq!(held(HoldReason::ProviderBond, P2), 2_000);
		assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
	});
}

/// H-2(b): the requester's sybil walks away after the honest provider revealed; the honest
/// provider is paid all the same, the sybil slashed to the treasury.
#[test]
fn h2_a_colluding_provider_walking_away_does_not_cost_the_honest_one_its_pay() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(2, 2);
		commit(P1, job, 1);
		commit(P2, job, 1);
		assert_ok!(reveal(P1, job, 1));
		// P2 (the requester's sybil) committed: it can no longer leave, only reveal.
		assert_noop!(
			Market::report_failure(RuntimeOrigin::signed(P2), job, 1, [0; 32]),
			Error::<Test>::JobNotAssigned
		);
		let (requester, p1, treasury) = (free(REQUESTER), free(P1), free(TREASURY));
		run_to_block(16);
		assert_eq!(held(HoldReason::ProviderBond, P2), 1_800);
		assert_eq!(free(P1), p1 + 5_000);
		// Refund: 30_000 - 5_000 - 250 - 100; the sybil's slash is not the requester's.
		assert_eq!(free(REQUESTER), requester + 24_650);
		// Slash, protocol fee and the registry's 10% cut of the model's usage fee.
		assert_eq!(free(TREASURY), treasury + 250 + 200 + 10);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Failed { reason: FailureReason::NoQuorum });
		assert_eq!(receipt.providers.to_vec(), vec![(P1, 5_000)]);
		// Paid, but unverified: no reputation or compute points for it.
		assert_eq!(Providers::<Test>::get(P1).unwrap().reputation.completed, 0);
		assert!(contributions().is_empty());
	});
}

/// H-1: commitments bind the job and the provider: a lazy provider that copies another's
/// commitment, then replays its reveal, cannot open it, earns nothing and is slashed.
#[test]
fn h1_a_copied_commitment_or_reveal_fails() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(3, 2);
		commit(P1, job, 7);
		// P2 copies P1's commitment: accepted, but it binds P1.
		assert_ok!(Market::commit_result(RuntimeOrigin::signed(P2), job, commitment(job, P1)));
		commit(P3, job, 7);
		assert_ok!(reveal(P1, job, 7));
		// Replaying P1's reveal (result and salt) fails for P2.
		assert_noop!(
			Market::reveal_result(
				RuntimeOrigin::signed(P2),
				job,
				result(7),
				text("ipfs://r"),
				[P1 as u8; 32]
			),
			Error::<Test>::RevealMismatch
		);
		assert_ok!(reveal(P3, job, 7));
		// P2 never reveals: at the reveal deadline the quorum (P1, P3) is paid, P2 slashed.
		let (p2, treasury) = (free(P2), free(TREASURY));
		run_to_block(System::block_number() + 3);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Completed { result_hash: result(7) });
		assert_eq!(paid(job), vec![(P1, 5_000), (P3, 5_000)]);
		assert_eq!(free(P2), p2);
		assert_eq!(held(HoldReason::ProviderBond, P2), 1_800);
		// Slash, protocol fee and the registry's 10% cut of the model's usage fee.
		assert_eq!(free(TREASURY), treasury + 200 + 500 + 10);
	});
}

/// M-2: a committed provider cannot escape an outvote (or break a quorum) by reporting a
/// failure; an uncommitted one may leave, and the reveals start once the rest committed.
#[test]
fn m2_report_failure_is_no_escape_after_committing() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(3, 2);
		commit(P1, job, 7);
		assert_noop!(
			Market::report_failure(RuntimeOrigin::signed(P1), job, 1, [0; 32]),
			Error::<Test>::AlreadyCommitted
		);
		commit(P2, job, 7);
		let treasury = free(TREASURY);
		assert_ok!(Market::report_failure(RuntimeOrigin::signed(P3), job, 3, [0; 32]));
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(info.status, JobStatus::Revealing);
		assert_eq!(info.deadline, Some((16, DeadlineKind::Reveal)));
		// Leaving before committing costs `AbandonSlash` (5%), to the treasury.
		assert_eq!(held(HoldReason::ProviderBond, P3), 1_900);
		assert_eq!(free(TREASURY), treasury + 100);
		assert_eq!(last_event(), MarketEvent::ProviderSlashed { provider: P3, job, amount: 100 });
		assert_eq!(Providers::<Test>::get(P3).unwrap().reputation.failed, 1);
		assert_noop!(
			Market::report_failure(RuntimeOrigin::signed(P1), job, 1, [0; 32]),
			Error::<Test>::JobNotAssigned
		);
		assert_ok!(reveal(P1, job, 7));
		assert_ok!(reveal(P2, job, 7));
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(7) }
		);
	});
}

#[test]
fn a_designated_verifier_accepts_or_rejects() {
	new_test_ext().execute_with(|| {
		register(P1);
		let valid = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::Verifier { verifier: VERIFIER },
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), valid));
		submit(P1, valid, 5);
		assert_noop!(
			Market::attest_result(RuntimeOrigin::signed(P2), valid, true),
			Error::<Test>::NotVerifier
		);
		assert_ok!(Market::attest_result(RuntimeOrigin::signed(VERIFIER), valid, true));
		assert_eq!(
			Receipts::<Test>::get(valid).unwrap().outcome,
			Outcome::Completed { result_hash: result(5) }
		);

		// A rejection is a dispute; the resolver upholds it: the slash goes to the treasury.
		let invalid = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::Verifier { verifier: VERIFIER },
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), invalid));
		submit(P1, invalid, 6);
		assert_ok!(Market::attest_result(RuntimeOrigin::signed(VERIFIER), invalid, false));
		assert_eq!(last_event(), MarketEvent::ResultRejected { job: invalid, verifier: VERIFIER });
		assert_eq!(Jobs::<Test>::get(invalid).unwrap().status, JobStatus::Disputed);
		// The rejection is bonded by the requester, as its own dispute would be.
		assert_eq!(held(HoldReason::DisputeBond, REQUESTER), 300);
		let (requester, treasury) = (free(REQUESTER), free(TREASURY));
		assert_ok!(Market::resolve_dispute(RuntimeOrigin::root(), invalid, true));
		assert_eq!(
			Receipts::<Test>::get(invalid).unwrap().outcome,
			Outcome::Failed { reason: FailureReason::DisputeLost }
		);
		assert_eq!(held(HoldReason::ProviderBond, P1), 1_600);
		assert_eq!(free(TREASURY), treasury + 400);
		assert_eq!(free(REQUESTER), requester + 10_000 + 300);

		let approval = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), approval));
		submit(P1, approval, 7);
		assert_noop!(
			Market::attest_result(RuntimeOrigin::signed(VERIFIER), approval, true),
			Error::<Test>::WrongVerificationMode
		);
	});
}

/// C-1: a requester cannot name itself verifier; a sybil verifier's rejection takes nothing
/// from the provider unless the dispute resolver agrees, and unruled the provider is paid.
#[test]
fn c1_requester_cannot_profit_from_rejecting() {
	new_test_ext().execute_with(|| {
		register(P1);
		assert_noop!(
			Market::post_job(
				RuntimeOrigin::signed(REQUESTER),
				spec(
					10_000,
					MatchingMode::Direct { provider: P1 },
					VerificationMode::Verifier { verifier: REQUESTER },
				)
			),
			Error::<Test>::VerifierIsRequester
		);
		// VERIFIER plays the requester's second account.
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::Verifier { verifier: VERIFIER },
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
		submit(P1, job, 6);
		let before = [REQUESTER, VERIFIER, P1].map(free);
		assert_ok!(Market::attest_result(RuntimeOrigin::signed(VERIFIER), job, false));
		assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
		assert_eq!(held(HoldReason::DisputeBond, REQUESTER), 300);
		assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, Some((9, DeadlineKind::Arbitration)));
		run_to_block(9);
		assert!(events().contains(&MarketEvent::DisputeTimedOut { job }));
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Completed { result_hash: result(6) });
		let after = [REQUESTER, VERIFIER, P1].map(free);
		// price cap (10_000 - 100) / 1.05 = 9_428; refund 10_000 - 9_428 - 471 - 100 = 1.
		assert_eq!(after[0] - before[0], 1);
		assert_eq!(after[1], before[1]);
		assert_eq!(after[2] - before[2], 9_428);
		assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
		assert_eq!(Providers::<Test>::get(P1).unwrap().reputation.disputes_lost, 0);
		// The verifier can never take a job it verifies.
		register(P2);
		let own = post(spec(
			10_000,
			MatchingMode::Direct { provider: P2 },
			VerificationMode::Verifier { verifier: P2 },
		));
		assert_noop!(
			Market::accept_job(RuntimeOrigin::signed(P2), own),
			Error::<Test>::ProviderNotEligible
		);
	});
}

/// M-1: a dispute nobody rules on ends at the dispute deadline: the result stands and the
/// requester's bond comes back; the provider's bond and job slot are free again.
#[test]
fn m1_an_unruled_dispute_ends_at_its_deadline() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
		submit(P1, job, 3);
		assert_ok!(Market::dispute_result(RuntimeOrigin::signed(REQUESTER), job));
		assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 1);
		let (requester, p1) = (free(REQUESTER), free(P1));
		run_to_block(9);
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(3) }
		);
		assert_eq!(free(REQUESTER), requester + 1 + 300);
		assert_eq!(free(P1), p1 + 9_428);
		assert_eq!(held(HoldReason::DisputeBond, REQUESTER), 0);
		assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 0);
		assert_ok!(Market::start_unbonding(RuntimeOrigin::signed(P1)));
	});
}

#[test]
fn a_proof_settles_at_once_and_a_bad_one_is_refused() {
	new_test_ext().execute_with(|| {
		register(P1);
		let job =
			post(spec(10_000, MatchingMode::Direct { provider: P1 }, VerificationMode::Proof));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
		// The verifier's own error reaches the provider, and nothing changes.
		assert_noop!(
			Market::submit_result(
				RuntimeOrigin::signed(P1),
				job,
				result(1),
				text("u"),
				b"forged".to_vec().try_into().unwrap()
			),
			DispatchError::Other("ProofRejected")
		);
		let info = Market::submit_result(
			RuntimeOrigin::signed(P1),
			job,
			result(1),
			text("u"),
			b"valid".to_vec().try_into().unwrap(),
		)
		.unwrap();
		// The verifier saw the job's model and input hash and the submitted result hash.
		assert_eq!(
			crate::mock::VERIFIED.with(|v| v.borrow().clone()),
			vec![(job, P1, model_ref(0), [1; 32], result(1))]
		);
		// Charged the verifier's maximum before dispatch, it pays what the verification used.
		let used = <() as crate::WeightInfo>::submit_result()
			.saturating_add(frame_support::weights::Weight::from_parts(7_000_000_000, 7_000))
			.saturating_add(<() as crate::WeightInfo>::settle());
		assert_eq!(info.actual_weight, Some(used));
		assert_eq!(
			Receipts::<Test>::get(job).unwrap().outcome,
			Outcome::Completed { result_hash: result(1) }
		);
	});
}

#[test]
fn a_proof_job_the_verifier_cannot_prove_is_refused_at_posting() {
	new_test_ext().execute_with(|| {
		register(P1);
		let mut no_model =
			spec(10_000, MatchingMode::Direct { provider: P1 }, VerificationMode::Proof);
		no_model.model = None;
		no_model.kind = JobKind::Training;
		assert_noop!(
			Market::post_job(RuntimeOrigin::signed(REQUESTER), no_model),
			DispatchError::Other("NoProfile")
		);
	});
}

fn commit_inline(who: AccountId, job: u64, value: &[u8]) {
	let hash = sp_io::hashing::blake2_256(value);
	assert_ok!(Market::commit_result(
		RuntimeOrigin::signed(who),
		job,
		commitment_of(job, &who, &hash, &[who as u8; 32])
	));
}

fn reveal_inline(
	who: AccountId,
	job: u64,
	value: &[u8],
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Market::reveal_inline_result(RuntimeOrigin::signed(who), job, value.to_vec(), [who as u8; 32])
}

#[test]
fn inline_results_are_decided_by_their_hash_and_kept_only_until_the_job_ends() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(3, 2);
		let longest = vec![5u8; 1024];
		commit_inline(P1, job, &longest);
		commit_inline(P2, job, &longest);
		commit_inline(P3, job, b"junk");
		// One byte over the bound is refused by name, before anything else is checked.
		assert_noop!(reveal_inline(P1, job, &[5u8; 1025]), Error::<Test>::InlineResultTooLong);
		// A value whose hash is not the committed one does not open the commitment.
		assert_noop!(reveal_inline(P1, job, &[5u8; 1023]), Error::<Test>::RevealMismatch);
		assert_ok!(reveal_inline(P1, job, &longest));
		assert_eq!(
			last_event(),
			MarketEvent::ResultRevealed {
				job,
				provider: P1,
				result_hash: sp_io::hashing::blake2_256(&longest)
			}
		);
		assert_eq!(InlineResults::<Test>::get(job, P1).unwrap().to_vec(), longest);
		// Revealed inline, the result needs no location.
		assert!(!ResultUris::<Test>::contains_key(job, P1));
		assert_noop!(reveal_inline(P1, job, &longest), Error::<Test>::AlreadySubmitted);
		assert_ok!(reveal_inline(P2, job, &longest));
		assert_ok!(reveal_inline(P3, job, b"junk"));
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(
			receipt.outcome,
			Outcome::Completed { result_hash: sp_io::hashing::blake2_256(&longest) }
		);
		assert_eq!(paid(job), vec![(P1, 5_000), (P2, 5_000)]);
		assert_eq!(Providers::<Test>::get(P3).unwrap().reputation.failed, 1);
		assert_eq!(InlineResults::<Test>::iter_prefix(job).count(), 0);
	});
}

#[test]
fn an_inline_reveal_needs_a_commitment_and_the_reveal_phase() {
	new_test_ext().execute_with(|| {
		let job = redundant_job(2, 2);
		assert_noop!(reveal_inline(P1, job, b"1"), Error::<Test>::NotRevealing);
		commit_inline(P1, job, b"1");
		commit_inline(P2, job, b"1");
		assert_noop!(reveal_inline(P3, job, b"1"), Error::<Test>::NotAssignedProvider);
		assert_ok!(reveal_inline(P1, job, b"1"));
		// The reveal deadline passes without P2: P1 alone is short of the quorum of 2 but
		// unanimous, so it is paid; P2 is slashed; the value is dropped with the job.
		run_to_block(200);
		let receipt = Receipts::<Test>::get(job).unwrap();
		assert_eq!(receipt.outcome, Outcome::Failed { reason: FailureReason::NoQuorum });
		assert_eq!(paid(job), vec![(P1, 5_000)]);
		assert_eq!(held(HoldReason::ProviderBond, P2), 1_800);
		assert_eq!(InlineResults::<Test>::iter_prefix(job).count(), 0);
	});
}
