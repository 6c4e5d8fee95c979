//! Tests of the compute market, grouped by area. Every test ends with `do_try_state`.

use crate::{commitment_of, mock::*, pallet::*, types::*, Event as MarketEvent};
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
			assert_noop!(
				Market::claim_job(RuntimeOrigin::signed(P2), job),
				Error::<Test>::JobNotOpen
			);
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
			assert_noop!(
				Market::claim_job(RuntimeOrigin::signed(P4), job),
				Error::<Test>::JobNotOpen
			);
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
			// Compute points are the protocol fee the work made the requester pay (H-4).
			assert_eq!(contributions(), vec![(P1, ContributionCategory::Compute, 476)]);
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

	/// H-5: the hook takes a deadline only if its worst case fits, and charges what its kind
	/// and size cost: a review deadline settling three payees is charged a settlement of three,
	/// and the worst case is a settlement with every dataset's payees.
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
			let visit = <<Test as frame_system::Config>::DbWeight as Get<
				frame_support::weights::RuntimeDbWeight,
			>>::get()
			.reads_writes(1, 1);
			let three_payees = <() as crate::WeightInfo>::settle(3);
			assert_eq!(meter.consumed(), base + visit + Market::deadline_overhead() + three_payees);
			assert_eq!(Market::max_settlement_payees(), 8 * (1 + 2));
			assert!(Market::deadline_weight()
				.all_gte(Market::deadline_overhead() + <() as crate::WeightInfo>::settle(24)));
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
					MarketEvent::FailureReported {
						job,
						provider: P1,
						code: 3,
						message_hash: [9; 32]
					},
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
			assert_eq!(
				Jobs::<Test>::get(job).unwrap().deadline,
				Some((9, DeadlineKind::Arbitration))
			);
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
			assert_eq!(free(TREASURY), treasury + 250 + 200);
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
			assert_eq!(free(TREASURY), treasury + 200 + 500);
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
			assert_eq!(
				last_event(),
				MarketEvent::ProviderSlashed { provider: P3, job, amount: 100 }
			);
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
			assert_eq!(
				last_event(),
				MarketEvent::ResultRejected { job: invalid, verifier: VERIFIER }
			);
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
			assert_eq!(
				Jobs::<Test>::get(job).unwrap().deadline,
				Some((9, DeadlineKind::Arbitration))
			);
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
			let mut filler =
				spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
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
}

/// M-4: bids hold slots backed by the bond, a full list takes better offers, giving a job back
/// costs `AbandonSlash`, and reputation costs fees paid to others.
mod sybil_resistance {
	use super::*;
	use frame_support::traits::fungible::{Inspect, Mutate};

	/// Funds and registers `who` with `bond`, declaring `max_jobs` concurrent jobs.
	fn register_with(who: AccountId, bond: Balance, max_jobs: u32) {
		<Balances as Mutate<_>>::set_balance(&who, INITIAL);
		let mut capabilities = caps();
		capabilities.max_concurrent_jobs = max_jobs;
		assert_ok!(Market::register_provider(
			RuntimeOrigin::signed(who),
			capabilities,
			text("https://s"),
			bond
		));
	}

	fn auction() -> u64 {
		post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval))
	}

	fn info(who: AccountId) -> ProviderInfo<Test> {
		Providers::<Test>::get(who).unwrap()
	}

	fn total(who: AccountId) -> Balance {
		<Balances as Inspect<_>>::total_balance(&who)
	}

	/// Gives P1 a reputation score of 1 through a real job (fee 471, above the minimum).
	fn earn_reputation() {
		let job = post(spec(
			10_000,
			MatchingMode::Direct { provider: P1 },
			VerificationMode::RequesterApproval,
		));
		assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), job));
		submit(P1, job, 1);
		assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
		assert_eq!(info(P1).reputation.score(), 1);
	}

	/// The attack of M-4: five sybils (the mock's `MaxBids`) with the minimum bond and an
	/// unlimited declared capacity bid a planck on every auction, to shut honest providers out,
	/// win, and give the jobs back. Their bonds back two bids each, so they fill two auctions at
	/// a time, not every one; a reputable provider's bid at the same price takes a sybil's
	/// place; and each job a sybil wins and gives back costs it 5% of its bond.
	#[test]
	fn m4_sybils_cannot_capture_an_auction() {
		new_test_ext().execute_with(|| {
			register(P1);
			register(P2);
			earn_reputation();
			let sybils: Vec<AccountId> = (101..=105).collect();
			for s in sybils.iter() {
				register_with(*s, 1_000, u32::MAX);
			}
			let wealth: Balance = sybils.iter().map(|s| total(*s)).sum();
			let (a, b, c) = (auction(), auction(), auction());
			for s in sybils.iter() {
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(*s), a, 1));
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(*s), b, 1));
				// 1_000 of bond backs two slots at `BondPerSlot` 500, whatever it declares.
				assert_noop!(
					Market::place_bid(RuntimeOrigin::signed(*s), c, 1),
					Error::<Test>::ProviderAtCapacity
				);
				assert_eq!(info(*s).open_bids, 2);
			}
			assert_eq!(Jobs::<Test>::get(a).unwrap().bids, 5);
			// The third auction is open to everyone.
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P2), c, 5_000));
			// A full list of one-planck bids: an equal bid without a better reputation waits...
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(P2), a, 1),
				Error::<Test>::TooManyBids
			);
			// ... but P1's reputation (earned with a fee paid to the treasury) takes the place
			// of the worst sybil bid, whose deposit and slot come back.
			let deposit = held(HoldReason::StorageDeposit, 105);
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), a, 1));
			assert_eq!(
				events()[events().len() - 2..],
				[
					MarketEvent::BidEvicted { job: a, provider: 105, price: 1 },
					MarketEvent::BidPlaced { job: a, provider: P1, price: 1 },
				]
			);
			assert_eq!(held(HoldReason::StorageDeposit, 105), deposit - Market::bid_deposit());
			assert_eq!(info(105).open_bids, 1);
			assert!(!Bids::<Test>::contains_key(a, 105));
			assert_eq!(Jobs::<Test>::get(a).unwrap().bids, 5);

			run_to_block(11);
			// P1 wins the first auction at the same price, on reputation; the sybils hold the
			// second; the third goes to P2.
			assert_eq!(Jobs::<Test>::get(a).unwrap().assignments[0].provider, P1);
			assert_eq!(Jobs::<Test>::get(b).unwrap().assignments[0].provider, 101);
			assert_eq!(Jobs::<Test>::get(c).unwrap().assignments[0].provider, P2);
			for s in sybils.iter() {
				assert_eq!(info(*s).open_bids, 0);
			}
			// Giving the captured job back costs the winner 5% of its bond, to the treasury; the
			// requester gets its budget back.
			let (treasury, requester) = (free(TREASURY), free(REQUESTER));
			assert_ok!(Market::report_failure(RuntimeOrigin::signed(101), b, 1, [0; 32]));
			assert!(events().contains(&MarketEvent::ProviderSlashed {
				provider: 101,
				job: b,
				amount: 50
			}));
			assert_eq!(free(TREASURY), treasury + 50);
			assert_eq!(free(REQUESTER), requester + 10_000);
			assert_eq!(info(101).bond, 950);
			assert_eq!(info(101).reputation.failed, 1);
			// The sybils lost what the winner was slashed, and gained nothing.
			let after: Balance = sybils.iter().map(|s| total(*s)).sum();
			assert_eq!(after, wealth - 50);
			assert_eq!(total(101), INITIAL - 50);
			// Below the minimum bond it takes no more work until it tops up.
			let d = auction();
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(101), d, 1),
				Error::<Test>::ProviderInactive
			);
		});
	}

	#[test]
	fn a_bid_holds_a_slot_until_its_auction_ends() {
		new_test_ext().execute_with(|| {
			register(P1);
			let (a, b) = (auction(), auction());
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), a, 5_000));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), b, 5_000));
			assert_eq!(info(P1).open_bids, 2);
			let direct = post(spec(
				10_000,
				MatchingMode::Direct { provider: P1 },
				VerificationMode::RequesterApproval,
			));
			// Two bids fill P1's two slots.
			assert_noop!(
				Market::accept_job(RuntimeOrigin::signed(P1), direct),
				Error::<Test>::ProviderAtCapacity
			);
			let c = auction();
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(P1), c, 5_000),
				Error::<Test>::ProviderAtCapacity
			);
			// A cancelled auction frees its bid's slot.
			assert_ok!(Market::cancel_job(RuntimeOrigin::signed(REQUESTER), a));
			assert_eq!(info(P1).open_bids, 1);
			assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), direct));
			assert_eq!((info(P1).active_jobs, info(P1).open_bids), (1, 1));
			// At the deadline the winning bid's slot becomes the job's: P1 is not at capacity
			// because of its own bid.
			run_to_block(11);
			assert_eq!(Jobs::<Test>::get(b).unwrap().assignments[0].provider, P1);
			assert_eq!((info(P1).active_jobs, info(P1).open_bids), (2, 0));
			assert_eq!(held(HoldReason::StorageDeposit, P1), Market::provider_deposit());
		});
	}

	#[test]
	fn the_bond_backs_the_slots() {
		new_test_ext().execute_with(|| {
			// Declared: ten at once; bonded: 1_000, two slots at 500 each.
			register_with(101, 1_000, 10);
			assert_eq!(Market::slots(&info(101)), 2);
			let jobs = [auction(), auction(), auction()];
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(101), jobs[0], 100));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(101), jobs[1], 100));
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(101), jobs[2], 100),
				Error::<Test>::ProviderAtCapacity
			);
			// Each further 500 of bond backs one more.
			assert_ok!(Market::top_up_bond(RuntimeOrigin::signed(101), 500));
			assert_eq!(Market::slots(&info(101)), 3);
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(101), jobs[2], 100));
			// The declared limit still caps it; `BondPerSlot` zero leaves only that limit.
			register_with(102, 1_000, 1);
			assert_eq!(Market::slots(&info(102)), 1);
			BondPerSlot::set(0);
			assert_eq!(Market::slots(&info(101)), 10);
			// The minimum bond backs at least one slot, whatever `BondPerSlot` is.
			BondPerSlot::set(5_000);
			assert_eq!(Market::slots(&info(101)), 1);
		});
	}

	/// The requester may select a bidder whose only free slot is the one its bid holds.
	#[test]
	fn a_selected_bid_takes_its_own_slot() {
		new_test_ext().execute_with(|| {
			register_with(101, 1_000, 1);
			let job = auction();
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(101), job, 100));
			assert_eq!(info(101).open_bids, 1);
			assert_ok!(Market::select_bids(
				RuntimeOrigin::signed(REQUESTER),
				job,
				vec![101].try_into().unwrap()
			));
			assert_eq!((info(101).active_jobs, info(101).open_bids), (1, 0));
			assert!(events().contains(&MarketEvent::JobAssigned {
				job,
				providers: vec![101].try_into().unwrap(),
				deadline: 21
			}));
		});
	}

	#[test]
	fn a_better_bid_takes_the_place_of_the_worst_on_a_full_list() {
		new_test_ext().execute_with(|| {
			let bidders: Vec<AccountId> = (101..=106).collect();
			for s in bidders.iter() {
				register_with(*s, 1_000, 2);
			}
			let job = auction();
			for (s, price) in bidders.iter().zip([500, 900, 700, 900, 600]) {
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(*s), job, price));
			}
			// Not cheaper than the worst (900): refused, nothing changes.
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(106), job, 900),
				Error::<Test>::TooManyBids
			);
			assert_noop!(
				Market::place_bid(RuntimeOrigin::signed(106), job, 901),
				Error::<Test>::TooManyBids
			);
			// Cheaper: it takes the place of the worst bid, the higher account of the two at 900
			// (the one the auction would take last).
			let (free_104, held_104) = (free(104), held(HoldReason::StorageDeposit, 104));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(106), job, 899));
			assert_eq!(
				events()[events().len() - 2..],
				[
					MarketEvent::BidEvicted { job, provider: 104, price: 900 },
					MarketEvent::BidPlaced { job, provider: 106, price: 899 },
				]
			);
			assert_eq!(free(104), free_104 + Market::bid_deposit());
			assert_eq!(held(HoldReason::StorageDeposit, 104), held_104 - Market::bid_deposit());
			assert_eq!(info(104).open_bids, 0);
			assert_eq!(info(106).open_bids, 1);
			assert_eq!(Bids::<Test>::get(job, 106), Some((899, Market::bid_deposit())));
			assert_eq!(Bids::<Test>::iter_prefix(job).count(), 5);
			assert_eq!(Jobs::<Test>::get(job).unwrap().bids, 5);
			// The evicted bidder may come back with a better price.
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(104), job, 650));
			assert_eq!(
				events()[events().len() - 2],
				MarketEvent::BidEvicted { job, provider: 102, price: 900 }
			);
		});
	}

	/// A bid whose bidder takes no more work (here: paused) can never win, so it is the first
	/// to go on a full list, whatever its price.
	#[test]
	fn a_bidder_that_takes_no_work_goes_first() {
		new_test_ext().execute_with(|| {
			let bidders: Vec<AccountId> = (101..=106).collect();
			for s in bidders.iter() {
				register_with(*s, 1_000, 2);
			}
			let job = auction();
			for s in bidders.iter().take(5) {
				assert_ok!(Market::place_bid(RuntimeOrigin::signed(*s), job, 100));
			}
			assert_ok!(Market::set_paused(RuntimeOrigin::signed(101), true));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(106), job, 5_000));
			assert_eq!(
				events()[events().len() - 2],
				MarketEvent::BidEvicted { job, provider: 101, price: 100 }
			);
			assert_eq!(info(101).open_bids, 0);
		});
	}

	/// Applications to a redundant fixed-price job all have the job's price: on a full list, a
	/// more reputable applicant takes the place of the least reputable one.
	#[test]
	fn a_reputable_application_takes_a_place_on_a_full_list() {
		new_test_ext().execute_with(|| {
			register(P1);
			earn_reputation();
			for s in 101..=105 {
				register_with(s, 1_000, 2);
			}
			let job = post(spec(
				10_000,
				MatchingMode::FixedPrice { price: 1_000 },
				VerificationMode::Redundant { providers: 3, quorum: 2 },
			));
			for s in 101..=105 {
				assert_ok!(Market::claim_job(RuntimeOrigin::signed(s), job));
			}
			register(P2);
			assert_noop!(
				Market::claim_job(RuntimeOrigin::signed(P2), job),
				Error::<Test>::TooManyBids
			);
			assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
			assert_eq!(
				events()[events().len() - 2..],
				[
					MarketEvent::BidEvicted { job, provider: 105, price: 1_000 },
					MarketEvent::JobClaimed { job, provider: P1 },
				]
			);
			assert!(Bids::<Test>::contains_key(job, P1));
		});
	}

	#[test]
	fn unbonding_waits_for_open_bids() {
		new_test_ext().execute_with(|| {
			register(P1);
			register(P2);
			let job = auction();
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P1), job, 6_000));
			assert_ok!(Market::place_bid(RuntimeOrigin::signed(P2), job, 5_000));
			assert_noop!(
				Market::start_unbonding(RuntimeOrigin::signed(P1)),
				Error::<Test>::HasOpenBids
			);
			run_to_block(11);
			// P1 lost the auction: its bid is over.
			assert_eq!(info(P1).open_bids, 0);
			assert_ok!(Market::start_unbonding(RuntimeOrigin::signed(P1)));
			assert_eq!(last_event(), MarketEvent::UnbondingStarted { provider: P1, unlock_at: 16 });
		});
	}

	/// A job counts in its provider's reputation only if the protocol fee on its pay was at
	/// least `MinReputationFee` (100): the wash job of M-4 (Training, no model, a price of 1 and
	/// a fee of 0) earns none; the provider's pay is still recorded.
	#[test]
	fn reputation_counts_only_jobs_that_paid_the_minimum_fee() {
		new_test_ext().execute_with(|| {
			register(P1);
			let settle_at = |price: Balance| {
				let mut s = spec(
					2_100,
					MatchingMode::FixedPrice { price },
					VerificationMode::RequesterApproval,
				);
				s.kind = JobKind::Training;
				s.model = None;
				let job = post(s);
				assert_ok!(Market::claim_job(RuntimeOrigin::signed(P1), job));
				submit(P1, job, 1);
				assert_ok!(Market::accept_result(RuntimeOrigin::signed(REQUESTER), job));
				job
			};
			let job = settle_at(1);
			assert_eq!(
				last_event(),
				MarketEvent::JobSettled {
					job,
					result_hash: result(1),
					paid_to_providers: 1,
					protocol_fee: 0,
					usage_fees: 0,
					refunded: 2_099,
				}
			);
			assert_eq!(info(P1).reputation.completed, 0);
			// 5% of 1_999 is 99 (rounded down): one planck short.
			let job = settle_at(1_999);
			assert_eq!(
				last_event(),
				MarketEvent::JobSettled {
					job,
					result_hash: result(1),
					paid_to_providers: 1_999,
					protocol_fee: 99,
					usage_fees: 0,
					refunded: 2,
				}
			);
			assert_eq!(info(P1).reputation.completed, 0);
			let treasury = free(TREASURY);
			let job = settle_at(2_000);
			assert_eq!(
				last_event(),
				MarketEvent::JobSettled {
					job,
					result_hash: result(1),
					paid_to_providers: 2_000,
					protocol_fee: 100,
					usage_fees: 0,
					refunded: 0,
				}
			);
			assert_eq!(free(TREASURY), treasury + 100);
			let reputation = info(P1).reputation;
			assert_eq!(reputation.completed, 1);
			assert_eq!(reputation.total_paid, 4_000);
			// `MinReputationFee` zero counts every completed job.
			MinReputationFee::set(0);
			settle_at(1);
			assert_eq!(info(P1).reputation.completed, 2);
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
				commitment_of(job(j), &PROVIDERS[p as usize], &result(r), &[p; 32]),
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

/// The market against a hostile requester: it names a sybil verifier, places sybil providers in
/// redundant sets (which copy commitments, replay reveals, reveal junk, walk away or stay silent),
/// disputes and rejects delivered results that nobody ever rules on, and fills the deadline
/// queue. Two honest providers deliver the true result on time in every job they get.
mod adversarial {
	use super::*;
	use proptest::prelude::*;
	use std::collections::{BTreeMap, BTreeSet};

	const HONEST: [AccountId; 2] = [P1, P2];
	const SYBILS: [AccountId; 2] = [P3, P4];
	/// The attacker's accounts: the requester, its verifier and its providers.
	const COALITION: [AccountId; 4] = [REQUESTER, VERIFIER, P3, P4];
	/// What the honest providers deliver.
	const TRUE_RESULT: u8 = 0;

	#[derive(Clone, Debug)]
	enum Action {
		Post(u8, u16),
		SybilTake(u8, u8),
		SybilSubmit(u8, u8, u8),
		SybilCommit(u8, u8, u8, bool),
		SybilReveal(u8, u8, u8, bool),
		SybilFail(u8, u8),
		Reject(u8),
		Approve(u8),
		Dispute(u8),
		Select(u8, u8),
		Fill(u8, u8),
		Cancel(u8),
		Advance(u8),
	}

	fn action() -> impl Strategy<Value = Action> {
		prop_oneof![
			3 => (0u8..7, 3_000u16..30_000).prop_map(|(m, b)| Action::Post(m, b)),
			2 => (0u8..10, 0u8..2).prop_map(|(j, s)| Action::SybilTake(j, s)),
			1 => (0u8..10, 0u8..2, 1u8..3).prop_map(|(j, s, r)| Action::SybilSubmit(j, s, r)),
			1 => (0u8..10, 0u8..2, 1u8..3, any::<bool>())
				.prop_map(|(j, s, r, c)| Action::SybilCommit(j, s, r, c)),
			1 => (0u8..10, 0u8..2, 1u8..3, any::<bool>())
				.prop_map(|(j, s, r, c)| Action::SybilReveal(j, s, r, c)),
			1 => (0u8..10, 0u8..2).prop_map(|(j, s)| Action::SybilFail(j, s)),
			1 => (0u8..10).prop_map(Action::Reject),
			1 => (0u8..10).prop_map(Action::Approve),
			1 => (0u8..10).prop_map(Action::Dispute),
			1 => (0u8..10, 0u8..2).prop_map(|(j, s)| Action::Select(j, s)),
			1 => (1u8..8, 1u8..20).prop_map(|(n, at)| Action::Fill(n, at)),
			1 => (0u8..10).prop_map(Action::Cancel),
			3 => (1u8..8).prop_map(Action::Advance),
		]
	}

	fn salt(who: AccountId) -> [u8; 32] {
		[who as u8; 32]
	}

	/// The record of a run: each job's budget, and which honest providers delivered in it.
	#[derive(Default)]
	struct Ledger {
		budgets: BTreeMap<u64, Balance>,
		delivered: BTreeMap<u64, BTreeSet<AccountId>>,
		/// Redundant jobs where a sybil revealed another result than the true one.
		contradicted: BTreeSet<u64>,
	}

	fn post_as(who: AccountId, mode: u8, budget: Balance, ledger: &mut Ledger) {
		let (matching, verification) = match mode {
			0 => (MatchingMode::Auction, VerificationMode::RequesterApproval),
			1 => (MatchingMode::Direct { provider: P1 }, VerificationMode::RequesterApproval),
			2 => (
				MatchingMode::Direct { provider: P2 },
				VerificationMode::Verifier { verifier: VERIFIER },
			),
			3 => (
				MatchingMode::FixedPrice { price: 1_000 },
				VerificationMode::Verifier { verifier: VERIFIER },
			),
			4 => (
				MatchingMode::FixedPrice { price: 1_000 },
				VerificationMode::Redundant { providers: 3, quorum: 2 },
			),
			5 => (MatchingMode::Auction, VerificationMode::Redundant { providers: 2, quorum: 2 }),
			_ => (MatchingMode::Direct { provider: P3 }, VerificationMode::RequesterApproval),
		};
		let id = NextJobId::<Test>::get();
		let mut s = spec(budget, matching, verification);
		s.matching_blocks = 3;
		s.execution_blocks = 4;
		if Market::post_job(RuntimeOrigin::signed(who), s).is_ok() {
			ledger.budgets.insert(id, budget);
		}
	}

	/// The honest providers' whole strategy, run after every step: take what they are offered,
	/// deliver the true result at once, reveal as soon as they can.
	fn honest_turn(ledger: &mut Ledger) {
		let origin = |who| RuntimeOrigin::signed(who);
		for (id, job) in Jobs::<Test>::iter().collect::<Vec<_>>() {
			for h in HONEST {
				let mine = job.assignments.iter().find(|a| a.provider == h);
				match (&job.status, mine) {
					(JobStatus::Open, _) => {
						let _ = match job.spec.matching {
							MatchingMode::Direct { .. } => Market::accept_job(origin(h), id),
							MatchingMode::FixedPrice { .. } => Market::claim_job(origin(h), id),
							MatchingMode::Auction => {
								Market::place_bid(origin(h), id, job.price_cap)
							},
						};
					},
					(JobStatus::Assigned, Some(a)) if job.spec.verification.is_redundant() => {
						let c = commitment_of(id, &h, &result(TRUE_RESULT), &salt(h));
						let _ = a.commitment.is_none()
							&& Market::commit_result(origin(h), id, c).is_ok();
					},
					(JobStatus::Assigned, Some(_)) => {
						let submitted = Market::submit_result(
							origin(h),
							id,
							result(TRUE_RESULT),
							text("u"),
							BoundedVec::new(),
						);
						if submitted.is_ok() {
							ledger.delivered.entry(id).or_default().insert(h);
						}
					},
					(JobStatus::Revealing, Some(a)) if a.result.is_none() => {
						let revealed = Market::reveal_result(
							origin(h),
							id,
							result(TRUE_RESULT),
							text("u"),
							salt(h),
						);
						if revealed.is_ok() {
							ledger.delivered.entry(id).or_default().insert(h);
						}
					},
					_ => {},
				}
			}
		}
	}

	fn apply(action: Action, ledger: &mut Ledger) {
		let origin = |who| RuntimeOrigin::signed(who);
		let job = |j: u8| j as u64;
		let sybil = |s: u8| SYBILS[s as usize];
		let _ = match action {
			Action::Post(mode, budget) => {
				post_as(REQUESTER, mode, budget as Balance, ledger);
				Ok(())
			},
			Action::SybilTake(j, s) => match Jobs::<Test>::get(job(j)).map(|j| j.spec.matching) {
				Some(MatchingMode::Auction) => Market::place_bid(origin(sybil(s)), job(j), 1),
				Some(MatchingMode::Direct { .. }) => Market::accept_job(origin(sybil(s)), job(j)),
				_ => Market::claim_job(origin(sybil(s)), job(j)),
			},
			Action::SybilSubmit(j, s, r) => Market::submit_result(
				origin(sybil(s)),
				job(j),
				result(r),
				text("u"),
				BoundedVec::new(),
			)
			.map(|_| ())
			.map_err(|e| e.error),
			Action::SybilCommit(j, s, r, copy) => {
				let copied = Jobs::<Test>::get(job(j)).and_then(|info| {
					info.assignments.iter().find_map(|a| {
						if HONEST.contains(&a.provider) {
							a.commitment
						} else {
							None
						}
					})
				});
				let c = match (copy, copied) {
					(true, Some(c)) => c,
					_ => commitment_of(job(j), &sybil(s), &result(r), &salt(sybil(s))),
				};
				Market::commit_result(origin(sybil(s)), job(j), c)
			},
			Action::SybilReveal(j, s, r, replay) => {
				// A replay reveals what an honest provider revealed, with its salt.
				let (value, with) = if replay {
					(result(TRUE_RESULT), salt(P1))
				} else {
					(result(r), salt(sybil(s)))
				};
				let revealed =
					Market::reveal_result(origin(sybil(s)), job(j), value, text("u"), with);
				if revealed.is_ok() && value != result(TRUE_RESULT) {
					ledger.contradicted.insert(job(j));
				}
				revealed.map(|_| ()).map_err(|e| e.error)
			},
			Action::SybilFail(j, s) => Market::report_failure(origin(sybil(s)), job(j), 9, [0; 32]),
			Action::Reject(j) => Market::attest_result(origin(VERIFIER), job(j), false)
				.map(|_| ())
				.map_err(|e| e.error),
			Action::Approve(j) => Market::accept_result(origin(REQUESTER), job(j))
				.map(|_| ())
				.map_err(|e| e.error),
			Action::Dispute(j) => Market::dispute_result(origin(REQUESTER), job(j)),
			Action::Select(j, s) => {
				Market::select_bids(origin(REQUESTER), job(j), vec![sybil(s)].try_into().unwrap())
			},
			Action::Fill(n, at) => {
				// Filler jobs whose deadlines all land on one block.
				let mut filler =
					spec(1_000, MatchingMode::Auction, VerificationMode::RequesterApproval);
				filler.model = None;
				filler.kind = JobKind::Training;
				filler.matching_blocks = at as u64;
				for _ in 0..n {
					let _ = Market::post_job(origin(REQUESTER), filler.clone());
				}
				Ok(())
			},
			Action::Cancel(j) => Market::cancel_job(origin(REQUESTER), job(j)),
			Action::Advance(n) => {
				// The honest providers act in every block.
				for _ in 0..n {
					run_to_block(System::block_number() + 1);
					honest_turn(ledger);
				}
				Ok(())
			},
		};
	}

	fn coalition_wealth() -> Balance {
		use frame_support::traits::fungible::Inspect;
		COALITION.iter().map(<Balances as Inspect<_>>::total_balance).sum()
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(1_000))]

		/// Whatever the attacker does: an honest provider that delivered on time is never
		/// slashed unless a quorum of a drawn set outvoted it, and is paid unless outvoted or
		/// contradicted without a quorum (then nobody is paid); the attacker's accounts together
		/// never end richer, no DEAI is created, every receipt accounts for its whole budget, and
		/// every hold matches the records after every step.
		#[test]
		fn no_attack_on_the_market_pays(actions in proptest::collection::vec(action(), 1..50)) {
			new_test_ext().execute_with(|| {
				for p in HONEST.into_iter().chain(SYBILS) {
					let _ = Market::register_provider(RuntimeOrigin::signed(p), caps(), text("u"), 2_000);
				}
				let issuance = Balances::total_issuance();
				let wealth = coalition_wealth();
				let mut ledger = Ledger::default();
				for action in actions {
					apply(action, &mut ledger);
					honest_turn(&mut ledger);
					prop_assert_eq!(Balances::total_issuance(), issuance);
					prop_assert!(Market::do_try_state().is_ok(), "{:?}", Market::do_try_state());
				}
				// Nobody ever rules on a dispute: every job still ends by its deadlines (the
				// filler's backlog takes a few blocks more, four deadlines a block).
				for _ in 0..300 {
					if Jobs::<Test>::iter_keys().next().is_none() {
						break;
					}
					run_to_block(System::block_number() + 1);
					honest_turn(&mut ledger);
				}
				prop_assert!(Jobs::<Test>::iter().next().is_none(), "every job ends");
				prop_assert_eq!(Balances::total_issuance(), issuance);

				let outvoted = |id: u64| matches!(
					Receipts::<Test>::get(id).map(|r| r.outcome),
					Some(Outcome::Completed { result_hash }) if result_hash != result(TRUE_RESULT)
				);
				for event in events() {
					if let MarketEvent::ProviderSlashed { provider, job, .. } = event {
						prop_assert!(
							!HONEST.contains(&provider) || outvoted(job),
							"honest provider {} slashed in job {}", provider, job
						);
					}
				}
				for (id, providers) in ledger.delivered.iter() {
					let receipt = Receipts::<Test>::get(id).expect("a receipt");
					for h in providers {
						let contradicted = ledger.contradicted.contains(id)
							&& receipt.outcome == (Outcome::Failed { reason: FailureReason::NoQuorum })
							&& receipt.providers.is_empty();
						prop_assert!(
							outvoted(*id)
								|| contradicted || receipt.providers.iter().any(|(who, _)| who == h),
							"honest provider {} delivered job {} unpaid: {:?}", h, id, receipt.outcome
						);
					}
				}
				for (id, budget) in ledger.budgets.iter() {
					let receipt = Receipts::<Test>::get(id).expect("a receipt");
					let paid: Balance = receipt.providers.iter().map(|(_, amount)| amount).sum();
					prop_assert_eq!(
						paid + receipt.protocol_fee + receipt.usage_fees + receipt.refunded,
						*budget,
						"receipt {} does not account for its budget", id
					);
				}
				prop_assert!(coalition_wealth() <= wealth, "the attacker ended richer");
				Ok(())
			})?;
		}
	}
}
