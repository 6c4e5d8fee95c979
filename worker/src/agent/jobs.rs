//! The agent's steps for one job: taking it, following it on chain ([`next_step`] decides, this
//! does), and the background tasks — work, submission, commitment, reveal, failure report —
//! each holding the job busy while it runs.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use deai_abi::Hash32;
use deai_client::chain::{api, bounded, format_balance, AtBlock, Chain, TxError, Wait};
use deai_client::content::{self, hex_hash};

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::pallet_ai_oracle::types::RequestState;
use api::runtime_types::pallet_compute_market::types::{Job, Outcome, VerificationMode};

use super::work::WorkError;
use super::{failure_code, Agent};
use crate::book::{Phase, Refusal, Stored};
use crate::lifecycle::{after_work, next_step, JobView, Seen, Step, Worked};
use crate::policy::Take;

impl Agent {
	/// Books job `id` as `Taking` and, in the background, fetches and verifies its model and
	/// input, then sends the claim, acceptance or bid.
	///
	/// Verifying first is what protects the provider: a job whose artifacts do not match their
	/// hashes (a requester's bad input, a model owner's tampered mirror) is passed over, at no
	/// cost, instead of being taken and given back with `report_failure`, which slashes
	/// `AbandonSlash` because the chain cannot tell whose fault it was. The work later uses the
	/// same verified bytes from the cache, so nothing served after the check reaches it.
	pub(super) async fn take(
		self: Arc<Self>,
		chain: Chain,
		id: u64,
		take: Take,
		job: Job,
	) -> anyhow::Result<()> {
		{
			let mut book = self.book.lock().await;
			book.jobs.insert(id, Phase::Taking);
			book.save()?;
		}
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			// Bounded like the work itself; a fetch that fails for any reason, or takes too long,
			// passes the job over (never retried block after block).
			match self.within_budget(self.fetch_verified(&chain, id, &job)).await {
				Ok(fetched) => {
					self.checked.lock().unwrap_or_else(|p| p.into_inner()).insert(id, fetched);
				},
				Err(e) => {
					let (code, reason) = match e {
						WorkError::Refused(code, reason) => (code, reason),
						WorkError::Transient(e) => (failure_code::FETCH_FAILED, format!("{e:#}")),
					};
					tracing::info!(
						"job {id}: passed over ({reason}; code {code}: {})",
						deai_abi::failure_code::describe(code)
					);
					self.skip_logged(id, reason).await;
					return;
				},
			}
			let market = api::tx().compute_market();
			let (outcome, what) = match take {
				Take::Claim(price) => (
					self.sender
						.submit(&chain, &market.claim_job(id), Wait::Finalized, |_| {})
						.await,
					format!("claimed at {}", format_balance(price)),
				),
				Take::Accept(price) => (
					self.sender
						.submit(&chain, &market.accept_job(id), Wait::Finalized, |_| {})
						.await,
					format!("accepted (direct, up to {})", format_balance(price)),
				),
				Take::Bid(price) => (
					self.sender
						.submit(&chain, &market.place_bid(id, price), Wait::Finalized, |_| {})
						.await,
					format!("bid {}", format_balance(price)),
				),
			};
			match outcome {
				Ok(_) => {
					tracing::info!("job {id}: {what}");
					let mut book = self.book.lock().await;
					if let Some(phase) = book.jobs.get_mut(&id) {
						*phase = take.phase();
					}
					if let Err(e) = book.save() {
						tracing::error!("saving the job book: {e}");
					}
				},
				Err(TxError::Connection(e)) => {
					// It may have landed: the chain tells at the next blocks (the entry stays
					// `Taking` until the job shows it assigned to us, or to others).
					tracing::warn!("job {id}: taking it: {e}");
				},
				Err(e) => {
					tracing::info!("job {id}: not taken: {e}");
					self.skip_logged(id, e.to_string()).await;
				},
			}
			drop(busy);
		});
		Ok(())
	}

	/// Moves a booked job along, by what the chain shows at `at` (where `next_job` is the next
	/// job id).
	pub(super) async fn follow(
		self: Arc<Self>,
		chain: &Chain,
		at: &AtBlock,
		next_job: u64,
		id: u64,
		job: Option<Job>,
	) -> anyhow::Result<()> {
		let Some(phase) = self.book.lock().await.jobs.get(&id).cloned() else { return Ok(()) };
		let seen = match &job {
			None if id >= next_job => Seen::NotYetPosted, // a block from before it was posted
			None => Seen::Ended,
			Some(job) => Seen::Live(JobView::of(job, self.me())),
		};
		match next_step(&phase, &seen) {
			Step::Wait => {},
			Step::Ended => {
				self.log_ending(at, id).await?;
				self.forget(id).await?;
			},
			Step::AssignedToOthers => {
				tracing::info!("job {id}: assigned to others");
				self.forget(id).await?;
			},
			Step::Record(phase) => self.set_phase(id, phase).await?,
			Step::Work { transient_failures } => {
				self.set_phase(id, Phase::Taken { transient_failures }).await?;
				if let Some(job) = job {
					self.spawn_work(chain.clone(), id, job);
				}
			},
			Step::Submit(result) => self.spawn_submit(chain.clone(), id, result),
			Step::Commit { result, salt } => self.spawn_commit(chain.clone(), id, result, salt),
			Step::Reveal { result, salt } => self.spawn_reveal(chain.clone(), id, result, salt),
			Step::Report(refusal) => self.spawn_report(chain.clone(), id, refusal),
		}
		Ok(())
	}

	/// Logs how an ended job ended, from its receipt.
	async fn log_ending(&self, at: &AtBlock, id: u64) -> anyhow::Result<()> {
		let receipt = at
			.runtime_apis()
			.call(api::runtime_apis().compute_market_api().receipt(id))
			.await?;
		let Some(receipt) = receipt else {
			// An oracle job's receipt is its answer, kept by the oracle.
			let state =
				at.runtime_apis().call(api::runtime_apis().ai_oracle_api().request(id)).await?;
			match state {
				RequestState::Answered(answer) => tracing::info!(
					"job {id}: oracle answer 0x{} decided, {}",
					hex::encode(&answer.value.0),
					if answer.providers.0.iter().any(|p| p == self.me()) {
						"ours agreed: paid"
					} else {
						"ours did not agree"
					}
				),
				// A feed's round closed (its answer is the feed's latest), or the receipt was
				// removed.
				_ => tracing::info!("job {id}: gone (no receipt: removed, or a feed's round)"),
			}
			return Ok(());
		};
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
			(Outcome::Completed { result_hash }, None) => {
				tracing::info!("job {id}: settled without us (result {})", hex_hash(result_hash))
			},
			(Outcome::Failed { reason }, _) => tracing::info!("job {id}: ended: {reason:?}"),
		}
		Ok(())
	}

	/// Drops a finished job from the book, with its result file.
	async fn forget(&self, id: u64) -> anyhow::Result<()> {
		self.release_checked(id);
		let mut book = self.book.lock().await;
		let results = self.config.work_dir.join("results");
		if let Some(result) = book.jobs.remove(&id).as_ref().and_then(Phase::result) {
			let _ = std::fs::remove_file(results.join(hex_hash(&result.hash)));
		}
		// Kept by job: removed whatever the book recorded (a crash between writing one and
		// recording the result leaves the book without it).
		let _ = std::fs::remove_file(super::work::answer_path(&results, id));
		let _ = std::fs::remove_file(super::work::proof_path(&results, id));
		book.save()
	}

	/// Passes job `id` over for good: out of the book's jobs, into its skipped ones with
	/// `reason`, and the files it was checked against released.
	pub(super) async fn skip(&self, id: u64, reason: String) -> anyhow::Result<()> {
		self.release_checked(id);
		let mut book = self.book.lock().await;
		book.jobs.remove(&id);
		book.skipped.insert(id, reason);
		book.save()
	}

	/// [`skip`](Self::skip) from a background task, which can only log a failure.
	async fn skip_logged(&self, id: u64, reason: String) {
		if let Err(e) = self.skip(id, reason).await {
			tracing::error!("saving the job book: {e}");
		}
	}

	/// `task`, refused with code 5 (timed out) if it outlasts the worker's budget per job.
	async fn within_budget<T>(
		&self,
		task: impl std::future::Future<Output = Result<T, WorkError>>,
	) -> Result<T, WorkError> {
		let budget = Duration::from_secs(self.config.job_timeout_secs);
		tokio::time::timeout(budget, task).await.unwrap_or_else(|_| {
			Err(WorkError::Refused(
				failure_code::TIMED_OUT,
				format!("not done within the worker's {} s budget", budget.as_secs()),
			))
		})
	}

	/// Lets the cache remove the files job `id` was checked against before it was taken.
	fn release_checked(&self, id: u64) {
		self.checked.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
	}

	async fn set_phase(&self, id: u64, phase: Phase) -> anyhow::Result<()> {
		let mut book = self.book.lock().await;
		if let Some(current) = book.jobs.get_mut(&id) {
			if *current != phase {
				*current = phase;
				book.save()?;
			}
		}
		Ok(())
	}

	/// Fetches, verifies and runs the job in the background, within the time budget (past it,
	/// the work is dropped and an inference child with it is killed). The book records the
	/// result, or the refusal `follow` then reports on chain ([`after_work`]).
	fn spawn_work(self: Arc<Self>, chain: Chain, id: u64, job: Job) {
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			let _busy = busy;
			let Ok(_slot) = self.slots.clone().acquire_owned().await else { return };
			let outcome = self.within_budget(self.work(&chain, id, &job)).await;
			// The checked files may go now: the work has read them (or failed for good).
			self.release_checked(id);
			self.tidy_cache(job.spec.input_hash).await;
			let redundant = matches!(job.spec.verification, VerificationMode::Redundant { .. });
			let mut book = self.book.lock().await;
			let Some(phase) = book.jobs.get_mut(&id) else { return };
			let transient_failures = match phase {
				Phase::Taken { transient_failures } => *transient_failures,
				_ => 0,
			};
			let worked = match outcome {
				Ok((hash, uri)) => Worked::Done(Stored { hash, uri }),
				Err(WorkError::Transient(e)) => {
					tracing::warn!("job {id}: {e:#} (attempt {})", transient_failures + 1);
					Worked::Transient(format!("{e:#}"))
				},
				Err(WorkError::Refused(code, note)) => Worked::Refused(Refusal { code, note }),
			};
			// A redundant job's salt is made now, so it is on disk before the result is.
			let salt = if redundant { fresh_salt(id) } else { None };
			*phase = after_work(transient_failures, worked, salt);
			if let Phase::Failed(refusal) = phase {
				tracing::warn!("job {id}: refusing the job: {}", refusal.note);
			}
			if let Err(e) = book.save() {
				tracing::error!("saving the job book: {e}");
			}
		});
	}

	/// Reports a refused job on chain.
	fn spawn_report(self: Arc<Self>, chain: Chain, id: u64, refusal: Refusal) {
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			let _busy = busy;
			let Refusal { code, note } = &refusal;
			let call = api::tx().compute_market().report_failure(
				id,
				*code,
				content::hash_bytes(note.as_bytes()),
			);
			match self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await {
				Ok(_) => {
					tracing::info!("job {id}: failure reported on chain (code {code})");
					let _ = self.set_phase(id, Phase::Reported(refusal.clone())).await;
				},
				Err(e) => {
					tracing::warn!("job {id}: reporting the failure: {e} (retrying next block)")
				},
			}
		});
	}

	/// Submits a single-provider job's result.
	fn spawn_submit(self: Arc<Self>, chain: Chain, id: u64, result: Stored) {
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			let _busy = busy;
			// A `Proof` job's proof was kept beside its result.
			let proof_path = super::work::proof_path(&self.config.work_dir.join("results"), id);
			let proof = match tokio::fs::read(&proof_path).await {
				Ok(proof) => proof,
				Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
				Err(e) => {
					tracing::warn!(
						"job {id}: reading {}: {e} (retrying next block)",
						proof_path.display()
					);
					return;
				},
			};
			let call = api::tx().compute_market().submit_result(
				id,
				result.hash,
				bounded(&result.uri),
				BoundedVec(proof),
			);
			match self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await {
				Ok(_) => {
					tracing::info!("job {id}: result {} submitted", hex_hash(&result.hash));
					let _ = self.set_phase(id, Phase::Submitted { result: Some(result) }).await;
				},
				// The verifier refused the proof: the same proof would be refused again, each time
				// paying for a whole verification. The job is refused instead (reported on chain
				// next), so the requester gets its budget back before the deadline.
				Err(TxError::Dispatch { pallet, error, .. }) if pallet == "ZkVerifier" => {
					let refusal = Refusal {
						code: failure_code::INFERENCE_FAILED,
						note: format!("the chain refused the proof: {pallet}.{error}"),
					};
					tracing::warn!("job {id}: {}", refusal.note);
					let _ = self.set_phase(id, Phase::Failed(refusal)).await;
				},
				Err(e) => {
					tracing::warn!("job {id}: submitting failed: {e:#} (retrying next block)")
				},
			}
		});
	}

	/// Commits to a redundant job's result: the salt is on disk before the commitment goes out,
	/// or a crash would lose the reveal.
	fn spawn_commit(self: Arc<Self>, chain: Chain, id: u64, result: Stored, salt: Option<Hash32>) {
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			let _busy = busy;
			let outcome: anyhow::Result<()> = async {
				let salt = {
					let mut book = self.book.lock().await;
					let salt = match salt {
						Some(salt) => salt,
						None => {
							let salt = fresh_salt(id).context("no randomness for the salt")?;
							if let Some(phase) = book.jobs.get_mut(&id) {
								*phase =
									Phase::Computed { result: result.clone(), salt: Some(salt) };
							}
							salt
						},
					};
					book.save().context("saving the job book before committing")?;
					salt
				};
				let commitment = deai_abi::result_commitment(id, &self.me().0, &result.hash, &salt);
				let call = api::tx().compute_market().commit_result(id, commitment);
				self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await?;
				tracing::info!("job {id}: result committed");
				self.set_phase(id, Phase::Committed { result, salt }).await
			}
			.await;
			if let Err(e) = outcome {
				tracing::warn!("job {id}: submitting failed: {e:#} (retrying next block)");
			}
		});
	}

	/// Reveals a committed result.
	fn spawn_reveal(self: Arc<Self>, chain: Chain, id: u64, result: Stored, salt: Hash32) {
		let busy = self.busy.mark(id);
		tokio::spawn(async move {
			let _busy = busy;
			// An oracle answer is revealed as itself, read back from the results.
			let submitted = if result.uri == deai_abi::oracle::INLINE_RESULT_URI {
				let path = super::work::answer_path(&self.config.work_dir.join("results"), id);
				match tokio::fs::read(&path).await {
					Ok(value) => {
						let call = api::tx().compute_market().reveal_inline_result(id, value, salt);
						self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await
					},
					Err(e) => {
						tracing::warn!(
							"job {id}: reading {}: {e} (retrying next block)",
							path.display()
						);
						return;
					},
				}
			} else {
				let call = api::tx().compute_market().reveal_result(
					id,
					result.hash,
					bounded(&result.uri),
					salt,
				);
				self.sender.submit(&chain, &call, Wait::Finalized, |_| {}).await
			};
			let outcome = match submitted {
				Ok(_) => {
					tracing::info!("job {id}: result {} revealed", hex_hash(&result.hash));
					self.set_phase(id, Phase::Revealed { result: Some(result) }).await
				},
				Err(e) => Err(e.into()),
			};
			if let Err(e) = outcome {
				tracing::warn!("job {id}: revealing failed: {e:#} (retrying next block)");
			}
		});
	}
}

/// A random commit-reveal salt (`None`, logged, when the system has no randomness to give).
fn fresh_salt(id: u64) -> Option<Hash32> {
	let mut salt = [0u8; 32];
	match getrandom::getrandom(&mut salt) {
		Ok(()) => Some(salt),
		Err(e) => {
			tracing::warn!("job {id}: no randomness for the commit-reveal salt ({e}); retrying");
			None
		},
	}
}
