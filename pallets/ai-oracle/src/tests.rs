//! Tests of the AI oracle, on the real compute market. Every test ends with both pallets'
//! `do_try_state`.

use crate::{mock::*, pallet::*, types::*, Event as OracleEvent};
use codec::Encode;
use deai_abi::oracle::{encode_label, encode_scalar};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::InspectHold,
	weights::{Weight, WeightToFee as _},
	BoundedVec,
};
use pallet_compute_market::{
	commitment_of, Capabilities, DeviceClass, FailureReason, JobStatus, Jobs, VerificationMode,
};
use proptest::prelude::*;
use sp_runtime::DispatchError;

const PRICE: Balance = 1_000;
const BUDGET: Balance = 10_000;
const SELECTOR: [u8; 4] = [0xde, 0xa1, 0x0a, 0x5e];

fn gas() -> Weight {
	Weight::from_parts(1_000_000_000, 16 * 1024)
}

fn register(who: AccountId) {
	assert_ok!(pallet_compute_market::Pallet::<Test>::register_provider(
		RuntimeOrigin::signed(who),
		Capabilities {
			device: DeviceClass::Server,
			accelerator: b"none".to_vec().try_into().unwrap(),
			vram_mib: 0,
			ram_mib: 16_384,
			cpu_cores: 8,
			region: 276,
			job_kinds: 0b1111,
			max_concurrent_jobs: 4,
		},
		b"https://p".to_vec().try_into().unwrap(),
		3_000,
	));
}

fn providers() {
	for p in [P1, P2, P3, P4] {
		register(p);
	}
}

fn question(output: OutputKind) -> Question<Test> {
	Question {
		model: model_ref(),
		input: OracleInput::Inline(b"[0.1, 2.5, -1.0]".to_vec().try_into().unwrap()),
		output,
		providers: 3,
		quorum: 2,
		price: PRICE,
		max_budget: BUDGET,
		commercial: false,
	}
}

fn callback(contract: AccountId) -> Option<CallbackSpec<Test>> {
	Some(CallbackSpec { contract, selector: SELECTOR, gas_limit: gas() })
}

fn ask(output: OutputKind, callback: Option<CallbackSpec<Test>>) -> RequestId {
	let id = pallet_compute_market::NextJobId::<Test>::get();
	assert_ok!(Oracle::request(RuntimeOrigin::signed(REQUESTER), question(output), callback));
	id
}

fn salt(who: AccountId) -> [u8; 32] {
	[who as u8; 32]
}

/// Plays the providers of every open oracle job one step: applications while open, commitments
/// once drawn, reveals once all committed; `answer(provider, job)` is what each answers.
fn serve(answer: &dyn Fn(AccountId, RequestId) -> Vec<u8>) {
	serve_where(&|_| true, answer)
}

/// `serve`, for the jobs `which` picks only.
fn serve_where(
	which: &dyn Fn(RequestId) -> bool,
	answer: &dyn Fn(AccountId, RequestId) -> Vec<u8>,
) {
	let jobs: Vec<_> = Jobs::<Test>::iter().filter(|(id, _)| which(*id)).collect();
	for (id, job) in jobs {
		match job.status {
			JobStatus::Open => {
				for p in [P1, P2, P3] {
					let _ = pallet_compute_market::Pallet::<Test>::claim_job(
						RuntimeOrigin::signed(p),
						id,
					);
				}
			},
			JobStatus::Assigned => {
				for a in job.assignments.iter().filter(|a| a.commitment.is_none()) {
					let hash = sp_io::hashing::blake2_256(&answer(a.provider, id));
					assert_ok!(pallet_compute_market::Pallet::<Test>::commit_result(
						RuntimeOrigin::signed(a.provider),
						id,
						commitment_of(id, &a.provider, &hash, &salt(a.provider)),
					));
				}
			},
			JobStatus::Revealing => {
				for a in job.assignments.iter().filter(|a| a.result.is_none()) {
					assert_ok!(pallet_compute_market::Pallet::<Test>::reveal_inline_result(
						RuntimeOrigin::signed(a.provider),
						id,
						answer(a.provider, id),
						salt(a.provider),
					));
				}
			},
			_ => {},
		}
	}
}

/// The providers apply to every open job, and do nothing else.
fn apply_to_open_jobs() {
	serve_where(
		&|id| Jobs::<Test>::get(id).is_some_and(|job| job.status == JobStatus::Open),
		&|_, _| Vec::new(),
	)
}

/// Serves every open job, block after block, until block `n`.
fn serve_until(n: u64, answer: &dyn Fn(AccountId, RequestId) -> Vec<u8>) {
	while System::block_number() < n {
		serve(answer);
		run_to_block(System::block_number() + 1);
	}
	serve(answer);
}

/// Serves request `id` until it is answered or failed (its job gone), and ends that block (its
/// idle time delivers callbacks).
fn settle(id: RequestId, answer: &dyn Fn(AccountId, RequestId) -> Vec<u8>) {
	for _ in 0..30 {
		if Jobs::<Test>::contains_key(id) {
			serve(answer);
		}
		let ended = !Jobs::<Test>::contains_key(id);
		run_to_block(System::block_number() + 1);
		if ended {
			return;
		}
	}
	panic!("request {id} did not end");
}

fn oracle_events() -> Vec<OracleEvent<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Oracle(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn held(reason: HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn market_held(reason: pallet_compute_market::HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn bounded(value: &[u8]) -> BoundedVec<u8, ConstU32Len> {
	value.to_vec().try_into().unwrap()
}

type ConstU32Len = <Test as pallet_compute_market::Config>::MaxInlineResultLen;

/// What each provider was paid, from the providers' balances.
fn provider_balances() -> [Balance; 3] {
	[free(P1), free(P2), free(P3)]
}

/// The callback fee charged for `gas_used`.
fn fee_for(gas_used: Weight) -> Balance {
	MockWeightToFee::weight_to_fee(&Oracle::callback_overhead().saturating_add(gas_used))
}

#[test]
fn a_label_is_decided_by_quorum_the_liar_is_slashed_and_the_answer_delivered() {
	new_test_ext().execute_with(|| {
		providers();
		let before = free(REQUESTER);
		let issuance = Balances::total_issuance();
		let id = ask(OutputKind::Label, callback(CONTRACT_OK));
		let prepaid = Oracle::callback_fee(gas());
		let deposit = Oracle::request_deposit();
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), prepaid);
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), deposit);
		assert_eq!(market_held(pallet_compute_market::HoldReason::JobEscrow, REQUESTER), BUDGET);
		assert!(RequestInputs::<Test>::contains_key(id));
		assert_eq!(
			oracle_events()[0],
			OracleEvent::Requested { request: id, requester: REQUESTER, model: model_ref() }
		);
		let paid_before = provider_balances();
		// P3 lies.
		settle(id, &|who, _| encode_label(if who == P3 { 1 } else { 2 }).to_vec());
		let value = bounded(&encode_label(2));
		assert!(
			oracle_events().contains(&OracleEvent::Answered { request: id, value: value.clone() })
		);
		let answer = Answers::<Test>::get(id).expect("answered");
		assert_eq!(answer.value, value);
		assert_eq!(answer.job, id);
		assert_eq!(answer.model, Some(model_ref()));
		assert_eq!(answer.input_hash, sp_io::hashing::blake2_256(b"[0.1, 2.5, -1.0]"));
		let mut agreed = answer.providers.to_vec();
		agreed.sort();
		assert_eq!(agreed, vec![P1, P2]);
		assert_eq!(answer.verification, VerificationMode::Redundant { providers: 3, quorum: 2 });
		assert_eq!(answer.royalties, MODEL_FEE);
		assert_eq!(answer.deposit, deposit);
		// The liar is slashed (10% of its 3,000 bond, to the treasury) and not paid; the honest
		// are paid their price.
		let paid_after = provider_balances();
		assert_eq!(paid_after[0], paid_before[0] + PRICE);
		assert_eq!(paid_after[1], paid_before[1] + PRICE);
		assert_eq!(paid_after[2], paid_before[2]);
		assert_eq!(market_held(pallet_compute_market::HoldReason::ProviderBond, P3), 3_000 - 300);
		// The market keeps no receipt: the answer is it.
		assert!(!pallet_compute_market::Receipts::<Test>::contains_key(id));
		assert!(!RequestInputs::<Test>::contains_key(id));
		// The callback ran in the same block's idle time, from the oracle's account, with the
		// request id and the value, within the declared gas; 40% of it used.
		let (origin, contract, input, limit) = calls().pop().expect("called back");
		assert_eq!((origin, contract, limit), (Oracle::account_id(), CONTRACT_OK, gas()));
		let mut expected = SELECTOR.to_vec();
		(id, REQUESTER, None::<FeedId>, encode_label(2).to_vec()).encode_to(&mut expected);
		assert_eq!(input, expected);
		let used = sp_runtime::Perbill::from_percent(40) * gas();
		let fee = fee_for(used);
		assert!(fee < prepaid);
		assert!(oracle_events().contains(&OracleEvent::CallbackDelivered {
			request: id,
			gas_used: used,
			fee
		}));
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 0);
		assert!(!Requests::<Test>::contains_key(id));
		// Exactly: two providers' pay, the protocol fee on it, the usage fee, the callback's
		// fee; the deposit is still held for the answer.
		let protocol = 2 * PRICE / 20;
		assert_eq!(free(REQUESTER), before - 2 * PRICE - protocol - MODEL_FEE - fee - deposit);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(
			Oracle::request_state(id),
			RequestState::Answered(Answers::<Test>::get(id).unwrap())
		);
		assert_noop!(
			Oracle::remove_answer(RuntimeOrigin::signed(OTHER), id),
			Error::<Test>::NotRequester
		);
		assert_ok!(Oracle::remove_answer(RuntimeOrigin::signed(REQUESTER), id));
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), 0);
		assert_eq!(free(REQUESTER), before - 2 * PRICE - protocol - MODEL_FEE - fee);
		assert_eq!(Oracle::request_state(id), RequestState::Unknown);
		assert_noop!(
			Oracle::remove_answer(RuntimeOrigin::signed(REQUESTER), id),
			Error::<Test>::AnswerNotFound
		);
	});
}

#[test]
fn a_number_is_the_median_and_answers_outside_the_tolerance_are_outvoted() {
	new_test_ext().execute_with(|| {
		providers();
		let output = OutputKind::Scalar { decimals: 2, tolerance: 5 };
		let id = ask(output, None);
		let paid_before = provider_balances();
		settle(id, &|who, _| {
			encode_scalar(match who {
				P1 => 10_000,
				P2 => 10_004,
				_ => 50_000,
			})
			.to_vec()
		});
		// The lower median of 10,000, 10,004 and 50,000 is 10,004; 10,000 is within 5 of it.
		let answer = Answers::<Test>::get(id).expect("answered");
		assert_eq!(answer.value.to_vec(), encode_scalar(10_004).to_vec());
		assert_eq!(answer.providers.len(), 2);
		let paid_after = provider_balances();
		assert_eq!(paid_after[2], paid_before[2]);
		assert_eq!(market_held(pallet_compute_market::HoldReason::ProviderBond, P3), 3_000 - 300);
		// Nothing to call back: the request is closed with its answer.
		assert!(!Requests::<Test>::contains_key(id));
		assert!(calls().is_empty());
	});
}

#[test]
fn numbers_all_within_the_tolerance_all_agree_on_the_median() {
	new_test_ext().execute_with(|| {
		providers();
		let id = ask(OutputKind::Scalar { decimals: 0, tolerance: 3 }, None);
		settle(id, &|who, _| encode_scalar(-(who as i128)).to_vec());
		// -11, -12, -13: the median is -12, and all are within 3.
		let answer = Answers::<Test>::get(id).expect("answered");
		assert_eq!(answer.value.to_vec(), encode_scalar(-12).to_vec());
		assert_eq!(answer.providers.len(), 3);
	});
}

#[test]
fn answers_of_the_wrong_kind_agree_with_nothing() {
	new_test_ext().execute_with(|| {
		providers();
		let id = ask(OutputKind::Label, None);
		// P1 and P2 answer the same 5 bytes, which is no label: only P3's label is valid, and
		// one is short of the quorum; the two disagree with it, so nobody can be trusted.
		settle(id, &|who, _| if who == P3 { encode_label(1).to_vec() } else { vec![1; 5] });
		assert!(oracle_events().contains(&OracleEvent::RequestFailed {
			request: id,
			reason: FailureReason::NoQuorum
		}));
		assert!(!Answers::<Test>::contains_key(id));
	});
}

#[test]
fn bytes_answers_take_1024_bytes_and_refuse_1025_by_name() {
	new_test_ext().execute_with(|| {
		providers();
		assert_noop!(
			Oracle::request(
				RuntimeOrigin::signed(REQUESTER),
				question(OutputKind::Bytes { max_len: 1025 }),
				None
			),
			Error::<Test>::OutputTooLong
		);
		assert_noop!(
			Oracle::request(
				RuntimeOrigin::signed(REQUESTER),
				question(OutputKind::Bytes { max_len: 0 }),
				None
			),
			Error::<Test>::OutputTooLong
		);
		let id = ask(OutputKind::Bytes { max_len: 1024 }, None);
		let long = vec![0xab; 1024];
		// Through the whole flow, a provider revealing 1,025 bytes is refused by name.
		for _ in 0..10 {
			if Jobs::<Test>::get(id).unwrap().status == JobStatus::Revealing {
				break;
			}
			serve(&|_, _| long.clone());
			run_to_block(System::block_number() + 1);
		}
		let first = Jobs::<Test>::get(id).unwrap().assignments[0].provider;
		assert_noop!(
			pallet_compute_market::Pallet::<Test>::reveal_inline_result(
				RuntimeOrigin::signed(first),
				id,
				vec![0xab; 1025],
				salt(first)
			),
			pallet_compute_market::Error::<Test>::InlineResultTooLong
		);
		settle(id, &|_, _| long.clone());
		assert_eq!(Answers::<Test>::get(id).unwrap().value.to_vec(), long);
	});
}

#[test]
fn bytes_longer_than_the_question_allows_agree_with_nothing() {
	new_test_ext().execute_with(|| {
		providers();
		let id = ask(OutputKind::Bytes { max_len: 4 }, None);
		settle(id, &|who, _| if who == P1 { vec![1; 4] } else { vec![2; 5] });
		assert!(oracle_events().contains(&OracleEvent::RequestFailed {
			request: id,
			reason: FailureReason::NoQuorum
		}));
	});
}

#[test]
fn without_a_quorum_the_request_fails_with_a_reason_and_everything_comes_back() {
	new_test_ext().execute_with(|| {
		providers();
		let before = free(REQUESTER);
		let id = ask(OutputKind::Label, callback(CONTRACT_OK));
		settle(id, &|who, _| encode_label(who as u32).to_vec());
		assert!(oracle_events().contains(&OracleEvent::RequestFailed {
			request: id,
			reason: FailureReason::NoQuorum
		}));
		// Three answers, three labels: nobody is paid, the requester gets everything back
		// (the market's job deposit too, as the oracle keeps the record).
		assert_eq!(free(REQUESTER), before);
		assert!(!Requests::<Test>::contains_key(id));
		assert!(!RequestInputs::<Test>::contains_key(id));
		assert!(calls().is_empty());
		assert_eq!(Oracle::request_state(id), RequestState::Unknown);
	});
}

#[test]
fn a_request_nobody_takes_fails_with_no_providers() {
	new_test_ext().execute_with(|| {
		let before = free(REQUESTER);
		let id = ask(OutputKind::Label, None);
		assert_eq!(Oracle::request_state(id), RequestState::Pending);
		run_to_block(10);
		assert!(oracle_events().contains(&OracleEvent::RequestFailed {
			request: id,
			reason: FailureReason::NoProviders
		}));
		assert_eq!(free(REQUESTER), before);
	});
}

#[test]
fn the_requester_may_cancel_an_open_request_in_the_market() {
	new_test_ext().execute_with(|| {
		let before = free(REQUESTER);
		let id = ask(OutputKind::Label, callback(CONTRACT_OK));
		assert_noop!(
			pallet_compute_market::Pallet::<Test>::cancel_job(RuntimeOrigin::signed(OTHER), id),
			pallet_compute_market::Error::<Test>::NotRequester
		);
		assert_ok!(pallet_compute_market::Pallet::<Test>::cancel_job(
			RuntimeOrigin::signed(REQUESTER),
			id
		));
		assert!(oracle_events().contains(&OracleEvent::RequestFailed {
			request: id,
			reason: FailureReason::Cancelled
		}));
		assert_eq!(free(REQUESTER), before);
	});
}

#[test]
fn a_callback_out_of_gas_leaves_its_reason_and_the_answer_readable() {
	new_test_ext().execute_with(|| {
		providers();
		let id = ask(OutputKind::Label, callback(CONTRACT_GREEDY));
		let prepaid = Oracle::callback_fee(gas());
		let before = free(REQUESTER);
		settle(id, &|_, _| encode_label(7).to_vec());
		// All the gas was used: the whole prepaid fee is charged, nothing else.
		assert_eq!(fee_for(gas()), prepaid);
		assert!(oracle_events().contains(&OracleEvent::CallbackFailed {
			request: id,
			reason: CallbackFailure::OutOfGas,
			gas_used: gas(),
			fee: prepaid
		}));
		// The market's job deposit comes back at the end too (the oracle keeps the record).
		let protocol = 3 * PRICE / 20;
		let job_deposit = pallet_compute_market::Pallet::<Test>::job_deposit();
		assert_eq!(
			free(REQUESTER),
			before + BUDGET + job_deposit - 3 * PRICE - protocol - MODEL_FEE
		);
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 0);
		assert_eq!(Answers::<Test>::get(id).unwrap().value.to_vec(), encode_label(7).to_vec());
	});
}

#[test]
fn failed_callbacks_refund_the_unused_gas_exactly() {
	for (contract, used_percent, reason) in [
		(CONTRACT_REVERTS, 10, CallbackFailure::Reverted),
		(CONTRACT_GROWS, 20, CallbackFailure::StorageDepositLimit),
		(77, 0, CallbackFailure::ContractGone),
	] {
		new_test_ext().execute_with(|| {
			providers();
			let id = ask(OutputKind::Label, callback(contract));
			let prepaid = Oracle::callback_fee(gas());
			let treasury = free(TREASURY);
			let answered_before = free(REQUESTER);
			settle(id, &|_, _| encode_label(7).to_vec());
			let used = sp_runtime::Perbill::from_percent(used_percent) * gas();
			let fee = fee_for(used);
			assert!(oracle_events().contains(&OracleEvent::CallbackFailed {
				request: id,
				reason,
				gas_used: used,
				fee
			}));
			// The treasury got the fee (and the protocol fee and usage cut); the requester the
			// unused rest of the prepaid fee.
			let protocol = 3 * PRICE / 20;
			assert_eq!(free(TREASURY), treasury + fee + protocol + MODEL_FEE / 10);
			let job_deposit = pallet_compute_market::Pallet::<Test>::job_deposit();
			assert_eq!(
				free(REQUESTER),
				answered_before + BUDGET + job_deposit - 3 * PRICE - protocol - MODEL_FEE + prepaid
					- fee
			);
		});
	}
}

#[test]
fn callbacks_wait_for_spare_weight_and_keep_their_order() {
	new_test_ext().execute_with(|| {
		providers();
		let ids: Vec<_> = (0..3).map(|_| ask(OutputKind::Label, callback(CONTRACT_OK))).collect();
		// Serve with idle blocks too small for a callback: all answered, none delivered.
		for _ in 0..20 {
			serve(&|_, _| encode_label(3).to_vec());
			run_to_block_with_idle(System::block_number() + 1, gas());
		}
		assert!(ids.iter().all(Answers::<Test>::contains_key));
		assert!(calls().is_empty());
		assert_eq!(CallbackQueueBounds::<Test>::get(), (0, 3));
		// A whole idle block: at most `MaxCallbacksPerBlock` (2), in order.
		run_to_block(System::block_number() + 1);
		let called: Vec<RequestId> = calls()
			.iter()
			.map(|(_, _, input, _)| u64::from_le_bytes(input[4..12].try_into().unwrap()))
			.collect();
		// In the order they were answered.
		let answered: Vec<RequestId> = oracle_events()
			.iter()
			.filter_map(|e| match e {
				OracleEvent::Answered { request, .. } => Some(*request),
				_ => None,
			})
			.collect();
		assert_eq!(called, answered[..2].to_vec());
		// The pending one's answer cannot be removed yet.
		assert_noop!(
			Oracle::remove_answer(RuntimeOrigin::signed(REQUESTER), answered[2]),
			Error::<Test>::CallbackPending
		);
		run_to_block(System::block_number() + 1);
		assert_eq!(calls().len(), 3);
		for id in ids {
			assert_ok!(Oracle::remove_answer(RuntimeOrigin::signed(REQUESTER), id));
		}
	});
}

#[test]
fn requests_are_checked() {
	new_test_ext().execute_with(|| {
		let too_much = CallbackSpec {
			contract: CONTRACT_OK,
			selector: SELECTOR,
			gas_limit: <Test as crate::Config>::MaxCallbackGas::get()
				.saturating_add(Weight::from_parts(1, 0)),
		};
		assert_noop!(
			Oracle::request(
				RuntimeOrigin::signed(REQUESTER),
				question(OutputKind::Label),
				Some(too_much)
			),
			Error::<Test>::CallbackGasTooHigh
		);
		assert_noop!(
			Oracle::request(
				RuntimeOrigin::signed(REQUESTER),
				question(OutputKind::Scalar { decimals: 39, tolerance: 0 }),
				None
			),
			Error::<Test>::TooManyDecimals
		);
		// The market's checks apply: a quorum of at least half, a budget that covers the pay,
		// a usable model.
		let mut bad = question(OutputKind::Label);
		bad.quorum = 1;
		assert_noop!(
			Oracle::request(RuntimeOrigin::signed(REQUESTER), bad, None),
			pallet_compute_market::Error::<Test>::InvalidRedundancy
		);
		let mut poor = question(OutputKind::Label);
		poor.max_budget = 3 * PRICE;
		assert_noop!(
			Oracle::request(RuntimeOrigin::signed(REQUESTER), poor, None),
			pallet_compute_market::Error::<Test>::BidTooHigh
		);
		MODEL_USABLE.with(|u| *u.borrow_mut() = false);
		assert_noop!(
			Oracle::request(RuntimeOrigin::signed(REQUESTER), question(OutputKind::Label), None),
			DispatchError::Other("unusable")
		);
	});
}

fn feed_events(feed: FeedId) -> (u32, u32) {
	let answered = oracle_events()
		.iter()
		.filter(|e| matches!(e, OracleEvent::FeedAnswered { feed: f, .. } if *f == feed))
		.count() as u32;
	let failed = oracle_events()
		.iter()
		.filter(|e| matches!(e, OracleEvent::RoundFailed { feed: f, .. } if *f == feed))
		.count() as u32;
	(answered, failed)
}

#[test]
fn a_feed_with_period_10_delivers_5_answers() {
	new_test_ext().execute_with(|| {
		providers();
		let before = free(REQUESTER);
		let issuance = Balances::total_issuance();
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Scalar { decimals: 0, tolerance: 1 }),
			callback(CONTRACT_OK),
			10,
			5
		));
		let prepaid = Oracle::callback_fee(gas());
		let round_fee = Feeds::<Test>::get(0).unwrap().round_fee;
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 4 * (BUDGET + round_fee));
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 5 * prepaid);
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), Oracle::feed_deposit());
		// Each round's providers answer the block it started in.
		serve_until(60, &|_, job| encode_scalar(job as i128 * 10).to_vec());
		assert_eq!(feed_events(0), (5, 0));
		let latest = FeedAnswers::<Test>::get(0).expect("latest");
		assert_eq!(latest.value.to_vec(), encode_scalar(latest.job as i128 * 10).to_vec());
		// The rounds were 10 blocks apart.
		let started: Vec<RequestId> = oracle_events()
			.iter()
			.filter_map(|e| match e {
				OracleEvent::RoundStarted { request, .. } => Some(*request),
				_ => None,
			})
			.collect();
		assert_eq!(started.len(), 5);
		assert_eq!(calls().len(), 5);
		let feed = Feeds::<Test>::get(0).unwrap();
		assert_eq!((feed.rounds_left, feed.in_flight), (0, 0));
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 0);
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 0);
		// Done, it stays readable until its owner removes it.
		assert_noop!(
			Oracle::cancel_feed(RuntimeOrigin::signed(OTHER), 0),
			Error::<Test>::NotFeedOwner
		);
		assert_ok!(Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0));
		assert!(oracle_events().contains(&OracleEvent::FeedRemoved { feed: 0 }));
		assert!(!FeedAnswers::<Test>::contains_key(0));
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), 0);
		// Five rounds, each: 3 providers, the protocol fee, the usage fee, the callback.
		let round = 3 * PRICE
			+ 3 * PRICE / 20
			+ MODEL_FEE
			+ fee_for(sp_runtime::Perbill::from_percent(40) * gas());
		assert_eq!(free(REQUESTER), before - 5 * round - 4 * round_fee);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_noop!(
			Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0),
			Error::<Test>::FeedNotFound
		);
	});
}

#[test]
fn cancelling_a_feed_refunds_its_rounds_left_and_removes_it_after_its_round_in_flight() {
	new_test_ext().execute_with(|| {
		providers();
		let before = free(REQUESTER);
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			callback(CONTRACT_OK),
			10,
			4
		));
		let prepaid = Oracle::callback_fee(gas());
		let round_fee = Feeds::<Test>::get(0).unwrap().round_fee;
		assert_ok!(Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0));
		assert!(oracle_events().contains(&OracleEvent::FeedCancelled {
			feed: 0,
			refunded: 3 * (BUDGET + round_fee) + 3 * prepaid
		}));
		assert_noop!(
			Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0),
			Error::<Test>::FeedCancelled
		);
		assert!(Feeds::<Test>::get(0).unwrap().cancelled);
		// The first round still runs to its end, answered and called back; then the feed goes.
		serve_until(30, &|_, _| encode_label(4).to_vec());
		assert_eq!(feed_events(0), (1, 0));
		assert!(!Feeds::<Test>::contains_key(0));
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), 0);
		let round = 3 * PRICE
			+ 3 * PRICE / 20
			+ MODEL_FEE
			+ fee_for(sp_runtime::Perbill::from_percent(40) * gas());
		assert_eq!(free(REQUESTER), before - round);
	});
}

#[test]
fn a_round_that_cannot_be_posted_fails_by_name_and_is_refunded() {
	new_test_ext().execute_with(|| {
		providers();
		let before = free(REQUESTER);
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			None,
			5,
			2
		));
		// The model is withdrawn before the second round.
		serve_until(4, &|_, _| encode_label(1).to_vec());
		MODEL_USABLE.with(|u| *u.borrow_mut() = false);
		serve_until(20, &|_, _| encode_label(1).to_vec());
		// (An event's `DispatchError::Other` keeps no message once stored.)
		assert!(oracle_events().contains(&OracleEvent::RoundFailed {
			feed: 0,
			request: None,
			reason: RoundFailure::NotPosted(DispatchError::Other(""))
		}));
		assert_eq!(feed_events(0), (1, 1));
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 0);
		let round_fee = Feeds::<Test>::get(0).unwrap().round_fee;
		assert_ok!(Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0));
		assert_eq!(free(REQUESTER), before - (3 * PRICE + 3 * PRICE / 20 + MODEL_FEE) - round_fee);
	});
}

#[test]
fn a_feed_keeps_at_most_max_rounds_in_flight_and_its_waiting_round_takes_no_place_in_the_hook() {
	new_test_ext().execute_with(|| {
		providers();
		// Period 3 (the matching window) and providers that apply but never commit: each round
		// lives 15 blocks (matching 3, draw 2, execution 10), so rounds pile up to
		// `MaxRoundsInFlight` (2), and the third waits, out of the queue.
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			None,
			3,
			4
		));
		for block in 2..=8 {
			apply_to_open_jobs();
			run_to_block(block);
		}
		let feed = Feeds::<Test>::get(0).unwrap();
		assert_eq!((feed.in_flight, feed.parked), (2, true));
		assert!(oracle_events().contains(&OracleEvent::RoundWaits { feed: 0 }));
		assert_eq!(FeedQueue::<Test>::iter().count(), 0, "a waiting feed is not queued");
		// The first round's providers miss their commitments (slashed): it closes, and the
		// waiting round starts in the next block.
		for block in 9..=80 {
			apply_to_open_jobs();
			run_to_block(block);
		}
		let (answered, failed) = feed_events(0);
		assert_eq!((answered, failed), (0, 4));
		let feed = Feeds::<Test>::get(0).unwrap();
		assert_eq!((feed.rounds_left, feed.in_flight, feed.parked), (0, 0, false));
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 0);
	});
}

#[test]
fn a_parked_feed_cancelled_refunds_its_rounds_and_goes_when_its_rounds_close() {
	new_test_ext().execute_with(|| {
		providers();
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			callback(CONTRACT_OK),
			3,
			4
		));
		let round_fee = Feeds::<Test>::get(0).unwrap().round_fee;
		let prepaid = Oracle::callback_fee(gas());
		// Providers apply to every round and answer none until the feed is parked.
		for block in 2..=8 {
			apply_to_open_jobs();
			run_to_block(block);
			Oracle::do_try_state().unwrap();
		}
		assert!(Feeds::<Test>::get(0).unwrap().parked);
		// Two rounds left (one due and waiting, one later): refunded with their fees.
		assert_ok!(Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0));
		assert!(oracle_events().contains(&OracleEvent::FeedCancelled {
			feed: 0,
			refunded: 2 * (BUDGET + round_fee) + 2 * prepaid
		}));
		let feed = Feeds::<Test>::get(0).unwrap();
		assert_eq!(
			(feed.parked, feed.cancelled, feed.rounds_left, feed.in_flight),
			(false, true, 0, 2)
		);
		Oracle::do_try_state().unwrap();
		// The two rounds in flight are answered (their callbacks delivered): then the feed goes.
		for _ in 0..30 {
			serve(&|_, _| encode_label(1).to_vec());
			run_to_block(System::block_number() + 1);
			Oracle::do_try_state().unwrap();
		}
		assert_eq!(feed_events(0), (2, 0));
		assert_eq!(calls().len(), 2);
		assert!(!Feeds::<Test>::contains_key(0));
		assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), 0);
		assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 0);
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 0);
	});
}

#[test]
fn later_rounds_pay_the_hook_for_starting_them() {
	new_test_ext().execute_with(|| {
		let treasury = free(TREASURY);
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			None,
			3,
			3
		));
		let round_fee = Feeds::<Test>::get(0).unwrap().round_fee;
		assert_eq!(round_fee, MockWeightToFee::weight_to_fee(&Oracle::round_weight()));
		assert!(round_fee > 0);
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 2 * (BUDGET + round_fee));
		// Nobody answers: the rounds fail, but the two the hook started paid for it.
		run_to_block(30);
		assert_eq!(feed_events(0), (0, 3));
		assert_eq!(free(TREASURY), treasury + 2 * round_fee);
		assert_eq!(held(HoldReason::FeedBudget, REQUESTER), 0);
	});
}

#[test]
fn cancelling_a_feed_with_a_round_in_flight_unqueues_its_next_round() {
	new_test_ext().execute_with(|| {
		providers();
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Label),
			None,
			3,
			5
		));
		assert_eq!(FeedQueue::<Test>::iter().count(), 1);
		assert_ok!(Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 0));
		assert_eq!(FeedQueue::<Test>::iter().count(), 0);
		// Past the round's due block, nothing starts; the round in flight ends (no providers)
		// and the feed goes.
		run_to_block(20);
		assert_eq!(feed_events(0), (0, 1));
		assert!(!Feeds::<Test>::contains_key(0));
	});
}

#[test]
fn a_feeds_latest_answer_is_its_latest_rounds() {
	new_test_ext().execute_with(|| {
		providers();
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::signed(REQUESTER),
			question(OutputKind::Scalar { decimals: 0, tolerance: 0 }),
			None,
			3,
			2
		));
		let first = pallet_compute_market::NextJobId::<Test>::get() - 1;
		let answer = |_: AccountId, job: RequestId| encode_scalar(job as i128).to_vec();
		// The first round's providers apply and wait; the second round is decided first.
		while !Jobs::<Test>::contains_key(first + 1) {
			serve_where(
				&|id| id == first && Jobs::<Test>::get(id).unwrap().status == JobStatus::Open,
				&answer,
			);
			run_to_block(System::block_number() + 1);
		}
		while Jobs::<Test>::contains_key(first + 1) {
			serve_where(&|id| id == first + 1, &answer);
			run_to_block(System::block_number() + 1);
		}
		assert!(Jobs::<Test>::contains_key(first), "the first round is still open");
		settle(first, &answer);
		assert_eq!(FeedAnswers::<Test>::get(0).unwrap().job, first + 1);
		assert_eq!(feed_events(0), (2, 0));
	});
}

#[test]
fn feeds_are_checked() {
	new_test_ext().execute_with(|| {
		let q = || question(OutputKind::Label);
		assert_noop!(
			Oracle::create_feed(RuntimeOrigin::signed(REQUESTER), q(), None, 0, 3),
			Error::<Test>::InvalidPeriod
		);
		// Shorter than the matching window: no round could be answered in time.
		assert_noop!(
			Oracle::create_feed(RuntimeOrigin::signed(REQUESTER), q(), None, 2, 3),
			Error::<Test>::InvalidPeriod
		);
		assert_noop!(
			Oracle::create_feed(RuntimeOrigin::signed(REQUESTER), q(), None, 5, 0),
			Error::<Test>::InvalidRounds
		);
		assert_noop!(
			Oracle::create_feed(RuntimeOrigin::signed(REQUESTER), q(), None, 5, 11),
			Error::<Test>::InvalidRounds
		);
		// The first round is posted at once, so the market's refusal is the feed's.
		MODEL_USABLE.with(|u| *u.borrow_mut() = false);
		assert_noop!(
			Oracle::create_feed(RuntimeOrigin::signed(REQUESTER), q(), None, 5, 3),
			DispatchError::Other("unusable")
		);
		assert_noop!(
			Oracle::cancel_feed(RuntimeOrigin::signed(REQUESTER), 9),
			Error::<Test>::FeedNotFound
		);
	});
}

#[test]
fn the_quote_covers_what_a_request_costs() {
	new_test_ext().execute_with(|| {
		let quote = Oracle::quote(model_ref(), 3, PRICE, Some(gas())).unwrap();
		assert_eq!(quote.budget, 3 * PRICE + 3 * PRICE / 20 + MODEL_FEE);
		assert_eq!(quote.callback_fee, Oracle::callback_fee(gas()));
		assert_eq!(quote.deposit, Oracle::request_deposit());
		let mut exact = question(OutputKind::Label);
		exact.max_budget = quote.budget;
		assert_ok!(Oracle::request(RuntimeOrigin::signed(REQUESTER), exact, None));
	});
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]

	/// Whatever the providers answer and whatever the callback does, every outcome pays or
	/// refunds exactly: the requester loses only what the providers (the agreeing ones), the
	/// protocol, the model and the callback were paid; nobody gains from a slash but the
	/// treasury; no money is created or destroyed; the books hold.
	#[test]
	fn every_outcome_pays_or_refunds_exactly(
		labels in proptest::collection::vec(0u32..3, 3),
		contract in prop_oneof![Just(CONTRACT_OK), Just(CONTRACT_REVERTS), Just(CONTRACT_GREEDY), Just(9u64)],
		with_callback in any::<bool>(),
	) {
		new_test_ext().execute_with(|| {
			providers();
			let issuance = Balances::total_issuance();
			let before = free(REQUESTER);
			let id = ask(OutputKind::Label, with_callback.then(|| callback(contract)).flatten());
			let draws: Vec<AccountId> = vec![P1, P2, P3];
			settle(id, &|who, _| {
				let i = draws.iter().position(|p| *p == who).unwrap();
				encode_label(labels[i]).to_vec()
			});
			run_to_block(System::block_number() + 1);
			assert_eq!(Balances::total_issuance(), issuance);
			let fee: Balance = oracle_events()
				.iter()
				.filter_map(|e| match e {
					OracleEvent::CallbackDelivered { fee, .. } |
					OracleEvent::CallbackFailed { fee, .. } => Some(*fee),
					_ => None,
				})
				.sum();
			match Answers::<Test>::get(id) {
				Some(answer) => {
					let paid = answer.providers.len() as Balance;
					let spent = paid * PRICE + paid * PRICE / 20 + MODEL_FEE + fee;
					assert_eq!(free(REQUESTER), before - spent - answer.deposit);
					assert!(paid >= 2);
				},
				None => {
					assert_eq!(fee, 0);
					assert_eq!(free(REQUESTER), before);
				},
			}
			assert_eq!(held(HoldReason::CallbackFee, REQUESTER), 0);
			Oracle::do_try_state().unwrap();
		});
	}
}
