//! # Compute market
//!
//! People post AI jobs (inference, fine-tuning, training, evaluation) with their budget held in
//! escrow; bonded providers with declared capabilities bid for them, accept them or claim them;
//! results are verified (requester approval, redundant commit-reveal agreement, a designated
//! verifier, or a pluggable proof verifier); disputes are judged by governance; settlement pays
//! providers, the protocol fee and the model's and datasets' usage fees (in one payment into the
//! registry's royalty account, whose per-version pots their payees claim later), refunds the
//! rest, in one step, exactly, and leaves a receipt.
//!
//! ## Money
//! Budgets (`JobEscrow`), provider bonds (`ProviderBond`), dispute bonds (`DisputeBond`) and
//! storage deposits (`StorageDeposit`) are holds on their owners' accounts. Settlement moves held
//! funds straight to the providers, the fee destination and the royalty account. Slashes are transfers to the fee destination (the treasury),
//! never to a requester, who could otherwise profit from a verdict it brought about; the market
//! never mints or burns.
//!
//! ## Deadlines
//! Every job has one pending deadline in a per-block queue that any number of jobs may join (no
//! call can find it full). `on_initialize` handles at most `MaxDeadlinesPerBlock` a block, each
//! charged the benchmarked worst case of its kind, never more than a quarter of a block, and
//! carries the rest to the next block; meanwhile anyone may handle a passed deadline with
//! `finalize_deadline`, at its own cost (a draw excepted: it waits for the hook's randomness).
//!
//! ## Code layout
//! This file declares the pallet (config, storage, hooks, calls); its events and errors are
//! pallet sections in `events` and `errors`. Each call delegates to the module of its concern:
//! `providers`, `jobs` (posting, bids, taking, cancelling), `results` (submission, commit-reveal,
//! verification, disputes, settlement), `deadlines`; `queries` holds the runtime API.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod deadlines;
mod errors;
mod events;
mod jobs;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod observer;
mod providers;
mod queries;
mod results;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use observer::{Aggregate, InlineResult, JobObserver, Reveal};
pub use results::commitment_of;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::Inspect;

/// A balance of the market's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

use frame_support::pallet_macros::import_section;

#[import_section(events::events)]
#[import_section(errors::errors)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deai_primitives::{ContentHash, ContributionSink, JobId, ModelRegistry, ResultVerifier};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{Perbill, Permill};

	/// The in-code storage version.
	///
	/// 1: providers' endpoints moved out of their records to [`ProviderEndpoints`]
	/// ([`crate::migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the market holds funds. The indices are fixed: holds outlive runtime upgrades.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A provider's bond.
		#[codec(index = 0)]
		ProviderBond,
		/// A job's budget, until settlement.
		#[codec(index = 1)]
		JobEscrow,
		/// A requester's dispute bond, until the dispute is resolved.
		#[codec(index = 2)]
		DisputeBond,
		/// The storage deposit of a provider record, a bid, a job or a receipt.
		#[codec(index = 3)]
		StorageDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency budgets, bonds and fees are paid in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The model registry: usability, licences, usage fees and the royalty account.
		type Registry: ModelRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Receives "compute delivered" contributions.
		type ContributionSink: ContributionSink<Self::AccountId>;

		/// Verifies results submitted with a proof (`VerificationMode::Proof`).
		type ResultVerifier: ResultVerifier<Self::AccountId>;

		/// Draws the providers of redundant jobs among their applicants, so that no requester
		/// chooses who checks whom. Its output must be unknown when the job is posted.
		type Randomness: frame_support::traits::Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Confirms (or rejects) providers' TEE attestations.
		type AttestorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Resolves disputes.
		type DisputeResolverOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Where protocol fees and the fee share of lost dispute bonds go (the treasury).
		type FeeDestination: Get<Self::AccountId>;

		/// The protocol fee, on what providers are paid (governance sets it).
		type ProtocolFee: Get<Permill>;

		/// The contributor-rewards pot, which receives a share of the protocol fees.
		type RewardsAccount: Get<Self::AccountId>;

		/// The share of each protocol fee paid to the rewards pot; the rest goes to
		/// `FeeDestination` (governance sets it).
		type RewardsFeeShare: Get<Perbill>;

		/// The least bond an active provider holds (governance sets it).
		type MinProviderBond: Get<BalanceOf<Self>>;

		/// The bond behind each job or open bid a provider holds at once: a provider holds at
		/// most `bond / BondPerSlot` of them (at least one, and never more than its declared
		/// `max_concurrent_jobs`), so capacity costs capital and a sybil fills only as many
		/// auctions as its bond backs. Zero leaves only the declared limit (governance sets it).
		#[pallet::constant]
		type BondPerSlot: Get<BalanceOf<Self>>;

		/// The least protocol fee a completed job must have paid on a provider's pay for the job
		/// to count in the provider's reputation, so that reputation costs fees paid to others
		/// and wash jobs at a price of a few planck earn none (governance sets it).
		type MinReputationFee: Get<BalanceOf<Self>>;

		/// The bond a requester holds to dispute a result (governance sets it).
		type DisputeBond: Get<BalanceOf<Self>>;

		/// The share of its bond a provider loses for a missed deadline, a missed reveal or an
		/// outvoted result; it goes to the fee destination.
		#[pallet::constant]
		type MissedDeadlineSlash: Get<Perbill>;

		/// The share of its bond a provider loses with a dispute; it goes to the fee
		/// destination.
		#[pallet::constant]
		type DisputeSlash: Get<Perbill>;

		/// The share of its bond a provider loses when it gives back a job it took
		/// (`report_failure`); it goes to the fee destination. At most `MissedDeadlineSlash`,
		/// so that giving a job back early never costs more than letting its deadline pass.
		#[pallet::constant]
		type AbandonSlash: Get<Perbill>;

		/// The share of a lost dispute bond paid to the provider; the rest goes to the fee
		/// destination.
		#[pallet::constant]
		type DisputeWinnerShare: Get<Perbill>;

		/// How long an unbonding provider waits for its bond.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How long a requester (or verifier) has to review a result; silence accepts.
		#[pallet::constant]
		type ReviewPeriod: Get<BlockNumberFor<Self>>;

		/// How long redundant providers have to reveal once every commitment is in.
		#[pallet::constant]
		type RevealPeriod: Get<BlockNumberFor<Self>>;

		/// How long the dispute resolver has to rule on a dispute (or a verifier's rejection);
		/// unruled, the result stands, the provider is paid and the requester's bond returned.
		#[pallet::constant]
		type DisputePeriod: Get<BlockNumberFor<Self>>;

		/// The longest matching window.
		#[pallet::constant]
		type MaxMatchingBlocks: Get<BlockNumberFor<Self>>;

		/// The longest execution window.
		#[pallet::constant]
		type MaxExecutionBlocks: Get<BlockNumberFor<Self>>;

		/// The deposit of any record, before its size.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// The deposit per byte of a record's encoding.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The most providers one job may need.
		#[pallet::constant]
		type MaxRedundancy: Get<u32>;

		/// The most bids one job takes.
		#[pallet::constant]
		type MaxBids: Get<u32>;

		/// The most dataset versions one job uses.
		#[pallet::constant]
		type MaxJobDatasets: Get<u32>;

		/// The longest URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// The longest accelerator name, in bytes.
		#[pallet::constant]
		type MaxAcceleratorLen: Get<u32>;

		/// The longest result proof, in bytes.
		#[pallet::constant]
		type MaxProofLen: Get<u32>;

		/// The most deadlines `on_initialize` handles in one block (the rest wait, in block
		/// order, for the next).
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// The most bytes a result revealed inline (`reveal_inline_result`) may have.
		#[pallet::constant]
		type MaxInlineResultLen: Get<u32>;

		/// A pallet built on the market (the AI oracle) that decides redundant jobs whose results
		/// are values and hears how each job ends; `()` for none.
		type JobObserver: JobObserver<Self>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;

		/// Creates the registry items benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Creates usable registry items for the market's benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId, Balance> {
		/// A usable model version with usage fee `fee`.
		fn model(fee: Balance) -> deai_primitives::ModelVersionRef;
		/// A usable dataset version with usage fee `fee`, at its costliest for the market: a
		/// compute-to-data dataset, whose approval of each provider is read when it bids,
		/// claims, accepts or is chosen.
		fn dataset(index: u32, fee: Balance) -> deai_primitives::DatasetVersionRef;
		/// Approves `provider` to compute on `dataset`.
		fn approve(dataset: &deai_primitives::DatasetVersionRef, provider: &AccountId);
		/// Withdraws `provider`'s approval for `dataset`.
		fn revoke(dataset: &deai_primitives::DatasetVersionRef, provider: &AccountId);
	}

	/// Registered providers: what matching, taking and settling a job read.
	#[pallet::storage]
	pub type Providers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ProviderInfo<T>>;

	/// Where to reach each registered provider (endpoint or metadata URI): read by clients, never
	/// by a market call, so it stays out of the record every job reads (one per provider, paid
	/// for by the provider record's deposit).
	#[pallet::storage]
	pub type ProviderEndpoints<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedText<T::MaxUriLen>>;

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Jobs not yet finished.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, Job<T>>;

	/// Where each job's input is: read by providers' clients, never by a market call, so it stays
	/// out of the record every job call reads. Kept until the job's receipt is removed, paid for
	/// by the job's deposit.
	#[pallet::storage]
	pub type JobInputUris<T: Config> =
		StorageMap<_, Twox64Concat, JobId, BoundedText<T::MaxUriLen>>;

	/// Where each provider's submitted or revealed result is: read by the requester's client,
	/// never by a market call. Kept until the job's receipt is removed, paid for by the job's
	/// deposit.
	#[pallet::storage]
	pub type ResultUris<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Blake2_128Concat,
		T::AccountId,
		BoundedText<T::MaxUriLen>,
	>;

	/// Bids on auction jobs: the price, and the bid's storage deposit.
	#[pallet::storage]
	pub type Bids<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Blake2_128Concat,
		T::AccountId,
		(BalanceOf<T>, BalanceOf<T>),
	>;

	/// Receipts of finished jobs, until their requesters remove them.
	#[pallet::storage]
	pub type Receipts<T: Config> = StorageMap<_, Twox64Concat, JobId, Receipt<T>>;

	/// Results revealed inline (`reveal_inline_result`) by a redundant job's providers, kept
	/// until the job ends (at most one per provider, `MaxInlineResultLen` bytes each; the
	/// provider's bond stands behind them): its observer aggregates them, and the accepted one
	/// is handed to it.
	#[pallet::storage]
	pub type InlineResults<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Blake2_128Concat, T::AccountId, InlineResult<T>>;

	/// Jobs whose deadline falls in each block. A block takes any number (so that filling it
	/// blocks nobody's call); each entry is paid for by its job's deposit, and `on_initialize`
	/// handles at most `MaxDeadlinesPerBlock` a block, carrying the rest over.
	#[pallet::storage]
	pub type DeadlineQueue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, ()>;

	/// The first block whose deadlines have not all been handled.
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// At most `MaxDeadlinesPerBlock` deadlines, and never more than a quarter of a block.
			let quarter_block = Perbill::from_percent(25)
				* <T as frame_system::Config>::BlockWeights::get().max_block;
			let mut meter =
				WeightMeter::with_limit(Self::deadlines_weight_limit().min(quarter_block));
			Self::process_deadlines(now, &mut meter);
			meter.consumed()
		}

		fn integrity_test() {
			assert!(T::MaxRedundancy::get() >= 1, "a job needs a provider");
			assert!(T::MaxDeadlinesPerBlock::get() >= 1, "deadlines must be processed");
			// The hook takes a deadline only if the costliest kind fits in its quarter block:
			// if it never did, the hook would never make progress (and a draw, which only the
			// hook makes, would lock its job's escrow for good).
			let quarter_block = Perbill::from_percent(25)
				* <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				quarter_block.all_gte(
					T::WeightInfo::on_initialize_deadlines(0)
						.saturating_add(Self::queue_visit_weight())
						.saturating_add(Self::deadline_weight())
				),
				"the costliest deadline must fit in the deadline hook's quarter block"
			);
			assert!(
				T::MaxBids::get() >= T::MaxRedundancy::get(),
				"auctions must fill redundant jobs"
			);
			assert!(
				T::AbandonSlash::get() <= T::MissedDeadlineSlash::get(),
				"giving a job back must not cost more than missing its deadline"
			);
			// A deadline in the current block would be behind the cursor and never handled.
			for period in [T::ReviewPeriod::get(), T::RevealPeriod::get(), T::DisputePeriod::get()]
			{
				assert!(!period.is_zero(), "every period lasts at least a block");
			}
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Registers the signer as a provider, holding `bond` (at least `MinProviderBond`) and a
		/// storage deposit. Emits `ProviderRegistered`.
		#[pallet::call_index(0)]
		pub fn register_provider(
			origin: OriginFor<T>,
			capabilities: Capabilities<T>,
			endpoint: BoundedText<T::MaxUriLen>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_provider(who, capabilities, endpoint, bond)
		}

		/// Changes the signer's capabilities and endpoint (each when given). Emits
		/// `ProviderUpdated`.
		#[pallet::call_index(1)]
		pub fn update_provider(
			origin: OriginFor<T>,
			capabilities: Option<Capabilities<T>>,
			endpoint: Option<BoundedText<T::MaxUriLen>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_provider(who, capabilities, endpoint)
		}

		/// Records the signer's TEE attestation, untrusted until `AttestorOrigin` confirms it.
		/// Emits `AttestationSubmitted`.
		#[pallet::call_index(2)]
		pub fn submit_attestation(
			origin: OriginFor<T>,
			kind: TeeKind,
			report_hash: ContentHash,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_attestation(who, kind, report_hash)
		}

		/// Confirms (`trusted`) or rejects a provider's TEE attestation (`AttestorOrigin`).
		/// Emits `AttestationReviewed`.
		#[pallet::call_index(3)]
		pub fn review_attestation(
			origin: OriginFor<T>,
			provider: T::AccountId,
			trusted: bool,
		) -> DispatchResult {
			T::AttestorOrigin::ensure_origin(origin)?;
			Self::do_review_attestation(provider, trusted)
		}

		/// Pauses (no new work) or resumes the signer. Emits `ProviderPaused`.
		#[pallet::call_index(4)]
		pub fn set_paused(origin: OriginFor<T>, paused: bool) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(who, paused)
		}

		/// Adds `amount` to the signer's bond. Emits `BondToppedUp`.
		#[pallet::call_index(5)]
		pub fn top_up_bond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_top_up_bond(who, amount)
		}

		/// Starts the signer's unbonding period; it takes no new work. Not while it has
		/// unfinished jobs or open bids. Emits `UnbondingStarted`.
		#[pallet::call_index(6)]
		pub fn start_unbonding(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_start_unbonding(who)
		}

		/// Releases the bond and deposit of a provider whose unbonding period ended, and removes
		/// it. Emits `ProviderLeft`.
		#[pallet::call_index(7)]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_bond(who)
		}

		/// Posts a job, holding its budget in escrow and a storage deposit. The model (if any)
		/// must be usable and its licence, like the datasets', must allow the declared use.
		/// Emits `JobPosted`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::post_job().saturating_add(
			if spec.verification == VerificationMode::Proof {
				T::ResultVerifier::ensure_verifiable_weight()
			} else {
				Weight::zero()
			}
		))]
		pub fn post_job(origin: OriginFor<T>, spec: JobSpec<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_post_job(who, spec).map(|_| ())
		}

		/// Cancels an open job: the budget and deposits come back in full. Requester only.
		/// Emits `JobFailed` with `Cancelled`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::cancel_job(T::MaxBids::get()).saturating_add(T::JobObserver::weight()))]
		pub fn cancel_job(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_job(who, job)
		}

		/// Bids `price` (at most the job's per-provider cap) on an open auction job; the bid
		/// holds a storage deposit and one of the bidder's slots until the auction ends, and
		/// binds it until then. Eligible providers only. On a full list the bid takes the place
		/// of the worst one if it is better (a lower price, or the same price and a higher
		/// reputation score), which emits `BidEvicted`. Emits `BidPlaced`.
		#[pallet::call_index(10)]
		pub fn place_bid(origin: OriginFor<T>, job: JobId, price: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_place_bid(who, job, price)
		}

		/// Ends an auction early by choosing its winning bidders (as many as the job needs).
		/// Requester only; not for redundant jobs, whose providers are drawn. Emits
		/// `JobAssigned`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::select_bids(T::MaxBids::get()))]
		pub fn select_bids(
			origin: OriginFor<T>,
			job: JobId,
			providers: BoundedVec<T::AccountId, T::MaxRedundancy>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_select_bids(who, job, providers)
		}

		/// Accepts a direct job addressed to the signer. Emits `JobAssigned`.
		#[pallet::call_index(12)]
		pub fn accept_job(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_job(who, job)
		}

		/// Claims a fixed-price job (eligible providers only): a single-provider job is assigned
		/// to its first claimer; a redundant job records the claim as an application (with a
		/// bid's deposit and slot, and a bid's place on a full list) and its providers are drawn
		/// among the applicants when the matching window closes. Emits `JobClaimed` (and
		/// `JobAssigned`).
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::claim_job().max(T::WeightInfo::place_bid()))]
		pub fn claim_job(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_job(who, job)
		}

		/// Submits the result of a single-provider job (with a proof in `Proof` mode, which
		/// settles it at once). Emits `ResultSubmitted`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::submit_result()
			.saturating_add(T::ResultVerifier::max_verify_weight())
			.saturating_add(Pallet::<T>::max_settlement_weight()))]
		pub fn submit_result(
			origin: OriginFor<T>,
			job: JobId,
			result_hash: ContentHash,
			result_uri: BoundedText<T::MaxUriLen>,
			proof: BoundedVec<u8, T::MaxProofLen>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_submit_result(who, job, result_hash, result_uri, proof)
		}

		/// Commits to a result in a redundant job: `commitment =` [`commitment_of`]`(job,
		/// provider, result_hash, salt)` (a copy of another provider's can never be revealed).
		/// Emits `ResultCommitted`.
		#[pallet::call_index(15)]
		pub fn commit_result(
			origin: OriginFor<T>,
			job: JobId,
			commitment: ContentHash,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_result(who, job, commitment)
		}

		/// Reveals a committed result. The last reveal decides the job. Emits `ResultRevealed`.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::reveal_result().saturating_add(Pallet::<T>::max_settlement_weight()))]
		pub fn reveal_result(
			origin: OriginFor<T>,
			job: JobId,
			result_hash: ContentHash,
			result_uri: BoundedText<T::MaxUriLen>,
			salt: ContentHash,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_reveal_result(who, job, result_hash, result_uri, salt, None)
		}

		/// Reveals a committed result given inline: the result is `value` (at most
		/// `MaxInlineResultLen` bytes, else `InlineResultTooLong`), whose BLAKE2-256 is the
		/// result hash the commitment bound. The value is handed to the job's observer when the
		/// job settles (an oracle answer carries it). The last reveal decides the job. Emits
		/// `ResultRevealed`.
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::reveal_inline_result().saturating_add(Pallet::<T>::max_settlement_weight()))]
		pub fn reveal_inline_result(
			origin: OriginFor<T>,
			job: JobId,
			value: alloc::vec::Vec<u8>,
			salt: ContentHash,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let value: InlineResult<T> =
				value.try_into().map_err(|_| Error::<T>::InlineResultTooLong)?;
			let result_hash = sp_io::hashing::blake2_256(&value);
			Self::do_reveal_result(who, job, result_hash, Default::default(), salt, Some(value))
		}

		/// Reports that the signer cannot run an assigned job: it is not paid, loses
		/// `AbandonSlash` of its bond to the fee destination (less than a missed deadline costs,
		/// so that winning jobs only to give them back loses money), and the failure counts in
		/// its reputation; a single-provider job fails and is refunded in full. Not after
		/// committing to a result in a redundant job (a committed provider reveals, or is slashed
		/// at the reveal deadline), nor after the deadline. Emits `FailureReported`.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::report_failure().saturating_add(T::JobObserver::weight()))]
		pub fn report_failure(
			origin: OriginFor<T>,
			job: JobId,
			code: u16,
			message_hash: ContentHash,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_report_failure(who, job, code, message_hash)
		}

		/// Accepts a submitted result and settles the job. Requester only. Emits `JobSettled`.
		#[pallet::call_index(18)]
		#[pallet::weight(Pallet::<T>::max_settlement_weight())]
		pub fn accept_result(origin: OriginFor<T>, job: JobId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_accept_result(who, job)
		}

		/// Disputes a submitted result, holding `DisputeBond`; the dispute resolver decides
		/// within `DisputePeriod`, or the result stands. Requester only, within the review
		/// period. Emits `JobDisputed`.
		#[pallet::call_index(19)]
		pub fn dispute_result(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute_result(who, job)
		}

		/// The designated verifier attests the result within the review period: valid settles
		/// the job; invalid disputes it, holding the requester's `DisputeBond` (the dispute
		/// resolver decides within `DisputePeriod`, or the result stands). Emits `JobSettled` or
		/// `ResultRejected`.
		#[pallet::call_index(20)]
		#[pallet::weight(Pallet::<T>::max_settlement_weight())]
		pub fn attest_result(
			origin: OriginFor<T>,
			job: JobId,
			valid: bool,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_attest_result(who, job, valid)
		}

		/// Decides a dispute (`DisputeResolverOrigin`). Provider at fault: `DisputeSlash` of its
		/// bond goes to the fee destination; the requester is refunded in full and gets its
		/// dispute bond back. Requester at fault: `DisputeWinnerShare` of the dispute bond goes
		/// to the provider, the rest to the fee destination, and the job settles. Emits
		/// `DisputeResolved`.
		#[pallet::call_index(21)]
		#[pallet::weight(Pallet::<T>::max_settlement_weight())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			job: JobId,
			provider_at_fault: bool,
		) -> DispatchResultWithPostInfo {
			T::DisputeResolverOrigin::ensure_origin(origin)?;
			Self::do_resolve_dispute(job, provider_at_fault)
		}

		/// Removes a receipt and returns its deposit. Requester only. Emits `ReceiptRemoved`.
		#[pallet::call_index(22)]
		pub fn remove_receipt(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_receipt(who, job)
		}

		/// Handles a job's deadline that has passed (before this block) but that the deadline
		/// hook has not reached yet, exactly as the hook would: the hook handles at most
		/// `MaxDeadlinesPerBlock` a block and carries the rest over, so anyone waiting on a job
		/// (its requester, its providers) can end the wait at its own cost. Anyone may call it;
		/// the caller pays for the work and gains nothing from it. Not a redundant job's draw,
		/// which waits for the hook (`DrawAwaitsTheHook`). Charged the costliest kind of
		/// deadline handled alone, refunded to the kind it handles. Emits `DeadlineFinalized`.
		#[pallet::call_index(23)]
		#[pallet::weight(
			T::WeightInfo::finalize_deadline()
				.saturating_add(Pallet::<T>::max_lone_deadline_charge())
		)]
		pub fn finalize_deadline(origin: OriginFor<T>, job: JobId) -> DispatchResultWithPostInfo {
			let caller = ensure_signed(origin)?;
			let charge = Self::do_finalize_deadline(caller, job)?;
			Ok(Some(T::WeightInfo::finalize_deadline().saturating_add(charge)).into())
		}
	}
}
