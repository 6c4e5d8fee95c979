//! The contracts chain extension, driven by a real contract: a tiny WAT contract forwards its
//! input (`id: u32 LE ++ payload`) to `seal_call_chain_extension` and returns
//! `status: u32 LE ++ output`, so each test speaks the ABI of `deai_primitives::contracts`
//! byte for byte, as an ink! contract would.

mod common;

use codec::{Decode, Encode};
use common::preset_ext;
use deai_primitives::{
	contracts::{
		func, module_error_code, JobState, ModelVersionInfo, ModelVersionQuery, Status,
		EXTENSION_ID,
	},
	ContentHash, JobId, ModelVersionRef,
};
use deai_runtime::{
	AccountId, Balance, Balances, ComputeMarket, Contracts, ModelRegistry, Runtime, RuntimeOrigin,
	System, UNIT,
};
use frame_support::{assert_ok, traits::fungible::InspectHold, weights::Weight, BoundedVec};
use pallet_compute_market::{
	Capabilities, DeviceClass, JobKind, JobSpec, MatchingMode, Requirements, VerificationMode,
};
use pallet_contracts::{CollectEvents, DebugInfo, Determinism};
use pallet_model_registry::{Licence, ModelFormat};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
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

const GAS: Weight = Weight::from_parts(500_000_000_000, 4 * 1024 * 1024);
const ENDOWMENT: Balance = 1_000 * UNIT;

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}
fn charlie() -> AccountId {
	Sr25519Keyring::Charlie.to_account_id()
}

fn text<S: frame_support::traits::Get<u32>>(s: &str) -> BoundedVec<u8, S> {
	s.as_bytes().to_vec().try_into().expect("short enough")
}

/// Uploads and instantiates the proxy contract (Alice endows it), returning its account.
fn deploy_proxy() -> AccountId {
	let wasm = wat::parse_str(PROXY_WAT).expect("valid WAT");
	let result = Contracts::bare_instantiate(
		alice(),
		ENDOWMENT,
		GAS,
		None,
		pallet_contracts::Code::Upload(wasm),
		Vec::new(),
		Vec::new(),
		DebugInfo::Skip,
		CollectEvents::Skip,
	);
	result.result.expect("the proxy instantiates").account_id
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
		Capabilities {
			device: DeviceClass::Server,
			accelerator: text("cpu"),
			vram_mib: 0,
			ram_mib: 16_384,
			cpu_cores: 8,
			region: 276,
			job_kinds: 0b1111,
			max_concurrent_jobs: 4,
		},
		text("http://127.0.0.1:8080"),
		100 * UNIT,
	));
	ModelVersionRef { model: 0, version: 0 }
}

fn fixed_price_job(model: ModelVersionRef, budget: Balance, price: Balance) -> JobSpec<Runtime> {
	JobSpec {
		kind: JobKind::Inference,
		model: Some(model),
		datasets: BoundedVec::new(),
		input_hash: [1; 32],
		input_uri: text("http://127.0.0.1/input.bin"),
		requirements: Requirements {
			min_vram_mib: 0,
			min_ram_mib: 1024,
			accelerator: None,
			region: None,
			tee_required: false,
			min_reputation: 0,
		},
		commercial: false,
		budget,
		matching_blocks: 20,
		execution_blocks: 20,
		matching: MatchingMode::FixedPrice { price },
		verification: VerificationMode::RequesterApproval,
	}
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
		assert_eq!(Balances::free_balance(bob()) - bob_before, 3 * UNIT);
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
			call(&contract, func::POST_JOB, vec![0xff; 5000]).0,
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
		let code_of =
			|error: pallet_compute_market::Error<Runtime>| match DispatchError::from(error) {
				DispatchError::Module(ModuleError { index, error, .. }) => {
					module_error_code(index, error[0])
				},
				_ => unreachable!("a pallet error is a module error"),
			};
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
