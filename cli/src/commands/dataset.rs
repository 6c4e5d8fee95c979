//! `deai dataset`: register, publish versions, show.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Subcommand;
use deai_client::chain::{api, bounded, text, Chain};
use deai_client::content::hex_hash;
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use api::runtime_types::pallet_model_registry::types as registry;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

use super::{contributors, show_published};
use crate::args::{self, LicenceArgs};
use crate::ctx::Ctx;

/// `deai dataset …`.
#[derive(Subcommand)]
pub enum DatasetCmd {
	/// Registers a dataset.
	Register {
		/// A short name.
		#[arg(long)]
		name: String,
		/// A description.
		#[arg(long, default_value = "")]
		description: String,
		#[command(flatten)]
		licence: LicenceArgs,
		/// The fee per use, in DEAI (0: open access).
		#[arg(long, default_value = "0", value_parser = args::amount)]
		fee: u128,
		/// Compute-to-data: only approved providers may use it.
		#[arg(long)]
		compute_to_data: bool,
		/// `ADDRESS=PERCENT` (repeat). Default: the signer, 100%.
		#[arg(long = "contributor", value_parser = args::contributor)]
		contributors: Vec<(AccountId32, Perbill)>,
	},
	/// Hashes a file, uploads it and publishes it as a new version.
	Publish {
		/// The dataset's id.
		dataset: u64,
		/// The data file.
		#[arg(long)]
		file: PathBuf,
		/// Publish this URI instead of uploading to the store.
		#[arg(long)]
		uri: Option<String>,
		/// A label such as `2026-11`.
		#[arg(long)]
		label: String,
	},
	/// Shows a dataset.
	Show {
		/// The dataset's id.
		dataset: u64,
	},
}

/// The registry's access policy for a dataset with `fee` per use.
fn access(compute_to_data: bool, fee: u128) -> registry::AccessPolicy<u128> {
	match (compute_to_data, fee) {
		(true, fee) => registry::AccessPolicy::ComputeToData { fee },
		(false, 0) => registry::AccessPolicy::Open,
		(false, fee) => registry::AccessPolicy::Licensed { fee },
	}
}

/// Runs a `deai dataset` command.
pub async fn run(ctx: &Ctx, cmd: DatasetCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let reg = api::tx().model_registry();
	match cmd {
		DatasetCmd::Register {
			name,
			description,
			licence,
			fee,
			compute_to_data,
			contributors: c,
		} => {
			let sender = ctx.sender()?;
			let call = reg.register_dataset(
				bounded(&name),
				bounded(&description),
				licence.licence(),
				access(compute_to_data, fee),
				contributors(ctx, c)?,
			);
			let included =
				ctx.out.submit(&chain, &sender, "register dataset", &call, ctx.wait).await?;
			let event = included.event::<api::model_registry::events::DatasetRegistered>()?;
			ctx.out.show(
				|| format!("dataset {} registered", event.dataset),
				json!({ "dataset": event.dataset }),
			);
		},
		DatasetCmd::Publish { dataset, file, uri, label } => {
			let sender = ctx.sender()?;
			let (hash, size, uri) = ctx.put(&file, uri).await?;
			let call =
				reg.publish_dataset_version(dataset, hash, size, bounded(&uri), bounded(&label));
			let included = ctx
				.out
				.submit(&chain, &sender, "publish dataset version", &call, ctx.wait)
				.await?;
			let event = included.event::<api::model_registry::events::DatasetVersionPublished>()?;
			let v = event.version;
			show_published(ctx, "dataset", (v.dataset, v.version), &hash, size, &uri);
		},
		DatasetCmd::Show { dataset } => show(ctx, &chain, dataset).await?,
	}
	Ok(())
}

async fn show(ctx: &Ctx, chain: &Chain, dataset: u64) -> anyhow::Result<()> {
	let at = chain.at_finalized().await?;
	let info = at
		.storage()
		.try_fetch(api::storage().model_registry().datasets(), (dataset,))
		.await?
		.ok_or_else(|| anyhow!("no dataset {dataset}"))?
		.decode()?;
	// Its name and description are kept apart from the record jobs read.
	let about = at
		.storage()
		.try_fetch(api::storage().model_registry().dataset_descriptions(), (dataset,))
		.await?
		.ok_or_else(|| anyhow!("dataset {dataset} has no description"))?
		.decode()?;
	let mut versions = Vec::new();
	for index in 0..info.next_version {
		if let Some(v) = at
			.storage()
			.try_fetch(api::storage().model_registry().dataset_versions(), (dataset, index))
			.await?
		{
			versions.push((index, v.decode()?));
		}
	}
	ctx.out.show(
		|| {
			let mut lines = vec![
				format!("dataset {dataset}: {} — {}", text(&about.name), text(&about.description)),
				format!(
					"  owner {}, licence {}, access {:?}",
					info.owner,
					text(&info.licence.spdx),
					info.access
				),
			];
			for (index, v) in &versions {
				lines.push(format!(
					"  version {index} {} [{:?}] {} {} bytes, {} uses, {}",
					text(&v.label),
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
			"dataset": dataset, "name": text(&about.name), "description": text(&about.description),
			"owner": info.owner.to_string(),
			"licence": text(&info.licence.spdx), "access": format!("{:?}", info.access),
			"versions": versions.iter().map(|(i, v)| json!({
				"version": i, "label": text(&v.label), "hash": hex_hash(&v.artifact.content_hash),
				"size": v.artifact.size_bytes, "uri": text(&v.artifact.uri), "uses": v.uses,
			})).collect::<Vec<_>>(),
		}),
	);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_free_dataset_is_open_unless_compute_to_data() {
		assert!(matches!(access(false, 0), registry::AccessPolicy::Open));
		assert!(matches!(access(false, 5), registry::AccessPolicy::Licensed { fee: 5 }));
		assert!(matches!(access(true, 0), registry::AccessPolicy::ComputeToData { fee: 0 }));
	}
}
