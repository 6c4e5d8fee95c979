//! Tests of the compute market, grouped by area. Every test ends with `do_try_state`.

mod adversarial;
mod deadline_queue;
mod matching;
mod migrations;
mod posting;
mod properties;
mod providers;
mod settlement;
mod sybil_resistance;
mod verification;

use crate::{commitment_of, mock::*, pallet::*, types::*, Event as MarketEvent};
use deai_primitives::{ContributionCategory, UsageFee};
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

/// A 2-of-2 redundant fixed-price job with three applicants (P1, P2, P3), its window open until
/// block 11 and its draw due two blocks later.
fn redundant_job_with_three_applicants() -> u64 {
	for p in [P1, P2, P3] {
		register(p);
	}
	let job = post(spec(
		20_000,
		MatchingMode::FixedPrice { price: 3_000 },
		VerificationMode::Redundant { providers: 2, quorum: 2 },
	));
	for p in [P1, P2, P3] {
		assert_ok!(Market::claim_job(RuntimeOrigin::signed(p), job));
	}
	job
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
