//! `deai provider`: register, show, top up, pause, resume, unbond, withdraw.

use anyhow::anyhow;
use clap::Subcommand;
use deai_client::chain::{api, bounded, format_balance, text};
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use crate::args;
use crate::ctx::Ctx;
use crate::spec;

/// `deai provider …`.
#[derive(Subcommand)]
pub enum ProviderCmd {
	/// Registers the signer as a provider.
	Register {
		/// The bond, in DEAI.
		#[arg(long, default_value = "100", value_parser = args::amount)]
		bond: u128,
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
		#[arg(value_parser = args::account)]
		who: Option<AccountId32>,
	},
	/// Adds to the bond.
	TopUp {
		/// DEAI.
		#[arg(value_parser = args::amount)]
		amount: u128,
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

/// Runs a `deai provider` command.
pub async fn run(ctx: &Ctx, cmd: ProviderCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let tx = api::tx().compute_market();
	// The transactions without an event worth showing: name, then submit.
	let done = |what: &str| {
		ctx.out.show(|| format!("{what}: done"), json!({ "done": what }));
		Ok(())
	};
	match cmd {
		ProviderCmd::Register { bond, endpoint, cpu_cores, ram_mib, max_concurrent_jobs } => {
			let capabilities =
				spec::cpu_inference_provider(cpu_cores, ram_mib, max_concurrent_jobs);
			let call = tx.register_provider(capabilities, bounded(&endpoint), bond);
			ctx.out
				.submit(&chain, &ctx.sender()?, "register provider", &call, ctx.wait)
				.await?;
			done("register provider")
		},
		ProviderCmd::Show { who } => {
			let who = ctx.account(who)?;
			let at = chain.at_finalized().await?;
			let p = at
				.runtime_apis()
				.call(api::runtime_apis().compute_market_api().provider(who))
				.await?
				.ok_or_else(|| anyhow!("{who} is not a provider"))?;
			// Kept beside the record, which every market call reads and no call needs it in.
			let endpoint = match at
				.storage()
				.try_fetch(api::storage().compute_market().provider_endpoints(), (who,))
				.await?
			{
				Some(endpoint) => text(&endpoint.decode()?),
				None => String::new(),
			};
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
						endpoint
					)
				},
				json!({
					"provider": who.to_string(), "status": format!("{:?}", p.status), "bond": p.bond.to_string(),
					"active_jobs": p.active_jobs, "completed": p.reputation.completed, "failed": p.reputation.failed,
					"disputes_lost": p.reputation.disputes_lost, "total_paid": p.reputation.total_paid.to_string(),
					"endpoint": endpoint,
				}),
			);
			Ok(())
		},
		ProviderCmd::TopUp { amount } => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "top up bond", &tx.top_up_bond(amount), ctx.wait)
				.await?;
			done("top up bond")
		},
		ProviderCmd::Pause => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "pause", &tx.set_paused(true), ctx.wait)
				.await?;
			done("pause")
		},
		ProviderCmd::Resume => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "resume", &tx.set_paused(false), ctx.wait)
				.await?;
			done("resume")
		},
		ProviderCmd::Unbond => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "start unbonding", &tx.start_unbonding(), ctx.wait)
				.await?;
			done("start unbonding")
		},
		ProviderCmd::Withdraw => {
			ctx.out
				.submit(&chain, &ctx.sender()?, "withdraw bond", &tx.withdraw_bond(), ctx.wait)
				.await?;
			done("withdraw bond")
		},
	}
}
