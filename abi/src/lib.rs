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
}
