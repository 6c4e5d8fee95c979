//! The worker's job book: what it did for each job, persisted (atomically) in
//! `<work_dir>/jobs.json`, so a restarted worker neither redoes nor double-submits work. The
//! chain stays the authority: before every submission the worker also checks the job's on-chain
//! assignment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the worker stands with a job.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
	/// A claim, bid or acceptance is on its way.
	Taking,
	/// Claimed or accepted: the job is ours to run once assigned.
	Taken,
	/// Bid placed: waiting for the auction.
	Bid,
	/// The result is computed and stored; not yet on chain.
	Computed,
	/// The result (or commitment) is on chain.
	Submitted,
	/// Redundant job: the commitment is on chain; the reveal is next.
	Committed,
	/// Redundant job: revealed.
	Revealed,
	/// Refused (the code in `failure_code`, the reason in `note`); the report is not on chain yet.
	Failed,
	/// The failure report is on chain; the job is left to end.
	Reported,
}

/// One job's entry.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
	/// The phase.
	pub phase: Phase,
	/// The result's hash (`0x…`), once computed.
	pub result_hash: Option<String>,
	/// Where the result is.
	pub result_uri: Option<String>,
	/// The commit-reveal salt (`0x…`), for redundant jobs: kept so a restarted worker can reveal.
	pub salt: Option<String>,
	/// Why it failed, or other notes.
	pub note: Option<String>,
	/// The failure code to report, once refused.
	#[serde(default)]
	pub failure_code: Option<u16>,
	/// Fetch attempts that failed for transient reasons.
	#[serde(default)]
	pub transient_failures: u32,
}

impl Entry {
	/// A fresh entry in `phase`.
	pub fn new(phase: Phase) -> Self {
		Self {
			phase,
			result_hash: None,
			result_uri: None,
			salt: None,
			note: None,
			failure_code: None,
			transient_failures: 0,
		}
	}
}

/// The book.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Book {
	/// Jobs being worked on, by id.
	pub jobs: BTreeMap<u64, Entry>,
	/// Jobs looked at and passed over (with the reason), so they are not reconsidered.
	pub skipped: BTreeMap<u64, String>,
	#[serde(skip)]
	path: PathBuf,
}

impl Book {
	/// Loads the book at `path` (empty when absent).
	pub fn load(path: &Path) -> anyhow::Result<Self> {
		let mut book = match std::fs::read(path) {
			Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
				anyhow::anyhow!("{} is damaged ({e}); move it away to start afresh", path.display())
			})?,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Book::default(),
			Err(e) => return Err(anyhow::anyhow!("reading {}: {e}", path.display())),
		};
		book.path = path.to_path_buf();
		Ok(book)
	}

	/// Writes it durably: to a temporary file, synced, renamed over the old one, and the
	/// directory synced (the commit-reveal salts must survive a crash or a power loss).
	pub fn save(&self) -> anyhow::Result<()> {
		use std::io::Write;
		let tmp = self.path.with_extension("json.tmp");
		let mut file = std::fs::File::create(&tmp)?;
		file.write_all(&serde_json::to_vec_pretty(self)?)?;
		file.sync_all()?;
		std::fs::rename(&tmp, &self.path)?;
		if let Some(dir) = self.path.parent() {
			std::fs::File::open(dir)?.sync_all()?;
		}
		Ok(())
	}

	/// Forgets skipped jobs below `id` (they are long closed).
	pub fn prune_skipped_below(&mut self, id: u64) {
		self.skipped = self.skipped.split_off(&id);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn round_trips_through_the_file() {
		let dir = std::env::temp_dir().join(format!("deai-book-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("jobs.json");
		let mut book = Book::load(&path).unwrap();
		assert!(book.jobs.is_empty());
		let mut entry = Entry::new(Phase::Computed);
		entry.salt = Some("0x01".into());
		book.jobs.insert(7, entry.clone());
		book.skipped.insert(3, "price too low".into());
		book.skipped.insert(9, "not ONNX".into());
		book.save().unwrap();
		let mut again = Book::load(&path).unwrap();
		assert_eq!(again.jobs.get(&7), Some(&entry));
		again.prune_skipped_below(5);
		assert_eq!(again.skipped.keys().copied().collect::<Vec<_>>(), vec![9]);
		std::fs::write(&path, b"{").unwrap();
		assert!(Book::load(&path).is_err());
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
