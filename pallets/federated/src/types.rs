//! The records of federated training: tasks, their members' ledger, the round in progress.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deai_primitives::{ContentHash, DatasetVersionRef, ModelId, ModelVersionRef};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::Percent;

/// A federated training task.
pub type TaskId = u64;
/// A round's index within its task: 0, 1, 2, ...
pub type RoundIndex = u32;
/// A score: the evaluation loss before an update minus the loss after it, in micro-units of
/// loss (1e-6). Positive when the update helps.
pub type Score = i64;
/// A URI (content-store address) of an update or a model.
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;

/// How the round's accepted updates are combined into the next global model (off chain, by
/// every evaluator alike; the chain compares the hashes they report).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Aggregation {
	/// The mean of the updates weighted by their sample counts (FedAvg).
	FedAvg,
	/// The coordinate-wise median of the updates.
	CoordinateMedian,
	/// The coordinate-wise mean after dropping `trim` of the values at each end.
	TrimmedMean {
		/// The share dropped at each end (below 50%).
		trim: Percent,
	},
}

/// Differential privacy every participant applies to its update: the update is clipped to
/// `clip_norm` (L2) and Gaussian noise of standard deviation `noise_multiplier × clip_norm`
/// added. Recorded on chain so that whoever provides data sees the privacy it gets (with the
/// rounds and the participants' sampling rate it bounds ε).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct DpSetting {
	/// The L2 clipping norm, in thousandths.
	pub clip_norm_milli: u32,
	/// The noise multiplier, in thousandths.
	pub noise_multiplier_milli: u32,
}

/// What a task owner asks for.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct TaskSpec<T: Config> {
	/// The model version training starts from (its licence must allow derivatives).
	pub base: ModelVersionRef,
	/// The model the trained version is published in (the owner's; `base`'s model or another).
	pub target_model: ModelId,
	/// How many rounds are paid for.
	pub rounds: RoundIndex,
	/// What each round pays its participants and evaluators.
	pub round_pot: BalanceOf<T>,
	/// Participants drawn each round (at most `MaxRoundParticipants`).
	pub participants: u32,
	/// Evaluators drawn each round (at most `MaxRoundEvaluators`), disjoint from participants.
	pub evaluators: u32,
	/// How accepted updates are combined.
	pub aggregation: Aggregation,
	/// The dataset version evaluators score updates on.
	pub eval_dataset: DatasetVersionRef,
	/// How many of its rows each round scores (drawn after updates are committed).
	pub eval_rows: u32,
	/// Differential privacy, if any.
	pub dp: Option<DpSetting>,
	/// The least stake a member must lock in the task.
	pub min_stake: BalanceOf<T>,
	/// The length of each of a round's four phases, in blocks.
	pub phase_blocks: BlockNumberFor<T>,
	/// How far (in micro-loss) an evaluator's score may be from the median and still agree.
	pub score_tolerance: Score,
	/// An update whose median score is below minus this is poisoning: its participant is
	/// slashed. Between it and zero an update simply earns nothing.
	pub poison_threshold: Score,
}

/// What a member does in a task.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Role {
	/// Trains on its own data and submits updates.
	Participant,
	/// Scores the participants' updates and computes the aggregate.
	Evaluator,
}

impl Role {
	/// The job kind (`deai_abi::job_kind`) a market provider must offer to take the role.
	pub const fn job_kind(self) -> u8 {
		match self {
			Role::Participant => deai_abi::job_kind::TRAINING,
			Role::Evaluator => deai_abi::job_kind::EVALUATION,
		}
	}
}

/// One member of a task: its stake, what it earned and has not withdrawn, and its score.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Member<T: Config> {
	/// The member.
	pub who: T::AccountId,
	/// Its role.
	pub role: Role,
	/// Its stake, in the pallet's pot (slashes come out of it).
	pub stake: BalanceOf<T>,
	/// What it earned and has not withdrawn, in the pot.
	pub earned: BalanceOf<T>,
	/// A participant's cumulative score: the sum of its updates' positive median scores. Its
	/// share of the trained model's royalties follows it, also after it left (its entry stays,
	/// without stake, until the task closes).
	pub score: u128,
	/// Drawn in the round in progress (it may not leave until the round ends).
	pub drawn: bool,
	/// When it joined (or came back): it is drawn only with randomness made public after that
	/// block, so that nobody joins knowing whether it would be drawn.
	pub joined_at: BlockNumberFor<T>,
}

/// The members of a task, in the order they joined.
pub type LedgerOf<T> = BoundedVec<Member<T>, <T as Config>::MaxMembers>;

/// A model: the content hash and address of its ONNX file.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelFile<T: Config> {
	/// Its content hash.
	pub hash: ContentHash,
	/// Its size in bytes.
	pub size: u64,
	/// Where to fetch it.
	pub uri: UriOf<T>,
}

/// The part of a round in progress.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Phase {
	/// Drawn participants commit to their updates.
	CommitUpdates,
	/// They reveal them.
	RevealUpdates,
	/// Drawn evaluators, knowing the evaluation rows, commit to their scores.
	CommitScores,
	/// They reveal them; the round is finalized when this phase ends.
	RevealScores,
}

/// Where a task is.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum TaskStatus<BlockNumber> {
	/// Waiting for enough members to draw a round; tries again at `retry_at`.
	Enrolling {
		/// When the next draw is tried.
		retry_at: BlockNumber,
		/// How many draws found too few members in a row.
		waits: u8,
	},
	/// A round is in progress.
	Running {
		/// Its phase.
		phase: Phase,
		/// When the phase ends.
		ends_at: BlockNumber,
	},
	/// Done: no more rounds. Members withdraw their stakes and earnings.
	Closed,
}

/// The money of a task, in the pallet's pot, for the books (`do_try_state`): what came in is
/// what went out plus what is left.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Books<Balance> {
	/// The escrow the owner paid in (rounds × round pot).
	pub escrowed: Balance,
	/// Stakes slashed into the rounds' payouts.
	pub slashed: Balance,
	/// Credited to members' earnings.
	pub paid: Balance,
	/// Returned to the owner (what rounds did not pay out).
	pub refunded: Balance,
	/// Paid to the treasury (what rounds paid nobody, and slashes nobody earned).
	pub to_treasury: Balance,
	/// Owed to the treasury and paid when the task closes (one payment for all its rounds).
	pub treasury_due: Balance,
	/// Escrow not yet paid out or refunded.
	pub left: Balance,
}

/// A task.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct TrainingTask<T: Config> {
	/// Who created and funds it.
	pub owner: T::AccountId,
	/// What it asks for.
	pub spec: TaskSpec<T>,
	/// Where it is.
	pub status: TaskStatus<BlockNumberFor<T>>,
	/// The round in progress, or the next one.
	pub round: RoundIndex,
	/// The last round paid for: `spec.rounds - 1`, or the round in progress when the owner
	/// ends the task early.
	pub last_round: RoundIndex,
	/// The current global model: the last agreed aggregate (none before the first).
	pub global: Option<ModelFile<T>>,
	/// Its money.
	pub books: Books<BalanceOf<T>>,
	/// The owner's storage deposit for the task, its ledger and its round (held).
	pub deposit: BalanceOf<T>,
	/// The trained model's publication deposit, held from the owner until it is published.
	pub publication_deposit: BalanceOf<T>,
	/// The version the trained model was published as.
	pub published: Option<ModelVersionRef>,
}

/// A drawn participant's submission.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct UpdateSlot<T: Config> {
	/// The participant.
	pub who: T::AccountId,
	/// Its commitment (`deai_abi::federated::update_commitment`).
	pub commitment: Option<ContentHash>,
	/// Its revealed update.
	pub update: Option<ModelFile<T>>,
	/// The training samples it says the update used (FedAvg's weight).
	pub samples: u32,
}

/// An evaluator's revealed scores.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ScoreCard<T: Config> {
	/// One score per drawn participant, in draw order (ignored for updates not revealed).
	pub scores: BoundedVec<Score, T::MaxRoundParticipants>,
	/// The aggregate the evaluator computed: the next global model.
	pub aggregate: ModelFile<T>,
}

/// A drawn evaluator's submission.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ScoreSlot<T: Config> {
	/// The evaluator.
	pub who: T::AccountId,
	/// Its commitment (`deai_abi::federated::scores_commitment`).
	pub commitment: Option<ContentHash>,
	/// Its revealed scores.
	pub card: Option<ScoreCard<T>>,
}

/// The round in progress.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Round<T: Config> {
	/// Its index.
	pub index: RoundIndex,
	/// The drawn participants.
	pub updates: BoundedVec<UpdateSlot<T>, T::MaxRoundParticipants>,
	/// The drawn evaluators.
	pub scores: BoundedVec<ScoreSlot<T>, T::MaxRoundEvaluators>,
	/// The seed choosing the evaluation rows, drawn once updates are revealed.
	pub eval_seed: Option<[u8; 32]>,
}

/// What a round gave one participant (in `RoundFinalized`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ParticipantOutcome<T: Config> {
	/// The participant.
	pub who: T::AccountId,
	/// Its update's median score (none when it revealed no update or nobody scored).
	pub median: Option<Score>,
	/// What it earned.
	pub paid: BalanceOf<T>,
	/// What it was slashed.
	pub slashed: BalanceOf<T>,
}

/// What a round gave one evaluator (in `RoundFinalized`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct EvaluatorOutcome<T: Config> {
	/// The evaluator.
	pub who: T::AccountId,
	/// Whether its scores and aggregate agreed with the round's.
	pub agreed: bool,
	/// What it earned.
	pub paid: BalanceOf<T>,
	/// What it was slashed (for revealing nothing).
	pub slashed: BalanceOf<T>,
}
