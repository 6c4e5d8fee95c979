//! How a job and its receipt are shown (`deai job status`, `deai job post --wait`).

use deai_client::chain::{api, format_balance, job_input_uri, result_uri, AtBlock};
use deai_client::content::hex_hash;
use serde_json::json;

use api::runtime_types::pallet_compute_market::types as market;

use super::model::model_version_name;

/// Where a live job's input and each of its assignments' results are: kept beside the job's
/// record, which no market call needs them in.
pub struct Locations {
	/// The input's.
	pub input: Option<String>,
	/// Each assignment's result's, in the order of `job.assignments`.
	pub results: Vec<Option<String>>,
}

impl Locations {
	/// The locations of job `id` at `at`.
	pub async fn of(at: &AtBlock, id: u64, job: &market::Job) -> anyhow::Result<Self> {
		let mut results = Vec::new();
		for a in &job.assignments.0 {
			results.push(result_uri(at, id, &a.provider).await?);
		}
		Ok(Self { input: job_input_uri(at, id).await?, results })
	}
}

/// A live job, as JSON.
pub fn job_json(id: u64, job: &market::Job, locations: &Locations) -> serde_json::Value {
	json!({
		"job": id, "state": "open-or-running", "status": format!("{:?}", job.status),
		"requester": job.requester.to_string(), "budget": job.spec.budget.to_string(),
		"price_cap": job.price_cap.to_string(),
		"model": job.spec.model.as_ref().map(model_version_name),
		"input_hash": hex_hash(&job.spec.input_hash), "input_uri": locations.input,
		"verification": format!("{:?}", job.spec.verification),
		"deadline": job.deadline.as_ref().map(|(block, kind)| json!({ "block": block, "kind": format!("{kind:?}") })),
		"assignments": job.assignments.0.iter().zip(&locations.results).map(|(a, uri)| json!({
			"provider": a.provider.to_string(), "price": a.price.to_string(),
			"committed": a.commitment.is_some(), "result": a.result.as_ref().map(hex_hash),
			"result_uri": uri,
		})).collect::<Vec<_>>(),
	})
}

/// What a failure code a provider reported means (`deai_abi::failure_code`), if it is one.
fn failure_detail(reason: &market::FailureReason) -> Option<&'static str> {
	match reason {
		market::FailureReason::ProviderFailure { code } => {
			Some(deai_abi::failure_code::describe(*code))
		},
		_ => None,
	}
}

/// An ended job's receipt, as JSON.
pub fn receipt_json(receipt: &market::Receipt) -> serde_json::Value {
	let (outcome, result, reason) = match &receipt.outcome {
		market::Outcome::Completed { result_hash } => {
			("completed", Some(hex_hash(result_hash)), None)
		},
		market::Outcome::Failed { reason } => ("failed", None, Some(reason)),
	};
	json!({
		"job": receipt.job, "state": "ended", "outcome": outcome, "result_hash": result,
		"failure": reason.map(|r| format!("{r:?}")), "failure_detail": reason.and_then(failure_detail),
		"requester": receipt.requester.to_string(),
		"model": receipt.model.as_ref().map(model_version_name),
		"input_hash": hex_hash(&receipt.input_hash),
		"providers": receipt.providers.0.iter().map(|(who, paid)| json!({ "provider": who.to_string(), "paid": paid.to_string() })).collect::<Vec<_>>(),
		"protocol_fee": receipt.protocol_fee.to_string(), "usage_fees": receipt.usage_fees.to_string(),
		"refunded": receipt.refunded.to_string(), "finished_at": receipt.finished_at,
	})
}

/// An ended job's receipt, as lines.
pub fn receipt_lines(receipt: &market::Receipt) -> String {
	let mut lines = vec![match &receipt.outcome {
		market::Outcome::Completed { result_hash } => {
			format!("job {}: completed, result {}", receipt.job, hex_hash(result_hash))
		},
		market::Outcome::Failed { reason } => match failure_detail(reason) {
			Some(detail) => format!("job {}: failed: {reason:?}: {detail}", receipt.job),
			None => format!("job {}: failed: {reason:?}", receipt.job),
		},
	}];
	for (who, paid) in &receipt.providers.0 {
		lines.push(format!("  provider {who} paid {}", format_balance(*paid)));
	}
	lines.push(format!(
		"  protocol fee {}, usage fees {}, refunded {}",
		format_balance(receipt.protocol_fee),
		format_balance(receipt.usage_fees),
		format_balance(receipt.refunded)
	));
	lines.join("\n")
}
