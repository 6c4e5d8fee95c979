//! Proofs for `Proof` jobs: the circuits this worker can prove and their proving keys.
//!
//! A `Proof` job's model version has a ZK profile on chain naming a verifying key. The worker
//! proves a job when it has the circuit whose key that is: today the project's blobs-classifier
//! (`deai_zk::circuit`) with its local dev setup, the key `deai zk register-key
//! --dev-blobs-classifier` registers. The job's input is a values document (its fixed-point
//! inputs); the result is the values document of the outputs (the label), and the proof goes
//! with it in `submit_result`.

use deai_client::chain::api::runtime_types::pallet_zk_verifier::types::ZkProfile;
use deai_zk::circuit::{self, Keys, QuantisedMlp, DEV_SETUP_SEED};
use deai_zk::ProvenResult;
use rand_chacha::rand_core::SeedableRng;

/// A circuit with its keys.
pub struct Prover {
	mlp: QuantisedMlp,
	keys: Keys,
	key_id: [u8; 32],
	/// The verifying key as the chain stores it, to check each proof before it goes out.
	checked_key: Vec<u8>,
}

impl Prover {
	/// The blobs-classifier's circuit with the dev setup's keys (about a second to make).
	pub fn blobs_classifier() -> Self {
		let mlp = QuantisedMlp::blobs_classifier();
		let keys = circuit::setup(&mlp, DEV_SETUP_SEED);
		let key_id = deai_zk::key_id(&keys.verifying);
		let checked_key = deai_zk::check_key::<deai_zk::Curve>(&keys.verifying, None)
			.expect("the setup's own key is well-formed; qed")
			.points;
		Self { mlp, keys, key_id, checked_key }
	}

	/// The id of its verifying key (what a profile names).
	pub fn key_id(&self) -> [u8; 32] {
		self.key_id
	}

	/// Whether it proves statements of a profile with key `key` and this layout (inputs,
	/// outputs, fixed-point scale): another scale would prove a statement about mis-scaled inputs.
	/// [`Self::proves_for`] asks it of a profile on chain.
	pub fn proves(
		&self,
		key: &[u8; 32],
		inputs: u8,
		outputs: u8,
		scale_bits: u8,
	) -> Result<(), String> {
		let layout = self.mlp.layout();
		if key != &self.key_id {
			return Err(format!("no circuit for the ZK profile's key {}", hex::encode(key)));
		}
		if (inputs, outputs, scale_bits) != (layout.inputs, layout.outputs, layout.scale_bits) {
			return Err(format!(
				"the ZK profile reads {inputs} inputs, {outputs} outputs at {scale_bits} bits; the circuit {} inputs, {} outputs at {} bits",
				layout.inputs, layout.outputs, layout.scale_bits
			));
		}
		Ok(())
	}

	/// [`Self::proves`] of a ZK profile as the chain stores it.
	pub fn proves_for(&self, profile: &ZkProfile) -> Result<(), String> {
		let layout = &profile.layout;
		self.proves(&profile.key, layout.inputs, layout.outputs, layout.scale_bits)
	}

	/// Runs the circuit's model on `inputs`, proves it, and checks the proof as the chain will (a
	/// proof the chain refused would cost a whole verification's fee).
	pub fn prove(&self, inputs: &[i64]) -> Result<ProvenResult, String> {
		let layout = self.mlp.layout();
		if inputs.len() != usize::from(layout.inputs) {
			return Err(format!(
				"the input has {} values, the model takes {}",
				inputs.len(),
				layout.inputs
			));
		}
		let mut seed = [0u8; 32];
		getrandom::getrandom(&mut seed).map_err(|e| format!("no randomness for the proof: {e}"))?;
		let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
		let proven = circuit::prove(&self.mlp, &self.keys.proving, inputs, &mut rng)
			.map_err(|e| format!("proving: {e}"))?;
		deai_zk::verify::<deai_zk::Curve>(&self.checked_key, &layout, &proven)
			.map_err(|e| format!("the proof does not verify against its own key: {e:?}"))?;
		Ok(proven)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn proves_what_the_dev_key_verifies() {
		let prover = Prover::blobs_classifier();
		let key = deai_zk::check_key::<deai_zk::Curve>(&prover.keys.verifying, None)
			.unwrap()
			.points;
		let result = prover.prove(&[65_536, 0, -65_536, 32_768]).unwrap();
		assert_eq!(deai_zk::verify::<deai_zk::Curve>(&key, &prover.mlp.layout(), &result), Ok(()));
		assert!(prover.prove(&[1, 2, 3]).is_err());
		// The profile the worker proves for: its key and layout only.
		let layout = prover.mlp.layout();
		assert_eq!(
			prover.proves(&prover.key_id(), layout.inputs, layout.outputs, layout.scale_bits),
			Ok(())
		);
		assert!(prover
			.proves(&[0; 32], layout.inputs, layout.outputs, layout.scale_bits)
			.is_err());
		assert!(prover.proves(&prover.key_id(), layout.inputs, layout.outputs, 8).is_err());
	}
}
