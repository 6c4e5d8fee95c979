//! The inference sandbox against the real `deai-worker` binary: the child's result is the
//! in-process run's, byte for byte; a model past the memory limit, a crash, a too-large result
//! and a model reaching for files beside it are the job's failures, named; a usage error, an
//! unreadable input or a missing binary are the worker's; a child past its time budget is gone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use deai_worker::inference;
use deai_worker::sandbox::{Sandbox, SandboxError};

fn model_dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/blobs-classifier")
}

fn sandbox(memory_limit_bytes: u64) -> Sandbox {
	Sandbox {
		program: env!("CARGO_BIN_EXE_deai-worker").into(),
		memory_limit_bytes,
		max_result_bytes: 1 << 20,
	}
}

fn temp_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("deai-sandbox-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

fn job_failure(outcome: Result<Vec<u8>, SandboxError>) -> String {
	match outcome {
		Err(SandboxError::Job(reason)) => reason,
		Err(SandboxError::Local(e)) => panic!("expected a job failure, got a local error: {e:#}"),
		Ok(bytes) => panic!("expected a job failure, got {} bytes", bytes.len()),
	}
}

/// A stand-in for the worker binary: a checked-in shell script (written once, never while other
/// tests spawn children, which would make running it fail with "text file busy").
fn fixture(name: &str) -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[tokio::test]
async fn the_child_gives_the_in_process_bytes() {
	let model = model_dir().join("model.onnx");
	for batch in ["batch-1", "batch-2"] {
		let input = model_dir().join(format!("samples/{batch}.json"));
		let in_process = inference::run(&model, &std::fs::read(&input).unwrap()).unwrap();
		for _ in 0..2 {
			let isolated = sandbox(256 << 20).run(&model, &input).await.unwrap();
			assert_eq!(isolated, in_process, "{batch}");
		}
	}
}

#[tokio::test]
async fn bad_models_and_inputs_are_named() {
	let dir = temp_dir("bad");
	let junk = dir.join("junk.onnx");
	std::fs::write(&junk, b"tampered bytes").unwrap();
	let input = model_dir().join("samples/batch-1.json");
	let reason = job_failure(sandbox(256 << 20).run(&junk, &input).await);
	assert!(reason.contains("not a loadable ONNX model"), "{reason}");
	let bad_input = dir.join("input.json");
	std::fs::write(&bad_input, br#"{"features": [[1,2,3]]}"#).unwrap();
	let reason =
		job_failure(sandbox(256 << 20).run(&model_dir().join("model.onnx"), &bad_input).await);
	assert!(reason.contains("does not fit"), "{reason}");
	std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_memory_limit_stops_the_child_not_the_worker() {
	let dir = temp_dir("memory");
	// 200,000 rows: a few MiB of JSON, far more once parsed.
	let row = "[0.25,-1.5,3.0,0.125]";
	let input = dir.join("big.json");
	std::fs::write(&input, format!("{{\"features\": [{}]}}", vec![row; 200_000].join(",")))
		.unwrap();
	let model = model_dir().join("model.onnx");
	let reason = job_failure(sandbox(8 << 20).run(&model, &input).await);
	assert!(reason.contains("more than the worker's memory limit (8 MiB)"), "{reason}");
	// The same job within a larger limit runs.
	let roomy = Sandbox { max_result_bytes: 1 << 30, ..sandbox(1 << 30) };
	let result = roomy.run(&model, &input).await.unwrap();
	assert!(result.starts_with(b"{\""), "a result document");
	std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn crashes_and_oversized_results_are_the_jobs_fault_other_endings_the_workers() {
	let dir = temp_dir("crash");
	let (model, input) = (model_dir().join("model.onnx"), model_dir().join("samples/batch-1.json"));
	let crashing = Sandbox { program: fixture("crash.sh"), ..sandbox(1 << 20) };
	let reason = job_failure(crashing.run(&model, &input).await);
	assert!(reason.contains("crashed (signal 11)") && reason.contains("overflowed"), "{reason}");
	let small = Sandbox { max_result_bytes: 10, ..sandbox(256 << 20) };
	let reason = job_failure(small.run(&model, &input).await);
	assert!(reason.contains("larger than 10 bytes"), "{reason}");
	// A binary that does not know the child's flags, an unreadable input, a missing binary.
	let outdated = Sandbox { program: fixture("usage-error.sh"), ..sandbox(1 << 20) };
	assert!(matches!(outdated.run(&model, &input).await, Err(SandboxError::Local(_))));
	assert!(matches!(
		sandbox(256 << 20).run(&model, &dir.join("gone.json")).await,
		Err(SandboxError::Local(_))
	));
	let missing = Sandbox { program: dir.join("no-such-binary"), ..sandbox(1 << 20) };
	assert!(matches!(missing.run(&model, &input).await, Err(SandboxError::Local(_))));
	std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn models_cannot_read_files_beside_them() {
	// The model's weights name `secret.bin` beside it as ONNX external data.
	let dir = temp_dir("external");
	let model = dir.join("external-data.onnx");
	std::fs::copy(fixture("external-data.onnx"), &model).unwrap();
	std::fs::write(dir.join("secret.bin"), [0x3f80_0000u32.to_le_bytes(); 4].concat()).unwrap();
	let input = dir.join("input.json");
	std::fs::write(&input, br#"{"features": [[0, 0, 0, 0]]}"#).unwrap();
	// Loaded by path, tract would read it.
	use tract_onnx::prelude::Framework;
	assert!(tract_onnx::onnx().model_for_path(&model).is_ok(), "the fixture does load by path");
	let reason = job_failure(sandbox(256 << 20).run(&model, &input).await);
	assert!(
		reason.contains("not a loadable ONNX model") && reason.contains("external data"),
		"{reason}"
	);
	std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_child_past_the_time_budget_is_killed() {
	let dir = temp_dir("slow");
	let input = dir.join("input.json");
	std::fs::write(&input, b"{}").unwrap();
	let slow = Sandbox { program: fixture("slow.sh"), ..sandbox(1 << 20) };
	let model = model_dir().join("model.onnx");
	assert!(
		tokio::time::timeout(Duration::from_secs(2), slow.run(&model, &input))
			.await
			.is_err(),
		"still running"
	);
	let pid_file = dir.join("input.json.pid");
	for _ in 0..100 {
		if pid_file.exists() {
			break;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_string();
	let gone = || match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
		// Gone, or killed and not reaped yet.
		Err(_) => true,
		Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
	};
	for _ in 0..50 {
		if gone() {
			break;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	assert!(gone(), "the child {pid} outlived its budget");
	std::fs::remove_dir_all(dir).unwrap();
}
