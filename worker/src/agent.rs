//! The provider's agent: registers the provider, follows finalized blocks, takes the open jobs
//! it is eligible for (claim, bid or accept, by its price policy), runs them, and submits —
//! or commits and reveals — the results.
//!
//! Every block it compares its job book with the chain: work starts when the chain shows the
//! job assigned to it, a result goes out only when the chain shows none from it yet, and a
//! reveal only when the job is revealing. A lost connection ends the session; `run` reconnects
//! with backoff and carries on from the book.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use deai_client::chain::{
	api, bounded, format_balance, parse_balance, text, AtBlock, Chain, Sender, TxError, Wait,
};
use deai_client::content::{self, hex_hash, parse_hash, ContentError};
use deai_client::indicatif::ProgressBar;
use deai_client::store;
use deai_client::subxt::utils::AccountId32;
use tokio::sync::{Mutex, Semaphore};

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::pallet_compute_market::types::{
	Capabilities, DeviceClass, Job, JobKind, JobStatus, MatchingMode, Outcome, VerificationMode,
};
use api::runtime_types::pallet_model_registry::types::ModelFormat;

use crate::book::{Book, Entry, Phase};
use crate::cache::ArtifactCache;
use crate::config::{detect, Config};
use crate::sandbox::{Sandbox, SandboxError};

/// Failure codes the worker reports on chain (`report_failure`), with a blake2-256 hash of the
/// message it logged: one definition, shared with the chain's tools.
pub use deai_abi::failure_code;

/// Transient fetch failures tolerated before a job is reported failed.
const MAX_TRANSIENT_FAILURES: u32 = 3;

/// The agent.
pub struct Agent {
	config: Config,
	sender: Arc<Sender>,
	/// Runs each job's inference in a child process.
	sandbox: Sandbox,
	/// Verified models and inputs.
	cache: Arc<ArtifactCache>,
	/// The content store's upload token, when it needs one.
	store_token: Option<String>,
	book: Arc<Mutex<Book>>,
	/// Jobs with a task under way (work or a transaction).
	busy: Arc<Mutex<HashSet<u64>>>,
	slots: Arc<Semaphore>,
	min_price: u128,
}

impl Agent {
	/// An agent for `config`, signing with `sender`, running inference in child processes of
	/// `program` (the `deai-worker` binary).
	pub fn new(config: Config, sender: Sender, program: PathBuf) -> anyhow::Result<Self> {
		std::fs::create_dir_all(&config.work_dir)
			.with_context(|| format!("creating {}", config.work_dir.display()))?;
		let book = Book::load(&config.work_dir.join("jobs.json"))?;
		let detected = detect(&config.capabilities);
		let min_price =
			parse_balance(&config.price.min_price).ok_or_else(|| anyhow!("bad min_price"))?;
		let sandbox = Sandbox {
			program,
			memory_limit_bytes: config.inference_memory_mib.saturating_mul(1024 * 1024),
			max_result_bytes: config.max_result_bytes,
		};
		let cache = ArtifactCache::new(
			config.cache_dir(),
			config.cache_max_mib.saturating_mul(1024 * 1024),
		);
		std::fs::create_dir_all(cache.dir())
			.with_context(|| format!("creating {}", cache.dir().display()))?;
		let store_token = config.store_token_file.as_deref().map(store::read_token).transpose()?;
		Ok(Self {
			sandbox,
			cache,
			store_token,
			slots: Arc::new(Semaphore::new(detected.max_concurrent_jobs as usize)),
			config,
			sender: Arc::new(sender),
			book: Arc::new(Mutex::new(book)),
			busy: Arc::new(Mutex::new(HashSet::new())),
			min_price,
		})
	}

	fn me(&self) -> &AccountId32 {
		&self.sender.account
	}

	/// Runs until `shutdown` resolves: connects (with backoff), works, reconnects after errors.
	pub async fn run(
		self: Arc<Self>,
		shutdown: tokio::sync::watch::Receiver<bool>,
	) -> anyhow::Result<()> {
		let mut backoff = Duration::from_secs(1);
		loop {
			if *shutdown.borrow() {
				break;
			}
			let chain = tokio::select! {
				chain = Chain::connect_with_backoff(&self.config.rpc_url, Duration::from_secs(30), None) => chain?,
				_ = wait_for(shutdown.clone()) => break,
			};
			tracing::info!("connected to {} as provider {}", chain.url, self.me());
			self.sender.reset_nonce().await;
			let started = Instant::now();
			let outcome = tokio::select! {
				outcome = self.clone().session(&chain) => outcome,
				_ = wait_for(shutdown.clone()) => break,
			};
			match outcome {
				Ok(()) => tracing::warn!("the node closed the block subscription; reconnecting"),
				Err(e) => {
					tracing::warn!("session ended: {e:#}; reconnecting in {}s", backoff.as_secs())
				},
			}
			if started.elapsed() > Duration::from_secs(60) {
				backoff = Duration::from_secs(1);
			}
			tokio::select! {
				_ = tokio::time::sleep(backoff) => {},
				_ = wait_for(shutdown.clone()) => break,
			}
			backoff = (backoff * 2).min(Duration::from_secs(30));
		}
		tracing::info!("shutting down: waiting for work under way (at most 30 s)");
		let deadline = Instant::now() + Duration::from_secs(30);
		while !self.busy.lock().await.is_empty() && Instant::now() < deadline {
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		self.book.lock().await.save()?;
		tracing::info!("stopped");
		Ok(())
	}

	/// One connection's life: register if needed, then handle every finalized block.
	async fn session(self: Arc<Self>, chain: &Chain) -> anyhow::Result<()> {
		self.ensure_registered(chain).await?;
		// The subscription may start with a backlog of older finalized blocks: only the newest
		// state matters, so blocks behind the latest one handled are skipped.
		let mut newest = chain.at_finalized().await?.block_number();
		let mut blocks = chain.client.stream_blocks().await?;
		let mut first = true;
		while let Some(block) = blocks.next().await {
			let block = block?;
			if block.number() < newest || (block.number() == newest && !first) {
				continue;
			}
			first = false;
			newest = block.number();
			let at = block.at().await?;
			self.clone().tick(chain, &at, block.number()).await?;
		}
		Ok(())
	}

	async fn ensure_registered(&self, chain: &Chain) -> anyhow::Result<()> {
		let at = chain.at_finalized().await?;
		let record = at
			.runtime_apis()
			.call(api::runtime_apis().compute_market_api().provider(*self.me()))
			.await?;
		if let Some(provider) = record {
			tracing::info!(
				"provider registered: bond {}, {} active jobs, {} completed",
				format_balance(provider.bond),
				provider.active_jobs,
				provider.reputation.completed
			);
			return Ok(());
		}
		let d = detect(&self.config.capabilities);
		let device = match d.device.as_str() {
			"desktop" => DeviceClass::Desktop,
			"mobile" => DeviceClass::Mobile,
			"edge" => DeviceClass::Edge,
			_ => DeviceClass::Server,
		};
		let capabilities = Capabilities {
			device,
			accelerator: bounded(&d.accelerator),
			vram_mib: d.vram_mib,
			ram_mib: d.ram_mib,
			cpu_cores: d.cpu_cores,
			region: d.region,
			// This worker runs inference only.
			job_kinds: deai_abi::job_kind::INFERENCE,
			max_concurrent_jobs: d.max_concurrent_jobs,
		};
		let bond = parse_balance(&self.config.bond).ok_or_else(|| anyhow!("bad bond"))?;
		let endpoint =
			self.config.endpoint.clone().unwrap_or_else(|| self.config.store_url.clone());
		tracing::info!(
			"registering provider: {} cores, {} MiB RAM, {} jobs at once, bond {}",
			d.cpu_cores,
			d.ram_mib,
			d.max_concurrent_jobs,
			format_balance(bond)
		);
		let call =
			api::tx()
				.compute_market()
				.register_provider(capabilities, bounded(&endpoint), bond);
		self.sender.submit(chain, &call, Wait::Finalized, |_| {}).await?;
		tracing::info!("provider registered");
		Ok(())
	}

	/// Handles one finalized block.
	async fn tick(self: Arc<Self>, chain: &Chain, at: &AtBlock, number: u64) -> anyhow::Result<()> {
		let market = api::runtime_apis().compute_market_api();
		let next_job = at
			.storage()
			.fetch(api::storage().compute_market().next_job_id(), ())
			.await?
			.decode()?;
		// 1. Jobs in the book: follow them on chain.
		let ids: Vec<u64> = self.book.lock().await.jobs.keys().copied().collect();
		for id in ids {
			if self.busy.lock().await.contains(&id) {
				continue;
			}
			let job = at.runtime_apis().call(market.job(id)).await?;
			self.clone().follow(chain, at, next_job, id, job.map(|(job, _)| job)).await?;
		}
		// 2. New open jobs this provider is eligible for, among the latest `scan_window` ids (the
		// runtime API reads every job from `start`; older open jobs are past their matching
		// windows in practice).
		let start = next_job.saturating_sub(self.config.scan_window);
		self.book.lock().await.prune_skipped_below(start);
		// Jobs already passed over or booked still count in the API's pages: page on until a
		// page brings new ones (so cheap jobs posted in bulk cannot hide newer ones).
		let mut eligible = Vec::new();
		let mut from = start;
		for _ in 0..16 {
			let page = at
				.runtime_apis()
				.call(market.eligible_jobs(*self.me(), from, self.config.scan_limit))
				.await?;
			let full = page.len() as u32 >= self.config.scan_limit.min(100);
			let Some(last) = page.last().copied() else { break };
			{
				let book = self.book.lock().await;
				eligible
					.extend(page.into_iter().filter(|id| {
						!book.jobs.contains_key(id) && !book.skipped.contains_key(id)
					}));
			}
			if !eligible.is_empty() || !full {
				break;
			}
			from = last + 1;
		}
		for id in eligible {
			{
				let book = self.book.lock().await;
				if book.jobs.contains_key(&id) || book.skipped.contains_key(&id) {
					continue;
				}
			}
			if self.slots.available_permits() == 0 {
				break;
			}
			let Some((job, _bids)) = at.runtime_apis().call(market.job(id)).await? else {
				continue;
			};
			match self.decide(at, &job).await? {
				Err(reason) => {
					tracing::info!("job {id}: passed over ({reason})");
					let mut book = self.book.lock().await;
					book.skipped.insert(id, reason);
					book.save()?;
				},
				Ok(take) => self.clone().take(chain.clone(), id, take).await?,
			}
		}
		tracing::debug!("block #{number} handled");
		Ok(())
	}

	/// Whether and how to take an open job.
	async fn decide(&self, at: &AtBlock, job: &Job) -> anyhow::Result<Result<Take, String>> {
		if !matches!(job.spec.kind, JobKind::Inference) {
			return Ok(Err("not an inference job".into()));
		}
		if let Err(reason) =
			accepts_verification(&self.config.trusted_verifiers, &job.spec.verification)
		{
			return Ok(Err(reason));
		}
		let Some(model) = &job.spec.model else { return Ok(Err("no model".into())) };
		let found = at
			.runtime_apis()
			.call(api::runtime_apis().model_registry_api().model(model.model))
			.await?
			.and_then(|(_, versions)| versions.into_iter().find(|(v, _)| *v == model.version));
		let Some((_, version)) = found else { return Ok(Err("model version not found".into())) };
		if !matches!(version.format, ModelFormat::Onnx) {
			return Ok(Err("the model is not ONNX".into()));
		}
		if version.artifact.size_bytes > self.config.max_content_bytes {
			return Ok(Err(format!(
				"the model is larger than {} bytes",
				self.config.max_content_bytes
			)));
		}
		let limits = self.config.fetch_limits();
		for uri in [text(&version.artifact.uri), text(&job.spec.input_uri)] {
			if !limits.supports(&uri) {
				return Ok(Err(format!("cannot fetch `{uri}`")));
			}
		}
		Ok(match &job.spec.matching {
			MatchingMode::FixedPrice { price } if *price >= self.min_price => {
				Ok(Take::Claim(*price))
			},
			MatchingMode::FixedPrice { price } => {
				Err(format!("price {} below the minimum", format_balance(*price)))
			},
			MatchingMode::Direct { provider }
				if provider == self.me() && job.price_cap >= self.min_price =>
			{
				Ok(Take::Accept(job.price_cap))
			},
			MatchingMode::Direct { provider } if provider == self.me() => {
				Err(format!("direct offer of {} below the minimum", format_balance(job.price_cap)))
			},
			MatchingMode::Direct { .. } => Err("addressed to another provider".into()),
			MatchingMode::Auction => {
				let discount = u128::from(self.config.price.auction_discount_percent);
				let bid = (job.price_cap / 100).saturating_mul(100 - discount).max(self.min_price);
				if bid > job.price_cap {
					Err(format!("price cap {} below the minimum", format_balance(job.price_cap)))
				} else {
					Ok(Take::Bid(bid))
				}
			},
		})
	}

	async fn take(self: Arc<Self>, chain: Chain, id: u64, take: Take) -> anyhow::Result<()> {
		{
			let mut book = self.book.lock().await;
			book.jobs.insert(id, Entry::new(Phase::Taking));
			book.save()?;
		}
		self.busy.lock().await.insert(id);
		tokio::spawn(async move {
			let market = api::tx().compute_market();
			let (outcome, phase, what) = match take {
				Take::Claim(price) => (
					self.sender
						.submit(&chain, &market.claim_job(id), Wait::Finalized, |_| {})
						.await,
					Phase::Taken,
					format!("claimed at {}", format_balance(price)),
				),
				Take::Accept(price) => (
					self.sender
						.submit(&chain, &market.accept_job(id), Wait::Finalized, |_| {})
						.await,
					Phase::Taken,
					format!("accepted (direct, up to {})", format_balance(price)),
				),
				Take::Bid(price) => (
					self.sender
						.submit(&chain, &market.place_bid(id, price), Wait::Finalized, |_| {})
						.await,
					Phase::Bid,
					format!("bid {}", format_balance(price)),
				),
			};
			let mut book = self.book.lock().await;
			match outcome {
				Ok(_) => {
					tracing::info!("job {id}: {what}");
					if let Some(entry) = book.jobs.get_mut(&id) {
						entry.phase = phase;
					}
				},
				Err(TxError::Connection(e)) => {
					// It may have landed: the chain tells at the next blocks (the entry stays
					// `Taking` until the job shows it assigned to us, or to others).
					tracing::warn!("job {id}: taking it: {e}");
				},
				Err(e) => {
					tracing::info!("job {id}: not taken: {e}");
					book.jobs.remove(&id);
					book.skipped.insert(id, e.to_string());
				},
			}
			if let Err(e) = book.save() {
				tracing::error!("saving the job book: {e}");
			}
			drop(book);
			self.busy.lock().await.remove(&id);
		});
		Ok(())
	}

	/// Moves a booked job along, by what the chain shows at `at` (where `next_job` is the next
	/// job id).
	async fn follow(
		self: Arc<Self>,
		chain: &Chain,
		at: &AtBlock,
		next_job: u64,
		id: u64,
		job: Option<Job>,
	) -> anyhow::Result<()> {
		let Some(entry) = self.book.lock().await.jobs.get(&id).cloned() else { return Ok(()) };
		let Some(job) = job else {
			if id >= next_job {
				return Ok(()); // a block from before the job was posted
			}
			// The job ended: report how, from its receipt.
			let receipt = at
				.runtime_apis()
				.call(api::runtime_apis().compute_market_api().receipt(id))
				.await?;
			match receipt {
				Some(receipt) => {
					let paid = receipt
						.providers
						.0
						.iter()
						.find(|(who, _)| who == self.me())
						.map(|(_, amount)| *amount);
					match (&receipt.outcome, paid) {
						(Outcome::Completed { result_hash }, Some(amount)) => tracing::info!(
							"job {id}: settled: result {} accepted, paid {}",
							hex_hash(result_hash),
							format_balance(amount)
						),
						(Outcome::Completed { result_hash }, None) => tracing::info!(
							"job {id}: settled without us (result {})",
							hex_hash(result_hash)
						),
						(Outcome::Failed { reason }, _) => {
							tracing::info!("job {id}: ended: {reason:?}")
						},
					}
				},
				None => tracing::info!("job {id}: gone (receipt removed)"),
			}
			self.forget(id).await?;
			return Ok(());
		};
		let mine = job.assignments.0.iter().find(|a| &a.provider == self.me()).cloned();
		let Some(mine) = mine else {
			if matches!(job.status, JobStatus::Open | JobStatus::Drawing) {
				return Ok(()); // bid pending, or a claim not final yet
			}
			tracing::info!("job {id}: assigned to others");
			self.forget(id).await?;
			return Ok(());
		};
		let redundant = matches!(job.spec.verification, VerificationMode::Redundant { .. });
		match entry.phase {
			Phase::Failed => {
				// The chain takes the report once the job is assigned (a redundant job may still
				// be filling).
				if mine.result.is_none()
					&& matches!(job.status, JobStatus::Assigned | JobStatus::Revealing)
				{
					self.spawn_report(chain.clone(), id, entry).await;
				}
			},
			Phase::Reported => {},
			Phase::Taking | Phase::Taken | Phase::Bid => {
				if mine.result.is_some() || mine.commitment.is_some() {
					// Already on chain (a restart lost the book's last step).
					self.set_phase(
						id,
						if mine.result.is_some() { Phase::Submitted } else { Phase::Committed },
					)
					.await?;
				} else {
					self.set_phase(id, Phase::Taken).await?;
					self.spawn_work(chain.clone(), id, job).await;
				}
			},
			Phase::Computed => {
				let assigned = matches!(job.status, JobStatus::Assigned);
				if mine.result.is_some() {
					self.set_phase(id, Phase::Submitted).await?;
				} else if mine.commitment.is_some() {
					self.set_phase(id, Phase::Committed).await?;
				} else if assigned {
					self.spawn_submit(chain.clone(), id, redundant, entry).await;
				}
			},
			Phase::Committed | Phase::Submitted if redundant => {
				if mine.result.is_some() {
					self.set_phase(id, Phase::Revealed).await?;
				} else if matches!(job.status, JobStatus::Revealing) {
					self.spawn_reveal(chain.clone(), id, entry).await;
				}
			},
			Phase::Submitted | Phase::Committed | Phase::Revealed => {},
		}
		Ok(())
	}

	/// Drops a finished job from the book, with its result file.
	async fn forget(&self, id: u64) -> anyhow::Result<()> {
		let mut book = self.book.lock().await;
		if let Some(hash) = book.jobs.remove(&id).and_then(|entry| entry.result_hash) {
			let _ = std::fs::remove_file(self.config.work_dir.join("results").join(hash));
		}
		book.save()
	}

	async fn set_phase(&self, id: u64, phase: Phase) -> anyhow::Result<()> {
		let mut book = self.book.lock().await;
		if let Some(entry) = book.jobs.get_mut(&id) {
			if entry.phase != phase {
				entry.phase = phase;
				book.save()?;
			}
		}
		Ok(())
	}

	/// Fetches, verifies and runs the job in the background, within the time budget (past it,
	/// the work is dropped and an inference child with it is killed). A job it
	/// cannot do is marked `Failed` with a code; `follow` reports it on chain (retrying each
	/// block until the chain has it).
	async fn spawn_work(self: Arc<Self>, chain: Chain, id: u64, job: Job) {
		self.busy.lock().await.insert(id);
		tokio::spawn(async move {
			let Ok(_slot) = self.slots.clone().acquire_owned().await else { return };
			let budget = Duration::from_secs(self.config.job_timeout_secs);
			let outcome = match tokio::time::timeout(budget, self.work(&chain, id, &job)).await {
				Ok(outcome) => outcome,
				Err(_) => Err(WorkError::Refused(
					failure_code::TIMED_OUT,
					format!("not done within the worker's {} s budget", budget.as_secs()),
				)),
			};
			self.tidy_cache(job.spec.input_hash).await;
			let redundant = matches!(job.spec.verification, VerificationMode::Redundant { .. });
			{
				let mut book = self.book.lock().await;
				if let Some(entry) = book.jobs.get_mut(&id) {
					let mut refusal = None;
					match outcome {
						Ok((hash, uri)) => {
							let mut salt = [0u8; 32];
							if redundant && getrandom::getrandom(&mut salt).is_err() {
								tracing::warn!(
									"job {id}: no randomness for the commit-reveal salt; retrying"
								);
							} else {
								entry.phase = Phase::Computed;
								entry.result_hash = Some(hex_hash(&hash));
								entry.result_uri = Some(uri);
								entry.salt = redundant.then(|| hex_hash(&salt));
							}
						},
						Err(WorkError::Transient(e)) => {
							entry.transient_failures += 1;
							tracing::warn!(
								"job {id}: {e:#} (attempt {})",
								entry.transient_failures
							);
							if entry.transient_failures >= MAX_TRANSIENT_FAILURES {
								refusal = Some((failure_code::FETCH_FAILED, format!("{e:#}")));
							}
						},
						Err(WorkError::Refused(code, message)) => refusal = Some((code, message)),
					}
					if let Some((code, message)) = refusal {
						tracing::warn!("job {id}: refusing the job: {message}");
						entry.phase = Phase::Failed;
						entry.failure_code = Some(code);
						entry.note = Some(message);
					}
				}
				if let Err(e) = book.save() {
					tracing::error!("saving the job book: {e}");
				}
			}
			self.busy.lock().await.remove(&id);
		});
	}

	/// After a job's work: drops its input from the cache (unless another job holds it) and
	/// keeps the cache within `cache_max_mib`.
	async fn tidy_cache(&self, input_hash: content::ContentHash) {
		let cache = self.cache.clone();
		let tidied = tokio::task::spawn_blocking(move || {
			cache.discard(&input_hash);
			cache.prune()
		})
		.await;
		match tidied {
			Ok(Ok(pruned)) if pruned.removed > 0 => tracing::info!(
				"cache: removed {} least recently used files ({} KiB), {} KiB kept",
				pruned.removed,
				pruned.removed_bytes / 1024,
				pruned.kept_bytes / 1024
			),
			Ok(Ok(_)) => {},
			Ok(Err(e)) => tracing::warn!("cache: pruning {}: {e}", self.cache.dir().display()),
			Err(e) => tracing::warn!("cache: pruning stopped: {e}"),
		}
	}

	/// Reports a refused job on chain.
	async fn spawn_report(self: Arc<Self>, chain: Chain, id: u64, entry: Entry) {
		self.busy.lock().await.insert(id);
		tokio::spawn(async move {
			let code = entry.failure_code.unwrap_or(failure_code::INFERENCE_FAILED);
			let message = entry.note.clone().unwrap_or_default();
			let call = api::tx().compute_market().report_failure(
				id,
				code,
				content::hash_bytes(message.as_bytes()),
			);
			match self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await {
				Ok(_) => {
					tracing::info!("job {id}: failure reported on chain (code {code})");
					let _ = self.set_phase(id, Phase::Reported).await;
				},
				Err(e) => {
					tracing::warn!("job {id}: reporting the failure: {e} (retrying next block)")
				},
			}
			self.busy.lock().await.remove(&id);
		});
	}

	async fn work(
		&self,
		chain: &Chain,
		id: u64,
		job: &Job,
	) -> Result<(content::ContentHash, String), WorkError> {
		let model_ref =
			job.spec.model.as_ref().ok_or_else(|| {
				WorkError::Refused(failure_code::INFERENCE_FAILED, "no model".into())
			})?;
		let at = chain.at_finalized().await.map_err(WorkError::transient)?;
		let (_, version) = at
			.runtime_apis()
			.call(api::runtime_apis().model_registry_api().model(model_ref.model))
			.await
			.map_err(|e| WorkError::Transient(e.into()))?
			.and_then(|(_, versions)| versions.into_iter().find(|(v, _)| *v == model_ref.version))
			.ok_or_else(|| {
				WorkError::Refused(
					failure_code::INFERENCE_FAILED,
					"the model version is gone".into(),
				)
			})?;
		let cache = self.cache.dir();
		// Held from before the fetch until the work ends: the cache never removes them meanwhile.
		let _model_held = self.cache.hold(&version.artifact.content_hash);
		let _input_held = self.cache.hold(&job.spec.input_hash);
		let limits = self.config.fetch_limits();
		let model_uri = text(&version.artifact.uri);
		let started = Instant::now();
		let model_path = content::fetch_verified(
			&model_uri,
			&version.artifact.content_hash,
			cache,
			&limits,
			&ProgressBar::hidden(),
		)
		.await
		.map_err(|e| WorkError::from_content(e, failure_code::MODEL_HASH_MISMATCH, "model"))?;
		tracing::info!(
			"job {id}: model {}:{} fetched and verified ({})",
			model_ref.model,
			model_ref.version,
			hex_hash(&version.artifact.content_hash)
		);
		let input_uri = text(&job.spec.input_uri);
		let input_path = content::fetch_verified(
			&input_uri,
			&job.spec.input_hash,
			cache,
			&limits,
			&ProgressBar::hidden(),
		)
		.await
		.map_err(|e| WorkError::from_content(e, failure_code::INPUT_HASH_MISMATCH, "input"))?;
		tracing::info!("job {id}: input fetched and verified ({})", hex_hash(&job.spec.input_hash));
		let input_size = tokio::fs::metadata(&input_path)
			.await
			.map_err(|e| WorkError::Transient(e.into()))?
			.len();
		if input_size > self.config.max_input_bytes {
			return Err(WorkError::Refused(
				failure_code::INFERENCE_FAILED,
				format!("the input is larger than {} bytes", self.config.max_input_bytes),
			));
		}
		let inferred = Instant::now();
		let result = self.sandbox.run(&model_path, &input_path).await.map_err(|e| match e {
			SandboxError::Job(reason) => WorkError::Refused(failure_code::INFERENCE_FAILED, reason),
			SandboxError::Local(e) => {
				WorkError::Transient(e.context("running the inference child"))
			},
		})?;
		let result_hash = content::hash_bytes(&result);
		tracing::info!(
			"job {id}: inference done in {} ms: {} bytes, result {}",
			inferred.elapsed().as_millis(),
			result.len(),
			hex_hash(&result_hash)
		);
		let results_dir = self.config.work_dir.join("results");
		tokio::fs::create_dir_all(&results_dir)
			.await
			.map_err(|e| WorkError::Transient(e.into()))?;
		let result_path: PathBuf = results_dir.join(hex_hash(&result_hash));
		tokio::fs::write(&result_path, &result)
			.await
			.map_err(|e| WorkError::Transient(e.into()))?;
		let stored = store::upload(
			&self.config.store_url,
			self.store_token.as_deref(),
			&result_path,
			&result_hash,
			&ProgressBar::hidden(),
		)
		.await
		.map_err(|e| WorkError::Transient(e.into()))?;
		tracing::info!(
			"job {id}: result stored at {} ({} ms in all)",
			stored.uri,
			started.elapsed().as_millis()
		);
		Ok((result_hash, stored.uri))
	}

	async fn spawn_submit(self: Arc<Self>, chain: Chain, id: u64, redundant: bool, entry: Entry) {
		self.busy.lock().await.insert(id);
		tokio::spawn(async move {
			let outcome = self.submit(&chain, id, redundant, &entry).await;
			match outcome {
				Ok(phase) => {
					let _ = self.set_phase(id, phase).await;
				},
				Err(e) => {
					tracing::warn!("job {id}: submitting failed: {e:#} (retrying next block)")
				},
			}
			self.busy.lock().await.remove(&id);
		});
	}

	async fn submit(
		&self,
		chain: &Chain,
		id: u64,
		redundant: bool,
		entry: &Entry,
	) -> anyhow::Result<Phase> {
		let hash = entry
			.result_hash
			.as_deref()
			.and_then(parse_hash)
			.ok_or_else(|| anyhow!("no result hash"))?;
		let uri = entry.result_uri.clone().ok_or_else(|| anyhow!("no result URI"))?;
		let market = api::tx().compute_market();
		if redundant {
			let salt =
				entry.salt.as_deref().and_then(parse_hash).ok_or_else(|| anyhow!("no salt"))?;
			// The salt must be on disk before the commitment goes out, or a crash loses the reveal.
			self.book.lock().await.save().context("saving the job book before committing")?;
			let commitment = deai_abi::result_commitment(id, &self.me().0, &hash, &salt);
			self.sender
				.submit(chain, &market.commit_result(id, commitment), Wait::Finalized, |_| {})
				.await?;
			tracing::info!("job {id}: result committed");
			Ok(Phase::Committed)
		} else {
			let call = market.submit_result(id, hash, bounded(&uri), BoundedVec(Vec::new()));
			self.sender.submit(chain, &call, Wait::Finalized, |_| {}).await?;
			tracing::info!("job {id}: result {} submitted", hex_hash(&hash));
			Ok(Phase::Submitted)
		}
	}

	async fn spawn_reveal(self: Arc<Self>, chain: Chain, id: u64, entry: Entry) {
		self.busy.lock().await.insert(id);
		tokio::spawn(async move {
			let outcome: anyhow::Result<()> = async {
				let hash = entry
					.result_hash
					.as_deref()
					.and_then(parse_hash)
					.ok_or_else(|| anyhow!("no result hash"))?;
				let salt =
					entry.salt.as_deref().and_then(parse_hash).ok_or_else(|| anyhow!("no salt"))?;
				let uri = entry.result_uri.clone().ok_or_else(|| anyhow!("no result URI"))?;
				let call = api::tx().compute_market().reveal_result(id, hash, bounded(&uri), salt);
				self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await?;
				tracing::info!("job {id}: result {} revealed", hex_hash(&hash));
				self.set_phase(id, Phase::Revealed).await
			}
			.await;
			if let Err(e) = outcome {
				tracing::warn!("job {id}: revealing failed: {e:#} (retrying next block)");
			}
			self.busy.lock().await.remove(&id);
		});
	}
}

/// How the worker takes a job.
enum Take {
	Claim(u128),
	Accept(u128),
	Bid(u128),
}

/// Why work stopped.
enum WorkError {
	/// Worth retrying (network, node).
	Transient(anyhow::Error),
	/// The job cannot be done as posted: reported on chain with this code.
	Refused(u16, String),
}

impl WorkError {
	fn transient(e: anyhow::Error) -> Self {
		WorkError::Transient(e)
	}

	fn from_content(e: ContentError, mismatch_code: u16, what: &str) -> Self {
		match e {
			ContentError::HashMismatch { .. } => {
				WorkError::Refused(mismatch_code, format!("{what}: {e}"))
			},
			ContentError::UnsupportedUri(_)
			| ContentError::TooLarge { .. }
			| ContentError::FileNotAllowed(_) => {
				WorkError::Refused(failure_code::FETCH_FAILED, format!("{what}: {e}"))
			},
			other => WorkError::Transient(anyhow!("{what}: {other}")),
		}
	}
}

async fn wait_for(mut shutdown: tokio::sync::watch::Receiver<bool>) {
	while !*shutdown.borrow() {
		if shutdown.changed().await.is_err() {
			return;
		}
	}
}

/// Whether a provider works under a job's verification mode: `Verifier` jobs only from the
/// operator's `trusted` verifiers (a verifier is the requester's choice, and its rejection holds
/// the provider's pay until the dispute resolver rules or the dispute period ends).
pub fn accepts_verification(
	trusted: &[AccountId32],
	verification: &VerificationMode<AccountId32>,
) -> Result<(), String> {
	match verification {
		VerificationMode::Verifier { verifier } if !trusted.contains(verifier) => {
			Err(format!("verifier {verifier} is not in trusted_verifiers"))
		},
		_ => Ok(()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn verifier_jobs_only_from_trusted_verifiers() {
		let trusted = AccountId32([1; 32]);
		let other = AccountId32([2; 32]);
		let job = |verifier: &AccountId32| VerificationMode::Verifier { verifier: *verifier };
		assert_eq!(accepts_verification(&[trusted], &job(&trusted)), Ok(()));
		assert_eq!(
			accepts_verification(&[trusted], &job(&other)),
			Err(format!("verifier {other} is not in trusted_verifiers"))
		);
		assert!(accepts_verification(&[], &job(&trusted)).is_err(), "empty list: no Verifier jobs");
		assert_eq!(accepts_verification(&[], &VerificationMode::RequesterApproval), Ok(()));
		assert_eq!(
			accepts_verification(&[], &VerificationMode::Redundant { providers: 2, quorum: 2 }),
			Ok(())
		);
	}
}
