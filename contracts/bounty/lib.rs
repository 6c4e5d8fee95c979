//! # DeAI bounty
//!
//! A contract that buys one inference from DeAI Chain's compute market. Its owner instantiates it
//! for a registered model version (refused when the registry says the version is unusable) and
//! funds it; `post` posts a fixed-price inference job funded by the contract; anyone can follow
//! it with `status`; when a provider's result is in, the owner `accept`s it: the market pays the
//! provider, the protocol and the model's contributors from the job's escrow, and the contract
//! releases everything it still holds to its owner.
//!
//! It talks to the chain through DeAI Chain's chain extension (`deai_primitives::contracts` in
//! the chain's repository): extension 1, functions 1–4, SCALE in and out, status codes for errors.

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
		match status_code {
			0 => Ok(()),
			1 => Err(Self::UnknownFunction),
			2 => Err(Self::InvalidInput),
			3 => Err(Self::NotFound),
			4 => Err(Self::ReadOnly),
			5 => Err(Self::DispatchFailed),
			code => Err(Self::Module(code)),
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
		/// The job has no result to accept.
		NoResult,
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

	/// One bounty: a model version, an owner, at most one job.
	#[ink(storage)]
	pub struct Bounty {
		owner: AccountId,
		model: ModelVersionRef,
		job: Option<u64>,
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
			Ok(Self { owner: Self::env().caller(), model, job: None })
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

		/// The job's state.
		#[ink(message)]
		pub fn status(&self) -> Result<JobState, Error> {
			let job = self.job.ok_or(Error::NoJob)?;
			Ok(self.env().extension().job_status(job)?)
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

		/// Accepts the submitted result (the market settles the job) and releases what the
		/// contract holds to its owner. Owner only.
		#[ink(message)]
		pub fn accept(&mut self) -> Result<[u8; 32], Error> {
			self.ensure_owner()?;
			let job = self.job.ok_or(Error::NoJob)?;
			let JobState::Submitted { result_hash } = self.env().extension().job_status(job)?
			else {
				return Err(Error::NoResult);
			};
			self.env().extension().accept_result(job)?;
			let released = self.env().balance();
			self.env().transfer(self.owner, released).map_err(|_| Error::TransferFailed)?;
			self.env().emit_event(Accepted { job, result_hash, released });
			Ok(result_hash)
		}

		fn ensure_owner(&self) -> Result<(), Error> {
			if self.env().caller() == self.owner {
				Ok(())
			} else {
				Err(Error::NotOwner)
			}
		}
	}
}
