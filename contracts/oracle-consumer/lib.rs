//! # DeAI oracle consumer
//!
//! A contract that asks DeAI Chain's AI oracle what a registered classifier (the project's
//! `blobs-classifier`) says about an input, and keeps the label when the oracle calls it back.
//!
//! - Its owner instantiates it for a model version, naming the oracle's account (the only
//!   account whose callback it accepts), and funds it.
//! - `ask` posts the question through the chain extension (`ORACLE_REQUEST`): three providers
//!   answer independently, two must agree; the contract pays the providers, the protocol, the
//!   model's contributors and the callback's prepaid gas from its own balance, and names its own
//!   `on_answer` message as the callback.
//! - The oracle calls `on_answer(request, requester, feed, value)` once the answer is decided;
//!   the contract keeps only the answer to its own question. A callback cannot
//!   grow the contract's storage (the oracle pays no storage deposit), so the contract keeps a
//!   fixed-size slot for the answer, written over on each answer.
//! - `pull` reads the answer from the chain (`ORACLE_ANSWER`) instead, should the callback have
//!   failed (it leaves `CallbackFailed` on chain, and the answer stays readable); `feed` reads a
//!   feed's latest answer (`FEED_LATEST`).
//!
//! The extension's ids, status codes and test vectors are `deai_abi::contract`; the off-chain
//! tests check this contract's SCALE mirrors against the vectors.

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

/// Where a question's input is (the oracle's `OracleInput`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum OracleInput {
	/// The input itself (at most 4 KiB).
	Inline(Vec<u8>),
	/// Its hash and location.
	Reference {
		/// Its BLAKE2-256.
		hash: [u8; 32],
		/// Its location.
		uri: Vec<u8>,
	},
}

/// What kind of value the answer is (the oracle's `OutputKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum OutputKind {
	/// A class index.
	Label,
	/// A scaled number.
	Scalar {
		/// Decimal places.
		decimals: u8,
		/// How far from the median an answer may be.
		tolerance: u128,
	},
	/// Bytes.
	Bytes {
		/// The most bytes.
		max_len: u32,
	},
}

/// A question (the oracle's `Question`), field for field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Question {
	model: ModelVersionRef,
	input: OracleInput,
	output: OutputKind,
	providers: u8,
	quorum: u8,
	price: u128,
	max_budget: u128,
	commercial: bool,
}

/// A weight (the chain's `Weight`: both parts compact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Gas {
	#[codec(compact)]
	ref_time: u64,
	#[codec(compact)]
	proof_size: u64,
}

/// Where the oracle delivers the answer (its `CallbackSpec`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct CallbackSpec {
	contract: ink::primitives::AccountId,
	selector: [u8; 4],
	gas_limit: Gas,
}

/// An answer as the extension gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct OracleAnswer {
	/// The value.
	pub value: Vec<u8>,
	/// The block it was decided in.
	pub answered_at: u32,
	/// The usage fee it paid the model's contributors.
	pub royalties: u128,
	/// How many providers agreed.
	pub providers: u8,
}

/// Where a request stands (output of `ORACLE_ANSWER`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum OracleState {
	/// Not answered yet.
	Pending,
	/// Answered.
	Answered(OracleAnswer),
	/// Unknown, failed, or its answer removed.
	Unknown,
}

/// A failed extension call: the chain's status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ExtensionError {
	/// No such function.
	UnknownFunction,
	/// The input did not decode.
	InvalidInput,
	/// Nothing found.
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

/// The oracle's functions of DeAI Chain's chain extension.
#[ink::chain_extension(extension = 1)]
pub trait DeaiExtension {
	/// Failed calls.
	type ErrorCode = ExtensionError;

	/// Asks a question, funded by this contract; the request's id.
	#[ink(function = 8)]
	fn oracle_request(request: (Question, Option<CallbackSpec>)) -> Result<u64, ExtensionError>;

	/// Where a request stands.
	#[ink(function = 9)]
	fn oracle_answer(request: u64) -> Result<OracleState, ExtensionError>;

	/// A feed's latest answer.
	#[ink(function = 10)]
	fn feed_latest(feed: u64) -> Result<Option<OracleAnswer>, ExtensionError>;
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

/// The selector of `on_answer`, which the contract names as its callback.
pub const ON_ANSWER: [u8; 4] = [0xde, 0xa1, 0x0a, 0x5e];

#[ink::contract(env = crate::DeaiEnvironment)]
mod oracle_consumer {
	use super::*;

	/// Why a message failed.
	#[derive(Debug, Clone, Copy, PartialEq, Eq)]
	#[ink::scale_derive(Encode, Decode, TypeInfo)]
	pub enum Error {
		/// Only the owner may do this.
		NotOwner,
		/// Only the oracle calls back.
		NotOracle,
		/// The callback is not for the question asked last.
		UnknownRequest,
		/// The answer is not a label.
		NotALabel,
		/// Nothing asked yet.
		NoRequest,
		/// The chain refused: its status code.
		Chain(ExtensionError),
	}

	impl From<ExtensionError> for Error {
		fn from(error: ExtensionError) -> Self {
			Self::Chain(error)
		}
	}

	/// A question was asked.
	#[ink(event)]
	pub struct Asked {
		/// The oracle's request id.
		#[ink(topic)]
		request: u64,
	}

	/// The oracle's answer came in.
	#[ink(event)]
	pub struct Answered {
		/// The request.
		#[ink(topic)]
		request: u64,
		/// The label.
		label: u32,
	}

	/// One consumer: a model version, the oracle, and a slot for the latest answer. Every field
	/// has a fixed size, so the callback's write never grows the storage.
	#[ink(storage)]
	pub struct OracleConsumer {
		owner: AccountId,
		oracle: AccountId,
		model: ModelVersionRef,
		/// The question asked last.
		request: u64,
		asked: bool,
		/// Its label, once `answered`.
		label: u32,
		answered: bool,
		/// Answers received, all questions together.
		answers: u32,
	}

	impl OracleConsumer {
		/// A consumer of `model`'s `version`, called back by `oracle` (the AI oracle pallet's
		/// account). The value sent funds its questions.
		#[ink(constructor, payable)]
		pub fn new(oracle: AccountId, model: u64, version: u32) -> Self {
			Self {
				owner: Self::env().caller(),
				oracle,
				model: ModelVersionRef { model, version },
				request: 0,
				asked: false,
				label: 0,
				answered: false,
				answers: 0,
			}
		}

		/// Asks the model for `input`'s label: `providers` providers paid `price` each, a
		/// `quorum` of them agreeing, at most `max_budget` in all; the answer delivered to
		/// `on_answer` with `gas_ref_time` and `gas_proof_size` of gas (prepaid from the
		/// contract, the unused part refunded). Owner only. The request's id.
		#[ink(message)]
		pub fn ask(
			&mut self,
			input: Vec<u8>,
			providers: u8,
			quorum: u8,
			price: Balance,
			max_budget: Balance,
			gas_ref_time: u64,
			gas_proof_size: u64,
		) -> Result<u64, Error> {
			if self.env().caller() != self.owner {
				return Err(Error::NotOwner);
			}
			let question = Question {
				model: self.model,
				input: OracleInput::Inline(input),
				output: OutputKind::Label,
				providers,
				quorum,
				price,
				max_budget,
				commercial: false,
			};
			let callback = CallbackSpec {
				contract: self.env().account_id(),
				selector: ON_ANSWER,
				gas_limit: Gas { ref_time: gas_ref_time, proof_size: gas_proof_size },
			};
			let request = self.env().extension().oracle_request((question, Some(callback)))?;
			self.request = request;
			self.asked = true;
			self.answered = false;
			self.env().emit_event(Asked { request });
			Ok(request)
		}

		/// The oracle's callback: the answer to `request`, asked by `requester` (for `feed`'s
		/// round, if a feed's). Only from the oracle, only for the question this contract asked
		/// last (anyone may name any contract as a callback: the requester says whose question
		/// it was), only a label; else the call reverts, and the oracle records
		/// `CallbackFailed { Reverted }`.
		#[ink(message, selector = 0xDEA10A5E)]
		pub fn on_answer(
			&mut self,
			request: u64,
			requester: AccountId,
			feed: Option<u64>,
			value: Vec<u8>,
		) -> Result<(), Error> {
			if self.env().caller() != self.oracle {
				return Err(Error::NotOracle);
			}
			if requester != self.env().account_id()
				|| feed.is_some()
				|| !self.asked
				|| request != self.request
			{
				return Err(Error::UnknownRequest);
			}
			let label = deai_abi::oracle::decode_label(&value).ok_or(Error::NotALabel)?;
			self.label = label;
			self.answered = true;
			self.answers = self.answers.saturating_add(1);
			self.env().emit_event(Answered { request, label });
			Ok(())
		}

		/// The label of the question asked last, once the oracle called back.
		#[ink(message)]
		pub fn label(&self) -> Option<u32> {
			self.answered.then_some(self.label)
		}

		/// The question asked last.
		#[ink(message)]
		pub fn request(&self) -> Option<u64> {
			self.asked.then_some(self.request)
		}

		/// How many answers came back.
		#[ink(message)]
		pub fn answers(&self) -> u32 {
			self.answers
		}

		/// The question asked last, as the chain has it (its answer even if the callback
		/// failed).
		#[ink(message)]
		pub fn pull(&self) -> Result<OracleState, Error> {
			if !self.asked {
				return Err(Error::NoRequest);
			}
			Ok(self.env().extension().oracle_answer(self.request)?)
		}

		/// A feed's latest answer.
		#[ink(message)]
		pub fn feed(&self, feed: u64) -> Result<Option<OracleAnswer>, Error> {
			Ok(self.env().extension().feed_latest(feed)?)
		}
	}

	/// Off-chain tests: the chain extension is a mock oracle.
	#[cfg(test)]
	mod tests {
		use super::*;
		use deai_abi::contract::{func::*, vectors, Status, EXTENSION_ID};
		use ink::{
			env::test,
			scale::{Decode, Encode},
		};
		use std::{cell::RefCell, rc::Rc};

		/// The chain as the consumer sees it.
		#[derive(Default)]
		struct Chain {
			/// Every request input received.
			asked: Vec<(Question, Option<CallbackSpec>)>,
			/// What `ORACLE_ANSWER` answers.
			state: Option<OracleState>,
		}

		struct MockExtension(Rc<RefCell<Chain>>);

		impl test::ChainExtension for MockExtension {
			fn ext_id(&self) -> u16 {
				EXTENSION_ID
			}

			fn call(&mut self, func_id: u16, input: &[u8], output: &mut Vec<u8>) -> u32 {
				// The off-chain engine hands the input over encoded once more.
				let input = Vec::<u8>::decode(&mut &input[..]).expect("encoded bytes");
				let mut chain = self.0.borrow_mut();
				match func_id {
					ORACLE_REQUEST => {
						chain.asked.push(Decode::decode(&mut &input[..]).expect("a request"));
						7u64.encode_to(output);
					},
					ORACLE_ANSWER => {
						assert_eq!(u64::decode(&mut &input[..]), Ok(7));
						chain.state.clone().unwrap_or(OracleState::Pending).encode_to(output)
					},
					FEED_LATEST => None::<OracleAnswer>.encode_to(output),
					_ => return Status::UnknownFunction as u32,
				}
				Status::Success as u32
			}
		}

		fn oracle() -> AccountId {
			AccountId::from([0x0a; 32])
		}

		fn consumer() -> (OracleConsumer, Rc<RefCell<Chain>>) {
			let chain = Rc::new(RefCell::new(Chain::default()));
			test::register_chain_extension(MockExtension(chain.clone()));
			test::set_callee::<DeaiEnvironment>(AccountId::from([0xc0; 32]));
			test::set_caller::<DeaiEnvironment>(test::default_accounts::<DeaiEnvironment>().alice);
			(OracleConsumer::new(oracle(), 3, 1), chain)
		}

		#[test]
		fn mirrors_encode_to_the_abi_vectors() {
			const UNIT: u128 = 1_000_000_000_000;
			let question = Question {
				model: ModelVersionRef { model: 7, version: 2 },
				input: OracleInput::Inline(vec![1, 2, 3]),
				output: OutputKind::Label,
				providers: 3,
				quorum: 2,
				price: 10 * UNIT,
				max_budget: 40 * UNIT,
				commercial: false,
			};
			let callback = Some(CallbackSpec {
				contract: AccountId::from([0x22; 32]),
				selector: ON_ANSWER,
				gas_limit: Gas { ref_time: 5_000_000_000, proof_size: 65_536 },
			});
			assert_eq!((question, callback).encode(), vectors::ORACLE_REQUEST);
			let answered = OracleState::Answered(OracleAnswer {
				value: deai_abi::oracle::encode_label(2).to_vec(),
				answered_at: 42,
				royalties: 1_000_000,
				providers: 2,
			});
			assert_eq!(answered.encode(), vectors::ORACLE_STATE_ANSWERED);
		}

		#[test]
		fn it_asks_for_a_label_with_itself_as_the_callback_and_keeps_the_answer() {
			let (mut contract, chain) = consumer();
			assert_eq!(contract.request(), None);
			assert_eq!(contract.pull(), Err(Error::NoRequest));
			let id = contract.ask(vec![1, 2], 3, 2, 10, 100, 5_000_000_000, 65_536).unwrap();
			assert_eq!(id, 7);
			let (question, callback) = chain.borrow().asked[0].clone();
			assert_eq!(question.output, OutputKind::Label);
			assert_eq!(question.model, ModelVersionRef { model: 3, version: 1 });
			assert_eq!((question.providers, question.quorum), (3, 2));
			let callback = callback.expect("a callback");
			assert_eq!(callback.contract, AccountId::from([0xc0; 32]));
			assert_eq!(callback.selector, ON_ANSWER);
			assert_eq!(contract.label(), None);
			assert_eq!(contract.pull(), Ok(OracleState::Pending));
			// Only the oracle's callback, for this contract's request, with a label, is kept.
			let me = AccountId::from([0xc0; 32]);
			let label = || vec![2, 0, 0, 0];
			assert_eq!(contract.on_answer(7, me, None, label()), Err(Error::NotOracle));
			test::set_caller::<DeaiEnvironment>(oracle());
			assert_eq!(contract.on_answer(8, me, None, label()), Err(Error::UnknownRequest));
			// Someone else's question, naming this contract as its callback.
			let other = AccountId::from([0x0b; 32]);
			assert_eq!(contract.on_answer(7, other, None, label()), Err(Error::UnknownRequest));
			assert_eq!(contract.on_answer(7, me, Some(0), label()), Err(Error::UnknownRequest));
			assert_eq!(contract.on_answer(7, me, None, vec![2, 0, 0]), Err(Error::NotALabel));
			assert_eq!(contract.on_answer(7, me, None, label()), Ok(()));
			assert_eq!(contract.label(), Some(2));
			assert_eq!(contract.answers(), 1);
			assert_eq!(contract.feed(1), Ok(None));
		}

		#[test]
		fn only_the_owner_asks() {
			let (mut contract, _) = consumer();
			test::set_caller::<DeaiEnvironment>(test::default_accounts::<DeaiEnvironment>().bob);
			assert_eq!(contract.ask(vec![1], 3, 2, 10, 100, 1, 1), Err(Error::NotOwner));
		}
	}
}
