//! The worker's job book: what it did for each job, persisted (atomically) in
//! `<work_dir>/jobs.json`, so a restarted worker neither redoes nor double-submits work. The
//! chain stays the authority: before every submission the worker also checks the job's on-chain
//! assignment.
//!
//! In memory each job is a [`Phase`] carrying what that phase needs (the result, the salt, the
//! refusal). On disk it is still the flat record of the first releases (a phase name and
//! optional fields, see [`Record`]), so books written by any version load, and this version's
//! books load in older ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use deai_abi::{failure_code, Hash32};
use deai_client::content::{hex_hash, parse_hash};
use serde::{Deserialize, Serialize};

/// A result the worker computed and stored: its hash and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
	/// Its content hash.
	pub hash: Hash32,
	/// Where it is (the content store's URI).
	pub uri: String,
}

/// A job the worker refuses: the code it reports on chain and the message it logged (the chain
/// gets the message's hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
	/// A [`deai_abi::failure_code`].
	pub code: u16,
	/// Why.
	pub note: String,
}

/// Where the worker stands with a job, with what the next step needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Record", into = "Record")]
pub enum Phase {
	/// A claim, bid or acceptance is on its way.
	Taking,
	/// Bid placed: waiting for the auction.
	Bid,
	/// Claimed, accepted or won: the job is ours to run once assigned.
	Taken {
		/// Work attempts that failed for transient reasons (fetches, the node, the store).
		transient_failures: u32,
	},
	/// The result is computed and stored; not yet on chain.
	Computed {
		/// The result.
		result: Stored,
		/// A redundant job's commit-reveal salt, kept so a restarted worker can reveal (made
		/// when committing if missing; `None` for single-provider jobs).
		salt: Option<Hash32>,
	},
	/// Redundant job: the commitment is on chain; the reveal is next.
	Committed {
		/// The result committed to.
		result: Stored,
		/// Its salt.
		salt: Hash32,
	},
	/// The result is on chain and nothing more is to be sent: a single provider's result, or
	/// a redundant job's commitment the book cannot open (its result or salt was never
	/// recorded). `result` is `None` when the chain showed it before the book did.
	Submitted {
		/// The result, when the book has it.
		result: Option<Stored>,
	},
	/// Redundant job: revealed.
	Revealed {
		/// The result, when the book has it.
		result: Option<Stored>,
	},
	/// Refused; the report is not on chain yet.
	Failed(Refusal),
	/// The failure report is on chain; the job is left to end.
	Reported(Refusal),
}

impl Phase {
	/// The result the worker stored for this job, if any.
	pub fn result(&self) -> Option<&Stored> {
		match self {
			Phase::Computed { result, .. } | Phase::Committed { result, .. } => Some(result),
			Phase::Submitted { result } | Phase::Revealed { result } => result.as_ref(),
			_ => None,
		}
	}
}

/// The book.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Book {
	/// Jobs being worked on, by id.
	pub jobs: BTreeMap<u64, Phase>,
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

/// One job as `jobs.json` holds it: the phase's name and the fields the phases use, hashes as
/// `0x…` hex. Unchanged since the first release.
#[derive(Serialize, Deserialize)]
struct Record {
	phase: PhaseName,
	result_hash: Option<String>,
	result_uri: Option<String>,
	salt: Option<String>,
	note: Option<String>,
	#[serde(default)]
	failure_code: Option<u16>,
	#[serde(default)]
	transient_failures: u32,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PhaseName {
	Taking,
	Taken,
	Bid,
	Computed,
	Submitted,
	Committed,
	Revealed,
	Failed,
	Reported,
}

fn hash(field: &str, text: &str) -> Result<Hash32, String> {
	parse_hash(text).ok_or_else(|| format!("`{field}` is not a 32-byte hex hash: `{text}`"))
}

impl Record {
	/// The stored result, if the record names one.
	fn result(&self) -> Result<Option<Stored>, String> {
		match (&self.result_hash, &self.result_uri) {
			(Some(text), Some(uri)) => {
				Ok(Some(Stored { hash: hash("result_hash", text)?, uri: uri.clone() }))
			},
			(Some(_), None) => Err("a `result_hash` without its `result_uri`".into()),
			(None, _) => Ok(None),
		}
	}

	fn salt(&self) -> Result<Option<Hash32>, String> {
		self.salt.as_deref().map(|text| hash("salt", text)).transpose()
	}

	fn refusal(&self) -> Refusal {
		Refusal {
			code: self.failure_code.unwrap_or(failure_code::INFERENCE_FAILED),
			note: self.note.clone().unwrap_or_default(),
		}
	}
}

impl TryFrom<Record> for Phase {
	type Error = String;

	fn try_from(record: Record) -> Result<Self, String> {
		Ok(match record.phase {
			PhaseName::Taking => Phase::Taking,
			PhaseName::Bid => Phase::Bid,
			PhaseName::Taken => Phase::Taken { transient_failures: record.transient_failures },
			PhaseName::Computed => Phase::Computed {
				result: record.result()?.ok_or("a `computed` job without its `result_hash`")?,
				salt: record.salt()?,
			},
			PhaseName::Committed => match (record.result()?, record.salt()?) {
				(Some(result), Some(salt)) => Phase::Committed { result, salt },
				// Recorded from the chain after a lost step: nothing to reveal with.
				(result, _) => Phase::Submitted { result },
			},
			PhaseName::Submitted => Phase::Submitted { result: record.result()? },
			PhaseName::Revealed => Phase::Revealed { result: record.result()? },
			PhaseName::Failed => Phase::Failed(record.refusal()),
			PhaseName::Reported => Phase::Reported(record.refusal()),
		})
	}
}

impl From<Phase> for Record {
	fn from(phase: Phase) -> Self {
		let mut record = Record {
			phase: PhaseName::Taking,
			result_hash: None,
			result_uri: None,
			salt: None,
			note: None,
			failure_code: None,
			transient_failures: 0,
		};
		let result = |record: &mut Record, stored: Option<Stored>| {
			if let Some(stored) = stored {
				record.result_hash = Some(hex_hash(&stored.hash));
				record.result_uri = Some(stored.uri);
			}
		};
		let refusal = |record: &mut Record, refusal: Refusal| {
			record.failure_code = Some(refusal.code);
			record.note = Some(refusal.note);
		};
		record.phase = match phase {
			Phase::Taking => PhaseName::Taking,
			Phase::Bid => PhaseName::Bid,
			Phase::Taken { transient_failures } => {
				record.transient_failures = transient_failures;
				PhaseName::Taken
			},
			Phase::Computed { result: stored, salt } => {
				result(&mut record, Some(stored));
				record.salt = salt.as_ref().map(hex_hash);
				PhaseName::Computed
			},
			Phase::Committed { result: stored, salt } => {
				result(&mut record, Some(stored));
				record.salt = Some(hex_hash(&salt));
				PhaseName::Committed
			},
			Phase::Submitted { result: stored } => {
				result(&mut record, stored);
				PhaseName::Submitted
			},
			Phase::Revealed { result: stored } => {
				result(&mut record, stored);
				PhaseName::Revealed
			},
			Phase::Failed(r) => {
				refusal(&mut record, r);
				PhaseName::Failed
			},
			Phase::Reported(r) => {
				refusal(&mut record, r);
				PhaseName::Reported
			},
		};
		record
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp_path(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("deai-book-{name}-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		dir.join("jobs.json")
	}

	fn stored(byte: u8) -> Stored {
		Stored { hash: [byte; 32], uri: format!("http://store/content/{byte}") }
	}

	#[test]
	fn round_trips_through_the_file() {
		let path = temp_path("round-trip");
		let mut book = Book::load(&path).unwrap();
		assert!(book.jobs.is_empty());
		let phases = [
			Phase::Taking,
			Phase::Bid,
			Phase::Taken { transient_failures: 2 },
			Phase::Computed { result: stored(1), salt: Some([9; 32]) },
			Phase::Computed { result: stored(2), salt: None },
			Phase::Committed { result: stored(3), salt: [8; 32] },
			Phase::Submitted { result: Some(stored(4)) },
			Phase::Submitted { result: None },
			Phase::Revealed { result: Some(stored(5)) },
			Phase::Failed(Refusal { code: 1, note: "model: hash mismatch".into() }),
			Phase::Reported(Refusal { code: 5, note: "timed out".into() }),
		];
		for (id, phase) in phases.iter().enumerate() {
			book.jobs.insert(id as u64, phase.clone());
		}
		book.skipped.insert(3, "price too low".into());
		book.skipped.insert(90, "not ONNX".into());
		book.save().unwrap();
		let mut again = Book::load(&path).unwrap();
		assert_eq!(again.jobs.values().cloned().collect::<Vec<_>>(), phases);
		again.prune_skipped_below(50);
		assert_eq!(again.skipped.keys().copied().collect::<Vec<_>>(), vec![90]);
		std::fs::write(&path, b"{").unwrap();
		assert!(Book::load(&path).is_err());
		std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
	}

	#[test]
	fn reads_and_writes_the_first_releases_format() {
		// As the first releases wrote it (every field, `null`s included).
		let old = r#"{
  "jobs": {
    "1": { "phase": "taken", "result_hash": null, "result_uri": null, "salt": null,
           "note": null, "failure_code": null, "transient_failures": 1 },
    "2": { "phase": "committed",
           "result_hash": "0x0101010101010101010101010101010101010101010101010101010101010101",
           "result_uri": "http://store/content/1",
           "salt": "0x0909090909090909090909090909090909090909090909090909090909090909",
           "note": null, "failure_code": null, "transient_failures": 0 },
    "3": { "phase": "failed", "result_hash": null, "result_uri": null, "salt": null,
           "note": "input: hash mismatch", "failure_code": 2, "transient_failures": 0 },
    "4": { "phase": "committed", "result_hash": null, "result_uri": null, "salt": null,
           "note": null }
  },
  "skipped": { "0": "price too low" }
}"#;
		let path = temp_path("old-format");
		std::fs::write(&path, old).unwrap();
		let book = Book::load(&path).unwrap();
		assert_eq!(book.jobs[&1], Phase::Taken { transient_failures: 1 });
		assert_eq!(
			book.jobs[&2],
			Phase::Committed {
				result: Stored { hash: [1; 32], uri: "http://store/content/1".into() },
				salt: [9; 32]
			}
		);
		assert_eq!(
			book.jobs[&3],
			Phase::Failed(Refusal { code: 2, note: "input: hash mismatch".into() })
		);
		// A commitment recorded from the chain with nothing to reveal: nothing more to send.
		assert_eq!(book.jobs[&4], Phase::Submitted { result: None });
		// Written back, the complete records are what the old worker wrote.
		book.save().unwrap();
		let written: serde_json::Value =
			serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
		let expected: serde_json::Value = serde_json::from_str(old).unwrap();
		for id in ["1", "2", "3"] {
			assert_eq!(written["jobs"][id], expected["jobs"][id], "job {id}");
		}
		assert_eq!(written["skipped"], expected["skipped"]);
		std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
	}

	#[test]
	fn a_record_missing_what_its_phase_needs_is_named() {
		let parse = |json: &str| serde_json::from_str::<Phase>(json).unwrap_err().to_string();
		assert!(parse(r#"{"phase": "computed"}"#)
			.contains("a `computed` job without its `result_hash`"));
		assert!(parse(r#"{"phase": "computed", "result_hash": "0x01", "result_uri": "u"}"#)
			.contains("`result_hash` is not a 32-byte hex hash: `0x01`"));
		assert!(parse(r#"{"phase": "submitted", "result_hash": "0x01"}"#)
			.contains("without its `result_uri`"));
		assert!(parse(r#"{"phase": "thinking"}"#).contains("unknown variant `thinking`"));
	}
}
