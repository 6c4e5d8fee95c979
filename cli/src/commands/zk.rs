//! `deai zk`: verifying keys and model versions' ZK profiles (`ZkVerifier`).

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use clap::Subcommand;
use deai_client::chain::{api, format_balance, zk_profile};
use deai_client::content::{hex_hash, parse_hash};
use deai_zk::circuit::{self, QuantisedMlp, DEV_SETUP_SEED};
use serde_json::json;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::ModelVersionRef;
use api::runtime_types::deai_zk::ValueLayout;

use crate::args;
use crate::ctx::Ctx;

/// `deai zk …`.
#[derive(Subcommand)]
pub enum ZkCmd {
	/// Registers a Groth16 verifying key (BLS12-381, arkworks' compressed layout), holding its
	/// deposit; prints its id. A key already registered is not registered again.
	RegisterKey {
		/// The compressed key's bytes.
		#[arg(
			long,
			conflicts_with = "dev_blobs_classifier",
			required_unless_present = "dev_blobs_classifier"
		)]
		file: Option<PathBuf>,
		/// The blobs-classifier circuit's key from its local dev setup (tests and dev chains
		/// only: its seed is public, so anyone can forge proofs for it).
		#[arg(long)]
		dev_blobs_classifier: bool,
	},
	/// Binds a registered key to a model version as its ZK profile (the model's owner).
	Bind {
		/// `MODEL:VERSION`.
		#[arg(long, value_parser = args::model_version)]
		model: ModelVersionRef,
		/// The key's id (hex), or the dev blobs-classifier key with --dev-blobs-classifier.
		#[arg(
			long,
			conflicts_with = "dev_blobs_classifier",
			required_unless_present = "dev_blobs_classifier"
		)]
		key: Option<String>,
		/// The blobs-classifier's dev key and its layout (4 inputs, 1 output, 16 bits).
		#[arg(long)]
		dev_blobs_classifier: bool,
		/// Input values per job.
		#[arg(long, default_value_t = 4)]
		inputs: u8,
		/// Output values per result.
		#[arg(long, default_value_t = 1)]
		outputs: u8,
		/// Fractional bits of every value.
		#[arg(long, default_value_t = 16)]
		scale_bits: u8,
	},
	/// Shows a model version's ZK profile.
	Profile {
		/// `MODEL:VERSION`.
		#[arg(value_parser = args::model_version)]
		model: ModelVersionRef,
	},
}

/// The blobs-classifier's dev key: compressed bytes and layout.
fn dev_blobs_key() -> (Vec<u8>, deai_zk::ValueLayout) {
	let mlp = QuantisedMlp::blobs_classifier();
	(circuit::setup(&mlp, DEV_SETUP_SEED).verifying, mlp.layout())
}

/// Runs a `deai zk` command.
pub async fn run(ctx: &Ctx, cmd: ZkCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().zk_verifier();
	match cmd {
		ZkCmd::RegisterKey { file, dev_blobs_classifier } => {
			let key = match (file, dev_blobs_classifier) {
				(Some(file), false) => {
					std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?
				},
				_ => dev_blobs_key().0,
			};
			deai_zk::check_key::<deai_zk::Curve>(&key, None)
				.map_err(|e| anyhow!("not a valid compressed Groth16 key on BLS12-381: {e:?}"))?;
			let id = deai_zk::key_id(&key);
			let at = chain.at_finalized().await?;
			let existing =
				at.storage().try_fetch(api::storage().zk_verifier().keys(), (id,)).await?;
			if existing.is_some() {
				ctx.out.show(
					|| format!("key {} is already registered", hex_hash(&id)),
					json!({ "key": hex_hash(&id), "registered": false }),
				);
				return Ok(());
			}
			let included = ctx
				.out
				.submit(
					&chain,
					&ctx.sender()?,
					"register key",
					&tx.register_key(BoundedVec(key)),
					ctx.wait,
				)
				.await?;
			let event = included.event::<api::zk_verifier::events::KeyRegistered>()?;
			ctx.out.show(
				|| {
					format!(
						"key {} registered: {} public values, deposit {}",
						hex_hash(&event.key),
						event.public_values,
						format_balance(event.deposit)
					)
				},
				json!({
					"key": hex_hash(&event.key),
					"registered": true,
					"public_values": event.public_values,
					"deposit": event.deposit.to_string(),
				}),
			);
		},
		ZkCmd::Bind { model, key, dev_blobs_classifier, inputs, outputs, scale_bits } => {
			let (key, layout) = match (key, dev_blobs_classifier) {
				(Some(key), false) => (
					parse_hash(&key).ok_or_else(|| anyhow!("--key: not a 32-byte hex hash"))?,
					ValueLayout { inputs, outputs, scale_bits },
				),
				_ => {
					let (key, layout) = dev_blobs_key();
					(
						deai_zk::key_id(&key),
						ValueLayout {
							inputs: layout.inputs,
							outputs: layout.outputs,
							scale_bits: layout.scale_bits,
						},
					)
				},
			};
			ctx.out
				.submit(
					&chain,
					&ctx.sender()?,
					"bind profile",
					&tx.bind_profile(model, key, layout),
					ctx.wait,
				)
				.await?;
			ctx.out.show(
				|| {
					format!(
						"model {}:{} proves with key {}",
						model.model,
						model.version,
						hex_hash(&key)
					)
				},
				json!({ "model": model.model, "version": model.version, "key": hex_hash(&key) }),
			);
		},
		ZkCmd::Profile { model } => {
			let at = chain.at_finalized().await?;
			let Some(profile) = zk_profile(&at, &model).await? else {
				bail!("model {}:{} has no ZK profile", model.model, model.version);
			};
			ctx.out.show(
				|| {
					format!(
						"model {}:{}: key {}, {} inputs, {} outputs, {} fractional bits",
						model.model,
						model.version,
						hex_hash(&profile.key),
						profile.layout.inputs,
						profile.layout.outputs,
						profile.layout.scale_bits,
					)
				},
				json!({
					"model": model.model,
					"version": model.version,
					"key": hex_hash(&profile.key),
					"inputs": profile.layout.inputs,
					"outputs": profile.layout.outputs,
					"scale_bits": profile.layout.scale_bits,
					"owner": profile.owner.to_string(),
				}),
			);
		},
	}
	Ok(())
}
