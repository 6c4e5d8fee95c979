//! Providers: registering, updating, attesting, pausing, topping up and unbonding.

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
		assert_eq!(ProviderEndpoints::<Test>::get(P1).unwrap().to_vec(), b"https://p".to_vec());
		assert_ok!(Market::update_provider(
			RuntimeOrigin::signed(P1),
			None,
			Some(text("https://q"))
		));
		assert_eq!(ProviderEndpoints::<Test>::get(P1).unwrap().to_vec(), b"https://q".to_vec());
		assert_eq!(Providers::<Test>::get(P1).unwrap().capabilities.vram_mib, 81_920);
		assert_noop!(
			Market::update_provider(RuntimeOrigin::signed(P2), None, None),
			Error::<Test>::NotProvider
		);

		assert_noop!(
			Market::review_attestation(RuntimeOrigin::root(), P1, true),
			Error::<Test>::NoAttestation
		);
		assert_ok!(Market::submit_attestation(RuntimeOrigin::signed(P1), TeeKind::Tdx, [7; 32]));
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
		assert_eq!(last_event(), MarketEvent::AttestationReviewed { provider: P1, trusted: true });
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
		assert_noop!(Market::withdraw_bond(RuntimeOrigin::signed(P1)), Error::<Test>::NotUnbonding);
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
		assert!(ProviderEndpoints::<Test>::get(P1).is_none(), "its endpoint goes with it");
	});
}
