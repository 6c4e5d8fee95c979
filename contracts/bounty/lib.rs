//! # DeAI bounty
//!
//! A contract that buys one inference from DeAI Chain's compute market. Its owner instantiates it
//! for a registered model version (refused when the registry says the version is unusable) and
//! funds it; `post` posts a fixed-price inference job funded by the contract; anyone can follow
//! it with `status`. Every end of the job gives the owner its funds back, with the job's storage
//! deposit (the bounty removes the market's receipt):
//!
//! - a provider's result is in: the owner `accept`s it (the market pays the provider, the
//!   protocol and the model's contributors from the job's escrow, and the contract releases the
//!   rest), or `dispute`s it (the market holds its dispute bond until the arbiter rules);
//! - the job is still open: the owner may `cancel` it, and gets the whole budget back;
//! - the job ended otherwise (it failed: no provider, a missed deadline, a provider that lost a
//!   dispute; or it settled: the review period passed in silence, the arbiter found for the
//!   provider): the owner `close`s the bounty.
//!
//! `close` also releases the funds of a bounty whose job was never posted, or that were sent
//! after the job was closed.
//!
//! It talks to the chain through DeAI Chain's chain extension, whose ids, status codes and test
//! vectors are `deai_abi::contract` (the chain's `abi` crate, a dependency of this contract):
//! extension 1, functions 1–7, SCALE in and out, status codes for errors. ink!'s attributes take
//! only literals, so the ids are written out below; the off-chain tests route calls by
//! `deai_abi`'s ids and check this contract's SCALE mirrors against its vectors.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

use ink::{env::Environment, prelude::vec::Vec};

/// A model version: the model's id and the version's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ModelVersionRef {
	/// The model.
	pub model: u64,
	/// The version within it.
	pub version: u32,
}

/// Input of the extension's `MODEL_VERSION` function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ModelVersionQuery {
	/// The model version.
	pub version: ModelVersionRef,
	/// Whether the use is commercial.
	pub commercial: bool,
}

/// Output of `MODEL_VERSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ModelVersionInfo {
	/// A new job may use it.
	pub usable: bool,
	/// What a job using it pays the model's contributors.
	pub usage_fee: u128,
}

/// Where a job stands (output of `JOB_STATUS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum JobState {
	/// Open for providers.
	Open,
	/// Providers are working.
	Assigned,
	/// Redundant providers are revealing.
	Revealing,
	/// A result awaits acceptance.
	Submitted {
		/// The result's hash.
		result_hash: [u8; 32],
	},
	/// The result is disputed.
	Disputed,
	/// Settled with this result.
	Completed {
		/// The result's hash.
		result_hash: [u8; 32],
	},
	/// Ended without a result.
	Failed,
}

/// The compute market's `JobSpec`, field for field, as the extension's `POST_JOB` decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct JobSpec {
	kind: JobKind,
	model: Option<ModelVersionRef>,
	datasets: Vec<(u64, u32)>,
	input_hash: [u8; 32],
	input_uri: Vec<u8>,
	requirements: Requirements,
	commercial: bool,
	budget: u128,
	matching_blocks: u32,
	execution_blocks: u32,
	matching: MatchingMode,
	verification: VerificationMode,
}

/// The market's job kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum JobKind {
	/// Running a model on inputs.
	Inference,
	/// Fine-tuning.
	FineTune,
	/// Training.
	Training,
	/// Evaluating.
	Evaluation,
}

/// What a provider must offer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Requirements {
	min_vram_mib: u32,
	min_ram_mib: u32,
	accelerator: Option<Vec<u8>>,
	region: Option<u16>,
	tee_required: bool,
	min_reputation: u32,
}

/// How providers are matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum MatchingMode {
	/// Bids.
	Auction,
	/// A named provider.
	Direct {
		/// The provider.
		provider: ink::primitives::AccountId,
	},
	/// The first claimers, at this price.
	FixedPrice {
		/// The price per provider.
		price: u128,
	},
}

/// How results are verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum VerificationMode {
	/// The requester accepts (or disputes).
	RequesterApproval,
	/// Commit-reveal among several providers.
	Redundant {
		/// Providers.
		providers: u8,
		/// Agreeing providers needed.
		quorum: u8,
	},
	/// A named verifier attests.
	Verifier {
		/// The verifier.
		verifier: ink::primitives::AccountId,
	},
	/// A proof checked by the runtime.
	Proof,
}

/// A failed extension call: the chain's status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ExtensionError {
	/// No such function.
	UnknownFunction,
	/// The input did not decode.
	InvalidInput,
	/// No such model version or job.
	NotFound,
	/// A read-only call cannot change state.
	ReadOnly,
	/// A failure that is not a pallet's named error.
	DispatchFailed,
	/// A pallet's named error: `0x0001_0000 | pallet index << 8 | error index`.
	Module(u32),
	/// The output did not decode.
	BadOutput,
}

impl ink::env::chain_extension::FromStatusCode for ExtensionError {
	fn from_status_code(status_code: u32) -> Result<(), Self> {
		use deai_abi::contract::Status;
		match Status::from_code(status_code) {
			Some(Status::Success) => Ok(()),
			Some(Status::UnknownFunction) => Err(Self::UnknownFunction),
			Some(Status::InvalidInput) => Err(Self::InvalidInput),
			Some(Status::NotFound) => Err(Self::NotFound),
			Some(Status::ReadOnly) => Err(Self::ReadOnly),
			Some(Status::DispatchFailed) => Err(Self::DispatchFailed),
			None => Err(Self::Module(status_code)),
		}
	}
}

impl From<ink::scale::Error> for ExtensionError {
	fn from(_: ink::scale::Error) -> Self {
		Self::BadOutput
	}
}

/// DeAI Chain's chain extension.
#[ink::chain_extension(extension = 1)]
pub trait DeaiExtension {
	/// Failed calls.
	type ErrorCode = ExtensionError;

	/// A model version's usability and usage fee.
	#[ink(function = 1)]
	fn model_version(query: ModelVersionQuery) -> Result<ModelVersionInfo, ExtensionError>;

	/// Posts a job funded by this contract; its id.
	#[ink(function = 2)]
	fn post_job(spec: JobSpec) -> Result<u64, ExtensionError>;

	/// A job's state.
	#[ink(function = 3)]
	fn job_status(job: u64) -> Result<JobState, ExtensionError>;

	/// Accepts a job's result (this contract is its requester).
	#[ink(function = 4)]
	fn accept_result(job: u64) -> Result<(), ExtensionError>;

	/// Removes an ended job's receipt: its storage deposit comes back to this contract.
	#[ink(function = 5)]
	fn remove_receipt(job: u64) -> Result<(), ExtensionError>;

	/// Cancels an open job: its budget comes back to this contract.
	#[ink(function = 6)]
	fn cancel_job(job: u64) -> Result<(), ExtensionError>;

	/// Disputes a job's submitted result, holding the market's dispute bond from this contract.
	#[ink(function = 7)]
	fn dispute_result(job: u64) -> Result<(), ExtensionError>;
}

/// DeAI Chain's contract environment: the default types, plus the chain extension.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(TypeInfo)]
pub enum DeaiEnvironment {}

impl Environment for DeaiEnvironment {
	const MAX_EVENT_TOPICS: usize = <ink::env::DefaultEnvironment as Environment>::MAX_EVENT_TOPICS;
	type AccountId = <ink::env::DefaultEnvironment as Environment>::AccountId;
	type Balance = <ink::env::DefaultEnvironment as Environment>::Balance;
	type Hash = <ink::env::DefaultEnvironment as Environment>::Hash;
	type BlockNumber = <ink::env::DefaultEnvironment as Environment>::BlockNumber;
	type Timestamp = <ink::env::DefaultEnvironment as Environment>::Timestamp;
	type ChainExtension = DeaiExtension;
}

#[ink::contract(env = crate::DeaiEnvironment)]
mod bounty {
	use super::*;

	/// Why a message failed.
	#[derive(Debug, Clone, Copy, PartialEq, Eq)]
	#[ink::scale_derive(Encode, Decode, TypeInfo)]
	pub enum Error {
		/// Only the owner may do this.
		NotOwner,
		/// The model version may not be used for this job.
		ModelNotUsable,
		/// A job is already posted.
		AlreadyPosted,
		/// No job is posted yet.
		NoJob,
		/// The job has no result to accept or dispute.
		NoResult,
		/// The job is no longer open: it cannot be cancelled.
		NotOpen,
		/// The job has not ended: it can still be cancelled (while open), accepted or disputed
		/// (once a result is in), or the market is still deciding it.
		JobNotEnded,
		/// The bounty already closed its job.
		Closed,
		/// The chain refused: its status code.
		Chain(ExtensionError),
		/// Releasing the funds to the owner failed.
		TransferFailed,
	}

	impl From<ExtensionError> for Error {
		fn from(error: ExtensionError) -> Self {
			Self::Chain(error)
		}
	}

	/// The job was posted.
	#[ink(event)]
	pub struct Posted {
		/// The market's job id.
		#[ink(topic)]
		job: u64,
		/// Its budget, held from this contract.
		budget: Balance,
	}

	/// The result was accepted and the funds released.
	#[ink(event)]
	pub struct Accepted {
		/// The market's job id.
		#[ink(topic)]
		job: u64,
		/// The accepted result.
		result_hash: [u8; 32],
		/// What went back to the owner.
		released: Balance,
	}

	/// The owner disputed the submitted result.
	#[ink(event)]
	pub struct Disputed {
		/// The market's job id.
		#[ink(topic)]
		job: u64,
		/// The disputed result.
		result_hash: [u8; 32],
	}

	/// The contract released its funds to its owner (with the job's receipt removed, if it had
	/// one): on `cancel` and `close`.
	#[ink(event)]
	pub struct Closed {
		/// The market's job id, if one was posted.
		#[ink(topic)]
		job: Option<u64>,
		/// How the job ended, if it did.
		outcome: Option<JobState>,
		/// What went back to the owner.
		released: Balance,
	}

	/// One bounty: a model version, an owner, at most one job.
	#[ink(storage)]
	pub struct Bounty {
		owner: AccountId,
		model: ModelVersionRef,
		job: Option<u64>,
		/// How the job ended, once the bounty closed it (removed its receipt from the market).
		outcome: Option<JobState>,
	}

	impl Bounty {
		/// A bounty for a model version that the registry says is usable (non-commercial use).
		/// The value sent funds the job.
		#[ink(constructor, payable)]
		pub fn new(model: u64, version: u32) -> Result<Self, Error> {
			let model = ModelVersionRef { model, version };
			let info = Self::env()
				.extension()
				.model_version(ModelVersionQuery { version: model, commercial: false })?;
			if !info.usable {
				return Err(Error::ModelNotUsable);
			}
			Ok(Self { owner: Self::env().caller(), model, job: None, outcome: None })
		}

		/// Posts a fixed-price inference job (one provider, the owner approves the result) with
		/// `budget` of the contract's funds in escrow. Owner only.
		#[ink(message)]
		pub fn post(
			&mut self,
			input_hash: [u8; 32],
			input_uri: Vec<u8>,
			budget: Balance,
			price: Balance,
		) -> Result<u64, Error> {
			self.ensure_owner()?;
			if self.job.is_some() {
				return Err(Error::AlreadyPosted);
			}
			let spec = JobSpec {
				kind: JobKind::Inference,
				model: Some(self.model),
				datasets: Vec::new(),
				input_hash,
				input_uri,
				requirements: Requirements {
					min_vram_mib: 0,
					min_ram_mib: 0,
					accelerator: None,
					region: None,
					tee_required: false,
					min_reputation: 0,
				},
				commercial: false,
				budget,
				matching_blocks: 100,
				execution_blocks: 100,
				matching: MatchingMode::FixedPrice { price },
				verification: VerificationMode::RequesterApproval,
			};
			let job = self.env().extension().post_job(spec)?;
			self.job = Some(job);
			self.env().emit_event(Posted { job, budget });
			Ok(job)
		}

		/// The job's state (how it ended, once the bounty closed it).
		#[ink(message)]
		pub fn status(&self) -> Result<JobState, Error> {
			let job = self.job.ok_or(Error::NoJob)?;
			match self.outcome {
				Some(outcome) => Ok(outcome),
				None => Ok(self.env().extension().job_status(job)?),
			}
		}

		/// The model version this bounty pays for, and its usage fee now.
		#[ink(message)]
		pub fn model(&self) -> Result<(ModelVersionRef, Balance), Error> {
			let info = self
				.env()
				.extension()
				.model_version(ModelVersionQuery { version: self.model, commercial: false })?;
			Ok((self.model, info.usage_fee))
		}

		/// Accepts the submitted result (the market settles the job), removes the job's receipt
		/// and releases what the contract holds to its owner. Owner only.
		#[ink(message)]
		pub fn accept(&mut self) -> Result<[u8; 32], Error> {
			self.ensure_owner()?;
			let (job, state) = self.live_job()?;
			let JobState::Submitted { result_hash } = state else {
				return Err(Error::NoResult);
			};
			self.env().extension().accept_result(job)?;
			let released = self.close_job(job, JobState::Completed { result_hash })?;
			self.env().emit_event(Accepted { job, result_hash, released });
			Ok(result_hash)
		}

		/// Disputes the submitted result: the market holds its dispute bond from the contract
		/// (send it with the call if the contract's free funds do not cover it) and the arbiter
		/// rules. The provider at fault: the job fails, budget and bond come back; the owner at
		/// fault: the job settles, the bond pays the provider and the protocol; no ruling in
		/// time: the job settles, the bond comes back. Then `close`. Owner only.
		#[ink(message, payable)]
		pub fn dispute(&mut self) -> Result<(), Error> {
			self.ensure_owner()?;
			let (job, state) = self.live_job()?;
			let JobState::Submitted { result_hash } = state else {
				return Err(Error::NoResult);
			};
			self.env().extension().dispute_result(job)?;
			self.env().emit_event(Disputed { job, result_hash });
			Ok(())
		}

		/// Cancels the job while it is open (no provider has taken it), removes its receipt and
		/// releases what the contract holds, the whole budget included, to its owner. Owner
		/// only.
		#[ink(message)]
		pub fn cancel(&mut self) -> Result<Balance, Error> {
			self.ensure_owner()?;
			let (job, state) = self.live_job()?;
			if state != JobState::Open {
				return Err(Error::NotOpen);
			}
			self.env().extension().cancel_job(job)?;
			let released = self.close_job(job, JobState::Failed)?;
			self.env().emit_event(Closed {
				job: Some(job),
				outcome: Some(JobState::Failed),
				released,
			});
			Ok(released)
		}

		/// Releases what the contract holds to its owner once the job has ended, whichever way
		/// (completed or failed), removing its receipt first so that its storage deposit comes
		/// back too. Before a job is posted, or after the bounty closed it, it releases the
		/// contract's funds alone. Owner only.
		#[ink(message)]
		pub fn close(&mut self) -> Result<Balance, Error> {
			self.ensure_owner()?;
			let released = match (self.job, self.outcome) {
				(Some(job), None) => {
					let state = self.env().extension().job_status(job)?;
					if !matches!(state, JobState::Completed { .. } | JobState::Failed) {
						return Err(Error::JobNotEnded);
					}
					self.close_job(job, state)?
				},
				_ => self.release()?,
			};
			self.env().emit_event(Closed { job: self.job, outcome: self.outcome, released });
			Ok(released)
		}

		/// The posted job, not yet closed by the bounty, and its state.
		fn live_job(&self) -> Result<(u64, JobState), Error> {
			let job = self.job.ok_or(Error::NoJob)?;
			if self.outcome.is_some() {
				return Err(Error::Closed);
			}
			Ok((job, self.env().extension().job_status(job)?))
		}

		/// Removes the ended job's receipt (its deposit comes back), records how the job ended
		/// and releases the contract's funds to its owner; what it released.
		fn close_job(&mut self, job: u64, outcome: JobState) -> Result<Balance, Error> {
			self.env().extension().remove_receipt(job)?;
			self.outcome = Some(outcome);
			self.release()
		}

		/// Transfers what the contract can spend to its owner; the amount.
		fn release(&self) -> Result<Balance, Error> {
			let released = self.env().balance();
			if released > 0 {
				self.env().transfer(self.owner, released).map_err(|_| Error::TransferFailed)?;
			}
			Ok(released)
		}

		fn ensure_owner(&self) -> Result<(), Error> {
			if self.env().caller() == self.owner {
				Ok(())
			} else {
				Err(Error::NotOwner)
			}
		}
	}

	/// Off-chain tests: the chain extension is a mock market holding the bounty's one job.
	#[cfg(test)]
	mod tests {
		use super::*;
		use deai_abi::contract::{func::*, module_error_code, vectors, Status, EXTENSION_ID};
		use ink::{
			env::test,
			scale::{Decode, Encode},
		};
		use std::{cell::RefCell, rc::Rc};

		/// A market error, as a status code (the compute market is pallet 61; which error does
		/// not matter here).
		const REFUSED: u32 = module_error_code(61, 9);
		/// The contract's balance when a test starts.
		const FUNDS: Balance = 10_000_000;

		/// The chain as the bounty sees it.
		#[derive(Default)]
		struct Market {
			/// What `JOB_STATUS` answers; `None`: no job, or its receipt was removed.
			job: Option<JobState>,
			/// The extension's functions called, in order.
			calls: Vec<u16>,
			/// Every state change is refused with this status code.
			refuse: Option<u32>,
		}

		struct MockExtension(Rc<RefCell<Market>>);

		impl test::ChainExtension for MockExtension {
			fn ext_id(&self) -> u16 {
				// The engine routes the contract's calls here only if the ids agree.
				EXTENSION_ID
			}

			fn call(&mut self, func_id: u16, input: &[u8], output: &mut Vec<u8>) -> u32 {
				// The off-chain engine hands the input over encoded once more, as a byte vector.
				let input = Vec::<u8>::decode(&mut &input[..]).expect("encoded bytes");
				let mut market = self.0.borrow_mut();
				market.calls.push(func_id);
				if ![MODEL_VERSION, POST_JOB].contains(&func_id) {
					assert_eq!(u64::decode(&mut &input[..]), Ok(7), "the job's id");
				}
				// Reads.
				match (func_id, market.job) {
					(MODEL_VERSION, _) => {
						return answer(output, ModelVersionInfo { usable: true, usage_fee: 3 })
					},
					(JOB_STATUS, Some(state)) => return answer(output, state),
					(JOB_STATUS, None) => return Status::NotFound as u32,
					_ => {},
				}
				// State changes.
				if let Some(code) = market.refuse {
					return code;
				}
				market.job = match (func_id, market.job) {
					(POST_JOB, _) => {
						market.job = Some(JobState::Open);
						return answer(output, 7u64);
					},
					(ACCEPT_RESULT, Some(JobState::Submitted { result_hash })) => {
						Some(JobState::Completed { result_hash })
					},
					(REMOVE_RECEIPT, Some(JobState::Completed { .. } | JobState::Failed)) => None,
					(CANCEL_JOB, Some(JobState::Open)) => Some(JobState::Failed),
					(DISPUTE_RESULT, Some(JobState::Submitted { .. })) => Some(JobState::Disputed),
					_ => return REFUSED,
				};
				Status::Success as u32
			}
		}

		/// Writes a function's output: success.
		fn answer(output: &mut Vec<u8>, value: impl Encode) -> u32 {
			value.encode_to(output);
			Status::Success as u32
		}

		/// The contract's mirrors of the chain's types encode the ABI's example values to the
		/// ABI's bytes, as the runtime's types do (the runtime's test
		/// `the_extension_types_encode_to_the_abi_vectors`).
		#[test]
		fn mirrors_encode_to_the_abi_vectors() {
			let model = ModelVersionRef { model: 7, version: 2 };
			assert_eq!(
				ModelVersionQuery { version: model, commercial: true }.encode(),
				vectors::MODEL_VERSION_QUERY
			);
			assert_eq!(
				ModelVersionInfo { usable: true, usage_fee: 1_000_000 }.encode(),
				vectors::MODEL_VERSION_INFO
			);
			assert_eq!(
				JobState::Submitted { result_hash: [0xab; 32] }.encode(),
				vectors::JOB_STATE_SUBMITTED
			);
			assert_eq!(JobState::Failed.encode(), vectors::JOB_STATE_FAILED);
			const UNIT: u128 = 1_000_000_000_000;
			let spec = JobSpec {
				kind: JobKind::FineTune,
				model: Some(model),
				datasets: vec![(3, 1)],
				input_hash: [0x11; 32],
				input_uri: b"ipfs://x".to_vec(),
				requirements: Requirements {
					min_vram_mib: 8,
					min_ram_mib: 1024,
					accelerator: Some(b"cuda".to_vec()),
					region: Some(49),
					tee_required: true,
					min_reputation: 5,
				},
				commercial: true,
				budget: 40 * UNIT,
				matching_blocks: 50,
				execution_blocks: 60,
				matching: MatchingMode::FixedPrice { price: 10 * UNIT },
				verification: VerificationMode::Redundant { providers: 3, quorum: 2 },
			};
			assert_eq!(spec.encode(), vectors::JOB_SPEC);
			assert_eq!(JobSpec::decode(&mut &vectors::JOB_SPEC[..]), Ok(spec));
		}

		/// Status codes decode to the contract's errors as `deai_abi` defines them.
		#[test]
		fn status_codes_decode_as_the_abi_defines_them() {
			use ink::env::chain_extension::FromStatusCode;
			assert_eq!(ExtensionError::from_status_code(Status::Success as u32), Ok(()));
			assert_eq!(
				ExtensionError::from_status_code(Status::ReadOnly as u32),
				Err(ExtensionError::ReadOnly)
			);
			assert_eq!(
				ExtensionError::from_status_code(REFUSED),
				Err(ExtensionError::Module(REFUSED))
			);
		}

		fn contract() -> AccountId {
			AccountId::from([0xc0; 32])
		}

		fn accounts() -> test::DefaultAccounts<DeaiEnvironment> {
			test::default_accounts::<DeaiEnvironment>()
		}

		fn balance(who: AccountId) -> Balance {
			test::get_account_balance::<DeaiEnvironment>(who).unwrap_or_default()
		}

		fn call_as(who: AccountId) {
			test::set_caller::<DeaiEnvironment>(who);
		}

		/// A bounty Bob instantiated with `FUNDS`, its job (id 7) posted and now in `state`.
		fn bounty_with_job(state: JobState) -> (Bounty, Rc<RefCell<Market>>) {
			let market = Rc::new(RefCell::new(Market::default()));
			test::register_chain_extension(MockExtension(market.clone()));
			test::set_callee::<DeaiEnvironment>(contract());
			test::set_account_balance::<DeaiEnvironment>(contract(), FUNDS);
			call_as(accounts().bob);
			let mut bounty = Bounty::new(0, 0).expect("a usable model");
			assert_eq!(bounty.post([1; 32], Vec::new(), 500, 100), Ok(7));
			market.borrow_mut().job = Some(state);
			market.borrow_mut().calls.clear();
			(bounty, market)
		}

		fn last_closed() -> Closed {
			let event = test::recorded_events().last().expect("an event");
			Closed::decode(&mut &event.data[..]).expect("a Closed event")
		}

		#[ink::test]
		fn close_releases_everything_once_the_job_failed_or_settled_in_silence() {
			let result_hash = [9; 32];
			for ended in [JobState::Failed, JobState::Completed { result_hash }] {
				let (mut bounty, market) = bounty_with_job(ended);
				let bob_before = balance(accounts().bob);

				// Not for anyone but the owner.
				call_as(accounts().eve);
				assert_eq!(bounty.close(), Err(Error::NotOwner));

				// The receipt goes, the funds go to the owner, the outcome stays readable.
				call_as(accounts().bob);
				assert_eq!(bounty.close(), Ok(FUNDS));
				assert_eq!(market.borrow().calls, [JOB_STATUS, REMOVE_RECEIPT]);
				assert_eq!(market.borrow().job, None, "the receipt was removed");
				assert_eq!(balance(contract()), 0);
				assert_eq!(balance(accounts().bob) - bob_before, FUNDS);
				assert_eq!(bounty.status(), Ok(ended));
				let closed = last_closed();
				assert_eq!(
					(closed.job, closed.outcome, closed.released),
					(Some(7), Some(ended), FUNDS)
				);

				// Closed: nothing more to accept, dispute or cancel; `close` releases late funds.
				assert_eq!(bounty.accept(), Err(Error::Closed));
				assert_eq!(bounty.dispute(), Err(Error::Closed));
				assert_eq!(bounty.cancel(), Err(Error::Closed));
				test::set_account_balance::<DeaiEnvironment>(contract(), 2_000_000);
				assert_eq!(bounty.close(), Ok(2_000_000));
				assert_eq!(
					market.borrow().calls,
					[JOB_STATUS, REMOVE_RECEIPT],
					"no more calls to the market"
				);
			}
		}

		#[ink::test]
		fn close_waits_for_the_job_to_end() {
			let live = [
				JobState::Open,
				JobState::Assigned,
				JobState::Revealing,
				JobState::Submitted { result_hash: [9; 32] },
				JobState::Disputed,
			];
			for state in live {
				let (mut bounty, market) = bounty_with_job(state);
				assert_eq!(bounty.close(), Err(Error::JobNotEnded));
				assert_eq!(market.borrow().calls, [JOB_STATUS]);
				assert_eq!(balance(contract()), FUNDS);
			}
		}

		#[ink::test]
		fn close_before_posting_releases_the_funds_and_a_job_may_still_be_posted() {
			let market = Rc::new(RefCell::new(Market::default()));
			test::register_chain_extension(MockExtension(market.clone()));
			test::set_callee::<DeaiEnvironment>(contract());
			test::set_account_balance::<DeaiEnvironment>(contract(), FUNDS);
			call_as(accounts().bob);
			let mut bounty = Bounty::new(0, 0).expect("a usable model");
			assert_eq!(bounty.status(), Err(Error::NoJob));
			assert_eq!(bounty.close(), Ok(FUNDS));
			assert_eq!(balance(contract()), 0);
			let closed = last_closed();
			assert_eq!((closed.job, closed.outcome, closed.released), (None, None, FUNDS));
			assert_eq!(bounty.post([1; 32], Vec::new(), 500, 100), Ok(7));
		}

		#[ink::test]
		fn accept_settles_removes_the_receipt_and_releases_the_funds() {
			let result_hash = [9; 32];
			let (mut bounty, market) = bounty_with_job(JobState::Submitted { result_hash });
			let bob_before = balance(accounts().bob);
			call_as(accounts().eve);
			assert_eq!(bounty.accept(), Err(Error::NotOwner));
			call_as(accounts().bob);
			assert_eq!(bounty.accept(), Ok(result_hash));
			assert_eq!(market.borrow().calls, [JOB_STATUS, ACCEPT_RESULT, REMOVE_RECEIPT]);
			assert_eq!(market.borrow().job, None, "the receipt was removed");
			assert_eq!(balance(accounts().bob) - bob_before, FUNDS);
			assert_eq!(bounty.status(), Ok(JobState::Completed { result_hash }));
			assert_eq!(bounty.accept(), Err(Error::Closed));
		}

		#[ink::test]
		fn accept_and_dispute_need_a_submitted_result() {
			for state in [JobState::Open, JobState::Assigned, JobState::Disputed, JobState::Failed]
			{
				let (mut bounty, market) = bounty_with_job(state);
				assert_eq!(bounty.accept(), Err(Error::NoResult));
				assert_eq!(bounty.dispute(), Err(Error::NoResult));
				assert_eq!(market.borrow().calls, [JOB_STATUS, JOB_STATUS]);
			}
		}

		#[ink::test]
		fn dispute_holds_the_bond_and_close_releases_everything_after_the_ruling() {
			let result_hash = [9; 32];
			let (mut bounty, market) = bounty_with_job(JobState::Submitted { result_hash });
			call_as(accounts().eve);
			assert_eq!(bounty.dispute(), Err(Error::NotOwner));
			call_as(accounts().bob);
			assert_eq!(bounty.dispute(), Ok(()));
			assert_eq!(market.borrow().calls, [JOB_STATUS, DISPUTE_RESULT]);
			assert_eq!(market.borrow().job, Some(JobState::Disputed));
			assert_eq!(bounty.status(), Ok(JobState::Disputed));
			let event = test::recorded_events().last().expect("an event");
			let disputed = Disputed::decode(&mut &event.data[..]).expect("a Disputed event");
			assert_eq!((disputed.job, disputed.result_hash), (7, result_hash));
			// Under dispute: neither accepted nor closed.
			assert_eq!(bounty.accept(), Err(Error::NoResult));
			assert_eq!(bounty.close(), Err(Error::JobNotEnded));

			// The arbiter finds the provider at fault: the job fails, the owner gets it all.
			market.borrow_mut().job = Some(JobState::Failed);
			assert_eq!(bounty.close(), Ok(FUNDS));
			assert_eq!(market.borrow().job, None, "the receipt was removed");
			assert_eq!(bounty.status(), Ok(JobState::Failed));
		}

		#[ink::test]
		fn cancel_ends_an_open_job_and_releases_the_funds() {
			let (mut bounty, market) = bounty_with_job(JobState::Open);
			let bob_before = balance(accounts().bob);
			call_as(accounts().eve);
			assert_eq!(bounty.cancel(), Err(Error::NotOwner));
			call_as(accounts().bob);
			assert_eq!(bounty.cancel(), Ok(FUNDS));
			assert_eq!(market.borrow().calls, [JOB_STATUS, CANCEL_JOB, REMOVE_RECEIPT]);
			assert_eq!(market.borrow().job, None, "the receipt was removed");
			assert_eq!(balance(accounts().bob) - bob_before, FUNDS);
			assert_eq!(bounty.status(), Ok(JobState::Failed));
			let closed = last_closed();
			assert_eq!(
				(closed.job, closed.outcome, closed.released),
				(Some(7), Some(JobState::Failed), FUNDS)
			);

			// Once taken by a provider, a job cannot be cancelled.
			let (mut bounty, market) = bounty_with_job(JobState::Assigned);
			assert_eq!(bounty.cancel(), Err(Error::NotOpen));
			assert_eq!(market.borrow().calls, [JOB_STATUS]);
		}

		#[ink::test]
		fn the_markets_refusals_come_back_as_chain_errors_and_keep_the_funds() {
			let (mut bounty, market) = bounty_with_job(JobState::Failed);
			market.borrow_mut().refuse = Some(REFUSED);
			assert_eq!(bounty.close(), Err(Error::Chain(ExtensionError::Module(REFUSED))));
			assert_eq!(balance(contract()), FUNDS);
			assert_eq!(bounty.status(), Ok(JobState::Failed), "not recorded as closed");
			market.borrow_mut().refuse = Some(Status::ReadOnly as u32);
			assert_eq!(bounty.close(), Err(Error::Chain(ExtensionError::ReadOnly)));
			market.borrow_mut().refuse = None;
			assert_eq!(bounty.close(), Ok(FUNDS));
		}
	}
}
