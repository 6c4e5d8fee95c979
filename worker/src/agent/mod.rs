//! The provider's agent: registers the provider, follows finalized blocks, takes the open jobs
//! it is eligible for (claim, bid or accept, by its price policy), runs them, and submits —
//! or commits and reveals — the results.
//!
//! Every block it compares its job book with the chain ([`crate::lifecycle::next_step`]) and
//! looks for new jobs ([`crate::policy`]); this module and its children do the I/O those pure
//! decisions call for. A lost connection ends the session; `run` reconnects with backoff and
//! carries on from the book.

mod federated;
mod jobs;
mod work;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use deai_client::chain::{
	api, bounded, format_balance, job_input_uri, zk_profile, AtBlock, Chain, Sender, Wait,
};
use deai_client::store;
use deai_client::subxt::utils::AccountId32;
use tokio::sync::{Mutex, Semaphore};

use api::runtime_types::pallet_compute_market::types::{Capabilities, Job, VerificationMode};

use crate::book::Book;
use crate::cache::ArtifactCache;
use crate::config::{detect, Config};
use crate::policy::{self, Model, Offer, Policy, Take};
use crate::sandbox::Sandbox;

/// Failure codes the worker reports on chain (`report_failure`), with a blake2-256 hash of the
/// message it logged: one definition, shared with the chain's tools.
pub use deai_abi::failure_code;

/// The agent.
pub struct Agent {
	config: Config,
	policy: Policy,
	sender: Arc<Sender>,
	/// Runs each job's inference in a child process.
	sandbox: Sandbox,
	/// Verified models and inputs.
	cache: Arc<ArtifactCache>,
	/// The content store's upload token, when it needs one.
	store_token: Option<String>,
	book: Arc<Mutex<Book>>,
	/// Jobs with a task under way (work or a transaction).
	busy: Busy,
	slots: Arc<Semaphore>,
	/// The model and input each taken job was checked against before it was taken, held in the
	/// cache until its work ends (or the job is forgotten), so that the work runs on those bytes.
	checked: Arc<std::sync::Mutex<std::collections::HashMap<u64, work::Fetched>>>,
	/// The ZK prover of `Proof` jobs, made the first time one is worked on.
	prover: Arc<std::sync::OnceLock<crate::prover::Prover>>,
	/// Federated training: the last action submitted.
	fl_last: federated::LastAction,
}

impl Agent {
	/// An agent for `config`, signing with `sender`, running inference in child processes of
	/// `program` (the `deai-worker` binary).
	pub fn new(config: Config, sender: Sender, program: PathBuf) -> anyhow::Result<Self> {
		std::fs::create_dir_all(&config.work_dir)
			.with_context(|| format!("creating {}", config.work_dir.display()))?;
		let book = Book::load(&config.work_dir.join("jobs.json"))?;
		let detected = detect(&config.capabilities);
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
			policy: Policy::of(&config),
			config,
			sender: Arc::new(sender),
			book: Arc::new(Mutex::new(book)),
			busy: Busy::default(),
			checked: Default::default(),
			prover: Default::default(),
			fl_last: Default::default(),
		})
	}

	/// The provider's account.
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
		while !self.busy.is_empty() && Instant::now() < deadline {
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
		let role_kind = match self.config.federated.as_ref().map(|f| f.role) {
			Some(crate::config::FederatedRole::Participant) => deai_abi::job_kind::TRAINING,
			Some(crate::config::FederatedRole::Evaluator) => deai_abi::job_kind::EVALUATION,
			None => 0,
		};
		if let Some(provider) = record {
			tracing::info!(
				"provider registered: bond {}, {} active jobs, {} completed",
				format_balance(provider.bond),
				provider.active_jobs,
				provider.reputation.completed
			);
			// A federated role configured later: the provider must offer its job kind to join.
			if provider.capabilities.job_kinds & role_kind != role_kind {
				let mut capabilities = provider.capabilities;
				capabilities.job_kinds |= role_kind;
				let call = api::tx().compute_market().update_provider(Some(capabilities), None);
				self.sender.submit(chain, &call, Wait::Finalized, |_| {}).await?;
				tracing::info!("provider updated: it offers federated training's job kind");
			}
			return Ok(());
		}
		let d = detect(&self.config.capabilities);
		let capabilities = Capabilities {
			device: d.device.into(),
			accelerator: bounded(&d.accelerator),
			vram_mib: d.vram_mib,
			ram_mib: d.ram_mib,
			cpu_cores: d.cpu_cores,
			region: d.region,
			// Inference jobs, and federated training's role when one is configured.
			job_kinds: deai_abi::job_kind::INFERENCE | role_kind,
			max_concurrent_jobs: d.max_concurrent_jobs,
		};
		let bond = self.config.bond;
		let endpoint =
			self.config.endpoint.clone().unwrap_or_else(|| self.config.store_url.clone());
		tracing::info!(
			"registering provider: {} cores, {} MiB RAM, {} jobs at once, bond {bond}",
			d.cpu_cores,
			d.ram_mib,
			d.max_concurrent_jobs,
		);
		let call =
			api::tx()
				.compute_market()
				.register_provider(capabilities, bounded(&endpoint), bond.0);
		self.sender.submit(chain, &call, Wait::Finalized, |_| {}).await?;
		tracing::info!("provider registered");
		Ok(())
	}

	/// Handles one finalized block.
	async fn tick(self: Arc<Self>, chain: &Chain, at: &AtBlock, number: u64) -> anyhow::Result<()> {
		// Federated training first: its phases are short. A failed action is tried again at the
		// next block.
		if let Err(e) = self.federated_tick(chain, at).await {
			tracing::warn!("federated training: {e:#}");
			*self.fl_last.lock().unwrap_or_else(|p| p.into_inner()) = None;
		}
		let market = api::runtime_apis().compute_market_api();
		let next_job = at
			.storage()
			.fetch(api::storage().compute_market().next_job_id(), ())
			.await?
			.decode()?;
		// 1. Jobs in the book: follow them on chain.
		let ids: Vec<u64> = self.book.lock().await.jobs.keys().copied().collect();
		for id in ids {
			if self.busy.contains(id) {
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
			// A job the worker cannot decide on now (a query failed) is looked at again at the
			// next block; the other jobs of this one are still looked at.
			let decision = match self.decide(at, id, &job).await {
				Ok(decision) => decision,
				Err(e) => {
					tracing::warn!("job {id}: cannot decide now: {e:#}");
					continue;
				},
			};
			match decision {
				Err(reason) => {
					tracing::info!("job {id}: passed over ({reason})");
					self.skip(id, reason).await?;
				},
				Ok(take) => self.clone().take(chain.clone(), id, take, job).await?,
			}
		}
		tracing::debug!("block #{number} handled");
		Ok(())
	}

	/// Whether and how to take an open job ([`policy::screen`], then the model version it
	/// names, then [`policy::decide`]).
	async fn decide(
		&self,
		at: &AtBlock,
		id: u64,
		job: &Job,
	) -> anyhow::Result<Result<Take, String>> {
		// Where the input is: kept beside the job's record, which no market call needs it in.
		let input_uri = job_input_uri(at, id).await?.unwrap_or_default();
		let offer = Offer::of(job, input_uri);
		let model = match policy::screen(&self.policy, &offer) {
			Ok(model) => model,
			Err(reason) => return Ok(Err(reason)),
		};
		// A `Proof` job is taken only with the circuit of the model's ZK profile: after taking
		// it, failing to prove would cost the bond's abandon slash.
		if matches!(job.spec.verification, VerificationMode::Proof) {
			let Some(profile) = zk_profile(at, &model).await? else {
				return Ok(Err("the model version has no ZK profile".into()));
			};
			let proves = self.on_prover(move |prover| prover.proves_for(&profile)).await?;
			if let Err(reason) = proves {
				return Ok(Err(reason));
			}
		}
		let version = at
			.runtime_apis()
			.call(api::runtime_apis().model_registry_api().model(model.model))
			.await?
			.and_then(|(_, versions)| versions.into_iter().find(|(v, _)| *v == model.version))
			.map(|(_, version)| Model::of(&version));
		Ok(policy::decide(&self.policy, self.me(), &offer, version.as_ref()))
	}
}

impl Agent {
	/// Runs `work` on the ZK prover, made on first use (about a second), off the async threads.
	async fn on_prover<R: Send + 'static>(
		&self,
		work: impl FnOnce(&crate::prover::Prover) -> R + Send + 'static,
	) -> Result<R, tokio::task::JoinError> {
		let prover = self.prover.clone();
		tokio::task::spawn_blocking(move || {
			work(prover.get_or_init(crate::prover::Prover::blobs_classifier))
		})
		.await
	}
}

/// The jobs with a task under way; a job is in it while its [`BusyGuard`] lives.
#[derive(Clone, Default)]
struct Busy(Arc<std::sync::Mutex<HashSet<u64>>>);

impl Busy {
	fn set(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
		// The set stays consistent whatever a panicking holder did: take it back.
		self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	fn contains(&self, id: u64) -> bool {
		self.set().contains(&id)
	}

	fn is_empty(&self) -> bool {
		self.set().is_empty()
	}

	/// Marks job `id` busy until the guard is dropped (at the end of its task, or if it panics).
	fn mark(&self, id: u64) -> BusyGuard {
		self.set().insert(id);
		BusyGuard { busy: self.clone(), id }
	}
}

/// Job `id` is busy while this lives.
struct BusyGuard {
	busy: Busy,
	id: u64,
}

impl Drop for BusyGuard {
	fn drop(&mut self) {
		self.busy.set().remove(&self.id);
	}
}

async fn wait_for(mut shutdown: tokio::sync::watch::Receiver<bool>) {
	while !*shutdown.borrow() {
		if shutdown.changed().await.is_err() {
			return;
		}
	}
}
