//! `deai`: DeAI Chain's command line for requesters, model and dataset owners, and provider
//! operators. Human output by default, `--json` for scripts; chain errors by name.

mod bench;
mod output;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand};
use deai_client::chain::{api, bounded, format_balance, parse_balance, text, Chain, Sender, Wait};
use deai_client::content::{self, hex_hash};
use deai_client::keys::{self, KeySource};
use deai_client::store;
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::{DatasetVersionRef, ModelVersionRef};
use api::runtime_types::pallet_compute_market::types as market;
use api::runtime_types::pallet_model_registry::types as registry;
use api::runtime_types::sp_arithmetic::per_things::Perbill;
use output::Out;

#[derive(Parser)]
#[command(
	name = "deai",
	version,
	about = "DeAI Chain command line: models, datasets, jobs, rewards, providers"
)]
struct Cli {
	/// The node's RPC URL.
	#[arg(long, global = true, env = "DEAI_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// The signer's secret URI or phrase (e.g. `//Alice` on a dev chain).
	#[arg(long, global = true, env = "DEAI_KEY", hide_env_values = true)]
	key: Option<String>,
	/// A file holding the signer's secret URI or phrase.
	#[arg(long, global = true, env = "DEAI_KEY_FILE")]
	key_file: Option<PathBuf>,
	/// The content store uploads go to and results are fetched from.
	#[arg(long, global = true, env = "DEAI_STORE", default_value = "http://127.0.0.1:8700")]
	store: String,
	/// A file holding the content store's upload token (for stores that need one).
	#[arg(long, global = true, env = "DEAI_STORE_TOKEN_FILE")]
	store_token_file: Option<PathBuf>,
	/// Print JSON (one document) instead of human-readable lines.
	#[arg(long, global = true)]
	json: bool,
	/// Wait for finality rather than inclusion in a block.
	#[arg(long, global = true)]
	finalized: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Models: register, publish versions, show, lineage.
	#[command(subcommand)]
	Model(ModelCmd),
	/// Datasets: register, publish versions, show.
	#[command(subcommand)]
	Dataset(DatasetCmd),
	/// Jobs: post, status, accept, dispute, result.
	#[command(subcommand)]
	Job(JobCmd),
	/// Contributor rewards: show, claim.
	#[command(subcommand)]
	Rewards(RewardsCmd),
	/// Provider operations.
	#[command(subcommand)]
	Provider(ProviderCmd),
	/// The content store.
	#[command(subcommand)]
	Store(StoreCmd),
	/// Drives requesters and workers against a dev node and reports job lifecycles per minute.
	Bench(bench::BenchArgs),
}

#[derive(Args)]
struct LicenceArgs {
	/// SPDX-style licence identifier.
	#[arg(long, default_value = "Apache-2.0")]
	licence: String,
	/// The licence allows commercial use.
	#[arg(long)]
	commercial: bool,
	/// The licence allows derivative works (fine-tuning, training).
	#[arg(long)]
	derivatives: bool,
	/// Users must credit the authors.
	#[arg(long)]
	attribution: bool,
}

#[derive(Subcommand)]
enum ModelCmd {
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
		#[arg(long, default_value = "0")]
		fee: String,
		/// `ADDRESS=PERCENT` (repeat; they must add up to 100). Default: the signer, 100%.
		#[arg(long = "contributor")]
		contributors: Vec<String>,
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
		#[arg(long, default_value = "onnx")]
		format: String,
		/// A label such as `v1.0.0`.
		#[arg(long)]
		label: String,
		/// A parent version `MODEL:VERSION` (repeat).
		#[arg(long = "parent")]
		parents: Vec<String>,
		/// A training dataset version `DATASET:VERSION` (repeat).
		#[arg(long = "trained-on")]
		trained_on: Vec<String>,
		/// The percentage of usage fees passed to the parents' contributors.
		#[arg(long, default_value_t = 0)]
		upstream_share: u32,
	},
	/// Shows a model and its versions.
	Show {
		/// The model's id.
		model: u64,
	},
	/// Shows a version's lineage (ancestors and descendants).
	Lineage {
		/// `MODEL:VERSION`.
		version: String,
		/// How many generations.
		#[arg(long, default_value_t = 8)]
		depth: u32,
	},
}

#[derive(Subcommand)]
enum DatasetCmd {
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
		#[arg(long, default_value = "0")]
		fee: String,
		/// Compute-to-data: only approved providers may use it.
		#[arg(long)]
		compute_to_data: bool,
		/// `ADDRESS=PERCENT` (repeat). Default: the signer, 100%.
		#[arg(long = "contributor")]
		contributors: Vec<String>,
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

#[derive(Subcommand)]
enum JobCmd {
	/// Uploads an input and posts an inference job on a model version.
	Post {
		/// `MODEL:VERSION`.
		#[arg(long)]
		model: String,
		/// The input file (uploaded to the store and hashed).
		#[arg(long)]
		input: PathBuf,
		/// Use this URI for the input instead of uploading it.
		#[arg(long)]
		input_uri: Option<String>,
		/// The price per provider, in DEAI.
		#[arg(long, default_value = "10")]
		price: String,
		/// How providers are matched: `fixed` (the first claimer at --price; a redundant job's
		/// providers are drawn among its claimers when the matching window closes), `auction`, or
		/// `direct:ADDRESS`.
		#[arg(long, default_value = "fixed")]
		matching: String,
		/// Providers running it; more than one means commit-reveal redundancy.
		#[arg(long, default_value_t = 1)]
		providers: u8,
		/// How many redundant providers must agree (default: all).
		#[arg(long)]
		quorum: Option<u8>,
		/// A verifier account that attests the result (single provider).
		#[arg(long)]
		verifier: Option<String>,
		/// The budget held in escrow, in DEAI (default: the exact quote).
		#[arg(long)]
		budget: Option<String>,
		/// Blocks the matching window lasts.
		#[arg(long, default_value_t = 20)]
		matching_blocks: u32,
		/// Blocks providers have to deliver.
		#[arg(long, default_value_t = 50)]
		execution_blocks: u32,
		/// The use is commercial.
		#[arg(long)]
		commercial: bool,
		/// Minimum provider RAM, MiB.
		#[arg(long, default_value_t = 0)]
		min_ram_mib: u32,
		/// Wait until the job ends (settled or failed) and print its receipt.
		#[arg(long)]
		wait: bool,
		/// With --wait: give up after this many seconds.
		#[arg(long, default_value_t = 600)]
		timeout: u64,
	},
	/// Shows a job (or its receipt once it ended).
	Status {
		/// The job's id.
		job: u64,
	},
	/// Accepts a submitted result: the job settles.
	Accept {
		/// The job's id.
		job: u64,
	},
	/// Disputes a submitted result (holds the dispute bond).
	Dispute {
		/// The job's id.
		job: u64,
	},
	/// Fetches a job's result, verifies its hash, and prints or saves it.
	Result {
		/// The job's id.
		job: u64,
		/// Write it here instead of printing it.
		#[arg(long)]
		out: Option<PathBuf>,
	},
}

#[derive(Subcommand)]
enum RewardsCmd {
	/// The current epoch, an account's points and claimable rewards, and the pot.
	Show {
		/// The account (default: the signer).
		who: Option<String>,
	},
	/// Claims every claimable epoch (or one).
	Claim {
		/// Only this epoch.
		#[arg(long)]
		epoch: Option<u32>,
	},
}

#[derive(Subcommand)]
enum ProviderCmd {
	/// Registers the signer as a provider.
	Register {
		/// The bond, in DEAI.
		#[arg(long, default_value = "100")]
		bond: String,
		/// The advertised endpoint.
		#[arg(long, default_value = "http://127.0.0.1:8700")]
		endpoint: String,
		/// CPU cores.
		#[arg(long, default_value_t = 2)]
		cpu_cores: u16,
		/// RAM, MiB.
		#[arg(long, default_value_t = 4096)]
		ram_mib: u32,
		/// Jobs at once.
		#[arg(long, default_value_t = 2)]
		max_concurrent_jobs: u32,
	},
	/// Shows a provider.
	Show {
		/// The account (default: the signer).
		who: Option<String>,
	},
	/// Adds to the bond.
	TopUp {
		/// DEAI.
		amount: String,
	},
	/// Takes no new jobs.
	Pause,
	/// Takes jobs again.
	Resume,
	/// Starts unbonding (no jobs may be in flight).
	Unbond,
	/// Withdraws the bond after the unbonding period.
	Withdraw,
}

#[derive(Subcommand)]
enum StoreCmd {
	/// Serves a content store directory until Ctrl-C.
	Serve(store::ServeArgs),
	/// Uploads a file and prints its hash and URI.
	Put {
		/// The file.
		file: PathBuf,
	},
}

struct Ctx {
	out: Out,
	url: String,
	key: Option<KeySource>,
	store: String,
	/// The file of the upload token, when the store needs one.
	store_token_file: Option<PathBuf>,
	wait: Wait,
}

impl Ctx {
	async fn chain(&self) -> anyhow::Result<Chain> {
		Chain::connect_with_backoff(&self.url, Duration::from_secs(4), Some(3)).await
	}
	fn sender(&self) -> anyhow::Result<Sender> {
		let source = self
			.key
			.as_ref()
			.ok_or_else(|| anyhow!("this command signs: give --key or --key-file"))?;
		Ok(Sender::new(keys::load(source)?))
	}
	fn account(&self, who: Option<&str>) -> anyhow::Result<AccountId32> {
		match who {
			Some(address) => parse_account(address),
			None => Ok(self.sender()?.account),
		}
	}
	/// Hashes and uploads a file (or only hashes it when `uri` is given); returns hash, size, URI.
	async fn put(
		&self,
		file: &Path,
		uri: Option<String>,
	) -> anyhow::Result<(content::ContentHash, u64, String)> {
		let (hash, size) = content::hash_file(file, &self.out.bytes_bar("hashing")).await?;
		let uri = match uri {
			Some(uri) => uri,
			None => {
				let token = self.store_token_file.as_deref().map(store::read_token).transpose()?;
				store::upload(
					&self.store,
					token.as_deref(),
					file,
					&hash,
					&self.out.bytes_bar("uploading"),
				)
				.await?
				.uri
			},
		};
		Ok((hash, size, uri))
	}
}

fn parse_account(text: &str) -> anyhow::Result<AccountId32> {
	if let Some(name) = text.strip_prefix("//") {
		return Ok(keys::load(&KeySource::Uri(format!("//{name}")))?.public_key().to_account_id());
	}
	text.parse().map_err(|_| anyhow!("`{text}` is not an SS58 address"))
}

fn amount(text: &str) -> anyhow::Result<u128> {
	parse_balance(text)
		.ok_or_else(|| anyhow!("`{text}` is not an amount (e.g. 12.5, or 1000p for planck)"))
}

fn pair(text: &str) -> anyhow::Result<(u64, u32)> {
	let (a, b) = text.split_once(':').ok_or_else(|| anyhow!("`{text}`: expected ID:VERSION"))?;
	Ok((a.parse().context("the id")?, b.parse().context("the version")?))
}

fn percent(p: u32) -> anyhow::Result<Perbill> {
	if p > 100 {
		bail!("{p}% is more than 100%");
	}
	Ok(Perbill(p * 10_000_000))
}

fn contributors(ctx: &Ctx, given: &[String]) -> anyhow::Result<BoundedVec<(AccountId32, Perbill)>> {
	if given.is_empty() {
		return Ok(BoundedVec(vec![(ctx.sender()?.account, Perbill(1_000_000_000))]));
	}
	let mut list = Vec::new();
	for item in given {
		let (who, pct) = item
			.split_once('=')
			.ok_or_else(|| anyhow!("`{item}`: expected ADDRESS=PERCENT"))?;
		list.push((parse_account(who)?, percent(pct.parse().context("the percentage")?)?));
	}
	Ok(BoundedVec(list))
}

fn licence(args: &LicenceArgs) -> registry::Licence {
	registry::Licence {
		spdx: bounded(&args.licence),
		commercial_use: args.commercial,
		derivatives: args.derivatives,
		attribution: args.attribution,
	}
}

#[tokio::main]
async fn main() {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,jsonrpsee=error,subxt=error"));
	use std::io::IsTerminal;
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::stderr().is_terminal())
		.init();
	let cli = Cli::parse();
	let out = Out { json: cli.json };
	let key = match (cli.key_file, cli.key) {
		(Some(file), _) => Some(KeySource::File(file)),
		(None, Some(uri)) => Some(KeySource::Uri(uri)),
		(None, None) => None,
	};
	let ctx = Ctx {
		out,
		url: cli.url,
		key,
		store: cli.store,
		store_token_file: cli.store_token_file,
		wait: if cli.finalized { Wait::Finalized } else { Wait::InBlock },
	};
	let outcome = match cli.command {
		Command::Model(cmd) => model(&ctx, cmd).await,
		Command::Dataset(cmd) => dataset(&ctx, cmd).await,
		Command::Job(cmd) => job(&ctx, cmd).await,
		Command::Rewards(cmd) => rewards(&ctx, cmd).await,
		Command::Provider(cmd) => provider(&ctx, cmd).await,
		Command::Store(cmd) => store_cmd(&ctx, cmd).await,
		Command::Bench(args) => bench::run(&ctx.url, args, out).await,
	};
	if let Err(e) = outcome {
		if out.json {
			println!("{}", json!({ "error": format!("{e:#}") }));
		} else {
			eprintln!("error: {e:#}");
		}
		std::process::exit(1);
	}
}

async fn model(ctx: &Ctx, cmd: ModelCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let reg = api::tx().model_registry();
	match cmd {
		ModelCmd::Register { name, description, tags, licence: l, fee, contributors: c } => {
			let sender = ctx.sender()?;
			let call = reg.register_model(
				bounded(&name),
				bounded(&description),
				BoundedVec(tags.iter().map(|t| bounded(t)).collect()),
				licence(&l),
				amount(&fee)?,
				contributors(ctx, &c)?,
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
			let format = match format.as_str() {
				"onnx" => registry::ModelFormat::Onnx,
				"safetensors" => registry::ModelFormat::Safetensors,
				"gguf" => registry::ModelFormat::Gguf,
				"other" => registry::ModelFormat::Other,
				other => bail!("unknown format `{other}` (onnx, safetensors, gguf, other)"),
			};
			let parents = parents
				.iter()
				.map(|p| pair(p).map(|(model, version)| ModelVersionRef { model, version }))
				.collect::<anyhow::Result<Vec<_>>>()?;
			let trained_on = trained_on
				.iter()
				.map(|p| pair(p).map(|(dataset, version)| DatasetVersionRef { dataset, version }))
				.collect::<anyhow::Result<Vec<_>>>()?;
			let (hash, size, uri) = ctx.put(&file, uri).await?;
			let call = reg.publish_model_version(
				model,
				hash,
				size,
				format,
				bounded(&uri),
				bounded(&label),
				BoundedVec(parents),
				BoundedVec(trained_on),
				None,
				percent(upstream_share)?,
			);
			let included = ctx
				.out
				.submit(&chain, &sender, "publish model version", &call, ctx.wait)
				.await?;
			let event = included.event::<api::model_registry::events::ModelVersionPublished>()?;
			let v = event.version;
			ctx.out.show(
				|| format!("model {}:{} published: {} ({size} bytes) at {uri}", v.model, v.version, hex_hash(&hash)),
				json!({ "model": v.model, "version": v.version, "hash": hex_hash(&hash), "size": size, "uri": uri }),
			);
		},
		ModelCmd::Show { model } => {
			let at = chain.at_finalized().await?;
			let (info, versions) = at
				.runtime_apis()
				.call(api::runtime_apis().model_registry_api().model(model))
				.await?
				.ok_or_else(|| anyhow!("no model {model}"))?;
			let versions_json: Vec<_> = versions
				.iter()
				.map(|(index, v)| {
					json!({
						"version": index, "label": text(&v.label), "hash": hex_hash(&v.artifact.content_hash),
						"size": v.artifact.size_bytes, "uri": text(&v.artifact.uri), "format": format!("{:?}", v.format),
						"status": format!("{:?}", v.status), "uses": v.uses,
						"parents": v.parents.0.iter().map(|p| format!("{}:{}", p.model, p.version)).collect::<Vec<_>>(),
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
						format!(
							"model {model}: {} — {}",
							text(&info.name),
							text(&info.description)
						),
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
						lines.push(format!(
							"  contributor {who}: {}%",
							share.0 as f64 / 10_000_000.0
						));
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
					"model": model, "name": text(&info.name), "description": text(&info.description),
					"owner": info.owner.to_string(), "licence": text(&info.licence.spdx),
					"usage_fee": info.usage_fee.to_string(), "status": format!("{:?}", info.status),
					"contributors": contributors, "versions": versions_json,
				}),
			);
		},
		ModelCmd::Lineage { version, depth } => {
			let (model, version) = pair(&version)?;
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
					"version": format!("{}:{}", n.version.model, n.version.version), "distance": n.distance,
					"parents": n.parents.iter().map(|p| format!("{}:{}", p.model, p.version)).collect::<Vec<_>>(),
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
							n.parents
								.iter()
								.map(|p| format!("{}:{}", p.model, p.version))
								.collect::<Vec<_>>()
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
		},
	}
	Ok(())
}

async fn dataset(ctx: &Ctx, cmd: DatasetCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let reg = api::tx().model_registry();
	match cmd {
		DatasetCmd::Register {
			name,
			description,
			licence: l,
			fee,
			compute_to_data,
			contributors: c,
		} => {
			let sender = ctx.sender()?;
			let fee = amount(&fee)?;
			let access = match (compute_to_data, fee) {
				(true, fee) => registry::AccessPolicy::ComputeToData { fee },
				(false, 0) => registry::AccessPolicy::Open,
				(false, fee) => registry::AccessPolicy::Licensed { fee },
			};
			let call = reg.register_dataset(
				bounded(&name),
				bounded(&description),
				licence(&l),
				access,
				contributors(ctx, &c)?,
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
			ctx.out.show(
				|| format!("dataset {}:{} published: {} ({size} bytes) at {uri}", v.dataset, v.version, hex_hash(&hash)),
				json!({ "dataset": v.dataset, "version": v.version, "hash": hex_hash(&hash), "size": size, "uri": uri }),
			);
		},
		DatasetCmd::Show { dataset } => {
			let at = chain.at_finalized().await?;
			let info = at
				.storage()
				.try_fetch(api::storage().model_registry().datasets(), (dataset,))
				.await?
				.ok_or_else(|| anyhow!("no dataset {dataset}"))?
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
						format!(
							"dataset {dataset}: {} — {}",
							text(&info.name),
							text(&info.description)
						),
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
					"dataset": dataset, "name": text(&info.name), "owner": info.owner.to_string(),
					"licence": text(&info.licence.spdx), "access": format!("{:?}", info.access),
					"versions": versions.iter().map(|(i, v)| json!({
						"version": i, "label": text(&v.label), "hash": hex_hash(&v.artifact.content_hash),
						"size": v.artifact.size_bytes, "uri": text(&v.artifact.uri), "uses": v.uses,
					})).collect::<Vec<_>>(),
				}),
			);
		},
	}
	Ok(())
}

fn job_json(id: u64, job: &market::Job) -> serde_json::Value {
	json!({
		"job": id, "state": "open-or-running", "status": format!("{:?}", job.status),
		"requester": job.requester.to_string(), "budget": job.spec.budget.to_string(),
		"price_cap": job.price_cap.to_string(),
		"model": job.spec.model.as_ref().map(|m| format!("{}:{}", m.model, m.version)),
		"input_hash": hex_hash(&job.spec.input_hash), "input_uri": text(&job.spec.input_uri),
		"verification": format!("{:?}", job.spec.verification),
		"deadline": job.deadline.as_ref().map(|(block, kind)| json!({ "block": block, "kind": format!("{kind:?}") })),
		"assignments": job.assignments.0.iter().map(|a| json!({
			"provider": a.provider.to_string(), "price": a.price.to_string(),
			"committed": a.commitment.is_some(), "result": a.result.as_ref().map(hex_hash),
			"result_uri": a.result_uri.as_ref().map(text),
		})).collect::<Vec<_>>(),
	})
}

fn receipt_json(receipt: &market::Receipt) -> serde_json::Value {
	let (outcome, result, reason) = match &receipt.outcome {
		market::Outcome::Completed { result_hash } => {
			("completed", Some(hex_hash(result_hash)), None)
		},
		market::Outcome::Failed { reason } => ("failed", None, Some(format!("{reason:?}"))),
	};
	json!({
		"job": receipt.job, "state": "ended", "outcome": outcome, "result_hash": result, "failure": reason,
		"requester": receipt.requester.to_string(),
		"model": receipt.model.as_ref().map(|m| format!("{}:{}", m.model, m.version)),
		"input_hash": hex_hash(&receipt.input_hash),
		"providers": receipt.providers.0.iter().map(|(who, paid)| json!({ "provider": who.to_string(), "paid": paid.to_string() })).collect::<Vec<_>>(),
		"protocol_fee": receipt.protocol_fee.to_string(), "usage_fees": receipt.usage_fees.to_string(),
		"refunded": receipt.refunded.to_string(), "finished_at": receipt.finished_at,
	})
}

fn receipt_lines(receipt: &market::Receipt) -> String {
	let mut lines = vec![match &receipt.outcome {
		market::Outcome::Completed { result_hash } => {
			format!("job {}: completed, result {}", receipt.job, hex_hash(result_hash))
		},
		market::Outcome::Failed { reason } => format!("job {}: failed: {reason:?}", receipt.job),
	}];
	for (who, paid) in &receipt.providers.0 {
		lines.push(format!("  provider {who} paid {}", format_balance(*paid)));
	}
	lines.push(format!(
		"  protocol fee {}, usage fees {}, refunded {}",
		format_balance(receipt.protocol_fee),
		format_balance(receipt.usage_fees),
		format_balance(receipt.refunded)
	));
	lines.join("\n")
}

async fn job(ctx: &Ctx, cmd: JobCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().compute_market();
	let market_api = api::runtime_apis().compute_market_api();
	match cmd {
		JobCmd::Post {
			model,
			input,
			input_uri,
			price,
			matching,
			providers,
			quorum,
			verifier,
			budget,
			matching_blocks,
			execution_blocks,
			commercial,
			min_ram_mib,
			wait,
			timeout,
		} => {
			let sender = ctx.sender()?;
			let (model, version) = pair(&model)?;
			let model_ref = ModelVersionRef { model, version };
			let price = amount(&price)?;
			let matching = match matching.as_str() {
				"fixed" => market::MatchingMode::FixedPrice { price },
				"auction" => market::MatchingMode::Auction,
				other => match other.strip_prefix("direct:") {
					Some(who) => market::MatchingMode::Direct { provider: parse_account(who)? },
					None => bail!("--matching: fixed, auction or direct:ADDRESS"),
				},
			};
			let verification = match (providers, verifier) {
				(0, _) => bail!("--providers must be at least 1"),
				(1, Some(v)) => market::VerificationMode::Verifier { verifier: parse_account(&v)? },
				(1, None) => market::VerificationMode::RequesterApproval,
				(n, None) => market::VerificationMode::Redundant {
					providers: n,
					quorum: quorum.unwrap_or(n),
				},
				(_, Some(_)) => bail!("--verifier is for single-provider jobs"),
			};
			let budget = match budget {
				Some(b) => amount(&b)?,
				None => {
					let at = chain.at_finalized().await?;
					let quote = at
						.runtime_apis()
						.call(market_api.quote(
							Some(model_ref),
							Vec::new(),
							price,
							u32::from(providers),
						))
						.await?
						.ok_or_else(|| {
							anyhow!("model version {model}:{version} is unknown or unusable")
						})?;
					quote.total
				},
			};
			let (input_hash, _, input_uri) = ctx.put(&input, input_uri).await?;
			let spec = market::JobSpec {
				kind: market::JobKind::Inference,
				model: Some(model_ref),
				datasets: BoundedVec(Vec::new()),
				input_hash,
				input_uri: bounded(&input_uri),
				requirements: market::Requirements {
					min_vram_mib: 0,
					min_ram_mib,
					accelerator: None,
					region: None,
					tee_required: false,
					min_reputation: 0,
				},
				commercial,
				budget,
				matching_blocks,
				execution_blocks,
				matching,
				verification,
			};
			let included = ctx
				.out
				.submit(&chain, &sender, "post job", &tx.post_job(spec), ctx.wait)
				.await?;
			let event = included.event::<api::compute_market::events::JobPosted>()?;
			let id = event.job;
			if !wait {
				ctx.out.show(
					|| format!("job {id} posted: budget {} in escrow, input {}", format_balance(budget), hex_hash(&input_hash)),
					json!({ "job": id, "budget": budget.to_string(), "input_hash": hex_hash(&input_hash), "input_uri": input_uri }),
				);
				return Ok(());
			}
			if !ctx.out.json {
				eprintln!("job {id} posted; waiting for it to end (up to {timeout} s)");
			}
			let receipt = wait_for_receipt(&chain, id, Duration::from_secs(timeout)).await?;
			ctx.out.show(|| receipt_lines(&receipt), receipt_json(&receipt));
		},
		JobCmd::Status { job: id } => {
			let at = chain.at_finalized().await?;
			if let Some((job, bids)) = at.runtime_apis().call(market_api.job(id)).await? {
				let mut value = job_json(id, &job);
				value["bids"] = json!(bids
					.iter()
					.map(|(w, p)| json!({ "provider": w.to_string(), "price": p.to_string() }))
					.collect::<Vec<_>>());
				ctx.out.show(
					|| {
						let mut lines = vec![format!(
							"job {id}: {:?}, budget {}, price cap {}, {:?}",
							job.status,
							format_balance(job.spec.budget),
							format_balance(job.price_cap),
							job.spec.verification
						)];
						if let Some((block, kind)) = &job.deadline {
							lines.push(format!("  next deadline: {kind:?} at block {block}"));
						}
						for a in &job.assignments.0 {
							lines.push(format!(
								"  provider {} at {}: {}",
								a.provider,
								format_balance(a.price),
								match (&a.result, a.commitment.is_some()) {
									(Some(r), _) => format!("result {}", hex_hash(r)),
									(None, true) => "committed".into(),
									(None, false) => "working".into(),
								}
							));
						}
						for (who, p) in &bids {
							lines.push(format!("  bid {} from {who}", format_balance(*p)));
						}
						lines.join("\n")
					},
					value,
				);
			} else if let Some(receipt) = at.runtime_apis().call(market_api.receipt(id)).await? {
				ctx.out.show(|| receipt_lines(&receipt), receipt_json(&receipt));
			} else {
				bail!("no job {id} (never posted, or its receipt was removed)");
			}
		},
		JobCmd::Accept { job: id } => {
			let included = ctx
				.out
				.submit(&chain, &ctx.sender()?, "accept result", &tx.accept_result(id), ctx.wait)
				.await?;
			let settled = included
				.events
				.find_first::<api::compute_market::events::JobSettled>()
				.transpose()?;
			ctx.out.show(
				|| match &settled {
					Some(s) => format!(
						"job {id} settled: providers {}, protocol fee {}, usage fees {}, refunded {}",
						format_balance(s.paid_to_providers),
						format_balance(s.protocol_fee),
						format_balance(s.usage_fees),
						format_balance(s.refunded)
					),
					None => format!("job {id} accepted"),
				},
				json!({ "job": id, "settled": settled.is_some() }),
			);
		},
		JobCmd::Dispute { job: id } => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "dispute result", &tx.dispute_result(id), ctx.wait)
				.await?;
			ctx.out.show(
				|| format!("job {id} disputed: the arbiter decides"),
				json!({ "job": id, "disputed": true }),
			);
		},
		JobCmd::Result { job: id, out } => {
			let at = chain.at_finalized().await?;
			// A submitted result names its URI; a settled job's result is fetched from the content
			// store by its hash.
			let (hash, uri) = match at.runtime_apis().call(market_api.job(id)).await? {
				Some((job, _)) => {
					let a =
						job.assignments.0.iter().find(|a| a.result.is_some()).ok_or_else(|| {
							anyhow!("job {id} has no result yet ({:?})", job.status)
						})?;
					let hash = a.result.ok_or_else(|| anyhow!("no result"))?;
					let uri = a.result_uri.as_ref().map(text).unwrap_or_else(|| {
						format!("{}/content/{}", ctx.store.trim_end_matches('/'), hex_hash(&hash))
					});
					(hash, uri)
				},
				None => match at.runtime_apis().call(market_api.receipt(id)).await? {
					Some(market::Receipt {
						outcome: market::Outcome::Completed { result_hash },
						..
					}) => (
						result_hash,
						format!(
							"{}/content/{}",
							ctx.store.trim_end_matches('/'),
							hex_hash(&result_hash)
						),
					),
					Some(receipt) => {
						bail!("job {id} ended without a result: {:?}", receipt.outcome)
					},
					None => bail!("no job {id}"),
				},
			};
			// Results are fetched over HTTP only: a result URI comes from a provider.
			let cache = std::env::var_os("HOME")
				.map(|home| PathBuf::from(home).join(".cache/deai/results"))
				.unwrap_or_else(|| {
					std::env::temp_dir().join(format!("deai-results-{}", std::process::id()))
				});
			let limits = content::FetchLimits::http_only(1 << 30);
			let path = content::fetch_verified(
				&uri,
				&hash,
				&cache,
				&limits,
				&ctx.out.bytes_bar("downloading"),
			)
			.await?;
			match out {
				Some(dest) => {
					std::fs::copy(&path, &dest)
						.with_context(|| format!("writing {}", dest.display()))?;
					ctx.out.show(
						|| {
							format!(
								"result {} (verified) written to {}",
								hex_hash(&hash),
								dest.display()
							)
						},
						json!({ "job": id, "result_hash": hex_hash(&hash), "path": dest.display().to_string() }),
					);
				},
				None => {
					let bytes = std::fs::read(&path)?;
					if ctx.out.json {
						// A JSON result is embedded byte for byte (re-encoding could change the
						// last digit of a float); anything else as a string.
						let result = match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
							Ok(_) => String::from_utf8_lossy(&bytes).into_owned(),
							Err(_) => json!(String::from_utf8_lossy(&bytes)).to_string(),
						};
						println!(
							r#"{{"job": {id}, "result_hash": "{}", "result": {result}}}"#,
							hex_hash(&hash)
						);
					} else {
						println!("{}", String::from_utf8_lossy(&bytes));
					}
				},
			}
		},
	}
	Ok(())
}

/// Polls until job `id` has a receipt.
async fn wait_for_receipt(
	chain: &Chain,
	id: u64,
	timeout: Duration,
) -> anyhow::Result<market::Receipt> {
	let started = std::time::Instant::now();
	loop {
		let at = chain.at_finalized().await?;
		if let Some(receipt) = at
			.runtime_apis()
			.call(api::runtime_apis().compute_market_api().receipt(id))
			.await?
		{
			return Ok(receipt);
		}
		if started.elapsed() > timeout {
			bail!("job {id} did not end within {} s", timeout.as_secs());
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

async fn rewards(ctx: &Ctx, cmd: RewardsCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let rewards_api = api::runtime_apis().contributor_rewards_api();
	match cmd {
		RewardsCmd::Show { who } => {
			let who = ctx.account(who.as_deref())?;
			let at = chain.at_finalized().await?;
			let (epoch, started, ends) =
				at.runtime_apis().call(rewards_api.current_epoch()).await?;
			let points = at.runtime_apis().call(rewards_api.points(who)).await?;
			let claimable = at.runtime_apis().call(rewards_api.claimable(who)).await?;
			let pot = at.runtime_apis().call(rewards_api.pot()).await?;
			ctx.out.show(
				|| {
					let mut lines = vec![
						format!("epoch {epoch} (blocks {started}..{ends}); pot {} ({} owed to claimants)", format_balance(pot.balance), format_balance(pot.committed)),
						format!(
							"{who}: points this epoch — compute {}, model {}, dataset {}, evaluation {}",
							points.compute, points.model, points.dataset, points.evaluation
						),
					];
					for (e, amount) in &claimable {
						lines.push(format!("  claimable from epoch {e}: {}", format_balance(*amount)));
					}
					if claimable.is_empty() {
						lines.push("  nothing to claim".into());
					}
					lines.join("\n")
				},
				json!({
					"epoch": epoch, "epoch_start": started, "epoch_end": ends, "account": who.to_string(),
					"points": { "compute": points.compute.to_string(), "model": points.model.to_string(),
						"dataset": points.dataset.to_string(), "evaluation": points.evaluation.to_string() },
					"claimable": claimable.iter().map(|(e, a)| json!({ "epoch": e, "amount": a.to_string() })).collect::<Vec<_>>(),
					"pot": { "balance": pot.balance.to_string(), "committed": pot.committed.to_string() },
				}),
			);
		},
		RewardsCmd::Claim { epoch } => {
			let sender = ctx.sender()?;
			let at = chain.at_finalized().await?;
			let claimable = at.runtime_apis().call(rewards_api.claimable(sender.account)).await?;
			let epochs: Vec<u32> = match epoch {
				Some(e) => vec![e],
				None => claimable.iter().map(|(e, _)| *e).collect(),
			};
			if epochs.is_empty() {
				ctx.out.show(|| "nothing to claim".into(), json!({ "claimed": [] }));
				return Ok(());
			}
			let mut claimed = Vec::new();
			for e in epochs {
				let call = api::tx().contributor_rewards().claim(e, sender.account);
				let included = ctx
					.out
					.submit(&chain, &sender, &format!("claim epoch {e}"), &call, ctx.wait)
					.await?;
				let amount = included
					.events
					.find_first::<api::contributor_rewards::events::Claimed>()
					.transpose()?
					.map(|c| c.amount)
					.unwrap_or(0);
				claimed.push((e, amount));
			}
			ctx.out.show(
				|| claimed.iter().map(|(e, a)| format!("claimed {} for epoch {e}", format_balance(*a))).collect::<Vec<_>>().join("\n"),
				json!({ "claimed": claimed.iter().map(|(e, a)| json!({ "epoch": e, "amount": a.to_string() })).collect::<Vec<_>>() }),
			);
		},
	}
	Ok(())
}

async fn provider(ctx: &Ctx, cmd: ProviderCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().compute_market();
	let simple = |what: &str| -> anyhow::Result<()> {
		ctx.out.show(|| format!("{what}: done"), json!({ "done": what }));
		Ok(())
	};
	match cmd {
		ProviderCmd::Register { bond, endpoint, cpu_cores, ram_mib, max_concurrent_jobs } => {
			let capabilities = market::Capabilities {
				device: market::DeviceClass::Server,
				accelerator: bounded("cpu"),
				vram_mib: 0,
				ram_mib,
				cpu_cores,
				region: 0,
				job_kinds: 1,
				max_concurrent_jobs,
			};
			let call = tx.register_provider(capabilities, bounded(&endpoint), amount(&bond)?);
			ctx.out
				.submit(&chain, &ctx.sender()?, "register provider", &call, ctx.wait)
				.await?;
			simple("register provider")
		},
		ProviderCmd::Show { who } => {
			let who = ctx.account(who.as_deref())?;
			let at = chain.at_finalized().await?;
			let p = at
				.runtime_apis()
				.call(api::runtime_apis().compute_market_api().provider(who))
				.await?
				.ok_or_else(|| anyhow!("{who} is not a provider"))?;
			ctx.out.show(
				|| {
					format!(
						"provider {who}: {:?}, bond {}, {} active jobs\n  reputation: {} completed, {} failed, {} disputes lost, {} earned\n  {} cores, {} MiB RAM, up to {} jobs, endpoint {}",
						p.status,
						format_balance(p.bond),
						p.active_jobs,
						p.reputation.completed,
						p.reputation.failed,
						p.reputation.disputes_lost,
						format_balance(p.reputation.total_paid),
						p.capabilities.cpu_cores,
						p.capabilities.ram_mib,
						p.capabilities.max_concurrent_jobs,
						text(&p.endpoint)
					)
				},
				json!({
					"provider": who.to_string(), "status": format!("{:?}", p.status), "bond": p.bond.to_string(),
					"active_jobs": p.active_jobs, "completed": p.reputation.completed, "failed": p.reputation.failed,
					"disputes_lost": p.reputation.disputes_lost, "total_paid": p.reputation.total_paid.to_string(),
					"endpoint": text(&p.endpoint),
				}),
			);
			Ok(())
		},
		ProviderCmd::TopUp { amount: a } => {
			ctx.out
				.submit(
					&chain,
					&ctx.sender()?,
					"top up bond",
					&tx.top_up_bond(amount(&a)?),
					ctx.wait,
				)
				.await?;
			simple("top up bond")
		},
		ProviderCmd::Pause => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "pause", &tx.set_paused(true), ctx.wait)
				.await?;
			simple("pause")
		},
		ProviderCmd::Resume => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "resume", &tx.set_paused(false), ctx.wait)
				.await?;
			simple("resume")
		},
		ProviderCmd::Unbond => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "start unbonding", &tx.start_unbonding(), ctx.wait)
				.await?;
			simple("start unbonding")
		},
		ProviderCmd::Withdraw => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "withdraw bond", &tx.withdraw_bond(), ctx.wait)
				.await?;
			simple("withdraw bond")
		},
	}
}

async fn store_cmd(ctx: &Ctx, cmd: StoreCmd) -> anyhow::Result<()> {
	match cmd {
		StoreCmd::Serve(args) => {
			store::serve_until_ctrl_c(args.config()?, |addr, dir| {
				eprintln!(
					"content store: serving {} on http://{addr} (Ctrl-C stops)",
					dir.display()
				)
			})
			.await
		},
		StoreCmd::Put { file } => {
			let (hash, size, uri) = ctx.put(&file, None).await?;
			ctx.out.show(
				|| format!("{} ({size} bytes) stored at {uri}", hex_hash(&hash)),
				json!({ "hash": hex_hash(&hash), "size": size, "uri": uri }),
			);
			Ok(())
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_references_shares_and_amounts() {
		assert_eq!(pair("3:1").unwrap(), (3, 1));
		assert!(pair("3").is_err());
		assert!(pair("a:1").is_err());
		assert_eq!(percent(60).unwrap().0, 600_000_000);
		assert!(percent(101).is_err());
		assert_eq!(amount("2.5").unwrap(), 2_500_000_000_000);
		assert!(amount("two").is_err());
		let alice = parse_account("//Alice").unwrap();
		assert_eq!(parse_account(&alice.to_string()).unwrap(), alice);
		assert!(parse_account("not-an-address").is_err());
	}

	#[test]
	fn the_command_line_is_consistent() {
		use clap::CommandFactory;
		Cli::command().debug_assert();
	}
}
