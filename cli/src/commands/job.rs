//! `deai job`: post, status, accept, dispute, result.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::Subcommand;
use deai_client::chain::{api, bounded, format_balance, result_uri, zk_profile, AtBlock, Chain};
use deai_client::content::{self, hex_hash};
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::ModelVersionRef;
use api::runtime_types::pallet_compute_market::types as market;

use super::receipt::{job_json, receipt_json, receipt_lines, Locations};
use crate::args::{self, Matching};
use crate::ctx::Ctx;
use crate::spec;

/// `deai job …`.
#[derive(Subcommand)]
pub enum JobCmd {
	/// Uploads an input and posts an inference job on a model version.
	Post(PostArgs),
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
	/// Handles a job's passed deadline that the chain's deadline hook has not reached yet (a
	/// backlog), as the hook would; anyone may, paying the fee.
	Finalize {
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

/// `deai job post`.
#[derive(clap::Args)]
pub struct PostArgs {
	/// `MODEL:VERSION`.
	#[arg(long, value_parser = args::model_version)]
	model: ModelVersionRef,
	/// The input file (uploaded to the store and hashed).
	#[arg(long)]
	input: PathBuf,
	/// Use this URI for the input instead of uploading it.
	#[arg(long)]
	input_uri: Option<String>,
	/// The price per provider, in DEAI.
	#[arg(long, default_value = "10", value_parser = args::amount)]
	price: u128,
	/// How providers are matched: `fixed` (the first claimer at --price; a redundant job's
	/// providers are drawn among its claimers when the matching window closes), `auction`, or
	/// `direct:ADDRESS`.
	#[arg(long, default_value = "fixed")]
	matching: Matching,
	/// Providers running it; more than one means commit-reveal redundancy.
	#[arg(long, default_value_t = 1)]
	providers: u8,
	/// How many redundant providers must agree (default: all).
	#[arg(long)]
	quorum: Option<u8>,
	/// A verifier account that attests the result (single provider).
	#[arg(long, value_parser = args::account)]
	verifier: Option<AccountId32>,
	/// `proof`: the provider proves its result with a zero-knowledge proof against the model
	/// version's ZK profile, and the job settles when the proof verifies. The input (a features
	/// document of one row) is uploaded as the profile's fixed-point values.
	#[arg(long, value_enum)]
	verification: Option<VerificationArg>,
	/// The budget held in escrow, in DEAI (default: the exact quote).
	#[arg(long, value_parser = args::amount)]
	budget: Option<u128>,
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
}

/// A verification mode chosen by name (the others follow from --providers and --verifier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerificationArg {
	/// A zero-knowledge proof against the model version's ZK profile.
	Proof,
}

/// A features document (`{"features": [[x, …]]}`) of one row as a ZK profile's input values.
fn proof_input(
	document: &[u8],
	layout: &api::runtime_types::deai_zk::ValueLayout,
) -> anyhow::Result<Vec<i64>> {
	let value: serde_json::Value = serde_json::from_slice(document)
		.context("a proof job's input is a JSON features document")?;
	let rows = value["features"]
		.as_array()
		.ok_or_else(|| anyhow!("the input has no \"features\""))?;
	let [row] = rows.as_slice() else {
		bail!("a proof job proves one row; the input has {}", rows.len());
	};
	let row = row.as_array().ok_or_else(|| anyhow!("a features row is a list of numbers"))?;
	if row.len() != usize::from(layout.inputs) {
		bail!("the model's ZK profile takes {} values; the row has {}", layout.inputs, row.len());
	}
	row.iter()
		.map(|x| {
			let x = x.as_f64().ok_or_else(|| anyhow!("a feature is not a number"))?;
			Ok(deai_zk::fixed_point(x, layout.scale_bits))
		})
		.collect()
}

/// How a job with `providers` providers, a `quorum` and a `verifier` is verified.
fn verification(
	providers: u8,
	quorum: Option<u8>,
	verifier: Option<AccountId32>,
) -> anyhow::Result<market::VerificationMode<AccountId32>> {
	Ok(match (providers, verifier) {
		(0, _) => bail!("--providers must be at least 1"),
		(1, Some(verifier)) => market::VerificationMode::Verifier { verifier },
		(1, None) => market::VerificationMode::RequesterApproval,
		(n, None) => {
			market::VerificationMode::Redundant { providers: n, quorum: quorum.unwrap_or(n) }
		},
		(_, Some(_)) => bail!("--verifier is for single-provider jobs"),
	})
}

/// Runs a `deai job` command.
pub async fn run(ctx: &Ctx, cmd: JobCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().compute_market();
	let market_api = api::runtime_apis().compute_market_api();
	match cmd {
		JobCmd::Post(args) => post(ctx, &chain, args).await?,
		JobCmd::Status { job: id } => {
			let at = chain.at_finalized().await?;
			if let Some((job, bids)) = at.runtime_apis().call(market_api.job(id)).await? {
				let locations = Locations::of(&at, id, &job).await?;
				let mut value = job_json(id, &job, &locations);
				value["bids"] = json!(bids
					.iter()
					.map(|(w, p)| json!({ "provider": w.to_string(), "price": p.to_string() }))
					.collect::<Vec<_>>());
				ctx.out.show(|| status_lines(id, &job, &bids), value);
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
		JobCmd::Finalize { job: id } => {
			let included = ctx
				.out
				.submit(
					&chain,
					&ctx.sender()?,
					"finalize deadline",
					&tx.finalize_deadline(id),
					ctx.wait,
				)
				.await?;
			let finalized = included
				.events
				.find_first::<api::compute_market::events::DeadlineFinalized>()
				.transpose()?
				.map(|e| format!("{:?}", e.kind));
			ctx.out.show(
				|| match &finalized {
					Some(kind) => format!("job {id}: its {kind} deadline was handled"),
					None => format!("job {id}: deadline handled"),
				},
				json!({ "job": id, "kind": finalized }),
			);
		},
		JobCmd::Result { job: id, out } => result(ctx, &chain, id, out).await?,
	}
	Ok(())
}

async fn post(ctx: &Ctx, chain: &Chain, args: PostArgs) -> anyhow::Result<()> {
	let PostArgs {
		model: model_ref,
		input,
		input_uri,
		price,
		matching,
		providers,
		quorum,
		verifier,
		verification: named,
		budget,
		matching_blocks,
		execution_blocks,
		commercial,
		min_ram_mib,
		wait,
		timeout,
	} = args;
	let sender = ctx.sender()?;
	let matching = matching.mode(price);
	let verification = match named {
		Some(VerificationArg::Proof) => {
			if providers != 1 || verifier.is_some() {
				bail!("--verification proof is for a single provider without --verifier");
			}
			if input_uri.is_some() {
				bail!("--verification proof uploads the input as the profile's values: no --input-uri");
			}
			market::VerificationMode::Proof
		},
		None => verification(providers, quorum, verifier)?,
	};
	let budget = match budget {
		Some(budget) => budget,
		None => {
			let at = chain.at_finalized().await?;
			let quote = at
				.runtime_apis()
				.call(api::runtime_apis().compute_market_api().quote(
					Some(model_ref),
					Vec::new(),
					price,
					u32::from(providers),
				))
				.await?
				.ok_or_else(|| {
					anyhow!(
						"model version {}:{} is unknown or unusable",
						model_ref.model,
						model_ref.version
					)
				})?;
			quote.total
		},
	};
	// A proof job's input is the fixed-point values its proof states, as the profile reads them.
	let proof_job = matches!(verification, market::VerificationMode::Proof);
	let input = if proof_job {
		let at = chain.at_finalized().await?;
		let profile = zk_profile(&at, &model_ref).await?.ok_or_else(|| {
			anyhow!("model version {}:{} has no ZK profile", model_ref.model, model_ref.version)
		})?;
		let document =
			std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
		let values = proof_input(&document, &profile.layout)?;
		let values_file = std::env::temp_dir().join(format!(
			"deai-values-{}-{}",
			std::process::id(),
			hex_hash(&deai_zk::values_hash(&values))
		));
		std::fs::write(&values_file, deai_zk::values_document(&values))?;
		values_file
	} else {
		input
	};
	let put = ctx.put(&input, input_uri).await;
	if proof_job {
		let _ = std::fs::remove_file(&input);
	}
	let (input_hash, _, input_uri) = put?;
	let spec = market::JobSpec {
		kind: market::JobKind::Inference,
		model: Some(model_ref),
		datasets: BoundedVec(Vec::new()),
		input_hash,
		input_uri: bounded(&input_uri),
		requirements: spec::requirements(min_ram_mib),
		commercial,
		budget,
		matching_blocks,
		execution_blocks,
		matching,
		verification,
	};
	let post = api::tx().compute_market().post_job(spec);
	let included = ctx.out.submit(chain, &sender, "post job", &post, ctx.wait).await?;
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
	let receipt = wait_for_receipt(chain, id, Duration::from_secs(timeout)).await?;
	ctx.out.show(|| receipt_lines(&receipt), receipt_json(&receipt));
	Ok(())
}

/// The human lines of `deai job status` for a live job.
fn status_lines(id: u64, job: &market::Job, bids: &[(AccountId32, u128)]) -> String {
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
	for (who, p) in bids {
		lines.push(format!("  bid {} from {who}", format_balance(*p)));
	}
	lines.join("\n")
}

/// The result locations `providers` gave for job `id` (those that gave one), in their order.
async fn result_uris<'a>(
	at: &AtBlock,
	id: u64,
	providers: impl Iterator<Item = &'a AccountId32>,
) -> anyhow::Result<Vec<String>> {
	let mut uris = Vec::new();
	for provider in providers {
		uris.extend(result_uri(at, id, provider).await?);
	}
	Ok(uris)
}

async fn result(ctx: &Ctx, chain: &Chain, id: u64, out: Option<PathBuf>) -> anyhow::Result<()> {
	let market_api = api::runtime_apis().compute_market_api();
	let at = chain.at_finalized().await?;
	// Where the result may be: each provider's URI that names it (kept until the job's receipt
	// is removed; for a settled job, the paid providers'), then the content store by its hash.
	// URIs are a provider's word, unchecked on chain: each is tried until one serves content
	// with the result's hash.
	let (hash, mut uris) = match at.runtime_apis().call(market_api.job(id)).await? {
		Some((job, _)) => {
			let hash = job
				.assignments
				.0
				.iter()
				.find_map(|a| a.result)
				.ok_or_else(|| anyhow!("job {id} has no result yet ({:?})", job.status))?;
			let named = job.assignments.0.iter().filter(|a| a.result == Some(hash));
			(hash, result_uris(&at, id, named.map(|a| &a.provider)).await?)
		},
		None => match at.runtime_apis().call(market_api.receipt(id)).await? {
			Some(market::Receipt {
				outcome: market::Outcome::Completed { result_hash },
				providers,
				..
			}) => (result_hash, result_uris(&at, id, providers.0.iter().map(|(p, _)| p)).await?),
			Some(receipt) => bail!("job {id} ended without a result: {:?}", receipt.outcome),
			None => bail!("no job {id}"),
		},
	};
	uris.push(ctx.store_uri(&hash));
	// Results are fetched over HTTP only: a result URI comes from a provider.
	let cache = std::env::var_os("HOME")
		.map(|home| PathBuf::from(home).join(".cache/deai/results"))
		.unwrap_or_else(|| {
			std::env::temp_dir().join(format!("deai-results-{}", std::process::id()))
		});
	let limits = content::FetchLimits::http_only(1 << 30);
	let mut fetched = Err(anyhow!("no location"));
	for uri in &uris {
		fetched =
			content::fetch_verified(uri, &hash, &cache, &limits, &ctx.out.bytes_bar("downloading"))
				.await
				.with_context(|| format!("fetching the result from {uri}"));
		if fetched.is_ok() {
			break;
		}
	}
	let path = fetched?;
	match out {
		Some(dest) => {
			std::fs::copy(&path, &dest).with_context(|| format!("writing {}", dest.display()))?;
			ctx.out.show(
				|| format!("result {} (verified) written to {}", hex_hash(&hash), dest.display()),
				json!({ "job": id, "result_hash": hex_hash(&hash), "path": dest.display().to_string() }),
			);
		},
		None => {
			let bytes = std::fs::read(&path)?;
			// A proven result is a values document: shown as its values.
			if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
				if let Some(values) = deai_zk::values_of_document(&bytes) {
					ctx.out.show(
						|| format!("result {} (verified): values {values:?}", hex_hash(&hash)),
						json!({ "job": id, "result_hash": hex_hash(&hash), "result": { "values": values } }),
					);
					return Ok(());
				}
			}
			if ctx.out.json {
				// A JSON result is embedded byte for byte (re-encoding could change the last
				// digit of a float); anything else as a string.
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

#[cfg(test)]
mod tests {
	use super::*;
	use market::VerificationMode as V;

	#[test]
	fn verification_follows_providers_quorum_and_verifier() {
		let bob = AccountId32([2; 32]);
		assert!(matches!(verification(1, None, None), Ok(V::RequesterApproval)));
		assert!(
			matches!(verification(1, None, Some(bob)), Ok(V::Verifier { verifier }) if verifier == bob)
		);
		assert!(matches!(
			verification(3, None, None),
			Ok(V::Redundant { providers: 3, quorum: 3 })
		));
		assert!(matches!(
			verification(3, Some(2), None),
			Ok(V::Redundant { providers: 3, quorum: 2 })
		));
		assert_eq!(
			verification(0, None, None).unwrap_err().to_string(),
			"--providers must be at least 1"
		);
		assert_eq!(
			verification(2, None, Some(bob)).unwrap_err().to_string(),
			"--verifier is for single-provider jobs"
		);
	}
}
