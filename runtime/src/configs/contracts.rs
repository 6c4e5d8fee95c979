//! Smart contracts: pallet-contracts (ink! WASM contracts).
//!
//! Code and storage are paid for with deposits held on the uploader's and the caller's accounts;
//! execution is paid in weight like any extrinsic. Limits follow the pallet's own integrity check
//! (code size against runtime memory and call depth). Contracts reach DeAI Chain through
//! [`chain_extension::DeaiChainExtension`].

pub mod chain_extension;

use crate::{
	deposit, Balance, Balances, PolkadotXcm, RandomnessCollectiveFlip, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, Timestamp,
};
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, Nothing},
};
use frame_system::EnsureSigned;
use pallet_transaction_payment::Pallet as TransactionPayment;
use sp_runtime::Perbill;

parameter_types! {
	/// Each storage item a contract keeps holds this much.
	pub const ContractDepositPerItem: Balance = deposit(1, 0);
	/// Each byte of contract storage or code holds this much.
	pub const ContractDepositPerByte: Balance = deposit(0, 1);
	/// The storage deposit limit of a call that does not name one.
	pub const DefaultDepositLimit: Balance = deposit(1024, 1024 * 1024);
	/// Share of a code's deposit locked by each contract instantiated from it.
	pub const CodeHashLockupDepositPercent: Perbill = Perbill::from_percent(30);
	pub Schedule: pallet_contracts::Schedule<Runtime> = Default::default();
}

impl pallet_contracts::Config for Runtime {
	type Time = Timestamp;
	type Randomness = RandomnessCollectiveFlip;
	type Currency = Balances;
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Contracts may not dispatch runtime calls (`call_runtime`): they use the chain extension.
	type CallFilter = Nothing;
	type WeightPrice = TransactionPayment<Self>;
	type WeightInfo = pallet_contracts::weights::SubstrateWeight<Self>;
	type ChainExtension = chain_extension::DeaiChainExtension;
	type Schedule = Schedule;
	type CallStack = [pallet_contracts::Frame<Self>; 5];
	type DepositPerByte = ContractDepositPerByte;
	type DefaultDepositLimit = DefaultDepositLimit;
	type DepositPerItem = ContractDepositPerItem;
	type CodeHashLockupDepositPercent = CodeHashLockupDepositPercent;
	type AddressGenerator = pallet_contracts::DefaultAddressGenerator;
	type MaxCodeLen = ConstU32<{ 123 * 1024 }>;
	type MaxStorageKeyLen = ConstU32<128>;
	type MaxTransientStorageSize = ConstU32<{ 1024 * 1024 }>;
	type MaxDelegateDependencies = ConstU32<32>;
	type UnsafeUnstableInterface = ConstBool<false>;
	type MaxDebugBufferLen = ConstU32<{ 2 * 1024 * 1024 }>;
	type UploadOrigin = EnsureSigned<Self::AccountId>;
	type InstantiateOrigin = EnsureSigned<Self::AccountId>;
	type Migrations = ();
	type Debug = ();
	type Environment = ();
	type ApiVersion = ();
	type Xcm = PolkadotXcm;
}

impl pallet_insecure_randomness_collective_flip::Config for Runtime {}

/// Calls contracts back for the AI oracle: pallet-contracts' `bare_call` from the oracle's
/// account, with the gas the requester declared, transferring nothing and with a storage deposit
/// limit of zero (nobody is there to pay a deposit: a callback cannot grow storage).
pub struct ContractCallbacks;
impl pallet_ai_oracle::CallbackDispatcher<crate::AccountId> for ContractCallbacks {
	fn call(
		origin: &crate::AccountId,
		contract: &crate::AccountId,
		input: alloc::vec::Vec<u8>,
		gas_limit: frame_support::weights::Weight,
	) -> pallet_ai_oracle::CallbackOutcome {
		use pallet_ai_oracle::CallbackFailure;
		use pallet_contracts::{CollectEvents, DebugInfo, Determinism, Error};
		let outcome = pallet_contracts::Pallet::<Runtime>::bare_call(
			origin.clone(),
			contract.clone(),
			0,
			gas_limit,
			Some(0),
			input,
			DebugInfo::Skip,
			CollectEvents::Skip,
			Determinism::Enforced,
		);
		let result = match outcome.result {
			Ok(returned) if returned.did_revert() => Err(CallbackFailure::Reverted),
			Ok(_) => Ok(()),
			Err(error) => Err(if error == Error::<Runtime>::OutOfGas.into() {
				CallbackFailure::OutOfGas
			} else if error == Error::<Runtime>::ContractNotFound.into() {
				CallbackFailure::ContractGone
			} else if error == Error::<Runtime>::StorageDepositLimitExhausted.into()
				|| error == Error::<Runtime>::StorageDepositNotEnoughFunds.into()
			{
				CallbackFailure::StorageDepositLimit
			} else {
				CallbackFailure::Trapped
			}),
		};
		pallet_ai_oracle::CallbackOutcome { gas_used: outcome.gas_consumed, result }
	}
}
