//! The blobs-classifier MLP (4 → 16 ReLU → 3, argmax) as a Groth16 circuit over BLS12-381, its
//! fixed-point arithmetic, a local setup and the prover (feature `prover`, std only).
//!
//! **Fixed point, exact.** Inputs are `round(x · 2^s)`. The first layer's weights are
//! `round(w · 2^s)` and biases `round(b · 2^2s)`, so a hidden pre-activation is an exact integer
//! at scale `2^2s`; the second layer's weights are `round(w · 2^s)` and biases `round(b · 2^3s)`,
//! so a logit is exact at `2^3s`. Nothing is rescaled or rounded inside the circuit: every value
//! stays far below the field's 255 bits (any `i64` input gives logits below 2^110), so the
//! circuit's arithmetic is plain integer arithmetic and the worker's [`QuantisedMlp::infer`]
//! (in `i128`) computes exactly what the circuit constrains.
//!
//! **Constraints.** A layer with constant weights is linear: free in R1CS. Each ReLU is a sign
//! bit `σ` (boolean), `h = σ·a` and a range check that `2h − a` (which is `|a|`) is in
//! `[0, 2^128)`; the label is one-hot selector bits `sₖ` with `Σ sₖ = 1`, `Σ k·sₖ = label`,
//! `mₖ = sₖ·zₖ` and a range check of `Σ mₖ − zⱼ − Σ_{k>j} sₖ ≥ 0` for every class `j` (a strict
//! win over lower classes: the first largest logit, as `infer` picks it). Range checks decompose
//! into 128 boolean bits; a negative number is `p − |v|` ≥ 2^254 in the field, which no 128-bit
//! sum reaches. About 2,500 constraints in all.
//!
//! **Setup.** [`setup`] runs Groth16's circuit-specific setup from a seed: anyone can rerun it and
//! get the same keys, which is what a test needs and exactly what a real deployment must not do
//! (whoever knows the seed can forge proofs). A production key needs a multi-party ceremony.

use crate::{field_of, Curve, Proof, ProvenResult, ValueLayout, VerifyingKey, PROOF_LEN};
use alloc::{vec, vec::Vec};
use ark_bls12_381::Fr;
use ark_groth16::Groth16;
use ark_relations::{
	gr1cs::{
		ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
	},
	lc,
};
use ark_serialize::CanonicalSerialize;
use ark_std::rand::{CryptoRng, RngCore, SeedableRng};

/// The bits of every range check: wide enough for any value an `i64` input produces.
const RANGE_BITS: usize = 128;

/// The circuit's revision, mixed into the setup's randomness: a revised circuit (other
/// constraints over the same public values) gets a key of its own.
pub const CIRCUIT_REVISION: u8 = 2;

/// The seed of the blobs-classifier key's local setup (tests and dev chains only).
pub const DEV_SETUP_SEED: u64 = 0xDEA1_2026;

/// The fixed-point scale of the blobs-classifier circuit: 16 fractional bits.
pub const BLOBS_SCALE_BITS: u8 = 16;

/// The float weights as `models/blobs-classifier/train.py` writes them (`weights.json`).
pub const BLOBS_WEIGHTS_JSON: &str = include_str!("../../models/blobs-classifier/weights.json");

/// An MLP `inputs → hidden (ReLU) → classes → argmax` with integer weights (see the module's
/// fixed-point notes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantisedMlp {
	/// Fractional bits of every input.
	pub scale_bits: u8,
	/// `w1[i][j]`: input `i` to hidden unit `j`, at scale `2^s`.
	pub w1: Vec<Vec<i64>>,
	/// Hidden biases at scale `2^2s`.
	pub b1: Vec<i64>,
	/// `w2[j][k]`: hidden unit `j` to class `k`, at scale `2^s`.
	pub w2: Vec<Vec<i64>>,
	/// Class biases at scale `2^3s`.
	pub b2: Vec<i64>,
}

/// What the fixed-point model computes for one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
	/// Hidden pre-activations (scale `2^2s`).
	pub hidden_pre: Vec<i128>,
	/// Logits (scale `2^3s`).
	pub logits: Vec<i128>,
	/// The first class with the largest logit.
	pub label: usize,
}

/// The largest weight magnitude (after scaling) and the widest layers the range checks allow:
/// with any `i64` input, |a| < 2^63·2^24·16 + 2^62 < 2^92 and |z| < 2^92·2^24·64 + 2^62 < 2^123,
/// so every margin is below `RANGE_BITS`' 2^128.
const MAX_WEIGHT_BITS: u32 = 24;
const MAX_INPUTS: usize = 16;
const MAX_HIDDEN: usize = 64;

fn quantise(value: f64, bits: u32, max_bits: u32) -> Result<i64, &'static str> {
	let scaled = (value * f64::from(bits).exp2()).round();
	if !scaled.is_finite() || scaled.abs() >= f64::from(max_bits).exp2() {
		return Err("a weight or bias is too large for the fixed-point scale");
	}
	Ok(scaled as i64)
}

fn f64_rows(value: &serde_json::Value, key: &str) -> Result<Vec<Vec<f64>>, &'static str> {
	value[key]
		.as_array()
		.ok_or("a weight matrix is missing")?
		.iter()
		.map(|row| {
			row.as_array()
				.ok_or("a weight row is not a list")?
				.iter()
				.map(|v| v.as_f64().ok_or("a weight is not a number"))
				.collect()
		})
		.collect()
}

fn f64_list(value: &serde_json::Value, key: &str) -> Result<Vec<f64>, &'static str> {
	value[key]
		.as_array()
		.ok_or("a bias vector is missing")?
		.iter()
		.map(|v| v.as_f64().ok_or("a bias is not a number"))
		.collect()
}

impl QuantisedMlp {
	/// Quantises the float weights of `weights.json` (keys `fc1.weight` `[in][hidden]`,
	/// `fc1.bias`, `fc2.weight` `[hidden][classes]`, `fc2.bias`).
	pub fn from_weights_json(json: &str, scale_bits: u8) -> Result<Self, &'static str> {
		let value: serde_json::Value =
			serde_json::from_str(json).map_err(|_| "weights.json is not JSON")?;
		let s = u32::from(scale_bits);
		let q = |rows: Vec<Vec<f64>>, bits| {
			rows.into_iter()
				.map(|row| row.into_iter().map(|v| quantise(v, bits, MAX_WEIGHT_BITS)).collect())
				.collect::<Result<Vec<Vec<i64>>, _>>()
		};
		let qv = |list: Vec<f64>, bits| {
			list.into_iter().map(|v| quantise(v, bits, 62)).collect::<Result<Vec<i64>, _>>()
		};
		let mlp = Self {
			scale_bits,
			w1: q(f64_rows(&value, "fc1.weight")?, s)?,
			b1: qv(f64_list(&value, "fc1.bias")?, 2 * s)?,
			w2: q(f64_rows(&value, "fc2.weight")?, s)?,
			b2: qv(f64_list(&value, "fc2.bias")?, 3 * s)?,
		};
		let hidden = mlp.b1.len();
		let classes = mlp.b2.len();
		if mlp.w1.is_empty()
			|| mlp.w1.len() > MAX_INPUTS
			|| hidden > MAX_HIDDEN
			|| mlp.w1.iter().any(|row| row.len() != hidden)
			|| mlp.w2.len() != hidden
			|| mlp.w2.iter().any(|row| row.len() != classes)
			|| classes < 2
		{
			return Err("the weight shapes do not chain");
		}
		Ok(mlp)
	}

	/// The project's blobs-classifier at 16 fractional bits.
	pub fn blobs_classifier() -> Self {
		Self::from_weights_json(BLOBS_WEIGHTS_JSON, BLOBS_SCALE_BITS)
			.expect("the committed weights.json is well-formed; qed")
	}

	/// The statement's layout: one value per input, the label as the one output.
	pub fn layout(&self) -> ValueLayout {
		ValueLayout { inputs: self.w1.len() as u8, outputs: 1, scale_bits: self.scale_bits }
	}

	/// A real feature as the circuit's input value.
	pub fn input_value(&self, feature: f64) -> i64 {
		crate::fixed_point(feature, self.scale_bits)
	}

	/// Runs the fixed-point model on one row of input values (exact integer arithmetic).
	pub fn infer(&self, inputs: &[i64]) -> Trace {
		assert_eq!(inputs.len(), self.w1.len(), "one value per input");
		let hidden_pre: Vec<i128> = (0..self.b1.len())
			.map(|j| {
				inputs
					.iter()
					.zip(&self.w1)
					.map(|(x, row)| i128::from(*x) * i128::from(row[j]))
					.sum::<i128>() + i128::from(self.b1[j])
			})
			.collect();
		let logits: Vec<i128> = (0..self.b2.len())
			.map(|k| {
				hidden_pre
					.iter()
					.zip(&self.w2)
					.map(|(a, row)| (*a).max(0) * i128::from(row[k]))
					.sum::<i128>() + i128::from(self.b2[k])
			})
			.collect();
		let mut label = 0;
		for (k, z) in logits.iter().enumerate() {
			if *z > logits[label] {
				label = k;
			}
		}
		Trace { hidden_pre, logits, label }
	}
}

fn field_of_wide(value: i128) -> Fr {
	let magnitude = Fr::from(value.unsigned_abs());
	if value < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// The circuit: the model's weights as constants, and, when proving, one row's inputs.
pub struct MlpCircuit<'a> {
	/// The model.
	pub mlp: &'a QuantisedMlp,
	/// The row (`None` during setup).
	pub inputs: Option<Vec<i64>>,
	/// A label to claim instead of the model's: what a cheating prover would try (tests show
	/// the constraints then fail). `None` for honest proofs.
	pub claimed_label: Option<usize>,
}

fn witness(cs: &ConstraintSystemRef<Fr>, value: Option<i128>) -> Result<Variable, SynthesisError> {
	cs.new_witness_variable(|| value.map(field_of_wide).ok_or(SynthesisError::AssignmentMissing))
}

fn boolean(cs: &ConstraintSystemRef<Fr>, value: Option<bool>) -> Result<Variable, SynthesisError> {
	let bit = witness(cs, value.map(i128::from))?;
	// bit · (1 − bit) = 0
	cs.enforce_r1cs_constraint(|| lc!() + bit, || lc!() + Variable::One - bit, || lc!())?;
	Ok(bit)
}

/// Constrains `value_lc` (whose value is `value` when proving) to `[0, 2^RANGE_BITS)`.
fn non_negative(
	cs: &ConstraintSystemRef<Fr>,
	value_lc: LinearCombination<Fr>,
	value: Option<i128>,
) -> Result<(), SynthesisError> {
	let mut sum = lc!();
	let mut weight = Fr::from(1u64);
	for bit in 0..RANGE_BITS {
		let b = boolean(cs, value.map(|v| (v.unsigned_abs() >> bit) & 1 == 1 && v >= 0))?;
		sum += (weight, b);
		weight = weight + weight;
	}
	// Σ 2^i·bᵢ · 1 = value
	cs.enforce_r1cs_constraint(|| sum, || lc!() + Variable::One, || value_lc)?;
	Ok(())
}

impl ConstraintSynthesizer<Fr> for MlpCircuit<'_> {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		let mlp = self.mlp;
		let trace = self.inputs.as_ref().map(|inputs| mlp.infer(inputs));
		// Public values, in the statement's order: the inputs, then the label.
		let mut xs = Vec::with_capacity(mlp.w1.len());
		for i in 0..mlp.w1.len() {
			let value = self.inputs.as_ref().map(|inputs| field_of::<Fr>(inputs[i]));
			xs.push(cs.new_input_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?);
		}
		let label_value =
			trace.as_ref().map(|t| Fr::from(self.claimed_label.unwrap_or(t.label) as u64));
		let label =
			cs.new_input_variable(|| label_value.ok_or(SynthesisError::AssignmentMissing))?;

		// Hidden layer: a = W1ᵀx + b1 (linear), h = ReLU(a).
		let mut hidden = Vec::with_capacity(mlp.b1.len());
		for j in 0..mlp.b1.len() {
			let mut a = lc!() + (field_of::<Fr>(mlp.b1[j]), Variable::One);
			for (x, row) in xs.iter().zip(&mlp.w1) {
				a += (field_of::<Fr>(row[j]), *x);
			}
			let pre = trace.as_ref().map(|t| t.hidden_pre[j]);
			let sign = boolean(&cs, pre.map(|v| v >= 0))?;
			let h = witness(&cs, pre.map(|v| v.max(0)))?;
			let a_for_product = a.clone();
			cs.enforce_r1cs_constraint(|| lc!() + sign, || a_for_product, || lc!() + h)?;
			// 2h − a is |a|: non-negative exactly when the sign bit tells the truth.
			non_negative(&cs, lc!() + (Fr::from(2u64), h) - a, pre.map(|v| v.abs()))?;
			hidden.push(h);
		}

		// Logits z = W2ᵀh + b2 (linear in the hidden witnesses).
		let logits: Vec<LinearCombination<Fr>> = (0..mlp.b2.len())
			.map(|k| {
				let mut z = lc!() + (field_of::<Fr>(mlp.b2[k]), Variable::One);
				for (h, row) in hidden.iter().zip(&mlp.w2) {
					z += (field_of::<Fr>(row[k]), *h);
				}
				z
			})
			.collect();

		// Argmax: one-hot selectors that pick the label, and the picked logit beats every logit
		// of a lower class strictly and every other one at least ties: the label is the *first*
		// largest logit, as `infer` picks it, even when logits tie.
		let label_of = |t: &Trace| self.claimed_label.unwrap_or(t.label);
		let mut one_hot = lc!();
		let mut index = lc!();
		let mut picked = lc!();
		let mut selectors = Vec::with_capacity(logits.len());
		for (k, z) in logits.iter().enumerate() {
			let selected = boolean(&cs, trace.as_ref().map(|t| label_of(t) == k))?;
			one_hot = one_hot + selected;
			index += (Fr::from(k as u64), selected);
			let product = witness(
				&cs,
				trace.as_ref().map(|t| if label_of(t) == k { t.logits[k] } else { 0 }),
			)?;
			let z = z.clone();
			cs.enforce_r1cs_constraint(|| lc!() + selected, || z, || lc!() + product)?;
			picked = picked + product;
			selectors.push(selected);
		}
		cs.enforce_r1cs_constraint(|| one_hot, || lc!() + Variable::One, || lc!() + Variable::One)?;
		cs.enforce_r1cs_constraint(|| index, || lc!() + Variable::One, || lc!() + label)?;
		for (j, z) in logits.iter().enumerate() {
			// picked − z_j − [label > j] ≥ 0: the selectors above j sum to 1 exactly when the
			// label is above j, and then the win over z_j must be strict (integers: ≥ 1).
			let mut margin_lc = picked.clone() - z;
			for selected in &selectors[j + 1..] {
				margin_lc = margin_lc - (Fr::from(1u64), *selected);
			}
			let margin = trace.as_ref().map(|t| {
				let label = label_of(t);
				t.logits[label] - t.logits[j] - i128::from(label > j)
			});
			non_negative(&cs, margin_lc, margin)?;
		}
		Ok(())
	}
}

/// A proving key and its verifying key.
pub struct Keys {
	/// What the prover needs.
	pub proving: ark_groth16::ProvingKey<Curve>,
	/// The verifying key, compressed: what `register_key` takes.
	pub verifying: Vec<u8>,
}

/// Groth16's setup for `mlp`'s circuit from `seed` (a local setup: tests and dev chains only).
///
/// The randomness is drawn from `seed`, the circuit's revision and the model's weights together.
/// A verifying key covers
/// only the public inputs' part of the circuit, so two circuits that differ only in constants
/// would get the *same* verifying key from the same randomness, and a proof for one would verify
/// for the other; every model must have a setup of its own.
pub fn setup(mlp: &QuantisedMlp, seed: u64) -> Keys {
	let mut material = seed.to_le_bytes().to_vec();
	material.push(CIRCUIT_REVISION);
	for value in mlp.w1.iter().chain(&mlp.w2).flatten().chain(&mlp.b1).chain(&mlp.b2) {
		material.extend_from_slice(&value.to_le_bytes());
	}
	material.push(mlp.scale_bits);
	let mut rng = rand_chacha::ChaCha20Rng::from_seed(sp_crypto_hashing::blake2_256(&material));
	let proving = Groth16::<Curve>::generate_random_parameters_with_reduction(
		MlpCircuit { mlp, inputs: None, claimed_label: None },
		&mut rng,
	)
	.expect("the circuit synthesises without values during setup; qed");
	let vk = &proving.vk;
	let key = VerifyingKey::<Curve> {
		alpha_g1: vk.alpha_g1,
		beta_g2: vk.beta_g2,
		gamma_g2: vk.gamma_g2,
		delta_g2: vk.delta_g2,
		gamma_abc_g1: vk.gamma_abc_g1.clone(),
	};
	let mut verifying = Vec::new();
	key.serialize_compressed(&mut verifying)
		.expect("writing to a Vec cannot fail; qed");
	Keys { proving, verifying }
}

/// Runs the model on `inputs` and proves it: the result to submit, its label as its one output.
pub fn prove<R: RngCore + CryptoRng>(
	mlp: &QuantisedMlp,
	proving: &ark_groth16::ProvingKey<Curve>,
	inputs: &[i64],
	rng: &mut R,
) -> Result<ProvenResult, SynthesisError> {
	let label = mlp.infer(inputs).label as i64;
	let proof = Groth16::<Curve>::create_random_proof_with_reduction(
		MlpCircuit { mlp, inputs: Some(inputs.to_vec()), claimed_label: None },
		proving,
		rng,
	)?;
	let ours = Proof::<Curve> { a: proof.a, b: proof.b, c: proof.c };
	let mut bytes = vec![];
	ours.serialize_compressed(&mut bytes)
		.expect("writing to a Vec cannot fail; qed");
	let proof: [u8; PROOF_LEN] = bytes.try_into().expect("a compressed proof is 192 bytes; qed");
	Ok(ProvenResult { proof, inputs: inputs.to_vec(), outputs: vec![label] })
}

/// Whether `mlp`'s constraints hold for `inputs` with `label` claimed as the output: true only
/// for the first largest logit's class (a witness for any other label breaks a constraint).
pub fn satisfied(mlp: &QuantisedMlp, inputs: &[i64], label: usize) -> bool {
	let cs = ark_relations::gr1cs::ConstraintSystem::<Fr>::new_ref();
	MlpCircuit { mlp, inputs: Some(inputs.to_vec()), claimed_label: Some(label) }
		.generate_constraints(cs.clone())
		.expect("synthesis with values cannot fail; qed");
	cs.is_satisfied().expect("a synthesised system can be checked; qed")
}

/// The number of constraints of `mlp`'s circuit.
pub fn constraint_count(mlp: &QuantisedMlp) -> usize {
	let cs = ark_relations::gr1cs::ConstraintSystem::<Fr>::new_ref();
	cs.set_mode(ark_relations::gr1cs::SynthesisMode::Setup);
	MlpCircuit { mlp, inputs: None, claimed_label: None }
		.generate_constraints(cs.clone())
		.expect("setup synthesis cannot fail; qed");
	cs.num_constraints()
}
