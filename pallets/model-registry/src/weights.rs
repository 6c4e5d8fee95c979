//! Weights of `pallet_model_registry`, replaced by the benchmark CLI's output.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_model_registry`.
pub trait WeightInfo {
	fn register_model(c: u32) -> Weight;
	fn update_model(c: u32) -> Weight;
	fn set_maintainers(m: u32) -> Weight;
	fn publish_model_version(p: u32, d: u32) -> Weight;
	fn set_model_version_status() -> Weight;
	fn remove_model_version(p: u32, d: u32) -> Weight;
	fn remove_model() -> Weight;
	fn register_dataset(c: u32) -> Weight;
	fn update_dataset(c: u32) -> Weight;
	fn publish_dataset_version() -> Weight;
	fn set_dataset_version_status() -> Weight;
	fn remove_dataset_version() -> Weight;
	fn remove_dataset() -> Weight;
	fn approve_provider() -> Weight;
	fn revoke_provider() -> Weight;
	fn offer_ownership() -> Weight;
	fn accept_ownership() -> Weight;
	fn register_benchmark() -> Weight;
	fn remove_benchmark() -> Weight;
	fn submit_evaluation() -> Weight;
	fn challenge_evaluation() -> Weight;
	fn resolve_challenge() -> Weight;
	fn finalize_evaluation() -> Weight;
	fn remove_evaluation() -> Weight;
	fn take_down() -> Weight;
	fn restore() -> Weight;
	fn pay_usage(p: u32) -> Weight;
}

/// Interim weights until the benchmark CLI writes this file.
impl WeightInfo for () {
	fn register_model(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 3) }
	fn update_model(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn set_maintainers(_m: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn publish_model_version(p: u32, d: u32) -> Weight { RocksDbWeight::get().reads_writes(4 + 2 * (p + d) as u64, 5 + 2 * (p + d) as u64) }
	fn set_model_version_status() -> Weight { RocksDbWeight::get().reads_writes(2, 1) }
	fn remove_model_version(p: u32, d: u32) -> Weight { RocksDbWeight::get().reads_writes(3 + (p + d) as u64, 4 + 2 * (p + d) as u64) }
	fn remove_model() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn register_dataset(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 3) }
	fn update_dataset(_c: u32) -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn publish_dataset_version() -> Weight { RocksDbWeight::get().reads_writes(3, 4) }
	fn set_dataset_version_status() -> Weight { RocksDbWeight::get().reads_writes(2, 1) }
	fn remove_dataset_version() -> Weight { RocksDbWeight::get().reads_writes(3, 4) }
	fn remove_dataset() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn approve_provider() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn revoke_provider() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn offer_ownership() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn accept_ownership() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn register_benchmark() -> Weight { RocksDbWeight::get().reads_writes(4, 4) }
	fn remove_benchmark() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn submit_evaluation() -> Weight { RocksDbWeight::get().reads_writes(5, 6) }
	fn challenge_evaluation() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn resolve_challenge() -> Weight { RocksDbWeight::get().reads_writes(4, 4) }
	fn finalize_evaluation() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn remove_evaluation() -> Weight { RocksDbWeight::get().reads_writes(3, 4) }
	fn take_down() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn restore() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn pay_usage(p: u32) -> Weight { RocksDbWeight::get().reads_writes(8 + p as u64, 2 + p as u64) }
}
