//! A test runtime: System and the relay randomness, with a fallback tests can recognise.

use crate as pallet_relay_randomness;
use frame_support::{derive_impl, traits::Randomness};
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		RelayRandomness: pallet_relay_randomness,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The fallback: the subject's hash with the marker `FALLBACK_BLOCK` as the block it was known
/// from.
pub struct TestFallback;
pub const FALLBACK_BLOCK: u64 = 777;
impl Randomness<H256, u64> for TestFallback {
	fn random(subject: &[u8]) -> (H256, u64) {
		(H256(sp_io::hashing::blake2_256(subject)), FALLBACK_BLOCK)
	}
}

impl pallet_relay_randomness::Config for Test {
	type Fallback = TestFallback;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
