//! The verifier against a committed proof of the blobs-classifier (no prover needed), and, with
//! `prover`, the circuit against the float model and the prover against both verifiers.

use super::*;

/// A proof made by `circuit::prove` with the dev setup's key, committed so that the verifier is
/// tested without the prover (`UPDATE_ZK_FIXTURE=1 cargo test -p deai-zk --features prover`
/// rewrites it). Lines: the compressed verifying key, then the SCALE-encoded `ProvenResult`, in hex.
fn fixture() -> (Vec<u8>, ProvenResult) {
	(crate::fixture::key(), crate::fixture::result())
}

#[test]
fn synthetic_keys_and_proofs_are_well_formed_and_refused() {
	for n in [1, 5, MAX_PUBLIC_VALUES] {
		let key = synthetic::key::<Curve>(n);
		assert_eq!(key.len() as u32, compressed_key_len(n));
		let stored = check_key::<Curve>(&key, None).unwrap().points;
		let layout = ValueLayout { inputs: (n - 1) as u8, outputs: 1, scale_bits: 0 };
		let result = synthetic::result::<Curve>(vec![-1; n as usize - 1], vec![i64::MIN]);
		assert_eq!(verify::<Curve>(&stored, &layout, &result), Err(ZkError::Rejected));
	}
	assert_eq!(
		check_key::<Curve>(&synthetic::key::<Curve>(MAX_PUBLIC_VALUES + 1), None),
		Err(ZkError::MalformedKey)
	);
}

fn layout() -> ValueLayout {
	ValueLayout { inputs: 4, outputs: 1, scale_bits: 16 }
}

#[test]
fn committed_proof_verifies() {
	let (key, result) = fixture();
	let checked = check_key::<Curve>(&key, Some(&layout())).unwrap();
	assert_eq!(checked.points.len() as u32, uncompressed_key_len(5));
	assert_eq!(key.len() as u32, compressed_key_len(5));
	assert_eq!(checked.public_values, 5);
	assert_eq!(verify::<Curve>(&checked.points, &layout(), &result), Ok(()));
}

#[test]
fn flipping_any_bit_of_the_proof_fails() {
	let (key, result) = fixture();
	let stored = check_key::<Curve>(&key, Some(&layout())).unwrap().points;
	for bit in 0..PROOF_LEN * 8 {
		let mut flipped = result.clone();
		flipped.proof[bit / 8] ^= 1 << (bit % 8);
		let outcome = verify::<Curve>(&stored, &layout(), &flipped);
		assert!(
			matches!(outcome, Err(ZkError::MalformedProof | ZkError::Rejected)),
			"bit {bit}: {outcome:?}"
		);
	}
}

#[test]
fn flipping_any_bit_of_a_public_value_fails() {
	let (key, result) = fixture();
	let stored = check_key::<Curve>(&key, Some(&layout())).unwrap().points;
	for index in 0..5 {
		for bit in 0..64 {
			let mut flipped = result.clone();
			let value =
				if index < 4 { &mut flipped.inputs[index] } else { &mut flipped.outputs[0] };
			*value ^= 1 << bit;
			assert_eq!(
				verify::<Curve>(&stored, &layout(), &flipped),
				Err(ZkError::Rejected),
				"value {index}, bit {bit}"
			);
		}
	}
}

#[test]
fn malformed_keys_and_layouts_are_refused() {
	let (key, result) = fixture();
	// A layout with another number of values than the key's bases.
	let wrong = ValueLayout { inputs: 3, outputs: 1, scale_bits: 16 };
	assert_eq!(check_key::<Curve>(&key, Some(&wrong)), Err(ZkError::KeyLayoutMismatch));
	// Trailing bytes, a truncated key, a key with a point off the curve or outside the subgroup.
	let mut longer = key.clone();
	longer.push(0);
	assert_eq!(check_key::<Curve>(&longer, None), Err(ZkError::MalformedKey));
	assert_eq!(check_key::<Curve>(&key[..key.len() - 1], None), Err(ZkError::MalformedKey));
	for byte in [0, 50, 150, 300, key.len() - 10] {
		let mut broken = key.clone();
		broken[byte] ^= 0x01;
		assert!(check_key::<Curve>(&broken, None).is_err(), "byte {byte}");
	}
	// A proof with the wrong number of values.
	let stored = check_key::<Curve>(&key, None).unwrap().points;
	let mut short = result.clone();
	short.inputs.pop();
	assert_eq!(verify::<Curve>(&stored, &layout(), &short), Err(ZkError::WrongNumberOfValues));
	let mut long = result;
	long.outputs.push(0);
	assert_eq!(verify::<Curve>(&stored, &layout(), &long), Err(ZkError::WrongNumberOfValues));
}

#[test]
fn values_documents_round_trip_and_hash() {
	let values = [1i64, -2, i64::MAX, i64::MIN];
	let document = values_document(&values);
	assert_eq!(document.len(), 1 + 4 * 8);
	assert_eq!(values_of_document(&document), Some(values.to_vec()));
	assert_eq!(values_of_document(&document[..document.len() - 1]), None);
	let mut trailing = document.clone();
	trailing.push(0);
	assert_eq!(values_of_document(&trailing), None);
	assert_eq!(values_hash(&values), sp_crypto_hashing::blake2_256(&document));
	assert_eq!(field_of::<ark_bls12_381::Fr>(-1), -ark_bls12_381::Fr::from(1u64));
	assert_eq!(field_of::<ark_bls12_381::Fr>(i64::MIN), -ark_bls12_381::Fr::from(1u64 << 63));
}

#[cfg(feature = "prover")]
mod prover {
	use super::*;
	use crate::circuit::{self, QuantisedMlp, DEV_SETUP_SEED};
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	fn held_out() -> (Vec<Vec<f64>>, Vec<usize>) {
		let json: serde_json::Value = serde_json::from_str(include_str!(
			"../../models/blobs-classifier/samples/held-out.json"
		))
		.unwrap();
		let features = json["features"]
			.as_array()
			.unwrap()
			.iter()
			.map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
			.collect();
		let labels = json["label"]
			.as_array()
			.unwrap()
			.iter()
			.map(|v| v.as_u64().unwrap() as usize)
			.collect();
		(features, labels)
	}

	#[test]
	fn fixed_point_labels_agree_with_the_float_model() {
		let mlp = QuantisedMlp::blobs_classifier();
		let (rows, labels) = held_out();
		assert_eq!(rows.len(), 150);
		let agree = rows
			.iter()
			.zip(&labels)
			.filter(|(row, label)| {
				let inputs: Vec<i64> = row.iter().map(|x| mlp.input_value(*x)).collect();
				mlp.infer(&inputs).label == **label
			})
			.count();
		println!("fixed-point labels agree with the float32 model on {agree} of 150 held-out rows");
		assert!(agree >= 148, "{agree} of 150");
	}

	#[test]
	fn proofs_verify_with_ours_and_with_ark_groth16() {
		let mlp = QuantisedMlp::blobs_classifier();
		println!("{} constraints", circuit::constraint_count(&mlp));
		let keys = circuit::setup(&mlp, DEV_SETUP_SEED);
		let stored = check_key::<Curve>(&keys.verifying, Some(&mlp.layout())).unwrap().points;
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		let (rows, _) = held_out();
		for row in rows.iter().take(3) {
			let inputs: Vec<i64> = row.iter().map(|x| mlp.input_value(*x)).collect();
			let started = std::time::Instant::now();
			let result = circuit::prove(&mlp, &keys.proving, &inputs, &mut rng).unwrap();
			println!("proved a row in {:?}", started.elapsed());
			assert_eq!(verify::<Curve>(&stored, &mlp.layout(), &result), Ok(()));
			// arkworks' own verifier agrees on the same key, proof and public inputs.
			let pvk = ark_groth16::prepare_verifying_key(&keys.proving.vk);
			let proof = Proof::<Curve>::deserialize_compressed(&result.proof[..]).unwrap();
			let ark_proof = ark_groth16::Proof::<Curve> { a: proof.a, b: proof.b, c: proof.c };
			let public: Vec<ark_bls12_381::Fr> =
				result.inputs.iter().chain(&result.outputs).map(|v| field_of(*v)).collect();
			assert!(ark_groth16::Groth16::<Curve>::verify_proof(&pvk, &ark_proof, &public).unwrap());
			// Claiming another label fails.
			let mut lie = result.clone();
			lie.outputs[0] = (lie.outputs[0] + 1) % 3;
			assert_eq!(verify::<Curve>(&stored, &mlp.layout(), &lie), Err(ZkError::Rejected));
		}
		// Extreme inputs are provable too: the range checks cover any i64.
		let extreme = [i64::MAX, i64::MIN, 0, -1];
		let result = circuit::prove(&mlp, &keys.proving, &extreme, &mut rng).unwrap();
		assert_eq!(verify::<Curve>(&stored, &mlp.layout(), &result), Ok(()));

		if std::env::var_os("UPDATE_ZK_FIXTURE").is_some() {
			let inputs: Vec<i64> = rows[0].iter().map(|x| mlp.input_value(*x)).collect();
			let result = circuit::prove(&mlp, &keys.proving, &inputs, &mut rng).unwrap();
			let text =
				format!("{}\n{}\n", hex::encode(&keys.verifying), hex::encode(result.encode()));
			std::fs::write(
				concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/blobs-classifier-proof.hex"),
				text,
			)
			.unwrap();
		}
		// The committed fixture is this setup's.
		assert_eq!(fixture().0, keys.verifying, "the fixture's key is the dev setup's");
		assert_eq!(fixture().1.outputs, vec![mlp.infer(&fixture().1.inputs).label as i64]);
	}

	#[test]
	fn only_the_first_largest_logit_satisfies_the_circuit() {
		let mlp = QuantisedMlp::blobs_classifier();
		let (rows, _) = held_out();
		for row in rows.iter().take(10) {
			let inputs: Vec<i64> = row.iter().map(|x| mlp.input_value(*x)).collect();
			let label = mlp.infer(&inputs).label;
			for claimed in 0..3 {
				assert_eq!(
					circuit::satisfied(&mlp, &inputs, claimed),
					claimed == label,
					"{inputs:?}"
				);
			}
		}
		// A tie: a model whose two classes always have equal logits picks the first.
		let mut tied = mlp.clone();
		for row in tied.w2.iter_mut() {
			row[2] = row[1];
		}
		tied.b2[2] = tied.b2[1];
		tied.b2[0] = -(1 << 60);
		let inputs = [65_536, 65_536, 65_536, 65_536];
		let trace = tied.infer(&inputs);
		assert_eq!(trace.logits[1], trace.logits[2]);
		assert_eq!(trace.label, 1);
		assert!(circuit::satisfied(&tied, &inputs, 1));
		assert!(!circuit::satisfied(&tied, &inputs, 2), "the later of two tied classes is refused");
	}

	#[test]
	fn a_proof_for_another_model_fails() {
		let mlp = QuantisedMlp::blobs_classifier();
		let mut other = mlp.clone();
		other.w2[0][0] += 1;
		// The same base seed: the setup draws each model's randomness from its weights too.
		let other_keys = circuit::setup(&other, DEV_SETUP_SEED);
		let (key, _) = fixture();
		let ours = check_key::<Curve>(&key, Some(&mlp.layout())).unwrap().points;
		let inputs = [65_536, -65_536, 0, 131_072];
		assert_ne!(other_keys.verifying, key);
		let mut rng = ChaCha20Rng::seed_from_u64(1);
		let result = circuit::prove(&other, &other_keys.proving, &inputs, &mut rng).unwrap();
		assert_eq!(verify::<Curve>(&ours, &mlp.layout(), &result), Err(ZkError::Rejected));
	}
}
