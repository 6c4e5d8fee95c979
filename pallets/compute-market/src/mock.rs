//! A test runtime: System, Balances and the market, with a scriptable model registry, a
//! recording contribution sink and a proof verifier that accepts the proof `valid`.

use crate as pallet_compute_market;
use deai_primitives::{
	ContentHash, ContributionCategory, ContributionSink, DatasetVersionRef, Earner, IntendedUse,
	JobId, ModelRegistry, ModelVersionRef, ProofContext, ResultVerifier, UsageFee,
};
use frame_support::weights::Weight;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill, Permill};
use std::{cell::RefCell, collections::BTreeMap};

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
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	// Real database weights, so that what a migration or the hook reports is not zero.
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
pub const REQUESTER: AccountId = 1;
pub const P1: AccountId = 11;
pub const P2: AccountId = 12;
pub const P3: AccountId = 13;
pub const P4: AccountId = 14;
pub const VERIFIER: AccountId = 20;
/// Where the registry keeps royalty pots: usage fees less the cut are paid here.
pub const ROYALTY_POT: AccountId = 997;
pub const INITIAL: Balance = 1_000_000;

/// A model or dataset version as the mock registry knows it.
#[derive(Clone, Debug)]
pub struct MockItem {
	pub usable: bool,
	pub commercial: bool,
	pub derivatives: bool,
	pub fee: Balance,
	/// What the version's royalty pot received.
	pub accrued: Balance,
	pub approved: Vec<AccountId>,
	pub compute_to_data: bool,
	pub pins: u32,
	pub uses: u32,
	/// Accounts party to it (owner, publisher, contributors): their uses earn no points.
	pub parties: Vec<AccountId>,
	/// Uses that earned the version points.
	pub uses_earning_points: u32,
}

impl MockItem {
	pub fn new(fee: Balance) -> Self {
		Self {
			usable: true,
			commercial: true,
			derivatives: true,
			fee,
			accrued: 0,
			approved: vec![],
			compute_to_data: false,
			pins: 0,
			uses: 0,
			parties: vec![],
			uses_earning_points: 0,
		}
	}
}

thread_local! {
	pub static MODELS: RefCell<BTreeMap<ModelVersionRef, MockItem>> =
		const { RefCell::new(BTreeMap::new()) };
	pub static DATASETS: RefCell<BTreeMap<DatasetVersionRef, MockItem>> =
		const { RefCell::new(BTreeMap::new()) };
	pub static CONTRIBUTIONS: RefCell<Vec<(AccountId, ContributionCategory, u128)>> = const { RefCell::new(Vec::new()) };
}

pub fn model_ref(model: u64) -> ModelVersionRef {
	ModelVersionRef { model, version: 0 }
}
pub fn dataset_ref(dataset: u64) -> DatasetVersionRef {
	DatasetVersionRef { dataset, version: 0 }
}
pub fn set_model(model: u64, item: MockItem) {
	MODELS.with(|m| m.borrow_mut().insert(model_ref(model), item));
}
pub fn set_dataset(dataset: u64, item: MockItem) {
	DATASETS.with(|m| m.borrow_mut().insert(dataset_ref(dataset), item));
}
pub fn model(model: u64) -> MockItem {
	MODELS.with(|m| m.borrow().get(&model_ref(model)).cloned().expect("model"))
}
pub fn dataset(dataset: u64) -> MockItem {
	DATASETS.with(|m| m.borrow().get(&dataset_ref(dataset)).cloned().expect("dataset"))
}
pub fn contributions() -> Vec<(AccountId, ContributionCategory, u128)> {
	CONTRIBUTIONS.with(|c| c.borrow().clone())
}

/// The registry's cut of usage fees in the mock: 10%.
pub fn usage_cut(fee: Balance) -> Balance {
	fee / 10
}

fn check(item: Option<&MockItem>, usage: IntendedUse) -> DispatchResult {
	let item = item.ok_or(DispatchError::Other("unknown version"))?;
	if !item.usable {
		return Err(DispatchError::Other("unusable"));
	}
	if usage.commercial && !item.commercial {
		return Err(DispatchError::Other("LicenceForbidsCommercialUse"));
	}
	if usage.derivative && !item.derivatives {
		return Err(DispatchError::Other("LicenceForbidsDerivatives"));
	}
	Ok(())
}

/// The registry as the market sees it, scripted per test.
pub struct MockRegistry;
impl ModelRegistry<AccountId, Balance> for MockRegistry {
	fn ensure_model_usable(version: &ModelVersionRef, usage: IntendedUse) -> DispatchResult {
		MODELS.with(|m| check(m.borrow().get(version), usage))
	}
	fn ensure_dataset_usable(
		version: &DatasetVersionRef,
		usage: IntendedUse,
		provider: Option<&AccountId>,
	) -> DispatchResult {
		DATASETS.with(|m| {
			let map = m.borrow();
			let item = map.get(version);
			check(item, usage)?;
			match (item, provider) {
				(Some(i), Some(p)) if i.compute_to_data && !i.approved.contains(p) => {
					Err(DispatchError::Other("ProviderNotApproved"))
				},
				_ => Ok(()),
			}
		})
	}
	fn model_usage_fee(version: &ModelVersionRef) -> Result<Balance, DispatchError> {
		MODELS
			.with(|m| m.borrow().get(version).map(|i| i.fee).ok_or(DispatchError::Other("unknown")))
	}
	fn dataset_usage_fee(version: &DatasetVersionRef) -> Result<Balance, DispatchError> {
		DATASETS
			.with(|m| m.borrow().get(version).map(|i| i.fee).ok_or(DispatchError::Other("unknown")))
	}
	fn is_party_to_model(version: &ModelVersionRef, who: &AccountId) -> bool {
		MODELS.with(|m| m.borrow().get(version).is_none_or(|i| i.parties.contains(who)))
	}
	fn is_party_to_dataset(version: &DatasetVersionRef, who: &AccountId) -> bool {
		DATASETS.with(|m| m.borrow().get(version).is_none_or(|i| i.parties.contains(who)))
	}
	fn royalty_account() -> AccountId {
		ROYALTY_POT
	}
	fn usage_fee_cut(fee: Balance) -> Balance {
		usage_cut(fee)
	}
	fn pin_model(v: &ModelVersionRef) -> DispatchResult {
		MODELS.with(|m| {
			m.borrow_mut()
				.get_mut(v)
				.map(|i| i.pins += 1)
				.ok_or(DispatchError::Other("unknown"))
		})
	}
	fn unpin_model(v: &ModelVersionRef, used: Option<UsageFee<Balance>>) {
		MODELS.with(|m| {
			if let Some(i) = m.borrow_mut().get_mut(v) {
				i.pins -= 1;
				i.uses += used.is_some() as u32;
				i.uses_earning_points += used.is_some_and(|u| u.earns_points) as u32;
				i.accrued += used.map_or(0, |u| u.fee - usage_cut(u.fee));
			}
		})
	}
	fn pin_dataset(v: &DatasetVersionRef) -> DispatchResult {
		DATASETS.with(|m| {
			m.borrow_mut()
				.get_mut(v)
				.map(|i| i.pins += 1)
				.ok_or(DispatchError::Other("unknown"))
		})
	}
	fn unpin_dataset(v: &DatasetVersionRef, used: Option<UsageFee<Balance>>) {
		DATASETS.with(|m| {
			if let Some(i) = m.borrow_mut().get_mut(v) {
				i.pins -= 1;
				i.uses += used.is_some() as u32;
				i.uses_earning_points += used.is_some_and(|u| u.earns_points) as u32;
				i.accrued += used.map_or(0, |u| u.fee - usage_cut(u.fee));
			}
		})
	}
}

pub struct RecordingSink;
impl ContributionSink<AccountId> for RecordingSink {
	fn record(earner: &Earner<AccountId>, category: ContributionCategory, points: u128) {
		let Earner::Account(who) = earner else { panic!("the market credits accounts only") };
		CONTRIBUTIONS.with(|c| c.borrow_mut().push((*who, category, points)));
	}
}

/// Accepts exactly the proof `valid` (for a job with a model, whose input and result hashes it
/// records); a job without a model cannot be proven. Weighs 7 ms when it verifies (the maximum
/// it declares is 10 ms), so tests see the refund.
pub struct MockVerifier;
thread_local! {
	/// What the mock verifier was shown: (job, provider, model, input hash, result hash).
	pub static VERIFIED: RefCell<Vec<(JobId, AccountId, ModelVersionRef, ContentHash, ContentHash)>> =
		const { RefCell::new(Vec::new()) };
}
impl ResultVerifier<AccountId> for MockVerifier {
	fn is_available() -> bool {
		true
	}
	fn ensure_verifiable(model: Option<&ModelVersionRef>) -> DispatchResult {
		model.map(|_| ()).ok_or(DispatchError::Other("NoProfile"))
	}
	fn ensure_verifiable_weight() -> Weight {
		Weight::from_parts(1_000_000, 1_000)
	}
	fn max_verify_weight() -> Weight {
		Weight::from_parts(10_000_000_000, 10_000)
	}
	fn verify(
		context: &ProofContext<'_, AccountId>,
		proof: &[u8],
	) -> Result<Weight, DispatchError> {
		if proof != b"valid" {
			return Err(DispatchError::Other("ProofRejected"));
		}
		let model = context.model.ok_or(DispatchError::Other("NoProfile"))?;
		VERIFIED.with(|v| {
			v.borrow_mut().push((
				context.job,
				*context.provider,
				*model,
				*context.input_hash,
				*context.result_hash,
			))
		});
		Ok(Weight::from_parts(7_000_000_000, 7_000))
	}
}

/// Randomness that tests can steer: the subject hashed with a seed they set.
pub struct TestRandomness;
parameter_types! {
	pub static RandomSeed: u64 = 0;
	/// When the seed was public (the current block unless a test sets an earlier one).
	pub static RandomPublicSince: Option<u64> = None;
}
impl frame_support::traits::Randomness<sp_core::H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (sp_core::H256, u64) {
		use codec::Encode;
		let digest = sp_io::hashing::blake2_256(&(subject, RandomSeed::get()).encode());
		let public_since =
			RandomPublicSince::get().unwrap_or_else(frame_system::Pallet::<Test>::block_number);
		(sp_core::H256(digest), public_since)
	}
}

parameter_types! {
	pub static ProtocolFee: Permill = Permill::from_percent(5);
	pub static MinProviderBond: Balance = 1_000;
	pub static BondPerSlot: Balance = 500;
	pub static MinReputationFee: Balance = 100;
	pub static DisputeBond: Balance = 300;
	pub const FeeDestination: AccountId = TREASURY;
	pub const RewardsAccount: AccountId = REWARDS_POT;
	pub static RewardsFeeShare: Perbill = Perbill::zero();
}

impl pallet_compute_market::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = MockRegistry;
	type ContributionSink = RecordingSink;
	type ResultVerifier = MockVerifier;
	type Randomness = TestRandomness;
	type AttestorOrigin = EnsureRoot<AccountId>;
	type DisputeResolverOrigin = EnsureRoot<AccountId>;
	type FeeDestination = FeeDestination;
	type RewardsAccount = RewardsAccount;
	type RewardsFeeShare = RewardsFeeShare;
	type ProtocolFee = ProtocolFee;
	type MinProviderBond = MinProviderBond;
	type BondPerSlot = BondPerSlot;
	type MinReputationFee = MinReputationFee;
	type DisputeBond = DisputeBond;
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
	type MaxDeadlinesPerBlock = ConstU32<4>;
	type MaxInlineResultLen = ConstU32<1024>;
	type JobObserver = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Puts benchmark models and datasets into the mock registry.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, Balance> for MockBenchmarkHelper {
	fn model(fee: Balance) -> ModelVersionRef {
		// Jobs share this model: keep its pins when asked again.
		MODELS.with(|m| {
			m.borrow_mut().entry(model_ref(7)).or_insert_with(|| MockItem::new(fee));
		});
		model_ref(7)
	}
	fn dataset(index: u32, fee: Balance) -> DatasetVersionRef {
		DATASETS.with(|m| {
			m.borrow_mut()
				.entry(dataset_ref(100 + index as u64))
				.or_insert_with(|| MockItem { compute_to_data: true, ..MockItem::new(fee) });
		});
		dataset_ref(100 + index as u64)
	}
	fn approve(dataset: &DatasetVersionRef, provider: &AccountId) {
		DATASETS.with(|m| {
			if let Some(item) = m.borrow_mut().get_mut(dataset) {
				if !item.approved.contains(provider) {
					item.approved.push(*provider);
				}
			}
		});
	}
	fn revoke(dataset: &DatasetVersionRef, provider: &AccountId) {
		DATASETS.with(|m| {
			if let Some(item) = m.borrow_mut().get_mut(dataset) {
				item.approved.retain(|p| p != provider);
			}
		});
	}
}

parameter_types! {
	pub const MissedDeadlineSlash: Perbill = Perbill::from_percent(10);
	pub const DisputeSlash: Perbill = Perbill::from_percent(20);
	pub const AbandonSlash: Perbill = Perbill::from_percent(5);
	pub const DisputeWinnerShare: Perbill = Perbill::from_percent(50);
}

/// Externalities with funded accounts, a model (fee 100) and a dataset (fee 40), at block 1. `do_try_state` runs after the test.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [REQUESTER, P1, P2, P3, P4, VERIFIER, ROYALTY_POT, TREASURY, REWARDS_POT]
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
		MODELS.with(|m| m.borrow_mut().clear());
		DATASETS.with(|m| m.borrow_mut().clear());
		CONTRIBUTIONS.with(|c| c.borrow_mut().clear());
		set_model(0, MockItem::new(100));
		set_dataset(0, MockItem::new(40));
		ProtocolFee::set(Permill::from_percent(5));
		MinProviderBond::set(1_000);
		BondPerSlot::set(500);
		MinReputationFee::set(100);
		DisputeBond::set(300);
		RewardsFeeShare::set(Perbill::zero());
	});
	TestExternalities(ext)
}

/// Runs `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Market::do_try_state().expect("market invariants hold after the test");
			result
		})
	}
}

/// Advances to block `n`, running the market's `on_initialize` in each block.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Market::on_initialize(next);
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
