//! `deai`: DeAI Chain's command line for requesters, model and dataset owners, and provider
//! operators. Human output by default, `--json` for scripts; chain errors by name.
//!
//! Each command group lives in [`commands`]; flags are parsed into the chain's types where they
//! enter ([`args`]); every command runs with the resolved global flags ([`ctx::Ctx`]).

mod args;
mod bench;
mod commands;
mod ctx;
mod output;
mod spec;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use deai_client::chain::Wait;
use deai_client::keys::KeySource;
use serde_json::json;

use commands::{
	dataset::DatasetCmd, fl::FlCmd, job::JobCmd, model::ModelCmd, oracle::OracleCmd,
	provider::ProviderCmd, rewards::RewardsCmd, store::StoreCmd, zk::ZkCmd,
};
use ctx::Ctx;
use output::Out;

#[derive(Parser)]
#[command(
	name = "deai",
	version,
	about = "DeAI Chain command line: models, datasets, jobs, rewards, providers, ZK profiles"
)]
struct Cli {
	/// The node's RPC URL.
	#[arg(long, global = true, env = "DEAI_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// The signer's secret URI or phrase (e.g. `//Alice` on a dev chain).
	#[arg(long, global = true, env = "DEAI_KEY", hide_env_values = true)]
	key: Option<String>,
	/// A file holding the signer's secret URI or phrase.
	#[arg(long, global = true, env = "DEAI_KEY_FILE")]
	key_file: Option<PathBuf>,
	/// The content store uploads go to and results are fetched from.
	#[arg(long, global = true, env = "DEAI_STORE", default_value = "http://127.0.0.1:8700")]
	store: String,
	/// A file holding the content store's upload token (for stores that need one).
	#[arg(long, global = true, env = "DEAI_STORE_TOKEN_FILE")]
	store_token_file: Option<PathBuf>,
	/// Print JSON (one document) instead of human-readable lines.
	#[arg(long, global = true)]
	json: bool,
	/// Wait for finality rather than inclusion in a block.
	#[arg(long, global = true)]
	finalized: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Models: register, publish versions, show, lineage.
	#[command(subcommand)]
	Model(ModelCmd),
	/// Datasets: register, publish versions, show.
	#[command(subcommand)]
	Dataset(DatasetCmd),
	/// Jobs: post, status, accept, dispute, result.
	#[command(subcommand)]
	Job(JobCmd),
	/// Contributor rewards: show, claim.
	#[command(subcommand)]
	Rewards(RewardsCmd),
	/// Provider operations.
	#[command(subcommand)]
	Provider(ProviderCmd),
	/// The content store.
	#[command(subcommand)]
	Store(StoreCmd),
	/// Zero-knowledge proofs: verifying keys and model versions' ZK profiles.
	#[command(subcommand)]
	Zk(ZkCmd),
	/// The AI oracle: ask a model a question, read its verified answer; recurring feeds.
	#[command(subcommand)]
	Oracle(OracleCmd),
	/// Federated training: fund rounds, join as a participant or evaluator, follow a task.
	#[command(subcommand)]
	Fl(FlCmd),
	/// Drives requesters and workers against a dev node and reports job lifecycles per minute.
	Bench(bench::BenchArgs),
}

#[tokio::main]
async fn main() {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,jsonrpsee=error,subxt=error"));
	use std::io::IsTerminal;
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::stderr().is_terminal())
		.init();
	let cli = Cli::parse();
	let out = Out { json: cli.json };
	let key = match (cli.key_file, cli.key) {
		(Some(file), _) => Some(KeySource::File(file)),
		(None, Some(uri)) => Some(KeySource::Uri(uri)),
		(None, None) => None,
	};
	let ctx = Ctx {
		out,
		url: cli.url,
		key,
		store: cli.store,
		store_token_file: cli.store_token_file,
		wait: if cli.finalized { Wait::Finalized } else { Wait::InBlock },
	};
	let outcome = match cli.command {
		Command::Model(cmd) => commands::model::run(&ctx, cmd).await,
		Command::Dataset(cmd) => commands::dataset::run(&ctx, cmd).await,
		Command::Job(cmd) => commands::job::run(&ctx, cmd).await,
		Command::Rewards(cmd) => commands::rewards::run(&ctx, cmd).await,
		Command::Provider(cmd) => commands::provider::run(&ctx, cmd).await,
		Command::Store(cmd) => commands::store::run(&ctx, cmd).await,
		Command::Zk(cmd) => commands::zk::run(&ctx, cmd).await,
		Command::Oracle(cmd) => commands::oracle::run(&ctx, cmd).await,
		Command::Fl(cmd) => commands::fl::run(&ctx, cmd).await,
		Command::Bench(args) => bench::run(&ctx.url, args, out).await,
	};
	if let Err(e) = outcome {
		if out.json {
			println!("{}", json!({ "error": format!("{e:#}") }));
		} else {
			eprintln!("error: {e:#}");
		}
		std::process::exit(1);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_command_line_is_consistent() {
		use clap::CommandFactory;
		Cli::command().debug_assert();
	}

	#[test]
	fn flags_parse_into_chain_types_or_name_the_bad_input() {
		let parse = |line: &str| Cli::try_parse_from(line.split_whitespace());
		let cli =
			parse("deai job post --model 3:1 --input x --price 2.5 --matching auction").unwrap();
		let Command::Job(JobCmd::Post(_)) = cli.command else { panic!("job post") };
		let error = parse("deai job post --model 3 --input x").err().unwrap().to_string();
		assert!(error.contains("`3`: expected ID:VERSION"), "{error}");
		let error = parse("deai job post --model 3:1 --input x --price ten")
			.err()
			.unwrap()
			.to_string();
		assert!(error.contains("`ten` is not an amount"), "{error}");
		let error = parse("deai job post --model 3:1 --input x --matching cheapest")
			.err()
			.unwrap()
			.to_string();
		assert!(error.contains("`cheapest`: expected fixed, auction or direct:ADDRESS"), "{error}");
		let error = parse("deai model publish 1 --file f --label l --upstream-share 120")
			.err()
			.unwrap()
			.to_string();
		assert!(error.contains("120% is more than 100%"), "{error}");
		let error = parse("deai model publish 1 --file f --label l --format pt")
			.err()
			.unwrap()
			.to_string();
		assert!(error.contains("'pt'"), "{error}");
		assert!(parse("deai provider top-up 1000p").is_ok());
		assert!(parse("deai rewards show nobody").is_err());
	}
}
