//! `deai-worker`: DeAI Chain's provider agent.
//!
//! - `deai-worker run --config worker.toml`: registers the provider if needed, then takes,
//!   runs (ONNX inference with tract) and submits jobs until Ctrl-C;
//! - `deai-worker serve`: a content store (results, models, inputs) over HTTP;
//! - `deai-worker infer`: runs a model on an input locally and prints the result and its hash;
//! - `deai-worker detect`: prints the capabilities it would register.
//!
//! The agent runs each job's inference in a child `deai-worker infer-isolated` process (see
//! [`deai_worker::sandbox`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use deai_client::chain::Sender;
use deai_client::keys::{self, KeySource};
use deai_worker::{agent, config, inference, sandbox};

/// Counts the heap in use; the inference child caps it (no cap otherwise).
#[global_allocator]
static ALLOCATOR: sandbox::CappedAllocator = sandbox::CappedAllocator;

#[derive(Parser)]
#[command(name = "deai-worker", version, about = "DeAI Chain provider agent: runs AI jobs for pay")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Works for the market until Ctrl-C.
	Run {
		/// The configuration file.
		#[arg(long, short)]
		config: PathBuf,
		/// Overrides `rpc_url`.
		#[arg(long)]
		url: Option<String>,
		/// Overrides `work_dir`.
		#[arg(long)]
		work_dir: Option<PathBuf>,
		/// Overrides `key_file` (and `key`).
		#[arg(long)]
		key_file: Option<PathBuf>,
		/// Overrides `store_url`.
		#[arg(long)]
		store_url: Option<String>,
	},
	/// Serves a content store directory over HTTP until Ctrl-C.
	Serve(deai_client::store::ServeArgs),
	/// Runs an ONNX model on a JSON input and prints the result and its content hash.
	Infer {
		/// The model.
		#[arg(long)]
		model: PathBuf,
		/// The input document.
		#[arg(long)]
		input: PathBuf,
	},
	/// The agent's inference child: runs the model on the input within a heap limit and writes
	/// the result document to stdout.
	#[command(name = "infer-isolated", hide = true)]
	InferIsolated {
		/// The model.
		#[arg(long)]
		model: PathBuf,
		/// The input document.
		#[arg(long)]
		input: PathBuf,
		/// The heap limit, in bytes.
		#[arg(long)]
		memory_limit_bytes: u64,
	},
	/// Federated training, offline: train an update, evaluate a model.
	#[command(subcommand)]
	Fl(FlCommand),
	/// Prints the capabilities this machine would register.
	Detect {
		/// A configuration file whose overrides apply.
		#[arg(long, short)]
		config: Option<PathBuf>,
	},
}

#[derive(Subcommand)]
enum FlCommand {
	/// Trains an update of an ONNX model of the project's MLP on local data (what a participant
	/// submits): writes the update file and prints its hash.
	Train {
		/// The global model.
		#[arg(long)]
		model: PathBuf,
		/// The local data (`{"features": [[...]], "labels": [...]}`).
		#[arg(long)]
		data: PathBuf,
		/// Passes over the data.
		#[arg(long, default_value_t = 50)]
		epochs: u32,
		/// The gradient descent step.
		#[arg(long, default_value_t = 0.3)]
		learning_rate: f64,
		/// Where the update goes.
		#[arg(long)]
		out: PathBuf,
	},
	/// A model's loss and accuracy on labelled data (`{"features": [[...]], "labels": [...]}`),
	/// as JSON.
	Evaluate {
		/// The model.
		#[arg(long)]
		model: PathBuf,
		/// The data.
		#[arg(long)]
		data: PathBuf,
	},
}

fn init_logging() {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,jsonrpsee=warn,subxt=warn"));
	use std::io::IsTerminal;
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_target(false)
		.with_ansi(std::io::stdout().is_terminal())
		.init();
}

fn main() -> anyhow::Result<ExitCode> {
	let command = Cli::parse().command;
	// The inference child logs nothing (its stdout is the result) and needs no async runtime.
	if let Command::InferIsolated { model, input, memory_limit_bytes } = &command {
		return Ok(sandbox::child_main(model, input, *memory_limit_bytes));
	}
	init_logging();
	tokio::runtime::Builder::new_multi_thread()
		.enable_all()
		.build()?
		.block_on(run(command))?;
	Ok(ExitCode::SUCCESS)
}

async fn run(command: Command) -> anyhow::Result<()> {
	match command {
		Command::Run { config, url, work_dir, key_file, store_url } => {
			let mut config = config::Config::load(&config)?;
			if let Some(file) = key_file {
				config.key_file = Some(file);
				config.key = None;
			}
			if let Some(store) = store_url {
				config.store_url = store;
			}
			if let Some(url) = url {
				config.rpc_url = url;
			}
			if let Some(dir) = work_dir {
				config.work_dir = dir;
			}
			config.check()?;
			let source = match (&config.key, &config.key_file) {
				(_, Some(file)) => KeySource::File(file.clone()),
				(Some(uri), None) => KeySource::Uri(uri.clone()),
				(None, None) => anyhow::bail!("set `key` or `key_file`"),
			};
			let keypair = keys::load(&source)?;
			let program = sandbox::own_binary().context("locating the deai-worker binary")?;
			let agent = Arc::new(agent::Agent::new(config, Sender::new(keypair), program)?);
			let (stop, stopped) = tokio::sync::watch::channel(false);
			tokio::spawn(async move {
				let _ = tokio::signal::ctrl_c().await;
				tracing::info!("Ctrl-C: stopping");
				let _ = stop.send(true);
			});
			agent.run(stopped).await
		},
		Command::Serve(args) => {
			deai_client::store::serve_until_ctrl_c(args.config()?, |addr, dir| {
				tracing::info!("content store serving {} on http://{addr}", dir.display())
			})
			.await
		},
		Command::Infer { model, input } => {
			let bytes =
				std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
			let result = inference::run(&model, &bytes)?;
			println!("{}", String::from_utf8_lossy(&result));
			eprintln!(
				"result hash: {}",
				deai_client::content::hex_hash(&deai_client::content::hash_bytes(&result))
			);
			Ok(())
		},
		// Run by `main` before the async runtime starts.
		Command::InferIsolated { .. } => {
			anyhow::bail!("`infer-isolated` runs outside the async runtime")
		},
		Command::Fl(FlCommand::Train { model, data, epochs, learning_rate, out }) => {
			use deai_worker::federated::{self as fl, Dataset, OnnxMlp, Training};
			let global = OnnxMlp::parse(&std::fs::read(&model)?)?;
			let data = Dataset::parse(&std::fs::read(&data)?)?;
			let started = std::time::Instant::now();
			let update = fl::train(&global.params, &data, Training { epochs, learning_rate });
			let elapsed = started.elapsed();
			let bytes = fl::encode_update(&update);
			std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
			println!(
				"{}",
				serde_json::json!({
					"hash": deai_client::content::hex_hash(&deai_client::content::hash_bytes(&bytes)),
					"size": bytes.len(),
					"samples": data.labels.len(),
					"train_ms": elapsed.as_secs_f64() * 1000.0,
				})
			);
			Ok(())
		},
		Command::Fl(FlCommand::Evaluate { model, data }) => {
			use deai_worker::federated::{self as fl, Dataset, OnnxMlp};
			let model = OnnxMlp::parse(&std::fs::read(&model)?)?;
			let data = Dataset::parse(&std::fs::read(&data)?)?;
			println!(
				"{}",
				serde_json::json!({
					"rows": data.labels.len(),
					"loss": fl::loss(&model.params, &data),
					"accuracy": fl::accuracy(&model.params, &data),
				})
			);
			Ok(())
		},
		Command::Detect { config } => {
			let overrides = match config {
				Some(path) => config::Config::load(&path)?.capabilities,
				None => Default::default(),
			};
			println!("{:#?}", config::detect(&overrides));
			Ok(())
		},
	}
}
