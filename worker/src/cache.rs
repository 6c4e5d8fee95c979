//! The worker's artifact cache: verified models and inputs by content hash, kept under a size
//! cap.
//!
//! Models are reused across jobs, inputs mostly are not, so a job's input is dropped when its
//! work ends and the least recently used files are removed once the cache is over
//! `cache_max_mib`. Files a running job holds (a [`Hold`], taken before the fetch, so the file
//! cannot go between its verification and the inference child reading it) are never removed.
//! Temporary files of fetches under way are left alone; ones untouched for
//! [`STALE_PARTIAL`] are leftovers of a crash and go.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use deai_client::content::{self, ContentHash, PARTIAL_MARKER};

/// A fetch's temporary file untouched this long was left by a crash (downloads that stall for
/// 30 s are abandoned).
pub const STALE_PARTIAL: Duration = Duration::from_secs(3600);

/// The cache directory, its cap, and the files running jobs hold.
pub struct ArtifactCache {
	dir: PathBuf,
	max_bytes: u64,
	held: Mutex<HashMap<PathBuf, usize>>,
}

/// A running job's claim on a cached file: it is not removed while held.
pub struct Hold {
	cache: Arc<ArtifactCache>,
	path: PathBuf,
}

impl Drop for Hold {
	fn drop(&mut self) {
		let mut held = self.cache.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if let Some(count) = held.get_mut(&self.path) {
			*count -= 1;
			if *count == 0 {
				held.remove(&self.path);
			}
		}
	}
}

/// What a [`ArtifactCache::prune`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
	/// Files removed.
	pub removed: usize,
	/// Their bytes.
	pub removed_bytes: u64,
	/// Bytes left in the cache.
	pub kept_bytes: u64,
}

impl ArtifactCache {
	/// The cache in `dir`, capped at `max_bytes`.
	pub fn new(dir: PathBuf, max_bytes: u64) -> Arc<Self> {
		Arc::new(Self { dir, max_bytes, held: Mutex::new(HashMap::new()) })
	}

	/// The cache directory.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// Holds the file for `hash` (whether or not it is there yet) until the [`Hold`] is dropped,
	/// and marks it as just used.
	pub fn hold(self: &Arc<Self>, hash: &ContentHash) -> Hold {
		let path = content::cached_path(&self.dir, hash);
		*self
			.held
			.lock()
			.unwrap_or_else(|poisoned| poisoned.into_inner())
			.entry(path.clone())
			.or_default() += 1;
		// Recency for the eviction order; a file not fetched yet gets its time when written.
		let _ = std::fs::File::options()
			.write(true)
			.open(&path)
			.and_then(|file| file.set_modified(SystemTime::now()));
		Hold { cache: self.clone(), path }
	}

	/// Removes the file for `hash` unless a job holds it (a job's input, once its work ended).
	pub fn discard(&self, hash: &ContentHash) {
		let path = content::cached_path(&self.dir, hash);
		let held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if !held.contains_key(&path) {
			let _ = std::fs::remove_file(&path);
		}
	}

	/// Removes stale temporary files, then the least recently used files nobody holds until the
	/// cache is within its cap.
	pub fn prune(&self) -> std::io::Result<Pruned> {
		let held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let now = SystemTime::now();
		let mut pruned = Pruned::default();
		let mut files = Vec::new();
		for entry in std::fs::read_dir(&self.dir)? {
			let entry = entry?;
			let meta = entry.metadata()?;
			if !meta.is_file() {
				continue;
			}
			let path = entry.path();
			let modified = meta.modified().unwrap_or(now);
			if entry.file_name().to_string_lossy().contains(PARTIAL_MARKER) {
				let age = now.duration_since(modified).unwrap_or_default();
				if age > STALE_PARTIAL && std::fs::remove_file(&path).is_ok() {
					pruned.removed += 1;
					pruned.removed_bytes += meta.len();
				} else {
					pruned.kept_bytes += meta.len();
				}
				continue;
			}
			pruned.kept_bytes += meta.len();
			if !held.contains_key(&path) {
				files.push((modified, meta.len(), path));
			}
		}
		files.sort();
		for (_, size, path) in files {
			if pruned.kept_bytes <= self.max_bytes {
				break;
			}
			if std::fs::remove_file(&path).is_ok() {
				pruned.removed += 1;
				pruned.removed_bytes += size;
				pruned.kept_bytes -= size;
			}
		}
		Ok(pruned)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn cache(name: &str, max_bytes: u64) -> Arc<ArtifactCache> {
		let dir = std::env::temp_dir().join(format!("deai-cache-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).unwrap();
		ArtifactCache::new(dir, max_bytes)
	}

	/// Writes `size` bytes for `hash`, last modified `age` ago.
	fn put(cache: &ArtifactCache, hash: &ContentHash, size: usize, age: Duration) -> PathBuf {
		let path = content::cached_path(cache.dir(), hash);
		std::fs::write(&path, vec![0u8; size]).unwrap();
		let file = std::fs::File::options().write(true).open(&path).unwrap();
		file.set_modified(SystemTime::now() - age).unwrap();
		path
	}

	#[test]
	fn removes_the_least_recently_used_until_within_the_cap() {
		let cache = cache("lru", 250);
		let old = put(&cache, &[1; 32], 100, Duration::from_secs(300));
		let middle = put(&cache, &[2; 32], 100, Duration::from_secs(200));
		let recent = put(&cache, &[3; 32], 100, Duration::from_secs(100));
		assert_eq!(
			cache.prune().unwrap(),
			Pruned { removed: 1, removed_bytes: 100, kept_bytes: 200 }
		);
		assert!(!old.exists() && middle.exists() && recent.exists());
		// Using a file makes it the most recent.
		drop(cache.hold(&[2; 32]));
		put(&cache, &[4; 32], 100, Duration::from_secs(50));
		cache.prune().unwrap();
		assert!(middle.exists() && !recent.exists());
		std::fs::remove_dir_all(cache.dir()).unwrap();
	}

	#[test]
	fn held_files_stay_whatever_the_cap() {
		let cache = cache("held", 0);
		let model = put(&cache, &[1; 32], 100, Duration::from_secs(300));
		let input = put(&cache, &[2; 32], 10, Duration::from_secs(10));
		let hold = cache.hold(&[1; 32]);
		let second = cache.hold(&[1; 32]);
		assert_eq!(
			cache.prune().unwrap(),
			Pruned { removed: 1, removed_bytes: 10, kept_bytes: 100 }
		);
		assert!(model.exists() && !input.exists());
		drop(hold);
		cache.discard(&[1; 32]);
		assert!(model.exists(), "still held by the second job");
		drop(second);
		cache.discard(&[1; 32]);
		assert!(!model.exists());
		std::fs::remove_dir_all(cache.dir()).unwrap();
	}

	#[test]
	fn only_stale_temporary_files_go() {
		let cache = cache("partial", 0);
		let fresh = cache.dir().join(format!("0x01{PARTIAL_MARKER}1-0"));
		let stale = cache.dir().join(format!("0x02{PARTIAL_MARKER}1-1"));
		std::fs::write(&fresh, b"downloading").unwrap();
		std::fs::write(&stale, b"crashed").unwrap();
		let file = std::fs::File::options().write(true).open(&stale).unwrap();
		file.set_modified(SystemTime::now() - STALE_PARTIAL - Duration::from_secs(1))
			.unwrap();
		let pruned = cache.prune().unwrap();
		assert_eq!((pruned.removed, pruned.removed_bytes), (1, 7));
		assert!(fresh.exists() && !stale.exists());
		std::fs::remove_dir_all(cache.dir()).unwrap();
	}
}
