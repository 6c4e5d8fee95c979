//! A test runtime: System, Balances and the rewards, with a funded pot.

use crate as pallet_contributor_rewards;
use core::cell::RefCell;
use deai_primitives::{ModelVersionRef, VersionPots, VersionRef};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Hooks},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;

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
	pub type Rewards = pallet_contributor_rewards;
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
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
}

parameter_types! {
	pub static ExistentialDeposit: Balance = 1;
	pub const RewardsPalletId: PalletId = PalletId(*b"py/rewrd");
	pub static EpochLength: u64 = 10;
	pub static RewardPerEpoch: Balance = 1_000_000;
	pub static MaxShare: Perbill = Perbill::from_percent(100);
	pub static MinPoints: u128 = 0;
	pub const MaxRewardPerPoint: Perbill = Perbill::from_percent(50);
}

impl pallet_contributor_rewards::Config for Test {
	type Currency = Balances;
	type PalletId = RewardsPalletId;
	type EpochLength = EpochLength;
	type RewardPerEpoch = RewardPerEpoch;
	type ClaimEpochs = ConstU32<2>;
	type MaxShare = MaxShare;
	type MinPoints = MinPoints;
	type MaxRewardPerPoint = MaxRewardPerPoint;
	type WeightsOrigin = EnsureRoot<AccountId>;
	type VersionPots = MockPots;
	type WeightInfo = ();
}

/// The account the mock's royalty pots are kept in.
pub const ROYALTY_ACCOUNT: AccountId = 99;

thread_local! {
	/// The versions with a royalty pot, and what each pot accrued.
	static POTS: RefCell<BTreeMap<VersionRef, Balance>> = const { RefCell::new(BTreeMap::new()) };
}

/// Royalty pots standing in for the registry's.
pub struct MockPots;
impl MockPots {
	/// Opens `version`'s pot.
	pub fn open(version: VersionRef) {
		POTS.with(|p| p.borrow_mut().insert(version, 0));
	}
	/// Removes `version`'s pot (the version was removed).
	pub fn close(version: VersionRef) {
		POTS.with(|p| p.borrow_mut().remove(&version));
	}
	/// What `version`'s pot accrued.
	pub fn accrued(version: VersionRef) -> Option<Balance> {
		POTS.with(|p| p.borrow().get(&version).copied())
	}
}
impl VersionPots<AccountId, Balance> for MockPots {
	fn pot_account() -> AccountId {
		ROYALTY_ACCOUNT
	}
	fn has_pot(version: &VersionRef) -> bool {
		POTS.with(|p| p.borrow().contains_key(version))
	}
	fn accrue(version: &VersionRef, amount: Balance) {
		POTS.with(|p| {
			if let Some(pot) = p.borrow_mut().get_mut(version) {
				*pot += amount;
			}
		});
	}
	fn accrue_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000, 100)
	}
}
/// Version 0 of model `model`.
pub fn model_version(model: u64) -> VersionRef {
	VersionRef::Model(ModelVersionRef { model, version: 0 })
}

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// What the pot starts with.
pub const POT: Balance = 10_000_000;

/// Externalities at block 1 with epoch 0 open, its pot account holding `POT`; `do_try_state`
/// runs after the test.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(Rewards::pot_account(), POT),
			(ROYALTY_ACCOUNT, 1),
			(ALICE, 1),
			(BOB, 1),
			(CHARLIE, 1),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_contributor_rewards::GenesisConfig::<Test> {
		weights: None,
		_config: Default::default(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		EpochLength::set(10);
		RewardPerEpoch::set(1_000_000);
		MaxShare::set(Perbill::from_percent(100));
		MinPoints::set(0);
		ExistentialDeposit::set(1);
		POTS.with(|p| p.borrow_mut().clear());
	});
	TestExternalities(ext)
}

/// Runs `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Rewards::do_try_state().expect("rewards invariants hold after the test");
			result
		})
	}
}

/// Advances to block `n`, running the rewards' hooks in each block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Rewards::on_initialize(next);
		Rewards::on_idle(next, frame_support::weights::Weight::MAX);
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	new_test_ext().0
}
