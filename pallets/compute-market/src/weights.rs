//! Weights of `pallet_compute_market`, replaced by the benchmark CLI's output.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_compute_market`.
pub trait WeightInfo {
	fn register_provider() -> Weight;
	fn update_provider() -> Weight;
	fn submit_attestation() -> Weight;
	fn review_attestation() -> Weight;
	fn set_paused() -> Weight;
	fn top_up_bond() -> Weight;
	fn start_unbonding() -> Weight;
	fn withdraw_bond() -> Weight;
	fn post_job() -> Weight;
	fn cancel_job(b: u32) -> Weight;
	fn place_bid() -> Weight;
	fn select_bids(b: u32) -> Weight;
	fn accept_job() -> Weight;
	fn claim_job() -> Weight;
	fn submit_result() -> Weight;
	fn commit_result() -> Weight;
	fn reveal_result() -> Weight;
	fn report_failure() -> Weight;
	fn dispute_result() -> Weight;
	fn remove_receipt() -> Weight;
	fn settle(p: u32) -> Weight;
	fn on_initialize_deadlines(n: u32) -> Weight;
}

/// Interim weights until the benchmark CLI writes this file.
impl WeightInfo for () {
	fn register_provider() -> Weight { RocksDbWeight::get().reads_writes(2, 3) }
	fn update_provider() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn submit_attestation() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn review_attestation() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn set_paused() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn top_up_bond() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn start_unbonding() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn withdraw_bond() -> Weight { RocksDbWeight::get().reads_writes(2, 3) }
	fn post_job() -> Weight { RocksDbWeight::get().reads_writes(12, 8) }
	fn cancel_job(b: u32) -> Weight { RocksDbWeight::get().reads_writes(8 + 2 * b as u64, 8 + 2 * b as u64) }
	fn place_bid() -> Weight { RocksDbWeight::get().reads_writes(5, 3) }
	fn select_bids(b: u32) -> Weight { RocksDbWeight::get().reads_writes(8 + 2 * b as u64, 8 + 2 * b as u64) }
	fn accept_job() -> Weight { RocksDbWeight::get().reads_writes(6, 4) }
	fn claim_job() -> Weight { RocksDbWeight::get().reads_writes(6, 4) }
	fn submit_result() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn commit_result() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn reveal_result() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn report_failure() -> Weight { RocksDbWeight::get().reads_writes(10, 10) }
	fn dispute_result() -> Weight { RocksDbWeight::get().reads_writes(4, 4) }
	fn remove_receipt() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn settle(p: u32) -> Weight { RocksDbWeight::get().reads_writes(20 + 2 * p as u64, 20 + 2 * p as u64) }
	fn on_initialize_deadlines(n: u32) -> Weight { RocksDbWeight::get().reads_writes(2 + 40 * n as u64, 2 + 40 * n as u64) }
}
