//! `deai oracle`: ask a registered model a question and read its verified answer (`AiOracle`);
//! recurring feeds.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use deai_client::chain::{api, format_balance, Chain};
use deai_client::subxt::utils::AccountId32;
use serde_json::{json, Value};

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::deai_primitives::ModelVersionRef;
use api::runtime_types::pallet_ai_oracle::types::{
	Answer, CallbackSpec, OracleInput, OutputKind, Question, RequestState,
};
use api::runtime_types::sp_weights::weight_v2::Weight;

use crate::args;
use crate::ctx::Ctx;

/// `deai oracle …`.
#[derive(Subcommand)]
pub enum OracleCmd {
	/// Asks a question once; prints its request id (with --wait, its answer).
	Request {
		#[command(flatten)]
		question: QuestionArgs,
		/// Wait until it is answered (or ends without an answer) and print the answer.
		#[arg(long)]
		wait: bool,
		/// With --wait: give up after this many seconds.
		#[arg(long, default_value_t = 300)]
		timeout: u64,
	},
	/// A request's answer and its receipt (or that it is pending, or unknown).
	Answer {
		/// The request's id.
		request: u64,
	},
	/// Recurring questions.
	#[command(subcommand)]
	Feed(FeedCmd),
}

/// `deai oracle feed …`.
#[derive(Subcommand)]
pub enum FeedCmd {
	/// Asks a question every `--period` blocks, `--rounds` times; prints the feed's id.
	Create {
		#[command(flatten)]
		question: QuestionArgs,
		/// Blocks between rounds.
		#[arg(long)]
		period: u32,
		/// How many rounds.
		#[arg(long)]
		rounds: u32,
	},
	/// A feed and its latest answer.
	Show {
		/// The feed's id.
		feed: u64,
	},
	/// Cancels a feed (its rounds not started are refunded); removes a finished one.
	Cancel {
		/// The feed's id.
		feed: u64,
	},
}

/// A question, from the command line.
#[derive(Args)]
pub struct QuestionArgs {
	/// `MODEL:VERSION`.
	#[arg(long, value_parser = args::model_version)]
	model: ModelVersionRef,
	/// The input file (at most 4 KiB, kept on chain for the providers).
	#[arg(long)]
	input: PathBuf,
	/// The answer is a number with this many decimals (default: a label).
	#[arg(long, conflicts_with = "bytes")]
	scalar: Option<u8>,
	/// With --scalar: how far from the median an answer may be, in the number's units.
	#[arg(long, default_value = "0", requires = "scalar")]
	tolerance: f64,
	/// The answer is bytes, at most this many (up to 1,024).
	#[arg(long)]
	bytes: Option<u32>,
	/// How many providers answer.
	#[arg(long, default_value_t = 3)]
	providers: u8,
	/// How many must agree (default: a majority).
	#[arg(long)]
	quorum: Option<u8>,
	/// Each provider's pay, in DEAI.
	#[arg(long, value_parser = args::amount)]
	price: u128,
	/// The most an answer may cost, in DEAI (default: the chain's quote).
	#[arg(long, value_parser = args::amount)]
	max_budget: Option<u128>,
	/// The use is commercial.
	#[arg(long)]
	commercial: bool,
	/// Call this contract back with the answer.
	#[arg(long, value_parser = args::account)]
	callback: Option<AccountId32>,
	/// With --callback: the message's selector (hex).
	#[arg(long, default_value = "0xdea10a5e", requires = "callback")]
	selector: String,
	/// With --callback: the gas it may use, `REF_TIME[:PROOF_SIZE]`.
	#[arg(long, default_value = "5000000000:65536", requires = "callback")]
	gas: String,
}

impl QuestionArgs {
	fn output(&self) -> anyhow::Result<OutputKind> {
		Ok(match (self.scalar, self.bytes) {
			(Some(decimals), _) => {
				let tolerance = self.tolerance * 10f64.powi(i32::from(decimals));
				if !(0.0..=u128::MAX as f64).contains(&tolerance) {
					bail!("--tolerance {} does not fit {decimals} decimals", self.tolerance);
				}
				OutputKind::Scalar { decimals, tolerance: tolerance.round() as u128 }
			},
			(None, Some(max_len)) => OutputKind::Bytes { max_len },
			(None, None) => OutputKind::Label,
		})
	}

	fn callback(&self) -> anyhow::Result<Option<CallbackSpec>> {
		let Some(contract) = self.callback else { return Ok(None) };
		let selector = hex::decode(self.selector.trim_start_matches("0x"))
			.ok()
			.and_then(|s| <[u8; 4]>::try_from(s).ok())
			.ok_or_else(|| anyhow!("--selector: four bytes of hex"))?;
		let (ref_time, proof_size) = match self.gas.split_once(':') {
			Some((r, p)) => (r.parse()?, p.parse()?),
			None => (self.gas.parse()?, 65_536),
		};
		Ok(Some(CallbackSpec { contract, selector, gas_limit: Weight { ref_time, proof_size } }))
	}

	/// The question, its budget from the chain's quote unless given.
	async fn question(&self, chain: &Chain) -> anyhow::Result<Question> {
		let input = std::fs::read(&self.input)
			.with_context(|| format!("reading {}", self.input.display()))?;
		let quorum = self.quorum.unwrap_or(self.providers / 2 + 1);
		let max_budget = match self.max_budget {
			Some(budget) => budget,
			None => {
				let at = chain.at_finalized().await?;
				let gas = self.callback()?.map(|c| c.gas_limit);
				let quote = at
					.runtime_apis()
					.call(api::runtime_apis().ai_oracle_api().quote(
						self.model,
						u32::from(self.providers),
						self.price,
						gas,
					))
					.await?
					.ok_or_else(|| anyhow!("the model version is unknown or unusable"))?;
				quote.budget
			},
		};
		Ok(Question {
			model: self.model,
			input: OracleInput::Inline(BoundedVec(input)),
			output: self.output()?,
			providers: self.providers,
			quorum,
			price: self.price,
			max_budget,
			commercial: self.commercial,
		})
	}
}

/// An answer's value as people read it: a label's class, a number, or bytes (as text when they
/// are UTF-8, else hex).
fn readable(value: &[u8]) -> Value {
	if let Some(label) = deai_abi::oracle::decode_label(value) {
		return json!({ "label": label });
	}
	if let Some(scaled) = deai_abi::oracle::decode_scalar(value) {
		return json!({ "scaled": scaled.to_string() });
	}
	match std::str::from_utf8(value) {
		Ok(text) => json!({ "text": text }),
		Err(_) => json!({ "hex": format!("0x{}", hex::encode(value)) }),
	}
}

fn answer_json(request: u64, answer: &Answer) -> Value {
	json!({
		"request": request,
		"state": "answered",
		"value": format!("0x{}", hex::encode(&answer.value.0)),
		"answer": readable(&answer.value.0),
		"job": answer.job,
		"model": answer.model.as_ref().map(|m| format!("{}:{}", m.model, m.version)),
		"input_hash": format!("0x{}", hex::encode(answer.input_hash)),
		"providers": answer.providers.0.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
		"royalties": answer.royalties.to_string(),
		"answered_at": answer.answered_at,
	})
}

async fn request_state(chain: &Chain, id: u64) -> anyhow::Result<RequestState> {
	let at = chain.at_finalized().await?;
	Ok(at.runtime_apis().call(api::runtime_apis().ai_oracle_api().request(id)).await?)
}

fn show_state(ctx: &Ctx, id: u64, state: &RequestState) {
	match state {
		RequestState::Answered(answer) => {
			let json = answer_json(id, answer);
			let human = format!(
				"request {id}: answered {} by {} providers at block {}, {} royalties",
				json["answer"],
				answer.providers.0.len(),
				answer.answered_at,
				format_balance(answer.royalties)
			);
			ctx.out.show(|| human, json)
		},
		RequestState::Pending => ctx.out.show(
			|| format!("request {id}: pending"),
			json!({ "request": id, "state": "pending" }),
		),
		RequestState::Unknown => ctx.out.show(
			|| format!("request {id}: unknown, ended without an answer (its RequestFailed event says why), or removed"),
			json!({ "request": id, "state": "unknown" }),
		),
	}
}

/// Runs a `deai oracle` command.
pub async fn run(ctx: &Ctx, cmd: OracleCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().ai_oracle();
	match cmd {
		OracleCmd::Request { question, wait, timeout } => {
			let callback = question.callback()?;
			let question = question.question(&chain).await?;
			let included = ctx
				.out
				.submit(
					&chain,
					&ctx.sender()?,
					"request",
					&tx.request(question, callback),
					ctx.wait,
				)
				.await?;
			let event = included.event::<api::ai_oracle::events::Requested>()?;
			let id = event.request;
			if !wait {
				ctx.out.show(|| format!("request {id} asked"), json!({ "request": id }));
				return Ok(());
			}
			if !ctx.out.json {
				eprintln!("request {id} asked; waiting for its answer (up to {timeout} s)");
			}
			let started = std::time::Instant::now();
			loop {
				let state = request_state(&chain, id).await?;
				if !matches!(state, RequestState::Pending) {
					show_state(ctx, id, &state);
					return Ok(());
				}
				if started.elapsed() > Duration::from_secs(timeout) {
					bail!("request {id} was not answered within {timeout} s");
				}
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
		},
		OracleCmd::Answer { request } => {
			let state = request_state(&chain, request).await?;
			show_state(ctx, request, &state);
		},
		OracleCmd::Feed(FeedCmd::Create { question, period, rounds }) => {
			let callback = question.callback()?;
			let question = question.question(&chain).await?;
			let included = ctx
				.out
				.submit(
					&chain,
					&ctx.sender()?,
					"create feed",
					&tx.create_feed(question, callback, period, rounds),
					ctx.wait,
				)
				.await?;
			let event = included.event::<api::ai_oracle::events::FeedCreated>()?;
			ctx.out.show(
				|| format!("feed {} created: {rounds} rounds, every {period} blocks", event.feed),
				json!({ "feed": event.feed, "period": period, "rounds": rounds }),
			);
		},
		OracleCmd::Feed(FeedCmd::Show { feed }) => {
			let at = chain.at_finalized().await?;
			let record = at
				.storage()
				.try_fetch(api::storage().ai_oracle().feeds(), (feed,))
				.await?
				.ok_or_else(|| anyhow!("no feed {feed}"))?
				.decode()?;
			let latest = at
				.runtime_apis()
				.call(api::runtime_apis().ai_oracle_api().feed_latest(feed))
				.await?;
			let json = json!({
				"feed": feed,
				"owner": record.owner.to_string(),
				"period": record.period,
				"rounds_left": record.rounds_left,
				"in_flight": record.in_flight,
				"next_round_at": record.next_round_at,
				"cancelled": record.cancelled,
				"latest": latest.as_ref().map(|a| answer_json(a.job, a)),
			});
			let human = format!(
				"feed {feed}: {} rounds left, {} in flight, latest {}",
				record.rounds_left, record.in_flight, json["latest"]["answer"]
			);
			ctx.out.show(|| human, json);
		},
		OracleCmd::Feed(FeedCmd::Cancel { feed }) => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "cancel feed", &tx.cancel_feed(feed), ctx.wait)
				.await?;
			ctx.out.show(|| format!("feed {feed} cancelled"), json!({ "feed": feed }));
		},
	}
	Ok(())
}
