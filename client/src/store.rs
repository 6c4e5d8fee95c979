//! The content store: a directory of files named by their content hash, served over HTTP.
//!
//! - `PUT /content` stores the body (up to the configured limit) and answers
//!   `{"hash": "0x…", "size": n, "uri": "http://…/content/0x…"}`; the server hashes what it
//!   received, so the name is always the bytes' real hash. With upload tokens configured, an
//!   upload needs `Authorization: Bearer <token>` (401 otherwise); with a quota, an upload that
//!   would take the store past it is refused (507).
//! - `GET /content/0x<hash>` returns the bytes (404 when absent).
//! - `GET /health` answers `ok`.
//!
//! [`upload`] is the client side, with a progress bar.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::content::{hex_hash, parse_hash, ContentHash, Hasher};
use crate::http;

/// What a store answers to an upload.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stored {
	/// `0x`-prefixed blake2-256 of the bytes.
	pub hash: String,
	/// Size in bytes.
	pub size: u64,
	/// Where to fetch them.
	pub uri: String,
}

/// A running content store's settings.
#[derive(Clone, Debug)]
pub struct StoreConfig {
	/// Where the files live.
	pub dir: PathBuf,
	/// The address to listen on.
	pub listen: SocketAddr,
	/// The base URL put in answers (defaults to `http://<listen>`).
	pub public_url: Option<String>,
	/// The largest upload accepted, in bytes.
	pub max_upload_bytes: u64,
	/// The most the store holds, in bytes (`None`: no quota).
	pub max_store_bytes: Option<u64>,
	/// Tokens accepted for uploads (empty: anyone may upload).
	pub upload_tokens: Vec<String>,
}

impl StoreConfig {
	/// A store of `dir` on `listen` with the default limits, open uploads and no quota.
	pub fn new(dir: PathBuf, listen: SocketAddr) -> Self {
		Self {
			dir,
			listen,
			public_url: None,
			max_upload_bytes: 256 * 1024 * 1024,
			max_store_bytes: None,
			upload_tokens: Vec::new(),
		}
	}
}

/// The flags of the `serve` commands (`deai store serve`, `deai-worker serve`).
#[derive(clap::Args, Clone, Debug)]
pub struct ServeArgs {
	/// The directory.
	#[arg(long, default_value = "deai-store")]
	pub dir: PathBuf,
	/// The address to listen on.
	#[arg(long, default_value = "127.0.0.1:8700")]
	pub listen: SocketAddr,
	/// The largest upload, in bytes.
	#[arg(long, default_value_t = 256 * 1024 * 1024)]
	pub max_upload_bytes: u64,
	/// The most the store holds, in bytes (default: no quota).
	#[arg(long)]
	pub max_store_bytes: Option<u64>,
	/// A file of upload tokens, one per line (at least 16 characters each); uploads then need
	/// one (`Authorization: Bearer <token>`). Without it anyone who reaches the store may upload.
	#[arg(long)]
	pub upload_tokens_file: Option<PathBuf>,
	/// The base URL other hosts reach the store at (default: http://<listen>); it goes into
	/// the URIs recorded on chain.
	#[arg(long)]
	pub public_url: Option<String>,
}

impl ServeArgs {
	/// The store these flags describe (reads the tokens file).
	pub fn config(self) -> anyhow::Result<StoreConfig> {
		Ok(StoreConfig {
			upload_tokens: self
				.upload_tokens_file
				.as_deref()
				.map(read_tokens)
				.transpose()?
				.unwrap_or_default(),
			max_store_bytes: self.max_store_bytes,
			max_upload_bytes: self.max_upload_bytes,
			public_url: self.public_url,
			..StoreConfig::new(self.dir, self.listen)
		})
	}
}

/// Reads upload tokens from a file: one per line; blank lines and `#` comments are skipped.
pub fn read_tokens(path: &Path) -> anyhow::Result<Vec<String>> {
	use anyhow::Context;
	let text =
		std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	let tokens: Vec<String> = text
		.lines()
		.map(str::trim)
		.filter(|line| !line.is_empty() && !line.starts_with('#'))
		.map(str::to_string)
		.collect();
	if tokens.is_empty() {
		anyhow::bail!("{} holds no token", path.display());
	}
	if let Some(short) = tokens.iter().find(|t| t.len() < MIN_TOKEN_CHARS) {
		anyhow::bail!(
			"{}: a token of {} characters is too short (at least {MIN_TOKEN_CHARS})",
			path.display(),
			short.len()
		);
	}
	// What an HTTP header can carry and a person can type: printable ASCII, no spaces.
	if tokens.iter().any(|t| !t.bytes().all(|b| b.is_ascii_graphic())) {
		anyhow::bail!("{}: tokens are printable ASCII without spaces", path.display());
	}
	Ok(tokens)
}

/// The shortest upload token accepted (a guessable token is no protection).
pub const MIN_TOKEN_CHARS: usize = 16;

/// Reads the token for uploads from a file: its first line that is not blank or a comment.
pub fn read_token(path: &Path) -> anyhow::Result<String> {
	Ok(read_tokens(path)?.swap_remove(0))
}

/// Serves the store until Ctrl-C, telling `ready` the bound address first (for the `serve`
/// commands of `deai` and `deai-worker`).
pub async fn serve_until_ctrl_c(
	config: StoreConfig,
	ready: impl FnOnce(SocketAddr, &Path),
) -> anyhow::Result<()> {
	let dir = config.dir.clone();
	let (addr, serve) = bind(config, async {
		let _ = tokio::signal::ctrl_c().await;
	})
	.await?;
	ready(addr, &dir);
	serve.await
}

/// Binds the store's listener: returns the bound address (useful with port 0) and a future that
/// serves until `shutdown` resolves.
pub async fn bind(
	config: StoreConfig,
	shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(SocketAddr, impl std::future::Future<Output = anyhow::Result<()>>)> {
	tokio::fs::create_dir_all(&config.dir).await?;
	// One pass over the store: uploads cut short by a previous run leave temporary files behind
	// (removed); the rest is what the store holds, for the quota.
	let mut held = 0u64;
	let mut entries = tokio::fs::read_dir(&config.dir).await?;
	while let Some(entry) = entries.next_entry().await? {
		if entry.file_name().to_string_lossy().starts_with(".upload-") {
			let _ = tokio::fs::remove_file(entry.path()).await;
		} else {
			held += entry
				.metadata()
				.await
				.map(|m| if m.is_file() { m.len() } else { 0 })
				.unwrap_or(0);
		}
	}
	let unreachable = config.public_url.is_none() && config.listen.ip().is_unspecified();
	if unreachable {
		tracing::warn!("listening on {} without a public URL: the URIs handed out will not work from other hosts (set the public URL)", config.listen);
	}
	if config.upload_tokens.is_empty() && !config.listen.ip().is_loopback() {
		tracing::warn!("listening on {} with open uploads: anyone who reaches it can fill its disk (give upload tokens)", config.listen);
	}
	let listener = tokio::net::TcpListener::bind(config.listen).await?;
	let local = listener.local_addr()?;
	let base = config.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
	let state = Arc::new(State {
		dir: config.dir.clone(),
		base,
		max: config.max_upload_bytes,
		quota: config.max_store_bytes,
		held: AtomicU64::new(held),
		tokens: config.upload_tokens.clone(),
	});
	let serve = async move {
		tokio::pin!(shutdown);
		loop {
			tokio::select! {
				_ = &mut shutdown => return Ok(()),
				accepted = listener.accept() => {
					let (stream, peer) = match accepted {
						Ok(x) => x,
						Err(e) => { tracing::warn!("content store: accept failed: {e}"); continue }
					};
					let state = state.clone();
					tokio::spawn(async move {
						let service = service_fn(move |req| handle(state.clone(), req));
						if let Err(e) = hyper::server::conn::http1::Builder::new()
							.serve_connection(TokioIo::new(stream), service)
							.await
						{
							tracing::debug!("content store: connection from {peer}: {e}");
						}
					});
				}
			}
		}
	};
	Ok((local, serve))
}

struct State {
	dir: PathBuf,
	base: String,
	max: u64,
	/// The store's quota, in bytes.
	quota: Option<u64>,
	/// Bytes held: stored files and uploads under way.
	held: AtomicU64,
	tokens: Vec<String>,
}

impl State {
	/// Whether the request carries an accepted upload token (always, when none are configured).
	fn authorized(&self, req: &Request<Incoming>) -> bool {
		if self.tokens.is_empty() {
			return true;
		}
		let Some(given) = req
			.headers()
			.get(hyper::header::AUTHORIZATION)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| {
				v.get(..7)
					.filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
					.map(|_| &v[7..])
			})
		else {
			return false;
		};
		// Every token is compared in full, so the time taken does not say how much matched.
		self.tokens.iter().fold(false, |found, token| {
			constant_time_eq(token.as_bytes(), given.trim().as_bytes()) | found
		})
	}

	/// Counts `bytes` more against the quota, unless that would pass it.
	fn reserve(&self, bytes: u64) -> bool {
		let Some(quota) = self.quota else {
			self.held.fetch_add(bytes, Ordering::SeqCst);
			return true;
		};
		self.held
			.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
				held.checked_add(bytes).filter(|total| *total <= quota)
			})
			.is_ok()
	}

	fn release(&self, bytes: u64) {
		self.held.fetch_sub(bytes, Ordering::SeqCst);
	}
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
	if a.len() != b.len() {
		return false;
	}
	a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

type Body = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

fn reply(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
	let mut response =
		Response::new(Full::new(body.into()).map_err(|never| match never {}).boxed());
	*response.status_mut() = status;
	response
}

/// A file's bytes as a stream of chunks (never the whole file in memory), counted on `progress`.
fn file_chunks(
	file: tokio::fs::File,
	progress: ProgressBar,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + Sync + 'static {
	futures::stream::unfold(file, move |mut file| {
		let progress = progress.clone();
		async move {
			use tokio::io::AsyncReadExt;
			let mut buf = vec![0u8; 256 * 1024];
			match file.read(&mut buf).await {
				Ok(0) => None,
				Ok(n) => {
					buf.truncate(n);
					progress.inc(n as u64);
					Some((Ok(Bytes::from(buf)), file))
				},
				Err(e) => Some((Err(e), file)),
			}
		}
	})
}

/// Streams a stored file (never read whole into memory).
async fn serve_file(path: PathBuf) -> Response<Body> {
	let Ok(file) = tokio::fs::File::open(&path).await else {
		return reply(StatusCode::NOT_FOUND, "no such content");
	};
	let len = file.metadata().await.map(|m| m.len()).ok();
	use futures::TryStreamExt;
	let chunks = file_chunks(file, ProgressBar::hidden()).map_ok(hyper::body::Frame::data);
	let mut response = Response::new(http_body_util::StreamBody::new(chunks).boxed());
	if let Some(len) = len {
		response.headers_mut().insert(hyper::header::CONTENT_LENGTH, len.into());
	}
	response
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
	let path = req.uri().path().to_string();
	let method = req.method().clone();
	let response = match (method.clone(), path.as_str()) {
		(Method::GET, "/health") => reply(StatusCode::OK, "ok"),
		(Method::PUT, "/content") | (Method::POST, "/content") if !state.authorized(&req) => {
			let mut response = reply(
				StatusCode::UNAUTHORIZED,
				"uploads need an upload token (Authorization: Bearer <token>)",
			);
			response.headers_mut().insert(
				hyper::header::WWW_AUTHENTICATE,
				hyper::header::HeaderValue::from_static("Bearer"),
			);
			response
		},
		(Method::PUT, "/content") | (Method::POST, "/content") => {
			match receive(&state, req).await {
				Ok(stored) => {
					reply(StatusCode::OK, serde_json::to_vec(&stored).unwrap_or_default())
				},
				Err((status, message)) => reply(status, message),
			}
		},
		(Method::GET, p) if p.starts_with("/content/") => {
			match parse_hash(&p["/content/".len()..]) {
				None => reply(StatusCode::BAD_REQUEST, "not a content hash"),
				// The name is re-encoded from the parsed hash: no path from the request is used.
				Some(hash) => serve_file(state.dir.join(hex_hash(&hash))).await,
			}
		},
		_ => reply(StatusCode::NOT_FOUND, "not found"),
	};
	tracing::debug!(target: "deai::store", "{method} {path} -> {}", response.status());
	Ok(response)
}

/// An upload under way: its temporary file and the bytes it has counted against the quota.
/// Dropped — on an error or when the request goes away midway — it removes the file and gives the
/// bytes back, unless the upload was kept (then only the temporary name goes).
struct Upload<'a> {
	state: &'a State,
	partial: PathBuf,
	counted: u64,
	kept: bool,
}

impl Drop for Upload<'_> {
	fn drop(&mut self) {
		let _ = std::fs::remove_file(&self.partial);
		if !self.kept {
			self.state.release(self.counted);
		}
	}
}

async fn receive(state: &State, req: Request<Incoming>) -> Result<Stored, (StatusCode, String)> {
	let internal = |e: std::io::Error| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
	let mut upload = Upload {
		state,
		partial: state.dir.join(format!(".upload-{}", crate::content::unique_suffix())),
		counted: 0,
		kept: false,
	};
	let mut file = tokio::fs::File::create(&upload.partial).await.map_err(internal)?;
	let mut hasher = Hasher::default();
	let mut body = req.into_body();
	while let Some(frame) = body.frame().await {
		let frame = frame.map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
		if let Ok(chunk) = frame.into_data() {
			if upload.counted + chunk.len() as u64 > state.max {
				return Err((
					StatusCode::PAYLOAD_TOO_LARGE,
					format!("larger than {} bytes", state.max),
				));
			}
			if !state.reserve(chunk.len() as u64) {
				return Err((
					StatusCode::INSUFFICIENT_STORAGE,
					"the store is full (its quota is reached)".to_string(),
				));
			}
			upload.counted += chunk.len() as u64;
			hasher.update(&chunk);
			file.write_all(&chunk).await.map_err(internal)?;
		}
	}
	file.flush().await.map_err(internal)?;
	drop(file);
	let hash = hasher.finalize();
	let target = state.dir.join(hex_hash(&hash));
	// A hard link never replaces a file: of concurrent uploads of the same bytes one is kept, and
	// content already stored is not counted twice.
	match tokio::fs::hard_link(&upload.partial, &target).await {
		Ok(()) => upload.kept = true,
		Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {},
		Err(e) => return Err(internal(e)),
	}
	let size = upload.counted;
	Ok(Stored {
		hash: hex_hash(&hash),
		size,
		uri: format!("{}/content/{}", state.base, hex_hash(&hash)),
	})
}

/// Why an upload failed.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
	/// Reading the file.
	#[error("reading {path}: {source}")]
	Io {
		/// The file.
		path: String,
		/// The error.
		source: std::io::Error,
	},
	/// The transport.
	#[error("uploading to {url}: {source}")]
	Http {
		/// The store.
		url: String,
		/// The error.
		source: http::HttpError,
	},
	/// The store refused.
	#[error("the content store at {url} answered HTTP {status}: {message}")]
	Refused {
		/// The store.
		url: String,
		/// The status.
		status: u16,
		/// Its message.
		message: String,
	},
	/// The store named the bytes differently than we hashed them.
	#[error("the content store stored {got} but the file hashes to {expected}")]
	WrongHash {
		/// Our hash.
		expected: String,
		/// The store's.
		got: String,
	},
}

/// Uploads `path` (whose hash the caller computed) to the store at `store_url`, with the upload
/// token `token` when the store needs one, showing progress.
pub async fn upload(
	store_url: &str,
	token: Option<&str>,
	path: &Path,
	expected: &ContentHash,
	progress: &ProgressBar,
) -> Result<Stored, UploadError> {
	let io_error = |source| UploadError::Io { path: path.display().to_string(), source };
	let file = tokio::fs::File::open(path).await.map_err(io_error)?;
	let len = file.metadata().await.map_err(io_error)?.len();
	progress.set_length(len);
	let chunks = file_chunks(file, progress.clone());
	let url = format!("{}/content", store_url.trim_end_matches('/'));
	let http_error = |source| UploadError::Http { url: url.clone(), source };
	let response = http::put_stream(&url, chunks, len, token).await.map_err(http_error)?;
	let status = response.status;
	let body = response.bytes().await.map_err(http_error)?;
	if !status.is_success() {
		return Err(UploadError::Refused {
			url,
			status: status.as_u16(),
			message: String::from_utf8_lossy(&body).into_owned(),
		});
	}
	let stored: Stored = serde_json::from_slice(&body).map_err(|e| UploadError::Refused {
		url: url.clone(),
		status: status.as_u16(),
		message: format!("unreadable answer: {e}"),
	})?;
	if stored.hash != hex_hash(expected) {
		return Err(UploadError::WrongHash { expected: hex_hash(expected), got: stored.hash });
	}
	progress.finish();
	Ok(stored)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::content::{fetch_verified, hash_bytes};

	/// A store serving `config` on a free local port, until `stop`.
	struct Running {
		stop: tokio::sync::oneshot::Sender<()>,
		task: tokio::task::JoinHandle<anyhow::Result<()>>,
	}

	impl Running {
		async fn stop(self) {
			self.stop.send(()).unwrap();
			self.task.await.unwrap().unwrap();
		}
	}

	/// Starts a store for a test: its URL and the handle that stops it.
	async fn start(config: StoreConfig) -> (String, Running) {
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		let (addr, serve) = bind(config, async move {
			let _ = stopped.await;
		})
		.await
		.unwrap();
		(format!("http://{addr}"), Running { stop, task: tokio::spawn(serve) })
	}

	#[tokio::test]
	async fn upload_then_fetch_verified() {
		let dir = std::env::temp_dir().join(format!("deai-store-test-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let config = StoreConfig {
			max_upload_bytes: 1 << 20,
			..StoreConfig::new(dir.join("store"), "127.0.0.1:0".parse().unwrap())
		};
		let (url, server) = start(config).await;

		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("input.json");
		let bytes = vec![7u8; 600_000];
		std::fs::write(&file, &bytes).unwrap();
		let hash = hash_bytes(&bytes);
		let stored = upload(&url, None, &file, &hash, &ProgressBar::hidden()).await.unwrap();
		assert_eq!(stored.size, 600_000);
		assert_eq!(stored.uri, format!("{url}/content/{}", hex_hash(&hash)));

		let limits = crate::content::FetchLimits::http_only(1 << 20);
		let path =
			fetch_verified(&stored.uri, &hash, &dir.join("cache"), &limits, &ProgressBar::hidden())
				.await
				.unwrap();
		assert_eq!(std::fs::read(path).unwrap(), bytes);

		// Claiming other content under that hash is caught on both sides.
		let wrong = hash_bytes(b"else");
		assert!(matches!(
			upload(&url, None, &file, &wrong, &ProgressBar::hidden()).await,
			Err(UploadError::WrongHash { .. })
		));
		let missing = format!("{url}/content/{}", hex_hash(&wrong));
		assert!(fetch_verified(
			&missing,
			&wrong,
			&dir.join("cache"),
			&limits,
			&ProgressBar::hidden()
		)
		.await
		.is_err());

		server.stop().await;
		std::fs::remove_dir_all(&dir).unwrap();
	}

	#[tokio::test]
	async fn upload_tokens_and_the_quota_are_enforced() {
		let dir = std::env::temp_dir().join(format!("deai-store-auth-test-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).unwrap();
		let tokens = dir.join("tokens");
		std::fs::write(&tokens, "# workers\nworker-one-0123456789\n\nrequester-0123456789\n")
			.unwrap();
		let config = StoreConfig {
			max_store_bytes: Some(1000),
			upload_tokens: read_tokens(&tokens).unwrap(),
			..StoreConfig::new(dir.join("store"), "127.0.0.1:0".parse().unwrap())
		};
		let (url, server) = start(config).await;
		let file = |name: &str, bytes: &[u8]| {
			let path = dir.join(name);
			std::fs::write(&path, bytes).unwrap();
			(path, hash_bytes(bytes))
		};
		// An upload cut off midway gives its bytes back.
		{
			use tokio::io::AsyncWriteExt;
			let address = url.trim_start_matches("http://");
			let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
			let head = "PUT /content HTTP/1.1\r\nHost: x\r\nAuthorization: bearer requester-0123456789\r\nContent-Length: 900\r\n\r\n";
			stream.write_all(head.as_bytes()).await.unwrap();
			stream.write_all(&[9u8; 800]).await.unwrap();
			tokio::time::sleep(std::time::Duration::from_millis(200)).await;
		}
		tokio::time::sleep(std::time::Duration::from_millis(200)).await;
		let (small, small_hash) = file("small", &[1u8; 400]);
		let refused = |e| matches!(e, Err(UploadError::Refused { status, .. }) if status == 401);
		assert!(
			refused(upload(&url, None, &small, &small_hash, &ProgressBar::hidden()).await),
			"no token"
		);
		assert!(refused(
			upload(
				&url,
				Some("worker-one-0123456780"),
				&small,
				&small_hash,
				&ProgressBar::hidden()
			)
			.await
		));
		upload(&url, Some("requester-0123456789"), &small, &small_hash, &ProgressBar::hidden())
			.await
			.unwrap();
		// The same bytes again take no more room once received (while they arrive they need it).
		upload(&url, Some("worker-one-0123456789"), &small, &small_hash, &ProgressBar::hidden())
			.await
			.unwrap();
		let (big, big_hash) = file("big", &[2u8; 700]);
		let full =
			upload(&url, Some("worker-one-0123456789"), &big, &big_hash, &ProgressBar::hidden())
				.await;
		assert!(matches!(full, Err(UploadError::Refused { status: 507, .. })), "{full:?}");
		let (fits, fits_hash) = file("fits", &[3u8; 600]);
		upload(&url, Some("worker-one-0123456789"), &fits, &fits_hash, &ProgressBar::hidden())
			.await
			.unwrap();
		// Reads stay open to all: content is fetched by hash and verified by whoever fetches it.
		let limits = crate::content::FetchLimits::http_only(1 << 20);
		let uri = format!("{url}/content/{}", hex_hash(&small_hash));
		fetch_verified(&uri, &small_hash, &dir.join("cache"), &limits, &ProgressBar::hidden())
			.await
			.unwrap();
		// Short or missing tokens are refused when the store starts.
		std::fs::write(&tokens, "short\n").unwrap();
		assert!(read_tokens(&tokens).is_err());
		std::fs::write(&tokens, "# none\n").unwrap();
		assert!(read_tokens(&tokens).is_err());
		std::fs::write(&tokens, "token with spaces 0123456789\n").unwrap();
		assert!(read_tokens(&tokens).is_err());
		server.stop().await;
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
