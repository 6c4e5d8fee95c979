//! `deai bench`: a load test of the job lifecycle against a (dev) node.
//!
//! N requesters each keep `--in-flight` fixed-price jobs going: post → (a bench provider claims
//! and submits) → accept → settled. M bench providers claim the open jobs (job `id` is taken by
//! provider `id mod M`, so they don't race for the same job) and submit a result hash at once:
//! the bench measures the chain's side of a lifecycle, not inference. Reports lifecycles per
//! minute, transaction inclusion latency percentiles, lifecycle latency and failures.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use clap::Args;
use deai_client::chain::{api, bounded, Chain, Sender, TxError, TxStep, Wait, UNIT};
use deai_client::content::hash_bytes;
use deai_client::keys::{self, KeySource};
use futures::future::{join_all, FutureExt};
use serde_json::json;
use tokio::sync::Mutex;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::ModelVersionRef;
use api::runtime_types::pallet_compute_market::types as market;
use api::runtime_types::pallet_model_registry::types as registry;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

use crate::output::Out;
use crate::spec;

/// `deai bench` options.
#[derive(Args)]
pub struct BenchArgs {
	/// Requester accounts.
	#[arg(long, default_value_t = 8)]
	requesters: u32,
	/// Provider accounts.
	#[arg(long, default_value_t = 8)]
	workers: u32,
	/// Jobs each requester keeps in flight.
	#[arg(long, default_value_t = 4)]
	in_flight: u32,
	/// Seconds of load (jobs are posted until then; the ones under way are then finished).
	#[arg(long, default_value_t = 60)]
	duration: u64,
	/// The account that funds the bench accounts and registers the bench model.
	#[arg(long, default_value = "//Alice")]
	funder: String,
}

#[derive(Default)]
struct Stats {
	inclusion_ms: Vec<u64>,
	lifecycle_ms: Vec<u64>,
	completed_in_window: u64,
	completed: u64,
	failures: Vec<String>,
	transactions: u64,
}

type Shared = Arc<Mutex<Stats>>;

fn percentile(sorted: &[u64], p: f64) -> u64 {
	if sorted.is_empty() {
		return 0;
	}
	let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
	sorted[rank.min(sorted.len() - 1)]
}

/// Submits and records the inclusion latency (or the failure).
async fn send<Call: deai_client::subxt::transactions::Payload>(
	chain: &Chain,
	sender: &Sender,
	call: &Call,
	stats: &Shared,
) -> Result<deai_client::chain::Included, TxError> {
	let mut submitted = None;
	let mut included = None;
	let outcome = sender
		.submit(chain, call, Wait::InBlock, |step| match step {
			TxStep::Submitted { .. } => submitted = Some(Instant::now()),
			TxStep::InBlock(_) => included = Some(Instant::now()),
			_ => {},
		})
		.await;
	let mut s = stats.lock().await;
	s.transactions += 1;
	if let (Some(a), Some(b)) = (submitted, included) {
		s.inclusion_ms.push(b.duration_since(a).as_millis() as u64);
	}
	outcome
}

/// Runs the bench.
pub async fn run(url: &str, args: BenchArgs, out: Out) -> anyhow::Result<()> {
	if args.requesters == 0 || args.workers == 0 || args.in_flight == 0 || args.duration == 0 {
		anyhow::bail!("--requesters, --workers, --in-flight and --duration must be at least 1");
	}
	let chain = Chain::connect_with_backoff(url, Duration::from_secs(4), Some(3)).await?;
	let funder = Sender::new(keys::load(&KeySource::Uri(args.funder.clone()))?);
	let key = |name: String| keys::load(&KeySource::Uri(name)).map(Sender::new);
	let requesters: Vec<Arc<Sender>> = (0..args.requesters)
		.map(|i| key(format!("//DeaiBench//requester//{i}")).map(Arc::new))
		.collect::<anyhow::Result<_>>()?;
	let workers: Vec<Arc<Sender>> = (0..args.workers)
		.map(|i| key(format!("//DeaiBench//provider//{i}")).map(Arc::new))
		.collect::<anyhow::Result<_>>()?;
	let stats: Shared = Arc::default();
	let log = |line: String| {
		if !out.json {
			eprintln!("{line}");
		}
	};

	// Setup: fund every account, register the providers and a bench model.
	log(format!("setup: funding {} requesters and {} providers", requesters.len(), workers.len()));
	// Accounts left funded by an earlier run are not funded again.
	let mut needy = Vec::new();
	for s in requesters.iter().chain(workers.iter()) {
		if chain.free_balance(&s.account).await? < 5_000 * UNIT {
			needy.push(s.clone());
		}
	}
	let transfers: Vec<_> = needy
		.iter()
		.map(|s| {
			api::runtime_types::deai_runtime::RuntimeCall::Balances(
				api::runtime_types::pallet_balances::pallet::Call::transfer_keep_alive {
					dest: deai_client::subxt::utils::MultiAddress::Id(s.account),
					value: 10_000 * UNIT,
				},
			)
		})
		.collect();
	if !transfers.is_empty() {
		funder
			.submit(&chain, &api::tx().utility().batch_all(transfers), Wait::InBlock, |_| {})
			.await
			.map_err(|e| anyhow!("funding: {e}"))?;
	}
	let at = chain.at_finalized().await?;
	let mut registering = Vec::new();
	for w in &workers {
		let record = at
			.runtime_apis()
			.call(api::runtime_apis().compute_market_api().provider(w.account))
			.await?;
		if let Some(record) = record {
			// A provider slashed in an earlier run takes no work until its bond is back.
			if record.bond < 100 * UNIT {
				let call = api::tx().compute_market().top_up_bond(100 * UNIT - record.bond);
				let (chain, w) = (chain.clone(), w.clone());
				registering.push(
					async move { w.submit(&chain, &call, Wait::InBlock, |_| {}).await }.boxed(),
				);
			}
		} else {
			let capabilities = spec::cpu_inference_provider(2, 4096, 1000);
			let call = api::tx().compute_market().register_provider(
				capabilities,
				bounded("http://bench"),
				100 * UNIT,
			);
			let (chain, w) = (chain.clone(), w.clone());
			registering
				.push(async move { w.submit(&chain, &call, Wait::InBlock, |_| {}).await }.boxed());
		}
	}
	for outcome in join_all(registering).await {
		outcome.map_err(|e| anyhow!("registering a provider: {e}"))?;
	}
	let included = funder
		.submit(
			&chain,
			&api::tx().model_registry().register_model(
				bounded("bench-model"),
				bounded("deai bench"),
				BoundedVec(Vec::new()),
				registry::Licence {
					spdx: bounded("MIT"),
					commercial_use: true,
					derivatives: true,
					attribution: false,
				},
				0,
				BoundedVec(vec![(funder.account, Perbill(1_000_000_000))]),
			),
			Wait::InBlock,
			|_| {},
		)
		.await
		.map_err(|e| anyhow!("registering the bench model: {e}"))?;
	let model = included.event::<api::model_registry::events::ModelRegistered>()?.model;
	let nonce = format!("{:?}{model}", std::time::SystemTime::now());
	funder
		.submit(
			&chain,
			&api::tx().model_registry().publish_model_version(
				model,
				hash_bytes(nonce.as_bytes()),
				1,
				registry::ModelFormat::Onnx,
				bounded("bench://model"),
				bounded("bench"),
				BoundedVec(Vec::new()),
				BoundedVec(Vec::new()),
				None,
				Perbill(0),
			),
			Wait::InBlock,
			|_| {},
		)
		.await
		.map_err(|e| anyhow!("publishing the bench model: {e}"))?;
	let model = ModelVersionRef { model, version: 0 };

	log(format!(
		"load: {} requesters × {} jobs in flight, {} providers, {} s",
		args.requesters, args.in_flight, args.workers, args.duration
	));
	let started = Instant::now();
	let deadline = started + Duration::from_secs(args.duration);
	let hard_stop = deadline + Duration::from_secs(120);
	let done = Arc::new(std::sync::atomic::AtomicBool::new(false));

	let mut provider_tasks = Vec::new();
	for (index, w) in workers.iter().enumerate() {
		let (chain, w, stats, done) = (chain.clone(), w.clone(), stats.clone(), done.clone());
		let count = workers.len() as u64;
		provider_tasks.push(tokio::spawn(async move {
			provide(chain, w, index as u64, count, stats, done).await;
		}));
	}
	let mut lanes = Vec::new();
	for r in &requesters {
		for _ in 0..args.in_flight {
			let (chain, r, stats) = (chain.clone(), r.clone(), stats.clone());
			lanes.push(tokio::spawn(async move {
				request(chain, r, model, deadline, hard_stop, stats).await
			}));
		}
	}
	join_all(lanes).await;
	done.store(true, std::sync::atomic::Ordering::Relaxed);
	join_all(provider_tasks).await;
	let elapsed = started.elapsed();

	let mut s = stats.lock().await;
	s.inclusion_ms.sort_unstable();
	s.lifecycle_ms.sort_unstable();
	let per_minute = s.completed_in_window as f64 * 60.0 / args.duration as f64;
	let report = json!({
		"requesters": args.requesters, "providers": args.workers, "in_flight_per_requester": args.in_flight,
		"duration_s": args.duration, "elapsed_s": elapsed.as_secs_f64(),
		"lifecycles_completed_in_window": s.completed_in_window, "lifecycles_completed": s.completed,
		"lifecycles_per_minute": per_minute,
		"transactions": s.transactions,
		"inclusion_ms": { "p50": percentile(&s.inclusion_ms, 50.0), "p90": percentile(&s.inclusion_ms, 90.0),
			"p99": percentile(&s.inclusion_ms, 99.0), "max": s.inclusion_ms.last().copied().unwrap_or(0) },
		"lifecycle_ms": { "p50": percentile(&s.lifecycle_ms, 50.0), "p90": percentile(&s.lifecycle_ms, 90.0),
			"max": s.lifecycle_ms.last().copied().unwrap_or(0) },
		"failures": s.failures.len(), "failure_samples": s.failures.iter().take(5).collect::<Vec<_>>(),
	});
	out.show(
		|| {
			format!(
				"{} lifecycles completed in {} s: {per_minute:.1} per minute ({} requesters × {} in flight, {} providers)\n\
				 transactions: {}; inclusion latency p50 {} ms, p90 {} ms, p99 {} ms\n\
				 lifecycle (post → settled) p50 {} ms, p90 {} ms\n\
				 failures: {}{}",
				s.completed_in_window,
				args.duration,
				args.requesters,
				args.in_flight,
				args.workers,
				s.transactions,
				percentile(&s.inclusion_ms, 50.0),
				percentile(&s.inclusion_ms, 90.0),
				percentile(&s.inclusion_ms, 99.0),
				percentile(&s.lifecycle_ms, 50.0),
				percentile(&s.lifecycle_ms, 90.0),
				s.failures.len(),
				s.failures.first().map(|f| format!(" (first: {f})")).unwrap_or_default()
			)
		},
		report,
	);
	Ok(())
}

/// One requester lane: post, wait for a result, accept, wait for the receipt; again until the
/// deadline.
async fn request(
	chain: Chain,
	me: Arc<Sender>,
	model: ModelVersionRef,
	deadline: Instant,
	hard_stop: Instant,
	stats: Shared,
) {
	let market_api = api::runtime_apis().compute_market_api();
	let price = UNIT;
	while Instant::now() < deadline {
		let spec = market::JobSpec {
			kind: market::JobKind::Inference,
			model: Some(model),
			datasets: BoundedVec(Vec::new()),
			input_hash: hash_bytes(format!("{:?}", Instant::now()).as_bytes()),
			input_uri: bounded("bench://input"),
			requirements: spec::requirements(0),
			commercial: false,
			budget: 2 * price,
			matching_blocks: 30,
			execution_blocks: 30,
			matching: market::MatchingMode::FixedPrice { price },
			verification: market::VerificationMode::RequesterApproval,
		};
		let posted = Instant::now();
		let job = match send(&chain, &me, &api::tx().compute_market().post_job(spec), &stats).await
		{
			Ok(included) => match included.event::<api::compute_market::events::JobPosted>() {
				Ok(event) => event.job,
				Err(e) => {
					stats.lock().await.failures.push(format!("post_job: {e}"));
					continue;
				},
			},
			Err(e) => {
				stats.lock().await.failures.push(format!("post_job: {e}"));
				tokio::time::sleep(Duration::from_secs(1)).await;
				continue;
			},
		};
		// Wait for the result, accept it, wait for the receipt.
		let mut accepted = false;
		loop {
			if Instant::now() > hard_stop {
				stats.lock().await.failures.push(format!("job {job}: not settled in time"));
				return;
			}
			tokio::time::sleep(Duration::from_millis(700)).await;
			let Ok(at) = chain.client.at_current_block().await else { continue };
			match at.runtime_apis().call(market_api.job(job)).await {
				Ok(Some((j, _))) => {
					if !accepted && matches!(j.status, market::JobStatus::Submitted) {
						match send(
							&chain,
							&me,
							&api::tx().compute_market().accept_result(job),
							&stats,
						)
						.await
						{
							Ok(_) => accepted = true,
							Err(e) => stats
								.lock()
								.await
								.failures
								.push(format!("accept_result({job}): {e}")),
						}
					}
				},
				Ok(None) => {
					let receipt =
						at.runtime_apis().call(market_api.receipt(job)).await.ok().flatten();
					let mut s = stats.lock().await;
					match receipt.map(|r| r.outcome) {
						Some(market::Outcome::Completed { .. }) => {
							s.completed += 1;
							if Instant::now() <= deadline {
								s.completed_in_window += 1;
							}
							s.lifecycle_ms.push(posted.elapsed().as_millis() as u64);
						},
						other => s.failures.push(format!("job {job}: ended {other:?}")),
					}
					break;
				},
				Err(_) => continue,
			}
		}
	}
}

/// One bench provider: claims its share of the open jobs and submits a result at once.
async fn provide(
	chain: Chain,
	me: Arc<Sender>,
	index: u64,
	count: u64,
	stats: Shared,
	done: Arc<std::sync::atomic::AtomicBool>,
) {
	let market_api = api::runtime_apis().compute_market_api();
	let taken: Arc<Mutex<HashSet<u64>>> = Arc::default();
	let mut last_block = 0u64;
	while !done.load(std::sync::atomic::Ordering::Relaxed) {
		tokio::time::sleep(Duration::from_millis(300)).await;
		let Ok(at) = chain.client.at_current_block().await else { continue };
		if at.block_number() == last_block {
			continue;
		}
		last_block = at.block_number();
		let Ok(next) = at.storage().fetch(api::storage().compute_market().next_job_id(), ()).await
		else {
			continue;
		};
		let Ok(next) = next.decode() else { continue };
		let start = next.saturating_sub(512);
		let Ok(eligible) =
			at.runtime_apis().call(market_api.eligible_jobs(me.account, start, 100)).await
		else {
			continue;
		};
		for job in eligible.into_iter().filter(|id| id % count == index) {
			if !taken.lock().await.insert(job) {
				continue;
			}
			let (chain, me, stats, taken) =
				(chain.clone(), me.clone(), stats.clone(), taken.clone());
			tokio::spawn(async move {
				let tx = api::tx().compute_market();
				if let Err(e) = send(&chain, &me, &tx.claim_job(job), &stats).await {
					stats.lock().await.failures.push(format!("claim_job({job}): {e}"));
					taken.lock().await.remove(&job);
					return;
				}
				let result = hash_bytes(&job.to_le_bytes());
				let call = tx.submit_result(
					job,
					result,
					bounded("bench://result"),
					BoundedVec(Vec::new()),
				);
				match send(&chain, &me, &call, &stats).await {
					Ok(_) => {},
					// It may have landed: the chain refuses a second submission by name.
					Err(TxError::Connection(_)) => {
						if let Err(e) = send(&chain, &me, &call, &stats).await {
							// These mean the first one landed (and the job may have moved on).
							let landed = ["AlreadySubmitted", "JobNotAssigned", "JobNotFound"]
								.iter()
								.any(|name| e.is("ComputeMarket", name));
							if !landed {
								stats
									.lock()
									.await
									.failures
									.push(format!("submit_result({job}): {e}"));
							}
						}
					},
					Err(e) => {
						stats.lock().await.failures.push(format!("submit_result({job}): {e}"))
					},
				}
			});
		}
	}
}
