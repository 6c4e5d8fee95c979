//! M-4: bids hold slots backed by the bond, a full list takes better offers, giving a job back
//! costs `AbandonSlash`, and reputation costs fees paid to others.

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
		assert_noop!(Market::claim_job(RuntimeOrigin::signed(P2), job), Error::<Test>::TooManyBids);
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
