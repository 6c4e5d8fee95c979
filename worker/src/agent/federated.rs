//! Federated training, as a member of one task (`[federated]` in the configuration): join it,
//! and in each round it is drawn in, act in the round's phase:
//! - a participant trains on its local data from the current global model, keeps and uploads
//!   the update, commits to it, then reveals it;
//! - an evaluator fetches the updates (hash-verified), scores them on the round's drawn
//!   evaluation rows, computes the next global model, uploads it, commits, then reveals.
//!
//! When the task closes it leaves, with its stake and earnings. What it committed to is kept in
//! `<work_dir>/federated/` so that a restarted worker reveals it.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use codec::Encode;
use deai_client::chain::{api, bounded, format_balance, text, AtBlock, Chain, Wait};
use deai_client::content::{self, hex_hash, ContentHash};
use deai_client::indicatif::ProgressBar;
use deai_client::store;
use serde::{Deserialize, Serialize};

use api::runtime_types::pallet_federated::types::{
	Aggregation, ModelFile, Phase, Role, TaskStatus,
};

use super::Agent;
use crate::config::{FederatedConfig, FederatedRole};
use crate::federated::{self as fl, Dataset, OnnxMlp, Params, Privacy, Revealed, Rule, Training};
use deai_client::subxt::utils::AccountId32;

/// What a member committed to in a round, kept until it is revealed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Committed {
	task: u64,
	round: u32,
	/// The update's (or aggregate's) hash.
	hash: ContentHash,
	/// Its size in bytes.
	size: u64,
	/// Its address in the content store.
	uri: String,
	/// A participant's samples.
	samples: u32,
	/// An evaluator's scores.
	scores: Vec<i64>,
	salt: [u8; 32],
}

/// An action of a member in a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FlAction {
	/// Joining it.
	Join,
	/// Leaving it, closed.
	Leave,
	/// Acting in a round's phase (0: committing an update, 1: revealing it, 2: committing
	/// scores, 3: revealing them).
	Phase {
		/// The round.
		round: u32,
		/// The phase.
		phase: u8,
	},
}

/// The last action submitted, so that it is not submitted again before the finalized state
/// the worker reads shows it (it lags the worker's own transactions by a block or two).
pub(super) type LastAction = std::sync::Mutex<Option<(u64, FlAction)>>;

fn phase_code(phase: &Phase) -> u8 {
	match phase {
		Phase::CommitUpdates => 0,
		Phase::RevealUpdates => 1,
		Phase::CommitScores => 2,
		Phase::RevealScores => 3,
	}
}

/// The largest update file: the header and every parameter.
const MAX_UPDATE_BYTES: u64 = 12 + 4 * fl::N_PARAMS as u64;
/// The largest model file fetched (the MLP's ONNX is about 1.2 KiB).
const MAX_MODEL_BYTES: u64 = 64 * 1024;
/// How long one fetch may take: a participant serving its update slowly must not make the
/// evaluators miss their phase.
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl Agent {
	fn fl_dir(&self) -> PathBuf {
		self.config.work_dir.join("federated")
	}

	fn committed_path(&self, task: u64) -> PathBuf {
		self.fl_dir().join(format!("task-{task}.json"))
	}

	fn keep_committed(&self, committed: &Committed) -> anyhow::Result<()> {
		use std::io::Write;
		std::fs::create_dir_all(self.fl_dir())?;
		let path = self.committed_path(committed.task);
		let tmp = path.with_extension("json.tmp");
		let mut file = std::fs::File::create(&tmp)?;
		file.write_all(&serde_json::to_vec(committed)?)?;
		// On disk before it is committed to: a restarted worker reveals it.
		file.sync_all()?;
		std::fs::rename(&tmp, &path)?;
		Ok(())
	}

	fn committed(&self, task: u64, round: u32) -> anyhow::Result<Committed> {
		let bytes = std::fs::read(self.committed_path(task))
			.with_context(|| format!("task {task}: nothing kept to reveal"))?;
		let committed: Committed = serde_json::from_slice(&bytes)?;
		if committed.round != round {
			bail!("task {task}: what was kept is round {}'s, not {round}'s", committed.round);
		}
		Ok(committed)
	}

	/// What was kept for `(task, round)`, if anything: a commitment retried after an error
	/// (its transaction may have landed) must be the same, or its reveal could never match.
	fn kept(&self, task: u64, round: u32) -> Option<Committed> {
		self.committed(task, round).ok()
	}

	/// Fetches `uri` (at most `max_bytes`, within [`FETCH_TIMEOUT`]) into the cache, checked
	/// against `hash`, and reads it.
	async fn fetch_bytes(
		&self,
		uri: &str,
		hash: &ContentHash,
		max_bytes: u64,
	) -> anyhow::Result<Vec<u8>> {
		let limits = content::FetchLimits {
			max_bytes: max_bytes.min(self.config.max_content_bytes),
			..self.config.fetch_limits()
		};
		let progress = ProgressBar::hidden();
		let fetch = content::fetch_verified(uri, hash, self.cache.dir(), &limits, &progress);
		let path = tokio::time::timeout(FETCH_TIMEOUT, fetch)
			.await
			.map_err(|_| anyhow!("fetching {uri}: no answer within {FETCH_TIMEOUT:?}"))?
			.with_context(|| format!("fetching {uri}"))?;
		Ok(tokio::fs::read(&path).await?)
	}

	/// Submits a member's transaction. A transaction the chain refused (a dispatch error) is
	/// logged and not tried again (`Ok`); one whose fate is unknown (the connection) is an error,
	/// tried again at the next block.
	async fn submit_step<Call: deai_client::subxt::transactions::Payload>(
		&self,
		chain: &Chain,
		call: &Call,
		what: &str,
	) -> anyhow::Result<bool> {
		match self.sender.submit(chain, call, Wait::InBlock, |_| {}).await {
			Ok(_) => Ok(true),
			Err(e @ deai_client::chain::TxError::Connection(_)) => Err(e.into()),
			Err(e) => {
				tracing::warn!("federated training: {what} refused: {e}");
				Ok(false)
			},
		}
	}

	/// Writes `bytes` under the work directory and uploads them to the content store; returns
	/// their hash and address.
	async fn upload_bytes(
		&self,
		name: &str,
		bytes: &[u8],
	) -> anyhow::Result<(ContentHash, String)> {
		let hash = content::hash_bytes(bytes);
		std::fs::create_dir_all(self.fl_dir())?;
		let path = self.fl_dir().join(name);
		tokio::fs::write(&path, bytes).await?;
		let stored = store::upload(
			&self.config.store_url,
			self.store_token.as_deref(),
			&path,
			&hash,
			&ProgressBar::hidden(),
		)
		.await?;
		Ok((hash, stored.uri))
	}

	/// The task's global model: its last agreed aggregate, else its base version.
	async fn global_model(
		&self,
		at: &AtBlock,
		global: Option<&ModelFile>,
		base: (u64, u32),
	) -> anyhow::Result<OnnxMlp> {
		let (hash, uri) = match global {
			Some(file) => (file.hash, text(&file.uri)),
			None => {
				let version = at
					.storage()
					.try_fetch(api::storage().model_registry().model_versions(), (base.0, base.1))
					.await?
					.ok_or_else(|| anyhow!("the base version {}:{} is gone", base.0, base.1))?
					.decode()?;
				(version.artifact.content_hash, text(&version.artifact.uri))
			},
		};
		OnnxMlp::parse(&self.fetch_bytes(&uri, &hash, MAX_MODEL_BYTES).await?)
	}

	/// Handles the configured task at this block.
	pub(super) async fn federated_tick(
		self: &Arc<Self>,
		chain: &Chain,
		at: &AtBlock,
	) -> anyhow::Result<()> {
		let Some(cfg) = self.config.federated.clone() else { return Ok(()) };
		let id = cfg.task;
		let Some(task) = at.storage().try_fetch(api::storage().federated().tasks(), (id,)).await?
		else {
			tracing::debug!("federated task {id}: not on chain (yet)");
			return Ok(());
		};
		let task = task.decode()?;
		let ledger = at
			.storage()
			.try_fetch(api::storage().federated().ledgers(), (id,))
			.await?
			.map(|l| l.decode())
			.transpose()?
			.map(|l| l.0)
			.unwrap_or_default();
		let me = self.me();
		// An entry without stake or earnings is a participant that left, kept for its score:
		// not a member (it joins again).
		let member = ledger.iter().find(|m| &m.who == me && !(m.stake == 0 && m.earned == 0));
		let tx = api::tx().federated();
		match (&task.status, member) {
			(TaskStatus::Closed, None) => return Ok(()),
			(TaskStatus::Closed, Some(m)) => {
				if self.once(id, FlAction::Leave) {
					tracing::info!(
						"federated task {id}: closed; leaving with stake {} and earnings {}",
						format_balance(m.stake),
						format_balance(m.earned)
					);
					self.submit_step(chain, &tx.leave(id), "leaving").await?;
				}
				return Ok(());
			},
			(_, None) => {
				if self.once(id, FlAction::Join) {
					let role = match cfg.role {
						FederatedRole::Participant => Role::Participant,
						FederatedRole::Evaluator => Role::Evaluator,
					};
					tracing::info!("federated task {id}: joining as {:?}", cfg.role);
					self.submit_step(chain, &tx.join(id, role, cfg.stake.0), "joining").await?;
				}
				return Ok(());
			},
			_ => {},
		}
		let TaskStatus::Running { phase, .. } = &task.status else { return Ok(()) };
		let Some(round) =
			at.storage().try_fetch(api::storage().federated().rounds(), (id,)).await?
		else {
			return Ok(());
		};
		let round = round.decode()?;
		let index = round.index;
		let base = (task.spec.base.model, task.spec.base.version);
		match (cfg.role, phase) {
			(FederatedRole::Participant, Phase::CommitUpdates) => {
				let Some(slot) = round.updates.0.iter().find(|s| &s.who == me) else {
					return Ok(());
				};
				if slot.commitment.is_some() || !self.once(id, step(index, phase)) {
					return Ok(());
				}
				let committed = match self.kept(id, index) {
					Some(kept) => kept,
					None => {
						let global = self.global_model(at, task.global.as_ref(), base).await?;
						let dp = task.spec.dp.as_ref().map(|d| Privacy {
							clip_norm: d.clip_norm_milli as f64 / 1_000.0,
							noise_multiplier: d.noise_multiplier_milli as f64 / 1_000.0,
						});
						self.train_update(&cfg, id, index, &global, dp).await?
					},
				};
				let commitment = update_commitment(id, me, &committed);
				if self.submit_step(chain, &tx.commit_update(id, commitment), "committing").await? {
					tracing::info!(
						"federated task {id} round {index}: committed to update {}",
						hex_hash(&committed.hash)
					);
				}
			},
			(FederatedRole::Participant, Phase::RevealUpdates) => {
				let Some(slot) = round.updates.0.iter().find(|s| &s.who == me) else {
					return Ok(());
				};
				let Some(on_chain) = slot.commitment else { return Ok(()) };
				if slot.update.is_some() || !self.once(id, step(index, phase)) {
					return Ok(());
				}
				let kept = self.committed(id, index)?;
				if update_commitment(id, me, &kept) != on_chain {
					tracing::error!(
						"federated task {id} round {index}: the update kept does not open the \
						 commitment on chain; it cannot be revealed"
					);
					return Ok(());
				}
				let file = ModelFile { hash: kept.hash, size: kept.size, uri: bounded(&kept.uri) };
				let reveal = tx.reveal_update(id, file, kept.samples, kept.salt);
				if self.submit_step(chain, &reveal, "revealing").await? {
					tracing::info!("federated task {id} round {index}: update revealed");
				}
			},
			(FederatedRole::Evaluator, Phase::CommitScores) => {
				let Some(slot) = round.scores.0.iter().find(|s| &s.who == me) else {
					return Ok(());
				};
				if slot.commitment.is_some() || !self.once(id, step(index, phase)) {
					return Ok(());
				}
				if let Some(kept) = self.kept(id, index) {
					let commitment = scores_commitment(id, me, &kept);
					self.submit_step(chain, &tx.commit_scores(id, commitment), "committing")
						.await?;
					return Ok(());
				}
				let seed = round.eval_seed.ok_or_else(|| anyhow!("no evaluation seed yet"))?;
				let global = self.global_model(at, task.global.as_ref(), base).await?;
				let dataset = task.spec.eval_dataset;
				let version = at
					.storage()
					.try_fetch(
						api::storage().model_registry().dataset_versions(),
						(dataset.dataset, dataset.version),
					)
					.await?
					.ok_or_else(|| anyhow!("the evaluation dataset is gone"))?
					.decode()?;
				let data = Dataset::parse(
					&self
						.fetch_bytes(
							&text(&version.artifact.uri),
							&version.artifact.content_hash,
							self.config.max_input_bytes,
						)
						.await?,
				)?;
				let rows = deai_abi::federated::eval_rows(
					&seed,
					data.labels.len() as u32,
					task.spec.eval_rows,
				);
				let rows = data.rows(&rows);
				// Every update at once, each within its size and time.
				let revealed: Vec<Revealed> =
					futures::future::join_all(round.updates.0.iter().map(|slot| async move {
						let Some(file) = &slot.update else { return Revealed::Nothing };
						let read = self
							.fetch_bytes(&text(&file.uri), &file.hash, MAX_UPDATE_BYTES)
							.await
							.and_then(|bytes| fl::decode_update(&bytes));
						match read {
							Ok(update) => Revealed::Update { update, samples: slot.samples },
							Err(e) => {
								tracing::warn!("{}'s update is unreadable: {e:#}", slot.who);
								Revealed::Unreadable { samples: slot.samples }
							},
						}
					}))
					.await;
				let rule = match task.spec.aggregation {
					Aggregation::FedAvg => Rule::FedAvg,
					Aggregation::CoordinateMedian => Rule::Median,
					Aggregation::TrimmedMean { trim } => Rule::TrimmedMean { trim_percent: trim.0 },
				};
				let evaluation = fl::evaluate_round(
					&global.params,
					&revealed,
					&rows,
					rule,
					task.spec.poison_threshold,
				);
				let bytes = global.with_params(&evaluation.global);
				let (hash, uri) =
					self.upload_bytes(&format!("global-{id}-{index}.onnx"), &bytes).await?;
				let salt = random_salt()?;
				let committed = Committed {
					task: id,
					round: index,
					hash,
					size: bytes.len() as u64,
					uri,
					samples: 0,
					scores: evaluation.scores.clone(),
					salt,
				};
				self.keep_committed(&committed)?;
				let commitment = scores_commitment(id, me, &committed);
				if self.submit_step(chain, &tx.commit_scores(id, commitment), "committing").await? {
					tracing::info!(
						"federated task {id} round {index}: scores {:?} committed, aggregate {} \
						 (accuracy on the scored rows {:.3})",
						committed.scores,
						hex_hash(&hash),
						fl::accuracy(&evaluation.global, &rows)
					);
				}
			},
			(FederatedRole::Evaluator, Phase::RevealScores) => {
				let Some(slot) = round.scores.0.iter().find(|s| &s.who == me) else {
					return Ok(());
				};
				let Some(on_chain) = slot.commitment else { return Ok(()) };
				if slot.card.is_some() || !self.once(id, step(index, phase)) {
					return Ok(());
				}
				let kept = self.committed(id, index)?;
				if scores_commitment(id, me, &kept) != on_chain {
					tracing::error!(
						"federated task {id} round {index}: the scores kept do not open the \
						 commitment on chain; they cannot be revealed"
					);
					return Ok(());
				}
				let file = ModelFile { hash: kept.hash, size: kept.size, uri: bounded(&kept.uri) };
				let scores =
					api::runtime_types::bounded_collections::bounded_vec::BoundedVec(kept.scores);
				let reveal = tx.reveal_scores(id, scores, file, kept.salt);
				if self.submit_step(chain, &reveal, "revealing").await? {
					tracing::info!("federated task {id} round {index}: scores revealed");
				}
			},
			_ => {},
		}
		Ok(())
	}

	/// Trains an update from `global` on the local data, keeps it, uploads it; returns what is
	/// committed to.
	async fn train_update(
		&self,
		cfg: &FederatedConfig,
		task: u64,
		round: u32,
		global: &OnnxMlp,
		dp: Option<Privacy>,
	) -> anyhow::Result<Committed> {
		let path = cfg.data.as_ref().ok_or_else(|| anyhow!("a participant needs `data`"))?;
		let data = Dataset::parse(
			&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
		)?;
		if data.labels.is_empty() {
			bail!("{} holds no rows to train on", path.display());
		}
		let started = std::time::Instant::now();
		let training = Training { epochs: cfg.epochs, learning_rate: cfg.learning_rate };
		let mut update: Params = fl::train(&global.params, &data, training);
		if let Some(privacy) = dp {
			let mut seed = [0u8; 32];
			getrandom::getrandom(&mut seed).map_err(|e| anyhow!("no randomness: {e}"))?;
			let mut rng =
				<rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::from_seed(seed);
			fl::privatize(&mut update, privacy, &mut rng);
		}
		tracing::info!(
			"federated task {task} round {round}: trained on {} rows in {} ms",
			data.labels.len(),
			started.elapsed().as_millis()
		);
		let bytes = fl::encode_update(&update);
		let (hash, uri) = self.upload_bytes(&format!("update-{task}-{round}.bin"), &bytes).await?;
		let committed = Committed {
			task,
			round,
			hash,
			size: bytes.len() as u64,
			uri,
			samples: data.labels.len() as u32,
			scores: Vec::new(),
			salt: random_salt()?,
		};
		self.keep_committed(&committed)?;
		Ok(committed)
	}

	/// Whether `action` in `task` was not submitted yet (and marks it submitted).
	fn once(&self, task: u64, action: FlAction) -> bool {
		let mut last = self.fl_last.lock().unwrap_or_else(|p| p.into_inner());
		if *last == Some((task, action)) {
			return false;
		}
		*last = Some((task, action));
		true
	}
}

fn step(round: u32, phase: &Phase) -> FlAction {
	FlAction::Phase { round, phase: phase_code(phase) }
}

/// The commitment to a kept update (`deai_abi::federated::update_commitment`).
fn update_commitment(task: u64, me: &AccountId32, kept: &Committed) -> [u8; 32] {
	deai_abi::federated::update_commitment(
		task,
		kept.round,
		&me.encode(),
		&kept.hash,
		kept.samples,
		&kept.salt,
	)
}

/// The commitment to kept scores (`deai_abi::federated::scores_commitment`).
fn scores_commitment(task: u64, me: &AccountId32, kept: &Committed) -> [u8; 32] {
	deai_abi::federated::scores_commitment(
		task,
		kept.round,
		&me.encode(),
		&kept.scores,
		&kept.hash,
		&kept.salt,
	)
}

fn random_salt() -> anyhow::Result<[u8; 32]> {
	let mut salt = [0u8; 32];
	getrandom::getrandom(&mut salt).map_err(|e| anyhow!("no randomness: {e}"))?;
	Ok(salt)
}
