//! ONNX inference with tract (pure Rust, CPU).
//!
//! A job's input is a JSON document naming each model input: `{"<input name>": <nested array of
//! numbers>}` (f32 inputs; the nesting gives the shape, e.g. `{"features": [[…4…], …]}`). The
//! result is a JSON document `{"<output name>": <nested array>, …}` in the model's output order.
//!
//! Reproducibility: the same worker build gives the same bytes for the same model and input —
//! tract runs single-threaded here, floats are printed by serde_json's shortest round-trip
//! formatting — so redundant providers agree on the result hash.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use serde_json::{Map, Value};
use tract_onnx::prelude::*;

/// An optimised, runnable model.
type Plan = std::sync::Arc<TypedRunnableModel>;

/// A decoded input tensor.
struct Input {
	shape: Vec<usize>,
	data: Vec<f32>,
}

fn flatten(
	value: &Value,
	depth: usize,
	shape: &mut Vec<usize>,
	data: &mut Vec<f32>,
) -> anyhow::Result<()> {
	match value {
		Value::Array(items) => {
			if shape.len() == depth {
				shape.push(items.len());
			} else if shape.get(depth) != Some(&items.len()) {
				bail!("ragged array: rows of different lengths");
			}
			for item in items {
				flatten(item, depth + 1, shape, data)?;
			}
			Ok(())
		},
		Value::Number(n) => {
			if shape.len() != depth {
				bail!("ragged array: a number where an array was expected");
			}
			let x = n.as_f64().ok_or_else(|| anyhow!("not a number: {n}"))?;
			data.push(x as f32);
			Ok(())
		},
		other => bail!("expected numbers or arrays, found {other}"),
	}
}

fn to_json<T: Copy>(view: tract_ndarray::ArrayViewD<'_, T>, leaf: &dyn Fn(T) -> Value) -> Value {
	fn go<T: Copy>(view: tract_ndarray::ArrayViewD<'_, T>, leaf: &dyn Fn(T) -> Value) -> Value {
		if view.ndim() == 0 {
			return leaf(*view.iter().next().expect("a 0-d array has one element"));
		}
		Value::Array(view.outer_iter().map(|sub| go(sub, leaf)).collect())
	}
	go(view, leaf)
}

/// Runs the ONNX model at `model_path` on the JSON input `input` and returns the result
/// document's bytes. The model is loaded and optimised for the input's shapes on every call: the
/// worker runs each job in a fresh child process (see [`crate::sandbox`]), where nothing would
/// be reused.
pub fn run(model_path: &Path, input: &[u8]) -> anyhow::Result<Vec<u8>> {
	let document: Value = serde_json::from_slice(input).context("the input is not JSON")?;
	let Value::Object(fields) = document else {
		bail!("the input must be a JSON object of named tensors")
	};
	let mut inputs: Vec<(String, Input)> = Vec::new();
	for (name, value) in &fields {
		let (mut shape, mut data) = (Vec::new(), Vec::new());
		flatten(value, 0, &mut shape, &mut data).with_context(|| format!("input `{name}`"))?;
		inputs.push((name.clone(), Input { shape, data }));
	}
	let (plan, inputs, output_names) = load(model_path, inputs)?;
	let tensors: TVec<TValue> = inputs
		.into_iter()
		.map(|(name, input)| {
			Tensor::from_shape(&input.shape, &input.data)
				.map(|t| t.into_tvalue())
				.with_context(|| format!("input `{name}`"))
		})
		.collect::<anyhow::Result<_>>()?;
	let outputs = plan.run(tensors).context("inference failed")?;
	let mut result = Map::new();
	for (name, output) in output_names.iter().zip(outputs.iter()) {
		let value = match output.datum_type() {
			DatumType::F32 => to_json(output.to_plain_array_view::<f32>()?, &|x: f32| {
				serde_json::Number::from_f64(x as f64).map(Value::Number).unwrap_or(Value::Null)
			}),
			DatumType::I64 => {
				to_json(output.to_plain_array_view::<i64>()?, &|x: i64| Value::from(x))
			},
			DatumType::I32 => {
				to_json(output.to_plain_array_view::<i32>()?, &|x: i32| Value::from(x))
			},
			other => bail!("output `{name}` has an unsupported type {other:?}"),
		};
		result.insert(name.clone(), value);
	}
	Ok(serde_json::to_vec(&Value::Object(result))?)
}

/// Loads the model and optimises it for the shapes of `inputs`; returns the plan, the inputs in
/// the order the model declares them, and the names of its outputs.
fn load(
	model_path: &Path,
	mut inputs: Vec<(String, Input)>,
) -> anyhow::Result<(Plan, Vec<(String, Input)>, Vec<String>)> {
	// Read from an open file, not by path: given a path, tract resolves the model's "external
	// data" references to files beside it — the cache, whose files are named by public hashes —
	// so a hostile model could read another job's input. Without a path it refuses them.
	let mut file = std::fs::File::open(model_path)
		.with_context(|| format!("opening {}", model_path.display()))?;
	let mut model = tract_onnx::onnx()
		.model_for_read(&mut file)
		.map_err(|e| anyhow!("not a loadable ONNX model: {e:#}"))?;
	let input_names: Vec<String> = model
		.input_outlets()?
		.iter()
		.map(|outlet| model.node(outlet.node).name.clone())
		.collect();
	let mut ordered = Vec::with_capacity(input_names.len());
	for (index, name) in input_names.iter().enumerate() {
		let position = inputs.iter().position(|(n, _)| n == name).ok_or_else(|| {
			anyhow!("the input has no tensor named `{name}` (the model's inputs: {input_names:?})")
		})?;
		let (name, input) = inputs.remove(position);
		model = model.with_input_fact(index, f32::fact(&input.shape).into())?;
		ordered.push((name, input));
	}
	if let Some((extra, _)) = inputs.first() {
		bail!("the model has no input named `{extra}` (its inputs: {input_names:?})");
	}
	let output_names: Vec<String> = model
		.output_outlets()?
		.iter()
		.map(|outlet| {
			model
				.outlet_label(*outlet)
				.map(str::to_string)
				.unwrap_or_else(|| model.node(outlet.node).name.clone())
		})
		.collect();
	let plan = model
		.into_optimized()
		.map_err(|e| anyhow!("the model does not fit its input: {e}"))?
		.into_runnable()?;
	Ok((plan, ordered, output_names))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn model_dir() -> std::path::PathBuf {
		Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/blobs-classifier")
	}

	#[test]
	fn the_project_model_classifies_its_samples() {
		for batch in ["batch-1", "batch-2"] {
			let input = std::fs::read(model_dir().join(format!("samples/{batch}.json"))).unwrap();
			let expected: Value = serde_json::from_slice(
				&std::fs::read(model_dir().join(format!("samples/{batch}.expected.json"))).unwrap(),
			)
			.unwrap();
			let result = run(&model_dir().join("model.onnx"), &input).unwrap();
			let result: Value = serde_json::from_slice(&result).unwrap();
			assert_eq!(result["label"], expected["label"], "{batch}: numpy's labels");
			let got = result["probabilities"].as_array().unwrap();
			let want = expected["probabilities"].as_array().unwrap();
			assert_eq!(got.len(), want.len());
			for (g, w) in got.iter().zip(want) {
				for (g, w) in g.as_array().unwrap().iter().zip(w.as_array().unwrap()) {
					assert!(
						(g.as_f64().unwrap() - w.as_f64().unwrap()).abs() < 1e-5,
						"{batch}: {g} vs {w}"
					);
				}
			}
		}
	}

	#[test]
	fn results_are_bit_for_bit_reproducible() {
		let input = std::fs::read(model_dir().join("samples/batch-2.json")).unwrap();
		let model = model_dir().join("model.onnx");
		let first = run(&model, &input).unwrap();
		for _ in 0..3 {
			assert_eq!(run(&model, &input).unwrap(), first);
		}
	}

	#[test]
	fn bad_inputs_are_named_errors() {
		let model = model_dir().join("model.onnx");
		let err = run(&model, b"not json").unwrap_err();
		assert!(err.to_string().contains("not JSON"), "{err}");
		let err = run(&model, br#"{"pixels": [[1,2,3,4]]}"#).unwrap_err();
		assert!(format!("{err:#}").contains("no tensor named `features`"), "{err:#}");
		let err = run(&model, br#"{"features": [[1,2],[3]]}"#).unwrap_err();
		assert!(format!("{err:#}").contains("ragged"), "{err:#}");
		let err = run(&model, br#"{"features": [[1,2,3]]}"#).unwrap_err();
		assert!(format!("{err:#}").contains("does not fit"), "{err:#}");
		let junk = std::env::temp_dir().join(format!("deai-junk-{}.onnx", std::process::id()));
		std::fs::write(&junk, b"tampered bytes").unwrap();
		let err = run(&junk, br#"{"features": [[1,2,3,4]]}"#).unwrap_err();
		assert!(err.to_string().contains("not a loadable ONNX model"), "{err}");
		std::fs::remove_file(junk).unwrap();
	}
}
