//! DeAI Chain's chain extension: contracts read the model registry, post, follow, accept,
//! dispute and cancel compute jobs and remove their receipts, and ask the AI oracle questions and
//! read its answers, as their own account. The ABI (ids,
//! inputs, outputs, status codes) is [`deai_primitives::contracts`].
//!
//! Weights: the calls that change state are charged the weight of the extrinsic they stand for
//! (its generated weight, then refunded to what it used); reads are charged their storage reads
//! and the proof of the largest records they touch; copying input and output is charged per byte.
//! Bad input never traps: it is answered with a status code.

use crate::{AccountId, Balance, ModelRegistry, Runtime, RuntimeCall, RuntimeOrigin};
use alloc::vec::Vec;
use codec::{DecodeAll, Encode, MaxEncodedLen};
use deai_primitives::{
	contracts::{
		func, module_error_code, JobState, ModelVersionInfo, ModelVersionQuery, OracleAnswer,
		OracleState, Status, EXTENSION_ID, MAX_INPUT_LEN,
	},
	IntendedUse, JobId,
};
use frame_support::{
	dispatch::{extract_actual_weight, GetDispatchInfo},
	weights::Weight,
};
use pallet_compute_market::{Job, JobStatus, Jobs, NextJobId, Outcome, Receipt, Receipts};
use pallet_contracts::chain_extension::{
	ChainExtension, Environment, Ext, InitState, RetVal, State,
};
use sp_runtime::{traits::Dispatchable, DispatchError, ModuleError};

/// Copying one byte between the contract and the extension (generous: a memcpy is far cheaper).
const WEIGHT_PER_BYTE: Weight = Weight::from_parts(10_000, 0);

/// Decoding the input and encoding the output of a read.
const READ_BASE: Weight = Weight::from_parts(10_000_000, 0);

/// The compute market's calls.
type MarketCall = pallet_compute_market::Call<Runtime>;

/// The contracts' way into DeAI Chain.
#[derive(Default)]
pub struct DeaiChainExtension;

/// What a function gives back: its encoded output, or a status code.
type FunctionResult = Result<Vec<u8>, u32>;

impl ChainExtension<Runtime> for DeaiChainExtension {
	fn call<E: Ext<T = Runtime>>(
		&mut self,
		env: Environment<E, InitState>,
	) -> pallet_contracts::chain_extension::Result<RetVal> {
		let (extension, function) = (env.ext_id(), env.func_id());
		let mut env = env.buf_in_buf_out();
		let len = env.in_len();
		if extension != EXTENSION_ID {
			return Ok(status(Status::UnknownFunction as u32));
		}
		if len > MAX_INPUT_LEN {
			return Ok(status(Status::InvalidInput as u32));
		}
		env.charge_weight(WEIGHT_PER_BYTE.saturating_mul(len.into()))?;
		let input = env.read(len)?;
		let outcome = match function {
			func::MODEL_VERSION => {
				env.charge_weight(model_version_weight())?;
				model_version(&input)
			},
			func::JOB_STATUS => {
				env.charge_weight(job_status_weight())?;
				job_status(&input)
			},
			func::POST_JOB => post_job(&mut env, &input)?,
			func::ACCEPT_RESULT => {
				requester_call(&mut env, &input, |job| MarketCall::accept_result { job })?
			},
			func::REMOVE_RECEIPT => {
				requester_call(&mut env, &input, |job| MarketCall::remove_receipt { job })?
			},
			func::CANCEL_JOB => {
				requester_call(&mut env, &input, |job| MarketCall::cancel_job { job })?
			},
			func::DISPUTE_RESULT => {
				requester_call(&mut env, &input, |job| MarketCall::dispute_result { job })?
			},
			func::ORACLE_REQUEST => oracle_request(&mut env, &input)?,
			func::ORACLE_ANSWER => {
				env.charge_weight(oracle_read_weight())?;
				oracle_answer(&input)
			},
			func::FEED_LATEST => {
				env.charge_weight(oracle_read_weight())?;
				feed_latest(&input)
			},
			_ => Err(Status::UnknownFunction as u32),
		};
		match outcome {
			Ok(output) => {
				// A too small output buffer is the contract's bug: it traps, reverting the call.
				env.write(&output, false, Some(WEIGHT_PER_BYTE))?;
				Ok(status(Status::Success as u32))
			},
			Err(code) => Ok(status(code)),
		}
	}
}

fn status(code: u32) -> RetVal {
	RetVal::Converging(code)
}

/// The status code of a failed dispatch: the pallet's named error when there is one.
fn error_code(error: DispatchError) -> u32 {
	match error {
		DispatchError::Module(ModuleError { index, error, .. }) => {
			module_error_code(index, error[0])
		},
		_ => Status::DispatchFailed as u32,
	}
}

fn db_reads(reads: u64, proof: usize) -> Weight {
	<Runtime as frame_system::Config>::DbWeight::get()
		.reads(reads)
		.saturating_add(READ_BASE)
		.saturating_add(Weight::from_parts(0, proof as u64))
}

/// The registry reads the model and the version (and, for the licence, the model again).
fn model_version_weight() -> Weight {
	db_reads(
		3,
		2 * pallet_model_registry::ModelInfo::<Runtime>::max_encoded_len()
			+ pallet_model_registry::ModelVersionInfo::<Runtime>::max_encoded_len(),
	)
}

/// The job, or else its receipt.
fn job_status_weight() -> Weight {
	db_reads(2, Job::<Runtime>::max_encoded_len() + Receipt::<Runtime>::max_encoded_len())
}

fn model_version(input: &[u8]) -> FunctionResult {
	let query =
		ModelVersionQuery::decode_all(&mut &input[..]).map_err(|_| Status::InvalidInput as u32)?;
	let usage_fee =
		<ModelRegistry as deai_primitives::ModelRegistry<AccountId, Balance>>::model_usage_fee(
			&query.version,
		)
		.map_err(|_| Status::NotFound as u32)?;
	let usable =
		<ModelRegistry as deai_primitives::ModelRegistry<AccountId, Balance>>::ensure_model_usable(
			&query.version,
			IntendedUse { commercial: query.commercial, derivative: false },
		)
		.is_ok();
	Ok(ModelVersionInfo { usable, usage_fee }.encode())
}

fn job_status(input: &[u8]) -> FunctionResult {
	let id = JobId::decode_all(&mut &input[..]).map_err(|_| Status::InvalidInput as u32)?;
	let state = if let Some(job) = Jobs::<Runtime>::get(id) {
		match job.status {
			// Drawing a redundant set is the end of matching: still open to a contract.
			JobStatus::Open | JobStatus::Drawing => JobState::Open,
			JobStatus::Assigned => JobState::Assigned,
			JobStatus::Revealing => JobState::Revealing,
			JobStatus::Submitted => JobState::Submitted {
				result_hash: job.assignments.iter().find_map(|a| a.result).unwrap_or_default(),
			},
			JobStatus::Disputed => JobState::Disputed,
		}
	} else if let Some(receipt) = Receipts::<Runtime>::get(id) {
		match receipt.outcome {
			Outcome::Completed { result_hash } => JobState::Completed { result_hash },
			Outcome::Failed { .. } => JobState::Failed,
		}
	} else {
		return Err(Status::NotFound as u32);
	};
	Ok(state.encode())
}

/// An answer, or else the request (and, for a feed's round, its feed's latest answer).
fn oracle_read_weight() -> Weight {
	db_reads(
		3,
		2 * pallet_ai_oracle::Answer::<Runtime>::max_encoded_len()
			+ pallet_ai_oracle::Request::<Runtime>::max_encoded_len(),
	)
}

/// An oracle answer as contracts read it.
fn contract_answer(answer: pallet_ai_oracle::Answer<Runtime>) -> OracleAnswer {
	OracleAnswer {
		value: answer.value.into_inner(),
		answered_at: answer.answered_at,
		royalties: answer.royalties,
		providers: answer.providers.len() as u8,
	}
}

fn oracle_answer(input: &[u8]) -> FunctionResult {
	let id = u64::decode_all(&mut &input[..]).map_err(|_| Status::InvalidInput as u32)?;
	let state = match crate::AiOracle::request_state(id) {
		pallet_ai_oracle::RequestState::Pending => OracleState::Pending,
		pallet_ai_oracle::RequestState::Answered(answer) => {
			OracleState::Answered(contract_answer(answer))
		},
		pallet_ai_oracle::RequestState::Unknown => OracleState::Unknown,
	};
	Ok(state.encode())
}

fn feed_latest(input: &[u8]) -> FunctionResult {
	let id = u64::decode_all(&mut &input[..]).map_err(|_| Status::InvalidInput as u32)?;
	Ok(pallet_ai_oracle::FeedAnswers::<Runtime>::get(id).map(contract_answer).encode())
}

/// The oracle's `request`, made by the contract: its id is the job's the market posts for it.
fn oracle_request<E: Ext<T = Runtime>, S: State>(
	env: &mut Environment<E, S>,
	input: &[u8],
) -> pallet_contracts::chain_extension::Result<FunctionResult> {
	let Ok((question, callback)) = <(
		pallet_ai_oracle::Question<Runtime>,
		Option<pallet_ai_oracle::CallbackSpec<Runtime>>,
	)>::decode_all(&mut &input[..]) else {
		return Ok(Err(Status::InvalidInput as u32));
	};
	let id = NextJobId::<Runtime>::get();
	let call = RuntimeCall::AiOracle(pallet_ai_oracle::Call::request { question, callback });
	Ok(dispatch_as_contract(env, call)?.map(|()| id.encode()))
}

fn post_job<E: Ext<T = Runtime>, S: State>(
	env: &mut Environment<E, S>,
	input: &[u8],
) -> pallet_contracts::chain_extension::Result<FunctionResult> {
	let Ok(spec) = pallet_compute_market::JobSpec::<Runtime>::decode_all(&mut &input[..]) else {
		return Ok(Err(Status::InvalidInput as u32));
	};
	let id = NextJobId::<Runtime>::get();
	let call = RuntimeCall::ComputeMarket(MarketCall::post_job { spec });
	Ok(dispatch_as_contract(env, call)?.map(|()| id.encode()))
}

/// A market call a job's requester makes with the job's id alone (`accept_result`,
/// `remove_receipt`, `cancel_job`, `dispute_result`), made by the contract; it outputs nothing.
fn requester_call<E: Ext<T = Runtime>, S: State>(
	env: &mut Environment<E, S>,
	input: &[u8],
	call: fn(JobId) -> MarketCall,
) -> pallet_contracts::chain_extension::Result<FunctionResult> {
	let Ok(job) = JobId::decode_all(&mut &input[..]) else {
		return Ok(Err(Status::InvalidInput as u32));
	};
	let call = RuntimeCall::ComputeMarket(call(job));
	Ok(dispatch_as_contract(env, call)?.map(|()| Vec::new()))
}

/// Dispatches `call` from the contract's own account, charging the call's weight first and
/// refunding what it did not use. Running out of gas traps (as every host function does).
fn dispatch_as_contract<E: Ext<T = Runtime>, S: State>(
	env: &mut Environment<E, S>,
	call: RuntimeCall,
) -> pallet_contracts::chain_extension::Result<Result<(), u32>> {
	if env.ext().is_read_only() {
		return Ok(Err(Status::ReadOnly as u32));
	}
	let info = call.get_dispatch_info();
	let charged = env.charge_weight(info.call_weight)?;
	let origin = RuntimeOrigin::signed(env.ext().address().clone());
	let result = call.dispatch(origin);
	env.adjust_weight(charged, extract_actual_weight(&result, &info));
	Ok(result.map(|_| ()).map_err(|e| error_code(e.error)))
}
