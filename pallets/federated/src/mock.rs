//! A test runtime: System, Balances and federated training, with the registry, the publisher
//! and the market's providers scripted per test.

use crate as pallet_federated;
use core::cell::RefCell;
use deai_primitives::{
	ContributedVersion, DatasetVersionRef, IntendedUse, ModelId, ModelPublisher, ModelRegistry,
	ModelVersionRef, ProviderDirectory, UsageFee,
};
use frame_support::{derive_impl, parameter_types, weights::Weight, PalletId};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill};
use std::collections::{BTreeMap, BTreeSet};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const OWNER: AccountId = 1;
pub const STRANGER: AccountId = 2;
pub const TREASURY: AccountId = 99;
/// Participants are 10, 11, ...; evaluators 20, 21, ...
pub const P0: AccountId = 10;
pub const E0: AccountId = 20;
pub const FUNDS: Balance = 1_000_000;
pub const MODEL: ModelId = 7;
pub const PUBLICATION_DEPOSIT: Balance = 300;
/// What a published version actually holds (at most `PUBLICATION_DEPOSIT`).
pub const VERSION_DEPOSIT: Balance = 250;

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
	pub type Federated = pallet_federated;
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
	type ExistentialDeposit = frame_support::traits::ConstU128<5>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	/// Providers and the job kinds they offer.
	pub static PROVIDERS: RefCell<BTreeMap<AccountId, u8>> = const { RefCell::new(BTreeMap::new()) };
	/// Pins on model versions.
	pub static PINS: RefCell<BTreeMap<ModelVersionRef, u32>> = const { RefCell::new(BTreeMap::new()) };
	/// Versions published: (publisher, version).
	pub static PUBLISHED: RefCell<Vec<(AccountId, ContributedVersion<AccountId>)>> =
		const { RefCell::new(Vec::new()) };
	/// Publishing fails with this error.
	pub static PUBLISH_FAILS: RefCell<bool> = const { RefCell::new(false) };
	/// What a version's deposit costs now (an upgrade may raise it above `PUBLICATION_DEPOSIT`).
	pub static VERSION_DEPOSIT_NOW: RefCell<Balance> = const { RefCell::new(VERSION_DEPOSIT) };
	/// Accounts whose use of the evaluation dataset is refused.
	pub static DATASET_REFUSED: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	/// The seed of the randomness.
	pub static SEED: RefCell<u64> = const { RefCell::new(0) };
}

pub fn base() -> ModelVersionRef {
	ModelVersionRef { model: 3, version: 1 }
}

pub fn eval_dataset() -> DatasetVersionRef {
	DatasetVersionRef { dataset: 4, version: 0 }
}

pub fn pins(version: ModelVersionRef) -> u32 {
	PINS.with(|p| p.borrow().get(&version).copied().unwrap_or(0))
}

pub fn published() -> Vec<(AccountId, ContributedVersion<AccountId>)> {
	PUBLISHED.with(|p| p.borrow().clone())
}

/// Makes `who` a provider offering `kinds`.
pub fn make_provider(who: AccountId, kinds: u8) {
	PROVIDERS.with(|p| p.borrow_mut().insert(who, kinds));
}

pub struct MockRegistry;
impl ModelRegistry<AccountId, Balance> for MockRegistry {
	fn ensure_model_usable(version: &ModelVersionRef, usage: IntendedUse) -> DispatchResult {
		if *version == base() && usage.derivative {
			Ok(())
		} else {
			Err(DispatchError::Other("unusable model"))
		}
	}
	fn ensure_dataset_usable(
		version: &DatasetVersionRef,
		_: IntendedUse,
		provider: Option<&AccountId>,
	) -> DispatchResult {
		if *version != eval_dataset() {
			return Err(DispatchError::Other("unusable dataset"));
		}
		if provider.is_some_and(|p| DATASET_REFUSED.with(|r| r.borrow().contains(p))) {
			return Err(DispatchError::Other("provider not approved"));
		}
		Ok(())
	}
	fn model_usage_fee(_: &ModelVersionRef) -> Result<Balance, DispatchError> {
		Ok(0)
	}
	fn dataset_usage_fee(_: &DatasetVersionRef) -> Result<Balance, DispatchError> {
		Ok(0)
	}
	fn is_party_to_model(_: &ModelVersionRef, _: &AccountId) -> bool {
		false
	}
	fn is_party_to_dataset(_: &DatasetVersionRef, _: &AccountId) -> bool {
		false
	}
	fn royalty_account() -> AccountId {
		98
	}
	fn usage_fee_cut(_: Balance) -> Balance {
		0
	}
	fn pin_model(version: &ModelVersionRef) -> DispatchResult {
		PINS.with(|p| *p.borrow_mut().entry(*version).or_default() += 1);
		Ok(())
	}
	fn unpin_model(version: &ModelVersionRef, _: Option<UsageFee<Balance>>) {
		PINS.with(|p| *p.borrow_mut().entry(*version).or_default() -= 1);
	}
	fn pin_dataset(_: &DatasetVersionRef) -> DispatchResult {
		Ok(())
	}
	fn unpin_dataset(_: &DatasetVersionRef, _: Option<UsageFee<Balance>>) {}
}

/// Publishes into `MODEL`, which everybody but `STRANGER` may publish in, holding `PUBLICATION_DEPOSIT` from the publisher
/// as the registry would.
pub struct MockPublisher;
impl ModelPublisher<AccountId, Balance> for MockPublisher {
	fn ensure_may_publish(model: ModelId, who: &AccountId) -> DispatchResult {
		if model == MODEL && *who != STRANGER {
			Ok(())
		} else {
			Err(DispatchError::Other("not the model's owner"))
		}
	}
	fn max_deposit() -> Balance {
		PUBLICATION_DEPOSIT
	}
	fn max_contributors() -> u32 {
		3
	}
	fn publish(
		on_behalf_of: &AccountId,
		publisher: &AccountId,
		version: ContributedVersion<AccountId>,
	) -> Result<(ModelVersionRef, Balance), DispatchError> {
		use frame_support::traits::fungible::MutateHold;
		Self::ensure_may_publish(version.model, on_behalf_of)?;
		if PUBLISH_FAILS.with(|f| *f.borrow()) {
			return Err(DispatchError::Other("registry refused"));
		}
		// As the registry: one version per content hash and publisher.
		if PUBLISHED
			.with(|p| p.borrow().iter().any(|(by, v)| by == publisher && v.hash == version.hash))
		{
			return Err(DispatchError::Other("content hash already registered"));
		}
		// The registry's deposit (usually less than the most), held from the publisher.
		let deposit = VERSION_DEPOSIT_NOW.with(|d| *d.borrow());
		Balances::hold(&crate::HoldReason::StorageDeposit.into(), publisher, deposit)?;
		let index = PUBLISHED.with(|p| p.borrow().len() as u32);
		PUBLISHED.with(|p| p.borrow_mut().push((*publisher, version)));
		Ok((ModelVersionRef { model: MODEL, version: 100 + index }, deposit))
	}
	fn publish_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

pub struct MockProviders;
impl ProviderDirectory<AccountId> for MockProviders {
	fn takes_work(who: &AccountId, kinds: u8) -> bool {
		PROVIDERS.with(|p| p.borrow().get(who).is_some_and(|k| k & kinds == kinds))
	}
	fn takes_work_weight() -> Weight {
		Weight::zero()
	}
}

/// Randomness from the subject and a seed tests may change, public since the parent block (as
/// the runtime's relay randomness, noted in the parent's inherent, is).
pub struct TestRandomness;
impl frame_support::traits::Randomness<sp_core::H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (sp_core::H256, u64) {
		let seed = SEED.with(|s| *s.borrow());
		(
			sp_core::H256(sp_io::hashing::blake2_256(&[subject, &seed.to_le_bytes()].concat())),
			System::block_number().saturating_sub(1),
		)
	}
}

parameter_types! {
	pub const FeeDestination: AccountId = TREASURY;
	pub const FederatedPalletId: PalletId = PalletId(*b"deai/fed");
	pub const ParticipantShare: Perbill = Perbill::from_percent(80);
	pub const ContributorsShare: Perbill = Perbill::from_percent(70);
	pub const MissedRevealSlash: Perbill = Perbill::from_percent(10);
	pub const PoisonSlash: Perbill = Perbill::from_percent(50);
}

impl pallet_federated::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = MockRegistry;
	type Publisher = MockPublisher;
	type Providers = MockProviders;
	type Randomness = TestRandomness;
	type FeeDestination = FeeDestination;
	type PalletId = FederatedPalletId;
	type MaxMembers = frame_support::traits::ConstU32<24>;
	type MaxRoundParticipants = frame_support::traits::ConstU32<16>;
	type MaxRoundEvaluators = frame_support::traits::ConstU32<5>;
	type MaxRounds = frame_support::traits::ConstU32<100>;
	type MaxUriLen = frame_support::traits::ConstU32<64>;
	type MinPhaseBlocks = frame_support::traits::ConstU64<2>;
	type MaxPhaseBlocks = frame_support::traits::ConstU64<1000>;
	type MaxPhaseEndsPerBlock = frame_support::traits::ConstU32<2>;
	type MinRoundPot = frame_support::traits::ConstU128<100>;
	type MinStake = frame_support::traits::ConstU128<100>;
	type ParticipantShare = ParticipantShare;
	type ContributorsShare = ContributorsShare;
	type MissedRevealSlash = MissedRevealSlash;
	type PoisonSlash = PoisonSlash;
	type DepositBase = frame_support::traits::ConstU128<10>;
	type DepositPerByte = frame_support::traits::ConstU128<0>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBench;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBench;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockBench {
	fn task_items(_: &AccountId) -> (ModelVersionRef, DatasetVersionRef, ModelId) {
		(base(), eval_dataset(), MODEL)
	}
	fn make_provider(who: &AccountId, _: &DatasetVersionRef) {
		make_provider(*who, deai_abi::job_kind::ALL);
	}
}

pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	// The treasury exists, as on a live chain (dust paid to it need not open it).
	let mut balances = vec![(OWNER, FUNDS), (STRANGER, FUNDS), (TREASURY, FUNDS)];
	for i in 0..16 {
		balances.push((P0 + i, FUNDS));
	}
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		PROVIDERS.with(|p| p.borrow_mut().clear());
		PINS.with(|p| p.borrow_mut().clear());
		PUBLISHED.with(|p| p.borrow_mut().clear());
		PUBLISH_FAILS.with(|f| *f.borrow_mut() = false);
		DATASET_REFUSED.with(|r| r.borrow_mut().clear());
		SEED.with(|s| *s.borrow_mut() = 0);
	});
	ext
}

pub fn new_test_ext() -> TestExternalities {
	TestExternalities(new_bench_ext())
}

/// Runs `do_try_state` after every test body.
pub struct TestExternalities(sp_io::TestExternalities);
impl TestExternalities {
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Federated::do_try_state().expect("federated invariants hold after the test");
			result
		})
	}
}
