//! Content addressing: every artifact, input and result is named by the blake2-256 hash of its
//! bytes (the `ContentHash` the chain stores), and is only used after its hash was checked.
//!
//! Fetching supports `file://` and `http://` URIs; `http://` content usually comes from a
//! [`crate::store`] content store (`GET /content/0x<hash>`).

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::http;

/// A 32-byte content hash (blake2-256 of the bytes).
pub type ContentHash = [u8; 32];

/// Why content could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
	/// The bytes do not hash to what the chain says they should.
	#[error(
		"hash mismatch for {uri}: expected 0x{}, got 0x{}",
		hex::encode(expected),
		hex::encode(actual)
	)]
	HashMismatch {
		/// Where the bytes came from.
		uri: String,
		/// The hash recorded on chain.
		expected: ContentHash,
		/// The hash of the bytes received.
		actual: ContentHash,
	},
	/// The URI's scheme is not one we fetch.
	#[error("unsupported URI `{0}` (file:// and http:// are supported)")]
	UnsupportedUri(String),
	/// A `file://` URI outside the directory this process may read (or not a regular file).
	#[error("`{0}` is not a file this process may read (file:// URIs are served only from its configured directory)")]
	FileNotAllowed(String),
	/// The content is larger than allowed.
	#[error("{uri} is larger than the {limit}-byte limit")]
	TooLarge {
		/// Where.
		uri: String,
		/// The limit.
		limit: u64,
	},
	/// An HTTP error status or a transport failure.
	#[error("fetching {uri}: {reason}")]
	Fetch {
		/// Where.
		uri: String,
		/// What went wrong.
		reason: String,
	},
	/// A local file system error.
	#[error("{context}: {source}")]
	Io {
		/// What was being done.
		context: String,
		/// The error.
		source: std::io::Error,
	},
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ContentError {
	let context = context.into();
	move |source| ContentError::Io { context, source }
}

/// An incremental blake2-256 hasher.
pub struct Hasher(blake2b_simd::State);

impl Default for Hasher {
	fn default() -> Self {
		Self(blake2b_simd::Params::new().hash_length(32).to_state())
	}
}

impl Hasher {
	/// Adds bytes.
	pub fn update(&mut self, bytes: &[u8]) {
		self.0.update(bytes);
	}
	/// The hash of everything added.
	pub fn finalize(&self) -> ContentHash {
		let mut out = [0u8; 32];
		out.copy_from_slice(self.0.finalize().as_bytes());
		out
	}
}

/// blake2-256 of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> ContentHash {
	let mut hasher = Hasher::default();
	hasher.update(bytes);
	hasher.finalize()
}

/// blake2-256 and size of a file, read in chunks.
pub async fn hash_file(
	path: &Path,
	progress: &ProgressBar,
) -> Result<(ContentHash, u64), ContentError> {
	let context = format!("reading {}", path.display());
	let mut file = tokio::fs::File::open(path).await.map_err(io(context.clone()))?;
	let len = file.metadata().await.map_err(io(context.clone()))?.len();
	progress.set_length(len);
	let mut hasher = Hasher::default();
	let mut buf = vec![0u8; 256 * 1024];
	let mut size = 0u64;
	loop {
		let n = file.read(&mut buf).await.map_err(io(context.clone()))?;
		if n == 0 {
			break;
		}
		hasher.update(&buf[..n]);
		size += n as u64;
		progress.inc(n as u64);
	}
	Ok((hasher.finalize(), size))
}

/// `0x`-prefixed lower-case hex of a hash.
pub fn hex_hash(hash: &ContentHash) -> String {
	format!("0x{}", hex::encode(hash))
}

/// Parses a `0x`-prefixed (or bare) 64-digit hex hash.
pub fn parse_hash(text: &str) -> Option<ContentHash> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(digits).ok()?;
	bytes.try_into().ok()
}

/// What a fetch may do.
#[derive(Clone, Debug)]
pub struct FetchLimits {
	/// The largest content accepted, in bytes.
	pub max_bytes: u64,
	/// `file://` URIs are read only from under this directory; `None` refuses them all. URIs
	/// come from the chain (requesters, model owners), so a worker must not read its own disk
	/// for them by default.
	pub file_root: Option<PathBuf>,
}

impl FetchLimits {
	/// `http://` only, up to `max_bytes`.
	pub fn http_only(max_bytes: u64) -> Self {
		Self { max_bytes, file_root: None }
	}

	/// Whether `uri`'s scheme is one these limits fetch.
	pub fn supports(&self, uri: &str) -> bool {
		uri.starts_with("http://") || (uri.starts_with("file://") && self.file_root.is_some())
	}
}

/// Where [`fetch_verified`] keeps the content hashing to `hash` in `cache_dir`.
pub fn cached_path(cache_dir: &Path, hash: &ContentHash) -> PathBuf {
	cache_dir.join(hex_hash(hash))
}

/// What names a fetch's temporary file in a cache directory (`0x<hash>.partial-<suffix>`).
pub const PARTIAL_MARKER: &str = ".partial-";

/// A name part no other temporary file of this process uses (`<pid>-<counter>`): fetches here,
/// uploads in the store.
pub(crate) fn unique_suffix() -> String {
	use std::sync::atomic::{AtomicU64, Ordering};
	static NEXT: AtomicU64 = AtomicU64::new(0);
	format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Fetches `uri` into `cache_dir/0x<expected>` unless a verified copy is already there, checks
/// that the bytes hash to `expected`, and returns the path. Content that does not match is
/// deleted and reported as [`ContentError::HashMismatch`]; nothing unverified is ever left
/// under the final name (each fetch writes its own temporary file, and only a verified one is
/// renamed into place).
pub async fn fetch_verified(
	uri: &str,
	expected: &ContentHash,
	cache_dir: &Path,
	limits: &FetchLimits,
	progress: &ProgressBar,
) -> Result<PathBuf, ContentError> {
	tokio::fs::create_dir_all(cache_dir)
		.await
		.map_err(io(format!("creating {}", cache_dir.display())))?;
	let target = cached_path(cache_dir, expected);
	if tokio::fs::try_exists(&target).await.unwrap_or(false) {
		// Re-verify: a cache on disk can be damaged or edited.
		let (actual, _) = hash_file(&target, &ProgressBar::hidden()).await?;
		if &actual == expected {
			return Ok(target);
		}
		let _ = tokio::fs::remove_file(&target).await;
	}
	let partial =
		cache_dir.join(format!("{}{PARTIAL_MARKER}{}", hex_hash(expected), unique_suffix()));
	let outcome = download(uri, &partial, limits, progress).await;
	let actual = match outcome {
		Ok(actual) => actual,
		Err(e) => {
			let _ = tokio::fs::remove_file(&partial).await;
			return Err(e);
		},
	};
	if &actual != expected {
		let _ = tokio::fs::remove_file(&partial).await;
		return Err(ContentError::HashMismatch {
			uri: uri.to_string(),
			expected: *expected,
			actual,
		});
	}
	tokio::fs::rename(&partial, &target)
		.await
		.map_err(io(format!("moving into {}", target.display())))?;
	Ok(target)
}

/// Copies `uri` to `dest`, hashing on the way; returns the hash.
async fn download(
	uri: &str,
	dest: &Path,
	limits: &FetchLimits,
	progress: &ProgressBar,
) -> Result<ContentHash, ContentError> {
	let max_bytes = limits.max_bytes;
	let context = format!("writing {}", dest.display());
	let mut out = tokio::fs::OpenOptions::new()
		.write(true)
		.create_new(true)
		.open(dest)
		.await
		.map_err(io(context.clone()))?;
	let mut hasher = Hasher::default();
	let mut written = 0u64;
	let too_large = || ContentError::TooLarge { uri: uri.to_string(), limit: max_bytes };
	if let Some(path) = uri.strip_prefix("file://") {
		let not_allowed = || ContentError::FileNotAllowed(uri.to_string());
		let root = limits.file_root.as_ref().ok_or_else(not_allowed)?;
		let root = tokio::fs::canonicalize(root).await.map_err(|_| not_allowed())?;
		let real = tokio::fs::canonicalize(path).await.map_err(|_| not_allowed())?;
		let meta = tokio::fs::metadata(&real).await.map_err(|_| not_allowed())?;
		if !real.starts_with(&root) || !meta.is_file() {
			return Err(not_allowed());
		}
		let mut file = tokio::fs::File::open(&real).await.map_err(io(format!("opening {path}")))?;
		if let Ok(meta) = file.metadata().await {
			progress.set_length(meta.len());
		}
		let mut buf = vec![0u8; 256 * 1024];
		loop {
			let n = file.read(&mut buf).await.map_err(io(format!("reading {path}")))?;
			if n == 0 {
				break;
			}
			written += n as u64;
			if written > max_bytes {
				return Err(too_large());
			}
			hasher.update(&buf[..n]);
			out.write_all(&buf[..n]).await.map_err(io(context.clone()))?;
			progress.inc(n as u64);
		}
	} else if uri.starts_with("http://") {
		let fetch_error = |reason: String| ContentError::Fetch { uri: uri.to_string(), reason };
		let mut response = http::get(uri).await.map_err(|e| fetch_error(e.to_string()))?;
		if !response.status.is_success() {
			return Err(fetch_error(format!("HTTP {}", response.status)));
		}
		if let Some(len) = response.content_length {
			if len > max_bytes {
				return Err(too_large());
			}
			progress.set_length(len);
		}
		while let Some(chunk) =
			response.next_chunk().await.map_err(|e| fetch_error(e.to_string()))?
		{
			written += chunk.len() as u64;
			if written > max_bytes {
				return Err(too_large());
			}
			hasher.update(&chunk);
			out.write_all(&chunk).await.map_err(io(context.clone()))?;
			progress.inc(chunk.len() as u64);
		}
	} else {
		return Err(ContentError::UnsupportedUri(uri.to_string()));
	}
	out.flush().await.map_err(io(context.clone()))?;
	out.sync_all().await.map_err(io(context))?;
	progress.finish();
	Ok(hasher.finalize())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn blake2_256_matches_the_chain() {
		// blake2_256(b"") as computed by sp_crypto_hashing::blake2_256.
		assert_eq!(
			hex_hash(&hash_bytes(b"")),
			"0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
	}

	#[test]
	fn parses_hashes() {
		let hash = hash_bytes(b"deai");
		assert_eq!(parse_hash(&hex_hash(&hash)), Some(hash));
		assert_eq!(parse_hash("0x1234"), None);
		assert_eq!(parse_hash("zz"), None);
	}

	#[tokio::test]
	async fn file_fetch_is_verified_and_cached() {
		let dir = std::env::temp_dir().join(format!("deai-content-test-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).unwrap();
		let source = dir.join("model.bin");
		std::fs::write(&source, b"weights").unwrap();
		let uri = format!("file://{}", source.display());
		let cache = dir.join("cache");
		let expected = hash_bytes(b"weights");
		let limits = FetchLimits { max_bytes: 1024, file_root: Some(dir.clone()) };
		let path = fetch_verified(&uri, &expected, &cache, &limits, &ProgressBar::hidden())
			.await
			.unwrap();
		assert_eq!(std::fs::read(&path).unwrap(), b"weights");

		let wrong = hash_bytes(b"other");
		let err = fetch_verified(&uri, &wrong, &cache, &limits, &ProgressBar::hidden())
			.await
			.unwrap_err();
		assert!(matches!(err, ContentError::HashMismatch { actual, .. } if actual == expected));
		assert!(!cache.join(hex_hash(&wrong)).exists(), "nothing unverified is kept");

		let small = FetchLimits { max_bytes: 3, ..limits.clone() };
		let err =
			fetch_verified(&uri, &expected, &dir.join("small"), &small, &ProgressBar::hidden())
				.await
				.unwrap_err();
		assert!(matches!(err, ContentError::TooLarge { .. }));
		let err =
			fetch_verified("ftp://x", &expected, &dir.join("c2"), &limits, &ProgressBar::hidden())
				.await
				.unwrap_err();
		assert!(matches!(err, ContentError::UnsupportedUri(_)));
		// file:// only under the configured root, and only regular files.
		let outside = FetchLimits { max_bytes: 1024, file_root: Some(dir.join("cache")) };
		let err =
			fetch_verified(&uri, &expected, &dir.join("c3"), &outside, &ProgressBar::hidden())
				.await
				.unwrap_err();
		assert!(matches!(err, ContentError::FileNotAllowed(_)), "{err}");
		let none = FetchLimits::http_only(1024);
		assert!(!none.supports(&uri) && none.supports("http://x/y") && limits.supports(&uri));
		let err = fetch_verified(&uri, &expected, &dir.join("c4"), &none, &ProgressBar::hidden())
			.await
			.unwrap_err();
		assert!(matches!(err, ContentError::FileNotAllowed(_)));
		let escape = format!("file://{}/cache/../../../etc/hostname", dir.display());
		let err =
			fetch_verified(&escape, &expected, &dir.join("c5"), &limits, &ProgressBar::hidden())
				.await
				.unwrap_err();
		assert!(matches!(err, ContentError::FileNotAllowed(_)));
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
