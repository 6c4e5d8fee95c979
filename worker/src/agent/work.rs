//! A job's work: fetch and verify the model and the input (once before the job is taken, again
//! from the cache for the work), run the inference in the sandbox, store the result locally and
//! in the content store. Failures are sorted into the job's (refused with a code: passed over
//! before taking, reported on chain after) and the worker's (transient, retried).

use std::path::PathBuf;
use std::time::Instant;

use deai_client::chain::{api, job_input_uri, oracle_question, text, zk_profile, Chain};
use deai_client::content::{self, hex_hash, ContentError};
use deai_client::indicatif::ProgressBar;
use deai_client::store;

use api::runtime_types::pallet_compute_market::types::{Job, VerificationMode};

use super::{failure_code, Agent};
use crate::cache::Hold;
use crate::sandbox::SandboxError;

/// A job's model and input, fetched, verified and held in the cache.
pub(super) struct Fetched {
	model: PathBuf,
	input: PathBuf,
	/// The cache keeps both files while these live.
	_held: [Hold; 2],
}

/// Why work stopped.
pub(super) enum WorkError {
	/// Worth retrying (network, node).
	Transient(anyhow::Error),
	/// The job cannot be done as posted: reported on chain with this code.
	Refused(u16, String),
}

impl WorkError {
	fn transient(e: impl Into<anyhow::Error>) -> Self {
		WorkError::Transient(e.into())
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
			other => WorkError::Transient(anyhow::Error::new(other).context(what.to_string())),
		}
	}
}

impl Agent {
	/// Fetches job `id`'s model and input into the cache and checks them against their hashes
	/// (the registry's and the job's); a file already cached is not fetched again.
	pub(super) async fn fetch_verified(
		&self,
		chain: &Chain,
		id: u64,
		job: &Job,
	) -> Result<Fetched, WorkError> {
		let model_ref =
			job.spec.model.as_ref().ok_or_else(|| {
				WorkError::Refused(failure_code::INFERENCE_FAILED, "no model".into())
			})?;
		let at = chain.at_finalized().await.map_err(WorkError::transient)?;
		let (_, version) = at
			.runtime_apis()
			.call(api::runtime_apis().model_registry_api().model(model_ref.model))
			.await
			.map_err(WorkError::transient)?
			.and_then(|(_, versions)| versions.into_iter().find(|(v, _)| *v == model_ref.version))
			.ok_or_else(|| {
				WorkError::Refused(
					failure_code::INFERENCE_FAILED,
					"the model version is gone".into(),
				)
			})?;
		let cache = self.cache.dir();
		// Held from before the fetch until the caller is done: the cache never removes them
		// meanwhile.
		let held = [
			self.cache.hold(&version.artifact.content_hash),
			self.cache.hold(&job.spec.input_hash),
		];
		let limits = self.config.fetch_limits();
		let model_uri = text(&version.artifact.uri);
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
		// Kept beside the job's record until its receipt is removed: here while the job is ours.
		let input_uri =
			job_input_uri(&at, id).await.map_err(WorkError::transient)?.ok_or_else(|| {
				WorkError::Refused(failure_code::FETCH_FAILED, "the job has no input".into())
			})?;
		// An input the worker would refuse for its size is refused here, before the job is taken.
		let input_limits = content::FetchLimits {
			max_bytes: limits.max_bytes.min(self.config.max_input_bytes),
			..limits.clone()
		};
		let input_path = if input_uri.as_bytes() == deai_abi::oracle::INLINE_INPUT_URI {
			self.inline_input(&at, id, job, cache, input_limits.max_bytes).await?
		} else {
			content::fetch_verified(
				&input_uri,
				&job.spec.input_hash,
				cache,
				&input_limits,
				&ProgressBar::hidden(),
			)
			.await
			.map_err(|e| WorkError::from_content(e, failure_code::INPUT_HASH_MISMATCH, "input"))?
		};
		tracing::info!("job {id}: input fetched and verified ({})", hex_hash(&job.spec.input_hash));
		Ok(Fetched { model: model_path, input: input_path, _held: held })
	}

	/// An oracle question's inline input, read from the chain, checked against the job's input
	/// hash and written into the cache like a fetched input.
	async fn inline_input(
		&self,
		at: &deai_client::chain::AtBlock,
		id: u64,
		job: &Job,
		cache: &std::path::Path,
		max_bytes: u64,
	) -> Result<PathBuf, WorkError> {
		let question = oracle_question(at, id).await.map_err(WorkError::transient)?;
		let input = question.and_then(|q| q.inline_input).ok_or_else(|| {
			WorkError::Refused(failure_code::FETCH_FAILED, "the oracle has no input for it".into())
		})?;
		if input.len() as u64 > max_bytes {
			return Err(WorkError::Refused(
				failure_code::FETCH_FAILED,
				format!("the input is larger than {max_bytes} bytes"),
			));
		}
		if content::hash_bytes(&input) != job.spec.input_hash {
			return Err(WorkError::Refused(
				failure_code::INPUT_HASH_MISMATCH,
				"the oracle's input does not match the job's input hash".into(),
			));
		}
		tokio::fs::create_dir_all(cache).await.map_err(WorkError::transient)?;
		let path = content::cached_path(cache, &job.spec.input_hash);
		tokio::fs::write(&path, &input).await.map_err(WorkError::transient)?;
		Ok(path)
	}

	/// Does job `id`'s work; returns its result's hash and URI.
	pub(super) async fn work(
		&self,
		chain: &Chain,
		id: u64,
		job: &Job,
	) -> Result<(content::ContentHash, String), WorkError> {
		let started = Instant::now();
		let fetched = self.fetch_verified(chain, id, job).await?;
		let (model_path, input_path) = (&fetched.model, &fetched.input);
		let input_size = tokio::fs::metadata(input_path).await.map_err(WorkError::transient)?.len();
		if input_size > self.config.max_input_bytes {
			return Err(WorkError::Refused(
				failure_code::INFERENCE_FAILED,
				format!("the input is larger than {} bytes", self.config.max_input_bytes),
			));
		}
		if matches!(job.spec.verification, VerificationMode::Proof) {
			let input = tokio::fs::read(input_path).await.map_err(WorkError::transient)?;
			return self.prove(chain, id, job, &input, started).await;
		}
		let inferred = Instant::now();
		let result = self.sandbox.run(model_path, input_path).await.map_err(|e| match e {
			SandboxError::Job(reason) => WorkError::Refused(failure_code::INFERENCE_FAILED, reason),
			SandboxError::Local(e) => {
				WorkError::Transient(e.context("running the inference child"))
			},
		})?;
		tracing::info!(
			"job {id}: inference done in {} ms: {} bytes, result {}",
			inferred.elapsed().as_millis(),
			result.len(),
			hex_hash(&content::hash_bytes(&result))
		);
		// An oracle question's result is its answer, revealed inline.
		let at = chain.at_finalized().await.map_err(WorkError::transient)?;
		if let Some(question) = oracle_question(&at, id).await.map_err(WorkError::transient)? {
			let answer = crate::oracle::answer(&question.output, &result)
				.map_err(|why| WorkError::Refused(failure_code::INFERENCE_FAILED, why))?;
			return self.keep_answer(id, &answer, started).await;
		}
		self.store_result(id, &result, None, started).await
	}

	/// Keeps an oracle answer with the results, by job (revealed inline later: it is uploaded
	/// nowhere; two jobs' answers are often the same bytes, and each job's file goes with it);
	/// returns its hash and [`deai_abi::oracle::INLINE_RESULT_URI`].
	async fn keep_answer(
		&self,
		id: u64,
		answer: &[u8],
		started: Instant,
	) -> Result<(content::ContentHash, String), WorkError> {
		let hash = content::hash_bytes(answer);
		let results_dir = self.config.work_dir.join("results");
		tokio::fs::create_dir_all(&results_dir).await.map_err(WorkError::transient)?;
		tokio::fs::write(answer_path(&results_dir, id), answer)
			.await
			.map_err(WorkError::transient)?;
		tracing::info!(
			"job {id}: oracle answer 0x{} kept ({} ms in all)",
			answer.iter().map(|b| format!("{b:02x}")).collect::<String>(),
			started.elapsed().as_millis()
		);
		Ok((hash, deai_abi::oracle::INLINE_RESULT_URI.to_string()))
	}

	/// A `Proof` job's work: the circuit of the model's ZK profile runs on the input's values
	/// and proves it; the result is the values document of the outputs.
	async fn prove(
		&self,
		chain: &Chain,
		id: u64,
		job: &Job,
		input: &[u8],
		started: Instant,
	) -> Result<(content::ContentHash, String), WorkError> {
		let refuse = |why: String| WorkError::Refused(failure_code::INFERENCE_FAILED, why);
		let model = job.spec.model.as_ref().ok_or_else(|| refuse("no model".into()))?;
		let at = chain.at_finalized().await.map_err(WorkError::transient)?;
		let profile = zk_profile(&at, model)
			.await
			.map_err(WorkError::transient)?
			.ok_or_else(|| refuse("the model version has no ZK profile".into()))?;
		let inputs = deai_zk::values_of_document(input)
			.ok_or_else(|| refuse("the input is not a values document".into()))?;
		let proving = Instant::now();
		let proven = self
			.on_prover(move |prover| {
				prover.proves_for(&profile)?;
				prover.prove(&inputs)
			})
			.await
			.map_err(WorkError::transient)?
			.map_err(refuse)?;
		tracing::info!(
			"job {id}: proved {:?} -> {:?} in {} ms",
			proven.inputs,
			proven.outputs,
			proving.elapsed().as_millis()
		);
		let document = deai_zk::values_document(&proven.outputs);
		let proof = codec::Encode::encode(&proven);
		self.store_result(id, &document, Some(proof), started).await
	}

	/// Keeps a result (and a proof to submit with it) in the work directory and uploads the
	/// result to the content store; returns its hash and URI. The proof is written before the
	/// book records the result, so a restarted worker submits it too.
	async fn store_result(
		&self,
		id: u64,
		result: &[u8],
		proof: Option<Vec<u8>>,
		started: Instant,
	) -> Result<(content::ContentHash, String), WorkError> {
		let result_hash = content::hash_bytes(result);
		let results_dir = self.config.work_dir.join("results");
		tokio::fs::create_dir_all(&results_dir).await.map_err(WorkError::transient)?;
		let result_path: PathBuf = results_dir.join(hex_hash(&result_hash));
		tokio::fs::write(&result_path, result).await.map_err(WorkError::transient)?;
		if let Some(proof) = proof {
			tokio::fs::write(proof_path(&results_dir, id), proof)
				.await
				.map_err(WorkError::transient)?;
		}
		let stored = store::upload(
			&self.config.store_url,
			self.store_token.as_deref(),
			&result_path,
			&result_hash,
			&ProgressBar::hidden(),
		)
		.await
		.map_err(WorkError::transient)?;
		tracing::info!(
			"job {id}: result stored at {} ({} ms in all)",
			stored.uri,
			started.elapsed().as_millis()
		);
		Ok((result_hash, stored.uri))
	}

	/// After a job's work: drops its input from the cache (unless another job holds it) and
	/// keeps the cache within `cache_max_mib`.
	pub(super) async fn tidy_cache(&self, input_hash: content::ContentHash) {
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
}

/// Where the proof of job `id`'s result is kept, beside the results. By job, not by result: two
/// jobs with the same label have the same result and different proofs (their inputs differ).
pub(super) fn proof_path(results_dir: &std::path::Path, id: u64) -> PathBuf {
	results_dir.join(format!("job-{id}.proof"))
}

/// Where the oracle answer of job `id` is kept, beside the results, until the job ends.
pub(super) fn answer_path(results_dir: &std::path::Path, id: u64) -> PathBuf {
	results_dir.join(format!("job-{id}.answer"))
}
