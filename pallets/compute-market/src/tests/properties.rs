//! Property tests: funds are conserved and nobody is paid twice, whatever users do.

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
				1 => (MatchingMode::Direct { provider: P1 }, VerificationMode::RequesterApproval),
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
		Action::Accept(j, p) => Market::accept_job(origin(PROVIDERS[p as usize]), job(j)).is_ok(),
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
