//! Weights of `pallet_contributor_rewards`, replaced by the benchmark CLI's output.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_contributor_rewards`.
pub trait WeightInfo {
	fn claim(c: u32) -> Weight;
	fn set_category_weights() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_rollover(c: u32) -> Weight;
	fn on_idle_clear(n: u32) -> Weight;
}

/// Interim weights until the benchmark CLI writes this file.
impl WeightInfo for () {
	fn claim(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(4, 4) }
	fn set_category_weights() -> Weight { RocksDbWeight::get().writes(1) }
	fn on_initialize_idle() -> Weight { RocksDbWeight::get().reads(2) }
	fn on_initialize_rollover(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(6, 5) }
	fn on_idle_clear(n: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 1 + n as u64) }
}
