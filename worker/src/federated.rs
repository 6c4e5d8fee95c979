//! Federated training's math, off chain: the project's MLP (`4 → 16 (ReLU) → 3`, the
//! `blobs-classifier` graph) read from and written to ONNX, local training by gradient descent
//! (with clipping and Gaussian noise when the task sets differential privacy), updates as files,
//! evaluation (the loss an update removes, in micro-loss), and deterministic aggregation.
//!
//! Evaluators must agree bit for bit: every computation an evaluator does (loss, scores,
//! aggregate, the ONNX bytes) is sequential, in a fixed order, from the same inputs, with `exp`
//! and `ln` from the pure-Rust `libm` (the system's may pick a different implementation by CPU),
//! so two evaluators running this code produce the same numbers and the same file hash.

use anyhow::{anyhow, bail, Context};
use prost::Message;
use serde::{Deserialize, Serialize};
use tract_onnx::pb::{ModelProto, TensorProto};

/// Inputs of the model.
pub const N_FEATURES: usize = 4;
/// Hidden units.
pub const N_HIDDEN: usize = 16;
/// Classes.
pub const N_CLASSES: usize = 3;
/// Parameters in all: `fc1.weight [4,16]`, `fc1.bias [16]`, `fc2.weight [16,3]`, `fc2.bias [3]`.
pub const N_PARAMS: usize = N_FEATURES * N_HIDDEN + N_HIDDEN + N_HIDDEN * N_CLASSES + N_CLASSES;
/// The ONNX initializers holding the parameters, in the order of [`Params`].
pub const INITIALIZERS: [(&str, &[i64]); 4] = [
	("fc1.weight", &[N_FEATURES as i64, N_HIDDEN as i64]),
	("fc1.bias", &[N_HIDDEN as i64]),
	("fc2.weight", &[N_HIDDEN as i64, N_CLASSES as i64]),
	("fc2.bias", &[N_CLASSES as i64]),
];
/// ONNX's `TensorProto.DataType.FLOAT`.
const ONNX_FLOAT: i32 = 1;
/// The first bytes of an update file: the format's name and version.
pub const UPDATE_MAGIC: &[u8; 8] = b"DEAIFLU1";

/// The model's parameters, flat, in [`INITIALIZERS`] order (weights row-major, `[in][out]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params(pub Vec<f32>);

/// Labelled rows: a participant's local data, or an evaluation dataset.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Dataset {
	/// One row of `N_FEATURES` numbers per sample.
	pub features: Vec<Vec<f32>>,
	/// Each row's class.
	pub labels: Vec<usize>,
}

impl Dataset {
	/// Reads and checks a dataset document (`{"features": [[...]], "labels": [...]}`).
	pub fn parse(bytes: &[u8]) -> anyhow::Result<Self> {
		let data: Dataset = serde_json::from_slice(bytes).context("not a dataset document")?;
		if data.features.len() != data.labels.len() {
			bail!("{} rows but {} labels", data.features.len(), data.labels.len());
		}
		if data.features.iter().any(|row| row.len() != N_FEATURES) {
			bail!("every row has {N_FEATURES} features");
		}
		if data.labels.iter().any(|l| *l >= N_CLASSES) {
			bail!("labels are below {N_CLASSES}");
		}
		Ok(data)
	}

	/// The rows at `indices`.
	pub fn rows(&self, indices: &[u32]) -> Dataset {
		let pick = |i: &u32| *i as usize;
		Dataset {
			features: indices.iter().map(|i| self.features[pick(i)].clone()).collect(),
			labels: indices.iter().map(|i| self.labels[pick(i)]).collect(),
		}
	}
}

/// An ONNX model of the project's MLP: its protobuf, and its parameters.
#[derive(Clone, Debug)]
pub struct OnnxMlp {
	proto: ModelProto,
	/// The parameters.
	pub params: Params,
}

fn tensor_values(tensor: &TensorProto) -> anyhow::Result<Vec<f32>> {
	if !tensor.raw_data.is_empty() {
		if !tensor.raw_data.len().is_multiple_of(4) {
			bail!("{}: raw data is not f32", tensor.name);
		}
		return Ok(tensor
			.raw_data
			.chunks_exact(4)
			.map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
			.collect());
	}
	Ok(tensor.float_data.clone())
}

impl OnnxMlp {
	/// Reads an ONNX file of the MLP (the `blobs-classifier` graph: `Gemm` layers whose weights
	/// are `[in, out]` f32, not transposed); refuses any other shape, type or layout, and
	/// parameters that are not finite.
	pub fn parse(bytes: &[u8]) -> anyhow::Result<Self> {
		let proto = ModelProto::decode(bytes).context("not an ONNX model")?;
		let graph = proto.graph.as_ref().ok_or_else(|| anyhow!("the model has no graph"))?;
		let not_mlp = |why: String| anyhow!("{why}: not the project's MLP");
		let mut params = Vec::with_capacity(N_PARAMS);
		for (name, dims) in INITIALIZERS {
			let tensor = graph
				.initializer
				.iter()
				.find(|t| t.name == name)
				.ok_or_else(|| not_mlp(format!("the model has no `{name}`")))?;
			if tensor.data_type != ONNX_FLOAT || tensor.dims != dims {
				return Err(not_mlp(format!(
					"`{name}` is of type {} and shape {:?}, not f32 {dims:?}",
					tensor.data_type, tensor.dims
				)));
			}
			let values = tensor_values(tensor)?;
			let len = dims.iter().product::<i64>() as usize;
			if values.len() != len || values.iter().any(|v| !v.is_finite()) {
				return Err(not_mlp(format!("`{name}` does not hold {len} finite values")));
			}
			params.extend(values);
		}
		for node in graph.node.iter().filter(|n| n.op_type == "Gemm") {
			let transposed = node
				.attribute
				.iter()
				.any(|a| (a.name == "transA" || a.name == "transB") && a.i != 0);
			if transposed {
				return Err(not_mlp(format!("`{}` transposes an operand", node.name)));
			}
		}
		Ok(Self { proto, params: Params(params) })
	}

	/// The same graph with `params`: deterministic bytes (the protobuf encoding of the same
	/// message with raw little-endian f32 initializers).
	pub fn with_params(&self, params: &Params) -> Vec<u8> {
		let mut proto = self.proto.clone();
		let graph = proto.graph.as_mut().expect("parsed with a graph");
		let mut offset = 0;
		for (name, dims) in INITIALIZERS {
			let len = dims.iter().product::<i64>() as usize;
			let values = &params.0[offset..offset + len];
			offset += len;
			if let Some(tensor) = graph.initializer.iter_mut().find(|t| t.name == name) {
				tensor.float_data.clear();
				tensor.raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
			}
		}
		proto.encode_to_vec()
	}
}

/// The forward pass in f64 from f32 parameters: each row's class probabilities.
fn forward(params: &Params, row: &[f32]) -> [f64; N_CLASSES] {
	let p = &params.0;
	let (w1, rest) = p.split_at(N_FEATURES * N_HIDDEN);
	let (b1, rest) = rest.split_at(N_HIDDEN);
	let (w2, b2) = rest.split_at(N_HIDDEN * N_CLASSES);
	let mut hidden = [0f64; N_HIDDEN];
	for (j, h) in hidden.iter_mut().enumerate() {
		let mut z = b1[j] as f64;
		for (i, x) in row.iter().enumerate() {
			z += *x as f64 * w1[i * N_HIDDEN + j] as f64;
		}
		*h = z.max(0.0);
	}
	let mut logits = [0f64; N_CLASSES];
	for (k, l) in logits.iter_mut().enumerate() {
		let mut z = b2[k] as f64;
		for (j, h) in hidden.iter().enumerate() {
			z += h * w2[j * N_CLASSES + k] as f64;
		}
		*l = z;
	}
	let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
	let mut sum = 0.0;
	for l in logits.iter_mut() {
		*l = libm::exp(*l - max);
		sum += *l;
	}
	logits.map(|e| e / sum)
}

/// The mean cross-entropy of `params` on `data`.
pub fn loss(params: &Params, data: &Dataset) -> f64 {
	if data.labels.is_empty() {
		return 0.0;
	}
	let total: f64 = data
		.features
		.iter()
		.zip(&data.labels)
		.map(|(row, label)| -libm::log(forward(params, row)[*label].max(1e-12)))
		.sum();
	total / data.labels.len() as f64
}

/// The share of `data`'s rows whose most likely class is their label.
pub fn accuracy(params: &Params, data: &Dataset) -> f64 {
	if data.labels.is_empty() {
		return 0.0;
	}
	let right = data
		.features
		.iter()
		.zip(&data.labels)
		.filter(|(row, label)| {
			let p = forward(params, row);
			let best = (0..N_CLASSES).fold(0, |b, k| if p[k] > p[b] { k } else { b });
			best == **label
		})
		.count();
	right as f64 / data.labels.len() as f64
}

/// Local training's settings.
#[derive(Clone, Copy, Debug)]
pub struct Training {
	/// Full passes over the local data.
	pub epochs: u32,
	/// The gradient descent step.
	pub learning_rate: f64,
}

/// Differential privacy: clip the update to `clip_norm` (L2), then add Gaussian noise of
/// standard deviation `noise_multiplier × clip_norm` to every coordinate.
#[derive(Clone, Copy, Debug)]
pub struct Privacy {
	/// The clipping norm.
	pub clip_norm: f64,
	/// The noise multiplier.
	pub noise_multiplier: f64,
}

/// Trains from `global` on `data` by full-batch gradient descent on softmax cross-entropy (as
/// `train.py` does, in f64) and returns the update: the trained parameters minus `global`.
pub fn train(global: &Params, data: &Dataset, training: Training) -> Params {
	let mut w: Vec<f64> = global.0.iter().map(|v| *v as f64).collect();
	let n = data.labels.len().max(1) as f64;
	let (o_b1, o_w2, o_b2) =
		(N_FEATURES * N_HIDDEN, N_FEATURES * N_HIDDEN + N_HIDDEN, N_PARAMS - N_CLASSES);
	for _ in 0..training.epochs {
		let mut grad = vec![0f64; N_PARAMS];
		for (row, label) in data.features.iter().zip(&data.labels) {
			let mut pre = [0f64; N_HIDDEN];
			let mut hidden = [0f64; N_HIDDEN];
			for j in 0..N_HIDDEN {
				let mut z = w[o_b1 + j];
				for i in 0..N_FEATURES {
					z += row[i] as f64 * w[i * N_HIDDEN + j];
				}
				pre[j] = z;
				hidden[j] = z.max(0.0);
			}
			let mut logits = [0f64; N_CLASSES];
			for k in 0..N_CLASSES {
				let mut z = w[o_b2 + k];
				for j in 0..N_HIDDEN {
					z += hidden[j] * w[o_w2 + j * N_CLASSES + k];
				}
				logits[k] = z;
			}
			let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
			let exp: Vec<f64> = logits.iter().map(|l| libm::exp(l - max)).collect();
			let sum: f64 = exp.iter().sum();
			let mut d_logits = [0f64; N_CLASSES];
			for k in 0..N_CLASSES {
				d_logits[k] = (exp[k] / sum - if k == *label { 1.0 } else { 0.0 }) / n;
				grad[o_b2 + k] += d_logits[k];
			}
			for j in 0..N_HIDDEN {
				let mut d_h = 0.0;
				for k in 0..N_CLASSES {
					grad[o_w2 + j * N_CLASSES + k] += hidden[j] * d_logits[k];
					d_h += d_logits[k] * w[o_w2 + j * N_CLASSES + k];
				}
				if pre[j] > 0.0 {
					grad[o_b1 + j] += d_h;
					for i in 0..N_FEATURES {
						grad[i * N_HIDDEN + j] += row[i] as f64 * d_h;
					}
				}
			}
		}
		for (p, g) in w.iter_mut().zip(&grad) {
			*p -= training.learning_rate * g;
		}
	}
	Params(w.iter().zip(&global.0).map(|(new, old)| (*new as f32) - old).collect())
}

/// Clips `update` to `privacy.clip_norm` and adds Gaussian noise (Box–Muller over `rng`).
pub fn privatize(
	update: &mut Params,
	privacy: Privacy,
	rng: &mut impl rand_chacha::rand_core::RngCore,
) {
	let norm = update.0.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>().sqrt();
	let scale = if norm > privacy.clip_norm { privacy.clip_norm / norm } else { 1.0 };
	let sigma = privacy.noise_multiplier * privacy.clip_norm;
	let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
	for v in update.0.iter_mut() {
		let (u1, u2) = (uniform().max(f64::MIN_POSITIVE), uniform());
		let gaussian = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
		*v = (*v as f64 * scale + sigma * gaussian) as f32;
	}
}

/// `global + update`, in f32.
pub fn apply(global: &Params, update: &Params) -> Params {
	Params(global.0.iter().zip(&update.0).map(|(g, u)| g + u).collect())
}

/// An update's file: [`UPDATE_MAGIC`], the count (u32 LE), the values (f32 LE).
pub fn encode_update(update: &Params) -> Vec<u8> {
	let mut out = Vec::with_capacity(12 + 4 * update.0.len());
	out.extend_from_slice(UPDATE_MAGIC);
	out.extend_from_slice(&(update.0.len() as u32).to_le_bytes());
	for v in &update.0 {
		out.extend_from_slice(&v.to_le_bytes());
	}
	out
}

/// Reads an update file; refuses anything but [`N_PARAMS`] finite values.
pub fn decode_update(bytes: &[u8]) -> anyhow::Result<Params> {
	if bytes.len() < 12 || &bytes[..8] != UPDATE_MAGIC {
		bail!("not an update file");
	}
	let count = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
	if count != N_PARAMS || bytes.len() != 12 + 4 * count {
		bail!("an update has {N_PARAMS} values");
	}
	let values: Vec<f32> = bytes[12..]
		.chunks_exact(4)
		.map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
		.collect();
	if values.iter().any(|v| !v.is_finite()) {
		bail!("an update's values are finite");
	}
	Ok(Params(values))
}

fn micro(loss_delta: f64) -> i64 {
	(loss_delta * 1e6).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64
}

fn scaled(update: &Params, factor: f64) -> Params {
	Params(update.0.iter().map(|v| (*v as f64 * factor) as f32).collect())
}

/// The score of an update revealed but unreadable (not fetched, or not an update file): as bad
/// as poisoning.
pub const UNREADABLE_SCORE: i64 = i64::MIN / 2;

/// A drawn participant's part in a round, as an evaluator sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Revealed {
	/// It revealed no update.
	Nothing,
	/// It revealed an update (claiming `samples`) that could not be fetched or read.
	Unreadable {
		/// The samples it claimed.
		samples: u32,
	},
	/// Its update.
	Update {
		/// The update.
		update: Params,
		/// The samples it claimed.
		samples: u32,
	},
}

impl Revealed {
	fn samples(&self) -> Option<u32> {
		match self {
			Revealed::Nothing => None,
			Revealed::Unreadable { samples } | Revealed::Update { samples, .. } => Some(*samples),
		}
	}
}

/// What an evaluator reports for a round: a score per drawn participant and the next global
/// model.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundEvaluation {
	/// One score per drawn participant, in draw order (0 for an update not revealed).
	pub scores: Vec<i64>,
	/// The next global model: `global` plus the aggregate of the accepted updates.
	pub global: Params,
}

/// Evaluates a round, deterministically (every evaluator gets the same numbers):
/// - each revealed update's FedAvg weight is its claimed sample count (as the chain records
///   it), capped at the median count of the revealed updates: a participant cannot buy weight
///   by claiming samples, and one evaluator failing to fetch an update changes no other score;
/// - its score is the loss on `rows` of `global` minus the loss of `global` plus its weighted
///   share of the average step (`weight / total × update`): what its part of the aggregate
///   removes. A zero update scores exactly 0. Scoring an update by its full step alone would
///   punish non-IID participants, each poor alone but complementary (measured on the blobs
///   shards: from the second round, each honest update alone worsened the balanced loss by 0.10
///   to 0.16 while their average improved the accuracy);
/// - an unreadable update scores [`UNREADABLE_SCORE`];
/// - accepted updates — neither empty (score 0) nor poisoning (score below
///   `-poison_threshold`) — are combined by `rule` into the next global model.
pub fn evaluate_round(
	global: &Params,
	revealed: &[Revealed],
	rows: &Dataset,
	rule: Rule,
	poison_threshold: i64,
) -> RoundEvaluation {
	let mut counts: Vec<u32> = revealed.iter().filter_map(Revealed::samples).collect();
	counts.sort_unstable();
	let cap = counts.get(counts.len().saturating_sub(1) / 2).copied().unwrap_or(1).max(1);
	let weight = |n: u32| n.min(cap);
	let total: f64 = counts.iter().map(|n| weight(*n) as f64).sum::<f64>().max(1.0);
	let before = loss(global, rows);
	let scores: Vec<i64> = revealed
		.iter()
		.map(|part| match part {
			Revealed::Nothing => 0,
			Revealed::Unreadable { .. } => UNREADABLE_SCORE,
			Revealed::Update { update, samples } => {
				let share = scaled(update, weight(*samples) as f64 / total);
				micro(before - loss(&apply(global, &share), rows))
			},
		})
		.collect();
	let accepted: Vec<(Params, u32)> = revealed
		.iter()
		.zip(&scores)
		.filter_map(|(part, score)| match part {
			Revealed::Update { update, samples } if *score != 0 && *score >= -poison_threshold => {
				Some((update.clone(), weight(*samples)))
			},
			_ => None,
		})
		.collect();
	let global = if accepted.is_empty() {
		global.clone()
	} else {
		apply(global, &aggregate(&accepted, rule))
	};
	RoundEvaluation { scores, global }
}

/// How updates are combined (the task's rule).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
	/// The mean weighted by samples.
	FedAvg,
	/// The coordinate-wise (lower) median.
	Median,
	/// The coordinate-wise mean without `trim_percent` of the values at each end.
	TrimmedMean {
		/// The share dropped at each end, in percent.
		trim_percent: u8,
	},
}

/// Combines `updates` (with their sample counts, in the round's draw order) by `rule`, summing in
/// f64 in that order: every evaluator gets the same bits.
pub fn aggregate(updates: &[(Params, u32)], rule: Rule) -> Params {
	if updates.is_empty() {
		return Params(vec![0.0; N_PARAMS]);
	}
	let mut out = vec![0f32; N_PARAMS];
	match rule {
		Rule::FedAvg => {
			let total: f64 = updates.iter().map(|(_, n)| *n as f64).sum::<f64>().max(1.0);
			for (c, o) in out.iter_mut().enumerate() {
				let sum: f64 = updates.iter().map(|(u, n)| u.0[c] as f64 * *n as f64).sum();
				*o = (sum / total) as f32;
			}
		},
		Rule::Median | Rule::TrimmedMean { .. } => {
			for (c, o) in out.iter_mut().enumerate() {
				let mut values: Vec<f32> = updates.iter().map(|(u, _)| u.0[c]).collect();
				values.sort_by(|a, b| a.total_cmp(b));
				*o = match rule {
					Rule::Median => values[(values.len() - 1) / 2],
					Rule::TrimmedMean { trim_percent } => {
						let k = values.len() * trim_percent as usize / 100;
						let kept = &values[k..values.len() - k];
						(kept.iter().map(|v| *v as f64).sum::<f64>() / kept.len() as f64) as f32
					},
					Rule::FedAvg => unreachable!(),
				};
			}
		},
	}
	Params(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_chacha::rand_core::{RngCore, SeedableRng};

	const MODEL: &[u8] = include_bytes!("../../models/blobs-classifier/model.onnx");

	fn blobs(n: usize, seed: u64) -> Dataset {
		// Three well-separated blobs (the project's centers), jittered deterministically.
		let centers = [[0.0, 0.0, 0.0, 0.0], [3.0, 1.5, -1.0, 0.5], [-1.0, 3.0, 1.5, -2.0]];
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
		let mut features = Vec::new();
		let mut labels = Vec::new();
		for i in 0..n {
			let label = i % 3;
			let row = centers[label]
				.iter()
				.map(|c| c + ((rng.next_u32() % 1000) as f32 / 1000.0 - 0.5))
				.collect();
			features.push(row);
			labels.push(label);
		}
		Dataset { features, labels }
	}

	/// The loss an update removes when applied whole.
	fn gain(global: &Params, update: &Params, rows: &Dataset) -> f64 {
		loss(global, rows) - loss(&apply(global, update), rows)
	}

	#[test]
	fn reads_and_writes_the_project_model() {
		let mlp = OnnxMlp::parse(MODEL).unwrap();
		assert_eq!(mlp.params.0.len(), N_PARAMS);
		let bytes = mlp.with_params(&mlp.params);
		let again = OnnxMlp::parse(&bytes).unwrap();
		assert_eq!(again.params, mlp.params);
		// Deterministic bytes.
		assert_eq!(bytes, again.with_params(&again.params));
		assert!(accuracy(&mlp.params, &blobs(90, 1)) > 0.9);
		// The written model runs in the worker's inference (tract) and gives its labels.
		let dir = std::env::temp_dir().join(format!("deai-fl-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("model.onnx");
		std::fs::write(&path, &bytes).unwrap();
		let rows = blobs(9, 5);
		let input = serde_json::json!({ "features": rows.features }).to_string();
		let result: serde_json::Value =
			serde_json::from_slice(&crate::inference::run(&path, input.as_bytes()).unwrap())
				.unwrap();
		let labels: Vec<usize> = serde_json::from_value(result["label"].clone()).unwrap();
		assert_eq!(labels, rows.labels);
		std::fs::remove_dir_all(&dir).unwrap();
		// Another layout of the same numbers (a transposed weight) is refused.
		let mut proto = ModelProto::decode(MODEL).unwrap();
		let weight = proto
			.graph
			.as_mut()
			.unwrap()
			.initializer
			.iter_mut()
			.find(|t| t.name == "fc1.weight")
			.unwrap();
		weight.dims = vec![16, 4];
		assert!(OnnxMlp::parse(&proto.encode_to_vec()).is_err());
	}

	#[test]
	fn training_from_a_blank_model_learns_and_updates_round_trip() {
		let zero = Params(vec![0.01; N_PARAMS]);
		let data = blobs(200, 2);
		let update = train(&zero, &data, Training { epochs: 200, learning_rate: 0.5 });
		let trained = apply(&zero, &update);
		assert!(loss(&trained, &data) < loss(&zero, &data));
		assert!(gain(&zero, &update, &blobs(60, 3)) > 0.0);
		let bytes = encode_update(&update);
		assert_eq!(decode_update(&bytes).unwrap(), update);
		assert!(decode_update(&bytes[..20]).is_err());
		// The opposite of a good update makes the loss worse.
		let poison = Params(update.0.iter().map(|v| -10.0 * v).collect());
		assert!(gain(&trained, &poison, &data) < 0.0);
	}

	#[test]
	fn a_round_pays_helpers_ignores_free_riders_and_refuses_poison() {
		let base = Params(vec![0.01; N_PARAMS]);
		let training = Training { epochs: 50, learning_rate: 0.3 };
		let honest: Vec<Params> =
			(0..3).map(|s| train(&base, &blobs(90, 10 + s), training)).collect();
		let poison =
			Params(train(&base, &blobs(60, 20), training).0.iter().map(|v| -10.0 * v).collect());
		let mut parts: Vec<Revealed> = honest
			.iter()
			.map(|u| Revealed::Update { update: u.clone(), samples: 90 })
			.collect();
		parts.push(Revealed::Update { update: Params(vec![0.0; N_PARAMS]), samples: 1_000_000 });
		parts.push(Revealed::Update { update: poison, samples: 60 });
		parts.push(Revealed::Nothing);
		let rows = blobs(60, 30);
		let round = evaluate_round(&base, &parts, &rows, Rule::FedAvg, 10_000);
		assert!(round.scores[..3].iter().all(|s| *s > 0), "{:?}", round.scores);
		assert_eq!(round.scores[3], 0, "a zero update scores nothing, whatever it claims");
		assert!(round.scores[4] < -10_000, "{:?}", round.scores);
		assert_eq!(round.scores[5], 0);
		assert!(loss(&round.global, &rows) < loss(&base, &rows));
		// Deterministic: the same inputs give the same bits.
		assert_eq!(round, evaluate_round(&base, &parts, &rows, Rule::FedAvg, 10_000));
		// An update one evaluator could not fetch scores as poison, and changes no other score.
		let mut missing = parts.clone();
		missing[1] = Revealed::Unreadable { samples: 90 };
		let partial = evaluate_round(&base, &missing, &rows, Rule::FedAvg, 10_000);
		assert_eq!(partial.scores[1], UNREADABLE_SCORE);
		assert_eq!(
			(partial.scores[0], &partial.scores[2..]),
			(round.scores[0], &round.scores[2..])
		);
	}

	#[test]
	fn privacy_clips_the_update() {
		let mut update = Params(vec![1.0; N_PARAMS]);
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
		privatize(&mut update, Privacy { clip_norm: 1.0, noise_multiplier: 0.0 }, &mut rng);
		let norm: f64 = update.0.iter().map(|v| (*v as f64).powi(2)).sum::<f64>().sqrt();
		assert!((norm - 1.0).abs() < 1e-5);
	}

	#[test]
	fn aggregation_is_deterministic_and_robust() {
		let a = Params(vec![1.0; N_PARAMS]);
		let b = Params(vec![3.0; N_PARAMS]);
		let outlier = Params(vec![1000.0; N_PARAMS]);
		let fedavg = aggregate(&[(a.clone(), 1), (b.clone(), 3)], Rule::FedAvg);
		assert_eq!(fedavg.0[0], 2.5);
		let median =
			aggregate(&[(a.clone(), 1), (b.clone(), 1), (outlier.clone(), 1)], Rule::Median);
		assert_eq!(median.0[0], 3.0);
		let trimmed = aggregate(
			&[(a.clone(), 1), (b.clone(), 1), (b.clone(), 1), (outlier, 1)],
			Rule::TrimmedMean { trim_percent: 25 },
		);
		assert_eq!(trimmed.0[0], 3.0);
		assert_eq!(aggregate(&[], Rule::FedAvg).0, vec![0.0; N_PARAMS]);
	}
}
