//! The market against a hostile requester: it names a sybil verifier, places sybil providers in
//! redundant sets (which copy commitments, replay reveals, reveal junk, walk away or stay silent),
//! disputes and rejects delivered results that nobody ever rules on, and fills the deadline
//! queue. Two honest providers deliver the true result on time in every job they get.

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
						MatchingMode::Auction => Market::place_bid(origin(h), id, job.price_cap),
					};
				},
				(JobStatus::Assigned, Some(a)) if job.spec.verification.is_redundant() => {
					let c = commitment_of(id, &h, &result(TRUE_RESULT), &salt(h));
					let _ =
						a.commitment.is_none() && Market::commit_result(origin(h), id, c).is_ok();
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
		Action::SybilSubmit(j, s, r) => {
			Market::submit_result(origin(sybil(s)), job(j), result(r), text("u"), BoundedVec::new())
				.map(|_| ())
				.map_err(|e| e.error)
		},
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
			let (value, with) =
				if replay { (result(TRUE_RESULT), salt(P1)) } else { (result(r), salt(sybil(s))) };
			let revealed = Market::reveal_result(origin(sybil(s)), job(j), value, text("u"), with);
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
