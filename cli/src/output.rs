//! Output: human-readable lines by default, one JSON document with `--json`; transaction status
//! on a spinner (stderr, hidden when not a terminal or with `--json`).

use std::time::Duration;

use deai_client::chain::{Chain, Included, Sender, TxStep, Wait};
use deai_client::indicatif::{ProgressBar, ProgressStyle};
use deai_client::subxt::transactions::Payload;
use serde_json::Value;

/// How to print.
#[derive(Clone, Copy)]
pub struct Out {
	/// `--json`.
	pub json: bool,
}

impl Out {
	/// Prints a result: `human` lines, or `json`.
	pub fn show(&self, human: impl FnOnce() -> String, json: Value) {
		if self.json {
			println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
		} else {
			println!("{}", human());
		}
	}

	/// A progress bar for `bytes` of `what` (hidden with `--json`).
	pub fn bytes_bar(&self, what: &str) -> ProgressBar {
		if self.json {
			return ProgressBar::hidden();
		}
		let bar = ProgressBar::new(0);
		bar.set_style(
			ProgressStyle::with_template(
				"{msg:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
			)
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
		);
		bar.set_message(what.to_string());
		bar
	}

	/// Submits `call`, showing its way in on one status line; returns its block and events.
	pub async fn submit<Call: Payload>(
		&self,
		chain: &Chain,
		sender: &Sender,
		what: &str,
		call: &Call,
		wait: Wait,
	) -> anyhow::Result<Included> {
		let spinner = if self.json { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
		spinner.enable_steady_tick(Duration::from_millis(120));
		spinner.set_message(format!("{what}: signing"));
		let outcome = sender
			.submit(chain, call, wait, |step| {
				let status = match step {
					TxStep::Submitted { nonce } => format!("submitted (nonce {nonce})"),
					TxStep::Ready => "in the transaction pool".to_string(),
					TxStep::InBlock(hash) => format!("in block {hash:?}"),
					TxStep::Finalized(hash) => format!("finalized in {hash:?}"),
				};
				spinner.set_message(format!("{what}: {status}"));
			})
			.await;
		match &outcome {
			Ok(included) => {
				spinner.finish_and_clear();
				if !self.json {
					eprintln!("✓ {what}: included in block {:?}", included.block);
				}
			},
			Err(_) => spinner.finish_and_clear(),
		}
		outcome.map_err(|e| anyhow::anyhow!("{what} failed: {e}"))
	}
}
