//! `deai fl`: federated training (`Federated`): fund a task's rounds, join as a participant or an
//! evaluator, follow a task, withdraw, leave.

use anyhow::{anyhow, bail};
use clap::{Subcommand, ValueEnum};
use deai_client::chain::{api, format_balance};
use serde_json::{json, Value};

use api::runtime_types::deai_primitives::{DatasetVersionRef, ModelVersionRef};
use api::runtime_types::pallet_federated::types::{
	Aggregation, DpSetting, Phase, Role, TaskSpec, TaskStatus,
};
use api::runtime_types::sp_arithmetic::per_things::Percent;

use crate::args;
use crate::ctx::Ctx;

/// A member's role, on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
	/// Trains on its own data and submits updates.
	Participant,
	/// Scores updates and computes the aggregate.
	Evaluator,
}

/// `deai fl …`.
#[derive(Subcommand)]
pub enum FlCmd {
	/// Creates a task: pays `--rounds × --round-pot` into escrow; prints the task's id.
	Create {
		/// The model version training starts from, `MODEL:VERSION` (it must allow derivatives).
		#[arg(long, value_parser = args::model_version)]
		base: ModelVersionRef,
		/// The model (yours) the trained version is published in (default: the base's).
		#[arg(long)]
		model: Option<u64>,
		/// Rounds paid for.
		#[arg(long)]
		rounds: u32,
		/// What each round pays participants and evaluators, in DEAI.
		#[arg(long, value_parser = args::amount)]
		round_pot: u128,
		/// Participants drawn each round.
		#[arg(long)]
		participants: u32,
		/// Evaluators drawn each round.
		#[arg(long)]
		evaluators: u32,
		/// How updates are combined: `fedavg`, `median` or `trimmed:PERCENT`.
		#[arg(long, default_value = "fedavg")]
		aggregation: String,
		/// The dataset version updates are scored on, `DATASET:VERSION`.
		#[arg(long, value_parser = args::dataset_version)]
		eval_dataset: DatasetVersionRef,
		/// How many of its rows a round scores.
		#[arg(long)]
		eval_rows: u32,
		/// Differential privacy: the L2 norm updates are clipped to.
		#[arg(long, requires = "dp_noise")]
		dp_clip: Option<f64>,
		/// Differential privacy: the noise multiplier.
		#[arg(long, requires = "dp_clip")]
		dp_noise: Option<f64>,
		/// The least stake a member locks, in DEAI.
		#[arg(long, value_parser = args::amount)]
		min_stake: u128,
		/// The length of each of a round's four phases, in blocks.
		#[arg(long, default_value_t = 5)]
		phase_blocks: u32,
		/// How far (micro-loss) an evaluator's score may be from the median and still agree.
		#[arg(long, default_value_t = 0)]
		tolerance: i64,
		/// A median score below minus this (micro-loss) is poisoning: slashed.
		#[arg(long, default_value_t = 10_000)]
		poison_threshold: i64,
	},
	/// Joins a task with a stake (market providers offering the role's job kind only).
	Join {
		/// The task.
		task: u64,
		/// Participant or evaluator.
		#[arg(long, value_enum)]
		role: RoleArg,
		/// The stake, in DEAI.
		#[arg(long, value_parser = args::amount)]
		stake: u128,
	},
	/// A task: its base and target, round, phase, books, members, the global model and the
	/// published version.
	Status {
		/// The task.
		task: u64,
	},
	/// Ends a task after its current round (owner).
	End {
		/// The task.
		task: u64,
	},
	/// Withdraws your earnings from a task.
	Withdraw {
		/// The task.
		task: u64,
	},
	/// Leaves a task with your stake and earnings.
	Leave {
		/// The task.
		task: u64,
	},
}

fn aggregation(text: &str) -> anyhow::Result<Aggregation> {
	Ok(match text {
		"fedavg" => Aggregation::FedAvg,
		"median" => Aggregation::CoordinateMedian,
		other => {
			let Some(pct) = other.strip_prefix("trimmed:") else {
				bail!("--aggregation: fedavg, median or trimmed:PERCENT, not {other}")
			};
			let pct: u8 = pct.parse().map_err(|_| anyhow!("trimmed:PERCENT, a whole percent"))?;
			if pct >= 50 {
				bail!("--aggregation trimmed:{pct}: trim less than half at each end");
			}
			Aggregation::TrimmedMean { trim: Percent(pct) }
		},
	})
}

fn milli(value: f64, what: &str) -> anyhow::Result<u32> {
	let scaled = (value * 1_000.0).round();
	if !(0.0..=u32::MAX as f64).contains(&scaled) {
		bail!("{what} {value} is out of range");
	}
	Ok(scaled as u32)
}

fn phase_name(phase: &Phase) -> &'static str {
	match phase {
		Phase::CommitUpdates => "commit-updates",
		Phase::RevealUpdates => "reveal-updates",
		Phase::CommitScores => "commit-scores",
		Phase::RevealScores => "reveal-scores",
	}
}

fn hex32(hash: &[u8; 32]) -> String {
	format!("0x{}", hex::encode(hash))
}

/// Runs a `deai fl` command.
pub async fn run(ctx: &Ctx, cmd: FlCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().federated();
	match cmd {
		FlCmd::Create {
			base,
			model,
			rounds,
			round_pot,
			participants,
			evaluators,
			aggregation: agg,
			eval_dataset,
			eval_rows,
			dp_clip,
			dp_noise,
			min_stake,
			phase_blocks,
			tolerance,
			poison_threshold,
		} => {
			let dp = match (dp_clip, dp_noise) {
				(Some(clip), Some(noise)) => Some(DpSetting {
					clip_norm_milli: milli(clip, "--dp-clip")?,
					noise_multiplier_milli: milli(noise, "--dp-noise")?,
				}),
				_ => None,
			};
			let spec = TaskSpec {
				target_model: model.unwrap_or(base.model),
				base,
				rounds,
				round_pot,
				participants,
				evaluators,
				aggregation: aggregation(&agg)?,
				eval_dataset,
				eval_rows,
				dp,
				min_stake,
				phase_blocks,
				score_tolerance: tolerance,
				poison_threshold,
			};
			let included = ctx
				.out
				.submit(&chain, &ctx.sender()?, "create task", &tx.create_task(spec), ctx.wait)
				.await?;
			let event = included.event::<api::federated::events::TaskCreated>()?;
			ctx.out.show(
				|| {
					format!(
						"task {} created: {rounds} rounds of {}",
						event.task,
						format_balance(round_pot)
					)
				},
				json!({ "task": event.task, "rounds": rounds, "round_pot": round_pot.to_string() }),
			);
		},
		FlCmd::Join { task, role, stake } => {
			let role = match role {
				RoleArg::Participant => Role::Participant,
				RoleArg::Evaluator => Role::Evaluator,
			};
			ctx.out
				.submit(&chain, &ctx.sender()?, "join", &tx.join(task, role, stake), ctx.wait)
				.await?;
			ctx.out.show(|| format!("joined task {task}"), json!({ "task": task }));
		},
		FlCmd::Status { task } => {
			let at = chain.at_finalized().await?;
			let record = at
				.storage()
				.try_fetch(api::storage().federated().tasks(), (task,))
				.await?
				.ok_or_else(|| anyhow!("no task {task}"))?
				.decode()?;
			let ledger = at
				.storage()
				.try_fetch(api::storage().federated().ledgers(), (task,))
				.await?
				.map(|l| l.decode())
				.transpose()?
				.map(|l| l.0)
				.unwrap_or_default();
			// Where the task is: waiting for members (until when), or a round's phase (until when).
			let (status, progress) = match &record.status {
				TaskStatus::Enrolling { retry_at, waits } => {
					("enrolling", json!({ "retry_at": retry_at, "waits": waits }))
				},
				TaskStatus::Running { phase, ends_at } => {
					("running", json!({ "phase": phase_name(phase), "ends_at": ends_at }))
				},
				TaskStatus::Closed => ("closed", Value::Null),
			};
			let members: Vec<Value> = ledger
				.iter()
				.map(|m| {
					json!({
						"who": m.who.to_string(),
						"role": match m.role { Role::Participant => "participant", Role::Evaluator => "evaluator" },
						"stake": m.stake.to_string(),
						"earned": m.earned.to_string(),
						"score": m.score.to_string(),
						"drawn": m.drawn,
					})
				})
				.collect();
			let b = &record.books;
			let dp = record.spec.dp.as_ref().map(|d| {
				json!({
					"clip_norm": d.clip_norm_milli as f64 / 1_000.0,
					"noise_multiplier": d.noise_multiplier_milli as f64 / 1_000.0,
				})
			});
			let json = json!({
				"task": task,
				"owner": record.owner.to_string(),
				"base": format!("{}:{}", record.spec.base.model, record.spec.base.version),
				"target_model": record.spec.target_model,
				"status": status,
				"progress": progress,
				"round": record.round,
				"last_round": record.last_round,
				"participants_per_round": record.spec.participants,
				"evaluators_per_round": record.spec.evaluators,
				"dp": dp,
				"global": record.global.as_ref().map(|g| json!({
					"hash": hex32(&g.hash),
					"size": g.size,
					"uri": String::from_utf8_lossy(&g.uri.0),
				})),
				"published": record.published.as_ref().map(|v| format!("{}:{}", v.model, v.version)),
				"books": {
					"escrowed": b.escrowed.to_string(),
					"slashed": b.slashed.to_string(),
					"paid": b.paid.to_string(),
					"refunded": b.refunded.to_string(),
					"to_treasury": b.to_treasury.to_string(),
					"left": b.left.to_string(),
				},
				"members": members,
			});
			let human = format!(
				"task {task}: {status}, round {} of {}, {} members, escrow left {}, paid {}{}",
				record.round + 1,
				record.last_round + 1,
				ledger.len(),
				format_balance(b.left),
				format_balance(b.paid),
				record
					.published
					.as_ref()
					.map(|v| format!(", published as {}:{}", v.model, v.version))
					.unwrap_or_default()
			);
			ctx.out.show(|| human, json);
		},
		FlCmd::End { task } => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "end task", &tx.end_task(task), ctx.wait)
				.await?;
			ctx.out.show(
				|| format!("task {task} ends after its current round"),
				json!({ "task": task }),
			);
		},
		FlCmd::Withdraw { task } => {
			let included = ctx
				.out
				.submit(&chain, &ctx.sender()?, "withdraw", &tx.withdraw(task), ctx.wait)
				.await?;
			let event = included.event::<api::federated::events::Withdrawn>()?;
			ctx.out.show(
				|| format!("withdrew {} from task {task}", format_balance(event.amount)),
				json!({ "task": task, "amount": event.amount.to_string() }),
			);
		},
		FlCmd::Leave { task } => {
			let included = ctx
				.out
				.submit(&chain, &ctx.sender()?, "leave", &tx.leave(task), ctx.wait)
				.await?;
			let event = included.event::<api::federated::events::Left>()?;
			ctx.out.show(
				|| {
					format!(
						"left task {task}: stake {} and earnings {} back",
						format_balance(event.stake),
						format_balance(event.earned)
					)
				},
				json!({ "task": task, "stake": event.stake.to_string(), "earned": event.earned.to_string() }),
			);
		},
	}
	Ok(())
}
