//! AI oracle answers: what a question's answer is, read from the model's result document
//! (`{"<output name>": <nested array>, …}`, see [`crate::inference`]), so that every honest
//! provider running the same model on the same input reveals the same bytes.
//!
//! - A label: the first number of the output named `label` (a classifier's class index), or,
//!   without one, the index of the largest number in the first row of the first output.
//! - A number: the first number of the first output, times `10^decimals`, toward zero.
//! - Bytes: the result document itself, if it fits the question's `max_len`.
//!
//! The first output is the first in the document's key order.

use deai_client::chain::api::runtime_types::pallet_ai_oracle::types::OutputKind;
use serde_json::Value;

/// The answer of kind `output` in `result`, or why there is none (the job is refused).
pub fn answer(output: &OutputKind, result: &[u8]) -> Result<Vec<u8>, String> {
	match output {
		OutputKind::Label => label(result).map(|l| deai_abi::oracle::encode_label(l).to_vec()),
		OutputKind::Scalar { decimals, .. } => {
			scalar(result, *decimals).map(|v| deai_abi::oracle::encode_scalar(v).to_vec())
		},
		OutputKind::Bytes { max_len } => {
			if result.len() <= *max_len as usize {
				Ok(result.to_vec())
			} else {
				Err(format!("the result has {} bytes, more than the {max_len} asked", result.len()))
			}
		},
	}
}

fn document(result: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
	match serde_json::from_slice(result) {
		Ok(Value::Object(fields)) => Ok(fields),
		_ => Err("the result is not a JSON object of outputs".into()),
	}
}

/// The first number in `value`, depth first.
fn first_number(value: &Value) -> Option<f64> {
	match value {
		Value::Number(n) => n.as_f64(),
		Value::Array(items) => items.iter().find_map(first_number),
		_ => None,
	}
}

/// The first row of `value`: its innermost first array.
fn first_row(value: &Value) -> Option<&Vec<Value>> {
	match value {
		Value::Array(items) if items.first().is_some_and(Value::is_array) => first_row(&items[0]),
		Value::Array(items) => Some(items),
		_ => None,
	}
}

fn label(result: &[u8]) -> Result<u32, String> {
	let fields = document(result)?;
	if let Some(labels) = fields.get("label") {
		let first = first_number(labels).ok_or("the `label` output has no number")?;
		if first < 0.0 || first > f64::from(u32::MAX) || first.fract() != 0.0 {
			return Err(format!("the label {first} is not a class index"));
		}
		return Ok(first as u32);
	}
	let (_, first) = fields.iter().next().ok_or("the result has no output")?;
	let row = first_row(first).ok_or("the first output has no row")?;
	let scores: Vec<f64> = row.iter().filter_map(Value::as_f64).collect();
	if scores.is_empty() || scores.len() != row.len() {
		return Err("the first output's first row is not numbers".into());
	}
	let best = scores
		.iter()
		.enumerate()
		.fold(0, |best, (i, s)| if *s > scores[best] { i } else { best });
	Ok(best as u32)
}

fn scalar(result: &[u8], decimals: u8) -> Result<i128, String> {
	let fields = document(result)?;
	let (_, first) = fields.iter().next().ok_or("the result has no output")?;
	let number = first_number(first).ok_or("the first output has no number")?;
	let scaled = number * 10f64.powi(i32::from(decimals));
	if !scaled.is_finite() || scaled.abs() >= i128::MAX as f64 {
		return Err(format!("{number} does not fit {decimals} decimals"));
	}
	Ok(scaled.trunc() as i128)
}

#[cfg(test)]
mod tests {
	use super::*;

	const CLASSIFIED: &[u8] =
		br#"{"label": [[2], [0]], "probabilities": [[0.1, 0.2, 0.7], [0.9, 0.05, 0.05]]}"#;

	#[test]
	fn a_label_is_the_classifiers_first_label() {
		assert_eq!(answer(&OutputKind::Label, CLASSIFIED), Ok(vec![2, 0, 0, 0]));
	}

	#[test]
	fn without_a_label_output_the_label_is_the_first_rows_best_score() {
		let scores = br#"{"logits": [[0.1, 3.5, -1.0], [9.0, 0.0, 0.0]]}"#;
		assert_eq!(answer(&OutputKind::Label, scores), Ok(vec![1, 0, 0, 0]));
		assert!(answer(&OutputKind::Label, br#"{"label": [-1]}"#).is_err());
		assert!(answer(&OutputKind::Label, b"[1, 2]").is_err());
	}

	#[test]
	fn a_number_is_the_first_outputs_first_number_scaled() {
		let out = answer(&OutputKind::Scalar { decimals: 3, tolerance: 0 }, CLASSIFIED).unwrap();
		assert_eq!(deai_abi::oracle::decode_scalar(&out), Some(2_000));
		let out = answer(&OutputKind::Scalar { decimals: 2, tolerance: 0 }, br#"{"y": [-1.2345]}"#)
			.unwrap();
		assert_eq!(deai_abi::oracle::decode_scalar(&out), Some(-123));
	}

	#[test]
	fn bytes_are_the_document_if_it_fits() {
		let len = CLASSIFIED.len() as u32;
		assert_eq!(
			answer(&OutputKind::Bytes { max_len: len }, CLASSIFIED),
			Ok(CLASSIFIED.to_vec())
		);
		assert!(answer(&OutputKind::Bytes { max_len: len - 1 }, CLASSIFIED).is_err());
	}
}
