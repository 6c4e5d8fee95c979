//! What the worker does next with a job in its book: pure functions of the book's [`Phase`] and
//! what the chain shows, tested without a chain. The agent reads the chain, asks
//! [`next_step`], and does the step; after a work attempt it records [`after_work`].
//!
//! The chain is the authority: work starts only when the chain shows the job assigned to this
//! provider, a result or commitment goes out only when the chain shows none from it yet, a
//! reveal only when the job is revealing, a failure report only once the job is assigned.

use deai_abi::{failure_code, Hash32};
use deai_client::chain::api;

use api::runtime_types::pallet_compute_market::types::{Job, JobStatus, VerificationMode};
use deai_client::subxt::utils::AccountId32;

use crate::book::{Phase, Refusal, Stored};

/// Transient work failures tolerated before a job is refused (code 3, fetch failed).
pub const MAX_TRANSIENT_FAILURES: u32 = 3;

/// A booked job, as the chain shows it at a block.
#[derive(Clone, Debug)]
pub enum Seen {
	/// Not posted yet at this block (the book is ahead of it).
	NotYetPosted,
	/// Ended (its receipt, while kept, says how).
	Ended,
	/// Open or running.
	Live(JobView),
}

/// A live job, as the next step depends on it.
#[derive(Clone, Debug)]
pub struct JobView {
	/// Where it stands.
	pub status: JobStatus,
	/// Commit-reveal redundancy.
	pub redundant: bool,
	/// This provider's assignment, when it has one.
	pub mine: Option<Mine>,
}

impl JobView {
	/// What the next step reads of `job`, for provider `me`.
	pub fn of(job: &Job, me: &AccountId32) -> Self {
		Self {
			status: job.status.clone(),
			redundant: matches!(job.spec.verification, VerificationMode::Redundant { .. }),
			mine: job
				.assignments
				.0
				.iter()
				.find(|a| &a.provider == me)
				.map(|a| Mine { committed: a.commitment.is_some(), result: a.result.is_some() }),
		}
	}
}

/// This provider's assignment in a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mine {
	/// Its commitment is on chain.
	pub committed: bool,
	/// Its result is on chain (submitted or revealed).
	pub result: bool,
}

/// The next thing to do for a booked job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
	/// Nothing this block.
	Wait,
	/// The job ended: report how, and drop it from the book.
	Ended,
	/// Other providers got it: drop it from the book.
	AssignedToOthers,
	/// Record a phase the chain shows the book missed (a restart lost its last step).
	Record(Phase),
	/// The job is ours and not done: record `Taken` (with the failures so far) and run it.
	Work {
		/// Transient failures of earlier attempts.
		transient_failures: u32,
	},
	/// Submit the result (a single-provider job).
	Submit(Stored),
	/// Commit to the result (a redundant job), with the book's salt or a new one saved first.
	Commit {
		/// The result.
		result: Stored,
		/// The salt the book holds.
		salt: Option<Hash32>,
	},
	/// Reveal the committed result.
	Reveal {
		/// The result.
		result: Stored,
		/// Its salt.
		salt: Hash32,
	},
	/// Report the refusal on chain.
	Report(Refusal),
}

/// The next step for a job the book has in `phase`, as the chain shows it.
pub fn next_step(phase: &Phase, seen: &Seen) -> Step {
	let job = match seen {
		Seen::NotYetPosted => return Step::Wait,
		Seen::Ended => return Step::Ended,
		Seen::Live(job) => job,
	};
	let Some(mine) = job.mine else {
		return if matches!(job.status, JobStatus::Open | JobStatus::Drawing) {
			Step::Wait // a bid pending, or a claim not final yet
		} else {
			Step::AssignedToOthers
		};
	};
	let assigned = matches!(job.status, JobStatus::Assigned);
	let revealing = matches!(job.status, JobStatus::Revealing);
	match phase {
		// The chain takes the report once the job is assigned (a redundant job may still be
		// filling).
		Phase::Failed(refusal) if !mine.result && (assigned || revealing) => {
			Step::Report(refusal.clone())
		},
		Phase::Failed(_) | Phase::Reported(_) => Step::Wait,
		Phase::Taking | Phase::Bid | Phase::Taken { .. } => {
			if mine.result || mine.committed {
				// Already on chain, but the book never had the result: nothing to send.
				Step::Record(Phase::Submitted { result: None })
			} else {
				let transient_failures = match phase {
					Phase::Taken { transient_failures } => *transient_failures,
					_ => 0,
				};
				Step::Work { transient_failures }
			}
		},
		Phase::Computed { result, salt } => {
			if mine.result {
				Step::Record(Phase::Submitted { result: Some(result.clone()) })
			} else if mine.committed {
				Step::Record(match salt {
					Some(salt) => Phase::Committed { result: result.clone(), salt: *salt },
					None => Phase::Submitted { result: Some(result.clone()) },
				})
			} else if !assigned {
				Step::Wait
			} else if job.redundant {
				Step::Commit { result: result.clone(), salt: *salt }
			} else {
				Step::Submit(result.clone())
			}
		},
		Phase::Committed { result, .. } if mine.result => {
			Step::Record(Phase::Revealed { result: Some(result.clone()) })
		},
		Phase::Committed { result, salt } if revealing => {
			Step::Reveal { result: result.clone(), salt: *salt }
		},
		Phase::Submitted { result } if job.redundant && mine.result => {
			Step::Record(Phase::Revealed { result: result.clone() })
		},
		Phase::Committed { .. } | Phase::Submitted { .. } | Phase::Revealed { .. } => Step::Wait,
	}
}

/// How a work attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Worked {
	/// The result is computed and stored.
	Done(Stored),
	/// Worth retrying (network, node, store); the message.
	Transient(String),
	/// The job cannot be done as posted.
	Refused(Refusal),
}

/// The phase after a work attempt, for a job that had `transient_failures` before it; `salt`
/// is a fresh commit-reveal salt for a redundant job.
pub fn after_work(transient_failures: u32, worked: Worked, salt: Option<Hash32>) -> Phase {
	match worked {
		Worked::Done(result) => Phase::Computed { result, salt },
		Worked::Transient(message) if transient_failures + 1 >= MAX_TRANSIENT_FAILURES => {
			Phase::Failed(Refusal { code: failure_code::FETCH_FAILED, note: message })
		},
		Worked::Transient(_) => Phase::Taken { transient_failures: transient_failures + 1 },
		Worked::Refused(refusal) => Phase::Failed(refusal),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use JobStatus::*;

	fn stored() -> Stored {
		Stored { hash: [7; 32], uri: "http://store/content/7".into() }
	}

	fn refusal() -> Refusal {
		Refusal { code: failure_code::MODEL_HASH_MISMATCH, note: "model: hash mismatch".into() }
	}

	fn live(status: JobStatus, redundant: bool, mine: Option<(bool, bool)>) -> Seen {
		Seen::Live(JobView {
			status,
			redundant,
			mine: mine.map(|(committed, result)| Mine { committed, result }),
		})
	}

	/// Assigned to this provider, nothing of it on chain yet.
	fn mine_fresh(status: JobStatus, redundant: bool) -> Seen {
		live(status, redundant, Some((false, false)))
	}

	#[test]
	fn follows_the_job_out_of_existence() {
		for phase in [Phase::Taking, Phase::Computed { result: stored(), salt: None }] {
			assert_eq!(next_step(&phase, &Seen::NotYetPosted), Step::Wait);
			assert_eq!(next_step(&phase, &Seen::Ended), Step::Ended);
		}
	}

	#[test]
	fn waits_while_matching_and_lets_go_when_others_got_it() {
		for status in [Open, Drawing] {
			assert_eq!(next_step(&Phase::Bid, &live(status, false, None)), Step::Wait);
		}
		for status in [Assigned, Revealing, Submitted, Disputed] {
			assert_eq!(
				next_step(&Phase::Taking, &live(status, false, None)),
				Step::AssignedToOthers
			);
		}
	}

	#[test]
	fn works_once_the_chain_shows_the_job_assigned_to_it() {
		for phase in [Phase::Taking, Phase::Bid] {
			assert_eq!(
				next_step(&phase, &mine_fresh(Assigned, false)),
				Step::Work { transient_failures: 0 }
			);
		}
		assert_eq!(
			next_step(&Phase::Taken { transient_failures: 2 }, &mine_fresh(Open, true)),
			Step::Work { transient_failures: 2 },
			"a redundant job's claimer works while it fills"
		);
	}

	#[test]
	fn records_what_the_chain_has_when_the_book_missed_it() {
		for mine in [(true, false), (false, true), (true, true)] {
			assert_eq!(
				next_step(
					&Phase::Taken { transient_failures: 0 },
					&live(Assigned, true, Some(mine))
				),
				Step::Record(Phase::Submitted { result: None }),
				"nothing resent, nothing redone"
			);
		}
	}

	#[test]
	fn submits_a_single_result_once_assigned_and_never_twice() {
		let computed = Phase::Computed { result: stored(), salt: None };
		assert_eq!(next_step(&computed, &mine_fresh(Assigned, false)), Step::Submit(stored()));
		assert_eq!(
			next_step(&computed, &live(Submitted, false, Some((false, true)))),
			Step::Record(Phase::Submitted { result: Some(stored()) })
		);
		let submitted = Phase::Submitted { result: Some(stored()) };
		assert_eq!(next_step(&submitted, &live(Submitted, false, Some((false, true)))), Step::Wait);
	}

	#[test]
	fn commits_then_reveals_a_redundant_result() {
		let computed = Phase::Computed { result: stored(), salt: Some([1; 32]) };
		assert_eq!(
			next_step(&computed, &mine_fresh(Assigned, true)),
			Step::Commit { result: stored(), salt: Some([1; 32]) }
		);
		assert_eq!(
			next_step(
				&Phase::Computed { result: stored(), salt: None },
				&mine_fresh(Assigned, true)
			),
			Step::Commit { result: stored(), salt: None },
			"a salt is made (and saved) when committing"
		);
		assert_eq!(next_step(&computed, &mine_fresh(Open, true)), Step::Wait, "still filling");
		let committed_on_chain = live(Assigned, true, Some((true, false)));
		assert_eq!(
			next_step(&computed, &committed_on_chain),
			Step::Record(Phase::Committed { result: stored(), salt: [1; 32] }),
			"a commitment that landed before a crash is recognised, not resent"
		);
		let committed = Phase::Committed { result: stored(), salt: [1; 32] };
		assert_eq!(next_step(&committed, &committed_on_chain), Step::Wait, "others still commit");
		assert_eq!(
			next_step(&committed, &live(Revealing, true, Some((true, false)))),
			Step::Reveal { result: stored(), salt: [1; 32] }
		);
		assert_eq!(
			next_step(&committed, &live(Revealing, true, Some((true, true)))),
			Step::Record(Phase::Revealed { result: Some(stored()) })
		);
		let revealed = Phase::Revealed { result: Some(stored()) };
		assert_eq!(next_step(&revealed, &live(Submitted, true, Some((true, true)))), Step::Wait);
	}

	#[test]
	fn a_commitment_it_cannot_open_is_never_revealed() {
		let lost = Phase::Submitted { result: None };
		assert_eq!(next_step(&lost, &live(Revealing, true, Some((true, false)))), Step::Wait);
	}

	#[test]
	fn reports_a_refusal_once_assigned_until_the_chain_has_it() {
		let failed = Phase::Failed(refusal());
		assert_eq!(next_step(&failed, &mine_fresh(Open, true)), Step::Wait, "still filling");
		for status in [Assigned, Revealing] {
			assert_eq!(next_step(&failed, &mine_fresh(status, true)), Step::Report(refusal()));
		}
		assert_eq!(next_step(&failed, &live(Submitted, false, Some((false, true)))), Step::Wait);
		assert_eq!(
			next_step(&Phase::Reported(refusal()), &mine_fresh(Assigned, false)),
			Step::Wait
		);
	}

	#[test]
	fn transient_failures_become_a_refusal_on_the_third() {
		assert_eq!(
			after_work(0, Worked::Transient("store down".into()), None),
			Phase::Taken { transient_failures: 1 }
		);
		assert_eq!(
			after_work(1, Worked::Transient("store down".into()), None),
			Phase::Taken { transient_failures: 2 }
		);
		assert_eq!(
			after_work(2, Worked::Transient("store down".into()), None),
			Phase::Failed(Refusal { code: failure_code::FETCH_FAILED, note: "store down".into() })
		);
		assert_eq!(after_work(0, Worked::Refused(refusal()), None), Phase::Failed(refusal()));
		assert_eq!(
			after_work(2, Worked::Done(stored()), Some([3; 32])),
			Phase::Computed { result: stored(), salt: Some([3; 32]) }
		);
	}
}
