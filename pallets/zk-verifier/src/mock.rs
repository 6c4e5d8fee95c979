//! A test runtime: System, Balances and the verifier, with model owners scripted per test.

use crate as pallet_zk_verifier;
use core::cell::RefCell;
use deai_primitives::{ModelOwnership, ModelVersionRef};
use frame_support::{derive_impl, parameter_types};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const FUNDS: Balance = 1_000_000;

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
	pub type Zk = pallet_zk_verifier;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	/// Model versions and their model's owner.
	pub static OWNERS: RefCell<BTreeMap<ModelVersionRef, AccountId>> = const { RefCell::new(BTreeMap::new()) };
	/// Versions open jobs use.
	pub static IN_USE: RefCell<BTreeMap<ModelVersionRef, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The registry as the verifier sees it.
pub struct MockModels;
impl ModelOwnership<AccountId> for MockModels {
	fn model_owner(version: &ModelVersionRef) -> Option<AccountId> {
		OWNERS.with(|o| o.borrow().get(version).copied())
	}
	fn in_use(version: &ModelVersionRef) -> bool {
		IN_USE.with(|u| u.borrow().get(version).is_some_and(|n| *n > 0))
	}
}

/// A job opens on `version` (the market pins it).
pub fn open_job(version: ModelVersionRef) {
	IN_USE.with(|u| *u.borrow_mut().entry(version).or_default() += 1);
}

/// A job on `version` ends.
pub fn end_job(version: ModelVersionRef) {
	IN_USE.with(|u| *u.borrow_mut().entry(version).or_default() -= 1);
}

/// Publishes `version` of a model owned by `owner`.
pub fn publish(version: ModelVersionRef, owner: AccountId) {
	OWNERS.with(|o| o.borrow_mut().insert(version, owner));
}

/// Removes `version` from the registry.
pub fn unpublish(version: ModelVersionRef) {
	OWNERS.with(|o| o.borrow_mut().remove(&version));
}

parameter_types! {
	pub const DepositBase: Balance = 100;
	pub const DepositPerByte: Balance = 1;
}

impl pallet_zk_verifier::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = MockModels;
	type DepositBase = DepositBase;
	type DepositPerByte = DepositPerByte;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockModels;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockModels {
	fn model_version() -> ModelVersionRef {
		let version =
			OWNERS.with(|o| ModelVersionRef { model: o.borrow().len() as u64, version: 0 });
		publish(version, 1_000);
		version
	}
}

pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, FUNDS), (BOB, FUNDS), (CHARLIE, FUNDS)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		OWNERS.with(|o| o.borrow_mut().clear());
		IN_USE.with(|u| u.borrow_mut().clear());
	});
	TestExternalities(ext)
}

/// Runs `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Zk::do_try_state().expect("verifier invariants hold after the test");
			result
		})
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	new_test_ext().0
}
