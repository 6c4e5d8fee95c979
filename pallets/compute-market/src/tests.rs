//! Tests of the compute market, grouped by area. Every test ends with `do_try_state`.

use crate::{mock::*, pallet::*, results::commitment_of, types::*, Event as MarketEvent};
use deai_primitives::ContributionCategory;
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	BoundedVec,
};
use sp_runtime::{DispatchError, Permill, TokenError};

fn text<L: Get<u32>>(s: &str) -> BoundedVec<u8, L> {
	s.as_bytes().to_vec().try_into().expect("fits")
}

fn caps() -> Capabilities<Test> {
	Capabilities {
		device: DeviceClass::Server,
		accelerator: text("nvidia-a100"),
		vram_mib: 40_960,
		ram_mib: 131_072,
		cpu_cores: 32,
		region: 276,
		job_kinds: 0b1111,
		max_concurrent_jobs: 2,
	}
}

fn register(who: AccountId) {
	assert_ok!(Market::register_provider(
		RuntimeOrigin::signed(who),
		caps(),
		text("https://p"),
		2_000
	));
}

fn last_event() -> MarketEvent<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Market(e) => Some(e),
			_ => None,
		})
		.expect("a market event")
}

fn events() -> Vec<MarketEvent<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Market(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn held(reason: HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn requirements() -> Requirements<Test> {
	Requirements {
		min_vram_mib: 16_384,
		min_ram_mib: 0,
		accelerator: None,
		region: None,
		tee_required: false,
		min_reputation: 0,
	}
}

fn spec(
	budget: Balance,
	matching: MatchingMode<AccountId, Balance>,
	verification: VerificationMode<AccountId>,
) -> JobSpec<Test> {
	JobSpec {
		kind: JobKind::Inference,
		model: Some(model_ref(0)),
		datasets: BoundedVec::new(),
		input_hash: [1; 32],
		input_uri: text("ipfs://input"),
		requirements: requirements(),
		commercial: false,
		budget,
		matching_blocks: 10,
		execution_blocks: 20,
		matching,
		verification,
	}
}

fn post(spec: JobSpec<Test>) -> u64 {
	let id = NextJobId::<Test>::get();
	assert_ok!(Market::post_job(RuntimeOrigin::signed(REQUESTER), spec));
	id
}

fn result(n: u8) -> [u8; 32] {
	[n; 32]
}

fn submit(who: AccountId, job: u64, n: u8) {
	assert_ok!(Market::submit_result(
		RuntimeOrigin::signed(who),
		job,
		result(n),
		text("ipfs://out"),
		BoundedVec::new()
	));
}

mod providers {
	use super::*;

	#[test]
	fn register_holds_bond_and_deposit() {
		new_test_ext().execute_with(|| {
			register(P1);
			assert_eq!(last_event(), MarketEvent::ProviderRegistered { provider: P1, bond: 2_000 });
			assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
			assert_eq!(held(HoldReason::StorageDeposit, P1), Market::provider_deposit());
			assert_eq!(free(P1), INITIAL - 2_000 - Market::provider_deposit());
		});
	}

	#[test]
	fn register_rejects_bad_input() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Market::register_provider(RuntimeOrigin::signed(P1), caps(), text("u"), 999),
				Error::<Test>::BondTooLow
			);
			let mut bad = caps();
			bad.job_kinds = 0;
			assert_noop!(
				Market::register_provider(RuntimeOrigin::signed(P1), bad, text("u"), 1_000),
				Error::<Test>::InvalidCapabilities
			);
			assert_noop!(
				Market::register_provider(RuntimeOrigin::signed(77), caps(), text("u"), 1_000),
				TokenError::FundsUnavailable
			);
			register(P1);
			assert_noop!(
				Market::register_provider(RuntimeOrigin::signed(P1), caps(), text("u"), 1_000),
				Error::<Test>::AlreadyProvider
			);
		});
	}

	#[test]
	fn update_attest_pause_and_top_up() {
		new_test_ext().execute_with(|| {
			register(P1);
			let mut better = caps();
			better.vram_mib = 81_920;
			assert_ok!(Market::update_provider(RuntimeOrigin::signed(P1), Some(better), None));
			assert_eq!(last_event(), MarketEvent::ProviderUpdated { provider: P1 });
			assert_eq!(Providers::<Test>::get(P1).unwrap().capabilities.vram_mib, 81_920);
			assert_noop!(
				Market::update_provider(RuntimeOrigin::signed(P2), None, None),
				Error::<Test>::NotProvider
			);

			assert_noop!(
				Market::review_attestation(RuntimeOrigin::root(), P1, true),
				Error::<Test>::NoAttestation
			);
			assert_ok!(Market::submit_attestation(
				RuntimeOrigin::signed(P1),
				TeeKind::Tdx,
				[7; 32]
			));
			assert_eq!(
				last_event(),
				MarketEvent::AttestationSubmitted { provider: P1, kind: TeeKind::Tdx }
			);
			assert!(!Providers::<Test>::get(P1).unwrap().tee.unwrap().trusted);
			assert_noop!(
				Market::review_attestation(RuntimeOrigin::signed(P1), P1, true),
				DispatchError::BadOrigin
			);
			assert_ok!(Market::review_attestation(RuntimeOrigin::root(), P1, true));
			assert_eq!(
				last_event(),
				MarketEvent::AttestationReviewed { provider: P1, trusted: true }
			);
			assert!(Providers::<Test>::get(P1).unwrap().tee.unwrap().trusted);

			assert_ok!(Market::set_paused(RuntimeOrigin::signed(P1), true));
			assert_eq!(last_event(), MarketEvent::ProviderPaused { provider: P1, paused: true });
			assert_noop!(
				Market::set_paused(RuntimeOrigin::signed(P1), true),
				Error::<Test>::PausedUnchanged
			);
			assert_ok!(Market::set_paused(RuntimeOrigin::signed(P1), false));

			assert_ok!(Market::top_up_bond(RuntimeOrigin::signed(P1), 500));
			assert_eq!(last_event(), MarketEvent::BondToppedUp { provider: P1, bond: 2_500 });
			assert_eq!(held(HoldReason::ProviderBond, P1), 2_500);
		});
	}

	#[test]
	fn unbonding_waits_for_jobs_and_the_period() {
		new_test_ext().execute_with(|| {
			register(P1);
			let job = post(spec(
				10_000,
				MatchingMode::Direct { provider: P1 },
				VerificationMode::RequesterApproval,
			));
			assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
			assert_noop!(
				Market::start_unbonding(RuntimeOrigin::signed(P1)),
				Error::<Test>::HasActiveJobs
			);
			submit(P1, job, 1);
			assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
			assert_noop!(
				Market::withdraw_bond(RuntimeOrigin::signed(P1)),
				Error::<Test>::NotUnbonding
			);
			assert_ok!(Market::start_unbonding(RuntimeOrigin::signed(P1)));
			assert_eq!(last_event(), MarketEvent::UnbondingStarted { provider: P1, unlock_at: 6 });
			assert_noop!(
				Market::set_paused(RuntimeOrigin::signed(P1), true),
				Error::<Test>::ProviderUnbonding
			);
			assert_noop!(
				Market::withdraw_bond(RuntimeOrigin::signed(P1)),
				Error::<Test>::StillUnbonding
			);
			let before = free(P1);
			run_to_block(6);
			assert_ok!(Market::withdraw_bond(RuntimeOrigin::signed(P1)));
			assert_eq!(last_event(), MarketEvent::ProviderLeft { provider: P1, bond: 2_000 });
			assert_eq!(free(P1), before + 2_000 + Market::provider_deposit());
			assert!(Providers::<Test>::get(P1).is_none());
		});
	}
}

mod posting {
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
			assert_eq!(info.model_fee, 100);
			assert_eq!(info.dataset_fees.to_vec(), vec![40]);
			// (10_100 - 140) / 1.05 = 9_485.71..., rounded down.
			assert_eq!(info.price_cap, 9_485);
			assert_eq!(info.protocol_fee, Permill::from_percent(5));
			assert_eq!(model(0).pins, 1);
			assert_eq!(dataset(0).pins, 1);
			assert_eq!(info.deadline, Some((11, DeadlineKind::Matching)));
			assert!(DeadlineQueue::<Test>::get(11).contains(&job));
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
			let job =
				post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
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
}

mod matching {
	use super::*;

	#[test]
	fn the_auction_picks_the_lowest_eligible_bid_at_its_deadline() {
		new_test_ext().execute_with(|| {
			register(P1);
			register(P2);
			register(P3);
			let job =
				post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
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
			assert_ok!(Market::submit_attestation(
				RuntimeOrigin::signed(P1),
				TeeKind::SevSnp,
				[1; 32]
			));
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(P1), job, 100),
				Error::<Test>::ProviderNotEligible
			);
			assert_ok!(Market::review_attestation(RuntimeOrigin::root(), P1, true));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 100));
			assert_ok!(Market::set_paused(RuntimeOrigin::signed(P1), true));
			let open =
				post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
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
			let job =
				post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
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
			let job =
				post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
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
			assert_eq!(
				Jobs::<Test>::get(job).unwrap().deadline,
				Some((21, DeadlineKind::Execution))
			);
			assert!(!DeadlineQueue::<Test>::get(11).contains(&job));
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
	fn fixed_price_jobs_fill_with_the_first_claimers() {
		new_test_ext().execute_with(|| {
			register(P1);
			register(P2);
			register(P3);
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
			assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Assigned);
			assert_noop!(
				Market::claim_job(RuntimeOrigin::signed(P3), job),
				Error::<Test>::JobNotOpen
			);
		});
	}

	#[test]
	fn unfilled_fixed_price_jobs_release_their_claimers() {
		new_test_ext().execute_with(|| {
			register(P1);
			let job = post(spec(
				20_000,
				MatchingMode::FixedPrice { price: 3_000 },
				VerificationMode::Redundant { providers: 2, quorum: 2 },
			));
			assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
			assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 1);
			run_to_block(11);
			assert_eq!(Providers::<Test>::get(P1).unwrap().active_jobs, 0);
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
}

mod settlement {
	use super::*;

	/// A direct job: budget 10_140 with a model (fee 100) and a dataset (fee 40).
	fn direct_job() -> u64 {
		register(P1);
		let mut s = spec(
			10_140,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		);
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
			let before =
				[REQUESTER, P1, TREASURY, MODEL_OWNER, MODEL_CONTRIBUTOR, DATA_OWNER].map(free);
			assert_noop!(
				Market::accept_result(RuntimeOrigin::signed(P1), job),
				Error::<Test>::NotRequester
			);
			assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
			// fee: 5% of 9_523 = 476.15 -> 476; usage: 100 + 40; refund: 10_140 - 9_523 - 476 - 140 = 1.
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
			let after =
				[REQUESTER, P1, TREASURY, MODEL_OWNER, MODEL_CONTRIBUTOR, DATA_OWNER].map(free);
			assert_eq!(after[0] - before[0], 1);
			assert_eq!(after[1] - before[1], 9_523);
			assert_eq!(after[2] - before[2], 476);
			assert_eq!(after[3] - before[3], 70);
			assert_eq!(after[4] - before[4], 30);
			assert_eq!(after[5] - before[5], 40);
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
			assert_eq!(contributions(), vec![(P1, ContributionCategory::Compute, 9_523)]);
		});
	}

	#[test]
	fn a_share_of_the_protocol_fee_funds_the_rewards_pot() {
		new_test_ext().execute_with(|| {
			RewardsFeeShare::set(sp_runtime::Perbill::from_percent(40));
			let job = direct_job();
			submit(P1, job, 42);
			let (treasury, pot) = (free(TREASURY), free(REWARDS_POT));
			assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
			// 40% of the 476 fee is 190 (rounded down); the treasury gets the other 286.
			assert_eq!(free(REWARDS_POT), pot + 190);
			assert_eq!(free(TREASURY), treasury + 286);
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

	#[test]
	fn a_missed_deadline_slashes_the_provider_and_refunds_the_requester() {
		new_test_ext().execute_with(|| {
			let job = direct_job();
			let requester = free(REQUESTER);
			run_to_block(21);
			assert!(events().contains(&MarketEvent::ProviderSlashed {
				provider: P1,
				job,
				amount: 200
			}));
			assert_eq!(held(HoldReason::ProviderBond, P1), 1_800);
			assert_eq!(free(REQUESTER), requester + 10_140 + 200);
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

	#[test]
	fn a_reported_failure_refunds_in_full_without_a_slash() {
		new_test_ext().execute_with(|| {
			let job = direct_job();
			assert_noop!(
				Market::report_failure(RuntimeOrigin::signed(P2), job, 3, [0; 32]),
				Error::<Test>::NotAssignedProvider
			);
			assert_ok!(Market::report_failure(RuntimeOrigin::signed(P1), job, 3, [9; 32]));
			assert!(events().contains(&MarketEvent::FailureReported {
				job,
				provider: P1,
				code: 3,
				message_hash: [9; 32]
			}));
			assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
			assert_eq!(
				Receipts::<Test>::get(job).unwrap().outcome,
				Outcome::Failed { reason: FailureReason::ProviderFailure { code: 3 } }
			);
			assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
			assert_eq!(Providers::<Test>::get(P1).unwrap().reputation.failed, 1);
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
			run_to_block(30); // no deadline while disputed
			assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Disputed);
			assert_noop!(
				Market::resolve_dispute(RuntimeOrigin::signed(REQUESTER), job, true),
				DispatchError::BadOrigin
			);
			let requester = free(REQUESTER);
			assert_ok!(Market::resolve_dispute(RuntimeOrigin::root(), job, true));
			// 20% of the 2_000 bond to the requester; budget and dispute bond back.
			assert_eq!(free(REQUESTER), requester + 400 + 10_140 + 300);
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
			assert!(
				events().contains(&MarketEvent::DisputeResolved { job, provider_at_fault: false })
			);
			assert_eq!(free(P1), p1 + 150 + 9_523);
			assert_eq!(free(TREASURY), treasury + 150 + 476);
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
}

mod verification {
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
		job
	}

	fn commit(who: AccountId, job: u64, n: u8) {
		assert_ok!(Market::commit_result(
			RuntimeOrigin::signed(who),
			job,
			commitment_of(&result(n), &[who as u8; 32])
		));
	}

	fn reveal(
		who: AccountId,
		job: u64,
		n: u8,
	) -> frame_support::dispatch::DispatchResultWithPostInfo {
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
			assert_eq!(receipt.providers.to_vec(), vec![(P1, 5_000), (P2, 5_000)]);
			// Refund: 30_000 - 10_000 - 500 - 100, plus P3's slash (200).
			assert_eq!(free(REQUESTER), requester + 19_400 + 200);
		});
	}

	#[test]
	fn without_a_quorum_the_job_fails_and_only_the_silent_are_slashed() {
		new_test_ext().execute_with(|| {
			let job = redundant_job(3, 2);
			commit(P1, job, 1);
			commit(P2, job, 2);
			// P3 never commits: at the execution deadline it is slashed and dropped.
			run_to_block(21);
			assert_eq!(held(HoldReason::ProviderBond, P3), 1_800);
			assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Revealing);
			assert_ok!(reveal(P1, job, 1));
			assert_ok!(reveal(P2, job, 2));
			assert_eq!(
				Receipts::<Test>::get(job).unwrap().outcome,
				Outcome::Failed { reason: FailureReason::NoQuorum }
			);
			assert_eq!(held(HoldReason::ProviderBond, P1), 2_000);
			assert_eq!(held(HoldReason::ProviderBond, P2), 2_000);
			assert_eq!(held(HoldReason::JobEscrow, REQUESTER), 0);
		});
	}

	#[test]
	fn unrevealed_results_are_slashed_at_the_reveal_deadline() {
		new_test_ext().execute_with(|| {
			let job = redundant_job(2, 2);
			commit(P1, job, 1);
			commit(P2, job, 1);
			assert_ok!(reveal(P1, job, 1));
			run_to_block(4);
			assert_eq!(held(HoldReason::ProviderBond, P2), 1_800);
			assert_eq!(
				Receipts::<Test>::get(job).unwrap().outcome,
				Outcome::Failed { reason: FailureReason::NoQuorum }
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

			let invalid = post(spec(
				10_000,
				MatchingMode::Direct { provider: P1 },
				VerificationMode::Verifier { verifier: VERIFIER },
			));
			assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), invalid));
			submit(P1, invalid, 6);
			assert_ok!(Market::attest_result(RuntimeOrigin::signed(VERIFIER), invalid, false));
			assert_eq!(
				Receipts::<Test>::get(invalid).unwrap().outcome,
				Outcome::Failed { reason: FailureReason::RejectedByVerifier }
			);
			assert_eq!(held(HoldReason::ProviderBond, P1), 1_600);
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

	#[test]
	fn a_proof_settles_at_once_and_a_bad_one_is_refused() {
		new_test_ext().execute_with(|| {
			register(P1);
			let job =
				post(spec(10_000, MatchingMode::Direct { provider: P1 }, VerificationMode::Proof));
			assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
			assert_noop!(
				Market::submit_result(
					RuntimeOrigin::signed(P1),
					job,
					result(1),
					text("u"),
					b"forged".to_vec().try_into().unwrap()
				),
				Error::<Test>::InvalidProof
			);
			assert_ok!(Market::submit_result(
				RuntimeOrigin::signed(P1),
				job,
				result(1),
				text("u"),
				b"valid".to_vec().try_into().unwrap()
			));
			assert_eq!(
				Receipts::<Test>::get(job).unwrap().outcome,
				Outcome::Completed { result_hash: result(1) }
			);
		});
	}
}

mod deadline_queue {
	use super::*;

	#[test]
	fn a_full_block_overflows_to_the_next_and_processing_is_bounded() {
		new_test_ext().execute_with(|| {
			// Four fit in block 11; the fifth and sixth go to block 12.
			let jobs: Vec<u64> = (0..6)
				.map(|_| {
					post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval))
				})
				.collect();
			assert_eq!(DeadlineQueue::<Test>::get(11).len(), 4);
			assert_eq!(DeadlineQueue::<Test>::get(12).to_vec(), vec![jobs[4], jobs[5]]);
			assert_eq!(
				Jobs::<Test>::get(jobs[5]).unwrap().deadline,
				Some((12, DeadlineKind::Matching))
			);
			run_to_block(11);
			assert_eq!(Jobs::<Test>::iter().count(), 2);
			run_to_block(12);
			assert_eq!(Jobs::<Test>::iter().count(), 0);
			assert_eq!(DeadlineCursor::<Test>::get(), 13);
		});
	}

	#[test]
	fn work_that_does_not_fit_carries_over_in_order() {
		new_test_ext().execute_with(|| {
			let jobs: Vec<u64> = (0..3)
				.map(|_| {
					post(spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval))
				})
				.collect();
			System::set_block_number(11);
			let per = Market::deadline_weight();
			let base = <() as crate::WeightInfo>::on_initialize_deadlines(0);
			let mut meter = frame_support::weights::WeightMeter::with_limit(base + per);
			Market::process_deadlines(11, &mut meter);
			assert!(Jobs::<Test>::get(jobs[0]).is_none());
			assert!(Jobs::<Test>::get(jobs[1]).is_some());
			assert_eq!(DeadlineQueue::<Test>::get(11).to_vec(), vec![jobs[1], jobs[2]]);
			assert_eq!(DeadlineCursor::<Test>::get(), 11);
			run_to_block(12);
			assert_eq!(Jobs::<Test>::iter().count(), 0);
		});
	}
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Action {
		Post(u8, u16),
		Bid(u8, u8, u16),
		Claim(u8, u8),
		Accept(u8, u8),
		Submit(u8, u8, u8),
		Commit(u8, u8, u8),
		Reveal(u8, u8, u8),
		AcceptResult(u8),
		Dispute(u8),
		Resolve(u8, bool),
		Fail(u8, u8),
		Cancel(u8),
		Advance(u8),
	}

	fn action() -> impl Strategy<Value = Action> {
		prop_oneof![
			(0u8..4, 500u16..20_000).prop_map(|(m, b)| Action::Post(m, b)),
			(0u8..8, 0u8..4, 1u16..10_000).prop_map(|(j, p, x)| Action::Bid(j, p, x)),
			(0u8..8, 0u8..4).prop_map(|(j, p)| Action::Claim(j, p)),
			(0u8..8, 0u8..4).prop_map(|(j, p)| Action::Accept(j, p)),
			(0u8..8, 0u8..4, 0u8..2).prop_map(|(j, p, r)| Action::Submit(j, p, r)),
			(0u8..8, 0u8..4, 0u8..2).prop_map(|(j, p, r)| Action::Commit(j, p, r)),
			(0u8..8, 0u8..4, 0u8..2).prop_map(|(j, p, r)| Action::Reveal(j, p, r)),
			(0u8..8).prop_map(Action::AcceptResult),
			(0u8..8).prop_map(Action::Dispute),
			(0u8..8, any::<bool>()).prop_map(|(j, f)| Action::Resolve(j, f)),
			(0u8..8, 0u8..4).prop_map(|(j, p)| Action::Fail(j, p)),
			(0u8..8).prop_map(Action::Cancel),
			(1u8..12).prop_map(Action::Advance),
		]
	}

	const PROVIDERS: [AccountId; 4] = [P1, P2, P3, P4];

	fn apply(action: Action) {
		let origin = |who| RuntimeOrigin::signed(who);
		let job = |j: u8| j as u64;
		let _ = match action {
			Action::Post(mode, budget) => {
				let (matching, verification) = match mode {
					0 => (MatchingMode::Auction, VerificationMode::RequesterApproval),
					1 => {
						(MatchingMode::Direct { provider: P1 }, VerificationMode::RequesterApproval)
					},
					2 => (
						MatchingMode::FixedPrice { price: 1_000 },
						VerificationMode::Redundant { providers: 3, quorum: 2 },
					),
					_ => (MatchingMode::Auction, VerificationMode::Verifier { verifier: VERIFIER }),
				};
				Market::post_job(origin(REQUESTER), spec(budget as Balance, matching, verification))
					.is_ok()
			},
			Action::Bid(j, p, price) => {
				Market::place_bid(origin(PROVIDERS[p as usize]), job(j), price as Balance).is_ok()
			},
			Action::Claim(j, p) => Market::claim_job(origin(PROVIDERS[p as usize]), job(j)).is_ok(),
			Action::Accept(j, p) => {
				Market::accept_job(origin(PROVIDERS[p as usize]), job(j)).is_ok()
			},
			Action::Submit(j, p, r) => Market::submit_result(
				origin(PROVIDERS[p as usize]),
				job(j),
				result(r),
				text("u"),
				BoundedVec::new(),
			)
			.is_ok(),
			Action::Commit(j, p, r) => Market::commit_result(
				origin(PROVIDERS[p as usize]),
				job(j),
				commitment_of(&result(r), &[p; 32]),
			)
			.is_ok(),
			Action::Reveal(j, p, r) => Market::reveal_result(
				origin(PROVIDERS[p as usize]),
				job(j),
				result(r),
				text("u"),
				[p; 32],
			)
			.is_ok(),
			Action::AcceptResult(j) => Market::accept_result(origin(REQUESTER), job(j)).is_ok(),
			Action::Dispute(j) => Market::dispute_result(origin(REQUESTER), job(j)).is_ok(),
			Action::Resolve(j, fault) => {
				Market::resolve_dispute(RuntimeOrigin::root(), job(j), fault).is_ok()
			},
			Action::Fail(j, p) => {
				Market::report_failure(origin(PROVIDERS[p as usize]), job(j), 1, [0; 32]).is_ok()
			},
			Action::Cancel(j) => Market::cancel_job(origin(REQUESTER), job(j)).is_ok(),
			Action::Advance(n) => {
				run_to_block(System::block_number() + n as u64);
				true
			},
		};
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(1_000))]

		/// Whatever users do, no DEAI is created or destroyed, every hold matches the records
		/// (try_state), and no provider is paid more than the receipts show, i.e. no job pays
		/// twice.
		#[test]
		fn funds_are_conserved_and_nobody_is_paid_twice(actions in proptest::collection::vec(action(), 1..40)) {
			new_test_ext().execute_with(|| {
				for p in PROVIDERS {
					let _ = Market::register_provider(RuntimeOrigin::signed(p), caps(), text("u"), 2_000);
				}
				let issuance = Balances::total_issuance();
				for action in actions {
					apply(action);
					prop_assert_eq!(Balances::total_issuance(), issuance);
				}
				// Disputes wait for the resolver; everything else ends by its deadlines.
				let disputed: Vec<u64> = Jobs::<Test>::iter()
					.filter(|(_, job)| job.status == JobStatus::Disputed)
					.map(|(id, _)| id)
					.collect();
				for id in disputed {
					assert_ok!(Market::resolve_dispute(RuntimeOrigin::root(), id, id % 2 == 0));
				}
				run_to_block(System::block_number() + 200);
				prop_assert!(Jobs::<Test>::iter().next().is_none(), "every job ends");
				for p in PROVIDERS {
					let paid: Balance = Receipts::<Test>::iter_values()
						.flat_map(|r| r.providers.into_iter())
						.filter(|(who, _)| *who == p)
						.map(|(_, amount)| amount)
						.sum();
					prop_assert_eq!(Providers::<Test>::get(p).unwrap().reputation.total_paid, paid);
				}
				prop_assert_eq!(Balances::total_issuance(), issuance);
				Ok(())
			})?;
		}
	}
}
