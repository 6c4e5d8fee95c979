//! Inference in a child process, with a heap limit and a kill on time-out.
//!
//! Models and inputs come from strangers. tract catches most bad models as errors, but a model can
//! still ask for more memory than the machine has (Rust aborts the process on a failed
//! allocation), overflow a thread's stack, or run for longer than the job's time budget (a thread
//! cannot be stopped from outside). So the agent runs each job's inference in a fresh
//! `deai-worker infer-isolated` process: the child caps its own heap with [`CappedAllocator`]
//! (an allocation past the cap fails, and the process aborts with "memory allocation of N bytes
//! failed"), writes the result document to stdout and exits; the parent reads at most
//! `max_result_bytes` of it, kills the child when the job's time budget ends (the future is
//! dropped, and the child with it), and turns any other ending into a named failure. The agent
//! keeps working whatever happens to the child.
//!
//! Whose fault: the child exits with [`JOB_FAILED_EXIT`] when the model or input failed, and a
//! panic or a crash signal is the job's too ([`SandboxError::Job`], reported on chain); any other
//! ending — a signal from outside such as the OOM killer, a usage error, an unreadable input
//! file — is the worker's ([`SandboxError::Local`], retried). The child runs in its own process
//! group, so a Ctrl-C at the worker's terminal does not kill a job under way, and exits when its
//! stdin (held open by the worker) closes, so it never outlives a worker that was killed.
//! Models are read from an open file, never by path, so a model cannot pull in other files of the
//! cache as ONNX "external data".
//!
//! Results stay bit-for-bit reproducible: the child runs the same [`inference::run`](crate::inference::run)
//! code on the same bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncReadExt;

/// The subcommand the child runs (hidden from `--help`).
pub const CHILD_COMMAND: &str = "infer-isolated";

/// Stderr kept from a child, to explain its failure.
const MAX_STDERR_BYTES: usize = 16 * 1024;

/// A global allocator that counts the heap bytes in use and refuses allocations past a limit
/// (no limit until [`CappedAllocator::limit_to`] is called). Installed by the `deai-worker`
/// binary; only the inference child sets a limit.
pub struct CappedAllocator;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

impl CappedAllocator {
	/// Refuses allocations that would take the heap in use past `bytes`.
	pub fn limit_to(bytes: usize) {
		LIMIT.store(bytes, Ordering::SeqCst);
	}

	fn reserve(bytes: usize) -> bool {
		let before = IN_USE.fetch_add(bytes, Ordering::Relaxed);
		if before.saturating_add(bytes) > LIMIT.load(Ordering::Relaxed) {
			IN_USE.fetch_sub(bytes, Ordering::Relaxed);
			return false;
		}
		true
	}

	fn release(bytes: usize) {
		IN_USE.fetch_sub(bytes, Ordering::Relaxed);
	}

	/// Runs `allocate` for a block of `bytes` if the limit allows it, counting the block when it
	/// was allocated; null otherwise.
	fn counted(bytes: usize, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
		if !Self::reserve(bytes) {
			return std::ptr::null_mut();
		}
		let pointer = allocate();
		if pointer.is_null() {
			Self::release(bytes);
		}
		pointer
	}
}

// SAFETY: every call is forwarded to `System` with the caller's arguments unchanged; the
// allocator only adds bookkeeping, and returns null (a failed allocation, which callers handle)
// instead of forwarding when the limit would be passed.
unsafe impl GlobalAlloc for CappedAllocator {
	unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
		// SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract for `layout`.
		Self::counted(layout.size(), || unsafe { System.alloc(layout) })
	}

	unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
		// SAFETY: as for `alloc`.
		Self::counted(layout.size(), || unsafe { System.alloc_zeroed(layout) })
	}

	unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
		// SAFETY: `pointer` was allocated by `System` (through this allocator) with `layout`.
		unsafe { System.dealloc(pointer, layout) };
		Self::release(layout.size());
	}

	unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
		let old_size = layout.size();
		if new_size > old_size && !Self::reserve(new_size - old_size) {
			return std::ptr::null_mut();
		}
		// SAFETY: `pointer` was allocated by `System` with `layout`; the caller upholds
		// `GlobalAlloc::realloc`'s contract for `new_size`.
		let moved = unsafe { System.realloc(pointer, layout, new_size) };
		if moved.is_null() {
			if new_size > old_size {
				Self::release(new_size - old_size);
			}
		} else if new_size < old_size {
			Self::release(old_size - new_size);
		}
		moved
	}
}

/// Why a sandboxed run produced no result.
#[derive(Debug)]
pub enum SandboxError {
	/// The job's model or input is at fault (the model failed, was stopped by the memory limit,
	/// crashed, or wrote too large a result): refuse the job with this reason.
	Job(String),
	/// The worker could not run its child at all (its own binary, the machine): retry.
	Local(anyhow::Error),
}

impl std::fmt::Display for SandboxError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			SandboxError::Job(reason) => f.write_str(reason),
			SandboxError::Local(e) => write!(f, "{e:#}"),
		}
	}
}

/// Runs inference in child processes of `program` (the `deai-worker` binary).
#[derive(Clone, Debug)]
pub struct Sandbox {
	/// The `deai-worker` binary.
	pub program: PathBuf,
	/// The child's heap limit, in bytes.
	pub memory_limit_bytes: u64,
	/// The largest result document accepted, in bytes.
	pub max_result_bytes: u64,
}

impl Sandbox {
	/// Runs the model at `model` on the input document at `input` in a child process and
	/// returns the result document's bytes. Dropping the future kills the child.
	pub async fn run(&self, model: &Path, input: &Path) -> Result<Vec<u8>, SandboxError> {
		let local = |context: &'static str| {
			move |e: std::io::Error| SandboxError::Local(anyhow::Error::new(e).context(context))
		};
		let mut child = tokio::process::Command::new(&self.program)
			.arg(CHILD_COMMAND)
			.arg("--model")
			.arg(model)
			.arg("--input")
			.arg(input)
			.arg("--memory-limit-bytes")
			.arg(self.memory_limit_bytes.to_string())
			// One line of reason on stderr, no backtraces.
			.env_remove("RUST_BACKTRACE")
			.env_remove("RUST_LIB_BACKTRACE")
			// Its own process group: a Ctrl-C at the worker's terminal is the worker's to handle
			// (it lets work under way finish), not a crash of the job.
			.process_group(0)
			// The child exits when this pipe closes: when the worker is gone, however it ended.
			.stdin(Stdio::piped())
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.kill_on_drop(true)
			.spawn()
			.map_err(|e| {
				SandboxError::Local(
					anyhow::Error::new(e).context(format!("starting {}", self.program.display())),
				)
			})?;
		let (Some(lifeline), Some(stdout), Some(stderr)) =
			(child.stdin.take(), child.stdout.take(), child.stderr.take())
		else {
			return Err(SandboxError::Local(anyhow::anyhow!("the child's pipes are missing")));
		};
		// Stderr is drained to the end (a child blocked on a full pipe would never exit), keeping
		// its end; stdout is read up to one byte past the limit, and a child past it is killed.
		let errors = tokio::spawn(drain_keeping_tail(stderr, MAX_STDERR_BYTES));
		let mut result = Vec::new();
		let read = stdout
			.take(self.max_result_bytes.saturating_add(1))
			.read_to_end(&mut result)
			.await;
		if result.len() as u64 > self.max_result_bytes {
			let _ = child.kill().await;
			errors.abort();
			return Err(SandboxError::Job(format!(
				"the result is larger than {} bytes",
				self.max_result_bytes
			)));
		}
		read.map_err(local("reading the child's result"))?;
		let errors = errors.await.unwrap_or_default();
		let status = child.wait().await.map_err(local("waiting for the child"))?;
		drop(lifeline);
		if status.success() {
			return Ok(result);
		}
		let errors = String::from_utf8_lossy(&errors);
		let last = errors
			.lines()
			.rev()
			.find(|line| !line.trim().is_empty())
			.unwrap_or("")
			.trim()
			.to_string();
		if let Some(failed) = errors.lines().find(|line| line.starts_with("memory allocation of")) {
			return Err(SandboxError::Job(format!(
				"inference needs more than the worker's memory limit ({} MiB): {failed}",
				self.memory_limit_bytes / (1024 * 1024)
			)));
		}
		use std::os::unix::process::ExitStatusExt;
		match (status.code(), status.signal()) {
			(Some(JOB_FAILED_EXIT), _) => {
				Err(SandboxError::Job(format!("inference failed: {last}")))
			},
			(Some(PANIC_EXIT), _) => Err(SandboxError::Job(last)),
			(_, Some(signal)) if CRASH_SIGNALS.contains(&signal) => {
				Err(SandboxError::Job(format!("inference crashed (signal {signal}): {last}")))
			},
			// Stopped from outside (the OOM killer, an operator), or the binary could not run
			// the child at all (a usage error, an unreadable input): not the job's fault.
			(_, Some(signal)) => Err(SandboxError::Local(anyhow::anyhow!(
				"the inference child was stopped by signal {signal}"
			))),
			(code, None) => Err(SandboxError::Local(anyhow::anyhow!(
				"the inference child exited with {}: {last}",
				code.map_or("no code".to_string(), |c| format!("code {c}"))
			))),
		}
	}
}

/// The child's exit code when the job's model or input failed.
pub const JOB_FAILED_EXIT: i32 = 3;
/// Rust's exit code for a panic that unwound out of `main`.
const PANIC_EXIT: i32 = 101;
/// Signals of a crashing process (invalid memory access, abort — stack overflow, a failed
/// allocation —, bad instruction, arithmetic fault): the model or input made the engine crash.
const CRASH_SIGNALS: [i32; 5] = [4, 6, 7, 8, 11];

/// The binary to run children of: the running executable itself (`/proc/self/exe` on Linux,
/// so an upgrade that replaces the file on disk cannot mix engine versions within one worker).
pub fn own_binary() -> std::io::Result<PathBuf> {
	let proc_self = Path::new("/proc/self/exe");
	if proc_self.exists() {
		return Ok(proc_self.to_path_buf());
	}
	std::env::current_exe()
}

/// Reads `reader` to its end, keeping its last `keep` bytes (where a failure's reason is).
async fn drain_keeping_tail(mut reader: impl tokio::io::AsyncRead + Unpin, keep: usize) -> Vec<u8> {
	let (mut kept, mut chunk) = (Vec::new(), [0u8; 4096]);
	while let Ok(read) = reader.read(&mut chunk).await {
		if read == 0 {
			break;
		}
		kept.extend_from_slice(&chunk[..read]);
		if kept.len() > 2 * keep {
			kept.drain(..kept.len() - keep);
		}
	}
	if kept.len() > keep {
		kept.drain(..kept.len() - keep);
	}
	kept
}

/// The child's side: limits its heap, runs the model, writes the result to stdout. A failure's
/// reason goes to stderr, one line, for the parent to report; the exit code says whose fault
/// it is (see [`Sandbox::run`]).
pub fn child_main(model: &Path, input: &Path, memory_limit_bytes: u64) -> std::process::ExitCode {
	use std::io::{Read, Write};
	// A panic (a tract bug) ends the child with one line the parent can report.
	std::panic::set_hook(Box::new(|info| {
		eprintln!("inference panicked: {}", info.to_string().replace('\n', " "))
	}));
	// The worker holds the other end of stdin while it waits for us: EOF means it is gone.
	std::thread::spawn(|| {
		let _ = std::io::stdin().read(&mut [0u8; 1]);
		std::process::exit(1);
	});
	let limit = usize::try_from(memory_limit_bytes).unwrap_or(usize::MAX);
	CappedAllocator::limit_to(limit);
	let bytes = match std::fs::read(input) {
		Ok(bytes) => bytes,
		Err(e) => {
			eprintln!("reading {}: {e}", input.display());
			return std::process::ExitCode::FAILURE;
		},
	};
	match crate::inference::run(model, &bytes) {
		Ok(result) => {
			let mut stdout = std::io::stdout().lock();
			if stdout.write_all(&result).and_then(|()| stdout.flush()).is_err() {
				return std::process::ExitCode::FAILURE;
			}
			std::process::ExitCode::SUCCESS
		},
		Err(e) => {
			eprintln!("{}", format!("{e:#}").replace('\n', " "));
			std::process::ExitCode::from(JOB_FAILED_EXIT as u8)
		},
	}
}
