//! # Federated training
//!
//! A task owner funds rounds of federated training of a registered model: participants train on
//! data that never leaves them and submit only updates; randomly drawn evaluators score every
//! update on rows drawn after the updates were committed; the chain pays each participant by its
//! update's median score, and publishes the trained model in the registry with the participants
//! as its royalty-earning contributors.
//!
//! ## A task
//! `create_task` names the base model version, the model to publish in (the owner's), the rounds
//! and what each pays (`round_pot`; the escrow is rounds × pot), the participants and evaluators
//! drawn per round, the aggregation rule, the evaluation dataset and how many of its rows a round
//! scores, an optional differential-privacy setting (recorded so data owners see it), the least
//! stake a member locks, and the length of a round's phases. Bonded market providers offering
//! training (participants) or evaluation (evaluators) `join` with a stake.
//!
//! ## A round
//! Four phases of `phase_blocks` each, moved on by `on_initialize` (a phase also ends early once
//! everyone drawn has acted: in the next block, or the third when its end draws randomness):
//! 1. the round draws its participants and a disjoint set of an odd number of evaluators at
//!    random among the members (the runtime's randomness: the collators' on this runtime, whose
//!    limits the README states), and they **commit** to their updates;
//! 2. they **reveal** each update's hash and address and the samples it used;
//! 3. the evaluation rows are drawn (a seed nobody knew while committing: `EvalRowsDrawn`), and
//!    evaluators **commit** to their scores: for each update, the loss it removes from the
//!    global model on those rows, in micro-loss, and the hash of the aggregate;
//! 4. they **reveal**, and the round is finalized.
//!
//! ## Pay
//! - A participant's score is the (lower) median of the evaluators' scores of its update. The
//!   participants' share of the pot (`ParticipantShare`) is split by positive score: an update
//!   that does not help (a free-rider's zero update) earns nothing; one a majority of the drawn
//!   evaluators scored below `-poison_threshold` is poisoning and its participant is slashed
//!   (`PoisonSlash`).
//! - The aggregate is the one a majority of the drawn evaluators reported; evaluators who
//!   reported it, with every score within `score_tolerance` of the median, share the rest of the
//!   pot. Others are not paid. Without a majority the round pays nobody.
//! - Whoever was drawn and revealed nothing is slashed (`MissedRevealSlash`).
//! - Slashes go to the round's paid participants, in proportion to their scores.
//! - The pot of a round whose updates were revealed is spent whatever the verdict: what nobody
//!   earned goes to the treasury, never back to the owner, who must not profit from a verdict
//!   (its evaluators could otherwise void rounds or slash honest participants, and keep updates
//!   anyone could fetch). Rounds never played (and a round where nothing was revealed) are
//!   refunded when the task closes.
//!
//! Pay is credited to the members' entries in the task's ledger (one record, whatever the number
//! of members) and withdrawn when they like: finalizing a round writes a bounded, constant
//! number of records.
//!
//! ## The trained model
//! When the last round ends, the agreed global model is published as a new version of the
//! target model, with the base as parent and, as contributors, the participants in proportion
//! to their cumulative scores (`ContributorsShare` of the royalties; the owner, as the model's
//! owner, is owed the rest). The task's own keyless account (`publishing_account`) publishes it
//! for the owner, so that neither the owner nor another task can take its hash first. Jobs on
//! it pay the participants royalties from then on.
//!
//! ## Money
//! Escrows, stakes and earnings are in the pallet's pot account; each task keeps books of what
//! came in and went out (`do_try_state` checks them, and that the pot holds every liability).
//! Storage deposits and the publication deposit are holds on the owner.
//!
//! ## Code layout
//! This file declares the pallet; `tasks` creates, ends and closes tasks and handles members;
//! `rounds` draws, moves phases and takes commitments and reveals; `settlement` finalizes a
//! round; `schedule` is the phase-end queue; `invariants` checks the books.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
#[cfg(test)]
mod mock;
mod rounds;
mod schedule;
mod settlement;
mod tasks;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::Inspect;

/// A balance of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// What a benchmark needs the runtime to set up: a base model the owner may train and publish,
/// an evaluation dataset, and market providers.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A model owned by `owner` with a published version allowing derivatives, and a dataset
	/// version evaluators may use: `(base version, dataset version, model to publish in)`.
	fn task_items(
		owner: &AccountId,
	) -> (
		deai_primitives::ModelVersionRef,
		deai_primitives::DatasetVersionRef,
		deai_primitives::ModelId,
	);
	/// Makes `who` a provider taking work of every kind, allowed to use `dataset`.
	fn make_provider(who: &AccountId, dataset: &deai_primitives::DatasetVersionRef);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deai_primitives::{ModelPublisher, ModelRegistry, ModelVersionRef, ProviderDirectory};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			Randomness,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, Perbill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Storage deposits of tasks.
		StorageDeposit,
		/// The trained model's publication deposit, until it is published.
		PublicationDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency of escrows, stakes and deposits.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// Whether models and datasets may be used.
		type Registry: ModelRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Publishes the trained model.
		type Publisher: ModelPublisher<Self::AccountId, BalanceOf<Self>>;

		/// The market's providers: only those join.
		type Providers: ProviderDirectory<Self::AccountId>;

		/// Draws members and evaluation rows.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Where slashes nobody earned go (the treasury).
		type FeeDestination: Get<Self::AccountId>;

		/// The pallet's id: its account is the pot.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The most members (participants and evaluators) a task may have.
		#[pallet::constant]
		type MaxMembers: Get<u32>;

		/// The most participants drawn in a round.
		#[pallet::constant]
		type MaxRoundParticipants: Get<u32>;

		/// The most evaluators drawn in a round.
		#[pallet::constant]
		type MaxRoundEvaluators: Get<u32>;

		/// The most rounds a task may pay for.
		#[pallet::constant]
		type MaxRounds: Get<u32>;

		/// The most bytes of a URI.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// The shortest phase, in blocks.
		#[pallet::constant]
		type MinPhaseBlocks: Get<BlockNumberFor<Self>>;

		/// The longest phase, in blocks.
		#[pallet::constant]
		type MaxPhaseBlocks: Get<BlockNumberFor<Self>>;

		/// The most phase ends `on_initialize` handles in a block (the rest wait for the next).
		#[pallet::constant]
		type MaxPhaseEndsPerBlock: Get<u32>;

		/// The least a round may pay.
		#[pallet::constant]
		type MinRoundPot: Get<BalanceOf<Self>>;

		/// The least stake a task may ask of its members: a slash must cost something.
		#[pallet::constant]
		type MinStake: Get<BalanceOf<Self>>;

		/// The participants' share of a round's pot (the evaluators share the rest).
		#[pallet::constant]
		type ParticipantShare: Get<Perbill>;

		/// The participants' share of the trained model's royalties (its owner gets the rest).
		#[pallet::constant]
		type ContributorsShare: Get<Perbill>;

		/// The share of its stake a member drawn in a round loses for revealing nothing.
		#[pallet::constant]
		type MissedRevealSlash: Get<Perbill>;

		/// The share of its stake a participant loses for a poisoning update.
		#[pallet::constant]
		type PoisonSlash: Get<Perbill>;

		/// The storage deposit of a record: this, plus `DepositPerByte` a byte.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// The storage deposit per byte.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next task gets.
	#[pallet::storage]
	pub type NextTaskId<T> = StorageValue<_, TaskId, ValueQuery>;

	/// Tasks, until closed and every member has left.
	#[pallet::storage]
	pub type Tasks<T: Config> = StorageMap<_, Twox64Concat, TaskId, TrainingTask<T>>;

	/// Each task's members: stakes, earnings, scores (one record, so that a round's pay is one
	/// write).
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Twox64Concat, TaskId, LedgerOf<T>, ValueQuery>;

	/// Each task's round in progress.
	#[pallet::storage]
	pub type Rounds<T: Config> = StorageMap<_, Twox64Concat, TaskId, Round<T>>;

	/// Tasks whose phase ends in each block (any number: each task has one entry, paid for by
	/// its deposit). `on_initialize` handles at most `MaxPhaseEndsPerBlock` a block and carries
	/// the rest over.
	#[pallet::storage]
	pub type PhaseEnds<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, TaskId, ()>;

	/// The first block whose phase ends have not all been handled.
	#[pallet::storage]
	pub type PhaseCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// How many phase ends are scheduled.
	#[pallet::storage]
	pub type ScheduledPhaseEnds<T> = StorageValue<_, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A task was created and its escrow paid in.
		TaskCreated {
			/// The task.
			task: TaskId,
			/// Its owner.
			owner: T::AccountId,
			/// The base model version.
			base: ModelVersionRef,
			/// Rounds paid for.
			rounds: RoundIndex,
			/// What each round pays.
			round_pot: BalanceOf<T>,
		},
		/// The owner ended a task early: `last_round` is its last.
		TaskEnding {
			/// The task.
			task: TaskId,
			/// Its last round.
			last_round: RoundIndex,
		},
		/// A member joined a task.
		Joined {
			/// The task.
			task: TaskId,
			/// The member.
			who: T::AccountId,
			/// Its role.
			role: Role,
			/// Its stake.
			stake: BalanceOf<T>,
		},
		/// A member left a task with its stake and earnings.
		Left {
			/// The task.
			task: TaskId,
			/// The member.
			who: T::AccountId,
			/// The stake it got back.
			stake: BalanceOf<T>,
			/// The earnings it got.
			earned: BalanceOf<T>,
		},
		/// A member withdrew its earnings.
		Withdrawn {
			/// The task.
			task: TaskId,
			/// The member.
			who: T::AccountId,
			/// What it got.
			amount: BalanceOf<T>,
		},
		/// A round started: its members were drawn.
		RoundStarted {
			/// The task.
			task: TaskId,
			/// The round.
			round: RoundIndex,
			/// The participants, in draw order (the order of the evaluators' scores).
			participants: BoundedVec<T::AccountId, T::MaxRoundParticipants>,
			/// The evaluators.
			evaluators: BoundedVec<T::AccountId, T::MaxRoundEvaluators>,
			/// The global model the round trains (none: the base version).
			global: Option<ModelFile<T>>,
		},
		/// Not enough members to draw a round: the draw is tried again later (each wait twice
		/// as long, up to `MAX_ENROLLING_WAITS` times; then the task closes).
		RoundWaiting {
			/// The task.
			task: TaskId,
			/// The round waiting.
			round: RoundIndex,
			/// When the draw is tried again.
			retry_at: BlockNumberFor<T>,
		},
		/// A participant committed to its update.
		UpdateCommitted {
			/// The task.
			task: TaskId,
			/// The participant.
			who: T::AccountId,
		},
		/// A participant revealed its update.
		UpdateRevealed {
			/// The task.
			task: TaskId,
			/// The participant.
			who: T::AccountId,
			/// The update.
			update: ModelFile<T>,
			/// The samples it used.
			samples: u32,
		},
		/// The evaluation rows of a round were drawn.
		EvalRowsDrawn {
			/// The task.
			task: TaskId,
			/// The round.
			round: RoundIndex,
			/// The seed (`deai_abi::federated::eval_rows`).
			seed: [u8; 32],
		},
		/// An evaluator committed to its scores.
		ScoresCommitted {
			/// The task.
			task: TaskId,
			/// The evaluator.
			who: T::AccountId,
		},
		/// An evaluator revealed its scores.
		ScoresRevealed {
			/// The task.
			task: TaskId,
			/// The evaluator.
			who: T::AccountId,
			/// Its scores, in draw order.
			scores: BoundedVec<Score, T::MaxRoundParticipants>,
			/// Its aggregate.
			aggregate: ModelFile<T>,
		},
		/// A round was finalized.
		RoundFinalized {
			/// The task.
			task: TaskId,
			/// The round.
			round: RoundIndex,
			/// The agreed aggregate: the new global model (none: no majority, nobody paid).
			aggregate: Option<ModelFile<T>>,
			/// What each participant got.
			participants: BoundedVec<ParticipantOutcome<T>, T::MaxRoundParticipants>,
			/// What each evaluator got.
			evaluators: BoundedVec<EvaluatorOutcome<T>, T::MaxRoundEvaluators>,
			/// What nobody earned (unpaid shares of the pot, slashes), paid to the treasury: a
			/// round whose updates were revealed never goes back to the owner.
			to_treasury: BalanceOf<T>,
		},
		/// A task closed: no more rounds; the escrow left was refunded.
		TaskClosed {
			/// The task.
			task: TaskId,
			/// The trained model.
			model: Option<ModelFile<T>>,
			/// What the owner got back.
			refunded: BalanceOf<T>,
		},
		/// The trained model was published.
		ModelPublished {
			/// The task.
			task: TaskId,
			/// The new version.
			version: ModelVersionRef,
			/// Its contributors and their shares of its royalties.
			contributors: BoundedVec<(T::AccountId, Perbill), T::MaxMembers>,
		},
		/// The trained model could not be published (its address and hash are in `TaskClosed`).
		PublishFailed {
			/// The task.
			task: TaskId,
			/// The registry's error.
			error: DispatchError,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No task has this id.
		TaskNotFound,
		/// Only the task's owner may do this.
		NotOwner,
		/// A task pays for 1 to `MaxRounds` rounds.
		RoundsOutOfRange,
		/// A round draws 1 to `MaxRoundParticipants` participants.
		ParticipantsOutOfRange,
		/// A round draws an odd number of evaluators, 3 to `MaxRoundEvaluators`: a median that a
		/// minority cannot move.
		EvaluatorsOutOfRange,
		/// A phase lasts `MinPhaseBlocks` to `MaxPhaseBlocks` blocks.
		PhaseOutOfRange,
		/// A round pays at least `MinRoundPot`.
		RoundPotTooSmall,
		/// A round scores at least one evaluation row.
		NoEvalRows,
		/// A trimmed mean trims less than half at each end.
		TrimTooLarge,
		/// Tolerances and thresholds are not negative.
		NegativeTolerance,
		/// A differential-privacy setting clips to a positive norm.
		InvalidDpSetting,
		/// The stake is below the task's minimum (or a task's minimum below `MinStake`).
		StakeTooLow,
		/// Only a market provider taking work of the role's kind may join.
		NotAProvider,
		/// The account is already a member.
		AlreadyMember,
		/// The account is not a member.
		NotMember,
		/// A task's owner may not be one of its members.
		OwnerMayNotJoin,
		/// The task has `MaxMembers` members.
		TaskFull,
		/// The task is closed.
		TaskClosed,
		/// The task already ends after its current round.
		AlreadyEnding,
		/// The round is not in the phase this needs.
		WrongPhase,
		/// The account was not drawn for this in the round.
		NotDrawn,
		/// Already committed in this round.
		AlreadyCommitted,
		/// Nothing was committed to reveal.
		NotCommitted,
		/// Already revealed in this round.
		AlreadyRevealed,
		/// The reveal does not open the commitment.
		CommitmentMismatch,
		/// Another participant revealed the same update in this round.
		DuplicateUpdate,
		/// An update used at least one sample.
		NoSamples,
		/// Scores are one per drawn participant.
		WrongScoreCount,
		/// A member drawn in the round in progress stays until it ends.
		DrawnThisRound,
		/// Nothing to withdraw.
		NothingToWithdraw,
		/// An amount overflowed.
		Overflow,
		/// The trained model's deposit is more than the owner's publication deposit covers.
		PublicationDepositTooSmall,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::end_due_phases(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxRoundParticipants::get() > 0 && T::MaxRoundEvaluators::get() >= 3);
			assert!(!T::MinStake::get().is_zero(), "a slash must cost something");
			assert!(
				T::MaxRoundParticipants::get() + T::MaxRoundEvaluators::get()
					<= T::MaxMembers::get(),
				"a round must be able to draw its members"
			);
			assert!(T::MaxPhaseEndsPerBlock::get() > 0);
			assert!(T::MinPhaseBlocks::get() > 0u32.into());
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a task and pays its escrow (`rounds × round_pot`) into the pot; holds its
		/// storage deposit and the trained model's publication deposit. The base version must
		/// allow derivatives, the evaluation dataset be usable, and the signer own the target
		/// model. Emits `TaskCreated`; the first round is drawn a phase later.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_task())]
		pub fn create_task(origin: OriginFor<T>, spec: TaskSpec<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_task(owner, spec)
		}

		/// Ends a task after its current round (at once while no round is in progress): no later
		/// round is drawn and their escrow is refunded when it closes. Owner only. Emits
		/// `TaskEnding`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::end_task().saturating_add(T::WeightInfo::close_task()))]
		pub fn end_task(origin: OriginFor<T>, task: TaskId) -> DispatchResultWithPostInfo {
			let owner = ensure_signed(origin)?;
			Self::do_end_task(owner, task)
		}

		/// Joins a task as a participant or an evaluator, paying `stake` (at least the task's
		/// `min_stake`) into the pot. Market providers offering the role's job kind only; not the
		/// owner. Emits `Joined`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::join())]
		pub fn join(
			origin: OriginFor<T>,
			task: TaskId,
			role: Role,
			stake: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_join(who, task, role, stake)
		}

		/// Leaves a task with its stake and earnings (not while drawn in the round in progress).
		/// The last member to leave a closed task removes it. Emits `Left`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::leave().max(T::WeightInfo::leave_last()))]
		pub fn leave(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_leave(who, task)
		}

		/// Withdraws a member's earnings. Emits `Withdrawn`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(who, task)
		}

		/// A drawn participant commits to its update:
		/// `deai_abi::federated::update_commitment`. Emits `UpdateCommitted`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::commit_update())]
		pub fn commit_update(
			origin: OriginFor<T>,
			task: TaskId,
			commitment: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_update(who, task, commitment)
		}

		/// A drawn participant reveals its update: its hash and address, the samples it used and
		/// the salt of its commitment. Emits `UpdateRevealed`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::reveal_update())]
		pub fn reveal_update(
			origin: OriginFor<T>,
			task: TaskId,
			update: ModelFile<T>,
			samples: u32,
			salt: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_update(who, task, update, samples, salt)
		}

		/// A drawn evaluator commits to its scores: `deai_abi::federated::scores_commitment`.
		/// Emits `ScoresCommitted`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::commit_scores())]
		pub fn commit_scores(
			origin: OriginFor<T>,
			task: TaskId,
			commitment: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_scores(who, task, commitment)
		}

		/// A drawn evaluator reveals its scores (one per drawn participant, in draw order), its
		/// aggregate, and the salt of its commitment. Emits `ScoresRevealed`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::reveal_scores())]
		pub fn reveal_scores(
			origin: OriginFor<T>,
			task: TaskId,
			scores: BoundedVec<Score, T::MaxRoundParticipants>,
			aggregate: ModelFile<T>,
			salt: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_scores(who, task, scores, aggregate, salt)
		}
	}
}
