//! The contracts chain extension, driven by a real contract: a tiny WAT contract forwards its
//! input (`id: u32 LE ++ payload`) to `seal_call_chain_extension` and returns
//! `status: u32 LE ++ output`, so each test speaks the ABI of `deai_primitives::contracts`
//! byte for byte, as an ink! contract would. A second WAT contract calls the first read-only.

mod common;

use codec::{Decode, Encode};
use common::{
	accounts::{alice, bob, charlie},
	fixtures::{cpu_capabilities, inference_job, text},
	preset_ext,
};
use deai_primitives::{
	contracts::{
		call_id, func, module_error_code, vectors, JobState, ModelVersionInfo, ModelVersionQuery,
		OracleAnswer, OracleState, Status, EXTENSION_ID, MAX_INPUT_LEN,
	},
	ContentHash, DatasetVersionRef, JobId, ModelVersionRef,
};
use deai_runtime::{
	AccountId, Balance, Balances, ComputeMarket, Contracts, ModelRegistry, Runtime,
	RuntimeHoldReason, RuntimeOrigin, System, UNIT,
};
use frame_support::{
	assert_ok,
	traits::{fungible::InspectHold, Get},
	weights::Weight,
	BoundedVec,
};
use pallet_compute_market::{
	Error as MarketError, Event as MarketEvent, FailureReason, HoldReason, JobKind, JobSpec,
	JobStatus, MatchingMode, Requirements, VerificationMode,
};
use pallet_contracts::{CollectEvents, DebugInfo, Determinism};
use pallet_model_registry::{Licence, ModelFormat};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_runtime::{DispatchError, ModuleError, Perbill};

/// Forwards its input to the chain extension and returns the status code and the output.
const PROXY_WAT: &str = r#"
(module
	(import "seal0" "seal_input" (func $input (param i32 i32)))
	(import "seal0" "seal_return" (func $return (param i32 i32 i32)))
	(import "seal0" "call_chain_extension" (func $extension (param i32 i32 i32 i32 i32) (result i32)))
	(import "env" "memory" (memory 1 1))
	;; 0: input length, 4: output length, 16: input (id ++ payload), 32768: status ++ output
	(func (export "deploy"))
	(func (export "call")
		(i32.store (i32.const 0) (i32.const 16384))
		(call $input (i32.const 16) (i32.const 0))
		(i32.store (i32.const 4) (i32.const 16384))
		(i32.store (i32.const 32768)
			(call $extension
				(i32.load (i32.const 16))
				(i32.const 20)
				(i32.sub (i32.load (i32.const 0)) (i32.const 4))
				(i32.const 32772)
				(i32.const 4)))
		(call $return (i32.const 0) (i32.const 32768) (i32.add (i32.load (i32.const 4)) (i32.const 4)))
	)
)
"#;

/// Calls the contract whose address starts its input (`callee: [u8; 32] ++ payload`) read-only,
/// with the rest of its input, and returns what the callee returns (a tail call).
const READ_ONLY_CALLER_WAT: &str = r#"
(module
	(import "seal0" "seal_input" (func $input (param i32 i32)))
	(import "seal2" "call" (func $call (param i32 i32 i64 i64 i32 i32 i32 i32 i32 i32) (result i32)))
	(import "env" "memory" (memory 1 1))
	;; 0: input length, 16: the value sent (0), 64: input (callee ++ payload)
	(func (export "deploy"))
	(func (export "call")
		(i32.store (i32.const 0) (i32.const 16384))
		(call $input (i32.const 64) (i32.const 0))
		;; Flags READ_ONLY | TAIL_CALL, all the gas left, no deposit limit, no output buffer.
		(if (call $call
				(i32.const 20)
				(i32.const 64)
				(i64.const 0)
				(i64.const 0)
				(i32.const -1)
				(i32.const 16)
				(i32.const 96)
				(i32.sub (i32.load (i32.const 0)) (i32.const 32))
				(i32.const -1)
				(i32.const 0))
			(then unreachable))
	)
)
"#;

const GAS: Weight = Weight::from_parts(500_000_000_000, 4 * 1024 * 1024);
const ENDOWMENT: Balance = 1_000 * UNIT;

/// Uploads and instantiates the proxy contract (Alice endows it), returning its account.
fn deploy_proxy() -> AccountId {
	deploy(PROXY_WAT, ENDOWMENT)
}

/// Uploads and instantiates a WAT contract, Alice sending it `endowment`; its account.
fn deploy(wat: &str, endowment: Balance) -> AccountId {
	let wasm = wat::parse_str(wat).expect("valid WAT");
	let result = Contracts::bare_instantiate(
		alice(),
		endowment,
		GAS,
		None,
		pallet_contracts::Code::Upload(wasm),
		Vec::new(),
		Vec::new(),
		DebugInfo::Skip,
		CollectEvents::Skip,
	);
	result.result.expect("the contract instantiates").account_id
}

/// Calls `function` of the extension through the proxy: (status code, output).
fn call_extension(
	contract: &AccountId,
	extension: u16,
	function: u16,
	payload: Vec<u8>,
) -> (u32, Vec<u8>) {
	let id = (u32::from(extension) << 16) | u32::from(function);
	let mut input = id.to_le_bytes().to_vec();
	input.extend(payload);
	let result = Contracts::bare_call(
		alice(),
		contract.clone(),
		0,
		GAS,
		None,
		input,
		DebugInfo::Skip,
		CollectEvents::Skip,
		Determinism::Enforced,
	);
	let data = result.result.expect("the contract does not trap").data;
	let status = u32::from_le_bytes(data[..4].try_into().expect("a status"));
	(status, data[4..].to_vec())
}

fn call(contract: &AccountId, function: u16, payload: Vec<u8>) -> (u32, Vec<u8>) {
	call_extension(contract, EXTENSION_ID, function, payload)
}

/// Calls `function` through the proxy, the proxy being called read-only by `caller`.
fn call_read_only(
	caller: &AccountId,
	proxy: &AccountId,
	function: u16,
	payload: Vec<u8>,
) -> (u32, Vec<u8>) {
	let mut forwarded = proxy.encode();
	forwarded.extend(call_id(function).to_le_bytes());
	forwarded.extend(payload);
	let result = Contracts::bare_call(
		alice(),
		caller.clone(),
		0,
		GAS,
		None,
		forwarded,
		DebugInfo::Skip,
		CollectEvents::Skip,
		Determinism::Enforced,
	);
	let data = result.result.expect("neither contract traps").data;
	let status = u32::from_le_bytes(data[..4].try_into().expect("a status"));
	(status, data[4..].to_vec())
}

/// The status code of one of the market's named errors.
fn code_of(error: MarketError<Runtime>) -> u32 {
	match DispatchError::from(error) {
		DispatchError::Module(ModuleError { index, error, .. }) => {
			module_error_code(index, error[0])
		},
		_ => unreachable!("a pallet error is a module error"),
	}
}

/// What the market holds on `who` for `reason`.
fn held(reason: HoldReason, who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::ComputeMarket(reason), who)
}

/// The job's state as the contract sees it.
fn state(contract: &AccountId, job: JobId) -> JobState {
	let (status, output) = call(contract, func::JOB_STATUS, job.encode());
	assert_eq!(status, Status::Success as u32);
	JobState::decode(&mut &output[..]).expect("a job state")
}

/// The contract posts a fixed-price job (budget 50 DEAI, price 10 DEAI); its id.
fn post_from(contract: &AccountId, model: ModelVersionRef) -> JobId {
	let (status, output) =
		call(contract, func::POST_JOB, fixed_price_job(model, 50 * UNIT, 10 * UNIT).encode());
	assert_eq!(status, Status::Success as u32);
	JobId::decode(&mut &output[..]).expect("a job id")
}

/// Charlie claims the job and submits a result; the result's hash.
fn claim_and_submit(job: JobId) -> ContentHash {
	let result: ContentHash = [9; 32];
	assert_ok!(ComputeMarket::claim_job(RuntimeOrigin::signed(charlie()), job));
	assert_ok!(ComputeMarket::submit_result(
		RuntimeOrigin::signed(charlie()),
		job,
		result,
		text("http://127.0.0.1/output.bin"),
		BoundedVec::new(),
	));
	result
}

/// Bob's model (fee 3 DEAI, all to Bob) with one version, and Charlie as a provider.
fn model_and_provider() -> ModelVersionRef {
	assert_ok!(ModelRegistry::register_model(
		RuntimeOrigin::signed(bob()),
		text("contract-model"),
		text("a model a contract uses"),
		BoundedVec::truncate_from(vec![text("inference")]),
		Licence { spdx: text("MIT"), commercial_use: false, derivatives: true, attribution: false },
		3 * UNIT,
		BoundedVec::truncate_from(vec![(bob(), Perbill::one())]),
	));
	assert_ok!(ModelRegistry::publish_model_version(
		RuntimeOrigin::signed(bob()),
		0,
		[7; 32],
		4096,
		ModelFormat::Onnx,
		text("http://127.0.0.1/model.onnx"),
		text("v1"),
		BoundedVec::new(),
		BoundedVec::new(),
		None,
		Perbill::zero(),
	));
	assert_ok!(ComputeMarket::register_provider(
		RuntimeOrigin::signed(charlie()),
		cpu_capabilities(),
		text("http://127.0.0.1:8080"),
		100 * UNIT,
	));
	ModelVersionRef { model: 0, version: 0 }
}

/// An inference job with `model` at a fixed `price`, which the requester approves.
fn fixed_price_job(model: ModelVersionRef, budget: Balance, price: Balance) -> JobSpec<Runtime> {
	inference_job(Some(model), budget, MatchingMode::FixedPrice { price })
}

#[test]
fn a_contract_reads_a_model_posts_a_job_follows_it_and_accepts_the_result() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();

		// The model version: usable for non-commercial use, not for commercial use (its licence).
		let (status, output) = call(
			&contract,
			func::MODEL_VERSION,
			ModelVersionQuery { version: model, commercial: false }.encode(),
		);
		assert_eq!(status, Status::Success as u32);
		assert_eq!(
			ModelVersionInfo::decode(&mut &output[..]).unwrap(),
			ModelVersionInfo { usable: true, usage_fee: 3 * UNIT }
		);
		let (_, output) = call(
			&contract,
			func::MODEL_VERSION,
			ModelVersionQuery { version: model, commercial: true }.encode(),
		);
		assert!(!ModelVersionInfo::decode(&mut &output[..]).unwrap().usable);

		// The contract posts a job: its own balance funds the escrow.
		let (budget, price) = (50 * UNIT, 10 * UNIT);
		let (status, output) =
			call(&contract, func::POST_JOB, fixed_price_job(model, budget, price).encode());
		assert_eq!(status, Status::Success as u32);
		let job = JobId::decode(&mut &output[..]).unwrap();
		let posted = pallet_compute_market::Jobs::<Runtime>::get(job).expect("the job exists");
		assert_eq!(posted.requester, contract);
		assert!(
			Balances::total_balance_on_hold(&contract) >= budget,
			"the budget is held on the contract"
		);
		let state = |job: JobId| {
			let (status, output) = call(&contract, func::JOB_STATUS, job.encode());
			assert_eq!(status, Status::Success as u32);
			JobState::decode(&mut &output[..]).unwrap()
		};
		assert_eq!(state(job), JobState::Open);

		// Charlie claims and runs it.
		assert_ok!(ComputeMarket::claim_job(RuntimeOrigin::signed(charlie()), job));
		assert_eq!(state(job), JobState::Assigned);
		let result: ContentHash = [9; 32];
		assert_ok!(ComputeMarket::submit_result(
			RuntimeOrigin::signed(charlie()),
			job,
			result,
			text("http://127.0.0.1/output.bin"),
			BoundedVec::new(),
		));
		assert_eq!(state(job), JobState::Submitted { result_hash: result });

		// The contract accepts: Charlie and Bob are paid, the rest returns to the contract.
		let (charlie_before, bob_before) =
			(Balances::free_balance(charlie()), Balances::free_balance(bob()));
		let contract_before = Balances::free_balance(&contract);
		let (status, output) = call(&contract, func::ACCEPT_RESULT, job.encode());
		assert_eq!(status, Status::Success as u32);
		assert!(output.is_empty());
		assert_eq!(state(job), JobState::Completed { result_hash: result });
		assert_eq!(Balances::free_balance(charlie()) - charlie_before, price);
		// The usage fee but the protocol's cut (to the treasury) goes into the model version's
		// royalty pot, where Bob, its only contributor, claims it.
		let cut =
			<Runtime as pallet_model_registry::Config>::UsageFeeCut::get().mul_floor(3 * UNIT);
		let version = pallet_model_registry::VersionRef::Model(model);
		let bob_payee = pallet_model_registry::RoyaltyPayee::Account(bob());
		assert_eq!(ModelRegistry::royalties_owed(&version, &bob_payee), Ok(3 * UNIT - cut));
		assert_ok!(ModelRegistry::claim_royalties(
			RuntimeOrigin::signed(bob()),
			version,
			bob_payee
		));
		assert_eq!(Balances::free_balance(bob()) - bob_before, 3 * UNIT - cut);
		let fee = posted.protocol_fee.mul_floor(price);
		let released = Balances::free_balance(&contract) - contract_before;
		assert!(
			released >= budget - price - 3 * UNIT - fee,
			"the unspent budget returns to the contract"
		);
		System::assert_has_event(deai_runtime::RuntimeEvent::ComputeMarket(
			pallet_compute_market::Event::JobSettled {
				job,
				result_hash: result,
				paid_to_providers: price,
				protocol_fee: fee,
				usage_fees: 3 * UNIT,
				refunded: budget - price - fee - 3 * UNIT,
			},
		));

		// The contract removes the receipt: its deposit comes back, nothing stays held.
		let receipt = pallet_compute_market::Receipts::<Runtime>::get(job).expect("a receipt");
		assert_eq!(receipt.requester, contract);
		let contract_before = Balances::free_balance(&contract);
		let (status, output) = call(&contract, func::REMOVE_RECEIPT, job.encode());
		assert_eq!((status, output), (Status::Success as u32, Vec::new()));
		System::assert_has_event(MarketEvent::ReceiptRemoved { job }.into());
		assert_eq!(Balances::free_balance(&contract) - contract_before, receipt.deposit);
		assert_eq!(held(HoldReason::StorageDeposit, &contract), 0);
		assert_eq!(held(HoldReason::JobEscrow, &contract), 0);
		assert_eq!(call(&contract, func::JOB_STATUS, job.encode()).0, Status::NotFound as u32);
	});
}

#[test]
fn a_contract_cancels_its_open_job_and_removes_the_receipt_getting_everything_back() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();
		let free_before = Balances::free_balance(&contract);
		let job = post_from(&contract, model);
		let deposit = pallet_compute_market::Jobs::<Runtime>::get(job).expect("a job").deposit;
		assert_eq!(held(HoldReason::JobEscrow, &contract), 50 * UNIT);
		assert_eq!(held(HoldReason::StorageDeposit, &contract), deposit);

		// Cancelled: the budget comes back, the receipt keeps the deposit.
		let (status, output) = call(&contract, func::CANCEL_JOB, job.encode());
		assert_eq!((status, output), (Status::Success as u32, Vec::new()));
		System::assert_has_event(
			MarketEvent::JobFailed { job, reason: FailureReason::Cancelled, refunded: 50 * UNIT }
				.into(),
		);
		assert_eq!(state(&contract, job), JobState::Failed);
		assert_eq!(held(HoldReason::JobEscrow, &contract), 0);
		assert_eq!(Balances::free_balance(&contract), free_before - deposit);

		// The receipt removed: the deposit comes back too.
		let (status, _) = call(&contract, func::REMOVE_RECEIPT, job.encode());
		assert_eq!(status, Status::Success as u32);
		System::assert_has_event(MarketEvent::ReceiptRemoved { job }.into());
		assert!(pallet_compute_market::Receipts::<Runtime>::get(job).is_none());
		assert_eq!(held(HoldReason::StorageDeposit, &contract), 0);
		assert_eq!(Balances::free_balance(&contract), free_before);
	});
}

#[test]
fn a_contract_disputes_a_bad_result_and_gets_budget_and_bond_back_when_the_provider_lost() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();
		let free_before = Balances::free_balance(&contract);
		let job = post_from(&contract, model);
		let result = claim_and_submit(job);
		assert_eq!(state(&contract, job), JobState::Submitted { result_hash: result });

		// The contract disputes: the bond is held from it and the result no longer stands.
		let bond: Balance = <Runtime as pallet_compute_market::Config>::DisputeBond::get();
		let (status, output) = call(&contract, func::DISPUTE_RESULT, job.encode());
		assert_eq!((status, output), (Status::Success as u32, Vec::new()));
		System::assert_has_event(MarketEvent::JobDisputed { job, bond }.into());
		assert_eq!(state(&contract, job), JobState::Disputed);
		assert_eq!(held(HoldReason::DisputeBond, &contract), bond);
		let job_record = pallet_compute_market::Jobs::<Runtime>::get(job).expect("a job");
		assert_eq!(job_record.status, JobStatus::Disputed);
		assert_eq!(job_record.dispute_bond, bond);
		// Disputed, it can no longer be accepted.
		assert_eq!(
			call(&contract, func::ACCEPT_RESULT, job.encode()).0,
			code_of(MarketError::NotSubmitted)
		);

		// The arbiter finds the provider at fault: budget and bond come back in full.
		assert_ok!(ComputeMarket::resolve_dispute(RuntimeOrigin::root(), job, true));
		assert_eq!(state(&contract, job), JobState::Failed);
		assert_eq!(held(HoldReason::DisputeBond, &contract), 0);
		assert_eq!(held(HoldReason::JobEscrow, &contract), 0);
		assert_eq!(call(&contract, func::REMOVE_RECEIPT, job.encode()).0, Status::Success as u32);
		assert_eq!(Balances::free_balance(&contract), free_before);
	});
}

#[test]
fn remove_receipt_cancel_job_and_dispute_result_answer_errors_with_status_codes() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();
		// Alice's own job, and her receipt of another (cancelled).
		let alice_job = pallet_compute_market::NextJobId::<Runtime>::get();
		for _ in 0..2 {
			assert_ok!(ComputeMarket::post_job(
				RuntimeOrigin::signed(alice()),
				fixed_price_job(model, 50 * UNIT, 10 * UNIT)
			));
		}
		assert_ok!(ComputeMarket::cancel_job(RuntimeOrigin::signed(alice()), alice_job + 1));
		let alice_receipt = alice_job + 1;
		let open = post_from(&contract, model);
		let submitted = post_from(&contract, model);
		claim_and_submit(submitted);

		for function in [func::REMOVE_RECEIPT, func::CANCEL_JOB, func::DISPUTE_RESULT] {
			// Input that is not a job id.
			assert_eq!(call(&contract, function, vec![1, 2]).0, Status::InvalidInput as u32);
			assert_eq!(call(&contract, function, vec![0; 9]).0, Status::InvalidInput as u32);
		}
		// REMOVE_RECEIPT: no receipt (none ever, or the job has not ended), not the requester.
		assert_eq!(
			call(&contract, func::REMOVE_RECEIPT, 42u64.encode()).0,
			code_of(MarketError::ReceiptNotFound)
		);
		assert_eq!(
			call(&contract, func::REMOVE_RECEIPT, open.encode()).0,
			code_of(MarketError::ReceiptNotFound)
		);
		assert_eq!(
			call(&contract, func::REMOVE_RECEIPT, alice_receipt.encode()).0,
			code_of(MarketError::NotRequester)
		);
		// CANCEL_JOB: no job, not the requester, no longer open.
		assert_eq!(
			call(&contract, func::CANCEL_JOB, 42u64.encode()).0,
			code_of(MarketError::JobNotFound)
		);
		assert_eq!(
			call(&contract, func::CANCEL_JOB, alice_job.encode()).0,
			code_of(MarketError::NotRequester)
		);
		assert_eq!(
			call(&contract, func::CANCEL_JOB, submitted.encode()).0,
			code_of(MarketError::JobNotOpen)
		);
		// DISPUTE_RESULT: no job, not the requester, no result yet.
		assert_eq!(
			call(&contract, func::DISPUTE_RESULT, 42u64.encode()).0,
			code_of(MarketError::JobNotFound)
		);
		assert_eq!(
			call(&contract, func::DISPUTE_RESULT, alice_job.encode()).0,
			code_of(MarketError::NotRequester)
		);
		assert_eq!(
			call(&contract, func::DISPUTE_RESULT, open.encode()).0,
			code_of(MarketError::NotSubmitted)
		);

		// Nothing changed.
		assert!(pallet_compute_market::Receipts::<Runtime>::get(alice_receipt).is_some());
		let status_of = |job| pallet_compute_market::Jobs::<Runtime>::get(job).map(|j| j.status);
		assert_eq!(status_of(alice_job), Some(JobStatus::Open));
		assert_eq!(status_of(open), Some(JobStatus::Open));
		assert_eq!(status_of(submitted), Some(JobStatus::Submitted));
		assert_eq!(held(HoldReason::DisputeBond, &contract), 0);
	});
}

#[test]
fn a_contract_without_the_dispute_bond_cannot_dispute() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();
		let job = post_from(&contract, model);
		claim_and_submit(job);
		// A second job spends all but half the bond of what the contract can still hold.
		let bond: Balance = <Runtime as pallet_compute_market::Config>::DisputeBond::get();
		let deposit = pallet_compute_market::Jobs::<Runtime>::get(job).expect("a job").deposit;
		let spendable = Balances::free_balance(&contract)
			- <Runtime as pallet_balances::Config>::ExistentialDeposit::get();
		let budget = spendable - deposit - bond / 2;
		let (status, _) =
			call(&contract, func::POST_JOB, fixed_price_job(model, budget, 10 * UNIT).encode());
		assert_eq!(status, Status::Success as u32);

		// The bond cannot be held: a failed dispatch, and the result still awaits acceptance.
		let (status, _) = call(&contract, func::DISPUTE_RESULT, job.encode());
		assert_eq!(status, Status::DispatchFailed as u32);
		assert_eq!(held(HoldReason::DisputeBond, &contract), 0);
		assert!(matches!(state(&contract, job), JobState::Submitted { .. }));
	});
}

#[test]
fn state_changes_are_refused_in_a_read_only_call() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let caller = deploy(READ_ONLY_CALLER_WAT, UNIT);
		let model = model_and_provider();
		let open = post_from(&contract, model);
		let submitted = post_from(&contract, model);
		claim_and_submit(submitted);
		let ended = post_from(&contract, model);
		assert_eq!(call(&contract, func::CANCEL_JOB, ended.encode()).0, Status::Success as u32);
		let next_job = pallet_compute_market::NextJobId::<Runtime>::get();
		let free_before = Balances::free_balance(&contract);

		// Reads work read-only.
		let (status, output) = call_read_only(&caller, &contract, func::JOB_STATUS, open.encode());
		assert_eq!(status, Status::Success as u32);
		assert_eq!(JobState::decode(&mut &output[..]).unwrap(), JobState::Open);

		// Every state change is refused, whether it would succeed or not.
		let refused = [
			(func::POST_JOB, fixed_price_job(model, 50 * UNIT, 10 * UNIT).encode()),
			(func::ACCEPT_RESULT, submitted.encode()),
			(func::REMOVE_RECEIPT, ended.encode()),
			(func::CANCEL_JOB, open.encode()),
			(func::DISPUTE_RESULT, submitted.encode()),
		];
		for (function, input) in refused {
			assert_eq!(
				call_read_only(&caller, &contract, function, input).0,
				Status::ReadOnly as u32,
				"function {function}"
			);
		}
		assert_eq!(pallet_compute_market::NextJobId::<Runtime>::get(), next_job);
		assert_eq!(state(&contract, open), JobState::Open);
		assert!(matches!(state(&contract, submitted), JobState::Submitted { .. }));
		assert_eq!(state(&contract, ended), JobState::Failed);
		assert_eq!(held(HoldReason::DisputeBond, &contract), 0);
		assert_eq!(Balances::free_balance(&contract), free_before);
	});
}

#[test]
fn bad_input_and_failed_calls_give_status_codes_never_traps() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let contract = deploy_proxy();
		let model = model_and_provider();

		// Another extension, an unknown function.
		assert_eq!(
			call_extension(&contract, 7, func::JOB_STATUS, 0u64.encode()).0,
			Status::UnknownFunction as u32
		);
		assert_eq!(call(&contract, 99, Vec::new()).0, Status::UnknownFunction as u32);
		// Input that is not the function's input type: too short, trailing bytes, too long.
		assert_eq!(call(&contract, func::JOB_STATUS, vec![1, 2]).0, Status::InvalidInput as u32);
		assert_eq!(call(&contract, func::JOB_STATUS, vec![0; 9]).0, Status::InvalidInput as u32);
		assert_eq!(
			call(&contract, func::POST_JOB, vec![0xff; MAX_INPUT_LEN as usize + 1]).0,
			Status::InvalidInput as u32
		);
		assert_eq!(call(&contract, func::POST_JOB, vec![0xff; 64]).0, Status::InvalidInput as u32);
		// Things that do not exist.
		assert_eq!(call(&contract, func::JOB_STATUS, 42u64.encode()).0, Status::NotFound as u32);
		let missing = ModelVersionQuery {
			version: ModelVersionRef { model: 0, version: 5 },
			commercial: false,
		};
		assert_eq!(
			call(&contract, func::MODEL_VERSION, missing.encode()).0,
			Status::NotFound as u32
		);

		// The market's named errors come back as module error codes.
		assert_eq!(
			call(&contract, func::ACCEPT_RESULT, 42u64.encode()).0,
			code_of(pallet_compute_market::Error::JobNotFound)
		);
		assert_eq!(
			code_of(pallet_compute_market::Error::JobNotFound) >> 8,
			0x0100 | 61,
			"pallet 61"
		);
		// A budget beyond the contract's balance.
		let status =
			call(&contract, func::POST_JOB, fixed_price_job(model, 10 * ENDOWMENT, UNIT).encode())
				.0;
		assert_ne!(status, Status::Success as u32);
		assert_eq!(pallet_compute_market::NextJobId::<Runtime>::get(), 0, "no job was posted");
	});
}

/// The runtime's types encode the ABI's example values to the ABI's bytes (`deai_abi::contract::
/// vectors`), as the ink! contract's mirrors must (its test `mirrors_encode_to_the_abi_vectors`):
/// a change to either side's types fails one of the two tests.
#[test]
fn the_extension_types_encode_to_the_abi_vectors() {
	let model = ModelVersionRef { model: 7, version: 2 };
	assert_eq!(
		ModelVersionQuery { version: model, commercial: true }.encode(),
		vectors::MODEL_VERSION_QUERY
	);
	assert_eq!(
		ModelVersionInfo { usable: true, usage_fee: 1_000_000 }.encode(),
		vectors::MODEL_VERSION_INFO
	);
	assert_eq!(
		JobState::Submitted { result_hash: [0xab; 32] }.encode(),
		vectors::JOB_STATE_SUBMITTED
	);
	assert_eq!(JobState::Failed.encode(), vectors::JOB_STATE_FAILED);
	let spec = JobSpec::<Runtime> {
		kind: JobKind::FineTune,
		model: Some(model),
		datasets: BoundedVec::truncate_from(vec![DatasetVersionRef { dataset: 3, version: 1 }]),
		input_hash: [0x11; 32],
		input_uri: text("ipfs://x"),
		requirements: Requirements {
			min_vram_mib: 8,
			min_ram_mib: 1024,
			accelerator: Some(text("cuda")),
			region: Some(49),
			tee_required: true,
			min_reputation: 5,
		},
		commercial: true,
		budget: 40 * UNIT,
		matching_blocks: 50,
		execution_blocks: 60,
		matching: MatchingMode::FixedPrice { price: 10 * UNIT },
		verification: VerificationMode::Redundant { providers: 3, quorum: 2 },
	};
	assert_eq!(spec.encode(), vectors::JOB_SPEC);
	assert_eq!(JobSpec::<Runtime>::decode(&mut &vectors::JOB_SPEC[..]), Ok(spec));
}

// ---------------------------------------------------------------------------------------------
// The AI oracle: asked by a contract, answered by three providers, called back through
// pallet-contracts.
// ---------------------------------------------------------------------------------------------

/// A callee that returns at once.
const CALLEE_OK_WAT: &str = r#"
(module
	(import "env" "memory" (memory 1 1))
	(func (export "deploy"))
	(func (export "call"))
)
"#;

/// A callee that reverts.
const CALLEE_REVERTS_WAT: &str = r#"
(module
	(import "seal0" "seal_return" (func $return (param i32 i32 i32)))
	(import "env" "memory" (memory 1 1))
	(func (export "deploy"))
	(func (export "call") (call $return (i32.const 1) (i32.const 0) (i32.const 0)))
)
"#;

/// A callee that never returns.
const CALLEE_LOOPS_WAT: &str = r#"
(module
	(import "env" "memory" (memory 1 1))
	(func (export "deploy"))
	(func (export "call") (loop $forever (br $forever)))
)
"#;

const SELECTOR: [u8; 4] = [0xde, 0xa1, 0x0a, 0x5e];

/// The hooks an oracle question goes through: the market's deadlines (and its draw's
/// randomness), the oracle's feeds and callbacks.
type OracleHooks = (ComputeMarket, deai_runtime::AiOracle, deai_runtime::RandomnessCollectiveFlip);

/// Ends the current block (`on_idle` with the rest of the block: callbacks) and starts the next
/// (`on_initialize`: deadlines, draws, feed rounds).
fn next_block() {
	use frame_support::traits::{OnIdle, OnInitialize};
	let now = System::block_number();
	let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	<OracleHooks as OnIdle<u32>>::on_idle(now, max / 2);
	let next = now + 1;
	let parent = sp_core::H256::from(sp_io::hashing::blake2_256(&(b"oracle", now).encode()));
	System::initialize(&next, &parent, &Default::default());
	<OracleHooks as OnInitialize<u32>>::on_initialize(next);
}

/// Charlie, Dave and Eve answer job `id` with `answer(provider)`: they claim it, the draw takes
/// them, they commit, then reveal inline (the last reveal settles it).
fn three_providers_answer(id: JobId, answer: impl Fn(&AccountId) -> Vec<u8>) {
	use common::accounts::{dave, eve};
	let providers = [charlie(), dave(), eve()];
	for p in &providers {
		assert_ok!(ComputeMarket::claim_job(RuntimeOrigin::signed(p.clone()), id));
	}
	while pallet_compute_market::Jobs::<Runtime>::get(id).unwrap().status != JobStatus::Assigned {
		next_block();
	}
	for p in &providers {
		let hash = sp_io::hashing::blake2_256(&answer(p));
		assert_ok!(ComputeMarket::commit_result(
			RuntimeOrigin::signed(p.clone()),
			id,
			pallet_compute_market::commitment_of(id, p, &hash, &[5; 32]),
		));
	}
	for p in &providers {
		assert_ok!(ComputeMarket::reveal_inline_result(
			RuntimeOrigin::signed(p.clone()),
			id,
			answer(p),
			[5; 32]
		));
	}
}

fn oracle_question(model: ModelVersionRef) -> pallet_ai_oracle::Question<Runtime> {
	pallet_ai_oracle::Question {
		model,
		input: pallet_ai_oracle::OracleInput::Inline(BoundedVec::truncate_from(vec![1, 2, 3])),
		output: pallet_ai_oracle::OutputKind::Label,
		providers: 3,
		quorum: 2,
		price: UNIT,
		max_budget: 10 * UNIT,
		commercial: false,
	}
}

/// The model, and Charlie, Dave and Eve as providers.
fn model_and_three_providers() -> ModelVersionRef {
	use common::accounts::{dave, eve};
	let model = model_and_provider();
	for p in [dave(), eve()] {
		assert_ok!(ComputeMarket::register_provider(
			RuntimeOrigin::signed(p),
			cpu_capabilities(),
			text("http://127.0.0.1:8080"),
			100 * UNIT,
		));
	}
	model
}

fn oracle_events() -> Vec<pallet_ai_oracle::Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			deai_runtime::RuntimeEvent::AiOracle(e) => Some(e),
			_ => None,
		})
		.collect()
}

#[test]
fn a_contract_asks_the_oracle_reads_the_answer_and_a_contract_is_called_back() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let model = model_and_three_providers();
		let contract = deploy_proxy();
		let callee = deploy(CALLEE_OK_WAT, UNIT);
		let gas_limit = Weight::from_parts(2_000_000_000, 64 * 1024);
		let callback = pallet_ai_oracle::CallbackSpec::<Runtime> {
			contract: callee.clone(),
			selector: SELECTOR,
			gas_limit,
		};
		let (status, output) = call(
			&contract,
			func::ORACLE_REQUEST,
			(oracle_question(model), Some(callback)).encode(),
		);
		assert_eq!(status, Status::Success as u32);
		let id = u64::decode(&mut &output[..]).unwrap();
		let request = pallet_ai_oracle::Requests::<Runtime>::get(id).expect("asked");
		assert_eq!(request.requester, contract, "the contract asked, and pays");
		let prepaid = request.callback.as_ref().unwrap().fee;
		assert_eq!(
			Balances::balance_on_hold(
				&RuntimeHoldReason::AiOracle(pallet_ai_oracle::HoldReason::CallbackFee),
				&contract
			),
			prepaid
		);
		let (status, output) = call(&contract, func::ORACLE_ANSWER, id.encode());
		assert_eq!(status, Status::Success as u32);
		assert_eq!(OracleState::decode(&mut &output[..]).unwrap(), OracleState::Pending);
		// A read-only call may read but not ask.
		let reader = deploy(READ_ONLY_CALLER_WAT, UNIT);
		let (status, _) = call_read_only(
			&reader,
			&contract,
			func::ORACLE_REQUEST,
			(oracle_question(model), None::<pallet_ai_oracle::CallbackSpec<Runtime>>).encode(),
		);
		assert_eq!(status, Status::ReadOnly as u32);

		// Eve lies; Charlie and Dave agree on label 2.
		three_providers_answer(id, |p| {
			deai_abi::oracle::encode_label(if *p == common::accounts::eve() { 1 } else { 2 })
				.to_vec()
		});
		let (status, output) = call(&contract, func::ORACLE_ANSWER, id.encode());
		assert_eq!(status, Status::Success as u32);
		let OracleState::Answered(answer) = OracleState::decode(&mut &output[..]).unwrap() else {
			panic!("answered")
		};
		assert_eq!(answer.value, deai_abi::oracle::encode_label(2).to_vec());
		assert_eq!(answer.providers, 2);
		assert_eq!(answer.royalties, 3 * UNIT);
		// The callback runs in the block's idle time: the contract completes.
		let contract_before = Balances::free_balance(&contract);
		next_block();
		let delivered = oracle_events().into_iter().find_map(|e| match e {
			pallet_ai_oracle::Event::CallbackDelivered { request, gas_used, fee } => {
				Some((request, gas_used, fee))
			},
			_ => None,
		});
		let (request, gas_used, fee) = delivered.expect("called back");
		assert_eq!(request, id);
		assert!(gas_used.all_lte(gas_limit) && gas_used.ref_time() > 0);
		// The fee is the gas used and the overhead at the transaction price; the rest came back.
		assert_eq!(fee, deai_runtime::AiOracle::callback_fee(gas_used));
		assert_eq!(Balances::free_balance(&contract), contract_before + prepaid - fee);
		assert!(!pallet_ai_oracle::Requests::<Runtime>::contains_key(id));
		let books = common::books::check(common::books::OtherHolds::Allowed, |a| format!("{a:?}"));
		assert!(books.is_empty(), "{books:?}");
	});
}

#[test]
fn failed_callbacks_are_recorded_by_reason_and_refund_the_unused_gas() {
	use pallet_ai_oracle::CallbackFailure;
	for (wat, reason) in [
		(Some(CALLEE_REVERTS_WAT), CallbackFailure::Reverted),
		(Some(CALLEE_LOOPS_WAT), CallbackFailure::OutOfGas),
		(None, CallbackFailure::ContractGone),
	] {
		preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let model = model_and_three_providers();
			let callee = match wat {
				Some(wat) => deploy(wat, UNIT),
				None => AccountId::from([0x77; 32]),
			};
			let gas_limit = Weight::from_parts(2_000_000_000, 64 * 1024);
			let id = pallet_compute_market::NextJobId::<Runtime>::get();
			assert_ok!(deai_runtime::AiOracle::request(
				RuntimeOrigin::signed(alice()),
				oracle_question(model),
				Some(pallet_ai_oracle::CallbackSpec {
					contract: callee,
					selector: SELECTOR,
					gas_limit
				}),
			));
			let prepaid = deai_runtime::AiOracle::callback_fee(gas_limit);
			three_providers_answer(id, |_| deai_abi::oracle::encode_label(4).to_vec());
			let before = Balances::free_balance(alice());
			next_block();
			let failed = oracle_events().into_iter().find_map(|e| match e {
				pallet_ai_oracle::Event::CallbackFailed { request, reason, gas_used, fee } => {
					Some((request, reason, gas_used, fee))
				},
				_ => None,
			});
			let (request, got, gas_used, fee) = failed.expect("the callback failed");
			assert_eq!((request, got), (id, reason));
			assert_eq!(fee, deai_runtime::AiOracle::callback_fee(gas_used));
			if reason == CallbackFailure::OutOfGas {
				// All its gas, less what pallet-contracts gives back when it stops the call.
				assert!(gas_used.ref_time() > gas_limit.ref_time() / 100 * 99, "{gas_used:?}");
			}
			// Exactly the unused part of the prepaid fee came back.
			assert_eq!(Balances::free_balance(alice()), before + prepaid - fee);
			// The answer stays readable.
			assert!(matches!(
				deai_runtime::AiOracle::request_state(id),
				pallet_ai_oracle::RequestState::Answered(_)
			));
		});
	}
}

/// The oracle's extension types encode to the ABI's vectors, as the consumer contract's
/// mirrors must.
#[test]
fn the_oracle_extension_types_encode_to_the_abi_vectors() {
	let question = pallet_ai_oracle::Question::<Runtime> {
		model: ModelVersionRef { model: 7, version: 2 },
		input: pallet_ai_oracle::OracleInput::Inline(BoundedVec::truncate_from(vec![1, 2, 3])),
		output: pallet_ai_oracle::OutputKind::Label,
		providers: 3,
		quorum: 2,
		price: 10 * UNIT,
		max_budget: 40 * UNIT,
		commercial: false,
	};
	let callback = Some(pallet_ai_oracle::CallbackSpec::<Runtime> {
		contract: AccountId::from([0x22; 32]),
		selector: SELECTOR,
		gas_limit: Weight::from_parts(5_000_000_000, 65_536),
	});
	assert_eq!((question, callback).encode(), vectors::ORACLE_REQUEST);
	let answered = OracleState::Answered(OracleAnswer {
		value: deai_abi::oracle::encode_label(2).to_vec(),
		answered_at: 42,
		royalties: 1_000_000,
		providers: 2,
	});
	assert_eq!(answered.encode(), vectors::ORACLE_STATE_ANSWERED);
}
