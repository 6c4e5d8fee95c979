//! The pallet's events: what happened, for indexers, clients and the worker.

use frame_support::pallet_macros::pallet_section;

/// Imported into the pallet (`lib.rs`) by `#[import_section(events::events)]`.
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A provider registered with a bond.
		ProviderRegistered {
			/// The provider.
			provider: T::AccountId,
			/// Its bond.
			bond: BalanceOf<T>,
		},
		/// A provider changed its capabilities or endpoint.
		ProviderUpdated {
			/// The provider.
			provider: T::AccountId,
		},
		/// A provider submitted a TEE attestation (untrusted until confirmed).
		AttestationSubmitted {
			/// The provider.
			provider: T::AccountId,
			/// The hardware.
			kind: TeeKind,
		},
		/// The attestor origin confirmed or rejected a provider's attestation.
		AttestationReviewed {
			/// The provider.
			provider: T::AccountId,
			/// Whether it is trusted now.
			trusted: bool,
		},
		/// A provider paused or resumed.
		ProviderPaused {
			/// The provider.
			provider: T::AccountId,
			/// Paused (true) or active again (false).
			paused: bool,
		},
		/// A provider added to its bond.
		BondToppedUp {
			/// The provider.
			provider: T::AccountId,
			/// Its bond now.
			bond: BalanceOf<T>,
		},
		/// A provider started unbonding.
		UnbondingStarted {
			/// The provider.
			provider: T::AccountId,
			/// When it may withdraw.
			unlock_at: BlockNumberFor<T>,
		},
		/// A provider withdrew its bond and left.
		ProviderLeft {
			/// The provider.
			provider: T::AccountId,
			/// The bond released.
			bond: BalanceOf<T>,
		},
		/// A provider was slashed.
		ProviderSlashed {
			/// The provider.
			provider: T::AccountId,
			/// The job.
			job: JobId,
			/// How much of its bond it lost.
			amount: BalanceOf<T>,
		},
		/// A job was posted; its budget is held in escrow.
		JobPosted {
			/// The job.
			job: JobId,
			/// Who posted it.
			requester: T::AccountId,
			/// Its budget.
			budget: BalanceOf<T>,
		},
		/// A provider bid on an auction job.
		BidPlaced {
			/// The job.
			job: JobId,
			/// The bidder.
			provider: T::AccountId,
			/// Its price.
			price: BalanceOf<T>,
		},
		/// A better bid (or application) took the place of the worst one on a full list; the
		/// evicted bidder's deposit and slot are released.
		BidEvicted {
			/// The job.
			job: JobId,
			/// The evicted bidder.
			provider: T::AccountId,
			/// Its price.
			price: BalanceOf<T>,
		},
		/// A provider claimed a fixed-price job.
		JobClaimed {
			/// The job.
			job: JobId,
			/// The provider.
			provider: T::AccountId,
		},
		/// A job got all its providers and the execution window started.
		JobAssigned {
			/// The job.
			job: JobId,
			/// Its providers.
			providers: BoundedVec<T::AccountId, T::MaxRedundancy>,
			/// The execution deadline.
			deadline: BlockNumberFor<T>,
		},
		/// A provider submitted a result.
		ResultSubmitted {
			/// The job.
			job: JobId,
			/// The provider.
			provider: T::AccountId,
			/// The result's hash.
			result_hash: ContentHash,
		},
		/// A redundant provider committed to a result.
		ResultCommitted {
			/// The job.
			job: JobId,
			/// The provider.
			provider: T::AccountId,
		},
		/// A redundant provider revealed its result.
		ResultRevealed {
			/// The job.
			job: JobId,
			/// The provider.
			provider: T::AccountId,
			/// The result's hash.
			result_hash: ContentHash,
		},
		/// A provider reported that it cannot run a job.
		FailureReported {
			/// The job.
			job: JobId,
			/// The provider.
			provider: T::AccountId,
			/// Its reason code.
			code: u16,
			/// The hash of its explanation.
			message_hash: ContentHash,
		},
		/// The requester disputed a result; its dispute bond is held.
		JobDisputed {
			/// The job.
			job: JobId,
			/// The bond.
			bond: BalanceOf<T>,
		},
		/// The dispute resolver decided a dispute.
		DisputeResolved {
			/// The job.
			job: JobId,
			/// The provider was at fault.
			provider_at_fault: bool,
		},
		/// A job completed: everyone was paid.
		JobSettled {
			/// The job.
			job: JobId,
			/// The accepted result.
			result_hash: ContentHash,
			/// Paid to the providers.
			paid_to_providers: BalanceOf<T>,
			/// The protocol fee.
			protocol_fee: BalanceOf<T>,
			/// Paid to model and dataset contributors.
			usage_fees: BalanceOf<T>,
			/// Returned to the requester.
			refunded: BalanceOf<T>,
		},
		/// A job ended without success; the requester got its budget back.
		JobFailed {
			/// The job.
			job: JobId,
			/// Why.
			reason: FailureReason,
			/// Returned to the requester.
			refunded: BalanceOf<T>,
		},
		/// The job's verifier rejected its result: the job is disputed until the dispute
		/// resolver rules or the dispute period ends.
		ResultRejected {
			/// The job.
			job: JobId,
			/// The verifier.
			verifier: T::AccountId,
		},
		/// Nobody ruled on a dispute within the dispute period: the result stands.
		DisputeTimedOut {
			/// The job.
			job: JobId,
		},
		/// A requester removed a receipt and got its deposit back.
		ReceiptRemoved {
			/// The job.
			job: JobId,
		},
		/// A passed deadline the hook had not reached yet was handled on someone's call
		/// (`finalize_deadline`), exactly as the hook would have.
		DeadlineFinalized {
			/// The job.
			job: JobId,
			/// What the deadline was for.
			kind: DeadlineKind,
			/// Who called (and paid for) it.
			caller: T::AccountId,
		},
		/// A redundant job's draw waits a block: its seed was public while applications were
		/// open (blocks built on one relay parent share its randomness).
		DrawPostponed {
			/// The job.
			job: JobId,
		},
	}
}
