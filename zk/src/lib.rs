//! Zero-knowledge proofs of inference for DeAI Chain: the one definition of what a Groth16 proof
//! of a job's result states, shared by the runtime (which verifies) and the worker (which proves).
//!
//! **The statement.** A job in `Proof` mode on a model with a ZK profile has fixed-point values
//! for its input and output: its input document is [`values_document`] of its input values (so
//! the job's input hash is [`values_hash`] of them) and its result document the same of its output
//! values. A provider submits a [`ProvenResult`]: the proof and both lists of values. The chain
//! checks that the values hash to the job's input hash and to the submitted result hash, then
//! that the proof verifies against the profile's key with the values as public inputs (inputs
//! first, then outputs, each an `i64` read as a signed field element, [`field_of`]). The circuit
//! has the model's weights as constants, so its verifying key commits to the model.
//!
//! **The verifier** ([`verify`]) is `no_std` and generic over the pairing, so a runtime can
//! swap arkworks' pure curve for one backed by host functions without changing formats. It is
//! written here rather than taken from `ark-groth16` to keep the prover's dependencies (constraint
//! systems, polynomials, FFTs) out of the runtime: Groth16's check is one multi-pairing.
//!
//! With the feature `prover`, [`circuit`] has the blobs-classifier MLP as a circuit, its local
//! (test-only) setup and the prover.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{AdditiveGroup, PrimeField};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

#[cfg(feature = "prover")]
pub mod circuit;

/// The curve DeAI Chain's proofs are made on.
pub type Curve = ark_bls12_381::Bls12_381;

/// The length of a compressed Groth16 proof on BLS12-381: A and C in G1 (48 bytes each), B in
/// G2 (96 bytes).
pub const PROOF_LEN: usize = 192;

/// The most public values (inputs and outputs together) a proof may state; the runtime's bound
/// on a verifying key's size follows from it.
pub const MAX_PUBLIC_VALUES: u32 = 32;

/// The length of a compressed verifying key with `public_values` public values: alpha (G1), beta,
/// gamma, delta (G2), the length of the input bases (8 bytes) and `public_values + 1` G1 bases.
pub const fn compressed_key_len(public_values: u32) -> u32 {
	48 + 3 * 96 + 8 + (public_values + 1) * 48
}

/// The length of the same key uncompressed, as the runtime stores it (loading it then needs no
/// square roots or subgroup checks: it was checked once, at registration).
pub const fn uncompressed_key_len(public_values: u32) -> u32 {
	96 + 3 * 192 + 8 + (public_values + 1) * 96
}

/// A result with its proof, as a provider submits it in `submit_result`'s `proof` argument
/// (SCALE-encoded).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenResult {
	/// The compressed Groth16 proof.
	pub proof: [u8; PROOF_LEN],
	/// The job's input values: [`values_hash`] of them is the job's input hash.
	pub inputs: Vec<i64>,
	/// The result's values: [`values_hash`] of them is the submitted result hash.
	pub outputs: Vec<i64>,
}

/// How a model's fixed-point values are read, bound to a model version with its verifying key.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ValueLayout {
	/// How many input values a job states.
	pub inputs: u8,
	/// How many output values a result states.
	pub outputs: u8,
	/// A real number `r` is the value `round(r * 2^scale_bits)`.
	pub scale_bits: u8,
}

impl ValueLayout {
	/// The number of public values a proof under this layout states.
	pub fn public_values(&self) -> u32 {
		u32::from(self.inputs) + u32::from(self.outputs)
	}
}

/// The document a list of values is content-addressed by: its SCALE encoding (a compact length,
/// then each value as 8 little-endian bytes).
pub fn values_document(values: &[i64]) -> Vec<u8> {
	values.encode()
}

/// The content hash (blake2-256) of [`values_document`]: a proof job's input hash, a proven
/// result's hash.
pub fn values_hash(values: &[i64]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&values_document(values))
}

/// A verifying key's id: the blake2-256 hash of its compressed bytes.
pub fn key_id(compressed: &[u8]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(compressed)
}

/// Reads a values document back (`None` if it is not one).
pub fn values_of_document(mut bytes: &[u8]) -> Option<Vec<i64>> {
	let values = Vec::<i64>::decode(&mut bytes).ok()?;
	bytes.is_empty().then_some(values)
}

/// A real number as a fixed-point value with `scale_bits` fractional bits: `round(x · 2^s)`,
/// saturating at the `i64` range. What a requester's input and a circuit's input agree on (off
/// chain only: the runtime never sees a float).
#[cfg(feature = "std")]
pub fn fixed_point(x: f64, scale_bits: u8) -> i64 {
	let scaled = (x * f64::from(scale_bits).exp2()).round();
	// `as` saturates, and maps NaN to 0.
	scaled as i64
}

/// A signed value as a field element: `v` for `v ≥ 0`, `p − |v|` below.
pub fn field_of<F: PrimeField>(value: i64) -> F {
	let magnitude = F::from(value.unsigned_abs());
	if value < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// A Groth16 verifying key, in the layout `ark-groth16` serialises its own (so a key made by
/// any arkworks-based prover registers as it is).
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct VerifyingKey<E: Pairing> {
	/// α in G1.
	pub alpha_g1: E::G1Affine,
	/// β in G2.
	pub beta_g2: E::G2Affine,
	/// γ in G2.
	pub gamma_g2: E::G2Affine,
	/// δ in G2.
	pub delta_g2: E::G2Affine,
	/// The bases of the public inputs: one for the constant 1, then one per public value.
	pub gamma_abc_g1: Vec<E::G1Affine>,
}

/// A Groth16 proof.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct Proof<E: Pairing> {
	/// A in G1.
	pub a: E::G1Affine,
	/// B in G2.
	pub b: E::G2Affine,
	/// C in G1.
	pub c: E::G1Affine,
}

/// Why a key or a proof is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZkError {
	/// The key's bytes are not a valid compressed key (a point off the curve or outside its
	/// prime-order subgroup, trailing bytes, a wrong length), or it has no input bases.
	MalformedKey,
	/// The key's input bases do not match the layout's number of public values.
	KeyLayoutMismatch,
	/// The proof's bytes are not a valid compressed proof.
	MalformedProof,
	/// The proof states a different number of input or output values than the layout.
	WrongNumberOfValues,
	/// The proof does not verify.
	Rejected,
}

/// A verifying key checked by [`check_key`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedKey {
	/// Its points, uncompressed: the form [`verify`] loads.
	pub points: Vec<u8>,
	/// How many public values its proofs state.
	pub public_values: u32,
}

/// Checks a verifying key as submitted (compressed, every point validated) against a layout and
/// returns it uncompressed, with its number of public values.
pub fn check_key<E: Pairing>(
	compressed: &[u8],
	layout: Option<&ValueLayout>,
) -> Result<CheckedKey, ZkError> {
	let key =
		VerifyingKey::<E>::deserialize_compressed(compressed).map_err(|_| ZkError::MalformedKey)?;
	let bases = key.gamma_abc_g1.len();
	if bases == 0 || bases > MAX_PUBLIC_VALUES as usize + 1 {
		return Err(ZkError::MalformedKey);
	}
	if key.compressed_size() != compressed.len() {
		return Err(ZkError::MalformedKey);
	}
	let public_values = (bases - 1) as u32;
	if let Some(layout) = layout {
		if public_values != layout.public_values() {
			return Err(ZkError::KeyLayoutMismatch);
		}
	}
	let mut points = Vec::with_capacity(key.uncompressed_size());
	key.serialize_uncompressed(&mut points).map_err(|_| ZkError::MalformedKey)?;
	Ok(CheckedKey { points, public_values })
}

/// Verifies `result` against a key's points as [`check_key`] returned them and a layout: the number of values,
/// the proof's points (validated), and Groth16's equation
/// `e(A, B) = e(α, β) · e(Σ xᵢ·Lᵢ, γ) · e(C, δ)`, checked as one multi-pairing.
///
/// It does not check the values' hashes: the caller compares [`values_hash`] of `inputs` and
/// `outputs` with the job's.
pub fn verify<E: Pairing>(
	uncompressed_key: &[u8],
	layout: &ValueLayout,
	result: &ProvenResult,
) -> Result<(), ZkError> {
	if result.inputs.len() != usize::from(layout.inputs)
		|| result.outputs.len() != usize::from(layout.outputs)
	{
		return Err(ZkError::WrongNumberOfValues);
	}
	// Checked at registration: loading it again unchecked is sound and much cheaper.
	let key = VerifyingKey::<E>::deserialize_uncompressed_unchecked(uncompressed_key)
		.map_err(|_| ZkError::MalformedKey)?;
	if key.gamma_abc_g1.len() != layout.public_values() as usize + 1 {
		return Err(ZkError::KeyLayoutMismatch);
	}
	let proof = Proof::<E>::deserialize_compressed(&result.proof[..])
		.map_err(|_| ZkError::MalformedProof)?;

	// Σ xᵢ·Lᵢ with each xᵢ a signed 64-bit value: |xᵢ|·Lᵢ, negated for a negative xᵢ, costs a
	// 64-bit scalar multiplication whatever the sign (−1 as a field element has 255 bits).
	let mut inputs = key.gamma_abc_g1[0].into_group();
	for (value, base) in result.inputs.iter().chain(&result.outputs).zip(&key.gamma_abc_g1[1..]) {
		let term = base.mul_bigint([value.unsigned_abs()]);
		if *value < 0 {
			inputs -= term;
		} else {
			inputs += term;
		}
	}
	let check = E::multi_pairing(
		[
			proof.a,
			(-key.alpha_g1.into_group()).into_affine(),
			(-inputs).into_affine(),
			(-proof.c.into_group()).into_affine(),
		],
		[proof.b, key.beta_g2, key.gamma_g2, key.delta_g2],
	);
	if check == ark_ec::pairing::PairingOutput::<E>::ZERO {
		Ok(())
	} else {
		Err(ZkError::Rejected)
	}
}

/// Well-formed keys and proofs of any size for benchmarks: valid points (multiples of the
/// generators) that verify nothing, so that a benchmark runs every step of [`check_key`] and
/// [`verify`] at the size it chooses.
pub mod synthetic {
	use super::*;
	use ark_ec::PrimeGroup;

	fn g1<E: Pairing>(k: u64) -> E::G1Affine {
		(E::G1::generator() * E::ScalarField::from(k)).into_affine()
	}

	fn g2<E: Pairing>(k: u64) -> E::G2Affine {
		(E::G2::generator() * E::ScalarField::from(k)).into_affine()
	}

	/// A compressed key with `public_values` public values.
	pub fn key<E: Pairing>(public_values: u32) -> Vec<u8> {
		let key = VerifyingKey::<E> {
			alpha_g1: g1::<E>(2),
			beta_g2: g2::<E>(3),
			gamma_g2: g2::<E>(5),
			delta_g2: g2::<E>(7),
			gamma_abc_g1: (0..=u64::from(public_values)).map(|i| g1::<E>(11 + i)).collect(),
		};
		let mut bytes = Vec::new();
		key.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail; qed");
		bytes
	}

	/// A proof stating `inputs` and `outputs` (valid points; it does not verify).
	pub fn result<E: Pairing>(inputs: Vec<i64>, outputs: Vec<i64>) -> ProvenResult {
		let proof = Proof::<E> { a: g1::<E>(13), b: g2::<E>(17), c: g1::<E>(19) };
		let mut bytes = Vec::new();
		proof
			.serialize_compressed(&mut bytes)
			.expect("writing to a Vec cannot fail; qed");
		let mut fixed = [0u8; PROOF_LEN];
		fixed.copy_from_slice(&bytes);
		ProvenResult { proof: fixed, inputs, outputs }
	}
}

/// The committed proof of the blobs-classifier (`fixtures/`): a compressed verifying key and a
/// [`ProvenResult`] whose proof verifies against it (layout: 4 inputs, 1 output, 16 bits). For
/// tests, off chain.
#[cfg(feature = "std")]
pub mod fixture {
	use super::*;

	const FIXTURE: &str = include_str!("../fixtures/blobs-classifier-proof.hex");

	fn line(index: usize) -> Vec<u8> {
		let line = FIXTURE
			.lines()
			.nth(index)
			.expect("the fixture has a key and a result line; qed");
		hex::decode(line).expect("the fixture is hex; qed")
	}

	/// The compressed verifying key.
	pub fn key() -> Vec<u8> {
		line(0)
	}

	/// The proven result.
	pub fn result() -> ProvenResult {
		ProvenResult::decode(&mut &line(1)[..]).expect("the fixture decodes; qed")
	}

	/// Its layout.
	pub fn layout() -> ValueLayout {
		ValueLayout { inputs: 4, outputs: 1, scale_bits: 16 }
	}
}

#[cfg(test)]
mod tests;
