//! # DeAI Chain ABI
//!
//! The facts that the runtime and the off-chain tools (`deai-worker`, `deai`) must agree on byte
//! for byte, defined once. This crate depends on no Polkadot SDK crate, so the tools can use it
//! without building the runtime's dependencies, and it is `no_std` for the runtime.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

/// A 32-byte hash (a result's or an input's content hash, a salt, a commitment).
pub type Hash32 = [u8; 32];

/// The domain tag of a redundant job's result commitment: no other BLAKE2b-256 preimage on the
/// chain starts with it.
pub const COMMITMENT_DOMAIN: &[u8; 12] = b"deai/commit1";

/// A provider's commitment to a result in a redundant job:
/// `blake2b_256(COMMITMENT_DOMAIN ‖ job (u64, little endian) ‖ provider ‖ result ‖ salt)`.
///
/// It binds the job and the provider's account (its SCALE encoding: the 32 bytes of an
/// `AccountId32`), so a commitment read from another provider, or from another job, cannot be
/// revealed by anybody else: copying one is a commitment to a result the copier cannot open.
pub fn result_commitment(job: u64, provider: &[u8], result: &Hash32, salt: &Hash32) -> Hash32 {
	let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
	state.update(COMMITMENT_DOMAIN);
	state.update(&job.to_le_bytes());
	state.update(provider);
	state.update(result);
	state.update(salt);
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}

/// Federated training's facts that the runtime, the worker and the command line share.
pub mod federated {
	use super::Hash32;

	/// The domain tag of a participant's update commitment.
	pub const UPDATE_DOMAIN: &[u8; 12] = b"deai/flupd1\0";
	/// The domain tag of an evaluator's scores commitment.
	pub const SCORES_DOMAIN: &[u8; 12] = b"deai/flscr1\0";
	/// The domain tag of a round's evaluation-row seed.
	pub const ROWS_DOMAIN: &[u8; 12] = b"deai/flrow1\0";

	fn hash(parts: &[&[u8]]) -> Hash32 {
		let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
		for part in parts {
			state.update(part);
		}
		let mut out = [0u8; 32];
		out.copy_from_slice(state.finalize().as_bytes());
		out
	}

	/// A participant's commitment to its update in a round:
	/// `blake2b_256(UPDATE_DOMAIN ‖ task (u64 LE) ‖ round (u32 LE) ‖ participant ‖ update hash ‖
	/// samples (u32 LE) ‖ salt)`. The account is bound in, so a copied commitment cannot be
	/// revealed by its copier.
	pub fn update_commitment(
		task: u64,
		round: u32,
		participant: &[u8],
		update: &Hash32,
		samples: u32,
		salt: &Hash32,
	) -> Hash32 {
		hash(&[
			UPDATE_DOMAIN,
			&task.to_le_bytes(),
			&round.to_le_bytes(),
			participant,
			update,
			&samples.to_le_bytes(),
			salt,
		])
	}

	/// An evaluator's commitment to its scores in a round:
	/// `blake2b_256(SCORES_DOMAIN ‖ task (u64 LE) ‖ round (u32 LE) ‖ evaluator ‖ count (u32 LE)
	/// ‖ each score (i64 LE) ‖ aggregate hash ‖ salt)`.
	pub fn scores_commitment(
		task: u64,
		round: u32,
		evaluator: &[u8],
		scores: &[i64],
		aggregate: &Hash32,
		salt: &Hash32,
	) -> Hash32 {
		let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
		state.update(SCORES_DOMAIN);
		state.update(&task.to_le_bytes());
		state.update(&round.to_le_bytes());
		state.update(evaluator);
		state.update(&(scores.len() as u32).to_le_bytes());
		for score in scores {
			state.update(&score.to_le_bytes());
		}
		state.update(aggregate);
		state.update(salt);
		let mut out = [0u8; 32];
		out.copy_from_slice(state.finalize().as_bytes());
		out
	}

	/// The evaluation rows of a round: `count` distinct indices below `rows`, chosen by the
	/// round's seed (a partial Fisher–Yates shuffle driven by `blake2b_256(ROWS_DOMAIN ‖ seed ‖
	/// i (u32 LE))`). Every evaluator scores on the same rows; nobody knew them when updates
	/// were committed.
	#[cfg(feature = "std")]
	pub fn eval_rows(seed: &Hash32, rows: u32, count: u32) -> std::vec::Vec<u32> {
		let mut indices: std::vec::Vec<u32> = (0..rows).collect();
		let count = count.min(rows) as usize;
		for i in 0..count {
			let h = hash(&[ROWS_DOMAIN, seed, &(i as u32).to_le_bytes()]);
			let r = u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
			let j = i + (r % (indices.len() - i) as u64) as usize;
			indices.swap(i, j);
		}
		indices.truncate(count);
		indices
	}

	#[cfg(test)]
	mod tests {
		use super::*;

		#[test]
		fn commitments_bind_every_field() {
			let base = update_commitment(1, 2, &[3; 32], &[4; 32], 5, &[6; 32]);
			assert_ne!(base, update_commitment(1, 2, &[3; 32], &[4; 32], 6, &[6; 32]));
			assert_ne!(base, update_commitment(1, 3, &[3; 32], &[4; 32], 5, &[6; 32]));
			let scores = scores_commitment(1, 2, &[3; 32], &[1, -1], &[4; 32], &[6; 32]);
			assert_ne!(scores, scores_commitment(1, 2, &[3; 32], &[-1, 1], &[4; 32], &[6; 32]));
			assert_ne!(scores, scores_commitment(1, 2, &[3; 32], &[1], &[4; 32], &[6; 32]));
		}

		#[test]
		fn eval_rows_are_distinct_and_seeded() {
			let rows = eval_rows(&[7; 32], 150, 40);
			assert_eq!(rows.len(), 40);
			let mut sorted = rows.clone();
			sorted.sort();
			sorted.dedup();
			assert_eq!(sorted.len(), 40);
			assert!(rows.iter().all(|r| *r < 150));
			assert_eq!(rows, eval_rows(&[7; 32], 150, 40));
			assert_ne!(rows, eval_rows(&[8; 32], 150, 40));
			assert_eq!(eval_rows(&[7; 32], 10, 40).len(), 10);
		}
	}
}

/// The AI oracle's facts that the runtime, the worker, the command line and contracts share.
pub mod oracle {
	/// The input location of an oracle job whose question was given inline: the worker reads
	/// the input from the oracle's storage (`RequestInputs` for a one-shot request, the feed's
	/// question for a feed's round), and checks it against the job's input hash.
	pub const INLINE_INPUT_URI: &[u8] = b"deai-oracle:inline";
	/// How a worker's job book names a result it reveals inline (`reveal_inline_result`): it has
	/// no location, and the worker keeps the value with its other results.
	pub const INLINE_RESULT_URI: &str = "deai-oracle:answer";
	/// The most bytes of a question's inline input.
	pub const MAX_INLINE_INPUT_LEN: u32 = 4096;
	/// The most bytes of an answer (a result revealed inline).
	pub const MAX_ANSWER_LEN: u32 = 1024;

	/// A label answer: the class index, 4 bytes little endian (SCALE `u32`).
	pub const fn encode_label(label: u32) -> [u8; 4] {
		label.to_le_bytes()
	}

	/// The class index of a label answer, if `value` is one.
	pub fn decode_label(value: &[u8]) -> Option<u32> {
		Some(u32::from_le_bytes(value.try_into().ok()?))
	}

	/// A number answer: the number times `10^decimals`, rounded toward zero, 16 bytes little
	/// endian (SCALE `i128`).
	pub const fn encode_scalar(scaled: i128) -> [u8; 16] {
		scaled.to_le_bytes()
	}

	/// The scaled number of a number answer, if `value` is one.
	pub fn decode_scalar(value: &[u8]) -> Option<i128> {
		Some(i128::from_le_bytes(value.try_into().ok()?))
	}
}

/// The bits of a provider's `job_kinds` capability, one per kind of work the market runs.
pub mod job_kind {
	/// Running a model on inputs.
	pub const INFERENCE: u8 = 1;
	/// Fine-tuning a model.
	pub const FINE_TUNE: u8 = 2;
	/// Training a model.
	pub const TRAINING: u8 = 4;
	/// Evaluating a model on a benchmark.
	pub const EVALUATION: u8 = 8;
	/// Every kind.
	pub const ALL: u8 = INFERENCE | FINE_TUNE | TRAINING | EVALUATION;
}

/// The codes a worker reports with `report_failure` (the chain stores any `u16`; these are the
/// ones the reference worker uses, so that indexers and other workers read them alike).
pub mod failure_code {
	/// The model artifact's bytes do not match its registered hash.
	pub const MODEL_HASH_MISMATCH: u16 = 1;
	/// The input's bytes do not match the job's input hash.
	pub const INPUT_HASH_MISMATCH: u16 = 2;
	/// The model or input could not be fetched.
	pub const FETCH_FAILED: u16 = 3;
	/// The model does not load, does not run on the input, needs more memory than the worker's
	/// limit, crashes its inference process, or writes too large a result.
	pub const INFERENCE_FAILED: u16 = 4;
	/// The work did not finish within the worker's time budget.
	pub const TIMED_OUT: u16 = 5;

	/// A short description of a code, for logs and explorers.
	pub fn describe(code: u16) -> &'static str {
		match code {
			MODEL_HASH_MISMATCH => "model hash mismatch",
			INPUT_HASH_MISMATCH => "input hash mismatch",
			FETCH_FAILED => "fetch failed",
			INFERENCE_FAILED => "inference failed",
			TIMED_OUT => "timed out",
			_ => "unknown",
		}
	}
}

/// The chain extension through which ink! contracts use DeAI Chain (pallet-contracts): its id,
/// functions, status codes and limits. The SCALE types it reads and writes are
/// `deai_primitives::contracts`'s (the runtime's side) and the contract's own mirrors; both sides
/// check their encodings against the [`vectors`](contract::vectors) here.
///
/// A contract calls `seal_call_chain_extension(id, input, output)` with
/// [`call_id`](contract::call_id)`(function)`, a SCALE-encoded input, and gets back a status
/// code: a [`Status`](contract::Status), or a pallet's named error
/// ([`module_error_code`](contract::module_error_code)).
pub mod contract {
	/// DeAI Chain's extension id (the high 16 bits of the id a contract passes).
	pub const EXTENSION_ID: u16 = 1;

	/// The functions of the extension (the low 16 bits of the id).
	pub mod func {
		/// A model version's usability and usage fee.
		pub const MODEL_VERSION: u16 = 1;
		/// Posts a compute job, funded by the contract.
		pub const POST_JOB: u16 = 2;
		/// A job's status and result hash.
		pub const JOB_STATUS: u16 = 3;
		/// Accepts a job's result (the contract must be its requester).
		pub const ACCEPT_RESULT: u16 = 4;
		/// Removes an ended job's receipt, releasing its storage deposit to the contract (its
		/// requester).
		pub const REMOVE_RECEIPT: u16 = 5;
		/// Cancels an open job the contract posted: its budget comes back (its storage deposit
		/// stays held for the receipt, until [`REMOVE_RECEIPT`]).
		pub const CANCEL_JOB: u16 = 6;
		/// Disputes the submitted result of a job the contract posted, holding the market's
		/// `DisputeBond` from the contract.
		pub const DISPUTE_RESULT: u16 = 7;
		/// Asks the AI oracle a question (its `request` call), funded by the contract; its
		/// callback, if any, may name the contract itself.
		pub const ORACLE_REQUEST: u16 = 8;
		/// Where an oracle request stands, with its answer once it is in.
		pub const ORACLE_ANSWER: u16 = 9;
		/// An oracle feed's latest answer.
		pub const FEED_LATEST: u16 = 10;
		/// Every function, in order.
		pub const ALL: [u16; 10] = [
			MODEL_VERSION,
			POST_JOB,
			JOB_STATUS,
			ACCEPT_RESULT,
			REMOVE_RECEIPT,
			CANCEL_JOB,
			DISPUTE_RESULT,
			ORACLE_REQUEST,
			ORACLE_ANSWER,
			FEED_LATEST,
		];
	}

	/// The id a contract passes to call `function`: `EXTENSION_ID << 16 | function`.
	pub const fn call_id(function: u16) -> u32 {
		(EXTENSION_ID as u32) << 16 | function as u32
	}

	/// The largest input the extension reads, in bytes: an oracle question's inline input at its
	/// bound ([`crate::oracle::MAX_INLINE_INPUT_LEN`]) with the rest of the request.
	pub const MAX_INPUT_LEN: u32 = crate::oracle::MAX_INLINE_INPUT_LEN + 1024;

	/// What a function call came to, as the status code the contract receives.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	#[repr(u32)]
	pub enum Status {
		/// Done; the output buffer holds the result.
		Success = 0,
		/// No such function in this extension.
		UnknownFunction = 1,
		/// The input is not the SCALE encoding of the function's input type (or is too long).
		InvalidInput = 2,
		/// The model version or job does not exist.
		NotFound = 3,
		/// The function changes state and the contract was called read-only.
		ReadOnly = 4,
		/// The call failed with an error that is not a pallet's named error.
		DispatchFailed = 5,
	}

	impl Status {
		/// The status a code stands for; `None` for a module error
		/// ([`module_error_code`]) or an unknown code.
		pub const fn from_code(code: u32) -> Option<Status> {
			Some(match code {
				0 => Status::Success,
				1 => Status::UnknownFunction,
				2 => Status::InvalidInput,
				3 => Status::NotFound,
				4 => Status::ReadOnly,
				5 => Status::DispatchFailed,
				_ => return None,
			})
		}
	}

	/// Module errors are `MODULE_ERROR | pallet index << 8 | error index`: e.g. the compute
	/// market's (pallet 61) third error is `0x0001_3d02`. Clients name it from the runtime's
	/// metadata.
	pub const MODULE_ERROR: u32 = 0x0001_0000;

	/// The status code of a pallet's named error.
	pub const fn module_error_code(pallet_index: u8, error_index: u8) -> u32 {
		MODULE_ERROR | (pallet_index as u32) << 8 | error_index as u32
	}

	/// The pallet and error index of a module error's status code; `None` for any other code.
	pub const fn module_error_of(code: u32) -> Option<(u8, u8)> {
		if code & 0xffff_0000 == MODULE_ERROR {
			Some(((code >> 8) as u8, code as u8))
		} else {
			None
		}
	}

	/// SCALE encodings of example inputs and outputs, byte for byte: the runtime's types
	/// (`deai_primitives::contracts`, the compute market's `JobSpec`) and a contract's mirrors
	/// must both encode these values to these bytes (each side has the test).
	pub mod vectors {
		/// `ModelVersionQuery { version: { model: 7, version: 2 }, commercial: true }`.
		pub const MODEL_VERSION_QUERY: &[u8] = &[7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1];
		/// `ModelVersionInfo { usable: true, usage_fee: 1_000_000 }`.
		pub const MODEL_VERSION_INFO: &[u8] =
			&[1, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
		/// `JobState::Submitted { result_hash: [0xab; 32] }`.
		pub const JOB_STATE_SUBMITTED: &[u8] = &[
			3, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
			0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
			0xab, 0xab, 0xab, 0xab,
		];
		/// `JobState::Failed`.
		pub const JOB_STATE_FAILED: &[u8] = &[6];
		/// The compute market's `JobSpec` (`POST_JOB`'s input): a fine-tune of model 7 version
		/// 2 on dataset 3 version 1, input hash `[0x11; 32]` at `ipfs://x`, needing 8 MiB of
		/// VRAM, 1,024 MiB of RAM, a `cuda` accelerator in region 49, a TEE and reputation 5;
		/// commercial; a budget of 40 DEAI; matching 50 blocks, execution 60; fixed price 10
		/// DEAI; redundant, 3 providers, quorum 2.
		pub const JOB_SPEC: &[u8] = &[
			1, // kind: FineTune
			1, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, // model: Some({ 7, 2 })
			4, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, // datasets: [{ 3, 1 }]
			0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
			0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
			0x11, 0x11, 0x11, 0x11, // input_hash
			32, b'i', b'p', b'f', b's', b':', b'/', b'/', b'x', // input_uri
			8, 0, 0, 0, // requirements.min_vram_mib
			0, 4, 0, 0, // requirements.min_ram_mib: 1,024
			1, 16, b'c', b'u', b'd', b'a', // requirements.accelerator: Some("cuda")
			1, 49, 0, // requirements.region: Some(49)
			1, // requirements.tee_required
			5, 0, 0, 0, // requirements.min_reputation
			1, // commercial
			0, 0x80, 0xca, 0x39, 0x61, 0x24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // budget: 40 DEAI
			50, 0, 0, 0, // matching_blocks
			60, 0, 0, 0, // execution_blocks
			2, 0, 0xa0, 0x72, 0x4e, 0x18, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, // FixedPrice(10 DEAI)
			1, 3, 2, // Redundant { providers: 3, quorum: 2 }
		];
		/// `ORACLE_REQUEST`'s input: a label question to model 7 version 2 on the inline input
		/// `[1, 2, 3]`, 3 providers, quorum 2, 10 DEAI each, at most 40 DEAI, not commercial; a
		/// callback to account `0x22…22`, selector `0xdea10a5e`, 5,000,000,000 of ref time and
		/// 65,536 bytes of proof.
		pub const ORACLE_REQUEST: &[u8] = &[
			7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, // model: { 7, 2 }
			0, 12, 1, 2, 3, // input: Inline([1, 2, 3])
			0, // output: Label
			3, 2, // providers, quorum
			0, 0xa0, 0x72, 0x4e, 0x18, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // price: 10 DEAI
			0, 0x80, 0xca, 0x39, 0x61, 0x24, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, // max_budget: 40 DEAI
			0, // commercial
			1, // callback: Some
			0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
			0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
			0x22, 0x22, 0x22, 0x22, // contract
			0xde, 0xa1, 0x0a, 0x5e, // selector
			7, 0, 0xf2, 5, 0x2a, 1, // gas_limit.ref_time: compact 5,000,000,000
			2, 0, 4, 0, // gas_limit.proof_size: compact 65,536
		];
		/// `ORACLE_ANSWER`'s output: answered with label 2 at block 42, 1,000,000 of royalties,
		/// two providers agreeing.
		pub const ORACLE_STATE_ANSWERED: &[u8] = &[
			1, // Answered
			16, 2, 0, 0, 0, // value: the label 2
			42, 0, 0, 0, // answered_at
			0x40, 0x42, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // royalties
			2, // providers
		];
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_commitment_binds_job_provider_result_and_salt() {
		let base = result_commitment(7, &[1; 32], &[2; 32], &[3; 32]);
		assert_ne!(base, result_commitment(8, &[1; 32], &[2; 32], &[3; 32]));
		assert_ne!(base, result_commitment(7, &[9; 32], &[2; 32], &[3; 32]));
		assert_ne!(base, result_commitment(7, &[1; 32], &[9; 32], &[3; 32]));
		assert_ne!(base, result_commitment(7, &[1; 32], &[2; 32], &[9; 32]));
	}

	#[test]
	fn the_commitment_is_blake2b_256_of_the_documented_preimage() {
		// The vector the e2e suite and other implementations check against.
		let mut preimage = COMMITMENT_DOMAIN.to_vec();
		preimage.extend_from_slice(&7u64.to_le_bytes());
		preimage.extend_from_slice(&[1; 32]);
		preimage.extend_from_slice(&[2; 32]);
		preimage.extend_from_slice(&[3; 32]);
		let expected = blake2b_simd::Params::new().hash_length(32).hash(&preimage);
		assert_eq!(&result_commitment(7, &[1; 32], &[2; 32], &[3; 32])[..], expected.as_bytes());
	}

	#[test]
	fn status_codes_and_module_errors_round_trip() {
		use contract::*;
		for status in [
			Status::Success,
			Status::UnknownFunction,
			Status::InvalidInput,
			Status::NotFound,
			Status::ReadOnly,
			Status::DispatchFailed,
		] {
			assert_eq!(Status::from_code(status as u32), Some(status));
			assert_eq!(module_error_of(status as u32), None);
		}
		assert_eq!(module_error_code(61, 2), 0x0001_3d02);
		assert_eq!(module_error_of(0x0001_3d02), Some((61, 2)));
		assert_eq!(Status::from_code(0x0001_3d02), None);
		assert_eq!(call_id(func::DISPUTE_RESULT), 0x0001_0007);
	}
}
