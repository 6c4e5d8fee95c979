//! A test runtime: System, Balances, the compute market (with a one-model registry) and the
//! oracle, whose contracts are scripted by address.

use crate as pallet_ai_oracle;
use crate::{CallbackDispatcher, CallbackFailure, CallbackOutcome};
use deai_primitives::{DatasetVersionRef, IntendedUse, ModelRegistry, ModelVersionRef, UsageFee};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Hooks},
	weights::{Weight, WeightToFee},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill, Permill};
use std::cell::RefCell;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Market = pallet_compute_market;
	#[runtime::pallet_index(3)]
	pub type Oracle = pallet_ai_oracle;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<1>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const TREASURY: AccountId = 999;
pub const REWARDS_POT: AccountId = 998;
pub const ROYALTY_POT: AccountId = 997;
pub const REQUESTER: AccountId = 1;
pub const OTHER: AccountId = 2;
pub const P1: AccountId = 11;
pub const P2: AccountId = 12;
pub const P3: AccountId = 13;
pub const P4: AccountId = 14;
pub const INITIAL: Balance = 10_000_000;
/// The one model's usage fee.
pub const MODEL_FEE: Balance = 100;

/// A contract that completes, using 40% of its gas.
pub const CONTRACT_OK: AccountId = 500;
/// A contract that reverts after using 10% of its gas.
pub const CONTRACT_REVERTS: AccountId = 501;
/// A contract that uses all its gas.
pub const CONTRACT_GREEDY: AccountId = 502;
/// A contract that tries to grow its storage.
pub const CONTRACT_GROWS: AccountId = 503;

thread_local! {
	/// Every callback made: (origin, contract, input, gas limit).
	pub static CALLS: RefCell<Vec<(AccountId, AccountId, Vec<u8>, Weight)>> =
		const { RefCell::new(Vec::new()) };
	/// Whether the model can be used.
	pub static MODEL_USABLE: RefCell<bool> = const { RefCell::new(true) };
}

pub fn calls() -> Vec<(AccountId, AccountId, Vec<u8>, Weight)> {
	CALLS.with(|c| c.borrow().clone())
}

/// Contracts by address (see the constants); any other address has no contract.
pub struct MockContracts;
impl CallbackDispatcher<AccountId> for MockContracts {
	fn call(
		origin: &AccountId,
		contract: &AccountId,
		input: Vec<u8>,
		gas_limit: Weight,
	) -> CallbackOutcome {
		CALLS.with(|c| c.borrow_mut().push((*origin, *contract, input, gas_limit)));
		let share = |percent| Perbill::from_percent(percent) * gas_limit;
		let (gas_used, result) = match *contract {
			CONTRACT_OK => (share(40), Ok(())),
			CONTRACT_REVERTS => (share(10), Err(CallbackFailure::Reverted)),
			CONTRACT_GREEDY => (gas_limit, Err(CallbackFailure::OutOfGas)),
			CONTRACT_GROWS => (share(20), Err(CallbackFailure::StorageDepositLimit)),
			_ => (Weight::zero(), Err(CallbackFailure::ContractGone)),
		};
		CallbackOutcome { gas_used, result }
	}
}

/// A unit of fee per microsecond of weight (proof size is free).
pub struct MockWeightToFee;
impl WeightToFee for MockWeightToFee {
	type Balance = Balance;
	fn weight_to_fee(weight: &Weight) -> Balance {
		(weight.ref_time() / 1_000_000) as Balance
	}
}

pub fn model_ref() -> ModelVersionRef {
	ModelVersionRef { model: 0, version: 0 }
}

/// A registry of one model (usage fee `MODEL_FEE`, 10% to the protocol), whose royalties go to
/// `ROYALTY_POT`.
pub struct MockRegistry;
impl ModelRegistry<AccountId, Balance> for MockRegistry {
	fn ensure_model_usable(version: &ModelVersionRef, _: IntendedUse) -> DispatchResult {
		if *version == model_ref() && MODEL_USABLE.with(|u| *u.borrow()) {
			Ok(())
		} else {
			Err(DispatchError::Other("unusable"))
		}
	}
	fn ensure_dataset_usable(
		_: &DatasetVersionRef,
		_: IntendedUse,
		_: Option<&AccountId>,
	) -> DispatchResult {
		Err(DispatchError::Other("no datasets"))
	}
	fn model_usage_fee(_: &ModelVersionRef) -> Result<Balance, DispatchError> {
		Ok(MODEL_FEE)
	}
	fn dataset_usage_fee(_: &DatasetVersionRef) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("no datasets"))
	}
	fn is_party_to_model(_: &ModelVersionRef, _: &AccountId) -> bool {
		false
	}
	fn is_party_to_dataset(_: &DatasetVersionRef, _: &AccountId) -> bool {
		false
	}
	fn royalty_account() -> AccountId {
		ROYALTY_POT
	}
	fn usage_fee_cut(fee: Balance) -> Balance {
		fee / 10
	}
	fn pin_model(_: &ModelVersionRef) -> DispatchResult {
		Ok(())
	}
	fn unpin_model(_: &ModelVersionRef, _: Option<UsageFee<Balance>>) {}
	fn pin_dataset(_: &DatasetVersionRef) -> DispatchResult {
		Err(DispatchError::Other("no datasets"))
	}
	fn unpin_dataset(_: &DatasetVersionRef, _: Option<UsageFee<Balance>>) {}
}

/// Randomness from the subject alone (the draw takes every applicant anyway in these tests).
pub struct TestRandomness;
impl frame_support::traits::Randomness<sp_core::H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (sp_core::H256, u64) {
		(sp_core::H256(sp_io::hashing::blake2_256(subject)), System::block_number())
	}
}

parameter_types! {
	pub const ProtocolFee: Permill = Permill::from_percent(5);
	pub const FeeDestination: AccountId = TREASURY;
	pub const RewardsAccount: AccountId = REWARDS_POT;
	pub const RewardsFeeShare: Perbill = Perbill::zero();
	pub const MissedDeadlineSlash: Perbill = Perbill::from_percent(10);
	pub const DisputeSlash: Perbill = Perbill::from_percent(20);
	pub const AbandonSlash: Perbill = Perbill::from_percent(5);
	pub const DisputeWinnerShare: Perbill = Perbill::from_percent(50);
	pub const MaxCallbackGas: Weight = Weight::from_parts(2_000_000_000, 64 * 1024);
	pub const OraclePalletId: PalletId = PalletId(*b"deai/orc");
}

impl pallet_compute_market::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = MockRegistry;
	type ContributionSink = ();
	type ResultVerifier = ();
	type Randomness = TestRandomness;
	type AttestorOrigin = EnsureRoot<AccountId>;
	type DisputeResolverOrigin = EnsureRoot<AccountId>;
	type FeeDestination = FeeDestination;
	type RewardsAccount = RewardsAccount;
	type RewardsFeeShare = RewardsFeeShare;
	type ProtocolFee = ProtocolFee;
	type MinProviderBond = ConstU128<1_000>;
	type BondPerSlot = ConstU128<500>;
	type MinReputationFee = ConstU128<100>;
	type DisputeBond = ConstU128<300>;
	type MissedDeadlineSlash = MissedDeadlineSlash;
	type DisputeSlash = DisputeSlash;
	type AbandonSlash = AbandonSlash;
	type DisputeWinnerShare = DisputeWinnerShare;
	type UnbondingPeriod = ConstU64<5>;
	type ReviewPeriod = ConstU64<5>;
	type RevealPeriod = ConstU64<3>;
	type DisputePeriod = ConstU64<8>;
	type MaxMatchingBlocks = ConstU64<100>;
	type MaxExecutionBlocks = ConstU64<100>;
	type DepositBase = ConstU128<10>;
	type DepositPerByte = ConstU128<1>;
	type MaxRedundancy = ConstU32<3>;
	type MaxBids = ConstU32<5>;
	type MaxJobDatasets = ConstU32<2>;
	type MaxUriLen = ConstU32<64>;
	type MaxAcceleratorLen = ConstU32<16>;
	type MaxProofLen = ConstU32<64>;
	type MaxDeadlinesPerBlock = ConstU32<8>;
	type MaxInlineResultLen = ConstU32<1024>;
	type JobObserver = Oracle;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

impl pallet_ai_oracle::Config for Test {
	type MaxInputLen = ConstU32<4096>;
	type MaxCallbackGas = MaxCallbackGas;
	type MaxCallbacksPerBlock = ConstU32<2>;
	type MaxFeedRoundsPerBlock = ConstU32<2>;
	type MaxRoundsInFlight = ConstU32<2>;
	type MaxFeedRounds = ConstU32<10>;
	type MatchingBlocks = ConstU64<3>;
	type ExecutionBlocks = ConstU64<10>;
	type WeightToFee = MockWeightToFee;
	type Callbacks = MockContracts;
	type PalletId = OraclePalletId;
	type WeightInfo = ();
}

/// The market's benchmark models: the one model.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_compute_market::BenchmarkHelper<AccountId, Balance> for MockBenchmarkHelper {
	fn model(_: Balance) -> ModelVersionRef {
		model_ref()
	}
	fn dataset(_: u32, _: Balance) -> DatasetVersionRef {
		DatasetVersionRef { dataset: 0, version: 0 }
	}
	fn approve(_: &DatasetVersionRef, _: &AccountId) {}
	fn revoke(_: &DatasetVersionRef, _: &AccountId) {}
}

/// Externalities with funded accounts at block 1. Both pallets' `do_try_state` run after the
/// test.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [REQUESTER, OTHER, P1, P2, P3, P4, ROYALTY_POT, TREASURY, REWARDS_POT]
			.into_iter()
			.map(|who| (who, INITIAL))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		CALLS.with(|c| c.borrow_mut().clear());
		MODEL_USABLE.with(|u| *u.borrow_mut() = true);
	});
	TestExternalities(ext)
}

/// Runs both pallets' `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Market::do_try_state().expect("market invariants hold after the test");
			Oracle::do_try_state().expect("oracle invariants hold after the test");
			result
		})
	}
}

/// Ends the current block (the oracle's `on_idle`, with `idle` spare weight) and runs the next
/// blocks' `on_initialize` up to block `n`, ending each but the last.
pub fn run_to_block_with_idle(n: u64, idle: Weight) {
	while System::block_number() < n {
		Oracle::on_idle(System::block_number(), idle);
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Market::on_initialize(next);
		Oracle::on_initialize(next);
	}
}

/// `run_to_block_with_idle` with a whole idle block.
pub fn run_to_block(n: u64) {
	run_to_block_with_idle(n, Weight::from_parts(2_000_000_000_000, 5 * 1024 * 1024));
}

#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
