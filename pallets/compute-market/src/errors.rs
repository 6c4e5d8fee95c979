//! The pallet's errors: every way a call can fail, by name.

use frame_support::pallet_macros::pallet_section;

/// Imported into the pallet (`lib.rs`) by `#[import_section(errors::errors)]`.
#[pallet_section]
mod errors {
	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a provider.
		AlreadyProvider,
		/// The account is not a provider.
		NotProvider,
		/// The bond is below `MinProviderBond`.
		BondTooLow,
		/// The provider is unbonding.
		ProviderUnbonding,
		/// The provider already has this paused state.
		PausedUnchanged,
		/// The provider has unfinished jobs.
		HasActiveJobs,
		/// The provider has open bids or applications: they bind it until their auctions end.
		HasOpenBids,
		/// The provider is not unbonding.
		NotUnbonding,
		/// The unbonding period has not ended.
		StillUnbonding,
		/// The provider has no TEE attestation.
		NoAttestation,
		/// Capabilities declare no job kind, or concurrency zero.
		InvalidCapabilities,
		/// No job with this id (or it has finished).
		JobNotFound,
		/// No receipt for this job.
		ReceiptNotFound,
		/// Only the job's requester may do this.
		NotRequester,
		/// The job is not open.
		JobNotOpen,
		/// The job is not assigned.
		JobNotAssigned,
		/// The job's result is not awaiting review.
		NotSubmitted,
		/// The job is not in its reveal phase.
		NotRevealing,
		/// The job is not disputed.
		NotDisputed,
		/// The job's matching mode does not allow this.
		WrongMatchingMode,
		/// The job's verification mode does not allow this.
		WrongVerificationMode,
		/// The account is not one of the job's providers.
		NotAssignedProvider,
		/// Only the job's verifier may do this.
		NotVerifier,
		/// The provider does not meet the job's requirements.
		ProviderNotEligible,
		/// The provider takes no new work (paused, unbonding or under-bonded).
		ProviderInactive,
		/// The provider's jobs and open bids fill its slots (its declared `max_concurrent_jobs`,
		/// or what its bond backs at `BondPerSlot` a slot).
		ProviderAtCapacity,
		/// The price is above what the budget allows per provider.
		BidTooHigh,
		/// The provider already bid.
		AlreadyBid,
		/// The job has as many bids as it takes, none worse than this one (a lower price, or the
		/// same price and a higher reputation score, takes the place of the worst).
		TooManyBids,
		/// The provider already claimed the job.
		AlreadyClaimed,
		/// The selected providers did not all bid, or are the wrong number.
		InvalidSelection,
		/// The budget does not cover the usage fees and a provider.
		BudgetTooLow,
		/// A window of zero blocks, or longer than allowed.
		InvalidWindow,
		/// Redundancy needs at least two providers, at most `MaxRedundancy`, and a quorum
		/// above half of them.
		InvalidRedundancy,
		/// The job kind needs a model.
		ModelRequired,
		/// No proof verifier is available in this runtime.
		ProofVerificationUnavailable,
		/// The provider already submitted, committed or revealed.
		AlreadySubmitted,
		/// The revealed result does not match the commitment.
		RevealMismatch,
		/// The provider did not commit.
		NotCommitted,
		/// A result revealed inline is longer than `MaxInlineResultLen`.
		InlineResultTooLong,
		/// The job's deadline has passed.
		DeadlinePassed,
		/// The job's deadline has not passed.
		DeadlineNotPassed,
		/// The requester cannot be its own job's verifier.
		VerifierIsRequester,
		/// A redundant job's providers are drawn at random among its applicants when the
		/// matching window closes; its requester cannot choose them.
		RedundantSetIsDrawn,
		/// The requester cannot hold the dispute bond a verifier's rejection needs.
		RequesterCannotBondDispute,
		/// The provider committed to a result: it must reveal it (or be slashed at the reveal
		/// deadline), not leave.
		AlreadyCommitted,
		/// An id or counter overflowed.
		Overflow,
		/// The job has no pending deadline.
		NoPendingDeadline,
		/// A redundant job's draw is made by the deadline hook, with the randomness of the block
		/// it reaches it in: no caller may choose that block.
		DrawAwaitsTheHook,
	}
}
