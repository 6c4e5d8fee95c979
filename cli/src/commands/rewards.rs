//! `deai rewards`: show and claim contribution rewards and the royalties an account is owed.

use clap::Subcommand;
use deai_client::chain::{api, format_balance, Chain, Sender};
use deai_client::subxt::utils::AccountId32;
use serde_json::json;

use super::model::version_name;
use crate::args;
use crate::ctx::Ctx;
use api::runtime_types::deai_primitives::royalties::RoyaltyPayee;
use api::runtime_types::deai_primitives::{Earner, VersionRef};

/// `deai rewards …`.
#[derive(Subcommand)]
pub enum RewardsCmd {
	/// The current epoch, an account's (or a version's) points and claimable rewards, and the
	/// pot.
	Show {
		/// The account (default: the signer).
		#[arg(value_parser = args::account)]
		who: Option<AccountId32>,
		/// A model or dataset version instead (`MODEL:VERSION` or `dataset:DATASET:VERSION`):
		/// versions earn points as a whole, paid into their royalty pots.
		#[arg(long, value_parser = args::any_version, conflicts_with = "who")]
		version: Option<VersionRef>,
	},
	/// Claims every claimable epoch (or one).
	Claim {
		/// Only this epoch.
		#[arg(long)]
		epoch: Option<u32>,
	},
	/// Pays a model or dataset version's rewards (every claimable epoch, or one) into its
	/// royalty pot, where its split shares them; anyone may. Its payees then claim them with
	/// their royalties (`deai rewards claim-royalties`, `deai model claim`).
	ClaimVersion {
		/// The version: `MODEL:VERSION` or `dataset:DATASET:VERSION`.
		#[arg(value_parser = args::any_version)]
		version: VersionRef,
		/// Only this epoch.
		#[arg(long)]
		epoch: Option<u32>,
	},
	/// Claims every royalty the signer is owed as a contributor of a model or dataset version
	/// (an owner's part: `deai model claim VERSION --payee owner`).
	ClaimRoyalties,
}

/// Runs a `deai rewards` command.
pub async fn run(ctx: &Ctx, cmd: RewardsCmd) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let rewards_api = api::runtime_apis().contributor_rewards_api();
	match cmd {
		RewardsCmd::Show { who, version } => {
			// A version needs no key: only an account defaults to the signer.
			let (earner, name) = match version {
				Some(v) => {
					let name = version_name(&v);
					(Earner::Version(v), name)
				},
				None => {
					let who = ctx.account(who)?;
					(Earner::Account(who), who.to_string())
				},
			};
			let at = chain.at_finalized().await?;
			let (epoch, started, ends) =
				at.runtime_apis().call(rewards_api.current_epoch()).await?;
			let points = at.runtime_apis().call(rewards_api.points(earner.clone())).await?;
			let claimable = at.runtime_apis().call(rewards_api.claimable(earner.clone())).await?;
			let pot = at.runtime_apis().call(rewards_api.pot()).await?;
			// The royalties an account is owed (a version's payees see theirs with
			// `deai model royalties`).
			let royalties = match &earner {
				Earner::Account(who) => {
					let query = api::runtime_apis().model_registry_api().royalties_of(*who);
					at.runtime_apis().call(query).await?
				},
				Earner::Version(_) => Vec::new(),
			};
			let earner_key =
				if matches!(earner, Earner::Version(_)) { "version" } else { "account" };
			ctx.out.show(
				|| {
					let mut lines = vec![
						format!("epoch {epoch} (blocks {started}..{ends}); pot {} ({} owed to claimants)", format_balance(pot.balance), format_balance(pot.committed)),
						format!(
							"{name}: points this epoch — compute {}, model {}, dataset {}, evaluation {}",
							points.compute, points.model, points.dataset, points.evaluation
						),
					];
					for (e, amount) in &claimable {
						lines.push(format!("  claimable from epoch {e}: {}", format_balance(*amount)));
					}
					if claimable.is_empty() {
						lines.push("  nothing to claim".into());
					}
					for (version, amount) in &royalties {
						lines.push(format!("  royalties owed by {}: {}", version_name(version), format_balance(*amount)));
					}
					lines.join("\n")
				},
				json!({
					"epoch": epoch, "epoch_start": started, "epoch_end": ends, earner_key: name,
					"points": { "compute": points.compute.to_string(), "model": points.model.to_string(),
						"dataset": points.dataset.to_string(), "evaluation": points.evaluation.to_string() },
					"claimable": claimable.iter().map(|(e, a)| json!({ "epoch": e, "amount": a.to_string() })).collect::<Vec<_>>(),
					"pot": { "balance": pot.balance.to_string(), "committed": pot.committed.to_string() },
					"royalties": royalties.iter().map(|(v, a)| json!({ "version": version_name(v), "amount": a.to_string() })).collect::<Vec<_>>(),
				}),
			);
		},
		RewardsCmd::Claim { epoch } => {
			let sender = ctx.sender()?;
			let earner = Earner::Account(sender.account);
			claim_epochs(ctx, &chain, &sender, earner, epoch).await?;
		},
		RewardsCmd::ClaimVersion { version, epoch } => {
			let sender = ctx.sender()?;
			claim_epochs(ctx, &chain, &sender, Earner::Version(version), epoch).await?;
		},
		RewardsCmd::ClaimRoyalties => {
			let sender = ctx.sender()?;
			let at = chain.at_finalized().await?;
			let owed = at
				.runtime_apis()
				.call(api::runtime_apis().model_registry_api().royalties_of(sender.account))
				.await?;
			let mut claimed = Vec::new();
			// One claim per version; a claim the chain refuses (the item was taken down since)
			// is reported and the others still go through.
			let mut refused = Vec::new();
			for (version, amount) in owed.into_iter().filter(|(_, amount)| *amount > 0) {
				let payee = RoyaltyPayee::Account(sender.account);
				let call = api::tx().model_registry().claim_royalties(version.clone(), payee);
				let label = format!("claim royalties from {}", version_name(&version));
				match ctx.out.submit(&chain, &sender, &label, &call, ctx.wait).await {
					Ok(_) => claimed.push((version, amount)),
					Err(e) => refused.push((version, format!("{e:#}"))),
				}
			}
			ctx.out.show(
				|| {
					let mut lines: Vec<String> = claimed.iter().map(|(v, a)| format!("claimed {} from {}", format_balance(*a), version_name(v))).collect();
					lines.extend(refused.iter().map(|(v, e)| format!("not claimed from {}: {e}", version_name(v))));
					if lines.is_empty() {
						return "no royalties to claim".into();
					}
					lines.join("\n")
				},
				json!({
					"claimed": claimed.iter().map(|(v, a)| json!({ "version": version_name(v), "amount": a.to_string() })).collect::<Vec<_>>(),
					"refused": refused.iter().map(|(v, e)| json!({ "version": version_name(v), "error": e })).collect::<Vec<_>>(),
				}),
			);
			if !refused.is_empty() && claimed.is_empty() {
				anyhow::bail!("no royalty claim went through");
			}
		},
	}
	Ok(())
}

/// Claims `earner`'s rewards for `epoch`, or for every epoch it can claim now.
async fn claim_epochs(
	ctx: &Ctx,
	chain: &Chain,
	sender: &Sender,
	earner: Earner<AccountId32>,
	epoch: Option<u32>,
) -> anyhow::Result<()> {
	let rewards_api = api::runtime_apis().contributor_rewards_api();
	let at = chain.at_finalized().await?;
	let claimable = at.runtime_apis().call(rewards_api.claimable(earner.clone())).await?;
	let epochs: Vec<u32> = match epoch {
		Some(e) => vec![e],
		None => claimable.iter().map(|(e, _)| *e).collect(),
	};
	if epochs.is_empty() {
		ctx.out.show(|| "nothing to claim".into(), json!({ "claimed": [] }));
		return Ok(());
	}
	let mut claimed = Vec::new();
	for e in epochs {
		let call = api::tx().contributor_rewards().claim(e, earner.clone());
		let included = ctx
			.out
			.submit(chain, sender, &format!("claim epoch {e}"), &call, ctx.wait)
			.await?;
		let amount = included
			.events
			.find_first::<api::contributor_rewards::events::Claimed>()
			.transpose()?
			.map(|c| c.amount)
			.unwrap_or(0);
		claimed.push((e, amount));
	}
	let into_pot =
		if matches!(earner, Earner::Version(_)) { " into the version's royalty pot" } else { "" };
	ctx.out.show(
		|| claimed.iter().map(|(e, a)| format!("claimed {} for epoch {e}{into_pot}", format_balance(*a))).collect::<Vec<_>>().join("\n"),
		json!({ "claimed": claimed.iter().map(|(e, a)| json!({ "epoch": e, "amount": a.to_string() })).collect::<Vec<_>>() }),
	);
	Ok(())
}
