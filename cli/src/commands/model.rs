//! `deai model`: register, publish versions, show, lineage, royalties (show and claim).

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Subcommand;
use deai_client::chain::{api, bounded, format_balance, text};
use deai_client::content::hex_hash;
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::royalties::RoyaltyPayee;
use api::runtime_types::deai_primitives::{DatasetVersionRef, ModelVersionRef, VersionRef};
use api::runtime_types::pallet_model_registry::types as registry;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

use super::{contributors, show_published};
use crate::args::{self, Format, LicenceArgs};
use crate::ctx::Ctx;

/// `deai model …`.
#[derive(Subcommand)]
pub enum ModelCmd {
	/// Registers a model (the signer owns it).
	Register {
		/// A short name.
		#[arg(long)]
		name: String,
		/// A description.
		#[arg(long, default_value = "")]
		description: String,
		/// Task and modality tags.
		#[arg(long = "tag")]
		tags: Vec<String>,
		#[command(flatten)]
		licence: LicenceArgs,
		/// The usage fee each job pays, in DEAI.
		#[arg(long, default_value = "0", value_parser = args::amount)]
		fee: u128,
		/// `ADDRESS=PERCENT` (repeat; they must add up to 100). Default: the signer, 100%.
		#[arg(long = "contributor", value_parser = args::contributor)]
		contributors: Vec<(AccountId32, Perbill)>,
	},
	/// Hashes a file, uploads it to the content store and publishes it as a new version.
	Publish {
		/// The model's id.
		model: u64,
		/// The weights file.
		#[arg(long)]
		file: PathBuf,
		/// Publish this URI instead of uploading to the store.
		#[arg(long)]
		uri: Option<String>,
		/// `onnx`, `safetensors`, `gguf` or `other`.
		#[arg(long, value_enum, default_value = "onnx", hide_possible_values = true)]
		format: Format,
		/// A label such as `v1.0.0`.
		#[arg(long)]
		label: String,
		/// A parent version `MODEL:VERSION` (repeat).
		#[arg(long = "parent", value_parser = args::model_version)]
		parents: Vec<ModelVersionRef>,
		/// A training dataset version `DATASET:VERSION` (repeat).
		#[arg(long = "trained-on", value_parser = args::dataset_version)]
		trained_on: Vec<DatasetVersionRef>,
		/// The percentage of usage fees passed to the parents' contributors.
		#[arg(long, default_value = "0", value_parser = args::percent)]
		upstream_share: Perbill,
	},
	/// Shows a model and its versions.
	Show {
		/// The model's id.
		model: u64,
	},
	/// Shows a version's lineage (ancestors and descendants).
	Lineage {
		/// `MODEL:VERSION`.
		#[arg(value_parser = args::model_version)]
		version: ModelVersionRef,
		/// How many generations.
		#[arg(long, default_value_t = 8)]
		depth: u32,
	},
	/// What each payee of a version's royalty pot is owed now.
	Royalties {
		/// `MODEL:VERSION`, or `dataset:DATASET:VERSION`.
		#[arg(value_parser = args::any_version)]
		version: VersionRef,
	},
	/// Pays a payee of a version's royalty pot what it is owed (anyone may, for anyone).
	Claim {
		/// `MODEL:VERSION`, or `dataset:DATASET:VERSION`.
		#[arg(value_parser = args::any_version)]
		version: VersionRef,
		/// `owner`, `parent:MODEL:VERSION` (forwards its share into the parent's pot), or an
		/// account (default: the signer).
		#[arg(long, value_parser = args::royalty_payee)]
		payee: Option<RoyaltyPayee<AccountId32>>,
	},
}

/// `MODEL:VERSION`, as `args::model_version` reads it.
pub fn model_version_name(version: &ModelVersionRef) -> String {
	format!("{}:{}", version.model, version.version)
}

/// `MODEL:VERSION` or `dataset:DATASET:VERSION`.
pub fn version_name(version: &VersionRef) -> String {
	match version {
		VersionRef::Model(v) => model_version_name(v),
		VersionRef::Dataset(v) => format!("dataset:{}:{}", v.dataset, v.version),
	}
}

/// `owner`, `parent:MODEL:VERSION` or the account.
pub fn payee_name(payee: &RoyaltyPayee<AccountId32>) -> String {
	match payee {
		RoyaltyPayee::Owner => "owner".into(),
		RoyaltyPayee::Account(who) => who.to_string(),
		RoyaltyPayee::Parent(v) => format!("parent:{}", model_version_name(v)),
	}
}

/// Runs a `deai model` command.
pub async fn run(ctx: &Ctx, cmd: ModelCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let reg = api::tx().model_registry();
	match cmd {
		ModelCmd::Register { name, description, tags, licence, fee, contributors: c } => {
			let sender = ctx.sender()?;
			let call = reg.register_model(
				bounded(&name),
				bounded(&description),
				BoundedVec(tags.iter().map(|t| bounded(t)).collect()),
				licence.licence(),
				fee,
				contributors(ctx, c)?,
			);
			let included =
				ctx.out.submit(&chain, &sender, "register model", &call, ctx.wait).await?;
			let event = included.event::<api::model_registry::events::ModelRegistered>()?;
			ctx.out.show(
				|| format!("model {} registered", event.model),
				json!({ "model": event.model }),
			);
		},
		ModelCmd::Publish {
			model,
			file,
			uri,
			format,
			label,
			parents,
			trained_on,
			upstream_share,
		} => {
			let sender = ctx.sender()?;
			let (hash, size, uri) = ctx.put(&file, uri).await?;
			let call = reg.publish_model_version(
				model,
				hash,
				size,
				format.into(),
				bounded(&uri),
				bounded(&label),
				BoundedVec(parents),
				BoundedVec(trained_on),
				None,
				upstream_share,
			);
			let included = ctx
				.out
				.submit(&chain, &sender, "publish model version", &call, ctx.wait)
				.await?;
			let event = included.event::<api::model_registry::events::ModelVersionPublished>()?;
			let v = event.version;
			show_published(ctx, "model", (v.model, v.version), &hash, size, &uri);
		},
		ModelCmd::Show { model } => show(ctx, &chain, model).await?,
		ModelCmd::Lineage { version, depth } => lineage(ctx, &chain, version, depth).await?,
		ModelCmd::Royalties { version } => {
			let at = chain.at_finalized().await?;
			let owed = at
				.runtime_apis()
				.call(api::runtime_apis().model_registry_api().royalties(version.clone()))
				.await?;
			ctx.out.show(
				|| {
					if owed.is_empty() {
						return format!("{}: no such version", version_name(&version));
					}
					let mut lines = vec![format!("royalties owed by {}:", version_name(&version))];
					for (payee, amount) in &owed {
						lines.push(format!("  {}: {}", payee_name(payee), format_balance(*amount)));
					}
					lines.join("\n")
				},
				json!({
					"version": version_name(&version),
					"owed": owed.iter().map(|(p, a)| json!({ "payee": payee_name(p), "amount": a.to_string() })).collect::<Vec<_>>(),
				}),
			);
		},
		ModelCmd::Claim { version, payee } => {
			let sender = ctx.sender()?;
			let payee = payee.unwrap_or(RoyaltyPayee::Account(sender.account));
			let call = reg.claim_royalties(version.clone(), payee);
			let included =
				ctx.out.submit(&chain, &sender, "claim royalties", &call, ctx.wait).await?;
			let event = included.event::<api::model_registry::events::RoyaltiesClaimed>()?;
			ctx.out.show(
				|| {
					format!(
						"{} paid {} from {}",
						payee_name(&event.payee),
						format_balance(event.amount),
						version_name(&event.version)
					)
				},
				json!({
					"version": version_name(&event.version),
					"payee": payee_name(&event.payee),
					"amount": event.amount.to_string(),
				}),
			);
		},
	}
	Ok(())
}

async fn show(ctx: &Ctx, chain: &deai_client::chain::Chain, model: u64) -> anyhow::Result<()> {
	let at = chain.at_finalized().await?;
	let (info, versions) = at
		.runtime_apis()
		.call(api::runtime_apis().model_registry_api().model(model))
		.await?
		.ok_or_else(|| anyhow!("no model {model}"))?;
	// Its name, description and tags are kept apart from the record jobs read.
	let about = at
		.storage()
		.try_fetch(api::storage().model_registry().model_descriptions(), (model,))
		.await?
		.ok_or_else(|| anyhow!("model {model} has no description"))?
		.decode()?;
	let versions_json: Vec<_> = versions
		.iter()
		.map(|(index, v)| {
			json!({
				"version": index, "label": text(&v.label), "hash": hex_hash(&v.artifact.content_hash),
				"size": v.artifact.size_bytes, "uri": text(&v.artifact.uri), "format": format!("{:?}", v.format),
				"status": format!("{:?}", v.status), "uses": v.uses,
				"parents": v.parents.0.iter().map(model_version_name).collect::<Vec<_>>(),
			})
		})
		.collect();
	let contributors: Vec<_> = info
		.contributors
		.0
		.iter()
		.map(
			|(who, share)| json!({ "account": who.to_string(), "percent": share.0 as f64 / 10_000_000.0 }),
		)
		.collect();
	ctx.out.show(
		|| {
			let mut lines = vec![
				format!("model {model}: {} — {}", text(&about.name), text(&about.description)),
				format!("  owner {}", info.owner),
				format!(
					"  licence {} (commercial: {}, derivatives: {}), usage fee {}",
					text(&info.licence.spdx),
					info.licence.commercial_use,
					info.licence.derivatives,
					format_balance(info.usage_fee)
				),
				format!("  status {:?}, {} live versions", info.status, info.live_versions),
			];
			for (who, share) in &info.contributors.0 {
				lines.push(format!("  contributor {who}: {}%", share.0 as f64 / 10_000_000.0));
			}
			for (index, v) in &versions {
				lines.push(format!(
					"  version {index} {} [{:?}, {:?}] {} {} bytes, {} uses, {}",
					text(&v.label),
					v.format,
					v.status,
					hex_hash(&v.artifact.content_hash),
					v.artifact.size_bytes,
					v.uses,
					text(&v.artifact.uri)
				));
			}
			lines.join("\n")
		},
		json!({
			"model": model, "name": text(&about.name), "description": text(&about.description),
			"tags": about.tags.0.iter().map(text).collect::<Vec<_>>(),
			"owner": info.owner.to_string(), "licence": text(&info.licence.spdx),
			"usage_fee": info.usage_fee.to_string(), "status": format!("{:?}", info.status),
			"contributors": contributors, "versions": versions_json,
		}),
	);
	Ok(())
}

async fn lineage(
	ctx: &Ctx,
	chain: &deai_client::chain::Chain,
	version: ModelVersionRef,
	depth: u32,
) -> anyhow::Result<()> {
	let ModelVersionRef { model, version } = version;
	let at = chain.at_finalized().await?;
	let lineage = at
		.runtime_apis()
		.call(
			api::runtime_apis()
				.model_registry_api()
				.lineage(ModelVersionRef { model, version }, depth),
		)
		.await?
		.ok_or_else(|| anyhow!("no model version {model}:{version}"))?;
	let node = |n: &registry::LineageNode| {
		json!({
			"version": model_version_name(&n.version), "distance": n.distance,
			"parents": n.parents.iter().map(model_version_name).collect::<Vec<_>>(),
			"status": format!("{:?}", n.status), "model_taken_down": n.model_taken_down,
		})
	};
	ctx.out.show(
		|| {
			let mut lines = vec![format!("lineage of {model}:{version}")];
			for n in &lineage.ancestors {
				lines.push(format!(
					"  ancestor {}:{} (distance {}, {:?}) parents {:?}",
					n.version.model,
					n.version.version,
					n.distance,
					n.status,
					n.parents.iter().map(model_version_name).collect::<Vec<_>>()
				));
			}
			for n in &lineage.descendants {
				lines.push(format!(
					"  descendant {}:{} (distance {}, {:?})",
					n.version.model, n.version.version, n.distance, n.status
				));
			}
			if lineage.recalled_ancestor {
				lines.push("  WARNING: an ancestor was yanked or taken down".into());
			}
			lines.join("\n")
		},
		json!({
			"ancestors": lineage.ancestors.iter().map(node).collect::<Vec<_>>(),
			"descendants": lineage.descendants.iter().map(node).collect::<Vec<_>>(),
			"recalled_ancestor": lineage.recalled_ancestor, "truncated": lineage.truncated,
		}),
	);
	Ok(())
}
