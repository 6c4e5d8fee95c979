//! The phase-end queue: each task in progress has one entry, at the block its phase (or its
//! wait for members) ends. `on_initialize` handles the due entries in block order, at most
//! `MaxPhaseEndsPerBlock` a block; the rest carry over, so a crowded block delays phases by a
//! block or two and never fails anyone's call.

use crate::{pallet::*, types::*, weights::WeightInfo};
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};

/// The most empty blocks the cursor skips in one `on_initialize` (each costs a read); behind by
/// more, it catches up over the next blocks.
const MAX_EMPTY_BLOCKS_SKIPPED: u32 = 16;

/// Blocks between the last action of a phase and its early end when that end draws
/// randomness: the relay randomness a block's hook uses was noted in the block before and was
/// public from the one before that (and the collators' randomness of a dev chain mixes the
/// hashes of the blocks up to two before it): neither could be known by the last to act.
const RANDOMNESS_LOOKAHEAD: u32 = 3;

impl<T: Config> Pallet<T> {
	/// Queues `task`'s phase end at block `at`.
	pub(crate) fn schedule(at: BlockNumberFor<T>, task: TaskId) {
		if ScheduledPhaseEnds::<T>::get() == 0 {
			// An empty queue: the cursor starts at the current block.
			PhaseCursor::<T>::put(frame_system::Pallet::<T>::block_number());
		}
		PhaseEnds::<T>::insert(at, task, ());
		ScheduledPhaseEnds::<T>::mutate(|n| *n = n.saturating_add(1));
	}

	/// Removes `task`'s phase end queued at `at`.
	pub(crate) fn unschedule(at: BlockNumberFor<T>, task: TaskId) {
		if PhaseEnds::<T>::take(at, task).is_some() {
			ScheduledPhaseEnds::<T>::mutate(|n| *n = n.saturating_sub(1));
		}
	}

	/// Moves `task`'s phase end sooner (everyone acted early): to the next block, or, when the
	/// phase's end draws randomness (the evaluation rows after the reveals of updates, the next
	/// round's members after the reveals of scores), to the third block from now, whose
	/// randomness (block hashes up to the one after this) the last member to act could not know.
	/// The entry moves within the queue: its count and cursor stay (the cursor is at most the
	/// current block).
	pub(crate) fn end_phase_early(task_id: TaskId, task: &mut TrainingTask<T>) {
		let draws = matches!(
			task.status,
			TaskStatus::Running { phase: Phase::RevealUpdates | Phase::RevealScores, .. }
		);
		let ahead: u32 = if draws { RANDOMNESS_LOOKAHEAD } else { 1 };
		let next = frame_system::Pallet::<T>::block_number().saturating_add(ahead.into());
		if let TaskStatus::Running { phase, ends_at } = task.status {
			if ends_at > next {
				PhaseEnds::<T>::remove(ends_at, task_id);
				PhaseEnds::<T>::insert(next, task_id, ());
				task.status = TaskStatus::Running { phase, ends_at: next };
			}
		}
	}

	/// Handles the phase ends due by `now`. Returns the weight used.
	pub(crate) fn end_due_phases(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let mut weight = db.reads(1);
		if ScheduledPhaseEnds::<T>::get() == 0 {
			return weight;
		}
		let mut cursor = PhaseCursor::<T>::get();
		let mut handled = 0u32;
		let mut skipped = 0u32;
		weight.saturating_accrue(db.reads_writes(1, 1));
		while cursor <= now && handled < T::MaxPhaseEndsPerBlock::get() {
			weight.saturating_accrue(db.reads(1));
			match PhaseEnds::<T>::iter_key_prefix(cursor).next() {
				Some(task) => {
					Self::unschedule(cursor, task);
					weight.saturating_accrue(db.writes(2));
					weight.saturating_accrue(Self::end_phase(task, now));
					handled += 1;
				},
				None => {
					if cursor == now || skipped == MAX_EMPTY_BLOCKS_SKIPPED {
						break;
					}
					cursor = cursor.saturating_add(One::one());
					skipped += 1;
				},
			}
		}
		PhaseCursor::<T>::put(cursor);
		weight
	}

	/// The most `on_initialize` may weigh: its own reads and, for each phase end, the dearest
	/// transition (finalizing a last round and publishing the model).
	pub fn max_hook_weight() -> Weight {
		let db = T::DbWeight::get();
		let per_end = T::WeightInfo::finalize_round()
			.saturating_add(T::WeightInfo::close_task())
			.max(T::WeightInfo::start_round())
			.saturating_add(db.reads_writes(1, 2));
		db.reads_writes(2 + MAX_EMPTY_BLOCKS_SKIPPED as u64, 1)
			.saturating_add(per_end.saturating_mul(T::MaxPhaseEndsPerBlock::get() as u64))
	}
}
