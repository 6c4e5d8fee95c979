//! A test runtime: System, Balances and the registry, with contributions recorded for
//! inspection.

use crate as pallet_model_registry;
use deai_primitives::{ContributionCategory, ContributionSink, Earner};
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Credit, ConstU128, ConstU32, ConstU64, OnUnbalanced},
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill};
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
	pub type ModelRegistry = pallet_model_registry;
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
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const RoyaltyPalletId: frame_support::PalletId = frame_support::PalletId(*b"py/royal");
}

/// The account slashed funds go to (the treasury in the runtime).
pub const TREASURY: AccountId = 999;
/// The moderator / judge account (root in these tests).
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const DAVE: AccountId = 4;
pub const EVE: AccountId = 5;
/// What each test account starts with.
pub const INITIAL: Balance = 1_000_000;

pub struct ToTreasury;
impl OnUnbalanced<Credit<AccountId, Balances>> for ToTreasury {
	fn on_nonzero_unbalanced(credit: Credit<AccountId, Balances>) {
		let _ = <Balances as frame_support::traits::fungible::Balanced<AccountId>>::resolve(
			&TREASURY, credit,
		);
	}
}

thread_local! {
	/// Contributions the registry reported: (earner, category, points).
	pub static CONTRIBUTIONS: RefCell<Vec<(Earner<AccountId>, ContributionCategory, u128)>> =
		const { RefCell::new(Vec::new()) };
}

/// Records contributions for the tests to inspect.
pub struct RecordingSink;
impl ContributionSink<AccountId> for RecordingSink {
	fn record(earner: &Earner<AccountId>, category: ContributionCategory, points: u128) {
		CONTRIBUTIONS.with(|c| c.borrow_mut().push((earner.clone(), category, points)));
	}
}

pub fn contributions() -> Vec<(Earner<AccountId>, ContributionCategory, u128)> {
	CONTRIBUTIONS.with(|c| c.borrow().clone())
}

parameter_types! {
	pub const ChallengeWinnerShare: Perbill = Perbill::from_percent(50);
	pub const FeeDestination: AccountId = TREASURY;
	pub static ExistentialDeposit: Balance = 1;
	// No cut unless a test sets one, so that royalty tests see whole fees.
	pub static UsageFeeCut: Perbill = Perbill::zero();
}

impl pallet_model_registry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ModeratorOrigin = EnsureRoot<AccountId>;
	type EvaluationJudgeOrigin = EnsureRoot<AccountId>;
	type Slash = ToTreasury;
	type ContributionSink = RecordingSink;
	type DepositBase = ConstU128<100>;
	type DepositPerByte = ConstU128<1>;
	type EvaluationBond = ConstU128<1_000>;
	type ChallengeBond = ConstU128<500>;
	type ChallengePeriod = ConstU64<10>;
	type JudgementPeriod = ConstU64<20>;
	type ChallengeWinnerShare = ChallengeWinnerShare;
	type FeeDestination = FeeDestination;
	type UsageFeeCut = UsageFeeCut;
	type EvaluationFee = ConstU128<50>;
	type MaxNameLen = ConstU32<64>;
	type MaxDescriptionLen = ConstU32<256>;
	type MaxTags = ConstU32<4>;
	type MaxTagLen = ConstU32<16>;
	type MaxUriLen = ConstU32<128>;
	type MaxLabelLen = ConstU32<16>;
	type MaxSpdxLen = ConstU32<32>;
	type MaxMetricLen = ConstU32<16>;
	type MaxContributors = ConstU32<4>;
	type MaxMaintainers = ConstU32<3>;
	type MaxParents = ConstU32<3>;
	type MaxTrainingDatasets = ConstU32<3>;
	type MaxApprovedProviders = ConstU32<2>;
	type RoyaltyPalletId = RoyaltyPalletId;
	type MaxLineageDepth = ConstU32<4>;
	type MaxLineageNodes = ConstU32<16>;
	type WeightInfo = ();
}

/// Externalities with funded accounts 1..=5, at block 1; `do_try_state` runs after the test.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, INITIAL),
			(BOB, INITIAL),
			(CHARLIE, INITIAL),
			(DAVE, INITIAL),
			(EVE, INITIAL),
			(TREASURY, 1),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_model_registry::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		CONTRIBUTIONS.with(|c| c.borrow_mut().clear());
		ExistentialDeposit::set(1);
		UsageFeeCut::set(Perbill::zero());
	});
	TestExternalities(ext)
}

/// Runs `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			ModelRegistry::do_try_state().expect("registry invariants hold after the test");
			result
		})
	}
}

/// Externalities for the benchmark tests (no funded accounts needed: benchmarks fund their own).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_model_registry::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
